/* vex.c - OpenVEX and CycloneDX VEX documents (see vex.h and docs/matching.md).
 *
 * The document is untrusted JSON of any size. It is parsed with jansson; every member
 * vetter reads is type-checked and a member of the wrong type makes the whole document
 * VT_EFORMAT (a VEX file is an assertion by its author: half of it is not applied
 * silently). Unknown members are ignored. Each (vulnerability id, product id) pair of the
 * document becomes one statement, in document order:
 *
 * OpenVEX: statements[].vulnerability.name (and its aliases; @id when there is no name,
 *   the last path segment of an IRI; v0.0.x documents may give the name as a plain
 *   string); products[] (objects with @id and identifiers.purl/cpe23/cpe22, or plain
 *   strings), and their subcomponents, which name the component the statement is about;
 *   no product: the statement applies to every product. status, justification,
 *   impact_statement (else action_statement, else status_notes) as the detail.
 * CycloneDX: vulnerabilities[].id (and references[].id); analysis.state: not_affected and
 *   false_positive are not affected, resolved and resolved_with_pedigree fixed,
 *   exploitable affected, in_triage under investigation; analysis.justification and
 *   analysis.detail; affects[].ref, a bom-ref or a BOM-Link ("urn:cdx:...#bom-ref"),
 *   resolved through components[] (and metadata.component, nested components) to the
 *   component's purl, cpe and name. A vulnerability without an analysis state states
 *   nothing and is skipped, as is a statement whose status is not one of the spec's.
 */
#include "core/internal.h"

#include <jansson.h>

#include "vulndb/cpe.h"
#include "vulndb/vex.h"

#define VEX_MAX_STMTS (1u << 20)

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

static bool ieqn(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

struct builder {
	struct vt_arena *a;
	struct vti_vex *v;
	struct vti_vex_stmt *tail;
	vt_err err;
};

/* An optional string member: absent or null is NULL, "" too; another type is an error. */
static bool opt_str(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	if (*json_string_value(v))
		*out = json_string_value(v);
	return true;
}

static void add(struct builder *b, const char *vuln, const char *product,
		enum vti_vex_status st, const char *just, const char *detail)
{
	if (b->err)
		return;
	if (b->v->n >= VEX_MAX_STMTS) {
		b->err = VT_ELIMIT;
		return;
	}
	struct vti_vex_stmt *s = vt_arena_calloc(b->a, 1, sizeof(*s));
	if (!s) {
		b->err = VT_ENOMEM;
		return;
	}
	/* strings borrowed from the JSON tree are copied: the tree is freed after parsing */
	s->vuln = vt_arena_strdup(b->a, vuln);
	s->product = product ? vt_arena_strdup(b->a, product) : NULL;
	s->justification = just ? vt_arena_strdup(b->a, just) : NULL;
	s->detail = detail ? vt_arena_strdup(b->a, detail) : NULL;
	s->status = st;
	if (!s->vuln || (product && !s->product) || (just && !s->justification) ||
	    (detail && !s->detail)) {
		b->err = VT_ENOMEM;
		return;
	}
	if (b->tail)
		b->tail->next = s;
	else
		b->v->stmts = s;
	b->tail = s;
	b->v->n++;
}

/* A list of strings (vulnerability ids or product ids), borrowed from the JSON tree. */
struct strs {
	const char **s;
	size_t n, cap;
};

static bool strs_add(struct strs *l, struct vt_arena *a, const char *s)
{
	if (!s || !*s)
		return true;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->s[i], s))
			return true;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		const char **n = vt_arena_calloc(a, cap, sizeof(*n));
		if (!n)
			return false;
		if (l->n)
			memcpy(n, l->s, l->n * sizeof(*n));
		l->s = n;
		l->cap = cap;
	}
	l->s[l->n++] = s;
	return true;
}

/* ---- OpenVEX ---- */

static enum vti_vex_status openvex_status(const char *s)
{
	if (!s)
		return VTI_VEX_UNKNOWN;
	if (!strcmp(s, "not_affected"))
		return VTI_VEX_NOT_AFFECTED;
	if (!strcmp(s, "affected"))
		return VTI_VEX_AFFECTED;
	if (!strcmp(s, "fixed"))
		return VTI_VEX_FIXED;
	if (!strcmp(s, "under_investigation"))
		return VTI_VEX_UNDER_INVESTIGATION;
	return VTI_VEX_UNKNOWN;
}

