/* fuzz_vuln_cve5.c - libFuzzer harness for the vulnerability database importer of
 * CVE 5.x records and their conversion to NVD configurations.
 * The input is arbitrary bytes; it is stored into an in-memory database and rolled back.
 */
#include "fuzz_vuln.h"

static vt_err run(struct vti_imp *imp, struct vt_span s)
{
	return fuzz_json(imp, s, vti_import_cve5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run(run, data, size);
	return 0;
}
