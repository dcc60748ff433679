/* phash.h - SHA-256 of a large extracted file computed while it is written (phash.c). */
#ifndef VT_PHASH_H
#define VT_PHASH_H

#include "review/review_int.h"

struct vti_phash;

/* Marks a file for which pipelined hashing was tried and is not available. */
#define VTI_PHASH_OFF ((struct vti_phash *)1)

/* The file at `disk` (relative to the output root) now holds `size` bytes: starts the
 * pipelined hash once the file is large enough and the review has a free processor, and
 * queues a catch-up now and then. *hp starts NULL. */
void vti_phash_wrote(struct vti_phash **hp, struct vt_review *r, const char *disk,
		     uint64_t size);

/* The file is complete at `size` bytes: hashes the rest, writes the digest to out and
 * returns true when every byte was hashed; frees h (NULL and VTI_PHASH_OFF allowed). */
bool vti_phash_close(struct vti_phash *h, uint64_t size, uint8_t out[VT_SHA256_LEN]);

#endif
