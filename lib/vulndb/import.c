/* import.c - vt_vulndb_import: recognises what a file holds by its content and hands it to
 * the right importer; walks directory trees (no links followed) and .tar/.gz/.xz/.zst/.bz2
 * archives (libarchive, also nested, also single compressed files); the lazy JSON scanner.
 *
 * Input is any file the user names or any member of an archive: unknown content is
 * skipped (README, LICENSE, schemas), malformed content is a diagnostic. Sizes are capped
 * (VTI_IMPORT_MAX_FILE per file or member, nesting of archives 4, of directories 64).
 */
#include "core/internal.h"

#include "core/archive_lazy.h"
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulndb/import.h"

#define MAX_ARCHIVE_DEPTH 4
#define MAX_DIR_DEPTH 64
#define MAX_JSON_DEPTH 512

/* ---- lazy JSON scanner ---- */

static size_t skip_ws(struct vt_span s, size_t i)
{
	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\n' || s.p[i] == '\r'))
		i++;
	return i;
}

/* s.p[i] is '"': returns the index after the closing quote, or s.len + 1 when unclosed. */
static size_t skip_string(struct vt_span s, size_t i)
{
	for (i++; i < s.len; i++) {
		if (s.p[i] == '\\')
			i++;
		else if (s.p[i] == '"')
			return i + 1;
	}
	return s.len + 1;
}

/* Skips one value starting at *pos (after whitespace). */
static vt_err skip_value(struct vt_span s, size_t *pos)
{
	size_t i = skip_ws(s, *pos);
	if (i >= s.len)
		return VT_ETRUNC;
	uint8_t c = s.p[i];
	if (c == '"') {
		i = skip_string(s, i);
		if (i > s.len)
			return VT_ETRUNC;
		*pos = i;
		return VT_OK;
	}
	if (c == '{' || c == '[') {
		char stack[MAX_JSON_DEPTH];
		size_t depth = 0;
		for (; i < s.len; i++) {
			c = s.p[i];
			if (c == '"') {
				i = skip_string(s, i);
				if (i > s.len)
					return VT_ETRUNC;
				i--;
			} else if (c == '{' || c == '[') {
				if (depth == MAX_JSON_DEPTH)
					return VT_ELIMIT;
				stack[depth++] = (char)(c == '{' ? '}' : ']');
			} else if (c == '}' || c == ']') {
				if (!depth || stack[depth - 1] != (char)c)
					return VT_EFORMAT;
				if (--depth == 0) {
					*pos = i + 1;
					return VT_OK;
				}
			}
		}
		return VT_ETRUNC;
	}
	/* number, true, false, null */
	size_t start = i;
	while (i < s.len && s.p[i] != ',' && s.p[i] != '}' && s.p[i] != ']' && s.p[i] != ' ' &&
	       s.p[i] != '\n' && s.p[i] != '\r' && s.p[i] != '\t')
		i++;
	if (i == start)
		return VT_EFORMAT;
	*pos = i;
	return VT_OK;
}

vt_err vti_json_object_foreach(struct vt_span s, vti_json_member_fn fn, void *ud)
{
	size_t i = skip_ws(s, 0);
	if (i >= s.len || s.p[i] != '{')
		return VT_EFORMAT;
	i = skip_ws(s, i + 1);
	if (i < s.len && s.p[i] == '}')
		return VT_OK;
	for (;;) {
		if (i >= s.len)
			return VT_ETRUNC;
		if (s.p[i] != '"')
			return VT_EFORMAT;
		size_t k = i + 1, e = skip_string(s, i);
		if (e > s.len)
			return VT_ETRUNC;
		i = skip_ws(s, e);
		if (i >= s.len)
			return VT_ETRUNC;
		if (s.p[i] != ':')
			return VT_EFORMAT;
		size_t vstart = skip_ws(s, i + 1), vend = vstart;
		vt_err err = skip_value(s, &vend);
		if (err) {
			/* a truncated value still goes to fn, which may use its complete part
			 * (the records before the cut of a truncated page) */
			if (err == VT_ETRUNC && vstart < s.len) {
				vt_err ferr = fn(ud, (const char *)s.p + k, e - 1 - k,
						 vt_span_make(s.p + vstart, s.len - vstart));
				if (ferr)
					return ferr;
			}
			return err;
		}
		err = fn(ud, (const char *)s.p + k, e - 1 - k,
			 vt_span_make(s.p + vstart, vend - vstart));
		if (err)
			return err;
		i = skip_ws(s, vend);
		if (i >= s.len)
			return VT_ETRUNC;
		if (s.p[i] == '}')
			return VT_OK;
		if (s.p[i] != ',')
			return VT_EFORMAT;
		i = skip_ws(s, i + 1);
	}
}

