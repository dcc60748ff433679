/* report.c - the table of report writers and lookup by name or file extension (the longest
 * matching extension wins). */
#include "core/internal.h"

#define VT_REPORT(n) extern const struct vt_report_writer vt_report_##n;
#include "report/report_list.h"
#undef VT_REPORT

static const struct vt_report_writer *const writers[] = {
#define VT_REPORT(n) &vt_report_##n,
#include "report/report_list.h"
#undef VT_REPORT
	NULL,
};

const struct vt_report_writer *const *vt_report_writers(void)
{
	return writers;
}

const struct vt_report_writer *vt_report_find(const char *name)
{
	for (size_t i = 0; writers[i]; i++)
		if (!strcmp(writers[i]->name, name))
			return writers[i];
	return NULL;
}

/* The longest matching extension wins: "x.cdx.json" is CycloneDX, not the native JSON. */
const struct vt_report_writer *vt_report_for_path(const char *path)
{
	size_t pl = strlen(path), best_len = 0;
	const struct vt_report_writer *best = NULL;
	for (size_t i = 0; writers[i]; i++) {
		size_t el = strlen(writers[i]->extension);
		if (pl > el && el > best_len && !strcmp(path + pl - el, writers[i]->extension)) {
			best = writers[i];
			best_len = el;
		}
	}
	return best;
}
