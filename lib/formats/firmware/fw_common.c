/* fw_common.c - helpers shared by the firmware handlers.
 *
 * Compressed streams are recognised by their stream headers, checked beyond the magic
 * (xz's header CRC, gzip's flags, bzip2's block magic, ...) so that magic bytes inside
 * code or tables are not taken for a stream. PE/COFF headers are read only as far as
 * needed for the image's end (no library for PE is in Debian's C libraries that vetter
 * uses; the fields read are five offsets and sizes). Input is read through spans.
 */
#include "formats/firmware/fw_common.h"

#include <zlib.h>

#define PE_MAX_SECTIONS 96
#define BANNER_MAX 256

static const char *const comp_names[FW_COMP_COUNT] = {
	"none", "gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd",
};
static const char *const comp_exts[FW_COMP_COUNT] = {
	"", ".gz", ".bz2", ".lzma", ".xz", ".lzo", ".lz4", ".zst",
};

const char *vti_fw_comp_name(enum fw_comp c)
{
	return (unsigned)c < FW_COMP_COUNT ? comp_names[c] : "unknown";
}

const char *vti_fw_comp_ext(enum fw_comp c)
{
	return (unsigned)c < FW_COMP_COUNT ? comp_exts[c] : "";
}

uint32_t vti_fw_crc32(struct vt_span s)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	size_t off = 0;
	while (off < s.len) { /* zlib takes at most UINT_MAX bytes a call */
		size_t n = VT_MIN(s.len - off, (size_t)1 << 30);
		crc = crc32(crc, s.p + off, (uInt)n);
		off += n;
	}
	return (uint32_t)crc;
}

bool vti_fw_find(struct vt_span s, size_t from, const void *needle, size_t n, size_t *at)
{
	struct vt_span t;
	if (n == 0 || vt_span_tail(s, from, &t) || t.len < n)
		return false;
	const uint8_t *hit = memmem(t.p, t.len, needle, n);
	if (!hit)
		return false;
	*at = from + (size_t)(hit - t.p);
	return true;
}

/* ---- compressed stream headers ---- */

static bool gzip_ok(struct vt_span s, size_t off)
{
	uint8_t h[10];
	if (vt_span_copy(s, off, h, sizeof(h)) || h[0] != 0x1f || h[1] != 0x8b || h[2] != 8)
		return false;
	return (h[3] & 0xe0) == 0 && (h[8] == 0 || h[8] == 2 || h[8] == 4) &&
	       (h[9] <= 13 || h[9] == 255);
}

static bool bzip2_ok(struct vt_span s, size_t off)
{
	static const uint8_t block[6] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
	static const uint8_t eos[6] = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90};
	uint8_t level;
	if (!vt_span_eq(s, off, "BZh", 3) || vt_span_u8(s, off + 3, &level) || level < '1' ||
	    level > '9')
		return false;
	return vt_span_eq(s, off + 4, block, 6) || vt_span_eq(s, off + 4, eos, 6);
}

/* The .lzma ("lzma_alone") header: properties, dictionary size, uncompressed size,
 * checked as xz's decoder does. */
static bool lzma_ok(struct vt_span s, size_t off)
{
	uint8_t props;
	uint32_t dict;
	uint64_t size;
	if (vt_span_u8(s, off, &props) || vt_span_u32le(s, off + 1, &dict) ||
	    vt_span_u64le(s, off + 5, &size))
		return false;
	if (props >= 9 * 5 * 5 || dict < 4096)
		return false;
	uint32_t d = dict - 1; /* dict must be 2^n or 2^n + 2^(n-1) */
	d |= d >> 2;
	d |= d >> 3;
	d |= d >> 4;
	d |= d >> 8;
	d |= d >> 16;
	if (++d != dict && dict != UINT32_MAX)
		return false;
	return size == UINT64_MAX || size < ((uint64_t)1 << 40);
}

static bool xz_ok(struct vt_span s, size_t off)
{
	static const uint8_t magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
	struct vt_span flags;
	uint32_t crc;
	if (!vt_span_eq(s, off, magic, 6) || vt_span_sub(s, off + 6, 2, &flags) ||
	    vt_span_u32le(s, off + 8, &crc))
		return false;
	return flags.p[0] == 0 && (flags.p[1] & 0xf0) == 0 && vti_fw_crc32(flags) == crc;
}

