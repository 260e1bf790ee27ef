/*
 * Unit tests for what requests read of their responses (checks,
 * outcomes, captures), groups, flows, the phases that run them and the
 * thresholds that judge them: the forms parsed into the model, and every
 * error at its line and column.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "scenario-fixture.h"
#include "kinds.h"
#include "scenario.h"
#include "scenario-limits.h"
#include "util.h"

/* The brief of the format: every form at once. */
static const char spec_text[] =
    "name: spec\n"
    "target: {base_url: http://127.0.0.1:8080}\n"
    "defaults:\n"
    "  checks: [{header: Content-Type, matches: 'json'}]\n"
    "  max_body: 32KB\n"
    "requests:\n"
    "  - name: signal\n"
    "    method: POST\n"
    "    path: /webhook\n"
    "    body: '{\"id\":\"${uuid}\",\"confidence\":0.9}'\n"
    "    group: gateway\n"
    "    max_body: 16KB\n"
    "    checks:\n"
    "      - {json: /status, in: [dry_run, ignored]}\n"
    "      - {json: /status, equals: dry_run}\n"
    "      - {json: /id, exists: true}\n"
    "      - {json: /status, matches: '^(dry_run|ignored)$'}\n"
    "      - {body_contains: status}\n"
    "      - {body_matches: 'status.*run'}\n"
    "      - {header: Content-Type, matches: 'application/json'}\n"
    "      - {header: X-Request-Id, exists: true}\n"
    "      - {max_body: 10KB}\n"
    "      - {name: 'status ok', json: /status, in: [dry_run]}\n"
    "    outcome: {json: /status}\n"
    "  - name: login\n"
    "    method: POST\n"
    "    path: /login\n"
    "    body: '{\"user\":\"u${seq}\"}'\n"
    "    capture: {token: {json: /token}}\n"
    "  - name: me\n"
    "    path: /me\n"
    "    headers: {Authorization: 'Bearer ${var:token}'}\n"
    "flows:\n"
    "  - name: session\n"
    "    think_time: 0s\n"
    "    steps:\n"
    "      - login\n"
    "      - {request: me, repeat: 3, think_time: 100ms..500ms}\n"
    "phases:\n"
    "  - {kind: sustained, users: 20, duration: 30s, use: session}\n"
    "  - {kind: sustained, rate: 5/s, duration: 30s, use: [session]}\n"
    "thresholds:\n"
    "  - checks > 99%\n"
    "  - signal.checks > 99%\n"
    "  - group:gateway.checks > 99%\n"
    "  - signal.outcome:rate_limited == 32\n"
    "  - session.iteration.p95 < 2s\n"
    "  - session.errors == 0\n"
    "  - group:gateway.p95 < 50ms\n"
    "  - class:rate_limited.p95 < 20ms\n";

static void
assert_check(const struct scn_check *c, enum scn_probe probe,
    const char *path, enum scn_check_op op, const char *name)
{
	ck_assert_int_eq(c->probe, probe);
	ck_assert_int_eq(c->op, op);
	if (path == NULL)
		ck_assert_ptr_null(c->path);
	else
		ck_assert_str_eq(c->path, path);
	ck_assert_str_eq(c->name, name);
}

START_TEST(test_spec_checks)
{
	struct scenario *scn = load_ok(spec_text);
	const struct scn_request *r = &scn->requests[0];
	const struct scn_check *c = r->checks;

	ck_assert_uint_eq(scn->defaults.nchecks, 1);
	ck_assert_int_eq(scn->defaults.max_body, 32 * 1024);
	ck_assert_uint_eq(r->nchecks, 11);
	assert_check(&c[0], SCN_PROBE_HEADER, "Content-Type", SCN_CHECK_MATCHES,
	    "header Content-Type matches json");
	ck_assert_str_eq(c[0].pattern, "json");
	assert_check(&c[1], SCN_PROBE_JSON, "/status", SCN_CHECK_IN,
	    "json /status in [dry_run, ignored]");
	ck_assert_uint_eq(c[1].nvalues, 2);
	ck_assert_str_eq(c[1].values[1], "ignored");
	assert_check(&c[2], SCN_PROBE_JSON, "/status", SCN_CHECK_EQUALS,
	    "json /status equals dry_run");
	ck_assert_str_eq(c[2].values[0], "dry_run");
	assert_check(&c[3], SCN_PROBE_JSON, "/id", SCN_CHECK_EXISTS,
	    "json /id exists");
	ck_assert(!c[3].absent);
	assert_check(&c[4], SCN_PROBE_JSON, "/status", SCN_CHECK_MATCHES,
	    "json /status matches ^(dry_run|ignored)$");
	assert_check(&c[5], SCN_PROBE_BODY, NULL, SCN_CHECK_CONTAINS,
	    "body_contains \"status\"");
	ck_assert_str_eq(c[5].values[0], "status");
	assert_check(&c[6], SCN_PROBE_BODY, NULL, SCN_CHECK_MATCHES,
	    "body_matches status.*run");
	ck_assert_str_eq(c[6].pattern, "status.*run");
	assert_check(&c[7], SCN_PROBE_HEADER, "Content-Type", SCN_CHECK_MATCHES,
	    "header Content-Type matches application/json");
	assert_check(&c[8], SCN_PROBE_HEADER, "X-Request-Id", SCN_CHECK_EXISTS,
	    "header X-Request-Id exists");
	assert_check(&c[9], SCN_PROBE_BODY, NULL, SCN_CHECK_MAX_BODY,
	    "max_body 10KB");
	ck_assert_int_eq(c[9].max_body, 10240);
	assert_check(&c[10], SCN_PROBE_JSON, "/status", SCN_CHECK_IN,
	    "status ok");
	ck_assert_int_eq(c[10].pos.line, 23);
	ck_assert_int_eq(c[10].pos.col, 9);
	ck_assert_ptr_nonnull(r->outcome);
	ck_assert_int_eq(r->outcome->probe, SCN_PROBE_JSON);
	ck_assert_str_eq(r->outcome->path, "/status");
	ck_assert_ptr_null(r->outcome->pattern);
	ck_assert_int_eq(r->max_body, 16 * 1024);
	ck_assert_int_eq(scn->requests[1].max_body, 32 * 1024);
	scenario_free(scn);
}
END_TEST

