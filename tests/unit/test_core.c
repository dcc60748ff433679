/* test_core.c - unit tests of lib/core: errors, spans, arena, capped buffers, SHA-256
 * (FIPS 180-2 / NIST test vectors), thread pool and logging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <vetter/vetter.h>

/* ---- errors ---- */

static void test_errors(void **state)
{
	(void)state;
	for (int e = 0; e < VT_ERR_COUNT; e++) {
		assert_non_null(vt_strerror((vt_err)e));
		assert_string_not_equal(vt_strerror((vt_err)e), "unknown error");
		assert_string_not_equal(vt_errname((vt_err)e), "VT_UNKNOWN");
	}
	assert_string_equal(vt_strerror((vt_err)9999), "unknown error");
	assert_string_equal(vt_errname((vt_err)-1), "VT_UNKNOWN");
	assert_string_equal(vt_errname(VT_ETRUNC), "VT_ETRUNC");
	assert_int_equal(vt_err_from_errno(ENOENT), VT_ENOTFOUND);
	assert_int_equal(vt_err_from_errno(EACCES), VT_EACCES);
	assert_int_equal(vt_err_from_errno(ELOOP), VT_ELOOP);
	assert_int_equal(vt_err_from_errno(ENOMEM), VT_ENOMEM);
	assert_int_equal(vt_err_from_errno(EIO), VT_EIO);
	assert_int_equal(vt_err_from_errno(0), VT_OK);
}

/* ---- spans ---- */

static const uint8_t bytes8[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

static void test_span_integers(void **state)
{
	(void)state;
	struct vt_span s = vt_span_make(bytes8, sizeof(bytes8));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	assert_int_equal(vt_span_u8(s, 7, &u8), VT_OK);
	assert_int_equal(u8, 0x08);
	assert_int_equal(vt_span_u16le(s, 0, &u16), VT_OK);
	assert_int_equal(u16, 0x0201);
	assert_int_equal(vt_span_u16be(s, 6, &u16), VT_OK);
	assert_int_equal(u16, 0x0708);
	assert_int_equal(vt_span_u32le(s, 4, &u32), VT_OK);
	assert_int_equal(u32, 0x08070605);
	assert_int_equal(vt_span_u32be(s, 1, &u32), VT_OK);
	assert_int_equal(u32, 0x02030405);
	assert_int_equal(vt_span_u64le(s, 0, &u64), VT_OK);
	assert_true(u64 == 0x0807060504030201ull);
	assert_int_equal(vt_span_u64be(s, 0, &u64), VT_OK);
	assert_true(u64 == 0x0102030405060708ull);
	assert_int_equal(vt_span_u32(s, 0, true, &u32), VT_OK);
	assert_int_equal(u32, 0x01020304);
	assert_int_equal(vt_span_u32(s, 0, false, &u32), VT_OK);
	assert_int_equal(u32, 0x04030201);
}

/* Every accessor at every offset: in range exactly when off + width <= len, and the
 * output is left untouched on failure. */
static void test_span_boundaries(void **state)
{
	(void)state;
	struct vt_span s = vt_span_make(bytes8, sizeof(bytes8));
	const size_t offs[] = {0, 1, 4, 6, 7, 8, 9, 100, SIZE_MAX - 1, SIZE_MAX};
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t off = offs[i];
		uint8_t u8 = 0xaa;
		uint16_t u16 = 0xaaaa;
		uint32_t u32 = 0xaaaaaaaa;
		uint64_t u64 = 0xaaaaaaaaaaaaaaaaull;
		bool ok1 = off + 1 <= 8 && off < 8, ok2 = off <= 6, ok4 = off <= 4, ok8 = off == 0;
		assert_int_equal(vt_span_u8(s, off, &u8), ok1 ? VT_OK : VT_ETRUNC);
		assert_int_equal(vt_span_u16le(s, off, &u16), ok2 ? VT_OK : VT_ETRUNC);
		assert_int_equal(vt_span_u16be(s, off, &u16), ok2 ? VT_OK : VT_ETRUNC);
		assert_int_equal(vt_span_u32le(s, off, &u32), ok4 ? VT_OK : VT_ETRUNC);
		assert_int_equal(vt_span_u32be(s, off, &u32), ok4 ? VT_OK : VT_ETRUNC);
		assert_int_equal(vt_span_u64le(s, off, &u64), ok8 ? VT_OK : VT_ETRUNC);
		assert_int_equal(vt_span_u64be(s, off, &u64), ok8 ? VT_OK : VT_ETRUNC);
		if (!ok1)
			assert_int_equal(u8, 0xaa);
		if (!ok2)
			assert_int_equal(u16, 0xaaaa);
		if (!ok4)
			assert_int_equal(u32, 0xaaaaaaaa);
		if (!ok8)
			assert_true(u64 == 0xaaaaaaaaaaaaaaaaull);
	}
	/* the empty span and a NULL pointer */
	struct vt_span e = vt_span_make(NULL, 10);
	uint8_t u8;
	assert_int_equal(e.len, 0);
	assert_int_equal(vt_span_u8(e, 0, &u8), VT_ETRUNC);
}

