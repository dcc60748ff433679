/* config.c - NVD configuration semantics (see config.h and docs/matching.md).
 *
 * The input is the "configurations" array of a CVE record as stored by the importers: data
 * from the network or from files, so every member is type-checked and a malformed
 * configuration is VT_EFORMAT, never a crash. Criteria strings are parsed into a stack
 * buffer (no allocation): this runs for every candidate CVE of every component.
 *
 * An entry (cpeMatch) is satisfied by a target when part, vendor and product match (CPE
 * attribute matching, wildcards allowed), and the version does:
 *   - criterion version ANY without a range: every version, also an unknown one;
 *   - criterion version ANY with versionStart/End bounds: the target's version (known) lies
 *     within them (vti_version_cmp);
 *   - criterion version NA: a target whose version is NA ("-") or unknown (NULL, ""):
 *     NVD writes platforms and devices without versions ("cpe:2.3:h:espressif:esp32:-",
 *     "cpe:2.3:o:microsoft:windows:-"), and a component found without a version is that;
 *     a target with a known version does not match NA;
 *   - a specific criterion version: equal to the target's version (CPE string match, or
 *     equal under vti_version_cmp so "2.36" equals "2.36.0"), and the update field matches:
 *     ANY matches any update, NA only a target without one, a value only the same value.
 *     "openssh:9.2:p1" is satisfied by version "9.2" update "p1" and by version "9.2p1"
 *     without an update.
 * The other attributes (edition, language, sw_edition, target_sw, target_hw, other) are not
 * known of targets and are not compared.
 *
 * A node holds when its entries, each satisfied by some target of the artifact, combine by
 * its operator (OR by default), then negated if "negate"; a configuration holds when its
 * nodes combine by its operator (OR by default), then negated if "negate". A target is
 * matched by a configuration that holds and contains a vulnerable entry satisfied by that
 * target itself, in a node that is not negated and holds. Platform entries ("vulnerable":
 * false) only make configurations hold. Configurations are alternatives: the first that
 * matches gives the hit.
 */
#include "core/internal.h"

#include <strings.h>

#include "vulndb/config.h"
#include "vulndb/version.h"

struct entry {
	const char *criteria;
	bool vulnerable;
	const char *si, *se, *ei, *ee; /* versionStart/End Including/Excluding, NULL if absent */
	struct vti_cpe_raw raw;        /* checked, as written */
	bool parsed;                   /* cpe is filled (lazily: most entries name other
					* products and are rejected on the raw attributes) */
	struct vti_cpe cpe;
	char buf[VTI_CPE_MAX + 1];
};

struct ctx {
	const struct vti_target *t;
	size_t n, which;
	struct entry *e; /* scratch for the entry being read */
};

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

/* An optional string member: absent, null and "" are NULL; another type is an error. */
static bool opt_str(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	if (*s)
		*out = s;
	return true;
}

/* An optional boolean member (false when absent). */
static bool opt_bool(const json_t *o, const char *key, bool *out)
{
	const json_t *v = json_object_get(o, key);
	*out = false;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_boolean(v))
		return false;
	*out = json_is_true(v);
	return true;
}

/* The "operator" member: true for AND, false for OR (the default). */
static bool get_op(const json_t *o, bool *and_op)
{
	const char *s;
	*and_op = false;
	if (!opt_str(o, "operator", &s))
		return false;
	if (!s || ieq(s, "OR"))
		return true;
	if (ieq(s, "AND")) {
		*and_op = true;
		return true;
	}
	return false;
}

