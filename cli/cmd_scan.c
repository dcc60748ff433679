/* cmd_scan.c - `vetter scan PATH...`: review files and directory trees,
 * and `vetter extract IMAGE... -o DIR`: unpack into DIR with DIR/manifest.json.
 *
 * Both walk each input, analyse and unpack every file on a thread pool, write the report
 * (-o FILE, atomically through a temporary file beside it) and print a summary.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage_limits(FILE *f)
{
	fprintf(f, "      --max-nesting N    nested containers unpacked (default 16, at most 256)\n"
		   "      --max-bytes SIZE   total bytes extraction may write (default 16G)\n"
		   "      --max-ratio N      bytes a chunk may produce per byte (default 1000;\n"
		   "                         any chunk may produce 64 MiB)\n"
		   "      --max-files N      objects extraction may create (default 1000000)\n"
		   "  -j, --jobs N           worker threads (default: number of processors)\n"
		   "      --no-progress      no progress line on standard error\n"
		   "  -q, --quiet            no summary, only errors\n"
		   "  -v, --verbose          more messages (repeat for debug)\n"
		   "  -h, --help             show this help\n\n"
		   "Exit status: 0 done; 2 bad usage or an input could not be accessed;\n"
		   "3 fatal error (output not writable, out of memory).\n");
}

void usage_scan(FILE *f)
{
	fprintf(f,
		"usage: vetter scan [OPTIONS] PATH...\n\n"
		"Reviews files and directory trees: walks them without following symbolic\n"
		"links, unpacks every recognised format recursively (firmware headers,\n"
		"filesystems, archives, compressed streams), types and hashes every file,\n"
		"reads ELF facts and binary hardening of every architecture, identifies\n"
		"components and their versions, matches them with known vulnerabilities and\n"
		"runs the analyzers (accounts, services at boot, keys and certificates,\n"
		"secrets, network endpoints, file permissions, YARA rules). Problems with\n"
		"single objects become diagnostics in the report.\n\n"
		"Options:\n"
		"  -o, --output FILE      write the report to FILE ('-' for standard output)\n"
		"  -f, --format FORMAT    report format:");
	for (const struct vt_report_writer *const *w = vt_report_writers(); *w; w++)
		fprintf(f, " %s", (*w)->name);
	fprintf(f, "\n"
		   "                         (default: from FILE's extension, else json; without\n"
		   "                         -o the text summary goes to standard output)\n"
		   "      --no-extract       do not unpack anything\n"
		   "      --extract-dir DIR  keep the unpacked files in DIR (default: a temporary\n"
		   "                         directory, removed at the end)\n"
		   "  -x, --one-file-system  do not descend into other mounted filesystems\n"
		   "      --max-depth N      directory depth limit (default 256)\n"
		   "\nAnalysis:\n"
		   "      --sbom FORMAT      write an SBOM instead of the report: cyclonedx or spdx\n"
		   "                         (JSON; to FILE with -o)\n"
		   "      --declared-sbom FILE  compare with the vendor's SBOM (CycloneDX or SPDX\n"
		   "                         JSON): undeclared, absent and mismatched components\n"
		   "      --db FILE          vulnerability database (default: VETTER_DB, the user's\n"
		   "                         database, else the bundled one)\n"
		   "      --no-vulns         do not match vulnerabilities\n"
		   "      --vex FILE         VEX statements (OpenVEX or CycloneDX) for the matches\n"
		   "      --rules DIR        YARA rules applied to every object\n"
		   "      --analyzers LIST   run only these analyzers (comma-separated)\n"
		   "      --no-analyzers     no findings, no components: unpack and inventory only\n"
		   "      --data DIR         catalogue and data directory (default: built in)\n"
		   "\nLimits and output:\n");
	usage_limits(f);
}

void usage_extract(FILE *f)
{
	fprintf(f,
		"usage: vetter extract [OPTIONS] -o DIR IMAGE...\n\n"
		"Unpacks every recognised format in each IMAGE recursively into DIR and writes\n"
		"DIR/manifest.json: every object with its path, type, parent, offset in the\n"
		"parent, size, SHA-256, mode, owner, link target and diagnostics. Names that\n"
		"would leave DIR are rebased inside it and reported; links are stored, never\n"
		"followed; device nodes and fifos are recorded, not created.\n\n"
		"Options:\n"
		"  -o, --output DIR       where to unpack (created; must be empty)\n");
	usage_limits(f);
}

struct scan_args {
	bool extract_cmd; /* `vetter extract` */
	const char *output;
	const char *format;
	const char *extract_dir;
	bool no_extract;
	unsigned jobs, max_depth;
	struct vt_limits lim;
	bool one_fs, progress;
	int verbosity;
	const char *sbom, *declared_sbom, *db, *vex, *rules, *analyzers, *data;
	bool no_vulns, no_analyzers;
};

