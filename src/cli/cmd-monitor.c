/*
 * loadtop monitor: watch processes without load.  It is a session like a
 * run's, of one idle phase: the dashboard's target views or progress
 * lines, the thresholds, and a report at every ending.
 */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"
#include "cmd-yaml.h"
#include "scenario-limits.h"
#include "util.h"

/* The session's scenario: the URLs to poll, and one idle phase as long
 * as --duration, else as long as a scenario may last. */
static char *
cmd_monitor_yaml(const struct cmd_opts *o)
{
	char *y = xstrdup("version: 1\nname: monitor\ntarget:\n");
	size_t i;

	if (o->health_url != NULL)
		cmd_yaml_line(&y, "  health_url: ", o->health_url);
	if (o->metrics_url != NULL)
		cmd_yaml_line(&y, "  metrics_url: ", o->metrics_url);
	if (o->metrics.n > 0)
		cmd_yaml_append(&y, "  metrics:\n");
	for (i = 0; i < o->metrics.n; i++)
		cmd_yaml_line(&y, "    - ", o->metrics.v[i]);
	if (o->health_url == NULL && o->metrics_url == NULL)
		cmd_yaml_append(&y, "  {}\n");
	cmd_yaml_append(&y, "phases:\n  - {name: monitor, kind: idle, "
	    "duration: %lldus}\n", (long long)(o->duration_us > 0 ?
	    o->duration_us : SCN_MAX_DURATION_US));
	return y;
}

int
cmd_monitor(struct cmd_opts *o)
{
	char *yaml = cmd_monitor_yaml(o);
	int rc;

	rc = cmd_run_session(o, yaml);
	free(yaml);
	return rc;
}
