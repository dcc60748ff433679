/* import_nvd.c - NVD CVE records (API 2.0 "cve" objects): response pages and feed files,
 * single records bare or wrapped as {"cve": ...}, and the nvd-data-overrides shape
 * ({"_annotation": {"cve_id", "description", ...}, "cve": {"configurations": [...]}}).
 *
 * A record's fields are type-checked one by one; a record without a valid id is a
 * diagnostic. Pages are streamed: the "vulnerabilities" array is walked by the lazy
 * scanner and each element is parsed on its own, so a feed file of any size needs one
 * record's memory.
 */
#include "core/internal.h"

#include <ctype.h>

#include "vulndb/import.h"

/* The CVSS metric of a family: the "Primary" one (NVD's own) when present, else the
 * first. */
static const json_t *pick_metric(const json_t *metrics, const char *family)
{
	const json_t *arr = json_object_get(metrics, family), *m, *first = NULL;
	size_t i;
	json_array_foreach(arr, i, m) {
		if (!json_is_object(json_object_get(m, "cvssData")))
			continue;
		if (!first)
			first = m;
		const char *type = vti_jstr(m, "type");
		if (type && !strcmp(type, "Primary"))
			return m;
	}
	return first;
}

static void take_cvss(const json_t *m, const char **vec, double *score, const char **sev)
{
	if (!m)
		return;
	const json_t *d = json_object_get(m, "cvssData");
	const char *v = vti_jstr(d, "vectorString");
	const json_t *sc = json_object_get(d, "baseScore");
	if (!v || !json_is_number(sc))
		return;
	double s = json_number_value(sc);
	if (!(s >= 0 && s <= 10))
		return;
	*vec = v;
	*score = s;
	*sev = vti_jstr(d, "baseSeverity");
	if (!*sev)
		*sev = vti_jstr(m, "baseSeverity");
}

/* "CWE-787,CWE-20" from the weaknesses, unique, in order; NULL when none. */
static char *cwe_list(const json_t *weaknesses)
{
	struct vt_buf b;
	vt_buf_init(&b, 1 << 14);
	size_t i, j;
	const json_t *w, *d;
	json_array_foreach(weaknesses, i, w) {
		json_array_foreach(json_object_get(w, "description"), j, d) {
			const char *v = vti_jstr(d, "value");
			if (!v || strncmp(v, "CWE-", 4) || strlen(v) > 16)
				continue;
			bool digits = v[4] != 0;
			for (const char *p = v + 4; *p; p++)
				digits = digits && isdigit((unsigned char)*p);
			if (!digits)
				continue;
			/* unique: look for ",v," in ",list," */
			const char *have = vt_buf_str(&b);
			size_t vl = strlen(v);
			bool dup = false;
			for (const char *p = strstr(have, v); p; p = strstr(p + 1, v))
				if ((p == have || p[-1] == ',') && (p[vl] == 0 || p[vl] == ','))
					dup = true;
			if (dup)
				continue;
			if ((b.len && vt_buf_add(&b, ",", 1)) || vt_buf_addstr(&b, v))
				break;
		}
	}
	if (!b.len) {
		vt_buf_release(&b);
		return NULL;
	}
	size_t len;
	return (char *)vt_buf_take(&b, &len);
}

vt_err vti_import_nvd_record(struct vti_imp *imp, const json_t *rec)
{
	if (!json_is_object(rec)) {
		vti_imp_diag(imp, "NVD record is not an object");
		return VT_OK;
	}
	const json_t *cve = rec, *ann = NULL;
	const char *source = "nvd";
	if (json_is_object(json_object_get(rec, "cve"))) {
		cve = json_object_get(rec, "cve");
		ann = json_object_get(rec, "_annotation");
		if (!json_is_object(ann))
			ann = NULL;
		if (ann && !vti_jstr(cve, "id"))
			source = "nvd-overrides";
	}
	struct vti_cve_rec r = {.source = source};
	r.id = vti_jstr(cve, "id");
	if (!r.id && ann)
		r.id = vti_jstr(ann, "cve_id");
	if (!r.id || !vti_valid_vuln_id(r.id)) {
		vti_imp_diag(imp, "NVD record without a valid id");
		return VT_OK;
	}
	vti_imp_record_begin(imp);
	r.description = vti_english(json_object_get(cve, "descriptions"));
	if (!r.description && ann)
		r.description = vti_jstr(ann, "description");
	r.published = vti_jstr(cve, "published");
	r.last_modified = vti_jstr(cve, "lastModified");
	r.status = vti_jstr(cve, "vulnStatus");
	const json_t *metrics = json_object_get(cve, "metrics");
	const json_t *m3 = pick_metric(metrics, "cvssMetricV31");
	if (!m3)
		m3 = pick_metric(metrics, "cvssMetricV30");
	take_cvss(m3, &r.cvss3_vector, &r.cvss3_score, &r.cvss3_severity);
	take_cvss(pick_metric(metrics, "cvssMetricV40"), &r.cvss4_vector, &r.cvss4_score,
		  &r.cvss4_severity);
	char *cwe = cwe_list(json_object_get(cve, "weaknesses"));
	r.cwe = cwe;
	vt_err e = vti_db_put_cve(imp, &r);
	free(cwe);
	if (e)
		return e;
	const json_t *cfg = json_object_get(cve, "configurations");
	if (json_is_array(cfg)) {
		if ((e = vti_db_put_config(imp, r.id, source, r.last_modified, cfg)))
			return e;
	} else if (cfg) {
		vti_imp_diag(imp, "%s: configurations is not an array", r.id);
	}
	const char *kev_added = vti_jstr(cve, "cisaExploitAdd");
	if (kev_added) {
		struct vti_kev_rec k = {
			.cve = r.id,
			.name = vti_jstr(cve, "cisaVulnerabilityName"),
			.date_added = kev_added,
			.due = vti_jstr(cve, "cisaActionDue"),
			.action = vti_jstr(cve, "cisaRequiredAction"),
		};
		if ((e = vti_db_put_kev(imp, &k, false)))
			return e;
	}
	vti_imp_record_end(imp);
	return VT_OK;
}

