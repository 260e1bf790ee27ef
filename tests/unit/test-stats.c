/* Per-thread statistics, classification and prepared requests. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check-tap.h"
#include "request.h"
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

static void
fill(struct stats *s, uint64_t ok, uint64_t limited, uint64_t timeouts,
    int64_t lat_us)
{
	uint64_t i;

	s->started += ok + limited + timeouts;
	s->classes[CLS_OK] += ok;
	s->classes[CLS_RATE_LIMITED] += limited;
	s->classes[CLS_TIMEOUT] += timeouts;
	s->status[200] += ok;
	s->status[429] += limited;
	s->req[0].started += ok;
	s->req[0].classes[CLS_OK] += ok;
	for (i = 0; i < ok + limited + timeouts; i++)
		hdr_record(s->latency, lat_us);
	for (i = 0; i < ok; i++)
		hdr_record(s->req[0].latency, lat_us);
}

START_TEST(test_add_sub)
{
	struct stats *a = stats_new(2), *b = stats_new(2), *sum = stats_new(2);
	struct stats *back = stats_new(2);

	fill(a, 100, 10, 1, 1000);
	fill(b, 50, 0, 2, 5000);
	stats_add(sum, a);
	stats_add(sum, b);
	ck_assert_uint_eq(sum->started, 163);
	ck_assert_uint_eq(stats_completed(sum), 163);
	ck_assert_uint_eq(stats_classes_responses(sum->classes), 160);
	ck_assert_uint_eq(stats_classes_errors(sum->classes), 3);
	ck_assert_uint_eq(sum->status[200], 150);
	ck_assert_uint_eq(sum->req[0].classes[CLS_OK], 150);
	ck_assert_uint_eq(hdr_count(sum->latency), 163);
	ck_assert_int_eq(hdr_max(sum->latency), 5000);

	stats_sub(back, sum, b);
	ck_assert_uint_eq(back->started, a->started);
	ck_assert_uint_eq(back->classes[CLS_RATE_LIMITED], 10);
	ck_assert_uint_eq(back->status[429], 10);
	ck_assert_uint_eq(hdr_count(back->latency), 111);
	ck_assert_uint_eq(hdr_count(back->req[0].latency), 100);
	ck_assert_int_le(hdr_max(back->latency),
	    hdr_highest_equivalent(back->latency, 1000));

	stats_reset(sum);
	ck_assert_uint_eq(stats_completed(sum), 0);
	ck_assert_uint_eq(hdr_count(sum->latency), 0);
	stats_free(a);
	stats_free(b);
	stats_free(sum);
	stats_free(back);
}
END_TEST

/* Streams: counts add and subtract, the two gauges are of now, the
 * tables of codes are totals. */
