/* fmt_zstd.c - Zstandard frames (RFC 8878) and the skippable frames around them.
 *
 * A chunk is a run of adjacent frames, read as `zstd -dc` reads them: data frames and
 * skippable frames (pzstd writes one before each frame, the seekable format one after
 * the last), with at least one data frame; the child is the concatenated content, named
 * by the object's name hint (zstd stores no name). libzstd parses everything:
 * ZSTD_getFrameHeader checks a header, ZSTD_findFrameCompressedSize walks the block
 * headers to a frame's exact end without decompressing, the streaming decoder
 * decompresses and checks the optional content checksum. (ZSTD_getFrameHeader is in
 * the "static linking only" part of the API; Debian's shared library exports it.) Only
 * for a frame that libzstd refuses are the 3-byte block headers walked here, to tell a
 * frame cut off by the end of the object (every block well-formed) from a damaged one,
 * and how far a damaged frame's blocks are well-formed: its extent.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include "formats/format.h"
#include "formats/compress/evidence.h"

#include <zstd.h>
#include <zstd_errors.h>

#define FRAME_MAGIC 0xFD2FB528u
#define BLOCK_MAX (128u * 1024)
#define SKIP_HDR 8
#define PROBE_IN (256u * 1024)   /* input a cut or damaged frame is test-decoded from */
#define PROBE_ROUNDS 512         /* of 16 KiB output: at most 8 MiB */
#define PROBE_WINDOW_LOG 23      /* 8 MiB: frames wanting more get no evidence */

/* A skippable frame at pos: its full length in *len, false when there is none. */
static bool skippable(struct vt_span s, size_t pos, size_t *len)
{
	uint32_t magic, size;
	if (vt_span_u32le(s, pos, &magic) || (magic & ZSTD_MAGIC_SKIPPABLE_MASK) !=
	    ZSTD_MAGIC_SKIPPABLE_START || vt_span_u32le(s, pos + 4, &size))
		return false;
	*len = SKIP_HDR + (size_t)size;
	return vt_span_has(s, pos, *len);
}

/* The well-formed blocks of a frame libzstd refused, from its header (hsize bytes) at
 * pos: where they end, and whether the last one is cut off by the end of s. */
static size_t walk_blocks(struct vt_span s, size_t pos, size_t hsize, bool checksum,
			  bool *cut, unsigned *blocks)
{
	size_t p = pos + hsize;
	uint8_t b[3];
	*cut = false;
	*blocks = 0;
	/* each block is at least 3 bytes: bounded by the span's length */
	for (;;) {
		if (vt_span_copy(s, p, b, 3)) {
			*cut = true;
			return p;
		}
		uint32_t h = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
		uint32_t type = (h >> 1) & 3, size = h >> 3;
		size_t len = type == 1 ? 1 : size;
		if (type == 3 || size > BLOCK_MAX)
			return p;
		if (!vt_span_has(s, p + 3, len)) {
			*cut = true;
			return p;
		}
		p += 3 + len;
		(*blocks)++;
		if (h & 1) {
			*cut = checksum && !vt_span_has(s, p, 4);
			return p;
		}
	}
}

enum frame { FRAME_NONE, FRAME_COMPLETE, FRAME_TRUNCATED, FRAME_DAMAGED };

/* The data frame at pos: its kind and where it ends. A damaged frame is taken when at
 * least one block is well-formed, a truncated one when every block is. */
static enum frame data_frame(struct vt_span s, size_t pos, size_t *end, unsigned *blocks)
{
	uint32_t magic;
	ZSTD_frameHeader fh;
	struct vt_span rest;
	if (vt_span_u32le(s, pos, &magic) || magic != FRAME_MAGIC || vt_span_tail(s, pos, &rest) ||
	    ZSTD_getFrameHeader(&fh, rest.p, rest.len) != 0 || fh.frameType != ZSTD_frame)
		return FRAME_NONE;
	size_t n = ZSTD_findFrameCompressedSize(rest.p, rest.len);
	if (!ZSTD_isError(n)) {
		*end = pos + n;
		return FRAME_COMPLETE;
	}
	bool cut;
	size_t good = walk_blocks(s, pos, fh.headerSize, fh.checksumFlag, &cut, blocks);
	if (cut) {
		*end = s.len;
		return FRAME_TRUNCATED;
	}
	*end = good;
	return good > pos + fh.headerSize ? FRAME_DAMAGED : FRAME_NONE; /* no block: not taken */
}

/* A frame that is cut off or damaged has only its block headers to show, about 6 bits
 * each; if its first block is a compressed one (entropy tables, sequences: random bytes
 * do not decode), decoding it is evidence: how much output the frame at pos gives
 * before an error or the end of PROBE_IN input bytes. */
