/* json_text.h - JSON strings from text that came from the artifact under review.
 *
 * Names, versions and excerpts from hostile input may be invalid UTF-8, which JSON cannot
 * carry. Every report writer turns such text into JSON through these functions.
 */
#ifndef VTI_JSON_TEXT_H
#define VTI_JSON_TEXT_H

#include <jansson.h>

#include "core/internal.h"

/* Is s valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF)? */
bool vti_valid_utf8(const char *s);

/* A JSON string of s, each invalid byte replaced by U+FFFD; json null for NULL; NULL when
 * out of memory. */
json_t *vti_json_text(const char *s);

#endif
