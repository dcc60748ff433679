/* format.h - the contract between the extraction engine and one format handler.
 *
 * A handler is one file, fmt_<name>.c, exporting `const struct vt_format vt_format_<name>`
 * and registered by one line in its group's list.h (see format_list.h). The engine:
 *   1. finds candidates: every magic literal of every format, in one hyperscan pass over
 *      the object (a hit of pattern P at offset h means a header at h - P.at);
 *   2. calls identify() for each candidate, which validates the header, computes the
 *      real extent and a confidence (bits verified, as libarchive's bidders do);
 *   3. keeps non-overlapping chunks (highest confidence first where candidates overlap,
 *      scanning resumes after a chunk's extent) and classifies the gaps;
 *   4. calls extract() for each chunk, which emits children through the vt_x_* calls
 *      below; every child with content goes back to step 1 (a work queue, not recursion).
 * A stream format whose end is only found by decoding all of it (deflate, LZMA) need not
 * decode it twice: identify() may stop once a bounded prefix decoded cleanly and mark the
 * match open (m->open); the engine then extracts that chunk at once, before choosing the
 * next ones, and extract() reports the real extent with vt_x_extent() as it finds it.
 *
 * Input is hostile. Handlers read the object only through the span accessors
 * (vt_span_u32le ...), check arithmetic on values read from input (vt_add_ok,
 * vt_mul_ok), and bound every loop. A malformed part is reported with vt_x_diag() and
 * extraction goes on with what is still valid: nothing already emitted is lost. Output
 * size is bounded by the engine (vt_x_file_write returns VT_ELIMIT), never by trusting a
 * size field in the input.
 */
#ifndef VT_FORMAT_H
#define VT_FORMAT_H

#include "core/internal.h"

/* ---- description of a format ---- */

struct vt_magic_pat {
	const void *bytes; /* the literal (may contain NUL bytes) */
	size_t len;        /* at least 2; prefer 4 or more */
	size_t at;         /* offset of the literal from the start of the format's header */
};

#define VT_MAGIC(lit, at_) {(lit), sizeof(lit) - 1, (at_)}
#define VT_MAGIC_END {NULL, 0, 0}

enum {
	/* Only considered at offset 0 of an object (formats whose magic is too weak to
	 * carve from the middle of arbitrary data). */
	VT_FMT_AT_START = 1u << 0,
	/* The chunk's children are the object's content itself, re-scanned as a whole
	 * (e.g. a stream compressor's single output); informational. */
	VT_FMT_STREAM = 1u << 1,
	/* The chunk does not hide what is inside it: candidates within its extent are
	 * still tried as chunks of the same object (an uncompressed kernel Image with a
	 * built-in initramfs). Such a chunk is not part of the gap map. */
	VT_FMT_TRANSPARENT = 1u << 2,
};

struct vt_match {
	uint64_t offset;     /* set by the engine: where the header starts in the object */
	uint64_t length;     /* set by identify: the chunk's extent (> 0, within the object) */
	unsigned confidence; /* set by identify: bits verified (magic, checksums, sane fields) */
	bool truncated;      /* set by identify: the format's data runs past the object's end;
			      * length then reaches the end and extract emits what it can. The
			      * engine drops truncated candidates with confidence below 48 */
	const char *variant; /* set by identify, static string: "newc", "squashfs 4 xz", ... */
	bool open;           /* set by identify: the extent is not known yet (the data decoded
			      * cleanly as far as identify went, see vt_identify_may_stop). The
			      * engine sets length to reach the object's end and truncated to
			      * false; extract must call vt_x_extent. An open match needs a
			      * confidence of at least 48, as it may turn out to be truncated */
	uint64_t u[6];       /* private to the handler: values identify found, for extract */
};

struct vt_xctx;

struct vt_format {
	const char *name;        /* short, lowercase, unique: "gzip", "squashfs" */
	const char *description; /* "gzip compressed data (RFC 1952)" */
	const struct vt_magic_pat *magics; /* terminated by VT_MAGIC_END; NULL: none */
	unsigned flags;
	/* Is there a valid chunk of this format at m->offset of obj? VT_OK with m->length,
	 * m->confidence (and m->variant, m->truncated, m->u) set; VT_EFORMAT or VT_ETRUNC
	 * when not. Must be fast to reject: it runs for every magic hit. Must not allocate
	 * more than a few KiB, and must not write anywhere but *m. */
	vt_err (*identify)(struct vt_span obj, struct vt_match *m);
	/* Emits the chunk's children. `chunk` is [m->offset, m->offset + m->length) of the
	 * object (for an open match: to the object's end). Returns VT_OK, or an error after
	 * emitting what it could (the engine turns it into a diagnostic on the chunk). Return
	 * VT_ELIMIT promptly when a vt_x_* call returns it. */
	vt_err (*extract)(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m);
};

/* When a stream handler's identify(), having taken `in` bytes of input that decoded to
 * `out` bytes without error, may stop and leave the extent open (m->open) for extract()
 * to settle: after 256 KiB of output from at least 32 KiB of input (the most evidence a
 * stream that has not ended can give, see compress/evidence.h; extract() reports the
 * final confidence). Shorter streams are settled by identify() alone; of a long one,
 * only the first part is decoded twice. */
static inline bool vt_identify_may_stop(uint64_t in, uint64_t out)
{
	return out >= (256u << 10) && in >= (32u << 10);
}

