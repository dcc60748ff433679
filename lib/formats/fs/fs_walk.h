/* fs_walk.h - state shared by the file system handlers while they walk a directory tree.
 *
 * A walk keeps the path of the entry being visited (one name per level, each name
 * checked: not empty, no '/', not "." or ".."), a table from an on-disk inode reference to
 * the first path that reached it (so a second directory entry for the same inode becomes
 * a hard link and a directory reached twice is refused as a loop), the count of entries
 * visited (capped) and a capped stream of diagnostics. Nothing in here reads input.
 */
#ifndef VT_FS_WALK_H
#define VT_FS_WALK_H

#include "formats/format.h"

#define VTI_FSW_MAX_DEPTH 128        /* directory levels below the root */
#define VTI_FSW_MAX_NAME 256         /* bytes in one name, as squashfs allows */
#define VTI_FSW_MAX_ENTRIES 1000000u /* directory entries visited per chunk */
#define VTI_FSW_MAX_DIAGS 64         /* diagnostics per chunk before a summary */

struct vti_fsw_link {
	uint64_t key;     /* the inode reference plus one (0: free slot) */
	const char *path; /* the first path that reached it (arena) */
	bool is_dir;
};

struct vti_fsw {
	struct vt_xctx *x;
	char *path;      /* the current path, NUL-terminated */
	size_t len, cap; /* length of path, and its buffer size */
	struct vti_fsw_link *links;
	size_t n_links, links_cap; /* used and allocated slots (power of two) */
	size_t entries;            /* directory entries visited */
	unsigned diags;            /* diagnostics reported */
	vt_err first_err;          /* the first problem's code, VT_OK when none */
};

/* Sets up a walk for the chunk being extracted through x. */
vt_err vti_fsw_init(struct vti_fsw *w, struct vt_xctx *x) VT_MUST_CHECK;
void vti_fsw_free(struct vti_fsw *w);

/* Appends the n-byte name to the path; *mark receives what vti_fsw_pop needs. VT_EFORMAT
 * (with a diagnostic) for a name that cannot be a path component. */
vt_err vti_fsw_push(struct vti_fsw *w, const char *name, size_t n, size_t *mark) VT_MUST_CHECK;
void vti_fsw_pop(struct vti_fsw *w, size_t mark);

/* Counts one more entry; VT_ELIMIT (with a diagnostic) past VTI_FSW_MAX_ENTRIES. */
vt_err vti_fsw_count(struct vti_fsw *w) VT_MUST_CHECK;

/* The path recorded for inode reference `ref`, NULL when none. */
const struct vti_fsw_link *vti_fsw_seen(const struct vti_fsw *w, uint64_t ref);

/* Records the current path for `ref`. */
vt_err vti_fsw_remember(struct vti_fsw *w, uint64_t ref, bool is_dir) VT_MUST_CHECK;

/* A warning about the chunk (at most VTI_FSW_MAX_DIAGS, then one summary); the first
 * code is kept in w->first_err. */
void vti_fsw_diag(struct vti_fsw *w, vt_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
