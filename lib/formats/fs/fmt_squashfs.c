/* fmt_squashfs.c - SquashFS 4.0 images (Linux 2.6.29 and later), every compressor.
 *
 * The image is read through libsquashfs (squashfs-tools-ng 1.2) over an sqfs_file_t that
 * serves the chunk's span only (sqfs_io.c: reads bounds-checked, writes refused): the
 * library's compressors (gzip, lzma, xz, lz4, zstd), metadata reader, directory and inode
 * decoding, id and fragment tables. Debian builds libsquashfs without LZO, so LZO blocks
 * go through liblzo2 (sqfs_io.c).
 *
 * The input is hostile. The superblock is checked here, not by the library, so that a
 * truncated image still yields what precedes the cut. Before libsquashfs decodes an
 * inode, its variable-length parts (block list, symlink target, directory index) are
 * checked against what the inode table can hold, as the library sizes its allocations
 * by those fields. File data is read here rather than through sqfs_data_reader: its
 * get_block walks the block list from the start for every block (quadratic on a hostile
 * block count) and get_fragment checks the fragment's bounds in 32-bit arithmetic. Each
 * block is decompressed into a buffer of exactly its expected size and streamed out; a
 * damaged block becomes zeros, a diagnostic and an incomplete file.
 */
#include "formats/format.h"

#include <sqfs/block.h>
#include <sqfs/compressor.h>
#include <sqfs/dir.h>
#include <sqfs/error.h>
#include <sqfs/frag_table.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/meta_reader.h>
#include <sqfs/super.h>

#include "formats/fs/fs_walk.h"
#include "formats/fs/sqfs_io.h"

#define SB_SIZE 96
#define META_SIZE 8192
#define NO_TABLE UINT64_MAX
#define MAX_SYMLINK 4096 /* bytes in a symbolic link target (the kernel's PATH_MAX) */
#define PAD 4096         /* mksquashfs pads images to 4 KiB with zeros */
#define MAX_FILE_BLOCKS (1u << 24) /* blocks of one file (64 GiB of 4 KiB blocks) */

/* ---- superblock ---- */

static const char *const variants[] = {
	"squashfs 4 unknown", "squashfs 4 gzip", "squashfs 4 lzma", "squashfs 4 lzo",
	"squashfs 4 xz",      "squashfs 4 lz4",  "squashfs 4 zstd",
};

static bool pow2_log(uint32_t v, uint16_t log)
{
	return log < 32 && v == (uint32_t)1 << log;
}

/* Reads and checks the superblock at the start of s; *bits counts what was verified. */
static vt_err read_super(struct vt_span s, sqfs_super_t *sb, unsigned *bits)
{
	if (!vt_span_has(s, 0, SB_SIZE))
		return VT_ETRUNC;
	if (vt_span_u32le(s, 0, &sb->magic) || sb->magic != SQFS_MAGIC ||
	    vt_span_u16le(s, 28, &sb->version_major) || sb->version_major != 4 ||
	    vt_span_u16le(s, 30, &sb->version_minor) || sb->version_minor != 0)
		return VT_EFORMAT;
	if (vt_span_u32le(s, 4, &sb->inode_count) ||
	    vt_span_u32le(s, 8, &sb->modification_time) ||
	    vt_span_u32le(s, 12, &sb->block_size) ||
	    vt_span_u32le(s, 16, &sb->fragment_entry_count) ||
	    vt_span_u16le(s, 20, &sb->compression_id) || vt_span_u16le(s, 22, &sb->block_log) ||
	    vt_span_u16le(s, 24, &sb->flags) || vt_span_u16le(s, 26, &sb->id_count) ||
	    vt_span_u64le(s, 32, &sb->root_inode_ref) || vt_span_u64le(s, 40, &sb->bytes_used) ||
	    vt_span_u64le(s, 48, &sb->id_table_start) ||
	    vt_span_u64le(s, 56, &sb->xattr_id_table_start) ||
	    vt_span_u64le(s, 64, &sb->inode_table_start) ||
	    vt_span_u64le(s, 72, &sb->directory_table_start) ||
	    vt_span_u64le(s, 80, &sb->fragment_table_start) ||
	    vt_span_u64le(s, 88, &sb->export_table_start))
		return VT_ETRUNC;
	*bits = 64;
	if (sb->block_size < SQFS_MIN_BLOCK_SIZE || sb->block_size > SQFS_MAX_BLOCK_SIZE ||
	    !pow2_log(sb->block_size, sb->block_log))
		return VT_EFORMAT;
	*bits += 16;
	if (sb->compression_id < SQFS_COMP_MIN || sb->compression_id > SQFS_COMP_MAX)
		return VT_EFORMAT;
	*bits += 8;
	uint64_t used = sb->bytes_used;
	if (used < SB_SIZE || sb->inode_count == 0 || sb->id_count == 0 ||
	    sb->inode_table_start < SB_SIZE ||
	    sb->inode_table_start >= sb->directory_table_start ||
	    sb->directory_table_start >= used || sb->id_table_start >= used)
		return VT_EFORMAT;
	if ((sb->fragment_table_start != NO_TABLE && sb->fragment_table_start >= used) ||
	    (sb->export_table_start != NO_TABLE && sb->export_table_start >= used) ||
	    (sb->xattr_id_table_start != NO_TABLE && sb->xattr_id_table_start >= used))
		return VT_EFORMAT;
	*bits += 16;
	if ((sb->root_inode_ref >> 16) >= sb->directory_table_start - sb->inode_table_start ||
	    (sb->root_inode_ref & 0xffff) >= META_SIZE)
		return VT_EFORMAT;
	*bits += 8;
	return VT_OK;
}

