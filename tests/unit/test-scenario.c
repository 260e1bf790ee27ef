/* Unit tests for the scenario parser and validator. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "scenario-fixture.h"
#include "scenario.h"
#include "util.h"

#define MAX_FILES 256
#define EXAMPLES LT_SRCDIR "/scenarios"
#define INVALID LT_TEST_DATA "/scenarios/invalid"
#define VALID LT_TEST_DATA "/scenarios/valid"
#define SECRET "s3cr3t-Zebra-4711"

static char *examples[MAX_FILES], *invalid[MAX_FILES], *valid[MAX_FILES];
static int nexamples, ninvalid, nvalid;

static int
is_yaml(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && strcmp(d->d_name + n - 5, ".yaml") == 0;
}

static int
list_dir(const char *dir, char **out)
{
	struct dirent **ents;
	int i, n;

	if ((n = scandir(dir, &ents, is_yaml, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (i < MAX_FILES)
			xasprintf(&out[i], "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return LT_MIN(n, MAX_FILES);
}

static struct scenario *
load_file_ok(const char *path)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;
	int rc = scenario_load(path, &scn, &errs);

	dump(&errs);
	ck_assert_msg(rc == 0, "%s does not load", path);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(scn);
	return scn;
}

START_TEST(test_examples_load)
{
#ifndef HAVE_CURL_WS
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;

	/* Without WebSocket in libcurl, the streams example says so. */
	if (strstr(examples[_i], "/streams.yaml") != NULL) {
		ck_assert_int_eq(scenario_load(examples[_i], &scn, &errs), -1);
		ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "websocket needs "
		    "libcurl with WebSocket support"));
		scenario_errors_clear(&errs);
		return;
	}
#endif
	scenario_free(load_file_ok(examples[_i]));
}
END_TEST

START_TEST(test_valid_load)
{
	scenario_free(load_file_ok(valid[_i]));
}
END_TEST

START_TEST(test_corpus_present)
{
	static const char *const names[] = { "demo", "burst", "sustained",
	    "ramp", "soak-leak", "rate-limit", "webhook-hmac", "flow-login",
	    "webhook-outcomes", "streams" };
	char *path;
	size_t i;
	int j;

	ck_assert_int_ge(ninvalid, 45);
	ck_assert_int_ge(nvalid, 1);
	for (i = 0; i < LT_NELEM(names); i++) {
		xasprintf(&path, "%s/%s.yaml", EXAMPLES, names[i]);
		for (j = 0; j < nexamples; j++) {
			if (strcmp(examples[j], path) == 0)
				break;
		}
		ck_assert_msg(j < nexamples, "%s is missing", path);
		free(path);
	}
}
END_TEST

/* Each file says on its first line where its one problem is. */
START_TEST(test_invalid_fails)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn = NULL;
	char line[512], want[512], *nl;
	FILE *f;
	int l, c, n = 0;

	f = fopen(invalid[_i], "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	fclose(f);
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	ck_assert_msg(sscanf(line, "# expect: %d:%d: %n", &l, &c, &n) == 2 &&
	    n > 0, "%s: bad expect line", invalid[_i]);
	snprintf(want, sizeof want, "%s", line + n);

	ck_assert_int_eq(scenario_load(invalid[_i], &scn, &errs), -1);
	ck_assert_ptr_null(scn);
	if (errs.n != 1)
		dump(&errs);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.v[0].file, invalid[_i]);
	ck_assert_int_eq(errs.v[0].line, l);
	ck_assert_int_eq(errs.v[0].col, c);
	ck_assert_msg(strstr(errs.v[0].msg, want) != NULL,
	    "'%s' does not contain '%s'", errs.v[0].msg, want);
	scenario_errors_clear(&errs);
}
END_TEST

