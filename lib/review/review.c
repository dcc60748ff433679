/* review.c - a review's lifecycle: inputs, objects, diagnostics and the analysis pass.
 *
 * The walk (tree/walk.c) records objects on the calling thread; vt_review_run() then
 * analyses regular files in batches on a thread pool. Each worker owns an arena, a
 * libmagic handle and a read buffer, and writes only to the objects of its batch, so
 * no locking is needed beyond the object table. Small files are read with pread, large
 * ones mapped read-only and hashed chunk by chunk, each chunk released once hashed, so
 * memory does not grow with file size. Analysis of one file:
 * SHA-256, libmagic type, and ELF facts when it starts with the ELF magic. A file that
 * cannot be opened or read gets an error diagnostic and the review goes on.
 */
#include "core/internal.h"
#include "formats/format.h"
#include "review/review_int.h"
#include "scan/magic.h"
#include "scan/sigscan.h"
#include "tree/writer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SMALL_FILE (256u * 1024)
#define BATCH_FILES 64
#define BATCH_BYTES (16u << 20)
#define HASH_CHUNK (8u << 20)
/* A mapped object of this size is hashed on an idle worker while this one scans it (a
 * decompressed kernel or firmware volume); the cap bounds the pages it keeps resident. */
#define SPLIT_MIN (4u << 20)
#define SPLIT_MAX (64u << 20)

const char *vt_version(void)
{
	return VT_VERSION;
}

const char *vt_obj_kind_name(enum vt_obj_kind k)
{
	static const char *const names[] = {"file",   "directory", "symlink",  "fifo", "socket",
					    "chardev", "blockdev", "other",	"chunk"};
	return (unsigned)k < VT_ARRAY_LEN(names) ? names[k] : "other";
}

const char *vt_severity_name(enum vt_severity s)
{
	static const char *const names[] = {"info", "warning", "error"};
	return (unsigned)s < VT_ARRAY_LEN(names) ? names[s] : "error";
}

double vti_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void vt_review_opts_init(struct vt_review_opts *o)
{
	memset(o, 0, sizeof(*o));
}

struct vt_review *vt_review_new(const struct vt_review_opts *o)
{
	vti_openssl_init();
	struct vt_review *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	if (o)
		r->opts = *o;
	struct vt_limits *l = &r->lim;
	*l = r->opts.limits;
	if (!l->max_depth)
		l->max_depth = 16;
	if (!l->max_bytes)
		l->max_bytes = 16ull << 30;
	if (!l->max_ratio)
		l->max_ratio = 1000;
	if (!l->max_files)
		l->max_files = 1000000;
	if (!l->max_file_size)
		l->max_file_size = 4ull << 30;
	r->arena = vt_arena_new();
	if (!r->arena) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->stats.started = (int64_t)time(NULL);
	return r;
}

void vt_review_free(struct vt_review *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_inputs; i++)
		if (r->input_fds[i] >= 0)
			close(r->input_fds[i]);
	vti_analyzers_free(r);
	for (unsigned i = 0; i < r->nworkers; i++) {
		if (r->warenas)
			vt_arena_free(r->warenas[i]);
		if (r->magics)
			vti_magic_free(r->magics[i]);
		if (r->scratch)
			vti_sigdb_scratch_free(r->scratch[i]);
	}
	free(r->warenas);
	free(r->magics);
	free(r->scratch);
	vti_sigdb_free(r->sigdb);
	vti_writer_close(r->writer, r->remove_output);
	free(r->objects);
	free(r->inputs);
	free(r->input_fds);
	pthread_mutex_destroy(&r->lock);
	vt_arena_free(r->arena);
	free(r);
}

struct vt_object *vti_object_new(struct vt_review *r, struct vt_arena *a)
{
	struct vt_object *o = vt_arena_alloc(a, sizeof(*o));
	if (!o)
		return NULL;
	pthread_mutex_lock(&r->lock);
	if (r->n_objects == r->cap_objects) {
		size_t nc = r->cap_objects ? r->cap_objects * 2 : 1024;
		struct vt_object **no = realloc(r->objects, nc * sizeof(*no));
		if (!no) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		r->objects = no;
		r->cap_objects = nc;
	}
	o->id = r->n_objects;
	o->parent = VT_NO_PARENT;
	r->objects[r->n_objects++] = o;
	pthread_mutex_unlock(&r->lock);
	return o;
}

