/* test_vulndb.c - the vulnerability database: schema, every importer, idempotence, the
 * newer-wins rule, rollback of failed imports, hostile input, and the matching glue.
 *
 * Input is the real data of data/vuln (the path is the first argument). Expected values
 * are read from that data (the KEV catalogue, the records) or were read off the records
 * named next to each check; none comes from vetter's own output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <sqlite3.h>
#include <unistd.h>

#include "core/internal.h"
#include "vulndb/db.h"
#include "vulndb/import.h"

static const char *datadir;

static char *path_of(const char *rel)
{
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", datadir, rel) > 0);
	return p;
}

/* One member of an archive (or the decompressed content of a single compressed file). */
static uint8_t *read_member(const char *rel, const char *member, size_t *len)
{
	char *path = path_of(rel);
	struct archive *ar = archive_read_new();
	archive_read_support_filter_all(ar);
	archive_read_support_format_tar(ar);
	archive_read_support_format_gnutar(ar);
	archive_read_support_format_raw(ar);
	assert_int_equal(archive_read_open_filename(ar, path, 1 << 16), ARCHIVE_OK);
	struct archive_entry *e;
	uint8_t *out = NULL;
	while (archive_read_next_header(ar, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (member && (!name || strcmp(name, member)))
			continue;
		struct vt_buf b;
		vt_buf_init(&b, (size_t)1 << 30);
		char blk[65536];
		la_ssize_t n;
		while ((n = archive_read_data(ar, blk, sizeof(blk))) > 0)
			assert_int_equal(vt_buf_add(&b, blk, (size_t)n), VT_OK);
		out = vt_buf_take(&b, len);
		break;
	}
	archive_read_free(ar);
	free(path);
	assert_non_null(out);
	return out;
}

static struct vt_vulndb *memdb(void)
{
	struct vt_vulndb *db;
	assert_int_equal(vt_vulndb_open(":memory:", VT_VULNDB_CREATE, &db), VT_OK);
	return db;
}

static long long q1(struct vt_vulndb *db, const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db->db, sql, -1, &s, NULL), SQLITE_OK);
	long long v = -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static char *qs(struct vt_vulndb *db, const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db->db, sql, -1, &s, NULL), SQLITE_OK);
	char *v = NULL;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		v = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

static void import_ok(struct vt_vulndb *db, const char *rel, struct vt_vulndb_import_stats *st)
{
	char *p = path_of(rel);
	vt_err e = vt_vulndb_import(db, p, st);
	if (e)
		fprintf(stderr, "import %s: %s\n", p, vt_vulndb_errmsg(db));
	assert_int_equal(e, VT_OK);
	free(p);
}

/* Removes a database file and its WAL companions. */
static void remove_db(const char *path)
{
	char tmp[300];
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s-wal", path);
	unlink(tmp);
	snprintf(tmp, sizeof(tmp), "%s-shm", path);
	unlink(tmp);
}

/* ---- open ---- */

