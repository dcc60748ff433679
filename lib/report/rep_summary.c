/* rep_summary.c - the short terminal summary ("text" format).
 *
 * What a person wants at a glance: what was scanned, how much, how fast, what kinds of
 * files and binaries were found, and the diagnostics worth reading first (errors before
 * warnings). Everything else is in the JSON report.
 */
#include "core/internal.h"

#define TOP_MACHINES 8

static void human_bytes(uint64_t b, char *buf, size_t n)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)b;
	unsigned u = 0;
	while (v >= 1024 && u + 1 < VT_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%" PRIu64 " B", b);
	else
		snprintf(buf, n, "%.1f %s", v, units[u]);
}

struct count {
	uint16_t machine;
	bool be;
	unsigned elfclass;
	size_t n;
};

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	return x->n < y->n ? 1 : x->n > y->n ? -1 : (int)x->machine - (int)y->machine;
}

static void elf_summary(const struct vt_review *r, FILE *f)
{
	size_t exec = 0, dyn = 0, rel = 0, other = 0, stat = 0, nm = 0;
	struct count machines[64];
	for (size_t i = 0; i < vt_review_object_count(r); i++) {
		const struct vt_elf_info *e = vt_review_object(r, i)->elf;
		if (!e)
			continue;
		if (e->type == VT_ELF_EXEC || (e->type == VT_ELF_DYN && e->is_pie))
			exec++;
		else if (e->type == VT_ELF_DYN)
			dyn++;
		else if (e->type == VT_ELF_REL)
			rel++;
		else
			other++;
		if (e->is_static)
			stat++;
		size_t k = 0;
		while (k < nm && !(machines[k].machine == e->machine && machines[k].be == e->big_endian &&
				   machines[k].elfclass == e->elfclass))
			k++;
		if (k == nm && nm < VT_ARRAY_LEN(machines))
			machines[nm++] = (struct count){e->machine, e->big_endian, e->elfclass, 0};
		if (k < nm)
			machines[k].n++;
	}
	const struct vt_stats *s = vt_review_stats(r);
	if (!s->elf)
		return;
	fprintf(f, "ELF:         %zu (%zu executables, %zu shared libraries, %zu relocatable,"
		   " %zu other; %zu static)\n",
		s->elf, exec, dyn, rel, other, stat);
	qsort(machines, nm, sizeof(*machines), cmp_count);
	fprintf(f, "  machines:  ");
	for (size_t k = 0; k < nm && k < TOP_MACHINES; k++) {
		char name[64];
		vt_elf_machine_name(machines[k].machine, name, sizeof(name));
		fprintf(f, "%s%s %u-bit %s-endian %zu", k ? ", " : "", name, machines[k].elfclass,
			machines[k].be ? "big" : "little", machines[k].n);
	}
	if (nm > TOP_MACHINES)
		fprintf(f, ", %zu more", nm - TOP_MACHINES);
	fputc('\n', f);
}

/* "formats: squashfs 1, gzip 3, ..." in order of first appearance. */
static void chunk_formats(const struct vt_review *r, FILE *f)
{
	const char *names[32];
	size_t counts[32], n = 0;
	for (size_t i = 0; i < vt_review_object_count(r); i++) {
		const struct vt_chunk_info *c = vt_review_object(r, i)->chunk;
		if (!c)
			continue;
		size_t k = 0;
		while (k < n && strcmp(names[k], c->format))
			k++;
		if (k == n && n < 32) {
			names[n] = c->format;
			counts[n++] = 0;
		}
		if (k < n)
			counts[k]++;
	}
	fprintf(f, "  formats:   ");
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%s%s %zu", k ? ", " : "", names[k], counts[k]);
	fputc('\n', f);
}

static void diag_list(const struct vt_review *r, const struct vt_report_opts *o, FILE *f)
{
	unsigned max = o && o->max_diags ? o->max_diags : 10, shown = 0;
	const struct vt_stats *s = vt_review_stats(r);
	size_t total = s->diags[0] + s->diags[1] + s->diags[2];
	for (int sev = VT_SEV_ERROR; sev >= VT_SEV_INFO && shown < max; sev--) {
		for (const struct vt_diag *d = vt_review_diags(r); d && shown < max; d = d->next)
			if ((int)d->severity == sev && ++shown)
				fprintf(f, "  %-8s %s\n", vt_severity_name(d->severity), d->message);
		for (size_t i = 0; i < vt_review_object_count(r) && shown < max; i++)
			for (const struct vt_diag *d = vt_review_object(r, i)->diags; d && shown < max;
			     d = d->next)
				if ((int)d->severity == sev && ++shown)
					fprintf(f, "  %-8s %s\n", vt_severity_name(d->severity),
						d->message);
	}
	if (total > shown)
		fprintf(f, "  ... %zu more in the report\n", total - shown);
}

#define TOP_COMPONENTS 20
#define TOP_FINDINGS 15

