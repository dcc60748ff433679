/* match.c - vt_vulndb_match: the components of one artifact against the database.
 *
 * For each query, the CPE index gives the CVEs with a vulnerable entry for its vendor and
 * product; entries whose version or range cannot hold for the query's version are dropped
 * here (a cheap superset test with vti_version_cmp), and for the CVEs left the stored
 * configuration of the most trusted source is evaluated by vti_config_eval (config.c) with
 * all queries as the artifact's targets. Stored configurations were written by vetter but
 * are parsed as untrusted: a malformed one is skipped with a debug message.
 */
#include "core/internal.h"

#include <ctype.h>

#include "vulndb/config.h"
#include "vulndb/cpe.h"
#include "vulndb/db.h"
#include "vulndb/version.h"

static bool empty(const char *s)
{
	return !s || !*s;
}

/* Can an index entry be the hit for target t? Exactly the per-entry test of
 * vti_config_eval() (vendor and product were selected by the query already). */
static bool entry_may_hold(const struct vti_target *t, sqlite3_stmt *s)
{
	return vti_entry_version_satisfied(
		(const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3),
		(const char *)sqlite3_column_text(s, 4), (const char *)sqlite3_column_text(s, 5),
		(const char *)sqlite3_column_text(s, 6), (const char *)sqlite3_column_text(s, 7),
		(const char *)sqlite3_column_text(s, 8), t);
}

/* Targets by lowercase vendor and product, to hand vti_config_eval only the targets a
 * configuration can name (an AND over 1,000 components otherwise tests each entry against
 * every component). */
struct tkey {
	char *key; /* "vendor\x1fproduct", lowercase */
	size_t idx;
};

static int cmp_tkey(const void *a, const void *b)
{
	return strcmp(((const struct tkey *)a)->key, ((const struct tkey *)b)->key);
}

struct subset {
	struct tkey *keys;
	size_t n;
	struct vti_target *sub; /* the targets handed to vti_config_eval */
	size_t nsub;
	unsigned *stamp, gen;   /* stamp[i] == gen: target i is in sub */
	bool all;               /* a criterion with a wildcard vendor or product: every target */
};

static void subset_add(struct subset *ss, const struct vti_target *t, size_t i)
{
	if (ss->stamp[i] == ss->gen)
		return;
	ss->stamp[i] = ss->gen;
	ss->sub[ss->nsub++] = t[i];
}

static void subset_node(struct subset *ss, const struct vti_target *t, const json_t *node,
			unsigned depth)
{
	if (depth > 16 || ss->all)
		return;
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(node, "cpeMatch"), i, m) {
		const char *crit = json_string_value(json_object_get(m, "criteria"));
		char buf[VTI_CPE_MAX], key[2 * VTI_CPE_MAX + 2];
		struct vti_cpe c;
		if (!crit || vti_cpe_parse_buf(crit, buf, sizeof(buf), &c) != VT_OK)
			continue;
		const char *v = c.attr[VTI_CPE_VENDOR], *p = c.attr[VTI_CPE_PRODUCT];
		if (strpbrk(v, "*?") || strpbrk(p, "*?")) {
			ss->all = true;
			return;
		}
		size_t kl = 0;
		for (const char *q = v; *q && kl < sizeof(key) - 2; q++)
			key[kl++] = (char)tolower((unsigned char)*q);
		key[kl++] = '\x1f';
		for (const char *q = p; *q && kl < sizeof(key) - 1; q++)
			key[kl++] = (char)tolower((unsigned char)*q);
		key[kl] = 0;
		size_t lo = 0, hi = ss->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(ss->keys[mid].key, key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < ss->n && !strcmp(ss->keys[lo].key, key); lo++)
			subset_add(ss, t, ss->keys[lo].idx);
	}
	const json_t *ch;
	json_array_foreach(json_object_get(node, "children"), i, ch)
		subset_node(ss, t, ch, depth + 1);
}

/* The targets a configuration can name, with targets[which] first; *pos is its index. */
static void subset_build(struct subset *ss, const struct vti_target *t, size_t n,
			 size_t which, const json_t *cfgs)
{
	ss->gen++;
	ss->nsub = 0;
	ss->all = false;
	subset_add(ss, t, which);
	size_t i, j;
	const json_t *cfg, *node;
	json_array_foreach(cfgs, i, cfg) {
		json_array_foreach(json_object_get(cfg, "nodes"), j, node)
			subset_node(ss, t, node, 0);
	}
	(void)n;
}

struct cand {
	size_t query;
	char *cve;
};