vt_err vti_json_array_foreach(struct vt_span s, vti_json_elem_fn fn, void *ud)
{
	size_t i = skip_ws(s, 0);
	if (i >= s.len || s.p[i] != '[')
		return VT_EFORMAT;
	i = skip_ws(s, i + 1);
	if (i < s.len && s.p[i] == ']')
		return VT_OK;
	for (;;) {
		size_t start = skip_ws(s, i), end = start;
		vt_err err = skip_value(s, &end);
		if (err)
			return err;
		err = fn(ud, vt_span_make(s.p + start, end - start));
		if (err)
			return err;
		i = skip_ws(s, end);
		if (i >= s.len)
			return VT_ETRUNC;
		if (s.p[i] == ']')
			return VT_OK;
		if (s.p[i] != ',')
			return VT_EFORMAT;
		i++;
	}
}

json_t *vti_json_load(struct vti_imp *imp, struct vt_span s)
{
	json_error_t jerr;
	json_t *j = json_loadb((const char *)s.p, s.len, 0, &jerr);
	if (!j)
		vti_imp_diag(imp, "invalid JSON at line %d column %d: %s", jerr.line, jerr.column,
			     jerr.text);
	return j;
}

/* ---- recognising content ---- */

enum doc_kind { DOC_UNKNOWN, DOC_NVD_PAGE, DOC_NVD_RECORD, DOC_CVE5, DOC_OSV, DOC_KEV };

struct keys {
	bool vulnerabilities, format, results, cve, id, source_id, descriptions, configurations,
		vuln_status, cve_metadata, data_type, catalog, affected, modified, schema_version,
		cve_items;
};

static vt_err note_key(void *ud, const char *k, size_t n, struct vt_span v)
{
	struct keys *f = ud;
#define K(name, field) \
	if (n == sizeof(name) - 1 && !memcmp(k, name, n)) \
		f->field = true;
	K("vulnerabilities", vulnerabilities)
	K("format", format)
	K("resultsPerPage", results)
	K("totalResults", results)
	K("cve", cve)
	K("id", id)
	K("sourceIdentifier", source_id)
	K("descriptions", descriptions)
	K("configurations", configurations)
	K("vulnStatus", vuln_status)
	K("cveMetadata", cve_metadata)
	K("dataType", data_type)
	K("catalogVersion", catalog)
	K("affected", affected)
	K("modified", modified)
	K("schema_version", schema_version)
	K("CVE_Items", cve_items)
#undef K
	return VT_OK;
}

static enum doc_kind classify(const struct keys *f)
{
	if (f->catalog)
		return DOC_KEV;
	if (f->vulnerabilities && (f->format || f->results))
		return DOC_NVD_PAGE;
	if (f->cve_metadata || f->data_type)
		return DOC_CVE5;
	if (f->cve)
		return DOC_NVD_RECORD;
	if (f->id && (f->source_id || f->vuln_status || f->descriptions || f->configurations))
		return DOC_NVD_RECORD;
	if (f->id && (f->affected || f->modified || f->schema_version))
		return DOC_OSV;
	return DOC_UNKNOWN;
}

static enum doc_kind classify_json(const json_t *j)
{
	struct keys f = {0};
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)j, k, v)
		note_key(&f, k, strlen(k), vt_span_make(NULL, 0));
	return classify(&f);
}

