/* rep_json.c - the native JSON report (schema in docs/report-schema.md).
 *
 * Complete: every input, object and diagnostic of the review. Objects are streamed one
 * per line inside the "objects" array so memory stays flat for trees of any size; each
 * line is built and dumped with jansson, which escapes every string (names from the
 * artifact may hold any bytes: invalid UTF-8 is replaced, see vti_json_text()).
 */
#include "core/internal.h"

#include <jansson.h>
#include <time.h>

#include "report/json_text.h"

#define SCHEMA_VERSION "1.0"

static json_t *hex_of(const char *s)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *d = malloc(n * 2 + 1);
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		d[2 * i] = digits[(unsigned char)s[i] >> 4];
		d[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	d[2 * n] = 0;
	json_t *j = json_string(d);
	free(d);
	return j;
}

static json_t *sha_json(const uint8_t d[VT_SHA256_LEN])
{
	char hex[VT_SHA256_HEX_LEN + 1];
	vt_sha256_hex(d, hex);
	return json_string(hex);
}

static json_t *diags_json(const struct vt_diag *d)
{
	json_t *a = json_array();
	for (; d; d = d->next)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "severity",
						   vt_severity_name(d->severity), "code",
						   vt_errname(d->code), "message",
						   vti_json_text(d->message)));
	return a;
}

static json_t *strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, vti_json_text(v[i]));
	return a;
}

static json_t *elf_json(const struct vt_elf_info *e)
{
	char mach[64];
	json_t *j = json_object();
	json_object_set_new(j, "class", json_string(e->elfclass == 64 ? "ELF64" : "ELF32"));
	json_object_set_new(j, "endian", json_string(e->big_endian ? "big" : "little"));
	json_object_set_new(j, "machine", json_string(vt_elf_machine_name(e->machine, mach,
									    sizeof(mach))));
	json_object_set_new(j, "e_machine", json_integer(e->machine));
	json_object_set_new(j, "type", json_string(vt_elf_type_name(e->type)));
	json_object_set_new(j, "osabi", json_string(vt_elf_osabi_name(e->osabi)));
	json_object_set_new(j, "flags", json_integer(e->flags));
	json_object_set_new(j, "entry", json_integer((json_int_t)e->entry));
	json_object_set_new(j, "interpreter", vti_json_text(e->interp));
	json_object_set_new(j, "needed", strings_json(e->needed, e->n_needed));
	json_object_set_new(j, "soname", vti_json_text(e->soname));
	if (e->rpath)
		json_object_set_new(j, "rpath", vti_json_text(e->rpath));
	if (e->runpath)
		json_object_set_new(j, "runpath", vti_json_text(e->runpath));
	json_object_set_new(j, "linking", json_string(e->is_static ? "static" : "dynamic"));
	json_object_set_new(j, "pie", json_boolean(e->is_pie));
	json_object_set_new(j, "stripped", json_boolean(e->stripped));
	json_object_set_new(j, "debuginfo", json_boolean(e->has_debuginfo));

	/* hardening facts (docs/hardening.md) */
	const struct vt_elf_hardening *h = &e->hard;
	bool loadable = e->type == VT_ELF_EXEC || e->type == VT_ELF_DYN;
	json_t *hj = json_object();
	json_object_set_new(hj, "pie", json_string(vt_elf_pie_name(h->pie)));
	json_object_set_new(hj, "relro", json_string(vt_elf_relro_name(h->relro)));
	json_object_set_new(hj, "nx", loadable && e->phnum ? json_boolean(h->nx) : json_null());
	json_object_set_new(hj, "gnu_stack", json_boolean(e->has_gnu_stack));
	json_object_set_new(hj, "canary", json_boolean(h->canary));
	json_object_set_new(hj, "canary_local", json_boolean(h->canary_local));
	json_object_set_new(hj, "fortify", json_boolean(h->fortify));
	json_object_set_new(hj, "fortified", json_integer(h->fortified));
	json_object_set_new(hj, "fortifiable", json_integer(h->fortifiable));
	json_object_set_new(hj, "textrel", json_boolean(h->textrel));
	json_object_set_new(hj, "bind_now", json_boolean(e->bind_now));
	static const char *const classes[] = {"empty", "relative", "origin", "writable",
					      "absolute"};
	for (int k = 0; k < 2; k++) {
		uint8_t cls = k ? h->runpath_class : h->rpath_class;
		const char *present = k ? e->runpath : e->rpath;
		json_t *a = json_array();
		for (unsigned b = 0; b < VT_ARRAY_LEN(classes); b++)
			if (cls & (1u << b))
				json_array_append_new(a, json_string(classes[b]));
		json_object_set_new(hj, k ? "runpath" : "rpath",
				    present ? a : (json_decref(a), json_null()));
	}
	json_object_set_new(hj, "symbols", json_boolean(e->has_symtab));
	json_t *tabs = json_array();
	if (h->syms & VT_ELF_SYMS_DYNSYM)
		json_array_append_new(tabs, json_string("dynsym"));
	if (h->syms & VT_ELF_SYMS_DYNAMIC)
		json_array_append_new(tabs, json_string("dynamic"));
	if (h->syms & VT_ELF_SYMS_SYMTAB)
		json_array_append_new(tabs, json_string("symtab"));
	json_object_set_new(hj, "symbol_tables", tabs);
	json_object_set_new(hj, "dynamic_symbols", json_integer(h->n_dynsym));
	json_object_set_new(hj, "imports", json_integer(h->n_imports));
	json_t *dang = json_array();
	for (unsigned b = 0; b < VT_ELF_DANGEROUS_MAX && vt_elf_dangerous_name(b); b++)
		if (h->dangerous & (1u << b))
			json_array_append_new(dang, json_string(vt_elf_dangerous_name(b)));
	json_object_set_new(hj, "dangerous_imports", dang);
	if (e->machine == 3 || e->machine == 62 || e->machine == 6) {
		json_object_set_new(hj, "ibt", json_boolean(h->ibt));
		json_object_set_new(hj, "shstk", json_boolean(h->shstk));
	} else if (e->machine == 183) {
		json_object_set_new(hj, "bti", json_boolean(h->bti));
		json_object_set_new(hj, "pac", json_boolean(h->pac));
	}
	json_object_set_new(hj, "gnu_property", json_boolean(h->gnu_property));
	json_object_set_new(hj, "gnu_abi_tag", json_boolean(h->gnu_abi_tag));
	json_object_set_new(hj, "kernel", json_boolean(h->kernel));
	json_object_set_new(hj, "debug_file", json_boolean(h->debug_file));
	json_object_set_new(j, "hardening", hj);
	return j;
}

