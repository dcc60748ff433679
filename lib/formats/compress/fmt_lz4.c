/* fmt_lz4.c - LZ4 frames, and the legacy format Linux kernels and initramfs use.
 *
 * Variant "frame": a run of adjacent LZ4 frames (and skippable frames after the first),
 * read as `lz4 -dc` reads them; liblz4 checks each header with its checksum
 * (LZ4F_getFrameInfo) and decompresses (LZ4F_decompress, which checks the block and
 * content checksums). liblz4 has no call that finds where a frame ends, so identify()
 * walks the block size fields here: they are explicit, so the extent is exact without
 * decompressing.
 *
 * Variant "legacy" (`lz4 -l`, magic 0x184C2102): blocks of a 32-bit compressed size and
 * data, each decompressing to at most 8 MiB, with no end mark: the stream ends at the
 * end of the data, where the next magic starts, or where the next "block" is not one
 * (the kernel build appends the uncompressed size after the stream). liblz4 has no call
 * that validates a block without decompressing it into an 8 MiB buffer, so identify()
 * walks each block's LZ4 sequences here (tokens, lengths, offsets: no output) and takes
 * a block only when its sequences end exactly at its end. LZ4_decompress_safe then
 * decompresses the blocks.
 */
#include "formats/format.h"
#include "formats/compress/evidence.h"

#include <lz4.h>
#include <lz4frame.h>

#define FRAME_MAGIC 0x184D2204u
#define LEGACY_MAGIC 0x184C2102u
#define SKIP_MAGIC 0x184D2A50u
#define SKIP_MASK 0xFFFFFFF0u
#define LEGACY_BLOCK (8u << 20)
#define OUTBUF (64 * 1024)

/* ---- frames ---- */

struct frame_info {
	size_t block_max;
	bool block_sum, content_sum;
};

/* The frame header at pos, checked by liblz4: its size, or 0 when invalid. */
static size_t frame_header(struct vt_span s, size_t pos, struct frame_info *fi)
{
	struct vt_span h;
	uint32_t magic;
	if (vt_span_u32le(s, pos, &magic) || magic != FRAME_MAGIC ||
	    vt_span_sub(s, pos, VT_MIN(s.len - pos, (size_t)LZ4F_HEADER_SIZE_MAX), &h))
		return 0;
	LZ4F_dctx *d;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return 0;
	LZ4F_frameInfo_t info;
	size_t n = h.len;
	size_t r = LZ4F_getFrameInfo(d, &info, h.p, &n);
	LZ4F_freeDecompressionContext(d);
	if (LZ4F_isError(r) || info.frameType != LZ4F_frame)
		return 0;
	static const size_t max[] = {64 << 10, 256 << 10, 1 << 20, 4 << 20};
	unsigned id = info.blockSizeID == LZ4F_default ? LZ4F_max64KB : info.blockSizeID;
	if (id < LZ4F_max64KB || id > LZ4F_max4MB)
		return 0;
	fi->block_max = max[id - LZ4F_max64KB];
	fi->block_sum = info.blockChecksumFlag == LZ4F_blockChecksumEnabled;
	fi->content_sum = info.contentChecksumFlag == LZ4F_contentChecksumEnabled;
	return n;
}

enum end { END_COMPLETE, END_TRUNCATED, END_DAMAGED };

/* Walks the blocks of the frame whose header (hsize bytes) is at pos. */
static enum end frame_blocks(struct vt_span s, size_t pos, size_t hsize,
			     const struct frame_info *fi, size_t *end, unsigned *blocks)
{
	size_t p = pos + hsize;
	uint32_t w;
	*blocks = 0;
	/* each block is at least 4 bytes: bounded by the span's length */
	for (;;) {
		if (vt_span_u32le(s, p, &w)) {
			*end = s.len;
			return END_TRUNCATED;
		}
		if (w == 0) {
			size_t after = p + 4 + (fi->content_sum ? 4 : 0);
			*end = VT_MIN(after, s.len);
			return after <= s.len ? END_COMPLETE : END_TRUNCATED;
		}
		size_t size = w & 0x7fffffffu;
		if (size > fi->block_max) {
			*end = p;
			return END_DAMAGED;
		}
		size_t next = p + 4 + size + (fi->block_sum ? 4 : 0);
		if (next > s.len) {
			*end = s.len;
			return END_TRUNCATED;
		}
		p = next;
		(*blocks)++;
	}
}

