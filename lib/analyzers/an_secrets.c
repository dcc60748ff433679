/* an_secrets.c - cloud and API credentials in files: AWS access key ids and secret keys,
 * GCP service-account keys, GitHub and Slack tokens, Slack webhooks, and (in
 * configuration files and scripts) generic password=/token= assignments.
 *
 * One Hyperscan pass over each file finds the literal anchors (AKIA, ghp_, xoxb-,
 * "password", ...); each hit is then verified by hand on the bytes around it: exact
 * token shape and character set, word boundaries, entropy of the value, and context
 * (not a comment, not a variable reference or a path, not a placeholder word). Excerpts
 * never show a secret: a prefix and the length only.
 *
 * Input is hostile: every look at the bytes around a hit is bounded by the span.
 */
#include "core/internal.h"

#include <hs.h>

#include "analyzers/an_common.h"
#include "analyzers/analyzer.h"
#include "review/review_int.h"

#define MAX_FILE (64u << 20)
#define MAX_HITS 4096
#define MAX_PER_FILE 32

static const struct vt_rule r_awsid = {
	"VT-SECRET-001",
	"secrets",
	VT_LEVEL_MEDIUM,
	"AWS access key id",
	"CWE-798",
	"An AWS access key id (AKIA/ASIA...) is hard-coded. Alone it identifies an IAM "
	"credential; with its secret key (VT-SECRET-002) it grants that credential's access.",
	"Remove the key, revoke it in IAM, and use per-device credentials issued at run time "
	"(AWS IoT certificates, STS)."};
static const struct vt_rule r_awssecret = {
	"VT-SECRET-002",
	"secrets",
	VT_LEVEL_CRITICAL,
	"AWS secret access key",
	"CWE-798",
	"An AWS secret access key is hard-coded next to its access key id: anyone with the "
	"firmware can use the vendor's AWS account with that key's permissions.",
	"Revoke the key now; never ship long-term cloud credentials in firmware."};
static const struct vt_rule r_gcp = {
	"VT-SECRET-003",
	"secrets",
	VT_LEVEL_CRITICAL,
	"GCP service-account key",
	"CWE-798",
	"A Google Cloud service-account key file (JSON with \"type\": \"service_account\" and a "
	"private key) is shipped: it authenticates as that service account.",
	"Delete the key in the GCP console and use workload identity or per-device credentials."};
static const struct vt_rule r_github = {
	"VT-SECRET-004",
	"secrets",
	VT_LEVEL_HIGH,
	"GitHub token",
	"CWE-798",
	"A GitHub personal access, OAuth, app or refresh token (ghp_, gho_, ghu_, ghs_, ghr_, "
	"github_pat_) is hard-coded: it gives access to the vendor's repositories.",
	"Revoke the token on GitHub and remove it from the build."};
static const struct vt_rule r_slack = {
	"VT-SECRET-005",
	"secrets",
	VT_LEVEL_HIGH,
	"Slack token or webhook",
	"CWE-798",
	"A Slack API token (xoxb-, xoxp-, ...) or incoming-webhook URL is hard-coded: anyone can "
	"post to (or read) the vendor's Slack workspace. Webhooks are medium.",
	"Revoke the token or webhook and remove it from the firmware."};
static const struct vt_rule r_generic = {
	"VT-SECRET-006",
	"secrets",
	VT_LEVEL_MEDIUM,
	"Hard-coded password or token",
	"CWE-259",
	"A configuration file or script assigns a literal value to a password, secret or token "
	"setting (password=..., api_key: ...). The value passed entropy and context checks "
	"(not a variable, path or placeholder).",
	"Move the secret out of the image: generate it per device or ask the user at setup."};

static const struct vt_rule *const rules[] = {&r_awsid, &r_awssecret, &r_gcp, &r_github,
					      &r_slack, &r_generic,   NULL};

enum pat {
	P_AKIA,
	P_ASIA,
	P_AWS_SECRET_KEY,
	P_GCP,
	P_GH,
	P_GHPAT,
	P_SLACK,
	P_SLACK_HOOK,
	P_GENERIC,
};

static const struct {
	const char *re;
	enum pat id;
	unsigned flags;
} pats[] = {
	{"AKIA", P_AKIA, 0},
	{"ASIA", P_ASIA, 0},
	{"secret_?access_?key", P_AWS_SECRET_KEY, HS_FLAG_CASELESS},
	{"\"service_account\"", P_GCP, 0},
	{"gh[pousr]_", P_GH, 0},
	{"github_pat_", P_GHPAT, 0},
	{"xox[abprs]-", P_SLACK, 0},
	{"hooks\\.slack\\.com/services/", P_SLACK_HOOK, 0},
	{"passw(or)?d|passphrase|secret|token|api_?key|apikey|auth_?key|pwd", P_GENERIC,
	 HS_FLAG_CASELESS},
};

