/* A fresh directory per test, TMPDIR pointing at it, removed after. */
#ifndef LT_TEST_TMP_DIR_H
#define LT_TEST_TMP_DIR_H

#include <stdio.h>
#include <stdlib.h>

static char tmp[64];

static void
tmp_dir_make(const char *name)
{
	snprintf(tmp, sizeof tmp, "/tmp/loadtop-test-%s.XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	setenv("TMPDIR", tmp, 1);
}

static void
tmp_dir_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}

#endif