static void t_open(void **state)
{
	char dir[] = "/tmp/vt-vulndb-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], junk[256], foreign[256];
	snprintf(path, sizeof(path), "%s/v.sqlite", dir);
	snprintf(junk, sizeof(junk), "%s/junk", dir);
	snprintf(foreign, sizeof(foreign), "%s/foreign.sqlite", dir);
	struct vt_vulndb *db;
	assert_int_equal(vt_vulndb_open(path, 0, &db), VT_ENOTFOUND);
	assert_int_equal(vt_vulndb_open(path, VT_VULNDB_READONLY | VT_VULNDB_CREATE, &db),
			 VT_EINVAL);
	assert_int_equal(vt_vulndb_open(path, VT_VULNDB_CREATE, &db), VT_OK);
	assert_int_equal(q1(db, "PRAGMA user_version"), VTI_DB_SCHEMA_VERSION);
	char *mode = qs(db, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	vt_vulndb_close(db);
	assert_int_equal(vt_vulndb_open(path, VT_VULNDB_READONLY, &db), VT_OK);
	struct vt_vulndb_import_stats st;
	assert_int_equal(vt_vulndb_import_mem(db, "{}", 2, "x", &st), VT_EACCES);
	vt_vulndb_close(db);

	FILE *f = fopen(junk, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not a database\n", f);
	fclose(f);
	assert_int_equal(vt_vulndb_open(junk, 0, &db), VT_EFORMAT);

	sqlite3 *s;
	assert_int_equal(sqlite3_open(foreign, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	assert_int_equal(vt_vulndb_open(foreign, 0, &db), VT_EUNSUPPORTED);

	remove_db(path);
	unlink(junk);
	unlink(foreign);
	rmdir(dir);
}

/* ---- schema 1 -> 2: read as it is read-only, migrated by a writable open ---- */

static size_t match_count(struct vt_vulndb *db)
{
	static const struct vt_vuln_query q[] = {
		{.part = 'a', .vendor = "busybox", .product = "busybox", .version = "1.35.0"},
		{.part = 'a', .vendor = "openssl", .product = "openssl", .version = "1.0.1f"},
	};
	struct vt_arena *a = vt_arena_new();
	struct vt_vuln_match *m;
	size_t n = 0;
	assert_int_equal(vt_vulndb_match(db, q, 2, a, &m, &n), VT_OK);
	vt_arena_free(a);
	return n;
}

static void t_schema_v1(void **state)
{
	(void)state;
	char dir[] = "/tmp/vt-vulndb-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/v.sqlite", dir);
	struct vt_vulndb *db;
	struct vt_vulndb_import_stats st;
	assert_int_equal(vt_vulndb_open(path, VT_VULNDB_CREATE, &db), VT_OK);
	import_ok(db, "nvd-cve.tar.xz", &st);
	size_t want = match_count(db);
	assert_true(want > 0);
	assert_int_equal(q1(db, "SELECT count(*) FROM sqlite_master WHERE name ="
				" 'cpe_index_match'"), 1);
	vt_vulndb_close(db);
	/* the file as version 1 wrote it: the narrow index */
	sqlite3 *s;
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "DROP INDEX cpe_index_match;"
				      " CREATE INDEX cpe_index_vp ON cpe_index(vendor, product);"
				      " PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	assert_int_equal(vt_vulndb_open(path, VT_VULNDB_READONLY, &db), VT_OK);
	assert_int_equal(q1(db, "PRAGMA user_version"), 1);
	assert_int_equal(match_count(db), want);
	vt_vulndb_close(db);
	assert_int_equal(vt_vulndb_open(path, 0, &db), VT_OK);
	assert_int_equal(q1(db, "PRAGMA user_version"), VTI_DB_SCHEMA_VERSION);
	assert_int_equal(q1(db, "SELECT count(*) FROM sqlite_master WHERE name ="
				" 'cpe_index_vp'"), 0);
	/* the plan of matching's query (db.c VTI_ST_MATCH_CAND): the index alone */
	sqlite3_stmt *ps;
	assert_int_equal(sqlite3_prepare_v2(db->db, "EXPLAIN QUERY PLAN SELECT cve_id, source,"
					    " part, version, cpe_update, start_incl, start_excl,"
					    " end_incl, end_excl FROM cpe_index WHERE vendor = ?1"
					    " AND product = ?2", -1, &ps, NULL), SQLITE_OK);
	bool covering = false;
	while (sqlite3_step(ps) == SQLITE_ROW)
		covering |= strstr((const char *)sqlite3_column_text(ps, 3),
				   "COVERING INDEX cpe_index_match") != NULL;
	sqlite3_finalize(ps);
	vt_vulndb_close(db);
	assert_true(covering);
	assert_int_equal(vt_vulndb_open(path, VT_VULNDB_READONLY, &db), VT_OK);
	assert_int_equal(match_count(db), want);
	vt_vulndb_close(db);
	remove_db(path);
	rmdir(dir);
}

/* ---- NVD records: mirror layout in a .tar.xz, idempotence ---- */

static void t_nvd_mirror(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "nvd-cve.tar.xz", &st);
	/* the archive holds 54 records (nvd-cve/SOURCES.tsv lists them) and that file */
	assert_int_equal(st.records, 54);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(q1(db, "SELECT count(*) FROM cve"), 54);
	/* CVE-2014-0160: NVD's primary CVSS 3.1 is 7.5, AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N,
	 * CWE-125, cisaExploitAdd 2022-05-04 */
	assert_int_equal(q1(db, "SELECT cvss3_score * 10 FROM cve WHERE id = 'CVE-2014-0160'"),
			 75);
	char *v = qs(db, "SELECT cvss3_vector || ' ' || cwe FROM cve WHERE id = 'CVE-2014-0160'");
	assert_string_equal(v, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N CWE-125");
	free(v);
	v = qs(db, "SELECT date_added FROM kev WHERE cve_id = 'CVE-2014-0160'");
	assert_string_equal(v, "2022-05-04");
	free(v);
	long long cves = q1(db, "SELECT count(*) FROM cve");
	long long idx = q1(db, "SELECT count(*) FROM cpe_index");
	assert_true(idx > 54);

	/* the same data again: nothing changes */
	import_ok(db, "nvd-cve.tar.xz", &st);
	assert_int_equal(st.cves_new, 0);
	assert_int_equal(st.cves_updated, 0);
	assert_int_equal(st.cves_unchanged, 54);
	assert_int_equal(q1(db, "SELECT count(*) FROM cve"), cves);
	assert_int_equal(q1(db, "SELECT count(*) FROM cpe_index"), idx);
	vt_vulndb_close(db);
}

/* NVD API 2.0 pages and the overrides shape; both single records and whole pages. */
static void t_nvd_pages_overrides(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "nvd-api-2.0.tar.xz", &st);
	assert_int_equal(st.records, 23); /* 23 pages of one record each */
	assert_int_equal(st.errors, 0);
	import_ok(db, "nvd-overrides.tar.xz", &st);
	assert_true(st.records > 2000);
	assert_int_equal(st.errors, 0);
	/* overrides carry no id in "cve": the id and description come from _annotation */
	assert_true(q1(db, "SELECT count(*) FROM config WHERE source = 'nvd-overrides'") > 2000);
	size_t olen;
	uint8_t *orec = read_member("nvd-overrides.tar.xz",
				    "nvd-overrides/data/2019/CVE-2019-7317.json", &olen);
	json_t *oj = json_loadb((char *)orec, olen, 0, NULL);
	assert_non_null(oj);
	char *od = qs(db, "SELECT description FROM cve WHERE id = 'CVE-2019-7317'");
	assert_string_equal(od, json_string_value(json_object_get(
					json_object_get(oj, "_annotation"), "description")));
	free(od);
	json_decref(oj);
	free(orec);
	/* a wrapped record {"cve": {...}} is a record too */
	size_t len;
	uint8_t *page = read_member("nvd-api-2.0.tar.xz", "nvd-api-2.0/CVE-2024-3094.json", &len);
	json_t *j = json_loadb((char *)page, len, 0, NULL);
	assert_non_null(j);
	json_t *item = json_array_get(json_object_get(j, "vulnerabilities"), 0);
	char *wrapped = json_dumps(item, JSON_COMPACT);
	char *bare = json_dumps(json_object_get(item, "cve"), JSON_COMPACT);
	struct vt_vulndb *db2 = memdb();
	assert_int_equal(vt_vulndb_import_mem(db2, wrapped, strlen(wrapped), "w", &st), VT_OK);
	assert_int_equal(st.cves_new, 1);
	assert_int_equal(vt_vulndb_import_mem(db2, bare, strlen(bare), "b", &st), VT_OK);
	assert_int_equal(st.cves_unchanged, 1);
	/* an older copy does not replace the stored record */
	json_object_set_new(json_object_get(item, "cve"), "lastModified",
			    json_string("2000-01-01T00:00:00.000"));
	json_object_set_new(json_object_get(item, "cve"), "descriptions",
			    json_pack("[{s:s,s:s}]", "lang", "en", "value", "older text"));
	char *older = json_dumps(item, JSON_COMPACT);
	assert_int_equal(vt_vulndb_import_mem(db2, older, strlen(older), "o", &st), VT_OK);
	assert_int_equal(st.cves_unchanged, 1);
	char *d = qs(db2, "SELECT description FROM cve WHERE id = 'CVE-2024-3094'");
	assert_true(!strncmp(d, "Malicious code was discovered", 29));
	free(d);
	/* a newer one does */
	json_object_set_new(json_object_get(item, "cve"), "lastModified",
			    json_string("2099-01-01T00:00:00.000"));
	json_object_set_new(json_object_get(item, "cve"), "descriptions",
			    json_pack("[{s:s,s:s}]", "lang", "en", "value", "newer text"));
	char *newer = json_dumps(item, JSON_COMPACT);
	assert_int_equal(vt_vulndb_import_mem(db2, newer, strlen(newer), "n", &st), VT_OK);
	assert_int_equal(st.cves_updated, 1);
	d = qs(db2, "SELECT description FROM cve WHERE id = 'CVE-2024-3094'");
	assert_string_equal(d, "newer text");
	free(d);
	free(wrapped);
	free(bare);
	free(older);
	free(newer);
	json_decref(j);
	free(page);
	vt_vulndb_close(db2);
	vt_vulndb_close(db);
}

/* ---- a failed import leaves the previous data ---- */

static void t_rollback(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "nvd-cve.tar.xz", &st);
	long long cves = q1(db, "SELECT count(*) FROM cve");
	long long cfg = q1(db, "SELECT count(*) FROM config");
	char *missing = path_of("does-not-exist.json");
	assert_int_equal(vt_vulndb_import(db, missing, &st), VT_ENOTFOUND);
	free(missing);
	/* the database runs out of memory half-way through the overrides */
	sqlite3_int64 old = sqlite3_hard_heap_limit64(-1);
	sqlite3_hard_heap_limit64(sqlite3_memory_used() + (2 << 20));
	char *p = path_of("nvd-overrides.tar.xz");
	vt_err e = vt_vulndb_import(db, p, &st);
	sqlite3_hard_heap_limit64(old);
	assert_int_not_equal(e, VT_OK);
	assert_int_equal(q1(db, "SELECT count(*) FROM cve"), cves);
	assert_int_equal(q1(db, "SELECT count(*) FROM config"), cfg);
	/* and the database still works */
	assert_int_equal(vt_vulndb_import(db, p, &st), VT_OK);
	assert_true(q1(db, "SELECT count(*) FROM cve") > cves);
	free(p);
	vt_vulndb_close(db);
}

/* ---- hostile input: truncations and corruptions of real files ---- */

static void hostile(struct vt_vulndb *db, const uint8_t *data, size_t len, size_t step)
{
	struct vt_vulndb_import_stats st;
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	for (size_t cut = 0; cut < len; cut += step) {
		assert_int_equal(vt_vulndb_import_mem(db, data, cut, "truncated", &st), VT_OK);
		memcpy(copy, data, len);
		copy[cut] ^= (uint8_t)(0x5a + cut);
		assert_int_equal(vt_vulndb_import_mem(db, copy, len, "corrupted", &st), VT_OK);
	}
	free(copy);
}

static void t_hostile(void **state)
{
	vt_log_set_level(VT_LOG_ERROR);
	struct vt_vulndb *db = memdb();
	size_t len;
	uint8_t *page = read_member("nvd-api-2.0.tar.xz", "nvd-api-2.0/CVE-2023-4863.json", &len);
	hostile(db, page, len, 97);
	/* a page cut in the middle of its second record keeps the first one */
	json_t *j = json_loadb((char *)page, len, 0, NULL);
	json_t *arr = json_object_get(j, "vulnerabilities");
	json_array_append_new(arr, json_deep_copy(json_array_get(arr, 0)));
	json_object_set_new(json_object_get(json_array_get(arr, 0), "cve"), "id",
			    json_string("CVE-2023-99999"));
	char *two = json_dumps(j, JSON_COMPACT);
	struct vt_vulndb *db2 = memdb();
	struct vt_vulndb_import_stats st;
	size_t cut = strlen(two) - 200;
	assert_int_equal(vt_vulndb_import_mem(db2, two, cut, "cut", &st), VT_OK);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.errors, 1);
	assert_int_equal(q1(db2, "SELECT count(*) FROM cve WHERE id = 'CVE-2023-99999'"), 1);
	assert_int_equal(q1(db2, "SELECT count(*) FROM cve"), 1);
	free(two);
	json_decref(j);
	vt_vulndb_close(db2);
	free(page);

	uint8_t *rec = read_member("cve5-vulnrichment.tar.xz",
				   "cve5-vulnrichment/2024/36xxx/CVE-2024-36971.json", &len);
	hostile(db, rec, len, 211);
	free(rec);
	char *osv = path_of("osv/OSV-2022-312.json");
	FILE *f = fopen(osv, "rb");
	assert_non_null(f);
	char buf[8192];
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	free(osv);
	hostile(db, (uint8_t *)buf, len, 13);
	const char epss[] = "#model_version:v2025.03.14,score_date:2026-04-23T12:55:00Z\n"
			    "cve,epss,percentile\nCVE-2014-0160,0.94464,0.99921\nCVE-1,2,3\n,,\n";
	hostile(db, (const uint8_t *)epss, sizeof(epss) - 1, 1);
	/* archives: a truncated .tar.xz */
	uint8_t *xz = NULL;
	char *xzp = path_of("nvd-api-2.0.tar.xz");
	f = fopen(xzp, "rb");
	assert_non_null(f);
	xz = malloc(1 << 20);
	len = fread(xz, 1, 1 << 20, f);
	fclose(f);
	free(xzp);
	for (size_t c = 0; c < len; c += len / 7 + 1)
		assert_int_equal(vt_vulndb_import_mem(db, xz, c, "xz", &st), VT_OK);
	free(xz);
	/* nesting and odd documents */
	const char *odd[] = {"[", "[1,2,{}]",
			     "{\"vulnerabilities\":[{\"cve\":1}],\"format\":\"x\"}",
			     "{\"id\":\"x\",\"configurations\":{}}", "{\"cve\":{\"id\":\"CVE-1-2\","
			     "\"configurations\":[{\"nodes\":[{\"cpeMatch\":[{\"vulnerable\":true,"
			     "\"criteria\":\"cpe:2.3:a\"}]}]}]}}",
			     "{\"catalogVersion\":1,\"vulnerabilities\":[{\"cveID\":7}]}",
			     "{\"cveMetadata\":{\"cveId\":\"CVE-2024-1\"},\"containers\":{\"adp\":"
			     "[{\"affected\":[{\"cpes\":[\"cpe:2.3:a:x:y:*:*:*:*:*:*:*:*\"],"
			     "\"defaultStatus\":\"affected\","
			     "\"versions\":[{\"status\":\"unaffected\","
			     "\"version\":\"1\",\"lessThanOrEqual\":\"1.*\"}]}]}]}}"};
	for (size_t i = 0; i < VT_ARRAY_LEN(odd); i++)
		assert_int_equal(vt_vulndb_import_mem(db, odd[i], strlen(odd[i]), "odd", &st),
				 VT_OK);
	char deep[5000];
	memset(deep, '[', sizeof(deep));
	assert_int_equal(vt_vulndb_import_mem(db, deep, sizeof(deep), "deep", &st), VT_OK);
	vt_vulndb_close(db);
	vt_log_set_level(VT_LOG_WARN);
}

