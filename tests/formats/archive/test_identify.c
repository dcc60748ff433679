/* test_identify.c - identify() of the archive handlers on headers built here from the
 * formats' documentation (POSIX ustar and pax, cpio(5), APPNOTE, 7zFormat.txt, ar(5),
 * the RPM file format, [MS-CAB], ECMA-119): the extent, truncation, carving from an
 * offset, and rejection of damaged headers; then every prefix of each valid archive and
 * random data at every offset, which must never crash or read outside the span (run
 * under ASan in `make check`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "formats/format.h"

extern const struct vt_format vt_format_tar, vt_format_cpio, vt_format_zip, vt_format_7z,
	vt_format_ar, vt_format_rpm, vt_format_cab, vt_format_iso9660;

static const struct vt_format *const all[] = {
	&vt_format_tar, &vt_format_cpio, &vt_format_zip, &vt_format_7z,
	&vt_format_ar, &vt_format_rpm, &vt_format_cab, &vt_format_iso9660,
};

/* ---- a growable byte buffer for building fixtures ---- */

struct bb {
	uint8_t *p;
	size_t len, cap;
};

static void bb_put(struct bb *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void bb_zero(struct bb *b, size_t n)
{
	static const uint8_t z[4096];
	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);
		bb_put(b, z, k);
		n -= k;
	}
}

static void bb_str(struct bb *b, const char *s)
{
	bb_put(b, s, strlen(s));
}

