/* analyzer.c - the analyzer table and the helpers analyzers share: findings, evidence,
 * lookups of files by their path inside an unpacked filesystem, reading small files again.
 *
 * Paths inside filesystems come from member names that the safe writer already cleaned
 * (no "..", no absolute prefix), so a lookup never leaves the filesystem it starts in;
 * symbolic link targets are untrusted text and are resolved here lexically, inside the
 * filesystem, with a hop limit.
 */
#include "core/internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/analyzer.h"
#include "review/review_int.h"
#include "tree/writer.h"

#define VT_ANALYZER(n) extern const struct vti_analyzer vti_an_##n;
#include "analyzers/analyzer_list.h"
#undef VT_ANALYZER

const struct vti_analyzer *const vti_analyzers[] = {
#define VT_ANALYZER(n) &vti_an_##n,
#include "analyzers/analyzer_list.h"
#undef VT_ANALYZER
	NULL,
};

const char *vt_level_name(enum vt_level l)
{
	static const char *const names[] = {"info", "low", "medium", "high", "critical"};
	return (unsigned)l < VT_ARRAY_LEN(names) ? names[l] : "unknown";
}

const char *vt_evidence_kind_name(enum vt_evidence_kind k)
{
	static const char *const names[] = {"string", "package", "filename",
					    "soname", "banner", "declared", "symbol"};
	return (unsigned)k < VT_ARRAY_LEN(names) ? names[k] : "unknown";
}

/* Copies at most 256 bytes of excerpt, escaping what is not printable ASCII as \xNN. */
static const char *clean_excerpt(struct vt_arena *a, const char *p, size_t n)
{
	if (!p)
		return NULL;
	n = VT_MIN(n, (size_t)256);
	char *out = vt_arena_alloc(a, n * 4 + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch >= 0x20 && ch < 0x7f) {
			out[k++] = (char)ch;
		} else {
			static const char hex[] = "0123456789abcdef";
			out[k++] = '\\';
			out[k++] = 'x';
			out[k++] = hex[ch >> 4];
			out[k++] = hex[ch & 15];
		}
	}
	out[k] = 0;
	return out;
}

struct vt_finding *vti_finding(struct vti_actx *c, struct vt_object *o, const struct vt_rule *rule,
			       bool has_offset, uint64_t offset, const char *excerpt, size_t excerpt_len,
			       const char *fmt, ...)
{
	struct vt_finding *f = vt_arena_alloc(c->a, sizeof(*f));
	if (!f)
		return NULL;
	f->rule = rule;
	f->object = o;
	f->severity = rule->severity;
	f->has_offset = has_offset;
	f->offset = offset;
	f->excerpt = clean_excerpt(c->a, excerpt, excerpt_len);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		char buf[1024];
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		f->message = vt_arena_strdup(c->a, buf);
	}
	if (o) {
		if (o->findings_tail)
			o->findings_tail->next = f;
		else
			o->findings = f;
		o->findings_tail = f;
		o->n_findings++;
	} else {
		vti_review_finding_add(c->r, f);
	}
	return f;
}

struct vt_evidence *vti_evidence(struct vti_actx *c, struct vt_object *o,
				 const struct vt_evidence *ev)
{
	struct vt_evidence *e = vt_arena_alloc(c->a, sizeof(*e));
	if (!e)
		return NULL;
	*e = *ev;
	e->product = vt_arena_strdup(c->a, ev->product);
	e->version = vt_arena_strdup(c->a, ev->version);
	e->raw_version = vt_arena_strdup(c->a, ev->raw_version);
	e->update = vt_arena_strdup(c->a, ev->update);
	e->excerpt = ev->excerpt ? clean_excerpt(c->a, ev->excerpt, strlen(ev->excerpt)) : NULL;
	e->rule = vt_arena_strdup(c->a, ev->rule);
	if (!e->product)
		return NULL;
	/* appended in order found */
	e->next = NULL;
	struct vt_evidence **pp = &o->evidence;
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	o->n_evidence++;
	return e;
}

const char *vti_data_dir(const struct vt_review *r)
{
	if (r->opts.data_dir)
		return r->opts.data_dir;
	const char *env = getenv("VETTER_DATA");
	if (env && *env)
		return env;
	struct stat st;
	if (stat(VT_DATADIR "/catalog", &st) == 0 && S_ISDIR(st.st_mode))
		return VT_DATADIR;
	return VT_SRC_DATADIR;
}

const char *vti_basename(const struct vt_object *o)
{
	const char *p = o->fspath ? o->fspath : o->path;
	const char *s = strrchr(p, '/');
	return s && s[1] ? s + 1 : p;
}

/* --- filesystem index: (fsroot, fspath) -> object, open addressing --- */

static uint64_t fs_hash(const struct vt_object *root, const char *path, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)root;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)path[i]) * 1099511628211ULL;
	return h;
}

