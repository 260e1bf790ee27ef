#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "prom.h"
#include "prom-watch.h"

static const char exposition[] =
    "# HELP http_requests_total The total number of HTTP requests.\n"
    "# TYPE http_requests_total counter\n"
    "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
    "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
    "\n"
    "# A plain comment\n"
    "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
    "metric_without_timestamp_and_labels 12.47\n"
    "# TYPE queue_depth gauge\n"
    "queue_depth{q=\"a\",} -Inf\n"
    "queue_depth{q=\"b\"} NaN\n"
    "queue_depth{q=\"c\"} +Inf\r\n"
    "# TYPE rpc_duration_seconds summary\n"
    "rpc_duration_seconds{quantile=\"0.5\"} 4773\n"
    "rpc_duration_seconds_sum 1.7560473e+07\n"
    "rpc_duration_seconds_count 2693\n"
    "# TYPE lat histogram\n"
    "lat_bucket{le=\"+Inf\"} 144320\n";

START_TEST(test_parse_exposition)
{
	struct prom_doc d;
	char *cause = NULL;

	ck_assert_int_eq(prom_parse(exposition, strlen(exposition), &d,
	    &cause), 0);
	ck_assert_uint_eq(d.n, 11);

	ck_assert_str_eq(d.v[0].name, "http_requests_total");
	/* Canonical: labels sorted by name. */
	ck_assert_str_eq(d.v[0].labels, "{code=\"200\",method=\"post\"}");
	ck_assert_double_eq(d.v[0].value, 1027);
	ck_assert(d.v[0].has_ts);
	ck_assert_int_eq(d.v[0].ts_ms, 1395066363000LL);
	ck_assert_int_eq(d.v[0].type, PROM_COUNTER);
	ck_assert_double_eq(d.v[1].value, 3);

	/* Escapes survive the round trip to canonical form. */
	ck_assert_str_eq(d.v[2].labels,
	    "{error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\","
	    "path=\"C:\\\\DIR\\\\FILE.TXT\"}");
	ck_assert_double_eq_tol(d.v[2].value, 1.458255915e9, 1);
	ck_assert_int_eq(d.v[2].type, PROM_UNTYPED);

	ck_assert_str_eq(d.v[3].labels, "");
	ck_assert(!d.v[3].has_ts);
	ck_assert_double_eq_tol(d.v[3].value, 12.47, 1e-9);

	ck_assert(isinf(d.v[4].value) && d.v[4].value < 0);
	ck_assert_str_eq(d.v[4].labels, "{q=\"a\"}");
	ck_assert(isnan(d.v[5].value));
	ck_assert(isinf(d.v[6].value) && d.v[6].value > 0);
	ck_assert_int_eq(d.v[6].type, PROM_GAUGE);

	ck_assert_int_eq(d.v[7].type, PROM_SUMMARY);
	ck_assert_int_eq(d.v[8].type, PROM_SUMMARY);
	ck_assert_str_eq(d.v[9].name, "rpc_duration_seconds_count");
	ck_assert_int_eq(d.v[9].type, PROM_SUMMARY);
	ck_assert_int_eq(d.v[10].type, PROM_HISTOGRAM);
	prom_doc_free(&d);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const char *bad[] = {
		"ok 1\nfoo{a=\"b\" 1\n",
		"ok 1\n\nfoo{a=b} 1\n",
		"foo{a=\"unterminated} 1\n",
		"foo notanumber\n",
		"foo 1 12x\n",
		"{a=\"b\"} 1\n",
		"foo\n",
	};
	static const char *where[] = {
		"line 2:", "line 3:", "line 1:", "line 1:", "line 1:",
		"line 1:", "line 1:"
	};
	struct prom_doc d;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		ck_assert_int_eq(prom_parse(bad[i], strlen(bad[i]), &d, &cause),
		    -1);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strncmp(cause, where[i], strlen(where[i])) == 0,
		    "%zu: %s", i, cause);
		ck_assert_uint_eq(d.n, 0);
		free(cause);
	}
}
END_TEST