static void component_list(const struct vt_review *r, FILE *f)
{
	size_t n = vt_review_component_count(r), vulns = 0, kev = 0, with = 0;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct vt_component *c = vt_review_component(r, i);
		vulns += c->n_vulns;
		with += c->n_vulns > 0;
		for (size_t k = 0; k < c->n_vulns; k++)
			kev += c->vulns[k].kev;
	}
	fprintf(f, "Components:  %zu", n);
	if (vulns)
		fprintf(f, " (%zu with known vulnerabilities: %zu CVEs, %zu exploited in the wild)",
			with, vulns, kev);
	fputc('\n', f);
	/* those with vulnerabilities first, then the rest, up to TOP_COMPONENTS lines */
	size_t shown = 0;
	for (int pass = 0; pass < 2 && shown < TOP_COMPONENTS; pass++)
		for (size_t i = 0; i < n && shown < TOP_COMPONENTS; i++) {
			const struct vt_component *c = vt_review_component(r, i);
			if ((pass == 0) != (c->n_vulns > 0))
				continue;
			shown++;
			fprintf(f, "  %-22s %-16s", c->name ? c->name : c->product,
				c->version ? c->version : "?");
			if (c->n_vulns) {
				size_t ck = 0;
				for (size_t k = 0; k < c->n_vulns; k++)
					ck += c->vulns[k].kev;
				fprintf(f, " %zu CVE%s", c->n_vulns, c->n_vulns == 1 ? "" : "s");
				if (ck)
					fprintf(f, " (%zu KEV)", ck);
			}
			if (c->container)
				fprintf(f, " inside %s", c->container->fspath ? c->container->fspath
									 : c->container->path);
			fputc('\n', f);
		}
	if (n > shown)
		fprintf(f, "  ... %zu more in the report\n", n - shown);
}

static void finding_list(const struct vt_review *r, FILE *f)
{
	size_t n = vt_review_finding_count(r);
	size_t by[5] = {0};
	for (size_t i = 0; i < n; i++)
		by[vt_review_finding(r, i)->severity]++;
	fprintf(f, "Findings:    %zu critical, %zu high, %zu medium, %zu low, %zu info\n",
		by[VT_LEVEL_CRITICAL], by[VT_LEVEL_HIGH], by[VT_LEVEL_MEDIUM], by[VT_LEVEL_LOW],
		by[VT_LEVEL_INFO]);
	size_t shown = 0;
	for (size_t i = 0; i < n && shown < TOP_FINDINGS; i++) {
		const struct vt_finding *x = vt_review_finding(r, i);
		if (x->severity < VT_LEVEL_MEDIUM)
			break;
		shown++;
		const struct vt_object *o = x->object;
		fprintf(f, "  %-8s %-12s %s", vt_level_name(x->severity), x->rule->id,
			x->message ? x->message : x->rule->title);
		if (o)
			fprintf(f, " [%s]", o->fspath && o->fsroot != o ? o->fspath : o->path);
		fputc('\n', f);
	}
	if (n > shown)
		fprintf(f, "  ... %zu more in the report\n", n - shown);
}

static vt_err write_text(const struct vt_review *r, const struct vt_report_opts *o, FILE *f)
{
	const struct vt_stats *s = vt_review_stats(r);
	char b1[32], b2[32];
	human_bytes(s->bytes, b1, sizeof(b1));
	double secs = s->total_s > 0 ? s->total_s : 1e-9;
	human_bytes((uint64_t)((double)s->bytes / secs), b2, sizeof(b2));
	fprintf(f, "vetter %s: scanned %zu input%s in %.2f s (%u jobs)\n", vt_version(),
		vt_review_input_count(r), vt_review_input_count(r) == 1 ? "" : "s", s->total_s,
		s->jobs);
	for (size_t i = 0; i < vt_review_input_count(r); i++) {
		const struct vt_input *in = vt_review_input(r, i);
		char hex[VT_SHA256_HEX_LEN + 1] = "-", sz[32];
		if (in->hashed)
			vt_sha256_hex(in->sha256, hex);
		human_bytes(in->size, sz, sizeof(sz));
		if (in->status)
			fprintf(f, "  %s: %s\n", in->path, vt_strerror(in->status));
		else if (in->kind == VT_OBJ_DIR)
			fprintf(f, "  %s: directory, %zu files, %s, tree sha256 %.16s\n", in->path,
				in->files, sz, hex);
		else
			fprintf(f, "  %s: %s, %s, sha256 %.16s\n", in->path, vt_obj_kind_name(in->kind),
				sz, hex);
	}
	fprintf(f, "Objects:     %zu (%zu files, %zu directories, %zu symlinks, %zu special)\n",
		s->objects, s->files, s->dirs, s->symlinks, s->special);
	if (s->chunks) {
		char xb[32];
		human_bytes(s->extracted_bytes, xb, sizeof(xb));
		fprintf(f, "Unpacked:    %zu chunks, %zu objects extracted (%s)\n", s->chunks,
			s->extracted, xb);
		chunk_formats(r, f);
	}
	fprintf(f, "Read:        %s at %s/s (%.0f files/s)\n", b1, b2, (double)s->files / secs);
	elf_summary(r, f);
	fprintf(f, "Diagnostics: %zu errors, %zu warnings, %zu notes\n", s->diags[VT_SEV_ERROR],
		s->diags[VT_SEV_WARNING], s->diags[VT_SEV_INFO]);
	diag_list(r, o, f);
	component_list(r, f);
	finding_list(r, f);
	if (o && o->output_name)
		fprintf(f, "Report:      %s\n", o->output_name);
	return ferror(f) ? VT_EIO : VT_OK;
}

const struct vt_report_writer vt_report_text = {
	.name = "text",
	.mime = "text/plain",
	.extension = ".txt",
	.description = "short human-readable summary",
	.write = write_text,
};
