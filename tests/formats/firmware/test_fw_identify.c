/* test_fw_identify.c - identify() of the firmware handlers on headers built here.
 *
 * uImage headers get their CRCs from zlib, device trees are written with libfdt's
 * sequential-write API, kernel headers are laid out as the boot protocols document
 * them. Each format: a valid header, its extent and confidence, a header carved at an
 * offset, truncation, and the damage identify must reject or must take with a lower
 * confidence. */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>
#include <zlib.h>

#include "formats/firmware/fw_common.h"

extern const struct vt_format vt_format_uimage, vt_format_fit, vt_format_dtb,
	vt_format_linux_x86, vt_format_linux_arm, vt_format_linux_arm64;

static uint8_t buf[1 << 16];

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static vt_err identify(const struct vt_format *f, const uint8_t *p, size_t n, size_t off,
		       struct vt_match *m)
{
	memset(m, 0, sizeof(*m));
	m->offset = off;
	return f->identify(vt_span_make(p, n), m);
}

/* ---- uImage ---- */

/* A uImage at p: header for `size` data bytes of 'A', with comp and type. */
static size_t make_uimage(uint8_t *p, uint32_t size, uint8_t type, uint8_t comp)
{
	memset(p, 0, 64);
	be32(p, 0x27051956);
	be32(p + 12, size);
	memset(p + 64, 'A', size);
	be32(p + 24, (uint32_t)crc32(0, p + 64, size));
	p[28] = 5;  /* linux */
	p[29] = 2;  /* arm */
	p[30] = type;
	p[31] = comp;
	memcpy(p + 32, "Linux-6.1", 9);
	be32(p + 4, (uint32_t)crc32(0, p, 64));
	return 64 + size;
}

static void test_uimage(void **state)
{
	(void)state;
	struct vt_match m;
	size_t n = make_uimage(buf, 1000, 2, 1);
	assert_int_equal(identify(&vt_format_uimage, buf, n, 0, &m), VT_OK);
	assert_int_equal(m.length, n);
	assert_int_equal(m.confidence, 104);
	assert_false(m.truncated);
	assert_string_equal(m.variant, "kernel gzip");

	/* carved: after 100 bytes, with more data behind */
	memmove(buf + 100, buf, n);
	memset(buf, 0xff, 100);
	assert_int_equal(identify(&vt_format_uimage, buf, n + 500, 100, &m), VT_OK);
	assert_int_equal(m.length, n);

	/* truncated: the header stands, the length reaches the end */
	n = make_uimage(buf, 1000, 2, 0);
	assert_int_equal(identify(&vt_format_uimage, buf, 600, 0, &m), VT_OK);
	assert_true(m.truncated);
	assert_int_equal(m.length, 600);
	assert_int_equal(m.confidence, 72); /* no data CRC */
	assert_int_equal(identify(&vt_format_uimage, buf, 63, 0, &m), VT_ETRUNC);

	/* bad data CRC: accepted without its bits */
	buf[64 + 10] ^= 1;
	assert_int_equal(identify(&vt_format_uimage, buf, n, 0, &m), VT_OK);
	assert_int_equal(m.confidence, 72);

	/* bad header CRC: sane fields and a good data CRC keep it */
	n = make_uimage(buf, 1000, 4, 0);
	buf[40] ^= 1;
	assert_int_equal(identify(&vt_format_uimage, buf, n, 0, &m), VT_OK);
	assert_int_equal(m.confidence, 72);
	assert_string_equal(m.variant, "multi none");
	/* ... insane fields without a header CRC: rejected */
	buf[31] = 200;
	assert_int_equal(identify(&vt_format_uimage, buf, n, 0, &m), VT_EFORMAT);
	buf[0] = 0;
	assert_int_equal(identify(&vt_format_uimage, buf, n, 0, &m), VT_EFORMAT);
}

/* ---- device trees ---- */

/* A DTB at p written by libfdt; a FIT with `images`, its image's data external at
 * data-offset `ext_off` for `ext_size` bytes when ext_size is set. */
static size_t make_fdt(uint8_t *p, size_t room, bool images, uint32_t ext_off, uint32_t ext_size)
{
	assert_int_equal(fdt_create(p, (int)room), 0);
	assert_int_equal(fdt_add_reservemap_entry(p, 0x1000, 0x100), 0);
	assert_int_equal(fdt_finish_reservemap(p), 0);
	assert_int_equal(fdt_begin_node(p, ""), 0);
	assert_int_equal(fdt_property_string(p, "model", "acme"), 0);
	assert_int_equal(fdt_begin_node(p, "chosen"), 0);
	assert_int_equal(fdt_property_string(p, "bootargs", "console=ttyS0"), 0);
	assert_int_equal(fdt_end_node(p), 0);
	if (images) {
		assert_int_equal(fdt_begin_node(p, "images"), 0);
		assert_int_equal(fdt_begin_node(p, "kernel-1"), 0);
		if (ext_size) {
			assert_int_equal(fdt_property_u32(p, "data-offset", ext_off), 0);
			assert_int_equal(fdt_property_u32(p, "data-size", ext_size), 0);
		} else {
			assert_int_equal(fdt_property(p, "data", "0123456789", 10), 0);
		}
		assert_int_equal(fdt_end_node(p), 0);
		assert_int_equal(fdt_end_node(p), 0);
	}
	assert_int_equal(fdt_end_node(p), 0);
	assert_int_equal(fdt_finish(p), 0);
	return fdt_totalsize(p);
}

