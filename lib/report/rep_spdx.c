/* rep_spdx.c - the "spdx" report writer: an SPDX 2.3 JSON document.
 *
 * One package for the reviewed artifact (one per input when there are several), described by
 * the document, and one package per identified component (name, versionInfo, checksums of its
 * own file, externalRefs with its purl, CPE 2.3 and the advisories of its vulnerabilities that
 * no VEX statement suppresses, its evidence summarised in the comment).
 * Relationships: DOCUMENT DESCRIBES artifact, artifact CONTAINS every component found in it,
 * component CONTAINS a product found inside its file, component DEPENDS_ON the components it
 * links to. Nothing is asserted about licences or download locations (NOASSERTION). Field
 * mapping: docs/sbom.md. Strings from the artifact may hold any bytes (vti_sbom_str).
 */
#include "core/internal.h"

#include <jansson.h>
#include <vetter/vulndb.h>

#include "report/sbom.h"

#define MAX_COMMENT_OCCURRENCES 20

static void set(json_t *o, const char *k, json_t *v)
{
	if (v)
		json_object_set_new(o, k, v);
}

/* An SPDX identifier "SPDXRef-<prefix><a>[-<b>][-<idx>]" (no index when idx is SIZE_MAX):
 * characters outside [A-Za-z0-9.-] become '-'. */
static char *spdx_id(const char *prefix, const char *a, const char *b, size_t idx)
{
	size_t n = strlen(prefix) + (a ? strlen(a) : 0) + (b ? strlen(b) : 0) + 48;
	char *s = malloc(n);
	if (!s)
		return NULL;
	int k = snprintf(s, n, "SPDXRef-%s%s%s%s", prefix, a ? a : "", b ? "-" : "", b ? b : "");
	if (idx != SIZE_MAX && k > 0 && (size_t)k < n)
		snprintf(s + k, n - (size_t)k, "-%zu", idx);
	for (char *p = s + 8; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
			*p = '-';
	}
	return s;
}

static json_t *checksums(const char *hex)
{
	json_t *a = json_array();
	json_array_append_new(a,
			      json_pack("{s:s, s:s}", "algorithm", "SHA256", "checksumValue", hex));
	return a;
}

static json_t *relationship(const char *from, const char *type, const char *to)
{
	json_t *j = json_object();
	set(j, "spdxElementId", json_string(from));
	set(j, "relationshipType", json_string(type));
	set(j, "relatedSpdxElement", json_string(to));
	return j;
}

static void noassert(json_t *p)
{
	set(p, "licenseConcluded", json_string("NOASSERTION"));
	set(p, "licenseDeclared", json_string("NOASSERTION"));
	set(p, "copyrightText", json_string("NOASSERTION"));
}

static json_t *input_package(const struct vti_sbom_input *si, const char *id)
{
	json_t *p = json_object();
	set(p, "SPDXID", json_string(id));
	set(p, "name", vti_json_text(si->name));
	set(p, "downloadLocation", json_string("NOASSERTION"));
	set(p, "filesAnalyzed", json_false());
	if (si->has_sha256)
		set(p, "checksums", checksums(si->sha256));
	set(p, "primaryPackagePurpose", json_string(si->purpose));
	noassert(p);
	char comment[256];
	snprintf(comment, sizeof(comment), "The artifact reviewed by vetter %s (%s).",
		 vt_version(), si->in->kind == VT_OBJ_DIR ? "a directory tree" : "a file");
	set(p, "comment", json_string(comment));
	return p;
}

/* Appends s; text past the buffer's cap is dropped (the comment is a summary). */
static void add(struct vt_buf *b, const char *s)
{
	if (vt_buf_addstr(b, s))
		return;
}

