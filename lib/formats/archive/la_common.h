/* la_common.h - what the archive handlers share: driving libarchive over a chunk, and the
 * parsers of the ASCII number fields their header walks read.
 *
 * Extraction of every archive format goes through libarchive with exactly one format
 * reader enabled and no filter (compressed layers are separate chunks), reading the
 * chunk span from memory. libarchive entries become vt_x_* children with their mode
 * (setuid included), owner and mtime; names and link targets are passed as stored.
 */
#ifndef VT_LA_COMMON_H
#define VT_LA_COMMON_H

#include "formats/format.h"

struct archive;

struct vti_la_spec {
	const char *what; /* "tar archive": for messages */
	/* Enables the one format reader (archive_read_support_format_tar ...) and its
	 * options; returns an ARCHIVE_* status. */
	int (*setup)(struct archive *a);
	/* The data of a multiply-linked file may come with its last link (cpio newc):
	 * empty multiply-linked files wait until their data arrives. */
	bool defer_links;
	/* Members that are not files of the archive (an ar symbol table); NULL: none. */
	bool (*skip)(const char *path);
};

/* Extracts `chunk` through libarchive as `spec` says; *members (may be NULL) counts the
 * members read. Members read before an error are kept; the error is reported with
 * vt_x_diag and returned (VT_EFORMAT), as are the engine's VT_ELIMIT, VT_ENOMEM and
 * VT_EIO. */
vt_err vti_la_extract(struct vt_xctx *x, struct vt_span chunk, const struct vti_la_spec *spec,
		      size_t *members) VT_MUST_CHECK;

/* How vti_la_num reads a field. */
enum vti_la_numstyle {
	VTI_LA_EXACT,  /* every byte is a digit (cpio) */
	VTI_LA_PADDED, /* optional leading spaces, digits, then spaces or NULs (tar, ar) */
};

/* The number in the `len`-byte field at `off` of s, in base 8, 10 or 16. false when the
 * field is out of s, holds something else, has no digit, or overflows 64 bits. */
bool vti_la_num(struct vt_span s, size_t off, size_t len, unsigned base,
		enum vti_la_numstyle style, uint64_t *v);

/* True when the n bytes at off of s are all zero (false when they do not fit). */
bool vti_la_zero(struct vt_span s, size_t off, size_t n);

/* The offset of the first `needle` (n bytes) in s at or after `from`; false if none. */
bool vti_la_find(struct vt_span s, size_t from, const void *needle, size_t n, size_t *at);

/* Rounds v up to a multiple of `align` (a power of two); false on overflow. */
bool vti_la_align(uint64_t v, uint64_t align, uint64_t *out);

#endif
