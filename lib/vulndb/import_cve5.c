/* import_cve5.c - CVE JSON 5.x records (cve.org, cisagov/vulnrichment): descriptions,
 * CVSS metrics and CWEs of the CNA and ADP containers, the KEV facts of CISA's ADP, and
 * "affected" entries that carry CPEs, converted to an NVD-shaped configuration so that
 * matching has one semantics (config.c).
 *
 * Conversion: the affected entries of all containers are grouped by the vendor and product
 * of their CPEs. In a group, "affected" version entries become cpeMatch entries: {version,
 * lessThan} -> versionStartIncluding (unless "0" or unspecified) and versionEndExcluding,
 * lessThanOrEqual -> versionEndIncluding ("6.1.*" -> versionEndExcluding "6.2"), a bare
 * version -> the CPE with that version. When the group's defaultStatus is "affected" (the
 * Linux kernel's records), every version from the first affected one on is affected except
 * the "unaffected" ranges: the gaps between those ranges become range entries. Commit ids
 * (versionType "git") are not versions and are skipped. Entries without CPEs (vendor and
 * product names only) are not converted: names are not CPEs.
 */
#include "core/internal.h"

#include "vulndb/cpe.h"
#include "vulndb/import.h"
#include "vulndb/version.h"

static bool unspecified(const char *v)
{
	return !v || !*v || !strcmp(v, "0") || !strcmp(v, "*") || !strcmp(v, "-") ||
	       !strcmp(v, "n/a") || !strcmp(v, "unspecified") || !strcmp(v, "unknown");
}

static vt_err add_match(json_t *list, const char *criteria, const char *start, const char *key,
			const char *end)
{
	json_t *m = json_object();
	if (!m)
		return VT_ENOMEM;
	int rc = json_object_set_new(m, "vulnerable", json_true());
	rc |= json_object_set_new(m, "criteria", json_string(criteria));
	if (start)
		rc |= json_object_set_new(m, "versionStartIncluding", json_string(start));
	if (key && end)
		rc |= json_object_set_new(m, key, json_string(end));
	rc |= json_array_append_new(list, m);
	return rc ? VT_ENOMEM : VT_OK;
}

/* A commit id rather than a version: versionType "git", or 7-40 hex digits without a dot. */
static bool is_commit(const json_t *v, const char *s)
{
	const char *type = vti_jstr(v, "versionType");
	if (type && !strcmp(type, "git"))
		return true;
	size_t n = s ? strlen(s) : 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n >= 7 && n <= 40 && strspn(s, "0123456789abcdef") >= n;
}

struct ival {
	const char *lo;  /* NULL: from the start */
	const char *hi;  /* NULL: to the end */
	bool hi_incl;
	char *owned;     /* hi computed from "X.*" */
};

static int cmp_lo(const void *a, const void *b)
{
	const struct ival *x = a, *y = b;
	if (!x->lo || !y->lo)
		return !x->lo ? (!y->lo ? 0 : -1) : 1;
	return vti_version_cmp(x->lo, y->lo);
}

/* "6.1.*" -> "6.2": the first version after the branch; NULL when there is none. */
static char *branch_end(const char *lte)
{
	size_t n = strlen(lte);
	if (n < 3 || strcmp(lte + n - 2, ".*"))
		return NULL;
	char *s = strndup(lte, n - 2);
	if (!s)
		return NULL;
	char *dot = strrchr(s, '.');
	char *num = dot ? dot + 1 : s;
	if (!*num || strspn(num, "0123456789") != strlen(num) || strlen(num) > 9) {
		free(s);
		return NULL;
	}
	unsigned long v = strtoul(num, NULL, 10) + 1;
	char *out = NULL;
	if (asprintf(&out, "%.*s%lu", (int)(num - s), s, v) < 0)
		out = NULL;
	free(s);
	return out;
}

/* The version entries of every affected entry naming the CPE `prefix` (vendor and product):
 * CVE 5 states either "affected ranges" (defaultStatus unaffected) or "affected from a
 * version, except these unaffected ranges" (defaultStatus affected, the kernel's way). */
