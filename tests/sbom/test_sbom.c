/* test_sbom.c - the SBOM writers (CycloneDX 1.6, SPDX 2.3) and the declared-SBOM comparison,
 * on components built by hand over a real review.
 *
 * The fixture is a directory of real Debian binaries copied from this system (gzip, libz,
 * libcrypto, libssl, libjansson) plus a text file, reviewed by vetter; the components refer to
 * those objects. Expected values come from the hand-built components and from the files
 * themselves (SHA-256 computed here with OpenSSL), never from vetter's output. With
 * `--write DIR` the program writes the two hand-built SBOMs to DIR and exits, so the schema
 * test (test_sbom_schema.py) can validate them against the official schemas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include <vetter/vulndb.h>

#include "core/internal.h"
#include "catalog/declared.h"
#include "report/sbom.h"
#include "review/review_int.h"

/* --- fixture: a reviewed directory of real binaries --- */

static char dir[64];
static char datadir[96];

struct file {
	const char *name;             /* in the fixture directory */
	const char *candidates[4];    /* where to copy it from */
};

static const struct file files[] = {
	{"bin/gzip", {"/usr/bin/gzip", "/bin/gzip", NULL}},
	{"lib/libz.so.1", {"/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1",
			   "/usr/lib/aarch64-linux-gnu/libz.so.1", NULL}},
	{"lib/libcrypto.so.3", {"/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
				"/usr/lib/aarch64-linux-gnu/libcrypto.so.3", NULL}},
	{"lib/libssl.so.3", {"/usr/lib/x86_64-linux-gnu/libssl.so.3",
			     "/usr/lib/aarch64-linux-gnu/libssl.so.3", NULL}},
	{"lib/libjansson.so.4", {"/usr/lib/x86_64-linux-gnu/libjansson.so.4",
				 "/usr/lib/aarch64-linux-gnu/libjansson.so.4", NULL}},
};

static int run(const char *cmd)
{
	int rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

static int make_fixture(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vetter-sbom-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/tree/bin' '%s/tree/lib' '%s/tree/boot' "
		 "'%s/data/catalog'", dir, dir, dir, dir);
	if (run(cmd))
		return -1;
	for (size_t i = 0; i < VT_ARRAY_LEN(files); i++) {
		const char *src = NULL;
		for (size_t k = 0; files[i].candidates[k] && !src; k++)
			if (access(files[i].candidates[k], R_OK) == 0)
				src = files[i].candidates[k];
		if (!src) {
			fprintf(stderr, "test_sbom: no %s on this system\n", files[i].name);
			return -1;
		}
		snprintf(cmd, sizeof(cmd), "cp -L '%s' '%s/tree/%s'", src, dir, files[i].name);
		if (run(cmd))
			return -1;
	}
	snprintf(cmd, sizeof(cmd),
		 "printf 'Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org)\\n' > "
		 "'%s/tree/boot/banner.txt'",
		 dir);
	if (run(cmd))
		return -1;
	/* a catalogue entry: the package names of glibc are aliases for matching */
	snprintf(cmd, sizeof(cmd),
		 "printf 'product: glibc\\nname: GNU C Library\\ncpe:\\n  - gnu:glibc\\n"
		 "packages: [libc6, \"libc6-*\", libc-bin]\\nversions: []\\n' > "
		 "'%s/data/catalog/glibc.yaml'",
		 dir);
	if (run(cmd))
		return -1;
	snprintf(datadir, sizeof(datadir), "%s/data", dir);
	return 0;
}

static void remove_fixture(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (run(cmd))
		fprintf(stderr, "test_sbom: cannot remove %s\n", dir);
}

static struct vt_review *review(const char *declared)
{
	struct vt_review_opts o;
	vt_review_opts_init(&o);
	o.jobs = 1;
	o.no_analyzers = true;
	o.data_dir = datadir;
	o.declared_sbom = declared;
	struct vt_review *r = vt_review_new(&o);
	if (!r)
		return NULL;
	char path[300];
	snprintf(path, sizeof(path), "%s/tree", dir);
	if (vt_review_add_input(r, path) || vt_review_run(r)) {
		vt_review_free(r);
		return NULL;
	}
	return r;
}

static const struct vt_object *object(const struct vt_review *r, const char *rel)
{
	for (size_t i = 0; i < vt_review_object_count(r); i++) {
		const struct vt_object *o = vt_review_object(r, i);
		if (o->relpath && !strcmp(o->relpath, rel))
			return o;
	}
	return NULL;
}

