/* magic.c - file typing with libmagic, with a fast path for text.
 *
 * libmagic handles are not thread-safe, so each worker owns them. Its decompression of
 * compressed data is disabled: unpacking is the extractors' job, and libmagic must never
 * run a decompressor on hostile input.
 *
 * Text is typed without libmagic's "soft" magic: Debian 12's libmagic (5.44) compiles
 * each regular expression of its database on every use, so one plain text file costs
 * 0.5-3 ms (measured), which made typing /usr take minutes. A buffer with no NUL in its
 * first 64 KiB is text for this purpose; its description comes from a small table of
 * the text kinds a review cares about (scripts with their interpreter, PEM blocks, XML,
 * HTML, JSON) followed by libmagic's encoding check alone ("ASCII text", "UTF-8 text,
 * with CRLF line terminators"), which is fast. Everything else goes through libmagic's
 * full database. A MIME type is given only for text (from the table above, else
 * text/plain): asking libmagic for one would double its cost for binaries, and the
 * description says more.
 *
 * The compiled database (8 MB) is mapped once per process and every handle is made from
 * that mapping (magic_load_buffers): magic_load() reads the whole file into a private copy
 * per handle, which cost each worker a few milliseconds and 16 MB. The default search path
 * (magic_getpath: "/etc/magic:/usr/share/misc/magic") is followed as libmagic does, each
 * entry's ".mgc" first; when $MAGIC is set, or an entry is a text file with rules of its own
 * (a local /etc/magic), handles are loaded by libmagic itself as before.
 */
#include "core/internal.h"
#include "scan/magic.h"

#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct vt_magic {
	magic_t desc;
	magic_t text; /* encoding only, no soft magic */
};

#define MAGIC_BYTES (64u * 1024)

/* The shared mapping of the compiled database; NULL: let libmagic load it. */
static void *db_map;
static size_t db_len;

/* Does the text magic file at path hold a rule (a line that is neither blank nor a
 * comment)? A missing file holds none. */
static bool has_rules(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[512];
	bool rules = false;
	while (!rules && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t\r\n");
		rules = *p && *p != '#';
	}
	fclose(f);
	return rules;
}

/* Maps the one compiled database of the search path; leaves db_map NULL (libmagic then
 * loads the path itself) when anything else is on it: $MAGIC, two compiled databases, a
 * text file with rules, a directory of them. */
static void map_db(void)
{
	if (getenv("MAGIC"))
		return;
	const char *path = magic_getpath(NULL, 0);
	char entry[512], mgc[520], found[520] = "";
	while (path && *path) {
		size_t n = strcspn(path, ":");
		if (n >= sizeof(entry))
			return;
		memcpy(entry, path, n);
		entry[n] = 0;
		path += n + (path[n] == ':');
		struct stat st;
		snprintf(mgc, sizeof(mgc), "%s.mgc", entry);
		if (stat(mgc, &st) == 0) {
			if (*found || !S_ISREG(st.st_mode))
				return;
			snprintf(found, sizeof(found), "%s", mgc);
		} else if (stat(entry, &st) == 0 && (S_ISDIR(st.st_mode) || has_rules(entry))) {
			return;
		}
	}
	int fd = *found ? open(found, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		/* private and writable: libmagic byte-swaps a foreign-endian database in place,
		 * which must not reach the file */
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			db_map = p;
			db_len = (size_t)st.st_size;
		}
	}
	close(fd);
}

static int load(magic_t m)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, map_db);
	if (db_map) {
		void *bufs[1] = {db_map};
		size_t sizes[1] = {db_len};
		return magic_load_buffers(m, bufs, sizes, 1);
	}
	return magic_load(m, NULL);
}

static magic_t open_one(int flags)
{
	magic_t m = magic_open(flags | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR | MAGIC_RAW);
	if (!m)
		return NULL;
	if (load(m) != 0) {
		magic_close(m);
		return NULL;
	}
	size_t bytes = MAGIC_BYTES;
	magic_setparam(m, MAGIC_PARAM_BYTES_MAX, &bytes);
	return m;
}

struct vt_magic *vti_magic_new(vt_err *err)
{
	struct vt_magic *m = calloc(1, sizeof(*m));
	if (!m) {
		*err = VT_ENOMEM;
		return NULL;
	}
	m->desc = open_one(MAGIC_NONE);
	m->text = open_one(MAGIC_NO_CHECK_SOFT);
	if (!m->desc || !m->text) {
		vti_magic_free(m);
		*err = VT_ENOTFOUND;
		return NULL;
	}
	return m;
}

void vti_magic_free(struct vt_magic *m)
{
	if (!m)
		return;
	if (m->desc)
		magic_close(m->desc);
	if (m->text)
		magic_close(m->text);
	free(m);
}