/* True when the 2-byte header of a metadata block at off is plausible (when present). */
static bool meta_header_ok(struct vt_span s, uint64_t off, bool *present)
{
	uint16_t h;
	*present = off <= SIZE_MAX && !vt_span_u16le(s, (size_t)off, &h);
	return !*present || ((h & 0x7fff) != 0 && (h & 0x7fff) <= META_SIZE);
}

static vt_err identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	sqfs_super_t sb;
	unsigned bits = 0;
	bool present;
	vt_err e;

	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	if ((e = read_super(s, &sb, &bits)) != VT_OK)
		return e;
	if (!meta_header_ok(s, sb.inode_table_start, &present))
		return VT_EFORMAT;
	bits += present ? 8 : 0;

	m->variant = variants[sb.compression_id];
	m->confidence = bits;
	if (sb.bytes_used > s.len) {
		m->truncated = true;
		m->length = s.len;
		return VT_OK;
	}
	m->length = sb.bytes_used;
	/* the zero padding mksquashfs adds up to 4 KiB belongs to the image */
	uint64_t padded = (sb.bytes_used + PAD - 1) / PAD * PAD;
	uint8_t b = 0;
	size_t i = (size_t)sb.bytes_used;
	while (i < padded && !vt_span_u8(s, i, &b) && b == 0)
		i++;
	if (i == padded)
		m->length = padded;
	return VT_OK;
}

/* ---- extraction state ---- */

/* One data block of a window. */
struct blk {
	uint64_t off;
	uint32_t word;
	size_t want, got;
	int r;
};

struct sq4 {
	struct vti_fsw w;
	struct vti_sqfs_file file;
	sqfs_super_t sb;
	bool truncated;             /* the chunk ends before bytes_used */
	sqfs_compressor_t *cmp;
	sqfs_meta_reader_t *im, *dm; /* inode and directory tables */
	uint64_t dir_end;           /* where the directory table ends at the latest */
	sqfs_id_table_t *ids;
	sqfs_frag_table_t *frags;   /* NULL when the image has none or it is unreadable */
	uint8_t *scratch, *block, *frag; /* block_size bytes each */
	size_t frag_len;
	uint32_t frag_idx;
	bool frag_ok;               /* frag holds fragment block frag_idx */
	uint64_t max_blocks;        /* most blocks an inode's block list can have */
	/* A file's data blocks are decoded a window at a time, in parallel when the review
	 * has free workers: slot k (0: this thread) has its own decompressor and scratch.
	 * Until prepare_slots() finds workers, the window is one block: win1 into block. */
	unsigned nslots;            /* slots with a decompressor */
	sqfs_compressor_t **cmps;   /* [nslots]; cmps[0] is cmp */
	uint8_t **scratches;        /* [nslots]; scratches[0] is scratch */
	struct blk *win;            /* [wlen] */
	uint8_t *winbuf;            /* wlen blocks of output */
	size_t wlen;                /* blocks in a window */
	struct blk win1;
	bool par_tried;             /* the per-slot state was attempted */
};

#define WINDOW_PER_SLOT 4
#define MAX_WINDOW_BYTES (8u << 20)


static vt_err sq_err(int r)
{
	switch (r) {
	case SQFS_ERROR_ALLOC:
		return VT_ENOMEM;
	case SQFS_ERROR_OUT_OF_BOUNDS:
		return VT_ETRUNC;
	case SQFS_ERROR_UNSUPPORTED:
		return VT_EUNSUPPORTED;
	case SQFS_ERROR_OVERFLOW:
		return VT_EOVERFLOW;
	default:
		return VT_EFORMAT;
	}
}

