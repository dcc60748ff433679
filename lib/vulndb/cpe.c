/* cpe.c - CPE 2.3 formatted strings: parsing with escapes, and attribute matching as the
 * CPE Name Matching specification (NISTIR 7696) defines it (see cpe.h).
 *
 * Input strings come from vulnerability records, VEX documents and the catalogue; any of
 * them may be malformed. Parsing accepts exactly the formatted-string binding of NISTIR 7695
 * (6.2): "cpe:2.3:" and 11 attributes separated by unquoted ':'; in a value, letters,
 * digits, '_', '-' and '.' stand for themselves, any other printable ASCII character must
 * be quoted with '\', and the unquoted '*' and '?' are wildcards allowed only at the start
 * and the end of a value ("*" alone is ANY, "-" alone is NA). Anything else is VT_EFORMAT.
 * Matching allocates nothing.
 */
#include "core/internal.h"

#include "vulndb/cpe.h"

static bool is_plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

vt_err vti_cpe_scan(const char *s, struct vti_cpe_raw *out)
{
	static const char prefix[] = "cpe:2.3:";
	if (!s || !out)
		return VT_EINVAL;
	for (size_t i = 0; i < sizeof(prefix) - 1; i++)
		if (lower(s[i]) != prefix[i])
			return VT_EFORMAT; /* also stops at a NUL */
	const char *p = s + sizeof(prefix) - 1;
	for (int a = 0; a < VTI_CPE_NATTR; a++) {
		const char *v = p;
		/* wildcards: a '*' only first or last, '?' only in runs at either end */
		bool body = false, lead_star = false, tail = false, tail_star = false;
		for (;; p++) {
			unsigned char c = (unsigned char)*p;
			if (!c || c == ':')
				break;
			if ((size_t)(p - s) >= VTI_CPE_MAX)
				return VT_EFORMAT;
			if (c == '\\') {
				unsigned char q = (unsigned char)p[1];
				if (q < 0x21 || q > 0x7e || tail)
					return VT_EFORMAT;
				body = true;
				p++;
				continue;
			}
			if (c == '*') {
				if (tail)
					return VT_EFORMAT; /* "x?*", "x**" */
				if (!body) {
					if (p != v)
						return VT_EFORMAT; /* "?*", "**" */
					lead_star = true;
				} else {
					tail = tail_star = true;
				}
				continue;
			}
			if (c == '?') {
				if (tail_star || (lead_star && !body))
					return VT_EFORMAT; /* "*?", "x*?" */
				if (body)
					tail = true;
				continue;
			}
			if (!is_plain((char)c) || tail)
				return VT_EFORMAT;
			body = true;
		}
		size_t n = (size_t)(p - v);
		if (!n || (lead_star && !body && n > 1))
			return VT_EFORMAT;
		out->f[a] = v;
		out->n[a] = (uint16_t)n;
		if (a < VTI_CPE_NATTR - 1) {
			if (*p != ':')
				return VT_EFORMAT; /* too few attributes */
			p++;
		} else if (*p) {
			return VT_EFORMAT; /* too many attributes */
		}
	}
	const char *part = out->f[VTI_CPE_PART];
	char c0 = lower(part[0]);
	if (out->n[VTI_CPE_PART] != 1 || (c0 != 'a' && c0 != 'o' && c0 != 'h' && c0 != '*'))
		return VT_EFORMAT;
	return VT_OK;
}

vt_err vti_cpe_parse_buf(const char *s, char *buf, size_t cap, struct vti_cpe *out)
{
	if (!s || !buf || !out)
		return VT_EINVAL;
	struct vti_cpe_raw r;
	vt_err e = vti_cpe_scan(s, &r);
	if (e)
		return e;
	size_t len = strlen(s);
	if (cap < len + 1)
		return VT_ELIMIT;
	size_t o = 0;
	for (int a = 0; a < VTI_CPE_NATTR; a++) {
		/* bound form: quoting removed except before '\\', '*', '?' (still special to
		 * matching) and a lone "\-" (a literal hyphen, not NA) */
		const char *v = r.f[a];
		size_t n = r.n[a];
		out->attr[a] = buf + o;
		for (size_t k = 0; k < n; k++) {
			char c = v[k];
			if (c == '\\') {
				char q = v[++k];
				if (q == '\\' || q == '*' || q == '?' || (q == '-' && n == 2))
					buf[o++] = '\\';
				buf[o++] = q;
				continue;
			}
			buf[o++] = c;
		}
		buf[o++] = 0;
	}
	return VT_OK;
}

