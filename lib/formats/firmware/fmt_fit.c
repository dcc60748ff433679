/* fmt_fit.c - U-Boot FIT images (Flattened Image Tree, made by mkimage -f from an .its).
 *
 * A device tree whose /images node holds one subnode per image: its bytes in a "data"
 * property, or outside the tree ("external data", mkimage -E / -p) at "data-position"
 * from the start of the FIT or at "data-offset" after the tree (4-byte aligned), with
 * "data-size". Each image is emitted as stored, named after its node with the
 * extension of its "compression" property; the compression handlers decompress it in
 * turn. The FIT's structure is emitted too as "NAME.its" (fw_dts.c, image data
 * elided), for analyzers that look at configurations and signatures. Image hashes
 * (crc32 with zlib, sha1/sha256/... with libcrypto) are verified and reported; whether
 * the FIT is signed is reported. The tree is read with libfdt; external data is
 * clipped to the chunk, whose extent identify() computed to cover it.
 */
#include "formats/firmware/fw_common.h"

#include <libfdt.h>
#include <openssl/evp.h>

#define MAX_IMAGES 4096
#define MAX_HASHES 16
#define ELIDE_OVER 256

struct fit {
	struct vt_xctx *x;
	struct vt_span chunk, fdt;
	struct vt_xmeta meta;
	uint32_t totalsize; /* of the tree as stored (external data-offset counts from it) */
	bool names_lost;    /* the strings block is cut off: property names are unknown */
	size_t signatures;
};

static vt_err fit_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	struct fw_fdt_info info;
	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	vt_err e = vti_fw_fdt_probe(s, &info);
	if (e)
		return e;
	if (!info.is_fit)
		return VT_EFORMAT;
	/* mkimage pads external data to 4 bytes, the last image's too */
	static const uint8_t zeros[3];
	size_t pad = (size_t)(-info.extent & 3);
	if (info.extent > info.totalsize && pad && info.extent + pad <= s.len &&
	    vt_span_eq(s, (size_t)info.extent, zeros, pad))
		info.extent += pad;
	m->truncated = info.extent > s.len;
	m->length = m->truncated ? s.len : info.extent;
	m->confidence = info.confidence;
	m->variant = !info.structure_ok && info.complete ? "fit damaged"
		     : info.extent > info.totalsize ? "fit external data" : "fit";
	return VT_OK;
}

static const char *comp_ext(const char *comp)
{
	static const struct {
		const char *name;
		enum fw_comp comp;
	} map[] = {
		{"gzip", FW_COMP_GZIP}, {"bzip2", FW_COMP_BZIP2}, {"lzma", FW_COMP_LZMA},
		{"lzo", FW_COMP_LZO},   {"lz4", FW_COMP_LZ4},     {"zstd", FW_COMP_ZSTD},
		{"xz", FW_COMP_XZ},
	};
	for (size_t i = 0; comp && i < VT_ARRAY_LEN(map); i++)
		if (strcmp(comp, map[i].name) == 0)
			return vti_fw_comp_ext(map[i].comp);
	return "";
}

/* The digest of data by algorithm `algo` ("crc32", "sha256", ...); false if unknown. */
static bool digest(const char *algo, struct vt_span data, uint8_t *md, unsigned *n)
{
	if (strcmp(algo, "crc32") == 0) {
		uint32_t crc = vti_fw_crc32(data);
		for (int i = 0; i < 4; i++)
			md[i] = (uint8_t)(crc >> (24 - 8 * i));
		*n = 4;
		return true;
	}
	const EVP_MD *type = EVP_get_digestbyname(algo);
	return type && EVP_Digest(data.p, data.len, md, n, type, NULL) == 1;
}

