/* test_config.c - NVD configuration semantics on real records.
 *
 * Every record is a real NVD (or nvd-data-overrides) record copied into
 * tests/vulndb/records; each expectation is worked out by hand from the record's
 * configurations, and the comment before it says which entry decides it. The directory is
 * given by $VT_VULNDB_RECORDS (set by meson).
 *
 * No record of the data vetter ships uses versionStartExcluding or "negate": true (none of
 * 98,445 cpeMatch entries of the NVD and nvd-data-overrides samples does), so those two
 * are tested on real records with one member changed, each change stated where it is made.
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
#include <jansson.h>

#include "core/internal.h"
#include "vulndb/config.h"

/* ---- helpers ---- */

static json_t *load_record(const char *cve)
{
	const char *dir = getenv("VT_VULNDB_RECORDS");
	if (!dir)
		dir = "tests/vulndb/records";
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s.json", dir, cve);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (!root)
		fail_msg("%s: %s", path, err.text);
	return root;
}

/* The configurations array of a record: NVD API page, {"cve": ...} or a bare CVE. */
static json_t *configs_of(json_t *root)
{
	json_t *v = json_object_get(root, "vulnerabilities");
	if (json_is_array(v))
		root = json_object_get(json_array_get(v, 0), "cve");
	else if (json_is_object(json_object_get(root, "cve")))
		root = json_object_get(root, "cve");
	json_t *c = json_object_get(root, "configurations");
	assert_non_null(c);
	return c;
}

struct rec {
	json_t *root, *cfg;
};

static struct rec rec(const char *cve)
{
	struct rec r;
	r.root = load_record(cve);
	r.cfg = configs_of(r.root);
	return r;
}

#define T(part, vendor, product, version, update)                                     \
	((struct vti_target){(part), (vendor), (product), (version), (update)})

static struct vti_cfg_hit last_hit;

/* Does the record match targets[which], with all n targets in the artifact? */
static bool match_in(const json_t *cfg, const struct vti_target *t, size_t n, size_t which)
{
	bool m = true;
	memset(&last_hit, 0xa5, sizeof(last_hit));
	vt_err e = vti_config_eval(cfg, t, n, which, NULL, &m, &last_hit);
	if (e != VT_OK)
		fail_msg("vti_config_eval: %s", vt_errname(e));
	if (!m)
		assert_null(last_hit.criteria);
	return m;
}

static bool match1(const json_t *cfg, struct vti_target t)
{
	return match_in(cfg, &t, 1, 0);
}

static void hit_is(const char *criteria, const char *fixed)
{
	assert_non_null(last_hit.criteria);
	assert_string_equal(last_hit.criteria, criteria);
	if (fixed) {
		assert_non_null(last_hit.fixed);
		assert_string_equal(last_hit.fixed, fixed);
	} else {
		assert_null(last_hit.fixed);
	}
}

#define OPENSSL(v) T('a', "openssl", "openssl", (v), NULL)
#define ANYCPE(vp) "cpe:2.3:a:" vp ":*:*:*:*:*:*:*:*"

/* ---- ranges ---- */

/* CVE-2017-14491, configuration 0: dnsmasq with versionEndIncluding 2.77 only. 2.77 is
 * the bound itself and matches; 2.78 (the fixed release) does not. No versionEndExcluding,
 * so no first fixed version is known. */
static void test_end_including(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2017-14491");
	assert_true(match1(r.cfg, T('a', "thekelleys", "dnsmasq", "2.77", NULL)));
	hit_is(ANYCPE("thekelleys:dnsmasq"), NULL);
	assert_string_equal(last_hit.end_incl, "2.77");
	assert_null(last_hit.end_excl);
	assert_null(last_hit.start_incl);
	assert_true(match1(r.cfg, T('a', "thekelleys", "dnsmasq", "2.76", NULL)));
	assert_true(match1(r.cfg, T('a', "thekelleys", "dnsmasq", "2.7", NULL)));
	assert_false(match1(r.cfg, T('a', "thekelleys", "dnsmasq", "2.78", NULL)));
	assert_false(match1(r.cfg, T('a', "thekelleys", "dnsmasq", "2.90", NULL)));
	/* a range needs a version: an unknown one does not match */
	assert_false(match1(r.cfg, T('a', "thekelleys", "dnsmasq", NULL, NULL)));
	assert_false(match1(r.cfg, T('a', "thekelleys", "dnsmasq", "", NULL)));
	/* vendor, product and part must match */
	assert_false(match1(r.cfg, T('a', "other", "dnsmasq", "2.76", NULL)));
	assert_false(match1(r.cfg, T('a', "thekelleys", "dnsmasq2", "2.76", NULL)));
	assert_false(match1(r.cfg, T('o', "thekelleys", "dnsmasq", "2.76", NULL)));
	/* case does not matter */
	assert_true(match1(r.cfg, T('a', "TheKelleys", "DNSMasq", "2.76", NULL)));
	json_decref(r.root);
}

/* CVE-2023-0464: four OpenSSL ranges, each versionStartIncluding + versionEndExcluding:
 * [1.0.2, 1.0.2zh), [1.1.1, 1.1.1u), [3.0.0, 3.0.9), [3.1.0, 3.1.1). */
