/* catalog.c - loads the component catalogue (data/catalog/NAME.yaml, libyaml) and matches its
 * version rules on objects: one Hyperscan pass (every rule in prefilter mode) finds
 * candidates, PCRE2 (JIT) confirms each on the printable string around it and captures the
 * version.
 *
 * Input: catalogue files are checked value by value (a file is at most 1 MiB; unknown keys
 * are reported and ignored; a bad rule is reported and left out; an entry without a valid
 * product key, name or CPE pair is reported and left out). Object bytes are hostile: they
 * are only read through spans, each rule confirms at most MAX_WINDOWS candidate strings per
 * object and at most MAX_MATCHES matches are kept, so data full of near-matches costs
 * bounded time.
 *
 * Hyperscan ids: 0 .. n_rules-1 are the version rules (prefilter: candidates only);
 * n_rules .. are `needs` patterns compiled exactly with HS_FLAG_SINGLEMATCH (presence is
 * all that matters, and an exact pattern's first match proves it). A `needs` pattern that
 * Hyperscan cannot compile exactly is confirmed with PCRE2 on the whole object, and only
 * when a rule that needs it matched.
 */
#include "core/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>
#include <yaml.h>

#include "analyzers/analyzer.h"
#include "catalog/catalog.h"
#include "review/review_int.h"

#define MAX_FILE ((size_t)1 << 20)
#define MAX_RULES_PER_PRODUCT 256
#define MAX_LIST 1024
#define MAX_WINDOWS 64      /* candidate strings confirmed per rule and object */
#define MAX_MATCHES 1024    /* confirmed matches kept per object */
#define BACK 512            /* printable bytes looked at before a candidate's end */
#define FORWARD 256         /* and after it */
#define HS_WINDOW ((size_t)1 << 30)
#define HS_OVERLAP ((size_t)4096)

/* --- loading --- */

struct loader {
	struct vti_catalog *c;
	vti_cat_diag_fn diag;
	void *ud;
	const char *file;
	yaml_document_t *doc;
	/* products being collected */
	struct vti_cat_product *prods;
	size_t n_prods, cap_prods;
};

__attribute__((format(printf, 3, 4))) static void ldiag(struct loader *l, size_t line,
							const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->c->n_errors++;
	if (!l->diag)
		return;
	char full[1024];
	snprintf(full, sizeof(full), "%s:%zu: %s", l->file, line, msg);
	l->diag(l->ud, full);
}

static size_t node_line(const yaml_node_t *n)
{
	return n ? n->start_mark.line + 1 : 0;
}

/* A scalar's text copied into the arena, NULL when n is not a scalar (or has a NUL). */
static const char *scalar(struct loader *l, const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	const char *v = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	if (memchr(v, 0, len))
		return NULL;
	return vt_arena_strndup(l->c->a, v, len);
}

/* A list of scalars (a sequence, or one scalar); false on a bad value (reported). */
static bool str_list(struct loader *l, const char *key, yaml_node_t *n, const char ***out,
		     size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (n->type == YAML_SCALAR_NODE) {
		const char **v = vt_arena_calloc(l->c->a, 1, sizeof(*v));
		if (!v || !(v[0] = scalar(l, n)))
			return false;
		*out = v;
		*nout = 1;
		return true;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		ldiag(l, node_line(n), "'%s' must be a list of strings", key);
		return false;
	}
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > MAX_LIST) {
		ldiag(l, node_line(n), "'%s' has %zu items (at most %d)", key, cnt, MAX_LIST);
		return false;
	}
	const char **v = vt_arena_calloc(l->c->a, cnt + 1, sizeof(*v));
	if (!v)
		return false;
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_t *it = yaml_document_get_node(l->doc, n->data.sequence.items.start[i]);
		if (!(v[i] = scalar(l, it))) {
			ldiag(l, node_line(it ? it : n), "'%s' must be a list of strings", key);
			return false;
		}
	}
	*out = v;
	*nout = cnt;
	return true;
}

static bool valid_key(const char *k)
{
	if (!k || !*k || strlen(k) > 128)
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.' || *p == '+'))
			return false;
	return true;
}

/* "vendor:product", each part non-empty, no spaces, no '*'. */
static bool valid_cpe_pair(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || !colon[1] || strchr(colon + 1, ':'))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '*' || *p == '?')
			return false;
	return true;
}

static pcre2_code *compile_re(struct loader *l, const char *re, uint32_t opts, size_t line,
			      const char *what)
{
	int err;
	PCRE2_SIZE eoff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
					 opts | PCRE2_NEVER_UTF | PCRE2_NEVER_BACKSLASH_C,
					 &err, &eoff, NULL);
	if (!code) {
		PCRE2_UCHAR buf[256];
		pcre2_get_error_message(err, buf, sizeof(buf));
		ldiag(l, line, "%s '%s': %s at offset %zu", what, re, (const char *)buf,
		      (size_t)eoff);
		return NULL;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* interpreted when JIT is unavailable */
	return code;
}

static bool re_matches(pcre2_code *code, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md)
		return false;
	int rc = pcre2_match(code, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* Strings a rule must not match: it would then match version numbers of anything. */
static const char *const bare_versions[] = {
	"", "1.2.3", "v1.2.3", "1.2", "1.2.3.4", "2022.83", "1.2.3a", "1.2.3-4",
	"version 1.2.3", "Version: 1.2.3", "version 1.2", " 1.2.3 ", "V1.2",
};

static void code_free(void *code)
{
	pcre2_code_free(code);
}

/* Frees the PCRE2 code a product holds (the rest is arena memory). */
static void product_release(struct vti_cat_product *p)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		struct vti_cat_rule *r = &p->rules[i];
		code_free(r->code);
		code_free(r->update);
		for (size_t j = 0; j < r->n_needs; j++)
			code_free(r->needs[j]);
	}
	for (size_t i = 0; i < p->n_nots; i++)
		code_free(p->nots[i]);
	p->n_rules = 0;
	p->n_nots = 0;
}

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, size_t i, yaml_node_t **key)
{
	yaml_node_pair_t *pr = &map->data.mapping.pairs.start[i];
	*key = yaml_document_get_node(doc, pr->key);
	return yaml_document_get_node(doc, pr->value);
}

