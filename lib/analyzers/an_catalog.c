/* an_catalog.c - the catalogue analyzer: finds the version strings of catalogue products in
 * every regular file (ELF, data, text alike) and attaches them to the file as evidence,
 * with the file-name and SONAME hints of the catalogue.
 *
 * One Hyperscan pass per object finds candidates for every rule; PCRE2 confirms them
 * (lib/catalog/catalog.c). Kernels and boot firmware (products of part "o", and the boot
 * loaders and firmware listed below) give VT_EV_BANNER evidence, everything else
 * VT_EV_STRING; a rule on the file name gives VT_EV_FILENAME with its version. Hints
 * (`files`, `sonames`, `symbols`) give versionless VT_EV_FILENAME / VT_EV_SONAME /
 * VT_EV_SYMBOL evidence, which only supports what other evidence names
 * (lib/catalog/resolve.c). A symbol hint is an exported (defined, global or weak, visible)
 * symbol of the ELF's dynamic table or .symtab: the product's API is in that file, which
 * tells a library (or a static copy of one) from a program that only quotes its name.
 *
 * What is scanned: every regular file, whatever its size (the matcher walks files larger
 * than 1 GiB in windows), except, when the review unpacks, a file that is one compressed
 * stream (gzip, xz, bzip2, zstd, lz4, lzip magic at offset 0: no readable strings) or a
 * cpio, tar or ar archive (its members' bytes stored as they are): their content is
 * scanned once unpacked, and scanning the container too would read every byte twice. Documentation is not scanned either: manual pages, info files and
 * /usr/share/doc (and whatever is unpacked from them) describe a product's history
 * ("fixed in dnsmasq-2.39"), they do not ship code, and their version numbers are the
 * main source of false components in distribution packages. The bytes are hostile: the
 * matcher bounds its work per object.
 */
#include "core/internal.h"

#include "analyzers/analyzer.h"
#include "catalog/catalog.h"
#include "review/review_int.h"

struct cat_state {
	struct vt_review *r;
	struct vti_catalog *c;
};