static vt_err import_json_value(struct vti_imp *imp, const json_t *j, enum doc_kind kind)
{
	switch (kind) {
	case DOC_NVD_RECORD:
		return vti_import_nvd_record(imp, j);
	case DOC_CVE5:
		return vti_import_cve5(imp, j);
	case DOC_OSV:
		return vti_import_osv(imp, j);
	case DOC_KEV:
		return vti_import_kev(imp, j);
	default:
		if (imp->st)
			imp->st->skipped++;
		return VT_OK;
	}
}

static vt_err array_elem(void *ud, struct vt_span elem)
{
	struct vti_imp *imp = ud;
	json_t *j = vti_json_load(imp, elem);
	if (!j)
		return VT_OK;
	vt_err e = VT_OK;
	if (json_is_object(j))
		e = import_json_value(imp, j, classify_json(j));
	else
		vti_imp_diag(imp, "array element is not an object");
	json_decref(j);
	return imp->fatal ? imp->fatal : e;
}

static bool is_archive(struct vt_span s)
{
	static const uint8_t xz[] = {0xfd, '7', 'z', 'X', 'Z', 0}, zst[] = {0x28, 0xb5, 0x2f, 0xfd};
	if (vt_span_eq(s, 0, "\x1f\x8b", 2) || vt_span_eq(s, 0, xz, sizeof(xz)) ||
	    vt_span_eq(s, 0, zst, sizeof(zst)) || vt_span_eq(s, 0, "BZh", 3))
		return true;
	return vt_span_eq(s, 257, "ustar", 5);
}

static vt_err import_archive(struct vti_imp *imp, struct archive *ar);

/* Containers of records: tar (and compressed tar), zip, 7z, and a single compressed file
 * ("raw"). Not every format libarchive reads: mtree, for one, would take any text. */
static void archive_formats(struct archive *ar)
{
	archive_read_support_filter_all(ar);
	archive_read_support_format_tar(ar);
	archive_read_support_format_gnutar(ar);
	archive_read_support_format_zip(ar);
	archive_read_support_format_7zip(ar);
	archive_read_support_format_raw(ar);
}

static vt_err import_archive_mem(struct vti_imp *imp, struct vt_span s)
{
	struct archive *ar = archive_read_new();
	if (!ar)
		return imp->fatal = VT_ENOMEM;
	archive_formats(ar);
	vt_err e;
	if (archive_read_open_memory(ar, s.p, s.len) != ARCHIVE_OK) {
		vti_imp_diag(imp, "unreadable archive: %s", archive_error_string(ar));
		e = VT_OK;
	} else {
		e = import_archive(imp, ar);
	}
	archive_read_free(ar);
	return e;
}

vt_err vti_import_buf(struct vti_imp *imp, struct vt_span s)
{
	if (imp->st)
		imp->st->files++;
	if (is_archive(s)) {
		if (imp->depth >= MAX_ARCHIVE_DEPTH) {
			vti_imp_diag(imp, "archives nested too deep");
			return VT_OK;
		}
		imp->depth++;
		vt_err e = import_archive_mem(imp, s);
		imp->depth--;
		return e;
	}
	size_t i = 0;
	if (vt_span_eq(s, 0, "\xef\xbb\xbf", 3))
		i = 3;
	i = skip_ws(s, i);
	struct vt_span doc = vt_span_make(s.p + i, s.len - i);
	if (vt_span_eq(doc, 0, "#model_version", 14) || vt_span_eq(doc, 0, "cve,epss", 8))
		return vti_import_epss(imp, doc);
	if (vt_span_eq(doc, 0, "[", 1)) {
		vt_err e = vti_json_array_foreach(doc, array_elem, imp);
		if (imp->fatal)
			return imp->fatal;
		if (e)
			vti_imp_diag(imp, "malformed JSON array (%s)", vt_strerror(e));
		return VT_OK;
	}
	if (!vt_span_eq(doc, 0, "{", 1)) {
		if (imp->st)
			imp->st->skipped++;
		vt_debug("%s: skipped: not a vulnerability record", imp->name);
		return VT_OK;
	}
	struct keys f = {0};
	vt_err e = vti_json_object_foreach(doc, note_key, &f);
	enum doc_kind kind = classify(&f);
	/* a truncated page still holds the records before the cut */
	if (e && !(e == VT_ETRUNC && kind == DOC_NVD_PAGE)) {
		vti_imp_diag(imp, "malformed JSON (%s)", vt_strerror(e));
		return VT_OK;
	}
	if (kind == DOC_NVD_PAGE)
		return vti_import_nvd_page(imp, doc);
	if (kind == DOC_UNKNOWN) {
		if (f.cve_items)
			vti_imp_diag(imp, "NVD 1.1 feeds are retired: use NVD API 2.0 data");
		else if (imp->st)
			imp->st->skipped++;
		return VT_OK;
	}
	json_t *j = vti_json_load(imp, doc);
	if (!j)
		return VT_OK;
	e = import_json_value(imp, j, kind);
	json_decref(j);
	return imp->fatal ? imp->fatal : e;
}