static size_t map_len(const yaml_node_t *map)
{
	return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

/* Parses one `versions` item into r; false (reported) when the rule is unusable. */
static bool load_rule(struct loader *l, struct vti_cat_product *p, yaml_node_t *n,
		      struct vti_cat_rule *r)
{
	size_t line = node_line(n);
	if (n->type != YAML_MAPPING_NODE) {
		ldiag(l, line, "%s: a version rule must be a mapping with 're'", p->key);
		return false;
	}
	memset(r, 0, sizeof(*r));
	r->product = p;
	r->file = l->file;
	r->line = line;
	r->confidence = 90;
	uint32_t opts = 0;
	yaml_node_t *needs = NULL;
	const char *update = NULL;
	for (size_t i = 0; i < map_len(n); i++) {
		yaml_node_t *k, *v = map_get(l->doc, n, i, &k);
		const char *key = scalar(l, k);
		if (!key || !v)
			return false;
		if (!strcmp(key, "re")) {
			if (!(r->re = scalar(l, v))) {
				ldiag(l, node_line(v), "%s: 're' must be a string", p->key);
				return false;
			}
		} else if (!strcmp(key, "flags")) {
			const char **fl;
			size_t nf;
			if (!str_list(l, "flags", v, &fl, &nf))
				return false;
			for (size_t j = 0; j < nf; j++) {
				if (!strcmp(fl[j], "caseless"))
					opts |= PCRE2_CASELESS;
				else if (!strcmp(fl[j], "multiline"))
					opts |= PCRE2_MULTILINE;
				else if (!strcmp(fl[j], "dotall"))
					opts |= PCRE2_DOTALL;
				else {
					ldiag(l, node_line(v), "%s: unknown flag '%s'", p->key, fl[j]);
					return false;
				}
			}
		} else if (!strcmp(key, "where")) {
			const char *w = scalar(l, v);
			if (w && !strcmp(w, "any"))
				r->where = VTI_WHERE_ANY;
			else if (w && !strcmp(w, "elf"))
				r->where = VTI_WHERE_ELF;
			else if (w && !strcmp(w, "text"))
				r->where = VTI_WHERE_TEXT;
			else if (w && !strcmp(w, "name"))
				r->where = VTI_WHERE_NAME;
			else {
				ldiag(l, node_line(v), "%s: 'where' must be any, elf, text or name",
				      p->key);
				return false;
			}
		} else if (!strcmp(key, "confidence")) {
			const char *cf = scalar(l, v);
			if (cf && !strcmp(cf, "high"))
				r->confidence = 90;
			else if (cf && !strcmp(cf, "medium"))
				r->confidence = 70;
			else if (cf && !strcmp(cf, "low"))
				r->confidence = 40;
			else {
				ldiag(l, node_line(v), "%s: 'confidence' must be high, medium or low",
				      p->key);
				return false;
			}
		} else if (!strcmp(key, "needs")) {
			needs = v;
		} else if (!strcmp(key, "update")) {
			if (!(update = scalar(l, v))) {
				ldiag(l, node_line(v), "%s: 'update' must be a string", p->key);
				return false;
			}
		} else {
			ldiag(l, node_line(k), "%s: unknown key '%s' in a version rule (ignored)",
			      p->key, key);
		}
	}
	if (!r->re || !*r->re) {
		ldiag(l, line, "%s: version rule without 're'", p->key);
		return false;
	}
	if (strlen(r->re) > 4096) {
		ldiag(l, line, "%s: regex longer than 4096 bytes", p->key);
		return false;
	}
	r->raw = strstr(r->re, "\\x00") || strstr(r->re, "\\0") || strstr(r->re, "\\x{0") ||
		 strstr(r->re, "\\X00");
	if (!(r->code = compile_re(l, r->re, opts, line, "bad regex")))
		return false;
	uint32_t ncap = 0;
	pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &ncap);
	int named = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "version");
	if (named > 0)
		r->vgroup = (uint32_t)named;
	else if (ncap >= 1)
		r->vgroup = 1;
	else {
		ldiag(l, line, "%s: regex '%s' captures no version (group 1 or (?<version>...))",
		      p->key, r->re);
		goto bad;
	}
	for (size_t i = 0; i < VT_ARRAY_LEN(bare_versions); i++) {
		if (re_matches(r->code, bare_versions[i])) {
			ldiag(l, line,
			      "%s: regex '%s' matches '%s': a rule must name the product, not only "
			      "a version",
			      p->key, r->re, bare_versions[i]);
			goto bad;
		}
	}
	if (update && !(r->update = compile_re(l, update, 0, line, "bad 'update' regex")))
		goto bad;
	if (needs) {
		const char **nl;
		size_t nn;
		if (!str_list(l, "needs", needs, &nl, &nn))
			goto bad;
		r->needs = vt_arena_calloc(l->c->a, nn + 1, sizeof(*r->needs));
		r->need_src = nl;
		r->need_ids = vt_arena_calloc(l->c->a, nn + 1, sizeof(*r->need_ids));
		if (!r->needs || !r->need_ids)
			goto bad;
		for (size_t j = 0; j < nn; j++) {
			if (!(r->needs[j] = compile_re(l, nl[j], opts, node_line(needs),
						       "bad 'needs' regex")))
				goto bad;
			r->n_needs = j + 1;
			r->need_ids[j] = UINT_MAX;
		}
	}
	return true;
bad:
	code_free(r->code);
	code_free(r->update);
	for (size_t j = 0; j < r->n_needs; j++)
		code_free(r->needs[j]);
	memset(r, 0, sizeof(*r));
	return false;
}

static struct vti_cat_product *new_product(struct loader *l)
{
	if (l->n_prods == l->cap_prods) {
		size_t nc = l->cap_prods ? l->cap_prods * 2 : 64;
		struct vti_cat_product *np = realloc(l->prods, nc * sizeof(*np));
		if (!np)
			return NULL;
		l->prods = np;
		l->cap_prods = nc;
	}
	struct vti_cat_product *p = &l->prods[l->n_prods];
	memset(p, 0, sizeof(*p));
	return p;
}

