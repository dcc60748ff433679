/* fuzz_vuln_epss.c - libFuzzer harness for the vulnerability database importer of
 * FIRST EPSS CSV.
 * The input is arbitrary bytes; it is stored into an in-memory database and rolled back.
 */
#include "fuzz_vuln.h"

static vt_err run(struct vti_imp *imp, struct vt_span s)
{
	return vti_import_epss(imp, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run(run, data, size);
	return 0;
}