/* The comment of a component: its evidence, as "kind at location+offset" items. */
static json_t *evidence_comment(const struct vti_sbom *s, const struct vt_component *c)
{
	struct vt_buf b;
	vt_buf_init(&b, 64 * 1024);
	char num[64];
	snprintf(num, sizeof(num), "Identified by vetter (confidence %u)", c->confidence);
	add(&b, num);
	size_t shown = 0;
	for (size_t k = 0; c->occ && k < c->n_occ; k++) {
		const struct vt_occurrence *oc = &c->occ[k];
		if (!oc->evidence)
			continue;
		if (shown == MAX_COMMENT_OCCURRENCES) {
			snprintf(num, sizeof(num), "; and %zu more", c->n_occ - k);
			add(&b, num);
			break;
		}
		add(&b, shown ? "; " : ": ");
		add(&b, vt_evidence_kind_name(oc->evidence->kind));
		if (oc->object) {
			add(&b, " in ");
			add(&b, vti_sbom_location(s->r, oc->object));
		}
		if (oc->evidence->has_offset) {
			snprintf(num, sizeof(num), " at offset %" PRIu64, oc->evidence->offset);
			add(&b, num);
		}
		if (oc->evidence->excerpt) {
			add(&b, " \"");
			add(&b, oc->evidence->excerpt);
			add(&b, "\"");
		}
		shown++;
	}
	add(&b, ".");
	json_t *j = vti_json_text(vt_buf_str(&b));
	vt_buf_release(&b);
	return j;
}

static json_t *component_package(const struct vti_sbom *s, size_t i, const char *id)
{
	const struct vt_component *c = &s->c[i];
	json_t *p = json_object();
	set(p, "SPDXID", json_string(id));
	set(p, "name", vti_json_text(c->name ? c->name : c->product ? c->product : "unknown"));
	if (c->version)
		set(p, "versionInfo", vti_json_text(c->version));
	set(p, "downloadLocation", json_string("NOASSERTION"));
	set(p, "filesAnalyzed", json_false());
	const struct vt_object *own = vti_sbom_own_file(s, i);
	if (own) {
		char hex[VT_SHA256_HEX_LEN + 1];
		vt_sha256_hex(own->sha256, hex);
		set(p, "checksums", checksums(hex));
	}
	set(p, "primaryPackagePurpose", json_string(vti_sbom_purpose(s, i)));
	noassert(p);
	json_t *refs = json_array();
	if (c->purl)
		json_array_append_new(refs, json_pack("{s:s, s:s, s:o}", "referenceCategory",
						      "PACKAGE-MANAGER", "referenceType", "purl",
						      "referenceLocator", vti_json_text(c->purl)));
	if (c->cpe)
		json_array_append_new(refs, json_pack("{s:s, s:s, s:o}", "referenceCategory",
						      "SECURITY", "referenceType", "cpe23Type",
						      "referenceLocator", vti_json_text(c->cpe)));
	/* vulnerabilities a VEX statement does not suppress, as security advisories */
	for (size_t k = 0; c->vulns && k < c->n_vulns; k++) {
		const struct vt_vuln_match *m = c->vulns[k].match;
		if (!m || !m->cve || c->vulns[k].suppressed)
			continue;
		char url[256];
		snprintf(url, sizeof(url), "https://nvd.nist.gov/vuln/detail/%s", m->cve);
		json_array_append_new(refs, json_pack("{s:s, s:s, s:o}", "referenceCategory",
						      "SECURITY", "referenceType", "advisory",
						      "referenceLocator", vti_json_text(url)));
	}
	if (json_array_size(refs))
		set(p, "externalRefs", refs);
	else
		json_decref(refs);
	set(p, "comment", evidence_comment(s, c));
	return p;
}

/* The input a component was found in: that of its first occurrence with an object. */
static size_t component_input(const struct vti_sbom *s, size_t i)
{
	const struct vt_component *c = &s->c[i];
	for (size_t k = 0; c->occ && k < c->n_occ; k++)
		if (c->occ[k].object && c->occ[k].object->input < s->n_inputs)
			return c->occ[k].object->input;
	return 0;
}

/* DOCUMENT DESCRIBES each input, each input CONTAINS the components found in it, and the
 * edges between components: a DT_NEEDED link is DEPENDS_ON, a product found inside the
 * component's file is CONTAINS. */
static void relationships(const struct vti_sbom *s, char **in_id, char **c_id, json_t *rels)
{
	for (size_t i = 0; i < s->n_inputs; i++) {
		json_t *r = relationship("SPDXRef-DOCUMENT", "DESCRIBES", in_id[i]);
		json_array_append_new(rels, r);
	}
	for (size_t i = 0; s->n_inputs && i < s->n; i++) {
		json_t *r = relationship(in_id[component_input(s, i)], "CONTAINS", c_id[i]);
		json_array_append_new(rels, r);
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct vt_component *c = &s->c[i];
		for (size_t k = 0; k < s->n_deps[i]; k++) {
			size_t j = s->deps[i][k];
			bool linked = false;
			for (size_t d = 0; c->depends && d < c->n_depends; d++)
				linked = linked || c->depends[d] == j;
			json_array_append_new(rels, relationship(c_id[i],
								 linked ? "DEPENDS_ON" : "CONTAINS",
								 c_id[j]));
		}
	}
}

