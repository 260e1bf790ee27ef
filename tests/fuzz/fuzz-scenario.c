/*
 * The scenario parser: any bytes as a scenario file, through the loader
 * (what --check runs) and the checks a run adds before it starts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE *sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;
	char *cause = NULL;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		abort();
	/* A path in no directory: a relative body_file finds nothing. */
	if (scenario_load_buffer("/nonexistent/fuzz.yaml", (const char *)data,
	    size, &scn, &errs) == 0) {
		if (scenario_check_limits(scn, &cause) != 0)
			free(cause);
		scenario_check_transport(scn, &errs);
		scenario_check_streams(scn, false, "7.88.1", &errs);
		scenario_bind_env(scn, &errs);
		scenario_free(scn);
	}
	scenario_errors_print(sink, &errs);
	scenario_errors_clear(&errs);
	return 0;
}