static void put16le(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32le(uint8_t *p, uint32_t v) { put16le(p, v & 0xffff); put16le(p + 2, v >> 16); }
static void put64le(uint8_t *p, uint64_t v) { put32le(p, (uint32_t)v); put32le(p + 4, v >> 32); }
static void put16be(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32be(uint8_t *p, uint32_t v) { put16be(p, v >> 16); put16be(p + 2, v & 0xffff); }

static vt_err ident(const struct vt_format *f, const struct bb *b, size_t off, struct vt_match *m)
{
	memset(m, 0, sizeof(*m));
	m->offset = off;
	return f->identify(vt_span_make(b->p, b->len), m);
}

/* The archive in b at offset `off` has extent `len`, truncated or not. */
static void expect(const struct vt_format *f, const struct bb *b, size_t off, size_t len,
		   bool truncated)
{
	struct vt_match m;
	assert_int_equal(ident(f, b, off, &m), VT_OK);
	assert_int_equal(m.length, len);
	assert_int_equal(m.truncated, truncated);
	assert_true(m.confidence > 0);
	assert_non_null(m.variant);
}

static void expect_reject(const struct vt_format *f, const struct bb *b, size_t off)
{
	struct vt_match m;
	assert_int_not_equal(ident(f, b, off, &m), VT_OK);
}

/* Every prefix of b must identify without trouble: never beyond the prefix. */
static void prefixes(const struct vt_format *f, const struct bb *b, size_t off)
{
	for (size_t n = 0; n <= b->len; n += (n < 1024 ? 1 : 509)) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees any overread */
		assert_non_null(copy);
		memcpy(copy, b->p, n);
		struct vt_match m = {.offset = off};
		if (off <= n && f->identify(vt_span_make(copy, n), &m) == VT_OK)
			assert_true(m.length > 0 && m.length <= n - off);
		free(copy);
	}
}

/* ---- tar (POSIX ustar, pax) ---- */

static void tar_header(struct bb *b, const char *name, char type, uint64_t size, bool gnu)
{
	uint8_t h[512] = {0};
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	memcpy(h + 136, "14000000000", 12);
	h[156] = (uint8_t)type;
	memcpy(h + 257, gnu ? "ustar  \0" : "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	bb_put(b, h, 512);
}

static void tar_member(struct bb *b, const char *name, size_t size)
{
	tar_header(b, name, '0', size, false);
	for (size_t i = 0; i < size; i++)
		bb_put(b, "x", 1);
	bb_zero(b, (512 - size % 512) % 512);
}

static void test_tar(void **state)
{
	(void)state;
	struct bb b = {0};
	bb_zero(&b, 1000); /* carving: the archive starts at 1000 */
	tar_member(&b, "a.txt", 5);
	tar_member(&b, "b.bin", 1024);
	tar_header(&b, "dir/", '5', 0, false);
	tar_header(&b, "link", '2', 999, false); /* a symlink's size means no data */
	bb_zero(&b, 1024);
	size_t end = b.len - 1000;
	expect(&vt_format_tar, &b, 1000, end, false);
	/* zero padding to the 10240-byte record belongs to the archive, not beyond */
	bb_zero(&b, 10240);
	expect(&vt_format_tar, &b, 1000, 10240, false);
	bb_str(&b, "trailing data");
	expect(&vt_format_tar, &b, 1000, 10240, false);
	/* truncated inside the second member's data */
	struct bb cut = {0};
	bb_put(&cut, b.p, 1000 + 512 + 512 + 512 + 100);
	expect(&vt_format_tar, &cut, 1000, cut.len - 1000, true);
	prefixes(&vt_format_tar, &b, 1000);
	/* a wrong checksum is not a header */
	b.p[1000 + 148] = '7';
	expect_reject(&vt_format_tar, &b, 1000);
	free(b.p);
	free(cut.p);
}

static void test_tar_pax_size(void **state)
{
	(void)state;
	struct bb b = {0};
	const char *rec = "12 size=600\n";
	tar_header(&b, "PaxHeaders/x", 'x', strlen(rec), false);
	bb_str(&b, rec);
	bb_zero(&b, 512 - strlen(rec));
	tar_header(&b, "x", '0', 0, false); /* the pax record overrides this 0 */
	bb_zero(&b, 1024);                  /* 600 bytes of data: two blocks */
	bb_zero(&b, 1024);                  /* end of archive */
	expect(&vt_format_tar, &b, 0, 512 * 7, false);
	free(b.p);
}

static void test_tar_gnu_base256(void **state)
{
	(void)state;
	struct bb b = {0};
	tar_header(&b, "big", '0', 0, true);
	/* base-256 size: 0x80 then big-endian */
	uint8_t *h = b.p;
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[134] = 0x02; /* 512 bytes */
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	bb_zero(&b, 512 + 1024);
	expect(&vt_format_tar, &b, 0, 2048, false);
	struct vt_match m;
	assert_int_equal(ident(&vt_format_tar, &b, 0, &m), VT_OK);
	assert_string_equal(m.variant, "gnu");
	free(b.p);
}

/* ---- cpio ---- */

static void newc(struct bb *b, const char *name, uint32_t mode, const char *data)
{
	char h[111];
	size_t n = strlen(name) + 1, d = strlen(data);
	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
		 mode, 0u, 0u, 1u, 0u, (unsigned)d, 0u, 0u, 0u, 0u, (unsigned)n, 0u);
	bb_put(b, h, 110);
	bb_put(b, name, n);
	bb_zero(b, (4 - (110 + n) % 4) % 4);
	bb_put(b, data, d);
	bb_zero(b, (4 - d % 4) % 4);
}

static void bin_be(struct bb *b, const char *name, uint16_t mode, const char *data)
{
	uint8_t h[26] = {0};
	size_t n = strlen(name) + 1, d = strlen(data);
	put16be(h, 070707);
	put16be(h + 6, mode);
	put16be(h + 12, 1);
	put16be(h + 20, (unsigned)n);
	put16be(h + 22, (unsigned)(d >> 16));
	put16be(h + 24, (unsigned)(d & 0xffff));
	bb_put(b, h, 26);
	bb_put(b, name, n);
	bb_zero(b, n & 1);
	bb_put(b, data, d);
	bb_zero(b, d & 1);
}

static void test_cpio(void **state)
{
	(void)state;
	struct bb b = {0};
	bb_str(&b, "junk");
	newc(&b, "etc", 0040755, "");
	newc(&b, "etc/passwd", 0100644, "root:x:0:0::/root:/bin/sh\n");
	newc(&b, "TRAILER!!!", 0, "");
	size_t end = b.len - 4;
	bb_zero(&b, 512 - end % 512); /* the writer's block padding */
	bb_str(&b, "after");
	expect(&vt_format_cpio, &b, 4, 512, false);
	prefixes(&vt_format_cpio, &b, 4);
	struct bb cut = {0};
	bb_put(&cut, b.p, 4 + 110 + 4 + 110 + 12 + 5);
	expect(&vt_format_cpio, &cut, 4, cut.len - 4, true);
	/* a non-hex digit in a field */
	b.p[4 + 20] = 'g';
	expect_reject(&vt_format_cpio, &b, 4);
	free(b.p);
	free(cut.p);

	struct bb be = {0};
	bin_be(&be, "a", 0100644, "abc");
	bin_be(&be, "TRAILER!!!", 0, "");
	size_t len = be.len;
	expect(&vt_format_cpio, &be, 0, len, false);
	struct vt_match m;
	assert_int_equal(ident(&vt_format_cpio, &be, 0, &m), VT_OK);
	assert_string_equal(m.variant, "bin be");
	be.p[26 + 1] = 'x'; /* the name "a" loses its NUL */
	expect_reject(&vt_format_cpio, &be, 0);
	free(be.p);
}

/* ---- zip ---- */

static void zip_archive(struct bb *b, const char *comment, bool zip64)
{
	static const char data[] = "hello, zip\n";
	size_t start = b->len, n = sizeof(data) - 1;
	uint32_t crc = (uint32_t)crc32(0, (const Bytef *)data, (uInt)n);
	uint8_t l[30] = {'P', 'K', 3, 4};
	put16le(l + 4, 20);
	put32le(l + 14, crc);
	put32le(l + 18, (uint32_t)n);
	put32le(l + 22, (uint32_t)n);
	put16le(l + 26, 5);
	bb_put(b, l, 30);
	bb_str(b, "a.txt");
	bb_put(b, data, n);
	size_t cd = b->len - start;
	uint8_t c[46] = {'P', 'K', 1, 2};
	put16le(c + 4, 0x031e);
	put16le(c + 6, 20);
	put32le(c + 16, crc);
	put32le(c + 20, (uint32_t)n);
	put32le(c + 24, (uint32_t)n);
	put16le(c + 28, 5);
	put32le(c + 38, 0100644u << 16);
	bb_put(b, c, 46);
	bb_str(b, "a.txt");
	size_t cd_size = b->len - start - cd;
	if (zip64) {
		uint8_t z[56] = {'P', 'K', 6, 6};
		size_t zoff = b->len - start;
		put64le(z + 4, 44);
		put16le(z + 12, 45);
		put16le(z + 14, 45);
		put64le(z + 24, 1);
		put64le(z + 32, 1);
		put64le(z + 40, cd_size);
		put64le(z + 48, cd);
		bb_put(b, z, 56);
		uint8_t loc[20] = {'P', 'K', 6, 7};
		put64le(loc + 8, zoff);
		put32le(loc + 16, 1);
		bb_put(b, loc, 20);
	}
	uint8_t e[22] = {'P', 'K', 5, 6};
	put16le(e + 8, zip64 ? 0xffff : 1);
	put16le(e + 10, zip64 ? 0xffff : 1);
	put32le(e + 12, zip64 ? 0xffffffffu : (uint32_t)cd_size);
	put32le(e + 16, zip64 ? 0xffffffffu : (uint32_t)cd);
	put16le(e + 20, (unsigned)strlen(comment));
	bb_put(b, e, 22);
	bb_str(b, comment);
}

static void test_zip(void **state)
{
	(void)state;
	struct bb b = {0};
	bb_str(&b, "prefix!");
	zip_archive(&b, "a comment", false);
	size_t len = b.len - 7;
	bb_str(&b, "PK\x05\x06 and more");
	expect(&vt_format_zip, &b, 7, len, false);
	prefixes(&vt_format_zip, &b, 7);
	/* cut inside the central directory */
	struct bb cut = {0};
	bb_put(&cut, b.p, 7 + 30 + 5 + 11 + 20);
	expect(&vt_format_zip, &cut, 7, cut.len - 7, true);
	free(cut.p);
	free(b.p);

	struct bb z = {0};
	zip_archive(&z, "", true);
	expect(&vt_format_zip, &z, 0, z.len, false);
	struct vt_match m;
	assert_int_equal(ident(&vt_format_zip, &z, 0, &m), VT_OK);
	assert_string_equal(m.variant, "zip64");
	z.p[8] = 77; /* an unknown compression method */
	expect_reject(&vt_format_zip, &z, 0);
	free(z.p);
}

/* ---- 7z ---- */

static void test_7z(void **state)
{
	(void)state;
	struct bb b = {0};
	uint8_t h[32] = {'7', 'z', 0xbc, 0xaf, 0x27, 0x1c, 0, 4};
	static const uint8_t next[] = {0x01, 0x04, 0x06, 0x00}; /* any bytes: CRC-checked */
	put64le(h + 12, 100);
	put64le(h + 20, sizeof(next));
	put32le(h + 28, (uint32_t)crc32(0, next, sizeof(next)));
	put32le(h + 8, (uint32_t)crc32(0, h + 12, 20));
	bb_str(&b, "xx");
	bb_put(&b, h, 32);
	bb_zero(&b, 100);
	bb_put(&b, next, sizeof(next));
	bb_str(&b, "tail");
	expect(&vt_format_7z, &b, 2, 32 + 100 + sizeof(next), false);
	prefixes(&vt_format_7z, &b, 2);
	struct bb cut = {0};
	bb_put(&cut, b.p, 2 + 32 + 50);
	expect(&vt_format_7z, &cut, 2, 82, true);
	b.p[2 + 13] ^= 1; /* the start header's CRC no longer matches */
	expect_reject(&vt_format_7z, &b, 2);
	free(b.p);
	free(cut.p);
}

/* ---- ar ---- */

static void ar_member(struct bb *b, const char *name, const char *data)
{
	char h[96];
	unsigned n = (unsigned)strlen(data);
	snprintf(h, sizeof(h), "%-16s%-12d%-6d%-6d%-8o%-10u`\n", name, 0, 0, 0, 0644u, n);
	bb_put(b, h, 60);
	bb_put(b, data, n);
	if (n & 1)
		bb_str(b, "\n");
}

static void test_ar(void **state)
{
	(void)state;
	struct bb b = {0};
	bb_str(&b, "!<arch>\n");
	ar_member(&b, "debian-binary", "2.0\n");
	ar_member(&b, "odd/", "abc");
	size_t len = b.len;
	bb_str(&b, "not a header, just text that follows the archive......................");
	expect(&vt_format_ar, &b, 0, len, false);
	struct vt_match m;
	assert_int_equal(ident(&vt_format_ar, &b, 0, &m), VT_OK);
	assert_string_equal(m.variant, "deb");
	prefixes(&vt_format_ar, &b, 0);
	struct bb cut = {0};
	bb_put(&cut, b.p, 8 + 60 + 4 + 60 + 1);
	expect(&vt_format_ar, &cut, 0, cut.len, true);
	free(b.p);
	free(cut.p);
}

/* ---- rpm ---- */

static void rpm_header(struct bb *b, uint32_t tag, uint32_t type, const void *val, size_t n)
{
	uint8_t h[32] = {0x8e, 0xad, 0xe8, 0x01};
	put32be(h + 8, 1);
	put32be(h + 12, (uint32_t)n);
	put32be(h + 16, tag);
	put32be(h + 20, type);
	put32be(h + 24, 0);
	put32be(h + 28, 1);
	bb_put(b, h, 32);
	bb_put(b, val, n);
}

static void test_rpm(void **state)
{
	(void)state;
	struct bb b = {0};
	uint8_t lead[96] = {0xed, 0xab, 0xee, 0xdb, 3, 0};
	put16be(lead + 78, 5);
	bb_put(&b, lead, 96);
	uint8_t size[4];
	size_t hdr_len = 32 + 3, payload = 1000;
	put32be(size, (uint32_t)(hdr_len + payload));
	rpm_header(&b, 1000, 4, size, 4); /* SIZE: header + payload */
	bb_zero(&b, (8 - b.len % 8) % 8);
	rpm_header(&b, 1125, 6, "xz", 3); /* PAYLOADCOMPRESSOR */
	size_t payload_at = b.len;
	bb_zero(&b, payload);
	bb_str(&b, "the next object");
	expect(&vt_format_rpm, &b, 0, payload_at + payload, false);
	prefixes(&vt_format_rpm, &b, 0);
	struct bb cut = {0};
	bb_put(&cut, b.p, payload_at + 10);
	expect(&vt_format_rpm, &cut, 0, cut.len, true);
	b.p[4] = 9; /* unknown lead version */
	expect_reject(&vt_format_rpm, &b, 0);
	free(b.p);
	free(cut.p);
}

/* ---- cab ---- */

static void test_cab(void **state)
{
	(void)state;
	struct bb b = {0};
	uint8_t h[36] = {'M', 'S', 'C', 'F'};
	put32le(h + 8, 300);
	put32le(h + 16, 44);
	h[24] = 3;
	h[25] = 1;
	put16le(h + 26, 1);
	put16le(h + 28, 1);
	bb_str(&b, "0123");
	bb_put(&b, h, 36);
	bb_zero(&b, 400);
	expect(&vt_format_cab, &b, 4, 300, false);
	prefixes(&vt_format_cab, &b, 4);
	b.p[4 + 25] = 2; /* version 2.3 */
	expect_reject(&vt_format_cab, &b, 4);
	free(b.p);
}

/* ---- iso9660 ---- */

static void test_iso9660(void **state)
{
	(void)state;
	struct bb b = {0};
	bb_zero(&b, 512 + 16 * 2048); /* carving at 512 */
	uint8_t pvd[2048] = {1, 'C', 'D', '0', '0', '1', 1};
	put32le(pvd + 80, 20);
	put32be(pvd + 84, 20);
	put16le(pvd + 120, 1);
	put16be(pvd + 122, 1);
	put16le(pvd + 124, 1);
	put16be(pvd + 126, 1);
	put16le(pvd + 128, 2048);
	put16be(pvd + 130, 2048);
	pvd[156] = 34;
	bb_put(&b, pvd, 2048);
	uint8_t term[2048] = {255, 'C', 'D', '0', '0', '1', 1};
	bb_put(&b, term, 2048);
	bb_zero(&b, 2 * 2048);
	expect(&vt_format_iso9660, &b, 512, 20 * 2048, false);
	struct bb cut = {0};
	bb_put(&cut, b.p, 512 + 18 * 2048);
	expect(&vt_format_iso9660, &cut, 512, 18 * 2048, true);
	prefixes(&vt_format_iso9660, &b, 512);
	b.p[512 + 16 * 2048 + 87] = 21; /* both-endian volume size disagrees */
	expect_reject(&vt_format_iso9660, &b, 512);
	free(b.p);
	free(cut.p);
}

/* ---- noise ---- */

static void test_noise(void **state)
{
	(void)state;
	size_t n = 1 << 16;
	uint8_t *p = malloc(n);
	assert_non_null(p);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
	struct vt_span s = vt_span_make(p, n);
	for (size_t f = 0; f < sizeof(all) / sizeof(all[0]); f++)
		for (size_t off = 0; off < n; off++) {
			struct vt_match m = {.offset = off};
			if (all[f]->identify(s, &m) == VT_OK)
				assert_true(m.length > 0 && m.length <= n - off);
		}
	memset(p, 0, n);
	for (size_t f = 0; f < sizeof(all) / sizeof(all[0]); f++) {
		struct vt_match m = {.offset = 0};
		assert_int_not_equal(all[f]->identify(s, &m), VT_OK);
	}
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tar),       cmocka_unit_test(test_tar_pax_size),
		cmocka_unit_test(test_tar_gnu_base256), cmocka_unit_test(test_cpio),
		cmocka_unit_test(test_zip),       cmocka_unit_test(test_7z),
		cmocka_unit_test(test_ar),        cmocka_unit_test(test_rpm),
		cmocka_unit_test(test_cab),       cmocka_unit_test(test_iso9660),
		cmocka_unit_test(test_noise),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	printf("%d passed, %d failed\n", (int)(sizeof(tests) / sizeof(tests[0])) - failed, failed);
	return failed ? 1 : 0;
}
