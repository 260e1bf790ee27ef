/* The response view and its inspection: checks, outcomes, captures,
 * redaction, and the statistics tables they fill. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "inspect.h"
#include "response.h"
#include "scenario.h"
#include "stats.h"

static struct scenario *
load(const char *yaml)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;

	if (scenario_load_buffer("test.yaml", yaml, strlen(yaml), &scn,
	    &errs) != 0) {
		scenario_errors_print(stderr, &errs);
		scenario_errors_clear(&errs);
		ck_abort_msg("scenario did not load");
	}
	return scn;
}

/* A whole answer through the view, as the raw transport's parser gives
 * it: headers in two pieces each, then the body in chunks of 7. */
static void
answer(struct response_view *v, const struct inspect *in, size_t req,
    size_t max_body, long status, const char *const *hdrs, const char *body)
{
	size_t i, n = strlen(body);

	response_begin(v, inspect_wants(in, req), inspect_names(in, req),
	    max_body);
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i += 2) {
		size_t k = strlen(hdrs[i]);

		response_field(v, hdrs[i], k / 2);
		response_field(v, hdrs[i] + k / 2, k - k / 2);
		response_value(v, hdrs[i + 1], 1);
		response_value(v, hdrs[i + 1] + 1, strlen(hdrs[i + 1]) - 1);
	}
	response_status(v, status, status < 400);
	for (i = 0; i < n; i += 7)
		response_body(v, body + i, n - i < 7 ? n - i : 7);
}

static const char *webhook_yaml =
    "version: 1\n"
    "name: t\n"
    "target: {base_url: 'http://127.0.0.1:1'}\n"
    "requests:\n"
    "  - name: signal\n"
    "    path: /webhook\n"
    "    checks:\n"
    "      - {json: /status, in: [dry_run, ignored]}\n"
    "      - {json: /a~1b/0, equals: 3}\n"
    "      - {body_contains: '\"status\"'}\n"
    "      - {header: Content-Type, matches: 'application/json'}\n"
    "      - {header: X-Gone, exists: false}\n"
    "    outcome: {json: /status}\n"
    "phases: [{kind: burst, requests: 1}]\n";

START_TEST(checks_pass_and_fail)
{
	struct scenario *scn = load(webhook_yaml);
	struct inspect *in;
	struct response_view v;
	struct inspect_out out;
	uint64_t pass[5] = { 0 }, fail[5] = { 0 };
	static const char *const json_ct[] = { "Content-Type",
	    "application/json; charset=utf-8", NULL };
	static const char *const text_ct[] = { "Content-Type", "text/plain",
	    "X-Gone", "here", NULL };
	char *cause = NULL;

	ck_assert_uint_eq(scn->requests[0].nchecks, 5);
	in = inspect_new(scn, &cause);
	ck_assert_ptr_nonnull(in);
	ck_assert(inspect_wants(in, 0));
	response_init(&v);

	answer(&v, in, 0, 65536, 200, json_ct,
	    "{\"status\":\"dry_run\",\"a/b\":[3.0]}");
	inspect_run(in, 0, &v, true, pass, fail, NULL, &out);
	ck_assert_int_eq(out.failed, -1);
	ck_assert_uint_eq(out.outcome_len, 7);
	ck_assert(memcmp(out.outcome, "dry_run", 7) == 0);

	answer(&v, in, 0, 65536, 200, text_ct,
	    "{\"status\":\"rate_limited\",\"a/b\":[4]}");
	inspect_run(in, 0, &v, true, pass, fail, NULL, &out);
	ck_assert_int_eq(out.failed, 0);	/* the first that failed */
	ck_assert_uint_eq(fail[1], 1);		/* 4 is not 3 */
	ck_assert_uint_eq(fail[3], 1);		/* text/plain */
	ck_assert_uint_eq(fail[4], 1);		/* X-Gone is there */
	ck_assert_uint_eq(pass[2], 2);		/* "status" both times */

	/* An unexpected status: no checks, the outcome still taken. */
	answer(&v, in, 0, 65536, 500, NULL, "{\"status\":\"broken\"}");
	inspect_run(in, 0, &v, false, pass, fail, NULL, &out);
	ck_assert_int_eq(out.failed, -1);
	ck_assert_uint_eq(pass[0] + fail[0], 2);
	ck_assert(out.outcome_len == 6 && memcmp(out.outcome, "broken", 6) == 0);

	/* Not json at all: the pointer has no value. */
	answer(&v, in, 0, 65536, 200, json_ct, "<html>");
	inspect_run(in, 0, &v, true, pass, fail, NULL, &out);
	ck_assert_int_eq(out.failed, 0);
	ck_assert_uint_eq(out.outcome_len, SIZE_MAX);

	response_free(&v);
	inspect_free(in);
	scenario_free(scn);
}
END_TEST

START_TEST(body_cut_at_max_body)
{
	struct scenario *scn = load(
	    "version: 1\n"
	    "name: t\n"
	    "target: {base_url: 'http://127.0.0.1:1'}\n"
	    "requests:\n"
	    "  - name: big\n"
	    "    path: /big\n"
	    "    max_body: 10\n"
	    "    checks:\n"
	    "      - {body_matches: '^x{10}$'}\n"
	    "      - {max_body: 20}\n"
	    "phases: [{kind: burst, requests: 1}]\n");
	struct inspect *in = inspect_new(scn, NULL);
	struct response_view v;
	struct inspect_out out;
	uint64_t pass[2] = { 0 }, fail[2] = { 0 };
	char body[64];

	response_init(&v);
	memset(body, 'x', 30);
	body[30] = '\0';
	answer(&v, in, 0, (size_t)scn->requests[0].max_body, 200, NULL, body);
	ck_assert_uint_eq(v.len, 10);
	ck_assert_uint_eq(v.total, 30);
	ck_assert(v.cut);
	inspect_run(in, 0, &v, true, pass, fail, NULL, &out);
	ck_assert_uint_eq(pass[0], 1);		/* the 10 bytes kept */
	ck_assert_uint_eq(fail[1], 1);		/* 30 bytes in all */
	ck_assert_int_eq(out.failed, 1);
	response_free(&v);
	inspect_free(in);
	scenario_free(scn);
}
END_TEST