__attribute__((format(printf, 4, 0))) static struct vt_diag *
make_diag(struct vt_arena *a, enum vt_severity sev, vt_err code, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	struct vt_diag *d = vt_arena_alloc(a, sizeof(*d));
	if (!d)
		return NULL;
	d->severity = sev;
	d->code = code;
	d->message = vt_arena_strdup(a, msg);
	return d->message ? d : NULL;
}

void vti_diag(struct vt_object *o, struct vt_arena *a, enum vt_severity sev, vt_err code,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct vt_diag *d = make_diag(a, sev, code, fmt, ap);
	va_end(ap);
	o->n_diags++;
	if (!d)
		return;
	if (o->diags_tail)
		o->diags_tail->next = d;
	else
		o->diags = d;
	o->diags_tail = d;
}

void vti_review_diag(struct vt_review *r, enum vt_severity sev, vt_err code, const char *fmt,
		     ...)
{
	va_list ap;
	pthread_mutex_lock(&r->lock);
	va_start(ap, fmt);
	struct vt_diag *d = make_diag(r->arena, sev, code, fmt, ap);
	va_end(ap);
	if (d) {
		if (r->diags_tail)
			r->diags_tail->next = d;
		else
			r->diags = d;
		r->diags_tail = d;
	}
	pthread_mutex_unlock(&r->lock);
}

vt_err vt_review_add_input(struct vt_review *r, const char *path)
{
	if (r->ran)
		return VT_EINVAL;
	if (r->n_inputs == r->cap_inputs) {
		size_t nc = r->cap_inputs ? r->cap_inputs * 2 : 8;
		struct vt_input *ni = realloc(r->inputs, nc * sizeof(*ni));
		if (!ni)
			return VT_ENOMEM;
		r->inputs = ni;
		int *nf = realloc(r->input_fds, nc * sizeof(*nf));
		if (!nf)
			return VT_ENOMEM;
		r->input_fds = nf;
		r->cap_inputs = nc;
	}
	size_t idx = r->n_inputs++;
	struct vt_input *in = &r->inputs[idx];
	memset(in, 0, sizeof(*in));
	r->input_fds[idx] = -1;
	in->path = vt_arena_strdup(r->arena, path);
	in->root = VT_NO_PARENT;
	if (!in->path)
		return VT_ENOMEM;
	double t0 = vti_now();
	vt_err e = vti_walk_input(r, idx);
	r->stats.walk_s += vti_now() - t0;
	if (r->opts.progress) {
		struct vt_progress p = {.phase = "walk",
					.objects_done = r->n_objects,
					.objects_total = r->n_objects,
					.elapsed = r->stats.walk_s,
					.final = true};
		r->opts.progress(&p, r->opts.progress_ud);
	}
	return e;
}

/* ---- analysis ---- */

struct batch {
	struct vt_review *r;
	struct vt_object **objs;
	size_t n;
};

static void analyze_elf(struct vt_object *o, struct vt_span s, struct vt_arena *a)
{
	struct vt_elf_info *info = vt_arena_alloc(a, sizeof(*info));
	if (!info)
		return;
	vt_err e = vt_elf_parse(s, a, info);
	if (e) {
		vti_diag(o, a, VT_SEV_WARNING, e, "malformed ELF header in '%s': %s", o->path,
			 vt_strerror(e));
		return;
	}
	o->elf = info;
	for (const struct vt_elf_problem *p = info->problems; p; p = p->next)
		vti_diag(o, a, VT_SEV_WARNING, p->code, "malformed ELF '%s': %s", o->path,
			 p->message);
}

struct hash_pass {
	struct vt_sha256_ctx *c;
	bool mapped;
};

/* Hashes one piece of the object; for a mapping, releases the piece's pages afterwards
 * so the resident memory of a huge file stays at one window. */
static vt_err hash_piece(const uint8_t *p, size_t n, void *ud)
{
	struct hash_pass *h = ud;
	for (size_t off = 0; off < n;) {
		size_t k = VT_MIN(n - off, (size_t)HASH_CHUNK);
		vt_err e = h->c ? vt_sha256_update(h->c, p + off, k) : VT_OK;
		if (e)
			return e;
		if (h->mapped) {
			/* only whole pages inside the piece */
			uintptr_t a = ((uintptr_t)(p + off) + 4095) & ~(uintptr_t)4095;
			uintptr_t b = (uintptr_t)(p + off + k) & ~(uintptr_t)4095;
			if (b > a)
				madvise((void *)a, b - a, MADV_DONTNEED);
		}
		off += k;
	}
	return VT_OK;
}

