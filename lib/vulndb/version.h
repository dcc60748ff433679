/* version.h - comparing the version strings of real software, as vulnerability data writes
 * them.
 *
 * The comparison splits a version into runs of digits and runs of letters (separators '.',
 * '-', '_', '+', '~' split runs too) and compares numerically and alphabetically, so that
 * "1.0.2k" < "1.0.2zh", "9.2p1" < "9.3", "2022.83" < "2024.84", "r21.6" < "r21.10",
 * "4.18.4.2f" > "4.18.4.2". Distribution suffixes ("1.1.0l.1~deb9u2") compare as Debian
 * does ('~' sorts before everything, even the end). Documented in the .c file in detail.
 *
 * Decisions beyond the above: the words dev < alpha < beta < pre/preview < rc are
 * pre-releases and sort before the release ("3.0.0-alpha1" < "3.0.0-beta2" < "3.0.0-rc1" <
 * "3.0.0"); any other letters after a number are a post-release suffix ("1.0.2" <
 * "1.0.2a"), so Python-style "3.0.0a1" reads as after 3.0.0. Missing trailing components
 * are zero ("2.36" == "2.36.0", "1.2.13" < "1.2.13.1"); leading zeros do not count; numbers
 * of any length compare exactly (date versions "20230101"). No allocation: this is the hot
 * path of matching. See docs/matching.md.
 */
#ifndef VTI_VERSION_H
#define VTI_VERSION_H

#include "core/internal.h"

/* <0, 0 or >0 as a is older than, equal to or newer than b. NULL or "" sorts first. */
int vti_version_cmp(const char *a, const char *b);

#endif