static vt_err page_elem(void *ud, struct vt_span elem)
{
	struct vti_imp *imp = ud;
	json_t *j = vti_json_load(imp, elem);
	if (!j)
		return VT_OK;
	vt_err e = vti_import_nvd_record(imp, j);
	json_decref(j);
	return e ? e : imp->fatal;
}

struct page_walk {
	struct vti_imp *imp;
	vt_err inner;
	bool seen;
};

static vt_err page_member(void *ud, const char *k, size_t n, struct vt_span v)
{
	struct page_walk *w = ud;
	if (n != 15 || memcmp(k, "vulnerabilities", 15))
		return VT_OK;
	w->seen = true;
	vt_err e = vti_json_array_foreach(v, page_elem, w->imp);
	if (w->imp->fatal)
		return w->imp->fatal;
	if (e)
		vti_imp_diag(w->imp, "malformed vulnerabilities array (%s)", vt_strerror(e));
	return VT_OK;
}

vt_err vti_import_nvd_page(struct vti_imp *imp, struct vt_span doc)
{
	struct page_walk w = {.imp = imp};
	size_t before = imp->st ? imp->st->errors : 0;
	vt_err e = vti_json_object_foreach(doc, page_member, &w);
	if (imp->fatal)
		return imp->fatal;
	if (e && (!imp->st || imp->st->errors == before))
		vti_imp_diag(imp, "malformed NVD page (%s)", vt_strerror(e));
	return VT_OK;
}

struct header_walk {
	size_t total, start, per_page, n;
	bool has_total, has_vulns, format_ok;
};

static bool span_size(struct vt_span v, size_t *out)
{
	char buf[32];
	if (!v.len || v.len >= sizeof(buf))
		return false;
	memcpy(buf, v.p, v.len);
	buf[v.len] = 0;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(buf, &end, 10);
	if (errno || *end || buf[0] == '-' || x > SIZE_MAX)
		return false;
	*out = (size_t)x;
	return true;
}

static vt_err count_elem(void *ud, struct vt_span elem)
{
	(*(size_t *)ud)++;
	return VT_OK;
}

static vt_err header_member(void *ud, const char *k, size_t n, struct vt_span v)
{
	struct header_walk *h = ud;
#define IS(s) (n == sizeof(s) - 1 && !memcmp(k, s, n))
	if (IS("totalResults"))
		h->has_total = span_size(v, &h->total);
	else if (IS("startIndex"))
		(void)span_size(v, &h->start);
	else if (IS("resultsPerPage"))
		(void)span_size(v, &h->per_page);
	else if (IS("format"))
		h->format_ok = v.len == 9 && !memcmp(v.p, "\"NVD_CVE\"", 9);
	else if (IS("vulnerabilities")) {
		h->has_vulns = true;
		return vti_json_array_foreach(v, count_elem, &h->n);
	}
#undef IS
	return VT_OK;
}

vt_err vti_nvd_page_header(struct vt_span doc, size_t *total, size_t *start, size_t *per_page,
			   size_t *n)
{
	struct header_walk h = {0};
	vt_err e = vti_json_object_foreach(doc, header_member, &h);
	if (e)
		return e;
	if (!h.has_total || !h.has_vulns || !h.format_ok)
		return VT_EFORMAT;
	*total = h.total;
	*start = h.start;
	*per_page = h.per_page;
	*n = h.n;
	return VT_OK;
}
