/* test_catalog.c - unit tests of component identification: upstream versions, CPE escaping,
 * catalogue loading and its diagnostics, matching (including the false positives it must
 * not report), package database parsing and the merging of evidence into components.
 *
 * usage: test_catalog FIXTURES (the directory tests/catalog/fixtures, whose catalog/ holds the test entries)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/internal.h"

#include "analyzers/analyzer.h"
#include "catalog/catalog.h"
#include "catalog/pkgdb.h"
#include "review/review_int.h"

static const char *fixtures;

/* ---- upstream versions ---- */

static void check_up(enum vti_ver_kind k, const char *raw, const char *want)
{
	char out[128];
	size_t n = vti_upstream_version(k, raw, strlen(raw), out, sizeof(out));
	if (!want) {
		assert_int_equal(n, 0);
		return;
	}
	if (strcmp(out, want))
		fail_msg("'%s' gave '%s', want '%s'", raw, out, want);
	assert_int_equal(n, strlen(want));
}

static void test_upstream(void **state)
{
	(void)state;
	/* Debian versions of the sample product's packages (expected-components.tsv) */
	check_up(VTI_VER_DEB, "1:1.35.0-4+deb12u1+b1", "1.35.0");
	check_up(VTI_VER_DEB, "2.90-4~deb12u2", "2.90");
	check_up(VTI_VER_DEB, "2022.83-1+deb12u3", "2022.83");
	check_up(VTI_VER_DEB, "2.36-9+deb12u14", "2.36");
	check_up(VTI_VER_DEB, "2:6.2.1+dfsg1-1.1", "6.2.1");
	check_up(VTI_VER_DEB, "1:1.2.13.dfsg-1", "1.2.13");
	check_up(VTI_VER_DEB, "1.5.4+dfsg2-5", "1.5.4");
	check_up(VTI_VER_DEB, "3.0.20-1~deb12u2", "3.0.20");
	check_up(VTI_VER_DEB, "1.0-2", "1.0");
	check_up(VTI_VER_DEB, "252.39-1~deb12u2", "252.39");
	check_up(VTI_VER_DEB, "1:9.2p1-2+deb12u10", "9.2p1");
	check_up(VTI_VER_DEB, "2023.01+dfsg-2+deb12u3", "2023.01");
	check_up(VTI_VER_DEB, "1.4", "1.4");            /* native package */
	check_up(VTI_VER_DEB, "2.0+really1.9-1", "1.9");
	check_up(VTI_VER_DEB, "1.2.3~rc1-1", "1.2.3");
	check_up(VTI_VER_DEB, "", NULL);
	check_up(VTI_VER_DEB, "1:", NULL);
	/* opkg (OpenWrt) and apk (Alpine) */
	check_up(VTI_VER_OPKG, "1.35.0-3", "1.35.0");
	check_up(VTI_VER_OPKG, "2022.82-6", "2022.82");
	check_up(VTI_VER_APK, "1.36.1-r2", "1.36.1");
	check_up(VTI_VER_APK, "3.1.4-r5", "3.1.4");
	check_up(VTI_VER_APK, "2.4.57-r0", "2.4.57");
	check_up(VTI_VER_APK, "1.2.3", "1.2.3");
	check_up(VTI_VER_APK, "1.2-rc1", "1.2-rc1");
	/* strings found in binaries */
	check_up(VTI_VER_STRING, "9.2p1 Debian-2+deb12u10", "9.2p1");
	check_up(VTI_VER_STRING, "2023.01+dfsg-2+deb12u3", "2023.01");
	check_up(VTI_VER_STRING, "1.35.0-4+deb12u1", "1.35.0");
	check_up(VTI_VER_STRING, "2.36-9+deb12u14", "2.36");
	check_up(VTI_VER_STRING, "1.2.13", "1.2.13");
	check_up(VTI_VER_STRING, "1.1.1w", "1.1.1w");
	check_up(VTI_VER_STRING, "2.0-beta1", "2.0-beta1"); /* an upstream pre-release stays */
	check_up(VTI_VER_STRING, "5.4.1-1ubuntu3", "5.4.1");
	check_up(VTI_VER_STRING, "1.0~deb12u1", "1.0");
	check_up(VTI_VER_STRING, "  3.0.2  ", "3.0.2");
	check_up(VTI_VER_STRING, "beta", NULL);
	/* bounded output */
	char small[4];
	assert_int_equal(vti_upstream_version(VTI_VER_STRING, "1.2.3.4", 7, small, sizeof(small)),
			 3);
	assert_string_equal(small, "1.2");
}

