/* fuzz_vuln.h - shared part of the vulnerability database's fuzz harnesses: one in-memory
 * database for the whole run; every input is imported in a transaction that is rolled
 * back, so each starts from the same empty database. */
#ifndef FUZZ_VULN_H
#define FUZZ_VULN_H

#include "core/internal.h"
#include "vulndb/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vt_vulndb *fuzz_db(void)
{
	static struct vt_vulndb *db;
	if (!db) {
		vt_log_set_level(VT_LOG_ERROR);
		if (vt_vulndb_open(":memory:", VT_VULNDB_CREATE, &db) != VT_OK)
			__builtin_trap();
	}
	return db;
}

/* Runs `fn` on the input inside a transaction; a fatal error (database, memory) is a bug
 * for these inputs. */
static void fuzz_run(vt_err (*fn)(struct vti_imp *, struct vt_span), const uint8_t *d, size_t n)
{
	struct vt_vulndb *db = fuzz_db();
	struct vt_vulndb_import_stats st = {0};
	struct vti_imp imp = {.db = db, .st = &st, .name = "fuzz"};
	if (vti_db_begin(db) != VT_OK)
		__builtin_trap();
	vt_err e = fn(&imp, vt_span_make(d, n));
	if (imp.fatal && imp.fatal != VT_ENOMEM)
		__builtin_trap();
	(void)e;
	vti_db_rollback(db);
}

/* For the importers that take a parsed document. */
static inline vt_err fuzz_json(struct vti_imp *imp, struct vt_span s,
			vt_err (*fn)(struct vti_imp *, const json_t *))
{
	json_t *j = json_loadb((const char *)s.p, s.len, 0, NULL);
	if (!j)
		return VT_OK;
	vt_err e = json_is_object(j) ? fn(imp, j) : VT_OK;
	json_decref(j);
	return e;
}

#endif
