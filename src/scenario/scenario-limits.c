/*
 * The table of the scenario format's limits, and the check of a model
 * against it: after parsing, and for scenarios built without a file.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "scenario-int.h"
#include "units.h"
#include "util.h"

#define DAY_US (86400.0 * 1000000)

static const struct scn_limit limits[SCN__LIMIT_COUNT] = {
	[SCN_LIMIT_DURATION] = { .what = "a duration",
	  .keys = "defaults.timeout, defaults.connect_timeout, "
	    "target.health_interval, phases[].duration, phases[].think_time, "
	    "phases[].settle, phases[].reconnect_delay, "
	    "phases[].stages[].duration, flows[].think_time, "
	    "flows[].steps[].think_time, requests[].websocket.ping_interval, "
	    "requests[].websocket.pong_timeout, "
	    "requests[].sse.first_event_timeout, requests[].sse.idle_timeout, "
	    "alerts.p95, alerts.target_cpu_for",
	  .max = SCN_MAX_DURATION_US, .per_unit = DAY_US, .unit = "days" },
	[SCN_LIMIT_RATE] = { .what = "the rate of an open model, of a "
	    "connections phase's connects and of a websocket's messages",
	  .keys = "phases[].rate, phases[].start_rate, phases[].stages[].rate, "
	    "phases[].connect_rate, requests[].websocket.message_rate",
	  .max = SCN_MAX_RATE, .unit = "requests/s" },
	[SCN_LIMIT_USERS] = { .what = "the users of a closed model",
	  .keys = "phases[].users, phases[].start_users, "
	    "phases[].stages[].users",
	  .max = SCN_MAX_USERS, .unit = "users" },
	[SCN_LIMIT_CONCURRENCY] = { .what = "the requests a phase keeps in "
	    "flight",
	  .keys = "phases[].concurrency",
	  .max = SCN_MAX_CONCURRENCY, .unit = "requests" },
	[SCN_LIMIT_CONNECTIONS] = { .what = "the connection pool of an open "
	    "model, and the streams a connections phase holds",
	  .keys = "phases[].connections, phases[].stages[].connections",
	  .max = SCN_MAX_CONNECTIONS, .unit = "connections" },
	[SCN_LIMIT_PHASE_REQUESTS] = { .what = "the requests a burst, leak or "
	    "rate_limit phase sends, and so its batches and expected counts",
	  .keys = "phases[].requests, phases[].batches, "
	    "phases[].expect_allowed, phases[].expect_limited",
	  .max = SCN_MAX_PHASE_REQUESTS, .unit = "requests" },
	[SCN_LIMIT_WEIGHT] = { .what = "the weight of a request",
	  .keys = "requests[].weight",
	  .max = SCN_MAX_WEIGHT, .unit = "" },
	[SCN_LIMIT_PID] = { .what = "the process id to watch",
	  .keys = "target.process.pid, target.processes[].pid",
	  .max = SCN_MAX_PID, .unit = "" },
	[SCN_LIMIT_CPU_PERCENT] = { .what = "a CPU alert's bound",
	  .keys = "alerts.target_cpu, alerts.generator_cpu",
	  .max = SCN_MAX_CPU_PERCENT, .unit = "percent of one core" },
	[SCN_LIMIT_BODY] = { .what = "the bytes of a response body kept to "
	    "inspect",
	  .keys = "defaults.max_body, requests[].max_body",
	  .max = SCN_MAX_BODY, .per_unit = 1024.0 * 1024, .unit = "MB" },
	[SCN_LIMIT_MESSAGE] = { .what = "the bytes of one WebSocket message or "
	    "server-sent event",
	  .keys = "requests[].websocket.max_message, requests[].sse.max_event",
	  .max = SCN_MAX_MESSAGE, .per_unit = 1024.0 * 1024, .unit = "MB" },
	[SCN_LIMIT_REPEAT] = { .what = "the times a step of a flow sends its "
	    "request in a row",
	  .keys = "flows[].steps[].repeat",
	  .max = SCN_MAX_REPEAT, .unit = "" },
	[SCN_LIMIT_REQUESTS] = { .what = "the requests a scenario lists",
	  .keys = "requests",
	  .max = SCN_MAX_REQUESTS, .unit = "requests" },
	[SCN_LIMIT_PHASES] = { .what = "the phases of a scenario",
	  .keys = "phases",
	  .max = SCN_MAX_PHASES, .unit = "phases" },
	[SCN_LIMIT_STAGES] = { .what = "the stages of one ramp",
	  .keys = "phases[].stages",
	  .max = SCN_MAX_STAGES, .unit = "stages" },
	[SCN_LIMIT_HEADERS] = { .what = "the headers of the defaults, and of "
	    "one request with the defaults' merged in",
	  .keys = "defaults.headers, requests[].headers",
	  .max = SCN_MAX_HEADERS, .unit = "headers" },
	[SCN_LIMIT_USE] = { .what = "the request names one phase uses",
	  .keys = "phases[].use",
	  .max = SCN_MAX_USE, .unit = "names" },
	[SCN_LIMIT_THRESHOLDS] = { .what = "the thresholds of a scenario",
	  .keys = "thresholds",
	  .max = SCN_MAX_THRESHOLDS, .unit = "thresholds" },
	[SCN_LIMIT_PROCESSES] = { .what = "the processes the target watches",
	  .keys = "target.processes", .max = SCN_MAX_PROCESSES,
	  .unit = "processes" },
	[SCN_LIMIT_METRICS] = { .what = "the metrics the target lists",
	  .keys = "target.metrics",
	  .max = SCN_MAX_METRICS, .unit = "metrics" },
	[SCN_LIMIT_CHECKS] = { .what = "the checks of the defaults, and of "
	    "one request with the defaults' in front",
	  .keys = "defaults.checks, requests[].checks",
	  .max = SCN_MAX_CHECKS, .unit = "checks" },
	[SCN_LIMIT_VARS] = { .what = "the distinct variables the requests "
	    "capture",
	  .keys = "requests[].capture",
	  .max = SCN_MAX_VARS, .unit = "variables" },
	[SCN_LIMIT_FLOWS] = { .what = "the flows of a scenario",
	  .keys = "flows",
	  .max = SCN_MAX_FLOWS, .unit = "flows" },
	[SCN_LIMIT_STEPS] = { .what = "the steps of one flow",
	  .keys = "flows[].steps",
	  .max = SCN_MAX_STEPS, .unit = "steps" },
	[SCN_LIMIT_FILE] = { .what = "the bytes of the scenario file; a "
	    "larger body belongs in a body_file",
	  .keys = "the scenario file",
	  .max = SCN_MAX_FILE, .per_unit = 1024.0 * 1024, .unit = "MB" },
	[SCN_LIMIT_BODY_FILE] = { .what = "the bytes of a request body read "
	    "from a file",
	  .keys = "requests[].body_file",
	  .max = SCN_MAX_BODY_FILE, .per_unit = 1024.0 * 1024, .unit = "MB" },
	[SCN_LIMIT_DEPTH] = { .what = "mappings and lists within one another, "
	    "the document's own counted",
	  .keys = "any mapping or list",
	  .max = SCN_MAX_DEPTH, .unit = "levels" },
};

const struct scn_limit *
scenario_limits_table(void)
{
	return limits;
}

char *
scenario_limits_format(const struct scn_limit *l, double value, char *buf,
    size_t len)
{
	char num[64];

	units_format_number(value / (l->per_unit > 0 ? l->per_unit : 1), 3, num,
	    sizeof num);
	snprintf(buf, len, "%s%s%s", num, *l->unit != '\0' ? " " : "", l->unit);
	return buf;
}

/* The fields of a model object that a limit bounds. */
enum field_type { FIELD_I64, FIELD_U64, FIELD_UINT, FIELD_DOUBLE, FIELD_PID };

