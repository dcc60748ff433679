/* sbom.c - the view of a review that the SBOM writers share (see sbom.h): the artifact of each
 * input, the kind of each component, its own file, stable references and the dependency graph
 * (DT_NEEDED links from the components, plus "contains" for a product found inside another
 * product's file). Components come from an array whose indexes may be wrong in a hand-built
 * list: every index is checked against the array's length.
 */
#include "core/internal.h"

#include <openssl/rand.h>
#include <time.h>

#include "report/json_text.h"
#include "report/sbom.h"

#define ET_EXEC_ 2
#define ET_DYN_ 3

vt_err vti_sbom_dump(json_t *j, FILE *f)
{
	if (!j)
		return VT_ENOMEM;
	int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (rc || fputc('\n', f) == EOF || ferror(f))
		return VT_EIO;
	return VT_OK;
}

vt_err vti_sbom_uuid(char out[37])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		return VT_EINTERNAL;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant RFC 4122 */
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
	return VT_OK;
}

void vti_sbom_time(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "1970-01-01T00:00:00Z");
}

/* The base name of a path (trailing slashes ignored), as a pointer into it. */
static const char *base_name(const char *p, size_t *len)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	const char *s = p + n;
	while (s > p && s[-1] != '/')
		s--;
	*len = (size_t)(p + n - s);
	return s;
}

const char *vti_sbom_location(const struct vt_review *r, const struct vt_object *o)
{
	const char *p = o->path ? o->path : "";
	const struct vt_input *in = vt_review_input(r, o->input);
	if (in && in->path) {
		size_t n = strlen(in->path);
		while (n > 1 && in->path[n - 1] == '/')
			n--;
		if (!strncmp(p, in->path, n) && p[n] == '/' && p[n + 1])
			return p + n + 1;
	}
	size_t len;
	const char *b = base_name(p, &len);
	return *b ? b : p;
}

const char *vti_sbom_technique(enum vt_evidence_kind k)
{
	switch (k) {
	case VT_EV_PACKAGE:
		return "manifest-analysis";
	case VT_EV_FILENAME:
		return "filename";
	case VT_EV_DECLARED:
		return "attestation";
	case VT_EV_STRING:
	case VT_EV_SONAME:
	case VT_EV_BANNER:
	default:
		return "binary-analysis";
	}
}

/* Products that are boot firmware rather than applications (catalogue keys). */
static bool boot_firmware(const char *product)
{
	static const char *const keys[] = {"coreboot", "edk2",		     "ipxe",
					   "opensbi",  "seabios",	     "trusted_firmware_a",
					   "u_boot"};
	for (size_t i = 0; product && i < VT_ARRAY_LEN(keys); i++)
		if (!strcmp(product, keys[i]))
			return true;
	return false;
}

enum kind { K_LIBRARY, K_APPLICATION, K_OS, K_FIRMWARE };

static enum kind classify(const struct vt_component *c)
{
	if (boot_firmware(c->product))
		return K_FIRMWARE;
	if (c->part && !strcmp(c->part, "o"))
		return K_OS;
	if (c->part && !strcmp(c->part, "h"))
		return K_FIRMWARE;
	size_t lib = 0, exe = 0;
	for (size_t i = 0; c->occ && i < c->n_occ; i++) {
		const struct vt_evidence *e = c->occ[i].evidence;
		const struct vt_object *o = c->occ[i].object;
		if (e && e->kind == VT_EV_SONAME) {
			lib++;
			continue;
		}
		if (!o || !o->elf || (e && e->kind == VT_EV_PACKAGE))
			continue;
		const struct vt_elf_info *el = o->elf;
		if (el->soname || (el->type == ET_DYN_ && !el->interp))
			lib++;
		else if (el->type == ET_EXEC_ || el->type == ET_DYN_)
			exe++;
	}
	if (exe) /* a program, even with its plugins or libraries (lighttpd and its modules) */
		return K_APPLICATION;
	if (lib)
		return K_LIBRARY;
	const char *nm = c->product ? c->product : c->name;
	return nm && !strncmp(nm, "lib", 3) ? K_LIBRARY : K_APPLICATION;
}

