/* fmt_cpio.c - cpio archives: SVR4 "newc" and "crc" (070701/070702), POSIX odc (070707),
 * and the old binary format in either byte order.
 *
 * identify() walks the headers itself to find where the archive ends, which libarchive
 * does not report: every field must be made of digits of the variant's base (ASCII
 * variants), the name must fit and end with its NUL, and the file type must be one
 * cpio stores; the chunk ends after the "TRAILER!!!" entry and the zero padding that
 * rounds the archive to 512 bytes (as cpio writes it). All headers of a chunk have the
 * variant of the first, as libarchive reads them. A walk that meets something else
 * before the trailer ends the chunk there.
 * extract() reads the chunk with libarchive's cpio reader alone; the data of a newc
 * hard-link group comes with its last member, so empty linked members wait for it.
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"

#define BLOCK 512
#define MAX_NAME 65536      /* longer names are not cpio written by any tool */

enum variant { NEWC, CRC, ODC, BIN_LE, BIN_BE };

static const char *const variant_names[] = {"newc", "crc", "odc", "bin le", "bin be"};

struct entry {
	uint64_t mode, namesize, filesize;
	size_t name_off, data_off; /* from the header's start */
	size_t align;              /* header+name and data are padded to this */
};

/* The variant of the header at off, or -1. */
static int variant_at(struct vt_span s, size_t off)
{
	uint8_t b[6];
	if (vt_span_copy(s, off, b, 2))
		return -1;
	if (b[0] == 0xc7 && b[1] == 0x71)
		return BIN_LE;
	if (b[0] == 0x71 && b[1] == 0xc7)
		return BIN_BE;
	if (vt_span_copy(s, off, b, 6) || memcmp(b, "07070", 5))
		return -1;
	return b[5] == '1' ? NEWC : b[5] == '2' ? CRC : b[5] == '7' ? ODC : -1;
}

static bool newc_header(struct vt_span s, size_t off, struct entry *e)
{
	uint64_t v;
	for (size_t i = 0; i < 13; i++) /* every field is 8 hex digits */
		if (!vti_la_num(s, off + 6 + 8 * i, 8, 16, VTI_LA_EXACT, &v))
			return false;
	if (!vti_la_num(s, off + 14, 8, 16, VTI_LA_EXACT, &e->mode) ||
	    !vti_la_num(s, off + 54, 8, 16, VTI_LA_EXACT, &e->filesize) ||
	    !vti_la_num(s, off + 94, 8, 16, VTI_LA_EXACT, &e->namesize))
		return false;
	e->name_off = 110;
	e->align = 4;
	return true;
}

static bool odc_header(struct vt_span s, size_t off, struct entry *e)
{
	static const uint8_t widths[] = {6, 6, 6, 6, 6, 6, 6, 11, 6, 11};
	size_t p = off + 6;
	uint64_t v[10];
	for (size_t i = 0; i < VT_ARRAY_LEN(widths); p += widths[i], i++)
		if (!vti_la_num(s, p, widths[i], 8, VTI_LA_EXACT, &v[i]))
			return false;
	e->mode = v[2];
	e->namesize = v[8];
	e->filesize = v[9];
	e->name_off = 76;
	e->align = 1;
	return true;
}

static bool bin_header(struct vt_span s, size_t off, bool be, struct entry *e)
{
	uint16_t mode, namesize, hi, lo;
	if (vt_span_u16(s, off + 6, be, &mode) || vt_span_u16(s, off + 20, be, &namesize) ||
	    vt_span_u16(s, off + 22, be, &hi) || vt_span_u16(s, off + 24, be, &lo))
		return false;
	e->mode = mode;
	e->namesize = namesize;
	e->filesize = (uint64_t)hi << 16 | lo; /* most significant half first */
	e->name_off = 26;
	e->align = 2;
	return true;
}

static bool sane_type(uint64_t mode)
{
	switch (mode & 0170000) {
	case 0100000: case 0040000: case 0120000: case 0020000:
	case 0060000: case 0010000: case 0140000:
		return true;
	default:
		return false;
	}
}

