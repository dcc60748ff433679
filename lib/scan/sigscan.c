/* sigscan.c - every format's magic literals in one hyperscan database, one pass per object.
 *
 * Literal patterns are compiled with hs_compile_lit_multi (NUL bytes allowed). A hit of
 * pattern P ending at byte `to` means a candidate header at to - len(P) - P.at. Objects
 * are scanned in overlapping 8 MiB windows (hs_scan takes 32-bit lengths, and the
 * caller hashes and releases each window while it is in cache); a hit is kept by the
 * window in which it ends. The candidate list is capped so that
 * hostile data full of magic bytes cannot exhaust memory.
 *
 * Compiling the database takes 4-7 ms, a third of the time a small firmware image takes
 * to review, so it is compiled at build time (sigdb_gen.c writes the bytes of
 * hs_serialize_database() into sigdb_blob.c) and deserialized here. The built-in bytes
 * are used only when their digest of the pattern table matches this library's and
 * hyperscan accepts them for this CPU (a database is tuned to the processor it was
 * compiled on); otherwise the database is compiled at run time, as before.
 */
#include "core/internal.h"
#include "scan/sigscan.h"

#include <hs/hs.h>
#include <math.h>

#define WINDOW ((size_t)8 << 20)

struct pat {
	uint32_t fmt;
	size_t len, at;
};

struct vti_sigdb {
	hs_database_t *db; /* NULL when no format has a magic */
	struct pat *pats;
	size_t npats, maxlen;
	uint32_t *always;  /* formats without magics: a candidate at 0 */
	size_t nalways;
	uint64_t digest;   /* of the pattern table, see table_digest */
	bool builtin;      /* db came from the built-in bytes */
	_Atomic(hs_scratch_t *) spare; /* made while checking the built-in db; first taker */
	const char **exprs; /* the literals, for compiling (NULL once done) */
	size_t *lens;
};

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* A digest of what the database is made of: each pattern's id, format name, offset and
 * bytes, in order, and hyperscan's version. */
static uint64_t table_digest(const struct vti_sigdb *d)
{
	const struct vt_format *const *f = vti_formats();
	uint64_t h = 0xcbf29ce484222325ull;
	const char *v = hs_version();
	h = fnv(h, v, strlen(v) + 1);
	for (size_t k = 0; k < d->npats; k++) {
		uint64_t rec[3] = {k, d->pats[k].len, d->pats[k].at};
		h = fnv(h, rec, sizeof(rec));
		h = fnv(h, f[d->pats[k].fmt]->name, strlen(f[d->pats[k].fmt]->name) + 1);
		h = fnv(h, d->exprs[k], d->lens[k]);
	}
	return h;
}

/* The pattern table of every format; no database yet. */
static vt_err sigdb_table(struct vti_sigdb **out)
{
	*out = NULL;
	const struct vt_format *const *f = vti_formats();
	size_t n = 0, nf = 0;
	for (; f[nf]; nf++)
		for (const struct vt_magic_pat *m = f[nf]->magics; m && m->len; m++)
			n++;
	struct vti_sigdb *d = calloc(1, sizeof(*d));
	if (!d)
		return VT_ENOMEM;
	atomic_init(&d->spare, NULL);
	d->pats = calloc(n + 1, sizeof(*d->pats));
	d->always = calloc(nf + 1, sizeof(*d->always));
	d->exprs = calloc(n + 1, sizeof(*d->exprs));
	d->lens = calloc(n + 1, sizeof(*d->lens));
	if (!d->pats || !d->always || !d->exprs || !d->lens) {
		vti_sigdb_free(d);
		return VT_ENOMEM;
	}
	for (size_t i = 0, k = 0; i < nf; i++) {
		if (!f[i]->magics || !f[i]->magics[0].len)
			d->always[d->nalways++] = (uint32_t)i;
		for (const struct vt_magic_pat *m = f[i]->magics; m && m->len; m++, k++) {
			d->exprs[k] = m->bytes;
			d->lens[k] = m->len;
			d->pats[k] = (struct pat){(uint32_t)i, m->len, m->at};
			d->maxlen = VT_MAX(d->maxlen, m->len + m->at);
		}
	}
	d->npats = n;
	d->digest = table_digest(d);
	*out = d;
	return VT_OK;
}

static vt_err sigdb_compile(struct vti_sigdb *d)
{
	size_t n = d->npats;
	unsigned *flags = calloc(n + 1, sizeof(*flags)), *ids = calloc(n + 1, sizeof(*ids));
	if (!flags || !ids) {
		free(flags);
		free(ids);
		return VT_ENOMEM;
	}
	for (size_t k = 0; k < n; k++)
		ids[k] = (unsigned)k;
	vt_err e = VT_OK;
	hs_compile_error_t *err = NULL;
	if (hs_compile_lit_multi(d->exprs, flags, ids, d->lens, (unsigned)n, HS_MODE_BLOCK, NULL,
				 &d->db, &err) != HS_SUCCESS) {
		vt_error("cannot compile the signature database: %s",
			 err && err->message ? err->message : "unknown error");
		hs_free_compile_error(err);
		d->db = NULL;
		e = VT_EINTERNAL;
	}
	free(flags);
	free(ids);
	return e;
}