/* ---- KEV and EPSS ---- */

static void t_kev(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "kev/known_exploited_vulnerabilities.json.xz", &st);
	size_t len;
	uint8_t *raw = read_member("kev/known_exploited_vulnerabilities.json.xz", NULL, &len);
	json_t *cat = json_loadb((char *)raw, len, 0, NULL);
	assert_non_null(cat);
	json_t *vulns = json_object_get(cat, "vulnerabilities");
	assert_int_equal(st.kev, json_integer_value(json_object_get(cat, "count")));
	assert_int_equal(q1(db, "SELECT count(*) FROM kev"), json_array_size(vulns));
	size_t known = 0, i;
	json_t *v;
	json_array_foreach(vulns, i, v) {
		const char *rw =
			json_string_value(json_object_get(v, "knownRansomwareCampaignUse"));
		known += !strcmp(rw, "Known");
		if (i % 97)
			continue;
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "SELECT date_added || ransomware FROM kev WHERE cve_id = '%s'",
			 json_string_value(json_object_get(v, "cveID")));
		char *got = qs(db, sql), want[64];
		snprintf(want, sizeof(want), "%s%d",
			 json_string_value(json_object_get(v, "dateAdded")),
			 !strcmp(rw, "Known"));
		assert_string_equal(got, want);
		free(got);
	}
	assert_int_equal(q1(db, "SELECT count(*) FROM kev WHERE ransomware"), known);
	json_decref(cat);
	free(raw);
	vt_vulndb_close(db);
}