static void test_cpe_escape(void **state)
{
	(void)state;
	char out[64];
	assert_true(vti_cpe_escape("1.0.2k", out, sizeof(out)));
	assert_string_equal(out, "1.0.2k");
	assert_true(vti_cpe_escape("1.0:beta", out, sizeof(out)));
	assert_string_equal(out, "1.0\\:beta");
	assert_true(vti_cpe_escape("2.4+git*", out, sizeof(out)));
	assert_string_equal(out, "2.4\\+git\\*");
	assert_true(vti_cpe_escape("", out, sizeof(out)));
	assert_string_equal(out, "-");
	assert_false(vti_cpe_escape("1234567890", out, 5));
}

/* ---- loading ---- */

struct diags {
	char msgs[32][512];
	size_t n;
};

static void collect(void *ud, const char *msg)
{
	struct diags *d = ud;
	if (d->n < 32)
		snprintf(d->msgs[d->n++], sizeof(d->msgs[0]), "%s", msg);
}

static bool has_diag(const struct diags *d, const char *a, const char *b)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], a) && (!b || strstr(d->msgs[i], b)))
			return true;
	return false;
}

static struct vti_catalog *load_str(const char *text, struct diags *d)
{
	struct vti_catalog *c = NULL;
	memset(d, 0, sizeof(*d));
	assert_int_equal(vti_catalog_load_mem("t.yaml", text, strlen(text), collect, d, &c), VT_OK);
	assert_non_null(c);
	return c;
}

static void test_load_errors(void **state)
{
	(void)state;
	struct diags d;
	/* several documents: the good ones load, each bad one is reported with its line */
	const char *text = "product: good\n"                          /* 1 */
			   "name: Good\n"                              /* 2 */
			   "cpe: [good:good]\n"                        /* 3 */
			   "versions:\n"                               /* 4 */
			   "  - re: 'Good v([0-9.]+)'\n"               /* 5 */
			   "  - re: '([0-9]+\\.[0-9]+)'\n"             /* 6: bare version */
			   "  - re: 'Good (unclosed'\n"                /* 7: bad regex */
			   "  - re: 'Good version'\n"                  /* 8: no capture */
			   "  - re: 'Good x([0-9.]+)'\n"               /* 9 */
			   "    where: somewhere\n"                    /* 10: bad where */
			   "  - re: 'Good y([0-9.]+)'\n"               /* 11 */
			   "    frobnicate: 1\n"                       /* 12: unknown key */
			   "---\n"                                     /* 13 */
			   "name: No key\n"                            /* 14 */
			   "cpe: [a:b]\n"                              /* 15 */
			   "---\n"                                     /* 16 */
			   "product: nocpe\n"                          /* 17 */
			   "name: No CPE\n"                            /* 18 */
			   "---\n"                                     /* 19 */
			   "product: badcpe\n"                         /* 20 */
			   "name: Bad CPE\n"                           /* 21 */
			   "cpe: [justone]\n"                          /* 22 */
			   "---\n"                                     /* 23 */
			   "product: good\n"                           /* 24: duplicate */
			   "name: Again\n"                             /* 25 */
			   "cpe: [good:good]\n"                        /* 26 */
			   "---\n"                                     /* 27 */
			   "product: second\n"                         /* 28 */
			   "name: Second\n"                            /* 29 */
			   "cpe: [second:second]\n"                    /* 30 */
			   "packages: [second-bin, good]\n"            /* 31 */
			   "part: x\n";                                /* 32: bad part */
	struct vti_catalog *c = load_str(text, &d);
	const struct vti_cat_product *g = vti_catalog_product(c, "good");
	assert_non_null(g);
	assert_string_equal(g->name, "Good");
	assert_int_equal(g->n_rules, 2); /* lines 5 and 11 (its unknown key is ignored) */
	assert_string_equal(g->rules[0].re, "Good v([0-9.]+)");
	assert_true(has_diag(&d, "t.yaml:6:", "matches"));
	assert_true(has_diag(&d, "t.yaml:7:", "bad regex"));
	assert_true(has_diag(&d, "t.yaml:8:", "captures no version"));
	assert_true(has_diag(&d, "t.yaml:10:", "'where'"));
	assert_true(has_diag(&d, "t.yaml:12:", "unknown key 'frobnicate'"));
	assert_true(has_diag(&d, "t.yaml:14:", "valid 'product'"));
	assert_true(has_diag(&d, "t.yaml:17:", "without a 'cpe'"));
	assert_true(has_diag(&d, "t.yaml:22:", "bad CPE pair"));
	assert_true(has_diag(&d, "t.yaml:24:", "defined twice"));
	assert_true(has_diag(&d, "t.yaml:32:", "'part'"));
	assert_null(vti_catalog_product(c, "nocpe"));
	assert_null(vti_catalog_product(c, "badcpe"));
	assert_null(vti_catalog_product(c, "second")); /* its part is bad */
	assert_int_equal(c->n_products, 1);
	vti_catalog_free(c);

	/* YAML syntax error: reported with its line, nothing loads, no crash */
	c = load_str("product: x\nname: [unclosed\n", &d);
	assert_int_equal(c->n_products, 0);
	assert_true(has_diag(&d, "t.yaml:", "YAML error"));
	vti_catalog_free(c);

	/* an empty document and a scalar document */
	c = load_str("", &d);
	assert_int_equal(c->n_products, 0);
	vti_catalog_free(c);
	c = load_str("just a string\n", &d);
	assert_int_equal(c->n_products, 0);
	assert_true(has_diag(&d, "t.yaml:1:", "mapping"));
	vti_catalog_free(c);
}

