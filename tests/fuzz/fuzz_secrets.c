/* fuzz_secrets.c - libFuzzer harness for the secrets scanner (Hyperscan prefilter and the
 * verification of each hit on the bytes around it), in text and binary modes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/an_common.h"
#include "fuzz_slack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_secret(const struct vti_secret *s, void *ud)
{
	const struct vt_span *in = ud;
	if (s->value < in->p || s->value + s->len > in->p + in->len || s->off + s->len > in->len)
		__builtin_trap();
	if (s->key && (s->key < in->p || s->key + s->key_len > in->p + in->len))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vti_secrets_db *db;
	static struct vti_secrets_scratch *sc;
	if (!db && (vti_secrets_db_new(&db) || vti_secrets_scratch_new(db, &sc)))
		abort();
	uint8_t *copy = fuzz_with_slack(data, size);
	if (!copy)
		return 0;
	struct vt_span s = vt_span_make(copy, size);
	if (vti_secrets_scan(db, sc, s, true, 64, on_secret, &s) ||
	    vti_secrets_scan(db, sc, s, false, 64, on_secret, &s))
		abort();
	free(copy);
	return 0;
}
