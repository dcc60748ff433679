/* fw_dts.c - renders a flattened device tree as device tree source text.
 *
 * The tree is walked tag by tag with libfdt (fdt_next_tag, fdt_get_name,
 * fdt_getprop_by_offset), which checks every offset against the tree's blocks; the
 * values it returns are checked again to lie inside the tree's bytes and are read as
 * spans. Values are shown as dtc shows them: printable NUL-terminated strings as
 * strings, multiples of 4 bytes as cells, the rest as bytes. libfdt has no writer of
 * source text (dtc's is in the program only), hence this walker. The text is streamed
 * to the output in pieces; its size is bounded by the engine's output limit.
 */
#include "formats/firmware/fw_common.h"

#include <libfdt.h>

#define FLUSH_AT 16384
#define MAX_DEPTH 64
#define MAX_TAGS (1u << 22)

struct out {
	struct vt_xctx *x;
	struct vt_xfile *f;
	struct vt_buf b;
	vt_err err;       /* the first error writing; further output is dropped */
	bool bad_names;   /* a name had characters dtc does not allow */
	bool lost_names;  /* property names were not readable */
};

static void flush(struct out *o)
{
	if (!o->err && o->b.len)
		o->err = vt_x_file_write(o->f, o->b.data, o->b.len);
	vt_buf_reset(&o->b);
}

static void put(struct out *o, const void *p, size_t n)
{
	if (o->err)
		return;
	if (o->b.len + n > FLUSH_AT)
		flush(o);
	if (n > FLUSH_AT) {
		if (!o->err)
			o->err = vt_x_file_write(o->f, p, n);
		return;
	}
	if (!o->err)
		o->err = vt_buf_add(&o->b, p, n);
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, VT_MIN((size_t)n, sizeof(tmp) - 1));
}

static void indent(struct out *o, unsigned depth)
{
	char tabs[MAX_DEPTH];
	size_t n = VT_MIN(depth, (unsigned)MAX_DEPTH);
	memset(tabs, '\t', n);
	put(o, tabs, n);
}

/* A node or property name, with characters dtc does not allow replaced by '_'. */
static void put_name(struct out *o, struct vt_span name)
{
	static const char ok[] = ",._+*#?@-";
	char buf[256];
	size_t n = 0;
	uint8_t c;
	for (size_t i = 0; !vt_span_u8(name, i, &c); i++) {
		bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			       (c >= '0' && c <= '9') || (c && strchr(ok, c));
		if (!allowed)
			o->bad_names = true;
		buf[n++] = allowed ? (char)c : '_';
		if (n == sizeof(buf)) {
			put(o, buf, n);
			n = 0;
		}
	}
	put(o, buf, n);
}

/* dtc's test: NUL-terminated, non-empty printable strings. */
static bool is_strings(struct vt_span v)
{
	uint8_t c, prev = 0;
	if (v.len == 0 || vt_span_u8(v, v.len - 1, &c) || c != 0)
		return false;
	for (size_t i = 0; i < v.len && !vt_span_u8(v, i, &c); i++) {
		if (c == 0 && (i == 0 || prev == 0))
			return false;
		if (c != 0 && (c < 0x20 || c >= 0x7f))
			return false;
		prev = c;
	}
	return true;
}

static void put_strings(struct out *o, struct vt_span v)
{
	uint8_t c;
	puts_(o, "\"");
	for (size_t i = 0; i + 1 < v.len && !vt_span_u8(v, i, &c); i++) {
		if (c == 0)
			puts_(o, "\", \"");
		else if (c == '"' || c == '\\')
			putf(o, "\\%c", c);
		else
			put(o, &c, 1);
	}
	puts_(o, "\"");
}

static void put_value(struct out *o, struct vt_span v)
{
	uint32_t cell;
	uint8_t byte;
	if (is_strings(v)) {
		put_strings(o, v);
	} else if (v.len % 4 == 0) {
		puts_(o, "<");
		for (size_t i = 0; i < v.len && !vt_span_u32be(v, i, &cell); i += 4)
			putf(o, i ? " 0x%" PRIx32 : "0x%" PRIx32, cell);
		puts_(o, ">");
	} else {
		puts_(o, "[");
		for (size_t i = 0; i < v.len && !vt_span_u8(v, i, &byte); i++)
			putf(o, i ? " %02x" : "%02x", byte);
		puts_(o, "]");
	}
}

/* The property's name, or a stand-in naming its string offset when the strings block
 * is unreadable (a truncated tree loses it first: dtc and mkimage put it last). */