static void sha256_file(const char *rel, char hex[65])
{
	char path[512];
	snprintf(path, sizeof(path), "%s/tree/%s", dir, rel);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	unsigned char buf[65536], md[32];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(EVP_DigestUpdate(ctx, buf, n), 1);
	fclose(f);
	unsigned len;
	assert_int_equal(EVP_DigestFinal_ex(ctx, md, &len), 1);
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* --- hand-built components --- */

enum { C_GZIP, C_ZLIB, C_OPENSSL, C_JANSSON, C_TOMCRYPT, C_KERNEL, C_ODD, NCOMP };

struct comps {
	struct vt_component c[NCOMP];
	struct vt_evidence ev[16];
	struct vt_occurrence occ[16];
	size_t dep_gzip[2], dep_ssl[1];
	struct vt_vuln_match m[2];
	struct vt_component_vuln v[2];
	const char *pairs_zlib[2], *pairs_ssl[1], *pairs_gzip[1], *pairs_kernel[1];
};

static struct vt_occurrence *occ(struct comps *s, size_t *k, const struct vt_object *o,
				 enum vt_evidence_kind kind, const char *excerpt, uint64_t off,
				 unsigned conf)
{
	struct vt_evidence *e = &s->ev[*k];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->excerpt = excerpt;
	e->rule = "test rule";
	e->has_offset = off != UINT64_MAX;
	e->offset = off == UINT64_MAX ? 0 : off;
	e->confidence = conf;
	s->occ[*k].object = o;
	s->occ[*k].evidence = e;
	return &s->occ[(*k)++];
}

static void build(struct comps *s, const struct vt_review *r)
{
	memset(s, 0, sizeof(*s));
	const struct vt_object *gzip = object(r, "bin/gzip"), *z = object(r, "lib/libz.so.1");
	const struct vt_object *crypto = object(r, "lib/libcrypto.so.3");
	const struct vt_object *ssl = object(r, "lib/libssl.so.3");
	const struct vt_object *jan = object(r, "lib/libjansson.so.4");
	const struct vt_object *ban = object(r, "boot/banner.txt");
	assert_true(gzip && z && crypto && ssl && jan && ban);
	size_t k = 0;
	struct vt_component *c = s->c;

	s->pairs_gzip[0] = "gnu:gzip";
	c[C_GZIP] = (struct vt_component){.product = "gzip", .name = "gzip", .version = "1.12",
					  .part = "a", .cpe_pairs = s->pairs_gzip, .n_cpe_pairs = 1,
					  .cpe = "cpe:2.3:a:gnu:gzip:1.12:*:*:*:*:*:*:*",
					  .purl = "pkg:generic/gzip@1.12", .confidence = 90,
					  .in_catalogue = true};
	c[C_GZIP].occ = occ(s, &k, gzip, VT_EV_STRING, "gzip 1.12", 0x1234, 90);
	c[C_GZIP].n_occ = 1;
	s->dep_gzip[0] = C_ZLIB;
	s->dep_gzip[1] = C_ZLIB; /* a repeated link appears once */
	c[C_GZIP].depends = s->dep_gzip;
	c[C_GZIP].n_depends = 2;

	s->pairs_zlib[0] = "zlib:zlib";
	s->pairs_zlib[1] = "gnu:zlib";
	c[C_ZLIB] = (struct vt_component){.product = "zlib", .name = "zlib", .version = "1.2.13",
					  .part = "a", .cpe_pairs = s->pairs_zlib, .n_cpe_pairs = 2,
					  .cpe = "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*",
					  .purl = "pkg:generic/zlib@1.2.13", .confidence = 95,
					  .in_catalogue = true};
	c[C_ZLIB].occ = occ(s, &k, z, VT_EV_STRING, "deflate 1.2.13 Copyright", 0x10a0, 95);
	occ(s, &k, z, VT_EV_SONAME, "libz.so.1", UINT64_MAX, 60);
	c[C_ZLIB].n_occ = 2;

	s->pairs_ssl[0] = "openssl:openssl";
	c[C_OPENSSL] = (struct vt_component){
		.product = "openssl", .name = "OpenSSL", .version = "3.0.20", .part = "a",
		.cpe_pairs = s->pairs_ssl, .n_cpe_pairs = 1,
		.cpe = "cpe:2.3:a:openssl:openssl:3.0.20:*:*:*:*:*:*:*",
		.purl = "pkg:generic/openssl@3.0.20", .confidence = 95, .in_catalogue = true};
	c[C_OPENSSL].occ = occ(s, &k, crypto, VT_EV_STRING, "OpenSSL 3.0.20", 0x200, 95);
	occ(s, &k, ssl, VT_EV_STRING, "OpenSSL 3.0.20", 0x300, 95);
	c[C_OPENSSL].n_occ = 2;
	s->dep_ssl[0] = 99; /* out of range: ignored */
	c[C_OPENSSL].depends = s->dep_ssl;
	c[C_OPENSSL].n_depends = 1;
	/* two vulnerabilities: one known exploited, one a VEX statement says does not apply */
	s->m[0] = (struct vt_vuln_match){
		.cve = "CVE-2023-0286", .description = "X.400 address type confusion",
		.published = "2023-02-08T20:15:23.887", .last_modified = "2024-02-04",
		.cvss3_score = 7.4, .cvss3_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H",
		.cvss3_severity = "HIGH", .cwe = "CWE-843,CWE-20,CWE-843", .kev = true,
		.kev_date_added = "2024-01-01", .has_epss = true, .epss = 0.0123,
		.epss_percentile = 0.85, .fixed = "3.0.8",
		.criteria = "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:* (>= 3.0.0, < 3.0.8)",
		.source = "nvd"};
	s->m[1] = (struct vt_vuln_match){.cve = "CVE-2024-0727", .published = "not a date",
					 .cvss4_score = 5.5, .cvss4_severity = "MEDIUM",
					 .source = "osv"};
	s->v[0] = (struct vt_component_vuln){.match = &s->m[0], .kev = true};
	s->v[1] = (struct vt_component_vuln){
		.match = &s->m[1], .suppressed = true, .vex_status = "not_affected",
		.vex_justification = "vulnerable_code_not_in_execute_path",
		.vex_detail = "PKCS12 is not used"};
	c[C_OPENSSL].vulns = s->v;
	c[C_OPENSSL].n_vulns = 2;

	c[C_JANSSON] = (struct vt_component){
		.product = "jansson", .name = "Jansson", .version = "2.14", .part = "a",
		.confidence = 70, .purl = "pkg:generic/jansson@2.14", .in_catalogue = true};
	c[C_JANSSON].occ = occ(s, &k, jan, VT_EV_SONAME, "libjansson.so.4", UINT64_MAX, 70);
	c[C_JANSSON].n_occ = 1;

	/* a library found inside gzip's file: gzip contains it */
	c[C_TOMCRYPT] = (struct vt_component){.product = "libtomcrypt", .name = "LibTomCrypt",
					      .version = "1.18.2", .part = "a", .confidence = 80,
					      .container = gzip, .in_catalogue = true};
	c[C_TOMCRYPT].occ = occ(s, &k, gzip, VT_EV_STRING, "LibTomCrypt 1.18.2", 0x5000, 80);
	c[C_TOMCRYPT].n_occ = 1;

	s->pairs_kernel[0] = "linux:linux_kernel";
	c[C_KERNEL] = (struct vt_component){
		.product = "linux_kernel", .name = "Linux kernel", .version = "6.1.176",
		.part = "o", .cpe_pairs = s->pairs_kernel, .n_cpe_pairs = 1,
		.cpe = "cpe:2.3:o:linux:linux_kernel:6.1.176:*:*:*:*:*:*:*", .confidence = 90,
		.in_catalogue = true};
	c[C_KERNEL].occ = occ(s, &k, ban, VT_EV_BANNER, "Linux version 6.1.0-50-amd64", 0, 90);
	c[C_KERNEL].n_occ = 1;

	/* a package-database name with bytes that are not UTF-8, no version, no identifiers */
	c[C_ODD] = (struct vt_component){.product = "caf\xe9-tool", .name = "caf\xe9-tool",
					 .confidence = 50, .in_catalogue = false};
	for (size_t i = 0; i < NCOMP; i++)
		c[i].index = i;
}

static json_t *write_json(const struct vt_review *r, const struct comps *s, bool cdx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	vt_err e = cdx ? vti_cyclonedx_write(r, s->c, NCOMP, f) : vti_spdx_write(r, s->c, NCOMP, f);
	assert_int_equal(e, VT_OK);
	fclose(f);
	json_error_t err;
	json_t *j = json_loadb(buf, len, 0, &err);
	if (!j)
		fail_msg("invalid JSON: %s", err.text);
	free(buf);
	return j;
}

static json_t *find_by(json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		json_t *x = json_object_get(v, key);
		if (json_is_string(x) && !strcmp(json_string_value(x), value))
			return v;
	}
	return NULL;
}