static void test_span_sub(void **state)
{
	(void)state;
	struct vt_span s = vt_span_make(bytes8, sizeof(bytes8)), t;
	assert_int_equal(vt_span_sub(s, 2, 6, &t), VT_OK);
	assert_int_equal(t.len, 6);
	assert_ptr_equal(t.p, bytes8 + 2);
	assert_int_equal(vt_span_sub(s, 2, 7, &t), VT_ETRUNC);
	assert_int_equal(vt_span_sub(s, 8, 0, &t), VT_OK);
	assert_int_equal(t.len, 0);
	assert_int_equal(vt_span_sub(s, 9, 0, &t), VT_ETRUNC);
	assert_int_equal(vt_span_sub(s, 1, SIZE_MAX, &t), VT_ETRUNC);
	assert_int_equal(vt_span_sub(s, SIZE_MAX, 2, &t), VT_ETRUNC);
	assert_int_equal(vt_span_tail(s, 8, &t), VT_OK);
	assert_int_equal(t.len, 0);
	assert_int_equal(vt_span_tail(s, 9, &t), VT_ETRUNC);
	assert_true(vt_span_has(s, 0, 8));
	assert_false(vt_span_has(s, 1, 8));
	assert_false(vt_span_has(s, SIZE_MAX, SIZE_MAX));
	assert_true(vt_span_eq(s, 6, "\x07\x08", 2));
	assert_false(vt_span_eq(s, 7, "\x08\x09", 2));
	uint8_t out[3] = {9, 9, 9};
	assert_int_equal(vt_span_copy(s, 6, out, 3), VT_ETRUNC);
	assert_int_equal(out[0], 9);
	assert_int_equal(vt_span_copy(s, 5, out, 3), VT_OK);
	assert_memory_equal(out, "\x06\x07\x08", 3);
}

static void test_span_cstr(void **state)
{
	(void)state;
	static const char data[] = "abc\0defgh";
	struct vt_span s = vt_span_make(data, 9); /* "abc\0defgh" without the final NUL */
	const char *str;
	size_t n;
	assert_int_equal(vt_span_cstr(s, 0, 100, &str, &n), VT_OK);
	assert_int_equal(n, 3);
	assert_string_equal(str, "abc");
	assert_int_equal(vt_span_cstr(s, 3, 100, &str, &n), VT_OK);
	assert_int_equal(n, 0);
	assert_int_equal(vt_span_cstr(s, 4, 100, &str, &n), VT_ETRUNC); /* no NUL before end */
	assert_int_equal(vt_span_cstr(s, 0, 2, &str, &n), VT_ELIMIT);   /* longer than max */
	assert_int_equal(vt_span_cstr(s, 0, 3, &str, &n), VT_OK);
	assert_int_equal(vt_span_cstr(s, 9, 100, &str, &n), VT_ETRUNC);
	assert_int_equal(vt_span_cstr(s, SIZE_MAX, 100, &str, &n), VT_ETRUNC);
}

static void test_checked_math(void **state)
{
	(void)state;
	size_t r;
	assert_true(vt_add_ok(1, 2, &r) && r == 3);
	assert_false(vt_add_ok(SIZE_MAX, 1, &r));
	assert_true(vt_mul_ok(1 << 20, 1 << 10, &r) && r == (size_t)1 << 30);
	assert_false(vt_mul_ok(SIZE_MAX / 2 + 1, 2, &r));
}

/* ---- arena ---- */

