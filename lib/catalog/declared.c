/* declared.c - reads the vendor's declared SBOM and compares it with the components found.
 *
 * Input: a CycloneDX (any 1.x JSON) or SPDX 2.x JSON document named by --declared-sbom. It is
 * hostile: at most VTI_DECLARED_MAX_BYTES are read, jansson bounds the nesting, every field is
 * type-checked (a field of the wrong type is ignored), and at most VTI_DECLARED_MAX_ENTRIES
 * components are kept. The artifact itself (CycloneDX metadata.component, the package an SPDX
 * document DESCRIBES when it has others) is not a declared component.
 *
 * Matching a declared entry to a found component: the same purl type and name, or a CPE
 * vendor:product among the component's pairs, or a normalised name (case, punctuation and a
 * "lib" prefix ignored) equal to one of the component's aliases: its product key, display
 * name, purl name, CPE products, and the name, CPE products and package names of its
 * catalogue entry (lib/catalog/catalog.h). Declared entries pair first with found
 * components of the same version, then with any remaining candidate (a version mismatch).
 */
#include "core/internal.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/analyzer.h"
#include "catalog/catalog.h"
#include "catalog/declared.h"
#include "review/review_int.h"

#define MAX_ALIASES 64

const struct vt_rule vti_rule_sbom_undeclared = {
	.id = "VT-SBOM-001",
	.category = "components",
	.severity = VT_LEVEL_MEDIUM,
	.title = "Component not in the declared SBOM",
	.cwe = "CWE-1357",
	.description = "A component was identified in the product that the vendor's declared SBOM "
		       "does not list. Undeclared components are hidden from the vendor's and the "
		       "customer's vulnerability management: their vulnerabilities go unnoticed.",
	.remediation = "Add the component, with its exact version, to the SBOM delivered with the "
		       "product, or remove it from the product if it should not be there.",
};

const struct vt_rule vti_rule_sbom_version = {
	.id = "VT-SBOM-002",
	.category = "components",
	.severity = VT_LEVEL_LOW,
	.title = "Declared component version differs from the version found",
	.cwe = NULL,
	.description = "The declared SBOM lists the component with another version than the "
		       "upstream version identified in the product. Vulnerability matching on the "
		       "declared SBOM gives wrong results for it.",
	.remediation = "Correct the version in the declared SBOM (the upstream version of what is "
		       "shipped), or ship the declared version.",
};

const struct vt_rule vti_rule_sbom_absent = {
	.id = "VT-SBOM-003",
	.category = "components",
	.severity = VT_LEVEL_INFO,
	.title = "Declared component not found in the product",
	.cwe = NULL,
	.description = "The declared SBOM lists a component that was not identified in the "
		       "product. Either the SBOM is out of date, or the component is present in a "
		       "form the review could not identify.",
	.remediation = "Check whether the component is shipped; remove it from the declared SBOM "
		       "if it is not.",
};

const struct vt_rule *const vti_declared_rules[] = {
	&vti_rule_sbom_undeclared,
	&vti_rule_sbom_version,
	&vti_rule_sbom_absent,
	NULL,
};

/* --- small string helpers --- */

static int lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool ieq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	for (; *a && *b; a++, b++)
		if (lc((unsigned char)*a) != lc((unsigned char)*b))
			return false;
	return !*a && !*b;
}

static bool empty_value(const char *s)
{
	return !s || !*s || !strcmp(s, "NOASSERTION") || !strcmp(s, "NONE") || !strcmp(s, "*") ||
	       !strcmp(s, "-");
}

char *vti_declared_norm(const char *name, char *out, size_t n)
{
	if (!n)
		return out;
	size_t k = 0;
	for (const char *p = name ? name : ""; *p && k + 1 < n; p++) {
		int c = lc((unsigned char)*p);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[k++] = (char)c;
	}
	out[k] = 0;
	if (k > 3 && !strncmp(out, "lib", 3))
		memmove(out, out + 3, k - 2);
	return out;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lc(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Copy of [p, p+n) with %XX decoded. */
static const char *pct_decode(struct vt_arena *a, const char *p, size_t n)
{
	char *d = vt_arena_alloc(a, n + 1);
	if (!d)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (p[i] == '%' && i + 2 < n && (h = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)p[i + 2])) >= 0) {
			d[k++] = (char)(h * 16 + l);
			i += 2;
		} else {
			d[k++] = p[i];
		}
	}
	d[k] = 0;
	return d;
}

