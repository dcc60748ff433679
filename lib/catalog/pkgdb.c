/* pkgdb.c - parsers of package databases: dpkg and opkg control paragraphs, apk's
 * installed database (see pkgdb.h).
 *
 * Formats (from their documentation: deb-control(5), deb822(5), dpkg's status file; opkg
 * writes the same fields; apk's "installed" is documented in apk-tools' database format):
 *  - dpkg/opkg: paragraphs of "Field: value" lines separated by blank lines; lines starting
 *    with a space or tab continue the previous field; field names are case-insensitive.
 *    "Status: want flag state": the files are on disk when state is installed,
 *    half-configured, unpacked, half-installed, triggers-awaited or triggers-pending.
 *  - apk: records of "K:value" lines separated by blank lines; P is the name, V the
 *    version, A the architecture, o the origin (source) package.
 * Input is hostile: it is read only through the span, values longer than
 * VTI_PKGDB_MAX_VALUE invalidate their record, and the record count is capped.
 */
#include "core/internal.h"

#include <strings.h>

#include "catalog/pkgdb.h"

struct rec {
	struct vti_pkg p;
	bool bad;
	bool any;
	bool has_status;
	bool status_ok;
};

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* A name or version: printable, no space, 1..MAX bytes. */
static bool token_ok(const char *s, size_t n)
{
	if (!n || n > VTI_PKGDB_MAX_VALUE)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static bool field_is(const char *f, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(f, name, n);
}

/* "install ok installed" -> installed? */
static bool status_installed(const char *v, size_t n)
{
	static const char *const states[] = {"installed",	"half-configured", "unpacked",
					     "half-installed",	"triggers-awaited",
					     "triggers-pending"};
	/* the last word */
	size_t s = n;
	while (s && v[s - 1] != ' ' && v[s - 1] != '\t')
		s--;
	for (size_t i = 0; i < VT_ARRAY_LEN(states); i++)
		if (field_is(v + s, n - s, states[i]))
			return true;
	return false;
}

static void flush(struct rec *r, vti_pkg_fn fn, void *ud, size_t *count)
{
	if (r->any && !r->bad && r->p.name && *count < VTI_PKGDB_MAX_PACKAGES) {
		r->p.installed = r->has_status ? r->status_ok : true;
		fn(ud, &r->p);
		(*count)++;
	}
	memset(r, 0, sizeof(*r));
}

static void set(struct rec *r, const char **dst, size_t *dlen, const char *v, size_t n)
{
	if (!token_ok(v, n)) {
		r->bad = true;
		return;
	}
	*dst = v;
	*dlen = n;
}

vt_err vti_pkgdb_parse(enum vti_pkgdb_kind kind, struct vt_span s, vti_pkg_fn fn, void *ud,
		       size_t *count)
{
	size_t cnt = 0;
	if (count)
		*count = 0;
	if (!s.len)
		return VT_OK;
	if (memchr(s.p, 0, s.len))
		return VT_EFORMAT;
	const char *text = (const char *)s.p;
	struct rec r;
	memset(&r, 0, sizeof(r));
	size_t pos = 0;
	while (pos < s.len && cnt < VTI_PKGDB_MAX_PACKAGES) {
		const char *nl = memchr(text + pos, '\n', s.len - pos);
		size_t end = nl ? (size_t)(nl - text) : s.len;
		const char *line = text + pos;
		size_t n = end - pos;
		size_t at = pos;
		pos = end + 1;
		if (blank(line, n)) {
			flush(&r, fn, ud, &cnt);
			continue;
		}
		if (kind == VTI_PKGDB_APK) {
			if (n < 2 || line[1] != ':') {
				r.bad = r.bad || r.any; /* junk inside a record spoils it */
				continue;
			}
			if (!r.any)
				r.p.offset = at;
			r.any = true;
			const char *v = line + 2;
			size_t vn = n - 2;
			trim(&v, &vn);
			switch (line[0]) {
			case 'P':
				set(&r, &r.p.name, &r.p.name_len, v, vn);
				break;
			case 'V':
				set(&r, &r.p.version, &r.p.version_len, v, vn);
				break;
			case 'A':
				set(&r, &r.p.arch, &r.p.arch_len, v, vn);
				break;
			case 'o':
				set(&r, &r.p.source, &r.p.source_len, v, vn);
				break;
			default:
				break;
			}
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t')
			continue; /* continuation of a multi-line field */
		const char *colon = memchr(line, ':', n);
		if (!colon) {
			r.bad = r.bad || r.any;
			continue;
		}
		if (!r.any)
			r.p.offset = at;
		r.any = true;
		size_t fn_len = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vn = n - fn_len - 1;
		trim(&v, &vn);
		if (field_is(line, fn_len, "Package")) {
			set(&r, &r.p.name, &r.p.name_len, v, vn);
		} else if (field_is(line, fn_len, "Version")) {
			set(&r, &r.p.version, &r.p.version_len, v, vn);
		} else if (field_is(line, fn_len, "Architecture")) {
			set(&r, &r.p.arch, &r.p.arch_len, v, vn);
		} else if (field_is(line, fn_len, "Source")) {
			/* "openssl (3.0.11-1)": the name only */
			size_t k = 0;
			while (k < vn && v[k] != ' ' && v[k] != '(')
				k++;
			if (k)
				set(&r, &r.p.source, &r.p.source_len, v, k);
		} else if (field_is(line, fn_len, "Status")) {
			r.has_status = true;
			r.status_ok = status_installed(v, vn);
		}
	}
	flush(&r, fn, ud, &cnt);
	if (count)
		*count = cnt;
	return cnt ? VT_OK : VT_EFORMAT;
}