static vt_err convert_group(const json_t *entries, const char *cpe, json_t *list)
{
	struct ival iv[256];
	size_t ni = 0;
	const char *lower = NULL;
	bool default_affected = false, any = false;
	vt_err e = VT_OK;
	size_t i, j;
	const json_t *aff, *v;
	json_array_foreach(entries, i, aff) {
		bool used = false;
		json_array_foreach(json_object_get(aff, "versions"), j, v) {
			const char *status = vti_jstr(v, "status"), *ver = vti_jstr(v, "version");
			const char *lt = vti_jstr(v, "lessThan");
			const char *lte = vti_jstr(v, "lessThanOrEqual");
			if (!status || is_commit(v, ver) || is_commit(v, lt) || is_commit(v, lte))
				continue;
			used = true;
			bool affected = !strcmp(status, "affected");
			if (affected && !lt && !lte) {
				/* an affected version: the first affected one, or a single one */
				if (unspecified(ver))
					continue;
				if (!lower || vti_version_cmp(ver, lower) < 0)
					lower = ver;
				char *exact = vti_cpe_with_version(cpe, ver);
				if (!exact)
					continue;
				e = add_match(list, exact, NULL, NULL, NULL);
				free(exact);
				any = true;
			} else if (affected) {
				const char *end = lt ? lt : lte;
				char *be = lte ? branch_end(lte) : NULL;
				if (be)
					e = add_match(list, cpe, unspecified(ver) ? NULL : ver,
						      "versionEndExcluding", be);
				else if (strcmp(end, "*"))
					e = add_match(list, cpe, unspecified(ver) ? NULL : ver,
						      lt ? "versionEndExcluding"
							 : "versionEndIncluding",
						      end);
				else if (!unspecified(ver))
					e = add_match(list, cpe, ver, NULL, NULL);
				free(be);
				any = true;
			} else if (!strcmp(status, "unaffected") && ni < VT_ARRAY_LEN(iv)) {
				struct ival *x = &iv[ni];
				memset(x, 0, sizeof(*x));
				x->lo = unspecified(ver) ? NULL : ver;
				if (lt) {
					x->hi = strcmp(lt, "*") ? lt : NULL;
				} else if (lte) {
					x->owned = branch_end(lte);
					x->hi = x->owned;
					if (!x->owned && strcmp(lte, "*")) {
						x->hi = lte;
						x->hi_incl = true;
					}
				} else if (x->lo) {
					x->hi = x->lo;
					x->hi_incl = true;
				} else {
					continue;
				}
				ni++;
			}
			if (e)
				goto out;
		}
		const char *d = vti_jstr(aff, "defaultStatus");
		if (used && d && !strcmp(d, "affected"))
			default_affected = true;
	}
	if (!default_affected || !ni)
		goto out;
	/* affected: [lower, end) minus the unaffected intervals. The exact entry of `lower`
	 * added above is covered by the ranges. */
	qsort(iv, ni, sizeof(*iv), cmp_lo);
	const char *cur = lower;
	bool cur_excl = false, open = true;
	for (size_t k = 0; k < ni && open && !e; k++) {
		struct ival *x = &iv[k];
		if (x->lo && (!cur || vti_version_cmp(x->lo, cur) > 0)) {
			json_t *m = json_pack("{s:b, s:s, s:s}", "vulnerable", 1, "criteria", cpe,
					      "versionEndExcluding", x->lo);
			if (!m || (cur && json_object_set_new(m, cur_excl ? "versionStartExcluding"
									 : "versionStartIncluding",
							      json_string(cur))) ||
			    json_array_append_new(list, m))
				e = VT_ENOMEM;
			any = true;
		}
		if (!x->hi) {
			open = false;
		} else if (!cur || vti_version_cmp(x->hi, cur) > 0 ||
			   (!vti_version_cmp(x->hi, cur) && x->hi_incl)) {
			cur = x->hi;
			cur_excl = x->hi_incl;
		}
	}
	if (!e && open && cur) {
		e = add_match(list, cpe, cur_excl ? NULL : cur, NULL, NULL);
		if (!e && cur_excl) {
			json_t *last = json_array_get(list, json_array_size(list) - 1);
			json_object_set_new(last, "versionStartExcluding", json_string(cur));
		}
	}
out:
	for (size_t k = 0; k < ni; k++)
		free(iv[k].owned);
	(void)any;
	return e;
}

