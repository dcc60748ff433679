/* fw_fdt.c - device tree probing for the dtb and fit handlers.
 *
 * The header is validated by libfdt (fdt_check_header on an aligned copy of the 40
 * header bytes). libfdt reads only 8-byte aligned trees and trusts the whole tree to be
 * there, while identify() may neither allocate nor assume alignment and must accept a
 * truncated tree: so the structure block is walked here over the span (tags, nesting,
 * end tag), which also finds a FIT's /images and the reach of its external data.
 * Reading the tree for extraction goes through libfdt on an aligned copy
 * (vti_fw_fdt_open), checked with fdt_check_full when it is complete.
 */
#include "formats/firmware/fw_common.h"

#include <libfdt.h>

#define HDR_LEN 40
#define MAX_TAGS (1u << 22)  /* a structure block holds far fewer in practice */
#define MAX_DEPTH 64         /* deeper than any real tree */
#define MAX_NAME 4096

enum { TAG_BEGIN = 1, TAG_END_NODE = 2, TAG_PROP = 3, TAG_NOP = 4, TAG_END = 9 };

struct walk {
	struct vt_span st, str;  /* the structure and strings blocks, as far as present */
	uint64_t data_base;      /* where a FIT's external data-offset counts from */
	bool is_fit, in_images;
	bool has_size, has_off, has_pos;
	uint32_t size, off, pos;
	uint64_t extent;
};

struct hdr {
	uint32_t totalsize, off_struct, off_strings, off_rsv, version;
	uint32_t size_strings, size_struct;
};

static vt_err read_hdr(struct vt_span s, struct hdr *h)
{
	uint32_t magic, last_comp;
	uint64_t copy[HDR_LEN / 8];
	if (vt_span_u32be(s, 0, &magic) || magic != FDT_MAGIC)
		return VT_EFORMAT;
	if (vt_span_copy(s, 0, copy, HDR_LEN))
		return VT_ETRUNC;
	if (fdt_check_header(copy) != 0)
		return VT_EFORMAT;
	if (vt_span_u32be(s, 4, &h->totalsize) || vt_span_u32be(s, 8, &h->off_struct) ||
	    vt_span_u32be(s, 12, &h->off_strings) || vt_span_u32be(s, 16, &h->off_rsv) ||
	    vt_span_u32be(s, 20, &h->version) || vt_span_u32be(s, 24, &last_comp) ||
	    vt_span_u32be(s, 32, &h->size_strings) || vt_span_u32be(s, 36, &h->size_struct))
		return VT_ETRUNC;
	if (h->version < 16 || h->totalsize < HDR_LEN)
		return VT_EFORMAT; /* older trees have no strings block size */
	if (h->version < 17)
		h->size_struct = h->totalsize - h->off_struct; /* checked by libfdt */
	return VT_OK;
}

/* [off, off+len) of s as far as it is there. */
static struct vt_span clip(struct vt_span s, uint32_t off, uint32_t len)
{
	struct vt_span t = vt_span_make(NULL, 0);
	if (off <= s.len && vt_span_sub(s, off, VT_MIN((size_t)len, s.len - off), &t))
		t = vt_span_make(NULL, 0);
	return t;
}

static bool prop_is(const struct walk *w, uint32_t nameoff, const char *name)
{
	const char *str;
	size_t n;
	return !vt_span_cstr(w->str, nameoff, 64, &str, &n) && strcmp(str, name) == 0;
}

/* A property of an image node under /images: the external data's place and size. */
static void image_prop(struct walk *w, uint32_t nameoff, uint32_t len, size_t at)
{
	uint32_t v;
	if (len != 4 || vt_span_u32be(w->st, at, &v))
		return;
	if (prop_is(w, nameoff, "data-size")) {
		w->has_size = true;
		w->size = v;
	} else if (prop_is(w, nameoff, "data-offset")) {
		w->has_off = true;
		w->off = v;
	} else if (prop_is(w, nameoff, "data-position")) {
		w->has_pos = true;
		w->pos = v;
	}
}

