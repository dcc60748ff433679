/* db.c - the vulnerability database file: open/create, schema and migrations by
 * user_version, WAL, transactions, prepared statements, and the store operations the
 * importers call.
 *
 * Values come from untrusted records but reach SQLite only as bound parameters. Dates
 * are ISO 8601 strings and compare as text ("2024-03-29T17:15:21.150" <
 * "2024-08-04T18:13:30.492Z"), which is what "the newer lastModified wins" needs.
 */
#include "core/internal.h"

#include <ctype.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vulndb/cpe.h"
#include "vulndb/db.h"
#include "vulndb/import.h"

/* Version 1: the first schema. Version 2: the (vendor, product) index of cpe_index covers
 * every column matching reads, so a component's index entries are read from consecutive
 * index pages without a table lookup per entry (matching 1,000 components read 30% less).
 * A later version adds a step to migrate[] and never edits an earlier one. */
static const char *const migrate[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	"CREATE TABLE cve(id TEXT PRIMARY KEY, description TEXT, published TEXT,"
	" last_modified TEXT, status TEXT, cvss3_vector TEXT, cvss3_score REAL,"
	" cvss3_severity TEXT, cvss4_vector TEXT, cvss4_score REAL, cvss4_severity TEXT,"
	" cwe TEXT, source TEXT) WITHOUT ROWID;"
	"CREATE TABLE config(cve_id TEXT NOT NULL, source TEXT NOT NULL, rank INTEGER NOT NULL,"
	" last_modified TEXT, json TEXT NOT NULL, PRIMARY KEY(cve_id, source)) WITHOUT ROWID;"
	"CREATE TABLE cpe_index(vendor TEXT NOT NULL, product TEXT NOT NULL, part TEXT NOT NULL,"
	" cve_id TEXT NOT NULL, source TEXT NOT NULL, version TEXT, cpe_update TEXT,"
	" start_incl TEXT, start_excl TEXT, end_incl TEXT, end_excl TEXT);"
	"CREATE INDEX cpe_index_vp ON cpe_index(vendor, product);"
	"CREATE INDEX cpe_index_cve ON cpe_index(cve_id, source);"
	"CREATE TABLE kev(cve_id TEXT PRIMARY KEY, vendor TEXT, product TEXT, name TEXT,"
	" date_added TEXT, due TEXT, ransomware INTEGER NOT NULL DEFAULT 0,"
	" required_action TEXT, notes TEXT) WITHOUT ROWID;"
	"CREATE TABLE epss(cve_id TEXT PRIMARY KEY, score REAL, percentile REAL, date TEXT)"
	" WITHOUT ROWID;"
	"CREATE TABLE osv(id TEXT PRIMARY KEY, cve_id TEXT, modified TEXT, aliases TEXT,"
	" summary TEXT) WITHOUT ROWID;"
	"CREATE TABLE osv_affected(osv_id TEXT NOT NULL, ecosystem TEXT, package TEXT,"
	" purl TEXT, ranges TEXT, versions TEXT);"
	"CREATE INDEX osv_affected_id ON osv_affected(osv_id);"
	"CREATE INDEX osv_affected_pkg ON osv_affected(ecosystem, package);"
	"CREATE TABLE import_log(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, path TEXT,"
	" started TEXT, finished TEXT, files INTEGER, records INTEGER, new INTEGER,"
	" updated INTEGER, errors INTEGER);"
	"CREATE TABLE update_cursor(id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT,"
	" win_start TEXT, win_end TEXT, start_index INTEGER NOT NULL DEFAULT 0,"
	" run_start TEXT, run_end TEXT);",
	/* 1 -> 2 */
	"DROP INDEX cpe_index_vp;"
	"CREATE INDEX cpe_index_match ON cpe_index(vendor, product, cve_id, source, part,"
	" version, cpe_update, start_incl, start_excl, end_incl, end_excl);",
};

/* The oldest schema this version reads unchanged (a read-only open cannot migrate): version
 * 2 only added an index. */
#define READABLE_SINCE 1