/* The ids of one OpenVEX component (product or subcomponent). */
static vt_err openvex_component(const json_t *c, struct vt_arena *a, struct strs *out)
{
	if (json_is_string(c))
		return strs_add(out, a, json_string_value(c)) ? VT_OK : VT_ENOMEM;
	if (!json_is_object(c))
		return VT_EFORMAT;
	const char *id;
	if (!opt_str(c, "@id", &id))
		return VT_EFORMAT;
	if (!strs_add(out, a, id))
		return VT_ENOMEM;
	const json_t *ids = json_object_get(c, "identifiers");
	if (ids && !json_is_null(ids)) {
		if (!json_is_object(ids))
			return VT_EFORMAT;
		static const char *const keys[] = {"purl", "cpe23", "cpe22"};
		for (size_t i = 0; i < VT_ARRAY_LEN(keys); i++) {
			const char *s;
			if (!opt_str(ids, keys[i], &s))
				return VT_EFORMAT;
			if (!strs_add(out, a, s))
				return VT_ENOMEM;
		}
	}
	return VT_OK;
}

static vt_err openvex_vulns(const json_t *v, struct vt_arena *a, struct strs *out)
{
	if (json_is_string(v))
		return strs_add(out, a, json_string_value(v)) ? VT_OK : VT_ENOMEM;
	if (!json_is_object(v))
		return VT_EFORMAT;
	const char *name, *id;
	if (!opt_str(v, "name", &name) || !opt_str(v, "@id", &id))
		return VT_EFORMAT;
	if (!name && id) {
		const char *slash = strrchr(id, '/');
		name = slash && slash[1] ? slash + 1 : id;
	}
	if (!strs_add(out, a, name))
		return VT_ENOMEM;
	const json_t *al = json_object_get(v, "aliases");
	if (al && !json_is_null(al)) {
		if (!json_is_array(al))
			return VT_EFORMAT;
		for (size_t i = 0; i < json_array_size(al); i++) {
			const json_t *s = json_array_get(al, i);
			if (!json_is_string(s))
				return VT_EFORMAT;
			if (!strs_add(out, a, json_string_value(s)))
				return VT_ENOMEM;
		}
	}
	return VT_OK;
}

static vt_err openvex_parse(const json_t *root, struct builder *b)
{
	const json_t *sts = json_object_get(root, "statements");
	if (!json_is_array(sts))
		return VT_EFORMAT;
	for (size_t i = 0; i < json_array_size(sts) && !b->err; i++) {
		const json_t *st = json_array_get(sts, i);
		if (!json_is_object(st))
			return VT_EFORMAT;
		const char *status, *just, *impact, *action, *notes;
		if (!opt_str(st, "status", &status) || !opt_str(st, "justification", &just) ||
		    !opt_str(st, "impact_statement", &impact) ||
		    !opt_str(st, "action_statement", &action) ||
		    !opt_str(st, "status_notes", &notes))
			return VT_EFORMAT;
		struct strs vulns = {0}, prods = {0};
		const json_t *vj = json_object_get(st, "vulnerability");
		if (!vj)
			return VT_EFORMAT;
		vt_err e = openvex_vulns(vj, b->a, &vulns);
		if (e)
			return e;
		const json_t *ps = json_object_get(st, "products");
		if (ps && !json_is_null(ps)) {
			if (!json_is_array(ps))
				return VT_EFORMAT;
			for (size_t k = 0; k < json_array_size(ps); k++) {
				const json_t *p = json_array_get(ps, k);
				const json_t *subs = json_is_object(p)
							     ? json_object_get(p, "subcomponents")
							     : NULL;
				if (subs && !json_is_null(subs) && !json_is_array(subs))
					return VT_EFORMAT;
				if (subs && json_array_size(subs)) {
					/* the statement is about these components of the product */
					for (size_t j = 0; j < json_array_size(subs); j++) {
						e = openvex_component(json_array_get(subs, j), b->a,
								      &prods);
						if (e)
							return e;
					}
					continue;
				}
				e = openvex_component(p, b->a, &prods);
				if (e)
					return e;
			}
		}
		enum vti_vex_status s = openvex_status(status);
		if (s == VTI_VEX_UNKNOWN || !vulns.n)
			continue;
		const char *detail = impact ? impact : action ? action : notes;
		for (size_t k = 0; k < vulns.n; k++) {
			if (!prods.n)
				add(b, vulns.s[k], NULL, s, just, detail);
			for (size_t j = 0; j < prods.n; j++)
				add(b, vulns.s[k], prods.s[j], s, just, detail);
		}
	}
	return b->err;
}

