/* xctx.c - the vt_x_* calls format handlers emit children with.
 *
 * Each call cleans the stored name (tree/writer.c), enforces the limits (bytes this chunk
 * may produce, total bytes and objects of the review, size of one file), creates the
 * object in the review and, for content, the file through the safe writer. Refusals
 * (a name that would escape, a write through a symbolic link) become diagnostics on the
 * chunk and return VT_OK so the handler goes on; limits return VT_ELIMIT so it stops.
 * Without a writer (dry runs: fuzzing), everything is checked and counted but nothing is
 * written.
 */
#include "tree/xctx.h"
#include "tree/phash.h"
#include "tree/writer.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RELEASE_EVERY (64u << 20)

struct vt_xfile {
	struct vt_xctx *x;
	struct vt_object *o;
	int fd;
	uint64_t size;
	vt_err err;
	struct vti_phash *ph; /* the hash computed as it is written (large files) */
};

void vt_x_diag(struct vt_xctx *x, enum vt_severity sev, vt_err code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vti_diag(x->chunk, x->a, sev, code, "%s", msg);
}

unsigned vt_x_parallel_slots(struct vt_xctx *x)
{
	return x->r->pool ? vt_pool_size(x->r->pool) : 1;
}

void vt_x_parallel(struct vt_xctx *x, size_t n, unsigned helpers,
		   void (*fn)(void *arg, size_t i, unsigned slot), void *arg)
{
	vt_pool_for(x->r->pool, n, helpers, fn, arg);
}

struct vt_arena *vt_x_arena(struct vt_xctx *x)
{
	return x->a;
}

struct vt_span vt_x_object(struct vt_xctx *x)
{
	return x->obj;
}

uint64_t vt_x_budget(struct vt_xctx *x)
{
	uint64_t used = atomic_load(&x->r->x_bytes);
	uint64_t global = used < x->r->lim.max_bytes ? x->r->lim.max_bytes - used : 0;
	return VT_MIN(x->budget, global);
}

const char *vt_x_name_hint(struct vt_xctx *x)
{
	const char *p = x->parent->relpath && *x->parent->relpath ? x->parent->relpath
								    : x->parent->path;
	const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (!n || (n == 1 && base[0] == '.'))
		return "data";
	const char *h = vt_arena_strndup(x->a, base, n);
	return h ? h : "data";
}

/* Reports a limit once per chunk and returns VT_ELIMIT. */
static vt_err limit(struct vt_xctx *x, const char *what)
{
	if (!x->limit_reported) {
		x->limit_reported = true;
		vt_x_diag(x, VT_SEV_WARNING, VT_ELIMIT, "extraction of '%s' stopped: %s",
			  x->chunk->path, what);
	}
	return VT_ELIMIT;
}

/* Cleans `name` and builds the child's display and disk paths. VT_OK with *skip set
 * when the name was refused (a diagnostic was added). */
static vt_err child_paths(struct vt_xctx *x, const char *name, const char **rel,
			  const char **disk, const char **display)
{
	struct vt_buf b;
	vt_buf_init(&b, 8192);
	unsigned fixes = 0;
	vt_err e = vti_path_clean(name, &b, &fixes);
	if (e == VT_ELIMIT) {
		vt_buf_release(&b);
		vt_x_diag(x, VT_SEV_WARNING, VT_ELIMIT, "member name too long or too deep in '%s': "
			  "not extracted", x->chunk->path);
		return VT_EACCES;
	}
	if (e) {
		vt_buf_release(&b);
		return e;
	}
	if (fixes & (VT_FIX_ABSOLUTE | VT_FIX_DOTDOT))
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "member name '%.200s' in '%s' leaves the archive: extracted as '%s'", name,
			  x->chunk->path, vt_buf_str(&b));
	if (fixes & VT_FIX_LONG)
		vt_x_diag(x, VT_SEV_INFO, VT_ELIMIT, "member name longer than 255 bytes in '%s' "
			  "shortened to '%s'", x->chunk->path, vt_buf_str(&b));
	*rel = vt_arena_strdup(x->a, vt_buf_str(&b));
	*disk = vt_arena_printf(x->a, "%s/%s", x->dir, vt_buf_str(&b));
	*display = vt_arena_printf(x->a, "%s/%s", x->chunk->path, vt_buf_str(&b));
	vt_buf_release(&b);
	return *rel && *disk && *display ? VT_OK : VT_ENOMEM;
}

