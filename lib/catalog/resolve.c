/* resolve.c - merges the component evidence of every object into the review's components
 * (the post-analysis phase "components").
 *
 * Rules:
 *  - One component per (product, upstream version, container): two versions of a product
 *    stay two components, and a copy of a library built into another product's file
 *    (zlib inside a static BusyBox) is its own component with `container` set to that
 *    file, because it is fixed by rebuilding that file, not by updating the library.
 *  - A file belongs to the product its hints name (a `sonames` hint first, then a `files`
 *    hint); versioned evidence of another product in it is a contained copy, unless the
 *    file links (DT_NEEDED) a library of that product: then the string is a version quoted
 *    from that library's header, and it is left out.
 *  - Versionless hints support the components of their product found in the same file (or
 *    the product's only component: for a symbol hint, only when the file is not another
 *    product's, since a library exporting a product's API without naming a version may
 *    hold a copy of unknown version); they never make a component. Symbol hints do not
 *    decide which product a file belongs to. A package database entry
 *    without a version makes a component without one; nothing else does.
 *  - Confidence: the best evidence, plus 5 for each further kind of evidence that agrees.
 *  - depends: the DT_NEEDED entries of the component's own files, resolved to the library
 *    in the same filesystem (by SONAME, else by name in the usual library directories), and
 *    the components of that library.
 *  - Sorted by product, version, container path; CPE 2.3 and purl from the catalogue.
 * Memory: components live in r->warenas[0]; working tables are freed before returning.
 */
#include "core/internal.h"

#include "analyzers/analyzer.h"
#include "catalog/catalog.h"
#include "review/review_int.h"

struct evref {
	struct vt_object *o;
	const struct vt_evidence *e;
	size_t comp; /* component (working index), SIZE_MAX: none */
};

struct wcomp {
	const char *product, *version;
	const struct vt_object *container;
	size_t n_occ, cap_occ;
	struct vt_occurrence *occ;
	unsigned best;
	unsigned kinds; /* bit per evidence kind */
	const char *update;
	unsigned update_conf;
	const char *raw_pkg;     /* a package version, for purls outside the catalogue */
	const char *pkg_rule;
	size_t final;            /* index after sorting */
	bool dead;               /* merged into another component */
};

struct rs {
	struct vt_review *r;
	struct vt_arena *a;
	const struct vti_catalog *cat;
	struct wcomp *comps;
	size_t n, cap;
	size_t *tab; /* hash: (product, version, container) -> comp + 1 */
	size_t tab_cap;
	/* soname index: (fsroot, soname) -> object */
	struct vt_object **so;
	size_t so_cap;
};

static uint64_t hstr(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

static bool eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static uint64_t comp_hash(const char *p, const char *v, const struct vt_object *c)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)c;
	return hstr(hstr(h, p), v);
}

static vt_err tab_grow(struct rs *x)
{
	size_t cap = x->tab_cap ? x->tab_cap * 2 : 256;
	size_t *t = calloc(cap, sizeof(*t));
	if (!t)
		return VT_ENOMEM;
	for (size_t i = 0; i < x->n; i++) {
		struct wcomp *w = &x->comps[i];
		size_t k = (size_t)comp_hash(w->product, w->version, w->container) & (cap - 1);
		while (t[k])
			k = (k + 1) & (cap - 1);
		t[k] = i + 1;
	}
	free(x->tab);
	x->tab = t;
	x->tab_cap = cap;
	return VT_OK;
}

/* The working component of (product, version, container), made when absent. */
static vt_err comp_get(struct rs *x, const char *p, const char *v, const struct vt_object *c,
		       size_t *out)
{
	if (x->n * 2 >= x->tab_cap) {
		vt_err e = tab_grow(x);
		if (e)
			return e;
	}
	size_t k = (size_t)comp_hash(p, v, c) & (x->tab_cap - 1);
	for (; x->tab[k]; k = (k + 1) & (x->tab_cap - 1)) {
		struct wcomp *w = &x->comps[x->tab[k] - 1];
		if (w->container == c && eq(w->product, p) && eq(w->version, v)) {
			*out = x->tab[k] - 1;
			return VT_OK;
		}
	}
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 64;
		struct wcomp *nw = realloc(x->comps, nc * sizeof(*nw));
		if (!nw)
			return VT_ENOMEM;
		x->comps = nw;
		x->cap = nc;
	}
	struct wcomp *w = &x->comps[x->n];
	memset(w, 0, sizeof(*w));
	w->product = p;
	w->version = v;
	w->container = c;
	x->tab[k] = x->n + 1;
	*out = x->n++;
	return VT_OK;
}