static void test_arena(void **state)
{
	(void)state;
	struct vt_arena *a = vt_arena_new();
	assert_non_null(a);
	for (int i = 0; i < 10000; i++) {
		size_t n = (size_t)(i % 97) + 1;
		unsigned char *p = vt_arena_alloc(a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xff, n);
	}
	unsigned char *big = vt_arena_alloc(a, 1 << 20);
	assert_non_null(big);
	assert_int_equal(big[(1 << 20) - 1], 0);
	assert_null(vt_arena_alloc(a, SIZE_MAX));
	assert_null(vt_arena_calloc(a, SIZE_MAX / 2, 4));
	assert_non_null(vt_arena_alloc(a, 0));
	char *s = vt_arena_strndup(a, "hello world", 5);
	assert_string_equal(s, "hello");
	assert_string_equal(vt_arena_strdup(a, "x"), "x");
	assert_null(vt_arena_strdup(a, NULL));
	assert_string_equal(vt_arena_printf(a, "%s-%d", "v", 42), "v-42");
	assert_true(vt_arena_used(a) >= (1 << 20));
	vt_arena_free(a);
	vt_arena_free(NULL);
}

/* ---- capped buffers ---- */

/* vt_buf_read_fd/vt_buf_read_file: a file of 200,000 known bytes read whole, refused past
 * the cap (keeping what fitted), an empty file, a directory, a fifo (never waited on). */
static void test_buf_read(void **state)
{
	(void)state;
	char dir[] = "/tmp/vt-buf-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], fifo[256];
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(fifo, sizeof(fifo), "%s/p", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200000; i++)
		fputc(i % 251, f);
	fclose(f);

	struct vt_buf b;
	vt_buf_init(&b, 200000);
	assert_int_equal(vt_buf_read_file(&b, AT_FDCWD, path, true), VT_OK);
	assert_int_equal(b.len, 200000);
	for (int i = 0; i < 200000; i += 997)
		assert_int_equal(b.data[i], i % 251);
	assert_int_equal(b.data[b.len], 0);
	vt_buf_release(&b);

	vt_buf_init(&b, 199999); /* one byte short: stat says so */
	assert_int_equal(vt_buf_read_file(&b, AT_FDCWD, path, true), VT_ELIMIT);
	vt_buf_release(&b);
	int fd = open(path, O_RDONLY);
	vt_buf_init(&b, 150000); /* read from a descriptor: stops at the cap */
	assert_int_equal(vt_buf_read_fd(&b, fd), VT_ELIMIT);
	assert_int_equal(b.len, 150000);
	close(fd);
	vt_buf_release(&b);

	assert_int_equal(truncate(path, 0), 0);
	vt_buf_init(&b, 10);
	assert_int_equal(vt_buf_read_file(&b, AT_FDCWD, path, true), VT_OK);
	assert_int_equal(b.len, 0);
	assert_int_equal(vt_buf_read_file(&b, AT_FDCWD, dir, false), VT_ENOTSUP);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(vt_buf_read_file(&b, AT_FDCWD, fifo, false), VT_ENOTSUP);
	vt_buf_release(&b);
	unlink(fifo);
	unlink(path);
	rmdir(dir);
}