/* A complete skippable frame at pos: its length, else 0. */
static size_t skippable(struct vt_span s, size_t pos)
{
	uint32_t magic, size;
	if (vt_span_u32le(s, pos, &magic) || (magic & SKIP_MASK) != SKIP_MAGIC ||
	    vt_span_u32le(s, pos + 4, &size) || !vt_span_has(s, pos, 8 + (size_t)size))
		return 0;
	return 8 + (size_t)size;
}

static vt_err identify_frames(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, pos = off, end = off, n;
	unsigned frames = 0, blocks = 0;
	enum end how = END_DAMAGED;
	struct frame_info fi;
	/* each frame is at least 7 bytes: bounded by the object's length */
	while (pos < obj.len) {
		if (frames && (n = skippable(obj, pos)) != 0) {
			end = pos += n;
			continue;
		}
		size_t hsize = frame_header(obj, pos, &fi);
		if (!hsize)
			break;
		size_t fend;
		enum end k = frame_blocks(obj, pos, hsize, &fi, &fend, &blocks);
		if (k == END_DAMAGED && fend == pos + hsize)
			break; /* not one valid block: not taken */
		how = k;
		frames++;
		end = pos = fend;
		if (how != END_COMPLETE)
			break;
	}
	if (!frames)
		return VT_EFORMAT;
	m->length = end - off;
	m->truncated = how == END_TRUNCATED;
	/* a cut or damaged frame: each block size within the maximum is about 6 bits */
	m->confidence = 32 + 8 + 8 + (how == END_COMPLETE ? 32 : VT_MIN(24, 6 * blocks));
	m->variant = "frame";
	m->u[0] = 0;
	return VT_OK;
}

static vt_err extract_frames(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m,
			     struct vt_xfile *f, const char *name)
{
	LZ4F_dctx *d;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return VT_ENOMEM;
	uint8_t *buf = malloc(OUTBUF);
	vt_err e = buf ? VT_OK : VT_ENOMEM;
	size_t pos = 0, hint = 1;
	/* every round consumes input or produces output, or the frame is cut short */
	while (!e) {
		size_t in = chunk.len - pos, out = OUTBUF;
		hint = LZ4F_decompress(d, buf, &out, chunk.p + pos, &in, NULL);
		if (LZ4F_isError(hint))
			break;
		pos += in;
		if (out && (e = vt_x_file_write(f, buf, out)) != VT_OK)
			break;
		if (pos == chunk.len && out < OUTBUF)
			break;
		if (!in && !out)
			break;
	}
	bool complete = !e && hint == 0 && pos == chunk.len;
	vt_err c = vt_x_file_close(f, complete);
	e = e ? e : c;
	if (!e && LZ4F_isError(hint))
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "damaged lz4 data near 0x%" PRIx64
			  " in '%s': %s", m->offset + pos, name, LZ4F_getErrorName(hint));
	else if (!e && !complete)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "truncated lz4 data at 0x%" PRIx64 " in '%s'",
			  m->offset + pos, name);
	LZ4F_freeDecompressionContext(d);
	free(buf);
	return e;
}

/* ---- legacy ---- */

/* Walks the LZ4 sequences of the block b (no output): true when they are well-formed
 * and end exactly at its end (or, *cut set, when b is the cut-off start of a block
 * and nothing is wrong before the cut). *out is the size of the output they make. */
static bool block_walk(struct vt_span b, bool partial, size_t *out, bool *cut)
{
	size_t ip = 0, op = 0;
	uint8_t t, v;
	uint16_t dist;
	*cut = false;
	*out = 0;
	/* every sequence takes at least one byte: bounded by b.len */
	while (!vt_span_u8(b, ip++, &t)) {
		size_t lit = t >> 4, ml = t & 15;
		if (lit == 15)
			do {
				if (vt_span_u8(b, ip++, &v))
					goto ran_out;
				lit += v;
			} while (v == 255);
		if (!vt_span_has(b, ip, lit))
			goto ran_out;
		ip += lit;
		op += lit;
		if (op > LEGACY_BLOCK)
			return false;
		*out = op;
		if (ip == b.len) {
			if (partial)
				goto ran_out;
			return true; /* the last sequence has literals only */
		}
		if (vt_span_u16le(b, ip, &dist))
			goto ran_out;
		ip += 2;
		if (dist == 0 || dist > op)
			return false;
		if (ml == 15)
			do {
				if (vt_span_u8(b, ip++, &v))
					goto ran_out;
				ml += v;
			} while (v == 255);
		op += ml + 4;
		if (op > LEGACY_BLOCK)
			return false;
		*out = op;
	}
ran_out:
	*cut = partial;
	return partial;
}

