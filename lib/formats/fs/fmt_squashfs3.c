/* fmt_squashfs3.c - SquashFS 3.0 and 3.1 images, little ("hsqs") and big ("sqsh") endian.
 *
 * Old router and set-top firmware ships SquashFS 3 (Linux 2.6.x with the out-of-tree
 * squashfs 3 patches), often big endian and often with the "squashfs-lzma" patches:
 * magic "shsq"/"qshs" with zlib and .lzma-headed blocks mixed, or the usual magic with
 * headerless LZMA blocks (sqfs3_read.c tells them apart block by block).
 * No Debian library reads this layout (libsquashfs and the kernel read 4.0 only), so the
 * parser is written here from the structures of squashfs-tools' squashfs_compat.h: a
 * 119-byte superblock; the inode and directory tables as metadata blocks, decoded whole
 * up front (sqfs3_read.c, capped); the fragment table through its index; uid and gid
 * tables as plain arrays. Structures are packed bit fields: in little-endian images a
 * field's bits count from the least significant bit of its first byte, in big-endian
 * images from the most significant one (the convention of the SQUASHFS_SWAP macros).
 * SquashFS 1.x and 2.x layouts are not handled (identify rejects them).
 *
 * The input is hostile: every structure is read from a span of the decoded tables or
 * the chunk, block lists are read in place (never allocated by a count in the input),
 * listings are bounded by their declared size and by the decoded table, a directory
 * reached twice is refused, and damaged parts become diagnostics while the walk goes on.
 */
#include "formats/format.h"

#include "formats/fs/fs_walk.h"
#include "formats/fs/sqfs3_read.h"

#define SB3_SIZE 119
#define MAGIC_LE 0x73717368u    /* "hsqs" read little endian */
#define MAGIC_BE 0x68737173u    /* "sqsh" */
#define MAGIC_LZ_LE 0x71736873u /* "shsq": squashfs-lzma, zlib and LZMA blocks mixed */
#define MAGIC_LZ_BE 0x73687371u /* "qshs" */
#define NO_FRAG 0xffffffffu
#define GUID_SAME 255        /* guid index meaning "same as the uid" */
#define BLOCK_RAW (1u << 24) /* a data block stored uncompressed */
#define FLAG_CHECK (1u << 2) /* metadata blocks carry a check byte */
#define FLAG_EXPORT (1u << 7)
#define FRAG_ENTRY 16
#define MAX_TABLE (64u << 20) /* decoded bytes of one metadata table */
#define PAD 4096

enum { T_DIR = 1, T_FILE, T_SYMLINK, T_BLKDEV, T_CHRDEV, T_FIFO, T_SOCKET, T_LDIR, T_LREG };

struct sb3 {
	bool be, lzma_magic;
	uint16_t major, minor, block_log;
	uint8_t flags, no_uids, no_guids;
	uint32_t block_size, fragments;
	uint64_t root, bytes_used, uid_start, guid_start, inode_start, dir_start, frag_start,
		lookup_start;
};

/* ---- packed bit fields ---- */

/* n (<= 32) bits at bit position pos of s, in the image's bit order. */
static bool bits(struct vt_span s, size_t pos, unsigned n, bool be, uint32_t *v)
{
	size_t byte = pos / 8, shift = pos % 8, len = (shift + n + 7) / 8;
	uint64_t acc = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t b;
		if (vt_span_u8(s, byte + i, &b))
			return false;
		acc |= be ? (uint64_t)b << (8 * (len - 1 - i)) : (uint64_t)b << (8 * i);
	}
	acc >>= be ? 8 * len - shift - n : shift;
	*v = (uint32_t)(acc & ((n == 32 ? 0 : (uint64_t)1 << n) - 1));
	return true;
}

/* ---- superblock ---- */

static const char *const variants[2][2] = {
	{"squashfs 3 little-endian gzip", "squashfs 3 little-endian lzma"},
	{"squashfs 3 big-endian gzip", "squashfs 3 big-endian lzma"},
};

