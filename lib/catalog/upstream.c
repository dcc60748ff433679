/* upstream.c - upstream versions from what distributions write, and CPE attribute escaping.
 *
 * A version captured from a binary or read from a package database may carry what a
 * distribution added: an epoch ("1:"), a package revision ("-4", "-r2" for apk), repacking
 * suffixes ("+dfsg", ".dfsg", "+ds", "+repack"), stable-update suffixes ("~deb12u1",
 * "+deb12u3", "+b1"), a "+really" downgrade marker ("2.0+really1.9" is 1.9), or text after
 * the version ("9.2p1 Debian-2+deb12u10"). The upstream project's own version is what
 * components report and vulnerability data matches, so those are removed here. Input is
 * untrusted text of any length; output is bounded by the caller's buffer.
 */
#include "core/internal.h"

#include "catalog/catalog.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Position of the first occurrence of `needle` in [s, s+n), or n. */
static size_t find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (!memcmp(s + i, needle, k))
			return i;
	return n;
}

/* Cuts the packaging suffixes that may appear in any kind of version. */
static size_t cut_suffixes(const char *s, size_t n)
{
	static const char *const cuts[] = {"+dfsg", ".dfsg", "+ds", ".ds", "+repack", "~dfsg",
					   "+deb", "~deb", "~bpo", "+nmu", "~exp", "+git", "~"};
	for (size_t i = 0; i < VT_ARRAY_LEN(cuts); i++) {
		size_t at = find(s, n, cuts[i]);
		if (at < n) {
			/* ".ds" and ".dfsg" only as a whole suffix word, "+git" keeps nothing */
			if (!strcmp(cuts[i], ".ds") && at + 3 < n && is_alnum(s[at + 3]))
				continue;
			n = at;
		}
	}
	/* "+b1", "+b12": binary rebuilds */
	for (size_t i = 0; i + 2 < n; i++) {
		if (s[i] == '+' && s[i + 1] == 'b' && is_digit(s[i + 2])) {
			size_t j = i + 2;
			while (j < n && is_digit(s[j]))
				j++;
			if (j == n || s[j] == '+' || s[j] == '~' || s[j] == '-') {
				n = i;
				break;
			}
		}
	}
	return n;
}

size_t vti_upstream_version(enum vti_ver_kind kind, const char *raw, size_t n, char *out,
			    size_t cap)
{
	if (!cap)
		return 0;
	out[0] = 0;
	if (!raw)
		return 0;
	const char *s = raw;
	/* leading and trailing space, and everything after the first space ("9.2p1 Debian-2") */
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || !s[i]) {
			n = i;
			break;
		}
	}
	/* epoch: digits then ':' */
	size_t d = 0;
	while (d < n && is_digit(s[d]))
		d++;
	if (d && d < n && s[d] == ':') {
		s += d + 1;
		n -= d + 1;
	}
	/* "+really": the version after it is the real one */
	size_t rl = find(s, n, "+really");
	if (rl < n) {
		s += rl + 7;
		n -= rl + 7;
	}
	if (kind == VTI_VER_DEB || kind == VTI_VER_OPKG) {
		/* the revision follows the last hyphen */
		for (size_t i = n; i > 0; i--) {
			if (s[i - 1] == '-') {
				n = i - 1;
				break;
			}
		}
	} else if (kind == VTI_VER_APK) {
		/* "-rN" at the end */
		for (size_t i = n; i > 1; i--) {
			if (s[i - 1] == 'r' && s[i - 2] == '-') {
				bool digits = i < n;
				for (size_t j = i; j < n; j++)
					digits = digits && is_digit(s[j]);
				if (digits)
					n = i - 2;
				break;
			}
			if (!is_digit(s[i - 1]))
				break;
		}
	} else {
		/* a Debian revision in a string: "-4+deb12u1", "-2~deb12u1", "-1ubuntu3" */
		for (size_t i = 0; i < n; i++) {
			if (s[i] != '-' || i + 1 >= n || !is_digit(s[i + 1]))
				continue;
			size_t j = i + 1;
			while (j < n && is_digit(s[j]))
				j++;
			if (j < n && (s[j] == '+' || s[j] == '~' || s[j] == '.' ||
				      (n - j >= 6 && !memcmp(s + j, "ubuntu", 6)) ||
				      (n - j >= 3 && !memcmp(s + j, "deb", 3)))) {
				n = i;
				break;
			}
		}
	}
	n = cut_suffixes(s, n);
	/* trailing separators */
	while (n && (s[n - 1] == '.' || s[n - 1] == '-' || s[n - 1] == '+' || s[n - 1] == '_' ||
		     s[n - 1] == ',' || s[n - 1] == ';' || s[n - 1] == ')' || s[n - 1] == '('))
		n--;
	bool any_digit = false;
	for (size_t i = 0; i < n; i++)
		any_digit = any_digit || is_digit(s[i]);
	if (!n || !any_digit)
		return 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = 0;
	return n;
}

bool vti_cpe_escape(const char *v, char *out, size_t cap)
{
	size_t k = 0;
	if (!v || !*v) {
		if (cap < 2)
			return false;
		out[0] = '-';
		out[1] = 0;
		return true;
	}
	for (const char *p = v; *p; p++) {
		char ch = *p;
		bool plain = is_alnum(ch) || ch == '_' || ch == '-' || ch == '.';
		if ((unsigned char)ch < 0x21 || (unsigned char)ch > 0x7e)
			ch = '_'; /* CPE values are printable ASCII without spaces */
		if (k + (plain ? 1 : 2) >= cap)
			return false;
		if (!plain && ch != '_')
			out[k++] = '\\';
		out[k++] = ch;
	}
	out[k] = 0;
	return true;
}
