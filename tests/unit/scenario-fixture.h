/* Scenarios parsed from text by a test: the errors printed as TAP
 * comments, a text that must load without one, a text that must fail
 * with a given error. */
#ifndef LT_TEST_SCENARIO_FIXTURE_H
#define LT_TEST_SCENARIO_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static __attribute__((unused)) void
dump(const struct scn_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "# %s:%d:%d: %s\n", errs->v[i].file,
		    errs->v[i].line, errs->v[i].col, errs->v[i].msg);
}

static __attribute__((unused)) struct scenario *
load_text(const char *text, struct scn_errors *errs)
{
	struct scenario *scn = NULL;

	if (scenario_load_buffer("mem.yaml", text, strlen(text), &scn,
	    errs) != 0)
		ck_assert_ptr_null(scn);
	return scn;
}

static __attribute__((unused)) struct scenario *
load_ok(const char *text)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = load_text(text, &errs);

	dump(&errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(scn);
	return scn;
}

/* text fails to load, and among its errors is msg at line:col (with
 * prefix, an error whose message begins with msg); what_case names the
 * case in the failure.  Takes text. */
static __attribute__((unused)) void
assert_error_at(char *text, int line, int col, const char *msg, bool prefix,
    int what_case)
{
	struct scn_errors errs = { 0 };
	size_t i, n = prefix ? strlen(msg) : strlen(msg) + 1;

	ck_assert_ptr_null(load_text(text, &errs));
	for (i = 0; i < errs.n; i++)
		if (errs.v[i].line == line && errs.v[i].col == col &&
		    strncmp(errs.v[i].msg, msg, n) == 0)
			break;
	if (i == errs.n) {
		fprintf(stderr, "# want %d:%d: %s\n", line, col, msg);
		dump(&errs);
	}
	ck_assert_msg(i < errs.n, "case %d: no error %d:%d: %s", what_case,
	    line, col, msg);
	scenario_errors_clear(&errs);
	free(text);
}

#endif
