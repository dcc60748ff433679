/* rep_cyclonedx.c - the "cyclonedx" report writer: a CycloneDX 1.6 JSON SBOM.
 *
 * The reviewed artifact is metadata.component (several inputs: a synthetic application with
 * one nested component per input); every identified component is in `components` with its
 * purl, CPE, the hash of its own file when the file is the component, evidence (identity with
 * the techniques that found it, every occurrence with its location in the artifact and
 * offset) and vetter's own facts as properties; `dependencies` holds the DT_NEEDED links, the
 * products found inside other products' files, and the artifact's dependency on every
 * top-level component; `vulnerabilities` holds each CVE matched to a component, with its
 * ratings, CWEs, KEV and EPSS facts and what a VEX document said (analysis). Field mapping:
 * docs/sbom.md. Strings from the artifact may hold any
 * bytes; they are made valid UTF-8 (vti_sbom_str).
 */
#include "core/internal.h"

#include <jansson.h>
#include <vetter/vulndb.h>

#include "report/sbom.h"

#define ARTIFACT_REF "artifact"
#define MAX_OCCURRENCES 1000

static void set(json_t *o, const char *k, json_t *v)
{
	if (v)
		json_object_set_new(o, k, v);
}

static json_t *sha256_hashes(const char *hex)
{
	json_t *a = json_array();
	json_array_append_new(a, json_pack("{s:s, s:s}", "alg", "SHA-256", "content", hex));
	return a;
}

static void prop(json_t *props, const char *name, const char *value)
{
	if (!value)
		return;
	json_t *p = json_object();
	set(p, "name", json_string(name));
	set(p, "value", vti_json_text(value));
	json_array_append_new(props, p);
}

static json_t *input_component(const struct vti_sbom_input *si, const char *ref)
{
	json_t *j = json_object();
	set(j, "type", json_string(si->type));
	set(j, "bom-ref", json_string(ref));
	set(j, "name", vti_json_text(si->name));
	if (si->has_sha256)
		set(j, "hashes", sha256_hashes(si->sha256));
	json_t *props = json_array();
	prop(props, "vetter:path", si->in->path);
	if (si->in->kind == VT_OBJ_DIR && si->in->hashed) {
		char hex[VT_SHA256_HEX_LEN + 1];
		vt_sha256_hex(si->in->sha256, hex);
		prop(props, "vetter:tree_sha256", hex);
	}
	set(j, "properties", props);
	return j;
}

static json_t *metadata_component(const struct vti_sbom *s)
{
	if (s->n_inputs == 1)
		return input_component(&s->inputs[0], ARTIFACT_REF);
	json_t *j = json_object();
	set(j, "type", json_string("application"));
	set(j, "bom-ref", json_string(ARTIFACT_REF));
	char name[64];
	snprintf(name, sizeof(name), "%zu inputs", s->n_inputs);
	set(j, "name", json_string(name));
	json_t *sub = json_array();
	for (size_t i = 0; i < s->n_inputs; i++) {
		char ref[48];
		snprintf(ref, sizeof(ref), "input-%zu", i);
		json_array_append_new(sub, input_component(&s->inputs[i], ref));
	}
	set(j, "components", sub);
	return j;
}

/* evidence.identity: one entry for the component's identifying field, with one method per
 * technique that supports it (its best confidence, the first excerpt as the value). */
