/* sigscan.h - one hyperscan pass over an object for every format's magic literals. */
#ifndef VT_SIGSCAN_H
#define VT_SIGSCAN_H

#include "formats/format.h"

struct vti_sigdb;
struct hs_scratch;

/* A candidate: the format `fmt` (index in vti_formats()) may start at `off`. */
struct vti_cand {
	uint64_t off;
	uint32_t fmt;
};

/* The database of the literals of every format: the one built in at build time when it
 * fits (same pattern table, this CPU), else compiled now. */
vt_err vti_sigdb_new(struct vti_sigdb **db) VT_MUST_CHECK;
void vti_sigdb_free(struct vti_sigdb *db);

/* The same from the serialized database `blob` (as vti_sigdb_serialize made it, with its
 * digest) when it fits, else compiled now; vti_sigdb_new passes the built-in one. */
vt_err vti_sigdb_new_from(struct vti_sigdb **db, const void *blob, size_t len,
			 uint64_t digest) VT_MUST_CHECK;

/* Whether db was deserialized rather than compiled (tests). */
bool vti_sigdb_is_builtin(const struct vti_sigdb *db);

/* Build time (sigdb_gen.c): compiles the database and serializes it; *bytes is
 * malloc'ed (NULL with *len 0 when no format has a magic), *digest identifies the
 * pattern table it was made from. */
vt_err vti_sigdb_serialize(char **bytes, size_t *len, uint64_t *digest) VT_MUST_CHECK;

/* The built-in database (sigdb_blob.c, generated at build time; empty when the build
 * could not run the generator). */
extern const unsigned char vti_sigdb_blob[];
extern const size_t vti_sigdb_blob_len;
extern const uint64_t vti_sigdb_blob_digest;

/* Per-thread scratch space for scanning with db; NULL on failure. */
struct hs_scratch *vti_sigdb_scratch(struct vti_sigdb *db);
void vti_sigdb_scratch_free(struct hs_scratch *s);

/* Called once for each consecutive piece of the span as the scan passes it, in order,
 * each byte exactly once (to hash in the same pass, and release mapped pages). */
typedef vt_err (*vti_window_fn)(const uint8_t *p, size_t n, void *ud);

/* Scans s in windows of a few MiB: candidates sorted by offset then format index,
 * without duplicates, in *out (malloc'ed, *n entries). Formats without magics get a
 * candidate at 0; formats flagged VT_FMT_AT_START only at 0. At most `max` candidates:
 * *capped tells whether more were dropped (the scan and `each` still cover all of s).
 * `each` may be NULL; its error stops the scan and is returned. */
vt_err vti_sigscan(struct vti_sigdb *db, struct hs_scratch *scratch, struct vt_span s, size_t max,
		   vti_window_fn each, void *ud, struct vti_cand **out, size_t *n,
		   bool *capped) VT_MUST_CHECK;

/* The class of a gap: "padding" (one byte value repeated), "text" (95% printable),
 * "compressed/encrypted" (entropy above 7.5 bits per byte over at least 256 bytes), or
 * "data"; *entropy gets its Shannon entropy in bits per byte (0..8). Gaps over 1 MiB are
 * sampled (64 evenly spaced pieces of 16 KiB). */
const char *vti_gap_stats(struct vt_span s, double *entropy);

#endif
