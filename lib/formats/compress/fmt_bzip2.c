/* fmt_bzip2.c - bzip2 streams, one or several back to back (as pbzip2 writes them).
 *
 * A chunk is a run of adjacent streams, read as `bzip2 -dc` reads them; the child is
 * their concatenated content, named by the object's name hint (bzip2 stores no name).
 * libbz2 decompresses. Finding where a stream ends is done here, bzip2recover's way,
 * because libbz2 has no call for it short of decompressing the stream (3.6 MiB of
 * tables, about 30 MB/s): blocks are bit-aligned and unindexed, but each starts with the
 * 48-bit magic 0x314159265359 followed by its CRC, and the stream ends with
 * 0x177245385090 and the combined CRC, a rotate-and-xor of the block CRCs. identify()
 * scans the bits for both magics, checks the combined CRC against the block CRCs it
 * saw, and the stream ends at the byte holding its last bit. A stream without its end
 * marker runs to the end of the object (truncated).
 */
#include "formats/format.h"

#include <bzlib.h>

#define OUTBUF (64 * 1024)
#define FEED_MAX (1u << 30)
#define MAGIC48 0xffffffffffffull
#define BLOCK_MAGIC 0x314159265359ull
#define EOS_MAGIC 0x177245385090ull

/* "BZh1".."BZh9" then a block or end-of-stream magic, byte-aligned. */
static bool header_ok(struct vt_span s, size_t off)
{
	uint8_t lvl;
	if (!vt_span_eq(s, off, "BZh", 3) || vt_span_u8(s, off + 3, &lvl) || lvl < '1' ||
	    lvl > '9')
		return false;
	return vt_span_eq(s, off + 4, "\x31\x41\x59\x26\x53\x59", 6) ||
	       vt_span_eq(s, off + 4, "\x17\x72\x45\x38\x50\x90", 6);
}

/* The 32 bits starting at bit `bit` of s (most significant bit first). */
static bool bits32(struct vt_span s, uint64_t bit, uint32_t *v)
{
	size_t byte = (size_t)(bit / 8);
	unsigned sh = (unsigned)(bit % 8);
	uint8_t b[5] = {0};
	if (!vt_span_has(s, byte, sh ? 5 : 4) || vt_span_copy(s, byte, b, sh ? 5 : 4))
		return false;
	uint64_t w = (uint64_t)b[0] << 32 | (uint64_t)b[1] << 24 | (uint64_t)b[2] << 16 |
		     (uint64_t)b[3] << 8 | b[4];
	*v = (uint32_t)(w >> (8 - sh));
	return true;
}

/* One stream at `off`: *end is the offset after its last byte (s.len when it has no end
 * marker: *complete false), *crc_ok whether the combined CRC matched. */
static void scan_stream(struct vt_span s, size_t off, size_t *end, bool *complete, bool *crc_ok)
{
	uint64_t reg = 0;
	uint32_t combined = 0, crc;
	*end = s.len;
	*complete = *crc_ok = false;
	uint8_t blk[4096];
	size_t have = 0, base = off + 4;
	for (size_t i = off + 4; i < s.len; i++) {
		if (i - base >= have) {
			base = i;
			have = VT_MIN(sizeof(blk), s.len - i);
			if (vt_span_copy(s, i, blk, have))
				return;
		}
		uint8_t byte = blk[i - base];
		for (int k = 7; k >= 0; k--) {
			reg = reg << 1 | ((byte >> k) & 1);
			uint64_t w = reg & MAGIC48;
			if (w != BLOCK_MAGIC && w != EOS_MAGIC)
				continue;
			uint64_t bit = (uint64_t)i * 8 + (unsigned)(8 - k); /* just past the magic */
			if (!bits32(s, bit, &crc))
				return; /* the CRC is cut off: truncated */
			if (w == BLOCK_MAGIC) {
				combined = (combined << 1 | combined >> 31) ^ crc;
				continue;
			}
			*complete = true;
			*crc_ok = crc == combined;
			*end = (size_t)((bit + 32 + 7) / 8);
			return;
		}
	}
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("BZh", 0),
	VT_MAGIC_END,
};