static json_t *identity_json(const struct vt_component *c)
{
	static const char *const techniques[] = {"binary-analysis", "manifest-analysis",
						 "filename", "attestation"};
	json_t *methods = json_array();
	for (size_t t = 0; t < VT_ARRAY_LEN(techniques); t++) {
		unsigned best = 0;
		const char *value = NULL;
		bool any = false;
		for (size_t k = 0; c->occ && k < c->n_occ; k++) {
			const struct vt_evidence *e = c->occ[k].evidence;
			if (!e || strcmp(vti_sbom_technique(e->kind), techniques[t]))
				continue;
			any = true;
			best = VT_MAX(best, VT_MIN(e->confidence, 100u));
			if (!value)
				value = e->excerpt ? e->excerpt : e->rule;
		}
		if (!any)
			continue;
		json_t *m = json_object();
		set(m, "technique", json_string(techniques[t]));
		set(m, "confidence", json_real(best / 100.0));
		if (value)
			set(m, "value", vti_json_text(value));
		json_array_append_new(methods, m);
	}
	json_t *id = json_object();
	set(id, "field", json_string(c->purl ? "purl" : c->cpe ? "cpe" : "name"));
	set(id, "confidence", json_real(VT_MIN(c->confidence, 100u) / 100.0));
	set(id, "concludedValue", vti_json_text(c->purl ? c->purl : c->cpe ? c->cpe : c->name));
	if (json_array_size(methods))
		set(id, "methods", methods);
	else
		json_decref(methods);
	json_t *a = json_array();
	json_array_append_new(a, id);
	return a;
}

static json_t *occurrences_json(const struct vti_sbom *s, const struct vt_component *c)
{
	json_t *a = json_array();
	for (size_t k = 0; c->occ && k < c->n_occ && json_array_size(a) < MAX_OCCURRENCES; k++) {
		const struct vt_occurrence *oc = &c->occ[k];
		if (!oc->object)
			continue;
		json_t *j = json_object();
		set(j, "location", vti_json_text(vti_sbom_location(s->r, oc->object)));
		const struct vt_evidence *e = oc->evidence;
		if (e && e->has_offset && e->offset <= (uint64_t)INT64_MAX)
			set(j, "offset", json_integer((json_int_t)e->offset));
		if (e) {
			char ctx[512];
			snprintf(ctx, sizeof(ctx), "%s%s%s%s%s", vt_evidence_kind_name(e->kind),
				 e->rule ? " (" : "", e->rule ? e->rule : "", e->rule ? ")" : "",
				 e->excerpt ? ": " : "");
			size_t l = strlen(ctx);
			if (e->excerpt)
				snprintf(ctx + l, sizeof(ctx) - l, "%s", e->excerpt);
			set(j, "additionalContext", vti_json_text(ctx));
		}
		json_array_append_new(a, j);
	}
	return a;
}

static json_t *component_json(const struct vti_sbom *s, size_t i)
{
	const struct vt_component *c = &s->c[i];
	json_t *j = json_object();
	set(j, "type", json_string(vti_sbom_type(s, i)));
	set(j, "bom-ref", vti_json_text(s->ref[i]));
	set(j, "name", vti_json_text(c->name ? c->name : c->product ? c->product : "unknown"));
	if (c->version)
		set(j, "version", vti_json_text(c->version));
	const struct vt_object *own = vti_sbom_own_file(s, i);
	if (own) {
		char hex[VT_SHA256_HEX_LEN + 1];
		vt_sha256_hex(own->sha256, hex);
		set(j, "hashes", sha256_hashes(hex));
	}
	if (c->cpe)
		set(j, "cpe", vti_json_text(c->cpe));
	if (c->purl)
		set(j, "purl", vti_json_text(c->purl));

	json_t *ev = json_object();
	set(ev, "identity", identity_json(c));
	json_t *occ = occurrences_json(s, c);
	if (json_array_size(occ))
		set(ev, "occurrences", occ);
	else
		json_decref(occ);
	set(j, "evidence", ev);

	json_t *props = json_array();
	char num[32];
	snprintf(num, sizeof(num), "%u", c->confidence);
	prop(props, "vetter:confidence", num);
	prop(props, "vetter:product", c->product);
	prop(props, "vetter:in_catalogue", c->in_catalogue ? "true" : "false");
	prop(props, "vetter:cpe_update", c->update);
	for (size_t k = 1; c->cpe_pairs && k < c->n_cpe_pairs; k++)
		prop(props, "vetter:cpe_pair", c->cpe_pairs[k]);
	if (c->container)
		prop(props, "vetter:contained_in", vti_sbom_location(s->r, c->container));
	/* distribution versions as found (each once) */
	for (size_t k = 0; c->occ && k < c->n_occ; k++) {
		const struct vt_evidence *e = c->occ[k].evidence;
		if (!e || !e->raw_version || (c->version && !strcmp(e->raw_version, c->version)))
			continue;
		bool seen = false;
		for (size_t m = 0; m < k && !seen; m++) {
			const struct vt_evidence *p = c->occ[m].evidence;
			seen = p && p->raw_version && !strcmp(p->raw_version, e->raw_version);
		}
		if (!seen)
			prop(props, "vetter:raw_version", e->raw_version);
	}
	set(j, "properties", props);
	return j;
}

