/* an_common.c - text helpers shared by the hidden-functionality analyzers: line
 * iteration, trimming, entropy, path tests, whether an object is a container or text,
 * and redaction of secrets in excerpts.
 *
 * Input is hostile: lines are found with memchr inside the span's bounds and every
 * helper works on (pointer, length) pairs, never on NUL termination of input bytes.
 */
#include "core/internal.h"

#include <math.h>

#include "analyzers/an_common.h"

bool vti_line_next(struct vt_span s, size_t *pos, struct vt_span *line, size_t *line_off)
{
	size_t p = *pos;
	if (p >= s.len)
		return false;
	const uint8_t *nl = memchr(s.p + p, '\n', s.len - p);
	size_t end = nl ? (size_t)(nl - s.p) : s.len;
	size_t n = end - p;
	if (n && s.p[p + n - 1] == '\r')
		n--;
	*line = vt_span_make(s.p + p, n);
	if (line_off)
		*line_off = p;
	*pos = nl ? end + 1 : s.len;
	return true;
}

struct vt_span vti_trim(struct vt_span s)
{
	size_t b = 0, e = s.len;
	while (b < e && (s.p[b] == ' ' || s.p[b] == '\t' || s.p[b] == '\r'))
		b++;
	while (e > b && (s.p[e - 1] == ' ' || s.p[e - 1] == '\t' || s.p[e - 1] == '\r'))
		e--;
	return vt_span_make(s.p + b, e - b);
}

double vti_entropy(const uint8_t *p, size_t n)
{
	if (!n)
		return 0;
	unsigned cnt[256] = {0};
	for (size_t i = 0; i < n; i++)
		cnt[p[i]]++;
	double h = 0;
	for (unsigned i = 0; i < 256; i++) {
		if (!cnt[i])
			continue;
		double q = (double)cnt[i] / (double)n;
		h -= q * log2(q);
	}
	return h;
}

bool vti_path_under(const char *path, const char *dir)
{
	if (!path)
		return false;
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

bool vti_ends_with(const char *s, const char *suffix)
{
	if (!s)
		return false;
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

bool vti_is_container(const struct vt_object *o)
{
	const char *m = o->mime;
	if (!m)
		return false;
	static const char *const kinds[] = {
		"application/gzip",
		"application/x-gzip",
		"application/x-bzip2",
		"application/x-xz",
		"application/x-lzma",
		"application/zstd",
		"application/x-lz4",
		"application/x-lzip",
		"application/x-lzop",
		"application/x-compress",
		"application/x-tar",
		"application/x-cpio",
		"application/zip",
		"application/x-7z-compressed",
		"application/x-archive",
		"application/vnd.debian.binary-package",
		"application/x-rpm",
		"application/vnd.ms-cab-compressed",
		"application/x-iso9660-image",
		"application/x-squashfs",
		"application/x-ms-cab-compressed",
		"application/java-archive",
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(kinds); i++)
		if (!strcmp(m, kinds[i]))
			return true;
	return o->magic &&
	       (strstr(o->magic, "Squashfs filesystem") ||
		strstr(o->magic, "u-boot legacy uImage") || strstr(o->magic, "Linux kernel"));
}

bool vti_is_text(const struct vt_object *o, struct vt_span s)
{
	const char *m = o->mime;
	if (m) {
		if (!strncmp(m, "text/", 5))
			return true;
		static const char *const kinds[] = {
			"application/json",	  "application/xml",
			"application/javascript", "application/x-shellscript",
			"application/x-sh",	  "application/x-perl",
			"application/x-php",	  "application/x-ruby",
			"application/x-awk",	  "application/x-wine-extension-ini",
		};
		for (size_t i = 0; i < VT_ARRAY_LEN(kinds); i++)
			if (!strcmp(m, kinds[i]))
				return true;
		if (strcmp(m, "application/octet-stream") && strcmp(m, "inode/x-empty"))
			return false;
	}
	/* no useful type: text when the first bytes are printable */
	size_t n = VT_MIN(s.len, (size_t)512), bad = 0;
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s.p[i];
		if (c == 0)
			return false;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			bad++;
	}
	return bad * 20 < n;
}

void vti_redact(char *out, size_t cap, const char *secret, size_t n, size_t show)
{
	size_t k = VT_MIN(n, show);
	char pre[64];
	k = VT_MIN(k, sizeof(pre) - 1);
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)secret[i];
		pre[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	pre[k] = 0;
	snprintf(out, cap, "%s... (%zu chars)", pre, n);
}

char *vti_strndup_printable(struct vt_arena *a, const uint8_t *p, size_t n, size_t max)
{
	n = VT_MIN(n, max);
	char *s = vt_arena_alloc(a, n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		s[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	s[n] = 0;
	return s;
}
