/* test_vex.c - OpenVEX and CycloneDX VEX documents.
 *
 * The documents (tests/vulndb/vex/ and below) are written by hand in the shape of the
 * specifications' own examples (the OpenVEX specification's minimal document and product
 * struct with identifiers and subcomponents; CycloneDX bom-examples VEX/vex.json with a
 * BOM-Link ref and the CISA use case 1 document with a metadata.component bom-ref), about
 * components the sample firmware carries. Expected statuses come from the documents
 * themselves and the specifications' status mappings. Truncated and type-confused
 * documents must be VT_EFORMAT, never a crash.
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
#include "vulndb/vex.h"

/* tests/vulndb/vex/openvex-ar1000.json and cyclonedx-ar1000.json, read by main() */
static char *openvex_doc, *cdx_doc;

static void test_openvex(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_vex v;
	assert_int_equal(vti_vex_parse(vt_span_make(openvex_doc, strlen(openvex_doc)), a, &v),
			 VT_OK);
	assert_string_equal(v.format, "openvex");
	/* statements: (CVE-2022-48174 + alias) x the busybox subcomponent = 2; CVE-2023-0464
	 * x (@id, purl, cpe23) = 3; CVE-2023-0464 with no product = 1; CVE-2017-14491 x 2;
	 * CVE-2023-38408 (name from @id) x 1; the unknown status "wontfix" is skipped */
	assert_int_equal(v.n, 9);
	size_t n = 0;
	for (const struct vti_vex_stmt *s = v.stmts; s; s = s->next)
		n++;
	assert_int_equal(n, v.n);

	/* the subcomponent, any qualifier of the component's purl allowed beyond arch */
	const struct vti_vex_stmt *s = vti_vex_find(
		&v, "CVE-2022-48174", "pkg:deb/debian/busybox@1.35.0-4?arch=armhf&distro=debian-12",
		NULL, "busybox");
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_NOT_AFFECTED);
	assert_string_equal(s->justification, "vulnerable_code_not_in_execute_path");
	assert_string_equal(s->detail, "ash is not reachable: no shell is exposed");
	assert_string_equal(s->product, "pkg:deb/debian/busybox@1.35.0-4?arch=armhf");
	/* the alias names the same statement */
	s = vti_vex_find(&v, "GHSA-xxxx-busybox-ash",
			 "pkg:deb/debian/busybox@1.35.0-4?arch=armhf", NULL, NULL);
	assert_non_null(s);
	/* another version, or another arch, is not covered */
	assert_null(vti_vex_find(&v, "CVE-2022-48174", "pkg:deb/debian/busybox@1.36.1-1?arch=armhf",
				 NULL, NULL));
	assert_null(vti_vex_find(&v, "CVE-2022-48174", "pkg:deb/debian/busybox@1.35.0-4?arch=amd64",
				 NULL, NULL));
	/* the product itself (the firmware) is not what the statement is about */
	assert_null(vti_vex_find(&v, "CVE-2022-48174", "pkg:generic/acme/ar-1000@1.0", NULL, NULL));

	/* a purl without version covers every version; the product statement wins over the
	 * later statement naming no product (more specific) */
	s = vti_vex_find(&v, "CVE-2023-0464", "pkg:deb/debian/openssl@3.0.11-1~deb12u2", NULL,
			 "openssl");
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_FIXED);
	assert_string_equal(s->detail, "patched in 1.0 build 7");
	assert_null(s->justification);
	/* by the CPE identifier (wildcard version in the statement) */
	s = vti_vex_find(&v, "CVE-2023-0464", NULL,
			 "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*", NULL);
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_FIXED);
	s = vti_vex_find(&v, "CVE-2023-0464", NULL,
			 "cpe:2.3:a:openssl:openssl:1.1.1t:*:*:*:*:*:*:*", NULL);
	assert_non_null(s); /* only the statement for every product */
	assert_int_equal(s->status, VTI_VEX_UNDER_INVESTIGATION);
	assert_null(s->product);
	/* a component the document never names: the general statement */
	s = vti_vex_find(&v, "cve-2023-0464", "pkg:deb/debian/zlib@1.2.13", NULL, "zlib");
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_UNDER_INVESTIGATION);

	/* two statements for the same product: the last one wins */
	s = vti_vex_find(&v, "CVE-2017-14491", "pkg:deb/debian/dnsmasq@2.76-5", NULL, NULL);
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_FIXED);

	/* vulnerability named by @id only; product by name */
	s = vti_vex_find(&v, "CVE-2023-38408", NULL, NULL, "Dropbear");
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_NOT_AFFECTED);
	assert_string_equal(s->justification, "component_not_present");

	assert_null(vti_vex_find(&v, "CVE-2099-0001", "pkg:deb/debian/busybox@1", NULL, NULL));
	assert_null(vti_vex_find(&v, "CVE-2000-0001", NULL, NULL, NULL));
	vt_arena_free(a);
}