/* Checks the image's hash nodes ("hash-1", "hash@1": algo, value) against its data. */
static void check_hashes(struct fit *f, int node, const char *name, struct vt_span data)
{
	int sub, count = 0;
	fdt_for_each_subnode(sub, f->fdt.p, node) {
		const char *algo = vti_fw_fdt_str(f->fdt, sub, "algo");
		const char *sname = fdt_get_name(f->fdt.p, sub, NULL);
		struct vt_span value;
		uint8_t md[EVP_MAX_MD_SIZE];
		unsigned n;
		if (++count > MAX_HASHES)
			break;
		if (sname && strncmp(sname, "signature", 9) == 0) {
			f->signatures++;
			continue;
		}
		if (!sname || strncmp(sname, "hash", 4) != 0 || !algo ||
		    !vti_fw_fdt_prop(f->fdt, sub, "value", &value))
			continue;
		if (!digest(algo, data, md, &n))
			vt_x_diag(f->x, VT_SEV_WARNING, VT_EUNSUPPORTED,
				  "unknown hash algorithm '%s' for image '%s'", algo, name);
		else if (n != value.len || !vt_span_eq(value, 0, md, n))
			vt_x_diag(f->x, VT_SEV_WARNING, VT_EFORMAT,
				  "%s hash mismatch for image '%s'", algo, name);
	}
}

/* Without property names (a truncated FIT loses its strings block first), an image's
 * data is taken to be its largest property. */
static bool largest_prop(struct fit *f, int node, const char *name, struct vt_span *v)
{
	int prop, len, n = 0;
	*v = vt_span_make(NULL, 0);
	fdt_for_each_property_offset(prop, f->fdt.p, node) {
		struct vt_span val;
		const void *p = fdt_getprop_by_offset(f->fdt.p, prop, NULL, &len);
		if (++n > 4096)
			break;
		if (vti_fw_fdt_inside(f->fdt, p, len, &val) && val.len > v->len)
			*v = val;
	}
	if (v->len == 0)
		return false;
	vt_x_diag(f->x, VT_SEV_WARNING, VT_ETRUNC, "property names are lost: taking the largest "
		  "property of image '%s' (%zu bytes) as its data", name, v->len);
	return true;
}

/* Where the image's bytes are in the chunk: the "data" property, or external data. */
static bool image_data(struct fit *f, int node, const char *name, size_t *off, uint64_t *size)
{
	struct vt_span v;
	uint32_t sz, pos;
	if (vti_fw_fdt_prop(f->fdt, node, "data", &v) ||
	    (f->names_lost && largest_prop(f, node, name, &v))) {
		*off = (size_t)(v.p - f->fdt.p); /* the tree is at offset 0 of the chunk */
		*size = v.len;
		return true;
	}
	if (!vti_fw_fdt_u32(f->fdt, node, "data-size", &sz)) {
		vt_x_diag(f->x, VT_SEV_WARNING, VT_EFORMAT, "image '%s' has no data", name);
		return false;
	}
	*size = sz;
	if (vti_fw_fdt_u32(f->fdt, node, "data-position", &pos)) {
		*off = pos;
		return true;
	}
	if (vti_fw_fdt_u32(f->fdt, node, "data-offset", &pos)) {
		*off = (((size_t)f->totalsize + 3) & ~(size_t)3) + pos;
		return true;
	}
	vt_x_diag(f->x, VT_SEV_WARNING, VT_EFORMAT,
		  "image '%s' has a data-size but no data-position or data-offset", name);
	return false;
}