struct vti_secrets_db {
	hs_database_t *db;
};

struct vti_secrets_scratch {
	hs_scratch_t *s;
};

vt_err vti_secrets_db_new(struct vti_secrets_db **out)
{
	*out = NULL;
	const char *exprs[VT_ARRAY_LEN(pats)];
	unsigned flags[VT_ARRAY_LEN(pats)], ids[VT_ARRAY_LEN(pats)];
	for (size_t i = 0; i < VT_ARRAY_LEN(pats); i++) {
		exprs[i] = pats[i].re;
		flags[i] = pats[i].flags;
		ids[i] = (unsigned)pats[i].id;
	}
	struct vti_secrets_db *d = calloc(1, sizeof(*d));
	if (!d)
		return VT_ENOMEM;
	hs_compile_error_t *err = NULL;
	if (hs_compile_multi(exprs, flags, ids, (unsigned)VT_ARRAY_LEN(pats), HS_MODE_BLOCK, NULL,
			     &d->db, &err) != HS_SUCCESS) {
		hs_free_compile_error(err);
		free(d);
		return VT_EINTERNAL;
	}
	*out = d;
	return VT_OK;
}

void vti_secrets_db_free(struct vti_secrets_db *db)
{
	if (db) {
		hs_free_database(db->db);
		free(db);
	}
}

vt_err vti_secrets_scratch_new(const struct vti_secrets_db *db, struct vti_secrets_scratch **out)
{
	*out = NULL;
	struct vti_secrets_scratch *s = calloc(1, sizeof(*s));
	if (!s)
		return VT_ENOMEM;
	if (hs_alloc_scratch(db->db, &s->s) != HS_SUCCESS) {
		free(s);
		return VT_ENOMEM;
	}
	*out = s;
	return VT_OK;
}

void vti_secrets_scratch_free(struct vti_secrets_scratch *s)
{
	if (s) {
		hs_free_scratch(s->s);
		free(s);
	}
}

struct hit {
	unsigned id;
	size_t end;
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
		  void *ud)
{
	struct hits *h = ud;
	if (h->n >= h->cap)
		return 1; /* stop: enough */
	h->v[h->n++] = (struct hit){id, (size_t)to};
	return 0;
}

static bool is_alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_b64(uint8_t c)
{
	return is_alnum(c) || c == '/' || c == '+';
}

static bool is_upper_b32(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

/* Length of the run of characters satisfying pred from off (at most max). */
static size_t run(struct vt_span s, size_t off, size_t max, bool (*pred)(uint8_t))
{
	size_t n = 0;
	while (off + n < s.len && n < max && pred(s.p[off + n]))
		n++;
	return n;
}

static bool tok_char(uint8_t c)
{
	return is_alnum(c) || c == '_';
}

static bool slack_char(uint8_t c)
{
	return is_alnum(c) || c == '-';
}

static bool value_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != ';' && c != ',' && c != '&' &&
	       c != '<' && c != '>' && c != '`';
}

/* True when the line holding off starts (after blanks) with a comment marker. */
static bool in_comment(struct vt_span s, size_t off)
{
	size_t b = off;
	while (b > 0 && s.p[b - 1] != '\n')
		b--;
	while (b < off && (s.p[b] == ' ' || s.p[b] == '\t'))
		b++;
	if (b >= off)
		return false;
	uint8_t c = s.p[b];
	return c == '#' || c == ';' || c == '!' ||
	       (c == '/' && b + 1 < s.len && s.p[b + 1] == '/') ||
	       (c == '*' && b + 1 < s.len && s.p[b + 1] == ' ') ||
	       (c == '<' && b + 3 < s.len && !memcmp(s.p + b, "<!--", 4));
}

static bool placeholder(const uint8_t *v, size_t n)
{
	static const char *const words[] = {
		"password",	"passwd", "secret",   "token",	   "true",     "false",
		"null",		"none",	  "required", "yes",	   "no",       "enabled",
		"disabled",	"string", "empty",    "undefined", "example",  "your_password",
		"yourpassword", "xxxxxx", "xxxxxxxx", "********",  "changeit", "default",
		"optional",	"off",	  "on",	      "nil",	   "value",    "unknown"};
	for (size_t i = 0; i < VT_ARRAY_LEN(words); i++)
		if (strlen(words[i]) == n && !strncasecmp((const char *)v, words[i], n))
			return true;
	bool same = true;
	for (size_t i = 1; i < n && same; i++)
		same = v[i] == v[0];
	return same;
}