/* Types, parses, hashes and (when extracting) signature-scans and unpacks an object.
 * Hashing and the signature scan share one pass over the bytes. */
static vt_err worker_tools(struct vt_review *r, unsigned wk);

void vti_map_ref(struct vti_map *m)
{
	atomic_fetch_add(&m->refs, 1);
}

void vti_map_release(struct vti_map *m)
{
	if (m && atomic_fetch_sub(&m->refs, 1) == 1) {
		munmap(m->p, m->maplen);
		free(m);
	}
}

/* The signature scan (index 0) and the hash (index 1) of one object, run by
 * vt_pool_for: on two processors when one is free. Each part is run by one thread, and
 * the worker's scratch is not in use meanwhile (its worker waits in vt_pool_for). */
struct split {
	struct vt_review *r;
	struct hs_scratch *scratch;
	struct vt_span s;
	struct vt_sha256_ctx *c;
	struct vti_cand *cands;
	size_t n;
	bool capped;
	vt_err scan_err, hash_err;
};

static void split_part(void *arg, size_t i, unsigned slot)
{
	(void)slot;
	struct split *sp = arg;
	if (i == 0) {
		sp->scan_err = vti_sigscan(sp->r->sigdb, sp->scratch, sp->s, VTI_MAX_CANDIDATES,
					   NULL, NULL, &sp->cands, &sp->n, &sp->capped);
		return;
	}
	sp->hash_err = hash_piece(sp->s.p, sp->s.len, &(struct hash_pass){sp->c, false});
}

static void analyze_span(struct vt_review *r, struct vt_object *o, struct vt_span s,
			 unsigned wk, struct vti_map *map)
{
	bool mapped = map != NULL;
	struct vt_arena *a = r->warenas[wk];
	vt_err e = worker_tools(r, wk);
	if (e) {
		vti_diag(o, a, VT_SEV_ERROR, e, "cannot analyse '%s': %s", o->path, vt_strerror(e));
		atomic_store(&r->fatal, (int)e);
		return;
	}
	e = vti_magic_describe(r->magics[wk], s, a, &o->magic, &o->mime);
	if (e == VT_ENOMEM)
		atomic_store(&r->fatal, (int)VT_ENOMEM);
	if (vt_elf_is_elf(s))
		analyze_elf(o, s, a);
	/* a file hashed as it was written (tree/phash.c) is only scanned */
	bool prehashed = o->hashed;
	struct hash_pass h = {prehashed ? NULL : vt_sha256_new(), mapped};
	if (!h.c && !prehashed) {
		atomic_store(&r->fatal, (int)VT_ENOMEM);
		return;
	}
	struct vti_cand *cands = NULL;
	size_t n = 0;
	bool capped = false, scanned = false;
	if (r->opts.extract && r->sigdb && mapped && !prehashed && r->pool &&
	    vt_pool_size(r->pool) > 1 &&
	    s.len >= SPLIT_MIN && s.len <= SPLIT_MAX) {
		struct split sp = {.r = r, .scratch = r->scratch[wk], .s = s, .c = h.c};
		vt_pool_for(r->pool, 2, 1, split_part, &sp);
		madvise((void *)s.p, s.len, MADV_DONTNEED);
		e = sp.scan_err ? sp.scan_err : sp.hash_err;
		if (!sp.scan_err) {
			cands = sp.cands;
			n = sp.n;
			capped = sp.capped;
			scanned = true;
		}
	} else if (r->opts.extract && r->sigdb) {
		e = vti_sigscan(r->sigdb, r->scratch[wk], s, VTI_MAX_CANDIDATES, hash_piece, &h,
				&cands, &n, &capped);
		scanned = !e;
	} else {
		e = hash_piece(s.p, s.len, &h);
	}
	if (!e && !prehashed)
		e = vt_sha256_final(h.c, o->sha256);
	vt_sha256_free(h.c);
	if (e) {
		vti_diag(o, a, VT_SEV_ERROR, e, "cannot hash or scan '%s': %s", o->path,
			 vt_strerror(e));
		free(cands);
		return;
	}
	o->hashed = true;
	if (mapped)
		madvise((void *)s.p, s.len, MADV_NORMAL);
	vti_analyze_object(r, o, s, wk);
	if (scanned)
		vti_unpack(r, o, s, map, wk, cands, n, capped);
	else
		free(cands);
}