/* Each request owns its checks, numbered across the scenario. */
START_TEST(test_spec_numbering)
{
	struct scenario *scn = load_ok(spec_text);
	const struct scn_request *r = scn->requests;

	ck_assert_uint_eq(r[0].check_base, 0);
	ck_assert_uint_eq(r[1].check_base, 11);
	ck_assert_uint_eq(r[1].nchecks, 1);
	ck_assert_uint_eq(r[2].check_base, 12);
	ck_assert_uint_eq(scn->nchecks, 13);
	ck_assert_ptr_ne(r[1].checks, scn->defaults.checks);
	ck_assert_ptr_ne(r[1].checks[0].name, scn->defaults.checks[0].name);
	ck_assert_ptr_ne(r[1].checks[0].pattern, r[2].checks[0].pattern);
	ck_assert_str_eq(r[2].checks[0].pattern, "json");
	/* Groups and variables, first seen first. */
	ck_assert_uint_eq(scn->ngroups, 1);
	ck_assert_str_eq(scn->groups[0], "gateway");
	ck_assert_str_eq(r[0].group, "gateway");
	ck_assert_uint_eq(r[0].group_index, 0);
	ck_assert_ptr_null(r[1].group);
	ck_assert_uint_eq(r[1].group_index, SIZE_MAX);
	ck_assert_uint_eq(scn->nvars, 1);
	ck_assert_str_eq(scn->vars[0], "token");
	ck_assert_uint_eq(r[1].ncaptures, 1);
	ck_assert_str_eq(r[1].captures[0].var, "token");
	ck_assert_uint_eq(r[1].captures[0].var_index, 0);
	ck_assert_int_eq(r[1].captures[0].from.probe, SCN_PROBE_JSON);
	ck_assert_str_eq(r[1].captures[0].from.path, "/token");
	scenario_free(scn);
}
END_TEST

START_TEST(test_spec_flows)
{
	struct scenario *scn = load_ok(spec_text);
	const struct scn_flow *f = scn->flows;
	const struct scn_request *me = &scn->requests[2];
	size_t idx[4];

	ck_assert_uint_eq(scn->nflows, 1);
	ck_assert_str_eq(f->name, "session");
	ck_assert_uint_eq(f->nsteps, 2);
	ck_assert_uint_eq(f->steps[0].request, 1);
	ck_assert_uint_eq(f->steps[0].repeat, 1);
	ck_assert_int_eq(f->steps[0].think_time_us, 0);
	ck_assert_uint_eq(f->steps[1].request, 2);
	ck_assert_uint_eq(f->steps[1].repeat, 3);
	ck_assert_int_eq(f->steps[1].think_time_us, 100000);
	ck_assert_int_eq(f->steps[1].think_time_max_us, 500000);
	ck_assert_int_eq(f->steps[1].pos.line, 38);
	/* The header of me uses the variable: bound to its index. */
	ck_assert_uint_eq(template_vars(me->headers.v[0].tmpl, idx, 4), 1);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert(template_has_secret(me->headers.v[0].tmpl));
	ck_assert_uint_eq(scn->nphases, 2);
	ck_assert_uint_eq(scn->phases[0].flow, 1);
	ck_assert_int_eq(scn->phases[0].model, SCN_MODEL_CLOSED);
	ck_assert_ptr_null(scn->phases[0].use);
	ck_assert_uint_eq(scn->phases[0].nuse, 0);
	ck_assert_uint_eq(scn->phases[1].flow, 1);
	ck_assert_int_eq(scn->phases[1].model, SCN_MODEL_OPEN);
	ck_assert_ptr_null(scn->phases[1].use);
	scenario_free(scn);
}
END_TEST