START_TEST(test_demo_model)
{
	static const enum scn_phase_kind kinds[] = { SCN_BURST, SCN_SUSTAINED,
	    SCN_RAMP, SCN_SOAK, SCN_LEAK, SCN_RATE_LIMIT };
	static const enum scn_model models[] = { SCN_MODEL_NONE,
	    SCN_MODEL_OPEN, SCN_MODEL_OPEN, SCN_MODEL_CLOSED, SCN_MODEL_NONE,
	    SCN_MODEL_NONE };
	struct scenario *scn = load_file_ok(EXAMPLES "/demo.yaml");
	const struct scn_phase *ph = scn->phases;
	const struct scn_request *rq = scn->requests, *hook;
	const struct threshold *t = scn->thresholds;
	size_t i;

	ck_assert_str_eq(scn->name, "demo");
	ck_assert_int_eq(scn->version, 1);
	ck_assert(!scn->abort_on_fail);
	ck_assert_str_eq(scn->target.base_url, "http://127.0.0.1:8080");
	ck_assert_str_eq(scn->target.health_url, "http://127.0.0.1:8080/health");
	ck_assert_str_eq(scn->target.metrics_url,
	    "http://127.0.0.1:8080/metrics");
	ck_assert_uint_eq(scn->target.nmetrics, 2);
	ck_assert_str_eq(scn->target.metrics[1], "loadtop_target_leaked_bytes");
	ck_assert_uint_eq(scn->target.nprocesses, 1);
	ck_assert_str_eq(scn->target.processes[0].name, "loadtop-target");
	ck_assert_str_eq(scn->target.processes[0].label, "target");
	ck_assert_int_eq(scn->target.health_interval_us, 1000000);
	ck_assert_int_eq(scn->defaults.timeout_us, 5000000);
	ck_assert_int_eq(scn->defaults.connect_timeout_us, 2000000);
	ck_assert_int_eq(scn->defaults.http_version, 11);

	ck_assert_uint_eq(scn->nphases, LT_NELEM(kinds));
	for (i = 0; i < LT_NELEM(kinds); i++) {
		ck_assert_int_eq(ph[i].kind, kinds[i]);
		ck_assert_int_eq(ph[i].model, models[i]);
	}
	ck_assert_str_eq(ph[0].name, "warmup");
	ck_assert_uint_eq(ph[0].requests, 200);
	ck_assert_uint_eq(ph[0].concurrency, 20);
	ck_assert_uint_eq(ph[0].nuse, 1);
	ck_assert_uint_eq(ph[0].use[0], 0);
	ck_assert_double_eq(ph[1].rate, 200.0);
	ck_assert_int_eq(ph[1].duration_us, 50 * 1000000LL);
	ck_assert_uint_eq(ph[1].nuse, 5);
	ck_assert_uint_eq(ph[1].use[3], 3);
	ck_assert_uint_eq(ph[1].use[4], 4);
	ck_assert_double_eq(ph[2].rate, 50.0);
	ck_assert_uint_eq(ph[2].nstages, 2);
	ck_assert_int_eq(ph[2].stages[0].duration_us, 20 * 1000000LL);
	ck_assert_double_eq(ph[2].stages[1].rate, 400.0);
	ck_assert_uint_eq(ph[3].users, 20);
	ck_assert_int_eq(ph[3].think_time_us, 50000);
	ck_assert_int_eq(ph[3].duration_us, 75 * 1000000LL);
	ck_assert_uint_eq(ph[3].use[3], 6);
	ck_assert_uint_eq(ph[4].batches, 10);
	ck_assert_int_eq(ph[4].settle_us, 1000000);
	ck_assert_uint_eq(ph[4].concurrency, 10);
	ck_assert_str_eq(ph[5].name, "rate-limit");
	ck_assert_uint_eq(ph[5].requests, 20);
	ck_assert_uint_eq(ph[5].concurrency, 1);
	ck_assert_int_eq(ph[5].expect_allowed, 10);
	ck_assert_int_eq(ph[5].expect_limited, 10);
	ck_assert_double_eq(ph[5].rate, 0);

	ck_assert_uint_eq(scn->nrequests, 7);
	ck_assert_str_eq(rq[0].url, "http://127.0.0.1:8080/ok");
	ck_assert_str_eq(rq[0].method, "GET");
	ck_assert_uint_eq(rq[0].weight, 6);
	ck_assert_uint_eq(rq[0].headers.n, 2);
	ck_assert_ptr_nonnull(rq[0].url_tmpl);
	ck_assert(scn_status_has(&rq[0].expect_status, 200));
	ck_assert(scn_status_has(&rq[0].expect_status, 399));
	ck_assert(!scn_status_has(&rq[0].expect_status, 400));
	ck_assert(!scn_status_has(&rq[0].expect_status, 199));
	ck_assert(scn_status_has(&scn->defaults.rate_limit_status, 429));
	ck_assert(!scn_status_has(&scn->defaults.rate_limit_status, 503));
	hook = &rq[3];
	ck_assert_str_eq(hook->name, "webhook");
	ck_assert_str_eq(hook->method, "POST");
	ck_assert_uint_eq(hook->headers.n, 3);
	ck_assert_str_eq(hook->headers.v[0].name, "User-Agent");
	ck_assert_str_eq(hook->headers.v[2].name, "Content-Type");
	ck_assert_ptr_nonnull(hook->body_tmpl);
	ck_assert_ptr_nonnull(strstr(hook->body, "${uuid}"));
	ck_assert_ptr_nonnull(hook->sign);
	ck_assert_str_eq(hook->sign->secret_env, "LOADTOP_TARGET_SECRET");
	ck_assert_str_eq(hook->sign->header, "X-Signature");
	ck_assert_str_eq(hook->sign->prefix, "sha256=");
	ck_assert_ptr_null(hook->sign->secret);

	ck_assert_uint_eq(scn->nthresholds, 6);
	ck_assert_int_eq(t[0].metric, THR_P95);
	ck_assert_double_eq(t[0].value, 250.0);
	ck_assert_int_eq(t[0].scope, THR_SCOPE_ALL);
	ck_assert_int_eq(t[2].metric, THR_RPS);
	ck_assert_int_eq(t[2].scope, THR_SCOPE_PHASE);
	ck_assert_str_eq(t[2].scope_name, "steady");
	ck_assert_uint_eq(t[2].scope_index, 1);
	ck_assert_int_eq(t[3].scope, THR_SCOPE_REQUEST);
	ck_assert_uint_eq(t[3].scope_index, 0);
	ck_assert_int_eq(t[4].op, THR_EQ);
	ck_assert_uint_eq(t[4].scope_index, 5);
	ck_assert(!t[4].abort_on_fail);
	ck_assert_int_eq(t[5].metric, THR_MEM_GROWTH);
	ck_assert_double_eq(t[5].value, 64.0 * 1024 * 1024);
	ck_assert_int_gt(t[0].line, 0);
	ck_assert_int_gt(t[1].line, t[0].line);
	scenario_free(scn);
}
END_TEST

