/* writer.h - the only code that creates files from extracted content.
 *
 * Everything is created relative to the output directory's file descriptor. Names from
 * containers are cleaned first (vti_path_clean): absolute names and '..' are rebased
 * inside, empty and '.' components dropped, over-long components shortened. Directories
 * are walked component by component with O_NOFOLLOW|O_DIRECTORY, so a symbolic link
 * stored by an earlier member is never followed: writing through one is refused.
 * Files are created with O_NOFOLLOW and never setuid, setgid, sticky or writable by
 * others; device nodes and fifos are never created (the caller records them).
 */
#ifndef VT_WRITER_H
#define VT_WRITER_H

#include "core/internal.h"

struct vti_writer;

/* Creates `dir` (which must not exist, or be an empty directory) and opens it. With
 * dir NULL, a new temporary directory under $TMPDIR (or /tmp) is used. */
vt_err vti_writer_open(const char *dir, struct vti_writer **w) VT_MUST_CHECK;

/* Closes the writer; with `remove`, deletes everything it created first (without
 * following links). NULL is allowed. */
void vti_writer_close(struct vti_writer *w, bool remove);

/* The output directory's path. */
const char *vti_writer_root(const struct vti_writer *w);

/* Fixes made while cleaning a path (bit set). */
enum {
	VT_FIX_ABSOLUTE = 1u << 0, /* leading '/' removed */
	VT_FIX_DOTDOT = 1u << 1,   /* '..' components dropped */
	VT_FIX_EMPTY = 1u << 2,    /* the name was empty or only '.' and '/' */
	VT_FIX_LONG = 1u << 3,     /* a component longer than 255 bytes was shortened */
};

/* Cleans a stored name into a relative path without '.', '..' or empty components,
 * appended to out. *fixes gets the VT_FIX_* bits of what was changed. An empty result
 * is replaced by "unnamed". VT_ELIMIT when the result would pass 3,800 bytes or 256
 * components. */
vt_err vti_path_clean(const char *name, struct vt_buf *out, unsigned *fixes) VT_MUST_CHECK;

/* Why a creation was refused, for diagnostics (static strings). */
struct vti_refusal {
	const char *why;      /* "'a' is a symbolic link", "'a' is not a directory", ... */
	const char *component; /* the offending path prefix, arena or NULL */
};

/* Opens the directory `rel` (clean, relative to the root), creating missing components
 * (0755). VT_EACCES with *why set when a component is a symbolic link or not a
 * directory. The fd is the caller's to close. */
vt_err vti_writer_dir(struct vti_writer *w, const char *rel, int *fd, const char **why)
	VT_MUST_CHECK;

/* Creates the regular file `rel` for writing (replacing an earlier file or symbolic link
 * of that name, never following it). mode: permission bits as stored; the file gets
 * (mode & 0755) | 0600. *replaced tells whether an entry was replaced. */
vt_err vti_writer_file(struct vti_writer *w, const char *rel, uint32_t mode, int *fd,
		       bool *replaced, const char **why) VT_MUST_CHECK;

/* Creates the symbolic link `rel` -> target (stored as is, never followed). */
vt_err vti_writer_symlink(struct vti_writer *w, const char *rel, const char *target,
			  const char **why) VT_MUST_CHECK;

/* Creates the hard link `rel` to the existing regular file `target_rel`. */
vt_err vti_writer_hardlink(struct vti_writer *w, const char *rel, const char *target_rel,
			   const char **why) VT_MUST_CHECK;

/* Opens `rel` for reading beneath the root without following links; -1 on failure. */
int vti_writer_open_read(struct vti_writer *w, const char *rel);

#endif
