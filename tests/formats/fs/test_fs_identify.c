/* test_fs_identify.c - unit tests of the fs handlers' identify(): superblocks built in
 * memory from the layouts in the kernel's squashfs_fs.h (4.0) and squashfs-tools' 3.x
 * compatibility header, checked field by field: accepted with the right extent, variant
 * and truncation; rejected when a checked field is wrong; never reading past the span.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/format.h"

extern const struct vt_format vt_format_squashfs;
extern const struct vt_format vt_format_squashfs3;

#define IMG 16384

static void put16(uint8_t *p, size_t off, uint16_t v, bool be)
{
	p[off + (be ? 1 : 0)] = (uint8_t)v;
	p[off + (be ? 0 : 1)] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, size_t off, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[off + (be ? 3 - i : i)] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, size_t off, uint64_t v, bool be)
{
	for (int i = 0; i < 8; i++)
		p[off + (be ? 7 - i : i)] = (uint8_t)(v >> (8 * i));
}

/* A squashfs 4.0 superblock of an image of `used` bytes, tables near its end. */
static void sb4(uint8_t *p, uint64_t used, uint16_t comp)
{
	memset(p, 0, IMG);
	memcpy(p, "hsqs", 4);
	put32(p, 4, 5, false);       /* inodes */
	put32(p, 12, 131072, false); /* block size */
	put16(p, 20, comp, false);
	put16(p, 22, 17, false);     /* block log */
	put16(p, 26, 1, false);      /* ids */
	put16(p, 28, 4, false);
	put16(p, 30, 0, false);
	put64(p, 32, 0x20, false);   /* root inode: block 0, offset 0x20 */
	put64(p, 40, used, false);
	put64(p, 48, used - 16, false); /* id table */
	put64(p, 56, UINT64_MAX, false);
	put64(p, 64, used - 400, false); /* inode table */
	put64(p, 72, used - 200, false); /* directory table */
	put64(p, 80, UINT64_MAX, false);
	put64(p, 88, UINT64_MAX, false);
	put16(p, (size_t)(used - 400), 100, false); /* a metadata block header */
}

static vt_err id(const struct vt_format *f, const uint8_t *p, size_t len, uint64_t off,
		 struct vt_match *m)
{
	memset(m, 0, sizeof(*m));
	m->offset = off;
	/* a copy of exactly len bytes, so that ASan sees any read past the span */
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, p, len);
	vt_err e = f->identify(vt_span_make(copy, len), m);
	free(copy);
	return e;
}

static void test_sq4_valid(void **state)
{
	static uint8_t p[IMG];
	struct vt_match m;
	sb4(p, 5000, 4);
	assert_int_equal(id(&vt_format_squashfs, p, IMG, 0, &m), VT_OK);
	assert_int_equal(m.length, 8192); /* zero padding to 4 KiB belongs to the image */
	assert_false(m.truncated);
	assert_string_equal(m.variant, "squashfs 4 xz");
	assert_true(m.confidence >= 100);
	p[5000] = 1; /* padding that is not zero: the image ends at bytes_used */
	assert_int_equal(id(&vt_format_squashfs, p, IMG, 0, &m), VT_OK);
	assert_int_equal(m.length, 5000);
}

static void test_sq4_at_offset(void **state)
{
	static uint8_t p[IMG], q[IMG];
	struct vt_match m;
	sb4(p, 4096, 1);
	memset(q, 0xAB, sizeof(q));
	memcpy(q + 1001, p, 4096);
	assert_int_equal(id(&vt_format_squashfs, q, IMG, 1001, &m), VT_OK);
	assert_int_equal(m.length, 4096);
	assert_string_equal(m.variant, "squashfs 4 gzip");
}

static void test_sq4_truncated(void **state)
{
	static uint8_t p[IMG];
	struct vt_match m;
	sb4(p, 12000, 6);
	assert_int_equal(id(&vt_format_squashfs, p, 3000, 0, &m), VT_OK);
	assert_true(m.truncated);
	assert_int_equal(m.length, 3000);
	for (size_t len = 0; len < 96; len++)
		assert_int_not_equal(id(&vt_format_squashfs, p, len, 0, &m), VT_OK);
}

