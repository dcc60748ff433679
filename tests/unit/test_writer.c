/* test_writer.c - the safe writer: name cleaning and creation under hostile names.
 *
 * Every case creates files through tree/writer.c in a fresh directory and then checks,
 * with plain lstat() on the real filesystem, that nothing appeared outside it and that
 * links were stored, not followed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/internal.h"
#include "tree/writer.h"

static char base[256];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/vetter-writer-XXXXXX");
	if (!mkdtemp(base))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *clean(const char *in, unsigned *fixes)
{
	static struct vt_buf b;
	vt_buf_release(&b);
	vt_buf_init(&b, 1 << 16);
	vt_err e = vti_path_clean(in, &b, fixes);
	return e ? NULL : vt_buf_str(&b);
}

static void test_clean(void **state)
{
	(void)state;
	unsigned f;
	assert_string_equal(clean("a/b/c", &f), "a/b/c");
	assert_int_equal(f, 0);
	assert_string_equal(clean("/etc/passwd", &f), "etc/passwd");
	assert_int_equal(f, VT_FIX_ABSOLUTE);
	assert_string_equal(clean("../../etc/shadow", &f), "etc/shadow");
	assert_int_equal(f, VT_FIX_DOTDOT);
	assert_string_equal(clean("a/../../b/./c//d/", &f), "a/b/c/d");
	assert_true(f & VT_FIX_DOTDOT);
	assert_string_equal(clean("//..//./", &f), "unnamed");
	assert_true(f & VT_FIX_EMPTY);
	assert_string_equal(clean("", &f), "unnamed");
	assert_string_equal(clean("..", &f), "unnamed");
	assert_string_equal(clean("...", &f), "...");
	assert_string_equal(clean("a/..b/c..", &f), "a/..b/c..");
	assert_int_equal(f, 0);
	char lng[600];
	memset(lng, 'x', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = 0;
	const char *c = clean(lng, &f);
	assert_non_null(c);
	assert_true(f & VT_FIX_LONG);
	assert_true(strlen(c) <= 255);
	/* 300 components is over the limit */
	char deep[700];
	for (int i = 0; i < 300; i++)
		memcpy(deep + 2 * i, "a/", 2);
	deep[600] = 0;
	assert_null(clean(deep, &f));
}

static bool exists_outside(const char *rel)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	return lstat(p, &st) == 0;
}

static void test_create_and_refuse(void **state)
{
	(void)state;
	char out[300];
	snprintf(out, sizeof(out), "%s/out", base);
	struct vti_writer *w;
	assert_int_equal(vti_writer_open(out, &w), VT_OK);
	int fd;
	bool replaced;
	const char *why;
	/* a plain file in new directories, setuid and world-writable bits dropped */
	assert_int_equal(vti_writer_file(w, "a/b/file", 06777, &fd, &replaced, &why), VT_OK);
	assert_int_equal(write(fd, "hi", 2), 2);
	close(fd);
	struct stat st;
	char p[512];
	snprintf(p, sizeof(p), "%s/a/b/file", out);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* a symlink pointing outside, then a write through it: refused */
	assert_int_equal(vti_writer_symlink(w, "evil", "..", &why), VT_OK);
	assert_int_equal(vti_writer_symlink(w, "abs", "/tmp", &why), VT_OK);
	assert_int_equal(vti_writer_file(w, "evil/pwned", 0644, &fd, &replaced, &why), VT_EACCES);
	assert_non_null(why);
	assert_int_equal(vti_writer_file(w, "abs/pwned", 0644, &fd, &replaced, &why), VT_EACCES);
	assert_false(exists_outside("pwned"));
	assert_int_equal(lstat("/tmp/pwned", &st), -1);
	/* the link itself is a link, not followed */
	snprintf(p, sizeof(p), "%s/evil", out);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* a file stored over a symlink replaces the link, never writes through it */
	assert_int_equal(vti_writer_file(w, "abs", 0644, &fd, &replaced, &why), VT_OK);
	assert_true(replaced);
	close(fd);
	snprintf(p, sizeof(p), "%s/abs", out);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* a hard link to a symlink or to a missing file is refused */
	assert_int_equal(vti_writer_hardlink(w, "h1", "evil", &why), VT_EACCES);
	assert_int_equal(vti_writer_hardlink(w, "h2", "missing", &why), VT_EACCES);
	assert_int_equal(vti_writer_hardlink(w, "h3", "a/b/file", &why), VT_OK);
	/* a file where a directory exists is refused; a directory where a file exists too */
	assert_int_equal(vti_writer_file(w, "a", 0644, &fd, &replaced, &why), VT_EACCES);
	assert_int_equal(vti_writer_dir(w, "a/b/file/sub", &fd, &why), VT_EACCES);
	/* reading never follows links */
	assert_true(vti_writer_open_read(w, "evil") < 0);
	fd = vti_writer_open_read(w, "h3");
	assert_true(fd >= 0);
	close(fd);
	vti_writer_close(w, true);
	assert_int_equal(lstat(out, &st), -1); /* removed without following 'evil' */
	assert_int_equal(lstat(base, &st), 0);
}

static void test_output_must_be_empty(void **state)
{
	(void)state;
	char out[300];
	snprintf(out, sizeof(out), "%s/full", base);
	mkdir(out, 0755);
	char p[512];
	snprintf(p, sizeof(p), "%s/x", out);
	FILE *f = fopen(p, "w");
	fclose(f);
	struct vti_writer *w;
	assert_int_equal(vti_writer_open(out, &w), VT_EINVAL);
	assert_null(w);
	/* a temporary directory is made when none is given, and removed */
	assert_int_equal(vti_writer_open(NULL, &w), VT_OK);
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s", vti_writer_root(w));
	struct stat st;
	assert_int_equal(lstat(tmp, &st), 0);
	vti_writer_close(w, true);
	assert_int_equal(lstat(tmp, &st), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test_setup_teardown(test_create_and_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_must_be_empty, setup, teardown),
	};
	return cmocka_run_group_tests_name("writer", tests, NULL, NULL);
}
