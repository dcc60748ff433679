/* unpack.c - from one object to its chunks and their children.
 *
 * For an analysed object: one signature pass (scan/sigscan.c) gives candidates; each is
 * validated by its format's identify(); chunks are chosen left to right, the most
 * confident candidate winning at one offset, and scanning resumes after each chunk's
 * extent, so a candidate inside an accepted chunk (a gzip magic inside squashfs data) is
 * not a chunk of its own. A candidate whose data runs past the end of the object needs a
 * confidence of at least 48 bits: a weak magic followed by garbage is what random bytes
 * look like. Gaps between chunks become "unknown" chunks with their entropy
 * and class; gaps that are not padding are written out for inspection when the output
 * directory is kept. Each format chunk
 * is extracted into its own directory, "<object>.x/0x<offset>-<format>/", and every file
 * it produced is queued for analysis, which brings it back here: a work queue, not
 * recursion. Nesting depth, and content identical to an ancestor's, stop the descent.
 */
#include "core/internal.h"
#include "formats/format.h"
#include "review/review_int.h"
#include "scan/sigscan.h"
#include "tree/writer.h"
#include "tree/xctx.h"

#include <sys/mman.h>
#include <unistd.h>

#define RATIO_FLOOR (64ull << 20)
#define MIN_TRUNCATED_CONFIDENCE 48

/* Where this object's chunk directories go, relative to the output root. */
static const char *x_dir(struct vt_review *r, struct vt_object *o, struct vt_arena *a)
{
	if (o->disk)
		return vt_arena_printf(a, "%s.x", o->disk);
	const char *in = r->inputs[o->input].path;
	size_t n = strlen(in);
	while (n > 1 && in[n - 1] == '/')
		n--;
	const char *base = in;
	for (size_t i = 0; i < n; i++)
		if (in[i] == '/' && i + 1 < n)
			base = in + i + 1;
	size_t bn = (size_t)(in + n - base);
	if (bn == 0 || (bn == 1 && base[0] == '.') || (bn == 2 && !strncmp(base, "..", 2)))
		base = "input", bn = 5;
	if (*o->relpath)
		return vt_arena_printf(a, "%.*s/%s.x", (int)bn, base, o->relpath);
	return vt_arena_printf(a, "%.*s.x", (int)bn, base);
}

static struct vt_object *new_chunk(struct vt_review *r, struct vt_object *o, struct vt_arena *a,
				   uint64_t off, uint64_t len, const char *name)
{
	struct vt_object *c = vti_object_new(r, a);
	struct vt_chunk_info *ci = vt_arena_alloc(a, sizeof(*ci));
	if (!c || !ci)
		return NULL;
	c->up = o;
	c->parent = o->id;
	c->input = o->input;
	c->depth = o->depth;
	c->xdepth = o->xdepth;
	c->kind = VT_OBJ_CHUNK;
	c->size = len;
	c->chunk = ci;
	ci->offset = off;
	ci->length = len;
	c->path = vt_arena_printf(a, "%s/%s", o->path, name);
	c->relpath = vt_arena_strdup(a, name);
	return c->path && c->relpath ? c : NULL;
}

/* Records the gap [off, off+len) as an unknown chunk; writes it out unless padding. */
static void release(struct vti_map *map, const uint8_t *p, size_t n)
{
	if (!map)
		return;
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
	madvise((void *)a, n + ((uintptr_t)p - a), MADV_DONTNEED);
}

static void gap_body(struct vt_review *r, struct vt_object *o, struct vt_span s, uint64_t off,
		     uint64_t len, const char *xdir, unsigned wk);

/* Records a gap; a mapped object's pages read for it are released afterwards. */
static void add_gap(struct vt_review *r, struct vt_object *o, struct vt_span s, uint64_t off,
		    uint64_t len, const char *xdir, unsigned wk, struct vti_map *map)
{
	gap_body(r, o, s, off, len, xdir, wk);
	release(map, s.p + off, (size_t)len);
}