static json_t *chunk_json(const struct vt_chunk_info *c)
{
	json_t *j = json_object();
	json_object_set_new(j, "format", json_string(c->format));
	if (c->variant)
		json_object_set_new(j, "variant", vti_json_text(c->variant));
	json_object_set_new(j, "offset", json_integer((json_int_t)c->offset));
	json_object_set_new(j, "length", json_integer((json_int_t)c->length));
	if (c->gap_class) {
		json_object_set_new(j, "entropy", json_real(c->entropy));
		json_object_set_new(j, "class", json_string(c->gap_class));
	} else {
		json_object_set_new(j, "confidence", json_integer(c->confidence));
		json_object_set_new(j, "truncated", json_boolean(c->truncated));
	}
	return j;
}

static json_t *object_json(const struct vt_object *o, const char *outdir)
{
	json_t *j = json_object();
	char mode[8];
	snprintf(mode, sizeof(mode), "%04o", (unsigned)o->mode);
	json_object_set_new(j, "id", json_integer((json_int_t)o->id));
	json_object_set_new(j, "parent",
			    o->parent == VT_NO_PARENT ? json_null() : json_integer((json_int_t)o->parent));
	json_object_set_new(j, "input", json_integer(o->input));
	json_object_set_new(j, "path", vti_json_text(o->path));
	if (!vti_valid_utf8(o->path))
		json_object_set_new(j, "path_hex", hex_of(o->path));
	json_object_set_new(j, "kind", json_string(vt_obj_kind_name(o->kind)));
	json_object_set_new(j, "size", json_integer((json_int_t)o->size));
	json_object_set_new(j, "mode", json_string(mode));
	json_object_set_new(j, "uid", json_integer(o->uid));
	json_object_set_new(j, "gid", json_integer(o->gid));
	json_object_set_new(j, "mtime", json_integer(o->mtime));
	if (o->nlink > 1 && o->kind != VT_OBJ_DIR)
		json_object_set_new(j, "nlink", json_integer(o->nlink));
	if (o->link_target)
		json_object_set_new(j, "link_target", vti_json_text(o->link_target));
	if (o->hardlink)
		json_object_set_new(j, "hardlink", json_true());
	if (o->kind == VT_OBJ_CHARDEV || o->kind == VT_OBJ_BLOCKDEV)
		json_object_set_new(j, "rdev", json_pack("[i, i]", (int)o->rdev_major,
							 (int)o->rdev_minor));
	if (o->xdepth)
		json_object_set_new(j, "xdepth", json_integer(o->xdepth));
	if (o->chunk)
		json_object_set_new(j, "chunk", chunk_json(o->chunk));
	if (o->disk && outdir)
		json_object_set_new(j, "extracted_path", vti_json_text(o->disk));
	if (o->hashed)
		json_object_set_new(j, "sha256", sha_json(o->sha256));
	if (o->magic)
		json_object_set_new(j, "magic", vti_json_text(o->magic));
	if (o->mime)
		json_object_set_new(j, "mime", vti_json_text(o->mime));
	if (o->elf)
		json_object_set_new(j, "elf", elf_json(o->elf));
	if (o->diags)
		json_object_set_new(j, "diagnostics", diags_json(o->diags));
	return j;
}

