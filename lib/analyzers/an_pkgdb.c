/* an_pkgdb.c - package databases as component evidence: dpkg (/var/lib/dpkg/status and
 * status.d/), opkg and ipkg (/usr/lib/opkg/status, /var/lib/opkg/status, info/NAME.control),
 * apk (/lib/apk/db/installed), found by their path inside each unpacked filesystem.
 *
 * Each installed package becomes VT_EV_PACKAGE evidence on the database file: the product
 * is the catalogue product whose `packages` list names the package (or its source
 * package), else the package name itself (resolution then makes a component outside the
 * catalogue). The version is the upstream version; the package's own version stays in
 * raw_version. The database bytes are hostile; lib/catalog/pkgdb.c parses them bounded.
 */
#include "core/internal.h"

#include "analyzers/analyzer.h"
#include "catalog/catalog.h"
#include "catalog/pkgdb.h"
#include "review/review_int.h"

struct pkg_state {
	struct vt_review *r;
	struct vti_catalog *c;
};

static vt_err pkg_init(struct vt_review *r, void **state)
{
	struct pkg_state *st = calloc(1, sizeof(*st));
	if (!st)
		return VT_ENOMEM;
	vt_err e = vti_catalog_get(r, &st->c);
	if (e) {
		free(st);
		return e;
	}
	st->r = r;
	*state = st;
	return VT_OK;
}

static void pkg_fini(void *state)
{
	struct pkg_state *st = state;
	vti_catalog_put(st->r, st->c);
	free(st);
}

struct dbkind {
	enum vti_pkgdb_kind kind;
	const char *rule;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Which database o is, by its path inside its filesystem; false if none. */
static bool classify(const struct vt_object *o, struct dbkind *k)
{
	const char *p = o->fspath;
	if (!p || o->kind != VT_OBJ_FILE)
		return false;
	if (!strcmp(p, "/var/lib/dpkg/status")) {
		*k = (struct dbkind){VTI_PKGDB_DPKG, "dpkg status"};
		return true;
	}
	if (starts_with(p, "/var/lib/dpkg/status.d/") && !strchr(p + 23, '/') &&
	    !ends_with(p, ".md5sums") && p[23]) {
		*k = (struct dbkind){VTI_PKGDB_DPKG, "dpkg status.d"};
		return true;
	}
	static const char *const opkg_dirs[] = {"/usr/lib/opkg/", "/var/lib/opkg/",
						"/usr/lib/ipkg/", "/var/lib/ipkg/"};
	for (size_t i = 0; i < VT_ARRAY_LEN(opkg_dirs); i++) {
		if (!starts_with(p, opkg_dirs[i]))
			continue;
		const char *rest = p + strlen(opkg_dirs[i]);
		if (!strcmp(rest, "status")) {
			*k = (struct dbkind){VTI_PKGDB_OPKG, "opkg status"};
			return true;
		}
		if (starts_with(rest, "info/") && !strchr(rest + 5, '/') &&
		    ends_with(rest, ".control") && strlen(rest) > 13) {
			*k = (struct dbkind){VTI_PKGDB_OPKG, "opkg control"};
			return true;
		}
	}
	if (!strcmp(p, "/lib/apk/db/installed")) {
		*k = (struct dbkind){VTI_PKGDB_APK, "apk installed"};
		return true;
	}
	return false;
}

static bool pkg_wants(const struct vt_object *o, struct vt_span s)
{
	(void)s;
	struct dbkind k;
	return classify(o, &k);
}

struct pctx {
	struct vti_actx *c;
	struct vt_object *o;
	const struct vti_catalog *cat;
	struct dbkind k;
	size_t n;
};

static void on_pkg(void *ud, const struct vti_pkg *p)
{
	struct pctx *x = ud;
	if (!p->installed)
		return;
	char name[VTI_PKGDB_MAX_VALUE + 1], src[VTI_PKGDB_MAX_VALUE + 1];
	char raw[VTI_PKGDB_MAX_VALUE + 1], ver[VTI_PKGDB_MAX_VALUE + 1];
	char exc[3 * VTI_PKGDB_MAX_VALUE + 32];
	snprintf(name, sizeof(name), "%.*s", (int)p->name_len, p->name);
	snprintf(src, sizeof(src), "%.*s", (int)p->source_len, p->source ? p->source : "");
	snprintf(raw, sizeof(raw), "%.*s", (int)p->version_len, p->version ? p->version : "");
	enum vti_ver_kind vk = x->k.kind == VTI_PKGDB_APK ? VTI_VER_APK
			       : x->k.kind == VTI_PKGDB_OPKG ? VTI_VER_OPKG
							      : VTI_VER_DEB;
	bool has_ver = p->version && vti_upstream_version(vk, raw, strlen(raw), ver, sizeof(ver));
	const struct vti_cat_product *prod = vti_catalog_package(x->cat, name);
	if (!prod && *src)
		prod = vti_catalog_package(x->cat, src);
	size_t nl = strlen(name);
	if (!prod && nl > 5 && !strcmp(name + nl - 5, "-udeb")) {
		/* the installer's micro-package of a package: "libcrypto3-udeb" */
		char base[VTI_PKGDB_MAX_VALUE + 1];
		snprintf(base, sizeof(base), "%.*s", (int)(nl - 5), name);
		prod = vti_catalog_package(x->cat, base);
	}
	snprintf(exc, sizeof(exc), "%s %s%s%s%s", name, *raw ? raw : "(no version)",
		 *src ? " (source " : "", src, *src ? ")" : "");
	struct vt_evidence ev = {
		.kind = VT_EV_PACKAGE,
		.product = prod ? prod->key : name,
		.version = has_ver ? ver : NULL,
		.raw_version = *raw ? raw : NULL,
		.excerpt = exc,
		.rule = x->k.rule,
		.has_offset = true,
		.offset = p->offset,
		.confidence = 90,
	};
	if (vti_evidence(x->c, x->o, &ev))
		x->n++;
}

static void pkg_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	const struct pkg_state *st = c->state;
	struct pctx x = {c, o, st ? st->c : NULL, {0, NULL}, 0};
	if (!classify(o, &x.k))
		return;
	size_t count = 0;
	vt_err e = vti_pkgdb_parse(x.k.kind, s, on_pkg, &x, &count);
	if (e && s.len)
		vti_diag(o, c->a, VT_SEV_WARNING, e, "'%s' is not a readable %s database", o->path,
			 x.k.rule);
}

const struct vti_analyzer vti_an_pkgdb = {
	.name = "pkgdb",
	.version = 1,
	.description = "installed packages of dpkg, opkg and apk databases",
	.init = pkg_init,
	.fini = pkg_fini,
	.wants = pkg_wants,
	.object = pkg_object,
};