static const char *sq_why(int r)
{
	switch (r) {
	case SQFS_ERROR_ALLOC:
		return "out of memory";
	case SQFS_ERROR_OUT_OF_BOUNDS:
		return "it lies outside the image";
	case SQFS_ERROR_COMPRESSOR:
		return "it does not decompress";
	case SQFS_ERROR_UNSUPPORTED:
		return "it uses an unsupported feature";
	case SQFS_ERROR_OVERFLOW:
		return "a size in it overflows";
	default:
		return "it is corrupted";
	}
}

/* Where the table starting at `start` ends at the latest: the next table's start. */
static uint64_t table_end(const sqfs_super_t *sb, uint64_t start)
{
	uint64_t cand[] = {sb->inode_table_start, sb->directory_table_start,
			   sb->fragment_table_start, sb->export_table_start,
			   sb->id_table_start, sb->xattr_id_table_start};
	uint64_t end = sb->bytes_used;
	for (size_t i = 0; i < VT_ARRAY_LEN(cand); i++)
		if (cand[i] != NO_TABLE && cand[i] > start && cand[i] < end)
			end = cand[i];
	return end;
}

static vt_err open_compressor(struct sq4 *q)
{
	sqfs_compressor_config_t cfg;
	int r;

	if (q->sb.compression_id == SQFS_COMP_LZO)
		r = vti_sqfs_lzo_create(q->sb.block_size, &q->cmp);
	else if ((r = sqfs_compressor_config_init(&cfg, q->sb.compression_id, q->sb.block_size,
						   SQFS_COMP_FLAG_UNCOMPRESS)) == 0)
		r = sqfs_compressor_create(&cfg, &q->cmp);
	if (r) {
		vt_x_diag(q->w.x, VT_SEV_ERROR, VT_EUNSUPPORTED,
			  "cannot decompress '%s' blocks: libsquashfs: %s",
			  sqfs_compressor_name_from_id(q->sb.compression_id), sq_why(r));
		return r == SQFS_ERROR_ALLOC ? VT_ENOMEM : VT_EUNSUPPORTED;
	}
	if ((q->sb.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) &&
	    (r = q->cmp->read_options(q->cmp, &q->file.base)) != 0)
		vti_fsw_diag(&q->w, sq_err(r), "compressor options at 0x%x are unusable: %s",
			     SB_SIZE, sq_why(r));
	return VT_OK;
}

static void open_tables(struct sq4 *q)
{
	sqfs_super_t *sb = &q->sb;
	int r;

	q->ids = sqfs_id_table_create(0);
	if (q->ids && (r = sqfs_id_table_read(q->ids, &q->file.base, sb, q->cmp)) != 0) {
		vti_fsw_diag(&q->w, sq_err(r), "id table at 0x%" PRIx64 " is unusable: %s",
			     sb->id_table_start, sq_why(r));
		sqfs_destroy(q->ids);
		q->ids = NULL;
	}
	if (sb->fragment_entry_count == 0 || sb->fragment_table_start == NO_TABLE)
		return;
	/* libsquashfs allocates the whole table first: every fragment block holds data of a
	 * file, before the inode table and inside the chunk, and the table's index of one
	 * pointer per 512 entries must be inside the chunk too */
	uint64_t n = sb->fragment_entry_count, len = q->file.s.len;
	if (n > sb->inode_table_start || n > len || sb->fragment_table_start > len ||
	    (n + 511) / 512 * 8 > len - sb->fragment_table_start) {
		vti_fsw_diag(&q->w, q->truncated ? VT_ETRUNC : VT_EFORMAT, "fragment table at 0x%"
			     PRIx64 " declares %" PRIu64 " entries, more than the image holds",
			     sb->fragment_table_start, n);
		return;
	}
	q->frags = sqfs_frag_table_create(0);
	if (q->frags && (r = sqfs_frag_table_read(q->frags, &q->file.base, sb, q->cmp)) != 0) {
		vti_fsw_diag(&q->w, sq_err(r), "fragment table at 0x%" PRIx64 " is unusable: %s",
			     sb->fragment_table_start, sq_why(r));
		sqfs_destroy(q->frags);
		q->frags = NULL;
	}
}

/* (Re)creates the metadata readers. libsquashfs 1.2's reader keeps its cached block
 * number when loading another block fails half-way (the buffer then holds the failed
 * block's bytes): after any error a reader is replaced, never reused. */
static vt_err reset_readers(struct sq4 *q, bool inodes, bool dirs)
{
	if (inodes) {
		sqfs_destroy(q->im);
		q->im = sqfs_meta_reader_create(&q->file.base, q->cmp, q->sb.inode_table_start,
						q->sb.directory_table_start);
	}
	if (dirs) {
		sqfs_destroy(q->dm);
		q->dm = sqfs_meta_reader_create(&q->file.base, q->cmp,
						q->sb.directory_table_start, q->dir_end);
	}
	return q->im && q->dm ? VT_OK : VT_ENOMEM;
}