/* Loads the entry of one document; VT_ENOMEM only, everything else is reported. */
static vt_err load_entry(struct loader *l, yaml_node_t *root, const char *stem)
{
	struct vt_arena *a = l->c->a;
	if (!root) /* an empty file */
		return VT_OK;
	if (root->type != YAML_MAPPING_NODE) {
		ldiag(l, node_line(root), "a catalogue entry must be a mapping");
		return VT_OK;
	}
	struct vti_cat_product *p = new_product(l);
	if (!p)
		return VT_ENOMEM;
	p->file = l->file;
	p->line = node_line(root);
	p->part = "a";
	yaml_node_t *versions = NULL, *nots = NULL;
	bool ok = true;
	/* the key first, so that messages can name it */
	for (size_t i = 0; i < map_len(root); i++) {
		yaml_node_t *k, *v = map_get(l->doc, root, i, &k);
		const char *key = scalar(l, k);
		if (key && v && !strcmp(key, "product"))
			p->key = scalar(l, v);
	}
	if (!valid_key(p->key)) {
		ldiag(l, p->line, "entry without a valid 'product' key (lowercase letters, digits, "
				  "'_', '-', '.', '+')");
		return VT_OK;
	}
	if (stem && strcmp(stem, p->key))
		ldiag(l, p->line, "%s: product key differs from the file name '%s' (loaded)",
		      p->key, stem);
	for (size_t i = 0; i < map_len(root) && ok; i++) {
		yaml_node_t *k, *v = map_get(l->doc, root, i, &k);
		const char *key = scalar(l, k);
		if (!key || !v) {
			ldiag(l, node_line(k), "%s: keys must be strings", p->key);
			ok = false;
			break;
		}
		size_t line = node_line(v);
		if (!strcmp(key, "product")) {
			continue;
		} else if (!strcmp(key, "name")) {
			if (!(p->name = scalar(l, v)) || !*p->name) {
				ldiag(l, line, "%s: 'name' must be a string", p->key);
				ok = false;
			}
		} else if (!strcmp(key, "part")) {
			const char *pt = scalar(l, v);
			if (!pt || strlen(pt) != 1 || !strchr("aoh", pt[0])) {
				ldiag(l, line, "%s: 'part' must be a, o or h", p->key);
				ok = false;
			} else {
				p->part = pt;
			}
		} else if (!strcmp(key, "purl")) {
			p->purl = scalar(l, v);
			if (p->purl && !*p->purl)
				p->purl = NULL;
			else if (!p->purl || strncmp(p->purl, "pkg:", 4) || strchr(p->purl, '@')) {
				ldiag(l, line, "%s: 'purl' must be 'pkg:TYPE/NAME' without a version",
				      p->key);
				ok = false;
			}
		} else if (!strcmp(key, "cpe")) {
			ok = str_list(l, key, v, &p->cpe, &p->n_cpe);
			for (size_t j = 0; ok && j < p->n_cpe; j++) {
				if (!valid_cpe_pair(p->cpe[j])) {
					ldiag(l, line, "%s: bad CPE pair '%s' (want vendor:product)",
					      p->key, p->cpe[j]);
					ok = false;
				}
			}
		} else if (!strcmp(key, "packages")) {
			ok = str_list(l, key, v, &p->packages, &p->n_packages);
		} else if (!strcmp(key, "files")) {
			ok = str_list(l, key, v, &p->files, &p->n_files);
		} else if (!strcmp(key, "sonames")) {
			ok = str_list(l, key, v, &p->sonames, &p->n_sonames);
		} else if (!strcmp(key, "symbols")) {
			ok = str_list(l, key, v, &p->symbols, &p->n_symbols);
		} else if (!strcmp(key, "versions")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				ldiag(l, line, "%s: 'versions' must be a list of rules", p->key);
				ok = false;
			}
			versions = v;
		} else if (!strcmp(key, "not")) {
			nots = v;
		} else {
			ldiag(l, node_line(k), "%s: unknown key '%s' (ignored)", p->key, key);
		}
	}
	if (ok && !p->name) {
		ldiag(l, p->line, "%s: entry without 'name'", p->key);
		ok = false;
	}
	if (ok && !p->n_cpe) {
		ldiag(l, p->line, "%s: entry without a 'cpe' pair", p->key);
		ok = false;
	}
	if (!ok)
		return VT_OK;
	if (nots) {
		const char **nl;
		size_t nn;
		if (!str_list(l, "not", nots, &nl, &nn))
			return VT_OK;
		p->nots = vt_arena_calloc(a, nn + 1, sizeof(*p->nots));
		if (!p->nots)
			return VT_ENOMEM;
		for (size_t j = 0; j < nn; j++) {
			pcre2_code *code = compile_re(l, nl[j], 0, node_line(nots), "bad 'not' regex");
			if (code)
				p->nots[p->n_nots++] = code;
		}
	}
	if (versions) {
		size_t cnt = (size_t)(versions->data.sequence.items.top -
				      versions->data.sequence.items.start);
		if (cnt > MAX_RULES_PER_PRODUCT) {
			ldiag(l, node_line(versions), "%s: %zu version rules (at most %d)", p->key,
			      cnt, MAX_RULES_PER_PRODUCT);
			cnt = MAX_RULES_PER_PRODUCT;
		}
		p->rules = vt_arena_calloc(a, cnt + 1, sizeof(*p->rules));
		if (!p->rules) {
			product_release(p);
			return VT_ENOMEM;
		}
		for (size_t j = 0; j < cnt; j++) {
			yaml_node_t *it =
				yaml_document_get_node(l->doc, versions->data.sequence.items.start[j]);
			if (!it)
				continue;
			struct vti_cat_rule *r = &p->rules[p->n_rules];
			if (load_rule(l, p, it, r)) {
				r->id = vt_arena_printf(a, "%s:%zu", p->key, j + 1);
				p->n_rules++;
			}
		}
	}
	l->n_prods++;
	return VT_OK;
}

static vt_err load_text(struct loader *l, const char *text, size_t len, const char *stem)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return VT_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	vt_err e = VT_OK;
	for (int ndoc = 0; ndoc < 64; ndoc++) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			ldiag(l, parser.problem_mark.line + 1, "YAML error: %s%s%s",
			      parser.problem ? parser.problem : "unknown",
			      parser.context ? " " : "", parser.context ? parser.context : "");
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		l->doc = &doc;
		e = load_entry(l, root, ndoc == 0 ? stem : NULL);
		l->doc = NULL;
		yaml_document_delete(&doc);
		if (e)
			break;
	}
	yaml_parser_delete(&parser);
	return e;
}

static int cmp_product(const void *a, const void *b)
{
	return strcmp(((const struct vti_cat_product *)a)->key,
		      ((const struct vti_cat_product *)b)->key);
}

static int cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const struct vti_cat_pkg *)a)->name, ((const struct vti_cat_pkg *)b)->name);
}

/* The regex Hyperscan prefilters: `re` without the anchors ^ and $ outside character
 * classes. Hyperscan anchors them to the scanned buffer, while they mean the ends of the
 * printable string that PCRE2 confirms on; dropping them only widens the prefilter. */