/* ---- emitting children (implemented by the engine, lib/tree/xctx.c) ----
 *
 * Paths are as the container stores them (any bytes, '/'-separated, relative or
 * absolute); the engine sanitises them: absolute names and '..' are rebased inside the
 * chunk's directory and reported, writing through a symbolic link is refused and
 * reported, names are never followed. Each call returns VT_OK when the child was
 * recorded (or was refused with a diagnostic: go on), VT_ELIMIT when a limit stops the
 * extraction of this chunk (stop and return VT_ELIMIT), VT_ENOMEM, or VT_EIO when the
 * output cannot be written (stop). */

struct vt_xmeta {
	uint32_t mode;  /* permission bits incl. setuid/setgid/sticky; 0 for "unknown" */
	uint32_t uid, gid;
	int64_t mtime;  /* Unix seconds; 0 for unknown */
};

struct vt_xfile;

vt_err vt_x_dir(struct vt_xctx *x, const char *path, const struct vt_xmeta *m) VT_MUST_CHECK;

/* A regular file whose content is in memory (or a sub-span of the chunk). */
vt_err vt_x_file(struct vt_xctx *x, const char *path, const struct vt_xmeta *m,
		 struct vt_span data) VT_MUST_CHECK;

/* A regular file written in pieces (decompressor output). On success *f is open; write
 * with vt_x_file_write and always finish with vt_x_file_close, also after an error (the
 * part written so far is kept as a truncated child). */
vt_err vt_x_file_open(struct vt_xctx *x, const char *path, const struct vt_xmeta *m,
		      struct vt_xfile **f) VT_MUST_CHECK;
vt_err vt_x_file_write(struct vt_xfile *f, const void *p, size_t n) VT_MUST_CHECK;
/* Closes f; `complete` false marks the file as truncated (a diagnostic on it). Returns the
 * first error of the file's writes or of closing it. f is freed in every case. */
vt_err vt_x_file_close(struct vt_xfile *f, bool complete);

/* A symbolic link, stored as such and never followed. */
vt_err vt_x_symlink(struct vt_xctx *x, const char *path, const char *target,
		    const struct vt_xmeta *m) VT_MUST_CHECK;

/* A hard link to `target`, an earlier member of the same chunk (same path rules). */
vt_err vt_x_hardlink(struct vt_xctx *x, const char *path, const char *target) VT_MUST_CHECK;

/* A device node, fifo or socket: recorded in the object tree, never created. */
vt_err vt_x_special(struct vt_xctx *x, const char *path, enum vt_obj_kind kind, uint32_t major,
		    uint32_t minor, const struct vt_xmeta *m) VT_MUST_CHECK;

/* For an open match (m->open) only, once extract() knows it: the chunk's real extent
 * from its start (0 < length <= chunk.len), whether its data runs past the object's end,
 * and its confidence now that all of it was decoded (0 keeps identify's). The engine
 * resumes choosing chunks after it. Without this call the chunk reaches the object's end.
 * Ignored for other matches. */
void vt_x_extent(struct vt_xctx *x, uint64_t length, bool truncated, unsigned confidence);

/* For an open match only, as extract() decodes: `in` bytes of the chunk taken so far gave
 * `out` bytes of output. The chunk's expansion-ratio budget is measured against the
 * input taken (its extent is not known yet), so call this before each write; without it
 * an open chunk may produce 64 MiB at most. Ignored for other matches. */
void vt_x_progress(struct vt_xctx *x, uint64_t in, uint64_t out);

/* A diagnostic on the chunk being extracted. */
void vt_x_diag(struct vt_xctx *x, enum vt_severity sev, vt_err code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Decoding in parallel (independent blocks of one file): fn(arg, i, slot) runs for
 * every i in [0, n) on this thread and on up to `helpers` idle workers of the review,
 * and this returns when all have finished. slot (0 on this thread) is distinct among the
 * calls running at once: index per-slot state (a decompressor, a buffer) with it. fn
 * must not call vt_x_* (emit children after this returns, in order) nor wait on other
 * work. vt_x_parallel_slots() is the most slots worth preparing (1: no other worker). */
unsigned vt_x_parallel_slots(struct vt_xctx *x);
void vt_x_parallel(struct vt_xctx *x, size_t n, unsigned helpers,
		   void (*fn)(void *arg, size_t i, unsigned slot), void *arg);

/* An arena for the handler's temporary strings, freed with the review. */
struct vt_arena *vt_x_arena(struct vt_xctx *x);

/* A name for a single-stream format's output when the stream stores none: the object's
 * base name without its last extension ("initrd" for "initrd.gz"), or "data". */
const char *vt_x_name_hint(struct vt_xctx *x);

/* How many more bytes this chunk may produce in total before VT_ELIMIT (the smaller of
 * the chunk's expansion-ratio budget and the review's remaining byte budget): for
 * sizing buffers, never trusted input. */
uint64_t vt_x_budget(struct vt_xctx *x);

/* The object's bytes around the chunk, for formats whose members refer outside their
 * own extent (rare; most handlers use only `chunk`). */
struct vt_span vt_x_object(struct vt_xctx *x);

/* ---- the table ---- */

/* Every format, in table order; NULL-terminated. */
const struct vt_format *const *vti_formats(void);

/* The format called `name`, NULL if none. */
const struct vt_format *vti_format_find(const char *name);

#endif