START_TEST(test_spec_thresholds)
{
	static const struct {
		enum thr_metric metric;
		enum thr_scope scope;
		size_t index;
		bool iteration;
		const char *arg;
	} want[] = {
		{ THR_CHECKS, THR_SCOPE_ALL, 0, false, NULL },
		{ THR_CHECKS, THR_SCOPE_REQUEST, 0, false, NULL },
		{ THR_CHECKS, THR_SCOPE_GROUP, 0, false, NULL },
		{ THR_OUTCOME, THR_SCOPE_REQUEST, 0, false, "rate_limited" },
		{ THR_P95, THR_SCOPE_FLOW, 0, true, NULL },
		{ THR_ERRORS, THR_SCOPE_FLOW, 0, false, NULL },
		{ THR_P95, THR_SCOPE_GROUP, 0, false, NULL },
		{ THR_P95, THR_SCOPE_CLASS, CLS_RATE_LIMITED, false, NULL },
	};
	struct scenario *scn = load_ok(spec_text);
	const struct threshold *t;
	size_t i;

	ck_assert_uint_eq(scn->nthresholds, LT_NELEM(want));
	for (i = 0; i < LT_NELEM(want); i++) {
		t = &scn->thresholds[i];
		ck_assert_msg(t->metric == want[i].metric && t->scope ==
		    want[i].scope && t->scope_index == want[i].index &&
		    t->iteration == want[i].iteration, "%s: metric %d scope %d "
		    "index %zu", t->expr, t->metric, t->scope, t->scope_index);
		if (want[i].arg != NULL)
			ck_assert_str_eq(t->arg, want[i].arg);
		else
			ck_assert_ptr_null(t->arg);
	}
	ck_assert_str_eq(scn->thresholds[4].scope_name, "session");
	scenario_free(scn);
}
END_TEST

/* Values as written; exists: false; the pointer to the whole body. */
START_TEST(test_check_values)
{
	struct scenario *scn = load_ok(
	    "name: v\n"
	    "target: {base_url: http://127.0.0.1:8080}\n"
	    "requests:\n"
	    "  - path: /v\n"
	    "    checks:\n"
	    "      - {json: /ok, equals: true}\n"
	    "      - {json: /n, in: [0.90, 1e3, ~, null, 'x y']}\n"
	    "      - {json: /gone, exists: false}\n"
	    "      - {json: '', matches: '^\\{'}\n"
	    "      - {json: /a~1b/~0c, exists: true}\n"
	    "      - {header: Retry-After, exists: false}\n"
	    "phases: [{kind: burst, requests: 1}]\n");
	const struct scn_check *c = scn->requests[0].checks;

	ck_assert_uint_eq(scn->requests[0].nchecks, 6);
	ck_assert_str_eq(c[0].values[0], "true");
	ck_assert_str_eq(c[0].name, "json /ok equals true");
	ck_assert_uint_eq(c[1].nvalues, 5);
	ck_assert_str_eq(c[1].values[0], "0.90");
	ck_assert_str_eq(c[1].values[1], "1e3");
	ck_assert_str_eq(c[1].values[2], "null");
	ck_assert_str_eq(c[1].values[3], "null");
	ck_assert_str_eq(c[1].values[4], "x y");
	ck_assert(c[2].absent);
	ck_assert_int_eq(c[2].op, SCN_CHECK_EXISTS);
	ck_assert_str_eq(c[2].name, "json /gone absent");
	ck_assert_str_eq(c[3].path, "");
	ck_assert_str_eq(c[3].name, "json \"\" matches ^\\{");
	ck_assert_str_eq(c[4].path, "/a~1b/~0c");
	ck_assert(!c[4].absent);
	ck_assert_str_eq(c[5].name, "header Retry-After absent");
	ck_assert_int_eq(scn->requests[0].max_body, SCN_MAX_BODY_DEFAULT);
	ck_assert_int_eq(scn->defaults.max_body, SCN_MAX_BODY_DEFAULT);
	ck_assert_uint_eq(scn->nchecks, 6);
	ck_assert_uint_eq(scn->nvars, 0);
	ck_assert_uint_eq(scn->ngroups, 0);
	ck_assert_uint_eq(scn->nflows, 0);
	ck_assert_uint_eq(scn->phases[0].flow, 0);
	scenario_free(scn);
}
END_TEST

