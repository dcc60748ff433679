/* an_accounts.c - accounts and credentials: /etc/passwd, /etc/shadow and /etc/group of
 * every unpacked filesystem, and credentials hard-coded in configuration files (web
 * server user files, Wi-Fi pre-shared keys, SNMP communities, Samba password files,
 * BusyBox httpd.conf).
 *
 * Object phase: password hashes in shadow/passwd/user files are cracked against the
 * bundled list of default device passwords (data/passwords/default-device-passwords.txt,
 * ordered by how common each password is) with libcrypt; the results go to a shared
 * table. Slow hash schemes get a proportionally shorter prefix of the list (a fixed cost
 * budget per hash, so results do not depend on the machine's speed). Configuration files
 * are checked here too. Tree phase: passwd is read with the shadow and group files of
 * the same filesystem: UID 0 accounts other than root, empty passwords, weak schemes,
 * login shells on service accounts, recovered default passwords.
 *
 * All files are hostile text: lines are parsed with explicit lengths, fields are copied
 * with bounds, and at most a fixed number of entries is looked at.
 */
#include "core/internal.h"

#include <crypt.h>
#include <pthread.h>

#include <openssl/evp.h>

#include "analyzers/an_common.h"
#include "analyzers/analyzer.h"
#include "review/review_int.h"

#define MAX_ENTRIES 4096
#define MAX_FILE (4u << 20)
/* Cracking budget per hash, in units of one MD5-crypt attempt (~0.2 ms): the whole list
 * for DES and MD5, a prefix for SHA-crypt, yescrypt and bcrypt. */
#define CRACK_BUDGET 6000.0

static const struct vt_rule r_uid0 = {
	"VT-ACCT-001",
	"accounts",
	VT_LEVEL_HIGH,
	"UID 0 account other than root",
	"CWE-912",
	"An account other than root has user id 0: it has every privilege of root under "
	"another name, a classic hidden administrative backdoor. High when the account has a "
	"usable password, medium when its password is locked or absent.",
	"Remove the account, or give it its own unprivileged user id; document every "
	"administrative account the product ships."};
static const struct vt_rule r_empty = {
	"VT-ACCT-002",
	"accounts",
	VT_LEVEL_CRITICAL,
	"Account without a password",
	"CWE-258",
	"The account's password field is empty: anyone can log in as this user without a "
	"password wherever a password login is offered (console, telnet, SSH, su).",
	"Lock the account ('*' or '!' in the password field) or set a per-device password "
	"that the user must change at first login."};
static const struct vt_rule r_cracked = {
	"VT-ACCT-003",
	"accounts",
	VT_LEVEL_CRITICAL,
	"Default password recovered",
	"CWE-1392",
	"The password hash was cracked with the bundled list of public default device "
	"passwords: every unit shares a password attackers try first (Mirai-style botnets "
	"try exactly these).",
	"Do not ship a default password: generate a unique password per device (printed on the "
	"label) or force the user to set one at first use."};
static const struct vt_rule r_weak = {
	"VT-ACCT-004",
	"accounts",
	VT_LEVEL_MEDIUM,
	"Weak password hash scheme",
	"CWE-916",
	"The password is hashed with traditional DES crypt (8 characters, 12-bit salt), BSDi "
	"extended DES or MD5-crypt: these are cracked quickly on commodity hardware.",
	"Use yescrypt, SHA-512-crypt with a high round count, or bcrypt."};
static const struct vt_rule r_shell = {
	"VT-ACCT-005",
	"accounts",
	VT_LEVEL_LOW,
	"Login shell on a service account",
	"CWE-272",
	"A system account (user id 1-999) has an interactive shell: if its password or keys "
	"are ever set, or a service running as it is compromised, it gives an interactive "
	"login the account does not need.",
	"Give service accounts /sbin/nologin or /bin/false as their shell."};
static const struct vt_rule r_pwhash = {
	"VT-ACCT-006",
	"accounts",
	VT_LEVEL_MEDIUM,
	"Password hash in world-readable passwd",
	"CWE-522",
	"/etc/passwd is readable by every user and holds a password hash instead of 'x': any "
	"local user (or a path traversal in a web interface) can read and crack it.",
	"Keep hashes in /etc/shadow (mode 0640 or 0600) and put 'x' in /etc/passwd."};
