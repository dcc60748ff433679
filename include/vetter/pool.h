/* pool.h - a fixed-size thread pool with a work queue.
 *
 * Tasks are run in submission order by `n` worker threads; a task may submit more tasks
 * (the extraction work queue does). vt_pool_wait() returns when every submitted task,
 * including those submitted by tasks, has finished, or when the timeout passes, so the
 * caller can refresh a progress display while it waits. Each worker has an index in
 * [0, n) passed to its tasks, for per-thread state (arenas, libmagic handles).
 */
#ifndef VETTER_POOL_H
#define VETTER_POOL_H

#include <stdbool.h>

#include <vetter/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_pool;

typedef void (*vt_task_fn)(void *arg, unsigned worker);

/* n workers (0: the number of online processors). NULL on failure. */
struct vt_pool *vt_pool_new(unsigned n);

/* Number of workers. */
unsigned vt_pool_size(const struct vt_pool *p);

/* Workers waiting for work at this moment (a hint: it may change at once). */
unsigned vt_pool_idle(struct vt_pool *p);

/* Queues fn(arg, worker). VT_ENOMEM when the task cannot be queued. Thread-safe. */
vt_err vt_pool_submit(struct vt_pool *p, vt_task_fn fn, void *arg) VT_MUST_CHECK;

/* Queues fn(arg, worker) before every queued task (short work that others wait on). */
vt_err vt_pool_submit_front(struct vt_pool *p, vt_task_fn fn, void *arg) VT_MUST_CHECK;

/* Runs fn(arg, i, slot) for every i in [0, n) on the calling thread and on up to
 * `helpers` workers of p that are free, and returns when every call has finished. The
 * helpers' tasks go to the front of the queue; a call not yet started when the caller
 * runs out of work is run by the caller itself, so it never waits for queued work (a
 * task may call this). `slot` is 0 on the caller and 1..helpers on the helpers: distinct
 * among the calls running at the same time, for per-thread state. fn must not block on
 * the pool. p NULL or helpers 0: all on the caller. */
typedef void (*vt_for_fn)(void *arg, size_t i, unsigned slot);
void vt_pool_for(struct vt_pool *p, size_t n, unsigned helpers, vt_for_fn fn, void *arg);

/* Waits until no task is queued or running, or `timeout_ms` passes (negative: no
 * timeout). True when the pool is idle. */
bool vt_pool_wait(struct vt_pool *p, int timeout_ms);

/* Waits for every task, stops the workers and frees the pool; NULL is allowed. */
void vt_pool_free(struct vt_pool *p);

/* The number of online processors (at least 1). */
unsigned vt_ncpus(void);

#ifdef __cplusplus
}
#endif
#endif