static json_t *finding_json(const struct vt_finding *f)
{
	const struct vt_rule *ru = f->rule;
	json_t *j = json_object();
	json_object_set_new(j, "rule", json_string(ru->id));
	json_object_set_new(j, "category", json_string(ru->category));
	json_object_set_new(j, "severity", json_string(vt_level_name(f->severity)));
	json_object_set_new(j, "title", vti_json_text(ru->title));
	if (ru->cwe)
		json_object_set_new(j, "cwe", json_string(ru->cwe));
	if (f->message)
		json_object_set_new(j, "message", vti_json_text(f->message));
	if (f->object) {
		json_object_set_new(j, "object", json_integer((json_int_t)f->object->id));
		json_object_set_new(j, "path", vti_json_text(f->object->path));
		if (f->object->fspath && f->object->fsroot != f->object)
			json_object_set_new(j, "fspath", vti_json_text(f->object->fspath));
	}
	if (f->has_offset)
		json_object_set_new(j, "offset", json_integer((json_int_t)f->offset));
	if (f->excerpt)
		json_object_set_new(j, "excerpt", vti_json_text(f->excerpt));
	if (ru->remediation)
		json_object_set_new(j, "remediation", vti_json_text(ru->remediation));
	return j;
}

static json_t *evidence_json(const struct vt_occurrence *oc)
{
	const struct vt_evidence *e = oc->evidence;
	json_t *j = json_object();
	if (oc->object) {
		json_object_set_new(j, "object", json_integer((json_int_t)oc->object->id));
		json_object_set_new(j, "path", vti_json_text(oc->object->path));
	}
	json_object_set_new(j, "kind", json_string(vt_evidence_kind_name(e->kind)));
	if (e->rule)
		json_object_set_new(j, "rule", vti_json_text(e->rule));
	if (e->has_offset)
		json_object_set_new(j, "offset", json_integer((json_int_t)e->offset));
	if (e->raw_version)
		json_object_set_new(j, "raw_version", vti_json_text(e->raw_version));
	if (e->excerpt)
		json_object_set_new(j, "excerpt", vti_json_text(e->excerpt));
	json_object_set_new(j, "confidence", json_integer(e->confidence));
	return j;
}

