/* phash.c - hashing a large extracted file on an idle worker while it is being written.
 *
 * A decompressor writing one long stream (a kernel, a firmware volume) keeps one
 * processor busy; the SHA-256 of its output would otherwise be computed after it, on
 * the same path. Once a file has grown past PH_START, every PH_STEP bytes written queue
 * a catch-up task at the front of the pool's queue, if a worker is idle. It reads back
 * what was written (pread through a descriptor of its own: the pages are in the page
 * cache) and hashes it. SHA-256 is sequential: one catch-up runs at a time (a task that
 * finds another one running leaves the work to it or to the close). Closing the file
 * hashes the rest on the writer's thread, if little is left, and stores the digest in
 * the object, which analysis then does not hash again; if much is left (no worker was
 * free), the hash is dropped and analysis computes it as for any file. The state is
 * reference-counted: a queued task may run long after the file was closed, and then
 * finds nothing to do.
 */
#include "tree/phash.h"
#include "tree/writer.h"

#include <pthread.h>
#include <unistd.h>

#define PH_START (4u << 20)
#define PH_STEP (2u << 20)
#define PH_READ (1u << 20)
#define PH_TAIL (2 * PH_STEP) /* most left to hash at the close */

struct vti_phash {
	pthread_mutex_t m;
	atomic_uint refs;
	atomic_uint_fast64_t written; /* bytes the writer has written */
	int fd;                       /* read descriptor of the file */
	uint64_t hashed;              /* under m */
	bool closed;                  /* under m */
	vt_err err;                   /* under m */
	struct vt_sha256_ctx *c;      /* under m */
	uint8_t *buf;                 /* PH_READ bytes, under m */
	uint64_t next_submit;         /* writer's thread only */
};

static void unref(struct vti_phash *h)
{
	if (atomic_fetch_sub(&h->refs, 1) != 1)
		return;
	if (h->fd >= 0)
		close(h->fd);
	vt_sha256_free(h->c);
	free(h->buf);
	pthread_mutex_destroy(&h->m);
	free(h);
}

/* Hashes [hashed, upto) of the file; m held. */
static void catch_up(struct vti_phash *h, uint64_t upto)
{
	while (!h->err && h->hashed < upto) {
		size_t n = (size_t)VT_MIN(upto - h->hashed, (uint64_t)PH_READ);
		ssize_t got = pread(h->fd, h->buf, n, (off_t)h->hashed);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			h->err = VT_EIO;
			break;
		}
		h->err = vt_sha256_update(h->c, h->buf, (size_t)got);
		h->hashed += (uint64_t)got;
	}
}

static void task(void *arg, unsigned wk)
{
	(void)wk;
	struct vti_phash *h = arg;
	if (pthread_mutex_trylock(&h->m) == 0) {
		if (!h->closed)
			catch_up(h, atomic_load(&h->written));
		pthread_mutex_unlock(&h->m);
	}
	unref(h);
}

void vti_phash_wrote(struct vti_phash **hp, struct vt_review *r, const char *disk,
		     uint64_t size)
{
	struct vti_phash *h = *hp;
	if (!h) {
		if (size < PH_START || !r->pool || vt_pool_size(r->pool) < 2 || !r->writer ||
		    !disk)
			return;
		if (!(h = calloc(1, sizeof(*h))))
			return;
		h->fd = vti_writer_open_read(r->writer, disk);
		h->c = vt_sha256_new();
		h->buf = malloc(PH_READ);
		pthread_mutex_init(&h->m, NULL);
		atomic_init(&h->refs, 1);
		atomic_init(&h->written, 0);
		if (h->fd < 0 || !h->c || !h->buf) {
			unref(h);
			*hp = VTI_PHASH_OFF; /* not again for this file */
			return;
		}
		*hp = h;
	} else if (h == VTI_PHASH_OFF) {
		return;
	}
	atomic_store(&h->written, size);
	if (size < h->next_submit || !vt_pool_idle(r->pool))
		return; /* no processor free: hashing is left to the analysis */
	h->next_submit = size + PH_STEP;
	atomic_fetch_add(&h->refs, 1);
	if (vt_pool_submit_front(r->pool, task, h) != VT_OK)
		unref(h);
}

bool vti_phash_close(struct vti_phash *h, uint64_t size, uint8_t out[VT_SHA256_LEN])
{
	if (!h || h == VTI_PHASH_OFF)
		return false;
	pthread_mutex_lock(&h->m);
	/* far behind (the other processors were busy): the analysis hashes the file, beside
	 * its signature scan, rather than this thread now */
	bool ok = size - h->hashed <= PH_TAIL;
	if (ok)
		catch_up(h, size);
	h->closed = true;
	ok = ok && !h->err && h->hashed == size && vt_sha256_final(h->c, out) == VT_OK;
	pthread_mutex_unlock(&h->m);
	unref(h);
	return ok;
}