static const char *str(json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);
	return json_is_string(x) ? json_string_value(x) : NULL;
}

static bool has_string(json_t *arr, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), value))
		return true;
	return false;
}

/* --- writers --- */

static void test_cyclonedx(void **state)
{
	(void)state;
	struct vt_review *r = review(NULL);
	assert_non_null(r);
	struct comps s;
	build(&s, r);
	json_t *j = write_json(r, &s, true);
	assert_string_equal(str(j, "bomFormat"), "CycloneDX");
	assert_string_equal(str(j, "specVersion"), "1.6");
	const char *sn = str(j, "serialNumber");
	const char *serial = sn ? sn : "";
	assert_int_equal(strlen(serial), 9 + 36);
	assert_memory_equal(serial, "urn:uuid:", 9);
	assert_int_equal(serial[9 + 14], '4'); /* version 4 */
	assert_true(strchr("89ab", serial[9 + 19]) != NULL);
	json_t *meta = json_object_get(j, "metadata");
	json_t *tool = json_array_get(json_object_get(json_object_get(meta, "tools"), "components"),
				      0);
	assert_string_equal(str(tool, "name"), "vetter");
	assert_string_equal(str(tool, "version"), vt_version());
	json_t *art = json_object_get(meta, "component");
	assert_string_equal(str(art, "name"), "tree");
	assert_string_equal(str(art, "bom-ref"), "artifact");

	json_t *comps = json_object_get(j, "components");
	assert_int_equal(json_array_size(comps), NCOMP);
	json_t *gz = find_by(comps, "name", "gzip");
	assert_non_null(gz);
	assert_string_equal(str(gz, "type"), "application");
	assert_string_equal(str(gz, "version"), "1.12");
	assert_string_equal(str(gz, "purl"), "pkg:generic/gzip@1.12");
	assert_string_equal(str(gz, "cpe"), "cpe:2.3:a:gnu:gzip:1.12:*:*:*:*:*:*:*");
	char hex[65];
	sha256_file("bin/gzip", hex);
	json_t *h = json_array_get(json_object_get(gz, "hashes"), 0);
	assert_string_equal(str(h, "alg"), "SHA-256");
	assert_string_equal(str(h, "content"), hex);
	json_t *ev = json_object_get(gz, "evidence");
	json_t *o0 = json_array_get(json_object_get(ev, "occurrences"), 0);
	assert_string_equal(str(o0, "location"), "bin/gzip");
	assert_int_equal(json_integer_value(json_object_get(o0, "offset")), 0x1234);
	json_t *id0 = json_array_get(json_object_get(ev, "identity"), 0);
	assert_string_equal(str(id0, "field"), "purl");
	json_t *m0 = json_array_get(json_object_get(id0, "methods"), 0);
	assert_string_equal(str(m0, "technique"), "binary-analysis");
	json_t *conf = find_by(json_object_get(gz, "properties"), "name", "vetter:confidence");
	assert_string_equal(str(conf, "value"), "90");

	json_t *z = find_by(comps, "name", "zlib");
	assert_string_equal(str(z, "type"), "library");
	sha256_file("lib/libz.so.1", hex);
	assert_string_equal(str(json_array_get(json_object_get(z, "hashes"), 0), "content"), hex);
	json_t *zp = find_by(json_object_get(z, "properties"), "name", "vetter:cpe_pair");
	assert_string_equal(str(zp, "value"), "gnu:zlib");

	/* found in two files: no single file is the component */
	json_t *ssl = find_by(comps, "name", "OpenSSL");
	assert_null(json_object_get(ssl, "hashes"));
	assert_int_equal(json_array_size(json_object_get(json_object_get(ssl, "evidence"),
							 "occurrences")),
			 2);
	/* contained in gzip's file: no hash of its own */
	json_t *tc = find_by(comps, "name", "LibTomCrypt");
	assert_null(json_object_get(tc, "hashes"));
	assert_string_equal(str(find_by(json_object_get(tc, "properties"), "name",
					"vetter:contained_in"),
				"value"),
			    "bin/gzip");
	assert_string_equal(str(find_by(comps, "name", "Linux kernel"), "type"),
			    "operating-system");
	json_t *odd = find_by(comps, "name", "caf\xef\xbf\xbd-tool");
	assert_non_null(odd);
	assert_null(json_object_get(odd, "version"));

	/* dependencies: gzip -> zlib (once) and the library inside it; the artifact -> the
	 * components nothing else depends on */
	json_t *deps = json_object_get(j, "dependencies");
	assert_int_equal(json_array_size(deps), NCOMP + 1);
	json_t *dg = find_by(deps, "ref", "gzip@1.12");
	json_t *on = json_object_get(dg, "dependsOn");
	assert_int_equal(json_array_size(on), 2);
	assert_true(has_string(on, "zlib@1.2.13"));
	assert_true(has_string(on, "libtomcrypt@1.18.2"));
	assert_int_equal(json_array_size(json_object_get(find_by(deps, "ref", "openssl@3.0.20"),
							 "dependsOn")),
			 0);
	json_t *top = json_object_get(find_by(deps, "ref", "artifact"), "dependsOn");
	assert_int_equal(json_array_size(top), 5);
	assert_true(has_string(top, "gzip@1.12"));
	assert_false(has_string(top, "zlib@1.2.13"));
	assert_false(has_string(top, "libtomcrypt@1.18.2"));
	assert_true(has_string(top, "openssl@3.0.20"));
	assert_true(has_string(top, "linux_kernel@6.1.176"));
	/* vulnerabilities: ratings, CWEs (each once), times in RFC 3339, VEX analysis */
	json_t *vulns = json_object_get(j, "vulnerabilities");
	assert_int_equal(json_array_size(vulns), 2);
	json_t *v0 = find_by(vulns, "id", "CVE-2023-0286");
	json_t *r0 = json_array_get(json_object_get(v0, "ratings"), 0);
	assert_string_equal(str(r0, "method"), "CVSSv31");
	assert_string_equal(str(r0, "severity"), "high");
	assert_true(json_real_value(json_object_get(r0, "score")) == 7.4);
	json_t *cw = json_object_get(v0, "cwes");
	assert_int_equal(json_array_size(cw), 2);
	assert_int_equal(json_integer_value(json_array_get(cw, 0)), 843);
	assert_int_equal(json_integer_value(json_array_get(cw, 1)), 20);
	assert_string_equal(str(v0, "published"), "2023-02-08T20:15:23.887Z");
	assert_string_equal(str(v0, "updated"), "2024-02-04T00:00:00Z");
	json_t *af = json_array_get(json_object_get(v0, "affects"), 0);
	assert_string_equal(str(af, "ref"), "openssl@3.0.20");
	assert_string_equal(str(json_array_get(json_object_get(af, "versions"), 0), "status"),
			    "affected");
	assert_string_equal(str(find_by(json_object_get(v0, "properties"), "name", "vetter:kev"),
				"value"),
			    "true");
	assert_null(json_object_get(v0, "analysis"));
	json_t *v1 = find_by(vulns, "id", "CVE-2024-0727");
	assert_null(json_object_get(v1, "published")); /* not a date: left out */
	assert_string_equal(str(json_array_get(json_object_get(v1, "ratings"), 0), "method"),
			    "CVSSv4");
	json_t *an = json_object_get(v1, "analysis");
	assert_string_equal(str(an, "state"), "not_affected");
	assert_string_equal(str(an, "justification"), "code_not_reachable");
	assert_string_equal(str(an, "detail"), "PKCS12 is not used");

	char first[64];
	snprintf(first, sizeof(first), "%s", serial);
	json_decref(j);

	/* two documents never share a serial number */
	json_t *j2 = write_json(r, &s, true);
	assert_string_not_equal(str(j2, "serialNumber"), first);
	json_decref(j2);
	vt_review_free(r);
}