/* ---- CycloneDX ---- */

static enum vti_vex_status cdx_status(const char *s)
{
	if (!s)
		return VTI_VEX_UNKNOWN;
	if (!strcmp(s, "not_affected") || !strcmp(s, "false_positive"))
		return VTI_VEX_NOT_AFFECTED;
	if (!strcmp(s, "exploitable"))
		return VTI_VEX_AFFECTED;
	if (!strcmp(s, "resolved") || !strcmp(s, "resolved_with_pedigree"))
		return VTI_VEX_FIXED;
	if (!strcmp(s, "in_triage"))
		return VTI_VEX_UNDER_INVESTIGATION;
	return VTI_VEX_UNKNOWN;
}

/* Finds the component with bom-ref `ref` in `comps` (and nested components), depth-bounded. */
static const json_t *cdx_find_ref(const json_t *comps, const char *ref, int depth)
{
	if (!json_is_array(comps) || depth > 32)
		return NULL;
	for (size_t i = 0; i < json_array_size(comps); i++) {
		const json_t *c = json_array_get(comps, i);
		if (!json_is_object(c))
			continue;
		const json_t *r = json_object_get(c, "bom-ref");
		if (json_is_string(r) && !strcmp(json_string_value(r), ref))
			return c;
		const json_t *f = cdx_find_ref(json_object_get(c, "components"), ref, depth + 1);
		if (f)
			return f;
	}
	return NULL;
}

static vt_err cdx_ref_ids(const json_t *root, const char *ref, struct vt_arena *a,
			  struct strs *out)
{
	/* BOM-Link: urn:cdx:<serial>/<version>#<bom-ref> */
	if (!strncmp(ref, "urn:cdx:", 8)) {
		const char *h = strchr(ref, '#');
		if (h && h[1])
			ref = h + 1;
	}
	if (!strs_add(out, a, ref))
		return VT_ENOMEM;
	const json_t *c = cdx_find_ref(json_object_get(root, "components"), ref, 0);
	if (!c) {
		const json_t *md = json_object_get(root, "metadata");
		const json_t *mc = json_is_object(md) ? json_object_get(md, "component") : NULL;
		const json_t *r = json_is_object(mc) ? json_object_get(mc, "bom-ref") : NULL;
		if (json_is_string(r) && !strcmp(json_string_value(r), ref))
			c = mc;
		else if (json_is_object(mc))
			c = cdx_find_ref(json_object_get(mc, "components"), ref, 0);
	}
	if (!c)
		return VT_OK;
	const char *purl, *cpe, *name;
	if (!opt_str(c, "purl", &purl) || !opt_str(c, "cpe", &cpe) || !opt_str(c, "name", &name))
		return VT_EFORMAT;
	if (!strs_add(out, a, purl) || !strs_add(out, a, cpe) || !strs_add(out, a, name))
		return VT_ENOMEM;
	return VT_OK;
}

