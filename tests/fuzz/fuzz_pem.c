/* fuzz_pem.c - libFuzzer harness for the crypto analyzer's PEM armour reader, the
 * OpenSSH private key parser and the DER certificate/key decoding: the input is searched
 * for PEM blocks, each body is decoded as OpenSSH key and as DER, and the input itself is
 * tried as DER and as an OpenSSH key body.
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
	size_t sum = 0, pos = 0, blocks = 0;
	struct vti_pem p;
	struct vti_sshkey k;
	struct vti_x509_facts f;
	while (blocks++ < 64 && vti_pem_next(vt_span_make(data, size), &pos, a, &p)) {
		if (p.off + p.len > size)
			__builtin_trap();
		sum += strlen(p.label);
		if (vti_openssh_key_parse(vt_span_make(p.der, p.der_len), &k) == VT_OK)
			sum += strlen(k.keytype) + k.pub_len;
		if (vti_der_facts(p.der, p.der_len, p.label, &f) == VT_OK)
			sum += strlen(f.subject) + (size_t)f.bits;
	}
	if (vti_openssh_key_parse(vt_span_make(data, size), &k) == VT_OK)
		sum += strlen(k.cipher);
	if (vti_der_facts(data, size, NULL, &f) == VT_OK)
		sum += strlen(f.issuer);
	vt_arena_free(a);
	return sum == (size_t)-1;
}