bool vti_purl_split(const char *purl, struct vt_arena *a, const char **type, const char **name,
		    const char **version)
{
	*type = *name = NULL;
	if (version)
		*version = NULL;
	if (!purl || strncasecmp(purl, "pkg:", 4))
		return false;
	const char *p = purl + 4;
	while (*p == '/')
		p++;
	size_t end = strcspn(p, "?#"); /* qualifiers and subpath are not identity */
	const char *slash = memchr(p, '/', end);
	if (!slash || slash == p)
		return false;
	char *t = vt_arena_strndup(a, p, (size_t)(slash - p));
	if (!t)
		return false;
	for (char *q = t; *q; q++)
		*q = (char)lc((unsigned char)*q);
	const char *path = slash + 1;
	size_t plen = end - (size_t)(path - p);
	const char *at = NULL;
	for (size_t i = plen; i > 0; i--)
		if (path[i - 1] == '@') {
			at = path + i - 1;
			break;
		}
	size_t nlen = at ? (size_t)(at - path) : plen;
	while (nlen && path[nlen - 1] == '/')
		nlen--;
	const char *last = path;
	for (size_t i = 0; i < nlen; i++)
		if (path[i] == '/')
			last = path + i + 1;
	size_t lastlen = nlen - (size_t)(last - path);
	if (!lastlen)
		return false;
	*type = t;
	*name = pct_decode(a, last, lastlen);
	if (version && at && at + 1 < path + plen)
		*version = pct_decode(a, at + 1, (size_t)(path + plen - at - 1));
	return *name != NULL;
}

bool vti_cpe_split(const char *cpe, struct vt_arena *a, const char **vendor,
		   const char **product, const char **version)
{
	*vendor = *product = NULL;
	if (version)
		*version = NULL;
	if (!cpe)
		return false;
	const char *p;
	bool uri = false;
	if (!strncasecmp(cpe, "cpe:2.3:", 8)) {
		p = cpe + 8;
	} else if (!strncasecmp(cpe, "cpe:/", 5)) {
		p = cpe + 5;
		uri = true;
	} else {
		return false;
	}
	/* fields: part, vendor, product, version; ':' escaped by '\' in 2.3 */
	const char *field[4] = {0};
	size_t flen[4] = {0};
	size_t f = 0;
	field[0] = p;
	for (const char *q = p; *q && f < 4; q++) {
		if (*q == '\\' && !uri && q[1]) {
			q++;
			continue;
		}
		if (*q == ':') {
			flen[f] = (size_t)(q - field[f]);
			if (++f < 4)
				field[f] = q + 1;
		}
	}
	if (f < 4 && field[f])
		flen[f] = strlen(field[f]);
	if (f < 2 || !field[1] || !field[2])
		return false;
	const char **outs[3] = {vendor, product, version};
	for (size_t i = 1; i < 4; i++) {
		if (i == 3 && !version)
			break;
		if (!field[i])
			continue;
		char *d = vt_arena_alloc(a, flen[i] + 1);
		if (!d)
			return false;
		size_t k = 0;
		for (size_t j = 0; j < flen[i]; j++) {
			if (field[i][j] == '\\' && !uri && j + 1 < flen[i])
				j++;
			d[k++] = field[i][j];
		}
		d[k] = 0;
		const char *v = uri ? pct_decode(a, d, k) : d;
		if (!v)
			return false;
		*outs[i - 1] = v;
	}
	return *vendor && *product && **vendor && **product;
}

/* Drops an epoch ("1:") and a leading 'v' before a digit. */
static const char *version_core(const char *v)
{
	const char *p = v;
	while (*p == ' ')
		p++;
	const char *q = p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (q > p && *q == ':')
		p = q + 1;
	if ((*p == 'v' || *p == 'V') && p[1] >= '0' && p[1] <= '9')
		p++;
	return p;
}

