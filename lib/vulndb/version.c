/* version.c - comparing the version strings of real software (see version.h).
 *
 * Input is any NUL-terminated string (from vulnerability data or from a component's
 * version); nothing is assumed about its shape and nothing is allocated: this runs for every
 * candidate range of every component.
 *
 * A version is read as a sequence of tokens: runs of digits (numbers), runs of letters
 * (words) and '~'. Every other character ('.', '-', '_', '+', ':', ...) only separates
 * tokens. Two versions are compared token by token:
 *
 *   - numbers compare numerically, of any length, leading zeros ignored ("20230101",
 *     "010" == "10");
 *   - words compare alphabetically, ignoring case, a word that is a prefix of another
 *     sorting first ("k" < "zh", "z" < "za": OpenSSL's letter releases);
 *   - the pre-release words dev < alpha < beta < pre/preview < rc sort before any other
 *     word, any number and the end of the version: "3.0.0-alpha1" < "3.0.0-beta2" <
 *     "3.0.0-rc1" < "3.0.0". Any other word is a post-release suffix and sorts after the
 *     end: "1.0.2" < "1.0.2k", "9.2" < "9.2p1", "4.18.4.2" < "4.18.4.2f";
 *   - a number sorts after a word ("1.0a" < "1.0.1", as dpkg and rpm order them);
 *   - '~' sorts before everything, the end included, as in Debian versions:
 *     "1.1.0l.1~deb9u2" < "1.1.0l.1";
 *   - when one version ends, the other's remaining tokens decide: zeros are skipped
 *     ("1.0" == "1.0.0"), a non-zero number or a post-release word make it newer
 *     ("1.2.13" < "1.2.13.1", "2.36" < "2.36.1"), a pre-release word or '~' older.
 */
#include "core/internal.h"

#include "vulndb/version.h"

enum tok_kind { TK_END, TK_NUM, TK_WORD, TK_TILDE };

struct tok {
	enum tok_kind kind;
	const char *s; /* start of the run */
	size_t n;      /* its length (numbers: without leading zeros) */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Reads the token at *p and advances *p past it. */
static struct tok next_tok(const char **p)
{
	const char *s = *p;
	struct tok t = {TK_END, s, 0};
	while (*s && !is_digit(*s) && !is_alpha(*s) && *s != '~')
		s++;
	if (!*s) {
		*p = s;
		return t;
	}
	if (*s == '~') {
		t.kind = TK_TILDE;
		t.s = s;
		*p = s + 1;
		return t;
	}
	if (is_digit(*s)) {
		while (*s == '0' && is_digit(s[1]))
			s++;
		t.kind = TK_NUM;
		t.s = s;
		while (is_digit(*s))
			s++;
	} else {
		t.kind = TK_WORD;
		t.s = s;
		while (is_alpha(*s))
			s++;
	}
	t.n = (size_t)(s - t.s);
	*p = s;
	return t;
}

static bool word_is(const struct tok *t, const char *w)
{
	size_t n = strlen(w);
	if (t->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(t->s[i]) != w[i])
			return false;
	return true;
}

/* Rank of a pre-release word (1..5), 0 for any other word. */
static int pre_rank(const struct tok *t)
{
	if (t->kind != TK_WORD || t->n < 2 || t->n > 7)
		return 0;
	if (word_is(t, "dev"))
		return 1;
	if (word_is(t, "alpha"))
		return 2;
	if (word_is(t, "beta"))
		return 3;
	if (word_is(t, "pre") || word_is(t, "preview"))
		return 4;
	if (word_is(t, "rc"))
		return 5;
	return 0;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static int cmp_num(const struct tok *a, const struct tok *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return sign(memcmp(a->s, b->s, a->n));
}

static int cmp_word(const struct tok *a, const struct tok *b)
{
	size_t n = VT_MIN(a->n, b->n);
	for (size_t i = 0; i < n; i++) {
		char x = lower(a->s[i]), y = lower(b->s[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return a->n == b->n ? 0 : (a->n < b->n ? -1 : 1);
}

/* Where version b has ended: how a token t of version a compares to that end (0: keep
 * going, as for a zero). */
static int vs_end(const struct tok *t)
{
	switch (t->kind) {
	case TK_END:
		return 0;
	case TK_TILDE:
		return -1;
	case TK_NUM:
		return (t->n == 1 && t->s[0] == '0') ? 0 : 1;
	case TK_WORD:
		return pre_rank(t) ? -1 : 1;
	}
	return 0;
}

int vti_version_cmp(const char *a, const char *b)
{
	bool ea = !a || !*a, eb = !b || !*b;
	if (ea || eb)
		return ea && eb ? 0 : (ea ? -1 : 1);
	for (;;) {
		struct tok ta = next_tok(&a), tb = next_tok(&b);
		if (ta.kind == TK_END && tb.kind == TK_END)
			return 0;
		if (ta.kind == TK_TILDE || tb.kind == TK_TILDE) {
			if (ta.kind != tb.kind)
				return ta.kind == TK_TILDE ? -1 : 1;
			continue;
		}
		if (tb.kind == TK_END || ta.kind == TK_END) {
			int r = tb.kind == TK_END ? vs_end(&ta) : -vs_end(&tb);
			if (r)
				return r;
			continue;
		}
		if (ta.kind == TK_NUM && tb.kind == TK_NUM) {
			int r = cmp_num(&ta, &tb);
			if (r)
				return r;
			continue;
		}
		int pa = pre_rank(&ta), pb = pre_rank(&tb);
		if (ta.kind == TK_WORD && tb.kind == TK_WORD) {
			if (pa || pb) {
				if (pa != pb)
					return (pa && (!pb || pa < pb)) ? -1 : 1;
				continue;
			}
			int r = cmp_word(&ta, &tb);
			if (r)
				return r;
			continue;
		}
		/* a number and a word: the number is newer */
		return ta.kind == TK_NUM ? 1 : -1;
	}
}