static vt_err cdx_parse(const json_t *root, struct builder *b)
{
	const json_t *vs = json_object_get(root, "vulnerabilities");
	if (!vs || json_is_null(vs))
		return VT_OK;
	if (!json_is_array(vs))
		return VT_EFORMAT;
	for (size_t i = 0; i < json_array_size(vs) && !b->err; i++) {
		const json_t *v = json_array_get(vs, i);
		if (!json_is_object(v))
			return VT_EFORMAT;
		const char *id;
		if (!opt_str(v, "id", &id))
			return VT_EFORMAT;
		struct strs vulns = {0}, prods = {0};
		if (!strs_add(&vulns, b->a, id))
			return VT_ENOMEM;
		const json_t *refs = json_object_get(v, "references");
		if (refs && !json_is_null(refs)) {
			if (!json_is_array(refs))
				return VT_EFORMAT;
			for (size_t k = 0; k < json_array_size(refs); k++) {
				const json_t *r = json_array_get(refs, k);
				const char *rid;
				if (!json_is_object(r) || !opt_str(r, "id", &rid))
					return VT_EFORMAT;
				if (!strs_add(&vulns, b->a, rid))
					return VT_ENOMEM;
			}
		}
		const json_t *an = json_object_get(v, "analysis");
		const char *state = NULL, *just = NULL, *detail = NULL;
		if (an && !json_is_null(an)) {
			if (!json_is_object(an) || !opt_str(an, "state", &state) ||
			    !opt_str(an, "justification", &just) || !opt_str(an, "detail", &detail))
				return VT_EFORMAT;
		}
		const json_t *af = json_object_get(v, "affects");
		if (af && !json_is_null(af)) {
			if (!json_is_array(af))
				return VT_EFORMAT;
			for (size_t k = 0; k < json_array_size(af); k++) {
				const json_t *x = json_array_get(af, k);
				const char *ref;
				if (!json_is_object(x) || !opt_str(x, "ref", &ref))
					return VT_EFORMAT;
				if (!ref)
					continue;
				vt_err e = cdx_ref_ids(root, ref, b->a, &prods);
				if (e)
					return e;
			}
		}
		enum vti_vex_status s = cdx_status(state);
		if (s == VTI_VEX_UNKNOWN || !vulns.n)
			continue;
		if (!just && state && !strcmp(state, "false_positive"))
			just = "false_positive";
		for (size_t k = 0; k < vulns.n; k++) {
			if (!prods.n)
				add(b, vulns.s[k], NULL, s, just, detail);
			for (size_t j = 0; j < prods.n; j++)
				add(b, vulns.s[k], prods.s[j], s, just, detail);
		}
	}
	return b->err;
}

vt_err vti_vex_parse(struct vt_span doc, struct vt_arena *a, struct vti_vex *out)
{
	if (!a || !out)
		return VT_EINVAL;
	memset(out, 0, sizeof(*out));
	if (!doc.p || !doc.len)
		return VT_EFORMAT;
	json_error_t jerr;
	json_t *root = json_loadb((const char *)doc.p, doc.len, 0, &jerr);
	if (!root)
		return VT_EFORMAT;
	vt_err e = VT_EFORMAT;
	struct vti_vex v = {0};
	struct builder b = {a, &v, NULL, VT_OK};
	if (json_is_object(root)) {
		const json_t *ctx = json_object_get(root, "@context");
		const json_t *bf = json_object_get(root, "bomFormat");
		bool openvex = json_is_array(json_object_get(root, "statements")) ||
			       (json_is_string(ctx) && strstr(json_string_value(ctx), "openvex"));
		bool cdx = (json_is_string(bf) && !strcmp(json_string_value(bf), "CycloneDX")) ||
			   (json_is_array(json_object_get(root, "vulnerabilities")) &&
			    json_is_string(json_object_get(root, "specVersion")));
		if (openvex) {
			v.format = "openvex";
			e = openvex_parse(root, &b);
		} else if (cdx) {
			v.format = "cyclonedx";
			e = cdx_parse(root, &b);
		}
	}
	json_decref(root);
	if (e)
		return e;
	*out = v;
	return VT_OK;
}

/* ---- lookup ---- */

/* A purl cut into its base ("pkg:type/namespace/name"), version and qualifiers. */
struct purl {
	const char *base, *ver, *qual;
	size_t nbase, nver, nqual;
};

static void purl_split(const char *s, struct purl *p)
{
	size_t n = strlen(s);
	const char *hash = memchr(s, '#', n);
	if (hash)
		n = (size_t)(hash - s);
	const char *q = memchr(s, '?', n);
	size_t nq = q ? n - (size_t)(q - s) - 1 : 0;
	size_t nb = q ? (size_t)(q - s) : n;
	const char *at = NULL;
	for (size_t i = nb; i > 0; i--)
		if (s[i - 1] == '@') {
			at = s + i - 1;
			break;
		}
	/* an '@' before the last '/' belongs to the namespace (percent-encoding not used) */
	const char *slash = NULL;
	for (size_t i = nb; i > 0; i--)
		if (s[i - 1] == '/') {
			slash = s + i - 1;
			break;
		}
	if (at && slash && at < slash)
		at = NULL;
	p->base = s;
	p->nbase = at ? (size_t)(at - s) : nb;
	p->ver = at ? at + 1 : NULL;
	p->nver = at ? nb - p->nbase - 1 : 0;
	p->qual = q ? q + 1 : NULL;
	p->nqual = nq;
}