static void test_dtb(void **state)
{
	(void)state;
	struct vt_match m;
	uint64_t aligned[1024];
	uint8_t *p = (uint8_t *)aligned;
	size_t n = make_fdt(p, sizeof(aligned), false, 0, 0);
	assert_int_equal(identify(&vt_format_dtb, p, n, 0, &m), VT_OK);
	assert_int_equal(m.length, n);
	assert_int_equal(m.confidence, 72);
	assert_string_equal(m.variant, "dtb");
	assert_int_equal(identify(&vt_format_fit, p, n, 0, &m), VT_EFORMAT);

	/* unaligned and carved */
	memset(buf, 0, 7);
	memcpy(buf + 7, p, n);
	assert_int_equal(identify(&vt_format_dtb, buf, n + 100, 7, &m), VT_OK);
	assert_int_equal(m.length, n);

	/* truncated: header only checks, lower confidence */
	assert_int_equal(identify(&vt_format_dtb, p, n - 10, 0, &m), VT_OK);
	assert_true(m.truncated);
	assert_int_equal(m.length, n - 10);
	assert_int_equal(m.confidence, 56);
	assert_int_equal(identify(&vt_format_dtb, p, 39, 0, &m), VT_ETRUNC);

	/* damaged structure: an unknown tag where the root's first property is */
	uint8_t *bad = buf + 4096;
	memcpy(bad, p, n);
	be32(bad + fdt_off_dt_struct(bad) + 8, 0x77);
	assert_int_equal(identify(&vt_format_dtb, bad, n, 0, &m), VT_OK);
	assert_int_equal(m.confidence, 56);
	assert_string_equal(m.variant, "dtb damaged");

	/* a bad version or block layout is rejected */
	memcpy(bad, p, n);
	be32(bad + 20, 1);
	assert_int_equal(identify(&vt_format_dtb, bad, n, 0, &m), VT_EFORMAT);
	memcpy(bad, p, n);
	be32(bad + 8, (uint32_t)n + 8);
	assert_int_equal(identify(&vt_format_dtb, bad, n, 0, &m), VT_EFORMAT);
}

static void test_fit(void **state)
{
	(void)state;
	struct vt_match m;
	uint64_t aligned[1024];
	uint8_t *p = (uint8_t *)aligned;
	size_t n = make_fdt(p, sizeof(aligned), true, 0, 0);
	assert_int_equal(identify(&vt_format_fit, p, n, 0, &m), VT_OK);
	assert_int_equal(m.length, n);
	assert_int_equal(m.confidence, 80);
	assert_string_equal(m.variant, "fit");
	assert_int_equal(identify(&vt_format_dtb, p, n, 0, &m), VT_EFORMAT);

	/* external data: the extent covers it, 4-byte aligned after the tree */
	n = make_fdt(p, sizeof(aligned), true, 16, 1000);
	size_t end = ((n + 3) & ~(size_t)3) + 16 + 1000;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, p, n);
	assert_int_equal(identify(&vt_format_fit, buf, end + 50, 0, &m), VT_OK);
	assert_int_equal(m.length, end);
	assert_false(m.truncated);
	assert_string_equal(m.variant, "fit external data");
	assert_int_equal(identify(&vt_format_fit, buf, end - 1, 0, &m), VT_OK);
	assert_true(m.truncated);
	assert_int_equal(m.length, end - 1);
}

/* ---- kernels ---- */

