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

static struct prom_watch *
watch_of(const char *const *sels, size_t n)
{
	struct prom_watch *w;
	char *cause = NULL;

	w = prom_watch_new(sels, n, &cause);
	ck_assert_msg(w != NULL, "%s", cause);
	return w;
}

/* One scrape's figures: prom_watch_values into *v, freed by the next. */
static size_t
values(struct prom_watch *w, struct prom_value **v, size_t n)
{
	if (*v != NULL)
		prom_values_free(*v, n);
	return prom_watch_values(w, v);
}

START_TEST(test_watch_counters)
{
	const char *sels[] = { "req_total", "inflight", "lat_count" };
	struct prom_watch *w = watch_of(sels, 3);
	const struct prom_value *r;
	struct prom_value *v = NULL;
	size_t n = 0;

	scrape(w, "# TYPE req_total counter\n"
	    "req_total{c=\"200\"} 100\nreq_total{c=\"500\"} 10\n"
	    "# TYPE inflight gauge\ninflight 7\nother 1\n"
	    "# TYPE lat histogram\nlat_count 5\nlat_sum 0.5\n", 1000000);
	n = values(w, &v, n);
	ck_assert_uint_eq(n, 4);
	r = find(v, n, "req_total{c=\"200\"}");
	ck_assert(r->valid && r->present && r->counter);
	ck_assert_double_eq(r->first, 100);
	ck_assert_double_eq(r->last, 100);
	ck_assert_double_eq(r->delta, 0);
	ck_assert_double_eq(r->rate, 0);
	ck_assert(!r->has_now_rate);
	ck_assert(find(v, n, "lat_count")->counter);

	/* 2 s later: 300 more, 4 more errors, a new series, a reset. */
	scrape(w, "# TYPE req_total counter\n"
	    "req_total{c=\"200\"} 400\nreq_total{c=\"500\"} 14\n"
	    "req_total{c=\"429\"} 6\n"
	    "# TYPE inflight gauge\ninflight 3\n"
	    "# TYPE lat histogram\nlat_count 2\n", 3000000);
	n = values(w, &v, n);
	ck_assert_uint_eq(n, 5);
	/* In the selectors' order, then the series'. */
	ck_assert_str_eq(v[0].series, "req_total{c=\"200\"}");
	ck_assert_str_eq(v[1].series, "req_total{c=\"429\"}");
	ck_assert_str_eq(v[2].series, "req_total{c=\"500\"}");
	ck_assert_str_eq(v[3].series, "inflight");
	ck_assert_str_eq(v[4].series, "lat_count");
	r = find(v, n, "req_total{c=\"200\"}");
	ck_assert_double_eq(r->delta, 300);
	ck_assert_double_eq_tol(r->rate, 150, 1e-9);
	ck_assert(r->has_now_rate);
	ck_assert_double_eq_tol(r->now_rate, 150, 1e-9);
	ck_assert_double_eq(find(v, n, "req_total{c=\"500\"}")->delta, 4);
	/* Not there at first: it counted its 6 since the first scrape. */
	r = find(v, n, "req_total{c=\"429\"}");
	ck_assert_double_eq(r->first, 0);
	ck_assert_double_eq(r->delta, 6);
	ck_assert_double_eq_tol(r->span_s, 2, 1e-9);
	ck_assert_double_eq_tol(r->rate, 3, 1e-9);
	/* 5, then 2: a reset, and 2 counted since. */
	r = find(v, n, "lat_count");
	ck_assert_uint_eq(r->resets, 1);
	ck_assert_double_eq(r->delta, 2);
	ck_assert_double_eq(r->first, 5);
	ck_assert_double_eq(r->last, 2);

	/* Series that vanish keep what they counted. */
	scrape(w, "# TYPE req_total counter\nreq_total{c=\"200\"} 450\n"
	    "inflight 1\n", 4000000);
	n = values(w, &v, n);
	r = find(v, n, "req_total{c=\"500\"}");
	ck_assert(r->valid && !r->present && !r->has_now_rate);
	ck_assert_double_eq(r->delta, 4);
	r = find(v, n, "req_total{c=\"200\"}");
	ck_assert_double_eq(r->delta, 350);
	ck_assert_double_eq_tol(r->rate, 350 / 3.0, 1e-9);
	ck_assert_double_eq_tol(r->now_rate, 50, 1e-9);
	ck_assert_uint_eq(r->scrapes, 3);

	/* ... and count on when they come back; a NaN counts nothing. */
	scrape(w, "# TYPE req_total counter\nreq_total{c=\"500\"} 20\n"
	    "req_total{c=\"200\"} NaN\n", 5000000);
	n = values(w, &v, n);
	r = find(v, n, "req_total{c=\"500\"}");
	ck_assert(r->present);
	ck_assert_double_eq(r->delta, 10);
	ck_assert_double_eq_tol(r->now_rate, 3, 1e-9);
	r = find(v, n, "req_total{c=\"200\"}");
	ck_assert(!r->present);
	ck_assert_double_eq(r->delta, 350);
	ck_assert_double_eq(r->last, 450);
	prom_values_free(v, n);
	prom_watch_free(w);
}
END_TEST

