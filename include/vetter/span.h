/* span.h - read-only views of input bytes with bounds-checked accessors.
 *
 * Every byte vetter reads from an artifact is read through these functions. A span is a
 * borrowed pointer and a length; it never owns memory. Accessors check `off` and the
 * width of the value against the span's length without overflow and return VT_ETRUNC
 * when the read would leave the span, leaving the output untouched. There is no other
 * sanctioned way for a parser to look at input.
 */
#ifndef VETTER_SPAN_H
#define VETTER_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vetter/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_span {
	const uint8_t *p;
	size_t len;
};

static inline struct vt_span vt_span_make(const void *p, size_t len)
{
	struct vt_span s = {(const uint8_t *)p, p ? len : 0};
	return s;
}

/* True when [off, off+n) lies inside `s` (no overflow for any off, n). */
static inline bool vt_span_has(struct vt_span s, size_t off, size_t n)
{
	return off <= s.len && n <= s.len - off;
}

/* The sub-span [off, off+n); VT_ETRUNC when it does not fit. */
vt_err vt_span_sub(struct vt_span s, size_t off, size_t n, struct vt_span *out) VT_MUST_CHECK;

/* The sub-span from `off` to the end of `s`; VT_ETRUNC when off > len. */
vt_err vt_span_tail(struct vt_span s, size_t off, struct vt_span *out) VT_MUST_CHECK;

vt_err vt_span_u8(struct vt_span s, size_t off, uint8_t *v) VT_MUST_CHECK;
vt_err vt_span_u16le(struct vt_span s, size_t off, uint16_t *v) VT_MUST_CHECK;
vt_err vt_span_u16be(struct vt_span s, size_t off, uint16_t *v) VT_MUST_CHECK;
vt_err vt_span_u32le(struct vt_span s, size_t off, uint32_t *v) VT_MUST_CHECK;
vt_err vt_span_u32be(struct vt_span s, size_t off, uint32_t *v) VT_MUST_CHECK;
vt_err vt_span_u64le(struct vt_span s, size_t off, uint64_t *v) VT_MUST_CHECK;
vt_err vt_span_u64be(struct vt_span s, size_t off, uint64_t *v) VT_MUST_CHECK;

/* Endianness chosen at run time: `be` true reads big-endian. */
vt_err vt_span_u16(struct vt_span s, size_t off, bool be, uint16_t *v) VT_MUST_CHECK;
vt_err vt_span_u32(struct vt_span s, size_t off, bool be, uint32_t *v) VT_MUST_CHECK;
vt_err vt_span_u64(struct vt_span s, size_t off, bool be, uint64_t *v) VT_MUST_CHECK;

/* Copies n bytes at off into dst. */
vt_err vt_span_copy(struct vt_span s, size_t off, void *dst, size_t n) VT_MUST_CHECK;

/* True when the n bytes at off equal `bytes` (false when they do not fit). */
bool vt_span_eq(struct vt_span s, size_t off, const void *bytes, size_t n);

/* A NUL-terminated string starting at off, at most `max` bytes before the NUL.
 * On success *str points into the span and *n is its length without the NUL.
 * VT_ETRUNC when no NUL is found within the span, VT_ELIMIT when none within max. */
vt_err vt_span_cstr(struct vt_span s, size_t off, size_t max, const char **str,
		    size_t *n) VT_MUST_CHECK;

/* Checked arithmetic on values read from input. */
static inline bool vt_add_ok(size_t a, size_t b, size_t *r)
{
	return !__builtin_add_overflow(a, b, r);
}
static inline bool vt_mul_ok(size_t a, size_t b, size_t *r)
{
	return !__builtin_mul_overflow(a, b, r);
}

#ifdef __cplusplus
}
#endif
#endif