static void test_load_fixtures(void **state)
{
	(void)state;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/catalog", fixtures);
	struct diags d = {0};
	struct vti_catalog *c = NULL;
	assert_int_equal(vti_catalog_load(dir, collect, &d, &c), VT_OK);
	for (size_t i = 0; i < d.n; i++)
		print_message("diag: %s\n", d.msgs[i]);
	assert_int_equal(d.n, 0);
	assert_non_null(vti_catalog_product(c, "busybox"));
	assert_ptr_equal(vti_catalog_package(c, "libssl3"), vti_catalog_product(c, "openssl"));
	assert_ptr_equal(vti_catalog_package(c, "busybox-static"),
			 vti_catalog_product(c, "busybox"));
	assert_null(vti_catalog_package(c, "no-such-package"));
	vti_catalog_free(c);
	/* a directory that does not exist: an empty catalogue */
	assert_int_equal(vti_catalog_load("/nonexistent/dir", collect, &d, &c), VT_OK);
	assert_int_equal(c->n_products, 0);
	vti_catalog_free(c);
}

/* ---- matching ---- */

struct found {
	char what[16][96]; /* "product version" */
	size_t n;
	char update[32];
};

static void on_found(void *ud, const struct vti_cat_match *m)
{
	struct found *f = ud;
	char ver[64];
	if (!vti_upstream_version(VTI_VER_STRING, m->version, m->version_len, ver, sizeof(ver)))
		return;
	if (f->n < 16)
		snprintf(f->what[f->n++], sizeof(f->what[0]), "%s %s", m->rule->product->key, ver);
	if (m->update)
		snprintf(f->update, sizeof(f->update), "%.*s", (int)m->update_len, m->update);
}

static struct vti_catalog *fixture_catalog(void)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/catalog", fixtures);
	struct vti_catalog *c = NULL;
	assert_int_equal(vti_catalog_load(dir, NULL, NULL, &c), VT_OK);
	return c;
}

static void match_bytes(const struct vti_catalog *c, const void *p, size_t n, bool elf,
			struct found *f)
{
	struct vti_cat_scratch *s = NULL;
	memset(f, 0, sizeof(*f));
	assert_int_equal(vti_catalog_scratch_new(c, &s), VT_OK);
	assert_int_equal(vti_catalog_match(c, s, vt_span_make(p, n), elf, false, NULL, on_found, f),
			 VT_OK);
	vti_catalog_scratch_free(s);
}

#define MATCH(c, lit, f) match_bytes((c), (lit), sizeof(lit) - 1, true, (f))