static json_t *vuln_json(const struct vt_component_vuln *v)
{
	const struct vt_vuln_match *m = v->match;
	json_t *j = json_object();
	json_object_set_new(j, "id", vti_json_text(m->cve));
	if (m->cvss3_vector) {
		json_object_set_new(j, "cvss3", json_pack("{s:f, s:s?, s:s?}", "score", m->cvss3_score,
							  "vector", m->cvss3_vector, "severity",
							  m->cvss3_severity));
	}
	if (m->cvss4_vector) {
		json_object_set_new(j, "cvss4", json_pack("{s:f, s:s?, s:s?}", "score", m->cvss4_score,
							  "vector", m->cvss4_vector, "severity",
							  m->cvss4_severity));
	}
	if (m->cwe)
		json_object_set_new(j, "cwe", vti_json_text(m->cwe));
	json_object_set_new(j, "kev", json_boolean(m->kev));
	if (m->kev) {
		if (m->kev_date_added)
			json_object_set_new(j, "kev_date_added", vti_json_text(m->kev_date_added));
		json_object_set_new(j, "kev_ransomware", json_boolean(m->kev_ransomware));
	}
	if (m->has_epss)
		json_object_set_new(j, "epss", json_pack("{s:f, s:f}", "score", m->epss, "percentile",
							 m->epss_percentile));
	if (m->fixed)
		json_object_set_new(j, "fixed", vti_json_text(m->fixed));
	if (m->criteria)
		json_object_set_new(j, "criteria", vti_json_text(m->criteria));
	if (m->source)
		json_object_set_new(j, "source", vti_json_text(m->source));
	if (m->published)
		json_object_set_new(j, "published", vti_json_text(m->published));
	if (m->description)
		json_object_set_new(j, "description", vti_json_text(m->description));
	if (v->vex_status) {
		json_t *x = json_pack("{s:s}", "status", v->vex_status);
		if (v->vex_justification)
			json_object_set_new(x, "justification", vti_json_text(v->vex_justification));
		if (v->vex_detail)
			json_object_set_new(x, "detail", vti_json_text(v->vex_detail));
		json_object_set_new(j, "vex", x);
	}
	return j;
}

static json_t *component_json(const struct vt_component *c)
{
	json_t *j = json_object();
	json_object_set_new(j, "index", json_integer((json_int_t)c->index));
	json_object_set_new(j, "product", vti_json_text(c->product));
	json_object_set_new(j, "name", vti_json_text(c->name));
	json_object_set_new(j, "version", vti_json_text(c->version));
	if (c->update)
		json_object_set_new(j, "update", vti_json_text(c->update));
	if (c->part)
		json_object_set_new(j, "part", vti_json_text(c->part));
	if (c->cpe)
		json_object_set_new(j, "cpe", vti_json_text(c->cpe));
	json_object_set_new(j, "cpe_pairs", strings_json(c->cpe_pairs, c->n_cpe_pairs));
	if (c->purl)
		json_object_set_new(j, "purl", vti_json_text(c->purl));
	json_object_set_new(j, "confidence", json_integer(c->confidence));
	json_object_set_new(j, "in_catalogue", json_boolean(c->in_catalogue));
	if (c->container)
		json_object_set_new(j, "contained_in", vti_json_text(c->container->path));
	json_t *dep = json_array();
	for (size_t i = 0; i < c->n_depends; i++)
		json_array_append_new(dep, json_integer((json_int_t)c->depends[i]));
	json_object_set_new(j, "depends", dep);
	json_t *ev = json_array();
	for (size_t i = 0; i < c->n_occ; i++)
		json_array_append_new(ev, evidence_json(&c->occ[i]));
	json_object_set_new(j, "evidence", ev);
	if (c->n_vulns) {
		json_t *vs = json_array();
		for (size_t i = 0; i < c->n_vulns; i++)
			json_array_append_new(vs, vuln_json(&c->vulns[i]));
		json_object_set_new(j, "vulnerabilities", vs);
	}
	return j;
}