bool vti_cpe_raw_is(const char *f, size_t n, const char *plain)
{
	if (!plain)
		return false;
	size_t i = 0;
	for (; i < n; i++)
		if (!plain[i] || lower(f[i]) != lower(plain[i]))
			return false;
	return !plain[i];
}

bool vti_cpe_raw_literal(const char *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i] == '\\' || f[i] == '*' || f[i] == '?')
			return false;
	return !(n == 1 && f[0] == '-');
}

vt_err vti_cpe_parse(const char *s, struct vt_arena *a, struct vti_cpe *out)
{
	if (!s || !a || !out)
		return VT_EINVAL;
	size_t len = strnlen(s, VTI_CPE_MAX + 1);
	if (len > VTI_CPE_MAX)
		return VT_EFORMAT;
	char *buf = vt_arena_alloc(a, len + 1);
	if (!buf)
		return VT_ENOMEM;
	struct vti_cpe c;
	vt_err e = vti_cpe_parse_buf(s, buf, len + 1, &c);
	if (e)
		return e;
	*out = c;
	return VT_OK;
}

/* Length in characters of the literal body [b, b+n) (quoting backslashes not counted). */
static size_t lit_len(const char *b, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++, k++)
		if (b[i] == '\\' && i + 1 < n)
			i++;
	return k;
}

/* Does the literal body [b, b+n) equal the target characters at t (case-insensitive)? The
 * caller has checked that enough target characters remain. */
static bool lit_eq(const char *b, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++, t++) {
		if (b[i] == '\\' && i + 1 < n)
			i++;
		if (lower(b[i]) != lower(*t))
			return false;
	}
	return true;
}

bool vti_cpe_attr_match(const char *criterion, const char *target)
{
	if (!criterion || !*criterion || (criterion[0] == '*' && !criterion[1]))
		return true;
	bool t_any = !target || !*target || (target[0] == '*' && !target[1]);
	if (t_any)
		return false; /* the target may be anything: the criterion is narrower */
	bool c_na = criterion[0] == '-' && !criterion[1];
	bool t_na = target[0] == '-' && !target[1];
	if (c_na || t_na)
		return c_na && t_na;

	/* NISTIR 7696 compareStrings: a leading '*' (begins = -1) or run of k '?' (the match
	 * may start at most k characters in), a trailing '*' or run of '?' likewise. */
	size_t n = strlen(criterion), start = 0, end = n;
	long begins = 0, ends = 0;
	if (criterion[0] == '*') {
		start = 1;
		begins = -1;
	} else {
		while (start < n && criterion[start] == '?') {
			start++;
			begins++;
		}
	}
	/* the trailing wildcards: unquoted only; find where the quoted body really ends */
	size_t body_end = start;
	for (size_t k = start; k < n; k++) {
		if (criterion[k] == '\\' && k + 1 < n) {
			k++;
			body_end = k + 1;
		} else if (criterion[k] != '*' && criterion[k] != '?') {
			body_end = k + 1;
		}
	}
	if (body_end < end && criterion[body_end] == '*') {
		ends = -1;
	} else {
		ends = (long)(end - body_end);
	}
	end = body_end;
	const char *body = criterion + start;
	size_t bn = end - start, blen = lit_len(body, bn), tlen = strlen(target);
	if (blen > tlen)
		return false;
	for (size_t idx = 0; idx + blen <= tlen; idx++) {
		if (begins != -1 && (long)idx > begins)
			break;
		if (!lit_eq(body, bn, target + idx))
			continue;
		size_t left = tlen - idx - blen;
		if (ends == -1 || (long)left <= ends)
			return true;
	}
	return false;
}

bool vti_cpe_is_any(const char *v)
{
	return !v || !*v || (v[0] == '*' && !v[1]);
}

bool vti_cpe_is_na(const char *v)
{
	return v && v[0] == '-' && !v[1];
}