START_TEST(test_forms_model)
{
	struct scenario *scn = load_file_ok(VALID "/forms.yaml");
	const struct scn_request *file = &scn->requests[0], *mixed;
	const struct scn_phase *ph = scn->phases;

	ck_assert(scn->abort_on_fail);
	ck_assert_int_eq(scn->defaults.http_version, 20);
	ck_assert(scn->defaults.insecure_tls);
	ck_assert_int_eq(scn->defaults.timeout_us, 90 * 1000000LL);
	ck_assert(scn->defaults.expect_status.given);
	ck_assert_str_eq(file->method, "POST");
	ck_assert_str_eq(file->url, "http://127.0.0.1:8080/api/upload");
	ck_assert_uint_eq(file->weight, 2);
	ck_assert_ptr_null(file->body_tmpl);
	ck_assert_str_eq(file->body_file, "data/payload.json");
	ck_assert_uint_eq(file->body_len, 35);
	ck_assert_int_eq(memcmp(file->body, "{\"event\":\"scale\"", 16), 0);
	ck_assert(file->expect_status.given);
	ck_assert(scn_status_has(&file->expect_status, 201));
	ck_assert(!scn_status_has(&file->expect_status, 200));

	/* The request's "accept" replaces the defaults' "Accept". */
	mixed = &scn->requests[1];
	ck_assert_str_eq(mixed->name, "mixed");
	ck_assert_uint_eq(mixed->headers.n, 2);
	ck_assert_str_eq(mixed->headers.v[0].name, "X-Token");
	ck_assert_str_eq(mixed->headers.v[1].name, "accept");
	ck_assert_str_eq(mixed->headers.v[1].value, "text/plain");
	ck_assert(template_has_secret(mixed->headers.v[0].tmpl));
	ck_assert(!mixed->expect_status.given);
	ck_assert(scn_status_has(&mixed->expect_status, 250));
	ck_assert(scn_status_has(&mixed->expect_status, 304));
	ck_assert(!scn_status_has(&mixed->expect_status, 305));
	ck_assert(scn_status_has(&mixed->expect_status, 404));
	ck_assert(!scn_status_has(&mixed->expect_status, 405));
	ck_assert(scn_status_has(&scn->defaults.rate_limit_status, 503));

	ck_assert_int_eq(ph[0].model, SCN_MODEL_CLOSED);
	ck_assert_uint_eq(ph[0].users, 3);
	ck_assert_int_eq(ph[0].think_time_us, 0);
	ck_assert_int_eq(ph[0].duration_us, 3600 * 1000000LL);
	ck_assert_int_eq(ph[1].model, SCN_MODEL_CLOSED);
	ck_assert_uint_eq(ph[1].users, 1);
	ck_assert_uint_eq(ph[1].stages[0].users, 10);
	ck_assert_int_eq(ph[1].stages[0].duration_us, 500000);
	ck_assert_str_eq(ph[2].name, "leak-3");
	ck_assert_uint_eq(ph[2].batches, 5);
	ck_assert_int_eq(ph[2].settle_us, 0);
	ck_assert_ptr_null(ph[2].use);

	ck_assert_uint_eq(scn->nthresholds, 3);
	ck_assert(!scn->thresholds[0].abort_on_fail);
	ck_assert(scn->thresholds[1].abort_on_fail);
	ck_assert_int_eq(scn->thresholds[2].metric, THR_LEAK_SLOPE_REQ);
	ck_assert_uint_eq(scn->thresholds[2].scope_index, 2);
	scenario_free(scn);
}
END_TEST