static void test_start_including_end_excluding(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2023-0464");
	/* 1.0.2k < 1.0.2zh: the letter releases compare alphabetically */
	assert_true(match1(r.cfg, OPENSSL("1.0.2k")));
	hit_is(ANYCPE("openssl:openssl"), "1.0.2zh");
	assert_string_equal(last_hit.start_incl, "1.0.2");
	assert_true(match1(r.cfg, OPENSSL("1.0.2zg")));
	assert_false(match1(r.cfg, OPENSSL("1.0.2zh"))); /* the excluded end */
	assert_true(match1(r.cfg, OPENSSL("1.0.2")));    /* the included start */
	assert_false(match1(r.cfg, OPENSSL("1.0.1u")));
	assert_true(match1(r.cfg, OPENSSL("1.1.1")));
	assert_true(match1(r.cfg, OPENSSL("1.1.1t")));
	hit_is(ANYCPE("openssl:openssl"), "1.1.1u");
	assert_false(match1(r.cfg, OPENSSL("1.1.1u")));
	/* Debian's 1.1.0l.1~deb9u2 is after 1.0.2zh and before 1.1.1: in no range */
	assert_false(match1(r.cfg, OPENSSL("1.1.0l.1~deb9u2")));
	assert_true(match1(r.cfg, OPENSSL("3.0.8")));
	hit_is(ANYCPE("openssl:openssl"), "3.0.9");
	assert_false(match1(r.cfg, OPENSSL("3.0.9")));
	assert_true(match1(r.cfg, OPENSSL("3.1.0")));
	assert_false(match1(r.cfg, OPENSSL("3.1.1")));
	json_decref(r.root);
}

/* CVE-2017-14491, configuration 10: Arista EOS ranges (<= 4.15), [4.16, 4.16.13m),
 * [4.17, 4.17.8m) and [4.18, 4.18.4.2f] (versionEndIncluding with a letter). */
static void test_arista_letter_bounds(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2017-14491");
#define EOS(v) T('o', "arista", "eos", (v), NULL)
	assert_true(match1(r.cfg, EOS("4.18.4.2f")));
	assert_string_equal(last_hit.end_incl, "4.18.4.2f");
	assert_true(match1(r.cfg, EOS("4.18.4.2")));  /* 4.18.4.2 < 4.18.4.2f */
	assert_true(match1(r.cfg, EOS("4.18")));
	assert_false(match1(r.cfg, EOS("4.18.4.2g")));
	assert_false(match1(r.cfg, EOS("4.18.5")));
	assert_true(match1(r.cfg, EOS("4.17.8")));    /* 4.17.8 < 4.17.8m */
	assert_false(match1(r.cfg, EOS("4.17.8m")));
	assert_true(match1(r.cfg, EOS("4.16.12m")));
	assert_false(match1(r.cfg, EOS("4.16.13m")));
	assert_true(match1(r.cfg, EOS("4.15")));
	assert_false(match1(r.cfg, EOS("4.15.1")));   /* above 4.15, below 4.16 */
#undef EOS
	json_decref(r.root);
}

/* CVE-2022-48174: busybox with versionEndIncluding 1.36.1. */
static void test_busybox_end_including(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2022-48174");
#define BB(v) T('a', "busybox", "busybox", (v), NULL)
	assert_true(match1(r.cfg, BB("1.36.1")));
	assert_true(match1(r.cfg, BB("1.36.0")));
	assert_true(match1(r.cfg, BB("1.35.0")));
	assert_false(match1(r.cfg, BB("1.37.0")));
	assert_false(match1(r.cfg, BB("1.36.2")));
	json_decref(r.root);
}

/* CVE-2025-47203 (nvd-overrides): Dropbear, versionEndExcluding 2025.88: the year.number
 * scheme. 2022.83 and 2024.84 match; 2025.88 is fixed. */
static void test_dropbear_year_versions(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2025-47203");
#define DB(v) T('a', "dropbear_ssh_project", "dropbear_ssh", (v), NULL)
	assert_true(match1(r.cfg, DB("2022.83")));
	hit_is(ANYCPE("dropbear_ssh_project:dropbear_ssh"), "2025.88");
	assert_true(match1(r.cfg, DB("2024.84")));
	assert_true(match1(r.cfg, DB("2025.87")));
	assert_false(match1(r.cfg, DB("2025.88")));
	assert_false(match1(r.cfg, DB("2025.89")));
#undef DB
	json_decref(r.root);
}

/* CVE-2023-7251 (nvd-overrides): a plugin versioned by date, versionEndExcluding
 * 20230902 (target_sw "wordpress", which targets do not carry and is not compared). */
static void test_date_versions(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2023-7251");
#define USP(v) T('a', "plugin-planet", "user_submitted_posts", (v), NULL)
	assert_true(match1(r.cfg, USP("20230101")));
	assert_true(match1(r.cfg, USP("20230901")));
	assert_false(match1(r.cfg, USP("20230902")));
	assert_false(match1(r.cfg, USP("20240101")));
#undef USP
	json_decref(r.root);
	/* CVE-2024-2074: the exact date version 20231017 */
	r = rec("CVE-2024-2074");
	assert_true(match1(r.cfg, T('a', "mini", "mini-tmall", "20231017", NULL)));
	hit_is("cpe:2.3:a:mini:mini-tmall:20231017:*:*:*:*:*:*:*", NULL);
	assert_false(match1(r.cfg, T('a', "mini", "mini-tmall", "20231018", NULL)));
	assert_false(match1(r.cfg, T('a', "mini", "mini-tmall", "2023101", NULL)));
	json_decref(r.root);
}

/* CVE-2022-37434: zlib with versionEndIncluding 1.2.12: 1.2.12.1 (a later development
 * version) and 1.2.13 (the fix) are beyond it. */
static void test_zlib_four_components(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2022-37434");
#define ZL(v) T('a', "zlib", "zlib", (v), NULL)
	assert_true(match1(r.cfg, ZL("1.2.12")));
	assert_true(match1(r.cfg, ZL("1.2.11")));
	assert_true(match1(r.cfg, ZL("1.2.3.4")));
	assert_false(match1(r.cfg, ZL("1.2.12.1")));
	assert_false(match1(r.cfg, ZL("1.2.13")));
	assert_false(match1(r.cfg, ZL("1.2.13.1")));
	assert_false(match1(r.cfg, ZL("1.3")));
#undef ZL
	json_decref(r.root);
}