struct field {
	const char *key;
	size_t off;
	enum field_type type;
	enum scn_limit_id limit;
};

#define F(s, k, f, t, l) { .key = k, .off = offsetof(struct s, f), \
	.type = t, .limit = l }
static const struct field phase_fields[] = {
	F(scn_phase, "duration", duration_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_phase, "think_time", think_time_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_phase, "think_time", think_time_max_us, FIELD_I64,
	    SCN_LIMIT_DURATION),
	F(scn_phase, "settle", settle_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_phase, "rate", rate, FIELD_DOUBLE, SCN_LIMIT_RATE),
	F(scn_phase, "users", users, FIELD_UINT, SCN_LIMIT_USERS),
	F(scn_phase, "concurrency", concurrency, FIELD_UINT,
	  SCN_LIMIT_CONCURRENCY),
	F(scn_phase, "connections", connections, FIELD_UINT,
	  SCN_LIMIT_CONNECTIONS),
	F(scn_phase, "requests", requests, FIELD_U64, SCN_LIMIT_PHASE_REQUESTS),
	F(scn_phase, "batches", batches, FIELD_UINT, SCN_LIMIT_PHASE_REQUESTS),
	F(scn_phase, "expect_allowed", expect_allowed, FIELD_I64,
	  SCN_LIMIT_PHASE_REQUESTS),
	F(scn_phase, "expect_limited", expect_limited, FIELD_I64,
	  SCN_LIMIT_PHASE_REQUESTS),
	F(scn_phase, "connect_rate", connect_rate, FIELD_DOUBLE, SCN_LIMIT_RATE),
	F(scn_phase, "reconnect_delay", reconnect_delay_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
};
static const struct field stage_fields[] = {
	F(scn_stage, "duration", duration_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_stage, "rate", rate, FIELD_DOUBLE, SCN_LIMIT_RATE),
	F(scn_stage, "users", users, FIELD_UINT, SCN_LIMIT_USERS),
	F(scn_stage, "connections", connections, FIELD_UINT,
	  SCN_LIMIT_CONNECTIONS),
};
static const struct field request_fields[] = {
	F(scn_request, "weight", weight, FIELD_UINT, SCN_LIMIT_WEIGHT),
	F(scn_request, "max_body", max_body, FIELD_I64, SCN_LIMIT_BODY),
};
static const struct field websocket_fields[] = {
	F(scn_websocket, "message_rate", message_rate, FIELD_DOUBLE,
	  SCN_LIMIT_RATE),
	F(scn_websocket, "ping_interval", ping_interval_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
	F(scn_websocket, "pong_timeout", pong_timeout_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
	F(scn_websocket, "max_message", max_message, FIELD_I64,
	  SCN_LIMIT_MESSAGE),
};
static const struct field sse_fields[] = {
	F(scn_sse, "first_event_timeout", first_event_timeout_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
	F(scn_sse, "idle_timeout", idle_timeout_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
	F(scn_sse, "max_event", max_event, FIELD_I64, SCN_LIMIT_MESSAGE),
};
static const struct field defaults_fields[] = {
	F(scn_defaults, "timeout", timeout_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_defaults, "connect_timeout", connect_timeout_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
	F(scn_defaults, "max_body", max_body, FIELD_I64, SCN_LIMIT_BODY),
};
static const struct field flow_fields[] = {
	F(scn_flow, "think_time", think_time_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_flow, "think_time", think_time_max_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
};
static const struct field step_fields[] = {
	F(scn_step, "repeat", repeat, FIELD_UINT, SCN_LIMIT_REPEAT),
	F(scn_step, "think_time", think_time_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_step, "think_time", think_time_max_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
};
static const struct field target_fields[] = {
	F(scn_target, "health_interval", health_interval_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
};
static const struct field process_fields[] = {
	F(scn_process, "pid", pid, FIELD_PID, SCN_LIMIT_PID),
};
static const struct field alerts_fields[] = {
	F(scn_alerts, "p95", p95_us, FIELD_I64, SCN_LIMIT_DURATION),
	F(scn_alerts, "target_cpu_for", target_cpu_for_us, FIELD_I64,
	  SCN_LIMIT_DURATION),
	F(scn_alerts, "target_cpu", target_cpu, FIELD_DOUBLE,
	  SCN_LIMIT_CPU_PERCENT),
	F(scn_alerts, "generator_cpu", generator_cpu, FIELD_DOUBLE,
	  SCN_LIMIT_CPU_PERCENT),
};
#undef F

struct check {
	struct scn_errors *errs;
	const char *file;
};

static double
field_value(const void *obj, const struct field *f)
{
	const char *at = (const char *)obj + f->off;

	switch (f->type) {
	case FIELD_I64:
		return (double)*(const int64_t *)at;
	case FIELD_U64:
		return (double)*(const uint64_t *)at;
	case FIELD_UINT:
		return *(const unsigned *)at;
	case FIELD_PID:
		return *(const pid_t *)at;
	case FIELD_DOUBLE:
		return *(const double *)at;
	}
	return 0;
}

static void
check_fields(struct check *c, const void *obj, const struct field *fields,
    size_t n, const char *owner, struct scn_pos pos)
{
	const struct scn_limit *l;
	char got[96], max[96];
	double v;
	size_t i;

	for (i = 0; i < n; i++) {
		l = &limits[fields[i].limit];
		if ((v = field_value(obj, &fields[i])) <= l->max)
			continue;
		scenario_errors_add(c->errs, c->file, pos.line, pos.col,
		    "%s: '%s' is %s; at most %s", owner, fields[i].key,
		    scenario_limits_format(l, v, got, sizeof got),
		    scenario_limits_format(l, l->max, max, sizeof max));
	}
}

/* The index of the first of n things over limit id, or n when within. */
static size_t
first_over(enum scn_limit_id id, size_t n)
{
	return n > limits[id].max ? (size_t)limits[id].max : n;
}

static void
count_over(struct check *c, enum scn_limit_id id, size_t n, const char *owner,
    struct scn_pos at)
{
	const struct scn_limit *l = &limits[id];
	char max[64];

	scenario_errors_add(c->errs, c->file, at.line, at.col,
	    "%s has %zu %s; at most %s", owner, n, l->unit,
	    units_format_number(l->max, 0, max, sizeof max));
}

static char *
phase_owner(const struct scn_phase *ph, size_t index)
{
	char *s;

	if (ph->name != NULL)
		xasprintf(&s, "%s '%s'", kinds_phase_name(ph->kind), ph->name);
	else
		xasprintf(&s, "phase %zu", index + 1);
	return s;
}

static void
check_phase(struct check *c, const struct scn_phase *ph, size_t index)
{
	char *owner = phase_owner(ph, index), *of;
	size_t i;

	check_fields(c, ph, phase_fields, LT_NELEM(phase_fields), owner, ph->pos);
	if ((i = first_over(SCN_LIMIT_STAGES, ph->nstages)) < ph->nstages)
		count_over(c, SCN_LIMIT_STAGES, ph->nstages, owner,
		    ph->stages[i].pos);
	for (i = 0; i < ph->nstages; i++) {
		xasprintf(&of, "stage %zu of %s", i + 1, owner);
		check_fields(c, &ph->stages[i], stage_fields,
		    LT_NELEM(stage_fields), of, ph->stages[i].pos);
		free(of);
	}
	if (first_over(SCN_LIMIT_USE, ph->nuse) < ph->nuse) {
		xasprintf(&of, "'use' of %s", owner);
		count_over(c, SCN_LIMIT_USE, ph->nuse, of, ph->pos);
		free(of);
	}
	free(owner);
}

/* What the defaults went over already, not to be told again for
 * every request they are merged into. */
struct merged {
	bool headers;
	bool checks;
};

static void
check_request(struct check *c, const struct scn_request *r, size_t index,
    const struct merged *within)
{
	char *owner;
	size_t i;

	if (r->name != NULL)
		xasprintf(&owner, "request '%s'", r->name);
	else
		xasprintf(&owner, "request %zu", index + 1);
	check_fields(c, r, request_fields, LT_NELEM(request_fields), owner,
	    r->pos);
	if (r->websocket != NULL)
		check_fields(c, r->websocket, websocket_fields,
		    LT_NELEM(websocket_fields), owner, r->websocket->pos);
	if (r->sse != NULL)
		check_fields(c, r->sse, sse_fields, LT_NELEM(sse_fields), owner,
		    r->sse->pos);
	if (within->headers && (i = first_over(SCN_LIMIT_HEADERS,
	    r->headers.n)) < r->headers.n)
		count_over(c, SCN_LIMIT_HEADERS, r->headers.n, owner,
		    r->headers.v[i].pos);
	if (within->checks && (i = first_over(SCN_LIMIT_CHECKS, r->nchecks)) <
	    r->nchecks)
		count_over(c, SCN_LIMIT_CHECKS, r->nchecks, owner,
		    r->checks[i].pos);
	free(owner);
}

static void
check_flow(struct check *c, const struct scn_flow *f, size_t index)
{
	char *owner, *of;
	size_t i;

	if (f->name != NULL)
		xasprintf(&owner, "flow '%s'", f->name);
	else
		xasprintf(&owner, "flow %zu", index + 1);
	check_fields(c, f, flow_fields, LT_NELEM(flow_fields), owner, f->pos);
	if ((i = first_over(SCN_LIMIT_STEPS, f->nsteps)) < f->nsteps)
		count_over(c, SCN_LIMIT_STEPS, f->nsteps, owner, f->steps[i].pos);
	for (i = 0; i < f->nsteps; i++) {
		xasprintf(&of, "step %zu of %s", i + 1, owner);
		check_fields(c, &f->steps[i], step_fields,
		    LT_NELEM(step_fields), of, f->steps[i].pos);
		free(of);
	}
	free(owner);
}

/* The variables over the limit: told at the first capture of one. */
static void
check_vars(struct check *c, const struct scenario *scn)
{
	const struct scn_request *r;
	size_t i, k;

	if (first_over(SCN_LIMIT_VARS, scn->nvars) == scn->nvars)
		return;
	for (i = 0; i < scn->nrequests; i++) {
		r = &scn->requests[i];
		for (k = 0; k < r->ncaptures; k++)
			if (r->captures[k].var_index >= SCN_MAX_VARS) {
				count_over(c, SCN_LIMIT_VARS, scn->nvars,
				    "the scenario", r->captures[k].from.pos);
				return;
			}
	}
}

/* The lists of the scenario itself, and its single objects. */
static void
check_top(struct check *c, const struct scenario *scn, struct merged *within)
{
	const struct threshold *t;
	const struct scn_headers *dh = &scn->defaults.headers;
	const struct scn_pos nowhere = { 0, 0 };
	struct scn_pos at;
	size_t i;

	if ((i = first_over(SCN_LIMIT_REQUESTS, scn->nrequests)) < scn->nrequests)
		count_over(c, SCN_LIMIT_REQUESTS, scn->nrequests, "the scenario",
		    scn->requests[i].pos);
	if ((i = first_over(SCN_LIMIT_PHASES, scn->nphases)) < scn->nphases)
		count_over(c, SCN_LIMIT_PHASES, scn->nphases, "the scenario",
		    scn->phases[i].pos);
	if ((i = first_over(SCN_LIMIT_FLOWS, scn->nflows)) < scn->nflows)
		count_over(c, SCN_LIMIT_FLOWS, scn->nflows, "the scenario",
		    scn->flows[i].pos);
	if ((i = first_over(SCN_LIMIT_THRESHOLDS, scn->nthresholds)) <
	    scn->nthresholds) {
		t = &scn->thresholds[i];
		at.line = t->line;
		at.col = t->col;
		count_over(c, SCN_LIMIT_THRESHOLDS, scn->nthresholds,
		    "the scenario", at);
	}
	if (first_over(SCN_LIMIT_METRICS, scn->target.nmetrics) <
	    scn->target.nmetrics)
		count_over(c, SCN_LIMIT_METRICS, scn->target.nmetrics,
		    "'target'", scn->target.pos);
	/* Over in the defaults, over in every request: say it once. */
	within->headers = (i = first_over(SCN_LIMIT_HEADERS, dh->n)) == dh->n;
	if (!within->headers)
		count_over(c, SCN_LIMIT_HEADERS, dh->n, "'defaults'",
		    dh->v[i].pos);
	within->checks = (i = first_over(SCN_LIMIT_CHECKS,
	    scn->defaults.nchecks)) == scn->defaults.nchecks;
	if (!within->checks)
		count_over(c, SCN_LIMIT_CHECKS, scn->defaults.nchecks,
		    "'defaults'", scn->defaults.checks[i].pos);
	check_fields(c, &scn->defaults, defaults_fields,
	    LT_NELEM(defaults_fields), "'defaults'", nowhere);
	check_fields(c, &scn->target, target_fields, LT_NELEM(target_fields),
	    "'target'", scn->target.pos);
	if (first_over(SCN_LIMIT_PROCESSES, scn->target.nprocesses) <
	    scn->target.nprocesses)
		count_over(c, SCN_LIMIT_PROCESSES, scn->target.nprocesses,
		    "'target'", scn->target.pos);
	for (i = 0; i < scn->target.nprocesses; i++)
		check_fields(c, &scn->target.processes[i], process_fields,
		    LT_NELEM(process_fields), "'target.process'",
		    scn->target.processes[i].pos);
	check_fields(c, &scn->alerts, alerts_fields, LT_NELEM(alerts_fields),
	    "'alerts'", scn->alerts.pos);
}

void
scenario_limits_errors(const struct scenario *scn, struct scn_errors *errs)
{
	struct check c = { errs, scn->file != NULL ? scn->file : "scenario" };
	struct merged within;
	size_t i;

	check_top(&c, scn, &within);
	for (i = 0; i < scn->nrequests; i++)
		check_request(&c, &scn->requests[i], i, &within);
	check_vars(&c, scn);
	for (i = 0; i < scn->nflows; i++)
		check_flow(&c, &scn->flows[i], i);
	for (i = 0; i < scn->nphases; i++)
		check_phase(&c, &scn->phases[i], i);
}

int
scenario_check_limits(const struct scenario *scn, char **cause)
{
	struct scn_errors errs = { 0 };

	scenario_limits_errors(scn, &errs);
	if (errs.n == 0)
		return 0;
	if (cause != NULL)
		*cause = scenario_error_format(&errs.v[0]);
	scenario_errors_clear(&errs);
	return -1;
}