static void test_match_true(void **state)
{
	(void)state;
	struct vti_catalog *c = fixture_catalog();
	struct found f;
	MATCH(c, "\x7f" "ELF\0\0BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1)\0x", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "busybox 1.35.0");
	MATCH(c, "junk\0OpenSSL 1.1.1w  11 Sep 2023\0more", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "openssl 1.1.1w");
	/* an anchored rule ('^dnsmasq-...$') matches a whole string, not a part of one */
	MATCH(c, "\0dnsmasq-2.90\0", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "dnsmasq 2.90");
	MATCH(c, "\0xdnsmasq-2.90\0dnsmasq-2.91 is old\0", &f);
	assert_int_equal(f.n, 0);
	/* two versions of one product in one file are both reported, in offset order */
	MATCH(c, " deflate 1.2.11 Copyright 1995\0 deflate 1.2.13 Copyright 1995-2022\0", &f);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.what[0], "zlib 1.2.11");
	assert_string_equal(f.what[1], "zlib 1.2.13");
	/* the same version twice: once */
	MATCH(c, "BusyBox v1.36.1\0BusyBox v1.36.1 (2024)\0", &f);
	assert_int_equal(f.n, 1);
	/* update field */
	MATCH(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\0", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "openssh 9.2p1");
	assert_string_equal(f.update, "p1");
	/* where: elf */
	match_bytes(c, "lighttpd/1.4.69", 15, true, &f);
	assert_int_equal(f.n, 1);
	match_bytes(c, "lighttpd/1.4.69", 15, false, &f);
	assert_int_equal(f.n, 0);
	/* a more confident rule's reading wins in one file (Debian kernel banner) */
	MATCH(c, "Linux version 6.1.0-50-armmp (debian-kernel@lists.debian.org) (gcc-12) "
		 "#1 SMP Debian 6.1.176-1 (2026-07-02)\n\0%s version %s\0"
		 "Linux version 6.1.0-50-armmp (x) # SMP\0",
	      &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "linux_kernel 6.1.176");
	vti_catalog_free(c);
}

static void test_match_false_positives(void **state)
{
	(void)state;
	struct vti_catalog *c = fixture_catalog();
	struct found f;
	/* compiler banners (.comment) name the compiler that built the file */
	MATCH(c, "\0GCC: (Debian 12.2.0-14) 12.2.0\0", &f);
	assert_int_equal(f.n, 0);
	/* ... while the same loose rule does fire on other text (the test can fail) */
	MATCH(c, "\0built by (Debian 12.2.0-14) 12.2.0\0", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "gcc 12.2.0");
	/* a kernel quoting its compiler: the product's `not` pattern */
	MATCH(c, "\0Linux version 6.1.0 (gcc-12 (Debian 12.2.0-14) 12.2.0)\0", &f);
	for (size_t i = 0; i < f.n; i++)
		assert_string_not_equal(f.what[i], "gcc 12.2.0");
	/* bare version strings */
	MATCH(c, "\0001.2.3\0v1.35.0\0version 2022.83\0 3.0.20 7 Apr 2026\0" "2.90\0", &f);
	assert_int_equal(f.n, 0);
	/* another product's name quoted in a binary */
	MATCH(c, "\0compatible with OpenSSL 1.1.1\0requires OpenSSL 3.0 or later\0", &f);
	assert_int_equal(f.n, 0);
	MATCH(c, "\0This build is compatible with OpenSSL 3.0.2 15 Mar 2022\0", &f);
	assert_int_equal(f.n, 0);
	MATCH(c, "\0the BusyBox vi applet\0Dropbear v%s\0lighttpd/%s\0", &f);
	assert_int_equal(f.n, 0);
	vti_catalog_free(c);
}

static void test_match_raw_and_needs(void **state)
{
	(void)state;
	struct diags d;
	struct vti_catalog *c = load_str("product: rawp\n"
					 "name: Raw\n"
					 "cpe: [raw:raw]\n"
					 "versions:\n"
					 "  - re: 'RawLib\\x00+([0-9]+\\.[0-9]+\\.[0-9]+)'\n"
					 "  - re: 'Needy ([0-9]+\\.[0-9]+)'\n"
					 "    needs: ['needy_init', 'needy_(?:free|done)']\n",
					 &d);
	for (size_t i = 0; i < d.n; i++)
		print_message("diag: %s\n", d.msgs[i]);
	assert_int_equal(d.n, 0);
	struct found f;
	MATCH(c, "xx\0RawLib\0\0\0" "4.5.6\0yy", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "rawp 4.5.6");
	MATCH(c, "Needy 2.5\0needy_init\0", &f);
	assert_int_equal(f.n, 0);
	MATCH(c, "needy_done\0Needy 2.5\0needy_init\0", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "rawp 2.5");
	vti_catalog_free(c);
}

