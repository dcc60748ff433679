/* fuzz_declared.c - libFuzzer harness for the declared-SBOM parser (lib/catalog/declared.c).
 *
 * Parses each input as a CycloneDX or SPDX JSON document with vti_declared_parse in a fresh
 * arena, then runs every string it kept through the purl and CPE splitters, the name
 * normalisation and the version comparison, so an out-of-bounds read in any of them shows up
 * under the sanitizers. The input is arbitrary bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "catalog/declared.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_arena *a = vt_arena_new();
	if (!a)
		return 0;
	struct vti_declared_list l;
	char why[256];
	size_t sum = 0;
	if (vti_declared_parse(vt_span_make(data, size), a, &l, why, sizeof(why)) == VT_OK) {
		if (l.n > VTI_DECLARED_MAX_ENTRIES)
			__builtin_trap();
		for (size_t i = 0; i < l.n; i++) {
			const struct vti_declared *d = &l.v[i];
			if (!d->name && !d->purl)
				__builtin_trap();
			const char *t, *n, *v, *ve, *p;
			if (d->purl && vti_purl_split(d->purl, a, &t, &n, &v))
				sum += strlen(t) + strlen(n) + (v ? strlen(v) : 0);
			if (d->cpe && vti_cpe_split(d->cpe, a, &ve, &p, &v))
				sum += strlen(ve) + strlen(p) + (v ? strlen(v) : 0);
			char norm[64];
			sum += strlen(vti_declared_norm(d->name, norm, sizeof(norm)));
			sum += vti_declared_version_eq(d->version, d->name, d->cpe);
			sum += d->ref ? strlen(d->ref) : 0;
		}
	} else {
		sum += strlen(why);
	}
	vt_arena_free(a);
	return sum == (size_t)-1;
}