/* A string member value: "" is NULL; another type than string or null is an error. */
static bool str_val(const json_t *v, const char **out)
{
	*out = NULL;
	if (json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	if (*json_string_value(v))
		*out = json_string_value(v);
	return true;
}

/* Reads and checks one cpeMatch entry (one pass over its members). */
static vt_err get_entry(const json_t *m, struct entry *e)
{
	if (!json_is_object(m))
		return VT_EFORMAT;
	const json_t *crit = NULL, *vuln = NULL;
	e->si = e->se = e->ei = e->ee = NULL;
	e->parsed = false;
	for (void *it = json_object_iter((json_t *)m); it;
	     it = json_object_iter_next((json_t *)m, it)) {
		const char *k = json_object_iter_key(it);
		const json_t *v = json_object_iter_value(it);
		const char **bound = NULL;
		if (k[0] == 'c' && !strcmp(k, "criteria"))
			crit = v;
		else if (k[0] != 'v')
			continue;
		else if (!strcmp(k, "vulnerable"))
			vuln = v;
		else if (!strcmp(k, "versionStartIncluding"))
			bound = &e->si;
		else if (!strcmp(k, "versionStartExcluding"))
			bound = &e->se;
		else if (!strcmp(k, "versionEndIncluding"))
			bound = &e->ei;
		else if (!strcmp(k, "versionEndExcluding"))
			bound = &e->ee;
		if (bound && !str_val(v, bound))
			return VT_EFORMAT;
	}
	if (!json_is_string(crit) || !json_is_boolean(vuln))
		return VT_EFORMAT;
	e->criteria = json_string_value(crit);
	e->vulnerable = json_is_true(vuln);
	return vti_cpe_scan(e->criteria, &e->raw) ? VT_EFORMAT : VT_OK;
}

/* A target's update as a CPE value: NULL when it has none (NULL, "", "*" or "-"). */
static const char *t_update(const struct vti_target *t)
{
	const char *u = t->update;
	if (!u || !*u || vti_cpe_is_any(u) || vti_cpe_is_na(u))
		return NULL;
	return u;
}

static bool update_ok(const char *crit, const char *tu)
{
	if (vti_cpe_is_any(crit))
		return true;
	if (vti_cpe_is_na(crit))
		return !tu;
	return tu && vti_cpe_attr_match(crit, tu);
}

static bool has_wildcard(const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' && v[1]) {
			v++;
			continue;
		}
		if (*v == '*' || *v == '?')
			return true;
	}
	return false;
}

static bool has_digit(const char *v)
{
	for (; *v; v++)
		if (*v >= '0' && *v <= '9')
			return true;
	return false;
}

/* Is the criterion version value `cv` the version `v`? */
static bool version_eq(const char *cv, const char *v)
{
	if (vti_cpe_attr_match(cv, v))
		return true;
	return !has_wildcard(cv) && has_digit(cv) && has_digit(v) && !strchr(cv, '\\') &&
	       vti_version_cmp(cv, v) == 0;
}

/* a then b into buf; false when it does not fit. */
static bool concat(char *buf, size_t cap, const char *a, const char *b)
{
	int k = snprintf(buf, cap, "%s%s", a, b);
	return k > 0 && (size_t)k < cap;
}

/* Compares the target's version with a range bound. The update takes part only when the
 * bound carries one after the same version ("9.3p2" against version "9.3" update "p1");
 * otherwise "9.3" update "p1" is version 9.3 for the bounds ("before 9.3" excludes it,
 * "through 9.3" includes it). */
static int range_cmp(const char *tv, const char *tu, const char *bound)
{
	if (tu) {
		size_t n = strlen(tv);
		if (strlen(bound) > n && !strncasecmp(bound, tv, n) &&
		    !(bound[n] >= '0' && bound[n] <= '9')) {
			char buf[256];
			if (concat(buf, sizeof(buf), tv, tu))
				return vti_version_cmp(buf, bound);
		}
	}
	return vti_version_cmp(tv, bound);
}

