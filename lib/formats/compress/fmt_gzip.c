/* fmt_gzip.c - gzip streams (RFC 1952), one member or several back to back.
 *
 * A chunk is a run of adjacent gzip members, read as `gzip -dc` reads them: the child is
 * their concatenated content, named by the first member's FNAME (else the object's name
 * hint) and dated by its MTIME. zlib parses the whole format (inflate with windowBits
 * 16+15 and inflateGetHeader) and checks each trailer's CRC-32 and length, so nothing
 * is parsed here but the few header bytes identify() looks at to reject fast. Deflate
 * data has no length field: identify() inflates the chunk into a scratch buffer to find
 * where the last member ends (memory flat: zlib's 32 KiB window), or, for a long run,
 * until vt_identify_may_stop() says enough: the match is then open and extract(), which
 * inflates it anyway, settles the extent (vt_x_extent), so a long stream is inflated
 * once and a bit. A member whose header zlib accepts but whose data runs out is
 * kept as truncated; one whose data is damaged is kept up to the damage if it produced
 * output and its deflate data took DECODE_EVIDENCE bytes before it (random bytes after a
 * chance magic often inflate to a little output before failing).
 */
#include "formats/format.h"
#include "formats/compress/evidence.h"

#define ZLIB_CONST
#include <zlib.h>

#define SCRATCH 8192
#define NAME_MAX_GZ 4096     /* longest FNAME taken; longer ones are cut */
#define FEED_MAX (1u << 30) /* input handed to zlib per call (avail_in is 32-bit) */
#define FLG_RESERVED 0xe0
#define DECODE_EVIDENCE 64   /* bytes of a damaged member that must decode before it */

/* END_OPEN: identify stopped inflating a member that was still going well */
enum end { END_COMPLETE, END_TRUNCATED, END_DAMAGED, END_OPEN };

/* Where the output goes: NULL emit discards it (identify). `in` is the input taken so
 * far, from the start of the span. */
struct sink {
	vt_err (*emit)(struct sink *k, const uint8_t *p, size_t n, uint64_t in);
};

/* The result of inflating the members of a span. */
struct run {
	size_t end;        /* offset just past the last accepted member's bytes */
	unsigned members;  /* accepted members */
	enum end how;      /* how the last accepted member ended */
	const char *why;   /* zlib's message when damaged */
	uint64_t out;      /* bytes produced by the accepted members */
	size_t data;       /* deflate bytes of the last member (no header) */
};

/* The fixed part of a member header: magic, deflate, no reserved flag bits. */
static bool header_ok(struct vt_span s, size_t off)
{
	uint8_t flg;
	return vt_span_eq(s, off, "\x1f\x8b\x08", 3) && !vt_span_u8(s, off + 3, &flg) &&
	       !(flg & FLG_RESERVED);
}

/* What inflating one member gave. */
struct member {
	size_t used;  /* input bytes zlib took */
	size_t hdr;   /* of which the header */
	uint64_t out; /* bytes produced */
	enum end how;
};

/* Inflates one member at `off`. The first inflate() call stops after the header
 * (Z_BLOCK), which tells how long the header is. With `may_stop` (identify), stops with
 * END_OPEN once vt_identify_may_stop() allows it for the run that started at `start`
 * and has produced `out` bytes before this member. */