static void t_epss(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "epss/epss_scores-excerpt.csv.gz", &st);
	assert_int_equal(st.epss, 6);
	import_ok(db, "epss/epss_scores-excerpt.csv", &st);
	assert_int_equal(st.epss, 6);
	assert_int_equal(q1(db, "SELECT count(*) FROM epss"), 6);
	char *v = qs(db, "SELECT printf('%.5f %.5f %s', score, percentile, date) FROM epss"
			 " WHERE cve_id = 'CVE-2014-0160'");
	assert_string_equal(v, "0.94464 0.99921 2026-04-23");
	free(v);
	v = qs(db, "SELECT printf('%.5f', score) FROM epss WHERE cve_id = 'CVE-2021-40438'");
	assert_string_equal(v, "0.00005"); /* written 5e-05 */
	free(v);
	vt_vulndb_close(db);
}

/* ---- matching ---- */

struct want {
	char part;
	const char *vendor, *product, *version, *cve;
	bool match;
};

static const struct vt_vuln_match *find(const struct vt_vuln_match *m, size_t n, size_t query,
					const char *cve)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].query == query && !strcmp(m[i].cve, cve))
			return &m[i];
	return NULL;
}

static const struct vt_vuln_match *must(const struct vt_vuln_match *m)
	__attribute__((returns_nonnull));