/* Walks a legacy stream from its magic at off: its end, whether the last block is cut
 * off by the end of s, and how many blocks it has. */
static void legacy_walk(struct vt_span s, size_t off, size_t *end, bool *truncated,
			size_t *blocks)
{
	size_t p = off + 4, out;
	uint32_t size;
	bool cut;
	*truncated = false;
	*blocks = 0;
	/* every block is at least 5 bytes: bounded by the span's length */
	while (!vt_span_u32le(s, p, &size)) {
		if (size == LEGACY_MAGIC) {
			p += 4;
			continue;
		}
		struct vt_span b;
		if (size == 0 || size > (uint32_t)LZ4_compressBound(LEGACY_BLOCK))
			break;
		bool whole = vt_span_has(s, p + 4, size);
		if (vt_span_sub(s, p + 4, whole ? size : s.len - p - 4, &b) || !b.len ||
		    !block_walk(b, !whole, &out, &cut))
			break;
		(*blocks)++;
		p += 4 + b.len;
		if (cut) {
			*truncated = true;
			break;
		}
	}
	*end = p;
}

static vt_err identify_legacy(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, end, blocks;
	bool truncated;
	legacy_walk(obj, off, &end, &truncated, &blocks);
	if (!blocks)
		return VT_EFORMAT;
	m->length = end - off;
	m->truncated = truncated;
	/* walking the sequences checks about as much as decoding them */
	m->confidence = 32 + vti_cz_evidence(end - off) + (truncated ? 0 : 8);
	m->variant = "legacy";
	m->u[0] = 1;
	return VT_OK;
}

static vt_err extract_legacy(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m,
			     struct vt_xfile *f, const char *name)
{
	uint8_t *buf = malloc(LEGACY_BLOCK);
	vt_err e = buf ? VT_OK : VT_ENOMEM;
	size_t p = 4, out;
	uint32_t size;
	bool cut, bad = false;
	/* every block is at least 5 bytes: bounded by the chunk's length */
	while (!e && !vt_span_u32le(chunk, p, &size)) {
		if (size == LEGACY_MAGIC) {
			p += 4;
			continue;
		}
		struct vt_span b;
		bool whole = vt_span_has(chunk, p + 4, size);
		if (vt_span_sub(chunk, p + 4, whole ? size : chunk.len - p - 4, &b) || !b.len) {
			bad = true;
			break;
		}
		int n;
		if (whole)
			n = LZ4_decompress_safe((const char *)b.p, (char *)buf, (int)b.len,
						(int)LEGACY_BLOCK);
		else if (block_walk(b, true, &out, &cut))
			n = LZ4_decompress_safe_partial((const char *)b.p, (char *)buf, (int)b.len,
							(int)out, (int)LEGACY_BLOCK);
		else
			n = -1;
		if (n < 0) {
			bad = true;
			break;
		}
		if (n && (e = vt_x_file_write(f, buf, (size_t)n)) != VT_OK)
			break;
		p += 4 + b.len;
	}
	free(buf);
	bool complete = !e && !bad && !m->truncated && p == chunk.len;
	vt_err c = vt_x_file_close(f, complete);
	e = e ? e : c;
	if (!e && bad)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "damaged lz4 legacy block at 0x%" PRIx64
			  " in '%s'", m->offset + p, name);
	else if (!e && !complete)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "truncated lz4 legacy data at 0x%" PRIx64
			  " in '%s'", m->offset + p, name);
	return e;
}

/* ---- the format ---- */

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\x04\x22\x4d\x18", 0),
	VT_MAGIC("\x02\x21\x4c\x18", 0),
	VT_MAGIC_END,
};

static vt_err lz4_identify(struct vt_span obj, struct vt_match *m)
{
	uint32_t magic;
	if (vt_span_u32le(obj, (size_t)m->offset, &magic))
		return VT_ETRUNC;
	if (magic == LEGACY_MAGIC)
		return identify_legacy(obj, m);
	return magic == FRAME_MAGIC ? identify_frames(obj, m) : VT_EFORMAT;
}

static vt_err lz4_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	const char *name = vt_x_name_hint(x);
	struct vt_xfile *f;
	vt_err e = vt_x_file_open(x, name, NULL, &f);
	if (e)
		return e;
	return m->u[0] == 1 ? extract_legacy(x, chunk, m, f, name)
			    : extract_frames(x, chunk, m, f, name);
}

const struct vt_format vt_format_lz4 = {
	.name = "lz4",
	.description = "LZ4 compressed data (frame or legacy format)",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = lz4_identify,
	.extract = lz4_extract,
};
