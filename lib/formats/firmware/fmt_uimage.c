/* fmt_uimage.c - U-Boot legacy images ("uImage", made by mkimage -T kernel, ramdisk, multi,
 * script, ...).
 *
 * A 64-byte big-endian header (magic 0x27051956, header CRC-32, time, data size, load
 * and entry addresses, data CRC-32, OS, architecture, type, compression, a 32-byte
 * name) followed by the data. Multi-file and script images start their data with a
 * table of big-endian part sizes ended by 0, the parts following 4-byte aligned.
 * The data is emitted as stored, named after the name field with the compression's
 * extension ("Linux-6.1.gz"): the compression handlers decompress it in turn.
 * Own parser: no Debian library reads this header (U-Boot's code is only in its tools).
 * Input is hostile: the header CRC decides the confidence (a bad one is accepted only
 * with sane fields, and reported), the data CRC is checked and reported, sizes are
 * clipped to the object, the part table is bounded.
 */
#include "formats/firmware/fw_common.h"

#define IH_MAGIC 0x27051956u
#define HDR_LEN 64
#define NAME_OFF 32
#define NAME_LEN 32
#define COMP_MAX 6    /* none, gzip, bzip2, lzma, lzo, lz4, zstd */
#define FIELD_MAX 64  /* os, arch and type values stay far below this */
#define TYPE_MULTI 4
#define TYPE_SCRIPT 6
#define MAX_PARTS 256

enum { F_HCRC_OK = 1, F_DCRC_OK = 2, F_SANE = 4 };

struct hdr {
	uint32_t hcrc, time, size, dcrc;
	uint8_t os, arch, type, comp;
};

static const enum fw_comp comps[COMP_MAX + 1] = {
	FW_COMP_NONE, FW_COMP_GZIP, FW_COMP_BZIP2, FW_COMP_LZMA,
	FW_COMP_LZO,  FW_COMP_LZ4,  FW_COMP_ZSTD,
};

#define BY_COMP(t) {t " none", t " gzip", t " bzip2", t " lzma", t " lzo", t " lz4", t " zstd"}
static const char *const variants[][COMP_MAX + 1] = {
	BY_COMP("other"),    BY_COMP("standalone"), BY_COMP("kernel"),
	BY_COMP("ramdisk"),  BY_COMP("multi"),      BY_COMP("firmware"),
	BY_COMP("script"),   BY_COMP("filesystem"), BY_COMP("flat_dt"),
};

static const char *variant(const struct hdr *h)
{
	if (h->comp > COMP_MAX)
		return "unknown compression";
	return variants[h->type < VT_ARRAY_LEN(variants) ? h->type : 0][h->comp];
}

/* Reads the header; *crc_ok tells whether its CRC matches. */
static vt_err read_hdr(struct vt_span s, struct hdr *h, bool *crc_ok)
{
	uint8_t raw[HDR_LEN];
	uint32_t magic;
	if (vt_span_u32be(s, 0, &magic) || magic != IH_MAGIC)
		return VT_EFORMAT;
	if (vt_span_copy(s, 0, raw, HDR_LEN))
		return VT_ETRUNC;
	if (vt_span_u32be(s, 4, &h->hcrc) || vt_span_u32be(s, 8, &h->time) ||
	    vt_span_u32be(s, 12, &h->size) || vt_span_u32be(s, 24, &h->dcrc) ||
	    vt_span_u8(s, 28, &h->os) || vt_span_u8(s, 29, &h->arch) ||
	    vt_span_u8(s, 30, &h->type) || vt_span_u8(s, 31, &h->comp))
		return VT_ETRUNC;
	memset(raw + 4, 0, 4);
	*crc_ok = vti_fw_crc32(vt_span_make(raw, HDR_LEN)) == h->hcrc;
	return VT_OK;
}

static vt_err uimage_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s, data;
	struct hdr h;
	bool hcrc_ok;
	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	vt_err e = read_hdr(s, &h, &hcrc_ok);
	if (e)
		return e;
	bool sane = h.comp <= COMP_MAX && h.type > 0 && h.type < FIELD_MAX &&
		    h.os < FIELD_MAX && h.arch < FIELD_MAX;
	if (!hcrc_ok && !sane)
		return VT_EFORMAT;
	unsigned flags = (hcrc_ok ? F_HCRC_OK : 0) | (sane ? F_SANE : 0);
	uint64_t want = (uint64_t)HDR_LEN + h.size;
	m->truncated = want > s.len;
	m->length = m->truncated ? s.len : want;
	if (!m->truncated && !vt_span_sub(s, HDR_LEN, h.size, &data) &&
	    vti_fw_crc32(data) == h.dcrc)
		flags |= F_DCRC_OK;
	m->confidence = 32 + (hcrc_ok ? 32 : 0) + (sane ? 8 : 0) + (flags & F_DCRC_OK ? 32 : 0);
	m->variant = variant(&h);
	m->u[0] = flags;
	return VT_OK;
}

