/* review.h - one review: inputs in, object tree and diagnostics out.
 *
 * Usage: vt_review_new(), vt_review_add_input() for each path, vt_review_run(), then read
 * the objects or hand the review to a report writer (report.h), then vt_review_free().
 * Adding an input walks it (metadata only, without following symbolic links); running
 * analyses every object on a thread pool. A review is used by one thread; its internals
 * are parallel.
 */
#ifndef VETTER_REVIEW_H
#define VETTER_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vetter/error.h>
#include <vetter/tree.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_review;

struct vt_progress {
	const char *phase;      /* "walk" or "analyze" */
	size_t objects_done, objects_total;
	uint64_t bytes_done, bytes_total;
	double elapsed;         /* seconds since the phase began */
	bool final;             /* the last call of the phase */
};

typedef void (*vt_progress_fn)(const struct vt_progress *p, void *ud);

/* Limits on extraction; each is reported (a diagnostic) when it stops something. */
struct vt_limits {
	unsigned max_depth;      /* nested containers; default 16 */
	uint64_t max_bytes;      /* total bytes written by extraction; default 16 GiB */
	uint64_t max_ratio;      /* bytes a chunk may produce per byte of chunk; default 1000,
				  * with at least 64 MiB allowed to any chunk */
	uint64_t max_files;      /* objects created by extraction; default 1,000,000 */
	uint64_t max_file_size;  /* one extracted file; default 4 GiB */
};

struct vt_review_opts {
	unsigned jobs;           /* worker threads; 0: number of processors */
	bool one_file_system;    /* do not descend into other mounted filesystems */
	unsigned max_depth;      /* directory depth limit; 0: 256 */
	bool extract;            /* unpack every recognised format, recursively */
	const char *output_dir;  /* where extracted files go (created; must be empty or
				  * absent); NULL with extract: a temporary directory removed
				  * by vt_review_free() */
	struct vt_limits limits; /* zero fields take the defaults */
	vt_progress_fn progress; /* called on the vt_review_run() thread, ~10 times a second */
	void *progress_ud;

	/* analysis */
	bool no_analyzers;       /* only type, hash, parse and unpack (no findings, components) */
	const char *only_analyzers; /* comma-separated analyzer names to run; NULL: all */
	const char *data_dir;    /* catalogue and bundled data; NULL: the installed or build-tree
				  * data directory (VETTER_DATA overrides) */
	const char *rules_dir;   /* YARA rules applied to every object (--rules), may be NULL */
	const char *vulndb;      /* vulnerability database path; NULL: the default database;
				  * "" disables vulnerability matching */
	const char *vex;         /* VEX document (OpenVEX or CycloneDX), may be NULL */
	const char *declared_sbom; /* the vendor's SBOM (CycloneDX or SPDX JSON), may be NULL */
};

/* Default options. */
void vt_review_opts_init(struct vt_review_opts *o);

/* A new review; NULL when out of memory. `o` may be NULL (defaults); it is copied. */
struct vt_review *vt_review_new(const struct vt_review_opts *o);
void vt_review_free(struct vt_review *r);

/* Adds an input (file or directory) and walks it. A command-line symbolic link is
 * followed once, like find -H. Problems inside the tree become diagnostics on objects;
 * the return value is VT_OK unless the input itself cannot be accessed (VT_ENOTFOUND,
 * VT_EACCES, VT_EIO, ...: the input is then recorded with an error diagnostic) or
 * memory runs out. */
vt_err vt_review_add_input(struct vt_review *r, const char *path) VT_MUST_CHECK;

/* Analyses every object (hash, file type, ELF). Returns VT_OK unless a fatal error
 * (out of memory, thread creation) stopped the review. */
vt_err vt_review_run(struct vt_review *r) VT_MUST_CHECK;

struct vt_input {
	const char *path;        /* as given */
	enum vt_obj_kind kind;   /* VT_OBJ_FILE or VT_OBJ_DIR (after following a link) */
	vt_err status;           /* VT_OK, or why the input could not be read */
	size_t root;             /* object id of the input's root, VT_NO_PARENT if none */
	uint64_t size;           /* file size, or total size of the regular files below */
	size_t files;            /* regular files (1 for a file input) */
	bool hashed;
	uint8_t sha256[VT_SHA256_LEN]; /* file: its content; directory: the tree digest */
};

struct vt_stats {
	size_t objects, files, dirs, symlinks, special, chunks;
	size_t extracted;        /* objects created by extraction */
	uint64_t extracted_bytes; /* bytes written by extraction */
	size_t elf;
	uint64_t bytes;          /* regular file bytes read */
	size_t diags[3];         /* by severity */
	double walk_s, analyze_s, total_s;
	unsigned jobs;
	int64_t started, finished; /* Unix time */
};

size_t vt_review_input_count(const struct vt_review *r);
const struct vt_input *vt_review_input(const struct vt_review *r, size_t i);
size_t vt_review_object_count(const struct vt_review *r);
const struct vt_object *vt_review_object(const struct vt_review *r, size_t id);
const struct vt_stats *vt_review_stats(const struct vt_review *r);

/* Findings of the review, most severe first (then by object), valid after vt_review_run. */
size_t vt_review_finding_count(const struct vt_review *r);
const struct vt_finding *vt_review_finding(const struct vt_review *r, size_t i);

/* Components identified, in a stable order (product, version), valid after vt_review_run. */
size_t vt_review_component_count(const struct vt_review *r);
const struct vt_component *vt_review_component(const struct vt_review *r, size_t i);

/* Every rule of every analyzer, NULL-terminated (for rule listings and SARIF). */
const struct vt_rule *const *vt_rules(void);

/* The directory extracted files were written to; NULL when not extracting or when it
 * is a temporary directory (removed by vt_review_free()). */
const char *vt_review_output_dir(const struct vt_review *r);

/* Review-level diagnostics (not tied to an object). */
const struct vt_diag *vt_review_diags(const struct vt_review *r);

/* The version string of the library ("0.1.0"). */
const char *vt_version(void);

#ifdef __cplusplus
}
#endif
#endif