static vt_err read_fields(struct vt_span s, struct sb3 *sb)
{
	bool be = sb->be;
	uint32_t mkfs;
	if (vt_span_u16(s, 28, be, &sb->major) || vt_span_u16(s, 30, be, &sb->minor) ||
	    vt_span_u16(s, 34, be, &sb->block_log) || vt_span_u8(s, 36, &sb->flags) ||
	    vt_span_u8(s, 37, &sb->no_uids) || vt_span_u8(s, 38, &sb->no_guids) ||
	    vt_span_u32(s, 39, be, &mkfs) || vt_span_u64(s, 43, be, &sb->root) ||
	    vt_span_u32(s, 51, be, &sb->block_size) || vt_span_u32(s, 55, be, &sb->fragments) ||
	    vt_span_u64(s, 63, be, &sb->bytes_used) || vt_span_u64(s, 71, be, &sb->uid_start) ||
	    vt_span_u64(s, 79, be, &sb->guid_start) ||
	    vt_span_u64(s, 87, be, &sb->inode_start) || vt_span_u64(s, 95, be, &sb->dir_start) ||
	    vt_span_u64(s, 103, be, &sb->frag_start) ||
	    vt_span_u64(s, 111, be, &sb->lookup_start))
		return VT_ETRUNC;
	return VT_OK;
}

/* Reads and checks the superblock at the start of s; *bits counts what was verified. */
static vt_err read_super(struct vt_span s, struct sb3 *sb, unsigned *nbits)
{
	uint32_t magic;
	vt_err e;

	memset(sb, 0, sizeof(*sb));
	if (vt_span_u32le(s, 0, &magic))
		return VT_ETRUNC;
	if (magic != MAGIC_LE && magic != MAGIC_BE && magic != MAGIC_LZ_LE && magic != MAGIC_LZ_BE)
		return VT_EFORMAT;
	sb->be = magic == MAGIC_BE || magic == MAGIC_LZ_BE;
	sb->lzma_magic = magic == MAGIC_LZ_LE || magic == MAGIC_LZ_BE;
	if (!vt_span_has(s, 0, SB3_SIZE))
		return VT_ETRUNC;
	if ((e = read_fields(s, sb)) != VT_OK)
		return e;
	if (sb->major != 3 || sb->minor > 1)
		return VT_EFORMAT;
	*nbits = 32 + 32;
	if (sb->block_size < 4096 || sb->block_size > (1u << 20) || sb->block_log >= 32 ||
	    sb->block_size != 1u << sb->block_log)
		return VT_EFORMAT;
	*nbits += 16;
	uint64_t used = sb->bytes_used;
	if (used < SB3_SIZE || sb->inode_start < SB3_SIZE || sb->inode_start >= sb->dir_start ||
	    sb->dir_start >= used || sb->no_uids == 0 || sb->uid_start > used ||
	    sb->no_uids * 4u > used - sb->uid_start || sb->guid_start > used ||
	    sb->no_guids * 4u > used - sb->guid_start)
		return VT_EFORMAT;
	if (sb->fragments && (sb->fragments > sb->inode_start || sb->frag_start >= used))
		return VT_EFORMAT;
	*nbits += 16;
	if ((sb->root >> 16) >= sb->dir_start - sb->inode_start ||
	    (sb->root & 0xffff) >= SQ3_META_SIZE)
		return VT_EFORMAT;
	*nbits += 8;
	return VT_OK;
}

/* Whether the first metadata block looks like LZMA rather than zlib (for the variant),
 * and whether its header is sane (when present). */
static bool first_block(struct vt_span s, const struct sb3 *sb, bool *lzma, bool *present)
{
	size_t hdr = (sb->flags & FLAG_CHECK) ? 3 : 2;
	uint16_t h;
	uint8_t b0;

	*lzma = false;
	*present = sb->inode_start <= SIZE_MAX - hdr &&
		   !vt_span_u16(s, (size_t)sb->inode_start, sb->be, &h);
	if (!*present)
		return true;
	if ((h & 0x7fff) == 0 || (h & 0x7fff) > SQ3_META_SIZE)
		return false;
	if (!(h & 0x8000) && !vt_span_u8(s, (size_t)sb->inode_start + hdr, &b0))
		*lzma = (b0 & 0x0f) != 8; /* not a zlib header */
	*lzma |= sb->lzma_magic;
	return true;
}

static vt_err identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	struct sb3 sb;
	unsigned nbits = 0;
	bool lzma, present;
	vt_err e;

	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	if ((e = read_super(s, &sb, &nbits)) != VT_OK)
		return e;
	if (!first_block(s, &sb, &lzma, &present))
		return VT_EFORMAT;
	m->confidence = nbits + (present ? 8 : 0);
	m->variant = variants[sb.be][lzma];
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