/* Maps the file's len bytes read-only followed by at least VTI_SCAN_SLACK readable
 * bytes: a zeroed anonymous page is reserved after the file's last page (pages of a
 * file mapping past its end would fault). *maplen is what to unmap. */
static void *map_with_slack(int fd, size_t len, size_t *maplen)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), total;
	if (!vt_add_ok(len, page - 1 + page, &total))
		return MAP_FAILED;
	total -= total % page;
	void *base = mmap(NULL, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return MAP_FAILED;
	void *m = mmap(base, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	if (m == MAP_FAILED) {
		int saved = errno;
		munmap(base, total);
		errno = saved;
		return MAP_FAILED;
	}
	*maplen = total;
	return m;
}

static void analyze_file(struct vt_review *r, struct vt_object *o, unsigned wk, uint8_t *buf)
{
	struct vt_arena *a = r->warenas[wk];
	int fd = o->disk ? vti_writer_open_read(r->writer, o->disk) : vti_open_object(r, o);
	if (fd < 0) {
		vti_diag(o, a, VT_SEV_ERROR, vt_err_from_errno(errno), "cannot open '%s': %s",
			 o->path, strerror(errno));
		return;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		vti_diag(o, a, VT_SEV_ERROR, VT_ENOTSUP,
			 "'%s' changed during the scan: no longer a regular file", o->path);
		close(fd);
		return;
	}
	if ((uint64_t)st.st_size != o->size) {
		vti_diag(o, a, VT_SEV_WARNING, VT_EIO,
			 "'%s' changed size during the scan (%" PRIu64 " to %" PRIu64 " bytes)",
			 o->path, o->size, (uint64_t)st.st_size);
		o->size = (uint64_t)st.st_size;
	}
	size_t len = (size_t)st.st_size;
	if (len <= SMALL_FILE) {
		size_t got = 0;
		while (got < len) {
			ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				vti_diag(o, a, VT_SEV_ERROR, n < 0 ? vt_err_from_errno(errno) : VT_ETRUNC,
					 "cannot read '%s': %s", o->path,
					 n < 0 ? strerror(errno) : "file shrank while reading");
				close(fd);
				return;
			}
			got += (size_t)n;
		}
		analyze_span(r, o, vt_span_make(buf, len), wk, NULL);
	} else {
		size_t maplen;
		void *m = map_with_slack(fd, len, &maplen);
		if (m == MAP_FAILED) {
			vti_diag(o, a, VT_SEV_ERROR, vt_err_from_errno(errno), "cannot map '%s': %s",
				 o->path, strerror(errno));
			close(fd);
			return;
		}
		struct vti_map *map = malloc(sizeof(*map));
		if (!map) {
			munmap(m, maplen);
			atomic_store(&r->fatal, (int)VT_ENOMEM);
			close(fd);
			return;
		}
		map->p = m;
		map->len = len;
		map->maplen = maplen;
		atomic_init(&map->refs, 1);
		madvise(m, len, MADV_SEQUENTIAL);
		analyze_span(r, o, vt_span_make(m, len), wk, map);
		vti_map_release(map);
	}
	close(fd);
	atomic_fetch_add(&r->done_bytes, (uint64_t)len);
}

static void run_batch(void *arg, unsigned wk)
{
	struct batch *b = arg;
	struct vt_review *r = b->r;
	uint8_t *buf = calloc(1, SMALL_FILE + VTI_SCAN_SLACK);
	for (size_t i = 0; i < b->n; i++) {
		struct vt_object *o = b->objs[i];
		if (!buf)
			vti_diag(o, r->warenas[wk], VT_SEV_ERROR, VT_ENOMEM, "out of memory reading '%s'",
				 o->path);
		else if (!atomic_load(&r->fatal))
			analyze_file(r, o, wk, buf);
		atomic_fetch_add(&r->done_objects, 1);
	}
	free(buf);
	free(b->objs);
	free(b);
}

