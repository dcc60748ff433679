/* fmt_zip.c - ZIP archives (PKWARE APPNOTE 6.3): stored and deflated members, data
 * descriptors, zip64 sizes and end records.
 *
 * identify() starts at a local file header and walks the local headers (a streamed
 * member's end is found from its data descriptor), the central directory, the zip64
 * end record and locator, and the end of central directory record with its comment:
 * that is the chunk. The end record must agree with the walk (entry count, and the
 * directory's offset relative to the chunk or to the object, as self-extracting
 * archives store it). When the local walk stops early (a member it cannot measure),
 * the first end record further on whose directory ends right before it is taken. An
 * archive without an end record is truncated (at the object's end) or damaged (the
 * chunk ends after its last local member).
 * extract() reads a complete archive with libarchive's seekable zip reader, which
 * follows the central directory (unix modes, symbolic links), over the chunk, or over
 * the object up to the chunk's end when the directory's offsets count from the
 * object's start; an archive without a usable central directory with the streaming
 * reader, which follows local headers.
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"

#define LFH_SIZE 30
#define CDH_SIZE 46
#define EOCD_SIZE 22
#define Z64_LOC_SIZE 20
#define Z64_EOCD_MIN 56
#define FLAG_DESCRIPTOR 0x0008
#define EXTRA_ZIP64 0x0001
#define MAX_EXTRA_FIELDS 256    /* a 64 KiB extra area holds at most 16384 */

static const uint8_t SIG_LFH[4] = {'P', 'K', 3, 4};
static const uint8_t SIG_CDH[4] = {'P', 'K', 1, 2};
static const uint8_t SIG_EOCD[4] = {'P', 'K', 5, 6};
static const uint8_t SIG_Z64_EOCD[4] = {'P', 'K', 6, 6};
static const uint8_t SIG_Z64_LOC[4] = {'P', 'K', 6, 7};
static const uint8_t SIG_DD[4] = {'P', 'K', 7, 8};

/* m->u[U_CENTRAL]: 1 when the central directory was found; m->u[U_SFX]: 1 when its
 * offsets count from the object's start, not the chunk's (a self-extracting archive) */
enum { U_CENTRAL = 0, U_SFX = 1 };

struct walk {
	struct vt_span s; /* from the chunk's start to the object's end */
	uint64_t base;    /* the chunk's offset in the object */
	size_t pos;
	size_t locals, centrals;
	size_t cd_start, end;
	bool zip64, central, agrees, truncated, sfx;
};

static bool known_method(uint16_t m)
{
	switch (m) {
	case 0: case 1: case 6: case 8: case 9: case 12: case 14: case 18: case 19:
	case 93: case 95: case 96: case 97: case 98: case 99:
		return true;
	default:
		return false;
	}
}

/* The zip64 sizes of the extra area [off, off+len) for the 32-bit fields that are
 * 0xffffffff (usize first, then csize). */
static void zip64_sizes(struct vt_span s, size_t off, size_t len, uint64_t *usize,
			uint64_t *csize)
{
	struct vt_span x;
	if (vt_span_sub(s, off, len, &x))
		return;
	size_t p = 0;
	for (unsigned i = 0; i < MAX_EXTRA_FIELDS && x.len - p >= 4; i++) {
		uint16_t id, n;
		if (vt_span_u16le(x, p, &id) || vt_span_u16le(x, p + 2, &n))
			return;
		if (id == EXTRA_ZIP64) {
			size_t q = p + 4;
			if (*usize == UINT32_MAX && !vt_span_u64le(x, q, usize))
				q += 8;
			if (*csize == UINT32_MAX)
				(void)!vt_span_u64le(x, q, csize);
			return;
		}
		p += 4 + (size_t)n;
		if (p > x.len)
			return;
	}
}

/* The end of a streamed member's data and descriptor: the first "PK\7\8" whose
 * compressed size (32- or 64-bit) is its distance from the data. */
static bool find_descriptor(struct walk *w, size_t data, size_t *end)
{
	size_t at = data;
	while (vti_la_find(w->s, at, SIG_DD, 4, &at)) { /* at grows each round */
		uint32_t c32;
		uint64_t c64;
		size_t dist = at - data;
		if (!vt_span_u32le(w->s, at + 8, &c32) && c32 == dist &&
		    vt_span_has(w->s, at, 16)) {
			*end = at + 16;
			return true;
		}
		if (!vt_span_u64le(w->s, at + 8, &c64) && c64 == dist &&
		    vt_span_has(w->s, at, 24)) {
			*end = at + 24;
			return true;
		}
		at++;
	}
	return false;
}

