/* fuzz_cpe.c - libFuzzer harness for CPE 2.3 parsing and matching and for version
 * comparison.
 *
 * The input is arbitrary bytes, cut at the first newline into a candidate CPE string (or
 * criterion value, or version) and a target value. The first part is parsed; each parsed
 * attribute is matched against the second part and checked to match itself when it is a
 * plain value; both parts are also compared as versions, which must be antisymmetric.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "vulndb/cpe.h"
#include "vulndb/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	struct vt_span in = vt_span_make(data, size);
	char *a = malloc(size + 1), *b = malloc(size + 1);
	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	size_t cut = 0;
	while (cut < in.len && in.p[cut] != '\n')
		cut++;
	/* NUL-terminated copies (a NUL inside the input ends the string early) */
	if (vt_span_copy(in, 0, a, cut) != VT_OK)
		__builtin_trap();
	a[cut] = 0;
	size_t rest = cut < in.len ? in.len - cut - 1 : 0;
	if (rest && vt_span_copy(in, cut + 1, b, rest) != VT_OK)
		__builtin_trap();
	b[rest] = 0;

	struct vt_arena *ar = vt_arena_new();
	if (!ar)
		goto out;
	struct vti_cpe c;
	if (vti_cpe_parse(a, ar, &c) == VT_OK) {
		struct vti_cpe_raw r;
		if (vti_cpe_scan(a, &r) != VT_OK)
			__builtin_trap(); /* parse and scan must agree */
		for (int i = 0; i < VTI_CPE_NATTR; i++) {
			if (!c.attr[i] || strlen(c.attr[i]) > strlen(a))
				__builtin_trap();
			(void)vti_cpe_attr_match(c.attr[i], b);
			/* a plain value (no quoting, no wildcard) matches itself */
			if (vti_cpe_raw_literal(r.f[i], r.n[i]) &&
			    !vti_cpe_attr_match(c.attr[i], c.attr[i]))
				__builtin_trap();
		}
	}
	(void)vti_cpe_attr_match(a, b);
	(void)vti_cpe_attr_match(b, a);
	int x = vti_version_cmp(a, b), y = vti_version_cmp(b, a);
	if ((x > 0) != (y < 0) || (x < 0) != (y > 0) || vti_version_cmp(a, a) != 0)
		__builtin_trap();
	vt_arena_free(ar);
out:
	free(a);
	free(b);
	return 0;
}