START_TEST(test_streams)
{
	struct scenario *scn = load(
	    "name: streams\n"
	    "target: {base_url: 'http://127.0.0.1:1'}\n"
	    "requests:\n"
	    "  - {name: plain, path: /ok}\n"
	    "  - {name: ws, url: 'ws://127.0.0.1:1/ws', websocket: {}}\n"
	    "  - {name: sse, path: /sse, sse: {}}\n"
	    "phases: [{kind: connections, connections: 2, duration: 1s}]\n");
	struct stats *w[2], *cum, *prev, *d;
	struct stats_stream *st;
	int i;

	for (i = 0; i < 2; i++) {
		w[i] = stats_new(scn->nrequests);
		stats_shape(w[i], scn);
	}
	cum = stats_new(scn->nrequests);
	prev = stats_new(scn->nrequests);
	d = stats_new(scn->nrequests);
	stats_shape(cum, scn);
	stats_shape(prev, scn);
	stats_shape(d, scn);
	ck_assert_uint_eq(w[0]->nstreams, 2);
	ck_assert_ptr_null(stats_stream_of(w[0], 0));
	ck_assert_uint_eq(stats_stream_of(w[0], 2)->req, 2);
	ck_assert(stats_stream_of(w[0], 2)->sse);
	for (i = 0; i < 2; i++) {
		st = stats_stream_of(w[i], 1);
		st->attempts = 5;
		st->open = 3;
		st->sent = 100 * (i + 1);
		st->drops[DROP_CLOSED] = 1;
		stats_stream_count_code(&st->close_codes, 1011);
		hdr_record(st->lat[SLAT_RTT], 1000);
	}
	stats_add(prev, w[0]);
	stats_add(prev, w[1]);
	st = stats_stream_of(w[1], 1);
	st->sent += 50;
	st->open = 1;
	stats_stream_count_code(&st->close_codes, 1000);
	stats_stream_count_code(&st->close_codes, 1011);
	stats_add(cum, w[0]);
	stats_add(cum, w[1]);
	st = stats_stream_of(cum, 1);
	ck_assert_uint_eq(st->attempts, 10);
	ck_assert_uint_eq(st->open, 4);
	ck_assert_uint_eq(st->sent, 350);
	ck_assert_uint_eq(st->drops[DROP_CLOSED], 2);
	ck_assert_uint_eq(hdr_count(st->lat[SLAT_RTT]), 2);
	ck_assert_uint_eq(st->close_codes.n, 2);
	ck_assert_uint_eq(st->close_codes.v[0].code, 1011);
	ck_assert_uint_eq(st->close_codes.v[0].count, 3);
	ck_assert_uint_eq(stats_stream_activity(cum),
	    stats_stream_activity(w[0]) + stats_stream_activity(w[1]));
	stats_sub(d, cum, prev);
	st = stats_stream_of(d, 1);
	ck_assert_uint_eq(st->sent, 50);
	ck_assert_uint_eq(st->attempts, 0);
	ck_assert_uint_eq(st->open, 4);		/* now, not a difference */
	ck_assert_uint_eq(st->close_codes.n, 0);
	stats_reset(cum);
	ck_assert_uint_eq(stats_stream_of(cum, 1)->open, 0);
	ck_assert_uint_eq(stats_stream_activity(cum), 0);
	for (i = 0; i < 2; i++)
		stats_free(w[i]);
	stats_free(cum);
	stats_free(prev);
	stats_free(d);
	scenario_free(scn);
}
END_TEST

START_TEST(test_phase_merge)
{
	struct stats_phase a, b;

	stats_phase_reset(&a);
	stats_phase_reset(&b);
	a.first_limited_seq = 12;
	a.retry_after_count = 2;
	a.retry_after_min = 3;
	a.retry_after_max = 5;
	b.first_limited_seq = 10;
	b.retry_after_count = 1;
	b.retry_after_min = 1;
	b.retry_after_max = 1;
	stats_phase_merge(&a, &b);
	ck_assert_uint_eq(a.first_limited_seq, 10);
	ck_assert_uint_eq(a.retry_after_count, 3);
	ck_assert_int_eq(a.retry_after_min, 1);
	ck_assert_int_eq(a.retry_after_max, 5);
}
END_TEST

/* Bytes held by every histogram of a block. */
static size_t
histogram_bytes(const struct stats *s)
{
	size_t n = hdr_size(s->latency) + hdr_size(s->service), i;

	for (i = 0; i < TIM__COUNT; i++)
		n += hdr_size(s->timing[i]);
	for (i = 0; i < s->nreq; i++)
		n += hdr_size(s->req[i].latency) + hdr_size(s->req[i].service);
	return n;
}

/* One response of request i, as a worker records it. */
static void
answer(struct stats *s, size_t i, int64_t lat_us)
{
	STATS_INC(&s->started, 1);
	STATS_INC(&s->req[i].started, 1);
	STATS_INC(&s->classes[CLS_OK], 1);
	STATS_INC(&s->req[i].classes[CLS_OK], 1);
	hdr_record(s->latency, lat_us);
	hdr_record(s->service, lat_us);
	hdr_record(s->req[i].latency, lat_us);
	hdr_record(s->req[i].service, lat_us);
	hdr_record(s->timing[TIM_TTFB], lat_us - 50);
}

#define NREQ 64