/* Hostile data: a megabyte of near-matches costs bounded work and reports each version
 * once. */
static void test_match_hostile(void **state)
{
	(void)state;
	struct vti_catalog *c = fixture_catalog();
	size_t n = 1 << 20;
	char *buf = malloc(n);
	assert_non_null(buf);
	for (size_t i = 0; i + 16 <= n; i += 16)
		memcpy(buf + i, "BusyBox v1.2.3\0\0", 16);
	struct found f;
	match_bytes(c, buf, n, true, &f);
	assert_int_equal(f.n, 1);
	/* no NUL anywhere: one huge printable string */
	memset(buf, 'A', n);
	memcpy(buf + n / 2, "BusyBox v9.9.9", 14);
	match_bytes(c, buf, n, false, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.what[0], "busybox 9.9.9");
	free(buf);
	vti_catalog_free(c);
}

/* ---- package databases ---- */

struct pkgs {
	char rows[16][160];
	size_t n;
};

static void on_pkg(void *ud, const struct vti_pkg *p)
{
	struct pkgs *x = ud;
	if (x->n < 16)
		snprintf(x->rows[x->n++], sizeof(x->rows[0]), "%.*s %.*s %.*s %d", (int)p->name_len,
			 p->name, (int)p->version_len, p->version ? p->version : "",
			 p->source ? (int)p->source_len : 1, p->source ? p->source : "-", p->installed);
}

static void test_pkgdb(void **state)
{
	(void)state;
	/* dpkg status, as dpkg writes it (deb-control(5) fields, Status want/flag/state) */
	static const char dpkg[] =
		"Package: libssl3\n"
		"Status: install ok installed\n"
		"Priority: optional\n"
		"Architecture: armhf\n"
		"Multi-Arch: same\n"
		"Source: openssl\n"
		"Version: 3.0.20-1~deb12u2\n"
		"Depends: libc6 (>= 2.34)\n"
		"Description: Secure Sockets Layer toolkit - shared libraries\n"
		" This package is part of the OpenSSL project's implementation.\n"
		" .\n"
		" Package: not-a-package\n"
		"\n"
		"Package: busybox-static\n"
		"Status: install ok installed\n"
		"Source: busybox (1:1.35.0-4+deb12u1)\n"
		"Version: 1:1.35.0-4+deb12u1+b1\n"
		"\n"
		"Package: removed-pkg\n"
		"Status: deinstall ok config-files\n"
		"Version: 1.0-1\n"
		"\n"
		"Package: half\n"
		"Status: install reinstreq half-installed\n"
		"Version: 2.0-1\n"
		"\n"
		"Package: bad name\n"
		"Status: install ok installed\n"
		"Version: 1.0\n";
	struct pkgs x = {0};
	size_t n = 0;
	assert_int_equal(vti_pkgdb_parse(VTI_PKGDB_DPKG, vt_span_make(dpkg, sizeof(dpkg) - 1),
					 on_pkg, &x, &n),
			 VT_OK);
	assert_int_equal(n, 4);
	assert_string_equal(x.rows[0], "libssl3 3.0.20-1~deb12u2 openssl 1");
	assert_string_equal(x.rows[1], "busybox-static 1:1.35.0-4+deb12u1+b1 busybox 1");
	assert_string_equal(x.rows[2], "removed-pkg 1.0-1 - 0");
	assert_string_equal(x.rows[3], "half 2.0-1 - 1");
	/* every truncation parses without error or reads nothing past the end */
	for (size_t cut = 0; cut < sizeof(dpkg) - 1; cut++) {
		char *copy = malloc(cut + 1);
		assert_non_null(copy);
		memcpy(copy, dpkg, cut);
		struct pkgs y = {0};
		vt_err e = vti_pkgdb_parse(VTI_PKGDB_DPKG, vt_span_make(copy, cut), on_pkg, &y, &n);
		assert_true(e == VT_OK || e == VT_EFORMAT);
		free(copy);
	}
	/* apk installed (apk-tools database: P name, V version, o origin) */
	static const char apk[] = "C:Q1abc=\nP:busybox\nV:1.36.1-r2\nA:x86_64\no:busybox\n\n"
				  "C:Q1def=\nP:libcrypto3\nV:3.1.4-r5\no:openssl\n\n"
				  "P:noversion\n";
	memset(&x, 0, sizeof(x));
	assert_int_equal(vti_pkgdb_parse(VTI_PKGDB_APK, vt_span_make(apk, sizeof(apk) - 1), on_pkg,
					 &x, &n),
			 VT_OK);
	assert_int_equal(n, 3);
	assert_string_equal(x.rows[0], "busybox 1.36.1-r2 busybox 1");
	assert_string_equal(x.rows[1], "libcrypto3 3.1.4-r5 openssl 1");
	assert_string_equal(x.rows[2], "noversion  - 1");
	/* not a database */
	assert_int_equal(vti_pkgdb_parse(VTI_PKGDB_DPKG, vt_span_make("\x7f" "ELF\0", 5), on_pkg,
					 &x, &n),
			 VT_EFORMAT);
	assert_int_equal(vti_pkgdb_parse(VTI_PKGDB_APK, vt_span_make("hello world\n", 12), on_pkg,
					 &x, &n),
			 VT_EFORMAT);
}

