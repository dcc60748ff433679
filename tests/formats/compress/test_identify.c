/* test_identify.c - unit tests of the compress handlers' identify().
 *
 * Streams are made in memory by the libraries' own encoders (zlib, libbz2, liblzma,
 * libzstd, liblz4, liblzo2; the lzip and lzop containers and the lz4 legacy framing
 * around encoder output by hand, from their specifications), so every expected extent
 * is the encoder's output size. Each stream is identified alone and carved from
 * between garbage (exact extent), cut at every length (never a read past the span,
 * never an extent past it), and its header fields are broken one by one (refused).
 * Finally each format's magic is planted in random data many times: identify() must
 * reject nearly all of those chance hits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "formats/format.h"

#define F(n) extern const struct vt_format vt_format_##n;
F(gzip) F(bzip2) F(xz) F(lzma) F(zstd) F(lz4) F(lzop) F(lzip) F(compress) F(zlib)
#undef F

#define PAYLOAD 20000
#define CAP (PAYLOAD * 2 + 4096)

static uint8_t payload[PAYLOAD];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void make_payload(void)
{
	static const char words[] = "firmware vendor kernel rootfs busybox telnetd password ";
	for (size_t i = 0; i < PAYLOAD;) {
		uint32_t k = rnd() % 3, n = 16 + rnd() % 300;
		for (uint32_t j = 0; j < n && i < PAYLOAD; j++, i++)
			payload[i] = k == 0 ? (uint8_t)rnd() : k == 1 ? (uint8_t)words[(i * 7 + j) %
				     (sizeof(words) - 1)] : (uint8_t)n;
	}
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

static void be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* ---- encoders: each writes one stream of payload[0..n) to out, returns its size ---- */

static size_t enc_gzip(uint8_t *out, size_t n)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = payload;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = CAP;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = z.total_out;
	deflateEnd(&z);
	return len;
}

static size_t enc_zlib(uint8_t *out, size_t n)
{
	uLongf len = CAP;
	assert_int_equal(compress2(out, &len, payload, n, 9), Z_OK);
	return len;
}

static size_t enc_bzip2(uint8_t *out, size_t n)
{
	unsigned len = CAP;
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out, &len, (char *)payload,
						  (unsigned)n, 1, 0, 0), BZ_OK);
	return len;
}

static size_t enc_xz(uint8_t *out, size_t n)
{
	size_t pos = 0;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, payload, n, out, &pos,
						 CAP), LZMA_OK);
	return pos;
}

/* Raw LZMA1 (lc=3 lp=0 pb=2) with an end marker, dictionary 64 KiB. */
static size_t enc_lzma1(uint8_t *out, size_t n)
{
	lzma_options_lzma o;
	assert_false(lzma_lzma_preset(&o, 6));
	o.dict_size = 1u << 16;
	lzma_filter f[2] = {{LZMA_FILTER_LZMA1, &o}, {LZMA_VLI_UNKNOWN, NULL}};
	size_t pos = 0;
	assert_int_equal(lzma_raw_buffer_encode(f, NULL, payload, n, out, &pos, CAP), LZMA_OK);
	return pos;
}

static size_t enc_lzma(uint8_t *out, size_t n)
{
	out[0] = 0x5d;
	le32(out + 1, 1u << 16);
	le64(out + 5, UINT64_MAX);
	return 13 + enc_lzma1(out + 13, n);
}

static size_t enc_lzip(uint8_t *out, size_t n)
{
	memcpy(out, "LZIP\x01\x10", 6); /* 64 KiB */
	size_t len = 6 + enc_lzma1(out + 6, n);
	le32(out + len, (uint32_t)crc32(0, payload, (uInt)n));
	le64(out + len + 4, n);
	le64(out + len + 12, len + 20);
	return len + 20;
}

static size_t enc_zstd(uint8_t *out, size_t n)
{
	size_t len = ZSTD_compress(out, CAP, payload, n, 3);
	assert_false(ZSTD_isError(len));
	return len;
}

static size_t enc_lz4(uint8_t *out, size_t n)
{
	LZ4F_preferences_t p = {0};
	p.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	size_t len = LZ4F_compressFrame(out, CAP, payload, n, &p);
	assert_false(LZ4F_isError(len));
	return len;
}

