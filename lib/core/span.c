/* span.c - bounds-checked reads from spans of input bytes.
 *
 * Assumes nothing about the span's contents; every accessor validates offset and
 * width with overflow-free comparisons before touching a byte.
 */
#include "core/internal.h"

vt_err vt_span_sub(struct vt_span s, size_t off, size_t n, struct vt_span *out)
{
	if (!vt_span_has(s, off, n))
		return VT_ETRUNC;
	out->p = s.p ? s.p + off : NULL; /* NULL + 0 is undefined behaviour */
	out->len = n;
	return VT_OK;
}

vt_err vt_span_tail(struct vt_span s, size_t off, struct vt_span *out)
{
	if (off > s.len)
		return VT_ETRUNC;
	out->p = s.p ? s.p + off : NULL;
	out->len = s.len - off;
	return VT_OK;
}

vt_err vt_span_u8(struct vt_span s, size_t off, uint8_t *v)
{
	if (!vt_span_has(s, off, 1))
		return VT_ETRUNC;
	*v = s.p[off];
	return VT_OK;
}

static uint64_t load(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

#define ACCESSOR(name, type, width, be)                                      \
	vt_err name(struct vt_span s, size_t off, type *v)                   \
	{                                                                    \
		if (!vt_span_has(s, off, width))                             \
			return VT_ETRUNC;                                    \
		*v = (type)load(s.p + off, width, be);                       \
		return VT_OK;                                                \
	}

ACCESSOR(vt_span_u16le, uint16_t, 2, false)
ACCESSOR(vt_span_u16be, uint16_t, 2, true)
ACCESSOR(vt_span_u32le, uint32_t, 4, false)
ACCESSOR(vt_span_u32be, uint32_t, 4, true)
ACCESSOR(vt_span_u64le, uint64_t, 8, false)
ACCESSOR(vt_span_u64be, uint64_t, 8, true)

vt_err vt_span_u16(struct vt_span s, size_t off, bool be, uint16_t *v)
{
	return be ? vt_span_u16be(s, off, v) : vt_span_u16le(s, off, v);
}

vt_err vt_span_u32(struct vt_span s, size_t off, bool be, uint32_t *v)
{
	return be ? vt_span_u32be(s, off, v) : vt_span_u32le(s, off, v);
}

vt_err vt_span_u64(struct vt_span s, size_t off, bool be, uint64_t *v)
{
	return be ? vt_span_u64be(s, off, v) : vt_span_u64le(s, off, v);
}

vt_err vt_span_copy(struct vt_span s, size_t off, void *dst, size_t n)
{
	if (!vt_span_has(s, off, n))
		return VT_ETRUNC;
	if (n)
		memcpy(dst, s.p + off, n);
	return VT_OK;
}

bool vt_span_eq(struct vt_span s, size_t off, const void *bytes, size_t n)
{
	return vt_span_has(s, off, n) && (n == 0 || memcmp(s.p + off, bytes, n) == 0);
}

vt_err vt_span_cstr(struct vt_span s, size_t off, size_t max, const char **str, size_t *n)
{
	if (off >= s.len)
		return VT_ETRUNC;
	size_t avail = s.len - off;
	size_t look = avail < max + 1 ? avail : max + 1;
	const uint8_t *nul = memchr(s.p + off, 0, look);
	if (!nul)
		return look == avail ? VT_ETRUNC : VT_ELIMIT;
	*str = (const char *)(s.p + off);
	*n = (size_t)(nul - (s.p + off));
	return VT_OK;
}
