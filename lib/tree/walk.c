/* walk.c - walks an input tree into objects, without following symbolic links.
 *
 * Directories are read relative to directory file descriptors (openat with O_NOFOLLOW
 * and O_DIRECTORY), entries are sorted by name so reports are reproducible, and each
 * entry is recorded with lstat-style metadata. Nothing is read from files here: content
 * analysis happens later on the thread pool. Symbolic links are stored with their target
 * and resolved inside the input root (openat2 RESOLVE_IN_ROOT: the way the product would
 * see them if the tree were its root filesystem) only to report dangling links and loops.
 * A directory already on the current path (bind mounts) is not entered twice. Every
 * problem becomes a diagnostic on the object concerned.
 */
#include "core/internal.h"
#include "review/review_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_MAX_DEPTH 256

static int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {.flags = flags, .resolve = resolve};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static enum vt_obj_kind kind_of(mode_t m)
{
	if (S_ISREG(m))
		return VT_OBJ_FILE;
	if (S_ISDIR(m))
		return VT_OBJ_DIR;
	if (S_ISLNK(m))
		return VT_OBJ_SYMLINK;
	if (S_ISFIFO(m))
		return VT_OBJ_FIFO;
	if (S_ISSOCK(m))
		return VT_OBJ_SOCKET;
	if (S_ISCHR(m))
		return VT_OBJ_CHARDEV;
	if (S_ISBLK(m))
		return VT_OBJ_BLOCKDEV;
	return VT_OBJ_OTHER;
}

static void fill_stat(struct vt_object *o, const struct stat *st)
{
	o->kind = kind_of(st->st_mode);
	o->mode = st->st_mode & 07777;
	o->uid = st->st_uid;
	o->gid = st->st_gid;
	o->mtime = st->st_mtime;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->nlink = (uint32_t)st->st_nlink;
	o->size = o->kind == VT_OBJ_FILE || o->kind == VT_OBJ_SYMLINK ? (uint64_t)st->st_size : 0;
}