START_TEST(test_defaults_and_names)
{
	struct scenario *scn = load_file_ok(VALID "/absolute-urls.yaml");
	struct scenario *crlf = load_file_ok(VALID "/crlf.yaml");

	ck_assert_ptr_null(scn->target.base_url);
	ck_assert_int_eq(scn->target.processes[0].pid, 1);
	ck_assert(scn->target.processes[0].tree);
	ck_assert_str_eq(scn->requests[0].name, "GET /ok");
	ck_assert_str_eq(scn->requests[1].name, "HEAD /a/b?c=d");
	ck_assert_str_eq(scn->requests[1].url, "https://[::1]:8443/a/b?c=d");
	ck_assert_uint_eq(scn->requests[1].weight, 1);
	ck_assert_str_eq(scn->phases[0].name, "burst-1");
	ck_assert_uint_eq(scn->phases[0].concurrency, 3);
	ck_assert_str_eq(scn->phases[1].name, "rate_limit-2");
	ck_assert_int_eq(scn->phases[1].expect_allowed, -1);
	ck_assert_int_eq(scn->phases[1].expect_limited, 1);
	ck_assert_int_eq(scn->defaults.timeout_us, 30 * 1000000LL);
	ck_assert_int_eq(scn->defaults.connect_timeout_us, 10 * 1000000LL);
	ck_assert(!scn->defaults.expect_status.given);
	ck_assert_str_eq(scn->thresholds[0].scope_name, "GET /ok");
	ck_assert_uint_eq(scn->thresholds[0].scope_index, 0);
	ck_assert_uint_eq(scn->thresholds[1].scope_index, 1);

	ck_assert_double_eq(crlf->phases[0].rate, 100.0);
	ck_assert_uint_eq(crlf->phases[0].connections, 4);
	ck_assert_str_eq(crlf->requests[0].url, "http://127.0.0.1:8080/ok");
	scenario_free(scn);
	scenario_free(crlf);
}
END_TEST