static bool version_ok(const struct entry *e, const struct vti_target *t)
{
	const char *cv = e->cpe.attr[VTI_CPE_VERSION], *cu = e->cpe.attr[VTI_CPE_UPDATE];
	const char *tv = (t->version && *t->version) ? t->version : NULL;
	const char *tu = t_update(t);
	bool ranged = e->si || e->se || e->ei || e->ee;
	bool t_na = !tv || vti_cpe_is_na(tv);

	if (vti_cpe_is_na(cv))
		return t_na && !ranged;
	if (vti_cpe_is_any(cv)) {
		if (!ranged)
			return update_ok(cu, tu);
		if (!tv || t_na || vti_cpe_is_any(tv))
			return false;
		if (e->si && range_cmp(tv, tu, e->si) < 0)
			return false;
		if (e->se && range_cmp(tv, tu, e->se) <= 0)
			return false;
		if (e->ei && range_cmp(tv, tu, e->ei) > 0)
			return false;
		if (e->ee && range_cmp(tv, tu, e->ee) >= 0)
			return false;
		return update_ok(cu, tu);
	}
	/* a specific version (ranges beside it are not NVD's practice; honoured if present) */
	if (!tv || t_na || vti_cpe_is_any(tv))
		return false;
	if (ranged) {
		struct entry r = *e;
		r.cpe.attr[VTI_CPE_VERSION] = "*";
		if (!version_ok(&r, t))
			return false;
	}
	char buf[256];
	if (version_eq(cv, tv) && update_ok(cu, tu))
		return true;
	/* the update written into the version on one side only */
	if (tu && vti_cpe_is_any(cu) && concat(buf, sizeof(buf), tv, tu))
		return version_eq(cv, buf);
	if (!tu && !vti_cpe_is_any(cu) && !vti_cpe_is_na(cu) && !has_wildcard(cu) &&
	    concat(buf, sizeof(buf), cv, cu))
		return version_eq(buf, tv);
	return false;
}

/* A literal raw attribute that differs from the target's value rejects the entry without
 * parsing it. */
static bool raw_rejects(const struct entry *e, int attr, const char *v)
{
	const char *f = e->raw.f[attr];
	size_t n = e->raw.n[attr];
	return vti_cpe_raw_literal(f, n) && !vti_cpe_raw_is(f, n, v);
}

static bool satisfies(struct entry *e, const struct vti_target *t)
{
	char part[2] = {t->part, 0};
	if (raw_rejects(e, VTI_CPE_PRODUCT, t->product) ||
	    raw_rejects(e, VTI_CPE_VENDOR, t->vendor))
		return false;
	if (!e->parsed) {
		if (vti_cpe_parse_buf(e->criteria, e->buf, sizeof(e->buf), &e->cpe))
			return false; /* cannot happen: vti_cpe_scan() accepted it */
		e->parsed = true;
	}
	return vti_cpe_attr_match(e->cpe.attr[VTI_CPE_PART], part) &&
	       vti_cpe_attr_match(e->cpe.attr[VTI_CPE_PRODUCT], t->product) &&
	       vti_cpe_attr_match(e->cpe.attr[VTI_CPE_VENDOR], t->vendor) && version_ok(e, t);
}

/* Is the entry satisfied by some target other than the one being matched? */
static bool satisfied_by_other(struct entry *e, const struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (i != c->which && satisfies(e, &c->t[i]))
			return true;
	return false;
}

/* Reads one node. Always validates it and sets *cand to its first vulnerable entry that the
 * matched target satisfies (NULL if none, or if the node is negated). With `full`, also
 * computes whether the node holds, and clears *cand when the node does not hold. */
static vt_err scan_node(const json_t *node, const struct ctx *c, bool full, bool *holds,
			const json_t **cand)
{
	struct entry *e = c->e;
	bool and_op, negate;
	*cand = NULL;
	*holds = false;
	if (!json_is_object(node) || !get_op(node, &and_op) || !opt_bool(node, "negate", &negate))
		return VT_EFORMAT;
	const json_t *ms = json_object_get(node, "cpeMatch");
	if (!json_is_array(ms))
		return VT_EFORMAT;
	bool v = and_op; /* AND of nothing holds, OR of nothing does not */
	size_t n = json_array_size(ms);
	for (size_t i = 0; i < n; i++) {
		const json_t *m = json_array_get(ms, i);
		vt_err err = get_entry(m, e);
		if (err)
			return err;
		bool mine = satisfies(e, &c->t[c->which]);
		if (mine && e->vulnerable && !negate && !*cand)
			*cand = m;
		if (!full)
			continue;
		/* AND: until one entry fails; OR: until one holds */
		if (and_op ? v : !v)
			v = mine || satisfied_by_other(e, c);
	}
	if (full) {
		if (!negate && !v)
			*cand = NULL;
		*holds = negate ? !v : v;
	}
	return VT_OK;
}