static bool lzo_ok(struct vt_span s, size_t off)
{
	static const uint8_t magic[9] = {0x89, 'L', 'Z', 'O', 0, 0x0d, 0x0a, 0x1a, 0x0a};
	return vt_span_eq(s, off, magic, 9);
}

static bool lz4_ok(struct vt_span s, size_t off)
{
	static const uint8_t legacy[4] = {0x02, 0x21, 0x4c, 0x18};
	static const uint8_t frame[4] = {0x04, 0x22, 0x4d, 0x18};
	uint8_t flg;
	if (vt_span_eq(s, off, legacy, 4))
		return vt_span_has(s, off, 8);
	return vt_span_eq(s, off, frame, 4) && !vt_span_u8(s, off + 4, &flg) &&
	       (flg >> 6) == 1 && (flg & 0x02) == 0;
}

static bool zstd_ok(struct vt_span s, size_t off)
{
	static const uint8_t magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
	uint8_t fhd;
	return vt_span_eq(s, off, magic, 4) && !vt_span_u8(s, off + 4, &fhd) &&
	       (fhd & 0x08) == 0;
}

struct comp_sig {
	enum fw_comp comp;
	const char *magic; /* searched for; the validator checks the rest */
	size_t len;
	bool (*ok)(struct vt_span s, size_t off);
};

static const struct comp_sig sigs[] = {
	{FW_COMP_GZIP, "\x1f\x8b\x08", 3, gzip_ok},
	{FW_COMP_BZIP2, "BZh", 3, bzip2_ok},
	{FW_COMP_LZMA, "\x5d\x00\x00", 3, lzma_ok},
	{FW_COMP_XZ, "\xfd" "7zXZ\x00", 6, xz_ok},
	{FW_COMP_LZO, "\x89LZO\x00", 5, lzo_ok},
	{FW_COMP_LZ4, "\x02\x21\x4c\x18", 4, lz4_ok},
	{FW_COMP_LZ4, "\x04\x22\x4d\x18", 4, lz4_ok},
	{FW_COMP_ZSTD, "\x28\xb5\x2f\xfd", 4, zstd_ok},
};

enum fw_comp vti_fw_comp_sniff(struct vt_span s, size_t off)
{
	for (size_t i = 0; i < VT_ARRAY_LEN(sigs); i++)
		if (sigs[i].ok(s, off))
			return sigs[i].comp;
	return FW_COMP_NONE;
}

#define FIND_WINDOW (64u << 10)

/* The first valid stream of one signature starting in [from, limit); *tries counts the
 * magic hits checked, at most max_hits over all calls. */
static bool find_sig(struct vt_span s, const struct comp_sig *sig, size_t from, size_t limit,
		     size_t max_hits, size_t *tries, size_t *at)
{
	if (s.len < sig->len || limit > s.len)
		return false;
	size_t end = s.len - limit >= sig->len - 1 ? limit + sig->len - 1 : s.len, hit;
	struct vt_span w = {s.p, end}; /* no hit may start at or after limit */
	for (size_t pos = from; *tries < max_hits && pos < limit; pos = hit + 1) {
		if (!vti_fw_find(w, pos, sig->magic, sig->len, &hit))
			return false;
		++*tries;
		if (sig->ok(s, hit)) {
			*at = hit;
			return true;
		}
	}
	return false;
}

/* Window by window, so the search stops soon after the first stream (a kernel's comes
 * right after its stub) instead of reading the whole image once per signature. */
bool vti_fw_comp_find(struct vt_span s, size_t from, size_t max_hits, size_t *at,
		      enum fw_comp *c)
{
	size_t tries[VT_ARRAY_LEN(sigs)] = {0};
	for (size_t lo = from; lo < s.len;) {
		size_t hi = s.len - lo > FIND_WINDOW ? lo + FIND_WINDOW : s.len, best = hi, hit;
		for (size_t i = 0; i < VT_ARRAY_LEN(sigs); i++) {
			if (find_sig(s, &sigs[i], lo, best, max_hits, &tries[i], &hit) && hit < best) {
				best = hit;
				*c = sigs[i].comp;
			}
		}
		if (best < hi) {
			*at = best;
			return true;
		}
		lo = hi;
	}
	return false;
}

/* ---- names ---- */

