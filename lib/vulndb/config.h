/* config.h - NVD configuration semantics: does a CVE's applicability statement hold for a
 * component found in the reviewed artifact?
 *
 * Input is the "configurations" array of an NVD API 2.0 CVE record (as jansson values):
 * configurations are alternatives; each has "nodes" combined by its "operator" (AND/OR,
 * default OR) and optionally "negate"; each node has "cpeMatch" entries (criteria,
 * vulnerable, versionStartIncluding/Excluding, versionEndIncluding/Excluding) combined by
 * the node's operator, and "negate". Entries with "vulnerable": false are platforms
 * ("running on"): they must be present in the artifact for an AND to hold, and they are
 * never themselves reported as vulnerable. Importers of other formats (CVE 5, OSV) convert
 * to this shape before storing, so this is the one place matching semantics live.
 */
#ifndef VTI_CONFIG_H
#define VTI_CONFIG_H

#include <jansson.h>

#include "core/internal.h"
#include "vulndb/cpe.h"

/* One thing known to be in the artifact, in CPE terms (a component with one of its CPE
 * vendor:product names, or the kernel as part 'o'). */
struct vti_target {
	char part;               /* 'a', 'o' or 'h' */
	const char *vendor, *product;
	const char *version;     /* upstream version; NULL or "" when unknown */
	const char *update;      /* CPE update field ("p1" for OpenSSH 9.2p1), NULL for ANY */
};

/* Why a configuration matched: the vulnerable cpeMatch entry that the target satisfied. */
struct vti_cfg_hit {
	const char *criteria;              /* the entry's "criteria" string */
	const char *start_incl, *start_excl, *end_incl, *end_excl; /* NULL when absent */
	const char *fixed;                 /* first fixed version when the data gives one
					    * (versionEndExcluding), else NULL */
};

/* Evaluates `configurations` for the target targets[which], with all n targets of the
 * artifact available to satisfy platform entries and AND nodes. *matched is true when some
 * configuration holds AND a vulnerable entry of it is satisfied by targets[which] itself;
 * *hit then describes that entry (its strings borrow from `configurations`). Malformed
 * configurations (wrong types, bad CPE strings) yield VT_EFORMAT and *matched false;
 * a well-formed configuration that does not hold is VT_OK with *matched false. A target
 * without a version matches only entries whose version is ANY and that have no range, and
 * entries whose version is NA: NVD names platforms that way ("cpe:2.3:h:espressif:esp32:-",
 * "cpe:2.3:o:microsoft:windows:-"), and a device or system found in the artifact has no
 * version to give; a target with a known version never matches NA. Attributes a target
 * does not carry (edition, language, sw_edition, target_sw, target_hw, other) are not
 * compared. `a` is not used (parsing needs no allocation); it may be NULL. The full
 * semantics, with worked examples, are in docs/matching.md. */
vt_err vti_config_eval(const json_t *configurations, const struct vti_target *targets,
		       size_t n, size_t which, struct vt_arena *a, bool *matched,
		       struct vti_cfg_hit *hit) VT_MUST_CHECK;

/* The test of one cpeMatch entry (its criteria string and bounds, NULL or "" when absent)
 * against one target, exactly as vti_config_eval() applies it (part, vendor, product,
 * version or range, update). For prefilters over an index of entries: an entry for which
 * this is false can never be the hit for that target. False for a malformed criteria. */
bool vti_entry_satisfied(const char *criteria, const char *si, const char *se, const char *ei,
			 const char *ee, const struct vti_target *t);

/* The part and version half of that test, on attributes already parsed (as
 * vti_cpe_parse() gives them: the index of the database stores them so): part, version
 * and update of the entry (NULL or "" for ANY) and its range bounds. For an index whose
 * rows were selected by vendor and product already. */
bool vti_entry_version_satisfied(const char *part, const char *version, const char *update,
				 const char *si, const char *se, const char *ei, const char *ee,
				 const struct vti_target *t);

#endif