/* Is `rest` (what follows the found version inside the declared one) a distribution suffix? */
static bool dist_suffix(const char *rest)
{
	if (!*rest)
		return true;
	if (*rest == '-' || *rest == '+' || *rest == '~')
		return true;
	return *rest == '.' && rest[1] && !(rest[1] >= '0' && rest[1] <= '9');
}

static bool prefix_eq(const char *d, const char *f, size_t fl)
{
	for (size_t i = 0; i < fl; i++)
		if (!d[i] || lc((unsigned char)d[i]) != lc((unsigned char)f[i]))
			return false;
	return true;
}

bool vti_declared_version_eq(const char *declared, const char *found, const char *update)
{
	if (empty_value(declared) || empty_value(found))
		return true; /* nothing to compare */
	const char *d = version_core(declared), *f = version_core(found);
	size_t fl = strlen(f);
	if (!prefix_eq(d, f, fl))
		return false;
	const char *rest = d + fl;
	if (!update || !*update)
		return dist_suffix(rest);
	/* found "9.2" with update "p1": "9.2", "9.2p1", "9.2-p1", "9.2_p1", then a suffix */
	if (!*rest)
		return true;
	if (*rest == '-' || *rest == '_' || *rest == '.')
		rest++;
	size_t ul = strlen(update);
	return prefix_eq(rest, update, ul) && dist_suffix(rest + ul);
}

/* --- parsing the declared SBOM --- */

struct parse {
	struct vt_arena *a;
	struct vti_declared_list *out;
	size_t cap;
	bool oom;
};

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	return s && *s ? s : NULL;
}

static void add_entry(struct parse *p, const char *name, const char *version, const char *purl,
		      const char *cpe, const char *ref)
{
	struct vti_declared_list *l = p->out;
	if (empty_value(name))
		name = NULL;
	if ((!name && !purl) || l->n >= VTI_DECLARED_MAX_ENTRIES) {
		l->skipped++;
		return;
	}
	if (l->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct vti_declared *v = vt_arena_calloc(p->a, nc, sizeof(*v));
		if (!v) {
			p->oom = true;
			return;
		}
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		p->cap = nc;
	}
	struct vti_declared *e = &l->v[l->n];
	e->name = name ? vt_arena_strdup(p->a, name) : NULL;
	e->version = !empty_value(version) ? vt_arena_strdup(p->a, version) : NULL;
	e->purl = purl ? vt_arena_strdup(p->a, purl) : NULL;
	e->cpe = cpe ? vt_arena_strdup(p->a, cpe) : NULL;
	e->ref = ref ? vt_arena_strdup(p->a, ref) : NULL;
	if ((name && !e->name) || (version && !empty_value(version) && !e->version) ||
	    (purl && !e->purl) || (cpe && !e->cpe) || (ref && !e->ref)) {
		p->oom = true;
		return;
	}
	l->n++;
}

static void cdx_components(struct parse *p, json_t *arr, unsigned depth)
{
	if (!json_is_array(arr) || depth > VTI_DECLARED_MAX_NESTING)
		return;
	size_t i;
	json_t *c;
	json_array_foreach(arr, i, c)
	{
		if (p->oom)
			return;
		if (!json_is_object(c)) {
			p->out->skipped++;
			continue;
		}
		add_entry(p, jstr(c, "name"), jstr(c, "version"), jstr(c, "purl"), jstr(c, "cpe"),
			  jstr(c, "bom-ref"));
		cdx_components(p, json_object_get(c, "components"), depth + 1);
	}
}

static bool spdx_described(json_t *doc, const char *id)
{
	json_t *dd = json_object_get(doc, "documentDescribes");
	size_t i;
	json_t *v;
	if (json_is_array(dd)) {
		json_array_foreach(dd, i, v)
		{
			if (json_is_string(v) && !strcmp(json_string_value(v), id))
				return true;
		}
	}
	json_t *rels = json_object_get(doc, "relationships");
	if (!json_is_array(rels))
		return false;
	json_array_foreach(rels, i, v)
	{
		const char *from = jstr(v, "spdxElementId"), *type = jstr(v, "relationshipType");
		const char *to = jstr(v, "relatedSpdxElement");
		if (from && type && to && !strcmp(type, "DESCRIBES") &&
		    !strcmp(from, "SPDXRef-DOCUMENT") && !strcmp(to, id))
			return true;
		if (from && type && to && !strcmp(type, "DESCRIBED_BY") &&
		    !strcmp(to, "SPDXRef-DOCUMENT") && !strcmp(from, id))
			return true;
	}
	return false;
}