/* ---- resolution ---- */

struct world {
	struct vt_review *r;
	struct vti_actx c;
	struct vt_object *root;
};

static void world_new(struct world *w)
{
	struct vt_review_opts o;
	vt_review_opts_init(&o);
	char data[4096];
	snprintf(data, sizeof(data), "%s", fixtures);
	o.data_dir = fixtures;
	w->r = vt_review_new(&o);
	assert_non_null(w->r);
	w->r->nworkers = 1;
	w->r->warenas = calloc(1, sizeof(*w->r->warenas));
	assert_non_null(w->r->warenas);
	w->r->warenas[0] = vt_arena_new();
	assert_non_null(w->r->warenas[0]);
	w->c = (struct vti_actx){w->r, w->r->warenas[0], 0, NULL, NULL};
	w->root = vti_object_new(w->r, w->c.a);
	w->root->kind = VT_OBJ_DIR;
	w->root->path = "root";
	w->root->fspath = "/";
	w->root->fsroot = w->root;
	struct vti_catalog *cat;
	assert_int_equal(vti_catalog_get(w->r, &cat), VT_OK);
}

static void world_free(struct world *w)
{
	vti_catalog_put(w->r, w->r->catalog);
	vt_review_free(w->r);
}

static struct vt_object *file(struct world *w, const char *fspath, const char *soname,
			      const char *needed1, const char *needed2)
{
	struct vt_object *o = vti_object_new(w->r, w->c.a);
	o->kind = VT_OBJ_FILE;
	o->path = vt_arena_printf(w->c.a, "root%s", fspath);
	o->relpath = fspath + 1;
	o->fspath = fspath;
	o->fsroot = w->root;
	o->up = w->root;
	if (soname || needed1) {
		o->elf = vt_arena_calloc(w->c.a, 1, sizeof(*o->elf));
		o->elf->soname = soname;
		o->elf->needed = vt_arena_calloc(w->c.a, 2, sizeof(char *));
		if (needed1)
			o->elf->needed[o->elf->n_needed++] = needed1;
		if (needed2)
			o->elf->needed[o->elf->n_needed++] = needed2;
	}
	return o;
}

static void ev(struct world *w, struct vt_object *o, enum vt_evidence_kind k, const char *product,
	       const char *version, unsigned conf)
{
	struct vt_evidence e = {.kind = k, .product = product, .version = version,
				.raw_version = version, .rule = "test", .confidence = conf};
	assert_non_null(vti_evidence(&w->c, o, &e));
}

static const struct vt_component *comp(struct world *w, const char *product, const char *version,
				       bool contained)
{
	for (size_t i = 0; i < vt_review_component_count(w->r); i++) {
		const struct vt_component *c = vt_review_component(w->r, i);
		if (!strcmp(c->product, product) &&
		    ((!version && !c->version) || (version && c->version && !strcmp(c->version, version))) &&
		    (c->container != NULL) == contained)
			return c;
	}
	return NULL;
}

