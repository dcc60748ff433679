/* cmd_db.c - `vetter db`: the vulnerability database.
 *
 *   vetter db import [--db FILE] PATH...   NVD/CVE 5/OSV records, KEV, EPSS; dirs, archives
 *   vetter db update [--db FILE] [...]     NVD API 2.0, KEV and EPSS downloads
 *   vetter db info [--db FILE]             counts, times and sources
 *
 * Import and update write the database named by --db, else $VETTER_DB, else the user's
 * database (created with its directory). Info reads --db, else the database scan uses.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void usage_db(FILE *f)
{
	fprintf(f,
		"usage: vetter db import [--db FILE] PATH...\n"
		"       vetter db update [--db FILE] [--api-key KEY] [--url URL] [--since DATE]\n"
		"                        [--kev URL] [--epss URL] [--no-nvd]\n"
		"       vetter db info [--db FILE]\n"
		"\nThe vulnerability database.\n"
		"\n  import   loads files, directories (a clone of an NVD JSON mirror) and .tar,\n"
		"           .gz, .xz, .zst archives of NVD API 2.0 pages or CVE records, CVE 5\n"
		"           records, OSV records, the CISA KEV catalogue and FIRST EPSS CSV\n"
		"  update   fetches what changed since the last update from the NVD API 2.0\n"
		"           (resuming an interrupted update), and KEV/EPSS with --kev/--epss\n"
		"  info     counts, last import and update, sources\n"
		"\nOptions:\n"
		"      --db FILE          the database (default: VETTER_DB, else the user's\n"
		"                         database ~/.local/share/vetter/vulndb.sqlite)\n"
		"      --api-key KEY      NVD API key (default: NVD_API_KEY); raises the rate\n"
		"                         limit from 5 to 50 requests per 30 s\n"
		"      --url URL          the NVD CVE API 2.0 endpoint (a mirror)\n"
		"      --since DATE       update what changed since DATE (YYYY-MM-DD or ISO"
		" 8601);\n"
		"                         default: since the last complete update, or everything\n"
		"      --kev URL          also import the CISA KEV catalogue from URL\n"
		"      --epss URL         also import FIRST EPSS scores (CSV, may be gzip)"
		" from URL\n"
		"      --no-nvd           only the --kev and --epss downloads\n"
		"      --results-per-page N  NVD page size (1-2000, default 2000)\n"
		"      --delay-ms N       pause between NVD requests (default 6000, 600 with"
		" a key)\n"
		"      --retries N        retries of a failed request (default 5)\n"
		"  -q, --quiet            only errors\n"
		"\nExit status: 0 done; 1 done, but malformed records were skipped or the update\n"
		"failed (what was committed stays, the next update resumes); 2 usage; 3 fatal.\n");
}

static int mkdirs_for(const char *path)
{
	char *d = strdup(path);
	if (!d)
		return -1;
	char *slash = strrchr(d, '/');
	if (!slash || slash == d) {
		free(d);
		return 0;
	}
	*slash = 0;
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(d, 0755) && errno != EEXIST) {
			free(d);
			return -1;
		}
		*p = '/';
	}
	int rc = mkdir(d, 0755) && errno != EEXIST ? -1 : 0;
	free(d);
	return rc;
}

static const char *write_path(const char *db)
{
	if (db)
		return db;
	const char *env = getenv("VETTER_DB");
	if (env && *env)
		return env;
	return vt_vulndb_user_path();
}

static int open_db(const char *path, int flags, struct vt_vulndb **db)
{
	if (!path) {
		fprintf(stderr, "vetter: no database path: use --db or VETTER_DB\n");
		return EXIT_USAGE;
	}
	if ((flags & VT_VULNDB_CREATE) && mkdirs_for(path)) {
		fprintf(stderr, "vetter: cannot create the directory of '%s': %s\n", path,
			strerror(errno));
		return EXIT_FATAL;
	}
	vt_err e = vt_vulndb_open(path, flags, db);
	if (e) {
		fprintf(stderr, "vetter: cannot open database '%s': %s\n", path, vt_strerror(e));
		return e == VT_ENOTFOUND || e == VT_EACCES ? EXIT_USAGE : EXIT_FATAL;
	}
	return EXIT_OK;
}

static void print_stats(const char *what, const struct vt_vulndb_import_stats *s)
{
	printf("%s: %zu files, %zu records: %zu new, %zu updated, %zu unchanged; %zu KEV, "
	       "%zu EPSS, %zu OSV; %zu skipped, %zu errors\n",
	       what, s->files, s->records, s->cves_new, s->cves_updated, s->cves_unchanged, s->kev,
	       s->epss, s->osv, s->skipped, s->errors);
}

static int db_import(int argc, char **argv, const char *dbpath, bool quiet)
{
	if (optind >= argc) {
		fprintf(stderr, "vetter: db import needs at least one PATH\n");
		return EXIT_USAGE;
	}
	struct vt_vulndb *db;
	int rc = open_db(write_path(dbpath), VT_VULNDB_CREATE, &db);
	if (rc)
		return rc;
	int status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		struct vt_vulndb_import_stats st;
		vt_err e = vt_vulndb_import(db, argv[i], &st);
		if (e) {
			fprintf(stderr,
				"vetter: import of '%s' failed (nothing of it stored): %s\n",
				argv[i], vt_vulndb_errmsg(db));
			bool usage = e == VT_ENOTFOUND || e == VT_EACCES || e == VT_ENOTSUP;
			status = usage ? EXIT_USAGE : EXIT_FATAL;
			break;
		}
		if (!quiet)
			print_stats(argv[i], &st);
		if (st.errors && status == EXIT_OK)
			status = 1;
	}
	vt_vulndb_close(db);
	return status;
}

static int db_info(const char *dbpath)
{
	const char *path = dbpath ? dbpath : vt_vulndb_default_path();
	struct vt_vulndb *db;
	int rc = open_db(path, VT_VULNDB_READONLY, &db);
	if (rc)
		return rc;
	struct vt_arena *a = vt_arena_new();
	struct vt_vulndb_info in;
	vt_err e = a ? vt_vulndb_get_info(db, a, &in) : VT_ENOMEM;
	if (e) {
		fprintf(stderr, "vetter: %s: %s\n", path, vt_strerror(e));
		vt_arena_free(a);
		vt_vulndb_close(db);
		return EXIT_FATAL;
	}
	printf("database:        %s (schema %d)\n", in.path, in.schema_version);
	printf("CVEs:            %zu\n", in.cves);
	printf("configurations:  %zu (%zu CPE entries)\n", in.configurations, in.cpe_entries);
	printf("KEV entries:     %zu\n", in.kev);
	printf("EPSS scores:     %zu\n", in.epss);
	printf("OSV records:     %zu\n", in.osv);
	printf("last import:     %s\n", in.last_import ? in.last_import : "never");
	printf("NVD updated to:  %s%s\n", in.last_update ? in.last_update : "never",
	       in.update_pending ? " (an interrupted update will resume)" : "");
	printf("sources:        ");
	for (size_t i = 0; i < in.n_sources; i++)
		printf(" %s%s", in.sources[i], i + 1 < in.n_sources ? "," : "");
	printf("%s\n", in.n_sources ? "" : " none");
	vt_arena_free(a);
	vt_vulndb_close(db);
	return EXIT_OK;
}

static bool parse_long(const char *opt, const char *s, long max, long *out)
{
	unsigned v;
	if (!cli_parse_uint(opt, s, (unsigned)max, &v))
		return false;
	*out = (long)v;
	return true;
}

int cmd_db(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_db(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "import") && strcmp(sub, "update") && strcmp(sub, "info")) {
		fprintf(stderr, "vetter: '%s' is not a db command (import, update, info)\n", sub);
		return EXIT_USAGE;
	}
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"api-key", required_argument, NULL, 'k'},
		{"url", required_argument, NULL, 'u'},
		{"since", required_argument, NULL, 's'},
		{"kev", required_argument, NULL, 'K'},
		{"epss", required_argument, NULL, 'E'},
		{"no-nvd", no_argument, NULL, 'N'},
		{"results-per-page", required_argument, NULL, 'r'},
		{"delay-ms", required_argument, NULL, 'w'},
		{"retries", required_argument, NULL, 'R'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dbpath = NULL;
	bool quiet = false;
	struct vt_vulndb_update_opts uo = {.delay_ms = -1};
	bool update_only = false;
	unsigned u;
	long l;
	int c;
	optind = 1;
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (strchr("kusKENrwR", c))
			update_only = true;
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'k':
			uo.api_key = optarg;
			break;
		case 'u':
			uo.url = optarg;
			break;
		case 's':
			uo.since = optarg;
			break;
		case 'K':
			uo.kev_url = optarg;
			break;
		case 'E':
			uo.epss_url = optarg;
			break;
		case 'N':
			uo.no_nvd = true;
			break;
		case 'r':
			if (!cli_parse_uint("--results-per-page", optarg, 2000, &u) || !u)
				return EXIT_USAGE;
			uo.results_per_page = u;
			break;
		case 'w':
			if (!parse_long("--delay-ms", optarg, 600000, &l))
				return EXIT_USAGE;
			uo.delay_ms = l;
			break;
		case 'R':
			if (!cli_parse_uint("--retries", optarg, 100, &u) || !u)
				return EXIT_USAGE;
			uo.max_retries = u;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage_db(stdout);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (update_only && strcmp(sub, "update")) {
		fprintf(stderr, "vetter: db %s: that option is for 'db update'\n", sub);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "import"))
		return db_import(argc, argv, dbpath, quiet);
	if (optind < argc) {
		fprintf(stderr, "vetter: db %s takes no arguments\n", sub);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "info"))
		return db_info(dbpath);

	if (!uo.api_key) {
		const char *k = getenv("NVD_API_KEY");
		if (k && *k)
			uo.api_key = k;
	}
	uo.quiet = quiet;
	if (!quiet && vt_log_get_level() < VT_LOG_INFO)
		vt_log_set_level(VT_LOG_INFO);
	struct vt_vulndb *db;
	int rc = open_db(write_path(dbpath), VT_VULNDB_CREATE, &db);
	if (rc)
		return rc;
	struct vt_vulndb_update_stats st;
	vt_err e = vt_vulndb_update(db, &uo, &st);
	if (!quiet)
		printf("update: %zu requests (%zu retries), %zu pages, %zu CVE records%s; "
		       "%zu new, %zu updated; %zu KEV, %zu EPSS\n",
		       st.requests, st.retries, st.pages, st.cves, st.resumed ? " (resumed)" : "",
		       st.imp.cves_new, st.imp.cves_updated, st.imp.kev, st.imp.epss);
	if (e)
		fprintf(stderr, "vetter: update failed: %s\n", vt_vulndb_errmsg(db));
	vt_vulndb_close(db);
	if (e == VT_EINVAL)
		return EXIT_USAGE;
	return e ? (e == VT_ENOMEM ? EXIT_FATAL : 1) : EXIT_OK;
}