/* Groups the affected entries of all containers by the vendor and product of their CPEs
 * and converts each group. */
static vt_err convert_all(const json_t *cna, const json_t *adps, json_t *list, struct vt_arena *a)
{
	json_t *groups = json_object(); /* "cpe:2.3:p:vendor:product" -> [entries] */
	if (!groups)
		return VT_ENOMEM;
	vt_err e = VT_OK;
	const json_t *conts[65];
	size_t nconts = 0, i, j, k;
	conts[nconts++] = cna;
	const json_t *adp, *aff, *c;
	json_array_foreach(adps, i, adp) {
		if (nconts < VT_ARRAY_LEN(conts))
			conts[nconts++] = adp;
	}
	for (i = 0; i < nconts && !e; i++) {
		json_array_foreach(json_object_get(conts[i], "affected"), j, aff) {
			json_array_foreach(json_object_get(aff, "cpes"), k, c) {
				const char *cpe = json_string_value(c);
				struct vti_cpe p;
				if (!cpe || vti_cpe_parse(cpe, a, &p) != VT_OK)
					continue;
				char *key = vti_cpe_with_version(cpe, "*");
				if (!key) {
					e = VT_ENOMEM;
					break;
				}
				/* the key is the CPE with ANY version; a CPE naming a version is
				 * taken as the statement's subject, its version from "versions" */
				json_t *g = json_object_get(groups, key);
				if (!g) {
					g = json_array();
					if (!g || json_object_set_new(groups, key, g)) {
						free(key);
						e = VT_ENOMEM;
						break;
					}
				}
				free(key);
				if (json_array_append(g, (json_t *)aff)) {
					e = VT_ENOMEM;
					break;
				}
			}
			if (e)
				break;
		}
	}
	const char *key;
	json_t *g;
	json_object_foreach(groups, key, g) {
		if (!e)
			e = convert_group(g, key, list);
	}
	json_decref(groups);
	return e;
}

static void take_metrics(const json_t *cont, struct vti_cve_rec *r, const char **kev_added)
{
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(cont, "metrics"), i, m) {
		static const char *const v3[] = {"cvssV3_1", "cvssV3_0"};
		for (size_t k = 0; k < 2 && !r->cvss3_vector; k++) {
			const json_t *c = json_object_get(m, v3[k]);
			const json_t *s = json_object_get(c, "baseScore");
			const char *vec = vti_jstr(c, "vectorString");
			if (vec && json_is_number(s) && json_number_value(s) >= 0 &&
			    json_number_value(s) <= 10) {
				r->cvss3_vector = vec;
				r->cvss3_score = json_number_value(s);
				r->cvss3_severity = vti_jstr(c, "baseSeverity");
			}
		}
		const json_t *c4 = json_object_get(m, "cvssV4_0");
		const json_t *s4 = json_object_get(c4, "baseScore");
		if (!r->cvss4_vector && vti_jstr(c4, "vectorString") && json_is_number(s4) &&
		    json_number_value(s4) >= 0 && json_number_value(s4) <= 10) {
			r->cvss4_vector = vti_jstr(c4, "vectorString");
			r->cvss4_score = json_number_value(s4);
			r->cvss4_severity = vti_jstr(c4, "baseSeverity");
		}
		const json_t *other = json_object_get(m, "other");
		const char *type = vti_jstr(other, "type");
		if (type && !strcmp(type, "kev") && !*kev_added)
			*kev_added = vti_jstr(json_object_get(other, "content"), "dateAdded");
	}
}