/* OpenVEX v0.0.x wrote the vulnerability and the products as plain strings. */
static void test_openvex_legacy_strings(void **state)
{
	(void)state;
	static const char doc[] =
		"{\"@context\":\"https://openvex.dev/ns\",\"@id\":\"x\",\"author\":\"a\","
		"\"timestamp\":\"2023-01-08T18:02:03Z\",\"version\":\"1\",\"statements\":[{"
		"\"vulnerability\":\"CVE-2023-12345\",\"products\":["
		"\"pkg:apk/wolfi/git@2.39.0-r1?arch=armv7\","
		"\"pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64\"],"
		"\"status\":\"fixed\"}]}";
	struct vt_arena *a = vt_arena_new();
	struct vti_vex v;
	assert_int_equal(vti_vex_parse(vt_span_make(doc, strlen(doc)), a, &v), VT_OK);
	assert_int_equal(v.n, 2);
	const struct vti_vex_stmt *s =
		vti_vex_find(&v, "CVE-2023-12345", "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64", NULL,
			     NULL);
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_FIXED);
	assert_string_equal(vti_vex_status_name(s->status), "fixed");
	vt_arena_free(a);
}


static void test_cyclonedx(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_vex v;
	assert_int_equal(vti_vex_parse(vt_span_make(cdx_doc, strlen(cdx_doc)), a, &v), VT_OK);
	assert_string_equal(v.format, "cyclonedx");
	const char *bb_purl = "pkg:deb/debian/busybox@1.35.0-4?arch=armhf";
	const char *bb_cpe = "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*";

	/* the bom-ref resolves to the component's purl, cpe and name */
	const struct vti_vex_stmt *s = vti_vex_find(&v, "CVE-2022-48174", bb_purl, NULL, NULL);
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_NOT_AFFECTED);
	assert_string_equal(s->justification, "code_not_reachable");
	assert_string_equal(s->detail, "ash is not started by the firmware");
	assert_non_null(vti_vex_find(&v, "CVE-2022-48174", NULL, bb_cpe, NULL));
	assert_non_null(vti_vex_find(&v, "CVE-2022-48174", NULL, NULL, "BusyBox"));
	assert_non_null(vti_vex_find(&v, "GHSA-busybox-0001", bb_purl, NULL, NULL));
	assert_null(vti_vex_find(&v, "CVE-2022-48174", "pkg:deb/debian/dnsmasq@2.89-1", NULL,
				 "dnsmasq"));
	/* BOM-Link ref; resolved is fixed */
	s = vti_vex_find(&v, "CVE-2022-30065", bb_purl, NULL, NULL);
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_FIXED);
	assert_string_equal(s->detail, "backported fix");
	/* exploitable is affected */
	s = vti_vex_find(&v, "CVE-2023-42363", NULL, bb_cpe, NULL);
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_AFFECTED);
	assert_null(s->justification);
	/* a nested component; in_triage is under investigation */
	s = vti_vex_find(&v, "CVE-2023-42364", NULL, NULL, "libbb");
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_UNDER_INVESTIGATION);
	/* metadata.component; false_positive is not affected, justified as such */
	s = vti_vex_find(&v, "CVE-2023-42365", NULL, NULL, "AR-1000");
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_NOT_AFFECTED);
	assert_string_equal(s->justification, "false_positive");
	/* a ref that is itself a purl; resolved_with_pedigree is fixed */
	s = vti_vex_find(&v, "CVE-2023-42366", bb_purl, NULL, NULL);
	assert_non_null(s);
	assert_int_equal(s->status, VTI_VEX_FIXED);
	/* no analysis: no statement */
	assert_null(vti_vex_find(&v, "CVE-2021-42374", bb_purl, bb_cpe, "busybox"));
	vt_arena_free(a);
}

/* The CycloneDX bom-examples shape: no components, the ref a BOM-Link to a purl. */
static void test_cyclonedx_bomlink_purl(void **state)
{
	(void)state;
	static const char doc[] =
		"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,"
		"\"vulnerabilities\":[{\"id\":\"CVE-2020-25649\",\"analysis\":{\"state\":"
		"\"not_affected\",\"justification\":\"code_not_reachable\",\"response\":"
		"\"will_not_fix\",\"detail\":\"not reachable\"},\"affects\":[{\"ref\":"
		"\"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/"
		"com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar\"}]}]}";
	struct vt_arena *a = vt_arena_new();
	struct vti_vex v;
	assert_int_equal(vti_vex_parse(vt_span_make(doc, strlen(doc)), a, &v), VT_OK);
	assert_int_equal(v.n, 1);
	const char *purl = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar";
	const struct vti_vex_stmt *s = vti_vex_find(&v, "CVE-2020-25649", purl, NULL, NULL);
	assert_non_null(s);
	assert_string_equal(s->product, purl);
	assert_int_equal(s->status, VTI_VEX_NOT_AFFECTED);
	vt_arena_free(a);
}