const char *vti_sbom_type(const struct vti_sbom *s, size_t i)
{
	static const char *const names[] = {"library", "application", "operating-system",
					    "firmware"};
	return names[classify(&s->c[i])];
}

const char *vti_sbom_purpose(const struct vti_sbom *s, size_t i)
{
	static const char *const names[] = {"LIBRARY", "APPLICATION", "OPERATING_SYSTEM",
					    "FIRMWARE"};
	return names[classify(&s->c[i])];
}

const struct vt_object *vti_sbom_own_file(const struct vti_sbom *s, size_t i)
{
	const struct vt_component *c = &s->c[i];
	if (c->container)
		return NULL;
	const struct vt_object *file = NULL;
	for (size_t k = 0; c->occ && k < c->n_occ; k++) {
		const struct vt_evidence *e = c->occ[k].evidence;
		const struct vt_object *o = c->occ[k].object;
		if (!o || (e && (e->kind == VT_EV_PACKAGE || e->kind == VT_EV_DECLARED)))
			continue;
		if (file && file != o)
			return NULL;
		file = o;
	}
	return file && file->hashed && file->kind == VT_OBJ_FILE ? file : NULL;
}

/* Is object o among the occurrences of component c? */
static bool occurs_in(const struct vt_component *c, const struct vt_object *o)
{
	for (size_t k = 0; c->occ && k < c->n_occ; k++)
		if (c->occ[k].object == o)
			return true;
	return false;
}

static bool has_dep(const size_t *d, size_t n, size_t j)
{
	for (size_t k = 0; k < n; k++)
		if (d[k] == j)
			return true;
	return false;
}

/* Marks every component reachable from i through the dependency graph (iterative). */
static vt_err mark_reachable(struct vti_sbom *s, bool *seen, size_t i)
{
	size_t *stack = malloc((s->n + 1) * sizeof(*stack)), sp = 0;
	if (!stack)
		return VT_ENOMEM;
	if (!seen[i]) {
		seen[i] = true;
		stack[sp++] = i;
	}
	while (sp) {
		size_t v = stack[--sp];
		for (size_t k = 0; k < s->n_deps[v]; k++) {
			size_t w = s->deps[v][k];
			if (!seen[w]) {
				seen[w] = true;
				stack[sp++] = w;
			}
		}
	}
	free(stack);
	return VT_OK;
}

static vt_err build_graph(struct vti_sbom *s)
{
	size_t n = s->n;
	for (size_t i = 0; i < n; i++) {
		const struct vt_component *c = &s->c[i];
		/* DT_NEEDED links, then the components found inside this one's files */
		size_t cap = c->n_depends + n;
		if (!(s->deps[i] = calloc(cap + 1, sizeof(size_t))))
			return VT_ENOMEM;
		size_t k = 0;
		for (size_t d = 0; c->depends && d < c->n_depends; d++) {
			size_t j = c->depends[d];
			if (j < n && j != i && !has_dep(s->deps[i], k, j))
				s->deps[i][k++] = j;
		}
		for (size_t j = 0; j < n; j++)
			if (j != i && s->c[j].container && occurs_in(c, s->c[j].container) &&
			    !has_dep(s->deps[i], k, j))
				s->deps[i][k++] = j;
		s->n_deps[i] = k;
	}
	for (size_t i = 0; i < n; i++)
		s->top[i] = true;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < s->n_deps[i]; k++)
			s->top[s->deps[i][k]] = false;
	/* a dependency cycle no top-level component reaches: its first member becomes top-level,
	 * so the artifact reaches every component */
	bool *seen = calloc(n + 1, sizeof(*seen));
	if (!seen)
		return VT_ENOMEM;
	vt_err e = VT_OK;
	for (size_t i = 0; !e && i < n; i++)
		if (s->top[i])
			e = mark_reachable(s, seen, i);
	for (size_t i = 0; !e && i < n; i++)
		if (!seen[i]) {
			s->top[i] = true;
			e = mark_reachable(s, seen, i);
		}
	free(seen);
	return e;
}

