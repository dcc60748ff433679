/* writer.c - safe creation of extracted files (see writer.h for the rules).
 *
 * Assumes nothing about names: they come from the artifact under review. The only
 * trusted path is the output root; every other path is built from cleaned components
 * and resolved one component at a time (or with openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS, which enforces the same), so neither '..', absolute names,
 * symbolic links planted by earlier members nor races can move a write outside.
 */
#include "core/internal.h"
#include "tree/writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_PATH_BYTES 3800
#define MAX_COMPONENTS 256
#define MAX_NAME 255

struct vti_writer {
	int rootfd;
	char *root;
};

static int openat_beneath(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {.flags = (uint64_t)flags, .mode = mode,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					  RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

vt_err vti_writer_open(const char *dir, struct vti_writer **out)
{
	*out = NULL;
	struct vti_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return VT_ENOMEM;
	if (dir) {
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			vt_err e = vt_err_from_errno(errno);
			free(w);
			return e;
		}
		w->root = strdup(dir);
	} else {
		const char *tmp = getenv("TMPDIR");
		char tmpl[4096];
		snprintf(tmpl, sizeof(tmpl), "%s/vetter-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tmpl)) {
			vt_err e = vt_err_from_errno(errno);
			free(w);
			return e;
		}
		w->root = strdup(tmpl);
	}
	if (!w->root) {
		free(w);
		return VT_ENOMEM;
	}
	w->rootfd = open(w->root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->rootfd < 0) {
		vt_err e = vt_err_from_errno(errno);
		free(w->root);
		free(w);
		return e;
	}
	/* An existing output directory must be empty: never mix with other files. */
	int dup_fd = dup(w->rootfd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	bool empty = d != NULL;
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = false;
		closedir(d);
	}
	if (!empty) {
		vti_writer_close(w, false);
		return VT_EINVAL;
	}
	*out = w;
	return VT_OK;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void vti_writer_close(struct vti_writer *w, bool remove)
{
	if (!w)
		return;
	if (remove && w->root)
		nftw(w->root, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (w->rootfd >= 0)
		close(w->rootfd);
	free(w->root);
	free(w);
}

const char *vti_writer_root(const struct vti_writer *w)
{
	return w->root;
}

/* Appends one component, shortened to fit NAME_MAX: a long name keeps its first 200
 * bytes and gains '~' and 16 hex digits of a hash of the whole name (FNV-1a). */
static vt_err add_component(struct vt_buf *out, const char *c, size_t n, unsigned *fixes)
{
	vt_err e = VT_OK;
	if (out->len && (e = vt_buf_add(out, "/", 1)))
		return e;
	if (n <= MAX_NAME)
		return vt_buf_add(out, c, n);
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)c[i]) * 1099511628211ull;
	*fixes |= VT_FIX_LONG;
	if ((e = vt_buf_add(out, c, 200)))
		return e;
	return vt_buf_printf(out, "~%016" PRIx64, h);
}

vt_err vti_path_clean(const char *name, struct vt_buf *out, unsigned *fixes)
{
	size_t start = out->len, comps = 0;
	*fixes = 0;
	if (name[0] == '/')
		*fixes |= VT_FIX_ABSOLUTE;
	const char *p = name;
	while (*p) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - c);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			*fixes |= VT_FIX_DOTDOT;
			continue;
		}
		if (++comps > MAX_COMPONENTS)
			return VT_ELIMIT;
		vt_err e = add_component(out, c, n, fixes);
		if (e)
			return e;
		if (out->len - start > MAX_PATH_BYTES)
			return VT_ELIMIT;
	}
	if (out->len == start) {
		*fixes |= VT_FIX_EMPTY;
		return vt_buf_addstr(out, "unnamed");
	}
	return VT_OK;
}

/* Opens directory `rel` component by component, creating what is missing. */
static vt_err walk_dirs(struct vti_writer *w, const char *rel, int *fd, const char **why)
{
	int cur = dup(w->rootfd);
	if (cur < 0)
		return vt_err_from_errno(errno);
	char comp[MAX_NAME + 1];
	const char *p = rel;
	while (*p) {
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - c);
		if (*p == '/')
			p++;
		if (n == 0 || n > MAX_NAME)
			continue;
		memcpy(comp, c, n);
		comp[n] = 0;
		int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(cur, comp, 0755) != 0 && errno != EEXIST) {
				vt_err e = vt_err_from_errno(errno);
				close(cur);
				return e;
			}
			next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int saved = errno;
			close(cur);
			if (saved == ELOOP || saved == ENOTDIR) {
				*why = "a path component is a symbolic link or not a directory";
				return VT_EACCES;
			}
			return vt_err_from_errno(saved);
		}
		close(cur);
		cur = next;
	}
	*fd = cur;
	return VT_OK;
}