/* An RFC 3339 time from a database time ("2024-03-01T10:00:00.123", "2024-03-01"); NULL
 * when it is neither. */
static json_t *rfc3339(const char *t)
{
	if (!t)
		return NULL;
	size_t n = strlen(t);
	if (n < 10 || n > 40)
		return NULL;
	for (size_t i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? t[i] != '-' : !(t[i] >= '0' && t[i] <= '9'))
			return NULL;
	char buf[64];
	if (n == 10) {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", t);
		return json_string(buf);
	}
	if (n < 19 || t[10] != 'T' || t[13] != ':' || t[16] != ':')
		return NULL;
	for (size_t i = 11; i < 19; i++)
		if (i != 13 && i != 16 && !(t[i] >= '0' && t[i] <= '9'))
			return NULL;
	size_t k = 19;
	if (t[k] == '.') {
		k++;
		while (t[k] >= '0' && t[k] <= '9')
			k++;
	}
	if (!t[k]) { /* no zone: database times are UTC */
		snprintf(buf, sizeof(buf), "%sZ", t);
		return json_string(buf);
	}
	if ((t[k] == 'Z' && !t[k + 1]) ||
	    ((t[k] == '+' || t[k] == '-') && strlen(t + k) == 6 && t[k + 3] == ':'))
		return json_string(t);
	return NULL;
}

static json_t *rating(const char *method, double score, const char *severity, const char *vector)
{
	static const char *const sev[] = {"critical", "high", "medium", "low", "none"};
	json_t *j = json_object();
	set(j, "source", json_pack("{s:s}", "name", "NVD"));
	set(j, "score", json_real(score));
	const char *lower = "unknown";
	for (size_t i = 0; severity && i < VT_ARRAY_LEN(sev); i++)
		if (!strcasecmp(severity, sev[i]))
			lower = sev[i];
	set(j, "severity", json_string(lower));
	set(j, "method", json_string(method));
	if (vector)
		set(j, "vector", vti_json_text(vector));
	return j;
}

/* CycloneDX analysis state and justification of an OpenVEX (or CycloneDX) statement. */
static const char *vex_state(const char *status)
{
	static const char *const map[][2] = {
		{"not_affected", "not_affected"}, {"affected", "exploitable"},
		{"fixed", "resolved"},		  {"under_investigation", "in_triage"},
		{"exploitable", "exploitable"},	  {"resolved", "resolved"},
		{"in_triage", "in_triage"},	  {"false_positive", "false_positive"},
		{"resolved_with_pedigree", "resolved_with_pedigree"},
	};
	for (size_t i = 0; status && i < VT_ARRAY_LEN(map); i++)
		if (!strcmp(status, map[i][0]))
			return map[i][1];
	return NULL;
}

static const char *vex_justification(const char *j)
{
	static const char *const map[][2] = {
		{"component_not_present", "code_not_present"},
		{"vulnerable_code_not_present", "code_not_present"},
		{"vulnerable_code_not_in_execute_path", "code_not_reachable"},
		{"vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment"},
		{"inline_mitigations_already_exist", "protected_by_mitigating_control"},
		{"code_not_present", "code_not_present"},
		{"code_not_reachable", "code_not_reachable"},
		{"requires_configuration", "requires_configuration"},
		{"requires_dependency", "requires_dependency"},
		{"requires_environment", "requires_environment"},
		{"protected_by_compiler", "protected_by_compiler"},
		{"protected_at_runtime", "protected_at_runtime"},
		{"protected_at_perimeter", "protected_at_perimeter"},
		{"protected_by_mitigating_control", "protected_by_mitigating_control"},
	};
	for (size_t i = 0; j && i < VT_ARRAY_LEN(map); i++)
		if (!strcmp(j, map[i][0]))
			return map[i][1];
	return NULL;
}