static vt_err open_image(struct sq4 *q, struct vt_span chunk, const struct vt_match *m)
{
	unsigned bits;
	vt_err e;

	vti_sqfs_file_init(&q->file, chunk);
	if ((e = read_super(chunk, &q->sb, &bits)) != VT_OK)
		return e;
	q->truncated = m->truncated || q->sb.bytes_used > chunk.len;
	/* a block list lies in the inode table, whose metadata blocks of 3 bytes or more on
	 * disk hold 8 KiB at most, and the cap keeps libsquashfs's allocation sane */
	uint64_t itab = VT_MIN(q->sb.directory_table_start, (uint64_t)chunk.len) -
			VT_MIN(q->sb.inode_table_start, (uint64_t)chunk.len);
	q->max_blocks = VT_MIN((itab / 3 + 1) * META_SIZE / 4, MAX_FILE_BLOCKS);
	if ((e = open_compressor(q)) != VT_OK)
		return e;
	q->dir_end = table_end(&q->sb, q->sb.directory_table_start);
	q->scratch = malloc(q->sb.block_size);
	q->block = malloc(q->sb.block_size);
	q->frag = malloc(q->sb.block_size);
	if (reset_readers(q, true, true) || !q->scratch || !q->block || !q->frag)
		return VT_ENOMEM;
	q->nslots = 1;
	q->cmps = &q->cmp;
	q->scratches = &q->scratch;
	q->win = &q->win1;
	q->winbuf = q->block;
	q->wlen = 1;
	open_tables(q);
	return VT_OK;
}

static void close_image(struct sq4 *q)
{
	sqfs_destroy(q->frags);
	sqfs_destroy(q->ids);
	sqfs_destroy(q->dm);
	sqfs_destroy(q->im);
	if (q->cmps != &q->cmp) { /* prepare_slots() made them */
		for (unsigned k = 1; k < q->nslots; k++) {
			sqfs_destroy(q->cmps[k]);
			free(q->scratches[k]);
		}
		free(q->cmps);
		free(q->scratches);
		free(q->win);
		free(q->winbuf);
	}
	sqfs_destroy(q->cmp);
	free(q->scratch);
	free(q->block);
	free(q->frag);
}

/* ---- inodes ---- */

static uint64_t block_count(uint64_t size, uint32_t bs, uint32_t frag_idx, uint32_t frag_off)
{
	uint64_t n = size / bs;
	if (size % bs && (frag_idx == 0xffffffffu || frag_off == 0xffffffffu))
		n++;
	return n;
}

/* Checks the variable-length parts of the inode at ref before libsquashfs sizes its
 * allocations by them. Returns an SQFS_ERROR value or 0. */
static int peek_inode(struct sq4 *q, uint64_t ref)
{
	uint8_t b[40];
	uint16_t type;
	int r;

	if ((ref & 0xffff) >= META_SIZE)
		return SQFS_ERROR_OUT_OF_BOUNDS;
	r = sqfs_meta_reader_seek(q->im, q->sb.inode_table_start + (ref >> 16), ref & 0xffff);
	if (r || (r = sqfs_meta_reader_read(q->im, b, 16)))
		return r;
	type = (uint16_t)(b[0] | b[1] << 8);
	struct vt_span v = vt_span_make(b, sizeof(b));
	if (type == SQFS_INODE_EXT_FILE) {
		uint64_t size;
		uint32_t fi, fo;
		if ((r = sqfs_meta_reader_read(q->im, b, 40)))
			return r;
		if (vt_span_u64le(v, 8, &size) || vt_span_u32le(v, 28, &fi) ||
		    vt_span_u32le(v, 32, &fo))
			return SQFS_ERROR_INTERNAL;
		if (block_count(size, q->sb.block_size, fi, fo) > q->max_blocks)
			return SQFS_ERROR_OVERFLOW;
	} else if (type == SQFS_INODE_SLINK || type == SQFS_INODE_EXT_SLINK) {
		uint32_t n;
		if ((r = sqfs_meta_reader_read(q->im, b, 8)))
			return r;
		if (vt_span_u32le(v, 4, &n))
			return SQFS_ERROR_INTERNAL;
		if (n == 0 || n > MAX_SYMLINK)
			return SQFS_ERROR_CORRUPTED;
	} else if (type == SQFS_INODE_EXT_DIR) {
		uint16_t count;
		uint32_t size;
		if ((r = sqfs_meta_reader_read(q->im, b, 24)))
			return r;
		if (vt_span_u16le(v, 16, &count))
			return SQFS_ERROR_INTERNAL;
		for (unsigned i = 0; i < count; i++) {
			uint8_t name[VTI_FSW_MAX_NAME];
			if ((r = sqfs_meta_reader_read(q->im, b, 12)))
				return r;
			if (vt_span_u32le(v, 8, &size))
				return SQFS_ERROR_INTERNAL;
			if (size >= VTI_FSW_MAX_NAME)
				return SQFS_ERROR_CORRUPTED;
			if ((r = sqfs_meta_reader_read(q->im, name, size + 1)))
				return r;
		}
	}
	return 0;
}