struct sq3 {
	struct vti_fsw w;
	struct vt_span img;
	struct sb3 sb;
	struct sq3_fmt fmt;
	bool truncated;
	struct sq3_codec codec;
	struct sq3_table it, dt; /* inode and directory tables */
	uint8_t *block, *frag;   /* block_size bytes each */
	size_t frag_len;
	uint32_t frag_idx;
	bool frag_ok;
	uint8_t fmeta[SQ3_META_SIZE]; /* a block of the fragment table */
	size_t fmeta_len;
	uint64_t fmeta_idx;
	bool fmeta_ok;
	char target[(1u << 16) + 1]; /* a symbolic link's target, NUL-terminated */
};

/* An inode, widened. */
struct ino3 {
	unsigned type;
	uint32_t mode, uid, guid, mtime;
	/* directories */
	uint32_t dsize, doff, dstart;
	/* regular files */
	uint64_t start, size;
	uint32_t frag, foff;
	struct vt_span list; /* the block list and what follows it */
	/* symbolic links and devices */
	struct vt_span target;
	uint32_t rdev;
};

static vt_err parse_dir(struct vt_span s, bool be, struct ino3 *i)
{
	if (i->type == T_DIR)
		return bits(s, 128, 19, be, &i->dsize) && bits(s, 147, 13, be, &i->doff) &&
		       !vt_span_u32(s, 20, be, &i->dstart) ? VT_OK : VT_ETRUNC;
	return bits(s, 128, 27, be, &i->dsize) && bits(s, 155, 13, be, &i->doff) &&
	       !vt_span_u32(s, 21, be, &i->dstart) ? VT_OK : VT_ETRUNC;
}

static vt_err parse_file(struct vt_span s, bool be, struct ino3 *i)
{
	uint32_t size32;
	size_t at = i->type == T_FILE ? 12 : 16; /* extended files have nlink first */
	if (vt_span_u64(s, at, be, &i->start) || vt_span_u32(s, at + 8, be, &i->frag) ||
	    vt_span_u32(s, at + 12, be, &i->foff))
		return VT_ETRUNC;
	if (i->type == T_FILE) {
		if (vt_span_u32(s, 28, be, &size32))
			return VT_ETRUNC;
		i->size = size32;
		return vt_span_tail(s, 32, &i->list);
	}
	if (vt_span_u64(s, 32, be, &i->size))
		return VT_ETRUNC;
	return vt_span_tail(s, 40, &i->list);
}

/* Decodes the inode at the start of s (it runs to the end of its decoded table). */
static vt_err parse_inode(struct vt_span s, bool be, struct ino3 *i)
{
	uint16_t n16;

	memset(i, 0, sizeof(*i));
	if (!bits(s, 0, 4, be, &i->type) || !bits(s, 4, 12, be, &i->mode) ||
	    !bits(s, 16, 8, be, &i->uid) || !bits(s, 24, 8, be, &i->guid) ||
	    vt_span_u32(s, 4, be, &i->mtime))
		return VT_ETRUNC;
	switch (i->type) {
	case T_DIR:
	case T_LDIR:
		return parse_dir(s, be, i);
	case T_FILE:
	case T_LREG:
		return parse_file(s, be, i);
	case T_SYMLINK:
		if (vt_span_u16(s, 16, be, &n16))
			return VT_ETRUNC;
		return vt_span_sub(s, 18, n16, &i->target);
	case T_BLKDEV:
	case T_CHRDEV:
		if (vt_span_u16(s, 16, be, &n16))
			return VT_ETRUNC;
		i->rdev = n16;
		return VT_OK;
	case T_FIFO:
	case T_SOCKET:
		return vt_span_has(s, 0, 16) ? VT_OK : VT_ETRUNC;
	default:
		return VT_EFORMAT;
	}
}

/* ---- tables ---- */

/* Where the directory table ends at the latest: the next structure after it. */
static uint64_t dir_table_end(const struct sq3 *q)
{
	const struct sb3 *sb = &q->sb;
	uint64_t first_frag = UINT64_MAX, first_lookup = UINT64_MAX, end = sb->bytes_used;
	if (sb->fragments && vt_span_u64(q->img, (size_t)sb->frag_start, sb->be, &first_frag))
		first_frag = UINT64_MAX;
	if (!(sb->flags & FLAG_EXPORT) || sb->lookup_start >= sb->bytes_used ||
	    vt_span_u64(q->img, (size_t)sb->lookup_start, sb->be, &first_lookup))
		first_lookup = UINT64_MAX;
	uint64_t cand[] = {sb->uid_start, sb->guid_start, first_frag, first_lookup,
			   sb->fragments ? sb->frag_start : UINT64_MAX,
			   (sb->flags & FLAG_EXPORT) ? sb->lookup_start : UINT64_MAX};
	for (size_t i = 0; i < VT_ARRAY_LEN(cand); i++)
		if (cand[i] > sb->dir_start && cand[i] < end)
			end = cand[i];
	return end;
}