static vt_err occ_add(struct wcomp *w, const struct vt_object *o, const struct vt_evidence *e)
{
	for (size_t i = 0; i < w->n_occ; i++)
		if (w->occ[i].evidence == e)
			return VT_OK;
	if (w->n_occ == w->cap_occ) {
		size_t nc = w->cap_occ ? w->cap_occ * 2 : 4;
		struct vt_occurrence *no = realloc(w->occ, nc * sizeof(*no));
		if (!no)
			return VT_ENOMEM;
		w->occ = no;
		w->cap_occ = nc;
	}
	w->occ[w->n_occ++] = (struct vt_occurrence){o, e};
	w->best = VT_MAX(w->best, e->confidence);
	w->kinds |= 1u << (e->kind & 15);
	if (e->update && e->confidence > w->update_conf) {
		w->update = e->update;
		w->update_conf = e->confidence;
	}
	if (e->kind == VT_EV_PACKAGE && e->raw_version && !w->raw_pkg) {
		w->raw_pkg = e->raw_version;
		w->pkg_rule = e->rule;
	}
	return VT_OK;
}

static bool is_hint(const struct vt_evidence *e)
{
	return !e->version && (e->kind == VT_EV_FILENAME || e->kind == VT_EV_SONAME ||
			       e->kind == VT_EV_SYMBOL);
}

/* The product a file belongs to, by its hints (a SONAME hint first); NULL if none. */
static const char *owner(const struct vt_object *o)
{
	const struct vt_evidence *best = NULL;
	for (const struct vt_evidence *e = o->evidence; e; e = e->next) {
		if (e->kind != VT_EV_SONAME && e->kind != VT_EV_FILENAME)
			continue;
		if (!best || (e->kind == VT_EV_SONAME && best->kind != VT_EV_SONAME))
			best = e;
	}
	return best ? best->product : NULL;
}

static bool has_product(const struct vt_object *o, const char *product)
{
	for (const struct vt_evidence *e = o->evidence; e; e = e->next)
		if (!strcmp(e->product, product))
			return true;
	return false;
}

/* --- SONAME index --- */

static uint64_t so_hash(const struct vt_object *root, const char *s)
{
	return hstr(1469598103934665603ULL ^ (uint64_t)(uintptr_t)root, s);
}

static vt_err so_build(struct rs *x)
{
	size_t cap = 64;
	while (cap < x->r->n_objects)
		cap *= 2;
	x->so = calloc(cap, sizeof(*x->so));
	if (!x->so)
		return VT_ENOMEM;
	x->so_cap = cap;
	size_t used = 0;
	for (size_t i = 0; i < x->r->n_objects && used * 2 < cap; i++) {
		struct vt_object *o = x->r->objects[i];
		if (o->kind != VT_OBJ_FILE || !o->elf || !o->elf->soname || !o->fsroot)
			continue;
		size_t k = (size_t)so_hash(o->fsroot, o->elf->soname) & (cap - 1);
		bool dup = false;
		for (; x->so[k]; k = (k + 1) & (cap - 1))
			dup = dup || (x->so[k]->fsroot == o->fsroot &&
				      !strcmp(x->so[k]->elf->soname, o->elf->soname));
		if (dup)
			continue; /* the first (object order) wins */
		x->so[k] = o;
		used++;
	}
	return VT_OK;
}

/* The library a DT_NEEDED entry of o names, in o's filesystem; NULL if absent. */
static struct vt_object *needed_lib(struct rs *x, const struct vt_object *o, const char *name)
{
	if (!name || !*name || strchr(name, '/') || !o->fsroot)
		return NULL;
	size_t k = (size_t)so_hash(o->fsroot, name) & (x->so_cap - 1);
	for (; x->so[k]; k = (k + 1) & (x->so_cap - 1))
		if (x->so[k]->fsroot == o->fsroot && !strcmp(x->so[k]->elf->soname, name))
			return x->so[k];
	/* a library without SONAME: by file name in the usual directories and o's own */
	static const char *const dirs[] = {"/lib", "/usr/lib", "/lib64", "/usr/lib64",
					   "/usr/local/lib"};
	char path[4096];
	for (size_t i = 0; i <= VT_ARRAY_LEN(dirs); i++) {
		if (i < VT_ARRAY_LEN(dirs)) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		} else {
			const char *fp = o->fspath ? o->fspath : "/";
			const char *sl = strrchr(fp, '/');
			snprintf(path, sizeof(path), "%.*s/%s", (int)(sl ? sl - fp : 0), fp, name);
		}
		struct vt_object *l = vti_fs_lookup(x->r, o->fsroot, path, true);
		if (l && l->kind == VT_OBJ_FILE)
			return l;
	}
	return NULL;
}