static void test_resolve(void **state)
{
	(void)state;
	struct world w;
	world_new(&w);
	/* zlib 1.2.13 as a library, zlib 1.2.11 in an old copy, zlib inside a static busybox */
	struct vt_object *libz = file(&w, "/lib/libz.so.1.2.13", "libz.so.1", "libc.so.6", NULL);
	ev(&w, libz, VT_EV_STRING, "zlib", "1.2.13", 90);
	ev(&w, libz, VT_EV_SONAME, "zlib", NULL, 30);
	/* a file name that gives a short form of that version ("libz.so.1.2") joins it */
	struct vt_object *short_name = file(&w, "/lib/libz.so.1.2", NULL, NULL, NULL);
	ev(&w, short_name, VT_EV_FILENAME, "zlib", "1.2", 40);
	struct vt_object *oldz = file(&w, "/opt/app/libz.so.1.2.11", "libz.so.1", NULL, NULL);
	ev(&w, oldz, VT_EV_STRING, "zlib", "1.2.11", 90);
	ev(&w, oldz, VT_EV_SONAME, "zlib", NULL, 30);
	struct vt_object *bb = file(&w, "/bin/busybox", NULL, NULL, NULL);
	bb->elf = vt_arena_calloc(w.c.a, 1, sizeof(*bb->elf));
	ev(&w, bb, VT_EV_STRING, "busybox", "1.35.0", 90);
	ev(&w, bb, VT_EV_FILENAME, "busybox", NULL, 20);
	ev(&w, bb, VT_EV_STRING, "zlib", "1.2.13", 90);
	/* glibc and a program linking it and libz, and quoting OpenSSL's header version while
	 * linking libssl */
	struct vt_object *libc = file(&w, "/lib/libc.so.6", "libc.so.6", NULL, NULL);
	ev(&w, libc, VT_EV_STRING, "glibc", "2.36", 90);
	ev(&w, libc, VT_EV_SONAME, "glibc", NULL, 30);
	struct vt_object *ssl = file(&w, "/usr/lib/libssl.so.3", "libssl.so.3", "libc.so.6", NULL);
	ev(&w, ssl, VT_EV_STRING, "openssl", "3.0.20", 90);
	ev(&w, ssl, VT_EV_SONAME, "openssl", NULL, 30);
	struct vt_object *db = file(&w, "/usr/sbin/dropbear", NULL, "libz.so.1", "libssl.so.3");
	ev(&w, db, VT_EV_STRING, "dropbear", "2022.83", 90);
	ev(&w, db, VT_EV_FILENAME, "dropbear", NULL, 20);
	ev(&w, db, VT_EV_STRING, "openssl", "3.0.2", 70); /* quoted, links libssl */
	/* weak evidence alone: a file named like a product */
	struct vt_object *lt = file(&w, "/usr/sbin/lighttpd", NULL, NULL, NULL);
	ev(&w, lt, VT_EV_FILENAME, "lighttpd", NULL, 20);
	/* a package database: a product also found in files, and one outside the catalogue */
	struct vt_object *st = file(&w, "/var/lib/dpkg/status", NULL, NULL, NULL);
	ev(&w, st, VT_EV_PACKAGE, "zlib", "1.2.13", 90);
	struct vt_evidence pe = {.kind = VT_EV_PACKAGE, .product = "libfoo1", .version = "4.2",
				 .raw_version = "1:4.2-3", .rule = "dpkg status", .confidence = 90};
	assert_non_null(vti_evidence(&w.c, st, &pe));
	pe.product = "nover";
	pe.version = NULL;
	pe.raw_version = NULL;
	assert_non_null(vti_evidence(&w.c, st, &pe));
	assert_int_equal(vti_fs_index_build(w.r), VT_OK);
	assert_int_equal(vti_components_resolve(w.r), VT_OK);

	size_t n = vt_review_component_count(w.r);
	for (size_t i = 0; i < n; i++) {
		const struct vt_component *c = vt_review_component(w.r, i);
		print_message("%zu %s %s%s%s conf %u occ %zu deps %zu\n", c->index, c->product,
			      c->version ? c->version : "-", c->container ? " in " : "",
			      c->container ? c->container->path : "", c->confidence, c->n_occ,
			      c->n_depends);
	}
	/* busybox, dropbear, glibc, libfoo1, nover, openssl, zlib 1.2.11, zlib 1.2.13 (x2) */
	assert_int_equal(n, 9);
	const struct vt_component *z13 = comp(&w, "zlib", "1.2.13", false);
	const struct vt_component *z11 = comp(&w, "zlib", "1.2.11", false);
	const struct vt_component *zbb = comp(&w, "zlib", "1.2.13", true);
	assert_non_null(z13);
	assert_non_null(z11);
	assert_non_null(zbb);
	assert_ptr_equal(zbb->container, bb);
	assert_int_equal(z13->n_occ, 4); /* string, soname, package, file name */
	assert_int_equal(z13->confidence, 100); /* 90 + four kinds of evidence agree */
	assert_null(comp(&w, "zlib", "1.2", false));
	assert_string_equal(z13->cpe, "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*");
	assert_string_equal(z13->purl, "pkg:generic/zlib@1.2.13");
	assert_int_equal(z13->n_cpe_pairs, 2);
	assert_true(z13->in_catalogue);
	/* no openssl 3.0.2 from the quoting program */
	assert_null(comp(&w, "openssl", "3.0.2", false));
	assert_null(comp(&w, "openssl", "3.0.2", true));
	/* weak evidence alone makes nothing */
	assert_null(comp(&w, "lighttpd", NULL, false));
	/* packages outside the catalogue */
	const struct vt_component *foo = comp(&w, "libfoo1", "4.2", false);
	assert_non_null(foo);
	assert_false(foo->in_catalogue);
	assert_string_equal(foo->purl, "pkg:deb/libfoo1@1%3A4.2-3");
	assert_null(foo->cpe);
	assert_non_null(comp(&w, "nover", NULL, false));
	/* depends: dropbear -> zlib 1.2.13 (libz.so.1 is the first library with that SONAME)
	 * and openssl; openssl -> glibc; zlib 1.2.13 -> glibc */
	const struct vt_component *drop = comp(&w, "dropbear", "2022.83", false);
	const struct vt_component *ossl = comp(&w, "openssl", "3.0.20", false);
	const struct vt_component *gl = comp(&w, "glibc", "2.36", false);
	assert_non_null(drop);
	assert_non_null(ossl);
	assert_non_null(gl);
	assert_int_equal(drop->n_depends, 2);
	assert_int_equal(drop->depends[0], ossl->index);
	assert_int_equal(drop->depends[1], z13->index);
	assert_int_equal(ossl->n_depends, 1);
	assert_int_equal(ossl->depends[0], gl->index);
	assert_int_equal(z13->n_depends, 1);
	assert_int_equal(zbb->n_depends, 0);
	/* sorted by product, version, container */
	for (size_t i = 1; i < n; i++) {
		const struct vt_component *a = vt_review_component(w.r, i - 1);
		const struct vt_component *b = vt_review_component(w.r, i);
		assert_true(strcmp(a->product, b->product) <= 0);
		assert_int_equal(b->index, i);
	}
	assert_true(z11->index < z13->index && z13->index < zbb->index);
	world_free(&w);
}

