/* loadtop check FILE... (or --check): validate scenarios, run nothing. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "scenario.h"
#include "util.h"

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
		printf("%s: ok\n", files[i]);
		scenario_free(scn);
	}
	fflush(stdout);
	return rc;
}