/* A size with an optional K, M, G or T suffix (powers of 1024). */
static bool parse_size(const char *opt, const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (*end && !end[1])
		shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30
			: *end == 'T' ? 40 : 64;
	if (errno || end == s || *s == '-' || (*end && shift == 64) || (*end && end[1]) ||
	    (shift && v > (UINT64_MAX >> shift)) || v == 0) {
		fprintf(stderr, "vetter: invalid value '%s' for %s\n", s, opt);
		return false;
	}
	*out = (uint64_t)v << shift;
	return true;
}

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
		{"no-extract", no_argument, NULL, 'N'},
		{"extract-dir", required_argument, NULL, 'E'},
		{"max-nesting", required_argument, NULL, 'n'},
		{"max-bytes", required_argument, NULL, 'B'},
		{"max-ratio", required_argument, NULL, 'R'},
		{"max-files", required_argument, NULL, 'F'},
		{"sbom", required_argument, NULL, 1000},
		{"declared-sbom", required_argument, NULL, 1001},
		{"db", required_argument, NULL, 1002},
		{"no-vulns", no_argument, NULL, 1003},
		{"vex", required_argument, NULL, 1004},
		{"rules", required_argument, NULL, 1005},
		{"analyzers", required_argument, NULL, 1006},
		{"no-analyzers", no_argument, NULL, 1007},
		{"data", required_argument, NULL, 1008},
		{NULL, 0, NULL, 0},
	};
	int c;
	unsigned u;
	optind = 1;
	while ((c = getopt_long(argc, argv, a->extract_cmd ? "o:j:qvh" : "o:f:j:xqvh", opts,
				NULL)) != -1) {
		if (a->extract_cmd && c >= 1000) {
			fprintf(stderr, "vetter: extract does not analyse; use 'vetter scan'\n");
			return EXIT_USAGE;
		}
		switch (c) {
		case 1000:
			if (strcmp(optarg, "cyclonedx") && strcmp(optarg, "spdx")) {
				fprintf(stderr, "vetter: --sbom takes cyclonedx or spdx, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			a->sbom = optarg;
			break;
		case 1001:
			a->declared_sbom = optarg;
			break;
		case 1002:
			a->db = optarg;
			break;
		case 1003:
			a->no_vulns = true;
			break;
		case 1004:
			a->vex = optarg;
			break;
		case 1005:
			a->rules = optarg;
			break;
		case 1006:
			a->analyzers = optarg;
			break;
		case 1007:
			a->no_analyzers = true;
			break;
		case 1008:
			a->data = optarg;
			break;
		case 'N':
			a->no_extract = true;
			break;
		case 'E':
			a->extract_dir = optarg;
			break;
		case 'n':
			if (!cli_parse_uint("--max-nesting", optarg, 256, &u) || !u)
				return EXIT_USAGE;
			a->lim.max_depth = u;
			break;
		case 'B':
			if (!parse_size("--max-bytes", optarg, &a->lim.max_bytes))
				return EXIT_USAGE;
			break;
		case 'R':
			if (!cli_parse_uint("--max-ratio", optarg, 1000000, &u) || !u)
				return EXIT_USAGE;
			a->lim.max_ratio = u;
			break;
		case 'F':
			if (!parse_size("--max-files", optarg, &a->lim.max_files))
				return EXIT_USAGE;
			break;
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
			(a->extract_cmd ? usage_extract : usage_scan)(stdout);
			return -1;
		default:
			fprintf(stderr, "Try 'vetter %s --help'.\n", a->extract_cmd ? "extract" : "scan");
			return EXIT_USAGE;
		}
	}
	const char *cmd = a->extract_cmd ? "extract" : "scan";
	if (optind >= argc) {
		fprintf(stderr, "vetter: %s needs at least one %s (see 'vetter %s --help')\n", cmd,
			a->extract_cmd ? "IMAGE" : "PATH", cmd);
		return EXIT_USAGE;
	}
	if (a->extract_cmd && !a->output) {
		fprintf(stderr, "vetter: extract needs -o DIR (see 'vetter extract --help')\n");
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

static int run(int argc, char **argv, struct scan_args *args)
{
	struct scan_args a = *args;
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	const char *manifest = NULL;
	if (a.extract_cmd) {
		/* extract: the output is the directory; the manifest is the JSON report in it */
		a.extract_dir = a.output;
		size_t n = strlen(a.output) + 16;
		char *m = malloc(n);
		if (!m)
			return EXIT_FATAL;
		snprintf(m, n, "%s/manifest.json", a.output);
		manifest = m;
		a.output = manifest;
		a.format = "json";
		a.no_analyzers = true;
	}
	if (a.sbom) {
		if (a.format && strcmp(a.format, a.sbom)) {
			fprintf(stderr, "vetter: --sbom %s and --format %s disagree\n", a.sbom, a.format);
			return EXIT_USAGE;
		}
		a.format = a.sbom;
	}
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
	o.extract = !a.no_extract;
	o.output_dir = a.extract_dir;
	o.limits = a.lim;
	o.no_analyzers = a.no_analyzers;
	o.only_analyzers = a.analyzers;
	o.data_dir = a.data;
	o.rules_dir = a.rules;
	o.vulndb = a.no_vulns ? "" : a.db;
	o.vex = a.vex;
	o.declared_sbom = a.declared_sbom;
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
		fprintf(stderr, "vetter: %s failed: %s\n", a.extract_cmd ? "extract" : "scan",
			vt_strerror(e));
		vt_review_free(r);
		cli_progress_free(prog);
		free((char *)manifest);
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
	free((char *)manifest);
	return status;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_args a = {.progress = true};
	return run(argc, argv, &a);
}

int cmd_extract(int argc, char **argv)
{
	struct scan_args a = {.progress = true, .extract_cmd = true};
	return run(argc, argv, &a);
}
