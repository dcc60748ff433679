/* test_version.c - vti_version_cmp on the version schemes of real software.
 *
 * Each expected order is a fact of the project's own release history (OpenSSL released
 * 1.0.2k before 1.0.2zh; OpenSSH 9.2p1 before 9.3p1; Dropbear 2022.83 before 2024.84;
 * NVIDIA L4T r21.6 before r21.10; Arista EOS 4.18.4.2F after 4.18.4.2; zlib 1.2.13 before
 * the 1.2.13.1 development version; glibc 2.36 before 2.36.1 (Debian's stable update
 * numbering); BusyBox 1.35.0 before 1.36.0; OpenSSL 3.0.0-alpha1 before -beta2, -rc1 and
 * the release), or of Debian's version ordering ('~' sorts before everything). Every pair
 * is checked in both directions, which also checks antisymmetry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/internal.h"
#include "vulndb/version.h"

static int sgn(int v)
{
	return (v > 0) - (v < 0);
}

/* a < b, and b > a */
static void lt(const char *a, const char *b)
{
	int r1 = sgn(vti_version_cmp(a, b)), r2 = sgn(vti_version_cmp(b, a));
	if (r1 != -1 || r2 != 1)
		fail_msg("expected %s < %s, got cmp=%d and reverse=%d", a, b, r1, r2);
}

static void eq(const char *a, const char *b)
{
	int r1 = vti_version_cmp(a, b), r2 = vti_version_cmp(b, a);
	if (r1 != 0 || r2 != 0)
		fail_msg("expected %s == %s, got %d and %d", a, b, r1, r2);
}

static void test_openssl_letters(void **state)
{
	(void)state;
	lt("1.0.2", "1.0.2a");
	lt("1.0.2k", "1.0.2zh");
	lt("1.0.2z", "1.0.2za");   /* after 1.0.2z came 1.0.2za */
	lt("1.0.2zg", "1.0.2zh");
	lt("1.0.2zh", "1.1.0");
	lt("1.0.1n", "1.0.1o");
	lt("1.1.1t", "1.1.1u");
	eq("1.0.2K", "1.0.2k");    /* case does not matter */
}

static void test_openssh_portable(void **state)
{
	(void)state;
	lt("9.2p1", "9.3");
	lt("9.2p1", "9.3p1");
	lt("9.3p1", "9.3p2");
	lt("9.3", "9.3p1");        /* the p suffix follows the base release */
	lt("8.9p1", "9.0p1");
}

static void test_year_and_letter_schemes(void **state)
{
	(void)state;
	lt("2022.83", "2024.84");  /* Dropbear */
	lt("2020.81", "2022.83");
	lt("2022.83", "2025.88");
	lt("r21.6", "r21.10");     /* NVIDIA Linux for Tegra */
	lt("r21.5", "r21.6");
	lt("r21.6", "r24.2.2");
	lt("4.18.4.2", "4.18.4.2f"); /* Arista EOS */
	lt("4.18.4.2f", "4.18.5");
	lt("4.16.12m", "4.16.13m");
	lt("4.18.4.2f", "4.18.4.2g");
}

static void test_debian_suffixes(void **state)
{
	(void)state;
	lt("1.1.0l.1~deb9u2", "1.1.0l.1");
	lt("1.1.0l", "1.1.0l.1~deb9u2");
	lt("1.1.0l.1~deb9u2", "1.1.0m");
	lt("1.1.0l.1~deb9u1", "1.1.0l.1~deb9u2");
	lt("3.0.11-1~deb12u2", "3.0.11-1~deb12u3");
	lt("1.0~rc1", "1.0");
}

static void test_components(void **state)
{
	(void)state;
	lt("1.2.13", "1.2.13.1");
	lt("1.2.12", "1.2.13");
	lt("2.36", "2.36.1");
	lt("1.35.0", "1.36.0");
	lt("1.9", "1.10");         /* numbers, not strings */
	lt("2.9", "2.10");
	eq("2.36", "2.36.0");      /* a missing component is zero */
	eq("1.0", "1.0.0.0");
	eq("1.01", "1.1");         /* leading zeros */
	eq("1.2.3", "1.2.3");
	eq("1_2_3", "1.2.3");      /* separators are separators */
}

