/*
 * The leak fit on series recorded from real processes
 * (tests/fixtures/leak-series/, recorded by scripts/record-leak-series):
 * no false leak, every true leak found, its rate within 15%.
 */
#include "config.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "leak.h"

#define CORPUS LT_TEST_DATA "/fixtures/leak-series"
#define MAX_FILES 64

struct series {
	struct leak_point *p;
	size_t n;
	bool leak;			/* the truth */
	double rate;			/* bytes per request, when it leaks */
	char expect[32];		/* the verdict it must get, if said */
};

static char *files[MAX_FILES];
static size_t nfiles;

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_corpus(void)
{
	struct dirent *de;
	DIR *d = opendir(CORPUS);
	size_t len;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && nfiles < MAX_FILES) {
		len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".csv") == 0)
			files[nfiles++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(files, nfiles, sizeof *files, cmp_names);
}

/* A header line: "# truth: no leak", "# truth: leak 65536 bytes/request",
 * "# expect: stable". */
static void
header(const char *line, struct series *s)
{
	if (strncmp(line, "# truth: leak ", 14) == 0) {
		s->leak = true;
		s->rate = strtod(line + 14, NULL);
	} else if (strncmp(line, "# expect: ", 10) == 0)
		sscanf(line + 10, "%31s", s->expect);
}

static void
load(const char *name, struct series *s)
{
	char path[512], line[512];
	size_t cap = 256;
	double t, rss, req;
	FILE *f;

	memset(s, 0, sizeof *s);
	snprintf(path, sizeof path, "%s/%s", CORPUS, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: cannot open", path);
	s->p = calloc(cap, sizeof *s->p);
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#') {
			header(line, s);
			continue;
		}
		if (sscanf(line, "%lf,%lf,%lf", &t, &rss, &req) != 3)
			continue;		/* the column names */
		if (s->n == cap)
			s->p = realloc(s->p, (cap *= 2) * sizeof *s->p);
		s->p[s->n].t_us = (int64_t)llround(t * 1e6);
		s->p[s->n].rss = (int64_t)rss;
		s->p[s->n++].requests = (uint64_t)req;
	}
	fclose(f);
}

START_TEST(test_corpus_complete)
{
	struct series s;
	size_t i, leaks = 0;

	/* The kinds of process the fit is known to face, and no fewer. */
	ck_assert_msg(nfiles >= 6, "%zu series in %s", nfiles, CORPUS);
	for (i = 0; i < nfiles; i++) {
		load(files[i], &s);
		ck_assert_msg(s.n >= 100, "%s: %zu points", files[i], s.n);
		leaks += s.leak;
		free(s.p);
	}
	ck_assert_uint_ge(leaks, 2);
	ck_assert_uint_ge(nfiles - leaks, 4);
}
END_TEST

START_TEST(test_corpus_series)
{
	const char *name = files[_i];
	struct leak_params lp;
	struct leak_fit f;
	struct series s;

	load(name, &s);
	leak_params_default(&lp);
	leak_fit(s.p, s.n, &lp, &f);
	if (s.leak) {
		ck_assert_msg(f.verdict == LEAK_LEAK, "%s: a leak missed: %s: %s",
		    name, leak_verdict_name(f.verdict), f.reason);
		ck_assert_msg(f.per_request.valid, "%s: no per-request fit",
		    name);
		ck_assert_msg(fabs(f.bytes_per_request - s.rate) <= 0.15 * s.rate,
		    "%s: %.0f bytes/request, truth %.0f", name,
		    f.bytes_per_request, s.rate);
	} else
		ck_assert_msg(f.verdict != LEAK_LEAK, "%s: a false leak: %s",
		    name, f.reason);
	if (s.expect[0] != '\0')
		ck_assert_msg(strcmp(leak_verdict_name(f.verdict), s.expect) == 0,
		    "%s: %s, expected %s: %s", name, leak_verdict_name(f.verdict),
		    s.expect, f.reason);
	free(s.p);
}
END_TEST

static Suite *
corpus_suite(void)
{
	Suite *s = suite_create("leak-corpus");
	TCase *tc = tcase_create("corpus");

	list_corpus();
	tcase_add_test(tc, test_corpus_complete);
	tcase_add_loop_test(tc, test_corpus_series, 0, (int)nfiles);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(corpus_suite)
