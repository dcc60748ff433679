/* report.h - report writers, one per output format, found by name.
 *
 * A writer turns a finished review into bytes on a stdio stream. The native JSON report
 * is complete (see docs/report-schema.md); "text" is the terminal summary.
 */
#ifndef VETTER_REPORT_H
#define VETTER_REPORT_H

#include <stdio.h>

#include <vetter/error.h>
#include <vetter/review.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_report_opts {
	const char *output_name; /* shown in the summary ("report.json"), may be NULL */
	unsigned max_diags;      /* text: diagnostics listed (0: 10) */
	bool color;              /* text: ANSI colours */
};

struct vt_report_writer {
	const char *name;        /* "json", "text" */
	const char *mime;
	const char *extension;   /* ".json", ".txt" */
	const char *description;
	vt_err (*write)(const struct vt_review *r, const struct vt_report_opts *o, FILE *f);
};

/* The writer called `name`, NULL if none. */
const struct vt_report_writer *vt_report_find(const char *name);

/* All writers, NULL-terminated. */
const struct vt_report_writer *const *vt_report_writers(void);

/* The writer whose extension ends `path`, NULL if none. */
const struct vt_report_writer *vt_report_for_path(const char *path);

#ifdef __cplusplus
}
#endif
#endif