static void image_end(struct walk *w)
{
	uint64_t end = 0;
	if (w->has_size && w->has_pos)
		end = (uint64_t)w->pos + w->size;
	else if (w->has_size && w->has_off)
		end = w->data_base + w->off + w->size;
	if (end > w->extent)
		w->extent = end;
	w->has_size = w->has_off = w->has_pos = false;
}

/* Walks the structure block: VT_OK when it ends cleanly, VT_ETRUNC when it runs out,
 * VT_EFORMAT when it is malformed. */
static vt_err walk(struct walk *w)
{
	size_t pos = 0, n, end;
	unsigned depth = 0;
	bool closed = false; /* the root node ended: only NOPs and the end tag may follow */
	uint32_t tag, len, nameoff;
	const char *name;
	for (uint32_t i = 0; i < MAX_TAGS; i++) {
		if (vt_span_u32be(w->st, pos, &tag))
			return VT_ETRUNC;
		pos += 4;
		switch (tag) {
		case TAG_BEGIN:
			if (vt_span_cstr(w->st, pos, MAX_NAME, &name, &n))
				return VT_ETRUNC;
			if (closed || ++depth > MAX_DEPTH)
				return VT_EFORMAT;
			if (depth == 2)
				w->in_images = strcmp(name, "images") == 0;
			w->is_fit |= w->in_images;
			pos = (pos + n + 4) & ~(size_t)3;
			break;
		case TAG_END_NODE:
			if (depth == 0)
				return VT_EFORMAT;
			if (depth == 3 && w->in_images)
				image_end(w);
			if (depth == 2)
				w->in_images = false;
			closed = --depth == 0;
			break;
		case TAG_PROP:
			if (depth == 0 || vt_span_u32be(w->st, pos, &len) ||
			    vt_span_u32be(w->st, pos + 4, &nameoff))
				return depth == 0 ? VT_EFORMAT : VT_ETRUNC;
			pos += 8;
			if (!vt_add_ok(pos, len, &end) || end > w->st.len)
				return VT_ETRUNC;
			if (depth == 3 && w->in_images)
				image_prop(w, nameoff, len, pos);
			pos = (end + 3) & ~(size_t)3;
			break;
		case TAG_NOP:
			break;
		case TAG_END:
			return closed ? VT_OK : VT_EFORMAT;
		default:
			return VT_EFORMAT;
		}
	}
	return VT_EFORMAT;
}

vt_err vti_fw_fdt_probe(struct vt_span s, struct fw_fdt_info *info)
{
	struct hdr h;
	vt_err e = read_hdr(s, &h);
	if (e)
		return e;
	memset(info, 0, sizeof(*info));
	info->totalsize = h.totalsize;
	info->complete = h.totalsize <= s.len;
	info->strings_ok = (uint64_t)h.off_strings + h.size_strings <= s.len;
	struct walk w = {
		.st = clip(s, h.off_struct, h.size_struct),
		.str = clip(s, h.off_strings, h.size_strings),
		.data_base = ((uint64_t)h.totalsize + 3) & ~(uint64_t)3,
	};
	/* a damaged structure with a valid header is accepted with a lower confidence */
	info->structure_ok = walk(&w) == VT_OK && info->complete;
	info->is_fit = w.is_fit;
	info->extent = VT_MAX((uint64_t)h.totalsize, w.is_fit ? w.extent : 0);
	info->confidence = 32 + 24 + (info->structure_ok ? 16 : 0) + (w.is_fit ? 8 : 0);
	return VT_OK;
}

/* Shrinks a copied header to the `avail` bytes of the copy. */
static void fit_header(void *fdt, size_t avail)
{
	uint32_t a = (uint32_t)avail;
	uint32_t off = VT_MIN(fdt_off_dt_struct(fdt), a);
	fdt_set_totalsize(fdt, a);
	fdt_set_off_dt_struct(fdt, off);
	if (fdt_version(fdt) >= 17)
		fdt_set_size_dt_struct(fdt, VT_MIN(fdt_size_dt_struct(fdt), a - off));
	off = VT_MIN(fdt_off_dt_strings(fdt), a);
	fdt_set_off_dt_strings(fdt, off);
	fdt_set_size_dt_strings(fdt, VT_MIN(fdt_size_dt_strings(fdt), a - off));
	fdt_set_off_mem_rsvmap(fdt, VT_MIN(fdt_off_mem_rsvmap(fdt), a));
}