/* ---- archives ---- */

static vt_err import_archive(struct vti_imp *imp, struct archive *ar)
{
	struct archive_entry *ent;
	const char *outer = imp->name;
	vt_err e = VT_OK;
	for (;;) {
		int rc = archive_read_next_header(ar, &ent);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			vti_imp_diag(imp, "archive: %s", archive_error_string(ar));
			break;
		}
		if (archive_entry_filetype(ent) != AE_IFREG)
			continue;
		const char *mname = archive_entry_pathname(ent);
		char name[1024];
		snprintf(name, sizeof(name), "%s:%s", outer, mname ? mname : "?");
		imp->name = name;
		struct vt_buf b;
		vt_buf_init(&b, VTI_IMPORT_MAX_FILE);
		bool bad = false;
		for (;;) {
			const void *blk;
			size_t len;
			la_int64_t off;
			rc = archive_read_data_block(ar, &blk, &len, &off);
			if (rc == ARCHIVE_EOF)
				break;
			if (rc < ARCHIVE_WARN) {
				vti_imp_diag(imp, "archive member: %s", archive_error_string(ar));
				bad = true;
				break;
			}
			if (off < 0 || (uint64_t)off != b.len) {
				/* sparse members: fill the hole with zeros */
				if (off < 0 || (uint64_t)off < b.len) {
					bad = true;
					vti_imp_diag(imp, "archive member has a bad offset");
					break;
				}
				size_t hole = (size_t)off - b.len;
				if (vt_buf_reserve(&b, hole) != VT_OK) {
					bad = true;
					vti_imp_diag(imp, "archive member too large");
					break;
				}
				memset(b.data + b.len, 0, hole);
				b.len += hole;
			}
			if (vt_buf_add(&b, blk, len) != VT_OK) {
				bad = true;
				vti_imp_diag(imp, "archive member larger than %zu bytes",
					     VTI_IMPORT_MAX_FILE);
				break;
			}
		}
		if (!bad)
			e = vti_import_buf(imp, vt_span_make(b.data, b.len));
		vt_buf_release(&b);
		imp->name = outer;
		if (e || imp->fatal)
			return e ? e : imp->fatal;
		if (bad)
			break;
	}
	return VT_OK;
}

const char *vti_english(const json_t *descriptions)
{
	size_t i;
	const json_t *d;
	const char *first = NULL;
	json_array_foreach(descriptions, i, d) {
		const char *v = vti_jstr(d, "value"), *lang = vti_jstr(d, "lang");
		if (!v)
			continue;
		if (lang && !strncmp(lang, "en", 2))
			return v;
		if (!first)
			first = v;
	}
	return first;
}

/* ---- files and directories ---- */

