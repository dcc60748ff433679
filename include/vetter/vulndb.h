/* vulndb.h - the vulnerability database: CVE records, their applicability statements (NVD
 * configurations), CISA KEV entries and FIRST EPSS scores in one SQLite file, with the
 * importers, the NVD API 2.0 updater and the matching of components against it.
 *
 * Everything imported is untrusted data: malformed records become diagnostics (counted in
 * the import statistics and logged), never a crash. The database is in WAL mode; every
 * import is one transaction and every page of an update is one transaction, so a failed
 * import or update leaves the previous data intact. See docs/vulndb.md.
 */
#ifndef VETTER_VULNDB_H
#define VETTER_VULNDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vetter/arena.h>
#include <vetter/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_vulndb;

/* Flags of vt_vulndb_open(). */
enum {
	VT_VULNDB_READONLY = 1, /* open for matching only; the file must exist */
	VT_VULNDB_CREATE = 2,   /* create the file (and its schema) when it does not exist */
};

/* Opens the database at `path` (":memory:" for a private in-memory database). Without
 * VT_VULNDB_CREATE the file must exist (VT_ENOTFOUND otherwise). An existing file of an
 * older schema version is migrated when opened writable; VT_EUNSUPPORTED when its schema is
 * newer than this vetter or it is not a vetter database, VT_EFORMAT when it is not SQLite. */
vt_err vt_vulndb_open(const char *path, int flags, struct vt_vulndb **out) VT_MUST_CHECK;

/* Closes the database; NULL is allowed. */
void vt_vulndb_close(struct vt_vulndb *db);

/* The message of the last error of `db` ("" when none); borrowed until the next call. */
const char *vt_vulndb_errmsg(const struct vt_vulndb *db);

/* The database vetter uses when none is named: $VETTER_DB when set; else the user's
 * database ($XDG_DATA_HOME/vetter/vulndb.sqlite, default ~/.local/share/...) when it
 * exists; else the bundled database (next to the running executable in a build tree, else
 * the installed data directory) when it exists; else the user's database path (which
 * `vetter db import` and `vetter db update` create). Never NULL; computed once. */
const char *vt_vulndb_default_path(void);

/* The user's database path ($XDG_DATA_HOME/vetter/vulndb.sqlite), NULL without a home. */
const char *vt_vulndb_user_path(void);

struct vt_vulndb_import_stats {
	size_t files;          /* files (and archive members) read */
	size_t records;        /* records seen (CVE, OSV, KEV and EPSS entries) */
	size_t cves_new;       /* CVE records not in the database before */
	size_t cves_updated;   /* CVE records or configurations replaced by newer data */
	size_t cves_unchanged; /* records already present with the same or newer data */
	size_t kev;            /* KEV catalogue entries stored */
	size_t epss;           /* EPSS scores stored */
	size_t osv;            /* OSV records stored */
	size_t skipped;        /* files whose content is of no known kind (README, LICENSE) */
	size_t errors;         /* malformed files or records (each logged as a warning) */
};

/* Imports `path`: a file, a directory tree (walked without following links) or a .tar,
 * .gz, .xz, .zst archive of them (also nested). The kind of each file is recognised by its
 * content: NVD API 2.0 response pages and feed files, single NVD CVE records (bare or
 * {"cve": ...}, also the nvd-data-overrides shape), CVE 5.x records (CNA and CISA ADP
 * CPEs and metrics), OSV records, the CISA KEV catalogue, FIRST EPSS CSV. The whole call is
 * one transaction: on any error other than malformed records (I/O, out of memory, a
 * database error) nothing is stored and the error is returned. Malformed records are
 * skipped and counted in st->errors (the rest is stored; VT_OK). Re-importing is
 * idempotent; for the same CVE and source, the record with the newer lastModified wins.
 * `st` may be NULL; it is zeroed first. */
vt_err vt_vulndb_import(struct vt_vulndb *db, const char *path,
			struct vt_vulndb_import_stats *st) VT_MUST_CHECK;

/* Imports a document held in memory (any kind vt_vulndb_import() recognises), named
 * `name` in diagnostics; one transaction. */
vt_err vt_vulndb_import_mem(struct vt_vulndb *db, const void *data, size_t len,
			    const char *name, struct vt_vulndb_import_stats *st) VT_MUST_CHECK;