static const char *const stmt_sql[VTI_ST_COUNT] = {
	[VTI_ST_CVE_UPSERT] =
		"INSERT INTO cve(id, description, published, last_modified, status,"
		" cvss3_vector, cvss3_score, cvss3_severity, cvss4_vector, cvss4_score,"
		" cvss4_severity, cwe, source) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"
		" ON CONFLICT(id) DO UPDATE SET"
		" description = iif(?14, coalesce(excluded.description, description),"
		"   coalesce(description, excluded.description)),"
		" published = iif(?14, coalesce(excluded.published, published),"
		"   coalesce(published, excluded.published)),"
		" status = iif(?14, coalesce(excluded.status, status), coalesce(status,"
		" excluded.status)),"
		" cvss3_vector = iif(?14 AND excluded.cvss3_vector IS NOT NULL,"
		" excluded.cvss3_vector,"
		"   coalesce(cvss3_vector, excluded.cvss3_vector)),"
		" cvss3_score = iif(?14 AND excluded.cvss3_vector IS NOT NULL,"
		" excluded.cvss3_score,"
		"   iif(cvss3_vector IS NULL, excluded.cvss3_score, cvss3_score)),"
		" cvss3_severity = iif(?14 AND excluded.cvss3_vector IS NOT NULL,"
		"   excluded.cvss3_severity, iif(cvss3_vector IS NULL, excluded.cvss3_severity,"
		"   cvss3_severity)),"
		" cvss4_vector = iif(?14 AND excluded.cvss4_vector IS NOT NULL,"
		" excluded.cvss4_vector,"
		"   coalesce(cvss4_vector, excluded.cvss4_vector)),"
		" cvss4_score = iif(?14 AND excluded.cvss4_vector IS NOT NULL,"
		" excluded.cvss4_score,"
		"   iif(cvss4_vector IS NULL, excluded.cvss4_score, cvss4_score)),"
		" cvss4_severity = iif(?14 AND excluded.cvss4_vector IS NOT NULL,"
		"   excluded.cvss4_severity, iif(cvss4_vector IS NULL, excluded.cvss4_severity,"
		"   cvss4_severity)),"
		" cwe = iif(?14, coalesce(excluded.cwe, cwe), coalesce(cwe, excluded.cwe)),"
		" source = iif(?14, excluded.source, source),"
		" last_modified = iif(?14, excluded.last_modified, last_modified)",
	[VTI_ST_CVE_EXISTS] = "SELECT last_modified FROM cve WHERE id = ?1",
	[VTI_ST_CFG_GET] =
		"SELECT last_modified, json FROM config WHERE cve_id = ?1 AND source = ?2",
	[VTI_ST_CFG_UPSERT] = "INSERT OR REPLACE INTO config(cve_id, source, rank, last_modified,"
			      " json)"
			      " VALUES(?1, ?2, ?3, ?4, ?5)",
	[VTI_ST_IDX_DELETE] = "DELETE FROM cpe_index WHERE cve_id = ?1 AND source = ?2",
	[VTI_ST_IDX_INSERT] = "INSERT INTO cpe_index(vendor, product, part, cve_id, source,"
			      " version,"
			      " cpe_update, start_incl, start_excl, end_incl, end_excl)"
			      " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
	[VTI_ST_KEV_REPLACE] = "INSERT OR REPLACE INTO kev(cve_id, vendor, product, name,"
			       " date_added,"
			       " due, ransomware, required_action, notes)"
			       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	[VTI_ST_KEV_IGNORE] = "INSERT OR IGNORE INTO kev(cve_id, vendor, product, name, date_added,"
			      " due, ransomware, required_action, notes)"
			      " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	[VTI_ST_EPSS_UPSERT] = "INSERT INTO epss(cve_id, score, percentile, date)"
			       " VALUES(?1,?2,?3,?4)"
			       " ON CONFLICT(cve_id) DO UPDATE SET score = excluded.score,"
			       " percentile = excluded.percentile, date = excluded.date"
			       " WHERE excluded.date IS NULL OR date IS NULL OR excluded.date"
			       " >= date",
	[VTI_ST_OSV_UPSERT] = "INSERT OR REPLACE INTO osv(id, cve_id, modified, aliases, summary)"
			      " VALUES(?1,?2,?3,?4,?5)",
	[VTI_ST_OSV_AFF_DELETE] = "DELETE FROM osv_affected WHERE osv_id = ?1",
	[VTI_ST_OSV_AFF_INSERT] = "INSERT INTO osv_affected(osv_id, ecosystem, package, purl,"
				  " ranges,"
				  " versions) VALUES(?1,?2,?3,?4,?5,?6)",
	[VTI_ST_MATCH_CAND] = "SELECT cve_id, source, part, version, cpe_update, start_incl,"
			      " start_excl, end_incl, end_excl FROM cpe_index"
			      " WHERE vendor = ?1 AND product = ?2",
	[VTI_ST_MATCH_CFG] = "SELECT json, source FROM config WHERE cve_id = ?1"
			     " ORDER BY rank LIMIT 1",
	[VTI_ST_MATCH_CVE] = "SELECT description, published, last_modified, cvss3_vector,"
			     " cvss3_score, cvss3_severity, cvss4_vector, cvss4_score,"
			     " cvss4_severity, cwe FROM cve WHERE id = ?1",
	[VTI_ST_MATCH_KEV] = "SELECT date_added, ransomware FROM kev WHERE cve_id = ?1",
	[VTI_ST_MATCH_EPSS] = "SELECT score, percentile FROM epss WHERE cve_id = ?1",
};