/* A minimum of 0 in a key's table lets 0 in, rates included. */
START_TEST(test_zero_minimums)
{
	struct scenario *scn = load_file_ok(VALID "/zero-starts.yaml");

	ck_assert_int_eq(scn->phases[0].model, SCN_MODEL_OPEN);
	ck_assert_double_eq(scn->phases[0].rate, 0);
	ck_assert_double_eq(scn->phases[0].stages[0].rate, 50.0);
	ck_assert_double_eq(scn->phases[1].rate, 0);
	ck_assert_int_eq(scn->phases[2].model, SCN_MODEL_CLOSED);
	ck_assert_uint_eq(scn->phases[2].users, 0);
	ck_assert_int_eq(scn->phases[2].think_time_us, 0);
	ck_assert_int_eq(scn->phases[3].settle_us, 0);
	ck_assert_int_eq(scn->alerts.target_cpu_for_us, 0);
	scenario_free(scn);
}
END_TEST

/* Problems are found in several passes, but reported in file order. */
START_TEST(test_errors_in_file_order)
{
	static const char text[] =
	    "thresholds:\n"
	    "  - p96 < 1ms\n"
	    "name: multi\n"
	    "phases:\n"
	    "  - kind: burst\n"
	    "    requests: 0\n"
	    "target:\n"
	    "  base_url: ftp://x\n"
	    "requests:\n"
	    "  - path: /ok\n"
	    "    weight: -3\n"
	    "    colour: red\n";
	static const int lines[] = { 2, 6, 8, 11, 12 };
	struct scn_errors errs = { 0 };
	size_t i;

	ck_assert_ptr_null(load_text(text, &errs));
	if (errs.n != LT_NELEM(lines))
		dump(&errs);
	ck_assert_uint_eq(errs.n, LT_NELEM(lines));
	for (i = 0; i < LT_NELEM(lines); i++) {
		ck_assert_int_eq(errs.v[i].line, lines[i]);
		ck_assert_str_eq(errs.v[i].file, "mem.yaml");
	}
	ck_assert_int_eq(errs.v[4].col, 5);
	ck_assert_ptr_nonnull(strstr(errs.v[4].msg, "unknown key 'colour'"));
	scenario_errors_clear(&errs);
	ck_assert_uint_eq(errs.n, 0);
}
END_TEST

START_TEST(test_errors_print)
{
	struct scn_errors errs = { 0 };
	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");

	scenario_errors_add(&errs, "a.yaml", 3, 7, "bad %s", "thing");
	scenario_errors_add(&errs, "b.yaml", 0, 0, "cannot read");
	scenario_errors_print(f, &errs);
	fclose(f);
	ck_assert_str_eq(buf, "a.yaml:3:7: bad thing\nb.yaml: cannot read\n");
	scenario_errors_clear(&errs);
}
END_TEST

START_TEST(test_unreadable_file)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn;

	ck_assert_int_eq(scenario_load(LT_TEST_DATA "/no/such.yaml", &scn,
	    &errs), -1);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_int_eq(errs.v[0].line, 0);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "No such file"));
	scenario_errors_clear(&errs);
	ck_assert_str_eq(kinds_phase_name(SCN_RATE_LIMIT), "rate_limit");
	ck_assert_str_eq(kinds_phase_name(SCN_SOAK), "soak");
}
END_TEST

