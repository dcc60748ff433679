/* import.h - the importers of the vulnerability database, shared between import.c (which
 * recognises a file's kind by its content and walks directories and archives) and the
 * per-format importers (import_<format>.c).
 *
 * Every importer takes untrusted bytes or a jansson value built from them, type-checks
 * every field it uses, and turns what is malformed into a diagnostic (vti_imp_diag);
 * only database and memory errors stop an import (imp->fatal).
 */
#ifndef VTI_VULNDB_IMPORT_H
#define VTI_VULNDB_IMPORT_H

#include <jansson.h>

#include "core/internal.h"
#include "vulndb/db.h"

/* The most bytes one file or archive member may have. */
#define VTI_IMPORT_MAX_FILE ((size_t)1 << 30)

/* Imports a document of any known kind from memory (archives included). */
vt_err vti_import_buf(struct vti_imp *imp, struct vt_span doc) VT_MUST_CHECK;

/* A lazy JSON scanner: walks the structure of a JSON text without building it, so that a
 * feed file of any size costs one record's memory at a time. It checks only brackets and
 * strings; each value handed out is parsed by jansson later. */
typedef vt_err (*vti_json_member_fn)(void *ud, const char *key, size_t keylen,
				     struct vt_span value);
typedef vt_err (*vti_json_elem_fn)(void *ud, struct vt_span elem);

/* Calls fn for each member of the object `doc` (leading whitespace allowed). VT_EFORMAT
 * when doc is not a well-bracketed object; fn's error stops the walk and is returned. */
vt_err vti_json_object_foreach(struct vt_span doc, vti_json_member_fn fn, void *ud)
	VT_MUST_CHECK;
/* Calls fn for each element of the array `arr`. */
vt_err vti_json_array_foreach(struct vt_span arr, vti_json_elem_fn fn, void *ud) VT_MUST_CHECK;

/* Parses one JSON value from a span (jansson); NULL and a diagnostic when malformed. */
json_t *vti_json_load(struct vti_imp *imp, struct vt_span s);

/* A string member, NULL when absent or not a string. */
static inline const char *vti_jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The English text of a {"lang", "value"} array (NVD and CVE 5 descriptions), else the
 * first text; NULL when there is none. Borrowed from the array. */
const char *vti_english(const json_t *descriptions);

/* Per-format importers. */

/* One NVD CVE record: bare, wrapped as {"cve": ...}, or the nvd-data-overrides shape
 * {"_annotation": {...}, "cve": {"configurations": ...}}. */
vt_err vti_import_nvd_record(struct vti_imp *imp, const json_t *rec) VT_MUST_CHECK;
/* An NVD API 2.0 response page or feed file (its "vulnerabilities" streamed). */
vt_err vti_import_nvd_page(struct vti_imp *imp, struct vt_span doc) VT_MUST_CHECK;
/* Checks an NVD API 2.0 response page's header; fills total/start/count. */
vt_err vti_nvd_page_header(struct vt_span doc, size_t *total, size_t *start, size_t *per_page,
			   size_t *n) VT_MUST_CHECK;
vt_err vti_import_cve5(struct vti_imp *imp, const json_t *rec) VT_MUST_CHECK;
vt_err vti_import_osv(struct vti_imp *imp, const json_t *rec) VT_MUST_CHECK;
vt_err vti_import_kev(struct vti_imp *imp, const json_t *doc) VT_MUST_CHECK;
vt_err vti_import_epss(struct vti_imp *imp, struct vt_span csv) VT_MUST_CHECK;

/* Builds the CPE 2.3 string of `base` (a CPE 2.3 string) with its version attribute set to
 * `version` (quoted as CPE requires); NULL when base is malformed. Freed with free(). */
char *vti_cpe_with_version(const char *base, const char *version);

#endif