/* The other forms of outcome and capture; variables and groups shared. */
START_TEST(test_extract_forms)
{
	struct scenario *scn = load_ok(
	    "name: x\n"
	    "target: {base_url: http://127.0.0.1:8080}\n"
	    "requests:\n"
	    "  - name: a\n"
	    "    path: /a\n"
	    "    group: edge\n"
	    "    outcome: {header: X-Result}\n"
	    "    capture:\n"
	    "      sid: {header: Set-Cookie, regex: 'sid=([^;]+)'}\n"
	    "      token: {json: /token}\n"
	    "  - name: b\n"
	    "    path: /b/${var:sid}\n"
	    "    group: core\n"
	    "    outcome: {json: /state, regex: '^(ok|bad)'}\n"
	    "    capture: {order: {body_matches: 'order=([0-9]+)'}, "
	    "token: {json: /t}}\n"
	    "  - name: c\n"
	    "    path: /c\n"
	    "    group: edge\n"
	    "    outcome: {body_matches: 'result: [a-z]+'}\n"
	    "    body: '${var:order}/${var:token}'\n"
	    "phases: [{kind: burst, requests: 1}]\n");
	const struct scn_request *r = scn->requests;

	ck_assert_int_eq(r[0].outcome->probe, SCN_PROBE_HEADER);
	ck_assert_str_eq(r[0].outcome->path, "X-Result");
	ck_assert_ptr_null(r[0].outcome->pattern);
	ck_assert_int_eq(r[1].outcome->probe, SCN_PROBE_JSON);
	ck_assert_str_eq(r[1].outcome->pattern, "^(ok|bad)");
	ck_assert_int_eq(r[2].outcome->probe, SCN_PROBE_BODY);
	ck_assert_ptr_null(r[2].outcome->path);
	ck_assert_str_eq(r[2].outcome->pattern, "result: [a-z]+");
	ck_assert_uint_eq(r[0].ncaptures, 2);
	ck_assert_int_eq(r[0].captures[0].from.probe, SCN_PROBE_HEADER);
	ck_assert_str_eq(r[0].captures[0].from.pattern, "sid=([^;]+)");
	ck_assert_int_eq(r[1].captures[0].from.probe, SCN_PROBE_BODY);
	/* token is captured twice, one variable. */
	ck_assert_uint_eq(scn->nvars, 3);
	ck_assert_str_eq(scn->vars[0], "sid");
	ck_assert_str_eq(scn->vars[1], "token");
	ck_assert_str_eq(scn->vars[2], "order");
	ck_assert_uint_eq(r[0].captures[1].var_index, 1);
	ck_assert_uint_eq(r[1].captures[0].var_index, 2);
	ck_assert_uint_eq(r[1].captures[1].var_index, 1);
	ck_assert_uint_eq(scn->ngroups, 2);
	ck_assert_str_eq(scn->groups[0], "edge");
	ck_assert_str_eq(scn->groups[1], "core");
	ck_assert_uint_eq(r[2].group_index, 0);
	ck_assert_uint_eq(r[1].group_index, 1);
	ck_assert_uint_eq(scn->nchecks, 0);
	scenario_free(scn);
}
END_TEST

/* A step takes its flow's think time; a flow without one has none. */
START_TEST(test_flow_think_times)
{
	struct scenario *scn = load_ok(
	    "name: f\n"
	    "target: {base_url: http://127.0.0.1:8080}\n"
	    "requests: [{name: a, path: /a}, {name: b, path: /b}]\n"
	    "flows:\n"
	    "  - name: slow\n"
	    "    think_time: 1s..2s\n"
	    "    steps: [a, {request: b, think_time: 0s}, {request: a, "
	    "repeat: 2}]\n"
	    "  - {name: quick, steps: [b]}\n"
	    "phases:\n"
	    "  - {kind: ramp, stages: [{duration: 1s, users: 2}], use: slow}\n"
	    "  - {kind: soak, duration: 1s, rate: 1, use: quick}\n"
	    "  - {kind: burst, requests: 2, use: [a, b]}\n");
	const struct scn_flow *f = scn->flows;

	ck_assert_uint_eq(scn->nflows, 2);
	ck_assert_int_eq(f[0].think_time_us, 1000000);
	ck_assert_int_eq(f[0].think_time_max_us, 2000000);
	ck_assert_int_eq(f[0].steps[0].think_time_us, 1000000);
	ck_assert_int_eq(f[0].steps[0].think_time_max_us, 2000000);
	ck_assert_int_eq(f[0].steps[1].think_time_us, 0);
	ck_assert_int_eq(f[0].steps[1].think_time_max_us, 0);
	ck_assert_uint_eq(f[0].steps[2].repeat, 2);
	ck_assert_int_eq(f[0].steps[2].think_time_max_us, 2000000);
	ck_assert_int_eq(f[1].think_time_us, 0);
	ck_assert_int_eq(f[1].steps[0].think_time_max_us, 0);
	ck_assert_uint_eq(scn->phases[0].flow, 1);
	ck_assert_uint_eq(scn->phases[1].flow, 2);
	ck_assert_uint_eq(scn->phases[2].flow, 0);
	ck_assert_uint_eq(scn->phases[2].nuse, 2);
	scenario_free(scn);
}
END_TEST

/* Grades read the new metrics too; the command line's thresholds are
 * resolved as the file's. */
START_TEST(test_grades_and_command_line)
{
	static const char *const exprs[] = { "session.iteration.p99 < 3s",
	    "session.requests > 0", "group:gateway.error_rate < 1%",
	    "signal.outcome:'dry_run' >= 1", "class:ok.requests > 0",
	    "sesion.errors == 0" };
	char *good[LT_NELEM(exprs)], *text, *cause = NULL;
	struct scenario *scn;
	size_t i;

	for (i = 0; i < LT_NELEM(exprs); i++)
		good[i] = xstrdup(exprs[i]);
	xasprintf(&text, "%sgrades:\n  - {metric: session.iteration.p95, "
	    "excellent: 1s, good: 2s, acceptable: 3s}\n  - {metric: checks, "
	    "excellent: 99.9%%, good: 99%%, acceptable: 95%%}\n", spec_text);
	scn = load_ok(text);
	free(text);
	ck_assert_uint_eq(scn->ngrades, 2);
	ck_assert_int_eq(scn->grades[0].t.scope, THR_SCOPE_FLOW);
	ck_assert(scn->grades[0].t.iteration);
	ck_assert_int_eq(scn->grades[1].t.metric, THR_CHECKS);
	ck_assert(scn->grades[1].higher_better);
	ck_assert_int_eq(scenario_add_thresholds(scn, good, 5, &cause), 0);
	ck_assert_uint_eq(scn->nthresholds, 8 + 5);
	ck_assert_int_eq(scn->thresholds[9].scope, THR_SCOPE_FLOW);
	ck_assert(!scn->thresholds[9].iteration);
	ck_assert_str_eq(scn->thresholds[11].arg, "dry_run");
	ck_assert_int_eq(scenario_add_thresholds(scn, good + 5, 1, &cause), -1);
	ck_assert_str_eq(cause, "--threshold 'sesion.errors == 0': column 1: "
	    "unknown request or flow 'sesion' (did you mean 'session'?)");
	free(cause);
	scenario_free(scn);
	for (i = 0; i < LT_NELEM(exprs); i++)
		free(good[i]);
}
END_TEST