static const char *hs_source(struct vt_arena *a, const char *re)
{
	size_t n = strlen(re);
	char *out = vt_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	bool cls = false;
	for (size_t i = 0; i < n; i++) {
		char ch = re[i];
		if (ch == '\\' && i + 1 < n) {
			out[k++] = ch;
			out[k++] = re[++i];
			continue;
		}
		if (cls) {
			if (ch == ']' && !(k && out[k - 1] == '[') &&
			    !(k > 1 && out[k - 1] == '^' && out[k - 2] == '['))
				cls = false;
		} else if (ch == '[') {
			cls = true;
		} else if (ch == '^' || ch == '$') {
			continue;
		}
		out[k++] = ch;
	}
	out[k] = 0;
	return out;
}

/* --- the compiled database, cached ---
 *
 * Compiling some thousand regexes in prefilter mode costs most of a second, on every run.
 * The compiled database is kept in ${VETTER_CACHE:-~/.cache/vetter}/catalog-hs/KEY, where
 * KEY is the SHA-256 of every expression with its flags, the Hyperscan version and the
 * file format; the file holds which expressions Hyperscan rejected, then the serialized
 * database (which Hyperscan checks when it loads it). VETTER_NO_HS_CACHE=1 disables it. A
 * cache that cannot be read or written only costs the compilation.
 */
#define CACHE_MAGIC "VTCATHS1"

static bool cache_path(const char *const *exprs, const unsigned *flags, size_t n, char *path,
		       size_t cap)
{
	const char *off = getenv("VETTER_NO_HS_CACHE");
	if (off && *off && strcmp(off, "0"))
		return false;
	struct vt_sha256_ctx *h = vt_sha256_new();
	if (!h)
		return false;
	bool ok = !vt_sha256_update(h, CACHE_MAGIC, 8);
	const char *ver = hs_version();
	ok = ok && !vt_sha256_update(h, ver, strlen(ver) + 1);
	for (size_t i = 0; ok && i < n; i++) {
		uint32_t f = flags[i];
		ok = !vt_sha256_update(h, &f, sizeof(f)) &&
		     !vt_sha256_update(h, exprs[i], strlen(exprs[i]) + 1);
	}
	uint8_t d[VT_SHA256_LEN];
	ok = !vt_sha256_final(h, d) && ok;
	vt_sha256_free(h);
	if (!ok)
		return false;
	char hex[VT_SHA256_HEX_LEN + 1];
	vt_sha256_hex(d, hex);
	const char *vc = getenv("VETTER_CACHE"), *xdg = getenv("XDG_CACHE_HOME"),
		   *home = getenv("HOME");
	int w;
	if (vc && *vc)
		w = snprintf(path, cap, "%s/catalog-hs/%s", vc, hex);
	else if (xdg && *xdg)
		w = snprintf(path, cap, "%s/vetter/catalog-hs/%s", xdg, hex);
	else if (home && *home)
		w = snprintf(path, cap, "%s/.cache/vetter/catalog-hs/%s", home, hex);
	else
		return false;
	return w > 0 && (size_t)w < cap;
}

/* Loads a cached database; false when there is none or it does not fit. */
static bool cache_load(const char *path, size_t n, bool *off, hs_database_t **db)
{
	struct vt_buf b;
	vt_buf_init(&b, (size_t)1 << 30);
	bool ok = !vt_buf_read_file(&b, AT_FDCWD, path, true) && b.len > 8 + n &&
		  !memcmp(b.data, CACHE_MAGIC, 8);
	for (size_t i = 0; ok && i < n; i++)
		off[i] = b.data[8 + i] == 1;
	ok = ok && hs_deserialize_database((const char *)b.data + 8 + n, b.len - 8 - n, db) ==
			   HS_SUCCESS;
	vt_buf_release(&b);
	return ok;
}

static void cache_store(const char *path, size_t n, const bool *off, const hs_database_t *db)
{
	char *ser = NULL;
	size_t sl = 0;
	if (hs_serialize_database(db, &ser, &sl) != HS_SUCCESS)
		return;
	char dir[4096], tmp[4200];
	snprintf(dir, sizeof(dir), "%s", path);
	char *sl2 = strrchr(dir, '/');
	if (sl2) {
		*sl2 = 0;
		/* the cache directory and its parents */
		for (char *p = dir + 1; *p; p++) {
			if (*p == '/') {
				*p = 0;
				mkdir(dir, 0700);
				*p = '/';
			}
		}
		mkdir(dir, 0700);
	}
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		bool ok = write(fd, CACHE_MAGIC, 8) == 8;
		for (size_t i = 0; ok && i < n; i++) {
			char b = off[i] ? 1 : 0;
			ok = write(fd, &b, 1) == 1;
		}
		ok = ok && write(fd, ser, sl) == (ssize_t)sl;
		ok = close(fd) == 0 && ok;
		if (!ok || rename(tmp, path) != 0)
			unlink(tmp);
	}
	free(ser);
}

/* Compiles the Hyperscan database: version rules in prefilter mode (ids 0 .. n_rules-1),
 * then every `needs` pattern exactly with HS_FLAG_SINGLEMATCH (ids n_rules ..). A version
 * rule Hyperscan rejects is reported and left out of the database (it never matches); a
 * `needs` pattern it cannot compile exactly is left to PCRE2. */
