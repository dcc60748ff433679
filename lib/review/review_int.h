/* review_int.h - the review structure, shared by the walker, the analysis workers and
 * the report writers. Not part of the public API.
 */
#ifndef VT_REVIEW_INT_H
#define VT_REVIEW_INT_H

#include "core/internal.h"

#include <pthread.h>

struct vt_magic;
struct vti_writer;
struct vti_sigdb;
struct hs_scratch;
struct vt_pool;

struct vt_review {
	struct vt_review_opts opts;
	struct vt_arena *arena;       /* main-thread allocations (walk, inputs) */
	struct vt_arena **warenas;    /* one per worker */
	struct vt_magic **magics;     /* one libmagic handle per worker */
	unsigned nworkers;

	pthread_mutex_t lock;         /* guards objects[] growth and review diags */
	struct vt_object **objects;
	size_t n_objects, cap_objects;

	struct vt_input *inputs;
	int *input_fds;               /* directory fd of each directory input, or -1 */
	size_t n_inputs, cap_inputs;

	struct vt_diag *diags, *diags_tail;
	struct vt_stats stats;

	/* extraction */
	struct vt_limits lim;         /* with defaults filled in */
	struct vti_writer *writer;    /* NULL unless extracting */
	bool remove_output;           /* a temporary output directory */
	struct vti_sigdb *sigdb;
	struct hs_scratch **scratch;  /* one per worker */
	struct vt_pool *pool;         /* during vt_review_run: children are queued here */
	const struct vt_format *only; /* tests: unpack only this format */
	_Atomic uint64_t x_bytes, x_objects;
	_Atomic int x_bytes_hit, x_objects_hit;
	_Atomic size_t total_objects; /* files queued for analysis so far */

	/* analysis progress, updated by workers */
	_Atomic size_t done_objects;
	_Atomic uint64_t done_bytes;
	uint64_t total_bytes;
	_Atomic int fatal;            /* first fatal vt_err of a worker */
	bool ran;

	/* analyzers (lib/analyzers) */
	void **an_state;              /* per analyzer: shared state from init */
	bool *an_on;                  /* per analyzer: enabled and initialised */
	void ***an_wstate;            /* per worker, per analyzer: private state */
	size_t n_an;
	struct vt_object **fs_index;  /* tree phase: (fsroot, fspath) -> object */
	size_t fs_index_cap;
	const struct vt_object **fs_roots;
	size_t n_fs_roots;
	struct vt_finding *rfindings, *rfindings_tail; /* review-wide findings */
	struct vt_finding **findings; /* every finding, sorted, after the run */
	size_t n_findings;

	/* components (lib/catalog) and vulnerabilities (lib/vulndb) */
	struct vt_component *components;
	size_t n_components;
	void *catalog;                /* the loaded catalogue, shared by analyzers */
};

/* Appends a new zeroed object (parent, kind, paths set by the caller); NULL on ENOMEM.
 * Thread-safe. `a` is the arena of the calling thread. */
struct vt_object *vti_object_new(struct vt_review *r, struct vt_arena *a);

/* Adds a diagnostic to o (printf-style message); allocation failure drops it silently
 * after counting it, so a diagnostic never turns into a fatal error. */
void vti_diag(struct vt_object *o, struct vt_arena *a, enum vt_severity sev, vt_err code,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Adds a review-level diagnostic. Thread-safe. */
void vti_review_diag(struct vt_review *r, enum vt_severity sev, vt_err code, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));

/* Walks the input at r->inputs[idx] (already set up), creating objects. */
vt_err vti_walk_input(struct vt_review *r, size_t idx);

/* Opens a walked regular file for reading without following symbolic links; -1 with
 * errno set on failure. */
int vti_open_object(struct vt_review *r, const struct vt_object *o);

struct vti_cand;
struct vti_map;
#define VTI_MAX_CANDIDATES 1000000

/* Unpacks object o (already hashed; content in s; signature candidates in cands, which
 * it frees; `map` when s is a file mapping, NULL for a worker buffer): chooses its chunks, extracts them and queues every new file for analysis
 * (review/unpack.c). */
void vti_unpack(struct vt_review *r, struct vt_object *o, struct vt_span s, struct vti_map *map,
		unsigned wk, struct vti_cand *cands, size_t n, bool capped);

/* A read-only mapping of an object shared by the tasks extracting its chunks: the last
 * release unmaps it. */
struct vti_map {
	void *p;
	size_t len;
	size_t maplen; /* len plus the slack after it (VTI_SCAN_SLACK), for munmap */
	_Atomic int refs;
};
void vti_map_ref(struct vti_map *m);
void vti_map_release(struct vti_map *m); /* NULL is allowed */

/* Queues the analysis of a new object (extracted file). Thread-safe. */
void vti_queue_object(struct vt_review *r, struct vt_object *o);

/* Restricts unpacking to one format (for tests); VT_ENOTFOUND if unknown. */
vt_err vti_review_only_format(struct vt_review *r, const char *name);

/* Sets o->fspath and o->fsroot (idempotent). */
void vti_set_fspath(struct vt_review *r, struct vt_object *o, struct vt_arena *a);

/* Adds a review-wide finding (not tied to an object). Thread-safe. */
void vti_review_finding_add(struct vt_review *r, struct vt_finding *f);

/* Builds the (fsroot, fspath) index for the tree phase (analyzers/analyzer.c). */
vt_err vti_fs_index_build(struct vt_review *r) VT_MUST_CHECK;

/* Runs the object analyzers on o (content s) on worker wk (review/analyze.c). */
void vti_analyze_object(struct vt_review *r, struct vt_object *o, struct vt_span s, unsigned wk);

/* Sets up the analyzers before the run, and runs the tree phase and the post-analysis
 * phases (components, vulnerabilities, declared SBOM) after it (review/analyze.c). */
vt_err vti_analyzers_setup(struct vt_review *r) VT_MUST_CHECK;
vt_err vti_analyzers_finish(struct vt_review *r) VT_MUST_CHECK;
void vti_analyzers_free(struct vt_review *r);

/* Compares the declared SBOM (opts.declared_sbom) with the components (catalog/declared.c). */
vt_err vti_declared_compare(struct vt_review *r) VT_MUST_CHECK;

/* Merges the evidence of every object into r->components (catalog/resolve.c). */
vt_err vti_components_resolve(struct vt_review *r) VT_MUST_CHECK;

/* Matches the components against the vulnerability database and applies VEX
 * (review/vulns.c). */
vt_err vti_vulns_match(struct vt_review *r) VT_MUST_CHECK;

/* Seconds on a monotonic clock. */
double vti_now(void);

#endif