/* The extension of a part: the header's compression for the first part, else what the
 * part's own bytes look like. */
static const char *part_ext(const struct hdr *h, struct vt_span chunk, size_t off, bool first)
{
	if (first && h->comp > 0 && h->comp <= COMP_MAX)
		return vti_fw_comp_ext(comps[h->comp]);
	return vti_fw_comp_ext(vti_fw_comp_sniff(chunk, off));
}

/* Multi-file and script images: the size table, then each part 4-byte aligned. */
static vt_err extract_parts(struct vt_xctx *x, struct vt_span chunk, const struct hdr *h,
			    const char *name, const struct vt_xmeta *meta)
{
	uint32_t sizes[MAX_PARTS];
	size_t n = 0, off = HDR_LEN;
	for (;; n++) {
		if (n == MAX_PARTS) {
			vt_x_diag(x, VT_SEV_WARNING, VT_ELIMIT,
				  "more than %d parts in multi-file uImage '%s'", MAX_PARTS, name);
			return VT_OK;
		}
		if (vt_span_u32be(chunk, off, &sizes[n])) {
			vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC,
				  "part size table of uImage '%s' is truncated", name);
			return VT_OK;
		}
		off += 4;
		if (sizes[n] == 0)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		if (off >= chunk.len) {
			vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "parts %zu to %zu of uImage '%s' "
				  "are missing (truncated)", i, n - 1, name);
			return VT_OK;
		}
		const char *pname = vt_arena_printf(vt_x_arena(x), "%s-%zu%s", name, i,
						    part_ext(h, chunk, off, i == 0));
		if (!pname)
			return VT_ENOMEM;
		vt_err e = vti_fw_emit(x, pname, meta, chunk, off, sizes[i]);
		if (e)
			return e;
		if (!vt_add_ok(off, ((size_t)sizes[i] + 3) & ~(size_t)3, &off))
			break; /* only on 32-bit hosts; the next part is missing then */
	}
	return VT_OK;
}

static void report_header(struct vt_xctx *x, struct vt_span chunk, const struct hdr *h,
			  const struct vt_match *m, const char *name)
{
	if (!(m->u[0] & F_HCRC_OK))
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "header crc mismatch in uImage '%s' (stored 0x%08" PRIx32 ")", name,
			  h->hcrc);
	if (m->truncated) {
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC,
			  "uImage '%s' is truncated: %zu of %" PRIu32 " data bytes are present",
			  name, chunk.len - HDR_LEN, h->size);
	} else if (!(m->u[0] & F_DCRC_OK)) {
		struct vt_span d;
		uint32_t crc = vt_span_sub(chunk, HDR_LEN, h->size, &d) ? 0 : vti_fw_crc32(d);
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "data crc mismatch in uImage '%s' (stored 0x%08" PRIx32
			  ", computed 0x%08" PRIx32 ")", name, h->dcrc, crc);
	}
	if (h->comp > COMP_MAX)
		vt_x_diag(x, VT_SEV_WARNING, VT_EUNSUPPORTED,
			  "unknown compression %u in uImage '%s'", h->comp, name);
}

static vt_err uimage_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct hdr h;
	bool hcrc_ok;
	if (read_hdr(chunk, &h, &hcrc_ok))
		return VT_EFORMAT;
	char *name = vti_fw_span_name(vt_x_arena(x), chunk, NAME_OFF, NAME_LEN, "payload");
	if (!name)
		return VT_ENOMEM;
	report_header(x, chunk, &h, m, name);
	struct vt_xmeta meta = {.mode = 0644, .mtime = h.time};
	if (h.type == TYPE_MULTI || h.type == TYPE_SCRIPT)
		return extract_parts(x, chunk, &h, name, &meta);
	const char *file = vt_arena_printf(vt_x_arena(x), "%s%s", name,
					   part_ext(&h, chunk, HDR_LEN, true));
	if (!file)
		return VT_ENOMEM;
	return vti_fw_emit(x, file, &meta, chunk, HDR_LEN, h.size);
}

static const struct vt_magic_pat uimage_magics[] = {
	VT_MAGIC("\x27\x05\x19\x56", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_uimage = {
	.name = "uimage",
	.description = "U-Boot legacy image (uImage)",
	.magics = uimage_magics,
	.flags = 0,
	.identify = uimage_identify,
	.extract = uimage_extract,
};