static void test_spdx(void **state)
{
	(void)state;
	struct vt_review *r = review(NULL);
	assert_non_null(r);
	struct comps s;
	build(&s, r);
	json_t *j = write_json(r, &s, false);
	assert_string_equal(str(j, "spdxVersion"), "SPDX-2.3");
	assert_string_equal(str(j, "dataLicense"), "CC0-1.0");
	assert_string_equal(str(j, "SPDXID"), "SPDXRef-DOCUMENT");
	assert_non_null(strstr(str(j, "documentNamespace"), "https://"));
	json_t *ci = json_object_get(j, "creationInfo");
	char creator[64];
	snprintf(creator, sizeof(creator), "Tool: vetter-%s", vt_version());
	assert_true(has_string(json_object_get(ci, "creators"), creator));

	json_t *pk = json_object_get(j, "packages");
	assert_int_equal(json_array_size(pk), NCOMP + 1);
	json_t *art = json_array_get(pk, 0);
	assert_string_equal(str(art, "name"), "tree");
	const char *art_id = str(art, "SPDXID");
	json_t *z = find_by(pk, "name", "zlib");
	assert_string_equal(str(z, "versionInfo"), "1.2.13");
	assert_string_equal(str(z, "downloadLocation"), "NOASSERTION");
	assert_false(json_is_true(json_object_get(z, "filesAnalyzed")));
	assert_string_equal(str(z, "primaryPackagePurpose"), "LIBRARY");
	char hex[65];
	sha256_file("lib/libz.so.1", hex);
	json_t *ck = json_array_get(json_object_get(z, "checksums"), 0);
	assert_string_equal(str(ck, "algorithm"), "SHA256");
	assert_string_equal(str(ck, "checksumValue"), hex);
	json_t *refs = json_object_get(z, "externalRefs");
	json_t *purl = find_by(refs, "referenceType", "purl");
	assert_string_equal(str(purl, "referenceCategory"), "PACKAGE-MANAGER");
	assert_string_equal(str(purl, "referenceLocator"), "pkg:generic/zlib@1.2.13");
	json_t *cpe = find_by(refs, "referenceType", "cpe23Type");
	assert_string_equal(str(cpe, "referenceCategory"), "SECURITY");
	assert_string_equal(str(cpe, "referenceLocator"),
			    "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*");
	/* identifiers: unique, only [A-Za-z0-9.-] after the prefix */
	size_t i;
	json_t *p;
	json_array_foreach(pk, i, p)
	{
		const char *id = str(p, "SPDXID");
		assert_non_null(id);
		assert_memory_equal(id, "SPDXRef-", 8);
		static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789.-";
		assert_int_equal(strspn(id + 8, ok), strlen(id + 8));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(str(json_array_get(pk, k), "SPDXID"), id);
	}
	const char *gz_id = str(find_by(pk, "name", "gzip"), "SPDXID");
	const char *z_id = str(z, "SPDXID");
	const char *tc_id = str(find_by(pk, "name", "LibTomCrypt"), "SPDXID");
	json_t *rels = json_object_get(j, "relationships");
	size_t describes = 0, contains = 0, gz_z = 0, gz_tc = 0;
	json_array_foreach(rels, i, p)
	{
		const char *from = str(p, "spdxElementId"), *t = str(p, "relationshipType");
		const char *to = str(p, "relatedSpdxElement");
		if (!strcmp(t, "DESCRIBES") && !strcmp(from, "SPDXRef-DOCUMENT") &&
		    !strcmp(to, art_id))
			describes++;
		if (!strcmp(t, "CONTAINS") && !strcmp(from, art_id))
			contains++;
		if (!strcmp(t, "DEPENDS_ON") && !strcmp(from, gz_id) && !strcmp(to, z_id))
			gz_z++;
		if (!strcmp(t, "CONTAINS") && !strcmp(from, gz_id) && !strcmp(to, tc_id))
			gz_tc++;
	}
	assert_int_equal(describes, 1);
	assert_int_equal(contains, NCOMP);
	assert_int_equal(gz_z, 1);
	assert_int_equal(gz_tc, 1);
	assert_int_equal(json_array_size(rels), 1 + NCOMP + 2);
	/* the vulnerability no VEX statement suppresses is an advisory of OpenSSL */
	json_t *sr = json_object_get(find_by(pk, "name", "OpenSSL"), "externalRefs");
	json_t *adv = find_by(sr, "referenceType", "advisory");
	assert_string_equal(str(adv, "referenceLocator"),
			    "https://nvd.nist.gov/vuln/detail/CVE-2023-0286");
	assert_string_equal(str(adv, "referenceCategory"), "SECURITY");
	assert_int_equal(json_array_size(sr), 3);
	json_decref(j);
	vt_review_free(r);
}

