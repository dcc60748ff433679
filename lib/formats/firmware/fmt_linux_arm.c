/* fmt_linux_arm.c - 32-bit ARM Linux kernel images (zImage).
 *
 * The zImage header (arch/arm/boot/compressed/head.S): magic 0x016f2818 at 0x24, the
 * start and end addresses of the image at 0x28 and 0x2c (stored little-endian whatever
 * the kernel's endianness), an endianness flag 0x04030201 at 0x30 (read in the kernel's
 * byte order). end - start is the image's size. The decompressor stub is followed by
 * the compressed kernel (piggy data); it is found by the first valid stream header
 * after the header (gzip, bzip2, lzma, xz, lzo, lz4, zstd) and emitted from there to
 * the end of the image as "Image.<comp>", which the compression handlers decompress.
 * Own parser: no Debian library reads zImage headers (five fixed fields).
 */
#include "formats/firmware/fw_common.h"

#define MAGIC_OFF 0x24
#define HDR_END 0x34
#define MAX_SIZE (256u << 20) /* far above any zImage */
#define MAX_HITS 4096

static vt_err arm_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	uint32_t magic, start, end, flag, insn;
	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	if (vt_span_u32le(s, MAGIC_OFF, &magic) || magic != 0x016f2818u)
		return VT_EFORMAT;
	if (vt_span_u32le(s, 0x28, &start) || vt_span_u32le(s, 0x2c, &end) ||
	    vt_span_u32le(s, 0x30, &flag) || vt_span_u32le(s, 0x20, &insn))
		return VT_ETRUNC;
	if (end <= start || end - start < HDR_END || end - start > MAX_SIZE)
		return VT_EFORMAT;
	m->confidence = 32 + 8;
	m->variant = "zImage";
	if (flag == 0x04030201u || flag == 0x01020304u) {
		m->confidence += 32;
		m->variant = flag == 0x04030201u ? "zImage le" : "zImage be8";
	}
	if ((insn >> 24) == 0xea) /* "b start" (an ARM kernel; Thumb-2 ones differ) */
		m->confidence += 8;
	m->truncated = end - start > s.len;
	m->length = m->truncated ? s.len : end - start;
	return VT_OK;
}

static vt_err arm_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	size_t at;
	enum fw_comp comp;
	if (m->truncated)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "zImage is truncated at %zu bytes",
			  chunk.len);
	if (!vti_fw_comp_find(chunk, HDR_END, MAX_HITS, &at, &comp)) {
		vt_x_diag(x, VT_SEV_WARNING, VT_ENOTFOUND,
			  "no compressed kernel found after the zImage decompressor");
		return VT_OK;
	}
	vt_x_diag(x, VT_SEV_INFO, VT_OK, "%s compressed kernel at 0x%zx", vti_fw_comp_name(comp),
		  at);
	const char *name = vt_arena_printf(vt_x_arena(x), "Image%s", vti_fw_comp_ext(comp));
	if (!name)
		return VT_ENOMEM;
	return vti_fw_emit(x, name, &(struct vt_xmeta){.mode = 0644}, chunk, at, chunk.len - at);
}

static const struct vt_magic_pat arm_magics[] = {
	VT_MAGIC("\x18\x28\x6f\x01", MAGIC_OFF),
	VT_MAGIC_END,
};

const struct vt_format vt_format_linux_arm = {
	.name = "linux_arm",
	.description = "32-bit ARM Linux kernel image (zImage)",
	.magics = arm_magics,
	.flags = 0,
	.identify = arm_identify,
	.extract = arm_extract,
};