vt_err vti_db_fail(struct vt_vulndb *db, vt_err e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(db->err, sizeof(db->err), fmt, ap);
	va_end(ap);
	return e;
}

static vt_err sqlerr(struct vt_vulndb *db, const char *what)
{
	int rc = sqlite3_errcode(db->db);
	vt_err e = VT_EIO;
	if (rc == SQLITE_NOMEM)
		e = VT_ENOMEM;
	else if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		e = VT_EFORMAT;
	else if (rc == SQLITE_READONLY || rc == SQLITE_PERM || rc == SQLITE_CANTOPEN)
		e = VT_EACCES;
	return vti_db_fail(db, e, "%s: %s", what, sqlite3_errmsg(db->db));
}

void vti_imp_diag(struct vti_imp *imp, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (imp->st)
		imp->st->errors++;
	vt_warn("%s: %s", imp->name ? imp->name : "(input)", msg);
}

void vti_imp_record_begin(struct vti_imp *imp)
{
	imp->rec_state = VTI_REC_UNCHANGED;
	if (imp->st)
		imp->st->records++;
}

void vti_imp_record_end(struct vti_imp *imp)
{
	if (!imp->st)
		return;
	if (imp->rec_state == VTI_REC_NEW)
		imp->st->cves_new++;
	else if (imp->rec_state == VTI_REC_UPDATED)
		imp->st->cves_updated++;
	else
		imp->st->cves_unchanged++;
}

const char *vt_vulndb_errmsg(const struct vt_vulndb *db)
{
	return db ? db->err : "";
}

vt_err vti_db_exec(struct vt_vulndb *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		vt_err e = sqlerr(db, "sqlite");
		if (msg)
			vti_db_fail(db, e, "%s", msg);
		sqlite3_free(msg);
		return e;
	}
	return VT_OK;
}

vt_err vti_db_begin(struct vt_vulndb *db)
{
	if (db->txn++ > 0)
		return VT_OK;
	vt_err e = vti_db_exec(db, "BEGIN IMMEDIATE");
	if (e)
		db->txn = 0;
	return e;
}