static void test_extension_lookup(void **state)
{
	(void)state;
	assert_string_equal(vt_report_for_path("out.cdx.json")->name, "cyclonedx");
	assert_string_equal(vt_report_for_path("out.spdx.json")->name, "spdx");
	assert_string_equal(vt_report_for_path("out.json")->name, "json");
	assert_string_equal(vt_report_find("cyclonedx")->extension, ".cdx.json");
	assert_string_equal(vt_report_find("spdx")->extension, ".spdx.json");
}

/* --- declared SBOM: parsing --- */

static vt_err parse(const char *doc, size_t n, struct vt_arena *a, struct vti_declared_list *l)
{
	char why[256];
	vt_err e = vti_declared_parse(vt_span_make(doc, n), a, l, why, sizeof(why));
	if (e == VT_EFORMAT && !why[0])
		fail_msg("no reason given for a malformed document");
	return e;
}

static const char cdx_doc[] =
	"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,"
	"\"metadata\":{\"component\":{\"type\":\"firmware\",\"name\":\"AR-1000\"}},"
	"\"components\":["
	"{\"type\":\"application\",\"name\":\"busybox\",\"version\":\"1.36.1\"},"
	"{\"type\":\"application\",\"name\":\"dropbear-bin\",\"version\":\"2022.83-1+deb12u3\","
	"\"purl\":\"pkg:generic/dropbear@2022.83\",\"components\":["
	"{\"type\":\"library\",\"name\":\"zlib\",\"version\":\"1.2.13\"}]},"
	"{\"type\":\"library\",\"name\":\"OpenSSL libraries\",\"version\":\"3.0.20\","
	"\"cpe\":\"cpe:2.3:a:openssl:openssl:3.0.20:*:*:*:*:*:*:*\"},"
	"{\"type\":\"library\",\"name\":\"libc6\",\"version\":\"2.36-9+deb12u14\"},"
	"{\"type\":\"library\",\"name\":42,\"version\":[1]},"
	"\"not an object\"]}";

static const char spdx_doc[] =
	"{\"spdxVersion\":\"SPDX-2.3\",\"dataLicense\":\"CC0-1.0\",\"SPDXID\":\"SPDXRef-DOCUMENT\","
	"\"name\":\"ar-1000\",\"packages\":["
	"{\"SPDXID\":\"SPDXRef-fw\",\"name\":\"AR-1000 firmware\",\"versionInfo\":\"1.0\"},"
	"{\"SPDXID\":\"SPDXRef-bb\",\"name\":\"BusyBox\",\"versionInfo\":\"1.36.1\"},"
	"{\"SPDXID\":\"SPDXRef-db\",\"name\":\"something\",\"versionInfo\":\"NOASSERTION\","
	"\"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\","
	"\"referenceLocator\":\"pkg:generic/dropbear@2022.83\"}]},"
	"{\"SPDXID\":\"SPDXRef-ssl\",\"name\":\"libssl3\",\"versionInfo\":\"3.0.20\","
	"\"externalRefs\":[{\"referenceCategory\":\"SECURITY\",\"referenceType\":\"cpe23Type\","
	"\"referenceLocator\":\"cpe:2.3:a:openssl:openssl:3.0.20:*:*:*:*:*:*:*\"}]},"
	"{\"SPDXID\":\"SPDXRef-libc\",\"name\":\"libc6-armhf-cross\",\"versionInfo\":\"1:2.36-9\"},"
	"{\"SPDXID\":\"SPDXRef-z\",\"name\":\"zlib\",\"versionInfo\":\"1.2.13\"}],"
	"\"relationships\":[{\"spdxElementId\":\"SPDXRef-DOCUMENT\",\"relationshipType\":"
	"\"DESCRIBES\",\"relatedSpdxElement\":\"SPDXRef-fw\"}]}";