static void gap_body(struct vt_review *r, struct vt_object *o, struct vt_span s, uint64_t off,
		     uint64_t len, const char *xdir, unsigned wk)
{
	struct vt_arena *a = r->warenas[wk];
	struct vt_span g = {s.p + off, (size_t)len};
	char name[64];
	snprintf(name, sizeof(name), "0x%" PRIx64 "-0x%" PRIx64 ".unknown", off, off + len);
	struct vt_object *c = new_chunk(r, o, a, off, len, name);
	if (!c)
		return;
	c->chunk->format = "unknown";
	c->chunk->gap_class = vti_gap_stats(g, &c->chunk->entropy);
	/* hashed and written out for inspection only when the output is kept, never padding */
	if (!strcmp(c->chunk->gap_class, "padding") || !r->writer || !vt_review_output_dir(r))
		return;
	if (vt_sha256(g.p, g.len, c->sha256) == VT_OK)
		c->hashed = true;
	const char *disk = vt_arena_printf(a, "%s/%s", xdir, name);
	int fd;
	bool replaced;
	const char *why;
	if (!disk || vti_writer_file(r->writer, disk, 0644, &fd, &replaced, &why) != VT_OK)
		return;
	size_t done = 0;
	while (done < g.len) {
		ssize_t w = write(fd, g.p + done, g.len - done);
		if (w <= 0 && errno != EINTR)
			break;
		if (w > 0)
			done += (size_t)w;
	}
	close(fd);
	if (done == g.len)
		c->disk = disk;
}

/* One chunk to extract: prepared in order by vti_unpack (so the object tree is the same
 * whatever the timing), extracted there or as a task of its own. */
struct chunk_job {
	struct vt_review *r;
	struct vt_object *o, *c;
	struct vt_span s;
	struct vti_map *map; /* the object's mapping, referenced; NULL for a worker buffer */
	const struct vt_format *f;
	struct vt_match m;
	const char *dir;
};

static bool prepare_chunk(struct vt_review *r, struct vt_object *o, const struct vt_format *f,
			  const struct vt_match *m, const char *xdir, unsigned wk,
			  struct chunk_job *job)
{
	struct vt_arena *a = r->warenas[wk];
	char name[96];
	snprintf(name, sizeof(name), "0x%" PRIx64 "-%s", m->offset, f->name);
	struct vt_object *c = new_chunk(r, o, a, m->offset, m->length, name);
	const char *dir = vt_arena_printf(a, "%s/%s", xdir, name);
	if (!c || !dir) {
		atomic_store(&r->fatal, (int)VT_ENOMEM);
		return false;
	}
	c->chunk->format = f->name;
	c->chunk->variant = m->variant;
	c->chunk->confidence = m->confidence;
	c->chunk->truncated = m->truncated;
	if (m->truncated)
		vti_diag(c, a, VT_SEV_WARNING, VT_ETRUNC,
			 "%s data in '%s' at 0x%" PRIx64 " runs past the end: extracting what is there",
			 f->name, o->path, m->offset);
	int dfd;
	const char *why;
	c->disk = dir;
	if (r->writer && vti_writer_dir(r->writer, dir, &dfd, &why) == VT_OK)
		close(dfd);
	else
		c->disk = NULL;
	job->r = r;
	job->o = o;
	job->c = c;
	job->f = f;
	job->m = *m;
	job->dir = dir;
	return true;
}

static void run_chunk(struct chunk_job *job, unsigned wk)
{
	struct vt_review *r = job->r;
	struct vt_arena *a = r->warenas[wk];
	const struct vt_match *m = &job->m;
	struct vt_xctx x = {.r = r, .wk = wk, .a = a, .parent = job->o, .chunk = job->c,
			    .obj = job->s, .obj_mapped = job->map != NULL, .dir = job->dir};
	size_t budget;
	if (!vt_mul_ok((size_t)m->length, (size_t)r->lim.max_ratio, &budget))
		budget = SIZE_MAX;
	x.budget = VT_MAX((uint64_t)budget, RATIO_FLOOR);
	struct vt_span cs = {job->s.p + m->offset, (size_t)m->length};
	vt_err e = job->f->extract(&x, cs, m);
	if (e == VT_ENOMEM)
		atomic_store(&r->fatal, (int)VT_ENOMEM);
	else if (e && e != VT_ELIMIT)
		vti_diag(job->c, a, VT_SEV_WARNING, e,
			 "cannot fully extract %s data in '%s' at 0x%" PRIx64 ": %s", job->f->name,
			 job->o->path, m->offset, vt_strerror(e));
	vti_xctx_finish(&x);
}

static void chunk_task(void *arg, unsigned wk)
{
	struct chunk_job *job = arg;
	if (!atomic_load(&job->r->fatal))
		run_chunk(job, wk);
	vti_map_release(job->map);
	free(job);
}

/* True when an ancestor has the same content (a format that wraps itself). */
static bool same_as_ancestor(const struct vt_object *o)
{
	for (const struct vt_object *p = o->up; p; p = p->up)
		if (p->hashed && o->hashed && !memcmp(p->sha256, o->sha256, VT_SHA256_LEN) &&
		    p->kind == VT_OBJ_FILE)
			return true;
	return false;
}