char *vti_fw_name(struct vt_arena *a, const uint8_t *p, size_t n, const char *fallback)
{
	const uint8_t *nul = memchr(p, 0, n);
	if (nul)
		n = (size_t)(nul - p);
	while (n > 0 && p[0] == ' ') {
		p++;
		n--;
	}
	while (n > 0 && p[n - 1] == ' ')
		n--;
	bool printable = n > 0;
	for (size_t i = 0; i < n && printable; i++)
		printable = p[i] >= 0x20 && p[i] < 0x7f;
	if (!printable || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
		return vt_arena_strdup(a, fallback);
	char *name = vt_arena_strndup(a, (const char *)p, n);
	for (size_t i = 0; name && i < n; i++)
		if (name[i] == '/' || name[i] == '\\')
			name[i] = '_';
	return name;
}

char *vti_fw_span_name(struct vt_arena *a, struct vt_span s, size_t off, size_t n,
		       const char *fallback)
{
	struct vt_span t;
	if (vt_span_tail(s, off, &t))
		return vt_arena_strdup(a, fallback);
	return vti_fw_name(a, t.p, VT_MIN(n, t.len), fallback);
}

vt_err vti_fw_emit(struct vt_xctx *x, const char *name, const struct vt_xmeta *meta,
		   struct vt_span chunk, size_t off, uint64_t size)
{
	struct vt_span d;
	size_t avail = off <= chunk.len ? chunk.len - off : 0;
	if (size <= avail)
		return vt_span_sub(chunk, off, (size_t)size, &d) ? VT_EINTERNAL
								 : vt_x_file(x, name, meta, d);
	vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC,
		  "'%s' is truncated: %zu of %" PRIu64 " bytes are present", name, avail, size);
	if (avail == 0 || vt_span_sub(chunk, off, avail, &d))
		return VT_OK;
	struct vt_xfile *f;
	vt_err e = vt_x_file_open(x, name, meta, &f);
	if (e)
		return e;
	e = vt_x_file_write(f, d.p, d.len);
	vt_err e2 = vt_x_file_close(f, false);
	return e ? e : e2;
}

/* ---- PE/COFF ---- */

static void extend(uint64_t *end, uint32_t off, uint32_t size)
{
	uint64_t e = (uint64_t)off + size;
	if (size && e > *end)
		*end = e;
}

bool vti_fw_pe_end(struct vt_span s, uint64_t *end)
{
	uint32_t pe;
	uint16_t nsec, optsize, magic;
	if (!vt_span_eq(s, 0, "MZ", 2) || vt_span_u32le(s, 0x3c, &pe) ||
	    !vt_span_eq(s, pe, "PE\0\0", 4) || vt_span_u16le(s, (size_t)pe + 6, &nsec) ||
	    vt_span_u16le(s, (size_t)pe + 20, &optsize) ||
	    vt_span_u16le(s, (size_t)pe + 24, &magic))
		return false;
	if (nsec == 0 || nsec > PE_MAX_SECTIONS || (magic != 0x10b && magic != 0x20b))
		return false;
	size_t opt = (size_t)pe + 24, dirs = opt + (magic == 0x20b ? 112 : 96);
	uint32_t ndirs, off, size;
	*end = 0;
	if (!vt_span_u32le(s, dirs - 4, &ndirs) && ndirs > 4 && dirs + 5 * 8 <= opt + optsize &&
	    !vt_span_u32le(s, dirs + 4 * 8, &off) && !vt_span_u32le(s, dirs + 4 * 8 + 4, &size))
		extend(end, off, size); /* the certificate table: a file offset */
	size_t sec = opt + optsize;
	for (size_t i = 0; i < nsec; i++) {
		if (vt_span_u32le(s, sec + i * 40 + 16, &size) ||
		    vt_span_u32le(s, sec + i * 40 + 20, &off))
			return false;
		extend(end, off, size);
	}
	return *end > 0;
}

/* ---- kernel banner ---- */

void vti_fw_report_banner(struct vt_xctx *x, struct vt_span s, const char *what)
{
	static const char tag[] = "Linux version ";
	size_t at, n = 0;
	char line[BANNER_MAX + 1];
	uint8_t c;
	if (!vti_fw_find(s, 0, tag, sizeof(tag) - 1, &at)) {
		vt_x_diag(x, VT_SEV_WARNING, VT_ENOTFOUND, "no 'Linux version' banner in %s",
			  what);
		return;
	}
	while (n < BANNER_MAX && !vt_span_u8(s, at + n, &c) && c >= 0x20 && c < 0x7f)
		line[n++] = (char)c;
	line[n] = '\0';
	vt_x_diag(x, VT_SEV_INFO, VT_OK, "%s: '%s'", what, line);
}