static unsigned classes(const uint8_t *v, size_t n)
{
	bool lo = false, up = false, di = false, sy = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = v[i];
		if (c >= 'a' && c <= 'z')
			lo = true;
		else if (c >= 'A' && c <= 'Z')
			up = true;
		else if (c >= '0' && c <= '9')
			di = true;
		else
			sy = true;
	}
	return (unsigned)lo + up + di + sy;
}

struct emit {
	void (*cb)(const struct vti_secret *, void *);
	void *ud;
	size_t n, max;
	size_t span_off[64], span_len[64]; /* what was reported: no overlapping reports */
};

static void emit(struct emit *e, enum vti_secret_kind k, struct vt_span s, size_t off, size_t len,
		 const uint8_t *key, size_t key_len)
{
	if (e->n >= e->max || e->n >= VT_ARRAY_LEN(e->span_off))
		return;
	for (size_t i = 0; i < e->n; i++)
		if (off < e->span_off[i] + e->span_len[i] && e->span_off[i] < off + len)
			return;
	e->span_off[e->n] = off;
	e->span_len[e->n] = len;
	struct vti_secret sec = {k, off, s.p + off, len, key, key_len, vti_entropy(s.p + off, len)};
	e->cb(&sec, e->ud);
	e->n++;
}

/* A 40-character AWS secret key: base64 run of exactly 40 within [lo, hi). */
static bool find_aws_secret(struct vt_span s, size_t lo, size_t hi, size_t *off)
{
	for (size_t i = lo; i + 40 <= hi && i + 40 <= s.len; i++) {
		if (i > 0 && is_b64(s.p[i - 1]))
			continue;
		size_t n = run(s, i, 41, is_b64);
		if (n == 40 && vti_entropy(s.p + i, 40) >= 4.0 && classes(s.p + i, 40) >= 3) {
			*off = i;
			return true;
		}
		i += n;
	}
	return false;
}

/* After a key word ending at `end`: [quote] blanks (= | : | := | =>) blanks [quote] value. */
static bool assignment(struct vt_span s, size_t end, size_t *voff, size_t *vlen)
{
	size_t i = end;
	/* the rest of the identifier ("password_hash" is a different setting: only _ suffixes
	 * that are not words) */
	while (i < s.len && (tok_char(s.p[i]) || s.p[i] == '-') && i - end < 16)
		i++;
	if (i - end > 0) {
		/* "passwordFile", "token_url", "secret_path": a setting about the secret */
		return false;
	}
	if (i < s.len && (s.p[i] == '"' || s.p[i] == '\''))
		i++;
	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	if (i >= s.len)
		return false;
	if (s.p[i] == ':' && i + 1 < s.len && s.p[i + 1] == '=')
		i += 2;
	else if (s.p[i] == '=' && i + 1 < s.len && s.p[i + 1] == '>')
		i += 2;
	else if (s.p[i] == '=' || s.p[i] == ':')
		i++;
	else
		return false;
	if (i < s.len && s.p[i] == '=')
		return false; /* "==": a comparison */
	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	bool quoted = i < s.len && (s.p[i] == '"' || s.p[i] == '\'');
	uint8_t q = quoted ? s.p[i] : 0;
	if (quoted)
		i++;
	size_t b = i;
	if (quoted) {
		while (i < s.len && s.p[i] != q && s.p[i] != '\n' && i - b < 256)
			i++;
		if (i >= s.len || s.p[i] != q)
			return false;
	} else {
		while (i < s.len && value_char(s.p[i]) && i - b < 256)
			i++;
	}
	*voff = b;
	*vlen = i - b;
	return true;
}

static bool generic_ok(struct vt_span s, size_t voff, size_t vlen)
{
	if (vlen < 6 || vlen > 128)
		return false;
	const uint8_t *v = s.p + voff;
	uint8_t c0 = v[0];
	if (c0 == '$' || c0 == '%' || c0 == '{' || c0 == '<' || c0 == '(' || c0 == '[' ||
	    c0 == '/' || c0 == '@' || c0 == '*' || c0 == '.' || c0 == '~')
		return false;
	for (size_t i = 0; i < vlen; i++)
		if (v[i] == '$' || v[i] == '(' || v[i] == ' ' || v[i] == '{' || v[i] == '\\')
			return false;
	if (placeholder(v, vlen))
		return false;
	double h = vti_entropy(v, vlen);
	return h >= 3.0 || (classes(v, vlen) >= 2 && h >= 2.5);
}

