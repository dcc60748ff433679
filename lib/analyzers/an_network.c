/* an_network.c - network endpoints in binaries and configuration: IPv4 and IPv6
 * addresses, URLs and (in text files) domain names, classified as private, loopback,
 * link-local, multicast, reserved, well-known public hosts (resolvers, NTP pools,
 * distribution and standards sites) or unknown public hosts: the call-home inventory.
 *
 * One pass over the bytes finds address-shaped tokens; noise is kept down by shape and
 * context: octets without leading zeros, nothing alphanumeric or '.'/':' glued to either
 * side (so "v1.2.3.4", "1.2.3.4.5" and OIDs are not addresses), no "version"/"build"
 * word just before, nothing inside PEM blocks (certificates), no format strings in URL
 * hosts ("http://%s/"). Hard-coded unknown public IPs are findings (medium in binaries,
 * low in text); everything else is an info-level inventory, capped per file.
 *
 * Input is hostile: every token is read with explicit bounds inside the span.
 */
#include "core/internal.h"

#include <arpa/inet.h>

#include "analyzers/an_common.h"
#include "analyzers/analyzer.h"

#define MAX_FILE (64u << 20)
#define MAX_REPORT 24
#define MAX_SEEN 256

static const struct vt_rule r_pubip = {
	"VT-NET-001",
	"network",
	VT_LEVEL_MEDIUM,
	"Hard-coded public IP address",
	"CWE-1051",
	"A public IP address that is not a well-known resolver or NTP server is hard-coded: a "
	"call-home, update or telemetry endpoint, a backdoor's controller, or a test address "
	"left in. It cannot be changed without new firmware. Medium in binaries, low in "
	"configuration files and scripts.",
	"Document every endpoint the device contacts; use configurable host names; remove test "
	"and debug addresses."};
static const struct vt_rule r_endpoint = {
	"VT-NET-002",
	"network",
	VT_LEVEL_INFO,
	"Network endpoint",
	NULL,
	"Inventory: an address, URL or domain name found in the file, with its class (private, "
	"loopback, link-local, multicast, well-known public host, public).",
	"Check that each endpoint is expected and documented."};
static const struct vt_rule r_pubhost = {
	"VT-NET-003",
	"network",
	VT_LEVEL_LOW,
	"URL of an unknown public host in a binary",
	"CWE-1051",
	"A binary contains a URL whose host is public and not a well-known distribution, "
	"standards or time host: a candidate call-home or update endpoint.",
	"Document the endpoint (what is sent, when, whether it can be disabled)."};

static const struct vt_rule *const rules[] = {&r_pubip, &r_endpoint, &r_pubhost, NULL};

const char *vti_net_class_name(enum vti_net_class c)
{
	static const char *const n[] = {"public",    "private",	 "loopback",  "link-local",
					"multicast", "reserved", "well-known"};
	return (unsigned)c < VT_ARRAY_LEN(n) ? n[c] : "unknown";
}

