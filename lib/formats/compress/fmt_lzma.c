/* fmt_lzma.c - LZMA "alone" streams (.lzma, the LZMA SDK and lzma-utils format).
 *
 * The 13-byte header is a properties byte (lc/lp/pb), a 32-bit dictionary size and a
 * 64-bit uncompressed size, -1 when unknown (the stream then ends with an end marker).
 * Router firmware uses it for kernels, with properties 0x5d and any dictionary size,
 * usually with the size known and no end marker. The header is parsed here (13 bytes;
 * liblzma's lzma_alone_decoder would take the dictionary size as is) so that the
 * dictionary can be capped at the uncompressed size and at 256 MiB: the data is then
 * decoded by liblzma's raw LZMA1 decoder (LZMA_FILTER_LZMA1EXT, which knows the
 * uncompressed size and accepts an end marker after it), whose input position at the
 * end gives the stream's exact extent.
 *
 * The magic is weak (0x5d and two or four zero dictionary bytes), so identify() checks
 * every header field, the range coder's first byte, and decodes the stream into a
 * scratch buffer: a candidate whose data fails early (before DECODE_EVIDENCE input
 * bytes) is rejected, one that fails later is kept up to the failure as damaged. A
 * stream still going when vt_identify_may_stop() says enough is left open: extract(),
 * which decodes it anyway, settles its extent (vt_x_extent), so a long stream is decoded
 * once and a bit. Memory is up to the (capped) dictionary, touched only as far as the
 * output goes.
 */
#include "formats/format.h"
#include "formats/compress/evidence.h"

#include <lzma.h>

#define HDR 13
#define SCRATCH 8192
#define OUTBUF (64 * 1024)
#define DICT_MIN 4096u
#define DICT_MAX (3u << 29)          /* 1.5 GiB, the largest an LZMA encoder writes */
#define DICT_CAP (256u << 20)        /* the most memory a decoder gets */
#define SIZE_MAX_KNOWN (1ull << 38)  /* larger "known" sizes are taken as garbage */
#define DECODE_EVIDENCE 256          /* input bytes that must decode before damage */

struct hdr {
	uint32_t lc, lp, pb, dict;
	uint64_t size; /* UINT64_MAX: unknown, the stream has an end marker */
};

static bool parse_header(struct vt_span s, size_t off, struct hdr *h)
{
	uint8_t props, rc0;
	if (vt_span_u8(s, off, &props) || vt_span_u32le(s, off + 1, &h->dict) ||
	    vt_span_u64le(s, off + 5, &h->size) || vt_span_u8(s, off + HDR, &rc0))
		return false;
	if (props >= 9 * 5 * 5)
		return false;
	h->lc = props % 9;
	h->lp = props / 9 % 5;
	h->pb = props / 45;
	if (h->lc + h->lp > LZMA_LCLP_MAX) /* liblzma's limit; the SDK's encoder has it too */
		return false;
	if (h->dict < DICT_MIN || h->dict > DICT_MAX)
		return false;
	if (h->size != UINT64_MAX && h->size >= SIZE_MAX_KNOWN)
		return false;
	return rc0 == 0; /* the range coder's first byte is always zero */
}

static vt_err decoder(lzma_stream *z, const struct hdr *h)
{
	lzma_options_lzma o = {0};
	uint64_t dict = h->dict;
	if (h->size != UINT64_MAX)
		dict = VT_MIN(dict, VT_MAX(h->size, DICT_MIN));
	o.dict_size = (uint32_t)VT_MIN(dict, DICT_CAP);
	o.lc = h->lc;
	o.lp = h->lp;
	o.pb = h->pb;
	o.ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
	o.ext_size_low = (uint32_t)h->size;
	o.ext_size_high = (uint32_t)(h->size >> 32);
	lzma_filter filters[2] = {{LZMA_FILTER_LZMA1EXT, &o}, {LZMA_VLI_UNKNOWN, NULL}};
	lzma_ret r = lzma_raw_decoder(z, filters);
	return r == LZMA_OK ? VT_OK : r == LZMA_MEM_ERROR ? VT_ENOMEM : VT_EUNSUPPORTED;
}

/* How decode() runs: identify (output discarded, may stop early), extract of a settled
 * chunk, extract of an open one (the extent is found by decoding to the end: after a
 * limit stops the output, the rest is still decoded, discarded, to find it). */
enum mode { IDENTIFY, EXTRACT, EXTRACT_OPEN };

/* Decodes the data after the header at off in s, to f (EXTRACT*) or nowhere. *r is the
 * last liblzma result (LZMA_OK when identify stopped early), *used the input bytes
 * decoded. */
