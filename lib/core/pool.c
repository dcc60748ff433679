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
		while (!pool->head && !pool->stop)
			pthread_cond_wait(&pool->have_work, &pool->lock);
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

vt_err vt_pool_submit(struct vt_pool *p, vt_task_fn fn, void *arg)
{
	struct task *t = malloc(sizeof(*t));
	if (!t)
		return VT_ENOMEM;
	t->fn = fn;
	t->arg = arg;
	t->next = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = t;
	else
		p->head = t;
	p->tail = t;
	p->pending++;
	pthread_cond_signal(&p->have_work);
	pthread_mutex_unlock(&p->lock);
	return VT_OK;
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
