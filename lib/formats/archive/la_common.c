/* la_common.c - libarchive over a chunk span, entries to vt_x_* children.
 *
 * The chunk is read from memory by libarchive with one format reader and no filter.
 * Each entry becomes a directory, file (streamed block by block; sparse holes become
 * zeros), symbolic link, hard link or special file with its mode, owner and mtime;
 * names and link targets go to the engine as stored. libarchive runs under a C.UTF-8
 * thread locale, so names it converts (pax, Joliet, zip UTF-8) come out as UTF-8 and
 * names it does not (ustar, cpio) as the stored bytes. Everything is bounded: entries,
 * failed headers, empty data blocks, and output by the engine's budget. An error of
 * libarchive mid-archive keeps what was emitted and ends the chunk.
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"
#include <locale.h>

#define MAX_ENTRIES (1u << 22)  /* entries read from one chunk */
#define MAX_FAILED 64           /* entries libarchive could not read, before giving up */
#define MAX_EMPTY_BLOCKS 1024   /* data blocks in a row that bring nothing */
#define MAX_DEFERRED 4096       /* multiply-linked empty files waiting for their data */
#define NAME_SHOWN 200          /* bytes of a member name shown in a message */

/* A cpio hard-link group whose data has not come yet: its members so far. */
struct waiter {
	const char *name;
	struct waiter *next;
};

struct group {
	const char *key; /* the first member's name: later links name it */
	struct vt_xmeta meta;
	struct waiter *first, **tail;
	struct group *next;
};

struct run {
	struct vt_xctx *x;
	struct archive *a;
	const struct vti_la_spec *spec;
	struct vt_arena *arena;
	struct group *groups;
	size_t n_groups;
	size_t emitted; /* members read and handed to the engine */
	bool defer_full_reported;
	vt_err code; /* what a libarchive failure is reported as */
	char err[256];
};

static const uint8_t zeros[65536];

/* libarchive's message for the last error, first letter lowercased, never NULL. */
static const char *la_error(struct run *r)
{
	const char *s = archive_error_string(r->a);
	snprintf(r->err, sizeof(r->err), "%s", s && *s ? s : "unknown libarchive error");
	if (r->err[0] >= 'A' && r->err[0] <= 'Z' && !(r->err[1] >= 'A' && r->err[1] <= 'Z'))
		r->err[0] = (char)(r->err[0] - 'A' + 'a');
	return r->err;
}

static bool fatal(vt_err e)
{
	return e == VT_ELIMIT || e == VT_ENOMEM || e == VT_EIO;
}

static struct vt_xmeta entry_meta(struct archive_entry *e)
{
	struct vt_xmeta m = {0};
	int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
	m.mode = (uint32_t)archive_entry_perm(e) & 07777;
	m.uid = uid < 0 || uid > UINT32_MAX ? UINT32_MAX : (uint32_t)uid;
	m.gid = gid < 0 || gid > UINT32_MAX ? UINT32_MAX : (uint32_t)gid;
	m.mtime = (int64_t)archive_entry_mtime(e);
	return m;
}

/* True for a name made of "." and "/" only: the archive's own root directory. */
static bool is_root(const char *path)
{
	return path[strspn(path, "./")] == '\0' && !strstr(path, "..");
}

static const char *entry_path(struct archive_entry *e)
{
	const char *p = archive_entry_pathname(e);
	return p ? p : archive_entry_pathname_utf8(e);
}

/* Writes n zero bytes (a sparse hole of member `path`) to f. */
static vt_err write_zeros(struct run *r, struct vt_xfile *f, const char *path, uint64_t n)
{
	if (n > vt_x_budget(r->x)) { /* would fail anyway: do not write gigabytes first */
		vt_x_diag(r->x, VT_SEV_WARNING, VT_ELIMIT, "hole of %" PRIu64 " bytes in sparse "
			  "member '%.*s' of %s exceeds what extraction may still write", n,
			  NAME_SHOWN, path, r->spec->what);
		return VT_ELIMIT;
	}
	while (n) {
		size_t k = (size_t)VT_MIN(n, (uint64_t)sizeof(zeros));
		vt_err e = vt_x_file_write(f, zeros, k);
		if (e)
			return e;
		n -= k;
	}
	return VT_OK;
}

