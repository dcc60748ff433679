/* an_yara.c - custom rules: `--rules DIR` compiles every .yar/.yara file of DIR (or the
 * one file given) with libyara when the review starts, and scans every object with them
 * in the object phase (one YR_SCANNER per worker). Each matching rule becomes a finding
 * VT-YARA-001 naming the rule, its namespace (the file name), tags, meta description and
 * the offset and bytes of the first matched string. A rule's meta `severity` ("info" to
 * "critical") sets the finding's severity; the default is medium.
 *
 * Rule files are the reviewer's own input, not the product's; the scanned bytes are
 * hostile and handled by libyara (with a per-object time limit). A rule file that does
 * not compile disables the analyzer with a review diagnostic naming the file and line.
 */
#include "core/internal.h"

#include <dirent.h>
#include <sys/stat.h>
#include <yara.h>

#include "analyzers/an_common.h"
#include "analyzers/analyzer.h"
#include "review/review_int.h"

#define SCAN_TIMEOUT_S 30

static const struct vt_rule r_yara = {
	"VT-YARA-001",
	"custom",
	VT_LEVEL_MEDIUM,
	"YARA rule match",
	NULL,
	"A YARA rule given with --rules matched the object. The finding names the rule, its "
	"namespace (rule file), tags and description, and where the first string matched.",
	"Follow the guidance of the rule's author."};

static const struct vt_rule *const rules[] = {&r_yara, NULL};

struct yara_state {
	YR_RULES *rules;
	char first_error[512];
	int errors;
};

static void on_compile(int level, const char *file, int line, const YR_RULE *rule, const char *msg,
		       void *ud)
{
	struct yara_state *st = ud;
	if (level != YARA_ERROR_LEVEL_ERROR)
		return;
	if (!st->errors++)
		snprintf(st->first_error, sizeof(st->first_error), "%s:%d: %s", file ? file : "?",
			 line, msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool rule_file(const char *n)
{
	return vti_ends_with(n, ".yar") || vti_ends_with(n, ".yara");
}

static vt_err add_file(YR_COMPILER *comp, const char *path, const char *ns)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return vt_err_from_errno(errno);
	yr_compiler_add_file(comp, f, ns, path);
	fclose(f);
	return VT_OK;
}

static void yara_fini(void *state)
{
	struct yara_state *st = state;
	if (!st)
		return;
	if (st->rules)
		yr_rules_destroy(st->rules);
	free(st);
	yr_finalize();
}

static vt_err yara_init(struct vt_review *r, void **state)
{
	const char *dir = r->opts.rules_dir;
	if (!dir || !*dir)
		return VT_OK; /* no custom rules: the analyzer does nothing */
	if (yr_initialize() != ERROR_SUCCESS)
		return VT_ENOMEM;
	struct yara_state *st = calloc(1, sizeof(*st));
	YR_COMPILER *comp = NULL;
	if (!st || yr_compiler_create(&comp) != ERROR_SUCCESS) {
		free(st);
		yr_finalize();
		return VT_ENOMEM;
	}
	yr_compiler_set_callback(comp, on_compile, st);
	struct stat sb;
	vt_err e = VT_OK;
	size_t nfiles = 0;
	if (stat(dir, &sb) != 0) {
		e = vt_err_from_errno(errno);
	} else if (S_ISREG(sb.st_mode)) {
		const char *b = strrchr(dir, '/');
		e = add_file(comp, dir, b ? b + 1 : dir);
		nfiles = 1;
	} else {
		DIR *d = opendir(dir);
		char **names = NULL;
		size_t n = 0, cap = 0;
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (!rule_file(de->d_name))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				char **nn = realloc(names, cap * sizeof(*nn));
				if (!nn)
					break;
				names = nn;
			}
			if (!(names[n] = strdup(de->d_name)))
				break;
			n++;
		}
		if (d)
			closedir(d);
		else
			e = vt_err_from_errno(errno);
		qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n && !e && !st->errors; i++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			e = add_file(comp, path, names[i]);
		}
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		nfiles = n;
	}
	if (!e && !nfiles) {
		vti_review_diag(r, VT_SEV_WARNING, VT_ENOTFOUND,
				"yara: no .yar or .yara file in '%s'", dir);
		e = VT_ENOTFOUND;
	}
	if (!e && st->errors) {
		vti_review_diag(r, VT_SEV_WARNING, VT_EFORMAT,
				"yara: %d error%s compiling rules: %s", st->errors,
				st->errors == 1 ? "" : "s", st->first_error);
		e = VT_EFORMAT;
	}
	if (!e && yr_compiler_get_rules(comp, &st->rules) != ERROR_SUCCESS)
		e = VT_ENOMEM;
	yr_compiler_destroy(comp);
	if (e) {
		yara_fini(st);
		return e;
	}
	*state = st;
	return VT_OK;
}