/* transport raw: a variable in the path is fine, in the host it is not. */
START_TEST(test_vars_and_raw)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = load_ok(
	    "name: raw\n"
	    "target: {base_url: http://127.0.0.1:8080}\n"
	    "defaults: {transport: raw}\n"
	    "requests:\n"
	    "  - {name: login, path: /login, capture: {id: {json: /id}}}\n"
	    "  - {name: item, path: '/items/${var:id}'}\n"
	    "flows: [{name: f, steps: [login, item]}]\n"
	    "phases: [{kind: sustained, users: 1, duration: 1s, use: f}]\n");

	scenario_free(scn);
	ck_assert_ptr_null(load_text(
	    "name: raw\n"
	    "target: {base_url: http://127.0.0.1:8080}\n"
	    "defaults: {transport: raw}\n"
	    "requests:\n"
	    "  - {name: login, path: /login, capture: {host: {json: /h}}}\n"
	    "  - {name: item, url: 'http://${var:host}/x'}\n"
	    "phases: [{kind: burst, requests: 1}]\n", &errs));
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_int_eq(errs.v[0].line, 6);
	ck_assert_str_eq(errs.v[0].msg, "transport raw cannot send this "
	    "request: its host is a template (use transport curl or auto)");
	scenario_errors_clear(&errs);
}
END_TEST

/*
 * Errors: a tail written after three requests (login captures token
 * and has an outcome, me uses ${var:token}, r is plain), then, unless the
 * tail gives some, one phase.  Lines 1-12 are the requests.
 */
static const char err_head[] =
    "name: t\n"
    "target: {base_url: http://127.0.0.1:8080}\n"
    "requests:\n"
    "  - name: login\n"
    "    path: /login\n"
    "    capture: {token: {json: /token}}\n"
    "    outcome: {json: /status}\n"
    "  - name: me\n"
    "    path: /me\n"
    "    headers: {Authorization: \"Bearer ${var:token}\"}\n"
    "  - name: r\n"
    "    path: /r\n";

#define FLOW_F "flows:\n  - {name: f, steps: [login, me]}\n"

