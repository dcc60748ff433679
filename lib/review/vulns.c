/* vulns.c - the post-analysis phase that attaches known vulnerabilities to components:
 * one query per (component, CPE vendor:product pair) to the vulnerability database, all
 * queries of the review evaluated together (so "running on" platforms and AND
 * configurations see every component), then VEX statements applied to the matches.
 *
 * The database is optional: without one the review says so once and goes on. The VEX
 * document is untrusted input read with a size limit and parsed by vulndb/vex.c.
 */
#include "core/internal.h"

#include <fcntl.h>

#include "review/review_int.h"
#include "vulndb/vex.h"

#define VEX_MAX (64u << 20)

static void apply_vex(struct vt_review *r, struct vt_arena *a)
{
	struct vt_buf doc;
	vt_buf_init(&doc, VEX_MAX);
	vt_err e = vt_buf_read_file(&doc, AT_FDCWD, r->opts.vex, false);
	struct vti_vex vex = {0};
	if (!e)
		e = vti_vex_parse(vt_span_make(doc.data, doc.len), a, &vex); /* copies into a */
	vt_buf_release(&doc);
	if (e) {
		vti_review_diag(r, VT_SEV_ERROR, e, "cannot use the VEX document '%s': %s",
				r->opts.vex, vt_strerror(e));
		return;
	}
	size_t applied = 0;
	for (size_t i = 0; i < r->n_components; i++) {
		struct vt_component *c = &r->components[i];
		for (size_t k = 0; k < c->n_vulns; k++) {
			struct vt_component_vuln *v = &c->vulns[k];
			const struct vti_vex_stmt *st =
				vti_vex_find(&vex, v->match->cve, c->purl, c->cpe, c->name);
			if (!st)
				continue;
			applied++;
			v->vex_status = vti_vex_status_name(st->status);
			v->vex_justification = st->justification;
			v->vex_detail = st->detail;
			v->suppressed = st->status == VTI_VEX_NOT_AFFECTED || st->status == VTI_VEX_FIXED;
		}
	}
	vti_review_diag(r, VT_SEV_INFO, VT_OK, "VEX '%s' (%s): %zu statements, %zu applied",
			r->opts.vex, vex.format ? vex.format : "?", vex.n, applied);
}

vt_err vti_vulns_match(struct vt_review *r)
{
	if (r->opts.vulndb && !*r->opts.vulndb)
		return VT_OK; /* disabled */
	if (!r->n_components)
		return VT_OK;
	const char *path = r->opts.vulndb ? r->opts.vulndb : vt_vulndb_default_path();
	struct vt_vulndb *db = NULL;
	vt_err e = vt_vulndb_open(path, VT_VULNDB_READONLY, &db);
	if (e) {
		/* a named database must work; the default one may simply not exist yet */
		vti_review_diag(r, r->opts.vulndb ? VT_SEV_ERROR : VT_SEV_INFO, e,
				"no vulnerability matching: cannot open '%s': %s", path,
				vt_strerror(e));
		return e == VT_ENOMEM ? e : VT_OK;
	}
	struct vt_arena *a = r->warenas[0];
	size_t nq = 0;
	for (size_t i = 0; i < r->n_components; i++)
		if (r->components[i].version && *r->components[i].version)
			nq += r->components[i].n_cpe_pairs;
	struct vt_vuln_query *q = calloc(nq + 1, sizeof(*q));
	size_t *owner = calloc(nq + 1, sizeof(*owner));
	if (!q || !owner) {
		free(q);
		free(owner);
		vt_vulndb_close(db);
		return VT_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->n_components; i++) {
		const struct vt_component *c = &r->components[i];
		if (!c->version || !*c->version)
			continue;
		for (size_t p = 0; p < c->n_cpe_pairs; p++) {
			const char *pair = c->cpe_pairs[p], *colon = strchr(pair, ':');
			if (!colon)
				continue;
			q[k].part = c->part && *c->part ? c->part[0] : 'a';
			q[k].vendor = vt_arena_strndup(a, pair, (size_t)(colon - pair));
			q[k].product = colon + 1;
			q[k].version = c->version;
			q[k].update = c->update;
			owner[k++] = i;
		}
	}
	struct vt_vuln_match *m = NULL;
	size_t nm = 0;
	double t0 = vti_now();
	e = vt_vulndb_match(db, q, k, a, &m, &nm);
	if (e) {
		vti_review_diag(r, VT_SEV_ERROR, e, "vulnerability matching failed: %s (%s)",
				vt_strerror(e), vt_vulndb_errmsg(db));
	} else {
		/* results are sorted by query then CVE; a component's several CPE pairs may
		 * yield the same CVE: keep the first */
		size_t *count = calloc(r->n_components + 1, sizeof(*count));
		if (!count) {
			e = VT_ENOMEM;
		} else {
			for (size_t j = 0; j < nm; j++)
				count[owner[m[j].query]]++;
			for (size_t i = 0; i < r->n_components; i++)
				if (count[i])
					r->components[i].vulns =
						vt_arena_calloc(a, count[i], sizeof(struct vt_component_vuln));
			for (size_t j = 0; j < nm; j++) {
				struct vt_component *c = &r->components[owner[m[j].query]];
				if (!c->vulns)
					continue;
				bool dup = false;
				for (size_t d = 0; d < c->n_vulns && !dup; d++)
					dup = !strcmp(c->vulns[d].match->cve, m[j].cve);
				if (dup)
					continue;
				c->vulns[c->n_vulns].match = &m[j];
				c->vulns[c->n_vulns].kev = m[j].kev;
				c->n_vulns++;
			}
			free(count);
			vt_log(VT_LOG_INFO, "matched %zu queries against '%s': %zu matches in %.3f s", k,
			       path, nm, vti_now() - t0);
		}
	}
	free(q);
	free(owner);
	vt_vulndb_close(db);
	if (!e && r->opts.vex)
		apply_vex(r, a);
	return e;
}
