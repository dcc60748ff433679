/* fmt_xz.c - .xz streams, one or several back to back, with stream padding between.
 *
 * A chunk is a run of adjacent streams, read as `xz -dc` reads them: the child is their
 * concatenated content, named by the object's name hint (.xz stores no name). liblzma
 * does all the parsing: lzma_stream_header_decode and lzma_stream_footer_decode check
 * the 12-byte header and footer with their CRC-32s, lzma_index_buffer_decode the index,
 * and lzma_stream_decoder (LZMA_CONCATENATED) decompresses and checks every block.
 * identify() finds a stream's end without decompressing: a stream is a multiple of four
 * bytes long and ends with a footer ("YZ", the header's flags, a CRC-32 and the index
 * size), so it tries the 4-aligned footers after the header and takes the first whose
 * CRC, flags and index agree with a stream of exactly that length. Without one the
 * stream runs to the end of the object (truncated).
 */
#include "formats/format.h"
#include "formats/compress/lzma_child.h"

#include <lzma.h>

#define HDR LZMA_STREAM_HEADER_SIZE
#define INDEX_MEMLIMIT (1u << 20)       /* identify: an index needing more is not checked */
#define DECODE_MEMLIMIT (256ull << 20) /* extract: xz -9 needs 65 MiB */

/* Header at off, checked by liblzma (magic, flags, CRC-32). */
static bool stream_header(struct vt_span s, size_t off, lzma_stream_flags *fl)
{
	uint8_t b[HDR];
	return !vt_span_copy(s, off, b, HDR) && lzma_stream_header_decode(fl, b) == LZMA_OK;
}

/* Does the index at [ix, ix+size) describe a stream of exactly `stream_len` bytes?
 * 1 yes, 0 no, -1 unknown (the index needs more memory than identify() may use). */
static int index_agrees(struct vt_span s, size_t ix, size_t size, uint64_t stream_len)
{
	struct vt_span in;
	if (vt_span_sub(s, ix, size, &in))
		return 0;
	lzma_index *idx = NULL;
	uint64_t memlimit = INDEX_MEMLIMIT;
	size_t pos = 0;
	lzma_ret r = lzma_index_buffer_decode(&idx, &memlimit, NULL, in.p, &pos, in.len);
	if (r == LZMA_MEMLIMIT_ERROR)
		return -1;
	if (r != LZMA_OK)
		return 0;
	bool ok = pos == in.len && lzma_index_stream_size(idx) == stream_len;
	lzma_index_end(idx, NULL);
	return ok;
}

/* The first footer after the header at off that closes a consistent stream: its end,
 * and whether the index was checked. False when there is none. */
static bool find_footer(struct vt_span s, size_t off, const lzma_stream_flags *hf, size_t *end,
			bool *index_checked)
{
	uint8_t b[HDR];
	/* stream sizes are multiples of 4; the smallest stream is 32 bytes, its footer at 20 */
	for (size_t q = off + HDR + 8; q <= s.len && s.len - q >= HDR; q += 4) {
		if (!vt_span_eq(s, q + 10, "YZ", 2))
			continue;
		lzma_stream_flags ff;
		if (vt_span_copy(s, q, b, HDR) || lzma_stream_footer_decode(&ff, b) != LZMA_OK ||
		    lzma_stream_flags_compare(hf, &ff) != LZMA_OK)
			continue;
		if (ff.backward_size > q - off - HDR)
			continue;
		size_t ix = q - (size_t)ff.backward_size;
		uint8_t ind;
		if (vt_span_u8(s, ix, &ind) || ind != 0)
			continue;
		int agree = index_agrees(s, ix, (size_t)ff.backward_size, q + HDR - off);
		if (agree == 0)
			continue;
		*end = q + HDR;
		*index_checked = agree == 1;
		return true;
	}
	return false;
}

/* Past the stream padding (zero 4-byte groups) at pos: where another stream starts,
 * or 0 when none does. */
static size_t next_stream(struct vt_span s, size_t pos)
{
	size_t p = pos;
	uint32_t w;
	while (!vt_span_u32le(s, p, &w) && w == 0)
		p += 4;
	lzma_stream_flags fl;
	return stream_header(s, p, &fl) ? p : 0;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\xfd" "7zXZ\x00", 0),
	VT_MAGIC_END,
};

static vt_err xz_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, pos = off, end = off, stream_end;
	lzma_stream_flags hf;
	unsigned streams = 0, index_bits = 32;
	/* each stream is at least 32 bytes: bounded by the object's length */
	while (stream_header(obj, pos, &hf)) {
		bool checked;
		if (!find_footer(obj, pos, &hf, &stream_end, &checked)) {
			if (streams == 0)
				end = obj.len; /* truncated; a later one is a chunk of its own */
			break;
		}
		if (!checked)
			index_bits = 0;
		streams++;
		end = stream_end;
		if (!(pos = next_stream(obj, end)))
			break;
	}
	if (end == off)
		return VT_EFORMAT;
	m->length = end - off;
	m->truncated = streams == 0;
	m->confidence = 48 + 16 + 32 + (streams ? 64 + index_bits : 0);
	m->variant = streams > 1 ? "multi-stream" : NULL;
	m->u[0] = streams;
	return VT_OK;
}

static const char *xz_error(lzma_ret r)
{
	switch (r) {
	case LZMA_DATA_ERROR:
		return "corrupt data or integrity check failed";
	case LZMA_FORMAT_ERROR:
		return "not in .xz format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_MEMLIMIT_ERROR:
		return "needs more than 256 MiB of memory";
	case LZMA_BUF_ERROR:
		return "unexpected end of input";
	default:
		return "decompression failed";
	}
}

static vt_err xz_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	lzma_stream z = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&z, DECODE_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
		return VT_ENOMEM;
	return vti_lzma_to_child(x, &z, chunk, m, "xz", false, xz_error);
}

const struct vt_format vt_format_xz = {
	.name = "xz",
	.description = "xz compressed data",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = xz_identify,
	.extract = xz_extract,
};