static void spdx_packages(struct parse *p, json_t *doc)
{
	json_t *pk = json_object_get(doc, "packages");
	if (!json_is_array(pk))
		return;
	size_t n = json_array_size(pk), described = 0, i;
	json_t *c;
	json_array_foreach(pk, i, c)
	{
		const char *id = jstr(c, "SPDXID");
		if (id && spdx_described(doc, id))
			described++;
	}
	bool skip_described = described && described < n;
	json_array_foreach(pk, i, c)
	{
		if (p->oom)
			return;
		if (!json_is_object(c)) {
			p->out->skipped++;
			continue;
		}
		const char *id = jstr(c, "SPDXID");
		if (skip_described && id && spdx_described(doc, id))
			continue;
		const char *purl = NULL, *cpe = NULL;
		json_t *refs = json_object_get(c, "externalRefs"), *r;
		size_t k;
		if (json_is_array(refs))
			json_array_foreach(refs, k, r)
			{
				const char *t = jstr(r, "referenceType");
				const char *loc = jstr(r, "referenceLocator");
				if (!t || !loc)
					continue;
				if (!purl && !strcmp(t, "purl"))
					purl = loc;
				else if (!strcmp(t, "cpe23Type") &&
					 (!cpe || strncmp(cpe, "cpe:2.3:", 8)))
					cpe = loc;
				else if (!cpe && !strcmp(t, "cpe22Type"))
					cpe = loc;
			}
		add_entry(p, jstr(c, "name"), jstr(c, "versionInfo"), purl, cpe, id);
	}
}

vt_err vti_declared_parse(struct vt_span s, struct vt_arena *a, struct vti_declared_list *out,
			  char *why, size_t why_len)
{
	memset(out, 0, sizeof(*out));
	if (why_len)
		why[0] = 0;
	if (s.len > VTI_DECLARED_MAX_BYTES) {
		snprintf(why, why_len, "larger than %zu MiB", VTI_DECLARED_MAX_BYTES >> 20);
		return VT_ELIMIT;
	}
	json_error_t err;
	json_t *doc = json_loadb((const char *)s.p, s.len, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		snprintf(why, why_len, "not JSON: %s at line %d", err.text, err.line);
		return VT_EFORMAT;
	}
	struct parse p = {.a = a, .out = out};
	vt_err e = VT_OK;
	const char *bf = jstr(doc, "bomFormat"), *sv = jstr(doc, "spdxVersion");
	if (bf && !strcmp(bf, "CycloneDX")) {
		out->format = "CycloneDX";
		cdx_components(&p, json_object_get(doc, "components"), 0);
	} else if (sv && !strncmp(sv, "SPDX-2.", 7)) {
		out->format = "SPDX";
		spdx_packages(&p, doc);
	} else {
		snprintf(why, why_len, "neither a CycloneDX document (bomFormat) nor SPDX 2 JSON "
				       "(spdxVersion)");
		e = VT_EFORMAT;
	}
	json_decref(doc);
	if (p.oom)
		return VT_ENOMEM;
	return e;
}

vt_err vti_declared_load(const char *path, struct vt_arena *a, struct vti_declared_list *out,
			 char *why, size_t why_len)
{
	memset(out, 0, sizeof(*out));
	if (why_len)
		why[0] = 0;
	struct vt_buf b;
	vt_buf_init(&b, VTI_DECLARED_MAX_BYTES);
	vt_err e = vt_buf_read_file(&b, AT_FDCWD, path, false);
	if (e) {
		if (e == VT_ENOTSUP)
			snprintf(why, why_len, "not a regular file");
		else if (e == VT_ELIMIT)
			snprintf(why, why_len, "larger than %zu MiB", VTI_DECLARED_MAX_BYTES >> 20);
		vt_buf_release(&b);
		return e;
	}
	e = vti_declared_parse(vt_span_make(b.data, b.len), a, out, why, why_len);
	vt_buf_release(&b);
	return e;
}