struct walk {
	struct vt_review *r;
	struct vt_input *in;
	int rootfd;
	unsigned max_depth;
	dev_t root_dev;
	struct {
		dev_t dev;
		ino_t ino;
	} stack[DEFAULT_MAX_DEPTH + 1];
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the names of dirfd's entries (without . and ..), sorted. The array and names
 * are malloc'ed; *n receives the count. */
static vt_err read_names(int dirfd, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	int fd = dup(dirfd);
	if (fd < 0)
		return vt_err_from_errno(errno);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return vt_err_from_errno(errno);
	}
	char **v = NULL;
	size_t len = 0, cap = 0;
	vt_err err = VT_OK;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **nv = realloc(v, nc * sizeof(*nv));
			if (!nv) {
				err = VT_ENOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		if (!(v[len] = strdup(de->d_name))) {
			err = VT_ENOMEM;
			break;
		}
		len++;
	}
	if (!err && errno)
		err = vt_err_from_errno(errno);
	closedir(d);
	if (len > 1)
		qsort(v, len, sizeof(*v), cmp_names);
	*names = v;
	*n = len;
	return err;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Reports a symbolic link that dangles or loops when resolved inside the input root. */
static void check_link(struct walk *w, struct vt_object *o)
{
	if (w->rootfd < 0 || !*o->relpath)
		return;
	int fd = sys_openat2(w->rootfd, o->relpath, O_PATH | O_CLOEXEC,
			     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0) {
		close(fd);
		return;
	}
	struct vt_arena *a = w->r->arena;
	if (errno == ELOOP)
		vti_diag(o, a, VT_SEV_WARNING, VT_ELOOP,
			 "symbolic link loop: '%s' -> '%s' never resolves", o->path, o->link_target);
	else if (errno == ENOENT || errno == ENOTDIR)
		vti_diag(o, a, VT_SEV_INFO, VT_ENOTFOUND,
			 "dangling symbolic link: '%s' -> '%s' names nothing inside the tree",
			 o->path, o->link_target);
}

static vt_err visit(struct walk *w, int dirfd, const char *name, struct vt_object *parent,
		    unsigned depth);

static vt_err walk_dir(struct walk *w, int fd, struct vt_object *dir, unsigned depth)
{
	struct vt_arena *a = w->r->arena;
	if (depth >= w->max_depth) {
		vti_diag(dir, a, VT_SEV_WARNING, VT_ELIMIT,
			 "directory depth limit %u reached at '%s': not entered", w->max_depth,
			 dir->path);
		return VT_OK;
	}
	for (unsigned i = 0; i < depth; i++) {
		if (w->stack[i].dev == (dev_t)dir->dev && w->stack[i].ino == (ino_t)dir->ino) {
			vti_diag(dir, a, VT_SEV_WARNING, VT_ELOOP,
				 "directory '%s' is its own ancestor (bind mount loop): not entered",
				 dir->path);
			return VT_OK;
		}
	}
	w->stack[depth].dev = dir->dev;
	w->stack[depth].ino = dir->ino;

	char **names = NULL;
	size_t n = 0;
	vt_err err = read_names(fd, &names, &n);
	if (err == VT_ENOMEM) {
		free_names(names, n);
		return err;
	}
	if (err)
		vti_diag(dir, a, VT_SEV_ERROR, err, "cannot read directory '%s': %s", dir->path,
			 vt_strerror(err));
	for (size_t i = 0; i < n && err != VT_ENOMEM; i++)
		err = visit(w, fd, names[i], dir, depth + 1);
	free_names(names, n);
	return err == VT_ENOMEM ? err : VT_OK;
}

static const char *join(struct vt_arena *a, const char *dir, const char *name)
{
	if (!*dir)
		return vt_arena_strdup(a, name);
	size_t dl = strlen(dir);
	return vt_arena_printf(a, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", name);
}

static vt_err visit(struct walk *w, int dirfd, const char *name, struct vt_object *parent,
		    unsigned depth)
{
	struct vt_review *r = w->r;
	struct vt_arena *a = r->arena;
	struct vt_object *o = vti_object_new(r, a);
	if (!o)
		return VT_ENOMEM;
	o->parent = parent->id;
	o->up = parent;
	o->input = parent->input;
	o->depth = depth;
	o->path = join(a, parent->path, name);
	o->relpath = join(a, parent->relpath, name);
	if (!o->path || !o->relpath)
		return VT_ENOMEM;

	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		vt_err e = vt_err_from_errno(errno);
		o->kind = VT_OBJ_OTHER;
		vti_diag(o, a, VT_SEV_ERROR, e, "cannot stat '%s': %s", o->path, strerror(errno));
		return VT_OK;
	}
	fill_stat(o, &st);

	switch (o->kind) {
	case VT_OBJ_FILE:
		w->in->files++;
		w->in->size += o->size;
		return VT_OK;
	case VT_OBJ_SYMLINK: {
		char buf[PATH_MAX];
		ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf));
		if (n < 0) {
			vti_diag(o, a, VT_SEV_ERROR, vt_err_from_errno(errno),
				 "cannot read symbolic link '%s': %s", o->path, strerror(errno));
			return VT_OK;
		}
		if ((size_t)n >= sizeof(buf)) {
			vti_diag(o, a, VT_SEV_WARNING, VT_ELIMIT,
				 "symbolic link target of '%s' is longer than %d bytes: truncated",
				 o->path, PATH_MAX - 1);
			n = sizeof(buf) - 1;
		}
		o->link_target = vt_arena_strndup(a, buf, (size_t)n);
		if (!o->link_target)
			return VT_ENOMEM;
		check_link(w, o);
		return VT_OK;
	}
	case VT_OBJ_DIR: {
		if (r->opts.one_file_system && st.st_dev != w->root_dev) {
			vti_diag(o, a, VT_SEV_INFO, VT_ELIMIT,
				 "'%s' is on another filesystem: not entered (--one-file-system)",
				 o->path);
			return VT_OK;
		}
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			vti_diag(o, a, VT_SEV_ERROR, vt_err_from_errno(errno),
				 "cannot open directory '%s': %s", o->path, strerror(errno));
			return VT_OK;
		}
		vt_err e = walk_dir(w, fd, o, depth);
		close(fd);
		return e;
	}
	case VT_OBJ_FIFO:
	case VT_OBJ_SOCKET:
		vti_diag(o, a, VT_SEV_INFO, VT_ENOTSUP, "'%s' is a %s: recorded, not read", o->path,
			 vt_obj_kind_name(o->kind));
		return VT_OK;
	case VT_OBJ_CHARDEV:
	case VT_OBJ_BLOCKDEV:
		vti_diag(o, a, VT_SEV_INFO, VT_ENOTSUP,
			 "'%s' is a %s device node (%u, %u): recorded, not read", o->path,
			 o->kind == VT_OBJ_CHARDEV ? "character" : "block", major(st.st_rdev),
			 minor(st.st_rdev));
		return VT_OK;
	default:
		vti_diag(o, a, VT_SEV_INFO, VT_ENOTSUP, "'%s' is of an unknown file type: not read",
			 o->path);
		return VT_OK;
	}
}