static void test_declared_parse(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_declared_list l;
	char why[256];
	assert_int_equal(vti_declared_parse(vt_span_make(cdx_doc, strlen(cdx_doc)), a, &l, why,
					    sizeof(why)),
			 VT_OK);
	assert_string_equal(l.format, "CycloneDX");
	assert_int_equal(l.n, 5); /* the artifact is not a component; nested ones are */
	assert_int_equal(l.skipped, 2);
	assert_string_equal(l.v[0].name, "busybox");
	assert_string_equal(l.v[0].version, "1.36.1");
	assert_string_equal(l.v[1].purl, "pkg:generic/dropbear@2022.83");
	assert_string_equal(l.v[2].name, "zlib");
	assert_string_equal(l.v[3].cpe, "cpe:2.3:a:openssl:openssl:3.0.20:*:*:*:*:*:*:*");

	assert_int_equal(vti_declared_parse(vt_span_make(spdx_doc, strlen(spdx_doc)), a, &l, why,
					    sizeof(why)),
			 VT_OK);
	assert_string_equal(l.format, "SPDX");
	assert_int_equal(l.n, 5); /* the described package is the artifact */
	assert_string_equal(l.v[0].name, "BusyBox");
	assert_null(l.v[1].version); /* NOASSERTION */
	assert_string_equal(l.v[1].purl, "pkg:generic/dropbear@2022.83");
	assert_string_equal(l.v[2].ref, "SPDXRef-ssl");

	/* not an SBOM, not JSON, wrong root types */
	const char *bad[] = {"",
			     "{",
			     "[]",
			     "42",
			     "{\"bomFormat\":\"SPDX\"}",
			     "{\"spdxVersion\":3}",
			     "{\"bomFormat\":\"CycloneDX\",\"bomFormat\":\"CycloneDX\"}",
			     "\xff\xfe"};
	for (size_t i = 0; i < VT_ARRAY_LEN(bad); i++) {
		assert_int_equal(parse(bad[i], strlen(bad[i]), a, &l), VT_EFORMAT);
	}
	/* wrong member types are skipped, never trusted */
	const char *odd = "{\"bomFormat\":\"CycloneDX\",\"components\":{\"name\":\"x\"}}";
	assert_int_equal(parse(odd, strlen(odd), a, &l), VT_OK);
	assert_int_equal(l.n, 0);
	const char *odd2 = "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"name\":\"a\","
			   "\"externalRefs\":[1,{\"referenceType\":\"purl\"},{\"referenceType\":"
			   "\"purl\",\"referenceLocator\":7}]},null]}";
	assert_int_equal(vti_declared_parse(vt_span_make(odd2, strlen(odd2)), a, &l, why,
					    sizeof(why)),
			 VT_OK);
	assert_int_equal(l.n, 1);
	assert_null(l.v[0].purl);
	vt_arena_free(a);
}

/* Every truncation and many corruptions of both documents parse or fail cleanly. */
static void test_declared_damage(void **state)
{
	(void)state;
	const char *docs[] = {cdx_doc, spdx_doc};
	for (size_t d = 0; d < 2; d++) {
		size_t n = strlen(docs[d]);
		char *copy = malloc(n);
		assert_non_null(copy);
		for (size_t cut = 0; cut < n; cut++) {
			struct vt_arena *a = vt_arena_new();
			struct vti_declared_list l;
			memcpy(copy, docs[d], cut);
			vt_err e = parse(copy, cut, a, &l);
			assert_int_equal(e, VT_EFORMAT); /* a cut JSON document never parses */
			vt_arena_free(a);
		}
		uint32_t x = 12345;
		for (size_t k = 0; k < 2000; k++) {
			memcpy(copy, docs[d], n);
			for (int m = 0; m < 3; m++) {
				x = x * 1103515245u + 12345u;
				copy[(x >> 8) % n] = (char)(x >> 20);
			}
			struct vt_arena *a = vt_arena_new();
			struct vti_declared_list l;
			vt_err e = parse(copy, n, a, &l);
			assert_true(e == VT_OK || e == VT_EFORMAT);
			for (size_t i = 0; e == VT_OK && i < l.n; i++)
				assert_true(l.v[i].name || l.v[i].purl);
			vt_arena_free(a);
		}
		free(copy);
	}
}

