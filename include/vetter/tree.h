/* tree.h - the object tree of a review: every input, file and (later) unpacked child.
 *
 * An object is anything vetter looked at: a file, a directory, a symbolic link, a
 * special file. Objects are created by the walker (and by extractors) and filled by
 * the analysis workers; each carries its own diagnostics, so a malformed or unreadable
 * object is reported where it is and the review goes on. Object memory belongs to the
 * review and lives until vt_review_free().
 */
#ifndef VETTER_TREE_H
#define VETTER_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vetter/elf.h>
#include <vetter/error.h>
#include <vetter/hash.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vt_obj_kind {
	VT_OBJ_FILE = 0,
	VT_OBJ_DIR = 1,
	VT_OBJ_SYMLINK = 2,
	VT_OBJ_FIFO = 3,
	VT_OBJ_SOCKET = 4,
	VT_OBJ_CHARDEV = 5,
	VT_OBJ_BLOCKDEV = 6,
	VT_OBJ_OTHER = 7,
};

/* "file", "directory", "symlink", "fifo", "socket", "chardev", "blockdev", "other". */
const char *vt_obj_kind_name(enum vt_obj_kind k);

enum vt_severity {
	VT_SEV_INFO = 0,    /* worth knowing, not a problem (a fifo was not read) */
	VT_SEV_WARNING = 1, /* part of the object could not be analysed (malformed data) */
	VT_SEV_ERROR = 2,   /* the object could not be analysed at all (unreadable) */
};

/* "info", "warning", "error". */
const char *vt_severity_name(enum vt_severity s);

struct vt_diag {
	enum vt_severity severity;
	vt_err code;
	const char *message; /* git style: lowercase, subject quoted, no full stop */
	struct vt_diag *next;
};

struct vt_object {
	size_t id;            /* index in the review, stable for a given input */
	size_t parent;        /* id of the parent object, VT_NO_PARENT for an input root */
	unsigned input;       /* index of the input this object came from */
	unsigned depth;       /* 0 for an input root */
	const char *path;     /* display path: the input as given joined with the relative path */
	const char *relpath;  /* path relative to the input root ("" for the root itself) */
	enum vt_obj_kind kind;
	uint64_t size;
	uint32_t mode;        /* permission bits and setuid/setgid/sticky (no type bits) */
	uint32_t uid, gid;
	int64_t mtime;
	uint64_t dev, ino;    /* identity on the host, for change detection */
	uint32_t nlink;
	const char *link_target; /* symlinks: the stored target */

	bool hashed;
	uint8_t sha256[VT_SHA256_LEN];
	const char *magic;    /* libmagic description */
	const char *mime;     /* libmagic MIME type */
	struct vt_elf_info *elf; /* NULL unless the object is ELF */

	struct vt_diag *diags, *diags_tail;
	size_t n_diags;
};

#define VT_NO_PARENT ((size_t)-1)

#ifdef __cplusplus
}
#endif
#endif