START_TEST(test_selectors)
{
	struct prom_selector sel;
	struct prom_doc d;
	char *cause = NULL;
	size_t i, n;

	ck_assert_int_eq(prom_parse(exposition, strlen(exposition), &d,
	    &cause), 0);

	ck_assert_int_eq(prom_selector_parse("http_requests_total", &sel,
	    &cause), 0);
	for (i = n = 0; i < d.n; i++)
		n += prom_selector_match(&sel, &d.v[i]);
	ck_assert_uint_eq(n, 2);
	prom_selector_free(&sel);

	ck_assert_int_eq(prom_selector_parse(
	    "http_requests_total{code=\"400\"}", &sel, &cause), 0);
	ck_assert(!prom_selector_match(&sel, &d.v[0]));
	ck_assert(prom_selector_match(&sel, &d.v[1]));
	prom_selector_free(&sel);

	/* Label order in the selector does not matter. */
	ck_assert_int_eq(prom_selector_parse(
	    "http_requests_total{method=\"post\", code=\"200\"}", &sel,
	    &cause), 0);
	ck_assert(prom_selector_match(&sel, &d.v[0]));
	ck_assert(!prom_selector_match(&sel, &d.v[1]));
	prom_selector_free(&sel);

	ck_assert_int_eq(prom_selector_parse("a{b=\"c\"} x", &sel, &cause), -1);
	ck_assert(strstr(cause, "trailing") != NULL);
	free(cause);
	ck_assert_int_eq(prom_selector_parse("9bad", &sel, &cause), -1);
	free(cause);
	prom_doc_free(&d);
}
END_TEST

static void
scrape(struct prom_watch *w, const char *text, int64_t now_us)
{
	struct prom_doc d;
	char *cause = NULL;

	ck_assert_int_eq(prom_parse(text, strlen(text), &d, &cause), 0);
	prom_watch_update(w, &d, now_us);
	prom_doc_free(&d);
}

static const struct prom_value *
find(const struct prom_value *v, size_t n, const char *series)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].series, series) == 0)
			return &v[i];
	}
	ck_abort_msg("no series %s", series);
	return NULL;
}

START_TEST(test_watch_rates)
{
	const char *sels[] = { "req_total", "inflight", "lat_count" };
	struct prom_watch *w;
	struct prom_value *v;
	char *cause = NULL;
	size_t n;

	w = prom_watch_new(sels, 3, &cause);
	ck_assert_ptr_nonnull(w);
	scrape(w, "# TYPE req_total counter\n"
	    "req_total{c=\"200\"} 100\nreq_total{c=\"500\"} 10\n"
	    "# TYPE inflight gauge\ninflight 7\nother 1\n"
	    "# TYPE lat histogram\nlat_count 5\nlat_sum 0.5\n", 1000000);
	n = prom_watch_values(w, &v);
	ck_assert_uint_eq(n, 4);
	ck_assert(!find(v, n, "req_total{c=\"200\"}")->valid);
	ck_assert(find(v, n, "inflight")->valid);
	ck_assert_double_eq(find(v, n, "inflight")->value, 7);
	prom_values_free(v, n);

	/* 2 s later: 300 more requests, 4 more errors; a reset histogram. */
	scrape(w, "# TYPE req_total counter\n"
	    "req_total{c=\"200\"} 400\nreq_total{c=\"500\"} 14\n"
	    "# TYPE inflight gauge\ninflight 3\n"
	    "# TYPE lat histogram\nlat_count 2\n", 3000000);
	n = prom_watch_values(w, &v);
	ck_assert_uint_eq(n, 4);
	ck_assert(find(v, n, "req_total{c=\"200\"}")->is_rate);
	ck_assert_double_eq_tol(find(v, n, "req_total{c=\"200\"}")->value, 150,
	    1e-9);
	ck_assert_double_eq_tol(find(v, n, "req_total{c=\"500\"}")->value, 2,
	    1e-9);
	ck_assert_double_eq(find(v, n, "req_total{c=\"500\"}")->raw, 14);
	ck_assert_double_eq(find(v, n, "inflight")->value, 3);
	ck_assert_double_eq_tol(find(v, n, "lat_count")->value, 1, 1e-9);
	prom_values_free(v, n);

	/* A series that disappears has no value. */
	scrape(w, "inflight 1\n", 4000000);
	n = prom_watch_values(w, &v);
	ck_assert(!find(v, n, "req_total{c=\"200\"}")->valid);
	prom_values_free(v, n);
	prom_watch_free(w);

	sels[0] = "bad{";
	ck_assert_ptr_null(prom_watch_new(sels, 1, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

static Suite *
prom_suite(void)
{
	Suite *s = suite_create("prom");
	TCase *tc = tcase_create("prom");

	tcase_add_test(tc, test_parse_exposition);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_selectors);
	tcase_add_test(tc, test_watch_rates);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(prom_suite)