static void expect_format(const char *doc, size_t len)
{
	struct vt_arena *a = vt_arena_new();
	struct vti_vex v;
	vt_err e = vti_vex_parse(vt_span_make(doc, len), a, &v);
	if (e != VT_EFORMAT)
		fail_msg("%.*s: %s, expected VT_EFORMAT", (int)VT_MIN(len, 200), doc,
			 vt_errname(e));
	vt_arena_free(a);
}

static void test_malformed(void **state)
{
	(void)state;
	/* every truncation of both documents */
	for (size_t n = 0; n + 2 < strlen(openvex_doc); n++)
		expect_format(openvex_doc, n);
	for (size_t n = 0; n + 2 < strlen(cdx_doc); n++)
		expect_format(cdx_doc, n);
	static const char *const bad[] = {
		"[]",
		"{}",
		"{\"bomFormat\":\"SPDX\"}",
		"{\"spdxVersion\":\"SPDX-2.3\"}",
		"not json",
		"{\"@context\":\"https://openvex.dev/ns\",\"statements\":{}}",
		"{\"statements\":[1]}",
		"{\"statements\":[{\"status\":\"fixed\"}]}",
		"{\"statements\":[{\"vulnerability\":5,\"status\":\"fixed\"}]}",
		"{\"statements\":[{\"vulnerability\":{\"name\":5},\"status\":\"fixed\"}]}",
		"{\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\",\"aliases\":[1]},"
		"\"status\":\"fixed\"}]}",
		"{\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":1}]}",
		"{\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\","
		"\"products\":{}}]}",
		"{\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\","
		"\"products\":[{\"@id\":3}]}]}",
		"{\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\","
		"\"products\":[{\"identifiers\":[]}]}]}",
		"{\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\","
		"\"products\":[{\"subcomponents\":{}}]}]}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":{}}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[7]}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":7}]}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"CVE-1\","
		"\"analysis\":[]}]}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"CVE-1\","
		"\"analysis\":{\"state\":true}}]}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"CVE-1\","
		"\"analysis\":{\"state\":\"resolved\"},\"affects\":{}}]}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"CVE-1\","
		"\"analysis\":{\"state\":\"resolved\"},\"affects\":[{\"ref\":1}]}]}",
		"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"CVE-1\","
		"\"references\":[{\"id\":2}]}]}",
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(bad); i++)
		expect_format(bad[i], strlen(bad[i]));
	/* a component of the wrong shape: its fields are type-checked when it is used */
	static const char badcomp[] =
		"{\"bomFormat\":\"CycloneDX\",\"components\":[{\"bom-ref\":\"r\",\"purl\":1}],"
		"\"vulnerabilities\":[{\"id\":\"CVE-1\",\"analysis\":{\"state\":\"resolved\"},"
		"\"affects\":[{\"ref\":\"r\"}]}]}";
	expect_format(badcomp, strlen(badcomp));
	/* empty and NULL input */
	expect_format("", 0);
	struct vt_arena *a = vt_arena_new();
	struct vti_vex v;
	assert_int_equal(vti_vex_parse(vt_span_make(NULL, 0), a, &v), VT_EFORMAT);
	assert_int_equal(vti_vex_parse(vt_span_make("{}", 2), NULL, &v), VT_EINVAL);
	/* a CycloneDX BOM with no vulnerabilities states nothing, validly */
	static const char none[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\"}";
	assert_int_equal(vti_vex_parse(vt_span_make(none, strlen(none)), a, &v), VT_OK);
	assert_int_equal(v.n, 0);
	assert_null(vti_vex_find(&v, "CVE-1", NULL, NULL, NULL));
	assert_null(vti_vex_find(NULL, "CVE-1", NULL, NULL, NULL));
	vt_arena_free(a);
	assert_string_equal(vti_vex_status_name(VTI_VEX_NOT_AFFECTED), "not_affected");
	assert_string_equal(vti_vex_status_name(VTI_VEX_AFFECTED), "affected");
	assert_string_equal(vti_vex_status_name(VTI_VEX_UNDER_INVESTIGATION),
			    "under_investigation");
	assert_string_equal(vti_vex_status_name((enum vti_vex_status)99), "unknown");
}

static char *read_doc(const char *name)
{
	const char *dir = getenv("VT_VULNDB_VEX");
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vulndb/vex", name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		exit(1);
	}
	static char buf[2][65536];
	static int k;
	char *b = buf[k++ & 1];
	size_t n = fread(b, 1, sizeof(buf[0]) - 1, f);
	fclose(f);
	b[n] = 0;
	return b;
}

int main(void)
{
	openvex_doc = read_doc("openvex-ar1000.json");
	cdx_doc = read_doc("cyclonedx-ar1000.json");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openvex),
		cmocka_unit_test(test_openvex_legacy_strings),
		cmocka_unit_test(test_cyclonedx),
		cmocka_unit_test(test_cyclonedx_bomlink_purl),
		cmocka_unit_test(test_malformed),
	};
	if (getenv("VT_TEST_FILTER")) /* one test by name, for debugging and profiling */
		cmocka_set_test_filter(getenv("VT_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