static uint64_t probe(struct vt_span s, size_t pos)
{
	ZSTD_frameHeader fh;
	struct vt_span rest;
	uint8_t b[3], out[16384];
	if (vt_span_tail(s, pos, &rest) || ZSTD_getFrameHeader(&fh, rest.p, rest.len) != 0 ||
	    vt_span_copy(rest, fh.headerSize, b, 3) || ((b[0] >> 1) & 3) != 2)
		return 0;
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (!ds || ZSTD_isError(ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax,
						       PROBE_WINDOW_LOG))) {
		ZSTD_freeDStream(ds);
		return 0;
	}
	ZSTD_inBuffer in = {rest.p, VT_MIN(rest.len, (size_t)PROBE_IN), 0};
	uint64_t produced = 0;
	for (unsigned i = 0; i < PROBE_ROUNDS; i++) {
		ZSTD_outBuffer o = {out, sizeof(out), 0};
		size_t r = ZSTD_decompressStream(ds, &o, &in);
		if (ZSTD_isError(r) || !o.pos)
			break;
		produced += o.pos;
	}
	ZSTD_freeDStream(ds);
	return produced;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\x28\xb5\x2f\xfd", 0),
#define SKIPPABLE(x) VT_MAGIC(x "\x2a\x4d\x18", 0)
	SKIPPABLE("\x50"), SKIPPABLE("\x51"), SKIPPABLE("\x52"), SKIPPABLE("\x53"),
	SKIPPABLE("\x54"), SKIPPABLE("\x55"), SKIPPABLE("\x56"), SKIPPABLE("\x57"),
	SKIPPABLE("\x58"), SKIPPABLE("\x59"), SKIPPABLE("\x5a"), SKIPPABLE("\x5b"),
	SKIPPABLE("\x5c"), SKIPPABLE("\x5d"), SKIPPABLE("\x5e"), SKIPPABLE("\x5f"),
#undef SKIPPABLE
	VT_MAGIC_END,
};

static vt_err zstd_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, pos = off, end = off, len, last_pos = off;
	unsigned frames = 0, skipped = 0, blocks = 0;
	enum frame last = FRAME_NONE;
	/* every frame is at least 8 bytes long: bounded by the object's length */
	while (pos < obj.len) {
		if (skippable(obj, pos, &len)) {
			pos += len;
			skipped++;
			if (frames)
				end = pos;
			continue;
		}
		enum frame k = data_frame(obj, pos, &len, &blocks);
		if (k == FRAME_NONE)
			break;
		frames++;
		last = k;
		last_pos = pos;
		end = pos = len;
		if (k != FRAME_COMPLETE)
			break;
	}
	if (!frames)
		return VT_EFORMAT;
	m->length = end - off;
	m->truncated = last == FRAME_TRUNCATED;
	unsigned evidence = last == FRAME_COMPLETE ? 32 : VT_MIN(32, 6 * blocks);
	if (last != FRAME_COMPLETE)
		evidence = VT_MAX(evidence, vti_cz_evidence(probe(obj, last_pos)));
	m->confidence = 32 + 8 + evidence + (skipped ? 8 : 0);
	m->variant = frames > 1 ? "multi-frame" : NULL;
	m->u[0] = frames;
	return VT_OK;
}

static vt_err zstd_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	size_t cap = ZSTD_DStreamOutSize();
	uint8_t *buf = malloc(cap);
	const char *name = vt_x_name_hint(x);
	struct vt_xfile *f = NULL;
	vt_err e = ds && buf ? vt_x_file_open(x, name, NULL, &f) : VT_ENOMEM;
	ZSTD_inBuffer in = {chunk.p, chunk.len, 0};
	size_t r = 1;
	bool damaged = false;
	/* every round consumes input or produces output, or the frame is cut short */
	while (!e) {
		ZSTD_outBuffer out = {buf, cap, 0};
		size_t before = in.pos;
		r = ZSTD_decompressStream(ds, &out, &in);
		if (ZSTD_isError(r)) {
			damaged = true;
			break;
		}
		if (out.pos && (e = vt_x_file_write(f, buf, out.pos)) != VT_OK)
			break;
		if (in.pos == in.size && out.pos < out.size)
			break;
		if (in.pos == before && out.pos == 0)
			break;
	}
	bool complete = !e && !damaged && r == 0;
	if (f) {
		vt_err c = vt_x_file_close(f, complete);
		e = e ? e : c;
	}
	if (!e && damaged)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "damaged zstd data near 0x%" PRIx64 " in '%s': %s", m->offset + in.pos, name,
			  ZSTD_getErrorName(r));
	else if (!e && !complete)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "truncated zstd data at 0x%" PRIx64 " in '%s'",
			  m->offset + in.pos, name);
	ZSTD_freeDStream(ds);
	free(buf);
	return e;
}

const struct vt_format vt_format_zstd = {
	.name = "zstd",
	.description = "Zstandard compressed data (RFC 8878)",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = zstd_identify,
	.extract = zstd_extract,
};
