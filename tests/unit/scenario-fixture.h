/* Scenarios parsed from text by a test: the errors printed as TAP
 * comments, a text that must load without one. */
#ifndef LT_TEST_SCENARIO_FIXTURE_H
#define LT_TEST_SCENARIO_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "scenario.h"

static void
dump(const struct scn_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "# %s:%d:%d: %s\n", errs->v[i].file,
		    errs->v[i].line, errs->v[i].col, errs->v[i].msg);
}

static struct scenario *
load_text(const char *text, struct scn_errors *errs)
{
	struct scenario *scn = NULL;

	if (scenario_load_buffer("mem.yaml", text, strlen(text), &scn,
	    errs) != 0)
		ck_assert_ptr_null(scn);
	return scn;
}

static struct scenario *
load_ok(const char *text)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = load_text(text, &errs);

	dump(&errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(scn);
	return scn;
}

#endif
