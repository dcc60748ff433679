/* fmt_cab.c - Microsoft Cabinet files (version 1.3: stored, MSZIP, LZX members).
 *
 * identify() checks the CFHEADER: "MSCF" and its zero reserved fields, version 1.3, no
 * unknown flags, a file table inside the cabinet and folders for its files. The chunk
 * is cbCabinet bytes, the cabinet's size as its header states it. Cabinets spanning
 * several files (a previous or next cabinet named in the header) are extracted as far
 * as this one goes.
 * extract() reads the chunk with libarchive's CAB reader alone (no Quantum).
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"

#define CFHEADER 36
#define FLAGS_KNOWN 0x0007 /* prev cabinet, next cabinet, reserve present */

static vt_err cab_identify(struct vt_span obj, struct vt_match *m)
{
	static const uint8_t magic[8] = {'M', 'S', 'C', 'F', 0, 0, 0, 0};
	struct vt_span s;
	uint32_t cb, res2, coff, res3;
	uint8_t minor, major;
	uint16_t folders, files, flags;
	if (vt_span_tail(obj, (size_t)m->offset, &s))
		return VT_ETRUNC;
	if (!vt_span_eq(s, 0, magic, sizeof(magic)))
		return s.len < sizeof(magic) ? VT_ETRUNC : VT_EFORMAT;
	if (vt_span_u32le(s, 8, &cb) || vt_span_u32le(s, 12, &res2) ||
	    vt_span_u32le(s, 16, &coff) || vt_span_u32le(s, 20, &res3) ||
	    vt_span_u8(s, 24, &minor) || vt_span_u8(s, 25, &major) ||
	    vt_span_u16le(s, 26, &folders) || vt_span_u16le(s, 28, &files) ||
	    vt_span_u16le(s, 30, &flags))
		return VT_ETRUNC;
	if (major != 1 || minor != 3 || res2 || res3 || (flags & ~FLAGS_KNOWN) ||
	    cb < CFHEADER || coff < CFHEADER || coff >= cb || (files && !folders))
		return VT_EFORMAT;
	m->variant = flags & 3 ? "cab (multi-cabinet set)" : "cab";
	/* magic with reserved1 (64 bits), version, reserved2/3, offsets and counts */
	m->confidence = 64 + 16 + 16 + 8;
	m->truncated = cb > s.len;
	m->length = m->truncated ? s.len : cb;
	return VT_OK;
}

static int cab_setup(struct archive *a)
{
	return archive_read_support_format_cab(a);
}

static const struct vti_la_spec cab_spec = {
	.what = "cabinet",
	.setup = cab_setup,
};

static vt_err cab_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	return vti_la_extract(x, chunk, &cab_spec, NULL);
}

static const struct vt_magic_pat cab_magics[] = {
	VT_MAGIC("MSCF\0\0\0\0", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_cab = {
	.name = "cab",
	.description = "Microsoft Cabinet",
	.magics = cab_magics,
	.identify = cab_identify,
	.extract = cab_extract,
};
