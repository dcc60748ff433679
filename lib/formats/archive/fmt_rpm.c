/* fmt_rpm.c - RPM packages (lead format 3 and 4, binary and source): lead, signature
 * header, header, and the payload, emitted as "payload.cpio.<compressor>".
 *
 * The structures are parsed here, not with librpm or libarchive: librpm reads packages
 * through its own file I/O and keyring, and libarchive's rpm support is a filter that
 * also decompresses the payload, while in vetter the compressed payload is a layer of
 * its own for the compression handlers, whose cpio output is found again by the
 * recursion. The parsing needed is small: the 96-byte lead (magic, version 3 or 4,
 * header-style signature) and two header structures (magic 8e ad e8 01, an index of
 * 16-byte entries and a data store, bounded), the signature one padded to 8 bytes.
 * The chunk ends where the signature's size tag (header plus payload) says, or at the
 * end of the object when there is none. The payload's compressor is the header's
 * PAYLOADCOMPRESSOR string.
 */
#include "formats/archive/la_common.h"

#define LEAD 96
#define HDR_INTRO 16
#define ENTRY 16
#define MAX_INDEX 65536           /* rpm itself allows 0x10000 tags */
#define MAX_STORE (256u << 20)    /* rpm's header size limit */
#define SIGTAG_SIZE 1000          /* int32: header + payload */
#define SIGTAG_LONGSIZE 270       /* int64: header + payload */
#define TAG_PAYLOADCOMPRESSOR 1125
#define TYPE_INT32 4
#define TYPE_INT64 5
#define TYPE_STRING 6
#define SIGTYPE_HEADER 5

enum { U_PAYLOAD = 0, U_SIG = 1, U_HDR = 2 }; /* m->u: offsets from the chunk's start */

static const uint8_t LEAD_MAGIC[4] = {0xed, 0xab, 0xee, 0xdb};
static const uint8_t HDR_MAGIC[4] = {0x8e, 0xad, 0xe8, 0x01};

struct header {
	size_t off, end;     /* the structure in the span */
	size_t index, store; /* its index and store */
	uint32_t n;          /* index entries */
	uint32_t store_len;
};

/* The header structure at off; VT_ETRUNC when it runs past the span. */
static vt_err read_header(struct vt_span s, size_t off, struct header *h)
{
	uint32_t n, len;
	if (!vt_span_has(s, off, HDR_INTRO))
		return VT_ETRUNC;
	if (!vt_span_eq(s, off, HDR_MAGIC, 4) || vt_span_u32be(s, off + 8, &n) ||
	    vt_span_u32be(s, off + 12, &len) || n == 0 || n > MAX_INDEX || len > MAX_STORE)
		return VT_EFORMAT;
	h->off = off;
	h->n = n;
	h->store_len = len;
	h->index = off + HDR_INTRO;
	h->store = h->index + (size_t)n * ENTRY; /* bounded by the limits above */
	h->end = h->store + len;
	return h->end <= s.len ? VT_OK : VT_ETRUNC;
}

/* The index entry for `tag`: its type, store offset and count. */
static bool find_tag(struct vt_span s, const struct header *h, uint32_t tag, uint32_t *type,
		     uint32_t *off, uint32_t *count)
{
	for (uint32_t i = 0; i < h->n; i++) {
		size_t e = h->index + (size_t)i * ENTRY;
		uint32_t t;
		if (vt_span_u32be(s, e, &t))
			return false;
		if (t == tag)
			return !vt_span_u32be(s, e + 4, type) && !vt_span_u32be(s, e + 8, off) &&
			       !vt_span_u32be(s, e + 12, count) && *off < h->store_len;
	}
	return false;
}

/* Header plus payload size from the signature, 0 when it has none. */
static uint64_t signed_size(struct vt_span s, const struct header *sig)
{
	uint32_t type, off, count, v32;
	uint64_t v64;
	if (find_tag(s, sig, SIGTAG_LONGSIZE, &type, &off, &count) && type == TYPE_INT64 &&
	    !vt_span_u64be(s, sig->store + off, &v64) && sig->store + off + 8 <= sig->end)
		return v64;
	if (find_tag(s, sig, SIGTAG_SIZE, &type, &off, &count) && type == TYPE_INT32 &&
	    !vt_span_u32be(s, sig->store + off, &v32) && sig->store + off + 4 <= sig->end)
		return v32;
	return 0;
}

