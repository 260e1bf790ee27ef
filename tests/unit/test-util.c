/* The small helpers of src/base/util: the bounded append and the
 * bounded file read. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-tap.h"
#include "util.h"

START_TEST(appendf_fits)
{
	char buf[32] = "a";

	util_appendf(buf, sizeof buf, ", %d of %s", 2, "three");
	ck_assert_str_eq(buf, "a, 2 of three");
	util_appendf(buf, sizeof buf, "%s", "");
	ck_assert_str_eq(buf, "a, 2 of three");
}
END_TEST

/* Past the end the text is cut, the byte after the buffer untouched,
 * and a full buffer takes nothing more. */
START_TEST(appendf_cuts)
{
	char mem[9];

	memset(mem, '#', sizeof mem);
	strcpy(mem, "abc");
	util_appendf(mem, 8, "%s", "defghijk");
	ck_assert_str_eq(mem, "abcdefg");
	ck_assert_int_eq(mem[8], '#');
	util_appendf(mem, 8, "%s", "z");
	ck_assert_str_eq(mem, "abcdefg");
	ck_assert_int_eq(mem[8], '#');
}
END_TEST

START_TEST(read_file_max)
{
	char path[] = "/tmp/loadtop-util-XXXXXX";
	size_t len = 0;
	char *text;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "0123456789", 10), 10);
	close(fd);
	text = util_read_file_max(path, 10, &len);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, 10);
	ck_assert_int_eq(memcmp(text, "0123456789", 10), 0);
	free(text);
	errno = 0;
	ck_assert_ptr_null(util_read_file_max(path, 9, &len));
	ck_assert_int_eq(errno, EFBIG);
	unlink(path);
	errno = 0;
	ck_assert_ptr_null(util_read_file(path, &len));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, appendf_fits);
	tcase_add_test(tc, appendf_cuts);
	tcase_add_test(tc, read_file_max);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(util_suite)