/* Streams the current entry's data into f. *complete tells whether all of it came. */
static vt_err copy_data(struct run *r, struct archive_entry *e, const char *path,
			struct vt_xfile *f, bool *complete)
{
	uint64_t pos = 0;
	unsigned empty = 0;
	bool warned = false;
	*complete = false;
	for (;;) {
		const void *buf;
		size_t size;
		la_int64_t off;
		int rc = archive_read_data_block(r->a, &buf, &size, &off);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) { /* RETRY, FAILED, FATAL */
			vt_x_diag(r->x, VT_SEV_WARNING, r->code,
				  "cannot read data of member '%.*s' of %s: %s", NAME_SHOWN, path,
				  r->spec->what, la_error(r));
			return rc == ARCHIVE_FATAL ? r->code : VT_OK;
		}
		if (rc == ARCHIVE_WARN && !warned) {
			warned = true;
			vt_x_diag(r->x, VT_SEV_WARNING, r->code, "member '%.*s' of %s: %s",
				  NAME_SHOWN, path, r->spec->what, la_error(r));
		}
		if (off < 0 || (uint64_t)off < pos) {
			vt_x_diag(r->x, VT_SEV_WARNING, VT_EFORMAT, "data of member '%.*s' of %s "
				  "goes backwards", NAME_SHOWN, path, r->spec->what);
			return VT_OK;
		}
		if (size == 0 && (uint64_t)off == pos && ++empty > MAX_EMPTY_BLOCKS) {
			vt_x_diag(r->x, VT_SEV_WARNING, VT_EFORMAT, "data of member '%.*s' of %s "
				  "does not progress", NAME_SHOWN, path, r->spec->what);
			return VT_OK;
		}
		vt_err ve = write_zeros(r, f, path, (uint64_t)off - pos);
		if (!ve && size)
			ve = vt_x_file_write(f, buf, size);
		if (ve)
			return ve;
		pos = (uint64_t)off + size;
		if (size)
			empty = 0;
	}
	/* a sparse file ending in a hole */
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
	    (uint64_t)archive_entry_size(e) > pos) {
		vt_err ve = write_zeros(r, f, path, (uint64_t)archive_entry_size(e) - pos);
		if (ve)
			return ve;
	}
	*complete = true;
	return VT_OK;
}

static vt_err emit_file(struct run *r, struct archive_entry *e, const char *path,
			const struct vt_xmeta *m)
{
	struct vt_xfile *f;
	bool complete = false;
	vt_err ve = vt_x_file_open(r->x, path, m, &f);
	if (ve)
		return ve;
	ve = copy_data(r, e, path, f, &complete);
	vt_err ce = vt_x_file_close(f, complete);
	return ve ? ve : ce;
}

static struct group *find_group(struct run *r, const char *key, struct group ***link)
{
	struct group **pp = &r->groups;
	for (; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->key, key)) {
			*link = pp;
			return *pp;
		}
	return NULL;
}

static bool add_waiter(struct run *r, struct group *g, const char *name)
{
	struct waiter *w = vt_arena_alloc(r->arena, sizeof(*w));
	if (!w || !(w->name = vt_arena_strdup(r->arena, name)))
		return false;
	*g->tail = w;
	g->tail = &w->next;
	return true;
}

/* Starts a group for an empty multiply-linked file; false when it cannot wait. */
static bool defer(struct run *r, const char *path, const struct vt_xmeta *m)
{
	if (r->n_groups >= MAX_DEFERRED) {
		if (!r->defer_full_reported)
			vt_x_diag(r->x, VT_SEV_INFO, VT_ELIMIT, "more than %d hard-link groups "
				  "open in %s: later ones extracted as separate files",
				  MAX_DEFERRED, r->spec->what);
		r->defer_full_reported = true;
		return false;
	}
	struct group *g = vt_arena_alloc(r->arena, sizeof(*g));
	if (!g || !(g->key = vt_arena_strdup(r->arena, path)))
		return false;
	g->meta = *m;
	g->tail = &g->first;
	if (!add_waiter(r, g, path))
		return false;
	g->next = r->groups;
	r->groups = g;
	r->n_groups++;
	return true;
}

/* Emits the waiting members of g as hard links to `to` (already emitted), or, with `to`
 * NULL, the first as an empty file and the rest as links to it; then drops g. */