static vt_err build_db(struct loader *l)
{
	struct vti_catalog *c = l->c;
	size_t nneeds = 0;
	for (size_t i = 0; i < c->n_rules; i++)
		nneeds += c->rules[i]->n_needs;
	size_t cap = c->n_rules + nneeds + 1;
	const char **exprs = calloc(cap, sizeof(*exprs));
	unsigned *flags = calloc(cap, sizeof(*flags));
	unsigned *ex_id = calloc(cap, sizeof(*ex_id)), *ids = calloc(cap, sizeof(*ids));
	const char **ex = calloc(cap, sizeof(*ex));
	unsigned *fl = calloc(cap, sizeof(*fl));
	bool *off = calloc(cap, sizeof(*off));
	struct vti_cat_rule **owner = calloc(cap, sizeof(*owner));
	size_t *slot = calloc(cap, sizeof(*slot));
	vt_err e = VT_OK;
	if (!exprs || !flags || !ex_id || !ids || !ex || !fl || !off || !owner || !slot) {
		e = VT_ENOMEM;
		goto out;
	}
	size_t n = 0;
	for (size_t i = 0; i < c->n_rules; i++, n++) {
		struct vti_cat_rule *r = c->rules[i];
		uint32_t po = 0;
		pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &po);
		unsigned f = HS_FLAG_PREFILTER | HS_FLAG_ALLOWEMPTY;
		if (po & PCRE2_CASELESS)
			f |= HS_FLAG_CASELESS;
		if (po & PCRE2_MULTILINE)
			f |= HS_FLAG_MULTILINE;
		if (po & PCRE2_DOTALL)
			f |= HS_FLAG_DOTALL;
		if (!(exprs[n] = hs_source(c->a, r->re))) {
			e = VT_ENOMEM;
			goto out;
		}
		flags[n] = f;
		owner[n] = r;
	}
	for (size_t i = 0; i < c->n_rules; i++) {
		struct vti_cat_rule *r = c->rules[i];
		uint32_t po = 0;
		pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &po);
		for (size_t j = 0; j < r->n_needs; j++, n++) {
			if (!(exprs[n] = hs_source(c->a, r->need_src[j]))) {
				e = VT_ENOMEM;
				goto out;
			}
			flags[n] = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY |
				   (po & PCRE2_CASELESS ? HS_FLAG_CASELESS : 0) |
				   (po & PCRE2_MULTILINE ? HS_FLAG_MULTILINE : 0) |
				   (po & PCRE2_DOTALL ? HS_FLAG_DOTALL : 0);
			owner[n] = r;
			slot[n] = j;
		}
	}
	c->n_need_ids = nneeds;
	char cpath[4096];
	bool cacheable = n && cache_path(exprs, flags, n, cpath, sizeof(cpath));
	hs_database_t *cached = NULL;
	if (cacheable && cache_load(cpath, n, off, &cached)) {
		c->db = cached;
		for (size_t i = 0; i < c->n_rules; i++) {
			if (!off[i])
				continue;
			const char *file = l->file;
			l->file = owner[i]->file;
			ldiag(l, owner[i]->line, "%s: regex '%s' cannot be prefiltered (left out)",
			      owner[i]->id, owner[i]->re);
			l->file = file;
		}
		goto ids;
	}
	for (size_t tries = 0; n && tries <= n; tries++) {
		unsigned m = 0;
		for (size_t i = 0; i < n; i++) {
			if (off[i])
				continue;
			ex[m] = exprs[i];
			fl[m] = flags[i];
			ids[m] = (unsigned)i;
			m++;
		}
		if (!m)
			break;
		hs_database_t *db = NULL;
		hs_compile_error_t *err = NULL;
		if (hs_compile_multi(ex, fl, ids, m, HS_MODE_BLOCK, NULL, &db, &err) == HS_SUCCESS) {
			c->db = db;
			if (cacheable)
				cache_store(cpath, n, off, db);
			break;
		}
		int bad = err ? err->expression : -1;
		if (bad < 0 || (unsigned)bad >= m) {
			vt_error("cannot compile the catalogue's rules: %s",
				 err && err->message ? err->message : "unknown error");
			hs_free_compile_error(err);
			e = VT_EINTERNAL;
			goto out;
		}
		size_t i = ids[bad];
		off[i] = true;
		if (i < c->n_rules) {
			struct vti_cat_rule *r = owner[i];
			const char *file = l->file;
			l->file = r->file;
			ldiag(l, r->line, "%s: regex '%s' cannot be prefiltered: %s (left out)", r->id,
			      r->re, err->message ? err->message : "unknown error");
			l->file = file;
		}
		hs_free_compile_error(err);
	}
ids:
	for (size_t i = c->n_rules; i < n; i++)
		owner[i]->need_ids[slot[i]] = off[i] ? UINT_MAX : (unsigned)(i - c->n_rules);
out:
	free(exprs);
	free(flags);
	free(ex_id);
	free(ids);
	free(ex);
	free(fl);
	free(off);
	free(owner);
	free(slot);
	return e;
}

/* Indexes the products collected by l into c. */
static vt_err finish(struct loader *l)
{
	struct vti_catalog *c = l->c;
	/* duplicates: the first file (in name order) wins */
	size_t w = 0;
	for (size_t i = 0; i < l->n_prods; i++) {
		bool dup = false;
		for (size_t j = 0; j < w && !dup; j++)
			dup = !strcmp(l->prods[j].key, l->prods[i].key);
		if (dup) {
			const char *file = l->file;
			l->file = l->prods[i].file;
			ldiag(l, l->prods[i].line, "%s: product defined twice (left out)",
			      l->prods[i].key);
			l->file = file;
			product_release(&l->prods[i]);
			continue;
		}
		l->prods[w++] = l->prods[i];
	}
	l->n_prods = w;
	if (w)
		qsort(l->prods, w, sizeof(*l->prods), cmp_product);
	c->products = vt_arena_calloc(c->a, w + 1, sizeof(*c->products));
	if (!c->products)
		return VT_ENOMEM;
	if (w)
		memcpy(c->products, l->prods, w * sizeof(*c->products));
	c->n_products = w;
	free(l->prods);
	l->prods = NULL;
	l->n_prods = l->cap_prods = 0;
	size_t nr = 0, nn = 0, np = 0, ns = 0;
	for (size_t i = 0; i < c->n_products; i++) {
		struct vti_cat_product *p = &c->products[i];
		for (size_t j = 0; j < p->n_rules; j++) {
			p->rules[j].product = p;
			if (p->rules[j].where == VTI_WHERE_NAME)
				nn++;
			else
				nr++;
		}
		np += p->n_packages;
		ns += p->n_symbols;
	}
	c->rules = vt_arena_calloc(c->a, nr + 1, sizeof(*c->rules));
	c->name_rules = vt_arena_calloc(c->a, nn + 1, sizeof(*c->name_rules));
	c->pkgs = vt_arena_calloc(c->a, np + 1, sizeof(*c->pkgs));
	c->syms = vt_arena_calloc(c->a, ns + 1, sizeof(*c->syms));
	if (!c->rules || !c->name_rules || !c->pkgs || !c->syms)
		return VT_ENOMEM;
	for (size_t i = 0; i < c->n_products; i++) {
		struct vti_cat_product *p = &c->products[i];
		for (size_t j = 0; j < p->n_rules; j++) {
			struct vti_cat_rule *r = &p->rules[j];
			if (r->where == VTI_WHERE_NAME) {
				c->name_rules[c->n_name_rules++] = r;
			} else {
				r->index = c->n_rules;
				c->rules[c->n_rules++] = r;
			}
		}
		for (size_t j = 0; j < p->n_packages; j++)
			c->pkgs[c->n_pkgs++] = (struct vti_cat_pkg){p->packages[j], p};
		for (size_t j = 0; j < p->n_symbols; j++)
			c->syms[c->n_syms++] = (struct vti_cat_pkg){p->symbols[j], p};
	}
	if (c->n_syms)
		qsort(c->syms, c->n_syms, sizeof(*c->syms), cmp_pkg);
	if (c->n_pkgs)
		qsort(c->pkgs, c->n_pkgs, sizeof(*c->pkgs), cmp_pkg);
	/* a package listed by two products: the first (by key) keeps it */
	w = 0;
	for (size_t i = 0; i < c->n_pkgs; i++) {
		if (w && !strcmp(c->pkgs[w - 1].name, c->pkgs[i].name)) {
			const char *file = l->file;
			l->file = c->pkgs[i].p->file;
			ldiag(l, c->pkgs[i].p->line, "%s: package '%s' already belongs to %s",
			      c->pkgs[i].p->key, c->pkgs[i].name, c->pkgs[w - 1].p->key);
			l->file = file;
			continue;
		}
		c->pkgs[w++] = c->pkgs[i];
	}
	c->n_pkgs = w;
	return build_db(l);
}

