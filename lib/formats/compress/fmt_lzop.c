/* fmt_lzop.c - lzop files: one member (name, mode, mtime) of LZO1X blocks.
 *
 * The container is parsed here: liblzo2 is a block codec only (lzo1x_decompress_safe,
 * lzo_adler32, lzo_crc32) and no Debian library reads the lzop format. The header is a
 * 9-byte magic, versions, method (LZO1X-1, -1(15) or -999: one decompressor for all),
 * level, flags, an optional filter, mode, mtime, the stored name and a checksum of it
 * all (Adler-32, or CRC-32 with F_H_CRC32), then an optional extra field with its own
 * checksum. Blocks follow: uncompressed and compressed sizes (32-bit big-endian), the
 * checksums the flags ask for, and the data (stored as is when the sizes are equal); an
 * uncompressed size of 0 ends the file. Every size field is explicit, so identify()
 * finds the exact end by walking them. The child gets the stored name, mode and mtime.
 * Filters (lzop's undocumented --filter) and multipart files are not supported.
 */
#include "formats/format.h"

#include <lzo/lzo1x.h>
#include <lzo/lzoconf.h>

#define MAGIC_LEN 9
#define BLOCK_MAX (64u << 20) /* lzop's MAX_BLOCK_SIZE */
#define EXTRA_MAX (1u << 20)

#define F_ADLER32_D 0x1u
#define F_ADLER32_C 0x2u
#define F_H_EXTRA_FIELD 0x40u
#define F_CRC32_D 0x100u
#define F_CRC32_C 0x200u
#define F_MULTIPART 0x400u
#define F_H_FILTER 0x800u
#define F_H_CRC32 0x1000u
#define F_RESERVED 0x000fc000u

struct hdr {
	uint16_t version;
	uint8_t method;
	uint32_t flags, filter, mode;
	int64_t mtime;
	struct vt_span name; /* the stored name, not terminated */
	size_t size;      /* header length, extra field included */
};

static uint32_t checksum(bool crc, struct vt_span s)
{
	return crc ? lzo_crc32(0, s.p, (lzo_uint)s.len) : lzo_adler32(1, s.p, (lzo_uint)s.len);
}

/* Reads the fields after the magic; *p ends past the name. */
static bool header_fields(struct vt_span s, size_t off, struct hdr *h, size_t *p)
{
	uint16_t lib, needed;
	uint8_t level, nlen;
	uint32_t lo, hi = 0;
	size_t q = off + MAGIC_LEN;
	bool v940;
	if (vt_span_u16be(s, q, &h->version) || vt_span_u16be(s, q + 2, &lib))
		return false;
	q += 4;
	v940 = h->version >= 0x0940;
	if (h->version < 0x0900 || (v940 && (vt_span_u16be(s, q, &needed) || needed < 0x0900)))
		return false;
	q += v940 ? 2 : 0;
	if (vt_span_u8(s, q++, &h->method) || (v940 && vt_span_u8(s, q++, &level)) ||
	    vt_span_u32be(s, q, &h->flags))
		return false;
	q += 4;
	h->filter = 0;
	if ((h->flags & F_H_FILTER) && vt_span_u32be(s, (q += 4) - 4, &h->filter))
		return false;
	if (vt_span_u32be(s, q, &h->mode) || vt_span_u32be(s, q + 4, &lo) ||
	    (v940 && vt_span_u32be(s, q + 8, &hi)))
		return false;
	q += v940 ? 12 : 8;
	h->mtime = (int64_t)((uint64_t)hi << 32 | lo);
	if (vt_span_u8(s, q, &nlen) || vt_span_sub(s, q + 1, nlen, &h->name))
		return false;
	*p = q + 1 + nlen;
	return true;
}

/* The header at off, its checksums verified. */
static bool parse_header(struct vt_span s, size_t off, struct hdr *h)
{
	size_t p;
	uint32_t sum, len, esum;
	struct vt_span cov;
	if (!vt_span_eq(s, off, "\x89LZO\x00\r\n\x1a\n", MAGIC_LEN) || !header_fields(s, off, h, &p))
		return false;
	if (h->method < 1 || h->method > 3 || (h->flags & F_RESERVED))
		return false;
	bool crc = h->flags & F_H_CRC32;
	if (vt_span_sub(s, off + MAGIC_LEN, p - off - MAGIC_LEN, &cov) ||
	    vt_span_u32be(s, p, &sum) || sum != checksum(crc, cov))
		return false;
	p += 4;
	if (h->flags & F_H_EXTRA_FIELD) {
		if (vt_span_u32be(s, p, &len) || len > EXTRA_MAX ||
		    vt_span_sub(s, p, 4 + (size_t)len, &cov) ||
		    vt_span_u32be(s, p + 4 + len, &esum) || esum != checksum(crc, cov))
			return false;
		p += 4 + (size_t)len + 4;
	}
	h->size = p - off;
	return true;
}

/* One block header at p: sizes and where its checksums and data are. */
struct block {
	uint32_t dst_len, src_len;
	uint32_t d_sum, c_sum;
	bool has_d, has_c;
	struct vt_span data;
	size_t next;
};

enum blk { BLK_OK, BLK_END, BLK_CUT, BLK_BAD };