static const struct vt_vuln_match *must(const struct vt_vuln_match *m)
{
	if (!m) {
		fail_msg("expected match not found");
		abort();
	}
	return m;
}

static void check_wants(struct vt_vulndb *db, const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vt_vuln_query q = {w[i].part, w[i].vendor, w[i].product, w[i].version, NULL};
		struct vt_arena *a = vt_arena_new();
		struct vt_vuln_match *m;
		size_t nm;
		assert_int_equal(vt_vulndb_match(db, &q, 1, a, &m, &nm), VT_OK);
		if (!!find(m, nm, 0, w[i].cve) != w[i].match)
			fail_msg("%s %s: %s expected %s", w[i].product, w[i].version, w[i].cve,
				 w[i].match ? "to match" : "not to match");
		vt_arena_free(a);
	}
}

static struct vt_vulndb *bundled(void)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	const char *parts[] = {"nvd-overrides.tar.xz", "nvd-cve.tar.xz", "nvd-api-2.0.tar.xz",
			       "cve5-vulnrichment.tar.xz",
			       "kev/known_exploited_vulnerabilities.json.xz", "osv",
			       "epss/epss_scores-excerpt.csv"};
	for (size_t i = 0; i < VT_ARRAY_LEN(parts); i++)
		import_ok(db, parts[i], &st);
	return db;
}

