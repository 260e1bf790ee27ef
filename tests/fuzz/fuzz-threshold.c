/*
 * Threshold expressions: any text as --threshold gives it, parsed and
 * resolved against a scenario with a request, a group, a flow, a phase,
 * a stage and a stream of each kind, then judged and printed.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "threshold.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char scenario_yaml[] =
    "version: 1\n"
    "name: fuzz\n"
    "target: {base_url: 'http://127.0.0.1:1', metrics_url: /metrics,\n"
    "         metrics: [http_requests_total]}\n"
    "requests:\n"
    "  - {name: login, path: /login, group: auth,\n"
    "     outcome: {json: /status}, capture: {token: {json: /token}}}\n"
    "  - {name: me, path: /me, headers: {X-T: '${var:token}'}}\n"
    "  - {name: chat, path: /ws, websocket: {send: hi, message_rate: 1/s,\n"
    "     reply: echo}}\n"
    "  - {name: feed, path: /events, sse: {}}\n"
    "flows: [{name: session, steps: [login, me]}]\n"
    "phases:\n"
    "  - {name: warm, kind: ramp, stages: [{name: up, duration: 1s,"
    " rate: 5}], use: [login, me]}\n"
    "  - {name: talk, kind: connections, connections: 2, duration: 1s,"
    " use: [chat, feed]}\n";

static struct scenario *scn;

static void
judge(const struct threshold *t)
{
	static const double values[] = { 0, -1, 1e300, NAN, INFINITY };
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		threshold_check(t, values[i]);
		threshold_format_value(t->metric, values[i], buf, sizeof buf);
	}
	(void)threshold_metric_name(t->metric);
	(void)threshold_metric_unit(t->metric);
	(void)threshold_op_name(t->op);
	(void)threshold_stream_name(t->stream);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_errors errs = { 0 };
	struct threshold t;
	char *expr, *cause = NULL;
	size_t off;

	if (scn == NULL && scenario_load_buffer("fuzz.yaml", scenario_yaml,
	    sizeof scenario_yaml - 1, &scn, &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		abort();
	}
	expr = malloc(size + 1);
	memcpy(expr, data, size);
	expr[size] = '\0';
	if (threshold_parse(expr, &t, &off, &cause) == 0)
		judge(&t);
	else
		free(cause);
	threshold_clear(&t);
	cause = NULL;
	/* As the command line adds one: kept by the scenario, so taken
	 * back off again. */
	if (scenario_add_thresholds(scn, &expr, 1, &cause) == 0) {
		judge(&scn->thresholds[scn->nthresholds - 1]);
		threshold_clear(&scn->thresholds[--scn->nthresholds]);
	} else
		free(cause);
	free(expr);
	return 0;
}
