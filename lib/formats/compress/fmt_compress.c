/* fmt_compress.c - compress(1) .Z data: adaptive LZW (ncompress, gzip -d reads it too).
 *
 * The header is 0x1f 0x9d and a flags byte (maximum code width 9..16, block mode bit,
 * two reserved bits that must be zero); LZW codes follow, packed least significant bit
 * first, 9 bits wide at first. libarchive decompresses (its compress filter under the
 * raw format, over archive_read_open_memory). The format has no end marker, no length
 * and no checksum: the stream is taken to run to the end of the object, so data after
 * a .Z stream in the same object is decoded as part of it (and usually ends it with a
 * "damaged" diagnostic). With a 2-byte magic, identify() must reject fast without
 * libarchive's 300 KiB of tables: it checks the first codes itself (up to the first
 * width change, at most 256 codes): the first must be a literal, each later one at
 * most the next free table entry, as every LZW decoder requires. ncompress 4.2.4.6
 * writes -b 9 and -C output that neither it nor libarchive decodes: not handled.
 */
#include "formats/format.h"

#include "core/archive_lazy.h"

#define HDR 3
#define OUTBUF (64 * 1024)
#define CLEAR 256
#define CODES_CHECKED 256 /* at most, all 9 bits wide */
#define CODES_NEEDED 32   /* fewer only when the stream has fewer */
#define WHY_LEN 200

static bool flags_ok(struct vt_span s, size_t off, uint8_t *flags)
{
	if (!vt_span_eq(s, off, "\x1f\x9d", 2) || vt_span_u8(s, off + 2, flags))
		return false;
	unsigned bits = *flags & 0x1f;
	return !(*flags & 0x60) && bits >= 9 && bits <= 16;
}

/* Checks the first 9-bit codes after the header at off: how many were fine, or -1 at
 * the first impossible one. *avail is how many whole codes the span holds. */
static int check_codes(struct vt_span s, size_t off, bool block_mode, size_t *avail)
{
	uint8_t b[(CODES_CHECKED * 9 + 7) / 8 + 2] = {0};
	size_t have = VT_MIN(sizeof(b), s.len - off - HDR);
	if (vt_span_copy(s, off + HDR, b, have))
		return -1;
	*avail = have * 8 / 9;
	unsigned free_ent = block_mode ? 257 : 256;
	int n = 0;
	for (size_t k = 0; k < *avail && k < CODES_CHECKED; k++, n++) {
		size_t bit = k * 9;
		unsigned code = ((unsigned)b[bit / 8] | (unsigned)b[bit / 8 + 1] << 8) >> (bit % 8);
		code &= 0x1ff;
		if (k == 0) {
			if (code >= 256)
				return -1;
			continue;
		}
		if (block_mode && code == CLEAR)
			break; /* the width rules change from here: enough */
		if (code > free_ent)
			return -1;
		if (++free_ent > 511)
			break;
	}
	return n;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\x1f\x9d", 0),
	VT_MAGIC_END,
};

static vt_err compress_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, avail;
	uint8_t flags;
	if (!flags_ok(obj, off, &flags))
		return VT_EFORMAT;
	int n = check_codes(obj, off, flags & 0x80, &avail);
	if (n < 0 || (size_t)n < VT_MIN(avail, (size_t)CODES_NEEDED))
		return VT_EFORMAT;
	m->length = obj.len - off;
	m->truncated = false;
	m->confidence = 16 + 4 + (unsigned)n / 4;
	m->variant = flags & 0x80 ? "block mode" : "no block mode";
	m->u[0] = flags;
	return VT_OK;
}

static vt_err open_archive(struct vt_span in, struct archive **out)
{
	struct archive *a = archive_read_new();
	*out = a;
	if (!a)
		return VT_ENOMEM;
	if (archive_read_support_filter_compress(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK)
		return VT_EINTERNAL;
	if (archive_read_open_memory(a, in.p, in.len) != ARCHIVE_OK ||
	    archive_filter_code(a, 0) != ARCHIVE_FILTER_COMPRESS)
		return VT_EFORMAT;
	struct archive_entry *ent;
	return archive_read_next_header(a, &ent) == ARCHIVE_OK ? VT_OK : VT_EFORMAT;
}

/* Decodes `in`, writing the output past its first `skip` bytes to f (NULL: nowhere).
 * VT_EFORMAT when libarchive reports damaged data (copied to why[WHY_LEN] when not
 * NULL); *total is the output libarchive delivered. Input with no code at all is the
 * empty file. */
static vt_err decode(struct vt_span in, struct vt_xfile *f, uint64_t skip, uint8_t *buf,
		     uint64_t *total, char *why)
{
	struct archive *a;
	*total = 0;
	vt_err e = open_archive(in, &a);
	if (e == VT_EFORMAT && in.len * 8 < HDR * 8 + 9)
		e = VT_OK; /* libarchive finds no data in it */
	else if (!e) {
		la_ssize_t n;
		/* libarchive returns data until the end of the input or an error */
		while ((n = archive_read_data(a, buf, OUTBUF)) > 0) {
			uint64_t from = *total < skip ? VT_MIN(skip - *total, (uint64_t)n) : 0;
			*total += (uint64_t)n;
			if (f && (e = vt_x_file_write(f, buf + from, (size_t)n - from)) != VT_OK)
				break;
		}
		if (!e && n < 0)
			e = VT_EFORMAT;
	}
	const char *msg = a ? archive_error_string(a) : NULL;
	if (e == VT_EFORMAT && why)
		snprintf(why, WHY_LEN, "%s", msg ? msg : "decompression failed");
	archive_read_free(a);
	return e;
}

/* libarchive drops the output block (64 KiB) in which it meets damage. The longest
 * prefix of the input that decodes without error holds everything before the damage:
 * found by bisection, decoded again, and what the first pass missed is written. */
static vt_err recover(struct vt_span chunk, struct vt_xfile *f, uint64_t done, uint8_t *buf)
{
	size_t lo = HDR, hi = chunk.len;
	uint64_t total;
	/* log2(chunk.len) rounds */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		vt_err e = decode(vt_span_make(chunk.p, mid), NULL, 0, buf, &total, NULL);
		if (e && e != VT_EFORMAT)
			return e;
		*(e ? &hi : &lo) = mid;
	}
	vt_err e = decode(vt_span_make(chunk.p, lo), f, done, buf, &total, NULL);
	return e == VT_EFORMAT ? VT_OK : e;
}

static vt_err compress_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	const char *name = vt_x_name_hint(x);
	char why[WHY_LEN] = "";
	struct vt_xfile *f = NULL;
	uint8_t *buf = malloc(OUTBUF);
	vt_err e = buf ? vt_x_file_open(x, name, NULL, &f) : VT_ENOMEM;
	uint64_t total = 0;
	if (!e)
		e = decode(chunk, f, 0, buf, &total, why);
	bool damaged = e == VT_EFORMAT;
	if (damaged)
		e = recover(chunk, f, total, buf);
	if (f) {
		vt_err c = vt_x_file_close(f, !e && !damaged);
		e = e ? e : c;
	}
	if (!e && damaged)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "damaged .Z data in '%s' at 0x%" PRIx64
			  ": %s", name, m->offset, why);
	free(buf);
	return e;
}

const struct vt_format vt_format_compress = {
	.name = "compress",
	.description = "compress (.Z) LZW compressed data",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = compress_identify,
	.extract = compress_extract,
};
