/* db.h - the SQLite side of the vulnerability database: the handle, the schema, prepared
 * statements and the store operations the importers use.
 *
 * Importers parse untrusted records and call the vti_db_put_* functions with values they
 * have type-checked; these functions bind them as SQL parameters (never into SQL text).
 */
#ifndef VTI_VULNDB_DB_H
#define VTI_VULNDB_DB_H

#include <jansson.h>
#include <sqlite3.h>

#include "core/internal.h"
#include <vetter/vulndb.h>

#define VTI_DB_SCHEMA_VERSION 2

enum vti_stmt_id {
	VTI_ST_CVE_UPSERT,
	VTI_ST_CVE_EXISTS,
	VTI_ST_CFG_GET,
	VTI_ST_CFG_UPSERT,
	VTI_ST_IDX_DELETE,
	VTI_ST_IDX_INSERT,
	VTI_ST_KEV_REPLACE,
	VTI_ST_KEV_IGNORE,
	VTI_ST_EPSS_UPSERT,
	VTI_ST_OSV_UPSERT,
	VTI_ST_OSV_AFF_DELETE,
	VTI_ST_OSV_AFF_INSERT,
	VTI_ST_MATCH_CAND,
	VTI_ST_MATCH_CFG,
	VTI_ST_MATCH_CVE,
	VTI_ST_MATCH_KEV,
	VTI_ST_MATCH_EPSS,
	VTI_ST_COUNT
};

struct vt_vulndb {
	sqlite3 *db;
	char *path;
	bool readonly;
	int txn;                  /* nesting depth of vti_db_begin() */
	sqlite3_stmt *st[VTI_ST_COUNT];
	char err[512];
};

/* Import context: where records go and what is counted. */
struct vti_imp {
	struct vt_vulndb *db;
	struct vt_vulndb_import_stats *st;
	const char *name;         /* file or member being read, for diagnostics */
	unsigned depth;           /* archive nesting */
	vt_err fatal;             /* a database or memory error: the import must stop */
	int rec_state;            /* VTI_REC_*: what storing the current record changed */
};

enum { VTI_REC_UNCHANGED = 0, VTI_REC_UPDATED = 1, VTI_REC_NEW = 2 };

/* Starts and ends one record: the end counts it as new, updated or unchanged. */
void vti_imp_record_begin(struct vti_imp *imp);
void vti_imp_record_end(struct vti_imp *imp);

/* Sets db->err from printf-style arguments and returns e. */
vt_err vti_db_fail(struct vt_vulndb *db, vt_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A malformed record or file: counted, logged, the import goes on. */
void vti_imp_diag(struct vti_imp *imp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

vt_err vti_db_exec(struct vt_vulndb *db, const char *sql) VT_MUST_CHECK;
vt_err vti_db_begin(struct vt_vulndb *db) VT_MUST_CHECK;
vt_err vti_db_commit(struct vt_vulndb *db) VT_MUST_CHECK;
void vti_db_rollback(struct vt_vulndb *db);

/* The cached prepared statement `id`, reset and with its bindings cleared; NULL on error
 * (db->err set). */
sqlite3_stmt *vti_db_stmt(struct vt_vulndb *db, enum vti_stmt_id id);

/* A string from the meta table in `a`, or NULL. */
char *vti_db_meta_get(struct vt_vulndb *db, const char *key, struct vt_arena *a);
vt_err vti_db_meta_set(struct vt_vulndb *db, const char *key, const char *value) VT_MUST_CHECK;

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void vti_utc_now(char buf[32]);

/* One CVE's descriptive fields; NULL fields are unknown. */
struct vti_cve_rec {
	const char *id, *description, *published, *last_modified, *status;
	const char *cvss3_vector, *cvss3_severity;
	double cvss3_score;
	const char *cvss4_vector, *cvss4_severity;
	double cvss4_score;
	const char *cwe;
	const char *source;
};

/* Stores the fields of a CVE: when the record is newer than what is stored (or nothing is),
 * its known fields replace the stored ones; otherwise it only fills unknown fields. Counts
 * new records. */
vt_err vti_db_put_cve(struct vti_imp *imp, const struct vti_cve_rec *r) VT_MUST_CHECK;

/* Stores a CVE's NVD-shaped "configurations" array from `source` (replacing the stored one
 * of the same source when `last_modified` is newer, or equal with different content) and
 * rebuilds its CPE index entries. Counts updated/unchanged. */
vt_err vti_db_put_config(struct vti_imp *imp, const char *cve, const char *source,
			 const char *last_modified, const json_t *configurations) VT_MUST_CHECK;

struct vti_kev_rec {
	const char *cve, *vendor, *product, *name, *date_added, *due, *action, *notes;
	bool ransomware;
};

/* replace: the catalogue's entry replaces what is stored; else only adds a missing one
 * (KEV facts carried by NVD or CVE 5 records). */
vt_err vti_db_put_kev(struct vti_imp *imp, const struct vti_kev_rec *k, bool replace)
	VT_MUST_CHECK;

vt_err vti_db_put_epss(struct vti_imp *imp, const char *cve, double score, double pct,
		       const char *date) VT_MUST_CHECK;

/* Is s a plausible vulnerability identifier ("CVE-2024-1234", "GHSA-...", "OSV-2022-1")? */
bool vti_valid_vuln_id(const char *s);

/* Ranking of configuration sources for matching (lower is preferred). */
int vti_source_rank(const char *source);

#endif