static vt_err new_child(struct vt_xctx *x, const char *name, enum vt_obj_kind kind,
			const struct vt_xmeta *m, struct vt_object **out)
{
	*out = NULL;
	if (atomic_load(&x->r->x_bytes_hit))
		return limit(x, "total extracted bytes limit reached");
	if (atomic_fetch_add(&x->r->x_objects, 1) >= x->r->lim.max_files) {
		if (!atomic_exchange(&x->r->x_objects_hit, 1))
			vti_review_diag(x->r, VT_SEV_WARNING, VT_ELIMIT,
					"extraction stopped: more than %" PRIu64 " objects",
					x->r->lim.max_files);
		return limit(x, "object count limit reached");
	}
	const char *rel, *disk, *display;
	vt_err e = child_paths(x, name, &rel, &disk, &display);
	if (e)
		return e;
	struct vt_object *o = vti_object_new(x->r, x->a);
	if (!o)
		return VT_ENOMEM;
	o->up = x->chunk;
	o->parent = x->chunk->id;
	o->input = x->parent->input;
	o->depth = x->parent->depth;
	o->xdepth = x->parent->xdepth + 1;
	o->kind = kind;
	o->path = display;
	o->relpath = rel;
	o->disk = disk;
	if (m) {
		o->mode = m->mode & 07777;
		o->uid = m->uid;
		o->gid = m->gid;
		o->mtime = m->mtime;
	}
	*out = o;
	return VT_OK;
}

/* A refusal by the writer: a diagnostic, and the child is kept without content. */
static vt_err refused(struct vt_xctx *x, struct vt_object *o, vt_err e, const char *why)
{
	if (e == VT_EACCES) {
		vti_diag(o, x->a, VT_SEV_WARNING, VT_EACCES, "'%s' not written: %s", o->path,
			 why ? why : "refused");
		o->disk = NULL;
		return VT_OK;
	}
	vti_diag(o, x->a, VT_SEV_ERROR, e, "cannot write '%s': %s", o->path, vt_strerror(e));
	o->disk = NULL;
	return e == VT_ENOMEM ? e : VT_EIO;
}

vt_err vt_x_dir(struct vt_xctx *x, const char *path, const struct vt_xmeta *m)
{
	struct vt_object *o;
	vt_err e = new_child(x, path, VT_OBJ_DIR, m, &o);
	if (e)
		return e == VT_EACCES ? VT_OK : e;
	int fd;
	const char *why;
	if (!x->r->writer)
		return VT_OK;
	e = vti_writer_dir(x->r->writer, o->disk, &fd, &why);
	if (e)
		return refused(x, o, e, why);
	close(fd);
	return VT_OK;
}

static bool add_kid(struct vt_xctx *x, struct vt_object *o)
{
	if (x->nkids == x->capkids) {
		size_t nc = x->capkids ? x->capkids * 2 : 16;
		struct vt_object **nk = realloc(x->kids, nc * sizeof(*nk));
		if (!nk)
			return false;
		x->kids = nk;
		x->capkids = nc;
	}
	x->kids[x->nkids++] = o;
	return true;
}