static void t_match(void **state)
{
	struct vt_vulndb *db = bundled();
	static const struct want w[] = {
		/* CVE-2022-30065: exact cpe busybox:1.35.0 */
		{'a', "busybox", "busybox", "1.35.0", "CVE-2022-30065", true},
		{'a', "busybox", "busybox", "1.35.1", "CVE-2022-30065", false},
		/* CVE-2022-48174: versionEndIncluding 1.36.1 */
		{'a', "busybox", "busybox", "1.35.0", "CVE-2022-48174", true},
		{'a', "busybox", "busybox", "1.36.1", "CVE-2022-48174", true},
		{'a', "busybox", "busybox", "1.36.2", "CVE-2022-48174", false},
		/* CVE-2021-42374: 1.27.0 <= v <= 1.33.1 */
		{'a', "busybox", "busybox", "1.35.0", "CVE-2021-42374", false},
		{'a', "busybox", "busybox", "1.27.0", "CVE-2021-42374", true},
		{'a', "busybox", "busybox", "1.26.2", "CVE-2021-42374", false},
		/* CVE-2022-3602: 3.0.0 <= v < 3.0.7 */
		{'a', "openssl", "openssl", "3.0.2", "CVE-2022-3602", true},
		{'a', "openssl", "openssl", "3.0.7", "CVE-2022-3602", false},
		{'a', "openssl", "openssl", "1.1.1n", "CVE-2022-3602", false},
		/* CVE-2023-0464: 1.0.2 <= v < 1.0.2zh: letters */
		{'a', "openssl", "openssl", "1.0.2k", "CVE-2023-0464", true},
		{'a', "openssl", "openssl", "1.0.2zh", "CVE-2023-0464", false},
		/* CVE-2014-0160: 1.0.1 <= v < 1.0.1g */
		{'a', "openssl", "openssl", "1.0.1f", "CVE-2014-0160", true},
		{'a', "openssl", "openssl", "1.0.1g", "CVE-2014-0160", false},
		/* dnsmasq: CVE-2023-28450 < 2.90; OSV-2022-312 lists v2.90 among its versions */
		{'a', "thekelleys", "dnsmasq", "2.89", "CVE-2023-28450", true},
		{'a', "thekelleys", "dnsmasq", "2.90", "CVE-2023-28450", false},
		{'a', "thekelleys", "dnsmasq", "2.90", "OSV-2022-312", true},
		{'a', "thekelleys", "dnsmasq", "2.86", "OSV-2021-924", true},
		{'a', "thekelleys", "dnsmasq", "2.85", "OSV-2021-924", false},
		/* CVE-2024-36971 (CVE 5, kernel): affected from 4.6, 6.1 fixed in 6.1.94 */
		{'o', "linux", "linux_kernel", "6.1.90", "CVE-2024-36971", true},
		{'o', "linux", "linux_kernel", "6.1.94", "CVE-2024-36971", false},
		{'o', "linux", "linux_kernel", "4.5", "CVE-2024-36971", false},
		{'o', "linux", "linux_kernel", "5.0", "CVE-2024-36971", true},
		{'o', "linux", "linux_kernel", "6.10", "CVE-2024-36971", false},
		/* the kernel is part o: the same name as an application does not match */
		{'a', "linux", "linux_kernel", "6.1.90", "CVE-2024-36971", false},
		/* lighttpd CVE-2022-37797: exact 1.4.65 */
		{'a', "lighttpd", "lighttpd", "1.4.65", "CVE-2022-37797", true},
		{'a', "lighttpd", "lighttpd", "1.4.69", "CVE-2022-37797", false},
		/* GHSA-jfh8-c2jp-5v3q (CVE-2021-44228): [2.13.0, 2.15.0) and [2.4, 2.12.2) */
		{'a', "apache", "log4j", "2.14.1", "CVE-2021-44228", true},
		{'a', "apache", "log4j", "2.15.0", "CVE-2021-44228", false},
		{'a', "apache", "log4j", "2.12.1", "CVE-2021-44228", true},
		{'a', "apache", "log4j", "2.12.2", "CVE-2021-44228", false},
		/* CVE-2023-38408: openssh before 9.3, and exactly 9.3 (update "-") and 9.3:p1; a
		 * component found as "9.3p1" with no separate update field is 9.3 update p1 */
		{'a', "openbsd", "openssh", "9.3p1", "CVE-2023-38408", true},
		{'a', "openbsd", "openssh", "9.2p1", "CVE-2023-38408", true},
		{'a', "openbsd", "openssh", "9.4p1", "CVE-2023-38408", false},
		/* a query without a version matches no range */
		{'a', "busybox", "busybox", NULL, "CVE-2022-48174", false},
	};
	check_wants(db, w, VT_ARRAY_LEN(w));

	/* fields of a match */
	struct vt_vuln_query q[] = {{'a', "BusyBox", "BusyBox", "1.35.0", NULL},
				    {'o', "linux", "linux_kernel", "6.1.90", NULL}};
	struct vt_arena *a = vt_arena_new();
	struct vt_vuln_match *m;
	size_t nm;
	assert_int_equal(vt_vulndb_match(db, q, 2, a, &m, &nm), VT_OK);
	/* vendor and product compare without case */
	const struct vt_vuln_match *x = must(find(m, nm, 0, "CVE-2022-48174"));
	assert_true(x->cvss3_score > 9.79 && x->cvss3_score < 9.81); /* NVD: 9.8, CWE-787 */
	assert_string_equal(x->cvss3_severity, "CRITICAL");
	assert_string_equal(x->cwe, "CWE-787");
	assert_null(x->fixed); /* versionEndIncluding: the data names no fixed version */
	assert_string_equal(x->criteria,
			    "cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:* (<= 1.36.1)");
	assert_string_equal(x->source, "nvd");
	x = must(find(m, nm, 1, "CVE-2024-36971"));
	assert_true(x->kev);
	assert_string_equal(x->kev_date_added, "2024-08-07"); /* the KEV catalogue */
	assert_false(x->kev_ransomware);
	assert_string_equal(x->fixed, "6.1.94");
	assert_true(x->cvss3_score > 7.79 && x->cvss3_score < 7.81); /* CISA ADP: 7.8 */
	for (size_t i = 1; i < nm; i++)
		assert_true(m[i - 1].query < m[i].query ||
			    (m[i - 1].query == m[i].query && strcmp(m[i - 1].cve, m[i].cve) < 0));
	vt_arena_free(a);

	/* EPSS comes with the match */
	struct vt_vuln_query h = {'a', "openssl", "openssl", "1.0.1f", NULL};
	a = vt_arena_new();
	assert_int_equal(vt_vulndb_match(db, &h, 1, a, &m, &nm), VT_OK);
	x = must(find(m, nm, 0, "CVE-2014-0160"));
	assert_true(x->has_epss && x->epss > 0.9446 && x->epss < 0.9447);
	assert_true(x->kev);
	vt_arena_free(a);
	vt_vulndb_close(db);
}