/* The serialized database, when it was made from this very table and suits this CPU. */
static bool sigdb_load(struct vti_sigdb *d, const void *blob, size_t len, uint64_t digest)
{
	if (!blob || !len || digest != d->digest)
		return false;
	hs_database_t *db = NULL;
	if (hs_deserialize_database(blob, len, &db) != HS_SUCCESS)
		return false;
	/* allocating scratch validates the database for this platform */
	hs_scratch_t *s = NULL;
	if (hs_alloc_scratch(db, &s) != HS_SUCCESS) {
		hs_free_database(db);
		return false;
	}
	d->db = db;
	d->builtin = true;
	atomic_store(&d->spare, s);
	return true;
}

static void drop_table_strings(struct vti_sigdb *d)
{
	free(d->exprs);
	free(d->lens);
	d->exprs = NULL;
	d->lens = NULL;
}

vt_err vti_sigdb_new_from(struct vti_sigdb **out, const void *blob, size_t len,
			 uint64_t digest)
{
	*out = NULL;
	struct vti_sigdb *d;
	vt_err e = sigdb_table(&d);
	if (e)
		return e;
	if (d->npats && !sigdb_load(d, blob, len, digest) && (e = sigdb_compile(d))) {
		vti_sigdb_free(d);
		return e;
	}
	drop_table_strings(d);
	*out = d;
	return VT_OK;
}

vt_err vti_sigdb_new(struct vti_sigdb **out)
{
	return vti_sigdb_new_from(out, vti_sigdb_blob, vti_sigdb_blob_len, vti_sigdb_blob_digest);
}

bool vti_sigdb_is_builtin(const struct vti_sigdb *d)
{
	return d->builtin;
}

vt_err vti_sigdb_serialize(char **bytes, size_t *len, uint64_t *digest)
{
	*bytes = NULL;
	*len = 0;
	struct vti_sigdb *d;
	vt_err e = sigdb_table(&d);
	if (e)
		return e;
	*digest = d->digest;
	if (d->npats && !(e = sigdb_compile(d)) &&
	    hs_serialize_database(d->db, bytes, len) != HS_SUCCESS) {
		*bytes = NULL;
		*len = 0;
		e = VT_ENOMEM;
	}
	vti_sigdb_free(d);
	return e;
}

void vti_sigdb_free(struct vti_sigdb *d)
{
	if (!d)
		return;
	if (d->db)
		hs_free_database(d->db);
	hs_scratch_t *s = atomic_exchange(&d->spare, NULL);
	if (s)
		hs_free_scratch(s);
	drop_table_strings(d);
	free(d->pats);
	free(d->always);
	free(d);
}

/* Stands for the scratch of an empty database (no format has a magic yet). */
static char no_scratch;

struct hs_scratch *vti_sigdb_scratch(struct vti_sigdb *d)
{
	if (!d->db)
		return (struct hs_scratch *)(void *)&no_scratch;
	hs_scratch_t *s = atomic_exchange(&d->spare, NULL);
	if (s)
		return (struct hs_scratch *)s;
	return hs_alloc_scratch(d->db, &s) == HS_SUCCESS ? (struct hs_scratch *)s : NULL;
}

void vti_sigdb_scratch_free(struct hs_scratch *s)
{
	if (s && (void *)s != (void *)&no_scratch)
		hs_free_scratch((hs_scratch_t *)s);
}

struct collect {
	const struct vti_sigdb *d;
	struct vti_cand *v;
	size_t n, cap, max;
	uint64_t base;      /* window start */
	uint64_t keep_from; /* hits ending before this were seen in the previous window */
	bool capped, nomem;
};

static bool push(struct collect *c, uint64_t off, uint32_t fmt)
{
	if (c->n == c->max) {
		c->capped = true;
		return false;
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct vti_cand *nv = realloc(c->v, nc * sizeof(*nv));
		if (!nv) {
			c->nomem = true;
			return false;
		}
		c->v = nv;
		c->cap = nc;
	}
	c->v[c->n++] = (struct vti_cand){off, fmt};
	return true;
}

static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		  void *ctx)
{
	(void)from;
	(void)flags;
	struct collect *c = ctx;
	const struct pat *p = &c->d->pats[id];
	uint64_t end = c->base + to;
	if (end < c->keep_from || end < p->len + p->at)
		return 0;
	return push(c, end - p->len - p->at, p->fmt) ? 0 : 1;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct vti_cand *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->fmt < y->fmt ? -1 : x->fmt > y->fmt;
}