/* Candidates are evaluated CVE by CVE, so each configuration is read and parsed once
 * however many components it concerns; results are sorted by query afterwards. */
static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->cve, y->cve);
	if (c)
		return c;
	return x->query < y->query ? -1 : x->query > y->query;
}

static int cmp_res(const void *a, const void *b)
{
	const struct vt_vuln_match *x = a, *y = b;
	if (x->query != y->query)
		return x->query < y->query ? -1 : 1;
	return strcmp(x->cve, y->cve);
}

static const char *col(struct vt_arena *a, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? vt_arena_strdup(a, (const char *)t) : NULL;
}

static char *range_text(struct vt_arena *a, const struct vti_cfg_hit *h)
{
	char r[512] = "";
	size_t n = 0;
	const char *ops[] = {">=", ">", "<=", "<"};
	const char *vals[] = {h->start_incl, h->start_excl, h->end_incl, h->end_excl};
	for (int i = 0; i < 4; i++) {
		if (!vals[i])
			continue;
		int w = snprintf(r + n, sizeof(r) - n, "%s%s %s", n ? ", " : "", ops[i], vals[i]);
		if (w < 0 || (size_t)w >= sizeof(r) - n)
			break;
		n += (size_t)w;
	}
	return n ? vt_arena_printf(a, "%s (%s)", h->criteria, r)
		 : vt_arena_strdup(a, h->criteria);
}

static vt_err fill(struct vt_vulndb *db, struct vt_arena *a, const char *cve,
		   struct vt_vuln_match *m)
{
	sqlite3_stmt *s = vti_db_stmt(db, VTI_ST_MATCH_CVE);
	if (!s)
		return VT_EIO;
	sqlite3_bind_text(s, 1, cve, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		m->description = col(a, s, 0);
		m->published = col(a, s, 1);
		m->last_modified = col(a, s, 2);
		m->cvss3_vector = col(a, s, 3);
		m->cvss3_score = m->cvss3_vector ? sqlite3_column_double(s, 4) : 0;
		m->cvss3_severity = col(a, s, 5);
		m->cvss4_vector = col(a, s, 6);
		m->cvss4_score = m->cvss4_vector ? sqlite3_column_double(s, 7) : 0;
		m->cvss4_severity = col(a, s, 8);
		m->cwe = col(a, s, 9);
	}
	sqlite3_reset(s);
	s = vti_db_stmt(db, VTI_ST_MATCH_KEV);
	if (!s)
		return VT_EIO;
	sqlite3_bind_text(s, 1, cve, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		m->kev = true;
		m->kev_date_added = col(a, s, 0);
		m->kev_ransomware = sqlite3_column_int(s, 1) != 0;
	}
	sqlite3_reset(s);
	s = vti_db_stmt(db, VTI_ST_MATCH_EPSS);
	if (!s)
		return VT_EIO;
	sqlite3_bind_text(s, 1, cve, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		m->has_epss = true;
		m->epss = sqlite3_column_double(s, 0);
		m->epss_percentile = sqlite3_column_double(s, 1);
	}
	sqlite3_reset(s);
	return VT_OK;
}

