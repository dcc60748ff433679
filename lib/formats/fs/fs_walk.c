/* fs_walk.c - path, hard link and diagnostic bookkeeping for file system walks.
 *
 * See fs_walk.h. The inode table is an open-addressing hash table keyed by the on-disk
 * inode reference; it holds at most one slot per visited entry, so its size is bounded
 * by VTI_FSW_MAX_ENTRIES. Paths are at most VTI_FSW_MAX_DEPTH names long.
 */
#include "formats/format.h"

#include "formats/fs/fs_walk.h"

#define PATH_CAP (VTI_FSW_MAX_DEPTH * (VTI_FSW_MAX_NAME + 1) + 1)

vt_err vti_fsw_init(struct vti_fsw *w, struct vt_xctx *x)
{
	memset(w, 0, sizeof(*w));
	w->x = x;
	w->cap = PATH_CAP;
	w->path = malloc(w->cap);
	if (!w->path)
		return VT_ENOMEM;
	w->path[0] = 0;
	return VT_OK;
}

void vti_fsw_free(struct vti_fsw *w)
{
	free(w->path);
	free(w->links);
	w->path = NULL;
	w->links = NULL;
}

void vti_fsw_diag(struct vti_fsw *w, vt_err code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!w->first_err)
		w->first_err = code;
	if (w->diags > VTI_FSW_MAX_DIAGS)
		return;
	if (w->diags++ == VTI_FSW_MAX_DIAGS) {
		vt_x_diag(w->x, VT_SEV_WARNING, VT_ELIMIT,
			  "more than %d problems, further ones not listed", VTI_FSW_MAX_DIAGS);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vt_x_diag(w->x, VT_SEV_WARNING, code, "%s", msg);
}

static const char *here(const struct vti_fsw *w)
{
	return w->len ? w->path : "/";
}

vt_err vti_fsw_push(struct vti_fsw *w, const char *name, size_t n, size_t *mark)
{
	const char *why = NULL;
	size_t need;

	if (n == 0)
		why = "an empty name";
	else if (n > VTI_FSW_MAX_NAME)
		why = "a name longer than 256 bytes";
	else if (memchr(name, '/', n))
		why = "a name containing '/'";
	else if (memchr(name, 0, n))
		why = "a name containing a NUL byte";
	else if ((n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
		why = "an entry named '.' or '..'";
	if (why) {
		vti_fsw_diag(w, VT_EFORMAT, "directory '%s' holds %s, skipped", here(w), why);
		return VT_EFORMAT;
	}
	need = w->len + (w->len ? 1 : 0) + n + 1;
	if (need > w->cap) {
		vti_fsw_diag(w, VT_ELIMIT, "path below '%s' is too long, entry skipped", here(w));
		return VT_EFORMAT;
	}
	*mark = w->len;
	if (w->len)
		w->path[w->len++] = '/';
	memcpy(w->path + w->len, name, n);
	w->len += n;
	w->path[w->len] = 0;
	return VT_OK;
}

void vti_fsw_pop(struct vti_fsw *w, size_t mark)
{
	w->len = mark;
	w->path[mark] = 0;
}

vt_err vti_fsw_count(struct vti_fsw *w)
{
	if (++w->entries <= VTI_FSW_MAX_ENTRIES)
		return VT_OK;
	vti_fsw_diag(w, VT_ELIMIT, "more than %u directory entries, the rest is not extracted",
		     VTI_FSW_MAX_ENTRIES);
	return VT_ELIMIT;
}

static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

const struct vti_fsw_link *vti_fsw_seen(const struct vti_fsw *w, uint64_t ref)
{
	uint64_t key = ref + 1;

	if (!w->links_cap || key == 0)
		return NULL;
	for (size_t i = slot_of(key, w->links_cap), n = 0; n < w->links_cap;
	     i = (i + 1) & (w->links_cap - 1), n++) {
		if (w->links[i].key == key)
			return &w->links[i];
		if (w->links[i].key == 0)
			return NULL;
	}
	return NULL;
}

static void put(struct vti_fsw_link *tab, size_t cap, struct vti_fsw_link l)
{
	size_t i = slot_of(l.key, cap);
	while (tab[i].key)
		i = (i + 1) & (cap - 1);
	tab[i] = l;
}

static vt_err grow(struct vti_fsw *w)
{
	size_t cap = w->links_cap ? w->links_cap * 2 : 1024;
	struct vti_fsw_link *tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return VT_ENOMEM;
	for (size_t i = 0; i < w->links_cap; i++)
		if (w->links[i].key)
			put(tab, cap, w->links[i]);
	free(w->links);
	w->links = tab;
	w->links_cap = cap;
	return VT_OK;
}

vt_err vti_fsw_remember(struct vti_fsw *w, uint64_t ref, bool is_dir)
{
	struct vti_fsw_link l = {ref + 1, NULL, is_dir};
	vt_err e;

	if (l.key == 0 || vti_fsw_seen(w, ref))
		return VT_OK;
	if ((w->n_links + 1) * 2 > w->links_cap && (e = grow(w)) != VT_OK)
		return e;
	l.path = vt_arena_strdup(vt_x_arena(w->x), w->path);
	if (!l.path)
		return VT_ENOMEM;
	put(w->links, w->links_cap, l);
	w->n_links++;
	return VT_OK;
}