vt_err vti_db_commit(struct vt_vulndb *db)
{
	if (db->txn == 0 || --db->txn > 0)
		return VT_OK;
	vt_err e = vti_db_exec(db, "COMMIT");
	if (e) {
		/* the transaction stays open on SQLITE_BUSY: give it up */
		if (!sqlite3_get_autocommit(db->db))
			sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return e;
}

void vti_db_rollback(struct vt_vulndb *db)
{
	if (db->txn == 0)
		return;
	db->txn = 0;
	if (!sqlite3_get_autocommit(db->db))
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *vti_db_stmt(struct vt_vulndb *db, enum vti_stmt_id id)
{
	sqlite3_stmt *s = db->st[id];
	if (!s) {
		if (sqlite3_prepare_v3(db->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s,
				       NULL) != SQLITE_OK) {
			sqlerr(db, "prepare");
			return NULL;
		}
		db->st[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

char *vti_db_meta_get(struct vt_vulndb *db, const char *key, struct vt_arena *a)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = ?1", -1, &s, NULL))
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	char *v = NULL;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		v = vt_arena_strdup(a, (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

vt_err vti_db_meta_set(struct vt_vulndb *db, const char *key, const char *value)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
			       -1, &s, NULL))
		return sqlerr(db, "meta");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	bind_text(s, 2, value);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VT_OK : sqlerr(db, "meta");
}

void vti_utc_now(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static vt_err schema_setup(struct vt_vulndb *db)
{
	sqlite3_stmt *s;
	int ver = 0;
	if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return sqlerr(db, "open");
	if (sqlite3_step(s) == SQLITE_ROW)
		ver = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (ver == VTI_DB_SCHEMA_VERSION)
		return VT_OK;
	if (ver > VTI_DB_SCHEMA_VERSION)
		return vti_db_fail(db, VT_EUNSUPPORTED,
				   "database schema version %d is newer than this vetter's"
				   " (%d)", ver,
				   VTI_DB_SCHEMA_VERSION);
	/* a non-empty file without our version is someone else's database */
	if (ver == 0) {
		int tables = 0;
		if (sqlite3_prepare_v2(db->db, "SELECT count(*) FROM sqlite_master", -1, &s,
				       NULL) != SQLITE_OK)
			return sqlerr(db, "open");
		if (sqlite3_step(s) == SQLITE_ROW)
			tables = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
		if (tables)
			return vti_db_fail(db, VT_EUNSUPPORTED,
					   "not a vetter vulnerability database");
	}
	if (db->readonly && ver >= READABLE_SINCE) {
		vt_debug("vulndb: schema version %d read as it is (opened read-only; a writable"
			 " open migrates it to %d)", ver, VTI_DB_SCHEMA_VERSION);
		return VT_OK;
	}
	if (db->readonly)
		return vti_db_fail(db, VT_EUNSUPPORTED,
				   "database schema version %d needs migrating: open it writable",
				   ver);
	vt_err e = vti_db_begin(db);
	if (e)
		return e;
	for (int v = ver; v < VTI_DB_SCHEMA_VERSION; v++) {
		e = vti_db_exec(db, migrate[v]);
		if (e)
			goto fail;
	}
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", VTI_DB_SCHEMA_VERSION);
	if ((e = vti_db_exec(db, sql)))
		goto fail;
	char now[32];
	vti_utc_now(now);
	if (ver == 0 && (e = vti_db_meta_set(db, "created", now)))
		goto fail;
	return vti_db_commit(db);
fail:
	vti_db_rollback(db);
	return e;
}

vt_err vt_vulndb_open(const char *path, int flags, struct vt_vulndb **out)
{
	*out = NULL;
	if (!path || !*path || ((flags & VT_VULNDB_READONLY) && (flags & VT_VULNDB_CREATE)))
		return VT_EINVAL;
	bool mem = !strcmp(path, ":memory:");
	struct stat sb;
	if (!mem && stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & VT_VULNDB_CREATE))
			return vt_err_from_errno(errno);
	} else if (!mem && !S_ISREG(sb.st_mode)) {
		return VT_ENOTSUP;
	}
	struct vt_vulndb *db = calloc(1, sizeof(*db));
	if (!db)
		return VT_ENOMEM;
	db->path = strdup(path);
	if (!db->path) {
		free(db);
		return VT_ENOMEM;
	}
	db->readonly = flags & VT_VULNDB_READONLY;
	int oflags = db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & VT_VULNDB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	vt_err e = VT_OK;
	if (sqlite3_open_v2(path, &db->db, oflags, NULL) != SQLITE_OK) {
		e = db->db ? sqlerr(db, path) : VT_ENOMEM;
		goto fail;
	}
	sqlite3_extended_result_codes(db->db, 0);
	sqlite3_busy_timeout(db->db, 10000);
	if (!db->readonly && !mem) {
		if ((e = vti_db_exec(db, "PRAGMA journal_mode = WAL")))
			goto fail;
	}
	/* The whole file is mapped (SQLite caps the size at its build's limit, 2 GiB in
	 * Debian's): a full NVD database is about a gigabyte, and matching reads scattered
	 * pages of it, which cost a copy and a page-cache allocation each through read(). */
	if ((e = vti_db_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;"
				 " PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF;"
				 " PRAGMA mmap_size = 17179869184")))
		goto fail;
	if ((e = schema_setup(db))) {
		if (e == VT_EIO && sqlite3_errcode(db->db) == SQLITE_NOTADB)
			e = VT_EFORMAT;
		goto fail;
	}
	*out = db;
	return VT_OK;
fail:
	vt_debug("vulndb: %s: %s", path, db->err);
	vt_vulndb_close(db);
	return e;
}

void vt_vulndb_close(struct vt_vulndb *db)
{
	if (!db)
		return;
	vti_db_rollback(db);
	for (size_t i = 0; i < VTI_ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	if (db->db) {
		if (!db->readonly && strcmp(db->path, ":memory:"))
			sqlite3_exec(db->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close_v2(db->db);
	}
	free(db->path);
	free(db);
}

/* ---- default paths ---- */

static char user_path[4096], default_path[4096];
static pthread_once_t paths_once = PTHREAD_ONCE_INIT;

static bool is_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void paths_init(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(user_path, sizeof(user_path), "%s/vetter/vulndb.sqlite", xdg);
	else if (home && *home)
		snprintf(user_path, sizeof(user_path), "%s/.local/share/vetter/vulndb.sqlite",
			 home);
	const char *env = getenv("VETTER_DB");
	if (env && *env) {
		snprintf(default_path, sizeof(default_path), "%s", env);
		return;
	}
	if (*user_path && is_file(user_path)) {
		snprintf(default_path, sizeof(default_path), "%s", user_path);
		return;
	}
	/* the bundled database: next to the executable in a build tree, else installed */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			char cand[4096 + 32];
			snprintf(cand, sizeof(cand), "%s/vulndb.sqlite", exe);
			size_t len = strlen(cand);
			if (is_file(cand) && len < sizeof(default_path)) {
				memcpy(default_path, cand, len + 1);
				return;
			}
		}
	}
	char inst[4096];
	snprintf(inst, sizeof(inst), "%s/vulndb.sqlite", VT_DATADIR);
	if (is_file(inst)) {
		snprintf(default_path, sizeof(default_path), "%s", inst);
		return;
	}
	snprintf(default_path, sizeof(default_path), "%s", *user_path ? user_path : inst);
}

const char *vt_vulndb_default_path(void)
{
	pthread_once(&paths_once, paths_init);
	return default_path;
}

const char *vt_vulndb_user_path(void)
{
	pthread_once(&paths_once, paths_init);
	return *user_path ? user_path : NULL;
}

/* ---- store operations ---- */

bool vti_valid_vuln_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 5 || n > 64 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':')
			return false;
	}
	return true;
}