vt_err vti_sigscan(struct vti_sigdb *d, struct hs_scratch *scratch, struct vt_span s, size_t max,
		   vti_window_fn each, void *ud, struct vti_cand **out, size_t *n, bool *capped)
{
	struct collect c = {.d = d, .max = max};
	const struct vt_format *const *f = vti_formats();
	for (size_t i = 0; i < d->nalways && s.len; i++)
		push(&c, 0, d->always[i]);
	size_t passed = 0; /* bytes handed to `each` */
	for (size_t base = 0; base < s.len && !c.nomem;) {
		size_t len = VT_MIN(WINDOW, s.len - base);
		c.base = base;
		if (d->db && !c.capped) {
			hs_error_t rc = hs_scan(d->db, (const char *)s.p + base, (unsigned)len, 0,
						(hs_scratch_t *)scratch, on_hit, &c);
			if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
				free(c.v);
				return VT_EINTERNAL;
			}
		}
		bool last = base + len >= s.len;
		/* the overlap is scanned again by the next window: hand out only what is done */
		size_t upto = last ? s.len : base + len - VT_MIN(len - 1, d->maxlen);
		if (each && upto > passed) {
			vt_err e = each(s.p + passed, upto - passed, ud);
			if (e) {
				free(c.v);
				return e;
			}
			passed = upto;
		}
		if (last)
			break;
		c.keep_from = base + len + 1;
		base = upto;
	}
	if (c.nomem) {
		free(c.v);
		return VT_ENOMEM;
	}
	/* formats that may only start an object */
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].off == 0 || !(f[c.v[i].fmt]->flags & VT_FMT_AT_START))
			c.v[k++] = c.v[i];
	c.n = k;
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_cand);
	k = 0;
	for (size_t i = 0; i < c.n; i++)
		if (!k || c.v[i].off != c.v[k - 1].off || c.v[i].fmt != c.v[k - 1].fmt)
			c.v[k++] = c.v[i];
	*out = c.v;
	*n = k;
	*capped = c.capped;
	return VT_OK;
}

/* Byte histogram of s, counted in four interleaved tables (independent dependency
 * chains are several times faster than one). */
static void histogram(struct vt_span s, uint64_t count[256])
{
	uint64_t c[4][256] = {{0}};
	size_t i = 0;
	for (; i + 4 <= s.len; i += 4) {
		c[0][s.p[i]]++;
		c[1][s.p[i + 1]]++;
		c[2][s.p[i + 2]]++;
		c[3][s.p[i + 3]]++;
	}
	for (; i < s.len; i++)
		c[0][s.p[i]]++;
	for (int b = 0; b < 256; b++)
		count[b] = c[0][b] + c[1][b] + c[2][b] + c[3][b];
}

static double entropy_of(const uint64_t count[256], size_t len)
{
	double h = 0, n = (double)len;
	for (int i = 0; i < 256; i++) {
		if (!count[i])
			continue;
		double p = (double)count[i] / n;
		h -= p * log2(p);
	}
	return h;
}

/* A byte histogram of s: all of it up to 1 MiB, else 64 evenly spaced 16 KiB samples
 * (the entropy of a large gap to within a few hundredths of a bit, and its class, need
 * no more; a gap the samples call padding is checked whole). Returns the bytes counted. */
static size_t sample_histogram(struct vt_span s, uint64_t count[256])
{
	const size_t full = 1u << 20, piece = 16u << 10, pieces = 64;
	if (s.len <= full) {
		histogram(s, count);
		return s.len;
	}
	memset(count, 0, 256 * sizeof(*count));
	size_t step = (s.len - piece) / (pieces - 1);
	for (size_t k = 0; k < pieces; k++) {
		uint64_t c[256];
		histogram(vt_span_make(s.p + k * step, piece), c);
		for (int b = 0; b < 256; b++)
			count[b] += c[b];
	}
	return pieces * piece;
}

const char *vti_gap_stats(struct vt_span s, double *entropy)
{
	*entropy = 0;
	if (!s.len)
		return "padding";
	uint64_t count[256];
	size_t n = sample_histogram(s, count);
	*entropy = entropy_of(count, n);
	if (count[s.p[0]] == n) {
		/* the samples say padding: make sure of it */
		size_t i = 1;
		while (i < s.len && s.p[i] == s.p[0])
			i++;
		if (i == s.len)
			return "padding";
	}
	uint64_t printable = count['\n'] + count['\r'] + count['\t'];
	for (int c = 0x20; c < 0x7f; c++)
		printable += count[c];
	if (printable * 100 >= (uint64_t)n * 95)
		return "text";
	if (s.len >= 256 && *entropy > 7.5)
		return "compressed/encrypted";
	return "data";
}