/* Walks the local member at w->pos; false when the walk stops there. */
static bool local_member(struct walk *w)
{
	uint16_t version, flags, method, nlen, xlen;
	uint32_t c32, u32;
	size_t p = w->pos, data, end;
	if (!vt_span_eq(w->s, p, SIG_LFH, 4))
		return false;
	if (vt_span_u16le(w->s, p + 4, &version) || vt_span_u16le(w->s, p + 6, &flags) ||
	    vt_span_u16le(w->s, p + 8, &method) || vt_span_u32le(w->s, p + 18, &c32) ||
	    vt_span_u32le(w->s, p + 22, &u32) || vt_span_u16le(w->s, p + 26, &nlen) ||
	    vt_span_u16le(w->s, p + 28, &xlen)) {
		w->truncated = true;
		return false;
	}
	if ((version & 0xff) > 100 || !known_method(method))
		return false;
	data = p + LFH_SIZE + nlen + xlen;
	if (data > w->s.len) {
		w->truncated = true;
		return false;
	}
	uint64_t csize = c32, usize = u32;
	bool z64 = c32 == UINT32_MAX || u32 == UINT32_MAX;
	if (z64) {
		zip64_sizes(w->s, p + LFH_SIZE + nlen, xlen, &usize, &csize);
		w->zip64 = true;
	}
	if ((flags & FLAG_DESCRIPTOR) && csize == 0) {
		if (!find_descriptor(w, data, &end)) {
			w->truncated = !vti_la_find(w->s, data, SIG_CDH, 4, &end);
			return false;
		}
	} else if (csize > SIZE_MAX || !vt_add_ok(data, (size_t)csize, &end) ||
		   end > w->s.len) {
		w->truncated = true;
		return false;
	} else if (flags & FLAG_DESCRIPTOR) { /* signature optional; crc, sizes */
		end += (vt_span_eq(w->s, end, SIG_DD, 4) ? 4 : 0) + (z64 ? 20 : 12);
		if (end > w->s.len) {
			w->truncated = true;
			return false;
		}
	}
	w->pos = end;
	w->locals++;
	return true;
}

/* Walks the central directory at w->pos. */
static void central_directory(struct walk *w)
{
	w->cd_start = w->pos;
	while (vt_span_eq(w->s, w->pos, SIG_CDH, 4)) { /* each entry advances pos */
		uint16_t nlen, xlen, clen;
		if (vt_span_u16le(w->s, w->pos + 28, &nlen) ||
		    vt_span_u16le(w->s, w->pos + 30, &xlen) ||
		    vt_span_u16le(w->s, w->pos + 32, &clen)) {
			w->truncated = true;
			return;
		}
		w->pos += CDH_SIZE + (size_t)nlen + xlen + clen;
		w->centrals++;
	}
	if (w->pos > w->s.len)
		w->truncated = true;
}

/* Reads the end record at `at` and, when it describes a directory that starts at
 * cd_start (walked: exact) or at or after it (searched: !walked), sets w->end,
 * w->central and w->agrees. */
static bool end_record(struct walk *w, size_t at, size_t cd_start, bool walked)
{
	uint16_t entries, clen;
	uint32_t cd_size32, cd_off32;
	if (vt_span_u16le(w->s, at + 10, &entries) || vt_span_u32le(w->s, at + 12, &cd_size32) ||
	    vt_span_u32le(w->s, at + 16, &cd_off32) || vt_span_u16le(w->s, at + 20, &clen))
		return false;
	uint64_t n = entries, cd_size = cd_size32, cd_off = cd_off32;
	size_t cd_end = at, rec_end = at + EOCD_SIZE + clen;
	uint64_t loc_off;
	if (at >= Z64_LOC_SIZE && vt_span_eq(w->s, at - Z64_LOC_SIZE, SIG_Z64_LOC, 4) &&
	    !vt_span_u64le(w->s, at - Z64_LOC_SIZE + 8, &loc_off)) {
		/* the locator points at the zip64 end record, which has the real values */
		size_t rec = at - Z64_LOC_SIZE;
		size_t z = SIZE_MAX;
		if (loc_off >= w->base && loc_off - w->base < rec)
			z = (size_t)(loc_off - w->base);
		if (loc_off < rec && vt_span_eq(w->s, (size_t)loc_off, SIG_Z64_EOCD, 4))
			z = (size_t)loc_off;
		if (z != SIZE_MAX && vt_span_has(w->s, z, Z64_EOCD_MIN) &&
		    !vt_span_u64le(w->s, z + 32, &n) && !vt_span_u64le(w->s, z + 40, &cd_size) &&
		    !vt_span_u64le(w->s, z + 48, &cd_off)) {
			cd_end = z;
			w->zip64 = true;
		}
	}
	if (cd_size > cd_end || (walked ? cd_end - cd_size != cd_start
				       : cd_end - cd_size < cd_start))
		return false;
	cd_start = cd_end - (size_t)cd_size;
	if (cd_off != cd_start && cd_off != cd_start + w->base)
		return false;
	if (rec_end > w->s.len) { /* the comment is cut */
		w->truncated = true;
		rec_end = w->s.len;
	}
	w->sfx = cd_off != cd_start;
	w->agrees = !walked || n == w->centrals;
	w->central = true;
	w->end = rec_end;
	return true;
}