static vt_err add_cwes(const json_t *cont, struct vt_buf *b)
{
	size_t i, j;
	const json_t *p, *d;
	json_array_foreach(json_object_get(cont, "problemTypes"), i, p) {
		json_array_foreach(json_object_get(p, "descriptions"), j, d) {
			const char *id = vti_jstr(d, "cweId");
			if (!id || strncmp(id, "CWE-", 4) || strlen(id) > 16 ||
			    strspn(id + 4, "0123456789") != strlen(id + 4) || !id[4])
				continue;
			const char *have = vt_buf_str(b);
			const char *hit = strstr(have, id);
			size_t n = strlen(id);
			if (hit && (hit == have || hit[-1] == ',') &&
			    (hit[n] == 0 || hit[n] == ','))
				continue;
			if ((b->len && vt_buf_add(b, ",", 1)) || vt_buf_addstr(b, id))
				return VT_ENOMEM;
		}
	}
	return VT_OK;
}

vt_err vti_import_cve5(struct vti_imp *imp, const json_t *rec)
{
	const json_t *meta = json_object_get(rec, "cveMetadata");
	const json_t *conts = json_object_get(rec, "containers");
	const json_t *cna = json_object_get(conts, "cna");
	const json_t *adps = json_object_get(conts, "adp");
	struct vti_cve_rec r = {.source = "cve5"};
	r.id = vti_jstr(meta, "cveId");
	if (!r.id || !vti_valid_vuln_id(r.id)) {
		vti_imp_diag(imp, "CVE 5 record without a valid cveMetadata.cveId");
		return VT_OK;
	}
	vti_imp_record_begin(imp);
	const char *state = vti_jstr(meta, "state");
	r.status = state && !strcmp(state, "REJECTED") ? "Rejected" : NULL;
	r.published = vti_jstr(meta, "datePublished");
	r.last_modified = vti_jstr(meta, "dateUpdated");
	r.description = vti_english(json_object_get(cna, "descriptions"));
	if (!r.description)
		r.description = vti_english(json_object_get(cna, "rejectedReasons"));
	const char *kev_added = NULL;
	take_metrics(cna, &r, &kev_added);
	size_t i;
	const json_t *adp;
	json_array_foreach(adps, i, adp)
		take_metrics(adp, &r, &kev_added);
	struct vt_buf cwe;
	vt_buf_init(&cwe, 1 << 14);
	vt_err e = add_cwes(cna, &cwe);
	json_array_foreach(adps, i, adp) {
		if (!e)
			e = add_cwes(adp, &cwe);
	}
	if (e) {
		vt_buf_release(&cwe);
		return imp->fatal = e;
	}
	r.cwe = cwe.len ? vt_buf_str(&cwe) : NULL;
	e = vti_db_put_cve(imp, &r);
	vt_buf_release(&cwe);
	if (e)
		return e;

	json_t *list = json_array();
	struct vt_arena *a = vt_arena_new();
	if (!list || !a) {
		json_decref(list);
		vt_arena_free(a);
		return imp->fatal = VT_ENOMEM;
	}
	e = convert_all(cna, adps, list, a);
	vt_arena_free(a);
	if (!e && json_array_size(list)) {
		json_t *cfgs = json_pack("[{s:[{s:s, s:b, s:O}]}]", "nodes", "operator", "OR",
					 "negate", 0, "cpeMatch", list);
		if (!cfgs)
			e = imp->fatal = VT_ENOMEM;
		else
			e = vti_db_put_config(imp, r.id, "cve5", r.last_modified, cfgs);
		json_decref(cfgs);
	} else if (e) {
		imp->fatal = e;
	}
	json_decref(list);
	if (e)
		return e;
	if (kev_added) {
		struct vti_kev_rec k = {.cve = r.id, .date_added = kev_added};
		if ((e = vti_db_put_kev(imp, &k, false)))
			return e;
	}
	vti_imp_record_end(imp);
	return VT_OK;
}