static vt_err cat_init(struct vt_review *r, void **state)
{
	struct cat_state *st = calloc(1, sizeof(*st));
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

static void cat_fini(void *state)
{
	struct cat_state *st = state;
	vti_catalog_put(st->r, st->c);
	free(st);
}

static vt_err cat_worker_init(void *state, void **wstate)
{
	const struct cat_state *st = state;
	return vti_catalog_scratch_new(st->c, (struct vti_cat_scratch **)wstate);
}

static void cat_worker_fini(void *wstate)
{
	vti_catalog_scratch_free(wstate);
}

/* Is o, or the file it was unpacked from, documentation? */
static bool documentation(const struct vt_object *o)
{
	static const char *const dirs[] = {"/usr/share/doc/", "/usr/share/man/", "/usr/share/info/",
					   "/usr/share/gtk-doc/", "/usr/share/help/",
					   "/usr/local/share/doc/", "/usr/local/share/man/",
					   "/usr/man/", "/usr/doc/"};
	for (const struct vt_object *p = o; p; p = p->up) {
		if (!p->fspath || p->kind == VT_OBJ_CHUNK)
			continue;
		for (size_t i = 0; i < VT_ARRAY_LEN(dirs); i++)
			if (!strncmp(p->fspath, dirs[i], strlen(dirs[i])))
				return true;
	}
	return false;
}

static bool cat_wants(const struct vt_object *o, struct vt_span s)
{
	(void)s;
	return o->kind == VT_OBJ_FILE && !documentation(o);
}

/* A compressed stream, or an archive that stores its members' bytes as they are: when the
 * review unpacks, the members are scanned on their own, so scanning the container would
 * only read every byte twice (the d-i initrd's cpio archive is most of its bytes). */
static bool container_only(struct vt_span s)
{
	static const struct {
		const char *m;
		size_t n, at;
	} magics[] = {
		{"\x1f\x8b\x08", 3, 0},		  /* gzip, deflate */
		{"\xfd" "7zXZ\x00", 6, 0},	  /* xz */
		{"BZh", 3, 0},			  /* bzip2 (then a block size digit) */
		{"\x28\xb5\x2f\xfd", 4, 0},	  /* zstd */
		{"\x04\x22\x4d\x18", 4, 0},	  /* lz4 frame */
		{"LZIP", 4, 0},			  /* lzip */
		{"070701", 6, 0},		  /* cpio newc */
		{"070702", 6, 0},		  /* cpio crc */
		{"070707", 6, 0},		  /* cpio odc */
		{"ustar", 5, 257},		  /* tar (POSIX and GNU) */
		{"!<arch>\n", 8, 0},		  /* ar, .deb */
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(magics); i++) {
		if (!vt_span_eq(s, magics[i].at, magics[i].m, magics[i].n))
			continue;
		if (i == 2) { /* "BZh1".."BZh9" then the block magic */
			uint8_t d;
			if (vt_span_u8(s, 3, &d) || d < '1' || d > '9' ||
			    !vt_span_eq(s, 4, "\x31\x41\x59\x26\x53\x59", 6))
				continue;
		}
		return true;
	}
	return false;
}

/* Products whose version strings are boot banners (kernels, boot loaders, firmware). */
static bool banner_product(const struct vti_cat_product *p)
{
	static const char *const keys[] = {"linux_kernel", "u_boot", "edk2", "seabios", "ipxe",
					   "opensbi", "trusted_firmware_a", "coreboot", "grub2",
					   "grub", "barebox", "redboot", "cfe", "optee_os"};
	if (p->part && p->part[0] == 'o')
		return true;
	for (size_t i = 0; i < VT_ARRAY_LEN(keys); i++)
		if (!strcmp(p->key, keys[i]))
			return true;
	return false;
}

struct mctx {
	struct vti_actx *c;
	struct vt_object *o;
};

static void on_match(void *ud, const struct vti_cat_match *m)
{
	struct mctx *x = ud;
	const struct vti_cat_rule *r = m->rule;
	char raw[160], ver[160], upd[64], exc[260];
	snprintf(raw, sizeof(raw), "%.*s", (int)VT_MIN(m->version_len, sizeof(raw) - 1),
		 m->version);
	if (!vti_upstream_version(VTI_VER_STRING, m->version, m->version_len, ver, sizeof(ver)))
		return;
	/* an excerpt around the match: at most 64 bytes before it, 200 in all */
	size_t es = 0, el = m->excerpt_len;
	if (r->where != VTI_WHERE_NAME && m->offset >= m->string_off && !r->raw) {
		uint64_t rel = m->offset - m->string_off;
		if (rel > 64)
			es = (size_t)rel - 64;
	}
	if (es > el)
		es = el;
	el = VT_MIN(el - es, (size_t)200);
	memcpy(exc, m->excerpt + es, el);
	exc[el] = 0;
	/* NULs of raw rules would cut the excerpt: show them as spaces */
	for (size_t i = 0; i < el; i++)
		if (!exc[i])
			exc[i] = ' ';
	if (m->update)
		snprintf(upd, sizeof(upd), "%.*s", (int)VT_MIN(m->update_len, sizeof(upd) - 1),
			 m->update);
	struct vt_evidence ev = {
		.kind = r->where == VTI_WHERE_NAME ? VT_EV_FILENAME
			: banner_product(r->product) ? VT_EV_BANNER
						     : VT_EV_STRING,
		.product = r->product->key,
		.version = ver,
		.raw_version = raw,
		.update = m->update ? upd : NULL,
		.excerpt = exc,
		.rule = r->id,
		.has_offset = r->where != VTI_WHERE_NAME,
		.offset = m->offset,
		.confidence = r->where == VTI_WHERE_NAME ? VT_MIN(r->confidence, 50u) : r->confidence,
	};
	vti_evidence(x->c, x->o, &ev);
}

static void on_hint(void *ud, const struct vti_cat_product *p, bool by_soname)
{
	struct mctx *x = ud;
	struct vt_evidence ev = {
		.kind = by_soname ? VT_EV_SONAME : VT_EV_FILENAME,
		.product = p->key,
		.excerpt = by_soname ? x->o->elf->soname : vti_basename(x->o),
		.rule = by_soname ? "sonames" : "files",
		.confidence = by_soname ? 30 : 20,
	};
	vti_evidence(x->c, x->o, &ev);
}

#define MAX_SYM_PRODUCTS 32 /* products named by symbols in one object */

struct symctx {
	struct vti_actx *c;
	struct vt_object *o;
	const struct vti_catalog *cat;
	const struct vti_cat_product *seen[MAX_SYM_PRODUCTS];
	size_t n_seen;
	const char *name; /* the symbol looked up, name_len bytes */
	size_t name_len;
};

static void on_symbol_product(void *ud, const struct vti_cat_product *p)
{
	struct symctx *x = ud;
	for (size_t i = 0; i < x->n_seen; i++)
		if (x->seen[i] == p)
			return;
	if (x->n_seen == MAX_SYM_PRODUCTS)
		return;
	x->seen[x->n_seen++] = p;
	char name[128];
	snprintf(name, sizeof(name), "%.*s", (int)VT_MIN(x->name_len, sizeof(name) - 1), x->name);
	struct vt_evidence ev = {
		.kind = VT_EV_SYMBOL,
		.product = p->key,
		.excerpt = name,
		.rule = "symbols",
		.confidence = 25,
	};
	vti_evidence(x->c, x->o, &ev);
}

static bool on_symbol(void *ud, const struct vt_elf_sym *sym)
{
	struct symctx *x = ud;
	if (!vt_elf_sym_exported(sym))
		return true;
	x->name = sym->name;
	x->name_len = sym->len;
	vti_catalog_symbol(x->cat, sym->name, sym->len, on_symbol_product, x);
	return x->n_seen < MAX_SYM_PRODUCTS;
}

static void cat_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	const struct cat_state *st = c->state;
	struct vti_cat_scratch *sc = c->wstate;
	if (!st || !sc)
		return;
	const struct vti_catalog *cat = st->c;
	struct mctx x = {c, o};
	const char *base = vti_basename(o);
	struct vt_span data = s;
	if (c->r->opts.extract && container_only(s))
		data = vt_span_make(NULL, 0);
	bool text = data.len && !memchr(data.p, 0, VT_MIN(data.len, (size_t)65536));
	vt_err e = vti_catalog_match(cat, sc, data, o->elf != NULL, text, base, on_match, &x);
	if (e)
		vti_diag(o, c->a, VT_SEV_WARNING, e, "catalogue match failed on '%s': %s", o->path,
			 vt_strerror(e));
	/* hints name programs and libraries: ELF files and executables, not configuration
	 * files that share a product's name (/etc/default/dropbear) */
	if (o->elf || (o->mode & 0111))
		vti_catalog_hints(cat, base, o->elf ? o->elf->soname : NULL, on_hint, &x);
	/* kernels and their modules hold no user-space library's API (their .symtab is the
	 * largest there is) */
	if (o->elf && cat->n_syms && !o->elf->hard.kernel) {
		struct symctx sx = {.c = c, .o = o, .cat = cat};
		vt_elf_symbols(s, o->elf, on_symbol, &sx);
	}
}

const struct vti_analyzer vti_an_catalog = {
	.name = "catalog",
	.version = 2,
	.description = "component version strings, file names, SONAMEs and symbols of the catalogue",
	.init = cat_init,
	.fini = cat_fini,
	.worker_init = cat_worker_init,
	.worker_fini = cat_worker_fini,
	.wants = cat_wants,
	.object = cat_object,
};