/* CVE-2026-47158 (nvd-overrides): vaultwarden versionEndExcluding 1.36.0, so 1.35.0
 * matches and 1.36.0 does not. CVE-2026-55878: symfony ux [2.32.0, 2.36.1) and
 * [3.0.0, 3.2.0), so 2.36 matches and 2.36.1 does not. */
static void test_minor_boundaries(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2026-47158");
	assert_true(match1(r.cfg, T('a', "dani-garcia", "vaultwarden", "1.35.0", NULL)));
	assert_string_equal(last_hit.fixed, "1.36.0");
	assert_true(match1(r.cfg, T('a', "dani-garcia", "vaultwarden", "1.35.9", NULL)));
	assert_false(match1(r.cfg, T('a', "dani-garcia", "vaultwarden", "1.36.0", NULL)));
	assert_false(match1(r.cfg, T('a', "dani-garcia", "vaultwarden", "1.36", NULL)));
	json_decref(r.root);
	r = rec("CVE-2026-55878");
	assert_true(match1(r.cfg, T('a', "symfony", "ux", "2.36", NULL)));
	assert_string_equal(last_hit.fixed, "2.36.1");
	assert_true(match1(r.cfg, T('a', "symfony", "ux", "2.32.0", NULL)));
	assert_false(match1(r.cfg, T('a', "symfony", "ux", "2.36.1", NULL)));
	assert_false(match1(r.cfg, T('a', "symfony", "ux", "2.31.9", NULL)));
	assert_true(match1(r.cfg, T('a', "symfony", "ux", "3.1.5", NULL)));
	assert_string_equal(last_hit.fixed, "3.2.0");
	json_decref(r.root);
}

/* CVE-2022-3602: OpenSSL [3.0.0, 3.0.7). Pre-releases sort before their release, so
 * 3.0.0-alpha1 .. 3.0.0-rc1 lie before the range's start (the record names 3.0.0 as the
 * first affected version) and do not match. */
static void test_prerelease_before_start(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2022-3602");
	assert_true(match1(r.cfg, OPENSSL("3.0.0")));
	assert_true(match1(r.cfg, OPENSSL("3.0.6")));
	assert_string_equal(last_hit.fixed, "3.0.7");
	assert_false(match1(r.cfg, OPENSSL("3.0.7")));
	assert_false(match1(r.cfg, OPENSSL("3.0.0-alpha1")));
	assert_false(match1(r.cfg, OPENSSL("3.0.0-beta2")));
	assert_false(match1(r.cfg, OPENSSL("3.0.0-rc1")));
	assert_false(match1(r.cfg, OPENSSL("1.1.1s")));
	json_decref(r.root);
}

/* ---- exact versions and the update field ---- */

/* CVE-2022-30065, configuration 0: exactly busybox 1.35.0 (version field not ANY, no
 * range): 1.35.0 matches, 1.36.0 and 1.34.1 do not. "1.35" is the same version written
 * without its zero component (vti_version_cmp equal). */
static void test_exact_version(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2022-30065");
	assert_true(match1(r.cfg, BB("1.35.0")));
	hit_is("cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*", NULL);
	assert_null(last_hit.end_excl);
	assert_false(match1(r.cfg, BB("1.36.0")));
	assert_false(match1(r.cfg, BB("1.34.1")));
	assert_false(match1(r.cfg, BB("1.35.0.1")));
	assert_true(match1(r.cfg, BB("1.35")));
	/* an exact version needs a known version */
	assert_false(match1(r.cfg, BB(NULL)));
	/* the update field of the criterion is ANY: any update matches */
	assert_true(match1(r.cfg, T('a', "busybox", "busybox", "1.35.0", "rc1")));
#undef BB
	json_decref(r.root);
}

/* CVE-2023-38408: OpenSSH versionEndExcluding 9.3, plus exactly 9.3 with update NA
 * ("openssh:9.3:-") and 9.3 update p1 ("openssh:9.3:p1"). OpenSSH 9.2p1 is
 * "openssh:9.2:p1": before 9.3, in the range. 9.3p1 is the exact entry. 9.3p2 (the fix)
 * matches neither: the update differs from p1 and is not NA, and 9.3 is not before 9.3. */
static void test_openssh_update_field(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2023-38408");
#define SSH(v, u) T('a', "openbsd", "openssh", (v), (u))
	assert_true(match1(r.cfg, SSH("9.2", "p1")));
	hit_is(ANYCPE("openbsd:openssh"), "9.3");
	assert_true(match1(r.cfg, SSH("9.3", "p1")));
	hit_is("cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*:*", NULL);
	assert_false(match1(r.cfg, SSH("9.3", "p2")));
	/* 9.3 without an update is "openssh:9.3:-" */
	assert_true(match1(r.cfg, SSH("9.3", NULL)));
	hit_is("cpe:2.3:a:openbsd:openssh:9.3:-:*:*:*:*:*:*", NULL);
	/* the update written into the version, as distributions report it */
	assert_true(match1(r.cfg, SSH("9.2p1", NULL)));
	assert_true(match1(r.cfg, SSH("9.3p1", NULL)));
	hit_is("cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*:*", NULL);
	assert_false(match1(r.cfg, SSH("9.3p2", NULL)));
	assert_false(match1(r.cfg, SSH("9.4", "p1")));
	assert_false(match1(r.cfg, SSH("9.6p1", NULL)));
#undef SSH
	json_decref(r.root);
}