static vt_err rpm_identify(struct vt_span obj, struct vt_match *m)
{
	struct vt_span s;
	uint8_t major;
	uint16_t sigtype;
	struct header sig, hdr;
	if (vt_span_tail(obj, (size_t)m->offset, &s))
		return VT_ETRUNC;
	if (!vt_span_eq(s, 0, LEAD_MAGIC, 4) || vt_span_u8(s, 4, &major) ||
	    vt_span_u16be(s, 78, &sigtype))
		return s.len < LEAD ? VT_ETRUNC : VT_EFORMAT;
	if ((major != 3 && major != 4) || sigtype != SIGTYPE_HEADER)
		return VT_EFORMAT;
	m->variant = "rpm";
	m->confidence = 32 + 8 + 16;
	vt_err e = read_header(s, LEAD, &sig);
	if (e == VT_EFORMAT)
		return e;
	m->confidence += 32;
	size_t hdr_off;
	uint64_t padded;
	if (!e && (!vti_la_align(sig.end, 8, &padded) || padded > s.len))
		e = VT_ETRUNC;
	if (!e && (e = read_header(s, hdr_off = (size_t)padded, &hdr)) == VT_EFORMAT)
		return e;
	if (e) { /* cut inside the headers */
		m->truncated = true;
		m->length = s.len;
		return VT_OK;
	}
	m->confidence += 32;
	m->u[U_SIG] = LEAD;
	m->u[U_HDR] = hdr_off;
	m->u[U_PAYLOAD] = hdr.end;
	uint64_t size = signed_size(s, &sig);
	size_t end = 0;
	if (size && (size < hdr.end - hdr_off || size > SIZE_MAX ||
		     !vt_add_ok(hdr_off, (size_t)size, &end)))
		size = 0; /* a size smaller than the header is wrong: ignore it */
	if (!size) {
		m->length = s.len;
	} else {
		m->truncated = end > s.len;
		m->length = m->truncated ? s.len : end;
		m->confidence += 8;
	}
	return VT_OK;
}

/* The payload's file name from the PAYLOADCOMPRESSOR string of the header. */
static const char *payload_name(struct vt_span s, const struct header *h)
{
	static const struct {
		const char *compressor, *name;
	} names[] = {
		{"gzip", "payload.cpio.gz"}, {"bzip2", "payload.cpio.bz2"},
		{"xz", "payload.cpio.xz"},   {"lzma", "payload.cpio.lzma"},
		{"zstd", "payload.cpio.zst"}, {"lz4", "payload.cpio.lz4"},
	};
	uint32_t type, off, count;
	const char *str;
	size_t n;
	struct vt_span store;
	if (!find_tag(s, h, TAG_PAYLOADCOMPRESSOR, &type, &off, &count) || type != TYPE_STRING ||
	    vt_span_sub(s, h->store, h->store_len, &store) ||
	    vt_span_cstr(store, off, 32, &str, &n))
		return "payload.cpio.gz"; /* rpm's default when the tag is absent */
	for (size_t i = 0; i < VT_ARRAY_LEN(names); i++)
		if (!strcmp(str, names[i].compressor))
			return names[i].name;
	return "payload.cpio";
}

static vt_err rpm_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct header hdr;
	struct vt_span payload;
	if (!m->u[U_PAYLOAD]) {
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC, "rpm headers are cut: no payload");
		return VT_ETRUNC;
	}
	if (read_header(chunk, (size_t)m->u[U_HDR], &hdr) ||
	    vt_span_tail(chunk, (size_t)m->u[U_PAYLOAD], &payload))
		return VT_EINTERNAL;
	struct vt_xmeta meta = {.mode = 0644};
	return vt_x_file(x, payload_name(chunk, &hdr), &meta, payload);
}

static const struct vt_magic_pat rpm_magics[] = {
	VT_MAGIC("\xed\xab\xee\xdb", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_rpm = {
	.name = "rpm",
	.description = "RPM package",
	.magics = rpm_magics,
	.identify = rpm_identify,
	.extract = rpm_extract,
};