static void test_declared_load_limits(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	struct vti_declared_list l;
	char why[256], path[512];
	assert_int_equal(vti_declared_load("/nonexistent/sbom.json", a, &l, why, sizeof(why)),
			 VT_ENOTFOUND);
	assert_int_equal(vti_declared_load("/tmp", a, &l, why, sizeof(why)), VT_ENOTSUP);
	snprintf(path, sizeof(path), "%s/big.cdx.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)VTI_DECLARED_MAX_BYTES + 1), 0);
	fclose(f);
	assert_int_equal(vti_declared_load(path, a, &l, why, sizeof(why)), VT_ELIMIT);
	unlink(path);
	vt_arena_free(a);
}

static void test_purl_cpe_version(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	const char *t, *n, *v, *ve, *pr;
	assert_true(vti_purl_split("pkg:deb/debian/busybox-static@1%3A1.35.0-4?arch=armhf", a, &t,
				   &n, &v));
	assert_string_equal(t, "deb");
	assert_string_equal(n, "busybox-static");
	assert_string_equal(v, "1:1.35.0-4");
	assert_true(vti_purl_split("pkg:NPM/%40angular/core", a, &t, &n, &v));
	assert_string_equal(t, "npm");
	assert_string_equal(n, "core");
	assert_null(v);
	assert_false(vti_purl_split("pkg:generic", a, &t, &n, &v));
	assert_false(vti_purl_split("http://x/y", a, &t, &n, &v));
	assert_false(vti_purl_split("pkg:generic/", a, &t, &n, &v));

	const char *bb = "cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*";
	assert_true(vti_cpe_split(bb, a, &ve, &pr, &v));
	assert_string_equal(ve, "busybox");
	assert_string_equal(pr, "busybox");
	assert_string_equal(v, "1.35.0");
	assert_true(vti_cpe_split("cpe:2.3:a:vendor\\:x:prod:1", a, &ve, &pr, &v));
	assert_string_equal(ve, "vendor:x");
	assert_true(vti_cpe_split("cpe:/a:openssl:openssl:3.0.2", a, &ve, &pr, &v));
	assert_string_equal(pr, "openssl");
	assert_string_equal(v, "3.0.2");
	assert_false(vti_cpe_split("cpe:2.3:a", a, &ve, &pr, &v));
	assert_false(vti_cpe_split("cpe:2.3:a::", a, &ve, &pr, &v));
	assert_false(vti_cpe_split("busybox", a, &ve, &pr, &v));

	char b[64];
	assert_string_equal(vti_declared_norm("Linux kernel", b, sizeof(b)), "linuxkernel");
	assert_string_equal(vti_declared_norm("linux_kernel", b, sizeof(b)), "linuxkernel");
	assert_string_equal(vti_declared_norm("libJansson", b, sizeof(b)), "jansson");
	assert_string_equal(vti_declared_norm("lib", b, sizeof(b)), "lib");

	/* Debian's own versions of the packages in the sample product */
	assert_true(vti_declared_version_eq("1:1.35.0-4+deb12u1+b1", "1.35.0", NULL));
	assert_true(vti_declared_version_eq("1:1.2.13.dfsg-1", "1.2.13", NULL));
	assert_true(vti_declared_version_eq("2022.83-1+deb12u3", "2022.83", NULL));
	assert_true(vti_declared_version_eq("v3.0.20", "3.0.20", NULL));
	assert_true(vti_declared_version_eq("1:9.2p1-2+deb12u3", "9.2", "p1"));
	assert_true(vti_declared_version_eq("9.2", "9.2", "p1"));
	assert_false(vti_declared_version_eq("9.3p1", "9.2", "p1"));
	assert_false(vti_declared_version_eq("9.2p2", "9.2", "p1"));
	assert_false(vti_declared_version_eq("1.36.1", "1.35.0", NULL));
	assert_false(vti_declared_version_eq("1.2.13", "1.2", NULL));
	assert_false(vti_declared_version_eq("2.9", "2.90", NULL));
	assert_true(vti_declared_version_eq(NULL, "2.90", NULL));
	assert_true(vti_declared_version_eq("2.90", NULL, NULL));
	vt_arena_free(a);
}

/* --- declared SBOM: comparison --- */

/* Found: busybox 1.35.0, dnsmasq 2.90, dropbear 2022.83, openssl 3.0.20, glibc 2.36. */
struct found_set {
	struct vt_component c[5];
	struct vt_evidence ev[5];
	struct vt_occurrence occ[5];
	const char *pairs[5][1];
};

static void found_set(struct found_set *s, const struct vt_review *r)
{
	memset(s, 0, sizeof(*s));
	static const char *const spec[5][5] = {
		/* product, name, version, cpe pair, file */
		{"busybox", "BusyBox", "1.35.0", "busybox:busybox", "bin/gzip"},
		{"dnsmasq", "Dnsmasq", "2.90", "thekelleys:dnsmasq", "lib/libjansson.so.4"},
		{"dropbear", "Dropbear SSH", "2022.83", "dropbear_ssh_project:dropbear_ssh",
		 "lib/libz.so.1"},
		{"openssl", "OpenSSL", "3.0.20", "openssl:openssl", "lib/libssl.so.3"},
		{"glibc", "GNU C Library", "2.36", "gnu:glibc", "lib/libcrypto.so.3"},
	};
	for (size_t i = 0; i < 5; i++) {
		s->ev[i] = (struct vt_evidence){.kind = VT_EV_STRING, .product = spec[i][0],
						.version = spec[i][2], .confidence = 90};
		s->occ[i] = (struct vt_occurrence){object(r, spec[i][4]), &s->ev[i]};
		assert_non_null(s->occ[i].object);
		s->pairs[i][0] = spec[i][3];
		char *purl = vt_arena_printf(r->arena, "pkg:generic/%s@%s", spec[i][0], spec[i][2]);
		s->c[i] = (struct vt_component){
			.index = i, .product = spec[i][0], .name = spec[i][1],
			.version = spec[i][2], .part = "a", .cpe_pairs = s->pairs[i],
			.n_cpe_pairs = 1, .purl = purl, .confidence = 90, .in_catalogue = true,
			.occ = &s->occ[i], .n_occ = 1};
	}
}

static size_t collect(struct vt_review *r, const struct vt_finding **out, size_t max)
{
	size_t n = 0;
	for (const struct vt_finding *f = r->rfindings; f && n < max; f = f->next)
		out[n++] = f;
	for (size_t i = 0; i < r->n_objects; i++)
		for (const struct vt_finding *f = r->objects[i]->findings; f && n < max;
		     f = f->next)
			out[n++] = f;
	return n;
}

static void expect_three(struct vt_review *r, const struct found_set *s)
{
	const struct vt_finding *f[16];
	size_t n = collect(r, f, 16);
	assert_int_equal(n, 3);
	bool s1 = false, s2 = false, s3 = false;
	for (size_t i = 0; i < n; i++) {
		const char *id = f[i]->rule->id;
		if (!strcmp(id, "VT-SBOM-001")) {
			s1 = true;
			assert_ptr_equal(f[i]->object, s->occ[1].object); /* dnsmasq's file */
			assert_non_null(strstr(f[i]->message, "Dnsmasq"));
			assert_non_null(strstr(f[i]->message, "2.90"));
			assert_string_equal(f[i]->rule->category, "components");
		} else if (!strcmp(id, "VT-SBOM-002")) {
			s2 = true;
			assert_ptr_equal(f[i]->object, s->occ[0].object); /* busybox's file */
			assert_non_null(strstr(f[i]->message, "1.36.1"));
			assert_non_null(strstr(f[i]->message, "1.35.0"));
		} else if (!strcmp(id, "VT-SBOM-003")) {
			s3 = true;
			assert_null(f[i]->object);
			assert_non_null(strstr(f[i]->message, "zlib"));
		}
	}
	assert_true(s1 && s2 && s3);
}

static void compare_file(const char *name, const char *content)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(content, fp) >= 0, 1);
	fclose(fp);
	struct vt_review *r = review(path);
	assert_non_null(r);
	struct found_set s;
	found_set(&s, r);
	struct vt_arena *a = vt_arena_new();
	struct vti_declared_list l;
	char why[256];
	assert_int_equal(vti_declared_load(path, a, &l, why, sizeof(why)), VT_OK);
	assert_int_equal(vti_declared_compare_with(r, &l, s.c, 5), VT_OK);
	expect_three(r, &s);
	vt_arena_free(a);
	vt_review_free(r);
}