void vti_queue_object(struct vt_review *r, struct vt_object *o)
{
	struct batch *b = calloc(1, sizeof(*b));
	if (b)
		b->objs = malloc(sizeof(*b->objs));
	if (!b || !b->objs) {
		free(b);
		atomic_store(&r->fatal, (int)VT_ENOMEM);
		return;
	}
	b->r = r;
	b->objs[0] = o;
	b->n = 1;
	atomic_fetch_add(&r->total_objects, 1);
	if (vt_pool_submit(r->pool, run_batch, b) != VT_OK) {
		free(b->objs);
		free(b);
		atomic_store(&r->fatal, (int)VT_ENOMEM);
	}
}

/* The libmagic handle and hyperscan scratch of worker wk, made on first use (a small
 * review never wakes most workers, and loading the magic database costs). */
static vt_err worker_tools(struct vt_review *r, unsigned wk)
{
	vt_err e = VT_OK;
	if (!r->magics[wk] && !(r->magics[wk] = vti_magic_new(&e)))
		return e;
	if (r->sigdb && !r->scratch[wk] && !(r->scratch[wk] = vti_sigdb_scratch(r->sigdb)))
		return VT_ENOMEM;
	return VT_OK;
}

static vt_err setup_workers(struct vt_review *r, unsigned n)
{
	r->warenas = calloc(n, sizeof(*r->warenas));
	r->magics = calloc(n, sizeof(*r->magics));
	r->scratch = calloc(n, sizeof(*r->scratch));
	if (!r->warenas || !r->magics || !r->scratch)
		return VT_ENOMEM;
	r->nworkers = n;
	if (r->opts.extract) {
		vt_err e = vti_sigdb_new(&r->sigdb);
		if (e)
			return e;
		if (!r->writer) {
			e = vti_writer_open(r->opts.output_dir, &r->writer);
			if (e) {
				vt_error("cannot use '%s' as the output directory: %s",
					 r->opts.output_dir ? r->opts.output_dir : "$TMPDIR",
					 e == VT_EINVAL ? "not empty" : vt_strerror(e));
				return e;
			}
			r->remove_output = !r->opts.output_dir;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (!(r->warenas[i] = vt_arena_new()))
			return VT_ENOMEM;
	/* worker 0's tools now, to fail early; the others' when they first work */
	return worker_tools(r, 0);
}

static void report_progress(struct vt_review *r, double t0, bool final)
{
	if (!r->opts.progress)
		return;
	struct vt_progress p = {.phase = "analyze",
				.objects_done = atomic_load(&r->done_objects),
				.objects_total = atomic_load(&r->total_objects),
				.bytes_done = atomic_load(&r->done_bytes),
				.bytes_total = r->total_bytes,
				.elapsed = vti_now() - t0,
				.final = final};
	r->opts.progress(&p, r->opts.progress_ud);
}

static vt_err submit_batches(struct vt_review *r, struct vt_pool *pool)
{
	struct batch *b = NULL;
	uint64_t bytes = 0;
	for (size_t i = 0; i < r->n_objects; i++) {
		struct vt_object *o = r->objects[i];
		if (o->kind != VT_OBJ_FILE)
			continue;
		if (!b) {
			b = calloc(1, sizeof(*b));
			if (!b || !(b->objs = malloc(BATCH_FILES * sizeof(*b->objs)))) {
				free(b);
				return VT_ENOMEM;
			}
			b->r = r;
			bytes = 0;
		}
		b->objs[b->n++] = o;
		bytes += o->size;
		r->total_bytes += o->size;
		atomic_fetch_add(&r->total_objects, 1);
		if (b->n == BATCH_FILES || bytes >= BATCH_BYTES) {
			vt_err e = vt_pool_submit(pool, run_batch, b);
			if (e) {
				free(b->objs);
				free(b);
				return e;
			}
			b = NULL;
		}
	}
	if (b) {
		vt_err e = vt_pool_submit(pool, run_batch, b);
		if (e) {
			free(b->objs);
			free(b);
			return e;
		}
	}
	return VT_OK;
}

/* The digest of a directory input: SHA-256 over one record per object in walk order,
 * "kind NUL relpath NUL mode(octal) NUL sha256-hex-or-link-target NUL", so two trees
 * with the same names, types, modes, contents and link targets have the same digest. */
static vt_err tree_digest(struct vt_review *r, struct vt_input *in, size_t idx)
{
	struct vt_sha256_ctx *c = vt_sha256_new();
	if (!c)
		return VT_ENOMEM;
	vt_err e = VT_OK;
	for (size_t i = in->root; i < r->n_objects && !e; i++) {
		const struct vt_object *o = r->objects[i];
		if (o->input != idx || o->xdepth || o->kind == VT_OBJ_CHUNK)
			continue;
		char hex[VT_SHA256_HEX_LEN + 1] = "";
		if (o->hashed)
			vt_sha256_hex(o->sha256, hex);
		char head[64];
		int n = snprintf(head, sizeof(head), "%s", vt_obj_kind_name(o->kind));
		e = vt_sha256_update(c, head, (size_t)n + 1);
		if (!e)
			e = vt_sha256_update(c, o->relpath, strlen(o->relpath) + 1);
		n = snprintf(head, sizeof(head), "%o", (unsigned)o->mode);
		if (!e)
			e = vt_sha256_update(c, head, (size_t)n + 1);
		const char *tail = o->kind == VT_OBJ_SYMLINK && o->link_target ? o->link_target : hex;
		if (!e)
			e = vt_sha256_update(c, tail, strlen(tail) + 1);
	}
	if (!e)
		e = vt_sha256_final(c, in->sha256);
	vt_sha256_free(c);
	if (!e)
		in->hashed = true;
	return e;
}

static void compute_stats(struct vt_review *r)
{
	struct vt_stats *s = &r->stats;
	s->objects = r->n_objects;
	for (size_t i = 0; i < r->n_objects; i++) {
		const struct vt_object *o = r->objects[i];
		switch (o->kind) {
		case VT_OBJ_FILE:
			s->files++;
			if (o->hashed)
				s->bytes += o->size;
			break;
		case VT_OBJ_DIR:
			s->dirs++;
			break;
		case VT_OBJ_SYMLINK:
			s->symlinks++;
			break;
		case VT_OBJ_CHUNK:
			s->chunks++;
			break;
		default:
			s->special++;
			break;
		}
		if (o->elf)
			s->elf++;
		if (o->xdepth > 0 && o->kind != VT_OBJ_CHUNK) {
			s->extracted++;
			if (o->kind == VT_OBJ_FILE && !o->hardlink)
				s->extracted_bytes += o->size;
		}
		for (const struct vt_diag *d = o->diags; d; d = d->next)
			s->diags[d->severity]++;
	}
	for (const struct vt_diag *d = r->diags; d; d = d->next)
		s->diags[d->severity]++;
}

/* Puts the objects in a stable order whatever the thread timing: depth first from each
 * input root, a directory's or chunk's children in creation order (which the walker and
 * each single-threaded extraction make deterministic), an object's chunks by offset.
 * Ids and parent ids are renumbered to match. */
static vt_err renumber(struct vt_review *r)
{
	size_t n = r->n_objects;
	size_t *first = malloc((n + 1) * sizeof(size_t)), *count = calloc(n + 1, sizeof(size_t));
	struct vt_object **kids = malloc((n + 1) * sizeof(*kids));
	struct vt_object **order = malloc((n + 1) * sizeof(*order));
	struct vt_object **stack = malloc((n + 1) * sizeof(*stack));
	if (!first || !count || !kids || !order || !stack) {
		free(first);
		free(count);
		free(kids);
		free(order);
		free(stack);
		return VT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		r->objects[i]->id = i;
	for (size_t i = 0; i < r->n_inputs; i++) /* roots by pointer, ids change below */
		if (r->inputs[i].root != VT_NO_PARENT)
			stack[i] = r->objects[r->inputs[i].root];
	for (size_t i = 0; i < r->n_inputs; i++)
		if (r->inputs[i].root != VT_NO_PARENT)
			order[i] = stack[i];
	for (size_t i = 0; i < n; i++)
		if (r->objects[i]->up)
			count[r->objects[i]->up->id]++;
	for (size_t i = 0, acc = 0; i < n; i++) {
		first[i] = acc;
		acc += count[i];
		count[i] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct vt_object *o = r->objects[i];
		if (o->up) {
			size_t p = o->up->id;
			kids[first[p] + count[p]++] = o;
		}
	}
	struct vt_object **roots = calloc(r->n_inputs + 1, sizeof(*roots));
	if (!roots) {
		free(first);
		free(count);
		free(kids);
		free(order);
		free(stack);
		return VT_ENOMEM;
	}
	for (size_t i = 0; i < r->n_inputs; i++)
		roots[i] = order[i];
	size_t out = 0, sp = 0;
	for (size_t i = 0; i < n; i++) {
		if (r->objects[i]->up)
			continue;
		stack[sp++] = r->objects[i];
		while (sp) {
			struct vt_object *o = stack[--sp];
			order[out++] = o;
			size_t p = o->id;
			/* push in reverse so the first child is visited first */
			for (size_t k = count[p]; k-- > 0;)
				stack[sp++] = kids[first[p] + k];
		}
	}
	for (size_t i = 0; i < out; i++) {
		order[i]->id = i;
		r->objects[i] = order[i];
	}
	for (size_t i = 0; i < out; i++)
		r->objects[i]->parent = r->objects[i]->up ? r->objects[i]->up->id : VT_NO_PARENT;
	for (size_t i = 0; i < r->n_inputs; i++)
		if (r->inputs[i].root != VT_NO_PARENT)
			r->inputs[i].root = roots[i]->id;
	free(roots);
	r->n_objects = out;
	free(first);
	free(count);
	free(kids);
	free(order);
	free(stack);
	return VT_OK;
}

vt_err vt_review_run(struct vt_review *r)
{
	if (r->ran)
		return VT_EINVAL;
	r->ran = true;
	double t0 = vti_now();
	unsigned n = r->opts.jobs ? r->opts.jobs : vt_ncpus();
	vt_err e = setup_workers(r, n);
	if (e)
		return e;
	if ((e = vti_analyzers_setup(r)))
		return e;
	r->stats.jobs = n;
	struct vt_pool *pool = vt_pool_new(n);
	if (!pool)
		return VT_ENOMEM;
	r->pool = pool;
	e = submit_batches(r, pool);
	while (!vt_pool_wait(pool, 100))
		report_progress(r, t0, false);
	vt_pool_free(pool);
	r->pool = NULL;
	report_progress(r, t0, true);
	if (e)
		return e;
	if (atomic_load(&r->fatal))
		return (vt_err)atomic_load(&r->fatal);
	if ((e = renumber(r)))
		return e;
	if ((e = vti_analyzers_finish(r)))
		return e;

	for (size_t i = 0; i < r->n_inputs; i++) {
		struct vt_input *in = &r->inputs[i];
		if (in->root == VT_NO_PARENT || in->status)
			continue;
		const struct vt_object *root = r->objects[in->root];
		if (in->kind == VT_OBJ_FILE && root->hashed) {
			memcpy(in->sha256, root->sha256, VT_SHA256_LEN);
			in->hashed = true;
		} else if (in->kind == VT_OBJ_DIR && (e = tree_digest(r, in, i))) {
			return e;
		}
	}
	r->stats.analyze_s = vti_now() - t0;
	r->stats.total_s = r->stats.walk_s + r->stats.analyze_s;
	r->stats.finished = (int64_t)time(NULL);
	compute_stats(r);
	return VT_OK;
}

size_t vt_review_input_count(const struct vt_review *r)
{
	return r->n_inputs;
}

const struct vt_input *vt_review_input(const struct vt_review *r, size_t i)
{
	return i < r->n_inputs ? &r->inputs[i] : NULL;
}

size_t vt_review_object_count(const struct vt_review *r)
{
	return r->n_objects;
}

const struct vt_object *vt_review_object(const struct vt_review *r, size_t id)
{
	return id < r->n_objects ? r->objects[id] : NULL;
}

const struct vt_stats *vt_review_stats(const struct vt_review *r)
{
	return &r->stats;
}

const char *vt_review_output_dir(const struct vt_review *r)
{
	return r->writer && !r->remove_output ? vti_writer_root(r->writer) : NULL;
}

vt_err vti_review_only_format(struct vt_review *r, const char *name)
{
	r->only = vti_format_find(name);
	return r->only ? VT_OK : VT_ENOTFOUND;
}

const struct vt_diag *vt_review_diags(const struct vt_review *r)
{
	return r->diags;
}