int vti_source_rank(const char *source)
{
	static const char *const order[] = {"nvd-overrides", "nvd", "cve5", "osv"};
	for (size_t i = 0; i < VT_ARRAY_LEN(order); i++)
		if (!strcmp(source, order[i]))
			return (int)i;
	return (int)VT_ARRAY_LEN(order);
}

static vt_err step_done(struct vti_imp *imp, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return VT_OK;
	return imp->fatal = sqlerr(imp->db, what);
}

vt_err vti_db_put_cve(struct vti_imp *imp, const struct vti_cve_rec *r)
{
	struct vt_vulndb *db = imp->db;
	sqlite3_stmt *s = vti_db_stmt(db, VTI_ST_CVE_EXISTS);
	if (!s)
		return imp->fatal = VT_EIO;
	sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
	bool exists = false, newer = true;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		exists = true;
		const char *old = (const char *)sqlite3_column_text(s, 0);
		newer = r->last_modified && (!old || strcmp(r->last_modified, old) > 0);
	} else if (rc != SQLITE_DONE) {
		return imp->fatal = sqlerr(db, "cve");
	}
	sqlite3_reset(s);
	if (!exists)
		imp->rec_state = VTI_REC_NEW;
	else if (newer && imp->rec_state < VTI_REC_UPDATED)
		imp->rec_state = VTI_REC_UPDATED;
	s = vti_db_stmt(db, VTI_ST_CVE_UPSERT);
	if (!s)
		return imp->fatal = VT_EIO;
	bind_text(s, 1, r->id);
	bind_text(s, 2, r->description);
	bind_text(s, 3, r->published);
	bind_text(s, 4, r->last_modified);
	bind_text(s, 5, r->status);
	bind_text(s, 6, r->cvss3_vector);
	if (r->cvss3_vector)
		sqlite3_bind_double(s, 7, r->cvss3_score);
	bind_text(s, 8, r->cvss3_severity);
	bind_text(s, 9, r->cvss4_vector);
	if (r->cvss4_vector)
		sqlite3_bind_double(s, 10, r->cvss4_score);
	bind_text(s, 11, r->cvss4_severity);
	bind_text(s, 12, r->cwe);
	bind_text(s, 13, r->source);
	sqlite3_bind_int(s, 14, newer);
	return step_done(imp, s, "cve");
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Index entries: one per vulnerable cpeMatch of the configurations, with its version and
 * range, so matching reads only the CVEs whose entries can hold for a component. */