/* Each document omits dnsmasq, misstates BusyBox's version and declares zlib, which is not
 * there; dropbear is matched by purl, OpenSSL by CPE, glibc by a catalogue package name. */
static void test_compare_cyclonedx(void **state)
{
	(void)state;
	compare_file("declared.cdx.json", cdx_doc);
}

static void test_compare_spdx(void **state)
{
	(void)state;
	compare_file("declared.spdx.json", spdx_doc);
}

static void test_compare_versions_pairing(void **state)
{
	(void)state;
	struct vt_review *r = review(NULL);
	assert_non_null(r);
	struct found_set s;
	found_set(&s, r);
	/* two BusyBox versions found; the declared one pairs with the same version */
	s.c[1] = s.c[0];
	s.c[1].version = "1.36.1";
	s.c[1].occ = &s.occ[1];
	s.c[1].index = 1;
	const char *doc = "{\"bomFormat\":\"CycloneDX\",\"components\":["
			  "{\"name\":\"busybox\",\"version\":\"1.36.1\"},"
			  "{\"name\":\"BusyBox\",\"version\":\"1.36.1\"},"
			  "{\"name\":\"busybox\",\"version\":\"1.20.0\"}]}";
	struct vt_arena *a = vt_arena_new();
	struct vti_declared_list l;
	char why[256];
	assert_int_equal(vti_declared_parse(vt_span_make(doc, strlen(doc)), a, &l, why,
					    sizeof(why)),
			 VT_OK);
	assert_int_equal(vti_declared_compare_with(r, &l, s.c, 2), VT_OK);
	const struct vt_finding *f[8];
	size_t n = collect(r, f, 8);
	/* busybox 1.35.0 pairs with the declared 1.20.0 (a mismatch); the repeated 1.36.1 entry
	 * is a duplicate, not an absence */
	assert_int_equal(n, 1);
	assert_string_equal(f[0]->rule->id, "VT-SBOM-002");
	assert_non_null(strstr(f[0]->message, "1.20.0"));
	vt_arena_free(a);
	vt_review_free(r);
}

static void test_compare_phase_diagnostic(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/broken.cdx.json", dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\"bomFormat\":\"CycloneDX\",\"components\":[", fp);
	fclose(fp);
	struct vt_review *r = review(path);
	assert_non_null(r);
	assert_int_equal(vti_declared_compare(r), VT_OK);
	const struct vt_diag *d = vt_review_diags(r);
	bool seen = false;
	for (; d; d = d->next)
		seen = seen || (strstr(d->message, "declared SBOM") && d->severity == VT_SEV_ERROR);
	assert_true(seen);
	vt_review_free(r);
}

static void test_rules_listed(void **state)
{
	(void)state;
	size_t found = 0;
	for (const struct vt_rule *const *r = vt_rules(); *r; r++)
		if (!strncmp((*r)->id, "VT-SBOM-00", 10)) {
			found++;
			assert_string_equal((*r)->category, "components");
		}
	assert_int_equal(found, 3);
}

static int write_out(const char *out)
{
	struct vt_review *r = review(NULL);
	if (!r)
		return 1;
	struct comps s;
	build(&s, r);
	int rc = 0;
	const char *names[2] = {"hand.cdx.json", "hand.spdx.json"};
	for (int k = 0; k < 2; k++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", out, names[k]);
		FILE *f = fopen(path, "w");
		if (!f)
			return 1;
		vt_err e = k ? vti_spdx_write(r, s.c, NCOMP, f)
			     : vti_cyclonedx_write(r, s.c, NCOMP, f);
		if (e || fclose(f))
			rc = 1;
	}
	vt_review_free(r);
	return rc;
}

int main(int argc, char **argv)
{
	if (make_fixture()) {
		remove_fixture();
		return 1;
	}
	int rc;
	if (argc == 3 && !strcmp(argv[1], "--write")) {
		rc = write_out(argv[2]);
	} else {
		const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_cyclonedx),
			cmocka_unit_test(test_spdx),
			cmocka_unit_test(test_extension_lookup),
			cmocka_unit_test(test_declared_parse),
			cmocka_unit_test(test_declared_damage),
			cmocka_unit_test(test_declared_load_limits),
			cmocka_unit_test(test_purl_cpe_version),
			cmocka_unit_test(test_compare_cyclonedx),
			cmocka_unit_test(test_compare_spdx),
			cmocka_unit_test(test_compare_versions_pairing),
			cmocka_unit_test(test_compare_phase_diagnostic),
			cmocka_unit_test(test_rules_listed),
		};
		rc = cmocka_run_group_tests_name("sbom", tests, NULL, NULL);
	}
	remove_fixture();
	return rc;
}