static vt_err one_member(z_stream *z, struct vt_span s, size_t off, struct sink *k,
			 gz_header *head, struct member *mb, bool may_stop, size_t start,
			 uint64_t out)
{
	uint8_t buf[SCRATCH];
	size_t pos = off;
	int flush = Z_BLOCK;
	*mb = (struct member){.how = END_DAMAGED};
	if (inflateReset(z) != Z_OK || inflateGetHeader(z, head) != Z_OK)
		return VT_EINTERNAL;
	z->avail_in = 0;
	for (;;) {
		if (z->avail_in == 0 && pos < s.len) {
			size_t fed = VT_MIN(s.len - pos, (size_t)FEED_MAX);
			z->next_in = s.p + pos;
			z->avail_in = (uInt)fed;
			pos += fed;
		}
		z->next_out = buf;
		z->avail_out = sizeof(buf);
		size_t before = mb->used;
		int zr = inflate(z, flush);
		size_t got = sizeof(buf) - z->avail_out;
		mb->used = pos - off - z->avail_in;
		mb->out += got;
		if (flush == Z_BLOCK && head->done == 1) {
			mb->hdr = mb->used;
			flush = Z_NO_FLUSH;
		}
		if (got && k) {
			vt_err e = k->emit(k, buf, got, off + mb->used);
			if (e)
				return e;
		}
		if (zr == Z_STREAM_END) {
			mb->how = END_COMPLETE;
			return VT_OK;
		}
		if (may_stop && zr == Z_OK && flush == Z_NO_FLUSH &&
		    vt_identify_may_stop(off - start + mb->used, out + mb->out)) {
			mb->how = END_OPEN;
			return VT_OK;
		}
		if (zr == Z_MEM_ERROR)
			return VT_ENOMEM;
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return VT_OK; /* damaged */
		if (z->avail_in == 0 && pos >= s.len && z->avail_out != 0) {
			mb->how = END_TRUNCATED;
			return VT_OK;
		}
		if (!got && mb->used == before && flush == Z_NO_FLUSH)
			return VT_OK; /* no progress: cannot happen with zlib */
	}
}

/* Inflates the run of members starting at `off` of s. The first member must have a
 * header zlib accepts and end, run out of input, or produce output before damage;
 * later members are taken on the same terms, else the run ends before them. With
 * `may_stop` (identify), the run may end open (END_OPEN) in a member still going well. */
static vt_err run_members(struct vt_span s, size_t off, struct sink *k, gz_header *first,
			  bool may_stop, struct run *r)
{
	z_stream z = {0};
	*r = (struct run){.end = off, .how = END_DAMAGED};
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return VT_ENOMEM;
	vt_err e = VT_OK;
	size_t pos = off;
	/* Each accepted member is at least 18 bytes long, so this is bounded by s.len. */
	while (pos < s.len && header_ok(s, pos)) {
		gz_header other = {0}, *head = r->members ? &other : first;
		struct member mb;
		e = one_member(&z, s, pos, k, head, &mb, may_stop, off, r->out);
		if (e)
			break;
		bool keep = head->done == 1 && (mb.how != END_DAMAGED ||
			    (mb.out > 0 && mb.used - mb.hdr >= DECODE_EVIDENCE));
		if (!keep)
			break;
		r->members++;
		r->how = mb.how;
		r->why = z.msg;
		r->out += mb.out;
		r->data = mb.used - mb.hdr;
		pos += mb.used;
		r->end = pos;
		if (mb.how != END_COMPLETE)
			break;
	}
	inflateEnd(&z);
	return e;
}

static const struct vt_magic_pat magics[] = {
	VT_MAGIC("\x1f\x8b\x08", 0),
	VT_MAGIC_END,
};

/* Confidence from how the run's last member ended. */
static unsigned run_bits(const struct run *r)
{
	return r->how == END_COMPLETE ? 64 : vti_cz_evidence(r->data);
}

static vt_err gzip_identify(struct vt_span obj, struct vt_match *m)
{
	size_t off = (size_t)m->offset;
	uint8_t xfl, os;
	if (!header_ok(obj, off) || vt_span_u8(obj, off + 8, &xfl) || vt_span_u8(obj, off + 9, &os))
		return VT_EFORMAT;
	gz_header head = {0}; /* no name or extra buffers: zlib only parses them */
	struct run r;
	vt_err e = run_members(obj, off, NULL, &head, true, &r);
	if (e)
		return e;
	if (r.members == 0)
		return VT_EFORMAT;
	m->open = r.how == END_OPEN;
	m->length = m->open ? obj.len - off : r.end - off;
	m->truncated = r.how == END_TRUNCATED;
	m->u[2] = 24 + 3 + (xfl == 0 || xfl == 2 || xfl == 4 ? 4 : 0) +
		  (os <= 13 || os == 255 ? 4 : 0) + (head.hcrc ? 16 : 0); /* header bits */
	m->confidence = (unsigned)m->u[2] + run_bits(&r);
	m->variant = r.members > 1 ? "multi-member" : NULL;
	m->u[0] = r.members;
	m->u[1] = r.how == END_DAMAGED; /* the chunk ends at the damage */
	return VT_OK;
}

