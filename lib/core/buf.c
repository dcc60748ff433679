/* buf.c - capped growable buffers (see buf.h). */
#include "core/internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

void vt_buf_init(struct vt_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void vt_buf_release(struct vt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void vt_buf_reset(struct vt_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

vt_err vt_buf_reserve(struct vt_buf *b, size_t n)
{
	size_t need;
	if (!vt_add_ok(b->len, n, &need) || need > b->cap)
		return VT_ELIMIT;
	if (need + 1 <= b->alloc)
		return VT_OK;
	size_t a = b->alloc ? b->alloc : 256;
	while (a < need + 1) {
		if (a > SIZE_MAX / 2) {
			a = need + 1;
			break;
		}
		a *= 2;
	}
	if (a > b->cap + 1)
		a = b->cap + 1;
	uint8_t *d = realloc(b->data, a);
	if (!d)
		return VT_ENOMEM;
	b->data = d;
	b->alloc = a;
	return VT_OK;
}

vt_err vt_buf_add(struct vt_buf *b, const void *p, size_t n)
{
	vt_err e = vt_buf_reserve(b, n);
	if (e)
		return e;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return VT_OK;
}

vt_err vt_buf_read_fd(struct vt_buf *b, int fd)
{
	for (;;) {
		size_t room = b->cap - b->len;
		if (room == 0) {
			/* full: one more byte means the source is larger than the cap */
			uint8_t one;
			ssize_t n = read(fd, &one, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return vt_err_from_errno(errno);
			return n ? VT_ELIMIT : VT_OK;
		}
		size_t want = VT_MIN(room, (size_t)1 << 16);
		vt_err e = vt_buf_reserve(b, want);
		if (e)
			return e;
		ssize_t n = read(fd, b->data + b->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vt_err_from_errno(errno);
		if (n == 0)
			return VT_OK;
		b->len += (size_t)n;
		b->data[b->len] = 0;
	}
}

vt_err vt_buf_read_file(struct vt_buf *b, int dirfd, const char *path, bool nofollow)
{
	/* O_NONBLOCK: opening a fifo must not wait for a writer (it is refused below) */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
					     (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return vt_err_from_errno(errno);
	struct stat st;
	vt_err e = VT_OK;
	if (fstat(fd, &st) != 0)
		e = vt_err_from_errno(errno);
	else if (!S_ISREG(st.st_mode))
		e = VT_ENOTSUP;
	else if ((uint64_t)st.st_size > b->cap - b->len)
		e = VT_ELIMIT;
	if (!e)
		e = vt_buf_read_fd(b, fd);
	close(fd);
	return e;
}

vt_err vt_buf_addstr(struct vt_buf *b, const char *s)
{
	return vt_buf_add(b, s, strlen(s));
}

vt_err vt_buf_vprintf(struct vt_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return VT_EINVAL;
	vt_err e = vt_buf_reserve(b, (size_t)n);
	if (e)
		return e;
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return VT_OK;
}

vt_err vt_buf_printf(struct vt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vt_err e = vt_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

const char *vt_buf_str(const struct vt_buf *b)
{
	return b->data ? (const char *)b->data : "";
}

uint8_t *vt_buf_take(struct vt_buf *b, size_t *len)
{
	uint8_t *d = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return d;
}