static vt_err catalog_new(struct vti_catalog **out)
{
	struct vti_catalog *c = calloc(1, sizeof(*c));
	if (!c)
		return VT_ENOMEM;
	if (!(c->a = vt_arena_new())) {
		free(c);
		return VT_ENOMEM;
	}
	atomic_init(&c->refs, 0);
	*out = c;
	return VT_OK;
}

void vti_catalog_free(struct vti_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_products; i++)
		product_release(&c->products[i]);
	hs_free_database(c->db);
	vt_arena_free(c->a);
	free(c);
}

static void loader_abort(struct loader *l)
{
	for (size_t i = 0; i < l->n_prods; i++)
		product_release(&l->prods[i]);
	free(l->prods);
}

vt_err vti_catalog_load_mem(const char *file, const char *text, size_t len, vti_cat_diag_fn diag,
			    void *ud, struct vti_catalog **out)
{
	*out = NULL;
	struct vti_catalog *c;
	vt_err e = catalog_new(&c);
	if (e)
		return e;
	struct loader l = {.c = c, .diag = diag, .ud = ud, .file = file};
	e = load_text(&l, text, len, NULL);
	if (!e)
		e = finish(&l);
	if (e) {
		loader_abort(&l);
		vti_catalog_free(c);
		return e;
	}
	*out = c;
	return VT_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads a catalogue file (regular, at most MAX_FILE bytes) into a malloc'ed buffer. */
static vt_err read_file(int dfd, const char *name, char **buf, size_t *len)
{
	struct vt_buf b;
	vt_buf_init(&b, MAX_FILE);
	vt_err e = vt_buf_read_file(&b, dfd, name, true);
	if (!e && !b.data && !(e = vt_buf_reserve(&b, 0)))
		b.data[0] = 0; /* an empty file: still a NUL-terminated buffer */
	if (e) {
		vt_buf_release(&b);
		return e;
	}
	*buf = (char *)vt_buf_take(&b, len);
	return VT_OK;
}

vt_err vti_catalog_load(const char *dir, vti_cat_diag_fn diag, void *ud, struct vti_catalog **out)
{
	*out = NULL;
	struct vti_catalog *c;
	vt_err e = catalog_new(&c);
	if (e)
		return e;
	struct loader l = {.c = c, .diag = diag, .ud = ud};
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	if (!d && dfd >= 0)
		close(dfd);
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") || de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn) {
				e = VT_ENOMEM;
				break;
			}
			names = nn;
			cap = nc;
		}
		if (!(names[n] = strdup(de->d_name))) {
			e = VT_ENOMEM;
			break;
		}
		n++;
	}
	if (names)
		qsort(names, n, sizeof(*names), cmp_str);
	char path[4096];
	for (size_t i = 0; !e && i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		l.file = vt_arena_strdup(c->a, path);
		if (!l.file) {
			e = VT_ENOMEM;
			break;
		}
		vt_err re = read_file(dirfd(d), names[i], &buf, &len);
		if (re == VT_ENOMEM) {
			e = re;
			break;
		}
		if (re) {
			ldiag(&l, 0, "cannot read: %s", vt_strerror(re));
			continue;
		}
		char stem[256];
		snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(names[i]) - 5), names[i]);
		e = load_text(&l, buf, len, stem);
		free(buf);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d)
		closedir(d);
	if (!e)
		e = finish(&l);
	if (e) {
		loader_abort(&l);
		vti_catalog_free(c);
		return e;
	}
	*out = c;
	return VT_OK;
}

static void review_diag(void *ud, const char *msg)
{
	vti_review_diag(ud, VT_SEV_WARNING, VT_EFORMAT, "catalogue: %s", msg);
}

vt_err vti_catalog_get(struct vt_review *r, struct vti_catalog **out)
{
	*out = NULL;
	if (!r->catalog) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/catalog", vti_data_dir(r));
		struct vti_catalog *c;
		vt_err e = vti_catalog_load(dir, review_diag, r, &c);
		if (e)
			return e;
		r->catalog = c;
	}
	struct vti_catalog *c = r->catalog;
	atomic_fetch_add(&c->refs, 1);
	*out = c;
	return VT_OK;
}

void vti_catalog_put(struct vt_review *r, struct vti_catalog *c)
{
	if (!c)
		return;
	if (atomic_fetch_sub(&c->refs, 1) == 1) {
		if (r && r->catalog == c)
			r->catalog = NULL;
		vti_catalog_free(c);
	}
}