enum vti_net_class vti_ipv4_class(uint32_t ip, const char **what)
{
	*what = NULL;
	uint8_t a = (uint8_t)(ip >> 24), b = (uint8_t)(ip >> 16), c = (uint8_t)(ip >> 8);
	if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168))
		return VTI_NC_PRIVATE;
	if (a == 100 && (b & 0xc0) == 64)
		return VTI_NC_PRIVATE; /* carrier-grade NAT */
	if (a == 127)
		return VTI_NC_LOOPBACK;
	if (a == 169 && b == 254)
		return VTI_NC_LINKLOCAL;
	if ((a & 0xf0) == 224)
		return VTI_NC_MULTICAST;
	if (a == 0 || a >= 240 || (a == 192 && b == 0 && (c == 0 || c == 2)) ||
	    (a == 198 && (b & 0xfe) == 18) || (a == 198 && b == 51 && c == 100) ||
	    (a == 203 && b == 0 && c == 113))
		return VTI_NC_RESERVED;
	static const struct {
		uint32_t ip;
		const char *what;
	} known[] = {
		{0x08080808, "Google DNS resolver"},	 {0x08080404, "Google DNS resolver"},
		{0x01010101, "Cloudflare DNS resolver"}, {0x01000001, "Cloudflare DNS resolver"},
		{0x09090909, "Quad9 DNS resolver"},	 {0x9570700f, "Quad9 DNS resolver"},
		{0xd043dede, "OpenDNS resolver"},	 {0xd043dcdc, "OpenDNS resolver"},
		{0x04020201, "Level3 DNS resolver"},	 {0x04020202, "Level3 DNS resolver"},
		{0x72727272, "114DNS resolver"},	 {0xdf050505, "AliDNS resolver"},
		{0xb49cc2c4, "Baidu DNS resolver"},
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(known); i++)
		if (known[i].ip == ip) {
			*what = known[i].what;
			return VTI_NC_WELLKNOWN;
		}
	return VTI_NC_PUBLIC;
}

static bool host_suffix(const char *h, const char *d)
{
	size_t a = strlen(h), b = strlen(d);
	return a >= b && !strcasecmp(h + a - b, d) && (a == b || h[a - b - 1] == '.');
}

enum vti_net_class vti_host_class(const char *host, const char **what)
{
	*what = NULL;
	if (!strcasecmp(host, "localhost") || host_suffix(host, "localhost"))
		return VTI_NC_LOOPBACK;
	static const char *const priv[] = {"local",	  "lan",       "home",	   "internal",
					   "localdomain", "home.arpa", "intranet", "corp"};
	for (size_t i = 0; i < VT_ARRAY_LEN(priv); i++)
		if (host_suffix(host, priv[i]))
			return VTI_NC_PRIVATE;
	static const char *const rsv[] = {"example.com", "example.org", "example.net",
					  "example",	 "invalid",	"test"};
	for (size_t i = 0; i < VT_ARRAY_LEN(rsv); i++)
		if (host_suffix(host, rsv[i]))
			return VTI_NC_RESERVED;
	static const struct {
		const char *d, *what;
	} known[] = {
		{"ntp.org", "NTP"},
		{"time.google.com", "NTP"},
		{"time.windows.com", "NTP"},
		{"time.apple.com", "NTP"},
		{"time.nist.gov", "NTP"},
		{"time.cloudflare.com", "NTP"},
		{"ntp.ubuntu.com", "NTP"},
		{"time.facebook.com", "NTP"},
		{"ntp.aliyun.com", "NTP"},
		{"debian.org", "distribution"},
		{"ubuntu.com", "distribution"},
		{"canonical.com", "distribution"},
		{"gnu.org", "distribution"},
		{"kernel.org", "distribution"},
		{"openwrt.org", "distribution"},
		{"busybox.net", "distribution"},
		{"openssl.org", "distribution"},
		{"github.com", "distribution"},
		{"sourceforge.net", "distribution"},
		{"freedesktop.org", "standards"},
		{"w3.org", "standards"},
		{"ietf.org", "standards"},
		{"iana.org", "standards"},
		{"apache.org", "distribution"},
		{"mozilla.org", "distribution"},
		{"python.org", "distribution"},
		{"xmlsoap.org", "standards"},
		{"purl.org", "standards"},
		{"openssh.com", "distribution"},
		{"gnupg.org", "distribution"},
		{"sqlite.org", "distribution"},
		{"curl.se", "distribution"},
		{"haxx.se", "distribution"},
		{"gnome.org", "distribution"},
		{"savannah.gnu.org", "distribution"},
		{"lighttpd.net", "distribution"},
		{"thekelleys.org.uk", "distribution"},
		{"matt.ucc.asn.au", "distribution"},
		{"schemas.microsoft.com", "standards"},
		{"json-schema.org", "standards"},
		{"opensource.org", "standards"},
		{"creativecommons.org", "standards"},
		{"unicode.org", "standards"},
		{"x.org", "distribution"},
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(known); i++)
		if (host_suffix(host, known[i].d)) {
			*what = known[i].what;
			return VTI_NC_WELLKNOWN;
		}
	return VTI_NC_PUBLIC;
}

