/* magic.h - file typing with libmagic, one handle per worker thread. */
#ifndef VT_MAGIC_H
#define VT_MAGIC_H

#include "core/internal.h"

struct vt_magic;

/* A handle with the system's magic database; NULL (and *err set) on failure. */
struct vt_magic *vti_magic_new(vt_err *err);
void vti_magic_free(struct vt_magic *m);

/* Describes the bytes in s: the description in arena a, and for text a MIME type (NULL
 * for binary data). Only the first 64 KiB are examined; text takes the fast path
 * described in magic.c. */
vt_err vti_magic_describe(struct vt_magic *m, struct vt_span s, struct vt_arena *a,
			  const char **desc, const char **mime) VT_MUST_CHECK;

#endif