static void lower_copy(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	for (; src[i] && i + 1 < cap; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = 0;
}

vt_err vt_vulndb_match(struct vt_vulndb *db, const struct vt_vuln_query *q, size_t n,
		       struct vt_arena *a, struct vt_vuln_match **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (!db || (!q && n) || !a)
		return VT_EINVAL;
	if (!n)
		return VT_OK;
	struct vti_target *targets = vt_arena_calloc(a, n, sizeof(*targets));
	if (!targets)
		return VT_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		targets[i].part = q[i].part ? q[i].part : 'a';
		targets[i].vendor = q[i].vendor;
		targets[i].product = q[i].product;
		targets[i].version = q[i].version;
		targets[i].update = q[i].update;
	}

	struct subset ss = {0};
	ss.keys = vt_arena_calloc(a, n, sizeof(*ss.keys));
	ss.sub = vt_arena_calloc(a, n, sizeof(*ss.sub));
	ss.stamp = vt_arena_calloc(a, n, sizeof(*ss.stamp));
	if (!ss.keys || !ss.sub || !ss.stamp)
		return VT_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char *k = vt_arena_printf(a, "%s\x1f%s", q[i].vendor ? q[i].vendor : "",
					  q[i].product ? q[i].product : "");
		if (!k)
			return VT_ENOMEM;
		for (char *c = k; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		ss.keys[ss.n].key = k;
		ss.keys[ss.n++].idx = i;
	}
	qsort(ss.keys, ss.n, sizeof(*ss.keys), cmp_tkey);

	/* candidates: (query, cve) pairs whose index entries may hold */
	struct cand *cands = NULL;
	size_t nc = 0, cap = 0;
	vt_err e = VT_OK;
	for (size_t i = 0; i < n && !e; i++) {
		if (empty(q[i].vendor) || empty(q[i].product))
			continue;
		char vendor[256], product[256];
		lower_copy(vendor, sizeof(vendor), q[i].vendor);
		lower_copy(product, sizeof(product), q[i].product);
		sqlite3_stmt *s = vti_db_stmt(db, VTI_ST_MATCH_CAND);
		if (!s) {
			e = VT_EIO;
			break;
		}
		sqlite3_bind_text(s, 1, vendor, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, product, -1, SQLITE_TRANSIENT);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (!entry_may_hold(&targets[i], s))
				continue;
			if (nc == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct cand *nn = realloc(cands, ncap * sizeof(*nn));
				if (!nn) {
					e = VT_ENOMEM;
					break;
				}
				cands = nn;
				cap = ncap;
			}
			cands[nc].query = i;
			cands[nc].cve = strdup((const char *)sqlite3_column_text(s, 0));
			if (!cands[nc].cve) {
				e = VT_ENOMEM;
				break;
			}
			nc++;
		}
		if (!e && rc != SQLITE_DONE && rc != SQLITE_ROW)
			e = vti_db_fail(db, VT_EIO, "match: %s", sqlite3_errmsg(db->db));
		sqlite3_reset(s);
	}
	if (!e && nc)
		qsort(cands, nc, sizeof(*cands), cmp_cand);

	struct vt_vuln_match *res = NULL;
	size_t nres = 0;
	if (!e && nc) {
		res = vt_arena_calloc(a, nc, sizeof(*res));
		if (!res)
			e = VT_ENOMEM;
	}
	json_t *cfg = NULL;
	char *source = NULL;
	for (size_t i = 0; i < nc && !e; i++) {
		if (i && cands[i].query == cands[i - 1].query && !strcmp(cands[i].cve,
									  cands[i - 1].cve))
			continue;
		if (!i || strcmp(cands[i].cve, cands[i - 1].cve)) {
			json_decref(cfg);
			cfg = NULL;
			source = NULL;
			sqlite3_stmt *s = vti_db_stmt(db, VTI_ST_MATCH_CFG);
			if (!s) {
				e = VT_EIO;
				break;
			}
			sqlite3_bind_text(s, 1, cands[i].cve, -1, SQLITE_STATIC);
			if (sqlite3_step(s) == SQLITE_ROW) {
				json_error_t jerr;
				const char *txt = (const char *)sqlite3_column_text(s, 0);
				cfg = txt ? json_loads(txt, 0, &jerr) : NULL;
				source = vt_arena_strdup(a, (const char *)sqlite3_column_text(s, 1));
			}
			sqlite3_reset(s);
		}
		if (!cfg) {
			vt_debug("vulndb: %s: no readable configuration", cands[i].cve);
			continue;
		}
		bool matched = false;
		struct vti_cfg_hit hit = {0};
		subset_build(&ss, targets, n, cands[i].query, cfg);
		vt_err ce = ss.all
			? vti_config_eval(cfg, targets, n, cands[i].query, a, &matched, &hit)
			: vti_config_eval(cfg, ss.sub, ss.nsub, 0, a, &matched, &hit);
		if (ce == VT_ENOMEM) {
			e = ce;
			break;
		}
		if (ce)
			vt_debug("vulndb: %s: malformed configuration (%s)", cands[i].cve,
				 vt_strerror(ce));
		if (!ce && matched && hit.criteria) {
			struct vt_vuln_match *m = &res[nres];
			m->query = cands[i].query;
			m->cve = vt_arena_strdup(a, cands[i].cve);
			m->source = source;
			m->fixed = hit.fixed ? vt_arena_strdup(a, hit.fixed) : NULL;
			m->criteria = range_text(a, &hit);
			if (!m->cve || !m->criteria)
				e = VT_ENOMEM;
			else
				e = fill(db, a, cands[i].cve, m);
			nres++;
		}
	}
	json_decref(cfg);
	if (!e && nres)
		qsort(res, nres, sizeof(*res), cmp_res);
	for (size_t i = 0; i < nc; i++)
		free(cands[i].cve);
	free(cands);
	if (e)
		return e;
	*out = res;
	*nout = nres;
	return VT_OK;
}