vt_err vti_spdx_write(const struct vt_review *r, const struct vt_component *c, size_t n, FILE *f)
{
	struct vti_sbom s;
	vt_err e = vti_sbom_init(&s, r, c, n);
	char uuid[37];
	if (!e)
		e = vti_sbom_uuid(uuid);
	char **in_id = NULL, **c_id = NULL;
	if (!e) {
		in_id = calloc(s.n_inputs + 1, sizeof(*in_id));
		c_id = calloc(s.n + 1, sizeof(*c_id));
		if (!in_id || !c_id)
			e = VT_ENOMEM;
	}
	for (size_t i = 0; !e && i < s.n_inputs; i++)
		if (!(in_id[i] = spdx_id("Artifact-", s.inputs[i].name, NULL, i)))
			e = VT_ENOMEM;
	for (size_t i = 0; !e && i < s.n; i++) {
		const char *p = s.c[i].product ? s.c[i].product : s.c[i].name ? s.c[i].name : "x";
		if (!(c_id[i] = spdx_id("Package-", p, s.c[i].version, i)))
			e = VT_ENOMEM;
	}
	json_t *doc = NULL;
	if (!e) {
		const char *docname = s.n_inputs == 1 ? s.inputs[0].name : "vetter-review";
		char ts[32], creator[64];
		vti_sbom_time(s.created, ts, sizeof(ts));
		snprintf(creator, sizeof(creator), "Tool: vetter-%s", vt_version());
		char *ns_name = spdx_id("", docname, NULL, SIZE_MAX);
		size_t nl = (ns_name ? strlen(ns_name) : 0) + 128;
		char *ns = malloc(nl);
		if (!ns_name || !ns) {
			free(ns_name);
			free(ns);
			e = VT_ENOMEM;
			goto out;
		}
		/* "https://spdx.org/spdxdocs/<name>-<uuid>", as the SPDX tools make them */
		snprintf(ns, nl, "https://spdx.org/spdxdocs/%s-%s", ns_name + 8, uuid);
		free(ns_name);

		doc = json_object();
		set(doc, "spdxVersion", json_string("SPDX-2.3"));
		set(doc, "dataLicense", json_string("CC0-1.0"));
		set(doc, "SPDXID", json_string("SPDXRef-DOCUMENT"));
		set(doc, "name", vti_json_text(docname));
		set(doc, "documentNamespace", vti_json_text(ns));
		free(ns);
		json_t *ci = json_object();
		json_t *creators = json_array();
		json_array_append_new(creators, json_string(creator));
		set(ci, "creators", creators);
		set(ci, "created", json_string(ts));
		set(doc, "creationInfo", ci);

		json_t *pkgs = json_array();
		json_t *rels = json_array();
		for (size_t i = 0; i < s.n_inputs; i++)
			json_array_append_new(pkgs, input_package(&s.inputs[i], in_id[i]));
		for (size_t i = 0; i < s.n; i++)
			json_array_append_new(pkgs, component_package(&s, i, c_id[i]));
		relationships(&s, in_id, c_id, rels);
		set(doc, "packages", pkgs);
		set(doc, "relationships", rels);
	}
out:
	for (size_t i = 0; in_id && i < s.n_inputs; i++)
		free(in_id[i]);
	for (size_t i = 0; c_id && i < s.n; i++)
		free(c_id[i]);
	free(in_id);
	free(c_id);
	vti_sbom_fini(&s);
	if (e) {
		json_decref(doc);
		return e;
	}
	return vti_sbom_dump(doc, f);
}

static vt_err write_spdx(const struct vt_review *r, const struct vt_report_opts *o, FILE *f)
{
	(void)o;
	size_t n = vt_review_component_count(r);
	return vti_spdx_write(r, n ? vt_review_component(r, 0) : NULL, n, f);
}

const struct vt_report_writer vt_report_spdx = {
	.name = "spdx",
	.mime = "application/spdx+json",
	.extension = ".spdx.json",
	.description = "SPDX 2.3 JSON SBOM: the artifact and its components",
	.write = write_spdx,
};