vt_err vti_writer_dir(struct vti_writer *w, const char *rel, int *fd, const char **why)
{
	*why = NULL;
	if (!*rel) {
		*fd = dup(w->rootfd);
		return *fd < 0 ? vt_err_from_errno(errno) : VT_OK;
	}
	int f = openat_beneath(w->rootfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (f >= 0) {
		*fd = f;
		return VT_OK;
	}
	if (errno == EXDEV || errno == ELOOP || errno == ENOTDIR) {
		*why = "a path component is a symbolic link or not a directory";
		return VT_EACCES;
	}
	return walk_dirs(w, rel, fd, why);
}

/* Splits rel into its directory part (opened as *dfd) and final name. */
static vt_err open_parent(struct vti_writer *w, const char *rel, int *dfd, const char **name,
			  const char **why)
{
	const char *slash = strrchr(rel, '/');
	*name = slash ? slash + 1 : rel;
	if (!slash)
		return vti_writer_dir(w, "", dfd, why);
	size_t n = (size_t)(slash - rel);
	char *dir = malloc(n + 1);
	if (!dir)
		return VT_ENOMEM;
	memcpy(dir, rel, n);
	dir[n] = 0;
	vt_err e = vti_writer_dir(w, dir, dfd, why);
	free(dir);
	return e;
}

/* Removes an existing non-directory entry `name` in dfd (a file or link of the same
 * name stored earlier); refuses directories. */
static vt_err make_room(int dfd, const char *name, bool *replaced, const char **why)
{
	struct stat st;
	*replaced = false;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? VT_OK : vt_err_from_errno(errno);
	if (S_ISDIR(st.st_mode)) {
		*why = "a directory of that name exists";
		return VT_EACCES;
	}
	if (unlinkat(dfd, name, 0) != 0)
		return vt_err_from_errno(errno);
	*replaced = true;
	return VT_OK;
}

vt_err vti_writer_file(struct vti_writer *w, const char *rel, uint32_t mode, int *fd,
		       bool *replaced, const char **why)
{
	int dfd;
	const char *name;
	*why = NULL;
	*replaced = false;
	vt_err e = open_parent(w, rel, &dfd, &name, why);
	if (e)
		return e;
	mode_t m = (mode_t)((mode & 0755) | 0600);
	int f = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, m);
	if (f < 0 && errno == EEXIST) {
		e = make_room(dfd, name, replaced, why);
		if (!e)
			f = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, m);
	}
	if (f < 0 && !e)
		e = vt_err_from_errno(errno);
	if (f >= 0)
		fchmod(f, m); /* umask-independent, and never more than m */
	close(dfd);
	*fd = f;
	return e;
}

vt_err vti_writer_symlink(struct vti_writer *w, const char *rel, const char *target,
			  const char **why)
{
	int dfd;
	const char *name;
	*why = NULL;
	vt_err e = open_parent(w, rel, &dfd, &name, why);
	if (e)
		return e;
	bool replaced;
	if (symlinkat(target, dfd, name) != 0) {
		if (errno != EEXIST)
			e = vt_err_from_errno(errno);
		else if (!(e = make_room(dfd, name, &replaced, why)) &&
			 symlinkat(target, dfd, name) != 0)
			e = vt_err_from_errno(errno);
	}
	close(dfd);
	return e;
}

vt_err vti_writer_hardlink(struct vti_writer *w, const char *rel, const char *target_rel,
			   const char **why)
{
	int sfd, dfd;
	const char *sname, *dname;
	*why = NULL;
	vt_err e = open_parent(w, target_rel, &sfd, &sname, why);
	if (e)
		return e;
	struct stat st;
	if (fstatat(sfd, sname, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
		*why = "the link target is not an extracted regular file";
		close(sfd);
		return VT_EACCES;
	}
	e = open_parent(w, rel, &dfd, &dname, why);
	if (e) {
		close(sfd);
		return e;
	}
	bool replaced;
	if (linkat(sfd, sname, dfd, dname, 0) != 0) {
		if (errno != EEXIST)
			e = vt_err_from_errno(errno);
		else if (!(e = make_room(dfd, dname, &replaced, why)) &&
			 linkat(sfd, sname, dfd, dname, 0) != 0)
			e = vt_err_from_errno(errno);
	}
	close(sfd);
	close(dfd);
	return e;
}

int vti_writer_open_read(struct vti_writer *w, const char *rel)
{
	return openat_beneath(w->rootfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
}