static const struct err_case {
	const char *tail;
	int line, col;
	const char *msg;		/* the whole message, or its start */
} err_cases[] = {
	/* checks */
	{ "    checks: [{json: /status}]\n", 13, 14, "a json check needs "
	  "'equals', 'in', 'exists' or 'matches' in check 1 in request 'r'" },
	{ "    checks: [{json: status, equals: x}]\n", 13, 21, "'json' must "
	  "be a JSON pointer: \"\" for the whole body or one starting with "
	  "'/', such as /status, got 'status'" },
	{ "    checks: [{json: /a~2b, equals: x}]\n", 13, 23, "'json': in a "
	  "JSON pointer '~' must be followed by 0 ('~') or 1 ('/'), got "
	  "'/a~2b'" },
	{ "    checks: [{json: /a, equals: x, in: [x]}]\n", 13, 36, "a json "
	  "check takes one of 'equals', 'in', 'exists' or 'matches', not "
	  "both 'equals' and 'in', in check 1 in request 'r'" },
	{ "    checks: [{json: /a, header: X, equals: x}]\n", 13, 25, "a check "
	  "takes one of 'json', 'body_contains', 'body_matches', 'header' or "
	  "'max_body', not both 'json' and 'header', in check 1 in request "
	  "'r'" },
	{ "    checks: [{equals: x}]\n", 13, 14, "a check needs one of 'json', "
	  "'body_contains', 'body_matches', 'header' or 'max_body' in check 1 "
	  "in request 'r'" },
	{ "    checks: [{header: X-A, equals: x}]\n", 13, 28, "'equals' does "
	  "not apply to a header check, which takes 'matches' or 'exists' in "
	  "check 1 in request 'r'" },
	{ "    checks: [{header: X-A}]\n", 13, 14, "a header check needs "
	  "'matches' or 'exists' in check 1 in request 'r'" },
	{ "    checks: [{body_contains: ok, exists: true}]\n", 13, 34,
	  "'exists' does not apply to a body_contains check, which takes only "
	  "'name' in check 1 in request 'r'" },
	{ "    checks: [{json: /a, matches: 'a(('}]\n", 13, 34, "'matches' "
	  "must be a POSIX extended regular expression, got 'a((': " },
	{ "    checks: [{json: /a, in: []}]\n", 13, 29, "'in' must be a "
	  "non-empty list of values such as [dry_run, ignored], got an empty "
	  "list" },
	{ "    checks: [{json: /a, in: [a, [b]]}]\n", 13, 33, "'in' takes a "
	  "value such as dry_run, 200 or true, got a list" },
	{ "    checks: [{json: /a, exists: maybe}]\n", 13, 33, "'exists' must "
	  "be true or false, got 'maybe'" },
	{ "    checks: [{max_body: 0}]\n", 13, 25, "'max_body' must be more "
	  "than 0, got 0" },
	{ "    checks: [{json: /a, equals: [1]}]\n", 13, 33, "'equals' takes a "
	  "value such as dry_run, 200 or true, got a list" },
	{ "    checks: []\n", 13, 13, "'checks' must be a non-empty list of "
	  "checks, got an empty list" },
	{ "    checks: [x]\n", 13, 14, "each check must be a mapping, got 'x'" },
	{ "    checks: [{jsn: /a}]\n", 13, 15, "unknown key 'jsn' in check 1 in "
	  "request 'r' (did you mean 'json'?)" },
	{ "defaults: {checks: [{body_matches: '[a'}]}\n", 13, 36,
	  "'body_matches' must be a POSIX extended regular expression, got "
	  "'[a': " },
	{ "defaults: {checks: [{header: X}]}\n", 13, 21, "a header check "
	  "needs 'matches' or 'exists' in check 1 in defaults" },
	/* max_body, outcome, capture, group */
	{ "    max_body: 100MB\n", 13, 15, "'max_body' must be more than 0 and "
	  "at most 64MB, got 100MB" },
	{ "defaults: {max_body: 64XB}\n", 13, 22, "'max_body' must be a size "
	  "such as 512B, 64KB or 1MB, got '64XB'" },
	{ "    outcome: {json: /a, header: X}\n", 13, 25, "'outcome' takes one "
	  "of 'json', 'header' or 'body_matches', not both 'json' and "
	  "'header', in request 'r'" },
	{ "    outcome: {body_matches: 'id=([0-9]+)', regex: x}\n", 13, 44,
	  "'regex' goes with 'json' or 'header'; 'body_matches' is a pattern "
	  "itself (its group 1, or the whole match, is the value) in request "
	  "'r'" },
	{ "    outcome: /status\n", 13, 14, "'outcome' must be a mapping such "
	  "as {json: /status}, {header: X-Result} or {body_matches: "
	  "'id=([0-9]+)'}, got '/status'" },
	{ "    outcome: {regex: 'a'}\n", 13, 14, "'outcome' needs one of "
	  "'json', 'header' or 'body_matches' in request 'r'" },
	{ "    capture: {9lives: {json: /a}}\n", 13, 15, "'9lives' is not a "
	  "variable name (letters, digits and _, not starting with a digit) "
	  "in request 'r'" },
	{ "    capture: {t: /a}\n", 13, 18, "capture 't' must be a mapping "
	  "such as {json: /status}" },
	{ "    capture: {}\n", 13, 14, "'capture' must be a mapping of "
	  "variable names to what sets them, such as {token: {json: /token}}, "
	  "got an empty mapping" },
	{ "    capture: {t: {header: 'a b'}}\n", 13, 27, "'header' must be a "
	  "header name such as Content-Type, got 'a b'" },
	{ "    capture: {t: {json: /a}, t: {json: /b}}\n", 13, 30, "duplicate "
	  "variable 't' in capture in request 'r'" },
	{ "    group: [a]\n", 13, 12, "'group' must be text, got a list" },
	/* ${var:} */
	{ "    body: '{\"t\":\"${var:tokn}\"}'\n", 13, 18, "no request captures "
	  "'tokn'; did you mean 'token'?" },
	{ "    headers: {X: '${var:other}'}\n", 13, 19, "no request captures "
	  "'other' (a ${var:NAME} is set by a request's 'capture')" },
	{ "    headers: {X: '${var:9}'}\n", 13, 25, "header 'X': '9' is not "
	  "a variable name" },
	/* flows */
	{ "flows:\n  - name: f\n    steps: [me]\n", 15, 13, "step 1 of flow "
	  "'f' sends 'me', which uses ${var:token}, but no step before it "
	  "captures it; put a step of 'login' first" },
	{ "flows:\n  - name: f\n    steps: [login, {request: mee}]\n", 15, 30,
	  "step names unknown request 'mee' in flow 'f' (did you mean 'me'?)" },
	{ "flows:\n  - name: f\n    steps: [{request: r, repeat: 0}]\n", 15, 34,
	  "'repeat' must be between 1 and 1000000, got 0" },
	{ "flows:\n  - name: f\n    steps: [r, {repeat: 2}]\n", 15, 16, "a step "
	  "needs 'request', the name of the request it sends, in step 2 in "
	  "flow 'f'" },
	{ "flows:\n  - name: f\n    steps: [[r]]\n", 15, 13, "each step must be "
	  "a request name or a mapping {request, repeat, think_time}, got a "
	  "list in flow 'f'" },
	{ "flows:\n  - name: f\n    steps: []\n", 15, 12, "'steps' must be a "
	  "non-empty list of steps, got an empty list" },
	{ "flows:\n  - name: f\n", 14, 5, "flow needs 'steps', the requests it "
	  "sends in order, in flow 'f'" },
	{ "flows:\n  - steps: [r]\n", 14, 5, "flow needs 'name' (its scope in "
	  "thresholds, as in NAME.iteration.p95) in flow 1" },
	{ "flows:\n  - {name: f, steps: [r]}\n  - {name: f, steps: [r]}\n", 15,
	  5, "duplicate flow name 'f' (first used on line 14)" },
	{ "flows:\n  - {name: r, steps: [r]}\n", 14, 5, "flow name 'r' is a "
	  "request's name too (line 11); a scope names one or the other, so "
	  "give the flow its own" },
	{ "flows:\n  - {name: f, think_time: 2s..1s, steps: [r]}\n", 14, 27,
	  "'think_time' must be a duration such as 1s or a range LOW..HIGH "
	  "such as 1s..3s (LOW at most HIGH, HIGH at most 30 days), got "
	  "'2s..1s'" },
	{ "flows: session\n", 13, 8, "'flows' must be a non-empty list of "
	  "flows, got 'session'" },
	{ "flows:\n  - {name: f, steps: [{request: r, times: 2}]}\n", 14, 36,
	  "unknown key 'times' in step 1 in flow 'f'" },
	/* phases */
	{ FLOW_F "phases:\n  - {kind: burst, requests: 5, use: f}\n", 16, 37,
	  "a burst phase cannot run a flow ('use: f'); flows run in sustained, "
	  "ramp and soak phases in phase 'burst-1'" },
	{ FLOW_F "phases:\n  - {kind: sustained, users: 2, duration: 1s, "
	  "use: [f, r]}\n", 16, 52, "'use' mixes flow 'f' with requests in "
	  "phase 'sustained-1'; a phase runs one flow or requests" },
	{ FLOW_F "  - {name: g, steps: [r]}\nphases:\n  - {kind: sustained, "
	  "users: 2, duration: 1s, use: [f, g]}\n", 17, 56, "'use' names flows "
	  "'f' and 'g' in phase 'sustained-1'; a phase runs one flow" },
	{ FLOW_F "phases:\n  - {kind: sustained, users: 2, duration: 1s, "
	  "use: ff}\n", 16, 52, "'use' names unknown request or flow 'ff' in "
	  "phase 'sustained-1' (did you mean 'f'?)" },
	/* thresholds */
	{ FLOW_F "thresholds:\n  - me.outcome:ok == 1\n", 16, 5, "threshold "
	  "'me.outcome:ok == 1': request 'me' has no 'outcome' to count the "
	  "values of" },
	{ FLOW_F "thresholds:\n  - r.checks > 99%\n", 16, 5, "threshold "
	  "'r.checks > 99%': request 'r' has no checks (of its own or of the "
	  "defaults)" },
	{ FLOW_F "thresholds:\n  - checks > 99%\n", 16, 5, "threshold 'checks "
	  "> 99%': no request has checks (of its own or of the defaults)" },
	{ FLOW_F "thresholds:\n  - f.p95 < 1s\n", 16, 5, "threshold 'f.p95 < "
	  "1s': flow 'f' is judged by f.iteration.METRIC (the latency of its "
	  "iterations) and by f.requests, f.errors and f.error_rate, not by "
	  "'p95'" },
	{ FLOW_F "thresholds:\n  - g.iteration.p95 < 1s\n", 16, 5, "threshold "
	  "'g.iteration.p95 < 1s': unknown flow 'g' (did you mean 'f'?)" },
	{ FLOW_F "thresholds:\n  - group:gw.p95 < 1s\n", 16, 11, "threshold "
	  "'group:gw.p95 < 1s': unknown group 'gw': no request has a "
	  "'group'" },
	{ FLOW_F "thresholds:\n  - class:nope.p95 < 1s\n", 16, 11, "threshold "
	  "'class:nope.p95 < 1s': unknown class 'nope'; expected ok, " },
	{ FLOW_F "thresholds:\n  - f.outcome:x == 1\n", 16, 5, "threshold "
	  "'f.outcome:x == 1': 'f' is a flow, not a request; an outcome is "
	  "counted per request" },
	{ FLOW_F "thresholds:\n  - f.iteration.errors == 0\n", 16, 17,
	  "threshold 'f.iteration.errors == 0': FLOW.iteration takes a "
	  "latency metric" },
	{ "thresholds:\n  - login.outcome:'x == 1\n", 14, 19, "threshold "
	  "'login.outcome:'x == 1': unterminated ' in the outcome's value" },
	{ "thresholds:\n  - sesion.p95 < 1s\n", 14, 5, "threshold 'sesion.p95 "
	  "< 1s': unknown request 'sesion'" },
	{ FLOW_F "grades:\n  - {metric: f.cpu_max, excellent: 1%, good: 2%, "
	  "acceptable: 3%}\n", 16, 14, "grade 'f.cpu_max': 'cpu_max' is a "
	  "target metric" },
};