static enum blk read_block(struct vt_span s, size_t p, uint32_t flags, struct block *b)
{
	if (vt_span_u32be(s, p, &b->dst_len))
		return BLK_CUT;
	if (b->dst_len == 0) {
		b->next = p + 4;
		return BLK_END;
	}
	if (b->dst_len > BLOCK_MAX)
		return BLK_BAD;
	if (vt_span_u32be(s, p + 4, &b->src_len))
		return BLK_CUT;
	if (b->src_len == 0 || b->src_len > b->dst_len)
		return BLK_BAD;
	size_t q = p + 8;
	b->has_d = flags & (F_ADLER32_D | F_CRC32_D);
	b->has_c = b->src_len < b->dst_len && (flags & (F_ADLER32_C | F_CRC32_C));
	if (b->has_d && vt_span_u32be(s, (q += 4) - 4, &b->d_sum))
		return BLK_CUT;
	if (b->has_c && vt_span_u32be(s, (q += 4) - 4, &b->c_sum))
		return BLK_CUT;
	if (vt_span_sub(s, q, b->src_len, &b->data))
		return BLK_CUT;
	b->next = q + b->src_len;
	return BLK_OK;
}

/* Walks the blocks after the header: where the last whole one ends, and how. */
static enum blk walk(struct vt_span s, size_t p, uint32_t flags, size_t *end)
{
	struct block b;
	enum blk k;
	/* every block is at least 9 bytes: bounded by the span's length */
	while ((k = read_block(s, p, flags, &b)) == BLK_OK)
		p = b.next;
	*end = k == BLK_END ? b.next : k == BLK_CUT ? s.len : p;
	return k;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\x89LZO\x00\r\n\x1a\n", 0),
	VT_MAGIC_END,
};

static vt_err lzop_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset, end;
	struct hdr h;
	if (!parse_header(obj, off, &h))
		return VT_EFORMAT;
	enum blk k = walk(obj, off + h.size, h.flags, &end);
	m->length = end - off;
	m->truncated = k == BLK_CUT;
	m->confidence = 72 + 32 + 8 + (k == BLK_END ? 16 : 0);
	m->variant = h.method == 3 ? "lzo1x-999" : h.method == 2 ? "lzo1x-1(15)" : "lzo1x-1";
	return VT_OK;
}

/* Decompresses one block into buf (dst_len bytes) and checks it. NULL: fine. */
static const char *inflate_block(const struct block *b, uint32_t flags, uint8_t *buf)
{
	bool crc_c = flags & F_CRC32_C, crc_d = flags & F_CRC32_D;
	if (b->has_c && checksum(crc_c, b->data) != b->c_sum)
		return "compressed data checksum mismatch";
	if (b->src_len == b->dst_len) {
		memcpy(buf, b->data.p, b->src_len);
	} else {
		lzo_uint n = b->dst_len;
		if (lzo1x_decompress_safe(b->data.p, b->src_len, buf, &n, NULL) != LZO_E_OK ||
		    n != b->dst_len)
			return "corrupt lzo1x block";
	}
	if (b->has_d && checksum(crc_d, vt_span_make(buf, b->dst_len)) != b->d_sum)
		return "uncompressed data checksum mismatch";
	return NULL;
}

static const char *child_name(struct vt_xctx *x, const struct hdr *h)
{
	if (!h->name.len || memchr(h->name.p, 0, h->name.len))
		return vt_x_name_hint(x);
	char *n = vt_arena_strndup(vt_x_arena(x), (const char *)h->name.p, h->name.len);
	return n ? n : vt_x_name_hint(x);
}

static vt_err lzop_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct hdr h;
	if (lzo_init() != LZO_E_OK)
		return VT_EINTERNAL;
	if (!parse_header(chunk, 0, &h)) {
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "invalid lzop header at 0x%" PRIx64,
			  m->offset);
		return VT_EFORMAT;
	}
	const char *name = child_name(x, &h);
	if (h.flags & (F_H_FILTER | F_MULTIPART)) {
		vt_x_diag(x, VT_SEV_WARNING, VT_EUNSUPPORTED, "lzop file '%s' at 0x%" PRIx64
			  " uses a filter or is multipart: not extracted", name, m->offset);
		return VT_OK;
	}
	struct vt_xmeta meta = {.mode = h.mode & 07777, .mtime = h.mtime};
	struct vt_xfile *f;
	vt_err e = vt_x_file_open(x, name, &meta, &f);
	if (e)
		return e;
	uint8_t *buf = NULL;
	size_t cap = 0, p = h.size;
	struct block b = {0};
	enum blk k = BLK_BAD;
	const char *why = NULL;
	/* every block is at least 9 bytes: bounded by the chunk's length */
	while (!e && (k = read_block(chunk, p, h.flags, &b)) == BLK_OK) {
		if (b.dst_len > cap) {
			uint8_t *nb = realloc(buf, b.dst_len);
			if (!nb) {
				e = VT_ENOMEM;
				break;
			}
			buf = nb;
			cap = b.dst_len;
		}
		if ((why = inflate_block(&b, h.flags, buf)) != NULL)
			break;
		e = vt_x_file_write(f, buf, b.dst_len);
		p = b.next;
	}
	free(buf);
	bool complete = !e && !why && k == BLK_END && b.next == chunk.len;
	vt_err c = vt_x_file_close(f, complete);
	e = e ? e : c;
	if (!e && !complete)
		vt_x_diag(x, VT_SEV_WARNING, why || k == BLK_BAD ? VT_EFORMAT : VT_ETRUNC,
			  "%s lzop data at 0x%" PRIx64 " in '%s'%s%s",
			  why || k == BLK_BAD ? "damaged" : "truncated", m->offset + p, name,
			  why ? ": " : "", why ? why : "");
	return e;
}

const struct vt_format vt_format_lzop = {
	.name = "lzop",
	.description = "lzop compressed data",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = lzop_identify,
	.extract = lzop_extract,
};
