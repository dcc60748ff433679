/* pool.c - thread pool with a FIFO work queue (see pool.h). */
#include "core/internal.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

struct task {
	vt_task_fn fn;
	void *arg;
	struct task *next;
};

struct worker {
	struct vt_pool *pool;
	unsigned index;
	pthread_t thread;
};

struct vt_pool {
	pthread_mutex_t lock;
	pthread_cond_t have_work;
	pthread_cond_t idle;
	struct task *head, *tail;
	size_t pending; /* queued + running */
	atomic_uint idle_workers; /* waiting for work */
	bool stop;
	unsigned n;
	struct worker *workers;
};

static void *worker_main(void *p)
{
	struct worker *w = p;
	struct vt_pool *pool = w->pool;
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->head && !pool->stop) {
			atomic_fetch_add(&pool->idle_workers, 1);
			pthread_cond_wait(&pool->have_work, &pool->lock);
			atomic_fetch_sub(&pool->idle_workers, 1);
		}
		if (!pool->head && pool->stop)
			break;
		struct task *t = pool->head;
		pool->head = t->next;
		if (!pool->head)
			pool->tail = NULL;
		pthread_mutex_unlock(&pool->lock);
		t->fn(t->arg, w->index);
		free(t);
		pthread_mutex_lock(&pool->lock);
		if (--pool->pending == 0)
			pthread_cond_broadcast(&pool->idle);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

unsigned vt_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (unsigned)n;
}

struct vt_pool *vt_pool_new(unsigned n)
{
	if (n == 0)
		n = vt_ncpus();
	struct vt_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->workers = calloc(n, sizeof(*p->workers));
	if (!p->workers) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->have_work, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->idle, &ca);
	pthread_condattr_destroy(&ca);
	for (unsigned i = 0; i < n; i++) {
		p->workers[i].pool = p;
		p->workers[i].index = i;
		if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i])) {
			p->n = i;
			vt_pool_free(p);
			return NULL;
		}
		p->n = i + 1;
	}
	return p;
}

unsigned vt_pool_size(const struct vt_pool *p)
{
	return p->n;
}

unsigned vt_pool_idle(struct vt_pool *p)
{
	return atomic_load(&p->idle_workers);
}

static vt_err submit(struct vt_pool *p, vt_task_fn fn, void *arg, bool front)
{
	struct task *t = malloc(sizeof(*t));
	if (!t)
		return VT_ENOMEM;
	t->fn = fn;
	t->arg = arg;
	t->next = NULL;
	pthread_mutex_lock(&p->lock);
	if (front) {
		t->next = p->head;
		p->head = t;
		if (!p->tail)
			p->tail = t;
	} else if (p->tail) {
		p->tail->next = t;
		p->tail = t;
	} else {
		p->head = p->tail = t;
	}
	p->pending++;
	pthread_cond_signal(&p->have_work);
	pthread_mutex_unlock(&p->lock);
	return VT_OK;
}

vt_err vt_pool_submit(struct vt_pool *p, vt_task_fn fn, void *arg)
{
	return submit(p, fn, arg, false);
}

vt_err vt_pool_submit_front(struct vt_pool *p, vt_task_fn fn, void *arg)
{
	return submit(p, fn, arg, true);
}

/* One vt_pool_for: shared by the caller and its helper tasks, freed by the last of them
 * (a helper may start long after the work is done, and then finds nothing to claim). */
struct team {
	vt_for_fn fn;
	void *arg;
	size_t n;
	atomic_size_t next;     /* the next index to claim */
	atomic_uint slot;       /* the next helper slot */
	atomic_uint refs;
	pthread_mutex_t lock;
	pthread_cond_t all_done;
	size_t done;            /* under lock */
};

static void team_unref(struct team *t)
{
	if (atomic_fetch_sub(&t->refs, 1) == 1) {
		pthread_cond_destroy(&t->all_done);
		pthread_mutex_destroy(&t->lock);
		free(t);
	}
}

/* Claims and runs indices until none is left. */
static void team_work(struct team *t, unsigned slot)
{
	size_t ran = 0, i;
	while ((i = atomic_fetch_add(&t->next, 1)) < t->n) {
		t->fn(t->arg, i, slot);
		ran++;
	}
	if (!ran)
		return;
	pthread_mutex_lock(&t->lock);
	t->done += ran;
	if (t->done == t->n)
		pthread_cond_signal(&t->all_done);
	pthread_mutex_unlock(&t->lock);
}

static void team_task(void *arg, unsigned worker)
{
	(void)worker;
	struct team *t = arg;
	team_work(t, atomic_fetch_add(&t->slot, 1));
	team_unref(t);
}

void vt_pool_for(struct vt_pool *p, size_t n, unsigned helpers, vt_for_fn fn, void *arg)
{
	if (helpers >= n)
		helpers = n ? (unsigned)(n - 1) : 0;
	struct team *t = p && helpers ? calloc(1, sizeof(*t)) : NULL;
	if (!t) {
		for (size_t i = 0; i < n; i++)
			fn(arg, i, 0);
		return;
	}
	t->fn = fn;
	t->arg = arg;
	t->n = n;
	atomic_init(&t->next, 0);
	atomic_init(&t->slot, 1);
	atomic_init(&t->refs, 1);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->all_done, NULL);
	for (unsigned h = 0; h < helpers; h++) {
		atomic_fetch_add(&t->refs, 1);
		if (submit(p, team_task, t, true) != VT_OK) {
			atomic_fetch_sub(&t->refs, 1);
			break; /* fewer helpers: the caller does their share */
		}
	}
	team_work(t, 0);
	pthread_mutex_lock(&t->lock);
	while (t->done < t->n)
		pthread_cond_wait(&t->all_done, &t->lock);
	pthread_mutex_unlock(&t->lock);
	team_unref(t);
}

bool vt_pool_wait(struct vt_pool *p, int timeout_ms)
{
	struct timespec until;
	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&p->lock);
	while (p->pending) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&p->idle, &p->lock);
		} else if (pthread_cond_timedwait(&p->idle, &p->lock, &until) != 0) {
			break;
		}
	}
	bool idle = p->pending == 0;
	pthread_mutex_unlock(&p->lock);
	return idle;
}

void vt_pool_free(struct vt_pool *p)
{
	if (!p)
		return;
	vt_pool_wait(p, -1);
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->have_work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n; i++)
		pthread_join(p->workers[i].thread, NULL);
	pthread_cond_destroy(&p->have_work);
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->lock);
	free(p->workers);
	free(p);
}