/* extract: the child is opened at its first byte, once zlib has parsed the header. */
struct out {
	struct sink k;
	struct vt_xctx *x;
	struct vt_xfile *f;
	gz_header head;
	Bytef name[NAME_MAX_GZ + 1];
	const char *path;
	bool open;    /* the match is open: report progress, and find the end after a limit */
	uint64_t out; /* bytes emitted */
	vt_err limit; /* VT_ELIMIT once a limit stopped the output of an open match */
};

static const char *child_name(struct out *o)
{
	if (o->head.done != 1 || !o->name[0])
		return vt_x_name_hint(o->x);
	o->name[NAME_MAX_GZ] = 0;
	if (strlen((const char *)o->name) == NAME_MAX_GZ)
		vt_x_diag(o->x, VT_SEV_INFO, VT_ELIMIT,
			  "stored name longer than %d bytes cut to '%.64s...'", NAME_MAX_GZ,
			  (const char *)o->name);
	return (const char *)o->name;
}

static vt_err open_child(struct out *o)
{
	if (o->f)
		return VT_OK;
	struct vt_xmeta meta = {.mtime = o->head.done == 1 ? (int64_t)o->head.time : 0};
	o->path = child_name(o);
	return vt_x_file_open(o->x, o->path, &meta, &o->f);
}

static vt_err emit(struct sink *k, const uint8_t *p, size_t n, uint64_t in)
{
	struct out *o = (struct out *)k;
	if (o->limit)
		return VT_OK; /* inflating on to find the end, output discarded */
	vt_err e = open_child(o);
	if (!e && o->open)
		vt_x_progress(o->x, in, o->out);
	if (!e)
		e = vt_x_file_write(o->f, p, n);
	o->out += n;
	if (e == VT_ELIMIT && o->open) {
		o->limit = e;
		return VT_OK;
	}
	return e;
}

static vt_err gzip_extract(struct vt_xctx *x, struct vt_span chunk, const struct vt_match *m)
{
	struct out *o = calloc(1, sizeof(*o));
	if (!o)
		return VT_ENOMEM;
	o->k.emit = emit;
	o->x = x;
	o->head.name = o->name;
	o->head.name_max = NAME_MAX_GZ;
	o->open = m->open;
	struct run r;
	vt_err e = run_members(chunk, 0, &o->k, &o->head, false, &r);
	if (!e)
		e = o->limit;
	if (m->open && (!e || e == VT_ELIMIT) && r.members)
		vt_x_extent(x, r.end, r.how == END_TRUNCATED, (unsigned)m->u[2] + run_bits(&r));
	if (!e && r.members)
		e = open_child(o);
	bool complete = !e && r.members && r.how == END_COMPLETE &&
			(m->open || r.end == chunk.len);
	if (o->f) {
		vt_err c = vt_x_file_close(o->f, complete);
		e = e ? e : c;
	}
	if (!e && r.members == 0)
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT, "invalid gzip header at 0x%" PRIx64,
			  m->offset);
	else if (!e && (r.how == END_DAMAGED || (m->u[1] && !complete)))
		vt_x_diag(x, VT_SEV_WARNING, VT_EFORMAT,
			  "damaged gzip data at 0x%" PRIx64 " in '%s': %s", m->offset + r.end,
			  o->path, r.why ? r.why : "inflate failed");
	else if (!e && !complete)
		vt_x_diag(x, VT_SEV_WARNING, VT_ETRUNC,
			  "truncated gzip data at 0x%" PRIx64 " in '%s'", m->offset + r.end, o->path);
	free(o);
	return e;
}

const struct vt_format vt_format_gzip = {
	.name = "gzip",
	.description = "gzip compressed data (RFC 1952)",
	.magics = magics,
	.flags = VT_FMT_STREAM,
	.identify = gzip_identify,
	.extract = gzip_extract,
};