static size_t enc_lz4_legacy(uint8_t *out, size_t n)
{
	le32(out, 0x184C2102u);
	int c = LZ4_compress_default((const char *)payload, (char *)out + 8, (int)n, CAP - 8);
	assert_true(c > 0);
	le32(out + 4, (uint32_t)c);
	return 8 + (size_t)c;
}

/* lzop 1.04 layout: version 0x1040, method 1 (LZO1X-1), Adler-32 of the data. */
static size_t enc_lzop(uint8_t *out, size_t n)
{
	static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
	static const uint8_t magic[9] = {0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n'};
	assert_int_equal(lzo_init(), LZO_E_OK);
	size_t p = 0;
	memcpy(out, magic, 9);
	p = 9;
	const uint8_t h[] = {0x10, 0x40, 0x20, 0xa0, 0x09, 0x40, 1, 3, 0, 0, 0, 1, 0, 0, 0x81,
			     0xa4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 'd', 'a', 't', 'a'};
	memcpy(out + p, h, sizeof(h));
	be32(out + p + sizeof(h), lzo_adler32(1, out + p, sizeof(h)));
	p += sizeof(h) + 4;
	if (n) {
		lzo_uint c = CAP - p - 16;
		assert_int_equal(lzo1x_1_compress(payload, n, out + p + 12, &c, wrk), LZO_E_OK);
		assert_true(c < n);
		be32(out + p, (uint32_t)n);
		be32(out + p + 4, (uint32_t)c);
		be32(out + p + 8, lzo_adler32(1, payload, n));
		p += 12 + c;
	}
	be32(out + p, 0);
	return p + 4;
}

struct fmt_case {
	const struct vt_format *f;
	size_t (*enc)(uint8_t *out, size_t n);
	const char *name;
};

static const struct fmt_case cases[] = {
	{&vt_format_gzip, enc_gzip, "gzip"},   {&vt_format_zlib, enc_zlib, "zlib"},
	{&vt_format_bzip2, enc_bzip2, "bzip2"}, {&vt_format_xz, enc_xz, "xz"},
	{&vt_format_lzma, enc_lzma, "lzma"},   {&vt_format_lzip, enc_lzip, "lzip"},
	{&vt_format_zstd, enc_zstd, "zstd"},   {&vt_format_lz4, enc_lz4, "lz4"},
	{&vt_format_lz4, enc_lz4_legacy, "lz4 legacy"}, {&vt_format_lzop, enc_lzop, "lzop"},
};

static vt_err identify(const struct vt_format *f, const uint8_t *p, size_t len, size_t off,
		       struct vt_match *m)
{
	memset(m, 0, sizeof(*m));
	m->offset = off;
	/* a copy of exactly len bytes, so that ASan sees any read past the span */
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, p, len);
	vt_err e = f->identify(vt_span_make(copy, len), m);
	free(copy);
	if (!e) {
		assert_true(m->length > 0);
		assert_true(m->offset + m->length <= len);
	}
	return e;
}

static void test_extent(void **state)
{
	(void)state;
	uint8_t *s = malloc(CAP), *buf = malloc(CAP + 300);
	for (size_t i = 0; i < VT_ARRAY_LEN(cases); i++) {
		for (size_t n = 0; n <= PAYLOAD; n += PAYLOAD) {
			size_t len = cases[i].enc(s, n);
			struct vt_match m;
			print_message("%s of %zu bytes: %zu\n", cases[i].name, n, len);
			assert_int_equal(identify(cases[i].f, s, len, 0, &m), VT_OK);
			assert_int_equal(m.length, len);
			assert_false(m.truncated);
			assert_false(m.open);
			memset(buf, 0xa5, CAP + 300);
			memcpy(buf + 101, s, len);
			assert_int_equal(identify(cases[i].f, buf, len + 250, 101, &m), VT_OK);
			assert_int_equal(m.length, len);
			assert_false(m.truncated);
		}
	}
	free(s);
	free(buf);
}

