/* loadtop --check FILE...: validate scenarios without running them. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "scenario.h"
#include "util.h"

int
cmd_check(int nfiles, char **files)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn;
	int i, rc = LT_EXIT_OK;

	if (nfiles == 0) {
		fprintf(stderr, "loadtop: --check needs at least one FILE\n");
		return LT_EXIT_USAGE;
	}
	for (i = 0; i < nfiles; i++) {
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