vt_err vt_x_file_open(struct vt_xctx *x, const char *path, const struct vt_xmeta *m,
		      struct vt_xfile **out)
{
	*out = NULL;
	struct vt_xfile *f = calloc(1, sizeof(*f));
	if (!f)
		return VT_ENOMEM;
	f->x = x;
	f->fd = -1;
	struct vt_object *o;
	vt_err e = new_child(x, path, VT_OBJ_FILE, m, &o);
	if (e == VT_EACCES) { /* refused name: swallow the content */
		*out = f;
		return VT_OK;
	}
	if (e) {
		free(f);
		return e;
	}
	f->o = o;
	const char *why;
	bool replaced = false;
	if (!x->r->writer) {
		o->disk = NULL;
		*out = f;
		return VT_OK;
	}
	e = vti_writer_file(x->r->writer, o->disk, m ? m->mode : 0644, &f->fd, &replaced, &why);
	if (replaced)
		vti_diag(o, x->a, VT_SEV_INFO, VT_EFORMAT,
			 "'%s' stored more than once: the later member replaces the earlier", o->path);
	if (e) {
		e = refused(x, o, e, why);
		if (e) {
			free(f);
			return e;
		}
		f->o = NULL;
	}
	*out = f;
	return VT_OK;
}

vt_err vt_x_file_write(struct vt_xfile *f, const void *p, size_t n)
{
	if (f->err)
		return f->err;
	if (!n)
		return VT_OK;
	struct vt_xctx *x = f->x;
	struct vt_review *r = x->r;
	if (n > x->budget)
		return f->err = limit(x, "expansion ratio limit reached");
	if (f->size + n > r->lim.max_file_size)
		return f->err = limit(x, "file size limit reached");
	uint64_t before = atomic_fetch_add(&r->x_bytes, (uint64_t)n);
	if (before + n > r->lim.max_bytes) {
		if (!atomic_exchange(&r->x_bytes_hit, 1))
			vti_review_diag(r, VT_SEV_WARNING, VT_ELIMIT,
					"extraction stopped: more than %" PRIu64 " bytes written",
					r->lim.max_bytes);
		return f->err = limit(x, "total extracted bytes limit reached");
	}
	x->budget -= n;
	/* A handler reading a huge chunk touches all of its pages: release them now and then
	 * (they fault back in from the page cache when read again), so resident memory
	 * stays bounded whatever the image size. */
	x->since_release += n;
	if (x->obj_mapped && x->since_release >= RELEASE_EVERY) {
		x->since_release = 0;
		uintptr_t a = (uintptr_t)x->obj.p & ~(uintptr_t)4095;
		madvise((void *)a, x->obj.len + ((uintptr_t)x->obj.p - a), MADV_DONTNEED);
	}
	if (!f->o || f->fd < 0) { /* dry run, or a refused name: counted, not written */
		f->size += n;
		return VT_OK;
	}
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(f->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			vti_diag(f->o, x->a, VT_SEV_ERROR, VT_EIO, "cannot write '%s': %s", f->o->path,
				 strerror(errno));
			return f->err = VT_EIO;
		}
		b += w;
		n -= (size_t)w;
		f->size += (uint64_t)w;
	}
	vti_phash_wrote(&f->ph, r, f->o->disk, f->size);
	return VT_OK;
}

vt_err vt_x_file_close(struct vt_xfile *f, bool complete)
{
	if (!f)
		return VT_OK;
	vt_err e = f->err;
	struct vt_xctx *x = f->x;
	if (f->fd >= 0 && close(f->fd) != 0 && !e)
		e = VT_EIO;
	uint8_t digest[VT_SHA256_LEN];
	bool hashed = vti_phash_close(f->ph, f->size, digest);
	if (f->o) {
		f->o->size = f->size;
		if (hashed && !e) { /* analysis does not hash it again */
			memcpy(f->o->sha256, digest, VT_SHA256_LEN);
			f->o->hashed = true;
		}
		if (!complete || f->err)
			vti_diag(f->o, x->a, VT_SEV_WARNING, f->err ? f->err : VT_ETRUNC,
				 "'%s' is incomplete: %" PRIu64 " bytes extracted", f->o->path, f->size);
		if (!add_kid(x, f->o) && !e)
			e = VT_ENOMEM;
	}
	free(f);
	return e == VT_ELIMIT ? VT_ELIMIT : e;
}

