/* fuzz_config.c - libFuzzer harness for NVD configuration evaluation.
 *
 * The input is arbitrary bytes read as JSON: an NVD API page, a {"cve": ...} record, a
 * bare CVE record or a configurations array. Its configurations are evaluated for each of
 * a fixed set of targets (components, a kernel, a device) found together in one artifact.
 * Evaluation must return VT_OK or VT_EFORMAT; a match must name its criteria, and never
 * happen on an error.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "core/internal.h"
#include "vulndb/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vti_target t[] = {
		{'a', "busybox", "busybox", "1.35.0", NULL},
		{'a', "openssl", "openssl", "1.0.2k", NULL},
		{'a', "openbsd", "openssh", "9.2", "p1"},
		{'a', "thekelleys", "dnsmasq", "2.76", NULL},
		{'o', "linux", "linux_kernel", "6.1.0", NULL},
		{'o', "nvidia", "linux_for_tegra", "r21.5", NULL},
		{'h', "nvidia", "jetson_tk1", NULL, NULL},
		{'h', "espressif", "esp32", "-", NULL},
		{'a', "espressif", "esp-idf", "4.1", NULL},
		{'a', "", "", "", ""},
	};
	const size_t n = sizeof(t) / sizeof(t[0]);
	json_t *root = json_loadb((const char *)data, size, 0, NULL);
	if (!root)
		return 0;
	json_t *cfg = root;
	if (json_is_object(root)) {
		json_t *v = json_object_get(root, "vulnerabilities");
		json_t *c = root;
		if (json_is_array(v))
			c = json_object_get(json_array_get(v, 0), "cve");
		else if (json_is_object(json_object_get(root, "cve")))
			c = json_object_get(root, "cve");
		cfg = json_object_get(c, "configurations");
	}
	for (size_t i = 0; cfg && i < n; i++) {
		bool m = false;
		struct vti_cfg_hit h;
		vt_err e = vti_config_eval(cfg, t, n, i, NULL, &m, &h);
		if (e != VT_OK && e != VT_EFORMAT)
			__builtin_trap();
		if (m && (e != VT_OK || !h.criteria || strncmp(h.criteria, "cpe:2.3:", 8)))
			__builtin_trap();
		if (e == VT_OK && !m && h.criteria)
			__builtin_trap();
		/* alone in the artifact */
		e = vti_config_eval(cfg, &t[i], 1, 0, NULL, &m, &h);
		if (e != VT_OK && e != VT_EFORMAT)
			__builtin_trap();
	}
	json_decref(root);
	return 0;
}
