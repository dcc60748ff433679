/* fuzz_network.c - libFuzzer harness for the network endpoint scanner (IPv4, IPv6, URLs,
 * domain names) in text and binary modes; every endpoint must lie inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyzers/an_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_ep(const struct vti_endpoint *e, void *ud)
{
	const struct vt_span *in = ud;
	if (e->text < in->p || e->text + e->len > in->p + in->len || e->off + e->len > in->len)
		__builtin_trap();
	if (e->host && strlen(e->host) >= sizeof(e->host_buf))
		__builtin_trap();
	if (!vti_net_class_name(e->cls))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_span s = vt_span_make(data, size);
	vti_net_scan(s, true, 4096, on_ep, &s);
	vti_net_scan(s, false, 4096, on_ep, &s);
	return 0;
}