struct walk {
	struct vt_span s;
	size_t pos;
	size_t members;
	int variant;
	bool trailer, truncated;
};

/* Walks the entry at w->pos; false when the walk ends. */
static bool member(struct walk *w)
{
	struct entry e;
	bool ok;
	if (variant_at(w->s, w->pos) != w->variant)
		return false;
	switch (w->variant) {
	case NEWC: case CRC: ok = newc_header(w->s, w->pos, &e); break;
	case ODC: ok = odc_header(w->s, w->pos, &e); break;
	default: ok = bin_header(w->s, w->pos, w->variant == BIN_BE, &e); break;
	}
	if (!ok) {
		w->truncated = w->s.len - w->pos < 110; /* a cut header */
		return false;
	}
	uint8_t nul;
	size_t name = w->pos + e.name_off, after_name, data_end;
	uint64_t padded;
	if (e.namesize < 1 || e.namesize > MAX_NAME)
		return false;
	if (!vt_add_ok(name, (size_t)e.namesize, &after_name) || after_name > w->s.len) {
		w->truncated = true;
		return false;
	}
	if (vt_span_u8(w->s, after_name - 1, &nul) || nul)
		return false;
	bool trailer = e.namesize == 11 && vt_span_eq(w->s, name, "TRAILER!!!", 10);
	if (!trailer && !sane_type(e.mode))
		return false;
	/* name padding is counted from the header's start, data padding likewise */
	if (!vti_la_align(after_name - w->pos, e.align, &padded) ||
	    !vti_la_align(e.filesize, e.align, &e.filesize) || e.filesize > SIZE_MAX ||
	    !vt_add_ok(w->pos, (size_t)padded, &e.data_off) ||
	    !vt_add_ok(e.data_off, (size_t)e.filesize, &data_end) || data_end > w->s.len) {
		w->truncated = true;
		return false;
	}
	w->members++;
	w->pos = data_end;
	w->trailer = trailer;
	return !trailer;
}

static vt_err cpio_identify(struct vt_span obj, struct vt_match *m)
{
	struct walk w = {0};
	if (vt_span_tail(obj, (size_t)m->offset, &w.s))
		return VT_ETRUNC;
	w.variant = variant_at(w.s, 0);
	if (w.variant < 0)
		return VT_EFORMAT;
	size_t limit = w.s.len / 26 + 1; /* each entry takes at least a binary header */
	for (size_t i = 0; i < limit && member(&w); i++)
		;
	if (w.members == 0 && !w.truncated)
		return VT_EFORMAT;
	if (w.trailer) /* zero padding to the block */
		while (w.pos % BLOCK && vti_la_zero(w.s, w.pos, 1))
			w.pos++;
	m->truncated = w.truncated || (!w.trailer && w.pos == w.s.len);
	m->length = m->truncated ? w.s.len : w.pos;
	m->variant = variant_names[w.variant];
	bool ascii = w.variant <= ODC;
	/* magic, digit fields, the name's NUL, more entries, the trailer */
	m->confidence = (ascii ? 48 + 16 : 16 + 8) + (w.members ? 8 : 0) +
			(unsigned)VT_MIN(w.members, (size_t)4) * 4 + (w.trailer ? 24 : 0);
	return m->length ? VT_OK : VT_EFORMAT;
}

static int cpio_setup(struct archive *a)
{
	return archive_read_support_format_cpio(a);
}

static const struct vti_la_spec cpio_spec = {
	.what = "cpio archive",
	.setup = cpio_setup,
	.defer_links = true,
};

static vt_err cpio_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	return vti_la_extract(x, chunk, &cpio_spec, NULL);
}

static const struct vt_magic_pat cpio_magics[] = {
	VT_MAGIC("070701", 0),
	VT_MAGIC("070702", 0),
	VT_MAGIC("070707", 0),
	VT_MAGIC("\xc7\x71", 0),
	VT_MAGIC("\x71\xc7", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_cpio = {
	.name = "cpio",
	.description = "cpio archive (newc, crc, odc, old binary)",
	.magics = cpio_magics,
	.identify = cpio_identify,
	.extract = cpio_extract,
};