START_TEST(captures_and_redaction)
{
	struct scenario *scn = load(
	    "version: 1\n"
	    "name: t\n"
	    "target: {base_url: 'http://127.0.0.1:1'}\n"
	    "requests:\n"
	    "  - name: login\n"
	    "    method: POST\n"
	    "    path: /login\n"
	    "    capture:\n"
	    "      token: {json: /token}\n"
	    "      sid: {header: Set-Cookie, regex: 'sid=([a-z0-9]+)'}\n"
	    "  - name: me\n"
	    "    path: /me\n"
	    "    headers: {Authorization: 'Bearer ${var:token}'}\n"
	    "phases: [{kind: burst, requests: 1}]\n");
	struct inspect *in = inspect_new(scn, NULL);
	struct inspect_vars *vars = inspect_vars_new(scn);
	struct response_view v;
	struct inspect_out out;
	static const char *const cookie[] = { "set-cookie",
	    "sid=abc123; Path=/", NULL };
	char sample[64];
	const char *body = "{\"token\":\"t0ps3cr3t\"}";
	size_t n, tok = 0;

	ck_assert_uint_eq(scn->nvars, 2);
	if (strcmp(scn->vars[0], "token") != 0)
		tok = 1;
	response_init(&v);
	answer(&v, in, 0, 65536, 200, cookie, body);
	inspect_run(in, 0, &v, true, NULL, NULL, vars, &out);
	ck_assert_uint_eq(vars->v[tok].len, 9);
	ck_assert(memcmp(vars->v[tok].v, "t0ps3cr3t", 9) == 0);
	ck_assert_uint_eq(vars->v[1 - tok].len, 6);
	ck_assert(memcmp(vars->v[1 - tok].v, "abc123", 6) == 0);

	/* A captured value, whole or cut at the end, never shows. */
	n = inspect_redact(in, vars, body, strlen(body), sample, sizeof sample);
	ck_assert_str_eq(sample, "{\"token\":\"[redacted]\"}");
	ck_assert_uint_eq(n, strlen(sample));
	inspect_redact(in, vars, body, 15, sample, sizeof sample);
	ck_assert_str_eq(sample, "{\"token\":\"[redacted]");

	/* A failed login leaves the variable unset, not stale. */
	answer(&v, in, 0, 65536, 200, NULL, "{\"error\":\"no\"}");
	inspect_run(in, 0, &v, true, NULL, NULL, vars, &out);
	ck_assert_ptr_null(vars->v[tok].v);
	inspect_vars_clear(vars, scn);
	ck_assert_ptr_null(vars->v[1 - tok].v);

	response_free(&v);
	inspect_vars_free(vars, scn);
	inspect_free(in);
	scenario_free(scn);
}
END_TEST

START_TEST(tables_merge)
{
	struct scenario *scn = load(webhook_yaml);
	struct stats *a = stats_new(1), *sum = stats_new(1);
	struct stats_reason *e;
	bool fresh;
	unsigned i;

	stats_shape(a, scn);
	stats_shape(sum, scn);
	for (i = 0; i < 300; i++) {
		char v[16];

		snprintf(v, sizeof v, "v%u", i % 260);
		stats_count_outcome(&a->req[0], v, strlen(v));
	}
	stats_count_outcome(&a->req[0], NULL, SIZE_MAX);
	for (i = 0; i < 20; i++)
		stats_count_status(&a->req[0], 200 + i);
	e = stats_reason_find(a->reasons, 0, CLS_CHECK_FAILED, 200, 1, 0,
	    &fresh);
	ck_assert(fresh);
	e->count = 1;
	stats_reason_publish(a->reasons);
	ck_assert_ptr_eq(stats_reason_find(a->reasons, 0, CLS_CHECK_FAILED,
	    200, 1, 0, &fresh), e);
	ck_assert(!fresh);

	stats_add(sum, a);
	stats_add(sum, a);
	ck_assert_uint_eq(sum->req[0].outcomes->n, STATS_OUTCOMES_KEEP);
	ck_assert_uint_eq(sum->req[0].outcomes->v[0].count, 4);	/* v0 */
	/* 260 values, 256 kept: 4 past them, twice. */
	ck_assert_uint_eq(sum->req[0].outcomes->overflow, 8);
	ck_assert_uint_eq(sum->req[0].outcomes->none, 2);
	ck_assert_uint_eq(sum->req[0].nstatus, STATS_REQ_STATUSES);
	ck_assert_uint_eq(sum->req[0].status_other, 8);
	ck_assert_uint_eq(sum->reasons->n, 1);
	ck_assert_uint_eq(sum->reasons->v[0].count, 2);
	stats_free(a);
	stats_free(sum);
	scenario_free(scn);
}
END_TEST

static Suite *
inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = tcase_create("inspect");

	tcase_add_test(tc, checks_pass_and_fail);
	tcase_add_test(tc, body_cut_at_max_body);
	tcase_add_test(tc, captures_and_redaction);
	tcase_add_test(tc, tables_merge);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(inspect_suite)
