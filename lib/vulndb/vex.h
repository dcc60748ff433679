/* vex.h - VEX statements (OpenVEX and CycloneDX VEX JSON): the vendor's statement that a
 * vulnerability does or does not affect a product, with a justification.
 *
 * The document is untrusted input: every field is type-checked; unknown fields are ignored;
 * a field vetter reads that has the wrong type makes the document VT_EFORMAT.
 *
 * One statement is kept per (vulnerability id, product id) pair of the document, in
 * document order: OpenVEX aliases and CycloneDX references[].id are ids too; an OpenVEX
 * product's @id and identifiers (purl, cpe23, cpe22) are product ids, and when the product
 * lists subcomponents those are the products the statement is about; a CycloneDX
 * affects[].ref (bom-ref or BOM-Link) is resolved to the component's bom-ref, purl, cpe
 * and name. Statements whose status is not one of the format's are skipped, as are
 * CycloneDX vulnerabilities without analysis.state. CycloneDX states map to: not_affected,
 * false_positive -> NOT_AFFECTED; resolved, resolved_with_pedigree -> FIXED; exploitable ->
 * AFFECTED; in_triage -> UNDER_INVESTIGATION.
 *
 * Product matching in vti_vex_find(): a product id starting "pkg:" matches the purl when
 * type, namespace and name are equal (ignoring case), its version (if it has one) is equal
 * and its qualifiers (if any) are all present in the purl ("pkg:deb/debian/openssl" covers
 * every version); "cpe:2.3:" matches the CPE attribute by attribute with CPE name matching
 * (wildcards allowed); anything else matches the name (ignoring case) or equals the purl
 * or CPE. See docs/matching.md.
 */
#ifndef VTI_VEX_H
#define VTI_VEX_H

#include "core/internal.h"

enum vti_vex_status {
	VTI_VEX_UNKNOWN = 0,
	VTI_VEX_NOT_AFFECTED,
	VTI_VEX_AFFECTED,
	VTI_VEX_FIXED,
	VTI_VEX_UNDER_INVESTIGATION,
};

struct vti_vex_stmt {
	const char *vuln;          /* "CVE-2023-1234" (or GHSA/OSV id) */
	const char *product;       /* a purl, a CPE, or a bom-ref/name; NULL: every product */
	enum vti_vex_status status;
	const char *justification; /* "vulnerable_code_not_present", ... may be NULL */
	const char *detail;        /* impact/detail statement, may be NULL */
	struct vti_vex_stmt *next;
};

struct vti_vex {
	struct vti_vex_stmt *stmts;
	size_t n;
	const char *format;        /* "openvex" or "cyclonedx" */
};

/* Parses a VEX document of either format from memory; strings live in `a`. VT_EFORMAT when
 * it is neither. */
vt_err vti_vex_parse(struct vt_span doc, struct vt_arena *a, struct vti_vex *out) VT_MUST_CHECK;

/* The statement that applies to vulnerability `vuln` in a component known by the given purl,
 * CPE and name (any may be NULL), or NULL. The most specific statement wins (one naming the
 * product over one naming none); among equals, the last one in the document. */
const struct vti_vex_stmt *vti_vex_find(const struct vti_vex *v, const char *vuln,
					const char *purl, const char *cpe, const char *name);

const char *vti_vex_status_name(enum vti_vex_status s);

#endif