struct vt_vulndb_update_opts {
	const char *url;          /* NVD CVE API 2.0 endpoint; NULL: the public one */
	const char *api_key;      /* sent as the apiKey header; NULL: none (lower rate limit) */
	const char *since;        /* lastModStartDate of an incremental update ("2024-05-01" or
				   * ISO 8601 time); NULL: from the end of the last complete
				   * update, or everything for a database never updated */
	const char *kev_url;      /* also fetch and import the KEV catalogue from here */
	const char *epss_url;     /* also fetch and import EPSS scores (CSV, may be gzip) */
	bool no_nvd;              /* only the KEV and EPSS downloads */
	unsigned results_per_page; /* 1-2000; 0: 2000 */
	long delay_ms;            /* pause between requests; <0: the NVD rule (6 s without a key,
				   * 0.6 s with one); $VETTER_NVD_DELAY_MS overrides */
	unsigned max_retries;     /* retries of one request (403, 429, 5xx, network errors,
				   * truncated or invalid bodies); 0: 5 */
	long backoff_ms;          /* first retry delay, doubled each retry; <=0: 6000;
				   * $VETTER_NVD_BACKOFF_MS overrides */
	long timeout_s;           /* per request; 0: 120 */
	bool quiet;               /* no progress messages (info level) */
};

struct vt_vulndb_update_stats {
	size_t requests;          /* HTTP requests made */
	size_t retries;           /* of which retries */
	size_t pages;             /* NVD pages committed */
	size_t cves;              /* CVE records received */
	bool resumed;             /* the update continued an interrupted one */
	struct vt_vulndb_import_stats imp; /* what the pages and downloads stored */
};

/* Fetches CVE records changed since the last update from the NVD API 2.0 (startIndex/
 * resultsPerPage pagination, lastModStartDate/lastModEndDate windows of at most 120 days)
 * and commits each page with the update cursor, so an interrupted update resumes where it
 * stopped. VT_EIO when a request still fails after its retries; the pages committed until
 * then stay. `o` and `st` may be NULL. */
vt_err vt_vulndb_update(struct vt_vulndb *db, const struct vt_vulndb_update_opts *o,
			struct vt_vulndb_update_stats *st) VT_MUST_CHECK;

/* What `vetter db info` shows. Strings live in `a`. */
struct vt_vulndb_info {
	const char *path;
	int schema_version;
	size_t cves, configurations, cpe_entries, kev, epss, osv;
	const char *last_import;  /* UTC time of the last import, NULL when none */
	const char *last_update;  /* UTC time up to which the NVD update is complete, or NULL */
	bool update_pending;      /* an interrupted update will be resumed */
	const char **sources;     /* "nvd 1234", "cve5 12", ...: configurations per source */
	size_t n_sources;
};

vt_err vt_vulndb_get_info(struct vt_vulndb *db, struct vt_arena *a,
			  struct vt_vulndb_info *out) VT_MUST_CHECK;

/* One component of the artifact in CPE terms: one query per (component, CPE pair). */
struct vt_vuln_query {
	char part;               /* 'a', 'o' or 'h' */
	const char *vendor, *product;
	const char *version;     /* upstream version; NULL or "" when unknown */
	const char *update;      /* CPE update field ("p1"), NULL for ANY */
};

struct vt_vuln_match {
	size_t query;              /* index into the queries */
	const char *cve, *description, *published, *last_modified;
	double cvss3_score; const char *cvss3_vector, *cvss3_severity; /* 0/NULL when absent */
	double cvss4_score; const char *cvss4_vector, *cvss4_severity;
	const char *cwe;           /* "CWE-787,CWE-20" or NULL */
	bool kev; const char *kev_date_added; bool kev_ransomware;
	bool has_epss; double epss, epss_percentile;
	const char *fixed;         /* first fixed version, NULL when unknown */
	const char *criteria;      /* the cpeMatch criteria that matched, with its range as text:
				    * "cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:* (< 1.36.1)" */
	const char *source;        /* where the configuration came from: "nvd",
				    * "nvd-overrides", "cve5", "osv" */
};

/* Matches the n queries, which are all the components of one artifact: AND-configurations
 * and platform ("running on") entries are evaluated against all of them together, and only
 * vulnerable entries satisfied by a query itself make a match for it. For each CVE the
 * configuration of the most trusted source is evaluated (nvd-overrides, then nvd, then
 * cve5, then osv). Results are sorted by query, then CVE; strings live in `a`.
 * A stored configuration that is malformed is skipped. */
vt_err vt_vulndb_match(struct vt_vulndb *db, const struct vt_vuln_query *q, size_t n,
		       struct vt_arena *a, struct vt_vuln_match **out, size_t *nout) VT_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
