/* fuzz_accounts.c - libFuzzer harness for the passwd(5)/shadow(5) parsers and the hash
 * scheme classifier of the accounts analyzer. The input is arbitrary bytes, parsed as both
 * formats; every returned string is walked so a bad pointer shows under the sanitizers.
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
	struct vti_pwent *pw;
	struct vti_spent *sp;
	size_t n;
	if (vti_passwd_parse(vt_span_make(data, size), a, 4096, &pw, &n) == VT_OK)
		for (size_t i = 0; i < n; i++) {
			sum += strlen(pw[i].name) + strlen(pw[i].shell) + strlen(pw[i].home);
			sum += strlen(vti_hash_kind_name(vti_hash_kind(pw[i].passwd)));
			if (pw[i].off + pw[i].len > size)
				__builtin_trap();
		}
	if (vti_shadow_parse(vt_span_make(data, size), a, 4096, &sp, &n) == VT_OK)
		for (size_t i = 0; i < n; i++) {
			sum += strlen(sp[i].name) + (size_t)vti_hash_kind(sp[i].hash);
			if (sp[i].off + sp[i].len > size)
				__builtin_trap();
		}
	vt_arena_free(a);
	return sum == (size_t)-1;
}