static int read_inode(struct sq4 *q, uint64_t ref, sqfs_inode_generic_t **ino)
{
	int r = peek_inode(q, ref);
	if (!r)
		r = sqfs_meta_reader_read_inode(q->im, &q->sb, ref >> 16, ref & 0xffff, ino);
	return r;
}

static uint32_t lookup_id(struct sq4 *q, uint16_t idx)
{
	sqfs_u32 id = 0;
	if (q->ids && sqfs_id_table_index_to_id(q->ids, idx, &id) != 0) {
		vti_fsw_diag(&q->w, VT_EFORMAT, "'%s' has an owner index %u outside the id table",
			     q->w.path, idx);
		id = 0;
	}
	return id;
}

static struct vt_xmeta meta_of(struct sq4 *q, const sqfs_inode_generic_t *ino)
{
	struct vt_xmeta m = {
		.mode = ino->base.mode & 07777u,
		.uid = lookup_id(q, ino->base.uid_idx),
		.gid = lookup_id(q, ino->base.gid_idx),
		.mtime = ino->base.mod_time,
	};
	return m;
}

/* ---- file data ---- */

/* Reads the data block described by `word` at off into q->block: exactly `want` bytes
 * when it returns 0, else an SQFS_ERROR value. */
static int read_block_with(struct sq4 *q, sqfs_compressor_t *cmp, uint8_t *scratch,
			   uint64_t off, uint32_t word, size_t want, uint8_t *out, size_t *got)
{
	uint32_t disk = SQFS_ON_DISK_BLOCK_SIZE(word);
	int r;

	*got = 0;
	if (disk > q->sb.block_size || want > q->sb.block_size)
		return SQFS_ERROR_CORRUPTED;
	if (!SQFS_IS_BLOCK_COMPRESSED(word)) {
		if ((r = q->file.base.read_at(&q->file.base, off, out, disk)) != 0)
			return r;
		*got = disk;
		return 0;
	}
	if ((r = q->file.base.read_at(&q->file.base, off, scratch, disk)) != 0)
		return r;
	sqfs_s32 n = cmp->do_block(cmp, scratch, disk, out, (sqfs_u32)want);
	if (n <= 0)
		return n < 0 ? n : SQFS_ERROR_COMPRESSOR;
	*got = (size_t)n;
	return 0;
}

static int read_block(struct sq4 *q, uint64_t off, uint32_t word, size_t want, uint8_t *out,
		      size_t *got)
{
	return read_block_with(q, q->cmp, q->scratch, off, word, want, out, got);
}

/* The per-slot decompressors and buffers, on the first file of several blocks, and a
 * window of a few blocks per slot (at most MAX_WINDOW_BYTES of output); without them
 * (one worker, no memory) blocks go one at a time. */
static void prepare_slots(struct sq4 *q)
{
	if (q->par_tried)
		return;
	q->par_tried = true;
	unsigned n = vt_x_parallel_slots(q->w.x);
	if (n < 2)
		return;
	size_t bs = q->sb.block_size;
	size_t w = VT_MAX(VT_MIN((size_t)n * WINDOW_PER_SLOT, (size_t)MAX_WINDOW_BYTES / bs), 2);
	sqfs_compressor_t **cmps = calloc(n, sizeof(*cmps));
	uint8_t **scratches = calloc(n, sizeof(*scratches));
	struct blk *win = calloc(w, sizeof(*win));
	uint8_t *winbuf = malloc(w * bs);
	if (!cmps || !scratches || !win || !winbuf) {
		free(cmps);
		free(scratches);
		free(win);
		free(winbuf);
		return;
	}
	cmps[0] = q->cmp;
	scratches[0] = q->scratch;
	unsigned k = 1;
	for (; k < n; k++) {
		if (!(cmps[k] = sqfs_copy(q->cmp)))
			break;
		if (!(scratches[k] = malloc(bs))) {
			sqfs_destroy(cmps[k]);
			break;
		}
	}
	q->nslots = k; /* fewer slots when a copy failed */
	q->cmps = cmps;
	q->scratches = scratches;
	q->win = win;
	q->winbuf = winbuf;
	q->wlen = w;
}

