/* arena.h - region allocator for one review.
 *
 * Strings, records and findings of a review are allocated from an arena and freed
 * together when the review ends (the idea of git's mem-pool). An arena is not
 * thread-safe: each worker thread has its own. Allocations are 16-byte aligned.
 */
#ifndef VETTER_ARENA_H
#define VETTER_ARENA_H

#include <stddef.h>

#include <vetter/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_arena;

/* A new, empty arena; NULL when out of memory. */
struct vt_arena *vt_arena_new(void);

/* Frees every allocation of `a` and `a` itself; NULL is allowed. */
void vt_arena_free(struct vt_arena *a);

/* n bytes (n may be 0), zeroed; NULL when out of memory or n overflows. */
void *vt_arena_alloc(struct vt_arena *a, size_t n);

/* n elements of `size` bytes, zeroed; NULL on overflow or out of memory. */
void *vt_arena_calloc(struct vt_arena *a, size_t n, size_t size);

/* A NUL-terminated copy of the n bytes at s (which need no NUL); NULL when out of memory. */
char *vt_arena_strndup(struct vt_arena *a, const char *s, size_t n);

/* A copy of the NUL-terminated string s; NULL when s is NULL or out of memory. */
char *vt_arena_strdup(struct vt_arena *a, const char *s);

/* printf into the arena; NULL when out of memory. */
char *vt_arena_printf(struct vt_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Total bytes handed out by `a` (for statistics and limits). */
size_t vt_arena_used(const struct vt_arena *a);

#ifdef __cplusplus
}
#endif
#endif
