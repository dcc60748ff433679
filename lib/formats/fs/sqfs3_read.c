/* sqfs3_read.c - decompression and metadata tables of SquashFS 3.x images.
 *
 * No Debian library reads SquashFS 3 (libsquashfs and the kernel read 4.0 only), so this
 * is written from the layout in squashfs-tools' squashfs_compat.h. Blocks are zlib
 * streams, or in the "squashfs-lzma" images of old router firmware raw LZMA behind the
 * 13-byte .lzma header (properties, dictionary size, uncompressed size: magic "shsq",
 * zlib and LZMA blocks mixed) or with no header at all (properties lc=3 lp=0 pb=2, a
 * dictionary of the block size: the stream then starts with a zero byte); each block is
 * told apart by its first byte, as those patched kernels and 7-Zip do. Both are decoded
 * with the Debian libraries (zlib; liblzma's LZMA1 raw decoder with the dictionary capped
 * at the block size, so a hostile header cannot make it allocate more). A metadata block is a 2-byte header (size, bit 15: stored
 * uncompressed) in the image's byte order, an optional check byte, and at most 8 KiB.
 */
#include "formats/format.h"

#include "formats/fs/sqfs3_read.h"

#define LZMA_HDR 13             /* properties, dictionary size, uncompressed size */
#define LZMA_PROPS_DEFAULT 0x5d /* lc=3 lp=0 pb=2 */

void vti_sq3_codec_free(struct sq3_codec *c)
{
	if (c->z_ready)
		inflateEnd(&c->z);
	lzma_end(&c->lz);
	c->z_ready = false;
}

/* A zlib header: deflate, a window of at most 32 KiB, a valid check. */
static bool is_zlib(struct vt_span in)
{
	uint16_t h;
	return !vt_span_u16be(in, 0, &h) && (h >> 8 & 0x0f) == 8 && (h >> 12) <= 7 && h % 31 == 0;
}

static vt_err inflate_block(struct sq3_codec *c, struct vt_span in, uint8_t *out, size_t cap,
			    size_t *n)
{
	if (!c->z_ready) {
		memset(&c->z, 0, sizeof(c->z));
		if (inflateInit(&c->z) != Z_OK)
			return VT_ENOMEM;
		c->z_ready = true;
	} else if (inflateReset(&c->z) != Z_OK) {
		return VT_EFORMAT;
	}
	if (in.len > UINT_MAX || cap > UINT_MAX)
		return VT_EFORMAT;
	c->z.next_in = in.p;
	c->z.avail_in = (uInt)in.len;
	c->z.next_out = out;
	c->z.avail_out = (uInt)cap;
	if (inflate(&c->z, Z_FINISH) != Z_STREAM_END)
		return VT_EFORMAT;
	*n = cap - c->z.avail_out;
	c->zlib_blocks++;
	return VT_OK;
}

/* Raw LZMA1 with properties byte `props` and dictionary `dict`; size: the uncompressed
 * size, UINT64_MAX when unknown. With a known size an end marker may follow or not; with
 * an unknown one a stream that ends with the input but without the marker is accepted
 * too (7-Zip does the same for these images). */
static vt_err lzma1_block(struct sq3_codec *c, struct vt_span in, unsigned props, uint32_t dict,
			  uint64_t size, uint8_t *out, size_t cap, size_t *n)
{
	lzma_options_lzma o;

	if (props >= 9 * 5 * 5 || in.len == 0)
		return VT_EFORMAT;
	memset(&o, 0, sizeof(o));
	o.lc = props % 9;
	o.lp = props / 9 % 5;
	o.pb = props / 45;
	if (o.lc + o.lp > LZMA_LCLP_MAX || (size != UINT64_MAX && size > cap))
		return VT_EFORMAT;
	/* back references never reach before the block's start */
	o.dict_size = VT_MAX(VT_MIN(dict, (uint32_t)VT_MIN(cap, UINT32_MAX)), LZMA_DICT_SIZE_MIN);
	o.ext_size_low = o.ext_size_high = UINT32_MAX;
	if (size != UINT64_MAX) {
		o.ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
		o.ext_size_low = (uint32_t)size;
		o.ext_size_high = (uint32_t)(size >> 32);
	}
	lzma_filter f[2] = {{LZMA_FILTER_LZMA1EXT, &o}, {LZMA_VLI_UNKNOWN, NULL}};
	lzma_ret r = lzma_raw_decoder(&c->lz, f);
	if (r != LZMA_OK)
		return r == LZMA_MEM_ERROR ? VT_ENOMEM : VT_EFORMAT;
	c->lz.next_in = in.p;
	c->lz.avail_in = in.len;
	c->lz.next_out = out;
	c->lz.avail_out = cap;
	r = lzma_code(&c->lz, LZMA_FINISH);
	if (r == LZMA_MEM_ERROR)
		return VT_ENOMEM;
	bool ended = r == LZMA_STREAM_END ||
		     (size == UINT64_MAX && (r == LZMA_OK || r == LZMA_BUF_ERROR) &&
		      c->lz.avail_in == 0 && c->lz.avail_out > 0 && c->lz.avail_out < cap);
	if (!ended)
		return VT_EFORMAT;
	*n = cap - c->lz.avail_out;
	c->lzma_blocks++;
	return VT_OK;
}