static bool starts_with(struct vt_span s, const char *lit)
{
	return vt_span_eq(s, 0, lit, strlen(lit));
}

static bool starts_with_ci(struct vt_span s, size_t off, const char *lit)
{
	size_t n = strlen(lit);
	if (!vt_span_has(s, off, n))
		return false;
	return strncasecmp((const char *)s.p + off, lit, n) == 0;
}

/* The first line of s (at most max bytes), without the line end, as an arena string. */
static char *first_line(struct vt_span s, size_t skip, size_t max, struct vt_arena *a)
{
	size_t end = skip;
	while (end < s.len && end - skip < max && s.p[end] != '\n' && s.p[end] != '\r')
		end++;
	return vt_arena_strndup(a, (const char *)s.p + skip, end - skip);
}

/* A description and MIME type of a text kind from its first bytes; false if none fits. */
static bool text_kind(struct vt_span s, struct vt_arena *a, const char **kind, const char **mime)
{
	if (starts_with(s, "#!")) {
		char *line = first_line(s, 2, 256, a);
		if (!line)
			return false;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		char *interp = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		char *arg = NULL;
		if (*p) {
			*p++ = 0;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p) {
				arg = p;
				while (*p && *p != ' ' && *p != '\t')
					p++;
				*p = 0;
			}
		}
		const char *base = strrchr(interp, '/') ? strrchr(interp, '/') + 1 : interp;
		if (!strcmp(base, "env") && arg)
			base = arg;
		static const char *const shells[] = {"sh", "bash", "ash", "dash", "ksh", "zsh", "busybox"};
		*mime = NULL;
		for (size_t i = 0; i < VT_ARRAY_LEN(shells); i++)
			if (!strcmp(base, shells[i]))
				*mime = "text/x-shellscript";
		if (!*mime)
			*mime = vt_arena_printf(a, "text/x-script.%s", base);
		*kind = vt_arena_printf(a, "%s script, interpreter %s%s%s", base, interp,
					arg ? " " : "", arg ? arg : "");
		return *kind && *mime;
	}
	if (starts_with(s, "-----BEGIN ")) {
		char *line = first_line(s, 11, 64, a);
		if (!line)
			return false;
		char *dash = strstr(line, "-----");
		if (dash)
			*dash = 0;
		*kind = vt_arena_printf(a, "PEM %s", line);
		*mime = "application/x-pem-file";
		return *kind != NULL;
	}
	size_t off = 0;
	if (starts_with(s, "\xef\xbb\xbf"))
		off = 3;
	while (off < s.len && off < 512 && (s.p[off] == ' ' || s.p[off] == '\t' ||
					     s.p[off] == '\n' || s.p[off] == '\r'))
		off++;
	if (starts_with_ci(s, off, "<?xml")) {
		*kind = "XML document";
		*mime = "text/xml";
		return true;
	}
	if (starts_with_ci(s, off, "<!doctype html") || starts_with_ci(s, off, "<html")) {
		*kind = "HTML document";
		*mime = "text/html";
		return true;
	}
	if (off < s.len && (s.p[off] == '{' || s.p[off] == '[') && s.len > off + 1) {
		size_t k = off + 1;
		while (k < s.len && (s.p[k] == ' ' || s.p[k] == '\n' || s.p[k] == '\r' || s.p[k] == '\t'))
			k++;
		if (k < s.len && (s.p[k] == '"' || s.p[k] == '{' || s.p[k] == '}' ||
				  (s.p[off] == '[' && s.p[k] == ']'))) {
			*kind = "JSON data";
			*mime = "application/json";
			return true;
		}
	}
	return false;
}

vt_err vti_magic_describe(struct vt_magic *m, struct vt_span s, struct vt_arena *a,
			  const char **desc, const char **mime)
{
	size_t n = VT_MIN(s.len, (size_t)MAGIC_BYTES);
	bool text = n > 0 && !memchr(s.p, 0, n) && !starts_with(s, "%PDF-") &&
		    !starts_with(s, "%!PS");
	if (text) {
		const char *enc = magic_buffer(m->text, s.p, n);
		const char *kind = NULL, *kmime = NULL;
		if (text_kind(vt_span_make(s.p, n), a, &kind, &kmime))
			*desc = vt_arena_printf(a, "%s, %s", kind, enc ? enc : "text");
		else
			*desc = vt_arena_strdup(a, enc ? enc : "text");
		*mime = kmime ? kmime : (enc && strstr(enc, "text")) ? "text/plain"
								    : "application/octet-stream";
		return *desc ? VT_OK : VT_ENOMEM;
	}
	const char *d = magic_buffer(m->desc, s.p, n);
	*desc = vt_arena_strdup(a, d ? d : "data");
	*mime = NULL;
	if (!*desc)
		return VT_ENOMEM;
	return d ? VT_OK : VT_EFORMAT;
}
