/* fmt_iso9660.c - ISO 9660 file systems (CD/DVD images), with Rock Ridge (POSIX names,
 * modes, owners, links, device nodes) and Joliet (UCS-2 names).
 *
 * identify() checks the primary volume descriptor at sector 16: type 1, "CD001",
 * version 1, and the both-endian fields (volume space size, logical block size, set
 * size and sequence number), which must agree in both byte orders. The chunk is the
 * volume space size times the logical block size. For the variant it looks for a
 * Joliet supplementary descriptor and for the SUSP "SP" entry of the root directory
 * that announces Rock Ridge. El Torito boot images are not emitted.
 * extract() reads the chunk with libarchive's ISO 9660 reader alone, which prefers
 * Rock Ridge names and falls back to Joliet.
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"

#define SECTOR 2048
#define PVD (16 * SECTOR)
#define MAX_DESCRIPTORS 64
#define VD_PRIMARY 1
#define VD_SUPPLEMENTARY 2
#define VD_END 255

static bool both16(struct vt_span s, size_t off, uint16_t *v)
{
	uint16_t be;
	return !vt_span_u16le(s, off, v) && !vt_span_u16be(s, off + 2, &be) && *v == be;
}

static bool both32(struct vt_span s, size_t off, uint32_t *v)
{
	uint32_t be;
	return !vt_span_u32le(s, off, v) && !vt_span_u32be(s, off + 4, &be) && *v == be;
}

/* A Joliet supplementary volume descriptor after the primary one. */
static bool has_joliet(struct vt_span s)
{
	for (size_t i = 1; i < MAX_DESCRIPTORS; i++) {
		size_t d = PVD + i * SECTOR;
		uint8_t type;
		if (vt_span_u8(s, d, &type) || type == VD_END || !vt_span_eq(s, d + 1, "CD001", 5))
			return false;
		if (type == VD_SUPPLEMENTARY &&
		    (vt_span_eq(s, d + 88, "%/@", 3) || vt_span_eq(s, d + 88, "%/C", 3) ||
		     vt_span_eq(s, d + 88, "%/E", 3)))
			return true;
	}
	return false;
}

/* The SUSP "SP" entry in the system use area of the root directory's "." record. */
static bool has_rock_ridge(struct vt_span s, uint16_t block)
{
	uint32_t lba;
	uint8_t name_len;
	size_t root;
	if (vt_span_u32le(s, PVD + 156 + 2, &lba) || !vt_mul_ok(lba, block, &root) ||
	    vt_span_u8(s, root + 32, &name_len))
		return false;
	size_t su = root + 33 + name_len + (name_len % 2 ? 0 : 1);
	uint8_t check[2];
	return vt_span_eq(s, su, "SP", 2) && !vt_span_copy(s, su + 4, check, 2) &&
	       check[0] == 0xbe && check[1] == 0xef;
}

static vt_err iso_identify(struct vt_span obj, struct vt_match *m)
{
	static const char *const variants[] = {"iso9660", "iso9660 joliet", "iso9660 rock ridge",
					       "iso9660 rock ridge joliet"};
	struct vt_span s;
	uint8_t type, version, root_len;
	uint16_t block, set_size, seq;
	uint32_t blocks;
	if (vt_span_tail(obj, (size_t)m->offset, &s))
		return VT_ETRUNC;
	if (vt_span_u8(s, PVD, &type) || vt_span_u8(s, PVD + 6, &version))
		return VT_ETRUNC;
	if (type != VD_PRIMARY || !vt_span_eq(s, PVD + 1, "CD001", 5) || version != 1)
		return VT_EFORMAT;
	if (!both32(s, PVD + 80, &blocks) || !both16(s, PVD + 120, &set_size) ||
	    !both16(s, PVD + 124, &seq) || !both16(s, PVD + 128, &block) ||
	    vt_span_u8(s, PVD + 156, &root_len))
		return VT_EFORMAT;
	if ((block != 512 && block != 1024 && block != 2048) || root_len < 34)
		return VT_EFORMAT;
	size_t length;
	if (!vt_mul_ok(blocks, block, &length) || length < PVD + SECTOR)
		return VT_EFORMAT;
	m->variant = variants[(has_rock_ridge(s, block) ? 2 : 0) + (has_joliet(s) ? 1 : 0)];
	/* type, magic, version (56 bits), four both-endian fields (96), root record */
	m->confidence = 56 + 96 + 8;
	m->truncated = length > s.len;
	m->length = m->truncated ? s.len : length;
	return VT_OK;
}

static int iso_setup(struct archive *a)
{
	return archive_read_support_format_iso9660(a);
}

static const struct vti_la_spec iso_spec = {
	.what = "iso9660 image",
	.setup = iso_setup,
};

static vt_err iso_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	return vti_la_extract(x, chunk, &iso_spec, NULL);
}

static const struct vt_magic_pat iso_magics[] = {
	VT_MAGIC("CD001", PVD + 1),
	VT_MAGIC_END,
};

const struct vt_format vt_format_iso9660 = {
	.name = "iso9660",
	.description = "ISO 9660 image (Rock Ridge, Joliet)",
	.magics = iso_magics,
	.identify = iso_identify,
	.extract = iso_extract,
};