vt_err vti_secrets_scan(const struct vti_secrets_db *db, struct vti_secrets_scratch *sc,
			struct vt_span s, bool text, size_t max,
			void (*cb)(const struct vti_secret *sec, void *ud), void *ud)
{
	if (!s.len)
		return VT_OK;
	if (s.len > MAX_FILE)
		s.len = MAX_FILE;
	struct hit hv[256];
	struct hits h = {hv, 0, VT_ARRAY_LEN(hv)};
	struct hit *big = NULL;
	if (s.len > 65536) {
		big = malloc(MAX_HITS * sizeof(*big));
		if (big)
			h = (struct hits){big, 0, MAX_HITS};
	}
	hs_error_t rc = hs_scan(db->db, (const char *)s.p, (unsigned)s.len, 0, sc->s, on_hit, &h);
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
		free(big);
		return VT_EINTERNAL;
	}
	struct emit e = {cb, ud, 0, max, {0}, {0}};
	/* two passes: the specific tokens first, then generic assignments (which must not
	 * claim a value a specific rule names) */
	for (size_t k = 0; k < 2 * h.n && e.n < max; k++) {
		size_t i = k % h.n;
		if ((k < h.n) == (h.v[i].id == P_GENERIC))
			continue;
		size_t end = h.v[i].end;
		switch ((enum pat)h.v[i].id) {
		case P_AKIA:
		case P_ASIA: {
			size_t b = end - 4;
			if (b > 0 && is_alnum(s.p[b - 1]))
				break;
			size_t n = run(s, end, 17, is_upper_b32);
			if (n != 16 || (end + 16 < s.len && is_alnum(s.p[end + 16])))
				break;
			emit(&e, VTI_SEC_AWS_KEY_ID, s, b, 20, NULL, 0);
			size_t lo = b > 512 ? b - 512 : 0, hi = VT_MIN(s.len, end + 16 + 512), so;
			if (find_aws_secret(s, lo, hi, &so))
				emit(&e, VTI_SEC_AWS_SECRET, s, so, 40, NULL, 0);
			break;
		}
		case P_AWS_SECRET_KEY: {
			size_t vo, vl;
			if (assignment(s, end, &vo, &vl) && vl == 40 &&
			    vti_entropy(s.p + vo, 40) >= 4.0)
				emit(&e, VTI_SEC_AWS_SECRET, s, vo, 40, NULL, 0);
			break;
		}
		case P_GCP: {
			size_t hi = VT_MIN(s.len, end + 8192), lo = end > 8192 ? end - 8192 : 0;
			const uint8_t *pk = memmem(s.p + lo, hi - lo, "\"private_key\"", 13);
			if (pk && memmem(s.p + lo, hi - lo, "-----BEGIN PRIVATE KEY-----", 27))
				emit(&e, VTI_SEC_GCP_SA, s, (size_t)(pk - s.p), 13, NULL, 0);
			break;
		}
		case P_GH:
		case P_GHPAT: {
			size_t plen = h.v[i].id == P_GHPAT ? 11 : 4, b = end - plen;
			if (b > 0 && tok_char(s.p[b - 1]))
				break;
			size_t n = run(s, end, 256, tok_char);
			if ((h.v[i].id == P_GH && n == 36) || (h.v[i].id == P_GHPAT && n >= 70))
				if (classes(s.p + end, n) >= 2)
					emit(&e, VTI_SEC_GITHUB, s, b, plen + n, NULL, 0);
			break;
		}
		case P_SLACK: {
			size_t b = end - 5;
			if (b > 0 && is_alnum(s.p[b - 1]))
				break;
			size_t n = run(s, end, 256, slack_char);
			if (n >= 20 && classes(s.p + end, n) >= 2)
				emit(&e, VTI_SEC_SLACK, s, b, 5 + n, NULL, 0);
			break;
		}
		case P_SLACK_HOOK: {
			size_t n = run(s, end, 128, value_char);
			if (n >= 20 && s.p[end] == 'T')
				emit(&e, VTI_SEC_SLACK_WEBHOOK, s, end, n, NULL, 0);
			break;
		}
		case P_GENERIC: {
			if (!text)
				break;
			/* the key: the identifier around the matched word */
			size_t kb = end;
			while (kb > 0 &&
			       (tok_char(s.p[kb - 1]) || s.p[kb - 1] == '-' ||
				s.p[kb - 1] == '.') &&
			       end - kb < 64)
				kb--;
			size_t vo, vl;
			if (in_comment(s, kb) || !assignment(s, end, &vo, &vl) ||
			    !generic_ok(s, vo, vl))
				break;
			emit(&e, VTI_SEC_GENERIC, s, vo, vl, s.p + kb, end - kb);
			break;
		}
		}
	}
	free(big);
	return VT_OK;
}