vt_err vt_x_file(struct vt_xctx *x, const char *path, const struct vt_xmeta *m,
		 struct vt_span data)
{
	struct vt_xfile *f;
	vt_err e = vt_x_file_open(x, path, m, &f);
	if (e)
		return e;
	e = vt_x_file_write(f, data.p, data.len);
	vt_err c = vt_x_file_close(f, true);
	return e ? e : c;
}

vt_err vt_x_symlink(struct vt_xctx *x, const char *path, const char *target,
		    const struct vt_xmeta *m)
{
	struct vt_object *o;
	vt_err e = new_child(x, path, VT_OBJ_SYMLINK, m, &o);
	if (e)
		return e == VT_EACCES ? VT_OK : e;
	o->link_target = vt_arena_strdup(x->a, target);
	o->size = strlen(target);
	if (!o->link_target)
		return VT_ENOMEM;
	const char *why;
	if (!x->r->writer) {
		o->disk = NULL;
		return VT_OK;
	}
	e = vti_writer_symlink(x->r->writer, o->disk, target, &why);
	if (e)
		return refused(x, o, e, why);
	o->disk = NULL; /* never read through */
	return VT_OK;
}

vt_err vt_x_hardlink(struct vt_xctx *x, const char *path, const char *target)
{
	struct vt_object *o;
	vt_err e = new_child(x, path, VT_OBJ_FILE, NULL, &o);
	if (e)
		return e == VT_EACCES ? VT_OK : e;
	struct vt_buf b;
	vt_buf_init(&b, 8192);
	unsigned fixes;
	e = vti_path_clean(target, &b, &fixes);
	const char *tdisk = e ? NULL : vt_arena_printf(x->a, "%s/%s", x->dir, vt_buf_str(&b));
	o->link_target = e ? NULL : vt_arena_printf(x->a, "%s/%s", x->chunk->path, vt_buf_str(&b));
	/* a hard link shares the target's inode: its owner, mode and time (the archive entry of
	 * the link may not carry them); look back through this chunk's files, boundedly */
	for (size_t i = x->nkids, seen = 0; !e && i > 0 && seen < 65536; i--, seen++) {
		const struct vt_object *t = x->kids[i - 1];
		if (t->relpath && !strcmp(t->relpath, vt_buf_str(&b))) {
			o->mode = t->mode;
			o->uid = t->uid;
			o->gid = t->gid;
			o->mtime = t->mtime;
			break;
		}
	}
	vt_buf_release(&b);
	o->hardlink = true;
	if (!tdisk || !o->link_target)
		return refused(x, o, VT_EACCES, "the link target name is unusable");
	const char *why;
	if (!x->r->writer) {
		o->disk = NULL;
		return VT_OK;
	}
	e = vti_writer_hardlink(x->r->writer, o->disk, tdisk, &why);
	if (e)
		return refused(x, o, e, why);
	struct stat st;
	int fd = vti_writer_open_read(x->r->writer, o->disk);
	if (fd >= 0 && fstat(fd, &st) == 0) {
		o->size = (uint64_t)st.st_size;
		if (!o->mode)
			o->mode = st.st_mode & 0777;
	}
	if (fd >= 0)
		close(fd);
	return add_kid(x, o) ? VT_OK : VT_ENOMEM;
}

vt_err vt_x_special(struct vt_xctx *x, const char *path, enum vt_obj_kind kind, uint32_t major,
		    uint32_t minor, const struct vt_xmeta *m)
{
	struct vt_object *o;
	vt_err e = new_child(x, path, kind, m, &o);
	if (e)
		return e == VT_EACCES ? VT_OK : e;
	o->rdev_major = major;
	o->rdev_minor = minor;
	o->disk = NULL; /* recorded, never created */
	return VT_OK;
}

void vti_xctx_finish(struct vt_xctx *x)
{
	for (size_t i = 0; i < x->nkids; i++)
		if (x->kids[i]->disk)
			vti_queue_object(x->r, x->kids[i]);
	free(x->kids);
	x->kids = NULL;
	x->nkids = x->capkids = 0;
}
