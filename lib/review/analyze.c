/* analyze.c - runs the analyzers of lib/analyzers over a review: setup before the workers
 * start, the object phase on each worker (called from review.c for every regular file),
 * then the tree phase and the post-analysis phases (components, vulnerabilities, the
 * declared SBOM) once every object is done, and finally the sorted list of findings.
 *
 * An analyzer that fails to initialise is disabled with a review diagnostic; the others
 * run. Analyzers never stop a review except by running out of memory.
 */
#include "core/internal.h"

#include <pthread.h>

#include "analyzers/analyzer.h"
#include "review/review_int.h"

/* Phases after the tree phase, in order. Each may be absent from a build of the library
 * while it is written; the table is the one place they are registered. */
struct post_phase {
	const char *name;
	vt_err (*run)(struct vt_review *r);
};

static const struct post_phase post_phases[] = {
	{"components", vti_components_resolve},
	{"vulnerabilities", vti_vulns_match}, /* after components */
	{"declared-sbom", vti_declared_compare}, /* after components */
	{NULL, NULL},
};

static bool selected(const struct vt_review *r, const char *name)
{
	const char *list = r->opts.only_analyzers;
	if (!list)
		return true;
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k == n && !strncmp(p, name, n))
			return true;
		p += k + (e ? 1 : 0);
	}
	return false;
}

vt_err vti_analyzers_setup(struct vt_review *r)
{
	size_t n = 0;
	while (vti_analyzers[n])
		n++;
	r->n_an = n;
	r->an_state = calloc(n + 1, sizeof(*r->an_state));
	r->an_on = calloc(n + 1, sizeof(*r->an_on));
	r->an_wstate = calloc(r->nworkers + 1, sizeof(*r->an_wstate));
	if (!r->an_state || !r->an_on || !r->an_wstate)
		return VT_ENOMEM;
	for (unsigned w = 0; w < r->nworkers; w++)
		if (!(r->an_wstate[w] = calloc(n + 1, sizeof(void *))))
			return VT_ENOMEM;
	if (r->opts.no_analyzers)
		return VT_OK;
	for (size_t i = 0; i < n; i++) {
		const struct vti_analyzer *an = vti_analyzers[i];
		if (!selected(r, an->name))
			continue;
		vt_err e = an->init ? an->init(r, &r->an_state[i]) : VT_OK;
		if (e == VT_ENOMEM)
			return e;
		if (e) {
			vti_review_diag(r, VT_SEV_WARNING, e, "analyzer '%s' disabled: %s", an->name,
					vt_strerror(e));
			continue;
		}
		r->an_on[i] = true;
	}
	return VT_OK;
}

void vti_set_fspath(struct vt_review *r, struct vt_object *o, struct vt_arena *a)
{
	(void)r;
	if (o->fspath)
		return;
	const struct vt_object *root = o;
	if (o->up && o->up->kind == VT_OBJ_CHUNK) {
		root = o->up;
	} else {
		while (root->up && root->kind != VT_OBJ_CHUNK)
			root = root->up;
	}
	if (root == o) {
		o->fsroot = o;
		o->fspath = "/";
		return;
	}
	o->fsroot = root;
	o->fspath = vt_arena_printf(a, "/%s", o->relpath ? o->relpath : "");
}

void vti_analyze_object(struct vt_review *r, struct vt_object *o, struct vt_span s, unsigned wk)
{
	struct vt_arena *a = r->warenas[wk];
	vti_set_fspath(r, o, a);
	for (size_t i = 0; i < r->n_an; i++) {
		const struct vti_analyzer *an = vti_analyzers[i];
		if (!r->an_on[i] || !an->object || (an->wants && !an->wants(o, s)))
			continue;
		void **ws = &r->an_wstate[wk][i];
		if (!*ws && an->worker_init) {
			vt_err e = an->worker_init(r->an_state[i], ws);
			if (e) {
				vti_diag(o, a, VT_SEV_WARNING, e, "analyzer '%s' skipped '%s': %s",
					 an->name, o->path, vt_strerror(e));
				continue;
			}
		}
		struct vti_actx c = {r, a, wk, r->an_state[i], *ws};
		an->object(&c, o, s);
	}
}

