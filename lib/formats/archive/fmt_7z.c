/* fmt_7z.c - 7-Zip archives (7z format 0.x).
 *
 * identify() checks the 32-byte signature header: the signature, major version 0, and
 * the CRC-32 of the start header (next header offset, size and CRC). The chunk is the
 * signature header, the packed streams and the next header: 32 + offset + size. The
 * next header's own CRC adds confidence when it is present, not huge and right. A 7z
 * archive keeps its directory at the end: a truncated one yields no members.
 * extract() reads the chunk with libarchive's 7-Zip reader alone (its codecs: LZMA,
 * LZMA2, PPMd, deflate, bzip2, BCJ/BCJ2/delta filters; no encryption).
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"
#include <zlib.h>

#define SIG_HEADER 32
#define MAX_CRC_CHECK (16u << 20) /* next headers larger than this are not CRC-checked */

static uint32_t crc_of(struct vt_span s)
{
	uLong c = crc32(0L, Z_NULL, 0);
	size_t done = 0;
	while (done < s.len) { /* zlib takes uInt lengths */
		uInt n = (uInt)VT_MIN(s.len - done, (size_t)1 << 30);
		c = crc32(c, s.p + done, n);
		done += n;
	}
	return (uint32_t)c;
}

static vt_err sevenz_identify(struct vt_span obj, struct vt_match *m)
{
	static const uint8_t sig[6] = {'7', 'z', 0xbc, 0xaf, 0x27, 0x1c};
	struct vt_span s, start, next;
	uint8_t major;
	uint32_t start_crc, next_crc;
	uint64_t next_off, next_size;
	if (vt_span_tail(obj, (size_t)m->offset, &s))
		return VT_ETRUNC;
	if (!vt_span_eq(s, 0, sig, sizeof(sig)))
		return s.len < sizeof(sig) ? VT_ETRUNC : VT_EFORMAT;
	if (vt_span_u8(s, 6, &major) || vt_span_u32le(s, 8, &start_crc) ||
	    vt_span_sub(s, 12, 20, &start) || vt_span_u64le(s, 12, &next_off) ||
	    vt_span_u64le(s, 20, &next_size) || vt_span_u32le(s, 28, &next_crc))
		return VT_ETRUNC;
	if (major != 0 || crc_of(start) != start_crc)
		return VT_EFORMAT;
	size_t end, nstart;
	if (next_off > SIZE_MAX || next_size > SIZE_MAX ||
	    !vt_add_ok(SIG_HEADER, (size_t)next_off, &nstart) ||
	    !vt_add_ok(nstart, (size_t)next_size, &end))
		return VT_EFORMAT;
	m->confidence = 48 + 8 + 32;
	m->variant = "7z";
	if (end > s.len) {
		m->truncated = true;
		m->length = s.len;
		return VT_OK;
	}
	if (next_size && next_size <= MAX_CRC_CHECK) {
		if (vt_span_sub(s, nstart, (size_t)next_size, &next))
			return VT_EINTERNAL;
		/* when damaged, libarchive says what it can still read */
		if (crc_of(next) == next_crc)
			m->confidence += 32;
	}
	m->length = end;
	return VT_OK;
}

static int sevenz_setup(struct archive *a)
{
	return archive_read_support_format_7zip(a);
}

static const struct vti_la_spec sevenz_spec = {
	.what = "7z archive",
	.setup = sevenz_setup,
};

static vt_err sevenz_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	return vti_la_extract(x, chunk, &sevenz_spec, NULL);
}

static const struct vt_magic_pat sevenz_magics[] = {
	VT_MAGIC("7z\xbc\xaf\x27\x1c", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_7z = {
	.name = "7z",
	.description = "7-Zip archive",
	.magics = sevenz_magics,
	.identify = sevenz_identify,
	.extract = sevenz_extract,
};
