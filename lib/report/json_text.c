/* json_text.c - JSON strings from untrusted text (see json_text.h): UTF-8 is checked byte
 * by byte within the string's own length; invalid bytes become U+FFFD.
 */
#include "core/internal.h"

#include "report/json_text.h"

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len = c >= 0xc2 && c <= 0xdf   ? 2
		     : c >= 0xe0 && c <= 0xef ? 3
		     : c >= 0xf0 && c <= 0xf4 ? 4
					      : 0;
	if (!len || len > n)
		return 0;
	for (size_t k = 1; k < len; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) ||
	    (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

bool vti_valid_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0, l; i < n; i += l)
		if (!(l = utf8_len(u + i, n - i)))
			return false;
	return true;
}

/* A JSON string of s. Names from hostile artifacts may be invalid UTF-8, which JSON
 * cannot carry: each invalid byte becomes U+FFFD (objects also get "path_hex"). */
json_t *vti_json_text(const char *s)
{
	if (!s)
		return json_null();
	if (vti_valid_utf8(s))
		return json_string(s);
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	char *d = malloc(n * 3 + 1);
	if (!d)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(u + i, n - i);
		if (l) {
			memcpy(d + o, s + i, l);
			o += l;
			i += l;
		} else {
			memcpy(d + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	d[o] = 0;
	json_t *j = json_string(d);
	free(d);
	return j;
}

