/* sqfs3_read.h - blocks and metadata tables of SquashFS 3.x images (see sqfs3_read.c). */
#ifndef VT_SQFS3_READ_H
#define VT_SQFS3_READ_H

#include <lzma.h>
#define ZLIB_CONST
#include <zlib.h>

#include "formats/format.h"

#define SQ3_META_SIZE 8192

/* Decompressors, set up on first use and reused for every block. */
struct sq3_codec {
	z_stream z;
	bool z_ready;
	lzma_stream lz;
	unsigned lzma_blocks, zlib_blocks; /* blocks each one decoded */
};

void vti_sq3_codec_free(struct sq3_codec *c);

/* Decompresses one block: zlib, or LZMA with the 13-byte .lzma header or with none (the
 * squashfs-lzma variants), told apart by the first byte. The input must decode to at
 * most `cap` bytes (exactly `expect` when that is not 0); *n receives how many.
 * VT_EFORMAT when it does not. */
vt_err vti_sq3_decompress(struct sq3_codec *c, struct vt_span in, uint8_t *out, size_t cap,
			  size_t expect, size_t *n) VT_MUST_CHECK;

/* One metadata block of a decoded table. */
struct sq3_mblock {
	uint64_t disk;  /* offset of its header from the table's start */
	size_t upos;    /* where its bytes start in the decoded table */
	size_t run_end; /* where the run of good consecutive blocks it belongs to ends */
	size_t run;     /* which run: a block that does not decode ends one */
};

/* A metadata table (inode or directory table) decoded whole. */
struct sq3_table {
	uint8_t *data;
	size_t len;
	struct sq3_mblock *blocks;
	size_t n, cap;
	unsigned bad;       /* blocks that did not decode (skipped) */
	bool stopped;       /* decoding stopped before the table's end */
	uint64_t stop_at;   /* where, from the image's start */
	vt_err stop_err;
};

/* How the image stores metadata block headers. */
struct sq3_fmt {
	bool be;    /* big endian */
	bool check; /* a check byte follows each header (SQUASHFS_CHECK) */
};

/* Decodes the metadata blocks in [start, end) of img (at most `max` decoded bytes). A
 * block whose header is sane but whose data does not decode is skipped and ends a run;
 * a bad header stops the table. Fails only on VT_ENOMEM. */
vt_err vti_sq3_table_load(struct sq3_table *t, struct sq3_codec *c, struct vt_span img,
			  struct sq3_fmt f, uint64_t start, uint64_t end, size_t max) VT_MUST_CHECK;
void vti_sq3_table_free(struct sq3_table *t);

/* The decoded bytes from `offset` in the block at `block` (from the table's start) to the
 * end of its run; false when there is no such decoded block. */
bool vti_sq3_table_at(const struct sq3_table *t, uint64_t block, size_t offset,
		      struct vt_span *out);

/* Reads the metadata block at off into out (SQ3_META_SIZE bytes); *n: its decoded size,
 * *next: where the following block starts. */
vt_err vti_sq3_meta_block(struct sq3_codec *c, struct vt_span img, struct sq3_fmt f,
			  uint64_t off, uint8_t *out, size_t *n, uint64_t *next) VT_MUST_CHECK;

#endif