START_TEST(test_watch_gauges)
{
	const char *sels[] = { "inflight", "bad{" };
	struct prom_watch *w = watch_of(sels, 1);
	const struct prom_value *r;
	struct prom_value *v = NULL;
	char *cause = NULL;
	size_t n = 0;

	scrape(w, "# TYPE inflight gauge\ninflight 7\n", 1000000);
	scrape(w, "# TYPE inflight gauge\ninflight 3\n", 2000000);
	scrape(w, "# TYPE inflight gauge\ninflight 12\n", 3000000);
	n = values(w, &v, n);
	r = find(v, n, "inflight");
	ck_assert(r->valid && !r->counter && r->type == PROM_GAUGE);
	ck_assert_double_eq(r->first, 7);
	ck_assert_double_eq(r->last, 12);
	ck_assert_double_eq(r->min, 3);
	ck_assert_double_eq(r->max, 12);
	ck_assert_double_eq(r->delta, 5);
	ck_assert_uint_eq(r->resets, 0);
	/* A NaN gauge is its last value, not an extreme. */
	scrape(w, "# TYPE inflight gauge\ninflight NaN\n", 4000000);
	n = values(w, &v, n);
	r = find(v, n, "inflight");
	ck_assert(isnan(r->last));
	ck_assert_double_eq(r->min, 3);
	ck_assert_double_eq(r->max, 12);
	prom_values_free(v, n);
	prom_watch_free(w);

	ck_assert_ptr_null(prom_watch_new(sels + 1, 1, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

static const struct {
	double x;
	const char *want;
} formats[] = {
	{ 6.00031, "6" }, { 32, "32" }, { 67108864, "67108864" },
	{ 1.25, "1.25" }, { 0.0123456, "0.0123" }, { 123.456, "123" },
	{ 99.96, "100" }, { 1234567.8, "1234568" }, { -2.5, "-2.5" },
	{ 0, "0" }, { 4.5e-7, "4.5e-7" }, { 2.5e15, "2.5e15" },
	{ 9.9996e-8, "1e-7" }, { 1.0 / 3, "0.333" },
};

START_TEST(test_format)
{
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		ck_assert_str_eq(prom_format(formats[i].x, buf, sizeof buf),
		    formats[i].want);
	ck_assert_str_eq(prom_format(NAN, buf, sizeof buf), "NaN");
	ck_assert_str_eq(prom_format(INFINITY, buf, sizeof buf), "+Inf");
	ck_assert_str_eq(prom_format(-INFINITY, buf, sizeof buf), "-Inf");
}
END_TEST

START_TEST(test_describe)
{
	const char *sels[] = { "c_total", "g" };
	struct prom_watch *w = watch_of(sels, 2);
	struct prom_value *v = NULL;
	char buf[160];
	size_t n = 0;

	scrape(w, "# TYPE g gauge\ng 7\n", 1000000);
	n = values(w, &v, n);
	ck_assert_str_eq(prom_value_describe(find(v, n, "g"), false, buf,
	    sizeof buf), "last 7, min 7, max 7");
	scrape(w, "# TYPE c_total counter\nc_total 5\n# TYPE g gauge\n"
	    "g 3.33333\n", 4000000);
	scrape(w, "# TYPE c_total counter\nc_total 2\n", 6000000);
	n = values(w, &v, n);
	ck_assert_str_eq(prom_value_describe(find(v, n, "c_total"), false,
	    buf, sizeof buf), "delta 7, 1.4/s, from 0 to 2, 1 reset");
	ck_assert_str_eq(prom_value_describe(find(v, n, "c_total"), true,
	    buf, sizeof buf), "+7, 1/s now");
	ck_assert_str_eq(prom_value_describe(find(v, n, "g"), false, buf,
	    sizeof buf), "last 3.33, min 3.33, max 7, not in the last scrape");
	ck_assert_str_eq(prom_value_describe(find(v, n, "g"), true, buf,
	    sizeof buf), "3.33, min 3.33, max 7, not in the last scrape");
	prom_values_free(v, n);
	prom_watch_free(w);
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
	tcase_add_test(tc, test_watch_counters);
	tcase_add_test(tc, test_watch_gauges);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_describe);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(prom_suite)
