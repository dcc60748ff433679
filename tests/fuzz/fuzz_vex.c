/* fuzz_vex.c - libFuzzer harness for the OpenVEX and CycloneDX VEX parser.
 *
 * The input is arbitrary bytes. A document that parses must list exactly n statements,
 * each with a vulnerability and a known status; looking each statement up by its own
 * vulnerability and product must find a statement for that vulnerability.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "vulndb/vex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_arena *a = vt_arena_new();
	if (!a)
		return 0;
	struct vti_vex v;
	if (vti_vex_parse(vt_span_make(data, size), a, &v) == VT_OK) {
		size_t n = 0;
		for (const struct vti_vex_stmt *s = v.stmts; s && n <= v.n; s = s->next, n++) {
			if (!s->vuln || s->status == VTI_VEX_UNKNOWN)
				__builtin_trap();
			(void)strlen(vti_vex_status_name(s->status));
			const struct vti_vex_stmt *f =
				vti_vex_find(&v, s->vuln, s->product, s->product, s->product);
			if (!f || strcasecmp(f->vuln, s->vuln))
				__builtin_trap();
			(void)vti_vex_find(&v, s->vuln, "pkg:deb/debian/busybox@1.35.0-4",
					   "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*",
					   "busybox");
		}
		if (n != v.n || !v.format)
			__builtin_trap();
	}
	vt_arena_free(a);
	return 0;
}