static void report_table(struct sq3 *q, const char *what, const struct sq3_table *t,
			 uint64_t start)
{
	if (t->bad)
		vti_fsw_diag(&q->w, VT_EFORMAT, "%u metadata block%s of the %s at 0x%" PRIx64
			     " do%s not decompress", t->bad, t->bad == 1 ? "" : "s", what, start,
			     t->bad == 1 ? "es" : "");
	if (t->stopped)
		vti_fsw_diag(&q->w, q->truncated && t->stop_err == VT_ETRUNC ? VT_ETRUNC :
			     t->stop_err, "%s is unreadable from 0x%" PRIx64 " on: %s", what,
			     t->stop_at, vt_strerror(t->stop_err));
}

static vt_err load_tables(struct sq3 *q)
{
	vt_err e = vti_sq3_table_load(&q->it, &q->codec, q->img, q->fmt, q->sb.inode_start,
				      q->sb.dir_start, MAX_TABLE);
	if (!e)
		e = vti_sq3_table_load(&q->dt, &q->codec, q->img, q->fmt, q->sb.dir_start,
				       dir_table_end(q), MAX_TABLE);
	if (e)
		return e;
	report_table(q, "inode table", &q->it, q->sb.inode_start);
	report_table(q, "directory table", &q->dt, q->sb.dir_start);
	return VT_OK;
}

static uint32_t lookup_id(struct sq3 *q, uint64_t table, unsigned count, unsigned idx)
{
	uint32_t id = 0;
	if (idx >= count || vt_span_u32(q->img, (size_t)table + 4 * idx, q->sb.be, &id)) {
		vti_fsw_diag(&q->w, VT_EFORMAT, "'%s' has an owner index %u outside the id tables",
			     q->w.path, idx);
		return 0;
	}
	return id;
}

static struct vt_xmeta meta_of(struct sq3 *q, const struct ino3 *i)
{
	struct vt_xmeta m = {.mode = i->mode & 07777u, .mtime = i->mtime};
	m.uid = lookup_id(q, q->sb.uid_start, q->sb.no_uids, i->uid);
	m.gid = i->guid == GUID_SAME ? m.uid :
		lookup_id(q, q->sb.guid_start, q->sb.no_guids, i->guid);
	return m;
}

/* ---- file data ---- */

/* Reads the data block `word` at off: exactly `want` bytes into out, or an error. */
static vt_err read_block(struct sq3 *q, uint64_t off, uint32_t word, size_t want, uint8_t *out)
{
	uint32_t disk = word & (BLOCK_RAW - 1);
	struct vt_span b;
	size_t got = 0;
	vt_err e;

	if (disk == 0 || disk > q->sb.block_size)
		return VT_EFORMAT;
	if (off > SIZE_MAX || vt_span_sub(q->img, (size_t)off, disk, &b))
		return q->truncated ? VT_ETRUNC : VT_EFORMAT;
	if (word & BLOCK_RAW)
		return disk == want && !vt_span_copy(b, 0, out, disk) ? VT_OK : VT_EFORMAT;
	if ((e = vti_sq3_decompress(&q->codec, b, out, want, want, &got)) != VT_OK)
		return e;
	return got == want ? VT_OK : VT_EFORMAT;
}

