/*
 * The limits of the scenario format: the table against the manual, the
 * validator on scenarios at and over each count, and scenario_check_limits
 * on scenarios built without the parser.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "scenario-fixture.h"
#include "scenario.h"
#include "scenario-limits.h"
#include "util.h"

#define MANUAL LT_SRCDIR "/man/loadtop-scenario.5"

/* A growing text, for scenarios too large to keep as files. */
struct text {
	char *s;
	size_t len;
	int lines;
};

static void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(&line, fmt, ap);
	va_end(ap);
	t->s = xrealloc(t->s, t->len + (size_t)n + 2);
	memcpy(t->s + t->len, line, (size_t)n);
	t->len += (size_t)n;
	t->s[t->len++] = '\n';
	t->s[t->len] = '\0';
	t->lines++;
	free(line);
}

/* What a generated scenario holds; zero means one, or none of a list
 * that may be absent. */
struct shape {
	int requests;
	int stages;
	int phases;
	int thresholds;
	int metrics;
	int default_headers;
	int request_headers;
	int use;
};

/* The lines where the generator put the first item over a limit, and
 * the phase that uses many requests. */
struct places {
	int request, stage, phase, threshold, default_header, use_phase;
};
#define PLACE(f) offsetof(struct places, f)

static void
gen_target(struct text *t, const struct shape *sh, struct places *at)
{
	int i;

	add(t, "name: big");
	add(t, "target:");
	add(t, "  base_url: http://127.0.0.1:8080");
	if (sh->metrics > 0) {
		add(t, "  metrics_url: /metrics");
		add(t, "  metrics:");
		for (i = 0; i < sh->metrics; i++)
			add(t, "    - m%d", i);
	}
	if (sh->default_headers > 0) {
		add(t, "defaults:");
		add(t, "  headers:");
		for (i = 0; i < sh->default_headers; i++) {
			if (i == SCN_MAX_HEADERS)
				at->default_header = t->lines + 1;
			add(t, "    X-D%d: d", i);
		}
	}
}

static void
gen_requests(struct text *t, const struct shape *sh, struct places *at)
{
	int i;

	add(t, "requests:");
	for (i = 0; i < LT_MAX(sh->requests, 1); i++) {
		if (i == SCN_MAX_REQUESTS)
			at->request = t->lines + 1;
		add(t, "  - {name: r%d, path: /ok}", i);
	}
	if (sh->request_headers > 0) {
		add(t, "  - name: with-headers");
		add(t, "    path: /h");
		add(t, "    headers:");
		for (i = 0; i < sh->request_headers; i++)
			add(t, "      X-R%d: r", i);
	}
}

static void
gen_phases(struct text *t, const struct shape *sh, struct places *at)
{
	int i;

	add(t, "phases:");
	if (sh->stages > 0) {
		add(t, "  - name: climb");
		add(t, "    kind: ramp");
		add(t, "    stages:");
		for (i = 0; i < sh->stages; i++) {
			if (i == SCN_MAX_STAGES)
				at->stage = t->lines + 1;
			add(t, "      - {duration: 1s, rate: %d}", i + 1);
		}
	}
	if (sh->use > 0) {
		at->use_phase = t->lines + 1;
		add(t, "  - name: many");
		add(t, "    kind: burst");
		add(t, "    requests: 1");
		add(t, "    use:");
		for (i = 0; i < sh->use; i++)
			add(t, "      - r0");
	}
	for (i = 0; i < LT_MAX(sh->phases, 1); i++) {
		if (i == SCN_MAX_PHASES)
			at->phase = t->lines + 1;
		add(t, "  - {kind: burst, requests: 1}");
	}
	for (i = 0; i < sh->thresholds; i++) {
		if (i == 0)
			add(t, "thresholds:");
		if (i == SCN_MAX_THRESHOLDS)
			at->threshold = t->lines + 1;
		add(t, "  - p95 < %dms", i + 1);
	}
}

static struct scenario *
load_shape(const struct shape *sh, struct places *at, struct scn_errors *errs)
{
	struct text t = { 0 };
	struct scenario *scn = NULL;

	memset(at, 0, sizeof *at);
	gen_target(&t, sh, at);
	gen_requests(&t, sh, at);
	gen_phases(&t, sh, at);
	if (scenario_load_buffer("big.yaml", t.s, t.len, &scn, errs) != 0)
		ck_assert_ptr_null(scn);
	free(t.s);
	return scn;
}