static vt_err decode(struct vt_span s, size_t off, const struct hdr *h, enum mode mode,
		     struct vt_xctx *x, struct vt_xfile *f, lzma_ret *r, size_t *used)
{
	uint8_t scratch[SCRATCH], *buf = scratch;
	size_t cap = sizeof(scratch);
	lzma_stream z = LZMA_STREAM_INIT;
	*used = 0;
	*r = LZMA_PROG_ERROR;
	vt_err e = decoder(&z, h);
	if (e)
		return e;
	if (f) {
		cap = OUTBUF;
		if (!(buf = malloc(cap))) {
			lzma_end(&z);
			return VT_ENOMEM;
		}
	}
	z.next_in = s.p + off + HDR;
	z.avail_in = s.len - off - HDR;
	*r = LZMA_OK;
	/* every round produces output or consumes input, else liblzma says LZMA_BUF_ERROR */
	while (*r == LZMA_OK) {
		z.next_out = buf;
		z.avail_out = cap;
		*r = lzma_code(&z, LZMA_FINISH);
		size_t got = cap - z.avail_out;
		if (got && f && !e) {
			if (mode == EXTRACT_OPEN)
				vt_x_progress(x, HDR + z.total_in, z.total_out - got);
			e = vt_x_file_write(f, buf, got);
			if (e && (e != VT_ELIMIT || mode != EXTRACT_OPEN))
				break;
		}
		if (mode == IDENTIFY && *r == LZMA_OK &&
		    vt_identify_may_stop(z.total_in, z.total_out))
			break;
	}
	*used = (size_t)z.total_in;
	if (*r == LZMA_MEM_ERROR && !e)
		e = VT_ENOMEM;
	if (f)
		free(buf);
	lzma_end(&z);
	return e;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\x5d\x00\x00", 0),             /* dictionary a multiple of 64 KiB */
	VT_MAGIC("\x5d\x00\x10\x00\x00", 0),     /* 4 KiB ... 48 KiB */
	VT_MAGIC("\x5d\x00\x20\x00\x00", 0),
	VT_MAGIC("\x5d\x00\x30\x00\x00", 0),
	VT_MAGIC("\x5d\x00\x40\x00\x00", 0),
	VT_MAGIC("\x5d\x00\x60\x00\x00", 0),
	VT_MAGIC("\x5d\x00\x80\x00\x00", 0),
	VT_MAGIC("\x5d\x00\xc0\x00\x00", 0),
	VT_MAGIC_END,
};

/* Dictionary sizes encoders write: 2^n or 2^n + 2^(n-1). */
static bool usual_dict(uint32_t d)
{
	uint32_t low = d & -d;
	return d == low || d == 3 * low;
}

static unsigned confidence(const struct hdr *h, bool complete, size_t used)
{
	return 8 + 16 + 8 + (usual_dict(h->dict) ? 8 : 0) + (h->size == UINT64_MAX ? 16 : 24) +
	       (complete ? 32 : vti_cz_evidence(used));
}

static vt_err lzma_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, used;
	struct hdr h;
	if (!parse_header(obj, off, &h))
		return VT_EFORMAT;
	lzma_ret r;
	vt_err e = decode(obj, off, &h, IDENTIFY, NULL, NULL, &r, &used);
	if (e)
		return e == VT_ENOMEM ? e : VT_EFORMAT;
	bool complete = r == LZMA_STREAM_END, open = r == LZMA_OK;
	if (!complete && used < DECODE_EVIDENCE)
		return VT_EFORMAT;
	bool truncated = r == LZMA_BUF_ERROR;
	m->length = truncated || open ? obj.len - off : HDR + used;
	m->truncated = truncated;
	m->open = open;
	m->confidence = confidence(&h, complete, used);
	m->variant = h.size == UINT64_MAX ? "unknown size" : "known size";
	m->u[0] = h.size;
	m->u[1] = !complete && !truncated && !open; /* damaged: the chunk ends at the damage */
	return VT_OK;
}

static const char *lzma_error(lzma_ret r)
{
	switch (r) {
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_BUF_ERROR:
		return "unexpected end of input";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	default:
		return "decompression failed";
	}
}

static vt_err lzma_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct hdr h;
	if (!parse_header(chunk, 0, &h)) {
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "invalid lzma header at 0x%" PRIx64,
			  m->offset);
		return VT_EFORMAT;
	}
	const char *name = vt_x_name_hint(x);
	struct vt_xfile *f;
	vt_err e = vt_x_file_open(x, name, NULL, &f);
	if (e)
		return e;
	lzma_ret r;
	size_t used;
	e = decode(chunk, 0, &h, m->open ? EXTRACT_OPEN : EXTRACT, x, f, &r, &used);
	if (m->open && (!e || e == VT_ELIMIT)) /* where the data ended, or is damaged */
		vt_x_extent(x, r == LZMA_BUF_ERROR ? chunk.len : HDR + used, r == LZMA_BUF_ERROR,
			    confidence(&h, r == LZMA_STREAM_END, used));
	bool complete = !e && r == LZMA_STREAM_END && (m->open || HDR + used == chunk.len);
	vt_err c = vt_x_file_close(f, complete);
	e = e ? e : c;
	bool cut = r == LZMA_BUF_ERROR && !m->u[1];
	if (!e && !complete)
		vt_x_diag(x, VT_SEV_WARNING, cut ? VT_ETRUNC : VT_EFORMAT,
			  "%s lzma data at 0x%" PRIx64 " in '%s': %s", cut ? "truncated" : "damaged",
			  m->offset + HDR + used, name,
			  r == LZMA_STREAM_END ? "trailing bytes" : m->u[1] ? "corrupt data" :
			  lzma_error(r));
	return e;
}

const struct vt_format vt_format_lzma = {
	.name = "lzma",
	.description = "LZMA compressed data (lzma-alone)",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = lzma_identify,
	.extract = lzma_extract,
};
