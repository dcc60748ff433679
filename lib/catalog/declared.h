/* declared.h - the vendor's declared SBOM (CycloneDX or SPDX JSON) compared with the
 * components vetter found.
 *
 * The declared SBOM is hostile input: it is read with a size limit, parsed by jansson (which
 * bounds nesting) and every field is type-checked; anything malformed is skipped or makes the
 * whole document a diagnostic. The comparison raises findings of category "components":
 * VT-SBOM-001 (found, not declared), VT-SBOM-002 (declared with another version),
 * VT-SBOM-003 (declared, not found).
 */
#ifndef VTI_DECLARED_H
#define VTI_DECLARED_H

#include "core/internal.h"

#define VTI_DECLARED_MAX_BYTES ((size_t)64 << 20) /* a declared SBOM file */
#define VTI_DECLARED_MAX_ENTRIES 20000           /* components kept from it */
#define VTI_DECLARED_MAX_NESTING 32              /* CycloneDX nested components */

/* One declared component. Every field may be NULL, but not name and purl both. */
struct vti_declared {
	const char *name;
	const char *version;
	const char *purl;
	const char *cpe;         /* CPE 2.3 formatted string or CPE 2.2 URI */
	const char *ref;         /* bom-ref or SPDXID, NULL when absent */
};

struct vti_declared_list {
	const char *format;      /* "CycloneDX" or "SPDX" */
	struct vti_declared *v;
	size_t n;
	size_t skipped;          /* entries without a usable name or purl, or past the limit */
};

/* Parses a declared SBOM held in s; strings go to a. VT_EFORMAT (with the reason in why)
 * when s is not a CycloneDX or SPDX JSON document; VT_ENOMEM. */
vt_err vti_declared_parse(struct vt_span s, struct vt_arena *a, struct vti_declared_list *out,
			  char *why, size_t why_len) VT_MUST_CHECK;

/* Reads and parses the file at path (at most VTI_DECLARED_MAX_BYTES: VT_ELIMIT beyond). */
vt_err vti_declared_load(const char *path, struct vt_arena *a, struct vti_declared_list *out,
			 char *why, size_t why_len) VT_MUST_CHECK;

/* Normalised product name for matching: lower case, letters and digits only, without a
 * leading "lib". Writes at most n bytes (NUL included) to out; returns out. */
char *vti_declared_norm(const char *name, char *out, size_t n);

/* Does a declared version name the found upstream version? Equal after dropping an epoch and
 * a leading "v", the found version followed by its CPE update ("9.2" + "p1" = "9.2p1"), or the
 * found version followed by a distribution suffix ("1.35.0-4+deb12u1", "1.2.13.dfsg-1"). */
bool vti_declared_version_eq(const char *declared, const char *found, const char *update);

/* Splits a package URL into type and name (lower-cased type, percent-decoded name) and
 * version (may be NULL); false when it is not a purl. Strings go to a. */
bool vti_purl_split(const char *purl, struct vt_arena *a, const char **type, const char **name,
		    const char **version);

/* Splits a CPE (2.3 formatted string or 2.2 URI) into vendor, product and version (unescaped;
 * "*", "-" or NULL when absent); false when it is not a CPE. Strings go to a. */
bool vti_cpe_split(const char *cpe, struct vt_arena *a, const char **vendor,
		   const char **product, const char **version);

/* The post-analysis phase: when opts.declared_sbom is set, loads it and compares it with the
 * review's components (a diagnostic when it cannot be read). VT_ENOMEM only. */
vt_err vti_declared_compare(struct vt_review *r) VT_MUST_CHECK;

/* The same comparison against the given components (tests pass a hand-built array). */
vt_err vti_declared_compare_with(struct vt_review *r, const struct vti_declared_list *d,
				 const struct vt_component *c, size_t n) VT_MUST_CHECK;

extern const struct vt_rule vti_rule_sbom_undeclared; /* VT-SBOM-001 */
extern const struct vt_rule vti_rule_sbom_version;    /* VT-SBOM-002 */
extern const struct vt_rule vti_rule_sbom_absent;     /* VT-SBOM-003 */
extern const struct vt_rule *const vti_declared_rules[]; /* the three, NULL-terminated */

#endif
