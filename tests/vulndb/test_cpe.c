/* test_cpe.c - CPE 2.3 formatted-string parsing and attribute matching.
 *
 * Parsing cases are criteria strings taken from the records in tests/vulndb/records and
 * from CISA's vulnrichment data (escaped '+', '/', '&', ':'), with their attributes as the
 * binding rules of NISTIR 7695 (6.2) define them; matching cases follow the wildcard rules
 * of NISTIR 7696 (a leading/trailing '*' matches any run, a run of k '?' at an end matches
 * up to k characters) and its logical values (ANY matches everything, NA only NA).
 * Malformed strings (truncated, too few/many fields, characters the binding forbids) must
 * be VT_EFORMAT, never a crash; every prefix of a valid string is tried.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/internal.h"
#include "vulndb/cpe.h"

static void test_parse_plain(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_cpe c;
	/* CVE-2023-38408 */
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*:*", a, &c),
			 VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PART], "a");
	assert_string_equal(c.attr[VTI_CPE_VENDOR], "openbsd");
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "openssh");
	assert_string_equal(c.attr[VTI_CPE_VERSION], "9.3");
	assert_string_equal(c.attr[VTI_CPE_UPDATE], "p1");
	for (int i = VTI_CPE_EDITION; i < VTI_CPE_NATTR; i++)
		assert_string_equal(c.attr[i], "*");
	/* CVE-2020-13595: hardware, version NA */
	assert_int_equal(vti_cpe_parse("cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*", a, &c), VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PART], "h");
	assert_string_equal(c.attr[VTI_CPE_VERSION], "-");
	assert_true(vti_cpe_is_na(c.attr[VTI_CPE_VERSION]));
	/* CVE-2017-14491: sw_edition "lts" */
	assert_int_equal(
		vti_cpe_parse("cpe:2.3:o:canonical:ubuntu_linux:14.04:*:*:*:lts:*:*:*", a, &c),
		VT_OK);
	assert_string_equal(c.attr[VTI_CPE_SW_EDITION], "lts");
	/* CVE-2022-3602: a dotted product name */
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:nodejs:node.js:18.12.0:*:*:*:lts:*:*:*", a, &c),
			 VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "node.js");
	vt_arena_free(a);
}

static void test_parse_escapes(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_cpe c;
	/* CISA vulnrichment: "xerces-c\+\+", "net\/http", "solidfire_\&_hci..." */
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:apache:xerces-c\\+\\+:3.2.2:*:*:*:*:*:*:*", a,
				       &c),
			 VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "xerces-c++");
	assert_int_equal(
		vti_cpe_parse("cpe:2.3:a:go_standard_library:net\\/http:1.21.12:*:*:*:*:*:*:*", a,
			      &c),
		VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "net/http");
	/* nvd-overrides CVE-2025-40913: an escaped ':' inside a value is not a separator */
	assert_int_equal(
		vti_cpe_parse("cpe:2.3:a:atrodo:net\\:\\:dropbear:*:*:*:*:*:perl:*:*", a, &c),
		VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "net::dropbear");
	assert_string_equal(c.attr[VTI_CPE_TARGET_SW], "perl");
	/* the example of cpe.h */
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:v:p:1.0\\:beta:*:*:*:*:*:*:*", a, &c), VT_OK);
	assert_string_equal(c.attr[VTI_CPE_VERSION], "1.0:beta");
	/* quoted characters special to matching keep their backslash */
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:v:p\\*x:1\\?:*:*:*:*:*:*:*", a, &c), VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "p\\*x");
	assert_string_equal(c.attr[VTI_CPE_VERSION], "1\\?");
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*", a, &c), VT_OK);
	assert_string_equal(c.attr[VTI_CPE_VERSION], "\\-");
	assert_false(vti_cpe_is_na(c.attr[VTI_CPE_VERSION]));
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:v:a\\\\b:*:*:*:*:*:*:*:*", a, &c), VT_OK);
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "a\\\\b");
	/* wildcards at the ends */
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:*soft:win??:*:*:*:*:*:*:*:*", a, &c), VT_OK);
	assert_string_equal(c.attr[VTI_CPE_VENDOR], "*soft");
	assert_string_equal(c.attr[VTI_CPE_PRODUCT], "win??");
	vt_arena_free(a);
}

