/* loadtop check FILE... (or --check): validate scenarios, run nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "scenario.h"
#include "util.h"

/* The environment a run would read, noted: a file is valid whether the
 * machine checking it holds its secrets or not. */
static void
note_environment(struct scenario *scn)
{
	struct scn_errors errs = { 0 };
	char *s;
	size_t i;

	if (scenario_bind_env(scn, &errs) == 0)
		return;
	for (i = 0; i < errs.n; i++) {
		s = scenario_error_format(&errs.v[i]);
		fprintf(stderr, "%s (here; a run would refuse it)\n", s);
		free(s);
	}
	scenario_errors_clear(&errs);
}

int
cmd_check(struct cmd_opts *o)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn;
	char **files = o->args.operands;
	int i, rc = LT_EXIT_OK;

	for (i = 0; i < o->args.noperands; i++) {
		if (scenario_load(files[i], &scn, &errs) != 0) {
			scenario_errors_print(stderr, &errs);
			scenario_errors_clear(&errs);
			rc = LT_EXIT_USAGE;
			continue;
		}
		note_environment(scn);
		printf("%s: ok\n", files[i]);
		scenario_free(scn);
	}
	fflush(stdout);
	return rc;
}
