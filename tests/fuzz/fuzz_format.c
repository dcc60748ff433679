/* fuzz_format.c - libFuzzer harness for one format handler (VT_FUZZ_FORMAT, set by the
 * build for every registered format).
 *
 * The input is arbitrary bytes. identify() runs at offset 0 and wherever one of the
 * format's magic literals occurs; each valid chunk is extracted through the real
 * extraction context in dry mode (names cleaned, limits enforced and counted, nothing
 * written), so any out-of-bounds read, leak, hang or undefined behaviour in the handler
 * shows up under the sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "formats/format.h"
#include "review/review_int.h"
#include "tree/xctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_at(struct vt_review *r, struct vt_object *root, const struct vt_format *f,
		   struct vt_span s, uint64_t off)
{
	struct vt_match m = {.offset = off};
	if (f->identify(s, &m) != VT_OK || !m.length || m.length > s.len - off)
		return;
	m.offset = off;
	struct vt_object chunk = {.path = "fuzz/chunk", .relpath = "chunk", .kind = VT_OBJ_CHUNK,
				  .up = root, .xdepth = 0};
	struct vt_xctx x = {.r = r, .wk = 0, .a = r->warenas[0], .parent = root, .chunk = &chunk,
			    .dir = "fuzz", .obj = s, .budget = 64u << 20};
	struct vt_span cs = {s.p + off, (size_t)m.length};
	(void)f->extract(&x, cs, &m);
	free(x.kids); /* dry run: nothing to queue */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct vt_format *f = vti_format_find(VT_FUZZ_FORMAT);
	if (!f)
		__builtin_trap();
	struct vt_review_opts o;
	vt_review_opts_init(&o);
	o.limits.max_bytes = 256u << 20;
	struct vt_review *r = vt_review_new(&o);
	if (!r)
		return 0;
	r->warenas = calloc(1, sizeof(*r->warenas));
	if (!r->warenas || !(r->warenas[0] = vt_arena_new())) {
		vt_review_free(r);
		return 0;
	}
	r->nworkers = 1;
	/* two workers, so handlers that decode in parallel (vt_x_parallel) are fuzzed so */
	static struct vt_pool *pool;
	if (!pool && !(pool = vt_pool_new(2)))
		__builtin_trap();
	r->pool = pool;
	struct vt_object root = {.path = "fuzz", .relpath = "fuzz", .kind = VT_OBJ_FILE};
	struct vt_span s = vt_span_make(data, size);
	try_at(r, &root, f, s, 0);
	int hits = 0;
	for (const struct vt_magic_pat *p = f->magics; p && p->len && size; p++) {
		for (size_t i = 0; i + p->len <= size && hits < 64; i++) {
			if (memcmp(data + i, p->bytes, p->len) || i < p->at || i - p->at == 0)
				continue;
			try_at(r, &root, f, s, i - p->at);
			hits++;
		}
	}
	r->pool = NULL;
	vt_review_free(r);
	return 0;
}
