/* fmt_linux_x86.c - x86 Linux kernel images (bzImage), as the boot protocol describes.
 *
 * The real-mode setup header ("HdrS" at 0x202, boot flag 0xaa55 at 0x1fe) gives the
 * setup size (setup_sects), the protected-mode part's size (syssize, in 16-byte units)
 * and, from protocol 2.08 on, where the compressed kernel lies in it (payload_offset,
 * payload_length). The chunk is the setup plus the protected-mode part, plus an
 * appended PE signature (EFI-signed kernels). The payload is emitted as stored,
 * "vmlinux.<comp>" by the magic of its stream (gzip, bzip2, lzma, xz, lzo, lz4, zstd),
 * and the compression handlers decompress it. Own parser: the boot protocol header is
 * a handful of fixed fields that no Debian library reads. Kernels older than protocol
 * 2.08 have no payload fields: their payload is searched by stream magic.
 */
#include "formats/firmware/fw_common.h"

#define HDRS_OFF 0x202
#define SECTOR 512
#define MAX_SIG_TAIL 65536  /* an appended PE signature is a few KiB */
#define MAX_HITS 4096

struct setup {
	uint8_t setup_sects, loadflags;
	uint16_t boot_flag, version, kver;
	uint32_t syssize, payload_off, payload_len;
};

#define BY_COMP(t) {t, t " gzip", t " bzip2", t " lzma", t " xz", t " lzo", t " lz4", t " zstd"}
static const char *const variants[2][FW_COMP_COUNT] = {BY_COMP("zImage"), BY_COMP("bzImage")};

static vt_err read_setup(struct vt_span s, struct setup *h)
{
	if (!vt_span_eq(s, HDRS_OFF, "HdrS", 4))
		return VT_EFORMAT;
	h->syssize = h->payload_off = h->payload_len = 0;
	if (vt_span_u8(s, 0x1f1, &h->setup_sects) || vt_span_u16le(s, 0x1fe, &h->boot_flag) ||
	    vt_span_u16le(s, 0x206, &h->version) || vt_span_u16le(s, 0x20e, &h->kver) ||
	    vt_span_u8(s, 0x211, &h->loadflags))
		return VT_ETRUNC;
	if (h->boot_flag != 0xaa55 || h->version < 0x200 || h->version >= 0x300)
		return VT_EFORMAT;
	if (h->version >= 0x204 && vt_span_u32le(s, 0x1f4, &h->syssize))
		return VT_ETRUNC;
	if (h->version >= 0x208 && (vt_span_u32le(s, 0x248, &h->payload_off) ||
				    vt_span_u32le(s, 0x24c, &h->payload_len)))
		return VT_ETRUNC;
	if (h->setup_sects == 0)
		h->setup_sects = 4;
	return VT_OK;
}

static size_t setup_len(const struct setup *h)
{
	return ((size_t)h->setup_sects + 1) * SECTOR;
}

/* The image's extent: setup and protected-mode part, and an appended signature. */
static uint64_t extent(struct vt_span s, const struct setup *h)
{
	uint64_t end = setup_len(h) + (uint64_t)h->syssize * 16, pe;
	if (h->version < 0x204)
		return s.len; /* syssize is not reliable: take the object */
	if (vti_fw_pe_end(s, &pe) && pe > end && pe - end <= MAX_SIG_TAIL)
		end = pe;
	return end;
}

static vt_err x86_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	struct setup h;
	if (vt_span_tail(obj, m->offset, &s))
		return VT_ETRUNC;
	vt_err e = read_setup(s, &h);
	if (e)
		return e;
	uint64_t end = extent(s, &h), prot = (uint64_t)h.syssize * 16;
	if (end <= setup_len(&h))
		return VT_EFORMAT;
	m->truncated = end > s.len;
	m->length = m->truncated ? s.len : end;
	m->confidence = 32 + 16 + 8;
	enum fw_comp comp = FW_COMP_NONE;
	if (h.version >= 0x208 && h.payload_len &&
	    (uint64_t)h.payload_off + h.payload_len <= prot) {
		m->confidence += 8;
		comp = vti_fw_comp_sniff(s, setup_len(&h) + h.payload_off);
		m->confidence += comp != FW_COMP_NONE ? 8 : 0;
	}
	m->variant = variants[h.loadflags & 1][comp];
	return VT_OK;
}

static void report_version(struct vt_xctx *x, struct vt_span s, const struct setup *h)
{
	const char *str;
	size_t n;
	if (h->version < 0x201 || h->kver == 0 ||
	    vt_span_cstr(s, (size_t)h->kver + 0x200, 256, &str, &n))
		return;
	for (size_t i = 0; i < n; i++)
		if (str[i] < 0x20 || str[i] >= 0x7f)
			return;
	vt_x_diag(x, VT_SEV_INFO, VT_OK, "x86 linux kernel, boot protocol %u.%02u, version '%s'",
		  h->version >> 8, h->version & 0xff, str);
}

/* Where the compressed kernel is: the payload fields, else the first stream found. */
static bool locate(struct vt_xctx *x, struct vt_span chunk, const struct setup *h, size_t *off,
		   uint64_t *len, enum fw_comp *comp)
{
	if (h->version >= 0x208 && h->payload_len) {
		*off = setup_len(h) + h->payload_off;
		*len = h->payload_len;
		*comp = vti_fw_comp_sniff(chunk, *off);
		if (*comp == FW_COMP_NONE && !vt_span_eq(chunk, *off, "\x7f" "ELF", 4))
			vt_x_diag(x, VT_SEV_WARNING, VT_EUNSUPPORTED,
				  "unrecognised compression of the kernel payload at 0x%zx", *off);
		return true;
	}
	if (!vti_fw_comp_find(chunk, setup_len(h), MAX_HITS, off, comp)) {
		vt_x_diag(x, VT_SEV_WARNING, VT_ENOTFOUND,
			  "no compressed kernel found in the image");
		return false;
	}
	*len = chunk.len - *off;
	return true;
}

static vt_err x86_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct setup h;
	size_t off;
	uint64_t len;
	enum fw_comp comp;
	if (read_setup(chunk, &h))
		return VT_EFORMAT;
	report_version(x, chunk, &h);
	if (m->truncated)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "kernel image is truncated at %zu bytes",
			  chunk.len);
	if (!locate(x, chunk, &h, &off, &len, &comp))
		return VT_OK;
	bool elf = vt_span_eq(chunk, off, "\x7f" "ELF", 4); /* CONFIG_KERNEL_UNCOMPRESSED */
	const char *name = vt_arena_printf(vt_x_arena(x), "vmlinux%s",
					   comp ? vti_fw_comp_ext(comp) : elf ? "" : ".bin");
	if (!name)
		return VT_ENOMEM;
	return vti_fw_emit(x, name, &(struct vt_xmeta){.mode = 0644}, chunk, off, len);
}

static const struct vt_magic_pat x86_magics[] = {
	VT_MAGIC("HdrS", HDRS_OFF),
	VT_MAGIC_END,
};

const struct vt_format vt_format_linux_x86 = {
	.name = "linux_x86",
	.description = "x86 Linux kernel image (bzImage)",
	.magics = x86_magics,
	.flags = 0,
	.identify = x86_identify,
	.extract = x86_extract,
};