/* Each case fails with its message at its place (among the errors). */
START_TEST(test_errors)
{
	const struct err_case *c = &err_cases[_i];
	const char *phases = strstr(c->tail, "phases:") != NULL ? "" :
	    "phases:\n  - {kind: sustained, users: 2, duration: 1s}\n";
	char *text;

	xasprintf(&text, "%s%s%s", err_head, c->tail, phases);
	assert_error_at(text, c->line, c->col, c->msg, true, _i);
}
END_TEST

/* n lines between head and tail, each pre, its index when numbered,
 * and post. */
static char *
repeat(const char *head, const char *pre, bool numbered, const char *post,
    size_t n, const char *tail)
{
	size_t cap = strlen(head) + n * (strlen(pre) + strlen(post) + 24) +
	    strlen(tail) + 1;
	char *s = xmalloc(cap), *p = s;
	size_t i;

	p += snprintf(p, cap, "%s", head);
	for (i = 0; i < n; i++) {
		if (numbered)
			p += snprintf(p, cap - (size_t)(p - s), "%s%zu%s", pre, i,
			    post);
		else
			p += snprintf(p, cap - (size_t)(p - s), "%s%s", pre, post);
	}
	snprintf(p, cap - (size_t)(p - s), "%s", tail);
	return s;
}