/* AND configurations with a platform: CVE-2014-0160 lists the Siemens APE firmware 2.0
 * (vulnerable) AND the APE hardware (vulnerable: false). */
static void t_match_platform(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "nvd-cve.tar.xz", &st);
	struct vt_vuln_query fw = {'o', "siemens", "application_processing_engine_firmware", "2.0",
				   NULL};
	struct vt_vuln_query hw = {'h', "siemens", "application_processing_engine", "-", NULL};
	struct vt_vuln_query both[] = {fw, hw};
	struct vt_arena *a = vt_arena_new();
	struct vt_vuln_match *m;
	size_t nm;
	assert_int_equal(vt_vulndb_match(db, &fw, 1, a, &m, &nm), VT_OK);
	assert_null(find(m, nm, 0, "CVE-2014-0160")); /* the platform is missing */
	assert_int_equal(vt_vulndb_match(db, both, 2, a, &m, &nm), VT_OK);
	assert_non_null(find(m, nm, 0, "CVE-2014-0160"));
	assert_null(find(m, nm, 1, "CVE-2014-0160")); /* the platform itself is not vulnerable */
	vt_arena_free(a);
	vt_vulndb_close(db);
}

/* CVE 5 and OSV details read off the records. */
static void t_cve5_osv(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "cve5-vulnrichment.tar.xz", &st);
	assert_int_equal(st.errors, 0);
	assert_true(st.records > 900);
	/* CVE-2024-36971: CISA ADP CVSS 3.1 7.8 and a KEV block dated 2024-08-07 */
	char *v = qs(db, "SELECT cvss3_vector FROM cve WHERE id = 'CVE-2024-36971'");
	assert_string_equal(v, "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H");
	free(v);
	v = qs(db, "SELECT date_added FROM kev WHERE cve_id = 'CVE-2024-36971'");
	assert_string_equal(v, "2024-08-07");
	free(v);
	/* no commit ids among the versions of the index */
	assert_int_equal(q1(db, "SELECT count(*) FROM cpe_index WHERE end_excl GLOB"
				" '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]*'"
				" AND end_excl NOT GLOB '*.*'"),
			 0);
	import_ok(db, "osv", &st);
	assert_int_equal(st.osv, 4);
	/* GHSA-jfh8-c2jp-5v3q: the CVSS 3.1 vector scores 10.0 (CRITICAL); three Maven ranges */
	assert_int_equal(q1(db, "SELECT cvss3_score * 10 FROM cve WHERE id = 'CVE-2021-44228'"),
			 100);
	assert_int_equal(q1(db, "SELECT count(*) FROM osv_affected"
				" WHERE osv_id = 'GHSA-jfh8-c2jp-5v3q' AND ecosystem = 'Maven'"),
			 3);
	/* OSV-2020-29 gives only commits: stored, not converted */
	assert_int_equal(q1(db, "SELECT count(*) FROM osv WHERE id = 'OSV-2020-29'"), 1);
	assert_int_equal(q1(db, "SELECT count(*) FROM config WHERE cve_id = 'OSV-2020-29'"), 0);
	/* re-import: unchanged */
	import_ok(db, "osv", &st);
	assert_int_equal(st.cves_unchanged, 4);
	vt_vulndb_close(db);
}