static vt_err build_refs(struct vti_sbom *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct vt_component *c = &s->c[i];
		const char *p = c->product ? c->product : c->name ? c->name : "component";
		const char *v = c->version ? c->version : "unknown";
		size_t len = strlen(p) + strlen(v) + 32;
		if (!(s->ref[i] = malloc(len)))
			return VT_ENOMEM;
		snprintf(s->ref[i], len, "%s@%s", p, v);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->ref[j], s->ref[i])) {
				snprintf(s->ref[i], len, "%s@%s#%zu", p, v, i);
				break;
			}
	}
	return VT_OK;
}

/* Formats that make an input a firmware image: boot and kernel images, device trees and the
 * filesystem images embedded systems boot from (not install media such as ISO 9660). */
static const char *const firmware_formats[] = {
#define VT_FORMAT(n) #n,
#include "formats/firmware/list.h"
#include "formats/fs/list.h"
#undef VT_FORMAT
	NULL,
};

/* Was a firmware format unpacked anywhere inside input `idx`? */
static bool firmware_inside(const struct vt_review *r, size_t idx)
{
	size_t n = vt_review_object_count(r);
	for (size_t i = 0; i < n; i++) {
		const struct vt_object *o = vt_review_object(r, i);
		if (o->input != idx || o->kind != VT_OBJ_CHUNK || !o->chunk || !o->chunk->format)
			continue;
		for (size_t k = 0; firmware_formats[k]; k++)
			if (!strcmp(o->chunk->format, firmware_formats[k]) &&
			    strcmp(o->chunk->format, "iso9660"))
				return true;
	}
	return false;
}

static void describe_input(const struct vt_review *r, size_t idx, struct vti_sbom_input *si)
{
	const struct vt_input *in = vt_review_input(r, idx);
	si->in = in;
	size_t len;
	si->name = base_name(in->path ? in->path : "input", &len);
	si->type = "file";
	si->purpose = "FILE";
	if (in->kind == VT_OBJ_DIR) {
		si->type = "application";
		si->purpose = "APPLICATION";
	} else if (in->root != VT_NO_PARENT) {
		const struct vt_object *o = vt_review_object(r, in->root);
		if (firmware_inside(r, idx)) {
			si->type = "firmware";
			si->purpose = "FIRMWARE";
		} else if (o && o->elf && !o->elf->soname &&
			   (o->elf->type == ET_EXEC_ || o->elf->interp)) {
			si->type = "application";
			si->purpose = "APPLICATION";
		}
	}
	if (in->kind != VT_OBJ_DIR && in->hashed) {
		si->has_sha256 = true;
		vt_sha256_hex(in->sha256, si->sha256);
	}
}

vt_err vti_sbom_init(struct vti_sbom *s, const struct vt_review *r, const struct vt_component *c,
		     size_t n)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->c = c;
	s->n = c ? n : 0;
	s->created = vt_review_stats(r)->finished;
	if (!s->created)
		s->created = (int64_t)time(NULL);
	s->n_inputs = vt_review_input_count(r);
	s->inputs = calloc(s->n_inputs + 1, sizeof(*s->inputs));
	s->ref = calloc(s->n + 1, sizeof(*s->ref));
	s->deps = calloc(s->n + 1, sizeof(*s->deps));
	s->n_deps = calloc(s->n + 1, sizeof(*s->n_deps));
	s->top = calloc(s->n + 1, sizeof(*s->top));
	if (!s->inputs || !s->ref || !s->deps || !s->n_deps || !s->top)
		return VT_ENOMEM;
	for (size_t i = 0; i < s->n_inputs; i++)
		describe_input(r, i, &s->inputs[i]);
	vt_err e = build_refs(s);
	return e ? e : build_graph(s);
}

void vti_sbom_fini(struct vti_sbom *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->ref)
			free(s->ref[i]);
		if (s->deps)
			free(s->deps[i]);
	}
	free(s->ref);
	free(s->deps);
	free(s->n_deps);
	free(s->top);
	free(s->inputs);
	memset(s, 0, sizeof(*s));
}