static vt_err import_fd(struct vti_imp *imp, int fd, off_t size)
{
	struct vt_buf b;
	vt_buf_init(&b, VTI_IMPORT_MAX_FILE);
	if (size > 0 && (uint64_t)size <= VTI_IMPORT_MAX_FILE && vt_buf_reserve(&b, (size_t)size)) {
		vt_buf_release(&b);
		return imp->fatal = VT_ENOMEM;
	}
	vt_err e = vt_buf_read_fd(&b, fd);
	if (e == VT_ELIMIT) {
		vti_imp_diag(imp, "file larger than %zu bytes", VTI_IMPORT_MAX_FILE);
		e = VT_OK;
	} else if (e) {
		vt_buf_release(&b);
		return vti_db_fail(imp->db, e, "%s: %s", imp->name, vt_strerror(e));
	} else {
		e = vti_import_buf(imp, vt_span_make(b.data, b.len));
	}
	vt_buf_release(&b);
	return e;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static vt_err import_dir(struct vti_imp *imp, int dfd, const char *path, unsigned depth)
{
	if (depth > MAX_DIR_DEPTH) {
		vti_imp_diag(imp, "directories nested too deep");
		return VT_OK;
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return vti_db_fail(imp->db, vt_err_from_errno(errno), "%s: %s", path,
				   strerror(errno));
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	vt_err e = VT_OK;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., and hidden files such as .git */
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
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
	if (!e && n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !e; i++) {
		char *sub = NULL;
		if (asprintf(&sub, "%s/%s", path, names[i]) < 0) {
			e = VT_ENOMEM;
			break;
		}
		int fd = openat(dirfd(d), names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		struct stat sb;
		if (fd < 0 || fstat(fd, &sb) != 0) {
			if (fd >= 0)
				close(fd);
			if (errno != ELOOP) {
				const char *saved = imp->name;
				imp->name = sub;
				vti_imp_diag(imp, "cannot open: %s", strerror(errno));
				imp->name = saved;
			}
			free(sub);
			continue;
		}
		const char *saved = imp->name;
		imp->name = sub;
		if (S_ISDIR(sb.st_mode)) {
			e = import_dir(imp, fd, sub, depth + 1);
		} else if (S_ISREG(sb.st_mode)) {
			int fl = fcntl(fd, F_GETFL);
			if (fl >= 0)
				fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
			e = import_fd(imp, fd, sb.st_size);
			close(fd);
		} else {
			close(fd);
		}
		imp->name = saved;
		free(sub);
		if (!e && imp->fatal)
			e = imp->fatal;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return e;
}

static vt_err import_path(struct vti_imp *imp, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return vti_db_fail(imp->db, vt_err_from_errno(errno), "%s: %s", path,
				   strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return vti_db_fail(imp->db, vt_err_from_errno(errno), "%s: %s", path,
				   strerror(errno));
	}
	imp->name = path;
	if (S_ISDIR(sb.st_mode))
		return import_dir(imp, fd, path, 0);
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return vti_db_fail(imp->db, VT_ENOTSUP, "%s: not a file or directory", path);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	/* large archives stream through libarchive without being read into memory */
	uint8_t head[512];
	ssize_t hn = pread(fd, head, sizeof(head), 0);
	vt_err e;
	if (hn > 0 && is_archive(vt_span_make(head, (size_t)hn)) &&
	    (uint64_t)sb.st_size > ((uint64_t)64 << 20)) {
		struct archive *ar = archive_read_new();
		if (!ar) {
			close(fd);
			return VT_ENOMEM;
		}
		archive_formats(ar);
		if (imp->st)
			imp->st->files++;
		if (archive_read_open_fd(ar, fd, 1 << 16) != ARCHIVE_OK) {
			vti_imp_diag(imp, "unreadable archive: %s", archive_error_string(ar));
			e = VT_OK;
		} else {
			imp->depth++;
			e = import_archive(imp, ar);
			imp->depth--;
		}
		archive_read_free(ar);
	} else {
		e = import_fd(imp, fd, sb.st_size);
	}
	close(fd);
	return e;
}

static void stats_add(struct vt_vulndb_import_stats *to, const struct vt_vulndb_import_stats *s)
{
	to->files += s->files;
	to->records += s->records;
	to->cves_new += s->cves_new;
	to->cves_updated += s->cves_updated;
	to->cves_unchanged += s->cves_unchanged;
	to->kev += s->kev;
	to->epss += s->epss;
	to->osv += s->osv;
	to->skipped += s->skipped;
	to->errors += s->errors;
}

static vt_err log_import(struct vt_vulndb *db, const char *kind, const char *path,
			 const char *started, const struct vt_vulndb_import_stats *st)
{
	char now[32];
	vti_utc_now(now);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db->db,
			       "INSERT INTO import_log(kind, path, started, finished, files,"
			       " records,"
			       " new, updated, errors) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			       -1, &s, NULL) != SQLITE_OK)
		return vti_db_fail(db, VT_EIO, "import log: %s", sqlite3_errmsg(db->db));
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, started, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)st->files);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)st->records);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)st->cves_new);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)st->cves_updated);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)st->errors);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return vti_db_fail(db, VT_EIO, "import log: %s", sqlite3_errmsg(db->db));
	return vti_db_meta_set(db, !strcmp(kind, "update") ? "last_update_run" : "last_import",
			       now);
}