/* The central directory is not where the walk stopped: the first end record further
 * on that describes a directory ending right before it. */
static bool search_end(struct walk *w)
{
	size_t at = w->pos;
	for (unsigned i = 0; i < 4096 && vti_la_find(w->s, at, SIG_EOCD, 4, &at); i++, at++) {
		if (end_record(w, at, w->pos, false))
			return true;
	}
	return false;
}

/* The walk stopped at `at` without an end record: is the object cut there, at or inside
 * the end records? */
static bool end_is_cut(const struct walk *w, size_t at)
{
	size_t n = VT_MIN(w->s.len - at, (size_t)4);
	return n < 4 ? vt_span_eq(w->s, at, SIG_EOCD, n) || vt_span_eq(w->s, at, SIG_Z64_EOCD, n)
		     : w->centrals && (vt_span_eq(w->s, at, SIG_EOCD, 4) ||
				       vt_span_eq(w->s, at, SIG_Z64_EOCD, 4));
}

static vt_err zip_identify(struct vt_span obj, struct vt_match *m)
{
	struct walk w = {.base = m->offset};
	if (vt_span_tail(obj, (size_t)m->offset, &w.s))
		return VT_ETRUNC;
	if (!local_member(&w))
		return w.truncated ? VT_ETRUNC : VT_EFORMAT;
	for (size_t i = 0; i < w.s.len / LFH_SIZE && local_member(&w); i++)
		;
	if (!w.truncated && vt_span_eq(w.s, w.pos, SIG_CDH, 4))
		central_directory(&w);
	size_t after = w.pos;
	if (!w.truncated) {
		size_t z = w.pos;
		if (vt_span_eq(w.s, z, SIG_Z64_EOCD, 4)) {
			uint64_t rs;
			if (!vt_span_u64le(w.s, z + 4, &rs) && rs < w.s.len - z)
				z += 12 + (size_t)rs;
			if (vt_span_eq(w.s, z, SIG_Z64_LOC, 4))
				z += Z64_LOC_SIZE;
		}
		if (!(vt_span_eq(w.s, z, SIG_EOCD, 4) && end_record(&w, z, w.cd_start, true)))
			search_end(&w);
	}
	if (!w.central && !w.truncated && end_is_cut(&w, after))
		w.truncated = true;
	m->truncated = w.truncated;
	m->length = w.truncated ? w.s.len : w.central ? w.end : after;
	m->variant = w.zip64 ? "zip64" : "zip";
	m->u[U_CENTRAL] = w.central;
	m->u[U_SFX] = w.central && w.sfx;
	/* signature, sane version and method, more members, an agreeing end record */
	m->confidence = 32 + 8 + (unsigned)VT_MIN(w.locals, (size_t)4) * 4 +
			(w.central ? 32 : 0) + (w.agrees ? 16 : 0);
	return VT_OK;
}

static int zip_seekable(struct archive *a)
{
	return archive_read_support_format_zip_seekable(a);
}

static int zip_streamable(struct archive *a)
{
	return archive_read_support_format_zip_streamable(a);
}

static const struct vti_la_spec zip_central = {
	.what = "zip archive",
	.setup = zip_seekable,
};

static const struct vti_la_spec zip_local = {
	.what = "zip archive (local headers)",
	.setup = zip_streamable,
};

static vt_err zip_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	size_t n = 0;
	if (m->u[U_CENTRAL]) {
		struct vt_span whole = chunk;
		if (m->u[U_SFX] && vt_span_sub(vt_x_object(x), 0, (size_t)(m->offset + m->length),
					       &whole))
			whole = chunk;
		vt_err e = vti_la_extract(x, whole, &zip_central, &n);
		if (!e || n || e == VT_ELIMIT || e == VT_ENOMEM || e == VT_EIO)
			return e;
		vt_x_diag(x, VT_SEV_INFO, VT_EFORMAT,
			  "zip central directory unusable: reading the local headers instead");
	}
	return vti_la_extract(x, chunk, &zip_local, &n);
}

static const struct vt_magic_pat zip_magics[] = {
	VT_MAGIC("PK\x03\x04", 0),
	VT_MAGIC_END,
};

const struct vt_format vt_format_zip = {
	.name = "zip",
	.description = "ZIP archive (incl. zip64)",
	.magics = zip_magics,
	.identify = zip_identify,
	.extract = zip_extract,
};
