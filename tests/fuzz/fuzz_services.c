/* fuzz_services.c - libFuzzer harness for the inittab(5) parser and the command classifier
 * of the services analyzer: the input is parsed as an inittab and each process field, and
 * the whole input, are classified as shell commands.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyzers/an_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_arena *a = vt_arena_new();
	if (!a)
		return 0;
	size_t sum = 0;
	struct vti_initent *e;
	size_t n;
	struct vti_cmd c;
	if (vti_inittab_parse(vt_span_make(data, size), a, 256, &e, &n) == VT_OK)
		for (size_t i = 0; i < n; i++) {
			if (e[i].off + e[i].len > size)
				__builtin_trap();
			if (vti_cmd_classify(e[i].process, strlen(e[i].process), a, &c))
				sum += strlen(c.prog) + strlen(vti_svc_name(c.svc));
		}
	if (vti_cmd_classify((const char *)data, size, a, &c))
		sum += strlen(c.prog) + c.prog_off;
	vt_arena_free(a);
	return sum == (size_t)-1;
}