/*
 * 64 requests answered in 0.8 to 1.6 ms, as on loopback: a block holds
 * the few pages those latencies touch, a few KB a request where dense
 * histograms held 41 KB whatever was recorded; and the engine's copies
 * and differences hold no more than what they add up.
 */
START_TEST(test_memory_by_request)
{
	struct stats *w = stats_new(NREQ), *cum = stats_new(NREQ);
	struct stats *prev = stats_new(NREQ), *delta = stats_new(NREQ);
	size_t i, k, empty = histogram_bytes(w);

	ck_assert_uint_le(empty, NREQ * 2 * 1024 + 16 * 1024);
	for (k = 0; k < 200; k++)
		for (i = 0; i < NREQ; i++)
			answer(w, i, 800 + (int64_t)((k * 7 + i * 13) % 801));
	ck_assert_uint_le(histogram_bytes(w), NREQ * 2 * 3 * 1024 +
	    48 * 1024);

	stats_add(cum, w);
	stats_copy(prev, cum);
	ck_assert_uint_le(histogram_bytes(cum), histogram_bytes(w));
	ck_assert_uint_le(histogram_bytes(prev), histogram_bytes(w));
	for (i = 0; i < NREQ; i++)
		answer(w, i, 1000);
	stats_reset(cum);
	stats_add(cum, w);
	stats_sub(delta, cum, prev);
	/* The interval saw one value a request: one page each. */
	for (i = 0; i < NREQ; i++) {
		ck_assert_uint_eq(hdr_count(delta->req[i].latency), 1);
		/* The max of a difference is known to its bucket. */
		ck_assert_int_eq(hdr_lowest_equivalent(delta->req[i].latency,
		    hdr_max(delta->req[i].latency)),
		    hdr_lowest_equivalent(delta->req[i].latency, 1000));
		ck_assert_uint_eq(delta->req[i].classes[CLS_OK], 1);
	}
	ck_assert_uint_eq(hdr_count(delta->latency), NREQ);
	ck_assert_uint_le(histogram_bytes(delta), empty + NREQ * 2 * 512 +
	    8 * 1024);
	stats_free(w);
	stats_free(cum);
	stats_free(prev);
	stats_free(delta);
}
END_TEST

static const char classify_yaml[] =
    "name: c\n"
    "target: {base_url: 'http://127.0.0.1:1'}\n"
    "defaults: {rate_limit_status: [429, 503]}\n"
    "requests:\n"
    "  - {name: a, path: /a}\n"
    "  - {name: b, path: /b, expect_status: [200, 404]}\n"
    "phases: [{kind: burst, requests: 1}]\n";

START_TEST(test_classify)
{
	struct scenario *scn = load(classify_yaml);
	struct preq a, b;
	char *cause = NULL;

	ck_assert_int_eq(request_build(&a, scn, 0, &cause), 0);
	ck_assert_int_eq(request_build(&b, scn, 1, &cause), 0);
	ck_assert_int_eq(request_classify(&a, CURLE_OK, 200), CLS_OK);
	ck_assert_int_eq(request_classify(&a, CURLE_OK, 302), CLS_OK);
	ck_assert_int_eq(request_classify(&a, CURLE_OK, 429), CLS_RATE_LIMITED);
	ck_assert_int_eq(request_classify(&a, CURLE_OK, 503), CLS_RATE_LIMITED);
	ck_assert_int_eq(request_classify(&a, CURLE_OK, 404), CLS_CLIENT_ERROR);
	ck_assert_int_eq(request_classify(&a, CURLE_OK, 500), CLS_SERVER_ERROR);
	ck_assert_int_eq(request_classify(&a, CURLE_OK, 101), CLS_UNEXPECTED);
	ck_assert_int_eq(request_classify(&b, CURLE_OK, 404), CLS_OK);
	ck_assert_int_eq(request_classify(&b, CURLE_OK, 302), CLS_UNEXPECTED);
	ck_assert_int_eq(request_classify(&a, CURLE_OPERATION_TIMEDOUT, 0),
	    CLS_TIMEOUT);
	ck_assert_int_eq(request_classify(&a, CURLE_COULDNT_CONNECT, 0),
	    CLS_CONNECT_ERROR);
	ck_assert_int_eq(request_classify(&a, CURLE_COULDNT_RESOLVE_HOST, 0),
	    CLS_CONNECT_ERROR);
	ck_assert_int_eq(request_classify(&a, CURLE_RECV_ERROR, 0),
	    CLS_TRANSPORT_ERROR);
	ck_assert_int_eq(request_classify(&a, CURLE_GOT_NOTHING, 0),
	    CLS_TRANSPORT_ERROR);
	request_clear(&a);
	request_clear(&b);
	scenario_free(scn);
}
END_TEST