/* Update fields: the CPE version drops the update suffix. */
static void test_resolve_update(void **state)
{
	(void)state;
	struct world w;
	world_new(&w);
	struct vt_object *sshd = file(&w, "/usr/sbin/sshd", NULL, NULL, NULL);
	struct vt_evidence e = {.kind = VT_EV_STRING, .product = "openssh", .version = "9.2p1",
				.raw_version = "9.2p1", .update = "p1", .rule = "openssh:1",
				.confidence = 90};
	assert_non_null(vti_evidence(&w.c, sshd, &e));
	assert_int_equal(vti_fs_index_build(w.r), VT_OK);
	assert_int_equal(vti_components_resolve(w.r), VT_OK);
	assert_int_equal(vt_review_component_count(w.r), 1);
	const struct vt_component *c = vt_review_component(w.r, 0);
	assert_string_equal(c->version, "9.2p1");
	assert_string_equal(c->cpe, "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*");
	assert_string_equal(c->purl, "pkg:generic/openssh@9.2p1");
	world_free(&w);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FIXTURES\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upstream),
		cmocka_unit_test(test_cpe_escape),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_fixtures),
		cmocka_unit_test(test_match_true),
		cmocka_unit_test(test_match_false_positives),
		cmocka_unit_test(test_match_raw_and_needs),
		cmocka_unit_test(test_match_hostile),
		cmocka_unit_test(test_pkgdb),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
