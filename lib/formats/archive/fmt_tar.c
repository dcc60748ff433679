/* fmt_tar.c - tar archives: POSIX ustar, pax (extended headers, sparse 0.x/1.0) and GNU
 * (long names 'L'/'K', old sparse 'S' with extension blocks).
 *
 * identify() walks the 512-byte headers itself, as libarchive does not report where an
 * archive ends: each header must carry the "ustar" magic and a matching checksum; the
 * member sizes (octal or base-256, or a pax "size" record) give the next header; the
 * chunk ends after the end-of-archive zero blocks and the zero padding of the last
 * 10240-byte record. A walk that meets something else after at least one member ends
 * the chunk there (an archive without its end marker). Pre-POSIX tar without magic is
 * not recognised: its headers are too weak to find in arbitrary data.
 * extract() reads the chunk with libarchive's tar reader alone.
 */
#include "formats/archive/la_common.h"

#include "core/archive_lazy.h"

#define BLOCK 512
#define RECORD 10240          /* GNU tar's default record: 20 blocks */
#define MAX_PAX 1048576       /* libarchive refuses longer extended headers */
#define OFF_SIZE 124
#define OFF_CHKSUM 148
#define OFF_TYPE 156
#define OFF_MAGIC 257
#define OFF_GNU_EXTENDED 482  /* old GNU sparse: more sparse blocks follow */
#define OFF_EXT_EXTENDED 504  /* ... in a sparse extension block */

enum kind { NOT_HEADER, HEADER_POSIX, HEADER_GNU };

struct walk {
	struct vt_span s;      /* from the chunk's start to the object's end */
	size_t pos;            /* next header */
	size_t members;
	bool pax_seen, gnu, ended, truncated;
	uint64_t pax_size;     /* size from the last pax 'x' header, if pax_size_set */
	bool pax_size_set;
};

/* What the block at off is: a checksummed header with POSIX or GNU magic, or not. */
static enum kind header_kind(struct vt_span s, size_t off)
{
	uint8_t b[BLOCK];
	if (vt_span_copy(s, off, b, BLOCK))
		return NOT_HEADER;
	enum kind k;
	if (!memcmp(b + OFF_MAGIC, "ustar\0" "00", 8))
		k = HEADER_POSIX;
	else if (!memcmp(b + OFF_MAGIC, "ustar  \0", 8))
		k = HEADER_GNU;
	else
		return NOT_HEADER;
	uint64_t stored;
	if (!vti_la_num(vt_span_make(b, BLOCK), OFF_CHKSUM, 8, 8, VTI_LA_PADDED, &stored))
		return NOT_HEADER;
	uint64_t sum = 0;
	int64_t ssum = 0; /* some old writers summed signed chars */
	for (size_t i = 0; i < BLOCK; i++) {
		uint8_t c = i >= OFF_CHKSUM && i < OFF_CHKSUM + 8 ? ' ' : b[i];
		sum += c;
		ssum += (int8_t)c;
	}
	return stored == sum || (int64_t)stored == ssum ? k : NOT_HEADER;
}

/* The 12-byte size field at off: octal, or base-256 when the top bit is set. */
static bool size_field(struct vt_span s, size_t off, uint64_t *v)
{
	uint8_t f[12];
	if (vt_span_copy(s, off, f, sizeof(f)))
		return false;
	if (!(f[0] & 0x80))
		return vti_la_num(s, off, sizeof(f), 8, VTI_LA_PADDED, v);
	if (f[0] != 0x80 || f[1] || f[2] || f[3] & 0x80)
		return false; /* negative or more than 63 bits */
	uint64_t n = 0;
	for (size_t i = 4; i < sizeof(f); i++)
		n = n << 8 | f[i];
	*v = n;
	return true;
}

/* Finds a "size" record ("LEN size=VALUE\n") in the pax extended header data
 * [off, off+len). */
static void pax_records(struct walk *w, size_t off, uint64_t len)
{
	static const char key[] = "size=";
	const size_t klen = sizeof(key) - 1;
	struct vt_span d;
	w->pax_size_set = false;
	if (len > MAX_PAX || vt_span_sub(w->s, off, (size_t)len, &d))
		return;
	size_t p = 0;
	while (p < d.len) { /* each record moves p forward by its length (>= 1) */
		size_t rlen = 0, q = p;
		uint8_t c = 0;
		while (q - p < 8 && !vt_span_u8(d, q, &c) && c >= '0' && c <= '9')
			rlen = rlen * 10 + (size_t)(c - '0'), q++;
		if (q == p || c != ' ' || rlen <= q - p || rlen > d.len - p)
			return; /* malformed: libarchive ignores the rest too */
		size_t k = q + 1, end = p + rlen; /* the record is "key=value\n" in [k, end) */
		uint64_t v;
		if (end > k + klen + 1 && end - 1 - (k + klen) <= 20 &&
		    vt_span_eq(d, k, key, klen) &&
		    vti_la_num(d, k + klen, end - 1 - (k + klen), 10, VTI_LA_EXACT, &v)) {
			w->pax_size = v;
			w->pax_size_set = true;
		}
		p = end;
	}
}