/* The shape loads, with no error. */
static void
assert_loads(const struct shape *sh)
{
	struct scn_errors errs = { 0 };
	struct places at;
	struct scenario *scn = load_shape(sh, &at, &errs);

	dump(&errs);
	ck_assert_ptr_nonnull(scn);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_int_eq(scenario_check_limits(scn, NULL), 0);
	scenario_free(scn);
}

/* The shape fails with one error: msg at the line of place, col. */
static void
assert_fails(const struct shape *sh, size_t place, int col, const char *msg)
{
	struct scn_errors errs = { 0 };
	struct places at;
	int line;

	ck_assert_ptr_null(load_shape(sh, &at, &errs));
	memcpy(&line, (const char *)&at + place, sizeof line);
	ck_assert_int_gt(line, 0);
	if (errs.n != 1)
		dump(&errs);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.v[0].file, "big.yaml");
	ck_assert_str_eq(errs.v[0].msg, msg);
	ck_assert_int_eq(errs.v[0].line, line);
	ck_assert_int_eq(errs.v[0].col, col);
	scenario_errors_clear(&errs);
}

/* Every entry of the table is in the manual's LIMITS with its value:
 * ".B KEYS" and a line that starts with "VALUE UNIT:". */
START_TEST(test_limits_in_manual)
{
	const struct scn_limit *l = scenario_limits_table();
	char *man, *sec, *end, *head, *at, value[96];
	size_t len, i;
	int entries = 0;

	man = util_read_file(MANUAL, &len);
	ck_assert_msg(man != NULL, "cannot read %s", MANUAL);
	sec = strstr(man, "\n.SH LIMITS\n");
	ck_assert_msg(sec != NULL, "%s has no LIMITS section", MANUAL);
	sec++;
	if ((end = strstr(sec + 1, "\n.SH ")) != NULL)
		end[1] = '\0';
	for (at = sec; (at = strstr(at, "\n.TP\n")) != NULL; at++)
		entries++;
	ck_assert_int_eq(entries, SCN__LIMIT_COUNT);
	for (i = 0; i < SCN__LIMIT_COUNT; i++) {
		ck_assert_ptr_nonnull(l[i].what);
		ck_assert_ptr_nonnull(l[i].unit);
		ck_assert_double_gt(l[i].max, 0);
		xasprintf(&head, "\n.TP\n.B %s\n%s:", l[i].keys,
		    scenario_limits_format(&l[i], l[i].max, value, sizeof value));
		ck_assert_msg(strstr(sec, head) != NULL, "LIMITS in %s lacks "
		    "'%s' at %s", MANUAL, l[i].keys, value);
		free(head);
	}
	free(man);
}
END_TEST

START_TEST(test_limits_format)
{
	const struct scn_limit *l = scenario_limits_table();
	char buf[96];

	ck_assert_str_eq(scenario_limits_format(&l[SCN_LIMIT_DURATION],
	    SCN_MAX_DURATION_US, buf, sizeof buf), "30 days");
	ck_assert_str_eq(scenario_limits_format(&l[SCN_LIMIT_RATE],
	    SCN_MAX_RATE, buf, sizeof buf), "10000000 requests/s");
	ck_assert_str_eq(scenario_limits_format(&l[SCN_LIMIT_STAGES],
	    SCN_MAX_STAGES, buf, sizeof buf), "10000 stages");
	ck_assert_str_eq(scenario_limits_format(&l[SCN_LIMIT_WEIGHT],
	    SCN_MAX_WEIGHT, buf, sizeof buf), "1000000");
}
END_TEST

/* What the engine once could not run: 65 and more requests in one phase,
 * a ramp of more than 64 stages. */
START_TEST(test_large_scenarios_load)
{
	assert_loads(&(struct shape){ .requests = 200, .stages = 100 });
	assert_loads(&(struct shape){ .stages = SCN_MAX_STAGES });
	assert_loads(&(struct shape){ .default_headers = SCN_MAX_HEADERS });
	assert_loads(&(struct shape){ .default_headers = SCN_MAX_HEADERS / 2,
	    .request_headers = SCN_MAX_HEADERS / 2 });
	assert_loads(&(struct shape){ .metrics = SCN_MAX_METRICS,
	    .use = SCN_MAX_USE });
}
END_TEST