/* CVE-2016-2108, configuration 1: OpenSSL <= 1.0.1n, and exactly 1.0.2 (update ANY),
 * 1.0.2:beta1..beta3, 1.0.2a, 1.0.2b. */
static void test_openssl_exact_and_beta_updates(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2016-2108");
	assert_true(match1(r.cfg, OPENSSL("1.0.1m")));
	assert_true(match1(r.cfg, OPENSSL("1.0.1n")));
	assert_false(match1(r.cfg, OPENSSL("1.0.1o")));
	assert_true(match1(r.cfg, OPENSSL("1.0.2")));
	hit_is("cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*", NULL);
	assert_true(match1(r.cfg, OPENSSL("1.0.2a")));
	assert_true(match1(r.cfg, OPENSSL("1.0.2b")));
	assert_false(match1(r.cfg, OPENSSL("1.0.2c")));
	/* "1.0.2" update "beta2": the 1.0.2 entry (update ANY) already matches */
	assert_true(match1(r.cfg, T('a', "openssl", "openssl", "1.0.2", "beta2")));
	hit_is("cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*", NULL);
	/* "1.0.2-beta1" in one string is 1.0.2:beta1 */
	assert_true(match1(r.cfg, OPENSSL("1.0.2-beta1")));
	hit_is("cpe:2.3:a:openssl:openssl:1.0.2:beta1:*:*:*:*:*:*", NULL);
	assert_false(match1(r.cfg, OPENSSL("1.0.2-beta4")));
	json_decref(r.root);
}

/* ---- AND configurations and platforms ---- */

/* CVE-2020-13595: AND of esp-idf [4.0.0, 4.2] (vulnerable) and the ESP32 chip
 * ("cpe:2.3:h:espressif:esp32:-", vulnerable: false). */
static void test_and_with_platform(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2020-13595");
	struct vti_target t[] = {
		T('a', "espressif", "esp-idf", "4.1", NULL),
		T('h', "espressif", "esp32", NULL, NULL),
	};
	/* platform present: esp-idf matches */
	assert_true(match_in(r.cfg, t, 2, 0));
	hit_is(ANYCPE("espressif:esp-idf"), NULL);
	assert_string_equal(last_hit.start_incl, "4.0.0");
	assert_string_equal(last_hit.end_incl, "4.2");
	/* the platform itself is never reported */
	assert_false(match_in(r.cfg, t, 2, 1));
	/* platform absent: no match */
	assert_false(match_in(r.cfg, t, 1, 0));
	/* the range still applies */
	t[0].version = "4.2";
	assert_true(match_in(r.cfg, t, 2, 0));
	t[0].version = "4.2.1";
	assert_false(match_in(r.cfg, t, 2, 0));
	t[0].version = "3.3";
	assert_false(match_in(r.cfg, t, 2, 0));
	/* another chip is not the platform */
	t[0].version = "4.1";
	t[1].product = "esp8266";
	assert_false(match_in(r.cfg, t, 2, 0));
	/* the chip given as "-" (NA) is the platform too */
	t[1].product = "esp32";
	t[1].version = "-";
	assert_true(match_in(r.cfg, t, 2, 0));
	/* a version of the chip is not NA */
	t[1].version = "1";
	assert_false(match_in(r.cfg, t, 2, 0));
	json_decref(r.root);
}

/* CVE-2017-14491, configurations 6 and 7: Linux for Tegra before r21.6 on the Jetson TK1,
 * and before r24.2.2 on the Jetson TX1 (each an AND with a hardware platform). */
static void test_tegra_r_versions_on_hardware(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2017-14491");
	struct vti_target t[] = {
		T('o', "nvidia", "linux_for_tegra", "r21.5", NULL),
		T('h', "nvidia", "jetson_tk1", NULL, NULL),
	};
	assert_true(match_in(r.cfg, t, 2, 0));
	hit_is("cpe:2.3:o:nvidia:linux_for_tegra:*:*:*:*:*:*:*:*", "r21.6");
	assert_false(match_in(r.cfg, t, 2, 1));
	assert_false(match_in(r.cfg, t, 1, 0)); /* no board: no match */
	t[0].version = "r21.6";
	assert_false(match_in(r.cfg, t, 2, 0));
	/* r21.10 is after r21.6 (a string comparison would put it before) */
	t[0].version = "r21.10";
	assert_false(match_in(r.cfg, t, 2, 0));
	/* ... but before r24.2.2, which is the bound on the TX1 */
	t[1].product = "jetson_tx1";
	assert_true(match_in(r.cfg, t, 2, 0));
	assert_string_equal(last_hit.fixed, "r24.2.2");
	json_decref(r.root);
}

/* CVE-2017-14491, configuration 8: GeForce Experience [3.0, 3.10.0.55) AND
 * "cpe:2.3:o:microsoft:windows:-" (platform, version NA). */
static void test_os_platform_na(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2017-14491");
	struct vti_target t[] = {
		T('a', "nvidia", "geforce_experience", "3.9", NULL),
		T('o', "microsoft", "windows", NULL, NULL),
	};
	assert_true(match_in(r.cfg, t, 2, 0));
	assert_string_equal(last_hit.fixed, "3.10.0.55");
	assert_false(match_in(r.cfg, t, 2, 1));
	assert_false(match_in(r.cfg, t, 1, 0));
	/* a known Windows version is not NA: the platform entry is not satisfied */
	t[1].version = "10";
	assert_false(match_in(r.cfg, t, 2, 0));
	json_decref(r.root);
}