static vt_err yara_worker_init(void *state, void **ws)
{
	struct yara_state *st = state;
	if (!st)
		return VT_OK;
	YR_SCANNER *sc = NULL;
	if (yr_scanner_create(st->rules, &sc) != ERROR_SUCCESS)
		return VT_ENOMEM;
	yr_scanner_set_timeout(sc, SCAN_TIMEOUT_S);
	yr_scanner_set_flags(sc, SCAN_FLAGS_REPORT_RULES_MATCHING);
	*ws = sc;
	return VT_OK;
}

static void yara_worker_fini(void *ws)
{
	if (ws)
		yr_scanner_destroy(ws);
}

static bool yara_wants(const struct vt_object *o, struct vt_span s)
{
	return true;
}

struct yctx {
	struct vti_actx *c;
	struct vt_object *o;
	unsigned matches;
};

static enum vt_level level_of(const char *s, enum vt_level dflt)
{
	static const char *const names[] = {"info", "low", "medium", "high", "critical"};
	for (unsigned i = 0; i < VT_ARRAY_LEN(names); i++)
		if (!strcasecmp(s, names[i]))
			return (enum vt_level)i;
	return dflt;
}

static int on_scan(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *ud)
{
	struct yctx *x = ud;
	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	YR_RULE *rule = data;
	if (++x->matches > 64)
		return CALLBACK_ABORT;
	char tags[256] = "";
	size_t tl = 0;
	const char *tag;
	yr_rule_tags_foreach (rule, tag) {
		int w = snprintf(tags + tl, sizeof(tags) - tl, "%s%s", tl ? "," : "", tag);
		if (w < 0 || (size_t)w >= sizeof(tags) - tl)
			break;
		tl += (size_t)w;
	}
	const char *desc = NULL;
	enum vt_level lv = r_yara.severity;
	YR_META *meta;
	yr_rule_metas_foreach (rule, meta) {
		if (meta->type != META_TYPE_STRING)
			continue;
		if (!strcmp(meta->identifier, "description"))
			desc = meta->string;
		else if (!strcmp(meta->identifier, "severity"))
			lv = level_of(meta->string, lv);
	}
	YR_STRING *str;
	const YR_MATCH *first = NULL;
	const char *sid = NULL;
	yr_rule_strings_foreach (rule, str) {
		YR_MATCH *m;
		yr_string_matches_foreach (ctx, str, m) {
			if (!first || m->base + m->offset < first->base + first->offset) {
				first = m;
				sid = str->identifier;
			}
			break;
		}
	}
	struct vt_finding *f = vti_finding(
		x->c, x->o, &r_yara, first != NULL,
		first ? (uint64_t)(first->base + first->offset) : 0,
		first ? (const char *)first->data : NULL, first ? (size_t)first->data_length : 0,
		"rule %s:%s%s%s%s%s%s%s%s", rule->ns && rule->ns->name ? rule->ns->name : "default",
		rule->identifier, tl ? " [" : "", tags, tl ? "]" : "", desc ? ": " : "",
		desc ? desc : "", sid ? ", first match " : "", sid ? sid : "");
	if (f)
		f->severity = lv;
	return CALLBACK_CONTINUE;
}

static void yara_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	YR_SCANNER *sc = c->wstate;
	if (!c->state || !sc)
		return;
	struct yctx x = {c, o, 0};
	yr_scanner_set_callback(sc, on_scan, &x);
	int rc = yr_scanner_scan_mem(sc, s.p, s.len);
	if (rc != ERROR_SUCCESS && rc != ERROR_CALLBACK_ERROR)
		vti_diag(o, c->a, VT_SEV_WARNING,
			 rc == ERROR_SCAN_TIMEOUT ? VT_ELIMIT : VT_EINTERNAL,
			 "yara: scan of '%s' stopped (error %d)", o->path, rc);
}

const struct vti_analyzer vti_an_yara = {
	.name = "yara",
	.version = 1,
	.description = "custom YARA rules (--rules DIR)",
	.rules = rules,
	.init = yara_init,
	.fini = yara_fini,
	.worker_init = yara_worker_init,
	.worker_fini = yara_worker_fini,
	.wants = yara_wants,
	.object = yara_object,
};