static vt_err release(struct run *r, struct group **link, const char *to)
{
	struct group *g = *link;
	*link = g->next;
	r->n_groups--;
	vt_err ve = VT_OK;
	for (struct waiter *w = g->first; w && !ve; w = w->next) {
		if (!to) {
			to = w->name;
			ve = vt_x_file(r->x, w->name, &g->meta, vt_span_make(NULL, 0));
		} else {
			ve = vt_x_hardlink(r->x, w->name, to);
		}
	}
	return ve;
}

static vt_err flush_groups(struct run *r)
{
	vt_err ve = VT_OK;
	while (r->groups && !fatal(ve)) {
		vt_err e = release(r, &r->groups, NULL);
		ve = ve ? ve : e;
	}
	return ve;
}

static vt_err emit_hardlink(struct run *r, struct archive_entry *e, const char *path,
			    const char *target, const struct vt_xmeta *m)
{
	bool has_data = archive_entry_size_is_set(e) && archive_entry_size(e) > 0;
	struct group **link;
	struct group *g = r->spec->defer_links ? find_group(r, target, &link) : NULL;
	if (!g)
		return vt_x_hardlink(r->x, path, target); /* duplicate data, if any, skipped */
	if (!has_data)
		return add_waiter(r, g, path) ? VT_OK : VT_ENOMEM;
	vt_err ve = emit_file(r, e, path, m);
	if (fatal(ve))
		return ve;
	vt_err le = release(r, link, path);
	return ve ? ve : le;
}

static vt_err emit_special(struct run *r, struct archive_entry *e, const char *path,
			   const struct vt_xmeta *m)
{
	enum vt_obj_kind kind;
	switch (archive_entry_filetype(e)) {
	case AE_IFCHR: kind = VT_OBJ_CHARDEV; break;
	case AE_IFBLK: kind = VT_OBJ_BLOCKDEV; break;
	case AE_IFIFO: kind = VT_OBJ_FIFO; break;
	default: kind = VT_OBJ_SOCKET; break;
	}
	return vt_x_special(r->x, path, kind, (uint32_t)archive_entry_rdevmajor(e),
			    (uint32_t)archive_entry_rdevminor(e), m);
}

static vt_err emit_entry(struct run *r, struct archive_entry *e, size_t index)
{
	const char *path = entry_path(e);
	if (!path) {
		vt_x_diag(r->x, VT_SEV_WARNING, VT_EFORMAT, "member %zu of %s has no usable name: "
			  "skipped", index, r->spec->what);
		return VT_OK;
	}
	if (r->spec->skip && r->spec->skip(path))
		return VT_OK;
	struct vt_xmeta m = entry_meta(e);
	const char *hl = archive_entry_hardlink(e);
	if (!hl)
		hl = archive_entry_hardlink_utf8(e);
	if (hl)
		return emit_hardlink(r, e, path, hl, &m);
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		if (is_root(path))
			return VT_OK; /* "./" of tar, the root of an ISO image: the chunk itself */
		return vt_x_dir(r->x, path, &m);
	case AE_IFLNK: {
		const char *t = archive_entry_symlink(e);
		if (!t)
			t = archive_entry_symlink_utf8(e);
		if (!t) {
			vt_x_diag(r->x, VT_SEV_WARNING, VT_EFORMAT,
				  "symbolic link '%.*s' of %s has no usable target: skipped",
				  NAME_SHOWN, path, r->spec->what);
			return VT_OK;
		}
		return vt_x_symlink(r->x, path, t, &m);
	}
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
	case AE_IFSOCK:
		return emit_special(r, e, path, &m);
	default: /* AE_IFREG, or no type stored */
		break;
	}
	bool has_data = archive_entry_size_is_set(e) && archive_entry_size(e) > 0;
	if (r->spec->defer_links && !has_data && archive_entry_nlink(e) > 1 &&
	    defer(r, path, &m))
		return VT_OK;
	return emit_file(r, e, path, &m);
}

