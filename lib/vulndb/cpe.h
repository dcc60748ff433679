/* cpe.h - CPE 2.3 formatted strings: parsing (with escapes) and attribute matching.
 *
 * A formatted string is "cpe:2.3:part:vendor:product:version:update:edition:language:
 * sw_edition:target_sw:target_hw:other". Attributes are kept in their bound form, with the
 * quoting backslashes removed ("1.0\:beta" becomes "1.0:beta"); "*" is the logical value ANY
 * and "-" is NA. Strings come from vulnerability data and from the catalogue, both untrusted
 * enough that every malformed string is an error, never a crash.
 *
 * Precision on "quoting backslashes removed": the backslash is kept before the three
 * characters that stay special to matching, '\\', '*' and '?' ("foo\*" stays "foo\*",
 * a literal asterisk, while "foo*" is "foo" followed by the wildcard), and in a value that
 * is exactly "\-" (a literal hyphen, which must not read as NA). Every other quoting
 * backslash is removed ("1.0\:beta" is "1.0:beta", "net\/http" is "net/http").
 *
 * Matching (vti_cpe_attr_match) follows NISTIR 7696: the criterion may carry a leading and/or
 * trailing '*' (any run of characters) or runs of '?' at either end (each run of k matches
 * up to k characters); the target is a plain value (no quoting, no wildcards) where "*"
 * (or NULL, "") is ANY and "-" NA. ANY in the criterion matches everything; a criterion
 * other than ANY never matches a target that is ANY; NA matches only NA.
 */
#ifndef VTI_CPE_H
#define VTI_CPE_H

#include "core/internal.h"

enum { VTI_CPE_PART, VTI_CPE_VENDOR, VTI_CPE_PRODUCT, VTI_CPE_VERSION, VTI_CPE_UPDATE,
       VTI_CPE_EDITION, VTI_CPE_LANGUAGE, VTI_CPE_SW_EDITION, VTI_CPE_TARGET_SW,
       VTI_CPE_TARGET_HW, VTI_CPE_OTHER, VTI_CPE_NATTR };

struct vti_cpe {
	const char *attr[VTI_CPE_NATTR]; /* unescaped; "*" ANY, "-" NA; never NULL */
};

/* Longest formatted string accepted (NVD's are under 300 characters). */
#define VTI_CPE_MAX 2048

/* Parses a CPE 2.3 formatted string into `out`, strings allocated in `a`. VT_EFORMAT when
 * the string is not a well-formed "cpe:2.3:" string of 13 fields. */
vt_err vti_cpe_parse(const char *s, struct vt_arena *a, struct vti_cpe *out) VT_MUST_CHECK;

/* vti_cpe_parse() into the caller's buffer `buf` of `cap` bytes (strlen(s) + 1 are always
 * enough): no allocation. VT_ELIMIT when the buffer is too small. */
vt_err vti_cpe_parse_buf(const char *s, char *buf, size_t cap, struct vti_cpe *out)
	VT_MUST_CHECK;

/* A formatted string checked and cut into its attributes as written (still quoted): the
 * validation of vti_cpe_parse() without the copy, for callers that look at a few
 * attributes of many strings. */
struct vti_cpe_raw {
	const char *f[VTI_CPE_NATTR];
	uint16_t n[VTI_CPE_NATTR];
};
vt_err vti_cpe_scan(const char *s, struct vti_cpe_raw *out) VT_MUST_CHECK;

/* Is the raw attribute [f, f+n) a literal (no quoting, no wildcard, not NA) that equals
 * `plain`, ignoring case? vti_cpe_raw_literal() tells whether the comparison applies. */
bool vti_cpe_raw_literal(const char *f, size_t n);
bool vti_cpe_raw_is(const char *f, size_t n, const char *plain);

/* Does a criterion attribute value (may contain the wildcards '*' and '?' as CPE 2.3 name
 * matching allows) match a target attribute value? ANY matches everything; NA matches only
 * NA; comparison is case-insensitive. */
bool vti_cpe_attr_match(const char *criterion, const char *target);

/* Is v the logical value ANY (NULL, "" or "*")? NA ("-")? */
bool vti_cpe_is_any(const char *v);
bool vti_cpe_is_na(const char *v);

#endif
