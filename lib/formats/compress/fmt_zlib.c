/* fmt_zlib.c - raw zlib streams (RFC 1950) carved from inside other data.
 *
 * A zlib stream is a 2-byte header (deflate with a 32 KiB window: 0x78, then 0x01,
 * 0x5e, 0x9c or 0xda by level, which pass the FCHECK test and have no preset
 * dictionary), deflate data and the Adler-32 of the content, big-endian. Such streams
 * sit inside firmware blobs, PNG and PDF files, JFFS2 nodes, with nothing around them
 * that says so. zlib inflates the deflate data (raw inflate, windowBits -15, so that
 * the Adler-32 is checked here and a mismatch costs confidence instead of the stream);
 * the extent is where inflate ended plus the four Adler-32 bytes. The 2-byte magic
 * hits often in any data: identify() inflates from each hit, and keeps a stream that
 * does not end with a matching Adler-32 only when at least DECODE_EVIDENCE bytes of it
 * inflated before the damage or the end of the object. A long stream is inflated by
 * identify() only until vt_identify_may_stop() says enough: the match is then open and
 * extract(), which inflates it anyway, settles the extent (vt_x_extent). The child is
 * named by the object's name hint.
 */
#include "formats/format.h"
#include "formats/compress/evidence.h"

#define ZLIB_CONST
#include <zlib.h>

#define HDR 2
#define SCRATCH 8192
#define OUTBUF (64 * 1024)
#define FEED_MAX (1u << 30)
#define DECODE_EVIDENCE 512

/* END_OPEN: identify stopped inflating a stream that was still going well */
enum end { END_COMPLETE, END_TRUNCATED, END_DAMAGED, END_OPEN };

/* How inflate_stream() runs: identify (output discarded, may stop early), extract of a
 * settled chunk, extract of an open one (after a limit stops the output, the rest is
 * still inflated, discarded, to find the end). */
enum mode { IDENTIFY, EXTRACT, EXTRACT_OPEN };

struct run {
	enum end how;       /* how the deflate data ended */
	size_t used;        /* deflate bytes inflate took */
	uint64_t out;       /* bytes produced */
	uLong adler;        /* of the output */
	bool have_sum;      /* the 4 Adler-32 bytes are in the span */
	bool sum_ok;        /* and match */
	const char *why;    /* zlib's message when damaged */
};

static bool header_ok(struct vt_span s, size_t off)
{
	uint8_t cmf, flg;
	if (vt_span_u8(s, off, &cmf) || vt_span_u8(s, off + 1, &flg))
		return false;
	return cmf == 0x78 && ((unsigned)cmf << 8 | flg) % 31 == 0 && !(flg & 0x20);
}

/* Inflates the deflate data after the header at off, to f (EXTRACT*) or nowhere. */
static vt_err inflate_stream(struct vt_span s, size_t off, enum mode mode, struct vt_xctx *x,
			     struct vt_xfile *f, struct run *r)
{
	uint8_t scratch[SCRATCH], *buf = scratch;
	size_t cap = sizeof(scratch), pos = off + HDR, start = pos;
	z_stream z = {0};
	*r = (struct run){.how = END_DAMAGED, .adler = adler32(0, NULL, 0)};
	if (f && !(buf = malloc(cap = OUTBUF)))
		return VT_ENOMEM;
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		if (f)
			free(buf);
		return VT_ENOMEM;
	}
	vt_err e = VT_OK;
	/* every round consumes input or produces output, else the input is exhausted */
	for (;;) {
		if (z.avail_in == 0 && pos < s.len) {
			size_t n = VT_MIN(s.len - pos, (size_t)FEED_MAX);
			z.next_in = s.p + pos;
			z.avail_in = (uInt)n;
			pos += n;
		}
		z.next_out = buf;
		z.avail_out = (uInt)cap;
		size_t before = r->used;
		int zr = inflate(&z, Z_NO_FLUSH);
		size_t got = cap - z.avail_out;
		r->used = pos - start - z.avail_in;
		r->out += got;
		r->adler = adler32(r->adler, buf, (uInt)got);
		if (got && f && !e) {
			if (mode == EXTRACT_OPEN)
				vt_x_progress(x, HDR + r->used, r->out - got);
			e = vt_x_file_write(f, buf, got);
			if (e && (e != VT_ELIMIT || mode != EXTRACT_OPEN))
				break;
		}
		if (zr == Z_STREAM_END) {
			r->how = END_COMPLETE;
			break;
		}
		if (mode == IDENTIFY && zr == Z_OK && vt_identify_may_stop(r->used, r->out)) {
			r->how = END_OPEN;
			break;
		}
		if (zr == Z_MEM_ERROR) {
			e = VT_ENOMEM;
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			r->why = z.msg;
			break;
		}
		if (z.avail_in == 0 && pos >= s.len && z.avail_out != 0) {
			r->how = END_TRUNCATED;
			break;
		}
		if (!got && r->used == before)
			break; /* no progress: cannot happen with zlib */
	}
	uint32_t sum;
	if (r->how == END_COMPLETE && !vt_span_u32be(s, start + r->used, &sum)) {
		r->have_sum = true;
		r->sum_ok = sum == (uint32_t)r->adler;
	}
	inflateEnd(&z);
	if (f)
		free(buf);
	return e;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\x78\x01", 0),
	VT_MAGIC("\x78\x5e", 0),
	VT_MAGIC("\x78\x9c", 0),
	VT_MAGIC("\x78\xda", 0),
	VT_MAGIC_END,
};