static const struct vt_rule r_cred = {
	"VT-ACCT-007",
	"accounts",
	VT_LEVEL_MEDIUM,
	"Hard-coded credentials in configuration",
	"CWE-798",
	"A configuration file shipped in the image holds credentials (a web server user file, "
	"a Wi-Fi pre-shared key, a Samba password file, BusyBox httpd.conf user:password "
	"entries): every unit ships the same secret. Critical when the password is one of the "
	"bundled default passwords.",
	"Generate credentials per device at first boot or at manufacturing, outside the "
	"firmware image."};
static const struct vt_rule r_snmp = {
	"VT-ACCT-008",
	"accounts",
	VT_LEVEL_HIGH,
	"Default SNMP community",
	"CWE-1392",
	"snmpd is configured with the well-known community 'public' or 'private' (or another "
	"hard-coded one): SNMP v1/v2c communities are cleartext passwords, and a write "
	"community lets anyone on the network change the configuration. High for write "
	"communities and default names, medium otherwise.",
	"Disable SNMP v1/v2c or use SNMPv3 users with per-device credentials; never ship "
	"'public'/'private'."};
static const struct vt_rule r_group = {
	"VT-ACCT-009",
	"accounts",
	VT_LEVEL_LOW,
	"User in the root group",
	"CWE-269",
	"A user other than root is a member of group 0: files group-owned by root (often "
	"/etc/shadow, device nodes, configuration) become accessible to it.",
	"Remove the user from group 0 or document why it needs it."};

static const struct vt_rule *const rules[] = {&r_uid0,	 &r_empty, &r_cracked, &r_weak,	 &r_shell,
					      &r_pwhash, &r_cred,  &r_snmp,    &r_group, NULL};

/* --- parsers --- */

/* Splits line into at most `max` ':'-separated fields; returns the count. */
static size_t split(struct vt_span line, char sep, struct vt_span *f, size_t max)
{
	size_t n = 0, b = 0;
	for (size_t i = 0; i <= line.len && n < max; i++) {
		if (i == line.len || line.p[i] == (uint8_t)sep) {
			f[n++] = vt_span_make(line.p + b, i - b);
			b = i + 1;
		}
	}
	return n;
}

static char *dup_span(struct vt_arena *a, struct vt_span s)
{
	return vt_arena_strndup(a, (const char *)s.p, s.len);
}

static long parse_id(struct vt_span s)
{
	if (!s.len || s.len > 10)
		return -1;
	long v = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

static bool skip_line(struct vt_span l)
{
	l = vti_trim(l);
	return !l.len || l.p[0] == '#' || l.p[0] == '+' || l.p[0] == '-';
}

vt_err vti_passwd_parse(struct vt_span s, struct vt_arena *a, size_t max, struct vti_pwent **out,
			size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0, k = 0, pos = 0, off;
	struct vti_pwent *v = NULL;
	struct vt_span line;
	while (k < max && vti_line_next(s, &pos, &line, &off)) {
		struct vt_span f[8];
		if (skip_line(line) || split(line, ':', f, 8) != 7 || !f[0].len)
			continue;
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct vti_pwent *nv = vt_arena_alloc(a, nc * sizeof(*nv));
			if (!nv)
				return VT_ENOMEM;
			if (k)
				memcpy(nv, v, k * sizeof(*nv));
			v = nv;
			cap = nc;
		}
		struct vti_pwent *e = &v[k];
		e->name = dup_span(a, f[0]);
		e->passwd = dup_span(a, f[1]);
		e->uid = parse_id(f[2]);
		e->gid = parse_id(f[3]);
		e->gecos = dup_span(a, f[4]);
		e->home = dup_span(a, f[5]);
		e->shell = dup_span(a, f[6]);
		e->off = off;
		e->len = line.len;
		if (!e->name || !e->passwd || !e->gecos || !e->home || !e->shell)
			return VT_ENOMEM;
		k++;
	}
	*out = v;
	*n = k;
	return VT_OK;
}

vt_err vti_shadow_parse(struct vt_span s, struct vt_arena *a, size_t max, struct vti_spent **out,
			size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0, k = 0, pos = 0, off;
	struct vti_spent *v = NULL;
	struct vt_span line;
	while (k < max && vti_line_next(s, &pos, &line, &off)) {
		struct vt_span f[10];
		size_t nf;
		if (skip_line(line) || (nf = split(line, ':', f, 10)) < 2 || !f[0].len)
			continue;
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct vti_spent *nv = vt_arena_alloc(a, nc * sizeof(*nv));
			if (!nv)
				return VT_ENOMEM;
			if (k)
				memcpy(nv, v, k * sizeof(*nv));
			v = nv;
			cap = nc;
		}
		v[k].name = dup_span(a, f[0]);
		v[k].hash = dup_span(a, vti_trim(f[1]));
		v[k].off = off;
		v[k].len = line.len;
		if (!v[k].name || !v[k].hash)
			return VT_ENOMEM;
		k++;
	}
	*out = v;
	*n = k;
	return VT_OK;
}