/* Evaluates one configuration: *hit is the matching vulnerable entry, or NULL. */
static vt_err eval_config(const json_t *cfg, const struct ctx *c, const json_t **hit)
{
	bool and_op, negate;
	*hit = NULL;
	if (!json_is_object(cfg) || !get_op(cfg, &and_op) || !opt_bool(cfg, "negate", &negate))
		return VT_EFORMAT;
	const json_t *nodes = json_object_get(cfg, "nodes");
	if (!json_is_array(nodes))
		return VT_EFORMAT;
	size_t n = json_array_size(nodes);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		bool h;
		const json_t *cand;
		vt_err e = scan_node(json_array_get(nodes, i), c, false, &h, &cand);
		if (e)
			return e;
		any = any || cand;
	}
	if (!any || !n)
		return VT_OK;
	bool v = and_op;
	const json_t *first = NULL;
	for (size_t i = 0; i < n; i++) {
		bool h;
		const json_t *cand;
		vt_err e = scan_node(json_array_get(nodes, i), c, true, &h, &cand);
		if (e)
			return e;
		v = and_op ? (v && h) : (v || h);
		if (cand && !first)
			first = cand;
	}
	if (negate)
		v = !v;
	if (v)
		*hit = first;
	return VT_OK;
}

bool vti_entry_satisfied(const char *criteria, const char *si, const char *se, const char *ei,
			 const char *ee, const struct vti_target *t)
{
	struct entry e;
	if (!criteria || !t || vti_cpe_scan(criteria, &e.raw))
		return false;
	e.criteria = criteria;
	e.vulnerable = true;
	e.si = si && *si ? si : NULL;
	e.se = se && *se ? se : NULL;
	e.ei = ei && *ei ? ei : NULL;
	e.ee = ee && *ee ? ee : NULL;
	e.parsed = false;
	return satisfies(&e, t);
}

bool vti_entry_version_satisfied(const char *part, const char *version, const char *update,
				 const char *si, const char *se, const char *ei, const char *ee,
				 const struct vti_target *t)
{
	struct entry e = {.vulnerable = true, .parsed = true};
	for (int i = 0; i < VTI_CPE_NATTR; i++)
		e.cpe.attr[i] = "*";
	e.cpe.attr[VTI_CPE_PART] = part && *part ? part : "*";
	e.cpe.attr[VTI_CPE_VERSION] = version && *version ? version : "*";
	e.cpe.attr[VTI_CPE_UPDATE] = update && *update ? update : "*";
	e.si = si && *si ? si : NULL;
	e.se = se && *se ? se : NULL;
	e.ei = ei && *ei ? ei : NULL;
	e.ee = ee && *ee ? ee : NULL;
	char tp[2] = {t->part, 0};
	return vti_cpe_attr_match(e.cpe.attr[VTI_CPE_PART], tp) && version_ok(&e, t);
}

vt_err vti_config_eval(const json_t *configurations, const struct vti_target *targets,
		       size_t n, size_t which, struct vt_arena *a, bool *matched,
		       struct vti_cfg_hit *hit)
{
	(void)a;
	if (!matched || !hit || !targets || which >= n)
		return VT_EINVAL;
	*matched = false;
	memset(hit, 0, sizeof(*hit));
	if (!configurations || !json_is_array(configurations))
		return VT_EFORMAT;
	struct entry scratch;
	struct ctx c = {targets, n, which, &scratch};
	const json_t *found = NULL;
	size_t nc = json_array_size(configurations);
	for (size_t i = 0; i < nc; i++) {
		const json_t *h;
		vt_err e = eval_config(json_array_get(configurations, i), &c, &h);
		if (e)
			return e;
		if (h && !found)
			found = h;
	}
	if (!found)
		return VT_OK;
	hit->criteria = json_string_value(json_object_get(found, "criteria"));
	(void)opt_str(found, "versionStartIncluding", &hit->start_incl);
	(void)opt_str(found, "versionStartExcluding", &hit->start_excl);
	(void)opt_str(found, "versionEndIncluding", &hit->end_incl);
	(void)opt_str(found, "versionEndExcluding", &hit->end_excl);
	hit->fixed = hit->end_excl;
	*matched = true;
	return VT_OK;
}