/* --- aliases of found components --- */

struct found {
	const char *purl_type, *purl_name;
	const char *aliases[MAX_ALIASES]; /* normalised */
	size_t n_aliases;
	const char *patterns[MAX_ALIASES]; /* catalogue package names with wildcards, lower case */
	size_t n_patterns;
};

static void add_alias(struct vt_arena *a, struct found *f, const char *name)
{
	if (!name || f->n_aliases == MAX_ALIASES)
		return;
	char buf[256];
	vti_declared_norm(name, buf, sizeof(buf));
	if (!*buf)
		return;
	for (size_t i = 0; i < f->n_aliases; i++)
		if (!strcmp(f->aliases[i], buf))
			return;
	const char *s = vt_arena_strdup(a, buf);
	if (s)
		f->aliases[f->n_aliases++] = s;
}

static void add_package_name(struct vt_arena *a, struct found *f, const char *name)
{
	if (strpbrk(name, "*?[")) {
		if (f->n_patterns == MAX_ALIASES)
			return;
		char *s = vt_arena_strdup(a, name);
		if (!s)
			return;
		for (char *q = s; *q; q++)
			*q = (char)lc((unsigned char)*q);
		f->patterns[f->n_patterns++] = s;
	} else {
		add_alias(a, f, name);
	}
}

/* Adds the display name, CPE products and package names of the component's catalogue
 * entry. */
static void catalog_aliases(const struct vti_catalog *cat, struct vt_arena *a, const char *product,
			    struct found *f)
{
	const struct vti_cat_product *p = vti_catalog_product(cat, product);
	if (!p)
		return;
	add_alias(a, f, p->key);
	add_alias(a, f, p->name);
	for (size_t k = 0; p->cpe && k < p->n_cpe; k++) {
		const char *colon = p->cpe[k] ? strchr(p->cpe[k], ':') : NULL;
		if (colon)
			add_alias(a, f, colon + 1);
	}
	for (size_t k = 0; p->packages && k < p->n_packages; k++)
		if (p->packages[k])
			add_package_name(a, f, p->packages[k]);
}

static vt_err describe_found(const struct vti_catalog *cat, struct vt_arena *a,
			     const struct vt_component *c, struct found *f)
{
	memset(f, 0, sizeof(*f));
	const char *pv;
	if (c->purl)
		vti_purl_split(c->purl, a, &f->purl_type, &f->purl_name, &pv);
	add_alias(a, f, c->product);
	add_alias(a, f, c->name);
	add_alias(a, f, f->purl_name);
	for (size_t k = 0; c->cpe_pairs && k < c->n_cpe_pairs; k++) {
		const char *pair = c->cpe_pairs[k];
		const char *colon = pair ? strchr(pair, ':') : NULL;
		if (colon)
			add_alias(a, f, colon + 1);
	}
	if (c->cpe) {
		const char *v, *p, *ver;
		if (vti_cpe_split(c->cpe, a, &v, &p, &ver))
			add_alias(a, f, p);
	}
	catalog_aliases(cat, a, c->product, f);
	return VT_OK;
}

struct decl {
	const char *purl_type, *purl_name, *purl_version;
	const char *cpe_vendor, *cpe_product, *cpe_version;
	const char *version; /* declared: versionInfo or version, else the purl's, else the CPE's */
	const char *label;   /* for messages */
	const char *product; /* the catalogue product its name or purl name is a package of */
	char norms[3][256];
};