vt_err vti_fs_index_build(struct vt_review *r)
{
	size_t cap = 16;
	while (cap < r->n_objects * 2 + 16)
		cap *= 2;
	struct vt_object **t = calloc(cap, sizeof(*t));
	if (!t)
		return VT_ENOMEM;
	size_t nroots = 0, caproots = 0;
	const struct vt_object **roots = NULL;
	for (size_t i = 0; i < r->n_objects; i++) {
		struct vt_object *o = r->objects[i];
		vti_set_fspath(r, o, r->warenas[0]);
		if (!o->fspath || !o->fsroot || o->kind == VT_OBJ_CHUNK)
			continue;
		size_t n = strlen(o->fspath);
		uint64_t h = fs_hash(o->fsroot, o->fspath, n);
		size_t k = (size_t)h & (cap - 1);
		while (t[k])
			k = (k + 1) & (cap - 1);
		t[k] = o;
		/* distinct roots, in first-seen order (objects are in DFS order) */
		if (!nroots || roots[nroots - 1] != o->fsroot) {
			bool seen = false;
			for (size_t j = 0; j < nroots && !seen; j++)
				seen = roots[j] == o->fsroot;
			if (!seen) {
				if (nroots == caproots) {
					size_t nc = caproots ? caproots * 2 : 16;
					const struct vt_object **nr = realloc(roots, nc * sizeof(*nr));
					if (!nr) {
						free(t);
						free(roots);
						return VT_ENOMEM;
					}
					roots = nr;
					caproots = nc;
				}
				roots[nroots++] = o->fsroot;
			}
		}
	}
	free(r->fs_index);
	free(r->fs_roots);
	r->fs_index = t;
	r->fs_index_cap = cap;
	r->fs_roots = roots;
	r->n_fs_roots = nroots;
	return VT_OK;
}

static struct vt_object *fs_get(struct vt_review *r, const struct vt_object *root, const char *p,
				size_t n)
{
	if (!r->fs_index)
		return NULL;
	size_t k = (size_t)fs_hash(root, p, n) & (r->fs_index_cap - 1);
	for (struct vt_object *o; (o = r->fs_index[k]); k = (k + 1) & (r->fs_index_cap - 1))
		if (o->fsroot == root && strlen(o->fspath) == n && !memcmp(o->fspath, p, n))
			return o;
	return NULL;
}

/* Normalises "/a/./b/../c" into out (absolute, no trailing slash); false when too long. */
static bool normalise(const char *in, char *out, size_t cap)
{
	size_t k = 0;
	out[k++] = '/';
	const char *s = in;
	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t n = (size_t)(e - s);
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (k > 1 && out[k - 1] != '/')
				k--;
			if (k > 1)
				k--;
		} else {
			if (k + n + 2 >= cap)
				return false;
			if (k > 1)
				out[k++] = '/';
			memcpy(out + k, s, n);
			k += n;
		}
		s = e;
	}
	out[k] = 0;
	return true;
}

struct vt_object *vti_fs_lookup(struct vt_review *r, const struct vt_object *fsroot,
				const char *path, bool follow)
{
	char cur[4096], tmp[8192];
	if (!normalise(path, cur, sizeof(cur)))
		return NULL;
	for (int hops = 0; hops < 40; hops++) {
		/* resolve each directory component that is a link, then the final one */
		size_t n = strlen(cur);
		bool changed = false;
		for (size_t i = 1; i <= n && follow; i++) {
			if (i != n && cur[i] != '/')
				continue;
			struct vt_object *o = fs_get(r, fsroot, cur, i);
			if (!o || o->kind != VT_OBJ_SYMLINK || !o->link_target)
				continue;
			/* replace cur[0..i) by the link target, relative to its directory */
			const char *t = o->link_target;
			size_t dl = i;
			while (dl > 0 && cur[dl - 1] != '/')
				dl--;
			int w;
			if (t[0] == '/')
				w = snprintf(tmp, sizeof(tmp), "%s%s", t, cur + i);
			else
				w = snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)dl, cur, t, cur + i);
			if (w < 0 || (size_t)w >= sizeof(tmp) || !normalise(tmp, cur, sizeof(cur)))
				return NULL;
			changed = true;
			break;
		}
		if (!changed) {
			struct vt_object *o = fs_get(r, fsroot, cur, strlen(cur));
			if (o && o->kind == VT_OBJ_FILE && o->hardlink && o->link_target && follow)
				return o; /* the hard link itself carries the content's hash */
			return o;
		}
	}
	return NULL;
}

size_t vti_fs_roots(struct vt_review *r, const struct vt_object ***roots)
{
	*roots = r->fs_roots;
	return r->n_fs_roots;
}

vt_err vti_object_read(struct vti_actx *c, const struct vt_object *o, size_t max,
		       struct vt_span *out)
{
	struct vt_review *r = c->r;
	if (o->kind != VT_OBJ_FILE)
		return VT_EINVAL;
	if (o->size > max)
		return VT_ELIMIT;
	int fd = o->disk ? vti_writer_open_read(r->writer, o->disk) : vti_open_object(r, o);
	if (fd < 0)
		return vt_err_from_errno(errno);
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return VT_ELIMIT;
	}
	struct vt_buf b;
	vt_buf_init(&b, max);
	vt_err e = vt_buf_read_fd(&b, fd);
	close(fd);
	size_t len = b.len;
	uint8_t *copy = e ? NULL : vt_arena_alloc(c->a, len + 1);
	if (copy && len)
		memcpy(copy, b.data, len);
	vt_buf_release(&b);
	if (e)
		return e;
	if (!copy)
		return VT_ENOMEM;
	*out = vt_span_make(copy, len);
	return VT_OK;
}