static void test_buf(void **state)
{
	(void)state;
	struct vt_buf b;
	vt_buf_init(&b, 10);
	assert_string_equal(vt_buf_str(&b), "");
	assert_int_equal(vt_buf_addstr(&b, "hello"), VT_OK);
	assert_int_equal(vt_buf_printf(&b, "%d", 12345), VT_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(vt_buf_str(&b), "hello12345");
	assert_int_equal(vt_buf_add(&b, "x", 1), VT_ELIMIT);
	assert_int_equal(vt_buf_printf(&b, "y"), VT_ELIMIT);
	assert_int_equal(b.len, 10);
	assert_int_equal(vt_buf_reserve(&b, SIZE_MAX), VT_ELIMIT);
	vt_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(vt_buf_add(&b, "abc", 3), VT_OK);
	size_t n;
	uint8_t *d = vt_buf_take(&b, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(d, "abc\0", 4);
	free(d);
	assert_null(b.data);
	vt_buf_release(&b);

	/* growth across many doublings up to a large cap */
	vt_buf_init(&b, 1 << 20);
	for (int i = 0; i < (1 << 20) / 8; i++)
		assert_int_equal(vt_buf_add(&b, "01234567", 8), VT_OK);
	assert_int_equal(b.len, 1 << 20);
	assert_int_equal(vt_buf_add(&b, "", 0), VT_OK);
	assert_int_equal(vt_buf_add(&b, "!", 1), VT_ELIMIT);
	vt_buf_release(&b);
}

/* ---- SHA-256 ---- */

static void hex_of(const char *in, size_t n, char hex[65])
{
	uint8_t d[VT_SHA256_LEN];
	assert_int_equal(vt_sha256(in, n, d), VT_OK);
	vt_sha256_hex(d, hex);
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[65];
	/* FIPS 180-2 appendix B and the NIST CAVP short-message examples */
	hex_of("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hex_of("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(m, strlen(m), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	hex_of(m, strlen(m), hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");

	/* one million 'a', fed incrementally in uneven pieces */
	struct vt_sha256_ctx *c = vt_sha256_new();
	assert_non_null(c);
	char a[1000];
	memset(a, 'a', sizeof(a));
	size_t left = 1000000;
	for (size_t step = 1; left; step = step * 7 % 999 + 1) {
		size_t n = step < left ? step : left;
		assert_int_equal(vt_sha256_update(c, a, n), VT_OK);
		left -= n;
	}
	uint8_t d[VT_SHA256_LEN];
	assert_int_equal(vt_sha256_final(c, d), VT_OK);
	vt_sha256_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* the context is reusable after final */
	assert_int_equal(vt_sha256_update(c, "abc", 3), VT_OK);
	assert_int_equal(vt_sha256_final(c, d), VT_OK);
	vt_sha256_hex(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	vt_sha256_free(c);
}

/* ---- thread pool ---- */

struct pool_state {
	struct vt_pool *pool;
	atomic_int count;
	atomic_int children;
	atomic_uint max_worker;
};

static void child_task(void *arg, unsigned worker)
{
	struct pool_state *ps = arg;
	atomic_fetch_add(&ps->children, 1);
	(void)worker;
}

static void parent_task(void *arg, unsigned worker)
{
	struct pool_state *ps = arg;
	unsigned m = atomic_load(&ps->max_worker);
	while (worker > m && !atomic_compare_exchange_weak(&ps->max_worker, &m, worker))
		;
	if (atomic_fetch_add(&ps->count, 1) % 2 == 0)
		assert_int_equal(vt_pool_submit(ps->pool, child_task, ps), VT_OK);
}

static void test_pool(void **state)
{
	(void)state;
	struct pool_state ps = {0};
	ps.pool = vt_pool_new(4);
	assert_non_null(ps.pool);
	assert_int_equal(vt_pool_size(ps.pool), 4);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(vt_pool_submit(ps.pool, parent_task, &ps), VT_OK);
	assert_true(vt_pool_wait(ps.pool, -1));
	assert_int_equal(atomic_load(&ps.count), 10000);
	assert_int_equal(atomic_load(&ps.children), 5000);
	assert_true(atomic_load(&ps.max_worker) < 4);
	assert_true(vt_pool_wait(ps.pool, 0)); /* idle pool */
	vt_pool_free(ps.pool);
	vt_pool_free(NULL);
	assert_true(vt_ncpus() >= 1);
}

static void slow_task(void *arg, unsigned worker)
{
	(void)worker;
	struct timespec ts = {0, 200 * 1000 * 1000};
	nanosleep(&ts, NULL);
	atomic_fetch_add((atomic_int *)arg, 1);
}

static void test_pool_timeout(void **state)
{
	(void)state;
	atomic_int n = 0;
	struct vt_pool *p = vt_pool_new(1);
	assert_int_equal(vt_pool_submit(p, slow_task, &n), VT_OK);
	assert_false(vt_pool_wait(p, 10)); /* still running after 10 ms */
	assert_true(vt_pool_wait(p, -1));
	assert_int_equal(atomic_load(&n), 1);
	vt_pool_free(p);
}

/* vt_pool_for: every index once, slots distinct among running calls, no waiting on
 * queued work (nested in tasks, and with every worker busy). */
#define FOR_N 500
#define FOR_SLOTS 8

struct for_state {
	atomic_int runs[FOR_N];
	atomic_int busy[FOR_SLOTS];
	atomic_int bad; /* a slot out of range, or two calls on one slot at once */
	unsigned helpers;
};

static void for_fn(void *arg, size_t i, unsigned slot)
{
	struct for_state *fs = arg;
	if (slot > fs->helpers || slot >= FOR_SLOTS || atomic_exchange(&fs->busy[slot], 1)) {
		atomic_fetch_add(&fs->bad, 1);
		return;
	}
	atomic_fetch_add(&fs->runs[i], 1);
	for (volatile int k = 0; k < 2000; k++)
		;
	atomic_store(&fs->busy[slot], 0);
}

static void check_for(struct for_state *fs)
{
	assert_int_equal(atomic_load(&fs->bad), 0);
	for (size_t i = 0; i < FOR_N; i++)
		assert_int_equal(atomic_load(&fs->runs[i]), 1);
}

struct nested {
	struct vt_pool *pool;
	struct for_state fs;
};

static void nested_task(void *arg, unsigned worker)
{
	(void)worker;
	struct nested *n = arg;
	vt_pool_for(n->pool, FOR_N, n->fs.helpers, for_fn, &n->fs);
}

static void test_pool_for(void **state)
{
	(void)state;
	static struct for_state fs; /* zeroed */
	fs.helpers = 3;
	struct vt_pool *p = vt_pool_new(3);
	vt_pool_for(p, FOR_N, 3, for_fn, &fs);
	check_for(&fs);
	/* no pool: everything on the caller, slot 0 */
	memset(&fs, 0, sizeof(fs));
	vt_pool_for(NULL, FOR_N, 3, for_fn, &fs);
	check_for(&fs);
	vt_pool_for(p, 0, 3, for_fn, &fs); /* nothing to do */
	/* from inside tasks, more of them than workers: none waits on queued work */
	static struct nested ns[6];
	for (size_t k = 0; k < 6; k++) {
		memset(&ns[k], 0, sizeof(ns[k]));
		ns[k].pool = p;
		ns[k].fs.helpers = 2;
		assert_int_equal(vt_pool_submit(p, nested_task, &ns[k]), VT_OK);
	}
	assert_true(vt_pool_wait(p, -1));
	for (size_t k = 0; k < 6; k++)
		check_for(&ns[k].fs);
	vt_pool_free(p);
	/* the only worker busy: the caller does it all and does not wait for the worker */
	atomic_int slow = 0;
	p = vt_pool_new(1);
	assert_int_equal(vt_pool_submit(p, slow_task, &slow), VT_OK);
	memset(&fs, 0, sizeof(fs));
	fs.helpers = 1;
	vt_pool_for(p, FOR_N, 1, for_fn, &fs);
	check_for(&fs);
	assert_int_equal(atomic_load(&slow), 0); /* returned while the worker was still busy */
	vt_pool_free(p);
	assert_int_equal(atomic_load(&slow), 1);
}

/* ---- logging ---- */

struct captured {
	int calls;
	enum vt_log_level level;
	char msg[128];
};

static void sink(enum vt_log_level level, const char *msg, void *ud)
{
	struct captured *c = ud;
	c->calls++;
	c->level = level;
	snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

static void test_log(void **state)
{
	(void)state;
	struct captured c = {0};
	vt_log_set_sink(sink, &c);
	vt_log_set_level(VT_LOG_WARN);
	vt_info("hidden %d", 1);
	assert_int_equal(c.calls, 0);
	vt_warn("cannot open '%s'", "x");
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.level, VT_LOG_WARN);
	assert_string_equal(c.msg, "cannot open 'x'");
	vt_log_set_level(VT_LOG_DEBUG);
	vt_debug("d");
	assert_int_equal(c.calls, 2);
	assert_int_equal(vt_log_get_level(), VT_LOG_DEBUG);
	vt_log_set_sink(NULL, NULL);
	vt_log_set_level(VT_LOG_WARN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),	       cmocka_unit_test(test_span_integers),
		cmocka_unit_test(test_span_boundaries), cmocka_unit_test(test_span_sub),
		cmocka_unit_test(test_span_cstr),      cmocka_unit_test(test_checked_math),
		cmocka_unit_test(test_arena),	       cmocka_unit_test(test_buf), cmocka_unit_test(test_buf_read),
		cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_pool),
		cmocka_unit_test(test_pool_timeout),   cmocka_unit_test(test_pool_for),   cmocka_unit_test(test_log),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
