/* xctx.h - the extraction context of one chunk: what format handlers emit into. */
#ifndef VT_XCTX_H
#define VT_XCTX_H

#include "formats/format.h"
#include "review/review_int.h"

struct vt_xctx {
	struct vt_review *r;
	unsigned wk;
	struct vt_arena *a;
	struct vt_object *parent; /* the object being unpacked */
	struct vt_object *chunk;  /* the chunk object children hang from */
	const char *dir;          /* the chunk's directory, relative to the output root */
	struct vt_span obj;       /* the parent's bytes */
	bool obj_mapped;          /* obj is a read-only file mapping: its pages may be released */
	uint64_t since_release;   /* bytes written since the mapping's pages were released */
	uint64_t budget;          /* bytes this chunk may still produce */
	bool limit_reported;
	struct vt_object **kids;  /* files to queue once the chunk is done (malloc'ed) */
	size_t nkids, capkids;
};

/* Queues the chunk's new files and frees the list. */
void vti_xctx_finish(struct vt_xctx *x);

#endif