/* CVE-2023-52160, configuration 0: AND of an OR node of platforms (android, chrome_os,
 * linux_kernel, all vulnerable: false, any version) and wpa_supplicant < 2.10. */
static void test_or_node_of_platforms(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2023-52160");
	struct vti_target t[] = {
		T('a', "w1.fi", "wpa_supplicant", "2.9", NULL),
		T('a', "busybox", "busybox", "1.36.1", NULL),
		T('o', "linux", "linux_kernel", "6.1.0", NULL),
	};
	assert_true(match_in(r.cfg, t, 3, 0));
	hit_is(ANYCPE("w1.fi:wpa_supplicant"), "2.10");
	assert_false(match_in(r.cfg, t, 3, 1)); /* unrelated component */
	assert_false(match_in(r.cfg, t, 3, 2)); /* the kernel is a platform only */
	assert_false(match_in(r.cfg, t, 2, 0)); /* no kernel, no Android, no ChromeOS */
	t[0].version = "2.10";
	assert_false(match_in(r.cfg, t, 3, 0));
	json_decref(r.root);
}

/* CVE-2022-30065, configuration 1, and CVE-2022-37434, configuration 4: firmware as the
 * vulnerable entry, the device as the platform. Siemens SCALANCE SC622-2C firmware < 3.0
 * on the SC622-2C; NetApp H300S firmware (version NA: any firmware without a version) on
 * the H300S. */
static void test_firmware_on_device(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2022-30065");
	struct vti_target t[] = {
		T('o', "siemens", "scalance_sc622-2c_firmware", "2.4", NULL),
		T('h', "siemens", "scalance_sc622-2c", NULL, NULL),
	};
	assert_true(match_in(r.cfg, t, 2, 0));
	assert_string_equal(last_hit.fixed, "3.0");
	assert_false(match_in(r.cfg, t, 2, 1));
	assert_false(match_in(r.cfg, t, 1, 0));
	t[0].version = "3.0";
	assert_false(match_in(r.cfg, t, 2, 0));
	/* the firmware of one device on another device */
	t[0].version = "2.4";
	t[1].product = "scalance_sc626-2c";
	assert_false(match_in(r.cfg, t, 2, 0));
	json_decref(r.root);

	r = rec("CVE-2022-37434");
	struct vti_target n[] = {
		T('o', "netapp", "h300s_firmware", NULL, NULL),
		T('h', "netapp", "h300s", NULL, NULL),
	};
	assert_true(match_in(r.cfg, n, 2, 0));
	hit_is("cpe:2.3:o:netapp:h300s_firmware:-:*:*:*:*:*:*:*", NULL);
	assert_false(match_in(r.cfg, n, 2, 1));
	assert_false(match_in(r.cfg, n, 1, 0));
	n[0].version = "9.8"; /* a known firmware version is not NA */
	assert_false(match_in(r.cfg, n, 2, 0));
	json_decref(r.root);
}

/* ---- bounds and operators the data does not use: real records, one member changed ---- */

static void set_str(json_t *o, const char *k, const char *v)
{
	assert_int_equal(json_object_set_new(o, k, json_string(v)), 0);
}

static json_t *entry_at(json_t *cfg, size_t c, size_t n, size_t m)
{
	json_t *nodes = json_object_get(json_array_get(cfg, c), "nodes");
	json_t *e = json_array_get(json_object_get(json_array_get(nodes, n), "cpeMatch"), m);
	assert_non_null(e);
	return e;
}

/* CVE-2023-0464 with its first entry's versionStartIncluding "1.0.2" renamed
 * versionStartExcluding: 1.0.2 itself leaves the range, 1.0.2a stays. */
static void test_start_excluding(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2023-0464");
	json_t *e = entry_at(r.cfg, 0, 0, 0);
	assert_string_equal(json_string_value(json_object_get(e, "versionStartIncluding")),
			    "1.0.2");
	assert_int_equal(json_object_del(e, "versionStartIncluding"), 0);
	set_str(e, "versionStartExcluding", "1.0.2");
	assert_false(match1(r.cfg, OPENSSL("1.0.2")));
	assert_true(match1(r.cfg, OPENSSL("1.0.2a")));
	assert_string_equal(last_hit.start_excl, "1.0.2");
	assert_null(last_hit.start_incl);
	assert_true(match1(r.cfg, OPENSSL("1.0.2zg")));
	assert_false(match1(r.cfg, OPENSSL("1.0.2zh")));
	json_decref(r.root);
}

/* CVE-2020-13595 with "negate": true on the node of the ESP32 platform: esp-idf in range
 * and NOT on an ESP32. Then the same record with "negate": true on the configuration
 * instead: NOT (esp-idf in range AND ESP32). */
static void test_negate(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2020-13595");
	json_t *cfg0 = json_array_get(r.cfg, 0);
	json_t *node1 = json_array_get(json_object_get(cfg0, "nodes"), 1);
	json_t *chip = json_array_get(json_object_get(node1, "cpeMatch"), 0);
	assert_string_equal(json_string_value(json_object_get(chip, "criteria")),
			    "cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*");
	assert_int_equal(json_object_set_new(node1, "negate", json_true()), 0);
	struct vti_target t[] = {
		T('a', "espressif", "esp-idf", "4.1", NULL),
		T('h', "espressif", "esp32", NULL, NULL),
	};
	assert_true(match_in(r.cfg, t, 1, 0));  /* no ESP32: the negated node holds */
	hit_is(ANYCPE("espressif:esp-idf"), NULL);
	assert_false(match_in(r.cfg, t, 2, 0)); /* on an ESP32: it does not */
	assert_false(match_in(r.cfg, t, 2, 1));
	t[0].version = "4.3";                   /* out of range either way */
	assert_false(match_in(r.cfg, t, 1, 0));

	/* configuration-level negate */
	assert_int_equal(json_object_set_new(node1, "negate", json_false()), 0);
	assert_int_equal(json_object_set_new(cfg0, "negate", json_true()), 0);
	t[0].version = "4.1";
	/* without the ESP32, the AND fails, its negation holds, and esp-idf's entry (in a
	 * node that holds) is the hit */
	assert_true(match_in(r.cfg, t, 1, 0));
	assert_false(match_in(r.cfg, t, 2, 0)); /* with it, the AND holds and is negated */
	json_decref(r.root);
}

