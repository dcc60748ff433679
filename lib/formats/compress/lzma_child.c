/* lzma_child.c - the decode loop shared by the liblzma-based stream handlers (xz, lzip).
 *
 * Reads only the chunk span given (liblzma checks the stream itself); output is streamed
 * to the child in 64 KiB pieces, so the engine's limits apply as it grows.
 */
#include "formats/compress/lzma_child.h"

#define OUTBUF (64 * 1024)

vt_err vti_lzma_to_child(struct vt_xctx *x, lzma_stream *z, struct vt_span chunk,
			 const struct vt_match *m, const char *kind, bool whole,
			 const char *(*errstr)(lzma_ret r))
{
	uint8_t *buf = malloc(OUTBUF);
	const char *name = vt_x_name_hint(x);
	struct vt_xfile *f = NULL;
	vt_err e = buf ? vt_x_file_open(x, name, NULL, &f) : VT_ENOMEM;
	lzma_ret r = LZMA_OK;
	z->next_in = chunk.p;
	z->avail_in = chunk.len;
	/* every round produces output or consumes input, else liblzma says LZMA_BUF_ERROR */
	while (!e && r == LZMA_OK) {
		z->next_out = buf;
		z->avail_out = OUTBUF;
		r = lzma_code(z, LZMA_FINISH);
		size_t got = OUTBUF - z->avail_out;
		if (got)
			e = vt_x_file_write(f, buf, got);
	}
	if (r == LZMA_MEM_ERROR && !e)
		e = VT_ENOMEM;
	bool complete = !e && r == LZMA_STREAM_END && (!whole || z->total_in == chunk.len);
	if (f) {
		vt_err c = vt_x_file_close(f, complete);
		e = e ? e : c;
	}
	if (!e && !complete)
		vt_x_diag(x, VT_SEV_WARNING, r == LZMA_BUF_ERROR ? VT_ETRUNC : VT_EFORMAT,
			  "%s %s data at 0x%" PRIx64 " in '%s': %s",
			  r == LZMA_BUF_ERROR ? "truncated" : "damaged", kind, m->offset + z->total_in,
			  name, r == LZMA_STREAM_END ? "trailing bytes" : errstr(r));
	lzma_end(z);
	free(buf);
	return e;
}