static void test_bzimage(void **state)
{
	(void)state;
	struct vt_match m;
	static const uint8_t xz[12] = {0xfd, '7', 'z', 'X', 'Z', 0, 0, 1, 0x69, 0x22, 0xde, 0x36};
	memset(buf, 0, sizeof(buf));
	buf[0x1f1] = 3;                  /* setup: 4 sectors */
	le32(buf + 0x1f4, 0x1000 / 16);  /* protected-mode part: 4 KiB */
	buf[0x1fe] = 0x55;
	buf[0x1ff] = 0xaa;
	memcpy(buf + 0x202, "HdrS", 4);
	buf[0x206] = 0x0f;
	buf[0x207] = 0x02;
	buf[0x211] = 1;                  /* loaded high: bzImage */
	le32(buf + 0x248, 0x100);        /* payload */
	le32(buf + 0x24c, 0x200);
	memcpy(buf + 0x800 + 0x100, xz, sizeof(xz));
	assert_int_equal(identify(&vt_format_linux_x86, buf, 0x3000, 0, &m), VT_OK);
	assert_int_equal(m.length, 0x800 + 0x1000);
	assert_int_equal(m.confidence, 72);
	assert_string_equal(m.variant, "bzImage xz");
	assert_int_equal(identify(&vt_format_linux_x86, buf, 0x1000, 0, &m), VT_OK);
	assert_true(m.truncated);
	buf[0x1fe] = 0;
	assert_int_equal(identify(&vt_format_linux_x86, buf, 0x3000, 0, &m), VT_EFORMAT);
}

static void test_zimage(void **state)
{
	(void)state;
	struct vt_match m;
	memset(buf, 0, sizeof(buf));
	le32(buf + 0x20, 0xea0003f6);
	le32(buf + 0x24, 0x016f2818);
	le32(buf + 0x28, 0x80008000);
	le32(buf + 0x2c, 0x80008000 + 0x4000);
	le32(buf + 0x30, 0x04030201);
	assert_int_equal(identify(&vt_format_linux_arm, buf, 0x8000, 0, &m), VT_OK);
	assert_int_equal(m.length, 0x4000);
	assert_int_equal(m.confidence, 80);
	assert_string_equal(m.variant, "zImage le");
	assert_int_equal(identify(&vt_format_linux_arm, buf, 0x2000, 0, &m), VT_OK);
	assert_true(m.truncated);
	le32(buf + 0x2c, 0x80008000);  /* end = start */
	assert_int_equal(identify(&vt_format_linux_arm, buf, 0x8000, 0, &m), VT_EFORMAT);
}

static void test_arm64(void **state)
{
	(void)state;
	struct vt_match m;
	memset(buf, 0, sizeof(buf));
	le64(buf + 16, 0x3000);  /* image_size */
	le64(buf + 24, 2);       /* little-endian, 4K pages */
	memcpy(buf + 0x38, "ARM\x64", 4);
	assert_int_equal(identify(&vt_format_linux_arm64, buf, 0x8000, 0, &m), VT_OK);
	assert_int_equal(m.length, 0x3000);
	assert_string_equal(m.variant, "Image le 4K");
	assert_int_equal(m.confidence, 56);
	le64(buf + 24, 0x100);   /* unknown flags */
	assert_int_equal(identify(&vt_format_linux_arm64, buf, 0x8000, 0, &m), VT_EFORMAT);
}

static void test_comp_sniff(void **state)
{
	(void)state;
	static const uint8_t xz_ok[12] = {0xfd, '7',  'z',  'X',  'Z',  0,
					  0,    1,    0x69, 0x22, 0xde, 0x36};
	static const uint8_t gz[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
	static const uint8_t lzma[13] = {0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff};
	uint8_t b[32];
	memcpy(b, xz_ok, 12);
	assert_int_equal(vti_fw_comp_sniff(vt_span_make(b, 12), 0), FW_COMP_XZ);
	b[11] ^= 1; /* header CRC */
	assert_int_equal(vti_fw_comp_sniff(vt_span_make(b, 12), 0), FW_COMP_NONE);
	assert_int_equal(vti_fw_comp_sniff(vt_span_make(gz, 10), 0), FW_COMP_GZIP);
	assert_int_equal(vti_fw_comp_sniff(vt_span_make(lzma, 13), 0), FW_COMP_LZMA);
	memcpy(b, lzma, 13);
	b[3] = 0x81; /* dictionary size not 2^n or 2^n + 2^(n-1) */
	assert_int_equal(vti_fw_comp_sniff(vt_span_make(b, 13), 0), FW_COMP_NONE);
	size_t at;
	enum fw_comp c;
	memset(b, 0, sizeof(b));
	memcpy(b + 3, "\xfd" "7zXZ", 5);  /* a bare magic is not a stream */
	memcpy(b + 16, gz, 10);
	assert_true(vti_fw_comp_find(vt_span_make(b, 32), 0, 100, &at, &c));
	assert_int_equal(at, 16);
	assert_int_equal(c, FW_COMP_GZIP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uimage),  cmocka_unit_test(test_dtb),
		cmocka_unit_test(test_fit),     cmocka_unit_test(test_bzimage),
		cmocka_unit_test(test_zimage),  cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_comp_sniff),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	printf("%d passed, %d failed\n", (int)VT_ARRAY_LEN(tests) - failed, failed);
	return failed != 0;
}
