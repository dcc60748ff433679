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

#include <vetter/component.h>
#include <vetter/elf.h>
#include <vetter/finding.h>
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
	VT_OBJ_CHUNK = 8, /* a region of its parent: a recognised format, or an unknown gap */
};

/* "file", "directory", "symlink", "fifo", "socket", "chardev", "blockdev", "other",
 * "chunk". */
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

/* A chunk: where a format was recognised in the parent object, or a gap between such. */
struct vt_chunk_info {
	const char *format;   /* handler name ("gzip", "squashfs"), or "unknown" for a gap */
	const char *variant;  /* handler's variant ("newc", "squashfs 4 xz"), may be NULL */
	uint64_t offset;      /* in the parent object */
	uint64_t length;
	unsigned confidence;  /* bits verified by the handler; 0 for gaps */
	bool truncated;       /* the format's data runs past the parent's end */
	double entropy;       /* gaps: Shannon entropy, bits per byte */
	const char *gap_class; /* gaps: "padding", "text", "compressed/encrypted", "data" */
};

struct vt_object {
	size_t id;            /* index in the review, stable for a given input */
	size_t parent;        /* id of the parent object, VT_NO_PARENT for an input root */
	struct vt_object *up; /* the parent object, NULL for an input root */
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
	const char *link_target; /* symlinks: the stored target; hard links: the first name */
	bool hardlink;        /* extracted as a hard link to link_target */
	uint32_t rdev_major, rdev_minor; /* device nodes */

	/* extraction */
	unsigned xdepth;      /* containers above this object (0: an input or a walked file) */
	const char *disk;     /* where its bytes are, relative to the output directory; NULL
			       * for walked inputs and objects not written (chunks, devices) */
	struct vt_chunk_info *chunk; /* VT_OBJ_CHUNK only */

	bool hashed;
	uint8_t sha256[VT_SHA256_LEN];
	const char *magic;    /* libmagic description */
	const char *mime;     /* libmagic MIME type */
	struct vt_elf_info *elf; /* NULL unless the object is ELF */

	struct vt_diag *diags, *diags_tail;
	size_t n_diags;

	/* analysis */
	const char *fspath;   /* path inside the filesystem the object belongs to ("/etc/passwd"):
			       * relative to the nearest unpacked container (chunk) above it, or to
			       * the input root; set before analyzers run */
	const struct vt_object *fsroot; /* that container or input root */
	struct vt_finding *findings, *findings_tail;
	size_t n_findings;
	struct vt_evidence *evidence; /* component evidence found in this object */
	size_t n_evidence;
};

#define VT_NO_PARENT ((size_t)-1)

#ifdef __cplusplus
}
#endif
#endif