vt_err vti_walk_input(struct vt_review *r, size_t idx)
{
	struct vt_input *in = &r->inputs[idx];
	struct vt_arena *a = r->arena;
	struct walk *w = calloc(1, sizeof(*w));
	if (!w)
		return VT_ENOMEM;
	w->r = r;
	w->in = in;
	w->rootfd = -1;
	w->max_depth = r->opts.max_depth && r->opts.max_depth < DEFAULT_MAX_DEPTH
			       ? r->opts.max_depth
			       : DEFAULT_MAX_DEPTH;

	struct vt_object *o = vti_object_new(r, a);
	if (!o) {
		free(w);
		return VT_ENOMEM;
	}
	o->parent = VT_NO_PARENT;
	o->input = (unsigned)idx;
	o->path = in->path;
	o->relpath = "";
	in->root = o->id;

	/* A command-line symbolic link is followed once (find -H). */
	struct stat st;
	int rc = stat(in->path, &st);
	if (rc != 0) {
		int saved = errno;
		struct stat lst;
		if (lstat(in->path, &lst) == 0)
			fill_stat(o, &lst);
		else
			o->kind = VT_OBJ_OTHER;
		in->status = vt_err_from_errno(saved);
		vti_diag(o, a, VT_SEV_ERROR, in->status, "cannot access '%s': %s", in->path,
			 strerror(saved));
		free(w);
		return in->status;
	}
	fill_stat(o, &st);
	in->kind = o->kind;
	w->root_dev = st.st_dev;
	vt_err err = VT_OK;
	if (o->kind == VT_OBJ_FILE) {
		in->files = 1;
		in->size = o->size;
	} else if (o->kind == VT_OBJ_DIR) {
		int fd = open(in->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			in->status = vt_err_from_errno(errno);
			vti_diag(o, a, VT_SEV_ERROR, in->status, "cannot open directory '%s': %s",
				 in->path, strerror(errno));
			free(w);
			return in->status;
		}
		w->rootfd = fd;
		r->input_fds[idx] = fd;
		err = walk_dir(w, fd, o, 0);
	} else {
		vti_diag(o, a, VT_SEV_INFO, VT_ENOTSUP, "'%s' is a %s: recorded, not read", in->path,
			 vt_obj_kind_name(o->kind));
	}
	free(w);
	return err;
}

int vti_open_object(struct vt_review *r, const struct vt_object *o)
{
	int rootfd = r->input_fds[o->input];
	int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
	if (!*o->relpath) /* an input root: a command-line link is followed */
		return open(o->path, flags);
	flags |= O_NOFOLLOW;
	if (rootfd >= 0) {
		int fd = sys_openat2(rootfd, o->relpath, (uint64_t)flags,
				     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
	}
	return open(o->path, flags);
}