static void decode_one(void *arg, size_t i, unsigned slot)
{
	struct sq4 *q = arg;
	struct blk *b = &q->win[i];
	b->got = 0;
	b->r = SQFS_IS_SPARSE_BLOCK(b->word)
		       ? 0
		       : read_block_with(q, q->cmps[slot], q->scratches[slot], b->off, b->word,
					 b->want, q->winbuf + i * q->sb.block_size, &b->got);
}

/* Loads fragment block idx into q->frag. */
static int load_fragment(struct sq4 *q, uint32_t idx)
{
	sqfs_fragment_t ent;
	int r;

	if (q->frag_ok && q->frag_idx == idx)
		return 0;
	q->frag_ok = false;
	if (!q->frags)
		return SQFS_ERROR_CORRUPTED;
	if ((r = sqfs_frag_table_lookup(q->frags, idx, &ent)) != 0)
		return r;
	if (SQFS_IS_SPARSE_BLOCK(ent.size))
		return SQFS_ERROR_CORRUPTED;
	if ((r = read_block(q, ent.start_offset, ent.size, q->sb.block_size, q->frag,
			    &q->frag_len)) != 0)
		return r;
	q->frag_idx = idx;
	q->frag_ok = true;
	return 0;
}

static vt_err write_zeros(struct vt_xfile *f, uint8_t *buf, size_t bs, uint64_t n)
{
	vt_err e = VT_OK;
	memset(buf, 0, bs);
	while (n && !e) {
		size_t k = n < bs ? (size_t)n : bs;
		e = vt_x_file_write(f, buf, k);
		n -= k;
	}
	return e;
}

/* A damaged block: a diagnostic; the caller writes zeros in its place. */
static void bad_block(struct sq4 *q, int r, const char *what, uint64_t i, uint64_t off)
{
	vti_fsw_diag(&q->w, q->truncated && r == SQFS_ERROR_OUT_OF_BOUNDS ? VT_ETRUNC : sq_err(r),
		     "%s %" PRIu64 " of '%s' at 0x%" PRIx64 " is unreadable (%s), zeros written",
		     what, i, q->w.path, off, sq_why(r));
}

/* Writes block j of the window (decoded by decode_one). */
static vt_err write_decoded(struct sq4 *q, struct vt_xfile *f, size_t j, uint64_t i, bool *ok)
{
	const struct blk *b = &q->win[j];
	if (SQFS_IS_SPARSE_BLOCK(b->word))
		return write_zeros(f, q->block, q->sb.block_size, b->want);
	if (b->r == 0 && b->got == b->want)
		return vt_x_file_write(f, q->winbuf + j * q->sb.block_size, b->want);
	bad_block(q, b->r ? b->r : SQFS_ERROR_CORRUPTED, "data block", i, b->off);
	*ok = false;
	return write_zeros(f, q->block, q->sb.block_size, b->want);
}

static vt_err write_blocks(struct sq4 *q, struct vt_xfile *f, const sqfs_inode_generic_t *ino,
			   uint64_t size, bool *ok)
{
	const uint32_t bs = q->sb.block_size;
	size_t n = sqfs_inode_get_file_block_count(ino);
	uint64_t off = 0, left = size;
	vt_err e = VT_OK;
	bool more = true;

	sqfs_inode_get_file_block_start(ino, &off);
	if (n > 1)
		prepare_slots(q);
	/* a window of blocks decoded together (on free workers too), then written in order */
	for (size_t i = 0; i < n && left && !e && more;) {
		size_t k = 0;
		while (k < q->wlen && i + k < n && left && more) {
			struct blk *b = &q->win[k++];
			b->off = off;
			b->word = ino->extra[i + k - 1];
			b->want = left < bs ? (size_t)left : bs;
			left -= b->want;
			more = vt_add_ok(off, SQFS_ON_DISK_BLOCK_SIZE(b->word), &off);
		}
		vt_x_parallel(q->w.x, k, q->nslots - 1, decode_one, q);
		for (size_t j = 0; j < k && !e; j++)
			e = write_decoded(q, f, j, i + j, ok);
		i += k;
	}
	return e;
}