const struct vti_cat_product *vti_catalog_product(const struct vti_catalog *c, const char *key)
{
	if (!c || !key)
		return NULL;
	size_t lo = 0, hi = c->n_products;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = strcmp(key, c->products[mid].key);
		if (!d)
			return &c->products[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct vti_cat_product *vti_catalog_package(const struct vti_catalog *c, const char *name)
{
	if (!c || !name)
		return NULL;
	size_t lo = 0, hi = c->n_pkgs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = strcmp(name, c->pkgs[mid].name);
		if (!d)
			return c->pkgs[mid].p;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void vti_catalog_hints(const struct vti_catalog *c, const char *name, const char *soname,
		       void (*fn)(void *ud, const struct vti_cat_product *p, bool by_soname),
		       void *ud)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_products; i++) {
		const struct vti_cat_product *p = &c->products[i];
		bool by_soname = false, by_name = false;
		for (size_t j = 0; soname && j < p->n_sonames && !by_soname; j++)
			by_soname = !strcmp(p->sonames[j], soname);
		for (size_t j = 0; name && !by_soname && j < p->n_files && !by_name; j++)
			by_name = fnmatch(p->files[j], name, 0) == 0;
		if (by_soname || by_name)
			fn(ud, p, by_soname);
	}
}

void vti_catalog_symbol(const struct vti_catalog *c, const char *name, size_t len,
			void (*fn)(void *ud, const struct vti_cat_product *p), void *ud)
{
	if (!c || !c->n_syms)
		return;
	size_t lo = 0, hi = c->n_syms;
	while (lo < hi) { /* the first entry not below name[0..len) */
		size_t mid = (lo + hi) / 2;
		const char *k = c->syms[mid].name;
		if (strncmp(k, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n_syms; lo++) {
		const char *k = c->syms[lo].name;
		if (strncmp(k, name, len) || k[len])
			break;
		fn(ud, c->syms[lo].p);
	}
}

/* --- matching --- */

struct hit {
	const struct vti_cat_rule *rule;
	uint64_t off, soff;
	const uint8_t *ver, *upd, *exc;
	size_t ver_len, upd_len, exc_len;
	bool dead;
};

struct vti_cat_scratch {
	const struct vti_catalog *c;
	hs_scratch_t *hs;
	pcre2_match_data *md, *md2;
	uint64_t *last_end;    /* per rule: end of the last window confirmed */
	uint16_t *windows;     /* per rule: windows confirmed in this object */
	struct hit *hits;
	size_t n_hits;
	uint8_t *seen;         /* per exact `needs` pattern: found in this object */
	/* per scan */
	struct vt_span data;
	uint64_t base;         /* offset of the scanned window in data */
	bool elf, text;
};

vt_err vti_catalog_scratch_new(const struct vti_catalog *c, struct vti_cat_scratch **out)
{
	*out = NULL;
	struct vti_cat_scratch *s = calloc(1, sizeof(*s));
	if (!s)
		return VT_ENOMEM;
	s->c = c;
	s->md = pcre2_match_data_create(64, NULL);
	s->md2 = pcre2_match_data_create(64, NULL);
	s->last_end = calloc(c->n_rules + 1, sizeof(*s->last_end));
	s->windows = calloc(c->n_rules + 1, sizeof(*s->windows));
	s->hits = calloc(MAX_MATCHES, sizeof(*s->hits));
	s->seen = calloc(c->n_need_ids + 1, 1);
	if (!s->md || !s->md2 || !s->last_end || !s->windows || !s->hits || !s->seen ||
	    (c->db && hs_alloc_scratch(c->db, &s->hs) != HS_SUCCESS)) {
		vti_catalog_scratch_free(s);
		return VT_ENOMEM;
	}
	*out = s;
	return VT_OK;
}

void vti_catalog_scratch_free(struct vti_cat_scratch *s)
{
	if (!s)
		return;
	if (s->hs)
		hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	pcre2_match_data_free(s->md2);
	free(s->last_end);
	free(s->windows);
	free(s->hits);
	free(s->seen);
	free(s);
}

static inline bool printable(uint8_t ch)
{
	return (ch >= 0x20 && ch < 0x7f) || ch == '\t';
}

/* The printable string around [at, at+1) within [lo, hi): start and end offsets. */
static void string_around(struct vt_span d, size_t at, size_t back, size_t fwd, size_t *ps,
			  size_t *pe)
{
	size_t s = at, e = at;
	size_t lo = at > back ? at - back : 0;
	while (s > lo && printable(d.p[s - 1]))
		s--;
	size_t hi = d.len - at > fwd ? at + fwd : d.len;
	while (e < hi && printable(d.p[e]))
		e++;
	*ps = s;
	*pe = e;
}

/* Does a `not` pattern (or the built-in compiler-banner filter) reject this string? */
static bool rejected(struct vti_cat_scratch *s, const struct vti_cat_rule *r, const uint8_t *str,
		     size_t n)
{
	/* A compiler's identification string (.comment "GCC: (Debian 12.2.0-14) 12.2.0",
	 * "clang version 14.0.6") says how the file was built, not what it contains. */
	static const char *const banners[] = {"GCC: (", "clang version ", "Ubuntu clang version ",
					      "Debian clang version ", "rustc version "};
	for (size_t i = 0; i < VT_ARRAY_LEN(banners); i++) {
		size_t bl = strlen(banners[i]);
		if (n >= bl && !memcmp(str, banners[i], bl))
			return true;
	}
	const struct vti_cat_product *p = r->product;
	for (size_t i = 0; i < p->n_nots; i++)
		if (pcre2_match(p->nots[i], str, n, 0, 0, s->md2, NULL) >= 0)
			return true;
	return false;
}

static void add_hit(struct vti_cat_scratch *s, const struct vti_cat_rule *r, size_t ms, size_t me,
		    size_t vs, size_t ve, size_t ss, size_t se)
{
	const uint8_t *ver = s->data.p + vs;
	size_t vlen = ve - vs;
	if (!vlen || vlen > 128)
		return;
	for (size_t i = 0; i < s->n_hits; i++) {
		struct hit *h = &s->hits[i];
		if (h->rule == r && h->ver_len == vlen && !memcmp(h->ver, ver, vlen))
			return;
	}
	if (s->n_hits == MAX_MATCHES)
		return;
	struct hit *h = &s->hits[s->n_hits++];
	memset(h, 0, sizeof(*h));
	h->rule = r;
	h->off = ms;
	h->soff = ss;
	h->ver = ver;
	h->ver_len = vlen;
	h->exc = s->data.p + ss;
	h->exc_len = se - ss;
	if (r->raw) {
		h->exc = s->data.p + ms;
		h->exc_len = me - ms;
	}
	int rc = r->update ? pcre2_match(r->update, ver, vlen, 0, 0, s->md2, NULL) : -1;
	if (rc > 0) {
		/* group 1 when the regex has one and it took part, else the whole match */
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md2);
		size_t g = rc > 1 && ov[2] != PCRE2_UNSET ? 1 : 0;
		if (ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g]) {
			h->upd = ver + ov[2 * g];
			h->upd_len = ov[2 * g + 1] - ov[2 * g];
		}
	}
}

/* Confirms rule r around the candidate ending at `end` (offset in s->data). */
static void confirm(struct vti_cat_scratch *s, const struct vti_cat_rule *r, size_t end)
{
	struct vt_span d = s->data;
	if (!end || end > d.len)
		return;
	if ((r->where == VTI_WHERE_ELF && !s->elf) || (r->where == VTI_WHERE_TEXT && !s->text))
		return;
	if (end <= s->last_end[r->index] || s->windows[r->index] >= MAX_WINDOWS)
		return;
	size_t ws, we;
	if (r->raw) {
		ws = end > BACK ? end - BACK : 0;
		we = d.len - end > FORWARD ? end + FORWARD : d.len;
	} else {
		string_around(d, end - 1, BACK, FORWARD, &ws, &we);
		if (we == end - 1) /* the candidate's last byte is not printable */
			we = end;
	}
	s->windows[r->index]++;
	s->last_end[r->index] = we;
	size_t at = ws;
	for (int k = 0; k < 16 && at < we; k++) {
		int rc = pcre2_match(r->code, d.p + ws, we - ws, at - ws, 0, s->md, NULL);
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
		size_t ms = ws + ov[0], me = ws + ov[1];
		uint32_t g = r->vgroup;
		if (rc > (int)g && ov[2 * g] != PCRE2_UNSET) {
			size_t vs = ws + ov[2 * g], ve = ws + ov[2 * g + 1];
			size_t ss = ws, se = we;
			if (r->raw) /* the printable string holding the match's start */
				string_around(d, ms, BACK, FORWARD, &ss, &se);
			if (!rejected(s, r, d.p + ss, se - ss))
				add_hit(s, r, ms, me, vs, ve, ss, se);
		}
		at = me > ms ? me : me + 1;
	}
}

static int on_hs(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		 void *ctx)
{
	(void)from;
	(void)flags;
	struct vti_cat_scratch *s = ctx;
	if (id < s->c->n_rules)
		confirm(s, s->c->rules[id], (size_t)(s->base + to));
	else if (id - s->c->n_rules < s->c->n_need_ids)
		s->seen[id - s->c->n_rules] = 1;
	return 0;
}

static bool needs_met(struct vti_cat_scratch *s, const struct vti_cat_rule *r)
{
	for (size_t j = 0; j < r->n_needs; j++) {
		if (r->need_ids[j] != UINT_MAX) {
			if (!s->seen[r->need_ids[j]])
				return false;
		} else if (pcre2_match(r->needs[j], s->data.p, s->data.len, 0, 0, s->md2, NULL) < 0) {
			return false;
		}
	}
	return true;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->rule->index < y->rule->index ? -1 : x->rule->index > y->rule->index;
}

static void emit(struct hit *h, vti_cat_match_fn fn, void *ud)
{
	struct vti_cat_match m = {
		.rule = h->rule,
		.offset = h->off,
		.version = (const char *)h->ver,
		.version_len = h->ver_len,
		.update = (const char *)h->upd,
		.update_len = h->upd_len,
		.excerpt = (const char *)h->exc,
		.excerpt_len = h->exc_len,
		.string_off = h->soff,
	};
	fn(ud, &m);
}

vt_err vti_catalog_match(const struct vti_catalog *c, struct vti_cat_scratch *s,
			 struct vt_span data, bool elf, bool text, const char *basename,
			 vti_cat_match_fn fn, void *ud)
{
	s->data = data;
	s->elf = elf;
	s->text = text;
	s->n_hits = 0;
	if (c->n_rules) {
		memset(s->last_end, 0, c->n_rules * sizeof(*s->last_end));
		memset(s->windows, 0, c->n_rules * sizeof(*s->windows));
	}
	memset(s->seen, 0, c->n_need_ids);
	if (c->db && data.len) {
		for (size_t base = 0; base < data.len;) {
			size_t n = VT_MIN(HS_WINDOW, data.len - base);
			s->base = base;
			hs_error_t rc = hs_scan(c->db, (const char *)data.p + base, (unsigned)n, 0,
						s->hs, on_hs, s);
			if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
				return VT_EINTERNAL;
			if (base + n >= data.len)
				break;
			base += n - HS_OVERLAP;
		}
	}
	/* rules on the same printable string: the most confident of each product wins */
	for (size_t i = 0; i < s->n_hits; i++) {
		struct hit *a = &s->hits[i];
		if (a->dead || a->rule->raw)
			continue;
		if (a->rule->n_needs && !needs_met(s, a->rule)) {
			a->dead = true;
			continue;
		}
		for (size_t j = 0; j < s->n_hits; j++) {
			struct hit *b = &s->hits[j];
			if (i == j || b->dead || b->rule->raw || b->soff != a->soff ||
			    b->rule->product != a->rule->product)
				continue;
			bool b_wins = b->rule->confidence > a->rule->confidence ||
				      (b->rule->confidence == a->rule->confidence &&
				       b->rule->index < a->rule->index);
			if (b_wins) {
				a->dead = true;
				break;
			}
		}
	}
	for (size_t i = 0; i < s->n_hits; i++)
		if (!s->hits[i].dead && s->hits[i].rule->raw && s->hits[i].rule->n_needs &&
		    !needs_met(s, s->hits[i].rule))
			s->hits[i].dead = true;
	/* in one object, a product's version read by a more confident rule wins over other
	 * versions read by less confident ones (a banner's ABI name against its real version) */
	for (size_t i = 0; i < s->n_hits; i++) {
		struct hit *a = &s->hits[i];
		for (size_t j = 0; j < s->n_hits && !a->dead; j++) {
			const struct hit *b = &s->hits[j];
			if (!b->dead && b->rule->product == a->rule->product &&
			    b->rule->confidence > a->rule->confidence &&
			    (b->ver_len != a->ver_len || memcmp(b->ver, a->ver, a->ver_len)))
				a->dead = true;
		}
	}
	if (s->n_hits)
		qsort(s->hits, s->n_hits, sizeof(*s->hits), cmp_hit);
	for (size_t i = 0; i < s->n_hits; i++)
		if (!s->hits[i].dead)
			emit(&s->hits[i], fn, ud);
	/* rules on the base name */
	size_t bl = basename ? strlen(basename) : 0;
	for (size_t i = 0; bl && i < c->n_name_rules; i++) {
		const struct vti_cat_rule *r = c->name_rules[i];
		int rc = pcre2_match(r->code, (PCRE2_SPTR)basename, bl, 0, 0, s->md, NULL);
		if (rc <= (int)r->vgroup)
			continue;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
		uint32_t g = r->vgroup;
		if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] <= ov[2 * g])
			continue;
		struct vti_cat_match m = {
			.rule = r,
			.version = basename + ov[2 * g],
			.version_len = ov[2 * g + 1] - ov[2 * g],
			.excerpt = basename,
			.excerpt_len = bl,
		};
		fn(ud, &m);
	}
	return VT_OK;
}
