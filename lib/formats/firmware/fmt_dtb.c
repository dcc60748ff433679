/* fmt_dtb.c - flattened device trees (DTB, made by dtc), rendered as source text.
 *
 * A big-endian header (magic 0xd00dfeed, total size, block offsets and sizes, version)
 * and the memory reservation, structure and strings blocks. The tree is read with
 * libfdt; the child is "NAME.dts", the tree as device tree source (fw_dts.c), which
 * later analyzers read (bootargs, chosen, compatible). FIT images are device trees with
 * an /images node: the fit handler takes those. A truncated or damaged tree is
 * rendered as far as it is readable and reported.
 */
#include "formats/firmware/fw_common.h"

static vt_err dtb_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	struct fw_fdt_info info;
	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	vt_err e = vti_fw_fdt_probe(s, &info);
	if (e)
		return e;
	if (info.is_fit)
		return VT_EFORMAT;
	m->truncated = !info.complete;
	m->length = info.complete ? info.totalsize : s.len;
	m->confidence = info.confidence;
	m->variant = info.structure_ok || !info.complete ? "dtb" : "dtb damaged";
	return VT_OK;
}

static vt_err dtb_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct fw_fdt_info info;
	struct vt_span fdt;
	void *copy;
	bool full_ok;
	if (vti_fw_fdt_probe(chunk, &info))
		return VT_EFORMAT;
	vt_err e = vti_fw_fdt_open(chunk, &info, &fdt, &copy, &full_ok);
	if (e)
		return e;
	const char *path = vt_arena_printf(vt_x_arena(x), "%s.dts", vt_x_name_hint(x));
	if (!info.complete)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC,
			  "device tree is truncated: %zu of %" PRIu32 " bytes are present",
			  chunk.len, info.totalsize);
	else if (!full_ok)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "device tree of %" PRIu32 " bytes fails libfdt's full check",
			  info.totalsize);
	e = path ? vti_fw_dts_write(x, path, fdt, 0) : VT_ENOMEM;
	free(copy);
	return e;
}

static const struct vt_magic_pat dtb_magics[] = {
	VT_MAGIC("\xd0\x0d\xfe\xed", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_dtb = {
	.name = "dtb",
	.description = "flattened device tree (DTB)",
	.magics = dtb_magics,
	.flags = 0,
	.identify = dtb_identify,
	.extract = dtb_extract,
};