/* Is the qualifier "k=v" (length n) present in the '&'-separated list [q, q+nq)? */
static bool qual_has(const char *q, size_t nq, const char *kv, size_t n)
{
	size_t i = 0;
	while (i < nq) {
		size_t j = i;
		while (j < nq && q[j] != '&')
			j++;
		if (j - i == n && !memcmp(q + i, kv, n))
			return true;
		i = j + 1;
	}
	return false;
}

/* Does the statement's purl `s` cover the component's purl `c`? Same type, namespace and
 * name; the statement's version, if any, equal; its qualifiers, if any, all present. */
static bool purl_match(const char *s, const char *c)
{
	struct purl ps, pc;
	purl_split(s, &ps);
	purl_split(c, &pc);
	if (ps.nbase != pc.nbase || !ieqn(ps.base, pc.base, ps.nbase))
		return false;
	if (ps.ver && (!pc.ver || ps.nver != pc.nver || memcmp(ps.ver, pc.ver, ps.nver)))
		return false;
	size_t i = 0;
	while (ps.qual && i < ps.nqual) {
		size_t j = i;
		while (j < ps.nqual && ps.qual[j] != '&')
			j++;
		if (j > i && (!pc.qual || !qual_has(pc.qual, pc.nqual, ps.qual + i, j - i)))
			return false;
		i = j + 1;
	}
	return true;
}

static bool cpe_match(const char *s, const char *c)
{
	if (ieq(s, c))
		return true;
	size_t ns = strlen(s), nc = strlen(c);
	if (ns > VTI_CPE_MAX || nc > VTI_CPE_MAX)
		return false;
	char bs[VTI_CPE_MAX + 1], bc[VTI_CPE_MAX + 1];
	struct vti_cpe cs, cc;
	if (vti_cpe_parse_buf(s, bs, sizeof(bs), &cs) || vti_cpe_parse_buf(c, bc, sizeof(bc), &cc))
		return false;
	for (int i = 0; i < VTI_CPE_NATTR; i++)
		if (!vti_cpe_attr_match(cs.attr[i], cc.attr[i]))
			return false;
	return true;
}

static bool product_match(const char *p, const char *purl, const char *cpe, const char *name)
{
	if (!strncmp(p, "pkg:", 4))
		return purl && purl_match(p, purl);
	if (!strncmp(p, "cpe:", 4))
		return cpe && cpe_match(p, cpe);
	return (name && ieq(p, name)) || (purl && !strcmp(p, purl)) || (cpe && ieq(p, cpe));
}

const struct vti_vex_stmt *vti_vex_find(const struct vti_vex *v, const char *vuln,
					const char *purl, const char *cpe, const char *name)
{
	if (!v || !vuln)
		return NULL;
	if (purl && !*purl)
		purl = NULL;
	if (cpe && !*cpe)
		cpe = NULL;
	if (name && !*name)
		name = NULL;
	const struct vti_vex_stmt *best = NULL;
	int best_rank = -1;
	for (const struct vti_vex_stmt *s = v->stmts; s; s = s->next) {
		if (!ieq(s->vuln, vuln))
			continue;
		int rank;
		if (!s->product)
			rank = 0;
		else if (product_match(s->product, purl, cpe, name))
			rank = 1;
		else
			continue;
		if (rank >= best_rank) {
			best = s;
			best_rank = rank;
		}
	}
	return best;
}

const char *vti_vex_status_name(enum vti_vex_status s)
{
	switch (s) {
	case VTI_VEX_NOT_AFFECTED:
		return "not_affected";
	case VTI_VEX_AFFECTED:
		return "affected";
	case VTI_VEX_FIXED:
		return "fixed";
	case VTI_VEX_UNDER_INVESTIGATION:
		return "under_investigation";
	case VTI_VEX_UNKNOWN:
		break;
	}
	return "unknown";
}