static vt_err index_node(struct vti_imp *imp, const char *cve, const char *source,
			 const json_t *node, struct vt_arena *a, unsigned depth)
{
	if (depth > 16 || !json_is_object(node))
		return VT_OK;
	const json_t *cm = json_object_get(node, "cpeMatch");
	size_t i;
	const json_t *m;
	json_array_foreach(cm, i, m) {
		if (!json_is_true(json_object_get(m, "vulnerable")))
			continue;
		const char *crit = vti_jstr(m, "criteria");
		struct vti_cpe cpe;
		if (!crit || vti_cpe_parse(crit, a, &cpe) != VT_OK)
			continue;
		char *vendor = vt_arena_strdup(a, cpe.attr[VTI_CPE_VENDOR]);
		char *product = vt_arena_strdup(a, cpe.attr[VTI_CPE_PRODUCT]);
		if (!vendor || !product)
			return imp->fatal = VT_ENOMEM;
		lower(vendor);
		lower(product);
		sqlite3_stmt *s = vti_db_stmt(imp->db, VTI_ST_IDX_INSERT);
		if (!s)
			return imp->fatal = VT_EIO;
		bind_text(s, 1, vendor);
		bind_text(s, 2, product);
		bind_text(s, 3, cpe.attr[VTI_CPE_PART]);
		bind_text(s, 4, cve);
		bind_text(s, 5, source);
		bind_text(s, 6, cpe.attr[VTI_CPE_VERSION]);
		bind_text(s, 7, cpe.attr[VTI_CPE_UPDATE]);
		bind_text(s, 8, vti_jstr(m, "versionStartIncluding"));
		bind_text(s, 9, vti_jstr(m, "versionStartExcluding"));
		bind_text(s, 10, vti_jstr(m, "versionEndIncluding"));
		bind_text(s, 11, vti_jstr(m, "versionEndExcluding"));
		vt_err e = step_done(imp, s, "index");
		if (e)
			return e;
	}
	const json_t *ch;
	json_array_foreach(json_object_get(node, "children"), i, ch) {
		vt_err e = index_node(imp, cve, source, ch, a, depth + 1);
		if (e)
			return e;
	}
	return VT_OK;
}