/* Does o link a library that carries evidence of `product`? */
static bool links_product(struct rs *x, const struct vt_object *o, const char *product)
{
	if (!o->elf || !x->so)
		return false;
	for (size_t i = 0; i < o->elf->n_needed; i++) {
		struct vt_object *l = needed_lib(x, o, o->elf->needed[i]);
		if (l && l != o && has_product(l, product))
			return true;
	}
	return false;
}

/* --- filling the public components --- */

static const char *pct_encode(struct vt_arena *a, const char *v)
{
	size_t n = strlen(v);
	char *out = vt_arena_alloc(a, n * 3 + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (const char *p = v; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    ch == '.' || ch == '-' || ch == '_' || ch == '~') {
			out[k++] = (char)ch;
		} else {
			static const char hex[] = "0123456789ABCDEF";
			out[k++] = '%';
			out[k++] = hex[ch >> 4];
			out[k++] = hex[ch & 15];
		}
	}
	out[k] = 0;
	return out;
}

/* The CPE version: the version without its update suffix ("9.2p1" with update "p1"). */
static void cpe_version(const char *v, const char *upd, char *out, size_t cap)
{
	size_t n = strlen(v);
	if (upd && *upd) {
		size_t u = strlen(upd);
		if (u < n && !strcmp(v + n - u, upd)) {
			n -= u;
			while (n > 1 && (v[n - 1] == '.' || v[n - 1] == '-' || v[n - 1] == '_'))
				n--;
		}
	}
	snprintf(out, cap, "%.*s", (int)n, v);
}

static void fill(struct rs *x, const struct wcomp *w, struct vt_component *c)
{
	struct vt_arena *a = x->a;
	const struct vti_cat_product *p = vti_catalog_product(x->cat, w->product);
	c->product = vt_arena_strdup(a, w->product);
	c->version = w->version ? vt_arena_strdup(a, w->version) : NULL;
	c->update = w->update ? vt_arena_strdup(a, w->update) : NULL;
	c->in_catalogue = p != NULL;
	c->name = vt_arena_strdup(a, p ? p->name : w->product);
	c->part = p ? vt_arena_strdup(a, p->part) : "a";
	c->container = w->container;
	c->occ = vt_arena_calloc(a, w->n_occ + 1, sizeof(*c->occ));
	if (c->occ) {
		memcpy(c->occ, w->occ, w->n_occ * sizeof(*c->occ));
		c->n_occ = w->n_occ;
	}
	unsigned kinds = 0;
	for (unsigned k = w->kinds; k; k &= k - 1)
		kinds++;
	c->confidence = VT_MIN(100u, w->best + (kinds > 1 ? 5 * (kinds - 1) : 0));
	if (p && p->n_cpe) {
		c->cpe_pairs = vt_arena_calloc(a, p->n_cpe + 1, sizeof(*c->cpe_pairs));
		for (size_t i = 0; c->cpe_pairs && i < p->n_cpe; i++)
			c->cpe_pairs[i] = vt_arena_strdup(a, p->cpe[i]);
		c->n_cpe_pairs = c->cpe_pairs ? p->n_cpe : 0;
		if (c->version) {
			char ver[256], escv[520], escu[160];
			cpe_version(c->version, c->update, ver, sizeof(ver));
			const char *pair = p->cpe[0], *colon = strchr(pair, ':');
			if (colon && vti_cpe_escape(ver, escv, sizeof(escv)) &&
			    (!c->update || vti_cpe_escape(c->update, escu, sizeof(escu))))
				c->cpe = vt_arena_printf(a, "cpe:2.3:%s:%.*s:%s:%s:%s:*:*:*:*:*:*",
							 c->part, (int)(colon - pair), pair, colon + 1,
							 escv, c->update ? escu : "*");
		}
	}
	if (p && p->purl) {
		const char *ev = c->version ? pct_encode(a, c->version) : NULL;
		c->purl = ev ? vt_arena_printf(a, "%s@%s", p->purl, ev) : vt_arena_strdup(a, p->purl);
	} else if (!p && w->pkg_rule) {
		const char *type = !strncmp(w->pkg_rule, "dpkg", 4)   ? "deb"
				   : !strncmp(w->pkg_rule, "opkg", 4) ? "opkg"
				   : !strncmp(w->pkg_rule, "apk", 3)  ? "apk"
								      : "generic";
		const char *ev = w->raw_pkg ? pct_encode(a, w->raw_pkg) : NULL;
		const char *en = pct_encode(a, w->product);
		if (en)
			c->purl = ev ? vt_arena_printf(a, "pkg:%s/%s@%s", type, en, ev)
				     : vt_arena_printf(a, "pkg:%s/%s", type, en);
	}
}