static const char env_text[] =
    "name: env\n"
    "target: {base_url: http://127.0.0.1:8080}\n"
    "defaults:\n"
    "  headers:\n"
    "    Authorization: Bearer ${env:LT_T_TOKEN}\n"
    "requests:\n"
    "  - name: a\n"
    "    path: /a\n"
    "  - name: b\n"
    "    method: POST\n"
    "    path: /b\n"
    "    body: |\n"
    "      first line\n"
    "        key=${env:LT_T_BODY}\n"
    "    sign:\n"
    "      hmac_sha256:\n"
    "        secret_env: LT_T_SECRET\n"
    "phases:\n"
    "  - {kind: burst, requests: 1}\n";

/* The unset variables are named at the place they are referred to. */
START_TEST(test_bind_env_unset)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn;

	unsetenv("LT_T_TOKEN");
	unsetenv("LT_T_BODY");
	unsetenv("LT_T_SECRET");
	scn = load_text(env_text, &errs);
	dump(&errs);
	ck_assert_ptr_nonnull(scn);
	ck_assert_int_eq(scenario_bind_env(scn, &errs), -1);
	/* The defaults' header is seen by both requests: reported once. */
	ck_assert_uint_eq(errs.n, 3);
	ck_assert_int_eq(errs.v[0].line, 5);
	ck_assert_int_eq(errs.v[0].col, 27);
	ck_assert_str_eq(errs.v[0].msg,
	    "environment variable 'LT_T_TOKEN' is not set");
	ck_assert_int_eq(errs.v[1].line, 14);
	ck_assert_int_eq(errs.v[1].col, 13);
	ck_assert_str_eq(errs.v[1].msg,
	    "environment variable 'LT_T_BODY' is not set");
	ck_assert_int_eq(errs.v[2].line, 17);
	ck_assert_int_eq(errs.v[2].col, 21);
	ck_assert_str_eq(errs.v[2].msg,
	    "environment variable 'LT_T_SECRET' is not set");
	scenario_errors_clear(&errs);

	setenv("LT_T_TOKEN", "tok", 1);
	setenv("LT_T_BODY", "body", 1);
	setenv("LT_T_SECRET", "", 1);
	ck_assert_int_eq(scenario_bind_env(scn, &errs), -1);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_int_eq(errs.v[0].line, 17);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "'LT_T_SECRET' is empty"));
	scenario_errors_clear(&errs);
	scenario_free(scn);
}
END_TEST

START_TEST(test_bind_env_set)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn;
	const struct scn_request *b;
	char buf[256];
	uint64_t rng = 42;
	struct tmpl_ctx ctx = { .seq = 1, .rng = &rng };
	size_t n;

	setenv("LT_T_TOKEN", "tok-123", 1);
	setenv("LT_T_BODY", "xyz", 1);
	setenv("LT_T_SECRET", SECRET, 1);
	scn = load_text(env_text, &errs);
	ck_assert_ptr_nonnull(scn);
	ck_assert_int_eq(scenario_bind_env(scn, &errs), 0);
	ck_assert_uint_eq(errs.n, 0);
	b = &scn->requests[1];
	ck_assert_str_eq(b->sign->secret, SECRET);
	ck_assert_uint_eq(b->sign->secret_len, strlen(SECRET));
	/* Bound for real: the rendered header carries the value. */
	ck_assert_str_eq(b->headers.v[0].name, "Authorization");
	ck_assert_uint_le(template_max_len(b->headers.v[0].tmpl), sizeof buf);
	n = template_render(b->headers.v[0].tmpl, &ctx, buf, sizeof buf);
	ck_assert_int_eq((int)n, (int)strlen("Bearer tok-123"));
	ck_assert_int_eq(memcmp(buf, "Bearer tok-123", n), 0);
	n = template_render(b->body_tmpl, &ctx, buf, sizeof buf);
	ck_assert_int_eq(memcmp(buf, "first line\n  key=xyz\n", n), 0);
	scenario_free(scn);
	unsetenv("LT_T_SECRET");
}
END_TEST