static void test_cut(void **state)
{
	(void)state;
	uint8_t *s = malloc(CAP);
	for (size_t i = 0; i < VT_ARRAY_LEN(cases); i++) {
		size_t len = cases[i].enc(s, 3000);
		size_t accepted = 0;
		for (size_t cut = 0; cut < len; cut++) {
			struct vt_match m;
			if (identify(cases[i].f, s, cut, 0, &m) == VT_OK) {
				accepted++;
				assert_true(m.length <= cut);
			}
		}
		print_message("%s: %zu of %zu cuts accepted\n", cases[i].name, accepted, len);
		/* a stream cut after its header and some data is kept as truncated */
		struct vt_match m;
		if (cases[i].f != &vt_format_lz4 && cases[i].f != &vt_format_compress) {
			assert_int_equal(identify(cases[i].f, s, len - 1, 0, &m), VT_OK);
			assert_true(m.truncated || m.length < len - 1);
		}
	}
	free(s);
}

/* Every byte of the first 64 flipped in turn: never a crash or an extent past the end. */
static void test_header_flips(void **state)
{
	(void)state;
	uint8_t *s = malloc(CAP);
	for (size_t i = 0; i < VT_ARRAY_LEN(cases); i++) {
		size_t len = cases[i].enc(s, 3000);
		for (size_t b = 0; b < 64 && b < len; b++)
			for (int bit = 0; bit < 8; bit++) {
				struct vt_match m;
				s[b] ^= (uint8_t)(1u << bit);
				(void)identify(cases[i].f, s, len, 0, &m);
				s[b] ^= (uint8_t)(1u << bit);
			}
	}
	free(s);
}

/* A long stream (more than 256 KiB of output from more than 32 KiB of input): gzip, zlib
 * and lzma stop decoding early and leave the extent open for extract() to settle, with
 * the confidence of a stream that decoded well but has not ended (header bits and the
 * full 32 bits of evidence); a short one (test_extent) is settled. */
#define BIG (1u << 20)

static size_t big_stream(const char *fmt, const uint8_t *in, uint8_t *out, size_t cap)
{
	if (!strcmp(fmt, "lzma")) {
		lzma_options_lzma o;
		assert_false(lzma_lzma_preset(&o, 1));
		lzma_filter f[2] = {{LZMA_FILTER_LZMA1, &o}, {LZMA_VLI_UNKNOWN, NULL}};
		size_t pos = 13;
		out[0] = 0x5d;
		le32(out + 1, o.dict_size);
		le64(out + 5, BIG);
		assert_int_equal(lzma_raw_buffer_encode(f, NULL, in, BIG, out, &pos, cap), LZMA_OK);
		return pos;
	}
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, !strcmp(fmt, "gzip") ? 16 + 15 : 15, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (uint8_t *)(uintptr_t)in;
	z.avail_in = BIG;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = z.total_out;
	deflateEnd(&z);
	return len;
}

static void test_open(void **state)
{
	(void)state;
	static const struct {
		const struct vt_format *f;
		const char *name;
		unsigned confidence; /* header bits + 32 bits of evidence */
	} big[] = {{&vt_format_gzip, "gzip", 24 + 3 + 4 + 4 + 32},
		   {&vt_format_zlib, "zlib", 16 + 4 + 32},
		   {&vt_format_lzma, "lzma", 8 + 16 + 8 + 8 + 24 + 32}};
	uint8_t *in = malloc(BIG), *out = malloc(2 * BIG);
	assert_non_null(in);
	assert_non_null(out);
	for (size_t i = 0; i < BIG; i++) /* half random, half payload: compresses about 2:1 */
		in[i] = i / 4096 % 2 ? (uint8_t)rnd() : payload[i % PAYLOAD];
	for (size_t i = 0; i < VT_ARRAY_LEN(big); i++) {
		size_t len = big_stream(big[i].name, in, out + 100, 2 * BIG - 200);
		memset(out, 0xa5, 100);
		memset(out + 100 + len, 0x5a, 100);
		struct vt_match m;
		print_message("%s of %u bytes: %zu\n", big[i].name, BIG, len);
		assert_int_equal(identify(big[i].f, out, len + 200, 100, &m), VT_OK);
		assert_true(m.open);
		assert_false(m.truncated);
		assert_int_equal(m.length, len + 100); /* to the end, for extract to settle */
		assert_int_equal(m.confidence, big[i].confidence);
		/* cut where identify still decodes it all: settled, truncated */
		assert_int_equal(identify(big[i].f, out, 100 + 20000, 100, &m), VT_OK);
		assert_false(m.open);
		assert_true(m.truncated);
	}
	free(in);
	free(out);
}

