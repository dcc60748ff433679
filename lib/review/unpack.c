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
 *
 * Chunks are emitted (gap, chunk, gap, ...) in offset order as they are chosen. An open
 * match (a long stream whose identify() stopped decoding early, see format.h) is
 * extracted at once on this worker, the chunks chosen before it having been emitted
 * first: its extract() settles the extent (vt_x_extent) and choosing resumes after it.
 * Until then the chunk's info has length 0 and its object size holds the provisional
 * extent, to the object's end; its ratio budget follows the input the handler has taken
 * (vt_x_progress), as its extent cannot size it.
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

/* Releases the pages of a mapped object read for [p, p+n). */
static void release(struct vti_map *map, const uint8_t *p, size_t n)
{
	if (!map)
		return;
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
	madvise((void *)a, n + ((uintptr_t)p - a), MADV_DONTNEED);
}

/* The body of a gap, filled in place or as a task of its own. */
struct gap_job {
	struct vt_review *r;
	struct vt_object *c;  /* the gap's chunk object */
	struct vt_span g;     /* its bytes */
	bool keep;            /* the output is kept: hash the gap */
	const char *disk;     /* where to write its bytes; NULL: not written */
	struct vti_map *map;  /* the object's mapping (referenced by a task); NULL: a buffer */
};

/* The two parts of a gap's body: its class and entropy (index 0) and its hash (index 1).
 * A large gap runs them on two processors when one is free (vt_pool_for); the hash of a
 * gap that turns out to be padding is then dropped. */
struct gap_parts {
	struct vt_object *c;
	struct vt_span g;
	bool hashed;
};

#define GAP_SPLIT_MIN (4u << 20)

static void gap_part(void *arg, size_t i, unsigned slot)
{
	(void)slot;
	struct gap_parts *gp = arg;
	if (i == 0)
		gp->c->chunk->gap_class = vti_gap_stats(gp->g, &gp->c->chunk->entropy);
	else
		gp->hashed = vt_sha256(gp->g.p, gp->g.len, gp->c->sha256) == VT_OK;
}

/* Class and entropy of the gap; unless padding, hashed when the output is kept, and
 * written out for inspection when it has a path; the mapping's pages read are released
 * afterwards. */
static void gap_fill(struct gap_job *j)
{
	struct vt_object *c = j->c;
	struct vt_span g = j->g;
	struct gap_parts gp = {.c = c, .g = g};
	if (j->keep && g.len >= GAP_SPLIT_MIN && j->r->pool && vt_pool_size(j->r->pool) > 1) {
		vt_pool_for(j->r->pool, 2, 1, gap_part, &gp);
	} else {
		gap_part(&gp, 0, 0);
		if (j->keep && strcmp(c->chunk->gap_class, "padding"))
			gap_part(&gp, 1, 0);
	}
	bool padding = !strcmp(c->chunk->gap_class, "padding");
	c->hashed = gp.hashed && !padding;
	if (!padding && j->disk) {
		int fd;
		bool replaced;
		const char *why;
		if (vti_writer_file(j->r->writer, j->disk, 0644, &fd, &replaced, &why) == VT_OK) {
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
				c->disk = j->disk;
		}
	}
	release(j->map, g.p, g.len);
}

static void gap_task(void *arg, unsigned wk)
{
	(void)wk;
	struct gap_job *j = arg;
	if (!atomic_load(&j->r->fatal))
		gap_fill(j);
	vti_map_release(j->map);
	free(j);
}

/* Records the gap [off, off+len) as an unknown chunk, in order; its body is filled here
 * or, for a mapped object with a pool, by a task (the gaps of a large image are hashed
 * and written out on the other processors while its chunks are chosen and extracted). */