static void test_sq4_rejects(void **state)
{
	static uint8_t p[IMG];
	struct vt_match m;
	struct {
		size_t off, width;
		uint64_t v;
	} bad[] = {
		{28, 2, 3},              /* version 3 is squashfs3's */
		{30, 2, 1},              /* minor version */
		{12, 4, 131071},         /* block size not a power of two */
		{12, 4, 2048},           /* block size below 4 KiB */
		{22, 2, 16},             /* block log not matching */
		{20, 2, 0},              /* no compressor */
		{20, 2, 7},              /* unknown compressor */
		{4, 4, 0},               /* no inodes */
		{64, 8, 5000 - 100},     /* inode table after the directory table */
		{72, 8, 6000},           /* directory table past bytes_used */
		{32, 8, 0x7fff0000},     /* root inode outside the inode table */
		{32, 8, 0x2100},         /* root inode offset past a metadata block */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sb4(p, 5000, 1);
		if (bad[i].width == 2)
			put16(p, bad[i].off, (uint16_t)bad[i].v, false);
		else if (bad[i].width == 4)
			put32(p, bad[i].off, (uint32_t)bad[i].v, false);
		else
			put64(p, bad[i].off, bad[i].v, false);
		assert_int_not_equal(id(&vt_format_squashfs, p, IMG, 0, &m), VT_OK);
	}
	sb4(p, 5000, 1);
	put16(p, 5000 - 400, 0, false); /* a metadata block of 0 bytes */
	assert_int_not_equal(id(&vt_format_squashfs, p, IMG, 0, &m), VT_OK);
}

/* A squashfs 3.x superblock (119 bytes, 'hsqs' little or 'sqsh' big endian). */
static void sb3(uint8_t *p, uint64_t used, bool be, uint16_t major, uint16_t minor)
{
	memset(p, 0, IMG);
	memcpy(p, be ? "sqsh" : "hsqs", 4);
	put32(p, 4, 5, be);                /* inodes */
	put16(p, 28, major, be);
	put16(p, 30, minor, be);
	put16(p, 32, 0, be);               /* block_size_1 (2.x) */
	put16(p, 34, 16, be);              /* block log */
	p[36] = 0;                         /* flags */
	p[37] = 1;                         /* uids */
	p[38] = 0;                         /* guids */
	put64(p, 43, 0x20, be);            /* root inode */
	put32(p, 51, 65536, be);           /* block size */
	put32(p, 55, 0, be);               /* fragments */
	put64(p, 63, used, be);
	put64(p, 71, used - 8, be);        /* uid table */
	put64(p, 79, used - 4, be);        /* guid table */
	put64(p, 87, used - 400, be);      /* inode table */
	put64(p, 95, used - 200, be);      /* directory table */
	put64(p, 103, used - 10, be);      /* fragment table */
	put64(p, 111, used - 10, be);      /* lookup table */
	put16(p, (size_t)(used - 400), 100, be);
}

static void test_sq3_valid_both_endians(void **state)
{
	static uint8_t p[IMG];
	struct vt_match m;
	for (int be = 0; be < 2; be++) {
		for (uint16_t minor = 0; minor < 2; minor++) {
			sb3(p, 5000, be, 3, minor);
			assert_int_equal(id(&vt_format_squashfs3, p, IMG, 0, &m), VT_OK);
			assert_int_equal(m.length, 8192);
			assert_false(m.truncated);
			assert_non_null(strstr(m.variant, be ? "big" : "little"));
			/* a squashfs 3 superblock is no squashfs 4 one */
			assert_int_not_equal(id(&vt_format_squashfs, p, IMG, 0, &m), VT_OK);
		}
	}
	sb4(p, 5000, 1);
	assert_int_not_equal(id(&vt_format_squashfs3, p, IMG, 0, &m), VT_OK);
}

static void test_sq3_truncated_and_rejects(void **state)
{
	static uint8_t p[IMG];
	struct vt_match m;
	sb3(p, 12000, true, 3, 1);
	assert_int_equal(id(&vt_format_squashfs3, p, 5000, 0, &m), VT_OK);
	assert_true(m.truncated);
	assert_int_equal(m.length, 5000);
	for (size_t len = 0; len < 119; len++)
		assert_int_not_equal(id(&vt_format_squashfs3, p, len, 0, &m), VT_OK);
	sb3(p, 5000, false, 3, 1);
	put32(p, 51, 65535, false); /* block size not a power of two */
	assert_int_not_equal(id(&vt_format_squashfs3, p, IMG, 0, &m), VT_OK);
	sb3(p, 5000, false, 3, 1);
	put16(p, 34, 15, false); /* log not matching */
	assert_int_not_equal(id(&vt_format_squashfs3, p, IMG, 0, &m), VT_OK);
	sb3(p, 5000, false, 3, 1);
	put64(p, 95, 9000, false); /* directory table past the end */
	assert_int_not_equal(id(&vt_format_squashfs3, p, IMG, 0, &m), VT_OK);
	sb3(p, 5000, false, 5, 0); /* version 5 */
	assert_int_not_equal(id(&vt_format_squashfs3, p, IMG, 0, &m), VT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sq4_valid),
		cmocka_unit_test(test_sq4_at_offset),
		cmocka_unit_test(test_sq4_truncated),
		cmocka_unit_test(test_sq4_rejects),
		cmocka_unit_test(test_sq3_valid_both_endians),
		cmocka_unit_test(test_sq3_truncated_and_rejects),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	printf("%d passed, %d failed\n", (int)(sizeof(tests) / sizeof(tests[0])) - failed, failed);
	return failed ? 1 : 0;
}
