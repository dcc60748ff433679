/* lzma_child.h - drive a liblzma decoder over a chunk into one child file (xz, lzip). */
#ifndef VT_LZMA_CHILD_H
#define VT_LZMA_CHILD_H

#include "formats/format.h"

#include <lzma.h>

/* Decodes the chunk with the decoder already set up in *z into one child named by
 * vt_x_name_hint(), streaming the output. `whole`: the stream must use the whole chunk
 * to count as complete. A stream that ends early or is damaged gets a diagnostic naming
 * `kind` ("xz", "lzip") and errstr(r). Ends the decoder. */
vt_err vti_lzma_to_child(struct vt_xctx *x, lzma_stream *z, struct vt_span chunk,
			 const struct vt_match *m, const char *kind, bool whole,
			 const char *(*errstr)(lzma_ret r));

#endif