static vt_err write_tail(struct sq4 *q, struct vt_xfile *f, const sqfs_inode_generic_t *ino,
			 uint64_t tail, bool *ok)
{
	uint32_t idx, off;
	int r;

	sqfs_inode_get_frag_location(ino, &idx, &off);
	if ((r = load_fragment(q, idx)) != 0) {
		bad_block(q, r, "fragment block", idx, 0);
	} else if (off > q->frag_len || tail > q->frag_len - off) {
		vti_fsw_diag(&q->w, VT_EFORMAT, "tail of '%s' lies outside fragment block %" PRIu32
			     ", zeros written", q->w.path, idx);
	} else {
		return vt_x_file_write(f, q->frag + off, (size_t)tail);
	}
	*ok = false;
	return write_zeros(f, q->block, q->sb.block_size, tail);
}

static vt_err emit_file(struct sq4 *q, const sqfs_inode_generic_t *ino)
{
	struct vt_xmeta meta = meta_of(q, ino);
	struct vt_xfile *f;
	uint64_t size = 0, in_blocks;
	bool ok = true;
	vt_err e;

	sqfs_inode_get_file_size(ino, &size);
	if ((e = vt_x_file_open(q->w.x, q->w.path, &meta, &f)) != VT_OK)
		return e;
	e = write_blocks(q, f, ino, size, &ok);
	in_blocks = (uint64_t)sqfs_inode_get_file_block_count(ino) * q->sb.block_size;
	if (!e && size > in_blocks)
		e = write_tail(q, f, ino, size - in_blocks, &ok);
	vt_err c = vt_x_file_close(f, ok && !e);
	return e ? e : c;
}

/* ---- the tree ---- */

static vt_err walk_dir(struct sq4 *q, const sqfs_inode_generic_t *dir, unsigned depth);

static vt_err emit_special(struct sq4 *q, const sqfs_inode_generic_t *ino)
{
	struct vt_xmeta meta = meta_of(q, ino);
	uint32_t dev = 0;
	enum vt_obj_kind kind;

	switch (ino->base.type) {
	case SQFS_INODE_BDEV:
	case SQFS_INODE_CDEV:
		dev = ino->data.dev.devno;
		break;
	case SQFS_INODE_EXT_BDEV:
	case SQFS_INODE_EXT_CDEV:
		dev = ino->data.dev_ext.devno;
		break;
	}
	switch (ino->base.type) {
	case SQFS_INODE_BDEV:
	case SQFS_INODE_EXT_BDEV:
		kind = VT_OBJ_BLOCKDEV;
		break;
	case SQFS_INODE_CDEV:
	case SQFS_INODE_EXT_CDEV:
		kind = VT_OBJ_CHARDEV;
		break;
	case SQFS_INODE_FIFO:
	case SQFS_INODE_EXT_FIFO:
		kind = VT_OBJ_FIFO;
		break;
	default:
		kind = VT_OBJ_SOCKET;
		break;
	}
	/* Linux's new_encode_dev: 12 bits of major, 20 of minor */
	return vt_x_special(q->w.x, q->w.path, kind, (dev & 0xfff00u) >> 8,
			    (dev & 0xffu) | ((dev >> 12) & 0xfff00u), &meta);
}

static vt_err emit_symlink(struct sq4 *q, const sqfs_inode_generic_t *ino)
{
	struct vt_xmeta meta = meta_of(q, ino);
	const char *target = (const char *)ino->extra;
	size_t n = ino->data.slink.target_size;

	if (strnlen(target, n) != n) {
		vti_fsw_diag(&q->w, VT_EFORMAT, "symbolic link '%s' has a NUL byte in its target",
			     q->w.path);
		return VT_OK;
	}
	return vt_x_symlink(q->w.x, q->w.path, target, &meta);
}

static vt_err emit_inode(struct sq4 *q, const sqfs_inode_generic_t *ino, unsigned depth)
{
	struct vt_xmeta meta;
	vt_err e;

	switch (ino->base.type) {
	case SQFS_INODE_DIR:
	case SQFS_INODE_EXT_DIR:
		meta = meta_of(q, ino);
		if ((e = vt_x_dir(q->w.x, q->w.path, &meta)) != VT_OK)
			return e;
		if (depth >= VTI_FSW_MAX_DEPTH) {
			vti_fsw_diag(&q->w, VT_ELIMIT, "directory '%s' is more than %d levels deep,"
				     " its content is skipped", q->w.path, VTI_FSW_MAX_DEPTH);
			return VT_OK;
		}
		return walk_dir(q, ino, depth + 1);
	case SQFS_INODE_FILE:
	case SQFS_INODE_EXT_FILE:
		return emit_file(q, ino);
	case SQFS_INODE_SLINK:
	case SQFS_INODE_EXT_SLINK:
		return emit_symlink(q, ino);
	default:
		return emit_special(q, ino);
	}
}