/* Loads fragment block idx into q->frag through the fragment table. */
static vt_err load_fragment(struct sq3 *q, uint32_t idx)
{
	uint64_t mblock = (uint64_t)idx * FRAG_ENTRY / SQ3_META_SIZE, ptr, next, start;
	size_t at = (size_t)idx * FRAG_ENTRY % SQ3_META_SIZE;
	struct vt_span ent, blk;
	uint32_t word;
	vt_err e;

	if (q->frag_ok && q->frag_idx == idx)
		return VT_OK;
	q->frag_ok = false;
	if (idx >= q->sb.fragments)
		return VT_EFORMAT;
	if (!q->fmeta_ok || q->fmeta_idx != mblock) {
		q->fmeta_ok = false;
		if (vt_span_u64(q->img, (size_t)(q->sb.frag_start + 8 * mblock), q->sb.be, &ptr))
			return VT_ETRUNC;
		if ((e = vti_sq3_meta_block(&q->codec, q->img, q->fmt, ptr, q->fmeta, &q->fmeta_len,
					    &next)) != VT_OK)
			return e;
		q->fmeta_idx = mblock;
		q->fmeta_ok = true;
	}
	ent = vt_span_make(q->fmeta, q->fmeta_len);
	if (vt_span_u64(ent, at, q->sb.be, &start) || vt_span_u32(ent, at + 8, q->sb.be, &word))
		return VT_EFORMAT;
	uint32_t disk = word & (BLOCK_RAW - 1);
	if (disk == 0 || disk > q->sb.block_size || start > SIZE_MAX ||
	    vt_span_sub(q->img, (size_t)start, disk, &blk))
		return q->truncated ? VT_ETRUNC : VT_EFORMAT;
	if (word & BLOCK_RAW) {
		if (vt_span_copy(blk, 0, q->frag, disk))
			return VT_EFORMAT;
		q->frag_len = disk;
	} else if ((e = vti_sq3_decompress(&q->codec, blk, q->frag, q->sb.block_size, 0,
					    &q->frag_len)) != VT_OK) {
		return e;
	}
	q->frag_idx = idx;
	q->frag_ok = true;
	return VT_OK;
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

static vt_err write_blocks(struct sq3 *q, struct vt_xfile *f, const struct ino3 *i,
			   uint64_t count, bool *ok)
{
	const uint32_t bs = q->sb.block_size;
	uint64_t off = i->start, left = i->size;
	vt_err e = VT_OK;

	for (uint64_t k = 0; k < count && left && !e; k++) {
		size_t want = left < bs ? (size_t)left : bs;
		uint32_t word = 0;
		vt_err r = VT_OK;
		if (vt_span_u32(i->list, (size_t)k * 4, q->sb.be, &word)) /* checked before */
			break;
		if (word == 0) {
			e = write_zeros(f, q->block, bs, want); /* a sparse block */
		} else if ((r = read_block(q, off, word, want, q->block)) == VT_OK) {
			e = vt_x_file_write(f, q->block, want);
		} else {
			vti_fsw_diag(&q->w, r, "data block %" PRIu64 " of '%s' at 0x%" PRIx64
				     " is unreadable (%s), zeros written", k, q->w.path, off,
				     vt_strerror(r));
			*ok = false;
			e = write_zeros(f, q->block, bs, want);
		}
		left -= want;
		if (!vt_add_ok(off, word & (BLOCK_RAW - 1), &off))
			break;
	}
	return e;
}

static vt_err write_tail(struct sq3 *q, struct vt_xfile *f, const struct ino3 *i,
			 uint64_t tail, bool *ok)
{
	vt_err r = load_fragment(q, i->frag);
	if (r) {
		vti_fsw_diag(&q->w, r, "fragment %" PRIu32 " holding the tail of '%s' is "
			     "unreadable (%s), zeros written", i->frag, q->w.path, vt_strerror(r));
	} else if (i->foff > q->frag_len || tail > q->frag_len - i->foff) {
		vti_fsw_diag(&q->w, VT_EFORMAT, "tail of '%s' lies outside fragment %" PRIu32
			     ", zeros written", q->w.path, i->frag);
	} else {
		return vt_x_file_write(f, q->frag + i->foff, (size_t)tail);
	}
	*ok = false;
	return write_zeros(f, q->block, q->sb.block_size, tail);
}

static vt_err emit_file(struct sq3 *q, struct ino3 *i)
{
	const uint32_t bs = q->sb.block_size;
	uint64_t count = i->frag == NO_FRAG ? (i->size + bs - 1) / bs : i->size / bs;
	struct vt_xmeta meta = meta_of(q, i);
	struct vt_xfile *f;
	bool ok = true;
	vt_err e;

	if (i->size > UINT64_MAX - bs || count > i->list.len / 4) {
		vti_fsw_diag(&q->w, VT_EFORMAT, "block list of '%s' (%" PRIu64 " blocks) runs past "
			     "the inode table, file skipped", q->w.path, count);
		return VT_OK;
	}
	if ((e = vt_x_file_open(q->w.x, q->w.path, &meta, &f)) != VT_OK)
		return e;
	e = write_blocks(q, f, i, count, &ok);
	if (!e && i->size > count * bs)
		e = write_tail(q, f, i, i->size - count * bs, &ok);
	vt_err c = vt_x_file_close(f, ok && !e);
	return e ? e : c;
}

/* ---- the tree ---- */

static vt_err walk_dir(struct sq3 *q, const struct ino3 *d, unsigned depth);

static vt_err emit_inode(struct sq3 *q, struct ino3 *i, unsigned depth)
{
	struct vt_xmeta meta = meta_of(q, i);
	vt_err e;

	switch (i->type) {
	case T_DIR:
	case T_LDIR:
		if ((e = vt_x_dir(q->w.x, q->w.path, &meta)) != VT_OK)
			return e;
		if (depth >= VTI_FSW_MAX_DEPTH) {
			vti_fsw_diag(&q->w, VT_ELIMIT, "directory '%s' is more than %d levels deep,"
				     " its content is skipped", q->w.path, VTI_FSW_MAX_DEPTH);
			return VT_OK;
		}
		return walk_dir(q, i, depth + 1);
	case T_FILE:
	case T_LREG:
		return emit_file(q, i);
	case T_SYMLINK:
		if (vt_span_copy(i->target, 0, q->target, i->target.len) ||
		    memchr(q->target, 0, i->target.len)) {
			vti_fsw_diag(&q->w, VT_EFORMAT, "symbolic link '%s' has a NUL byte in its "
				     "target", q->w.path);
			return VT_OK;
		}
		q->target[i->target.len] = 0;
		return vt_x_symlink(q->w.x, q->w.path, q->target, &meta);
	case T_BLKDEV:
	case T_CHRDEV:
		return vt_x_special(q->w.x, q->w.path,
				    i->type == T_BLKDEV ? VT_OBJ_BLOCKDEV : VT_OBJ_CHARDEV,
				    i->rdev >> 8, i->rdev & 0xff, &meta);
	default:
		return vt_x_special(q->w.x, q->w.path,
				    i->type == T_FIFO ? VT_OBJ_FIFO : VT_OBJ_SOCKET, 0, 0, &meta);
	}
}

/* Reads the inode at ref; a diagnostic and false when it cannot be read. */
static bool get_inode(struct sq3 *q, uint64_t ref, struct ino3 *i)
{
	struct vt_span s;
	vt_err e = VT_EFORMAT;
	if (vti_sq3_table_at(&q->it, ref >> 16, ref & 0xffff, &s) &&
	    (e = parse_inode(s, q->sb.be, i)) == VT_OK)
		return true;
	vti_fsw_diag(&q->w, q->truncated ? VT_ETRUNC : e, "inode of '%s' at 0x%" PRIx64 ":0x%x is "
		     "unreadable (%s)", q->w.len ? q->w.path : "/", q->sb.inode_start + (ref >> 16),
		     (unsigned)(ref & 0xffff), e == VT_EFORMAT ? "damaged or missing" :
		     vt_strerror(e));
	return false;
}

/* One directory entry: the current path is its path. */
static vt_err visit(struct sq3 *q, uint64_t ref, unsigned depth)
{
	const struct vti_fsw_link *seen = vti_fsw_seen(&q->w, ref);
	struct ino3 i;
	vt_err e;

	if (seen && seen->is_dir) {
		vti_fsw_diag(&q->w, VT_ELOOP, "'%s' refers to directory '%s' again, skipped",
			     q->w.path, seen->path);
		return VT_OK;
	}
	if (seen)
		return vt_x_hardlink(q->w.x, q->w.path, seen->path);
	if (!get_inode(q, ref, &i))
		return VT_OK;
	if ((e = vti_fsw_remember(&q->w, ref, i.type == T_DIR || i.type == T_LDIR)) != VT_OK)
		return e;
	return emit_inode(q, &i, depth);
}

/* The entries of one header of a listing, from *pos in l; false when the listing ends
 * early (reported). */
static vt_err read_entries(struct sq3 *q, struct vt_span l, size_t *pos, unsigned depth,
			   bool *stop)
{
	const bool be = q->sb.be;
	uint32_t count, start, off, size;
	char name[VTI_FSW_MAX_NAME];
	vt_err e = VT_OK;

	if (!bits(l, *pos * 8, 8, be, &count) || vt_span_u32(l, *pos + 1, be, &start)) {
		*stop = true;
		return VT_OK;
	}
	*pos += 9;
	for (uint32_t k = 0; k <= count && !e; k++) {
		size_t mark;
		if (!bits(l, *pos * 8, 13, be, &off) || !bits(l, *pos * 8 + 16, 8, be, &size) ||
		    vt_span_copy(l, *pos + 5, name, size + 1)) {
			*stop = true;
			return VT_OK;
		}
		*pos += 5 + size + 1;
		if ((e = vti_fsw_count(&q->w)) != VT_OK)
			return e;
		if (vti_fsw_push(&q->w, name, size + 1, &mark) == VT_OK) {
			e = visit(q, (uint64_t)start << 16 | off, depth);
			vti_fsw_pop(&q->w, mark);
		}
	}
	return e;
}

static vt_err walk_dir(struct sq3 *q, const struct ino3 *d, unsigned depth)
{
	struct vt_span l;
	size_t pos = 0;
	bool stop = false;
	vt_err e = VT_OK;

	if (d->dsize <= 3) /* the size counts 3 bytes for "." and ".." */
		return VT_OK;
	if (!vti_sq3_table_at(&q->dt, d->dstart, d->doff, &l)) {
		vti_fsw_diag(&q->w, q->truncated ? VT_ETRUNC : VT_EFORMAT, "listing of directory "
			     "'%s' at 0x%" PRIx64 ":0x%x is in a damaged or missing block",
			     q->w.len ? q->w.path : "/", q->sb.dir_start + d->dstart, d->doff);
		return VT_OK;
	}
	if (l.len > d->dsize - 3)
		l.len = d->dsize - 3;
	while (pos < l.len && !stop && !e)
		e = read_entries(q, l, &pos, depth, &stop);
	if (stop || l.len < d->dsize - 3)
		vti_fsw_diag(&q->w, q->truncated ? VT_ETRUNC : VT_EFORMAT, "listing of directory "
			     "'%s' ends early", q->w.len ? q->w.path : "/");
	return e;
}

static vt_err walk_root(struct sq3 *q)
{
	struct ino3 root;
	vt_err e;

	if (!get_inode(q, q->sb.root, &root) || (root.type != T_DIR && root.type != T_LDIR)) {
		vt_x_diag(q->w.x, VT_SEV_ERROR, q->truncated ? VT_ETRUNC : VT_EFORMAT,
			  "root directory inode at 0x%" PRIx64 " is unreadable",
			  q->sb.inode_start + (q->sb.root >> 16));
		return q->truncated ? VT_ETRUNC : VT_EFORMAT;
	}
	e = vti_fsw_remember(&q->w, q->sb.root, true);
	if (!e)
		e = walk_dir(q, &root, 0);
	if (!e && q->w.entries == 0 && q->w.first_err)
		vt_x_diag(q->w.x, VT_SEV_ERROR, q->w.first_err,
			  "no member of the image could be read");
	return e;
}

static vt_err extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct sq3 *q = calloc(1, sizeof(*q));
	unsigned nbits;
	vt_err e;

	if (!q)
		return VT_ENOMEM;
	q->img = chunk;
	if ((e = vti_fsw_init(&q->w, x)) != VT_OK || (e = read_super(chunk, &q->sb, &nbits)))
		goto out;
	q->fmt = (struct sq3_fmt){q->sb.be, (q->sb.flags & FLAG_CHECK) != 0};
	q->truncated = m->truncated || q->sb.bytes_used > chunk.len;
	q->block = malloc(q->sb.block_size);
	q->frag = malloc(q->sb.block_size);
	if (!q->block || !q->frag) {
		e = VT_ENOMEM;
		goto out;
	}
	if ((e = load_tables(q)) == VT_OK)
		e = walk_root(q);
	if (!e)
		e = q->w.first_err;
out:
	vti_sq3_table_free(&q->it);
	vti_sq3_table_free(&q->dt);
	vti_sq3_codec_free(&q->codec);
	vti_fsw_free(&q->w);
	free(q->block);
	free(q->frag);
	free(q);
	return e;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("hsqs", 0),
	VT_MAGIC("sqsh", 0),
	VT_MAGIC("shsq", 0),
	VT_MAGIC("qshs", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_squashfs3 = {
	.name = "squashfs3",
	.description = "SquashFS 3.x file system image (little or big endian, gzip or lzma)",
	.magics = magics,
	.flags = 0,
	.identify = identify,
	.extract = extract,
};