static vt_err extract_image(struct fit *f, int node)
{
	struct vt_span nm, data;
	int len = -1;
	size_t off;
	uint64_t size;
	const char *raw = fdt_get_name(f->fdt.p, node, &len);
	if (!vti_fw_fdt_inside(f->fdt, raw, len, &nm))
		return VT_OK;
	char *name = vti_fw_name(vt_x_arena(f->x), nm.p, nm.len, "image");
	if (!name)
		return VT_ENOMEM;
	if (!image_data(f, node, name, &off, &size))
		return VT_OK;
	const char *ext = f->names_lost ? vti_fw_comp_ext(vti_fw_comp_sniff(f->chunk, off))
				       : comp_ext(vti_fw_fdt_str(f->fdt, node, "compression"));
	const char *file = vt_arena_printf(vt_x_arena(f->x), "%s%s", name, ext);
	if (!file)
		return VT_ENOMEM;
	if (size <= SIZE_MAX && !vt_span_sub(f->chunk, off, (size_t)size, &data))
		check_hashes(f, node, name, data);
	return vti_fw_emit(f->x, file, &f->meta, f->chunk, off, size);
}

/* Signatures of configurations ("configurations/conf-1/signature-1"). */
static void count_config_signatures(struct fit *f)
{
	int confs = fdt_subnode_offset(f->fdt.p, 0, "configurations"), conf, sub, n = 0;
	if (confs < 0)
		return;
	fdt_for_each_subnode(conf, f->fdt.p, confs) {
		if (++n > MAX_IMAGES)
			return;
		fdt_for_each_subnode(sub, f->fdt.p, conf) {
			const char *sname = fdt_get_name(f->fdt.p, sub, NULL);
			if (sname && strncmp(sname, "signature", 9) == 0)
				f->signatures++;
		}
	}
}

static vt_err extract_images(struct fit *f)
{
	int images = fdt_subnode_offset(f->fdt.p, 0, "images"), node, n = 0;
	if (images < 0) {
		vt_x_diag(f->x, VT_SEV_WARNING, VT_EFORMAT, "fit has no readable /images node");
		return VT_OK;
	}
	fdt_for_each_subnode(node, f->fdt.p, images) {
		if (++n > MAX_IMAGES) {
			vt_x_diag(f->x, VT_SEV_WARNING, VT_ELIMIT, "more than %d images in fit",
				  MAX_IMAGES);
			break;
		}
		vt_err e = extract_image(f, node);
		if (e)
			return e;
	}
	count_config_signatures(f);
	if (f->signatures)
		vt_x_diag(f->x, VT_SEV_INFO, VT_OK, "fit carries %zu signature node%s",
			  f->signatures, f->signatures == 1 ? "" : "s");
	else
		vt_x_diag(f->x, VT_SEV_INFO, VT_OK, "fit is not signed (no signature nodes)");
	return VT_OK;
}

static vt_err fit_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct fw_fdt_info info;
	struct fit f = {.x = x, .chunk = chunk, .meta = {.mode = 0644}};
	void *copy;
	bool full_ok;
	uint32_t stamp;
	if (vti_fw_fdt_probe(chunk, &info))
		return VT_EFORMAT;
	vt_err e = vti_fw_fdt_open(chunk, &info, &f.fdt, &copy, &full_ok);
	if (e)
		return e;
	f.totalsize = info.totalsize;
	f.names_lost = !info.strings_ok;
	if (!info.complete)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC,
			  "fit is truncated: %zu of %" PRIu32 " bytes of its tree are present",
			  chunk.len, info.totalsize);
	else if (!full_ok)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "fit tree fails libfdt's full check");
	if (vti_fw_fdt_u32(f.fdt, 0, "timestamp", &stamp))
		f.meta.mtime = stamp;
	const char *its = vt_arena_printf(vt_x_arena(x), "%s.its", vt_x_name_hint(x));
	e = its ? vti_fw_dts_write(x, its, f.fdt, ELIDE_OVER) : VT_ENOMEM;
	if (!e)
		e = extract_images(&f);
	free(copy);
	return e;
}

static const struct vt_magic_pat fit_magics[] = {
	VT_MAGIC("\xd0\x0d\xfe\xed", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_fit = {
	.name = "fit",
	.description = "U-Boot flattened image tree (FIT)",
	.magics = fit_magics,
	.flags = 0,
	.identify = fit_identify,
	.extract = fit_extract,
};