/* Skips the extension blocks of an old GNU sparse header; false when they run out. */
static bool gnu_sparse_ext(struct walk *w, uint8_t more)
{
	while (more) { /* each block advances pos: bounded by the span */
		if (w->s.len - w->pos < BLOCK)
			return false;
		if (vt_span_u8(w->s, w->pos + OFF_EXT_EXTENDED, &more))
			return false;
		w->pos += BLOCK;
	}
	return true;
}

/* Number of data bytes that follow the header at pos (typeflag t, size field v). */
static uint64_t data_size(struct walk *w, uint8_t t, uint64_t v)
{
	if (w->pax_size_set && t != 'x' && t != 'g' && t != 'L' && t != 'K') {
		v = w->pax_size;
		w->pax_size_set = false;
	}
	switch (t) {
	case '2': case '3': case '4': case '5': case '6':
		return 0;
	case '1': /* hard link: data only in pax (as libarchive decides) */
		if (w->pax_seen && !w->gnu)
			return v;
		return header_kind(w->s, w->pos + BLOCK) != NOT_HEADER ? 0 : v;
	default:
		return v;
	}
}

/* Walks one member from w->pos; false when the walk ends (ended, truncated or not a
 * header). */
static bool member(struct walk *w)
{
	enum kind k = header_kind(w->s, w->pos);
	if (k == NOT_HEADER)
		return false;
	if (w->members == 0)
		w->gnu = k == HEADER_GNU;
	uint8_t t, ext = 0;
	uint64_t v, n;
	size_t end;
	if (vt_span_u8(w->s, w->pos + OFF_TYPE, &t) ||
	    !size_field(w->s, w->pos + OFF_SIZE, &v))
		return false;
	if (t == 'S' && vt_span_u8(w->s, w->pos + OFF_GNU_EXTENDED, &ext))
		return false;
	w->members++;
	n = data_size(w, t, v);
	if (t == 'x' || t == 'g')
		w->pax_seen = true;
	if (t == 'x')
		pax_records(w, w->pos + BLOCK, n);
	w->pos += BLOCK;
	if (t == 'S' && !gnu_sparse_ext(w, ext)) {
		w->truncated = true;
		return false;
	}
	if (!vti_la_align(n, BLOCK, &n) || n > SIZE_MAX || !vt_add_ok(w->pos, (size_t)n, &end) ||
	    end > w->s.len) {
		w->truncated = true;
		return false;
	}
	w->pos = end;
	return true;
}

/* The end-of-archive zero blocks at w->pos and the zero rest of their record. */
static void end_blocks(struct walk *w)
{
	if (!vti_la_zero(w->s, w->pos, BLOCK))
		return;
	w->ended = true;
	w->pos += BLOCK;
	if (vti_la_zero(w->s, w->pos, BLOCK))
		w->pos += BLOCK;
	while (w->pos % RECORD && vti_la_zero(w->s, w->pos, BLOCK))
		w->pos += BLOCK;
}

static vt_err tar_identify(struct vt_span obj, struct vt_match *m)
{
	struct walk w = {0};
	if (vt_span_tail(obj, (size_t)m->offset, &w.s))
		return VT_ETRUNC;
	if (header_kind(w.s, 0) == NOT_HEADER)
		return w.s.len < BLOCK ? VT_ETRUNC : VT_EFORMAT;
	size_t limit = w.s.len / BLOCK + 1; /* each member takes at least one block */
	for (size_t i = 0; i < limit && member(&w); i++)
		;
	if (!w.truncated) {
		end_blocks(&w);
		w.truncated = !w.ended && w.s.len - w.pos < BLOCK;
	}
	m->truncated = w.truncated;
	m->length = w.truncated ? w.s.len : w.pos;
	m->variant = w.gnu ? "gnu" : w.pax_seen ? "pax" : "ustar";
	/* magic and version (64 bits), checksum (~16), more headers, end marker */
	m->confidence = 64 + 16 + (unsigned)VT_MIN(w.members, (size_t)4) * 8 - 8 +
			(w.ended ? 16 : 0);
	return m->length ? VT_OK : VT_EFORMAT;
}

static int tar_setup(struct archive *a)
{
	return archive_read_support_format_tar(a);
}

static const struct vti_la_spec tar_spec = {
	.what = "tar archive",
	.setup = tar_setup,
};

static vt_err tar_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	return vti_la_extract(x, chunk, &tar_spec, NULL);
}

static const struct vt_magic_pat tar_magics[] = {
	VT_MAGIC("ustar\0" "00", OFF_MAGIC),
	VT_MAGIC("ustar  \0", OFF_MAGIC),
	VT_MAGIC_END,
};

const struct vt_format vt_format_tar = {
	.name = "tar",
	.description = "tar archive (ustar, pax, GNU)",
	.magics = tar_magics,
	.identify = tar_identify,
	.extract = tar_extract,
};