void vti_unpack(struct vt_review *r, struct vt_object *o, struct vt_span s, struct vti_map *map,
		unsigned wk, struct vti_cand *cands, size_t n, bool capped)
{
	struct vt_arena *a = r->warenas[wk];
	/* a review-wide limit was reached (and reported once): unpack nothing more */
	if (atomic_load(&r->x_bytes_hit) || atomic_load(&r->x_objects_hit)) {
		free(cands);
		return;
	}
	if (capped)
		vti_diag(o, a, VT_SEV_WARNING, VT_ELIMIT,
			 "more than %d signature hits in '%s': the rest were not examined",
			 VTI_MAX_CANDIDATES, o->path);
	const struct vt_format *const *fmts = vti_formats();
	struct choice {
		struct vt_match m;
		const struct vt_format *f;
	} *chosen = NULL;
	size_t nchosen = 0, capchosen = 0, identified = 0;
	uint64_t cursor = 0;
	for (size_t i = 0; i < n;) {
		uint64_t off = cands[i].off;
		size_t j = i;
		while (j < n && cands[j].off == off)
			j++;
		if (off < cursor || off >= s.len) {
			i = j;
			continue;
		}
		struct choice best = {0};
		for (size_t k = i; k < j; k++) {
			const struct vt_format *f = fmts[cands[k].fmt];
			if (r->only && f != r->only)
				continue;
			struct vt_match m = {.offset = off};
			if (f->identify(s, &m) != VT_OK || m.length == 0 || m.length > s.len - off)
				continue;
			/* weak magic plus data running off the end is how random bytes look */
			if (m.truncated && m.confidence < MIN_TRUNCATED_CONFIDENCE)
				continue;
			m.offset = off;
			if (!best.f || m.confidence > best.m.confidence)
				best = (struct choice){m, f};
		}
		i = j;
		/* identify() may read far into a big mapped object: release what it touched
		 * now and then (the pages stay in the page cache) so memory stays flat */
		if (map && ++identified % 256 == 0)
			madvise(map->p, map->len, MADV_DONTNEED);
		if (!best.f)
			continue;
		if (nchosen == capchosen) {
			size_t nc = capchosen ? capchosen * 2 : 8;
			struct choice *nv = realloc(chosen, nc * sizeof(*nv));
			if (!nv)
				break;
			chosen = nv;
			capchosen = nc;
		}
		chosen[nchosen++] = best;
		if (!(best.f->flags & VT_FMT_TRANSPARENT))
			cursor = off + best.m.length;
	}
	free(cands);
	if (map)
		madvise(map->p, map->len, MADV_DONTNEED);
	if (!nchosen) {
		free(chosen);
		return;
	}
	if (o->xdepth >= r->lim.max_depth) {
		vti_diag(o, a, VT_SEV_WARNING, VT_ELIMIT,
			 "nesting depth limit %u reached: '%s' not unpacked", r->lim.max_depth, o->path);
		free(chosen);
		return;
	}
	if (same_as_ancestor(o)) {
		vti_diag(o, a, VT_SEV_INFO, VT_ELOOP,
			 "'%s' has the same content as a container above it: not unpacked again",
			 o->path);
		free(chosen);
		return;
	}
	const char *xdir = x_dir(r, o, a);
	if (!xdir) {
		free(chosen);
		atomic_store(&r->fatal, (int)VT_ENOMEM);
		return;
	}
	/* Chunks of a mapped object are extracted in parallel (a kernel and a root
	 * filesystem decompress on two processors); a small object's chunks in place. */
	bool parallel = map && nchosen > 1 && r->pool;
	uint64_t pos = 0;
	for (size_t i = 0; i < nchosen && !atomic_load(&r->fatal); i++) {
		const struct vt_match *m = &chosen[i].m;
		bool transparent = chosen[i].f->flags & VT_FMT_TRANSPARENT;
		if (!transparent && m->offset > pos)
			add_gap(r, o, s, pos, m->offset - pos, xdir, wk, map);
		if (!transparent)
			pos = VT_MAX(pos, m->offset + m->length);
		struct chunk_job local, *job = parallel ? calloc(1, sizeof(*job)) : &local;
		if (!job || !prepare_chunk(r, o, chosen[i].f, m, xdir, wk, job)) {
			if (job != &local)
				free(job);
			atomic_store(&r->fatal, (int)VT_ENOMEM);
			break;
		}
		job->s = s;
		job->map = map;
		if (!parallel) {
			run_chunk(job, wk);
			continue;
		}
		vti_map_ref(map);
		if (vt_pool_submit(r->pool, chunk_task, job) != VT_OK) {
			run_chunk(job, wk); /* could not queue: do it here */
			vti_map_release(map);
			free(job);
		}
	}
	if (pos < s.len)
		add_gap(r, o, s, pos, s.len - pos, xdir, wk, map);
	free(chosen);
}