vt_err vti_db_put_config(struct vti_imp *imp, const char *cve, const char *source,
			 const char *last_modified, const json_t *configurations)
{
	struct vt_vulndb *db = imp->db;
	char *text = json_dumps(configurations, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		return imp->fatal = VT_ENOMEM;
	vt_err e = VT_OK;
	sqlite3_stmt *s = vti_db_stmt(db, VTI_ST_CFG_GET);
	if (!s) {
		e = imp->fatal = VT_EIO;
		goto out;
	}
	sqlite3_bind_text(s, 1, cve, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, source, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	bool store = true;
	if (rc == SQLITE_ROW) {
		const char *old_lm = (const char *)sqlite3_column_text(s, 0);
		const char *old = (const char *)sqlite3_column_text(s, 1);
		int c = !last_modified ? (old_lm ? -1 : 0)
				       : !old_lm ? 1 : strcmp(last_modified, old_lm);
		store = c > 0 || (c == 0 && (!old || strcmp(old, text)));
		if (store && imp->rec_state < VTI_REC_UPDATED)
			imp->rec_state = VTI_REC_UPDATED;
	} else if (rc != SQLITE_DONE) {
		e = imp->fatal = sqlerr(db, "config");
		goto out;
	} else if (imp->rec_state < VTI_REC_UPDATED) {
		imp->rec_state = VTI_REC_UPDATED;
	}
	sqlite3_reset(s);
	if (!store)
		goto out;
	s = vti_db_stmt(db, VTI_ST_CFG_UPSERT);
	if (!s) {
		e = imp->fatal = VT_EIO;
		goto out;
	}
	bind_text(s, 1, cve);
	bind_text(s, 2, source);
	sqlite3_bind_int(s, 3, vti_source_rank(source));
	bind_text(s, 4, last_modified);
	bind_text(s, 5, text);
	if ((e = step_done(imp, s, "config")))
		goto out;
	s = vti_db_stmt(db, VTI_ST_IDX_DELETE);
	if (!s) {
		e = imp->fatal = VT_EIO;
		goto out;
	}
	bind_text(s, 1, cve);
	bind_text(s, 2, source);
	if ((e = step_done(imp, s, "index")))
		goto out;
	struct vt_arena *a = vt_arena_new();
	if (!a) {
		e = imp->fatal = VT_ENOMEM;
		goto out;
	}
	size_t i;
	const json_t *cfg, *node;
	json_array_foreach(configurations, i, cfg) {
		size_t j;
		json_array_foreach(json_object_get(cfg, "nodes"), j, node) {
			if ((e = index_node(imp, cve, source, node, a, 0)))
				break;
		}
		if (e)
			break;
	}
	vt_arena_free(a);
out:
	free(text);
	return e;
}

vt_err vti_db_put_kev(struct vti_imp *imp, const struct vti_kev_rec *k, bool replace)
{
	sqlite3_stmt *s = vti_db_stmt(imp->db, replace ? VTI_ST_KEV_REPLACE : VTI_ST_KEV_IGNORE);
	if (!s)
		return imp->fatal = VT_EIO;
	bind_text(s, 1, k->cve);
	bind_text(s, 2, k->vendor);
	bind_text(s, 3, k->product);
	bind_text(s, 4, k->name);
	bind_text(s, 5, k->date_added);
	bind_text(s, 6, k->due);
	sqlite3_bind_int(s, 7, k->ransomware);
	bind_text(s, 8, k->action);
	bind_text(s, 9, k->notes);
	vt_err e = step_done(imp, s, "kev");
	if (!e && replace && imp->st)
		imp->st->kev++;
	return e;
}

vt_err vti_db_put_epss(struct vti_imp *imp, const char *cve, double score, double pct,
		       const char *date)
{
	sqlite3_stmt *s = vti_db_stmt(imp->db, VTI_ST_EPSS_UPSERT);
	if (!s)
		return imp->fatal = VT_EIO;
	bind_text(s, 1, cve);
	sqlite3_bind_double(s, 2, score);
	sqlite3_bind_double(s, 3, pct);
	bind_text(s, 4, date);
	vt_err e = step_done(imp, s, "epss");
	if (!e && imp->st)
		imp->st->epss++;
	return e;
}

/* ---- info ---- */

static size_t count(struct vt_vulndb *db, const char *sql)
{
	sqlite3_stmt *s;
	size_t n = 0;
	if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = (size_t)sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return n;
}

vt_err vt_vulndb_get_info(struct vt_vulndb *db, struct vt_arena *a, struct vt_vulndb_info *out)
{
	memset(out, 0, sizeof(*out));
	out->path = vt_arena_strdup(a, db->path);
	out->schema_version = (int)count(db, "PRAGMA user_version");
	out->cves = count(db, "SELECT count(*) FROM cve");
	out->configurations = count(db, "SELECT count(*) FROM config");
	out->cpe_entries = count(db, "SELECT count(*) FROM cpe_index");
	out->kev = count(db, "SELECT count(*) FROM kev");
	out->epss = count(db, "SELECT count(*) FROM epss");
	out->osv = count(db, "SELECT count(*) FROM osv");
	out->last_import = vti_db_meta_get(db, "last_import", a);
	out->last_update = vti_db_meta_get(db, "nvd_last_update", a);
	out->update_pending = count(db, "SELECT count(*) FROM update_cursor") > 0;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db->db,
			       "SELECT source, count(*) FROM config GROUP BY source ORDER BY rank",
			       -1, &s, NULL) != SQLITE_OK)
		return sqlerr(db, "info");
	size_t cap = 16;
	out->sources = vt_arena_calloc(a, cap, sizeof(char *));
	while (out->sources && out->n_sources < cap && sqlite3_step(s) == SQLITE_ROW)
		out->sources[out->n_sources++] = vt_arena_printf(
			a, "%s %lld", (const char *)sqlite3_column_text(s, 0),
			(long long)sqlite3_column_int64(s, 1));
	sqlite3_finalize(s);
	if (!out->path || !out->sources)
		return VT_ENOMEM;
	return VT_OK;
}