static int cmp_comp(const void *pa, const void *pb)
{
	const struct wcomp *a = *(const struct wcomp *const *)pa;
	const struct wcomp *b = *(const struct wcomp *const *)pb;
	int d = strcmp(a->product, b->product);
	if (d)
		return d;
	if (!a->version || !b->version) {
		if (a->version != b->version)
			return a->version ? 1 : -1;
	} else if ((d = strcmp(a->version, b->version))) {
		return d;
	}
	if (a->container != b->container) {
		if (!a->container || !b->container)
			return a->container ? 1 : -1;
		d = strcmp(a->container->path, b->container->path);
		if (d)
			return d;
		return a->container->id < b->container->id ? -1 : 1;
	}
	return 0;
}

/* object -> the components it is a file of (not contained copies), for depends */
struct objcomp {
	const struct vt_object *o;
	size_t comp;
};

static int cmp_objcomp(const void *pa, const void *pb)
{
	const struct objcomp *a = pa, *b = pb;
	if (a->o != b->o)
		return a->o->id < b->o->id ? -1 : 1;
	return a->comp < b->comp ? -1 : a->comp > b->comp;
}

static vt_err add_dep(struct vt_arena *a, struct vt_component *c, size_t d, size_t *cap)
{
	for (size_t i = 0; i < c->n_depends; i++)
		if (c->depends[i] == d)
			return VT_OK;
	if (c->n_depends == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		size_t *nd = vt_arena_calloc(a, nc, sizeof(*nd));
		if (!nd)
			return VT_ENOMEM;
		if (c->n_depends)
			memcpy(nd, c->depends, c->n_depends * sizeof(*nd));
		c->depends = nd;
		*cap = nc;
	}
	c->depends[c->n_depends++] = d;
	return VT_OK;
}

static int cmp_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return a < b ? -1 : a > b;
}

static vt_err depends(struct rs *x, struct vt_component *cs, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (!cs[i].container)
			total += cs[i].n_occ;
	struct objcomp *oc = calloc(total + 1, sizeof(*oc));
	if (!oc)
		return VT_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (cs[i].container)
			continue;
		for (size_t j = 0; j < cs[i].n_occ; j++) {
			const struct vt_object *o = cs[i].occ[j].object;
			const char *own = owner(o);
			if (o->elf && (!own || !strcmp(own, cs[i].product)))
				oc[k++] = (struct objcomp){o, i};
		}
	}
	qsort(oc, k, sizeof(*oc), cmp_objcomp);
	vt_err e = VT_OK;
	for (size_t i = 0; i < k && !e; i++) {
		if (i && oc[i].o == oc[i - 1].o && oc[i].comp == oc[i - 1].comp)
			continue;
		const struct vt_object *o = oc[i].o;
		struct vt_component *c = &cs[oc[i].comp];
		size_t cap = c->n_depends; /* arrays are exact-size once grown elsewhere */
		for (size_t j = 0; j < o->elf->n_needed && !e; j++) {
			struct vt_object *l = needed_lib(x, o, o->elf->needed[j]);
			if (!l || l == o)
				continue;
			/* binary search the library's components */
			size_t lo = 0, hi = k;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (oc[mid].o->id < l->id)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < k && oc[lo].o == l && !e; lo++)
				if (oc[lo].comp != oc[i].comp)
					e = add_dep(x->a, c, oc[lo].comp, &cap);
		}
	}
	free(oc);
	for (size_t i = 0; i < n; i++)
		if (cs[i].n_depends > 1)
			qsort(cs[i].depends, cs[i].n_depends, sizeof(size_t), cmp_size);
	return e;
}

