/* fuzz_vuln_nvd.c - libFuzzer harness for the vulnerability database importer of
 * NVD API 2.0 pages and records (the lazy scanner and vti_import_nvd_record).
 * The input is arbitrary bytes; it is stored into an in-memory database and rolled back.
 */
#include "fuzz_vuln.h"

static vt_err run(struct vti_imp *imp, struct vt_span s)
{
	return vti_import_nvd_page(imp, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run(run, data, size);
	return 0;
}