void vti_review_finding_add(struct vt_review *r, struct vt_finding *f)
{
	pthread_mutex_lock(&r->lock);
	if (r->rfindings_tail)
		r->rfindings_tail->next = f;
	else
		r->rfindings = f;
	r->rfindings_tail = f;
	pthread_mutex_unlock(&r->lock);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct vt_finding *a = *(const struct vt_finding *const *)pa;
	const struct vt_finding *b = *(const struct vt_finding *const *)pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	size_t ia = a->object ? a->object->id : (size_t)-1, ib = b->object ? b->object->id : (size_t)-1;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	int c = strcmp(a->rule->id, b->rule->id);
	if (c)
		return c;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return strcmp(a->message ? a->message : "", b->message ? b->message : "");
}

static vt_err collect_findings(struct vt_review *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_objects; i++)
		n += r->objects[i]->n_findings;
	for (const struct vt_finding *f = r->rfindings; f; f = f->next)
		n++;
	free(r->findings);
	r->findings = calloc(n + 1, sizeof(*r->findings));
	if (!r->findings)
		return VT_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < r->n_objects; i++)
		for (struct vt_finding *f = r->objects[i]->findings; f && k < n; f = f->next)
			r->findings[k++] = f;
	for (struct vt_finding *f = r->rfindings; f && k < n; f = f->next)
		r->findings[k++] = f;
	r->n_findings = k;
	qsort(r->findings, k, sizeof(*r->findings), cmp_finding);
	return VT_OK;
}

vt_err vti_analyzers_finish(struct vt_review *r)
{
	vt_err e = vti_fs_index_build(r);
	if (e)
		return e;
	if (!r->opts.no_analyzers) {
		for (size_t i = 0; i < r->n_an; i++) {
			const struct vti_analyzer *an = vti_analyzers[i];
			if (!r->an_on[i] || !an->tree)
				continue;
			struct vti_actx c = {r, r->warenas[0], 0, r->an_state[i], NULL};
			an->tree(&c);
		}
		for (const struct post_phase *p = post_phases; p->name; p++) {
			e = p->run(r);
			if (e == VT_ENOMEM)
				return e;
			if (e)
				vti_review_diag(r, VT_SEV_WARNING, e, "%s: %s", p->name, vt_strerror(e));
		}
	}
	return collect_findings(r);
}

void vti_analyzers_free(struct vt_review *r)
{
	for (size_t i = 0; i < r->n_an; i++) {
		const struct vti_analyzer *an = vti_analyzers[i];
		for (unsigned w = 0; r->an_wstate && w < r->nworkers; w++)
			if (r->an_wstate[w] && r->an_wstate[w][i] && an->worker_fini)
				an->worker_fini(r->an_wstate[w][i]);
		if (r->an_on && r->an_on[i] && an->fini)
			an->fini(r->an_state[i]);
	}
	for (unsigned w = 0; r->an_wstate && w < r->nworkers; w++)
		free(r->an_wstate[w]);
	free(r->an_wstate);
	free(r->an_state);
	free(r->an_on);
	free(r->fs_index);
	free(r->fs_roots);
	free(r->findings);
}

size_t vt_review_finding_count(const struct vt_review *r)
{
	return r->n_findings;
}

const struct vt_finding *vt_review_finding(const struct vt_review *r, size_t i)
{
	return i < r->n_findings ? r->findings[i] : NULL;
}

size_t vt_review_component_count(const struct vt_review *r)
{
	return r->n_components;
}

const struct vt_component *vt_review_component(const struct vt_review *r, size_t i)
{
	return i < r->n_components ? &r->components[i] : NULL;
}

static const struct vt_rule **all_rules;
static const struct vt_rule *const no_rules[] = {NULL};

static void build_rules(void)
{
	size_t n = 0;
	for (size_t i = 0; vti_analyzers[i]; i++)
		for (size_t j = 0; vti_analyzers[i]->rules && vti_analyzers[i]->rules[j]; j++)
			n++;
	const struct vt_rule **all = calloc(n + 1, sizeof(*all));
	if (!all)
		return;
	size_t k = 0;
	for (size_t i = 0; vti_analyzers[i]; i++)
		for (size_t j = 0; vti_analyzers[i]->rules && vti_analyzers[i]->rules[j]; j++)
			all[k++] = vti_analyzers[i]->rules[j];
	all_rules = all;
}

const struct vt_rule *const *vt_rules(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, build_rules);
	return all_rules ? (const struct vt_rule *const *)all_rules : no_rules;
}