static json_t *cwes_json(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list; p && *p;) {
		const char *q = strstr(p, "CWE-");
		if (!q)
			break;
		q += 4;
		long v = 0;
		size_t k = 0;
		while (q[k] >= '0' && q[k] <= '9' && k < 9)
			v = v * 10 + (q[k++] - '0');
		bool seen = !k;
		for (size_t i = 0; !seen && i < json_array_size(a); i++)
			seen = json_integer_value(json_array_get(a, i)) == v;
		if (!seen)
			json_array_append_new(a, json_integer(v));
		p = q + k;
	}
	return a;
}

static json_t *vulnerability_json(const struct vti_sbom *s, size_t i,
				  const struct vt_component_vuln *v)
{
	const struct vt_vuln_match *m = v->match;
	json_t *j = json_object();
	char ref[512];
	snprintf(ref, sizeof(ref), "%s/%s", m->cve, s->ref[i]);
	set(j, "bom-ref", vti_json_text(ref));
	set(j, "id", vti_json_text(m->cve));
	char url[256];
	snprintf(url, sizeof(url), "https://nvd.nist.gov/vuln/detail/%s", m->cve);
	set(j, "source", json_pack("{s:s, s:o}", "name", "NVD", "url", vti_json_text(url)));
	json_t *ratings = json_array();
	if (m->cvss4_score > 0 || m->cvss4_vector)
		json_array_append_new(ratings, rating("CVSSv4", m->cvss4_score, m->cvss4_severity,
						      m->cvss4_vector));
	if (m->cvss3_score > 0 || m->cvss3_vector) {
		bool v30 = m->cvss3_vector && !strncmp(m->cvss3_vector, "CVSS:3.0", 8);
		json_array_append_new(ratings, rating(v30 ? "CVSSv3" : "CVSSv31", m->cvss3_score,
						      m->cvss3_severity, m->cvss3_vector));
	}
	if (json_array_size(ratings))
		set(j, "ratings", ratings);
	else
		json_decref(ratings);
	json_t *cwes = cwes_json(m->cwe);
	if (json_array_size(cwes))
		set(j, "cwes", cwes);
	else
		json_decref(cwes);
	if (m->description)
		set(j, "description", vti_json_text(m->description));
	if (m->fixed) {
		char rec[256];
		snprintf(rec, sizeof(rec), "Upgrade to version %s or later.", m->fixed);
		set(j, "recommendation", vti_json_text(rec));
	}
	set(j, "published", rfc3339(m->published));
	set(j, "updated", rfc3339(m->last_modified));
	const char *state = vex_state(v->vex_status);
	if (state) {
		json_t *an = json_object();
		set(an, "state", json_string(state));
		const char *just = vex_justification(v->vex_justification);
		if (just)
			set(an, "justification", json_string(just));
		if (v->vex_detail || (v->vex_justification && !just))
			set(an, "detail", vti_json_text(v->vex_detail ? v->vex_detail
								    : v->vex_justification));
		set(j, "analysis", an);
	}
	json_t *aff = json_object();
	set(aff, "ref", vti_json_text(s->ref[i]));
	if (s->c[i].version) {
		json_t *vers = json_array();
		json_array_append_new(vers, json_pack("{s:o, s:s}", "version",
						      vti_json_text(s->c[i].version), "status",
						      v->suppressed ? "unaffected" : "affected"));
		set(aff, "versions", vers);
	}
	json_t *affects = json_array();
	json_array_append_new(affects, aff);
	set(j, "affects", affects);
	json_t *props = json_array();
	if (v->kev || m->kev) {
		prop(props, "vetter:kev", "true");
		prop(props, "vetter:kev_date_added", m->kev_date_added);
		if (m->kev_ransomware)
			prop(props, "vetter:kev_ransomware", "true");
	}
	if (m->has_epss) {
		char num[64];
		snprintf(num, sizeof(num), "%.5f", m->epss);
		prop(props, "vetter:epss", num);
		snprintf(num, sizeof(num), "%.5f", m->epss_percentile);
		prop(props, "vetter:epss_percentile", num);
	}
	prop(props, "vetter:criteria", m->criteria);
	prop(props, "vetter:source", m->source);
	if (v->suppressed)
		prop(props, "vetter:suppressed", "true");
	if (json_array_size(props))
		set(j, "properties", props);
	else
		json_decref(props);
	return j;
}

