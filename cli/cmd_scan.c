/* cmd_scan.c - `vetter scan PATH...`: inventory files and directory trees.
 *
 * Walks each input, analyses every file on a thread pool, writes the chosen report
 * (-o FILE, atomically through a temporary file beside it) and prints a summary.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void usage_scan(FILE *f)
{
	fprintf(f,
		"usage: vetter scan [OPTIONS] PATH...\n\n"
		"Inventories files and directory trees: walks them without following symbolic\n"
		"links, types every file, hashes it (SHA-256) and reads ELF headers of every\n"
		"architecture. Problems with single objects become diagnostics in the report.\n\n"
		"Options:\n"
		"  -o, --output FILE      write the report to FILE ('-' for standard output)\n"
		"  -f, --format FORMAT    report format:");
	for (const struct vt_report_writer *const *w = vt_report_writers(); *w; w++)
		fprintf(f, " %s", (*w)->name);
	fprintf(f, "\n"
		   "                         (default: from FILE's extension, else json; without\n"
		   "                         -o the text summary goes to standard output)\n"
		   "  -j, --jobs N           worker threads (default: number of processors)\n"
		   "  -x, --one-file-system  do not descend into other mounted filesystems\n"
		   "      --max-depth N      directory depth limit (default 256)\n"
		   "      --no-progress      no progress line on standard error\n"
		   "  -q, --quiet            no summary, only errors\n"
		   "  -v, --verbose          more messages (repeat for debug)\n"
		   "  -h, --help             show this help\n\n"
		   "Exit status: 0 scanned; 2 bad usage or an input could not be accessed;\n"
		   "3 fatal error (output not writable, out of memory).\n");
}

struct scan_args {
	const char *output;
	const char *format;
	unsigned jobs, max_depth;
	bool one_fs, progress;
	int verbosity;
};

static int parse(int argc, char **argv, struct scan_args *a)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"jobs", required_argument, NULL, 'j'},
		{"one-file-system", no_argument, NULL, 'x'},
		{"max-depth", required_argument, NULL, 'D'},
		{"no-progress", no_argument, NULL, 'P'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:j:xqvh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case 'f':
			a->format = optarg;
			break;
		case 'j':
			if (!cli_parse_uint("--jobs", optarg, 1024, &a->jobs))
				return EXIT_USAGE;
			break;
		case 'x':
			a->one_fs = true;
			break;
		case 'D':
			if (!cli_parse_uint("--max-depth", optarg, 256, &a->max_depth))
				return EXIT_USAGE;
			break;
		case 'P':
			a->progress = false;
			break;
		case 'q':
			a->verbosity = -1;
			a->progress = false;
			break;
		case 'v':
			if (a->verbosity >= 0)
				a->verbosity++;
			break;
		case 'h':
			usage_scan(stdout);
			return -1;
		default:
			fprintf(stderr, "Try 'vetter scan --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "vetter: scan needs at least one PATH (see 'vetter scan --help')\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Writes the report to `path` through a temporary file renamed into place, so a reader
 * never sees half a report. */
static int write_report(const struct vt_review *r, const struct vt_report_writer *w,
			const char *path, const struct vt_report_opts *ro)
{
	if (!strcmp(path, "-")) {
		vt_err e = w->write(r, ro, stdout);
		if (e || fflush(stdout) != 0) {
			fprintf(stderr, "vetter: cannot write the report: %s\n", vt_strerror(e ? e : VT_EIO));
			return EXIT_FATAL;
		}
		return EXIT_OK;
	}
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return EXIT_FATAL;
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "vetter: cannot create '%s': %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(tmp);
		return EXIT_FATAL;
	}
	fchmod(fd, 0644);
	vt_err e = w->write(r, ro, f);
	if (fclose(f) != 0 && !e)
		e = VT_EIO;
	if (!e && rename(tmp, path) != 0)
		e = VT_EIO;
	if (e) {
		fprintf(stderr, "vetter: cannot write '%s': %s\n", path, vt_strerror(e));
		unlink(tmp);
		free(tmp);
		return EXIT_FATAL;
	}
	free(tmp);
	return EXIT_OK;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_args a = {.progress = true};
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	vt_log_set_level(a.verbosity < 0	? VT_LOG_ERROR
			 : a.verbosity == 0 ? VT_LOG_WARN
			 : a.verbosity == 1 ? VT_LOG_INFO
					    : VT_LOG_DEBUG);

	const struct vt_report_writer *w = NULL;
	if (a.format && !(w = vt_report_find(a.format))) {
		fprintf(stderr, "vetter: unknown report format '%s' (formats:", a.format);
		for (const struct vt_report_writer *const *x = vt_report_writers(); *x; x++)
			fprintf(stderr, " %s", (*x)->name);
		fprintf(stderr, ")\n");
		return EXIT_USAGE;
	}
	if (!w && a.output)
		w = vt_report_for_path(a.output);
	if (!w && a.output)
		w = vt_report_find("json");
	const char *output = a.output ? a.output : w ? "-" : NULL;
	bool to_stdout = output && !strcmp(output, "-");

	struct cli_progress *prog = cli_progress_new(a.progress);
	struct vt_review_opts o;
	vt_review_opts_init(&o);
	o.jobs = a.jobs;
	o.one_file_system = a.one_fs;
	o.max_depth = a.max_depth;
	o.progress = cli_progress_update;
	o.progress_ud = prog;
	struct vt_review *r = vt_review_new(&o);
	if (!r) {
		fprintf(stderr, "vetter: out of memory\n");
		cli_progress_free(prog);
		return EXIT_FATAL;
	}
	int status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		vt_err e = vt_review_add_input(r, argv[i]);
		if (e == VT_ENOMEM) {
			status = EXIT_FATAL;
			break;
		}
		if (e) {
			fprintf(stderr, "vetter: cannot scan '%s': %s\n", argv[i], vt_strerror(e));
			status = EXIT_USAGE;
		}
	}
	vt_err e = status == EXIT_FATAL ? VT_ENOMEM : vt_review_run(r);
	if (e) {
		fprintf(stderr, "vetter: scan failed: %s\n", vt_strerror(e));
		vt_review_free(r);
		cli_progress_free(prog);
		return EXIT_FATAL;
	}
	struct vt_report_opts ro = {.output_name = to_stdout ? NULL : output};
	if (w) {
		int wrc = write_report(r, w, output, &ro);
		if (wrc)
			status = wrc;
	}
	if (a.verbosity >= 0 && (!w || strcmp(w->name, "text") != 0)) {
		FILE *sf = to_stdout ? stderr : stdout;
		if (!to_stdout || a.output) /* --format json without -o: the report alone */
			vt_report_find("text")->write(r, &ro, sf);
	}
	vt_review_free(r);
	cli_progress_free(prog);
	return status;
}