static void describe_declared(const struct vti_catalog *cat, struct vt_arena *a,
			      const struct vti_declared *d, struct decl *x)
{
	memset(x, 0, sizeof(*x));
	if (d->purl)
		vti_purl_split(d->purl, a, &x->purl_type, &x->purl_name, &x->purl_version);
	if (d->cpe)
		vti_cpe_split(d->cpe, a, &x->cpe_vendor, &x->cpe_product, &x->cpe_version);
	x->version = d->version ? d->version
		     : x->purl_version ? x->purl_version
		     : !empty_value(x->cpe_version) ? x->cpe_version
							: NULL;
	x->label = d->name ? d->name : x->purl_name ? x->purl_name : d->purl;
	const struct vti_cat_product *p = vti_catalog_package(cat, d->name);
	if (!p)
		p = vti_catalog_package(cat, x->purl_name);
	x->product = p ? p->key : NULL;
	vti_declared_norm(d->name, x->norms[0], sizeof(x->norms[0]));
	vti_declared_norm(x->purl_name, x->norms[1], sizeof(x->norms[1]));
	vti_declared_norm(x->cpe_product, x->norms[2], sizeof(x->norms[2]));
}

static bool matches(const struct decl *x, const struct vti_declared *d,
		    const struct vt_component *c, const struct found *f)
{
	if (x->product && c->product && !strcmp(x->product, c->product))
		return true;
	if (x->purl_type && f->purl_type && !strcmp(x->purl_type, f->purl_type) &&
	    ieq(x->purl_name, f->purl_name))
		return true;
	if (x->cpe_vendor && x->cpe_product) {
		for (size_t k = 0; c->cpe_pairs && k < c->n_cpe_pairs; k++) {
			const char *pair = c->cpe_pairs[k];
			const char *colon = pair ? strchr(pair, ':') : NULL;
			if (colon && strlen(x->cpe_vendor) == (size_t)(colon - pair) &&
			    !strncasecmp(pair, x->cpe_vendor, (size_t)(colon - pair)) &&
			    ieq(colon + 1, x->cpe_product))
				return true;
		}
	}
	for (size_t i = 0; i < 3; i++) {
		if (!x->norms[i][0])
			continue;
		for (size_t k = 0; k < f->n_aliases; k++)
			if (!strcmp(x->norms[i], f->aliases[k]))
				return true;
	}
	const char *raw[2] = {d->name, x->purl_name};
	for (size_t i = 0; i < 2; i++) {
		if (!raw[i])
			continue;
		char low[256];
		size_t n = 0;
		for (const char *q = raw[i]; *q && n + 1 < sizeof(low); q++)
			low[n++] = (char)lc((unsigned char)*q);
		low[n] = 0;
		for (size_t k = 0; k < f->n_patterns; k++)
			if (!fnmatch(f->patterns[k], low, 0))
				return true;
	}
	return false;
}

static const char *comp_label(const struct vt_component *c)
{
	return c->name ? c->name : c->product ? c->product : "unknown";
}

/* The object a finding about c is attached to: the file of its first occurrence. */
static struct vt_object *comp_object(const struct vt_component *c)
{
	for (size_t k = 0; c->occ && k < c->n_occ; k++)
		if (c->occ[k].object)
			return (struct vt_object *)(uintptr_t)c->occ[k].object;
	return NULL;
}

