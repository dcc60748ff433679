/* fmt_linux_arm64.c - arm64 Linux kernel images ("Image", Documentation/arm64/booting).
 *
 * A 64-byte little-endian header: two code words, text_offset, image_size, flags
 * (endianness, page size, placement), reserved words, magic "ARM\x64" at 0x38 and the
 * offset of a PE header at 0x3c (EFI stub kernels). The image is not compressed: it
 * has no children; its kernel version banner is reported. image_size is the kernel's
 * size in memory (its BSS included), so the extent in the file comes from the PE
 * section table when there is one (sections and an appended signature), else from
 * image_size clipped to the object. Own parser: no Debian library reads this header.
 */
#include "formats/firmware/fw_common.h"

#define MAGIC_OFF 0x38
#define HDR_LEN 64
#define MAX_TEXT_OFFSET (1u << 24)

static const char *const variants[2][4] = {
	{"Image le", "Image le 4K", "Image le 16K", "Image le 64K"},
	{"Image be", "Image be 4K", "Image be 16K", "Image be 64K"},
};

static vt_err arm64_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	uint64_t text_offset, image_size, flags, res[3], pe_end;
	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	if (!vt_span_eq(s, MAGIC_OFF, "ARM\x64", 4))
		return VT_EFORMAT;
	if (vt_span_u64le(s, 8, &text_offset) || vt_span_u64le(s, 16, &image_size) ||
	    vt_span_u64le(s, 24, &flags) || vt_span_u64le(s, 32, &res[0]) ||
	    vt_span_u64le(s, 40, &res[1]) || vt_span_u64le(s, 48, &res[2]))
		return VT_ETRUNC;
	if (text_offset >= MAX_TEXT_OFFSET || (flags >> 4) != 0 || image_size < HDR_LEN)
		return VT_EFORMAT; /* image_size is 0 only before Linux 3.17: not handled */
	m->confidence = 32 + 8 + (text_offset % 4096 == 0 ? 8 : 0) +
			(res[0] == 0 && res[1] == 0 && res[2] == 0 ? 8 : 0);
	m->variant = variants[flags & 1][(flags >> 1) & 3];
	if (vti_fw_pe_end(s, &pe_end) && pe_end >= HDR_LEN && pe_end <= image_size) {
		m->confidence += 16;
		m->truncated = pe_end > s.len;
		m->length = m->truncated ? s.len : pe_end;
	} else {
		m->truncated = false; /* image_size counts the BSS: no telling */
		m->length = VT_MIN(image_size, (uint64_t)s.len);
	}
	return VT_OK;
}

static vt_err arm64_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	if (m->truncated)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "arm64 kernel image is truncated at %zu "
			  "bytes", chunk.len);
	vti_fw_report_banner(x, chunk, "arm64 linux kernel");
	return VT_OK;
}

static const struct vt_magic_pat arm64_magics[] = {
	VT_MAGIC("ARM\x64", MAGIC_OFF),
	VT_MAGIC_END,
};

const struct vt_format vt_format_linux_arm64 = {
	.name = "linux_arm64",
	.description = "arm64 Linux kernel image (Image)",
	.magics = arm64_magics,
	.flags = VT_FMT_TRANSPARENT, /* the built-in initramfs is found inside it */
	.identify = arm64_identify,
	.extract = arm64_extract,
};