static void test_parse_malformed(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_cpe c;
	static const char *const bad[] = {
		"",
		"cpe:2.3",
		"cpe:2.3:",
		"cpe:/a:openbsd:openssh:9.3",                       /* a 2.2 URI */
		"cpe:2.2:a:openbsd:openssh:9.3:p1:*:*:*:*:*:*",
		"cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*",       /* 12 fields */
		"cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*:*:*",   /* 14 fields */
		"cpe:2.3:a:openbsd::9.3:p1:*:*:*:*:*:*",            /* empty value */
		"cpe:2.3:x:openbsd:openssh:9.3:p1:*:*:*:*:*:*",     /* no such part */
		"cpe:2.3:a:open bsd:openssh:9.3:p1:*:*:*:*:*:*",    /* space */
		"cpe:2.3:a:openbsd:open+ssh:9.3:p1:*:*:*:*:*:*",    /* '+' must be quoted */
		"cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*:\\",    /* dangling backslash */
		"cpe:2.3:a:openbsd:op*nssh:9.3:p1:*:*:*:*:*:*",     /* '*' inside */
		"cpe:2.3:a:openbsd:op?nssh:9.3:p1:*:*:*:*:*:*",     /* '?' inside */
		"cpe:2.3:a:openbsd:**:9.3:p1:*:*:*:*:*:*",
		"cpe:2.3:a:openbsd:openssh:9.3\x01:p1:*:*:*:*:*:*", /* control character */
		"cpe:2.3:a:openbsd:openssh:9.3\xc3\xa9:p1:*:*:*:*:*:*", /* non-ASCII */
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(bad); i++) {
		vt_err e = vti_cpe_parse(bad[i], a, &c);
		if (e != VT_EFORMAT)
			fail_msg("'%s': %s, expected VT_EFORMAT", bad[i], vt_errname(e));
	}
	/* every truncation of a valid string is malformed, never a crash */
	const char *good = "cpe:2.3:o:nvidia:linux_for_tegra:r21.6:*:*:*:*:*:*:*";
	char buf[128];
	for (size_t n = 0; n < strlen(good); n++) {
		memcpy(buf, good, n);
		buf[n] = 0;
		assert_int_equal(vti_cpe_parse(buf, a, &c), VT_EFORMAT);
	}
	assert_int_equal(vti_cpe_parse(good, a, &c), VT_OK);
	/* too long */
	char *huge = malloc(VTI_CPE_MAX + 64);
	assert_non_null(huge);
	memset(huge, 'a', VTI_CPE_MAX + 63);
	memcpy(huge, "cpe:2.3:a:", 10);
	huge[VTI_CPE_MAX + 63] = 0;
	assert_int_equal(vti_cpe_parse(huge, a, &c), VT_EFORMAT);
	free(huge);
	/* the buffer variant refuses a buffer too small */
	char small[8];
	assert_int_equal(vti_cpe_parse_buf(good, small, sizeof(small), &c), VT_ELIMIT);
	assert_int_equal(vti_cpe_parse(NULL, a, &c), VT_EINVAL);
	vt_arena_free(a);
}

static void test_attr_match(void **state)
{
	(void)state;
	/* logical values */
	assert_true(vti_cpe_attr_match("*", "openssl"));
	assert_true(vti_cpe_attr_match("*", "-"));
	assert_true(vti_cpe_attr_match("*", NULL));
	assert_true(vti_cpe_attr_match("-", "-"));
	assert_false(vti_cpe_attr_match("-", "1.0"));
	assert_false(vti_cpe_attr_match("-", NULL));  /* target ANY: not NA */
	assert_false(vti_cpe_attr_match("p1", "-"));
	assert_false(vti_cpe_attr_match("p1", NULL)); /* a value does not match ANY */
	assert_false(vti_cpe_attr_match("p1", "*"));
	/* plain values, case-insensitive */
	assert_true(vti_cpe_attr_match("openssl", "openssl"));
	assert_true(vti_cpe_attr_match("OpenSSL", "openssl"));
	assert_false(vti_cpe_attr_match("openssl", "openssh"));
	assert_false(vti_cpe_attr_match("openssl", "openssl1"));
	assert_false(vti_cpe_attr_match("busybox", "busy"));
	/* wildcards at the ends (NISTIR 7696) */
	assert_true(vti_cpe_attr_match("*soft", "microsoft"));
	assert_false(vti_cpe_attr_match("*soft", "softer"));
	assert_true(vti_cpe_attr_match("linux*", "linux_kernel"));
	assert_true(vti_cpe_attr_match("*inux*", "linux_kernel"));
	assert_true(vti_cpe_attr_match("win??", "win10"));
	assert_true(vti_cpe_attr_match("win??", "win7")); /* a run of k '?' matches up to k */
	assert_true(vti_cpe_attr_match("win??", "win"));
	assert_false(vti_cpe_attr_match("win??", "win100"));
	assert_true(vti_cpe_attr_match("?.0", "1.0"));
	assert_false(vti_cpe_attr_match("?.0", "11.0"));
	assert_true(vti_cpe_attr_match("1.*", "1.0.2k"));
	assert_false(vti_cpe_attr_match("1.*", "2.1"));
	/* quoted characters are literals */
	assert_true(vti_cpe_attr_match("p\\*x", "p*x"));
	assert_false(vti_cpe_attr_match("p\\*x", "pax"));
	assert_true(vti_cpe_attr_match("1\\?", "1?"));
	assert_false(vti_cpe_attr_match("1\\?", "12"));
	assert_true(vti_cpe_attr_match("\\-", "-") == false); /* a literal hyphen is not NA */
	assert_true(vti_cpe_attr_match("a\\\\b", "a\\b"));
	assert_true(vti_cpe_attr_match("xerces-c++", "Xerces-C++"));
}

/* The attributes parsed from a string match the plain values they came from: the round
 * trip the configuration evaluator relies on. */
static void test_parse_then_match(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_cpe c;
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:w1.fi:wpa_supplicant:*:*:*:*:*:*:*:*", a, &c),
			 VT_OK);
	assert_true(vti_cpe_attr_match(c.attr[VTI_CPE_VENDOR], "w1.fi"));
	assert_true(vti_cpe_attr_match(c.attr[VTI_CPE_PRODUCT], "wpa_supplicant"));
	assert_true(vti_cpe_attr_match(c.attr[VTI_CPE_VERSION], "2.9"));
	assert_int_equal(vti_cpe_parse("cpe:2.3:a:apache:xerces-c\\+\\+:3.2.2:*:*:*:*:*:*:*", a,
				       &c),
			 VT_OK);
	assert_true(vti_cpe_attr_match(c.attr[VTI_CPE_PRODUCT], "xerces-c++"));
	assert_true(vti_cpe_attr_match(c.attr[VTI_CPE_VERSION], "3.2.2"));
	assert_false(vti_cpe_attr_match(c.attr[VTI_CPE_VERSION], "3.2.3"));
	vt_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_plain),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_attr_match),
		cmocka_unit_test(test_parse_then_match),
	};
	if (getenv("VT_TEST_FILTER")) /* one test by name, for debugging and profiling */
		cmocka_set_test_filter(getenv("VT_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
