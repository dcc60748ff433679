/* test_scan_slack.c - the Hyperscan scanners (signature scan, secrets, catalogue) on
 * inputs placed so that exactly VTI_SCAN_SLACK readable bytes follow them, then a page
 * that cannot be read.
 *
 * Hyperscan 5.4's AVX-512 VBMI literal matcher loads the aligned 64 bytes that hold a
 * buffer's end; a buffer ending at a page boundary before an unmapped page made the
 * secrets fuzzer crash on a machine with VBMI (the input below). The review gives every
 * scanned span this slack (VTI_SCAN_SLACK); here every prefix of each input is scanned
 * with the slack and no more, so a scanner reading further than that faults the test (on
 * a processor where the matcher reads past the end at all).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/internal.h"
#include "analyzers/an_common.h"
#include "catalog/catalog.h"
#include "vt_config.h"
#include "scan/sigscan.h"

/* the secrets fuzzer's crashing input (a shell export of AWS-like keys, mutated) */
static const uint8_t crash[] = {
	0x73, 0x68, 0x0a, 0x65, 0x78, 0x70, 0xbc, 0xbc, 0xc5, 0xbc, 0xbc, 0xbc,
	0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc,
	0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc, 0xbc,
	0x96, 0xbc, 0xbc, 0xbc, 0xbc, 0x72, 0x74, 0x20, 0x41, 0x57, 0x53, 0x5f,
	0x41, 0x43, 0x43, 0x45, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x5a, 0x70, 0x6f,
	0x72, 0x74, 0x20, 0x41, 0x77, 0x53, 0x5f, 0x53, 0x45, 0x43, 0x52, 0x45,
	0x54, 0x38, 0x69, 0x6a, 0x50, 0x69, 0x66, 0x70, 0x35, 0x4e, 0x50, 0x63,
	0x32, 0x68, 0x6a, 0x47, 0x58, 0x61, 0x72, 0x58, 0x59, 0x50, 0x7a, 0x0a,
};

static void on_secret(const struct vti_secret *s, void *ud)
{
	(void)s;
	(void)ud;
}

static void on_cat(void *ud, const struct vti_cat_match *m)
{
	(void)ud;
	(void)m;
}

static void test_slack_is_enough(void **state)
{
	(void)state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + page, page, PROT_NONE), 0);
	uint8_t *end = m + page - VTI_SCAN_SLACK; /* the span ends here */

	struct vti_secrets_db *sdb;
	struct vti_secrets_scratch *ssc;
	assert_int_equal(vti_secrets_db_new(&sdb), VT_OK);
	assert_int_equal(vti_secrets_scratch_new(sdb, &ssc), VT_OK);
	struct vti_sigdb *gdb;
	assert_int_equal(vti_sigdb_new(&gdb), VT_OK);
	struct hs_scratch *gsc = vti_sigdb_scratch(gdb);
	assert_non_null(gsc);
	struct vti_catalog *cat;
	struct vti_cat_scratch *csc;
	assert_int_equal(vti_catalog_load(VT_SRC_DATADIR "/catalog", NULL, NULL, &cat), VT_OK);
	assert_int_equal(vti_catalog_scratch_new(cat, &csc), VT_OK);

	uint8_t inputs[3][512];
	size_t lens[3];
	lens[0] = sizeof(crash);
	memcpy(inputs[0], crash, sizeof(crash));
	const char *text = "version 1.2.3 OpenSSL 3.0.11 19 Sep 2023 password=hunter2 "
			   "AKIAIOSFODNN7EXAMPLE -----BEGIN RSA PRIVATE KEY----- \x1f\x8b\x08";
	lens[1] = strlen(text);
	memcpy(inputs[1], text, lens[1]);
	for (size_t i = 0; i < 400; i++)
		inputs[2][i] = (uint8_t)(i * 7 + (i >> 3));
	lens[2] = 400;

	for (size_t k = 0; k < 3; k++) {
		for (size_t len = 1; len <= lens[k]; len++) {
			memset(m, 0, page);
			uint8_t *p = end - len;
			memcpy(p, inputs[k], len);
			struct vt_span s = vt_span_make(p, len);
			assert_int_equal(vti_secrets_scan(sdb, ssc, s, true, 64, on_secret, NULL), VT_OK);
			assert_int_equal(vti_secrets_scan(sdb, ssc, s, false, 64, on_secret, NULL),
					 VT_OK);
			struct vti_cand *c = NULL;
			size_t n;
			bool capped;
			assert_int_equal(vti_sigscan(gdb, gsc, s, 64, NULL, NULL, &c, &n, &capped), VT_OK);
			free(c);
			assert_int_equal(vti_catalog_match(cat, csc, s, false, true, "x", on_cat, NULL),
					 VT_OK);
		}
	}
	vti_catalog_scratch_free(csc);
	vti_catalog_free(cat);
	vti_sigdb_scratch_free(gsc);
	vti_sigdb_free(gdb);
	vti_secrets_scratch_free(ssc);
	vti_secrets_db_free(sdb);
	munmap(m, 2 * page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_slack_is_enough)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
