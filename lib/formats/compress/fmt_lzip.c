/* fmt_lzip.c - lzip files: one member or several back to back.
 *
 * A member is "LZIP", version 1, a coded dictionary size, LZMA data with an end marker,
 * and a 20-byte trailer: CRC-32 and size of the data, and the member's own size. A chunk
 * is a run of adjacent members, read as `lzip -dc` reads them; the child is their
 * concatenated content, named by the object's name hint (lzip stores no name).
 * liblzma's lzma_lzip_decoder (xz 5.4) decompresses and checks every trailer: CRC-32,
 * data size and member size. identify() finds a member's end without decompressing,
 * the way lziprecover does from the other side: the trailer's last field is the
 * member's size, so the member ends at the first position where the eight bytes before
 * it equal its distance from the header. Without such a trailer the member runs to the
 * end of the object (truncated). liblzma does not support lzip's rare Sync Flush
 * marker (lzip 1.6 and later can write it): such data is reported as damaged.
 */
#include "formats/format.h"
#include "formats/compress/lzma_child.h"

#include <lzma.h>

#define HDR 6
#define TRAILER 20
#define MIN_MEMBER 36
#define DECODE_MEMLIMIT (1ull << 30) /* the dictionary is 512 MiB at most */

/* "LZIP", version 1, a dictionary size from 4 KiB to 512 MiB, LZMA data. */
static bool header_ok(struct vt_span s, size_t off)
{
	uint8_t ver, ds;
	if (!vt_span_eq(s, off, "LZIP", 4) || vt_span_u8(s, off + 4, &ver) || ver != 1 ||
	    vt_span_u8(s, off + 5, &ds))
		return false;
	uint32_t exp = ds & 0x1f, frac = ds >> 5;
	if (exp < 12 || exp > 29)
		return false;
	uint32_t size = (1u << exp) - frac * ((1u << exp) / 16);
	uint8_t rc0;
	/* the LZMA range coder's first byte is always zero */
	return size >= (1u << 12) && !vt_span_u8(s, off + HDR, &rc0) && rc0 == 0;
}

/* The member at off: where its trailer ends, or 0 when no trailer is found. */
static size_t member_end(struct vt_span s, size_t off)
{
	uint8_t blk[4096 + 8];
	/* The member size field is the last 8 bytes; look at every end position. */
	for (size_t base = off + MIN_MEMBER - 8; base + 8 <= s.len; base += 4096) {
		size_t n = VT_MIN(sizeof(blk), s.len - base);
		if (vt_span_copy(s, base, blk, n))
			return 0;
		for (size_t i = 0; i + 8 <= n && i < 4096; i++) {
			if (blk[i] != (uint8_t)(base + i + 8 - off))
				continue; /* the low byte: a fast reject */
			uint64_t v = 0;
			for (int k = 7; k >= 0; k--)
				v = v << 8 | blk[i + (size_t)k];
			if (v == base + i + 8 - off)
				return base + i + 8;
		}
	}
	return 0;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("LZIP\x01", 0),
	VT_MAGIC_END,
};

static vt_err lzip_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, pos = off, end = off;
	unsigned members = 0;
	bool truncated = false;
	/* every member is at least 36 bytes: bounded by the object's length */
	while (header_ok(obj, pos)) {
		size_t e = member_end(obj, pos);
		if (!e) {
			if (!members) {
				end = obj.len;
				truncated = true;
			}
			break;
		}
		members++;
		end = pos = e;
	}
	if (end == off)
		return VT_EFORMAT;
	m->length = end - off;
	m->truncated = truncated;
	m->confidence = 32 + 8 + 4 + 8 + (members ? 64 : 0);
	m->variant = members > 1 ? "multi-member" : NULL;
	m->u[0] = members;
	return VT_OK;
}

static const char *lzip_error(lzma_ret r)
{
	switch (r) {
	case LZMA_DATA_ERROR:
		return "corrupt data, CRC or size mismatch";
	case LZMA_FORMAT_ERROR:
		return "not in lzip format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_BUF_ERROR:
		return "unexpected end of input";
	default:
		return "decompression failed";
	}
}

static vt_err lzip_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	lzma_stream z = LZMA_STREAM_INIT;
	if (lzma_lzip_decoder(&z, DECODE_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
		return VT_ENOMEM;
	return vti_lzma_to_child(x, &z, chunk, m, "lzip", true, lzip_error);
}

const struct vt_format vt_format_lzip = {
	.name = "lzip",
	.description = "lzip compressed data",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = lzip_identify,
	.extract = lzip_extract,
};