/* No record uses "operator": "AND" inside a node (all 54,866 nodes of the samples are OR).
 * CVE-2020-13595 rewritten as one configuration (OR) of two nodes: an AND node holding both
 * of its entries (esp-idf, vulnerable; ESP32, platform), and an OR node holding the
 * esp-idf entry again with "vulnerable": false. Without an ESP32 the AND node fails; the
 * second node holds, so the configuration does, but it has no vulnerable entry: nothing
 * is reported. With an ESP32, the AND node holds and esp-idf is reported. */
static void test_and_node(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2020-13595");
	json_t *cfg0 = json_array_get(r.cfg, 0);
	json_t *nodes = json_object_get(cfg0, "nodes");
	json_t *n0 = json_array_get(nodes, 0), *n1 = json_array_get(nodes, 1);
	json_t *idf = json_array_get(json_object_get(n0, "cpeMatch"), 0);
	json_t *chip = json_array_get(json_object_get(n1, "cpeMatch"), 0);
	assert_string_equal(json_string_value(json_object_get(idf, "criteria")),
			    ANYCPE("espressif:esp-idf"));
	json_t *idf_platform = json_deep_copy(idf);
	json_object_set_new(idf_platform, "vulnerable", json_false());
	assert_int_equal(json_array_append(json_object_get(n0, "cpeMatch"), chip), 0);
	set_str(n0, "operator", "AND");
	assert_int_equal(json_array_clear(json_object_get(n1, "cpeMatch")), 0);
	assert_int_equal(json_array_append_new(json_object_get(n1, "cpeMatch"), idf_platform), 0);
	set_str(cfg0, "operator", "OR");
	struct vti_target t[] = {
		T('a', "espressif", "esp-idf", "4.1", NULL),
		T('h', "espressif", "esp32", NULL, NULL),
	};
	assert_false(match_in(r.cfg, t, 1, 0));
	assert_true(match_in(r.cfg, t, 2, 0));
	hit_is(ANYCPE("espressif:esp-idf"), NULL);
	assert_false(match_in(r.cfg, t, 2, 1));
	json_decref(r.root);
}

/* vti_entry_satisfied (for prefilters) applies the same entry test: on CVE-2023-38408
 * OpenSSH 9.3p1 written in one string satisfies "openssh:9.3:p1"; on CVE-2022-37434 a
 * firmware without a version satisfies "h300s_firmware:-"; and for every record here, the
 * hit of every match satisfies it. */
static void test_entry_satisfied(void **state)
{
	(void)state;
	struct vti_target ssh = T('a', "openbsd", "openssh", "9.3p1", NULL);
	assert_true(vti_entry_satisfied("cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*:*", NULL, NULL,
					NULL, NULL, &ssh));
	assert_false(vti_entry_satisfied("cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", NULL, NULL,
					 NULL, "9.3", &ssh));
	assert_true(vti_entry_satisfied("cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", "", "", "",
					"9.4", &ssh));
	struct vti_target fw = T('o', "netapp", "h300s_firmware", NULL, NULL);
	assert_true(vti_entry_satisfied("cpe:2.3:o:netapp:h300s_firmware:-:*:*:*:*:*:*:*", NULL,
					NULL, NULL, NULL, &fw));
	assert_false(vti_entry_satisfied("cpe:2.3:o:netapp:h300s_firmware", NULL, NULL, NULL, NULL,
					 &fw));
	static const char *const cves[] = {"CVE-2017-14491", "CVE-2023-0464", "CVE-2023-38408",
					   "CVE-2020-13595", "CVE-2022-37434"};
	struct vti_target t[] = {
		T('a', "thekelleys", "dnsmasq", "2.76", NULL),
		T('o', "arista", "eos", "4.18.4.2", NULL),
		T('a', "openssl", "openssl", "1.0.2k", NULL),
		T('a', "openbsd", "openssh", "9.3", "p1"),
		T('a', "espressif", "esp-idf", "4.2", NULL),
		T('h', "espressif", "esp32", NULL, NULL),
		T('o', "netapp", "h300s_firmware", NULL, NULL),
		T('h', "netapp", "h300s", NULL, NULL),
	};
	size_t n = VT_ARRAY_LEN(t), hits = 0;
	for (size_t k = 0; k < VT_ARRAY_LEN(cves); k++) {
		struct rec r = rec(cves[k]);
		for (size_t i = 0; i < n; i++) {
			if (!match_in(r.cfg, t, n, i))
				continue;
			hits++;
			assert_true(vti_entry_satisfied(last_hit.criteria, last_hit.start_incl,
							last_hit.start_excl, last_hit.end_incl,
							last_hit.end_excl, &t[i]));
		}
		json_decref(r.root);
	}
	/* dnsmasq, eos, openssl, openssh, esp-idf, h300s firmware */
	assert_int_equal(hits, 6);
}

/* ---- malformed configurations ---- */