vt_err vti_sq3_decompress(struct sq3_codec *c, struct vt_span in, uint8_t *out, size_t cap,
			  size_t expect, size_t *n)
{
	struct vt_span payload;
	uint64_t size;
	uint32_t dict;

	uint8_t props;

	*n = 0;
	if (vt_span_u8(in, 0, &props))
		return VT_EFORMAT;
	if (is_zlib(in))
		return inflate_block(c, in, out, cap, n);
	if (props == 0) /* no header: lc=3 lp=0 pb=2; a range coder stream starts with 0 */
		return lzma1_block(c, in, LZMA_PROPS_DEFAULT, (uint32_t)VT_MIN(cap, UINT32_MAX),
				   expect ? expect : UINT64_MAX, out, cap, n);
	if (vt_span_u32le(in, 1, &dict) || vt_span_u64le(in, 5, &size) ||
	    vt_span_tail(in, LZMA_HDR, &payload))
		return VT_EFORMAT;
	if (expect && size != UINT64_MAX && size != expect)
		return VT_EFORMAT;
	return lzma1_block(c, payload, props, dict, size, out, cap, n);
}

vt_err vti_sq3_meta_block(struct sq3_codec *c, struct vt_span img, struct sq3_fmt f,
			  uint64_t off, uint8_t *out, size_t *n, uint64_t *next)
{
	size_t hdr = f.check ? 3 : 2, size;
	struct vt_span b;
	uint16_t h;

	*n = 0;
	*next = 0;
	if (off > SIZE_MAX - hdr || vt_span_u16(img, (size_t)off, f.be, &h))
		return VT_ETRUNC;
	size = h & 0x7fffu;
	if (size == 0 || size > SQ3_META_SIZE)
		return VT_EFORMAT;
	*next = off + hdr + size;
	if (vt_span_sub(img, (size_t)off + hdr, size, &b))
		return VT_ETRUNC;
	if (h & 0x8000u) {
		*n = size;
		return vt_span_copy(b, 0, out, size);
	}
	return vti_sq3_decompress(c, b, out, SQ3_META_SIZE, 0, n);
}

static vt_err reserve(struct sq3_table *t, size_t *cap_data)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct sq3_mblock *b = realloc(t->blocks, cap * sizeof(*b));
		if (!b)
			return VT_ENOMEM;
		t->blocks = b;
		t->cap = cap;
	}
	if (t->len + SQ3_META_SIZE > *cap_data) {
		size_t cap = *cap_data ? *cap_data * 2 : 4 * SQ3_META_SIZE;
		uint8_t *d = realloc(t->data, cap);
		if (!d)
			return VT_ENOMEM;
		t->data = d;
		*cap_data = cap;
	}
	return VT_OK;
}

vt_err vti_sq3_table_load(struct sq3_table *t, struct sq3_codec *c, struct vt_span img,
			  struct sq3_fmt f, uint64_t start, uint64_t end, size_t max)
{
	size_t cap_data = 0, run = 0;
	uint64_t off = start;
	vt_err e;

	memset(t, 0, sizeof(*t));
	while (off < end) {
		size_t n;
		uint64_t next;
		if (t->len + SQ3_META_SIZE > max) {
			t->stopped = true;
			t->stop_at = off;
			t->stop_err = VT_ELIMIT;
			break;
		}
		if ((e = reserve(t, &cap_data)) != VT_OK)
			return e;
		e = vti_sq3_meta_block(c, img, f, off, t->data + t->len, &n, &next);
		if (e == VT_ENOMEM)
			return e;
		if (e && next > off) { /* a sane header: skip the block, start a new run */
			t->bad++;
			run++;
			off = next;
			continue;
		}
		if (e) {
			t->stopped = true;
			t->stop_at = off;
			t->stop_err = e;
			break;
		}
		t->blocks[t->n++] = (struct sq3_mblock){off - start, t->len, 0, run};
		t->len += n;
		off = next;
	}
	/* each block's run ends where the next run starts */
	size_t run_end = t->len;
	for (size_t i = t->n; i-- > 0;) {
		if (i + 1 < t->n && t->blocks[i + 1].run != t->blocks[i].run)
			run_end = t->blocks[i + 1].upos;
		t->blocks[i].run_end = run_end;
	}
	return VT_OK;
}

void vti_sq3_table_free(struct sq3_table *t)
{
	free(t->data);
	free(t->blocks);
	memset(t, 0, sizeof(*t));
}

bool vti_sq3_table_at(const struct sq3_table *t, uint64_t block, size_t offset,
		      struct vt_span *out)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->blocks[mid].disk < block)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->n || t->blocks[lo].disk != block || offset >= SQ3_META_SIZE)
		return false;
	const struct sq3_mblock *b = &t->blocks[lo];
	if (offset >= b->run_end - b->upos)
		return false;
	*out = vt_span_make(t->data + b->upos + offset, b->run_end - b->upos - offset);
	return true;
}