START_TEST(test_counts_over)
{
	assert_fails(&(struct shape){ .stages = SCN_MAX_STAGES + 2001 },
	    PLACE(stage), 9, "ramp 'climb' has 12001 stages; at most 10000");
	assert_fails(&(struct shape){ .requests = SCN_MAX_REQUESTS + 1 },
	    PLACE(request), 5, "the scenario has 1001 requests; at most 1000");
	assert_fails(&(struct shape){ .phases = SCN_MAX_PHASES + 1 },
	    PLACE(phase), 5, "the scenario has 1001 phases; at most 1000");
	assert_fails(&(struct shape){ .thresholds = SCN_MAX_THRESHOLDS + 1 },
	    PLACE(threshold), 5,
	    "the scenario has 10001 thresholds; at most 10000");
	assert_fails(&(struct shape){ .use = SCN_MAX_USE + 1 },
	    PLACE(use_phase), 5,
	    "'use' of burst 'many' has 10001 names; at most 10000");
}
END_TEST

/* Headers count with the defaults merged in, and a defaults' excess is
 * told once, not again for every request. */
START_TEST(test_headers_over)
{
	struct scn_errors errs = { 0 };
	struct places at;

	assert_fails(&(struct shape){ .default_headers = SCN_MAX_HEADERS + 1,
	    .requests = 3 }, PLACE(default_header), 14,
	    "'defaults' has 1001 headers; at most 1000");
	ck_assert_ptr_null(load_shape(&(struct shape){ .default_headers = 600,
	    .request_headers = 401 }, &at, &errs));
	if (errs.n != 1)
		dump(&errs);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.v[0].msg,
	    "request 'with-headers' has 1001 headers; at most 1000");
	scenario_errors_clear(&errs);
}
END_TEST

/* Scenarios built without a file have no places; the cause says what. */
START_TEST(test_check_limits_built)
{
	char req_name[] = "ok", phase_name[] = "climb", file[] = "built.yaml";
	struct scn_request req = { .name = req_name, .weight = 1 };
	struct scn_phase ph = { .name = phase_name, .kind = SCN_RAMP,
	    .model = SCN_MODEL_OPEN };
	struct scenario scn = { .requests = &req, .nrequests = 1,
	    .phases = &ph, .nphases = 1 };
	char *cause = NULL;

	ph.nstages = 12001;
	ph.stages = xcalloc(ph.nstages, sizeof *ph.stages);
	ck_assert_int_eq(scenario_check_limits(&scn, &cause), -1);
	ck_assert_str_eq(cause, "scenario: ramp 'climb' has 12001 stages; "
	    "at most 10000");
	free(cause);

	ph.nstages = 100;
	ph.stages[99].rate = 2e7;
	ph.stages[99].pos = (struct scn_pos){ 7, 9 };
	scn.file = file;
	ck_assert_int_eq(scenario_check_limits(&scn, &cause), -1);
	ck_assert_str_eq(cause, "built.yaml:7:9: stage 100 of ramp 'climb': "
	    "'rate' is 20000000 requests/s; at most 10000000 requests/s");
	free(cause);

	ph.stages[99].rate = SCN_MAX_RATE;
	req.weight = SCN_MAX_WEIGHT + 1;
	ck_assert_int_eq(scenario_check_limits(&scn, &cause), -1);
	ck_assert_str_eq(cause, "built.yaml: request 'ok': 'weight' is 1000001; "
	    "at most 1000000");
	free(cause);
	cause = NULL;

	req.weight = SCN_MAX_WEIGHT;
	ph.duration_us = SCN_MAX_DURATION_US + 86400LL * 1000000;
	ck_assert_int_eq(scenario_check_limits(&scn, NULL), -1);
	ph.duration_us = SCN_MAX_DURATION_US;
	ck_assert_int_eq(scenario_check_limits(&scn, &cause), 0);
	ck_assert_ptr_null(cause);
	free(ph.stages);
}
END_TEST

static Suite *
limits_suite(void)
{
	Suite *s = suite_create("scenario-limits");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_test(tc, test_limits_in_manual);
	tcase_add_test(tc, test_limits_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("validator");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_large_scenarios_load);
	tcase_add_test(tc, test_counts_over);
	tcase_add_test(tc, test_headers_over);
	tcase_add_test(tc, test_check_limits_built);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(limits_suite)