static const char signed_yaml[] =
    "name: s\n"
    "target: {base_url: 'http://127.0.0.1:1'}\n"
    "requests:\n"
    "  - name: hook\n"
    "    method: POST\n"
    "    path: /hook/${seq}\n"
    "    headers: {X-Id: 'id-${seq}'}\n"
    "    body: '{\"n\":${seq}}'\n"
    "    sign: {hmac_sha256: {secret_env: LT_TEST_KEY}}\n"
    "phases: [{kind: burst, requests: 1}]\n";

static bool
has_line(const struct preq_buf *b, const char *line)
{
	size_t i;

	for (i = 0; i < b->nnodes; i++)
		if (strcmp(b->nodes[i].data, line) == 0)
			return true;
	return false;
}

START_TEST(test_render_and_sign)
{
	struct scn_errors errs = { 0 };
	struct scenario *scn;
	struct preq p;
	struct preq_buf *b;
	struct tmpl_ctx ctx = { 0 };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen, i;
	char want[128], *cause = NULL, *w;
	uint64_t rng = 42;
	CURL *easy = curl_easy_init();
	size_t n;

	setenv("LT_TEST_KEY", "k3y", 1);
	scn = load(signed_yaml);
	ck_assert_int_eq(scenario_bind_env(scn, &errs), 0);
	ck_assert_int_eq(request_build(&p, scn, 0, &cause), 0);
	ck_assert_int_eq(p.method, PREQ_POST);
	ck_assert(p.uses_seq);
	ck_assert_ptr_nonnull(p.url);
	b = request_buf_new(&p);
	ctx.seq = 7;
	ctx.rng = &rng;
	n = request_apply(&p, b, easy, &ctx, true);
	ck_assert_str_eq(b->url, "http://127.0.0.1:1/hook/7");
	ck_assert_uint_eq(n, strlen("{\"n\":7}"));
	ck_assert(memcmp(b->body, "{\"n\":7}", n) == 0);
	ck_assert(has_line(b, "X-Id: id-7"));
	ck_assert(has_line(b, "Content-Type: application/json"));
	ck_assert(has_line(b, "User-Agent: loadtop/" PACKAGE_VERSION));

	/* The signature is the HMAC of exactly the body that is sent. */
	HMAC(EVP_sha256(), "k3y", 3, (const unsigned char *)"{\"n\":7}", 7, md,
	    &mdlen);
	w = want + sprintf(want, "X-Signature: sha256=");
	for (i = 0; i < mdlen; i++)
		w += sprintf(w, "%02x", md[i]);
	ck_assert(has_line(b, want));

	ctx.seq = 8;
	request_apply(&p, b, easy, &ctx, false);
	ck_assert_str_eq(b->url, "http://127.0.0.1:1/hook/8");
	ck_assert(has_line(b, "X-Id: id-8"));
	ck_assert(!has_line(b, want));

	request_buf_free(b, &p);
	request_clear(&p);
	curl_easy_cleanup(easy);
	scenario_free(scn);
	unsetenv("LT_TEST_KEY");
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_add_sub);
	tcase_add_test(tc, test_streams);
	tcase_add_test(tc, test_phase_merge);
	tcase_add_test(tc, test_memory_by_request);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_render_and_sign);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(stats_suite)