static void put_prop_name(struct out *o, struct vt_span fdt, int off)
{
	const char *name;
	int len = -1;
	struct vt_span nm, prop;
	uint32_t nameoff;
	if (fdt_getprop_by_offset(fdt.p, off, &name, &len) &&
	    vti_fw_fdt_inside(fdt, name, 0, &nm)) {
		size_t room = fdt.len - (size_t)((const uint8_t *)name - fdt.p);
		len = (int)strnlen(name, VT_MIN(room, (size_t)4096)); /* libfdt checked the NUL */
		if (vti_fw_fdt_inside(fdt, name, len, &nm)) {
			put_name(o, nm);
			return;
		}
	}
	const void *p = fdt_get_property_by_offset(fdt.p, off, NULL);
	if (vti_fw_fdt_inside(fdt, p, 12, &prop) && !vt_span_u32be(prop, 8, &nameoff))
		putf(o, "unknown-name-0x%" PRIx32, nameoff);
	else
		puts_(o, "unknown-name");
	o->lost_names = true;
}

static bool render_prop(struct out *o, struct vt_span fdt, int off, unsigned depth,
			size_t elide_over)
{
	int len = -1;
	struct vt_span v;
	const void *p = fdt_getprop_by_offset(fdt.p, off, NULL, &len);
	if (!vti_fw_fdt_inside(fdt, p, len, &v))
		return false;
	indent(o, depth);
	put_prop_name(o, fdt, off);
	if (v.len == 0) {
		puts_(o, ";\n");
	} else if (elide_over && v.len > elide_over) {
		putf(o, "; /* %zu bytes */\n", v.len);
	} else {
		puts_(o, " = ");
		put_value(o, v);
		puts_(o, ";\n");
	}
	return true;
}

static void render_rsvmap(struct out *o, struct vt_span fdt)
{
	uint64_t addr, size;
	int n = fdt_num_mem_rsv(fdt.p);
	for (int i = 0; i < n && i < 4096; i++)
		if (fdt_get_mem_rsv(fdt.p, i, &addr, &size) == 0)
			putf(o, "/memreserve/ 0x%" PRIx64 " 0x%" PRIx64 ";\n", addr, size);
}

/* Walks the structure block; returns false where it is damaged or cut short. */
static bool render_nodes(struct out *o, struct vt_span fdt, size_t elide_over,
			 unsigned *depth)
{
	int off = 0, next, len;
	struct vt_span nm;
	for (uint32_t i = 0; i < MAX_TAGS && !o->err; i++, off = next) {
		uint32_t tag = fdt_next_tag(fdt.p, off, &next);
		if (next < 0 || (tag != FDT_END && next <= off))
			return false;
		switch (tag) {
		case FDT_BEGIN_NODE: {
			const char *name = fdt_get_name(fdt.p, off, &len);
			if (*depth >= MAX_DEPTH || !vti_fw_fdt_inside(fdt, name, len, &nm))
				return false;
			indent(o, *depth);
			if (*depth == 0 && len == 0)
				puts_(o, "/");
			put_name(o, nm);
			puts_(o, " {\n");
			++*depth;
			break;
		}
		case FDT_END_NODE:
			if (*depth == 0)
				return false;
			indent(o, --*depth);
			puts_(o, "};\n");
			break;
		case FDT_PROP:
			if (*depth == 0 || !render_prop(o, fdt, off, *depth, elide_over))
				return false;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return *depth == 0;
		default:
			return false;
		}
	}
	return !o->err;
}

vt_err vti_fw_dts_write(struct vt_xctx *x, const char *path, struct vt_span fdt,
			size_t elide_over)
{
	struct out o = {.x = x};
	unsigned depth = 0;
	vt_err e = vt_x_file_open(x, path, &(struct vt_xmeta){.mode = 0644}, &o.f);
	if (e)
		return e;
	vt_buf_init(&o.b, 2 * FLUSH_AT);
	puts_(&o, "/dts-v1/;\n\n");
	render_rsvmap(&o, fdt);
	bool ok = render_nodes(&o, fdt, elide_over, &depth);
	while (depth > 0) { /* close what a damaged or truncated tree left open */
		indent(&o, --depth);
		puts_(&o, "};\n");
	}
	flush(&o);
	vt_buf_release(&o.b);
	e = vt_x_file_close(o.f, ok);
	if (o.bad_names)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "names with characters dtc does not allow in '%s' (shown as '_')", path);
	if (o.lost_names)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC,
			  "property names are unreadable (strings block missing) in '%s'", path);
	if (!ok && !o.err)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "device tree structure is damaged or truncated: '%s' ends early", path);
	return o.err ? o.err : e;
}
