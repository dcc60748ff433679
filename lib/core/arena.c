/* arena.c - bump allocator in chunks, freed all at once.
 *
 * Small allocations are carved from 64 KiB chunks; a request larger than a quarter of
 * a chunk gets a chunk of its own, so large blocks do not waste the current chunk.
 */
#include "core/internal.h"

#define CHUNK_SIZE (64 * 1024)
#define ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

struct vt_arena {
	struct chunk *head; /* current chunk for small allocations */
	struct chunk *big;  /* dedicated chunks */
	size_t used;
};

struct vt_arena *vt_arena_new(void)
{
	return calloc(1, sizeof(struct vt_arena));
}

static void free_list(struct chunk *c)
{
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
}

void vt_arena_free(struct vt_arena *a)
{
	if (!a)
		return;
	free_list(a->head);
	free_list(a->big);
	free(a);
}

static struct chunk *new_chunk(size_t size)
{
	size_t total;
	if (!vt_add_ok(sizeof(struct chunk), size, &total))
		return NULL;
	struct chunk *c = malloc(total);
	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *vt_arena_alloc(struct vt_arena *a, size_t n)
{
	size_t r;
	if (!vt_add_ok(n, ALIGN - 1, &r))
		return NULL;
	r &= ~(size_t)(ALIGN - 1);
	if (r == 0)
		r = ALIGN;
	if (r > CHUNK_SIZE / 4) {
		struct chunk *c = new_chunk(r);
		if (!c)
			return NULL;
		c->used = r;
		c->next = a->big;
		a->big = c;
		a->used += r;
		memset(c->data, 0, r);
		return c->data;
	}
	if (!a->head || a->head->size - a->head->used < r) {
		struct chunk *c = new_chunk(CHUNK_SIZE);
		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	void *p = a->head->data + a->head->used;
	a->head->used += r;
	a->used += r;
	memset(p, 0, r);
	return p;
}

void *vt_arena_calloc(struct vt_arena *a, size_t n, size_t size)
{
	size_t t;
	if (!vt_mul_ok(n, size, &t))
		return NULL;
	return vt_arena_alloc(a, t);
}

char *vt_arena_strndup(struct vt_arena *a, const char *s, size_t n)
{
	size_t t;
	if (!vt_add_ok(n, 1, &t))
		return NULL;
	char *d = vt_arena_alloc(a, t);
	if (!d)
		return NULL;
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *vt_arena_strdup(struct vt_arena *a, const char *s)
{
	return s ? vt_arena_strndup(a, s, strlen(s)) : NULL;
}

char *vt_arena_printf(struct vt_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *d = vt_arena_alloc(a, (size_t)n + 1);
	if (!d)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

size_t vt_arena_used(const struct vt_arena *a)
{
	return a->used;
}