static vt_err bzip2_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, pos = off, end;
	bool complete = false, crc_ok = true, ok;
	unsigned streams = 0;
	if (!header_ok(obj, off))
		return VT_EFORMAT;
	/* each stream is at least 14 bytes long: bounded by the object's length */
	while (pos < obj.len && header_ok(obj, pos)) {
		scan_stream(obj, pos, &end, &complete, &ok);
		if (streams && !complete)
			break; /* a later stream without its end: not part of this run */
		crc_ok = crc_ok && ok;
		streams++;
		pos = end;
		if (!complete)
			break;
	}
	m->length = pos - off;
	m->truncated = pos == obj.len && !complete;
	m->confidence = 24 + 4 + 48 + (complete ? 48 : 0) + (complete && crc_ok ? 32 : 0);
	m->variant = streams > 1 ? "multi-stream" : NULL;
	m->u[0] = streams;
	return VT_OK;
}

static const char *bz_error(int r)
{
	switch (r) {
	case BZ_DATA_ERROR:
		return "data integrity error (CRC mismatch or bad block)";
	case BZ_DATA_ERROR_MAGIC:
		return "bad stream magic";
	case BZ_MEM_ERROR:
		return "out of memory";
	default:
		return "decompression failed";
	}
}

/* Decompresses the stream at *pos into f; *pos moves past what libbz2 consumed. */
static vt_err one_stream(struct vt_xctx *x, struct vt_span s, size_t *pos, struct vt_xfile *f,
			 uint8_t *buf, int *res)
{
	bz_stream bz = {0};
	if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK)
		return VT_ENOMEM;
	size_t next = *pos;
	vt_err e = VT_OK;
	*res = BZ_OK;
	for (;;) {
		if (bz.avail_in == 0 && next < s.len) {
			size_t n = VT_MIN(s.len - next, (size_t)FEED_MAX);
			bz.next_in = (char *)(uintptr_t)(s.p + next); /* libbz2 does not write it */
			bz.avail_in = (unsigned)n;
			next += n;
		}
		bz.next_out = (char *)buf;
		bz.avail_out = OUTBUF;
		int r = BZ2_bzDecompress(&bz);
		size_t got = OUTBUF - bz.avail_out;
		if (got && (e = vt_x_file_write(f, buf, got)) != VT_OK)
			break;
		if (r != BZ_OK) {
			*res = r;
			break;
		}
		if (bz.avail_in == 0 && next >= s.len && got < OUTBUF) {
			*res = BZ_UNEXPECTED_EOF;
			break;
		}
	}
	*pos = next - bz.avail_in;
	BZ2_bzDecompressEnd(&bz);
	return e;
}

static vt_err bzip2_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	uint8_t *buf = malloc(OUTBUF);
	if (!buf)
		return VT_ENOMEM;
	const char *name = vt_x_name_hint(x);
	struct vt_xfile *f;
	vt_err e = vt_x_file_open(x, name, NULL, &f);
	if (e) {
		free(buf);
		return e;
	}
	size_t pos = 0;
	int res = BZ_STREAM_END;
	while (!e && res == BZ_STREAM_END && pos < chunk.len && header_ok(chunk, pos))
		e = one_stream(x, chunk, &pos, f, buf, &res);
	free(buf);
	bool complete = !e && res == BZ_STREAM_END && pos == chunk.len;
	vt_err c = vt_x_file_close(f, complete);
	e = e ? e : c;
	if (e)
		return e;
	if (res == BZ_UNEXPECTED_EOF)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "truncated bzip2 data at 0x%" PRIx64 " in '%s'",
			  m->offset + pos, name);
	else if (res != BZ_STREAM_END)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "damaged bzip2 data near 0x%" PRIx64
			  " in '%s': %s", m->offset + pos, name, bz_error(res));
	else if (pos != chunk.len)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "bzip2 stream in '%s' ends at 0x%" PRIx64
			  " before its end marker was expected", name, m->offset + pos);
	return VT_OK;
}

const struct vt_format vt_format_bzip2 = {
	.name = "bzip2",
	.description = "bzip2 compressed data",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = bzip2_identify,
	.extract = bzip2_extract,
};