/* Shared by vt_vulndb_import and vt_vulndb_import_mem: one transaction around `run`. */
static vt_err run_import(struct vt_vulndb *db, const char *path, struct vt_span mem,
			 const char *name, struct vt_vulndb_import_stats *out)
{
	struct vt_vulndb_import_stats st = {0};
	if (out)
		memset(out, 0, sizeof(*out));
	if (db->readonly)
		return vti_db_fail(db, VT_EACCES, "the database is open read-only");
	db->err[0] = 0;
	char started[32];
	vti_utc_now(started);
	vt_err e = vti_db_begin(db);
	if (e)
		return e;
	struct vti_imp imp = {.db = db, .st = &st, .name = path ? path : name};
	if (path)
		e = import_path(&imp, path);
	else
		e = vti_import_buf(&imp, mem);
	if (!e && imp.fatal)
		e = imp.fatal;
	if (!e)
		e = log_import(db, "import", path ? path : name, started, &st);
	if (!e)
		e = vti_db_commit(db);
	if (e) {
		if (!db->err[0])
			vti_db_fail(db, e, "%s", vt_strerror(e));
		vti_db_rollback(db);
		return e;
	}
	if (out)
		stats_add(out, &st);
	return VT_OK;
}

vt_err vt_vulndb_import(struct vt_vulndb *db, const char *path, struct vt_vulndb_import_stats *st)
{
	if (!db || !path)
		return VT_EINVAL;
	return run_import(db, path, vt_span_make(NULL, 0), path, st);
}

vt_err vt_vulndb_import_mem(struct vt_vulndb *db, const void *data, size_t len, const char *name,
			    struct vt_vulndb_import_stats *st)
{
	if (!db || (!data && len))
		return VT_EINVAL;
	return run_import(db, NULL, vt_span_make(data, len), name ? name : "(memory)", st);
}

/* ---- CPE helper shared by the converters ---- */

char *vti_cpe_with_version(const char *base, const char *version)
{
	/* find the start and end of the version attribute (the 6th ':'-separated field) */
	size_t n = strlen(base), field = 0, vs = 0, ve = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && base[i] == '\\') {
			i++;
			continue;
		}
		if (i == n || base[i] == ':') {
			field++;
			if (field == 5)
				vs = i + 1;
			else if (field == 6) {
				ve = i;
				break;
			}
		}
	}
	if (field < 6 || ve < vs)
		return NULL;
	struct vt_buf b;
	vt_buf_init(&b, 1 << 16);
	vt_err e = vt_buf_add(&b, base, vs);
	bool logical = !strcmp(version, "*") || !strcmp(version, "-"); /* ANY, NA */
	if (!e && logical)
		e = vt_buf_addstr(&b, version);
	for (const char *p = version; !e && !logical && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f)
			continue;
		if (!(isalnum(c) || c == '_' || c == '.' || c == '-'))
			e = vt_buf_add(&b, "\\", 1);
		if (!e)
			e = vt_buf_add(&b, p, 1);
	}
	if (!e)
		e = vt_buf_addstr(&b, base + ve);
	if (e) {
		vt_buf_release(&b);
		return NULL;
	}
	size_t len;
	return (char *)vt_buf_take(&b, &len);
}