vt_err vti_components_resolve(struct vt_review *r)
{
	struct rs x = {.r = r, .a = r->warenas[0], .cat = r->catalog};
	vt_err e = VT_OK;
	size_t nev = 0;
	for (size_t i = 0; i < r->n_objects; i++)
		nev += r->objects[i]->n_evidence;
	r->components = NULL;
	r->n_components = 0;
	if (!nev)
		return VT_OK;
	struct evref *ev = calloc(nev + 1, sizeof(*ev));
	struct wcomp **order = NULL;
	if (!ev)
		return VT_ENOMEM;
	if ((e = so_build(&x)))
		goto out;
	size_t k = 0;
	for (size_t i = 0; i < r->n_objects; i++)
		for (struct vt_evidence *v = r->objects[i]->evidence; v && k < nev; v = v->next)
			ev[k++] = (struct evref){r->objects[i], v, SIZE_MAX};
	nev = k;
	/* versioned evidence and package entries make components */
	for (size_t i = 0; i < nev && !e; i++) {
		const struct vt_evidence *v = ev[i].e;
		if (is_hint(v) || (!v->version && v->kind != VT_EV_PACKAGE))
			continue;
		const struct vt_object *container = NULL;
		if (v->kind != VT_EV_PACKAGE) {
			const char *own = owner(ev[i].o);
			if (own && strcmp(own, v->product)) {
				if (links_product(&x, ev[i].o, v->product))
					continue; /* a quoted header version of a linked library */
				container = ev[i].o;
			}
		}
		e = comp_get(&x, v->product, v->version, container, &ev[i].comp);
		if (!e)
			e = occ_add(&x.comps[ev[i].comp], ev[i].o, v);
	}
	/* hints support what the same file (or the product's only component) names */
	for (size_t i = 0; i < nev && !e; i++) {
		const struct vt_evidence *v = ev[i].e;
		if (!is_hint(v))
			continue;
		bool attached = false;
		for (const struct vt_evidence *o = ev[i].o->evidence; o && !e; o = o->next) {
			if (o == v || !o->version || strcmp(o->product, v->product))
				continue;
			for (size_t j = 0; j < x.n && !e; j++) {
				struct wcomp *w = &x.comps[j];
				if (!strcmp(w->product, v->product) && eq(w->version, o->version)) {
					bool here = false;
					for (size_t q = 0; q < w->n_occ && !here; q++)
						here = w->occ[q].evidence == o;
					if (here) {
						e = occ_add(w, ev[i].o, v);
						attached = true;
					}
				}
			}
		}
		if (attached || e)
			continue;
		if (v->kind == VT_EV_SYMBOL) {
			const char *own = owner(ev[i].o);
			if (own && strcmp(own, v->product))
				continue;
		}
		size_t only = SIZE_MAX, count = 0;
		for (size_t j = 0; j < x.n; j++) {
			if (!strcmp(x.comps[j].product, v->product) && !x.comps[j].container) {
				only = j;
				count++;
			}
		}
		if (count == 1)
			e = occ_add(&x.comps[only], ev[i].o, v);
	}
	if (e)
		goto out;
	/* A version read from a file name only ("libz.so.1.2", a symbolic link's name kept as
	 * a file) that is a shorter form of a version other evidence gives ("1.2.13") is that
	 * version: its evidence joins it. */
	for (size_t i = 0; i < x.n && !e; i++) {
		struct wcomp *w = &x.comps[i];
		if (w->kinds != 1u << VT_EV_FILENAME || !w->version || w->container)
			continue;
		size_t vl = strlen(w->version);
		for (size_t j = 0; j < x.n; j++) {
			struct wcomp *t = &x.comps[j];
			if (j == i || t->dead || t->container || !t->version ||
			    t->kinds == 1u << VT_EV_FILENAME || strcmp(t->product, w->product) ||
			    strncmp(t->version, w->version, vl) || t->version[vl] != '.')
				continue;
			for (size_t q = 0; q < w->n_occ && !e; q++)
				e = occ_add(t, w->occ[q].object, w->occ[q].evidence);
			w->dead = true;
			break;
		}
	}
	if (e)
		goto out;
	order = calloc(x.n + 1, sizeof(*order));
	struct vt_component *cs = vt_arena_calloc(x.a, x.n + 1, sizeof(*cs));
	if (!order || !cs) {
		e = VT_ENOMEM;
		goto out;
	}
	size_t live = 0;
	for (size_t i = 0; i < x.n; i++)
		if (!x.comps[i].dead)
			order[live++] = &x.comps[i];
	qsort(order, live, sizeof(*order), cmp_comp);
	for (size_t i = 0; i < live; i++) {
		order[i]->final = i;
		cs[i].index = i;
		fill(&x, order[i], &cs[i]);
		if (!cs[i].product || !cs[i].name) {
			e = VT_ENOMEM;
			goto out;
		}
	}
	e = depends(&x, cs, live);
	if (e)
		goto out;
	r->components = cs;
	r->n_components = live;
out:
	for (size_t i = 0; i < x.n; i++)
		free(x.comps[i].occ);
	free(x.comps);
	free(x.tab);
	free(x.so);
	free(order);
	free(ev);
	return e;
}
