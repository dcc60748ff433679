/* test_sigdb.c - the signature database built in at build time (lib/scan/sigdb_gen.c).
 *
 * The built-in database must be the one the library uses, and must find exactly what a
 * database compiled at run time from the format table finds: every magic literal of
 * every format is planted in a buffer (the expected candidates come from the format
 * table itself), and random data is scanned with both. Serialized bytes that do not fit
 * (another pattern table's digest, cut short, none) must fall back to compiling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/internal.h"
#include "scan/sigscan.h"

#define SPACING 64
#define MAX_CANDS 1000000
#define RANDOM_LEN ((size_t)20 << 20) /* several scan windows */

static struct vti_cand *scan(struct vti_sigdb *d, const uint8_t *p, size_t len, size_t *n)
{
	struct hs_scratch *s = vti_sigdb_scratch(d);
	assert_non_null(s);
	struct vti_cand *c = NULL;
	bool capped = true;
	assert_int_equal(vti_sigscan(d, s, vt_span_make(p, len), MAX_CANDS, NULL, NULL,
				     &c, n, &capped),
			 VT_OK);
	assert_false(capped);
	vti_sigdb_scratch_free(s);
	return c;
}

static bool has(const struct vti_cand *c, size_t n, uint64_t off, uint32_t fmt)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].off == off && c[i].fmt == fmt)
			return true;
	return false;
}

static void same(const struct vti_cand *a, size_t na, const struct vti_cand *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].off, b[i].off);
		assert_int_equal(a[i].fmt, b[i].fmt);
	}
}

static void test_builtin_used(void **state)
{
	(void)state;
	if (!vti_sigdb_blob_len)
		skip(); /* a build that could not run the generator */
	struct vti_sigdb *d;
	assert_int_equal(vti_sigdb_new(&d), VT_OK);
	assert_true(vti_sigdb_is_builtin(d));
	vti_sigdb_free(d);
}

static void test_fallbacks(void **state)
{
	(void)state;
	struct vti_sigdb *d;
	assert_int_equal(vti_sigdb_new_from(&d, NULL, 0, 0), VT_OK);
	assert_false(vti_sigdb_is_builtin(d));
	vti_sigdb_free(d);
	if (!vti_sigdb_blob_len)
		return;
	assert_int_equal(vti_sigdb_new_from(&d, vti_sigdb_blob, vti_sigdb_blob_len,
					    vti_sigdb_blob_digest ^ 1),
			 VT_OK);
	assert_false(vti_sigdb_is_builtin(d));
	vti_sigdb_free(d);
	assert_int_equal(vti_sigdb_new_from(&d, vti_sigdb_blob, vti_sigdb_blob_len / 2,
					    vti_sigdb_blob_digest),
			 VT_OK);
	assert_false(vti_sigdb_is_builtin(d));
	vti_sigdb_free(d);
	/* and the real bytes with their digest are taken */
	assert_int_equal(vti_sigdb_new_from(&d, vti_sigdb_blob, vti_sigdb_blob_len,
					    vti_sigdb_blob_digest),
			 VT_OK);
	assert_true(vti_sigdb_is_builtin(d));
	vti_sigdb_free(d);
}

static void test_same_hits(void **state)
{
	(void)state;
	const struct vt_format *const *f = vti_formats();
	size_t npat = 0, slot = 0;
	for (size_t i = 0; f[i]; i++)
		for (const struct vt_magic_pat *m = f[i]->magics; m && m->len; m++) {
			npat++;
			slot = VT_MAX(slot, m->at + m->len);
		}
	assert_true(npat > 0);
	slot += 2 * SPACING;
	/* every literal in a slot of its own, its header SPACING bytes into the slot */
	size_t len = (npat + 1) * slot;
	uint8_t *buf = calloc(1, len);
	assert_non_null(buf);
	size_t k = 0;
	for (size_t i = 0; f[i]; i++)
		for (const struct vt_magic_pat *m = f[i]->magics; m && m->len; m++, k++)
			memcpy(buf + (k + 1) * slot + SPACING + m->at, m->bytes, m->len);
	struct vti_sigdb *built, *compiled;
	assert_int_equal(vti_sigdb_new(&built), VT_OK);
	assert_int_equal(vti_sigdb_new_from(&compiled, NULL, 0, 0), VT_OK);
	size_t na, nb;
	struct vti_cand *a = scan(built, buf, len, &na), *b = scan(compiled, buf, len, &nb);
	same(a, na, b, nb);
	k = 0;
	for (size_t i = 0; f[i]; i++)
		for (const struct vt_magic_pat *m = f[i]->magics; m && m->len; m++, k++)
			if (!(f[i]->flags & VT_FMT_AT_START))
				assert_true(has(a, na, (k + 1) * slot + SPACING, (uint32_t)i));
	free(a);
	free(b);
	free(buf);

	/* random data, with a few magics planted across window boundaries */
	buf = malloc(RANDOM_LEN);
	assert_non_null(buf);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < RANDOM_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	k = 0;
	for (size_t i = 0; f[i]; i++)
		for (const struct vt_magic_pat *m = f[i]->magics; m && m->len; m++, k++) {
			size_t pos = ((size_t)8 << 20) * (1 + k % 2) - k - 2;
			memcpy(buf + pos, m->bytes, m->len);
		}
	a = scan(built, buf, RANDOM_LEN, &na);
	b = scan(compiled, buf, RANDOM_LEN, &nb);
	assert_true(na > npat / 2);
	same(a, na, b, nb);
	free(a);
	free(b);
	free(buf);
	vti_sigdb_free(built);
	vti_sigdb_free(compiled);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_used),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test(test_same_hits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