enum vti_hash_kind vti_hash_kind(const char *h)
{
	size_t n = strlen(h);
	if (!n)
		return VTI_HASH_EMPTY;
	if (h[0] == '*' || h[0] == '!' || !strcmp(h, "x") || !strcmp(h, "LK") ||
	    !strncmp(h, "*LK*", 4))
		return VTI_HASH_LOCKED;
	if (!strncmp(h, "$1$", 3))
		return VTI_HASH_MD5;
	if (!strncmp(h, "$2a$", 4) || !strncmp(h, "$2b$", 4) || !strncmp(h, "$2y$", 4))
		return VTI_HASH_BCRYPT;
	if (!strncmp(h, "$5$", 3))
		return VTI_HASH_SHA256;
	if (!strncmp(h, "$6$", 3))
		return VTI_HASH_SHA512;
	if (!strncmp(h, "$y$", 3) || !strncmp(h, "$7$", 3) || !strncmp(h, "$gy$", 4))
		return VTI_HASH_YESCRYPT;
	if (h[0] == '_' && n == 20)
		return VTI_HASH_BSDI;
	if (n == 13) {
		bool ok = true;
		for (size_t i = 0; i < n && ok; i++)
			ok = (h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
			     (h[i] >= '0' && h[i] <= '9') || h[i] == '.' || h[i] == '/';
		if (ok)
			return VTI_HASH_DES;
	}
	return VTI_HASH_OTHER;
}

const char *vti_hash_kind_name(enum vti_hash_kind k)
{
	static const char *const names[] = {"empty",	 "locked", "DES crypt",	    "BSDi DES",
					    "MD5-crypt", "bcrypt", "SHA-256-crypt", "SHA-512-crypt",
					    "yescrypt",	 "unknown"};
	return (unsigned)k < VT_ARRAY_LEN(names) ? names[k] : "unknown";
}

/* --- shared state: the password list and the cracked hashes --- */

struct cracked {
	const struct vt_object *fsroot;
	char *hash;
	char *password; /* NULL: not in the list */
};

struct acct_state {
	char **pw; /* the default password list, most common first */
	size_t n_pw;
	char *pw_buf;
	pthread_mutex_t lock;
	struct cracked *cr;
	size_t n_cr, cap_cr;
};

static vt_err acct_init(struct vt_review *r, void **state)
{
	struct acct_state *st = calloc(1, sizeof(*st));
	if (!st)
		return VT_ENOMEM;
	pthread_mutex_init(&st->lock, NULL);
	*state = st;
	char path[4096];
	snprintf(path, sizeof(path), "%s/passwords/default-device-passwords.txt", vti_data_dir(r));
	FILE *f = fopen(path, "rb");
	if (!f) {
		vti_review_diag(r, VT_SEV_WARNING, VT_ENOTFOUND,
				"accounts: no default password list '%s': hashes are not cracked",
				path);
		return VT_OK;
	}
	size_t cap = 0, len = 0;
	char *buf = NULL;
	for (;;) {
		if (len + 65536 > cap) {
			size_t nc = cap ? cap * 2 : 262144;
			char *nb = realloc(buf, nc + 1);
			if (!nb || nc > (64u << 20)) {
				free(nb ? nb : buf);
				fclose(f);
				return VT_ENOMEM;
			}
			buf = nb;
			cap = nc;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	fclose(f);
	buf[len] = 0;
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	st->pw = calloc(lines, sizeof(*st->pw));
	if (!st->pw) {
		free(buf);
		return VT_ENOMEM;
	}
	st->pw_buf = buf;
	for (char *p = buf; p < buf + len;) {
		char *e = memchr(p, '\n', (size_t)(buf + len - p));
		if (!e)
			e = buf + len;
		*e = 0;
		if (e > p && e[-1] == '\r')
			e[-1] = 0;
		if (*p && *p != '#' && st->n_pw < lines)
			st->pw[st->n_pw++] = p;
		p = e + 1;
	}
	return VT_OK;
}

static void acct_fini(void *state)
{
	struct acct_state *st = state;
	if (!st)
		return;
	for (size_t i = 0; i < st->n_cr; i++) {
		free(st->cr[i].hash);
		free(st->cr[i].password);
	}
	free(st->cr);
	free(st->pw);
	free(st->pw_buf);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/* Relative cost of one attempt, in MD5-crypt units, from the scheme and its parameters. */
static double attempt_cost(const char *hash, enum vti_hash_kind k)
{
	switch (k) {
	case VTI_HASH_DES:
	case VTI_HASH_BSDI:
		return 0.05;
	case VTI_HASH_MD5:
		return 1;
	case VTI_HASH_SHA256:
	case VTI_HASH_SHA512: {
		double rounds = 5000;
		const char *p = strstr(hash, "rounds=");
		if (p)
			rounds = strtod(p + 7, NULL);
		if (!(rounds >= 1000))
			rounds = 1000;
		return (k == VTI_HASH_SHA512 ? 20.0 : 16.0) * rounds / 5000;
	}
	case VTI_HASH_BCRYPT: {
		int cost = atoi(hash + 4);
		if (cost < 4 || cost > 31)
			cost = 10;
		return 400.0 * (double)(1u << (cost > 20 ? 20 : cost)) / 1024;
	}
	case VTI_HASH_YESCRYPT:
		return 140;
	default:
		return 0;
	}
}

/* Tries the list on hash; returns the index of the password or -1. */
static long crack(const struct acct_state *st, const char *hash, struct crypt_data *cd)
{
	enum vti_hash_kind k = vti_hash_kind(hash);
	double cost = attempt_cost(hash, k);
	if (cost <= 0)
		return -1;
	size_t n = st->n_pw;
	if (cost * (double)n > CRACK_BUDGET)
		n = (size_t)(CRACK_BUDGET / cost);
	size_t hl = strlen(hash);
	for (size_t i = 0; i < n; i++) {
		memset(cd, 0, sizeof(cd->initialized));
		char *out = crypt_rn(st->pw[i], hash, cd, (int)sizeof(*cd));
		if (out && out[0] != '*' && strlen(out) == hl && !strcmp(out, hash))
			return (long)i;
	}
	return -1;
}

static const char *cracked_get(struct acct_state *st, const struct vt_object *root,
			       const char *hash, bool *known)
{
	const char *res = NULL;
	*known = false;
	pthread_mutex_lock(&st->lock);
	for (size_t i = 0; i < st->n_cr; i++)
		if (st->cr[i].fsroot == root && !strcmp(st->cr[i].hash, hash)) {
			res = st->cr[i].password;
			*known = true;
			break;
		}
	pthread_mutex_unlock(&st->lock);
	return res;
}

static void cracked_put(struct acct_state *st, const struct vt_object *root, const char *hash,
			const char *pw)
{
	pthread_mutex_lock(&st->lock);
	if (st->n_cr == st->cap_cr) {
		size_t nc = st->cap_cr ? st->cap_cr * 2 : 16;
		struct cracked *n = realloc(st->cr, nc * sizeof(*n));
		if (!n)
			goto out;
		st->cr = n;
		st->cap_cr = nc;
	}
	char *h = strdup(hash), *p = pw ? strdup(pw) : NULL;
	if (!h || (pw && !p)) {
		free(h);
		free(p);
		goto out;
	}
	st->cr[st->n_cr++] = (struct cracked){root, h, p};
out:
	pthread_mutex_unlock(&st->lock);
}

/* Cracks hash (once per filesystem and hash); returns the password or NULL. */
static const char *crack_cached(struct acct_state *st, const struct vt_object *root,
				const char *hash)
{
	bool known;
	const char *pw = cracked_get(st, root, hash, &known);
	if (known || !st->n_pw)
		return pw;
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	if (!cd)
		return NULL;
	long i = crack(st, hash, cd);
	free(cd);
	cracked_put(st, root, hash, i >= 0 ? st->pw[i] : NULL);
	return i >= 0 ? st->pw[i] : NULL;
}

/* HTTP digest HA1 = MD5(user:realm:password), lowercase hex. */
static long crack_ha1(const struct acct_state *st, const char *user, const char *realm,
		      const char *ha1)
{
	if (strlen(ha1) != 32)
		return -1;
	char buf[1024], hex[33];
	for (size_t i = 0; i < st->n_pw; i++) {
		int w = snprintf(buf, sizeof(buf), "%s:%s:%s", user, realm, st->pw[i]);
		if (w < 0 || (size_t)w >= sizeof(buf))
			continue;
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdl = 0;
		if (!EVP_Digest(buf, (size_t)w, md, &mdl, EVP_md5(), NULL) || mdl != 16)
			return -1;
		for (unsigned j = 0; j < 16; j++)
			snprintf(hex + 2 * j, 3, "%02x", md[j]);
		if (!strcasecmp(hex, ha1))
			return (long)i;
	}
	return -1;
}

static bool is_default_pw(const struct acct_state *st, const char *s, size_t n)
{
	for (size_t i = 0; i < st->n_pw; i++)
		if (strlen(st->pw[i]) == n && !memcmp(st->pw[i], s, n))
			return true;
	return false;
}

/* --- object phase --- */

static bool is_account_file(const char *p)
{
	return p && (!strcmp(p, "/etc/shadow") || !strcmp(p, "/etc/passwd"));
}

static bool name_is(const char *base, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(base, names[i]))
			return true;
	return false;
}

enum cfg_kind {
	CFG_NONE,
	CFG_HTPASSWD,
	CFG_HTDIGEST,
	CFG_WPA,
	CFG_SNMP,
	CFG_SMBPASSWD,
	CFG_BBHTTPD
};

static enum cfg_kind cfg_kind(const struct vt_object *o)
{
	const char *p = o->fspath, *b = vti_basename(o);
	if (!p || !b)
		return CFG_NONE;
	static const char *const htp[] = {".htpasswd", "htpasswd", "lighttpd.user",
					  "lighttpd-plain.user", "passwd.digest"};
	if (name_is(b, htp, VT_ARRAY_LEN(htp)) || vti_ends_with(b, ".htpasswd"))
		return CFG_HTPASSWD;
	if (!strcmp(b, "htdigest") || vti_ends_with(b, ".htdigest") ||
	    !strcmp(b, "lighttpd.htdigest"))
		return CFG_HTDIGEST;
	if (!strncmp(b, "wpa_supplicant", 14) || !strncmp(b, "hostapd", 7))
		return vti_ends_with(b, ".conf") ? CFG_WPA : CFG_NONE;
	if (!strcmp(b, "snmpd.conf"))
		return CFG_SNMP;
	if (!strcmp(b, "smbpasswd"))
		return CFG_SMBPASSWD;
	if (!strcmp(b, "httpd.conf") && !vti_path_under(p, "/etc/apache2") &&
	    !vti_path_under(p, "/etc/httpd"))
		return CFG_BBHTTPD;
	return CFG_NONE;
}

static bool acct_wants(const struct vt_object *o, struct vt_span s)
{
	if (o->size > MAX_FILE || !o->fspath)
		return false;
	return is_account_file(o->fspath) || cfg_kind(o) != CFG_NONE;
}

/* Finds `key` (case-insensitive) at the start of a trimmed line followed by blanks or '='. */
static bool key_eq(struct vt_span l, const char *key, struct vt_span *val)
{
	size_t k = strlen(key);
	if (l.len < k || strncasecmp((const char *)l.p, key, k))
		return false;
	size_t i = k;
	if (i < l.len && l.p[i] != ' ' && l.p[i] != '\t' && l.p[i] != '=')
		return false;
	while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t' || l.p[i] == '='))
		i++;
	*val = vti_trim(vt_span_make(l.p + i, l.len - i));
	return true;
}

static struct vt_span unquote(struct vt_span v)
{
	if (v.len >= 2 && (v.p[0] == '"' || v.p[0] == '\'') && v.p[v.len - 1] == v.p[0])
		return vt_span_make(v.p + 1, v.len - 2);
	return v;
}

static void cred_finding(struct vti_actx *c, struct vt_object *o, struct acct_state *st, size_t off,
			 struct vt_span line, const char *what, struct vt_span user,
			 struct vt_span secret, long cracked)
{
	char red[128];
	bool dflt = cracked >= 0 ||
		    (secret.len && is_default_pw(st, (const char *)secret.p, secret.len));
	if (cracked >= 0)
		snprintf(red, sizeof(red), "'%s'", st->pw[cracked]);
	else if (dflt)
		snprintf(red, sizeof(red), "'%.*s'", (int)VT_MIN(secret.len, (size_t)64),
			 (const char *)secret.p);
	else
		vti_redact(red, sizeof(red), (const char *)secret.p, secret.len, 3);
	/* the excerpt shows the line up to the secret, then the redacted secret */
	char ex[320];
	size_t pre = secret.len && secret.p >= line.p ? (size_t)(secret.p - line.p) : line.len;
	snprintf(ex, sizeof(ex), "%.*s%s", (int)VT_MIN(pre, (size_t)160), (const char *)line.p,
		 secret.len ? (dflt ? red : "<redacted>") : "");
	struct vt_finding *f = vti_finding(
		c, o, &r_cred, true, off, ex, strlen(ex), "%s%s%.*s%s: %s%s", what,
		user.len ? " for '" : "", (int)VT_MIN(user.len, (size_t)64), (const char *)user.p,
		user.len ? "'" : "", dflt ? "default password " : "secret ", red);
	if (f && dflt)
		f->severity = VT_LEVEL_CRITICAL;
}

static void check_config(struct vti_actx *c, struct vt_object *o, struct vt_span s,
			 enum cfg_kind kind)
{
	struct acct_state *st = c->state;
	size_t pos = 0, off, count = 0;
	struct vt_span line;
	while (count < 64 && vti_line_next(s, &pos, &line, &off)) {
		struct vt_span t = vti_trim(line), v, f[8];
		if (!t.len || t.p[0] == '#' || t.p[0] == ';')
			continue;
		size_t nf;
		switch (kind) {
		case CFG_HTPASSWD:
			if ((nf = split(t, ':', f, 3)) < 2 || !f[0].len || !f[1].len)
				break;
			{
				char *h = dup_span(c->a, f[1]);
				long i = -1;
				enum vti_hash_kind hk = h ? vti_hash_kind(h) : VTI_HASH_OTHER;
				if (h && hk != VTI_HASH_OTHER && hk != VTI_HASH_LOCKED) {
					const char *pw = crack_cached(st, o->fsroot, h);
					for (size_t j = 0; pw && j < st->n_pw; j++)
						if (st->pw[j] == pw)
							i = (long)j;
				}
				/* not a hash scheme we know: a plain-text password file */
				struct vt_span sec = f[1];
				cred_finding(c, o, st, off, t, "web server user file entry", f[0],
					     sec, i);
				count++;
			}
			break;
		case CFG_HTDIGEST:
			if (split(t, ':', f, 4) != 3 || !f[0].len)
				break;
			{
				char *u = dup_span(c->a, f[0]), *rl = dup_span(c->a, f[1]),
				     *h = dup_span(c->a, f[2]);
				long i = u && rl && h ? crack_ha1(st, u, rl, h) : -1;
				cred_finding(c, o, st, off, t, "HTTP digest user file entry", f[0],
					     f[2], i);
				count++;
			}
			break;
		case CFG_WPA:
			if (key_eq(t, "psk", &v) || key_eq(t, "wpa_passphrase", &v) ||
			    key_eq(t, "wpa_psk", &v) || key_eq(t, "sae_password", &v) ||
			    key_eq(t, "password", &v)) {
				v = unquote(v);
				if (v.len) {
					cred_finding(c, o, st, off, t, "Wi-Fi pre-shared key",
						     vt_span_make(NULL, 0), v, -1);
					count++;
				}
			}
			break;
		case CFG_SNMP: {
			bool rw = false, c2s = false;
			if (key_eq(t, "rocommunity", &v) || key_eq(t, "rocommunity6", &v) ||
			    (rw = key_eq(t, "rwcommunity", &v)) ||
			    (rw = key_eq(t, "rwcommunity6", &v)) ||
			    (c2s = key_eq(t, "com2sec", &v))) {
				/* com2sec NAME SOURCE COMMUNITY */
				struct vt_span w[4];
				size_t nw = split(v, ' ', w, 4);
				struct vt_span comm =
					c2s ? (nw >= 3 ? vti_trim(w[2]) : vt_span_make(NULL, 0))
					    : vti_trim(w[0]);
				if (!comm.len)
					break;
				bool dflt = (comm.len == 6 && !memcmp(comm.p, "public", 6)) ||
					    (comm.len == 7 && !memcmp(comm.p, "private", 7));
				char red[96];
				if (dflt)
					snprintf(red, sizeof(red), "'%.*s'", (int)comm.len,
						 (const char *)comm.p);
				else
					vti_redact(red, sizeof(red), (const char *)comm.p, comm.len,
						   2);
				struct vt_finding *fd = vti_finding(
					c, o, &r_snmp, true, off, dflt ? (const char *)t.p : NULL,
					dflt ? t.len : 0, "SNMP %s community %s%s",
					rw    ? "read-write"
					: c2s ? "(com2sec)"
					      : "read-only",
					red, dflt ? " (a well-known default)" : "");
				if (fd && !dflt && !rw)
					fd->severity = VT_LEVEL_MEDIUM;
				count++;
			}
			break;
		}
		case CFG_SMBPASSWD:
			/* user:uid:LMHASH:NTHASH:flags:LCT: */
			if ((nf = split(t, ':', f, 8)) >= 4 && f[0].len && f[3].len == 32) {
				cred_finding(c, o, st, off, t, "Samba password hash", f[0], f[3],
					     -1);
				count++;
			}
			break;
		case CFG_BBHTTPD:
			/* BusyBox httpd: "/path:user:password" (password may be crypt'ed) */
			if (t.p[0] == '/' && (nf = split(t, ':', f, 4)) == 3 && f[1].len &&
			    f[2].len) {
				cred_finding(c, o, st, off, t, "BusyBox httpd credentials", f[1],
					     f[2], -1);
				count++;
			}
			break;
		default:
			return;
		}
	}
}

static void acct_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	struct acct_state *st = c->state;
	if (!st)
		return;
	enum cfg_kind k = cfg_kind(o);
	if (k != CFG_NONE) {
		check_config(c, o, s, k);
		return;
	}
	/* passwd/shadow: crack here, in parallel; findings come in the tree phase */
	bool shadow = vti_ends_with(o->fspath, "shadow");
	if (shadow) {
		struct vti_spent *e;
		size_t n;
		if (vti_shadow_parse(s, c->a, MAX_ENTRIES, &e, &n))
			return;
		for (size_t i = 0; i < n && i < 256; i++) {
			enum vti_hash_kind hk = vti_hash_kind(e[i].hash);
			if (hk != VTI_HASH_EMPTY && hk != VTI_HASH_LOCKED && hk != VTI_HASH_OTHER)
				crack_cached(st, o->fsroot, e[i].hash);
		}
	} else {
		struct vti_pwent *e;
		size_t n;
		if (vti_passwd_parse(s, c->a, MAX_ENTRIES, &e, &n))
			return;
		for (size_t i = 0; i < n && i < 256; i++) {
			enum vti_hash_kind hk = vti_hash_kind(e[i].passwd);
			if (hk != VTI_HASH_EMPTY && hk != VTI_HASH_LOCKED && hk != VTI_HASH_OTHER)
				crack_cached(st, o->fsroot, e[i].passwd);
		}
	}
}

/* --- tree phase --- */

static bool is_login_shell(const char *sh)
{
	if (!*sh)
		return true; /* an empty shell field means /bin/sh */
	const char *b = strrchr(sh, '/');
	b = b ? b + 1 : sh;
	static const char *const shells[] = {"sh",   "bash", "ash",  "dash", "zsh",  "ksh",
					     "mksh", "csh",  "tcsh", "fish", "hush", "busybox"};
	return name_is(b, shells, VT_ARRAY_LEN(shells));
}

static void check_fs(struct vti_actx *c, const struct vt_object *root)
{
	struct acct_state *st = c->state;
	struct vt_object *po = vti_fs_lookup(c->r, root, "/etc/passwd", true);
	if (!po || po->kind != VT_OBJ_FILE)
		return;
	struct vt_object *so = vti_fs_lookup(c->r, root, "/etc/shadow", true);
	struct vt_object *go = vti_fs_lookup(c->r, root, "/etc/group", true);
	struct vt_span ps, ss = {0}, gs = {0};
	if (vti_object_read(c, po, MAX_FILE, &ps))
		return;
	bool have_shadow = so && so->kind == VT_OBJ_FILE && !vti_object_read(c, so, MAX_FILE, &ss);
	if (go && go->kind == VT_OBJ_FILE && vti_object_read(c, go, MAX_FILE, &gs))
		gs = vt_span_make(NULL, 0);
	struct vti_pwent *pw;
	struct vti_spent *sp = NULL;
	size_t npw, nsp = 0;
	if (vti_passwd_parse(ps, c->a, MAX_ENTRIES, &pw, &npw))
		return;
	if (have_shadow && vti_shadow_parse(ss, c->a, MAX_ENTRIES, &sp, &nsp))
		return;
	for (size_t i = 0; i < npw; i++) {
		const struct vti_pwent *e = &pw[i];
		const struct vti_spent *se = NULL;
		for (size_t j = 0; j < nsp && !se; j++)
			if (!strcmp(sp[j].name, e->name))
				se = &sp[j];
		/* the effective hash: passwd's own field unless it defers to shadow */
		const char *hash = e->passwd;
		struct vt_object *ho = po;
		size_t hoff = e->off, hlen = e->len;
		const uint8_t *hline = ps.p + e->off;
		bool in_passwd = strcmp(e->passwd, "x") != 0;
		if (!in_passwd) {
			if (se) {
				hash = se->hash;
				ho = so;
				hoff = se->off;
				hlen = se->len;
				hline = ss.p + se->off;
			} else {
				hash = "!"; /* 'x' without a shadow entry: no password login */
			}
		}
		enum vti_hash_kind hk = vti_hash_kind(hash);
		bool usable = hk != VTI_HASH_LOCKED;
		bool login = is_login_shell(e->shell);
		if (e->uid == 0 && strcmp(e->name, "root")) {
			struct vt_finding *f = vti_finding(
				c, po, &r_uid0, true, e->off, (const char *)ps.p + e->off, e->len,
				"account '%s' has UID 0 (shell %s, password %s)", e->name,
				*e->shell ? e->shell : "/bin/sh",
				hk == VTI_HASH_LOCKED  ? "locked or absent"
				: hk == VTI_HASH_EMPTY ? "empty"
						       : "set");
			if (f && !usable)
				f->severity = VT_LEVEL_MEDIUM;
		}
		if (hk == VTI_HASH_EMPTY) {
			struct vt_finding *f =
				vti_finding(c, ho, &r_empty, true, hoff, (const char *)hline, hlen,
					    "account '%s' (UID %ld) has an empty password%s",
					    e->name, e->uid, login ? " and a login shell" : "");
			if (f && !login)
				f->severity = VT_LEVEL_HIGH;
		}
		if (in_passwd && usable && hk != VTI_HASH_EMPTY)
			vti_finding(c, po, &r_pwhash, true, e->off, NULL, 0,
				    "account '%s' has its %s password hash in /etc/passwd", e->name,
				    vti_hash_kind_name(hk));
		if (hk == VTI_HASH_DES || hk == VTI_HASH_BSDI || hk == VTI_HASH_MD5)
			vti_finding(c, ho, &r_weak, true, hoff, NULL, 0,
				    "account '%s' password is hashed with %s", e->name,
				    vti_hash_kind_name(hk));
		if (usable && hk != VTI_HASH_EMPTY && hk != VTI_HASH_OTHER) {
			bool known;
			const char *cpw = cracked_get(st, root, hash, &known);
			if (!known)
				cpw = crack_cached(st, root, hash);
			if (cpw)
				vti_finding(
					c, ho, &r_cracked, true, hoff, (const char *)hline, hlen,
					"account '%s' (UID %ld) has the default password '%s' (%s)",
					e->name, e->uid, cpw, vti_hash_kind_name(hk));
		}
		if (e->uid >= 1 && e->uid < 1000 && login && *e->shell)
			vti_finding(c, po, &r_shell, true, e->off, (const char *)ps.p + e->off,
				    e->len, "service account '%s' (UID %ld) has the login shell %s",
				    e->name, e->uid, e->shell);
	}
	/* group 0 members other than root */
	size_t pos = 0, off;
	struct vt_span line;
	while (gs.len && vti_line_next(gs, &pos, &line, &off)) {
		struct vt_span f[5];
		if (skip_line(line) || split(line, ':', f, 5) != 4 || parse_id(f[2]) != 0)
			continue;
		struct vt_span m = f[3];
		size_t b = 0;
		for (size_t i = 0; i <= m.len; i++) {
			if (i < m.len && m.p[i] != ',')
				continue;
			struct vt_span u = vti_trim(vt_span_make(m.p + b, i - b));
			b = i + 1;
			if (u.len && !(u.len == 4 && !memcmp(u.p, "root", 4)))
				vti_finding(c, go, &r_group, true, off, (const char *)line.p,
					    line.len, "user '%.*s' is a member of group 0 ('%.*s')",
					    (int)VT_MIN(u.len, (size_t)64), (const char *)u.p,
					    (int)VT_MIN(f[0].len, (size_t)64),
					    (const char *)f[0].p);
		}
	}
}

static void acct_tree(struct vti_actx *c)
{
	if (!c->state)
		return;
	const struct vt_object **roots;
	size_t n = vti_fs_roots(c->r, &roots);
	for (size_t i = 0; i < n; i++)
		check_fs(c, roots[i]);
}

const struct vti_analyzer vti_an_accounts = {
	.name = "accounts",
	.version = 1,
	.description = "passwd/shadow/group accounts, default passwords, hard-coded credentials",
	.rules = rules,
	.init = acct_init,
	.fini = acct_fini,
	.wants = acct_wants,
	.object = acct_object,
	.tree = acct_tree,
};
