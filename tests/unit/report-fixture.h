/* A report's readers run on a snapshot made by a test: the summary as
 * text, the report directory written under the test's own directory, a
 * file of it read back. */
#ifndef LT_TEST_REPORT_FIXTURE_H
#define LT_TEST_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "tmp-dir.h"
#include "headless.h"
#include "report.h"
#include "snapshot.h"
#include "util.h"

/* The end-of-run summary of s. */
static __attribute__((unused)) char *
summary(const struct snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	headless_summary(f, s);
	fclose(f);
	return buf;
}

/* The report of s, written to NAME in the test's directory: its path. */
static __attribute__((unused)) char *
write_report(const struct snapshot *s, const char *name)
{
	struct report_opts o = { .quiet = true };
	char *path, *dir, *cause = NULL;

	xasprintf(&path, "%s/%s", tmp, name);
	o.path = path;
	dir = report_write(s, &o, &cause);
	ck_assert_msg(dir != NULL, "%s", cause);
	free(path);
	return dir;
}

/* File NAME of the report directory DIR. */
static __attribute__((unused)) char *
slurp(const char *dir, const char *name)
{
	char *path, *text;
	size_t len;

	xasprintf(&path, "%s/%s", dir, name);
	text = util_read_file(path, &len);
	ck_assert_msg(text != NULL, "%s not written", path);
	free(path);
	return text;
}

#endif
