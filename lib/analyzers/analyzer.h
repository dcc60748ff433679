/* analyzer.h - the analyzer contract: one file per analyzer, registered in analyzer_list.h.
 *
 * Analyzers look at objects after they are typed, parsed and hashed, and attach findings
 * (vti_finding) and component evidence (vti_evidence) to them. Two phases:
 *
 *  - object phase, parallel: `object` is called on a worker thread for every regular file
 *    whose `wants` returns true, with its whole content in `s` (a file mapping or a worker
 *    buffer, valid only during the call). It may only change the object it is given.
 *  - tree phase, after every object is done: `tree` is called once, on one thread, and may
 *    look at any object (vti_fs_lookup finds a file by its path inside a filesystem) and read
 *    small files again (vti_object_read). Cross-file checks (passwd with shadow, inittab with
 *    the binaries it starts) live here.
 *
 * `init` runs once per review before the object phase (compile rules, load data) and stores
 * shared read-only state; `worker_init` gives each worker thread private scratch (lazily: it
 * is called on the worker's first object). Failures of init disable the analyzer with a
 * review diagnostic; the review goes on. Content is hostile: read it only through span.h.
 */
#ifndef VTI_ANALYZER_H
#define VTI_ANALYZER_H

#include "core/internal.h"

struct vt_review;

struct vti_actx {
	struct vt_review *r;
	struct vt_arena *a;   /* the calling thread's arena: findings and evidence go here */
	unsigned wk;          /* worker index (0 in the tree phase) */
	void *state;          /* the analyzer's shared state from init, NULL if none */
	void *wstate;         /* this worker's private state from worker_init, NULL if none */
};

struct vti_analyzer {
	const char *name;         /* "hardening", "accounts", "catalog" */
	unsigned version;         /* bumped when results change (cache key) */
	const char *description;
	const struct vt_rule *const *rules; /* every rule it can raise, NULL-terminated (or NULL) */

	vt_err (*init)(struct vt_review *r, void **state);
	void (*fini)(void *state);
	vt_err (*worker_init)(void *state, void **wstate);
	void (*worker_fini)(void *wstate);

	/* object phase; `wants` must be cheap (name, type, size, magic) */
	bool (*wants)(const struct vt_object *o, struct vt_span s);
	void (*object)(struct vti_actx *c, struct vt_object *o, struct vt_span s);
	/* tree phase */
	void (*tree)(struct vti_actx *c);
};

/* All analyzers, NULL-terminated, in analyzer_list.h order. */
extern const struct vti_analyzer *const vti_analyzers[];

/* Adds a finding of `rule` to o (NULL: review-wide), severity rule->severity; printf-style
 * message. `excerpt` (may be NULL) is copied, cut at 256 bytes, bytes outside printable ASCII
 * escaped. Allocation failure drops the finding. Returns it so the caller may adjust the
 * severity, or NULL. Thread-safe for distinct objects (object phase) and in the tree phase. */
struct vt_finding *vti_finding(struct vti_actx *c, struct vt_object *o, const struct vt_rule *rule,
			       bool has_offset, uint64_t offset, const char *excerpt, size_t excerpt_len,
			       const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* Adds a copy of evidence *ev to o (strings copied into c->a). Returns the copy or NULL. */
struct vt_evidence *vti_evidence(struct vti_actx *c, struct vt_object *o,
				 const struct vt_evidence *ev);

/* Tree phase: the object at `path` ("/etc/shadow", absolute inside the filesystem) in the
 * filesystem rooted at `fsroot`, NULL if none. With follow, symbolic links inside that
 * filesystem are resolved (at most 40 hops; never outside the filesystem). */
struct vt_object *vti_fs_lookup(struct vt_review *r, const struct vt_object *fsroot,
				const char *path, bool follow);

/* Tree phase: the distinct filesystem roots of the review (objects with files below them),
 * in object order. */
size_t vti_fs_roots(struct vt_review *r, const struct vt_object ***roots);

/* Tree phase: reads a regular file's content (at most `max` bytes; VT_ELIMIT when larger)
 * into memory from c->a. */
vt_err vti_object_read(struct vti_actx *c, const struct vt_object *o, size_t max,
		       struct vt_span *out) VT_MUST_CHECK;

/* The data directory (catalogue, password lists, ...): opts.data_dir, else $VETTER_DATA,
 * else the installed data directory when it has a catalogue, else the source tree's data/
 * (an uninstalled build). Never NULL. */
const char *vti_data_dir(const struct vt_review *r);

/* The base name of o->fspath (or path). */
const char *vti_basename(const struct vt_object *o);

#endif