/* --- analyzer --- */

static vt_err sec_init(struct vt_review *r, void **state)
{
	struct vti_secrets_db *db;
	vt_err e = vti_secrets_db_new(&db);
	if (e)
		return e;
	*state = db;
	return VT_OK;
}

static void sec_fini(void *state)
{
	vti_secrets_db_free(state);
}

static vt_err sec_worker_init(void *state, void **ws)
{
	struct vti_secrets_scratch *s;
	vt_err e = vti_secrets_scratch_new(state, &s);
	if (!e)
		*ws = s;
	return e;
}

static void sec_worker_fini(void *ws)
{
	vti_secrets_scratch_free(ws);
}

static bool sec_wants(const struct vt_object *o, struct vt_span s)
{
	return o->size >= 8 && o->size <= MAX_FILE && !vti_is_container(o);
}

struct sec_ctx {
	struct vti_actx *c;
	struct vt_object *o;
	struct vt_span s;
};

static void on_secret(const struct vti_secret *sec, void *ud)
{
	struct sec_ctx *x = ud;
	char red[128], ex[384];
	/* the excerpt: the line up to the secret, then the redacted secret */
	size_t b = sec->off;
	while (b > 0 && sec->off - b < 120 && x->s.p[b - 1] != '\n')
		b--;
	vti_redact(red, sizeof(red), (const char *)sec->value, sec->len,
		   sec->kind == VTI_SEC_AWS_KEY_ID ? 8 : 4);
	snprintf(ex, sizeof(ex), "%.*s%s", (int)(sec->off - b), (const char *)x->s.p + b, red);
	const struct vt_rule *r = NULL;
	const char *what = "";
	switch (sec->kind) {
	case VTI_SEC_AWS_KEY_ID:
		r = &r_awsid;
		what = "AWS access key id";
		break;
	case VTI_SEC_AWS_SECRET:
		r = &r_awssecret;
		what = "AWS secret access key";
		break;
	case VTI_SEC_GCP_SA:
		r = &r_gcp;
		what = "GCP service-account private key";
		break;
	case VTI_SEC_GITHUB:
		r = &r_github;
		what = "GitHub token";
		break;
	case VTI_SEC_SLACK:
	case VTI_SEC_SLACK_WEBHOOK:
		r = &r_slack;
		what = sec->kind == VTI_SEC_SLACK ? "Slack token" : "Slack webhook";
		break;
	default:
		r = &r_generic;
		what = "value";
		break;
	}
	struct vt_finding *f;
	if (sec->kind == VTI_SEC_GENERIC)
		f = vti_finding(x->c, x->o, r, true, sec->off, ex, strlen(ex),
				"'%.*s' is set to a literal %s %s (entropy %.1f bits/char)",
				(int)VT_MIN(sec->key_len, (size_t)64), (const char *)sec->key, what,
				red, sec->entropy);
	else
		f = vti_finding(x->c, x->o, r, true, sec->off, ex, strlen(ex), "%s %s", what, red);
	if (f && sec->kind == VTI_SEC_SLACK_WEBHOOK)
		f->severity = VT_LEVEL_MEDIUM;
}

static void sec_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	if (!c->wstate)
		return;
	bool text = vti_is_text(o, s) && !vti_ends_with(vti_basename(o), ".html") &&
		    !vti_ends_with(vti_basename(o), ".htm");
	struct sec_ctx x = {c, o, s};
	vt_err e = vti_secrets_scan(c->state, c->wstate, s, text, MAX_PER_FILE, on_secret, &x);
	if (e)
		vti_diag(o, c->a, VT_SEV_WARNING, e, "secrets: cannot scan '%s': %s", o->path,
			 vt_strerror(e));
}

const struct vti_analyzer vti_an_secrets = {
	.name = "secrets",
	.version = 1,
	.description = "cloud and API credentials, hard-coded passwords and tokens",
	.rules = rules,
	.init = sec_init,
	.fini = sec_fini,
	.worker_init = sec_worker_init,
	.worker_fini = sec_worker_fini,
	.wants = sec_wants,
	.object = sec_object,
	.tree = NULL,
};