static json_t *vulnerabilities_json(const struct vti_sbom *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; s->c[i].vulns && k < s->c[i].n_vulns; k++) {
			const struct vt_component_vuln *v = &s->c[i].vulns[k];
			if (v->match && v->match->cve)
				json_array_append_new(a, vulnerability_json(s, i, v));
		}
	return a;
}

static json_t *dependencies_json(const struct vti_sbom *s)
{
	json_t *a = json_array();
	json_t *top = json_array();
	for (size_t i = 0; i < s->n; i++)
		if (s->top[i])
			json_array_append_new(top, vti_json_text(s->ref[i]));
	json_t *art = json_object();
	set(art, "ref", json_string(ARTIFACT_REF));
	set(art, "dependsOn", top);
	json_array_append_new(a, art);
	for (size_t i = 0; i < s->n; i++) {
		json_t *d = json_object();
		set(d, "ref", vti_json_text(s->ref[i]));
		json_t *on = json_array();
		for (size_t k = 0; k < s->n_deps[i]; k++)
			json_array_append_new(on, vti_json_text(s->ref[s->deps[i][k]]));
		set(d, "dependsOn", on);
		json_array_append_new(a, d);
	}
	return a;
}

vt_err vti_cyclonedx_write(const struct vt_review *r, const struct vt_component *c, size_t n,
			   FILE *f)
{
	struct vti_sbom s;
	vt_err e = vti_sbom_init(&s, r, c, n);
	char uuid[37];
	if (!e)
		e = vti_sbom_uuid(uuid);
	if (e) {
		vti_sbom_fini(&s);
		return e;
	}
	char serial[64], ts[32];
	snprintf(serial, sizeof(serial), "urn:uuid:%s", uuid);
	vti_sbom_time(s.created, ts, sizeof(ts));

	json_t *doc = json_object();
	set(doc, "$schema", json_string("http://cyclonedx.org/schema/bom-1.6.schema.json"));
	set(doc, "bomFormat", json_string("CycloneDX"));
	set(doc, "specVersion", json_string("1.6"));
	set(doc, "serialNumber", json_string(serial));
	set(doc, "version", json_integer(1));

	json_t *meta = json_object();
	set(meta, "timestamp", json_string(ts));
	json_t *tool = json_pack("{s:s, s:s, s:s}", "type", "application", "name", "vetter",
				 "version", vt_version());
	json_t *tools = json_object();
	json_t *tool_list = json_array();
	json_array_append_new(tool_list, tool);
	set(tools, "components", tool_list);
	set(meta, "tools", tools);
	set(meta, "component", metadata_component(&s));
	set(doc, "metadata", meta);

	json_t *comps = json_array();
	for (size_t i = 0; i < s.n; i++)
		json_array_append_new(comps, component_json(&s, i));
	set(doc, "components", comps);
	set(doc, "dependencies", dependencies_json(&s));
	json_t *vulns = vulnerabilities_json(&s);
	if (json_array_size(vulns))
		set(doc, "vulnerabilities", vulns);
	else
		json_decref(vulns);
	vti_sbom_fini(&s);
	return vti_sbom_dump(doc, f);
}

static vt_err write_cyclonedx(const struct vt_review *r, const struct vt_report_opts *o, FILE *f)
{
	(void)o;
	size_t n = vt_review_component_count(r);
	return vti_cyclonedx_write(r, n ? vt_review_component(r, 0) : NULL, n, f);
}

const struct vt_report_writer vt_report_cyclonedx = {
	.name = "cyclonedx",
	.mime = "application/vnd.cyclonedx+json",
	.extension = ".cdx.json",
	.description = "CycloneDX 1.6 JSON SBOM: the artifact, its components and evidence",
	.write = write_cyclonedx,
};