static void expect_format_error(const char *json)
{
	json_error_t err;
	json_t *cfg = json_loads(json, 0, &err);
	if (!cfg)
		fail_msg("bad test JSON: %s", err.text);
	struct vti_target t = T('a', "busybox", "busybox", "1.35.0", NULL);
	bool m = true;
	struct vti_cfg_hit h;
	vt_err e = vti_config_eval(cfg, &t, 1, 0, NULL, &m, &h);
	if (e != VT_EFORMAT)
		fail_msg("%s: %s, expected VT_EFORMAT", json, vt_errname(e));
	assert_false(m);
	json_decref(cfg);
}

#define BBE "{\"criteria\":\"cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*\",\"vulnerable\":true"

static void test_malformed(void **state)
{
	(void)state;
	expect_format_error("{}");
	expect_format_error("[1]");
	expect_format_error("[{}]");
	expect_format_error("[{\"nodes\":{}}]");
	expect_format_error("[{\"nodes\":[{}]}]");
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":{}}]}]");
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":[1]}]}]");
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":[{\"vulnerable\":true}]}]}]");
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":[{\"criteria\":\"cpe:2.3:a:busybox:"
			    "busybox:1.35.0:*:*:*:*:*:*:*\"}]}]}]");
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":[{\"criteria\":\"cpe:2.3:a:busybox\","
			    "\"vulnerable\":true}]}]}]");
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":[" BBE ",\"versionEndExcluding\":1}]}]}]");
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":[" BBE ",\"vulnerable\":\"yes\"}]}]}]");
	expect_format_error("[{\"nodes\":[{\"operator\":\"XOR\",\"cpeMatch\":[" BBE "}]}]}]");
	expect_format_error("[{\"nodes\":[{\"negate\":\"no\",\"cpeMatch\":[" BBE "}]}]}]");
	expect_format_error("[{\"operator\":5,\"nodes\":[{\"cpeMatch\":[" BBE "}]}]}]");
	/* a configuration that matches, followed by a malformed one: the whole is malformed */
	expect_format_error("[{\"nodes\":[{\"cpeMatch\":[" BBE "}]}]},{\"nodes\":7}]");
	/* the same, well-formed, matches */
	json_t *ok = json_loads("[{\"nodes\":[{\"cpeMatch\":[" BBE "}]}]}]", 0, NULL);
	assert_non_null(ok);
	assert_true(match1(ok, T('a', "busybox", "busybox", "1.35.0", NULL)));
	json_decref(ok);
	/* empty configurations, nodes, cpeMatch: well-formed, nothing matches */
	static const char *const empty[] = {"[]", "[{\"nodes\":[]}]",
					    "[{\"nodes\":[{\"cpeMatch\":[]}]}]",
					    "[{\"operator\":\"AND\",\"nodes\":[]}]"};
	for (size_t i = 0; i < VT_ARRAY_LEN(empty); i++) {
		json_t *c = json_loads(empty[i], 0, NULL);
		assert_non_null(c);
		assert_false(match1(c, T('a', "busybox", "busybox", "1.35.0", NULL)));
		json_decref(c);
	}
	/* bad arguments */
	bool m;
	struct vti_cfg_hit h;
	struct vti_target t = T('a', "x", "y", "1", NULL);
	json_t *c = json_array();
	assert_int_equal(vti_config_eval(c, &t, 1, 1, NULL, &m, &h), VT_EINVAL);
	assert_int_equal(vti_config_eval(c, NULL, 0, 0, NULL, &m, &h), VT_EINVAL);
	json_decref(c);
}

/* Corrupted records: every member of every entry, node and configuration of a real
 * record deleted in turn, each string member replaced by a number, and single bytes of the
 * record's text overwritten: evaluation never crashes and is VT_OK or VT_EFORMAT, and
 * removing criteria or vulnerable, or giving them another type, is VT_EFORMAT. */
static void eval_ok_or_format(const json_t *cfg, const struct vti_target *t, size_t n)
{
	bool m;
	struct vti_cfg_hit h;
	vt_err e = vti_config_eval(cfg, t, n, 0, NULL, &m, &h);
	assert_true(e == VT_OK || e == VT_EFORMAT);
	if (e)
		assert_false(m);
}

static void test_corrupted_records(void **state)
{
	(void)state;
	struct rec r = rec("CVE-2017-14491");
	struct vti_target t[] = {
		T('a', "thekelleys", "dnsmasq", "2.76", NULL),
		T('h', "nvidia", "jetson_tk1", NULL, NULL),
	};
	size_t broken = 0;
	for (size_t ci = 0; ci < json_array_size(r.cfg); ci++) {
		json_t *nodes = json_object_get(json_array_get(r.cfg, ci), "nodes");
		for (size_t ni = 0; ni < json_array_size(nodes); ni++) {
			json_t *ms = json_object_get(json_array_get(nodes, ni), "cpeMatch");
			for (size_t mi = 0; mi < json_array_size(ms); mi++) {
				json_t *e = json_array_get(ms, mi);
				static const char *const keys[] = {
					"criteria", "vulnerable", "versionEndIncluding",
					"versionEndExcluding", "versionStartIncluding",
					"matchCriteriaId"};
				for (size_t k = 0; k < VT_ARRAY_LEN(keys); k++) {
					json_t *saved = json_object_get(e, keys[k]);
					if (!saved)
						continue;
					json_incref(saved);
					bool required = k < 2;
					bool m;
					struct vti_cfg_hit h;
					json_object_del(e, keys[k]);
					vt_err err = vti_config_eval(r.cfg, t, 2, 0, NULL, &m, &h);
					assert_int_equal(err, required ? VT_EFORMAT : VT_OK);
					json_object_set_new(e, keys[k], json_integer(1));
					err = vti_config_eval(r.cfg, t, 2, 0, NULL, &m, &h);
					/* matchCriteriaId is not read; the others are checked */
					assert_int_equal(err, k == 5 ? VT_OK : VT_EFORMAT);
					json_object_set_new(e, keys[k], saved);
					broken++;
				}
			}
		}
	}
	assert_true(broken > 100);
	/* restored: matches again */
	assert_true(match_in(r.cfg, t, 2, 0));

	char *text = json_dumps(r.cfg, JSON_COMPACT);
	assert_non_null(text);
	size_t n = strlen(text), parsed = 0;
	static const char subst[] = {'0', '"', ']', '}', 'x', ':', ',', '\\', '[', '{'};
	for (size_t k = 0; k < n; k += 3) {
		char saved = text[k];
		text[k] = subst[k % sizeof(subst)];
		json_t *c = json_loads(text, 0, NULL);
		text[k] = saved;
		if (!c)
			continue;
		parsed++;
		eval_ok_or_format(c, t, 2);
		json_decref(c);
	}
	assert_true(parsed > 100);
	free(text);
	json_decref(r.root);
}