static void
assert_limit(char *text, int line, const char *msg)
{
	struct scn_errors errs = { 0 };

	ck_assert_ptr_null(load_text(text, &errs));
	if (errs.n != 1)
		dump(&errs);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_int_eq(errs.v[0].line, line);
	ck_assert_str_eq(errs.v[0].msg, msg);
	scenario_errors_clear(&errs);
	free(text);
}

#define LIMIT_HEAD "name: l\ntarget: {base_url: http://127.0.0.1:8080}\n"
#define LIMIT_PHASE "phases: [{kind: burst, requests: 1}]\n"

START_TEST(test_limits)
{
	struct scenario *scn;
	char *cause = NULL, *text;

	assert_limit(repeat(LIMIT_HEAD "requests: [{name: r, path: /r}]\n"
	    "flows:\n", "  - {name: f", true, ", steps: [r]}\n", SCN_MAX_FLOWS + 1,
	    LIMIT_PHASE), 5 + SCN_MAX_FLOWS, "the scenario has 1001 flows; at "
	    "most 1000");
	assert_limit(repeat(LIMIT_HEAD "requests: [{name: r, path: /r}]\n"
	    "flows:\n  - name: f\n    steps:\n", "      - r\n", false, "",
	    SCN_MAX_STEPS + 1, LIMIT_PHASE), 7 + SCN_MAX_STEPS, "flow 'f' has "
	    "10001 steps; at most 10000");
	assert_limit(repeat(LIMIT_HEAD "requests:\n  - name: r\n    path: /r\n"
	    "    checks:\n", "      - {body_contains: x", true, "}\n",
	    SCN_MAX_CHECKS + 1, LIMIT_PHASE), 7 + SCN_MAX_CHECKS, "request "
	    "'r' has 1001 checks; at most 1000");
	assert_limit(repeat(LIMIT_HEAD "requests:\n  - name: r\n    path: /r\n"
	    "    capture:\n", "      v", true, ": {json: /v}\n", SCN_MAX_VARS + 1,
	    LIMIT_PHASE), 7 + SCN_MAX_VARS, "the scenario has 257 variables; "
	    "at most 256");
	/* Within them, all of it loads. */
	text = repeat(LIMIT_HEAD "requests: [{name: r, path: /r}]\n"
	    "flows:\n  - name: f\n    steps:\n", "      - {request: r, "
	    "repeat: 1000000}\n", false, "", SCN_MAX_STEPS, LIMIT_PHASE);
	scn = load_ok(text);
	free(text);
	ck_assert_uint_eq(scn->flows[0].nsteps, SCN_MAX_STEPS);
	/* A model built without the parser is held to them too. */
	ck_assert_int_eq(scenario_check_limits(scn, &cause), 0);
	scn->requests[0].max_body = 2 * SCN_MAX_BODY;
	scn->flows[0].steps[3].repeat = SCN_MAX_REPEAT + 1;
	ck_assert_int_eq(scenario_check_limits(scn, &cause), -1);
	ck_assert_str_eq(cause, "mem.yaml:3:12: request 'r': 'max_body' is 128 "
	    "MB; at most 64 MB");
	free(cause);
	scn->requests[0].max_body = SCN_MAX_BODY;
	ck_assert_int_eq(scenario_check_limits(scn, &cause), -1);
	ck_assert_str_eq(cause, "mem.yaml:10:9: step 4 of flow 'f': 'repeat' is "
	    "1000001; at most 1000000");
	free(cause);
	scenario_free(scn);
}
END_TEST

static Suite *
checks_suite(void)
{
	Suite *s = suite_create("scenario-checks");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_spec_checks);
	tcase_add_test(tc, test_spec_numbering);
	tcase_add_test(tc, test_spec_flows);
	tcase_add_test(tc, test_spec_thresholds);
	tcase_add_test(tc, test_check_values);
	tcase_add_test(tc, test_extract_forms);
	tcase_add_test(tc, test_flow_think_times);
	tcase_add_test(tc, test_grades_and_command_line);
	tcase_add_test(tc, test_vars_and_raw);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_errors, 0, (int)LT_NELEM(err_cases));
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(checks_suite)