static bool is_truncated(const struct run *r)
{
	return r->how == END_TRUNCATED || (r->how == END_COMPLETE && !r->have_sum);
}

/* The stream's extent when it is not truncated: to the damage, or past the Adler-32. */
static uint64_t extent(const struct run *r)
{
	return HDR + r->used + (r->how == END_COMPLETE ? 4 : 0);
}

static unsigned confidence(const struct run *r)
{
	bool good = r->how == END_COMPLETE && r->sum_ok;
	return 16 + 4 + (good ? 32 + 8 : vti_cz_evidence(r->used));
}

static vt_err zlib_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset;
	struct run r;
	if (!header_ok(obj, off))
		return VT_EFORMAT;
	vt_err e = inflate_stream(obj, off, IDENTIFY, NULL, NULL, &r);
	if (e)
		return e;
	bool good = r.how == END_COMPLETE && r.sum_ok;
	if (!good && (r.used < DECODE_EVIDENCE || r.out == 0))
		return VT_EFORMAT;
	bool truncated = is_truncated(&r);
	m->open = r.how == END_OPEN;
	m->length = truncated || m->open ? obj.len - off : extent(&r);
	m->truncated = truncated;
	m->confidence = confidence(&r);
	m->variant = NULL;
	m->u[1] = r.how == END_DAMAGED; /* the chunk ends at the damage */
	return VT_OK;
}

static vt_err zlib_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	const char *name = vt_x_name_hint(x);
	if (!header_ok(chunk, 0)) {
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "invalid zlib header at 0x%" PRIx64,
			  m->offset);
		return VT_EFORMAT;
	}
	struct vt_xfile *f;
	vt_err e = vt_x_file_open(x, name, NULL, &f);
	if (e)
		return e;
	struct run r;
	e = inflate_stream(chunk, 0, m->open ? EXTRACT_OPEN : EXTRACT, x, f, &r);
	if (m->open && (!e || e == VT_ELIMIT))
		vt_x_extent(x, is_truncated(&r) ? chunk.len : extent(&r), is_truncated(&r),
			    confidence(&r));
	bool complete = !e && r.how == END_COMPLETE && r.sum_ok;
	vt_err c = vt_x_file_close(f, complete);
	e = e ? e : c;
	uint64_t at = m->offset + HDR + r.used;
	if (e || complete)
		return e;
	if (r.how == END_DAMAGED || (m->u[1] && r.how == END_TRUNCATED))
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "damaged zlib data at 0x%" PRIx64
			  " in '%s': %s", at, name, r.why ? r.why : "inflate failed");
	else if (r.how == END_TRUNCATED || !r.have_sum)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "truncated zlib data at 0x%" PRIx64
			  " in '%s'", at, name);
	else
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "adler-32 mismatch at 0x%" PRIx64
			  " in '%s': content damaged", at, name);
	return VT_OK;
}

const struct vt_format vt_format_zlib = {
	.name = "zlib",
	.description = "zlib stream (RFC 1950)",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = zlib_identify,
	.extract = zlib_extract,
};