static void add_gap(struct vt_review *r, struct vt_object *o, struct vt_span s, uint64_t off,
		    uint64_t len, const char *xdir, unsigned wk, struct vti_map *map)
{
	struct vt_arena *a = r->warenas[wk];
	char name[64];
	snprintf(name, sizeof(name), "0x%" PRIx64 "-0x%" PRIx64 ".unknown", off, off + len);
	struct vt_object *c = new_chunk(r, o, a, off, len, name);
	if (!c) {
		release(map, s.p + off, (size_t)len);
		return;
	}
	c->chunk->format = "unknown";
	c->chunk->gap_class = "data"; /* until filled */
	struct gap_job local = {.r = r, .c = c, .g = {s.p + off, (size_t)len}, .map = map};
	local.keep = r->writer && vt_review_output_dir(r);
	/* A gap of a file vetter wrote itself (a decompressed kernel) is not copied again: its
	 * bytes are in that file at the chunk's offset, as a recognised chunk's are. A gap of
	 * an input is written, the inputs not being in the output directory. */
	if (local.keep && !o->disk)
		local.disk = vt_arena_printf(a, "%s/%s", xdir, name);
	struct gap_job *job = map && r->pool ? malloc(sizeof(*job)) : NULL;
	if (!job) {
		gap_fill(&local);
		return;
	}
	*job = local;
	vti_map_ref(map);
	if (vt_pool_submit(r->pool, gap_task, job) != VT_OK) {
		gap_fill(job); /* could not queue: do it here */
		vti_map_release(map);
		free(job);
	}
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
	/* an open chunk's extent is not known: its budget grows with vt_x_progress */
	x.budget = m->open ? RATIO_FLOOR : VT_MAX((uint64_t)budget, RATIO_FLOOR);
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

/* The extent of an open chunk, from its extract(): recorded in the chunk's info, whose
 * length the engine zeroed for the purpose (object size still the provisional extent). */
void vt_x_extent(struct vt_xctx *x, uint64_t length, bool truncated, unsigned confidence)
{
	struct vt_object *c = x->chunk;
	if (!c || !c->chunk || c->chunk->length || !length || length > c->size)
		return; /* not an open chunk, settled already, or out of range */
	c->chunk->length = length;
	c->chunk->truncated = truncated;
	if (confidence)
		c->chunk->confidence = confidence;
}

/* An open chunk's ratio budget, from the input its handler has taken so far. */
void vt_x_progress(struct vt_xctx *x, uint64_t in, uint64_t out)
{
	struct vt_object *c = x->chunk;
	if (!c || !c->chunk || c->chunk->length)
		return; /* not an open chunk, or settled already */
	size_t allowed;
	if (!vt_mul_ok((size_t)in, (size_t)x->r->lim.max_ratio, &allowed))
		allowed = SIZE_MAX;
	uint64_t total = VT_MAX((uint64_t)allowed, RATIO_FLOOR);
	x->budget = total > out ? total - out : 0;
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

/* What vti_unpack has emitted so far for one object. */
struct unpacker {
	struct vt_review *r;
	struct vt_object *o;
	struct vt_span s;
	struct vti_map *map;
	unsigned wk;
	const char *xdir; /* set by the checks before the first chunk */
	bool checked;     /* the checks ran */
	bool stop;        /* nothing more is unpacked */
	uint64_t pos;     /* end of the last non-transparent chunk */
};

struct choice {
	struct vt_match m;
	const struct vt_format *f;
};

/* Before the first chunk: depth limit, self-wrapping content, the directory name. */
static bool checks(struct unpacker *u)
{
	struct vt_review *r = u->r;
	struct vt_object *o = u->o;
	struct vt_arena *a = r->warenas[u->wk];
	if (u->checked)
		return !u->stop;
	u->checked = true;
	u->stop = true;
	if (o->xdepth >= r->lim.max_depth) {
		vti_diag(o, a, VT_SEV_WARNING, VT_ELIMIT,
			 "nesting depth limit %u reached: '%s' not unpacked", r->lim.max_depth, o->path);
		return false;
	}
	if (same_as_ancestor(o)) {
		vti_diag(o, a, VT_SEV_INFO, VT_ELOOP,
			 "'%s' has the same content as a container above it: not unpacked again",
			 o->path);
		return false;
	}
	if (!(u->xdir = x_dir(r, o, a))) {
		atomic_store(&r->fatal, (int)VT_ENOMEM);
		return false;
	}
	u->stop = false;
	return true;
}

/* An open chunk (m->open) was extracted: the extent extract() settled with vt_x_extent,
 * else the provisional one (to the object's end). */
static void settle(struct unpacker *u, struct chunk_job *job, struct choice *c)
{
	struct vt_object *ch = job->c;
	struct vt_chunk_info *ci = ch->chunk;
	if (!ci->length)
		ci->length = ch->size;
	ch->size = ci->length;
	c->m.length = ci->length;
	c->m.truncated = ci->truncated;
	if (ci->truncated)
		vti_diag(ch, u->r->warenas[u->wk], VT_SEV_WARNING, VT_ETRUNC,
			 "%s data in '%s' at 0x%" PRIx64 " runs past the end: extracting what is there",
			 c->f->name, u->o->path, c->m.offset);
}

/* Emits the gap before chunk c and the chunk: extracted here (`parallel` false, and
 * always for an open chunk, whose extent the next choices depend on) or as a task. */
static void emit(struct unpacker *u, struct choice *c, bool parallel)
{
	struct vt_review *r = u->r;
	const struct vt_match *m = &c->m;
	bool transparent = c->f->flags & VT_FMT_TRANSPARENT;
	if (!checks(u))
		return;
	if (!transparent && m->offset > u->pos)
		add_gap(r, u->o, u->s, u->pos, m->offset - u->pos, u->xdir, u->wk, u->map);
	parallel = parallel && !m->open;
	struct chunk_job local, *job = parallel ? calloc(1, sizeof(*job)) : &local;
	if (!job || !prepare_chunk(r, u->o, c->f, m, u->xdir, u->wk, job)) {
		if (job != &local)
			free(job);
		atomic_store(&r->fatal, (int)VT_ENOMEM);
		u->stop = true;
		return;
	}
	job->s = u->s;
	job->map = u->map;
	if (m->open) {
		job->c->chunk->length = 0; /* until extract() settles it */
		run_chunk(job, u->wk);
		settle(u, job, c);
	} else if (!parallel) {
		run_chunk(job, u->wk);
	} else {
		vti_map_ref(u->map);
		if (vt_pool_submit(r->pool, chunk_task, job) != VT_OK) {
			run_chunk(job, u->wk); /* could not queue: do it here */
			vti_map_release(u->map);
			free(job);
		}
	}
	if (!transparent)
		u->pos = VT_MAX(u->pos, m->offset + m->length);
}

/* Emits the chunks chosen so far; `more`: others follow (so there are several). */
static void flush(struct unpacker *u, struct choice *v, size_t n, bool more)
{
	/* Chunks of a mapped object are extracted in parallel (a kernel and a root
	 * filesystem decompress on two processors); a small object's chunks in place. */
	bool parallel = u->map && (n > 1 || more) && u->r->pool;
	for (size_t i = 0; i < n && !u->stop && !atomic_load(&u->r->fatal); i++)
		emit(u, &v[i], parallel);
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
	struct unpacker u = {.r = r, .o = o, .s = s, .map = map, .wk = wk};
	struct choice *chosen = NULL;
	/* chosen[flushed..nchosen) are waiting to be emitted */
	size_t nchosen = 0, capchosen = 0, flushed = 0, identified = 0;
	uint64_t cursor = 0;
	for (size_t i = 0; i < n && !u.stop;) {
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
			/* weak magic plus data running off the end is how random bytes look; an
			 * open match may turn out to be truncated */
			if ((m.truncated || m.open) && m.confidence < MIN_TRUNCATED_CONFIDENCE)
				continue;
			if (m.open) { /* extract() settles the extent from the object's end */
				m.length = s.len - off;
				m.truncated = false;
			}
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
		if (best.m.open) {
			/* its extent decides where choosing resumes: emit it (and what waits
			 * before it) now */
			flush(&u, chosen + flushed, nchosen - flushed, true);
			flushed = nchosen;
			best.m = chosen[nchosen - 1].m;
		}
		if (!(best.f->flags & VT_FMT_TRANSPARENT))
			cursor = off + best.m.length;
	}
	free(cands);
	if (map)
		madvise(map->p, map->len, MADV_DONTNEED);
	if (!u.stop)
		flush(&u, chosen + flushed, nchosen - flushed, flushed > 0);
	if (nchosen && !u.stop && !atomic_load(&r->fatal) && u.pos < s.len)
		add_gap(r, o, s, u.pos, s.len - u.pos, u.xdir, wk, map);
	free(chosen);
}