/* --- the scanner --- */

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}
static bool is_hex(uint8_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_alnum(uint8_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_host(uint8_t c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

/* Parses a dotted quad in t[0..n); false unless exactly four octets without leading zeros. */
static bool parse_v4(const uint8_t *t, size_t n, uint32_t *ip)
{
	uint32_t v = 0;
	unsigned oct = 0;
	size_t i = 0;
	while (oct < 4) {
		size_t b = i;
		unsigned x = 0;
		while (i < n && is_digit(t[i]) && i - b < 4)
			x = x * 10 + (unsigned)(t[i++] - '0');
		size_t len = i - b;
		if (!len || len > 3 || x > 255 || (len > 1 && t[b] == '0'))
			return false;
		v = (v << 8) | x;
		oct++;
		if (oct < 4) {
			if (i >= n || t[i] != '.')
				return false;
			i++;
		}
	}
	if (i != n)
		return false;
	*ip = v;
	return true;
}

/* A version-like word just before off ("version 1.2.3.4", "ver.", "build", "v"). */
static bool version_context(struct vt_span s, size_t off)
{
	size_t b = off > 16 ? off - 16 : 0;
	char w[17];
	size_t n = off - b;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s.p[b + i];
		w[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c < 0x20 || c >= 0x7f ? ' ' : c);
	}
	w[n] = 0;
	/* the last word before the address */
	size_t e = n;
	while (e > 0 && (w[e - 1] == ' ' || w[e - 1] == ':' || w[e - 1] == '=' || w[e - 1] == '\t'))
		e--;
	w[e] = 0;
	static const char *const words[] = {"version", "ver", "ver.",	  "release",
					    "build",   "rev", "revision", "firmware",
					    "fw",      "v",   "kernel",	  "glibc"};
	for (size_t i = 0; i < VT_ARRAY_LEN(words); i++)
		if (vti_ends_with(w, words[i])) {
			size_t k = strlen(words[i]);
			if (e == k || !is_alnum((uint8_t)w[e - k - 1]))
				return true;
		}
	return false;
}

static enum vti_net_class v6_class(const uint8_t *a, const char **what)
{
	*what = NULL;
	static const uint8_t zero[16] = {0};
	if (!memcmp(a, zero, 15) && a[15] == 1)
		return VTI_NC_LOOPBACK;
	if (!memcmp(a, zero, 16))
		return VTI_NC_RESERVED;
	if (!memcmp(a, zero, 10) && a[10] == 0xff && a[11] == 0xff)
		return vti_ipv4_class((uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 |
					      (uint32_t)a[14] << 8 | a[15],
				      what);
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return VTI_NC_LINKLOCAL;
	if ((a[0] & 0xfe) == 0xfc)
		return VTI_NC_PRIVATE;
	if (a[0] == 0xff)
		return VTI_NC_MULTICAST;
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return VTI_NC_RESERVED;
	static const struct {
		uint8_t p[16];
		const char *what;
	} known[] = {
		{{0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88},
		 "Google DNS resolver"},
		{{0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x44},
		 "Google DNS resolver"},
		{{0x26, 0x06, 0x47, 0, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11},
		 "Cloudflare DNS resolver"},
		{{0x26, 0x20, 0, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe},
		 "Quad9 DNS resolver"},
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(known); i++)
		if (!memcmp(a, known[i].p, 16)) {
			*what = known[i].what;
			return VTI_NC_WELLKNOWN;
		}
	if ((a[0] & 0xe0) == 0x20)
		return VTI_NC_PUBLIC;
	return VTI_NC_RESERVED;
}

static bool known_tld(const char *t)
{
	static const char *const tlds[] = {
		"com", "net", "org", "io", "cn",  "ru",	 "de",	  "uk",	    "jp",   "info", "biz",
		"us",  "eu",  "fr",  "it", "nl",  "kr",	 "tw",	  "in",	    "br",   "au",   "ca",
		"co",  "me",  "cc",  "tv", "xyz", "top", "cloud", "online", "site", "app",  "dev",
		"ai",  "hk",  "sg",  "se", "ch",  "es",	 "pl",	  "cz",	    "edu",  "gov",  "mil"};
	for (size_t i = 0; i < VT_ARRAY_LEN(tlds); i++)
		if (!strcmp(t, tlds[i]))
			return true;
	return false;
}

/* Validates a host name (labels of [a-z0-9-], at least two, the last alphabetic). */
static bool valid_domain(const char *h, bool need_tld)
{
	size_t n = strlen(h);
	if (n < 4 || n > 253 || h[0] == '.' || h[0] == '-' || h[n - 1] == '.' || h[n - 1] == '-')
		return false;
	const char *dot = strrchr(h, '.');
	if (!dot)
		return false;
	size_t tl = strlen(dot + 1);
	if (tl < 2 || tl > 12)
		return false;
	for (const char *p = dot + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	for (size_t i = 1; i < n; i++)
		if (h[i] == '.' && (h[i - 1] == '.' || h[i - 1] == '-'))
			return false;
	if (need_tld) {
		char t[16];
		for (size_t i = 0; i <= tl; i++)
			t[i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ? dot[1 + i] + 32
									     : dot[1 + i]);
		return known_tld(t);
	}
	return true;
}

struct scan {
	struct vt_span s;
	bool text;
	size_t max, n;
	void (*cb)(const struct vti_endpoint *, void *);
	void *ud;
	size_t pem_b[16], pem_e[16], n_pem;
};

static bool in_pem(const struct scan *x, size_t off)
{
	for (size_t i = 0; i < x->n_pem; i++)
		if (off >= x->pem_b[i] && off < x->pem_e[i])
			return true;
	return false;
}

static void emit(struct scan *x, struct vti_endpoint *ep)
{
	if (x->n >= x->max)
		return;
	x->n++;
	x->cb(ep, x->ud);
}

static const char *const schemes[] = {"https", "http", "ftp",	"tftp", "sftp",	  "mqtts",
				      "mqtt",  "wss",  "ws",	"rtsp", "telnet", "ssh",
				      "coaps", "coap", "ldaps", "ldap", "smb",	  "nfs"};

static void scan_urls(struct scan *x)
{
	struct vt_span s = x->s;
	size_t pos = 0;
	while (pos + 3 < s.len && x->n < x->max) {
		const uint8_t *p = memmem(s.p + pos, s.len - pos, "://", 3);
		if (!p)
			break;
		size_t c = (size_t)(p - s.p);
		pos = c + 3;
		size_t sb = c;
		while (sb > 0 && c - sb < 8 &&
		       ((s.p[sb - 1] >= 'a' && s.p[sb - 1] <= 'z') ||
			(s.p[sb - 1] >= 'A' && s.p[sb - 1] <= 'Z')))
			sb--;
		if (sb == c || in_pem(x, c))
			continue;
		bool ok = false;
		for (size_t i = 0; i < VT_ARRAY_LEN(schemes) && !ok; i++)
			ok = strlen(schemes[i]) == c - sb &&
			     !strncasecmp((const char *)s.p + sb, schemes[i], c - sb);
		if (!ok)
			continue;
		/* host: after optional user@, up to / : ? # or a non-host character */
		size_t hb = c + 3, he = hb;
		while (he < s.len && he - hb < 256 && (is_host(s.p[he]) || s.p[he] == '@'))
			he++;
		const uint8_t *at = he > hb ? memchr(s.p + hb, '@', he - hb) : NULL;
		if (at)
			hb = (size_t)(at - s.p) + 1;
		bool v6 = hb < s.len && s.p[hb] == '[';
		if (v6) {
			he = hb + 1;
			while (he < s.len && he - hb < 48 &&
			       (is_hex(s.p[he]) || s.p[he] == ':' || s.p[he] == '.'))
				he++;
			if (he >= s.len || s.p[he] != ']')
				continue;
			he++;
		}
		if (he <= hb ||
		    (he < s.len && (s.p[he] == '%' || s.p[he] == '$' || s.p[he] == '{')))
			continue;
		size_t ue = he;
		while (ue < s.len && ue - sb < 512 && s.p[ue] > 0x20 && s.p[ue] < 0x7f &&
		       s.p[ue] != '"' && s.p[ue] != '\'' && s.p[ue] != '<' && s.p[ue] != '>' &&
		       s.p[ue] != '`')
			ue++;
		struct vti_endpoint ep = {0};
		ep.kind = VTI_NET_URL;
		ep.off = sb;
		ep.len = ue - sb;
		ep.text = s.p + sb;
		size_t hl = VT_MIN(he - hb, sizeof(ep.host_buf) - 1);
		memcpy(ep.host_buf, s.p + hb, hl);
		ep.host_buf[hl] = 0;
		ep.host = ep.host_buf;
		uint32_t ip;
		uint8_t a6[16];
		if (v6) {
			char t[64];
			snprintf(t, sizeof(t), "%.*s", (int)VT_MIN(hl - 2, (size_t)60),
				 ep.host_buf + 1);
			if (inet_pton(AF_INET6, t, a6) != 1)
				continue;
			ep.cls = v6_class(a6, &ep.what);
		} else if (parse_v4(s.p + hb, he - hb, &ip)) {
			ep.cls = vti_ipv4_class(ip, &ep.what);
		} else if (valid_domain(ep.host_buf, false) ||
			   !strcasecmp(ep.host_buf, "localhost")) {
			ep.cls = vti_host_class(ep.host_buf, &ep.what);
		} else {
			continue;
		}
		emit(x, &ep);
		pos = ue;
	}
}

void vti_net_scan(struct vt_span s, bool text, size_t max,
		  void (*cb)(const struct vti_endpoint *ep, void *ud), void *ud)
{
	struct scan x = {.s = s, .text = text, .max = max, .cb = cb, .ud = ud};
	/* PEM blocks are skipped: certificates hold addresses that are not endpoints */
	for (size_t pos = 0; x.n_pem < VT_ARRAY_LEN(x.pem_b) && pos < s.len;) {
		const uint8_t *b = memmem(s.p + pos, s.len - pos, "-----BEGIN ", 11);
		if (!b)
			break;
		size_t bo = (size_t)(b - s.p);
		const uint8_t *e = memmem(b, s.len - bo, "-----END ", 9);
		size_t eo = e ? (size_t)(e - s.p) + 9 : s.len;
		x.pem_b[x.n_pem] = bo;
		x.pem_e[x.n_pem++] = eo;
		pos = eo;
	}
	scan_urls(&x);
	for (size_t i = 0; i < s.len && x.n < max;) {
		uint8_t c = s.p[i];
		if (!is_hex(c) && c != ':') {
			i++;
			continue;
		}
		uint8_t prev = i ? s.p[i - 1] : 0;
		bool glued = is_alnum(prev) || prev == '_' || prev == '.' || prev == ':' ||
			     prev == '/' || prev == '-';
		size_t e = i;
		size_t colons = 0, dots = 0;
		bool all_dec = true;
		while (e < s.len && e - i < 64 &&
		       (is_hex(s.p[e]) || s.p[e] == ':' || s.p[e] == '.')) {
			colons += s.p[e] == ':';
			dots += s.p[e] == '.';
			all_dec = all_dec && (is_digit(s.p[e]) || s.p[e] == '.');
			e++;
		}
		uint8_t next = e < s.len ? s.p[e] : 0;
		bool glued_after = is_alnum(next) || next == '_' || next == '-' ||
				   (next == '.' && e + 1 < s.len && is_digit(s.p[e + 1]));
		size_t tl = e - i;
		if (glued || glued_after || in_pem(&x, i)) {
			i = e > i ? e : i + 1;
			/* skip the rest of an alphanumeric word cheaply */
			while (i < s.len && (is_alnum(s.p[i]) || s.p[i] == '_'))
				i++;
			continue;
		}
		/* a trailing '.' ends a sentence: "at 10.0.0.1." */
		size_t te = e;
		if (te > i && s.p[te - 1] == '.') {
			te--;
			dots--;
		}
		struct vti_endpoint ep = {0};
		uint32_t ip;
		/* 0.x, 1.x and 2.x quads are almost always OIDs (1.3.101.112) or versions
		 * (2.0.26.28) in firmware, not addresses: only the well-known ones count */
		const char *wk;
		if (all_dec && dots == 3 && !colons && parse_v4(s.p + i, te - i, &ip) &&
		    (ip >> 24 > 2 || vti_ipv4_class(ip, &wk) == VTI_NC_WELLKNOWN) &&
		    !version_context(s, i)) {
			ep.kind = VTI_NET_IPV4;
			ep.cls = vti_ipv4_class(ip, &ep.what);
			ep.off = i;
			ep.len = te - i;
			ep.text = s.p + i;
			emit(&x, &ep);
		} else if (colons >= 2 && tl >= 3 && tl <= 45) {
			char t[64];
			memcpy(t, s.p + i, te - i);
			t[te - i] = 0;
			uint8_t a6[16];
			/* binaries: only addresses with at least four groups (no "a::b" noise) */
			size_t groups = 0;
			for (size_t k = 0; k < te - i; k++)
				groups += is_hex((uint8_t)t[k]) && (k == 0 || t[k - 1] == ':');
			if ((text || groups >= 4 || !strcmp(t, "::1")) && strcmp(t, "::") &&
			    inet_pton(AF_INET6, t, a6) == 1) {
				ep.kind = VTI_NET_IPV6;
				ep.cls = v6_class(a6, &ep.what);
				ep.off = i;
				ep.len = te - i;
				ep.text = s.p + i;
				emit(&x, &ep);
			}
		}
		i = e > i ? e : i + 1;
	}
	if (!text)
		return;
	/* bare domain names in text: host-shaped words with a known top-level domain */
	for (size_t i = 0; i < s.len && x.n < max;) {
		if (!is_alnum(s.p[i])) {
			i++;
			continue;
		}
		uint8_t prev = i ? s.p[i - 1] : 0;
		size_t e = i, dots = 0;
		while (e < s.len && e - i < 254 && is_host(s.p[e])) {
			dots += s.p[e] == '.';
			e++;
		}
		size_t te = e;
		while (te > i && (s.p[te - 1] == '.' || s.p[te - 1] == '-'))
			te--;
		uint8_t next = e < s.len ? s.p[e] : 0;
		if (dots && te - i >= 4 && prev != '/' && prev != '@' && prev != '_' &&
		    prev != '$' && next != '/' && next != '(' && next != '_' && next != '@' &&
		    !in_pem(&x, i)) {
			struct vti_endpoint ep = {0};
			size_t hl = VT_MIN(te - i, sizeof(ep.host_buf) - 1);
			memcpy(ep.host_buf, s.p + i, hl);
			ep.host_buf[hl] = 0;
			uint32_t ip;
			if (!parse_v4(s.p + i, te - i, &ip) && valid_domain(ep.host_buf, true)) {
				bool lower = true;
				for (size_t k = 0; k < hl && lower; k++)
					lower = !(ep.host_buf[k] >= 'A' && ep.host_buf[k] <= 'Z');
				if (lower) {
					ep.kind = VTI_NET_DOMAIN;
					ep.host = ep.host_buf;
					ep.cls = vti_host_class(ep.host_buf, &ep.what);
					ep.off = i;
					ep.len = te - i;
					ep.text = s.p + i;
					emit(&x, &ep);
				}
			}
		}
		i = e > i ? e : i + 1;
	}
}

/* --- analyzer --- */

struct net_ctx {
	struct vti_actx *c;
	struct vt_object *o;
	bool elf;
	size_t reported, more;
	uint64_t seen[MAX_SEEN];
	size_t n_seen;
};

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void on_ep(const struct vti_endpoint *ep, void *ud)
{
	struct net_ctx *x = ud;
	if (ep->cls == VTI_NC_RESERVED)
		return; /* 0.0.0.0, broadcast, documentation ranges: not endpoints */
	uint64_t h = fnv(ep->text, VT_MIN(ep->len, (size_t)256));
	for (size_t i = 0; i < x->n_seen; i++)
		if (x->seen[i] == h)
			return;
	if (x->n_seen < MAX_SEEN)
		x->seen[x->n_seen++] = h;
	static const char *const kinds[] = {"IPv4 address", "IPv6 address", "URL", "domain"};
	const char *kind = kinds[ep->kind];
	char cls[96];
	snprintf(cls, sizeof(cls), "%s%s%s%s", vti_net_class_name(ep->cls), ep->what ? " (" : "",
		 ep->what ? ep->what : "", ep->what ? ")" : "");
	int tl = (int)VT_MIN(ep->len, (size_t)200);
	bool ip = ep->kind == VTI_NET_IPV4 || ep->kind == VTI_NET_IPV6;
	if (ip && ep->cls == VTI_NC_PUBLIC) {
		struct vt_finding *f =
			vti_finding(x->c, x->o, &r_pubip, true, ep->off, (const char *)ep->text,
				    ep->len, "hard-coded public %s %.*s in %s", kind, tl,
				    (const char *)ep->text, x->elf ? "a binary" : "a text file");
		if (f && !x->elf)
			f->severity = VT_LEVEL_LOW;
		return;
	}
	if (x->elf && ep->kind == VTI_NET_URL && ep->cls == VTI_NC_PUBLIC) {
		vti_finding(x->c, x->o, &r_pubhost, true, ep->off, (const char *)ep->text, ep->len,
			    "URL %.*s (host %s, %s)", tl, (const char *)ep->text, ep->host, cls);
		return;
	}
	if (x->reported >= MAX_REPORT) {
		x->more++;
		return;
	}
	x->reported++;
	vti_finding(x->c, x->o, &r_endpoint, true, ep->off, (const char *)ep->text, ep->len,
		    "%s %.*s: %s", kind, tl, (const char *)ep->text, cls);
}

static bool net_wants(const struct vt_object *o, struct vt_span s)
{
	return o->size >= 7 && o->size <= MAX_FILE && !vti_is_container(o);
}

static void net_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	const char *b = vti_basename(o);
	bool text = vti_is_text(o, s);
	if (!o->elf && !text)
		return; /* images, compressed and other binary data: not configuration */
	if (vti_ends_with(b, ".pem") || vti_ends_with(b, ".crt") || vti_ends_with(b, ".html") ||
	    vti_ends_with(b, ".htm") || vti_ends_with(b, ".css") ||
	    vti_path_under(o->fspath, "/usr/share/doc") ||
	    vti_path_under(o->fspath, "/usr/share/man"))
		return;
	struct net_ctx x = {c, o, o->elf != NULL, 0, 0, {0}, 0};
	vti_net_scan(s, text && !o->elf, 4096, on_ep, &x);
	if (x.more)
		vti_finding(c, o, &r_endpoint, false, 0, NULL, 0,
			    "%zu more network endpoints in this file (not listed)", x.more);
}

const struct vti_analyzer vti_an_network = {
	.name = "network",
	.version = 1,
	.description = "IP addresses, URLs and domain names: the call-home inventory",
	.rules = rules,
	.wants = net_wants,
	.object = net_object,
};