static void iso_time(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Dumps `j` (stolen) after `prefix`; false on a write error. */
static bool put(FILE *f, const char *prefix, json_t *j, size_t flags)
{
	if (fputs(prefix, f) == EOF)
		return false;
	int rc = j ? json_dumpf(j, f, flags | JSON_ENCODE_ANY) : -1;
	json_decref(j);
	return rc == 0;
}

static vt_err write_json(const struct vt_review *r, const struct vt_report_opts *o, FILE *f)
{
	const struct vt_stats *s = vt_review_stats(r);
	const char *outdir = vt_review_output_dir(r);
	char started[32], finished[32];
	iso_time(s->started, started, sizeof(started));
	iso_time(s->finished, finished, sizeof(finished));
	const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6);

	json_t *tool = json_pack("{s:s, s:s}", "name", "vetter", "version", vt_version());
	json_t *inputs = json_array();
	for (size_t i = 0; i < vt_review_input_count(r); i++) {
		const struct vt_input *in = vt_review_input(r, i);
		json_t *j = json_object();
		json_object_set_new(j, "path", vti_json_text(in->path));
		json_object_set_new(j, "kind", json_string(vt_obj_kind_name(in->kind)));
		json_object_set_new(j, "status", json_string(in->status ? vt_errname(in->status)
									  : "ok"));
		json_object_set_new(j, "size", json_integer((json_int_t)in->size));
		json_object_set_new(j, "files", json_integer((json_int_t)in->files));
		if (in->hashed)
			json_object_set_new(j, in->kind == VT_OBJ_DIR ? "tree_sha256" : "sha256",
					    sha_json(in->sha256));
		json_object_set_new(j, "root", in->root == VT_NO_PARENT
						       ? json_null()
						       : json_integer((json_int_t)in->root));
		json_array_append_new(inputs, j);
	}
	json_t *timings = json_pack("{s:f, s:f, s:f, s:i}", "walk_s", s->walk_s, "analyze_s",
				    s->analyze_s, "total_s", s->total_s, "jobs", (int)s->jobs);
	json_t *summary = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}}", "objects",
		(json_int_t)s->objects, "files", (json_int_t)s->files, "directories",
		(json_int_t)s->dirs, "symlinks", (json_int_t)s->symlinks, "special",
		(json_int_t)s->special, "chunks", (json_int_t)s->chunks, "extracted",
		(json_int_t)s->extracted, "extracted_bytes", (json_int_t)s->extracted_bytes, "elf",
		(json_int_t)s->elf, "bytes", (json_int_t)s->bytes, "diagnostics", "error",
		(json_int_t)s->diags[VT_SEV_ERROR], "warning", (json_int_t)s->diags[VT_SEV_WARNING],
		"info", (json_int_t)s->diags[VT_SEV_INFO]);

	bool ok = put(f, "{\"schema\":\"vetter-report\",\"schema_version\":\"" SCHEMA_VERSION
		      "\",\n\"tool\":", tool, flags);
	ok = ok && put(f, ",\n\"started\":", json_string(started), flags);
	ok = ok && put(f, ",\n\"finished\":", json_string(finished), flags);
	ok = ok && put(f, ",\n\"timings\":", timings, flags);
	ok = ok && put(f, ",\n\"inputs\":", inputs, flags);
	if (outdir)
		ok = ok && put(f, ",\n\"output_dir\":", vti_json_text(outdir), flags);
	ok = ok && put(f, ",\n\"summary\":", summary, flags);
	ok = ok && put(f, ",\n\"diagnostics\":", diags_json(vt_review_diags(r)), flags);
	ok = ok && fputs(",\n\"findings\":[", f) != EOF;
	for (size_t i = 0; ok && i < vt_review_finding_count(r); i++)
		ok = put(f, i ? ",\n" : "\n", finding_json(vt_review_finding(r, i)), flags);
	ok = ok && fputs("\n],\n\"components\":[", f) != EOF;
	for (size_t i = 0; ok && i < vt_review_component_count(r); i++)
		ok = put(f, i ? ",\n" : "\n", component_json(vt_review_component(r, i)), flags);
	ok = ok && fputs("\n],\n\"objects\":[", f) != EOF;
	size_t n = vt_review_object_count(r);
	for (size_t i = 0; ok && i < n; i++)
		ok = put(f, i ? ",\n" : "\n", object_json(vt_review_object(r, i), outdir), flags);
	ok = ok && fputs("\n]}\n", f) != EOF;
	(void)o;
	return ok && !ferror(f) ? VT_OK : VT_EIO;
}

const struct vt_report_writer vt_report_json = {
	.name = "json",
	.mime = "application/json",
	.extension = ".json",
	.description = "native JSON report: every input, object and diagnostic",
	.write = write_json,
};