/* One directory entry: the current path is its path. */
static vt_err visit(struct sq4 *q, uint64_t ref, unsigned depth)
{
	const struct vti_fsw_link *seen = vti_fsw_seen(&q->w, ref);
	sqfs_inode_generic_t *ino = NULL;
	vt_err e;
	int r;

	if (seen && seen->is_dir) {
		vti_fsw_diag(&q->w, VT_ELOOP, "'%s' refers to directory '%s' again, skipped",
			     q->w.path, seen->path);
		return VT_OK;
	}
	if (seen)
		return vt_x_hardlink(q->w.x, q->w.path, seen->path);
	if ((r = read_inode(q, ref, &ino)) != 0) {
		if (r == SQFS_ERROR_ALLOC || reset_readers(q, true, false))
			return VT_ENOMEM;
		vti_fsw_diag(&q->w, q->truncated && r == SQFS_ERROR_OUT_OF_BOUNDS ? VT_ETRUNC :
			     sq_err(r), "inode of '%s' at 0x%" PRIx64 ":0x%x is unreadable: %s",
			     q->w.path, q->sb.inode_table_start + (ref >> 16),
			     (unsigned)(ref & 0xffff), sq_why(r));
		return VT_OK;
	}
	bool is_dir = ino->base.type == SQFS_INODE_DIR || ino->base.type == SQFS_INODE_EXT_DIR;
	e = vti_fsw_remember(&q->w, ref, is_dir);
	if (!e)
		e = emit_inode(q, ino, depth);
	sqfs_free(ino);
	return e;
}

static vt_err walk_dir(struct sq4 *q, const sqfs_inode_generic_t *dir, unsigned depth)
{
	sqfs_readdir_state_t st;
	vt_err e = VT_OK;
	int r;

	if (sqfs_readdir_state_init(&st, &q->sb, dir) != 0)
		return VT_OK;
	while (!e) {
		sqfs_dir_entry_t *ent = NULL;
		sqfs_u64 ref;
		size_t mark;
		if ((r = sqfs_meta_reader_readdir(q->dm, &st, &ent, NULL, &ref)) > 0)
			break;
		if (r < 0) {
			if (r == SQFS_ERROR_ALLOC || reset_readers(q, false, true))
				return VT_ENOMEM;
			vti_fsw_diag(&q->w, q->truncated && r == SQFS_ERROR_OUT_OF_BOUNDS ?
				     VT_ETRUNC : sq_err(r), "listing of directory '%s' is "
				     "unreadable: %s", q->w.len ? q->w.path : "/", sq_why(r));
			break;
		}
		if ((e = vti_fsw_count(&q->w)) == VT_OK &&
		    vti_fsw_push(&q->w, (const char *)ent->name, (size_t)ent->size + 1, &mark) ==
			    VT_OK) {
			e = visit(q, ref, depth);
			vti_fsw_pop(&q->w, mark);
		}
		sqfs_free(ent);
	}
	return e;
}

static vt_err walk_root(struct sq4 *q)
{
	sqfs_inode_generic_t *root = NULL;
	int r = read_inode(q, q->sb.root_inode_ref, &root);
	vt_err e;

	if (r == 0 && root->base.type != SQFS_INODE_DIR && root->base.type != SQFS_INODE_EXT_DIR)
		r = SQFS_ERROR_NOT_DIR;
	if (r) {
		vt_x_diag(q->w.x, VT_SEV_ERROR, q->truncated ? VT_ETRUNC : sq_err(r),
			  "root directory inode at 0x%" PRIx64 " is unreadable: %s",
			  q->sb.inode_table_start + (q->sb.root_inode_ref >> 16),
			  r == SQFS_ERROR_NOT_DIR ? "it is not a directory" : sq_why(r));
		sqfs_free(root);
		return q->truncated ? VT_ETRUNC : VT_EFORMAT;
	}
	e = vti_fsw_remember(&q->w, q->sb.root_inode_ref, true);
	if (!e)
		e = walk_dir(q, root, 0);
	sqfs_free(root);
	if (!e && q->w.entries == 0 && q->w.first_err)
		vt_x_diag(q->w.x, VT_SEV_ERROR, q->w.first_err,
			  "no member of the image could be read");
	return e;
}

static vt_err extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct sq4 q;
	vt_err e;

	memset(&q, 0, sizeof(q));
	if ((e = vti_fsw_init(&q.w, x)) != VT_OK)
		return e;
	e = open_image(&q, chunk, m);
	if (!e)
		e = walk_root(&q);
	if (!e)
		e = q.w.first_err;
	close_image(&q);
	vti_fsw_free(&q.w);
	return e;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("hsqs", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_squashfs = {
	.name = "squashfs",
	.description = "SquashFS 4.0 file system image",
	.magics = magics,
	.flags = 0,
	.identify = identify,
	.extract = extract,
};
