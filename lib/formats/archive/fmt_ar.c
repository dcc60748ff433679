/* fmt_ar.c - Unix ar archives: System V/GNU (long-name table "//", symbol tables "/" and
 * "/SYM64/"), BSD ("#1/" names, "__.SYMDEF") and Debian packages (.deb, whose members
 * control.tar.* and data.tar.* are found again by the recursion).
 *
 * identify() walks the 60-byte member headers after "!<arch>\n" itself, as libarchive
 * does not report where an archive ends: each header must end with "`\n" and hold a
 * decimal size and decimal/octal fields (or blanks, as the long-name table has);
 * member data is padded to an even offset. The archive ends where the next header
 * would not fit or is not a header. Thin archives ("!<thin>\n") hold no data and are
 * not handled.
 * extract() reads the chunk with libarchive's ar reader alone, skipping symbol tables.
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"

#define MAGIC_LEN 8
#define HDR 60

/* A numeric field that is a number of `base`, or blank. */
static bool field_ok(struct vt_span s, size_t off, size_t len, unsigned base)
{
	static const char blanks[16] = "                ";
	uint64_t v;
	return vt_span_eq(s, off, blanks, len) || vti_la_num(s, off, len, base, VTI_LA_PADDED, &v);
}

/* The size of the member whose header is at off; false when it is not a header. */
static bool header(struct vt_span s, size_t off, uint64_t *size)
{
	return vt_span_eq(s, off + 58, "`\n", 2) && field_ok(s, off + 16, 12, 10) &&
	       field_ok(s, off + 28, 6, 10) && field_ok(s, off + 34, 6, 10) &&
	       field_ok(s, off + 40, 8, 8) &&
	       vti_la_num(s, off + 48, 10, 10, VTI_LA_PADDED, size);
}

/* Are the bytes from pos to the end of s the start of a member header (the object is
 * cut inside a header)? Header bytes are printable ASCII, the last two "`\n". */
static bool cut_header(struct vt_span s, size_t pos)
{
	size_t n = s.len - pos;
	if (n == 0 || n >= HDR)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c;
		if (vt_span_u8(s, pos + i, &c) || (c < 0x20 && c != '\n') || c > 0x7e)
			return false;
	}
	return true;
}

static vt_err ar_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	if (vt_span_tail(obj, (size_t)m->offset, &s))
		return VT_ETRUNC;
	if (!vt_span_eq(s, 0, "!<arch>\n", MAGIC_LEN))
		return s.len < MAGIC_LEN ? VT_ETRUNC : VT_EFORMAT;
	size_t pos = MAGIC_LEN, members = 0;
	bool truncated = false;
	uint64_t size;
	m->variant = "ar";
	if (vt_span_eq(s, pos, "debian-binary   ", 16))
		m->variant = "deb";
	else if (vt_span_eq(s, pos, "/ ", 2) || vt_span_eq(s, pos, "// ", 3))
		m->variant = "gnu ar";
	else if (vt_span_eq(s, pos, "#1/", 3) || vt_span_eq(s, pos, "__.SYMDEF", 9))
		m->variant = "bsd ar";
	while (s.len - pos >= HDR && header(s, pos, &size)) { /* each advances pos by >= 60 */
		size_t end;
		members++;
		if (size > SIZE_MAX - 1 || !vt_add_ok(pos + HDR, (size_t)size, &end) ||
		    end > s.len) {
			truncated = true;
			pos = s.len;
			break;
		}
		pos = end + (end & 1 && end < s.len ? 1 : 0); /* padded to even */
	}
	if (!truncated && cut_header(s, pos))
		truncated = true;
	m->truncated = truncated;
	m->length = pos;
	/* magic, the first header's "`\n" and fields, more headers */
	m->confidence = 64 + (members ? 24 : 0) + (unsigned)VT_MIN(members, (size_t)4) * 4;
	return VT_OK;
}

static bool ar_skip(const char *path)
{
	return !strcmp(path, "/") || !strcmp(path, "/SYM64/") || !strcmp(path, "//") ||
	       !strcmp(path, "__.SYMDEF") || !strcmp(path, "__.SYMDEF SORTED");
}

static int ar_setup(struct archive *a)
{
	return archive_read_support_format_ar(a);
}

static const struct vti_la_spec ar_spec = {
	.what = "ar archive",
	.setup = ar_setup,
	.skip = ar_skip,
};

static vt_err ar_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	return vti_la_extract(x, chunk, &ar_spec, NULL);
}

static const struct vt_magic_pat ar_magics[] = {
	VT_MAGIC("!<arch>\n", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_ar = {
	.name = "ar",
	.description = "ar archive (System V, GNU, BSD; Debian package)",
	.magics = ar_magics,
	.identify = ar_identify,
	.extract = ar_extract,
};