static void test_lzma_fields(void **state)
{
	(void)state;
	uint8_t *s = malloc(CAP);
	size_t len = enc_lzma(s, PAYLOAD);
	struct vt_match m;
	const struct {
		size_t at;
		uint8_t v;
	} bad[] = {
		{0, 225},       /* properties out of range */
		{0, 0x5d + 18}, /* lc + lp > 4 */
		{2, 0},         /* with byte 3 below: dictionary 0 */
		{12, 0x01},     /* a "known" size of 2^56 */
		{13, 0x01},     /* the range coder's first byte is not 0 */
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(bad); i++) {
		uint8_t save[14];
		memcpy(save, s, 14);
		if (bad[i].at == 2)
			memset(s + 1, 0, 4);
		s[bad[i].at] = bad[i].v;
		if (bad[i].at == 12)
			memset(s + 5, 0, 7);
		assert_int_not_equal(identify(&vt_format_lzma, s, len, 0, &m), VT_OK);
		memcpy(s, save, 14);
	}
	/* a known size instead of the end marker's -1: still one stream, same extent */
	le64(s + 5, PAYLOAD);
	assert_int_equal(identify(&vt_format_lzma, s, len, 0, &m), VT_OK);
	assert_int_equal(m.length, len);
	free(s);
}

static void test_lzip_fields(void **state)
{
	(void)state;
	uint8_t *s = malloc(CAP);
	size_t len = enc_lzip(s, PAYLOAD);
	struct vt_match m;
	const uint8_t bad_ds[] = {0x0b, 0x1e, 0x1f}; /* 2 KiB, 1 GiB, 2 GiB */
	for (size_t i = 0; i < sizeof(bad_ds); i++) {
		s[5] = bad_ds[i];
		assert_int_not_equal(identify(&vt_format_lzip, s, len, 0, &m), VT_OK);
	}
	s[5] = 0x10;
	s[4] = 0; /* version 0 */
	assert_int_not_equal(identify(&vt_format_lzip, s, len, 0, &m), VT_OK);
	free(s);
}

static double pow256(size_t n)
{
	double v = 1;
	while (n--)
		v *= 256;
	return v;
}

/* Each magic planted in random data many times. A chance hit is as likely as its magic
 * (2^-8 per byte of literal) and then as likely to pass identify() as measured here:
 * the product must stay below 0.05 false chunks per GiB of random data. */
static void test_chance_hits(void **state)
{
	(void)state;
	const size_t size = 1 << 18, plants = 400;
	uint8_t *buf = malloc(size);
	const struct vt_format *fmts[] = {&vt_format_gzip, &vt_format_bzip2, &vt_format_xz,
					  &vt_format_lzma, &vt_format_zstd, &vt_format_lz4,
					  &vt_format_lzop, &vt_format_lzip, &vt_format_compress,
					  &vt_format_zlib};
	for (size_t i = 0; i < VT_ARRAY_LEN(fmts); i++) {
		double per_gib = 0;
		size_t hits = 0, accepted = 0;
		for (const struct vt_magic_pat *p = fmts[i]->magics; p->len; p++) {
			size_t acc = 0;
			for (size_t k = 0; k < size; k += 4)
				le32(buf + k, rnd());
			for (size_t j = 0; j < plants; j++) {
				size_t off = 64 + rnd() % (uint32_t)(size - 4096);
				memcpy(buf + off + p->at, p->bytes, p->len);
				struct vt_match m;
				if (identify(fmts[i], buf, size, off, &m) == VT_OK)
					acc++;
			}
			hits += plants;
			accepted += acc;
			per_gib += (double)acc / plants * 1073741824.0 / pow256(p->len);
		}
		print_message("%s: %zu of %zu chance hits accepted: %.3g per GiB of noise\n",
			      fmts[i]->name, accepted, hits, per_gib);
		assert_true(per_gib < 0.05);
	}
	free(buf);
}

int main(void)
{
	make_payload();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extent),       cmocka_unit_test(test_cut),
		cmocka_unit_test(test_header_flips), cmocka_unit_test(test_lzma_fields),
		cmocka_unit_test(test_lzip_fields),  cmocka_unit_test(test_chance_hits),
		cmocka_unit_test(test_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