/* ---- speed ---- */

/* 1,000 components of one artifact, each evaluated against every record here (that is
 * more candidates per component than a CPE index hands over: each record names other
 * products), AND-configurations scanning all 1,000 targets for their platforms. Must take
 * under 100 ms in an optimized build without sanitizers. */
static void test_speed(void **state)
{
	(void)state;
	static const char *const cves[] = {
		"CVE-2016-2108",  "CVE-2017-14491", "CVE-2020-13595", "CVE-2022-30065",
		"CVE-2022-3602",  "CVE-2022-37434", "CVE-2022-48174", "CVE-2023-0464",
		"CVE-2023-38408", "CVE-2023-52160", "CVE-2023-7251",  "CVE-2024-2074",
		"CVE-2025-47203", "CVE-2026-47158", "CVE-2026-55878"};
	struct rec rs[VT_ARRAY_LEN(cves)];
	for (size_t i = 0; i < VT_ARRAY_LEN(cves); i++)
		rs[i] = rec(cves[i]);
	static const struct vti_target kinds[] = {
		T('a', "openssl", "openssl", "1.0.2k", NULL),
		T('a', "busybox", "busybox", "1.35.0", NULL),
		T('a', "thekelleys", "dnsmasq", "2.76", NULL),
		T('a', "openbsd", "openssh", "9.2", "p1"),
		T('o', "linux", "linux_kernel", "6.1.0", NULL),
		T('a', "w1.fi", "wpa_supplicant", "2.9", NULL),
		T('a', "zlib", "zlib", "1.2.12", NULL),
		T('h', "espressif", "esp32", NULL, NULL),
		T('a', "espressif", "esp-idf", "4.1", NULL),
		T('a', "acme", "unrelated", "1.0", NULL),
	};
	enum { N = 1000 };
	struct vti_target *t = calloc(N, sizeof(*t));
	assert_non_null(t);
	for (size_t i = 0; i < N; i++)
		t[i] = kinds[i % VT_ARRAY_LEN(kinds)];
	struct timespec t0, t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	size_t hits = 0;
	for (size_t i = 0; i < N; i++) {
		for (size_t k = 0; k < VT_ARRAY_LEN(cves); k++) {
			bool m;
			struct vti_cfg_hit h;
			assert_int_equal(vti_config_eval(rs[k].cfg, t, N, i, NULL, &m, &h), VT_OK);
			hits += m;
		}
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("1000 components x %zu records: %.1f ms, %zu matches\n", VT_ARRAY_LEN(cves),
		      ms, hits);
	/* per 10 components: openssl 1.0.2k 1 (CVE-2023-0464; CVE-2016-2108 lists 1.0.2,
	 * 1.0.2a and 1.0.2b only), busybox 2 (CVE-2022-30065 exact, CVE-2022-48174 range),
	 * dnsmasq 1, openssh 1, wpa_supplicant 1 (a kernel is present), zlib 1, esp-idf 1
	 * (an ESP32 is present); the kernel and the ESP32 are platforms only = 8 */
	assert_int_equal(hits, 8 * (N / 10));
#if !defined(__SANITIZE_ADDRESS__) && defined(__OPTIMIZE__)
	assert_true(ms < 100.0);
#endif
	free(t);
	for (size_t i = 0; i < VT_ARRAY_LEN(cves); i++)
		json_decref(rs[i].root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_end_including),
		cmocka_unit_test(test_start_including_end_excluding),
		cmocka_unit_test(test_arista_letter_bounds),
		cmocka_unit_test(test_busybox_end_including),
		cmocka_unit_test(test_dropbear_year_versions),
		cmocka_unit_test(test_date_versions),
		cmocka_unit_test(test_zlib_four_components),
		cmocka_unit_test(test_minor_boundaries),
		cmocka_unit_test(test_prerelease_before_start),
		cmocka_unit_test(test_exact_version),
		cmocka_unit_test(test_openssh_update_field),
		cmocka_unit_test(test_openssl_exact_and_beta_updates),
		cmocka_unit_test(test_and_with_platform),
		cmocka_unit_test(test_tegra_r_versions_on_hardware),
		cmocka_unit_test(test_os_platform_na),
		cmocka_unit_test(test_or_node_of_platforms),
		cmocka_unit_test(test_firmware_on_device),
		cmocka_unit_test(test_start_excluding),
		cmocka_unit_test(test_negate),
		cmocka_unit_test(test_and_node),
		cmocka_unit_test(test_entry_satisfied),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_corrupted_records),
		cmocka_unit_test(test_speed),
	};
	if (getenv("VT_TEST_FILTER")) /* one test by name, for debugging and profiling */
		cmocka_set_test_filter(getenv("VT_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