static void t_info(void **state)
{
	struct vt_vulndb *db = memdb();
	struct vt_vulndb_import_stats st;
	import_ok(db, "nvd-api-2.0.tar.xz", &st);
	struct vt_arena *a = vt_arena_new();
	struct vt_vulndb_info in;
	assert_int_equal(vt_vulndb_get_info(db, a, &in), VT_OK);
	assert_int_equal(in.cves, 23);
	assert_non_null(in.last_import);
	assert_null(in.last_update);
	assert_int_equal(in.n_sources, 1);
	/* 21 of the 23 records have a "configurations" array (CVE-2024-47177 and
	 * CVE-2023-5341 have none) */
	assert_string_equal(in.sources[0], "nvd 21");
	vt_arena_free(a);
	vt_vulndb_close(db);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_vulndb DATA_VULN_DIR\n");
		return 2;
	}
	datadir = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_open),
		cmocka_unit_test(t_schema_v1),
		cmocka_unit_test(t_nvd_mirror),
		cmocka_unit_test(t_nvd_pages_overrides),
		cmocka_unit_test(t_rollback),
		cmocka_unit_test(t_hostile),
		cmocka_unit_test(t_kev),
		cmocka_unit_test(t_epss),
		cmocka_unit_test(t_match),
		cmocka_unit_test(t_match_platform),
		cmocka_unit_test(t_cve5_osv),
		cmocka_unit_test(t_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
