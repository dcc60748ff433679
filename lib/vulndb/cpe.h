/* cpe.h - CPE 2.3 formatted strings: parsing (with escapes) and attribute matching.
 *
 * A formatted string is "cpe:2.3:part:vendor:product:version:update:edition:language:
 * sw_edition:target_sw:target_hw:other". Attributes are kept in their bound form, with the
 * quoting backslashes removed ("1.0\:beta" becomes "1.0:beta"); "*" is the logical value ANY
 * and "-" is NA. Strings come from vulnerability data and from the catalogue, both untrusted
 * enough that every malformed string is an error, never a crash.
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

/* Parses a CPE 2.3 formatted string into `out`, strings allocated in `a`. VT_EFORMAT when
 * the string is not a well-formed "cpe:2.3:" string of 13 fields. */
vt_err vti_cpe_parse(const char *s, struct vt_arena *a, struct vti_cpe *out) VT_MUST_CHECK;

/* Does a criterion attribute value (may contain the wildcards '*' and '?' as CPE 2.3 name
 * matching allows) match a target attribute value? ANY matches everything; NA matches only
 * NA; comparison is case-insensitive. */
bool vti_cpe_attr_match(const char *criterion, const char *target);

#endif