static void test_dates(void **state)
{
	(void)state;
	lt("20230101", "20230902");
	lt("20230902", "20231017");
	lt("20231231", "20240101");
	lt("9", "20230101");
	lt("20230101", "123456789012345678901234567890"); /* longer than any integer type */
	lt("99999999999999999999", "100000000000000000000");
}

static void test_prereleases(void **state)
{
	(void)state;
	lt("3.0.0-alpha1", "3.0.0-alpha2");
	lt("3.0.0-alpha1", "3.0.0-beta2");
	lt("3.0.0-beta2", "3.0.0-rc1");
	lt("3.0.0-rc1", "3.0.0");
	lt("3.0.0-alpha1", "3.0.0");
	lt("3.0.0", "3.0.1");
	lt("2.9.0rc2", "2.9.0");   /* TensorFlow */
	lt("1.3rc1", "1.3rc2");
	lt("1.3-rc2", "1.3");      /* open62541 */
	lt("1.0.2beta3", "1.0.2"); /* OpenSSL 1.0.2 betas */
	lt("1.0.2-beta1", "1.0.2a");
	lt("3.0.0-dev", "3.0.0-alpha1");
	lt("2.8.9", "3.0.0-alpha1"); /* a pre-release is newer than the previous release */
	lt("3.0.0-RC1", "3.0.0");
}

static void test_edge_cases(void **state)
{
	(void)state;
	eq(NULL, NULL);
	eq("", NULL);
	lt(NULL, "0");
	lt("", "1.0");
	lt("1.0a", "1.0.1");       /* a word before a number (dpkg and rpm agree) */
	lt("1.0", "1.0+build1");
	eq("v1.2", "v1.2");
	lt("1~", "1");             /* '~' even before the end */
	lt("~", "0");
	/* total: transitivity on a chain */
	const char *chain[] = {"0.9", "1.0~rc1", "1.0-alpha", "1.0-beta", "1.0-rc1", "1.0",
			       "1.0a", "1.0.1", "1.1", "1.10", "2", "2.0.1p1", "10"};
	for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++)
		for (size_t j = i + 1; j < sizeof(chain) / sizeof(chain[0]); j++)
			lt(chain[i], chain[j]);
}

/* Hot path: comparing must be cheap (it runs for every range of every candidate CVE of
 * every component). 2 million comparisons of real-looking versions must take well under a
 * second (about 50 ns each on a slow machine; sanitizers excluded). */
static void test_speed(void **state)
{
	(void)state;
	static const char *const v[] = {"1.0.2k", "1.0.2zh", "9.2p1", "2022.83", "r21.6",
					"4.18.4.2f", "1.1.0l.1~deb9u2", "1.2.13.1", "2.36.1",
					"3.0.0-rc1", "20230101", "5.10.0-28-armmp"};
	size_t nv = sizeof(v) / sizeof(v[0]);
	struct timespec t0, t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	long sum = 0;
	for (int k = 0; k < 2000000; k++)
		sum += vti_version_cmp(v[k % nv], v[(k / nv) % nv]);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("2M version comparisons: %.3f s (sum %ld)\n", s, sum);
#if !defined(__SANITIZE_ADDRESS__)
	assert_true(s < 1.0);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openssl_letters),
		cmocka_unit_test(test_openssh_portable),
		cmocka_unit_test(test_year_and_letter_schemes),
		cmocka_unit_test(test_debian_suffixes),
		cmocka_unit_test(test_components),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_prereleases),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_speed),
	};
	if (getenv("VT_TEST_FILTER")) /* one test by name, for debugging and profiling */
		cmocka_set_test_filter(getenv("VT_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