vt_err vti_declared_compare_with(struct vt_review *r, const struct vti_declared_list *d,
				 const struct vt_component *c, size_t n)
{
	struct vt_arena *a = vt_arena_new();
	struct found *f = calloc(n + 1, sizeof(*f));
	struct decl *x = calloc(d->n + 1, sizeof(*x));
	size_t *pair = calloc(d->n + 1, sizeof(*pair)); /* declared -> found, or n */
	bool *taken = calloc(n + 1, sizeof(*taken));     /* found paired */
	bool *dup = calloc(d->n + 1, sizeof(*dup));      /* declared twice */
	struct vti_catalog *cat = NULL;
	vt_err e = VT_OK;
	if (!a || !f || !x || !pair || !taken || !dup) {
		e = VT_ENOMEM;
		goto out;
	}
	/* the catalogue gives aliases; without it, matching uses the components' own names */
	e = vti_catalog_get(r, &cat);
	if (e == VT_ENOMEM)
		goto out;
	e = VT_OK;
	for (size_t i = 0; i < n; i++)
		if ((e = describe_found(cat, a, &c[i], &f[i])))
			goto out;
	for (size_t j = 0; j < d->n; j++) {
		describe_declared(cat, a, &d->v[j], &x[j]);
		pair[j] = n;
	}
#define CAND(j, i) matches(&x[j], &d->v[j], &c[i], &f[i])
	/* same version first; an entry repeating a version already paired is a duplicate; then
	 * any remaining candidate (a version mismatch) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t j = 0; j < d->n; j++) {
			if (pair[j] != n || dup[j])
				continue;
			if (pass == 1) {
				for (size_t i = 0; i < n && !dup[j]; i++)
					dup[j] = taken[i] &&
						 vti_declared_version_eq(x[j].version, c[i].version,
									 c[i].update) &&
						 CAND(j, i);
				if (dup[j])
					continue;
			}
			for (size_t i = 0; i < n; i++) {
				if (taken[i])
					continue;
				if (!pass && !vti_declared_version_eq(x[j].version, c[i].version,
								      c[i].update))
					continue;
				if (!CAND(j, i))
					continue;
				pair[j] = i;
				taken[i] = true;
				break;
			}
		}

	struct vti_actx ac = {r, r->warenas ? r->warenas[0] : r->arena, 0, NULL, NULL};
	for (size_t i = 0; i < n; i++) {
		if (taken[i])
			continue;
		const char *id = c[i].purl ? c[i].purl : c[i].cpe;
		vti_finding(&ac, comp_object(&c[i]), &vti_rule_sbom_undeclared, false, 0, id,
			    id ? strlen(id) : 0, "component '%s' %s is not in the declared SBOM",
			    comp_label(&c[i]), c[i].version ? c[i].version : "(version unknown)");
	}
	for (size_t j = 0; j < d->n; j++) {
		const char *dv = x[j].version ? x[j].version : "(no version)";
		if (dup[j]) /* declared twice: the first entry already accounts for it */
			continue;
		if (pair[j] != n) {
			size_t i = pair[j];
			if (vti_declared_version_eq(x[j].version, c[i].version, c[i].update))
				continue;
			vti_finding(&ac, comp_object(&c[i]), &vti_rule_sbom_version, false, 0, NULL,
				    0,
				    "'%s' is declared as version %s, version %s%s%s was found",
				    x[j].label, dv, c[i].version, c[i].update ? " update " : "",
				    c[i].update ? c[i].update : "");
			continue;
		}
		bool any = false;
		for (size_t i = 0; i < n && !any; i++)
			any = CAND(j, i);
		const char *why = any ? " (only other versions were found)" : "";
		vti_finding(&ac, NULL, &vti_rule_sbom_absent, false, 0, d->v[j].purl,
			    d->v[j].purl ? strlen(d->v[j].purl) : 0,
			    "declared component '%s' %s was not found%s", x[j].label, dv, why);
	}
#undef CAND
out:
	vti_catalog_put(r, cat);
	free(dup);
	free(taken);
	free(pair);
	free(x);
	free(f);
	vt_arena_free(a);
	return e;
}

vt_err vti_declared_compare(struct vt_review *r)
{
	const char *path = r->opts.declared_sbom;
	if (!path || !*path)
		return VT_OK;
	struct vt_arena *a = vt_arena_new();
	if (!a)
		return VT_ENOMEM;
	struct vti_declared_list d;
	char why[256];
	vt_err e = vti_declared_load(path, a, &d, why, sizeof(why));
	if (e == VT_ENOMEM) {
		vt_arena_free(a);
		return e;
	}
	if (e) {
		vti_review_diag(r, VT_SEV_ERROR, e, "declared SBOM '%s' not used: %s", path,
				why[0] ? why : vt_strerror(e));
		vt_arena_free(a);
		return VT_OK;
	}
	if (d.skipped)
		vti_review_diag(r, VT_SEV_WARNING, VT_EFORMAT,
				"declared SBOM '%s': %zu entries without a name or purl ignored",
				path, d.skipped);
	size_t n = vt_review_component_count(r);
	e = vti_declared_compare_with(r, &d, n ? vt_review_component(r, 0) : NULL, n);
	vt_arena_free(a);
	return e;
}