static void
assert_no_secret(const struct scn_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		ck_assert_msg(strstr(errs->v[i].msg, SECRET) == NULL,
		    "secret in '%s'", errs->v[i].msg);
		ck_assert_msg(strstr(errs->v[i].msg, "hunter2") == NULL,
		    "header value in '%s'", errs->v[i].msg);
	}
}

/* Neither bound values nor header values and bodies reach a message. */
START_TEST(test_secret_never_printed)
{
	static const char text[] =
	    "name: leaky\n"
	    "target: {base_url: http://127.0.0.1:8080}\n"
	    "defaults:\n"
	    "  headers:\n"
	    "    Authorization: \"Bearer hunter2 ${env:LT_S_TOKEN} ${bad}\"\n"
	    "    X-Empty:\n"
	    "requests:\n"
	    "  - path: /a\n"
	    "    body: 'hunter2 ${env:LT_S_TOKEN} ${rand:9-1}'\n"
	    "    headers: {X-Key: [hunter2]}\n"
	    "    sign: {hmac_sha256: {secret_env: LT_S_SECRET, prefix: [x]}}\n"
	    "phases:\n"
	    "  - {kind: burst, requests: 1}\n";
	static const char good[] =
	    "name: good\n"
	    "target: {base_url: 'http://127.0.0.1:8080'}\n"
	    "requests:\n"
	    "  - path: /a/${env:LT_S_TOKEN}\n"
	    "    headers: {X-A: '${env:LT_S_TOKEN}', X-B: '${env:LT_S_UNSET}'}\n"
	    "    sign: {hmac_sha256: {secret_env: LT_S_SECRET}}\n"
	    "phases:\n"
	    "  - {kind: burst, requests: 1}\n";
	struct scn_errors errs = { 0 };
	struct scenario *scn;
	int i;

	setenv("LT_S_TOKEN", SECRET, 1);
	setenv("LT_S_SECRET", SECRET, 1);
	unsetenv("LT_S_UNSET");
	ck_assert_ptr_null(load_text(text, &errs));
	ck_assert_uint_ge(errs.n, 4);
	assert_no_secret(&errs);
	scenario_errors_clear(&errs);

	scn = load_text(good, &errs);
	ck_assert_ptr_nonnull(scn);
	ck_assert_int_eq(scenario_bind_env(scn, &errs), -1);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_ptr_nonnull(strstr(errs.v[0].msg, "LT_S_UNSET"));
	assert_no_secret(&errs);
	scenario_errors_clear(&errs);
	scenario_free(scn);

	for (i = 0; i < ninvalid; i++) {
		if (scenario_load(invalid[i], &scn, &errs) == 0)
			scenario_free(scn);
	}
	ck_assert_uint_ge(errs.n, (size_t)ninvalid);
	assert_no_secret(&errs);
	scenario_errors_clear(&errs);
	unsetenv("LT_S_TOKEN");
	unsetenv("LT_S_SECRET");
}
END_TEST

static Suite *
scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc;

	nexamples = list_dir(EXAMPLES, examples);
	ninvalid = list_dir(INVALID, invalid);
	nvalid = list_dir(VALID, valid);

	tc = tcase_create("files");
	tcase_add_test(tc, test_corpus_present);
	tcase_add_loop_test(tc, test_examples_load, 0, nexamples);
	tcase_add_loop_test(tc, test_valid_load, 0, nvalid);
	tcase_add_loop_test(tc, test_invalid_fails, 0, ninvalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_test(tc, test_demo_model);
	tcase_add_test(tc, test_forms_model);
	tcase_add_test(tc, test_defaults_and_names);
	tcase_add_test(tc, test_zero_minimums);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_errors_in_file_order);
	tcase_add_test(tc, test_errors_print);
	tcase_add_test(tc, test_unreadable_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("env");
	tcase_add_test(tc, test_bind_env_unset);
	tcase_add_test(tc, test_bind_env_set);
	tcase_add_test(tc, test_secret_never_printed);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(scenario_suite)
