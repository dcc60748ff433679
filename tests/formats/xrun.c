/* xrun.c - test driver for one format handler through the real engine.
 *
 * usage: xrun [-f FORMAT] FILE OUTDIR
 *
 * Runs the review on FILE with extraction into OUTDIR, one level deep (children are
 * not unpacked further), optionally restricted to FORMAT, and prints what was emitted:
 *   KIND TAB PATH TAB MODE TAB SIZE TAB SHA256|- TAB LINK-TARGET|-   (one line per child)
 *   chunk TAB FORMAT TAB VARIANT TAB OFFSET TAB LENGTH TAB CONFIDENCE TAB truncated|complete
 * PATH is relative to the chunk's directory; KIND is file, hardlink, directory, symlink,
 * fifo, chardev, blockdev or socket. Diagnostics go to stderr as
 *   diag TAB SEVERITY TAB CODE TAB MESSAGE
 * Exit status: 0 when a chunk was found and no diagnostic has error severity, else 1.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"
#include "review/review_int.h"

static void print_diags(const struct vt_diag *d, int *errors)
{
	for (; d; d = d->next) {
		fprintf(stderr, "diag\t%s\t%s\t%s\n", vt_severity_name(d->severity),
			vt_errname(d->code), d->message);
		if (d->severity == VT_SEV_ERROR)
			(*errors)++;
	}
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int c;
	while ((c = getopt(argc, argv, "f:")) != -1) {
		if (c != 'f') {
			fprintf(stderr, "usage: xrun [-f FORMAT] FILE OUTDIR\n");
			return 2;
		}
		only = optarg;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: xrun [-f FORMAT] FILE OUTDIR\n");
		return 2;
	}
	struct vt_review_opts o;
	vt_review_opts_init(&o);
	o.extract = true;
	o.output_dir = argv[optind + 1];
	o.jobs = 1;
	o.limits.max_depth = 1;
	o.no_analyzers = true; /* format tests: unpacking only */
	struct vt_review *r = vt_review_new(&o);
	if (!r)
		return 2;
	if (only && vti_review_only_format(r, only) != VT_OK) {
		fprintf(stderr, "xrun: unknown format '%s'\n", only);
		return 2;
	}
	if (vt_review_add_input(r, argv[optind]) != VT_OK || vt_review_run(r) != VT_OK) {
		fprintf(stderr, "xrun: review failed\n");
		vt_review_free(r);
		return 2;
	}
	int chunks = 0, errors = 0;
	print_diags(vt_review_diags(r), &errors);
	for (size_t i = 0; i < vt_review_object_count(r); i++) {
		const struct vt_object *ob = vt_review_object(r, i);
		print_diags(ob->diags, &errors);
		if (ob->kind == VT_OBJ_CHUNK) {
			const struct vt_chunk_info *ci = ob->chunk;
			if (!strcmp(ci->format, "unknown"))
				continue;
			chunks++;
			printf("chunk\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%u\t%s\n", ci->format,
			       ci->variant ? ci->variant : "-", ci->offset, ci->length, ci->confidence,
			       ci->truncated ? "truncated" : "complete");
			continue;
		}
		if (ob->xdepth != 1)
			continue;
		char hex[VT_SHA256_HEX_LEN + 1] = "-";
		if (ob->hashed)
			vt_sha256_hex(ob->sha256, hex);
		const char *kind = ob->hardlink ? "hardlink" : vt_obj_kind_name(ob->kind);
		if (ob->kind == VT_OBJ_DIR)
			kind = "directory";
		const char *target = ob->link_target ? ob->link_target : "-";
		/* hard link targets are display paths: make them relative to the chunk */
		if (ob->hardlink && ob->up && !strncmp(target, ob->up->path, strlen(ob->up->path)))
			target += strlen(ob->up->path) + 1;
		printf("%s\t%s\t%04o\t%" PRIu64 "\t%s\t%s\n", kind, ob->relpath, (unsigned)ob->mode,
		       ob->size, hex, target);
	}
	vt_review_free(r);
	return chunks && !errors ? 0 : 1;
}