/* Reads the entries; returns the first error that ends the chunk. */
static vt_err read_entries(struct run *r)
{
	unsigned failed = 0;
	for (size_t i = 0;; i++) {
		struct archive_entry *e;
		if (i >= MAX_ENTRIES) {
			vt_x_diag(r->x, VT_SEV_WARNING, VT_ELIMIT,
				  "more than %u members in %s: the rest were not extracted",
				  MAX_ENTRIES, r->spec->what);
			return VT_ELIMIT;
		}
		int rc = archive_read_next_header(r->a, &e);
		if (rc == ARCHIVE_EOF)
			return VT_OK;
		if (rc == ARCHIVE_WARN)
			vt_x_diag(r->x, VT_SEV_WARNING, VT_EFORMAT, "member %zu of %s: %s", i,
				  r->spec->what, la_error(r));
		if (rc == ARCHIVE_RETRY || rc == ARCHIVE_FAILED) {
			vt_x_diag(r->x, VT_SEV_WARNING, r->code, "cannot read member %zu of %s: %s",
				  i, r->spec->what, la_error(r));
			if (++failed > MAX_FAILED)
				return r->code;
			continue;
		}
		if (rc < ARCHIVE_WARN) {
			vt_x_diag(r->x, VT_SEV_WARNING, r->code, "cannot read member %zu of %s: %s",
				  i, r->spec->what, la_error(r));
			return r->code;
		}
		vt_err ve = emit_entry(r, e, i);
		if (ve)
			return ve;
		r->emitted++;
	}
}

vt_err vti_la_extract(struct vt_xctx *x, struct vt_span chunk, const struct vti_la_spec *spec,
		      size_t *members)
{
	struct run r = {.x = x, .spec = spec, .arena = vt_x_arena(x), .code = VT_EFORMAT};
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
	vt_err ve = VT_OK;

	r.a = archive_read_new();
	if (!r.a) {
		ve = VT_ENOMEM;
		goto out;
	}
	if (spec->setup(r.a) != ARCHIVE_OK ||
	    archive_read_support_filter_none(r.a) != ARCHIVE_OK) {
		vt_x_diag(x, VT_SEV_ERROR, VT_EINTERNAL, "cannot set up libarchive for %s: %s",
			  spec->what, la_error(&r));
		ve = VT_EINTERNAL;
		goto out;
	}
	if (archive_read_open_memory(r.a, chunk.p, chunk.len) != ARCHIVE_OK) {
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "libarchive cannot open %s: %s",
			  spec->what, la_error(&r));
		ve = VT_EFORMAT;
		goto out;
	}
	ve = read_entries(&r);
	if (!fatal(ve)) {
		vt_err fe = flush_groups(&r);
		ve = ve ? ve : fe;
	}
out:
	if (r.a)
		archive_read_free(r.a);
	if (utf8) {
		uselocale(old);
		freelocale(utf8);
	}
	if (members)
		*members = r.emitted;
	return ve;
}

static int digit(uint8_t c, unsigned base)
{
	int d = c >= '0' && c <= '9' ? c - '0'
		: c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
	return d < (int)base ? d : -1;
}

bool vti_la_num(struct vt_span s, size_t off, size_t len, unsigned base,
		enum vti_la_numstyle style, uint64_t *v)
{
	uint8_t f[32];
	if (len > sizeof(f) || vt_span_copy(s, off, f, len))
		return false;
	size_t i = 0, digits = 0;
	uint64_t n = 0;
	if (style == VTI_LA_PADDED)
		while (i < len && f[i] == ' ')
			i++;
	for (; i < len; i++, digits++) {
		int d = digit(f[i], base);
		if (d < 0)
			break;
		if (n > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		n = n * base + (uint64_t)d;
	}
	if (!digits || (style == VTI_LA_EXACT && i < len))
		return false;
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*v = n;
	return true;
}

bool vti_la_zero(struct vt_span s, size_t off, size_t n)
{
	return n <= sizeof(zeros) && vt_span_eq(s, off, zeros, n);
}

bool vti_la_find(struct vt_span s, size_t from, const void *needle, size_t n, size_t *at)
{
	struct vt_span t;
	if (!n || vt_span_tail(s, from, &t))
		return false;
	const uint8_t *p = memmem(t.p, t.len, needle, n); /* bounded by the span */
	if (!p)
		return false;
	*at = from + (size_t)(p - t.p);
	return true;
}

bool vti_la_align(uint64_t v, uint64_t align, uint64_t *out)
{
	if (v > UINT64_MAX - (align - 1))
		return false;
	*out = (v + align - 1) & ~(align - 1);
	return true;
}