/* libfdt (even fdt_check_full) walks tags assuming each moves the offset forward; in a
 * damaged tree a tag length can wrap the offset back and its loops never end. The offset
 * (into the structure block) of the first tag that does not move forward, or -1. */
static int backward_tag(const void *fdt, size_t len)
{
	int off = 0, next = 0;
	for (size_t steps = 0; steps <= len / 4 + 1; steps++) {
		uint32_t tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_END)
			return -1;
		if (next <= off)
			return off;
		off = next;
	}
	return off;
}

/* Ends the tree at such a tag (FDT_END written there) so that libfdt's loops terminate. */
static void end_at(void *fdt, int off)
{
	fdt32_t *p = off >= 0 ? fdt_offset_ptr_w(fdt, off, FDT_TAGSIZE) : NULL;
	if (p)
		*p = cpu_to_fdt32(FDT_END);
}

vt_err vti_fw_fdt_open(struct vt_span s, const struct fw_fdt_info *info, struct vt_span *fdt,
		       void **copy, bool *full_ok)
{
	size_t avail = VT_MIN((size_t)info->totalsize, s.len);
	*copy = NULL;
	*full_ok = false;
	if (info->complete && ((uintptr_t)s.p & 7) == 0 &&
	    (fdt_check_header(s.p) != 0 || backward_tag(s.p, avail) < 0)) {
		if (fdt_check_header(s.p) != 0)
			return VT_EFORMAT;
		*fdt = vt_span_make(s.p, avail);
		*full_ok = fdt_check_full(s.p, avail) == 0;
		return VT_OK;
	}
	void *c = malloc(avail); /* malloc's alignment suffices for libfdt */
	if (!c)
		return VT_ENOMEM;
	if (vt_span_copy(s, 0, c, avail)) {
		free(c);
		return VT_EINTERNAL;
	}
	if (!info->complete)
		fit_header(c, avail);
	if (fdt_check_header(c) != 0) {
		free(c);
		return VT_EFORMAT;
	}
	int back = backward_tag(c, avail);
	end_at(c, back);
	*full_ok = info->complete && back < 0 && fdt_check_full(c, avail) == 0;
	*copy = c;
	*fdt = vt_span_make(c, avail);
	return VT_OK;
}

bool vti_fw_fdt_inside(struct vt_span fdt, const void *p, int n, struct vt_span *val)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)fdt.p;
	if (!p || n < 0 || a < base || a - base > fdt.len || (size_t)n > fdt.len - (a - base))
		return false;
	*val = vt_span_make(p, (size_t)n);
	return true;
}

bool vti_fw_fdt_prop(struct vt_span fdt, int node, const char *name, struct vt_span *val)
{
	int len = -1;
	const void *p = fdt_getprop(fdt.p, node, name, &len);
	return vti_fw_fdt_inside(fdt, p, len, val);
}

const char *vti_fw_fdt_str(struct vt_span fdt, int node, const char *name)
{
	struct vt_span v;
	const char *str;
	size_t n;
	if (!vti_fw_fdt_prop(fdt, node, name, &v) || vt_span_cstr(v, 0, v.len, &str, &n) ||
	    n + 1 != v.len)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (str[i] < 0x20 || str[i] >= 0x7f)
			return NULL;
	return str;
}

bool vti_fw_fdt_u32(struct vt_span fdt, int node, const char *name, uint32_t *v)
{
	struct vt_span val;
	return vti_fw_fdt_prop(fdt, node, name, &val) && val.len == 4 &&
	       !vt_span_u32be(val, 0, v);
}
