/* buf.h - growable byte buffers with a hard size cap.
 *
 * Decompressed and generated data is collected in a vt_buf (curl's dynbuf): it grows
 * by doubling and refuses to grow past the cap given at init, returning VT_ELIMIT, so
 * a decompression bomb cannot exhaust memory. The buffer always keeps a NUL after the
 * data so text can be used as a C string.
 */
#ifndef VETTER_BUF_H
#define VETTER_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vetter/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_buf {
	uint8_t *data; /* NULL until the first append */
	size_t len;
	size_t alloc;
	size_t cap; /* the most bytes the buffer may hold */
};

/* An empty buffer that may hold at most `cap` bytes. */
void vt_buf_init(struct vt_buf *b, size_t cap);

/* Frees the buffer's memory and makes it empty; the cap stays. */
void vt_buf_release(struct vt_buf *b);

/* Empties the buffer, keeping its memory. */
void vt_buf_reset(struct vt_buf *b);

/* Appends n bytes; VT_ELIMIT when the cap would be passed (nothing appended). */
vt_err vt_buf_add(struct vt_buf *b, const void *p, size_t n) VT_MUST_CHECK;
vt_err vt_buf_addstr(struct vt_buf *b, const char *s) VT_MUST_CHECK;
vt_err vt_buf_printf(struct vt_buf *b, const char *fmt, ...) VT_MUST_CHECK
	__attribute__((format(printf, 2, 3)));
vt_err vt_buf_vprintf(struct vt_buf *b, const char *fmt, va_list ap) VT_MUST_CHECK
	__attribute__((format(printf, 2, 0)));

/* Makes room for n more bytes without adding them; VT_ELIMIT past the cap. */
vt_err vt_buf_reserve(struct vt_buf *b, size_t n) VT_MUST_CHECK;

/* Appends everything left to read from fd (retrying on EINTR). VT_ELIMIT when the source
 * holds more than the cap allows (what fitted stays in the buffer); read errors as vt_err. */
vt_err vt_buf_read_fd(struct vt_buf *b, int fd) VT_MUST_CHECK;

/* Appends the regular file `path` (relative to dirfd, or AT_FDCWD; with nofollow a final
 * symbolic link is refused): VT_ENOTSUP when it is not a regular file, VT_ELIMIT when it is
 * larger than the room left under the cap, else as vt_buf_read_fd(). */
vt_err vt_buf_read_file(struct vt_buf *b, int dirfd, const char *path,
			bool nofollow) VT_MUST_CHECK;

/* The data as a NUL-terminated string ("" when empty); borrowed. */
const char *vt_buf_str(const struct vt_buf *b);

/* Hands the data over to the caller (free() it) and empties the buffer. */
uint8_t *vt_buf_take(struct vt_buf *b, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
