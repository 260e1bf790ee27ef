#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "target-delay.h"
#include "target-leak.h"
#include "target-limit.h"
#include "target-login.h"
#include "target-query.h"
#include "target-response.h"
#include "target-route.h"
#include "target-sse.h"
#include "target-stats.h"
#include "target-webhook.h"
#include "target-ws.h"
#include "util.h"

#define MAX_BYTES	(64ULL * 1024 * 1024)
#define BYTES_BLOCK	(64 * 1024)

enum {
	M_GET = 0x1,
	M_HEAD = 0x2,
	M_POST = 0x4,
	M_DELETE = 0x8,
};

struct request;

struct route {
	const char	*path;
	int		 methods;
	bool		 reads_body;	/* keeps what the client uploads */
	bool		 uncounted;	/* left out of /stats and /metrics */
	enum MHD_Result	(*answer)(struct MHD_Connection *, struct request *);
};

/* State of one request, kept in MHD's per-request pointer. */
struct request {
	const struct route	*route;	/* NULL: no such path */
	struct target_stats_path	*stats;		/* NULL: not counted */
	int			 method;
	int			 resumed;	/* back from a delay */
	int64_t			 delay_ms;
	char			*body;
	size_t			 len;
	size_t			 cap;
	int			 too_large;
};

static struct troute_config config;
static struct tlimit	*limiter;
static struct tlimit	*webhook_limiter;
static atomic_uint_fast64_t flaky_count;
static char		 pattern[BYTES_BLOCK + 64];

/* Answers that never change are built once and shared by all threads. */
static struct MHD_Response *r_ok, *r_health, *r_not_found, *r_bad_request,
			*r_limited_ok, *r_flaky_error, *r_stats_reset,
			*r_webhook[TSTATS_WEBHOOK_NOUTCOMES];

static struct MHD_Response *
json_answer(const char *body)
{
	return target_response_fixed(body, TRESPONSE_JSON);
}

static const struct {
	int		 bit;
	const char	*name;
} methods[] = {
	{ M_GET, MHD_HTTP_METHOD_GET }, { M_HEAD, MHD_HTTP_METHOD_HEAD },
	{ M_POST, MHD_HTTP_METHOD_POST }, { M_DELETE, MHD_HTTP_METHOD_DELETE },
};

static void
allow_header(int bits, char *buf, size_t size)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < LT_NELEM(methods) && off < size; i++) {
		if ((bits & methods[i].bit) == 0)
			continue;
		n = snprintf(buf + off, size - off, "%s%s", off == 0 ? "" : ", ",
		    methods[i].name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* The bit of a method; 0 for one no route takes. */
static int
method_bit(const char *method)
{
	size_t i;

	for (i = 0; i < LT_NELEM(methods); i++) {
		if (strcmp(methods[i].name, method) == 0)
			return methods[i].bit;
	}
	return 0;
}

static enum MHD_Result
reply(struct MHD_Connection *conn, struct request *rq, unsigned int status,
    struct MHD_Response *r)
{
	return target_response_send(conn, rq->stats, status, r);
}

static enum MHD_Result
reply_owned(struct MHD_Connection *conn, struct request *rq,
    unsigned int status, struct MHD_Response *r)
{
	return target_response_send_owned(conn, rq->stats, status, r);
}

static uint64_t
random_u64(void)
{
	static _Thread_local uint64_t state;
	uint64_t x;

	if (state == 0)
		state = (uint64_t)util_now_ns() ^ (uint64_t)(uintptr_t)&state ^
		    0x9e3779b97f4a7c15ULL;
	x = state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static enum MHD_Result
reply_limited(struct MHD_Connection *conn, struct request *rq,
    unsigned int retry_after)
{
	struct MHD_Response *r;
	char value[16];

	r = json_answer(target_webhook_body(TSTATS_WEBHOOK_RATE_LIMITED));
	snprintf(value, sizeof value, "%u", retry_after);
	MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, value);
	return reply_owned(conn, rq, MHD_HTTP_TOO_MANY_REQUESTS, r);
}

static const struct sockaddr *
client_address(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	return ci == NULL ? NULL : ci->client_addr;
}

static enum MHD_Result
do_ok(struct MHD_Connection *conn, struct request *rq)
{
	return reply(conn, rq, MHD_HTTP_OK, r_ok);
}

static enum MHD_Result
do_health(struct MHD_Connection *conn, struct request *rq)
{
	return reply(conn, rq, MHD_HTTP_OK, r_health);
}

static enum MHD_Result
do_limited(struct MHD_Connection *conn, struct request *rq)
{
	unsigned int retry_after;

	if (!target_limit_take(limiter, client_address(conn), util_now_us(),
	    &retry_after))
		return reply_limited(conn, rq, retry_after);
	return reply(conn, rq, MHD_HTTP_OK, r_limited_ok);
}

/* /delay and /jitter: suspend now, answer when the timer resumes us. */
static enum MHD_Result
delay_answer(struct MHD_Connection *conn, struct request *rq, bool jitter)
{
	uint64_t ms, spread = 0;
	int64_t delay;
	char *body;
	int len;

	if (rq->resumed) {
		len = xasprintf(&body, "{\"status\":\"ok\",\"delay_ms\":%" PRId64
		    "}", rq->delay_ms);
		return reply_owned(conn, rq, MHD_HTTP_OK,
		    target_response_owned(body, (size_t)len, TRESPONSE_JSON));
	}
	if (target_query_number(conn, "ms", 100, TDELAY_MAX_MS, &ms) != 0)
		return reply(conn, rq, MHD_HTTP_BAD_REQUEST, r_bad_request);
	delay = (int64_t)ms;
	if (jitter) {
		if (target_query_number(conn, "spread", 50, TDELAY_MAX_MS,
		    &spread) != 0)
			return reply(conn, rq, MHD_HTTP_BAD_REQUEST,
			    r_bad_request);
		delay += (int64_t)(random_u64() % (2 * spread + 1)) -
		    (int64_t)spread;
		delay = LT_MAX(0, LT_MIN(delay, TDELAY_MAX_MS));
	}
	rq->delay_ms = delay;
	rq->resumed = 1;
	if (delay == 0)
		return delay_answer(conn, rq, jitter);
	MHD_suspend_connection(conn);
	target_delay_add(conn, delay);
	return MHD_YES;
}

static enum MHD_Result
do_delay(struct MHD_Connection *conn, struct request *rq)
{
	return delay_answer(conn, rq, false);
}

static enum MHD_Result
do_jitter(struct MHD_Connection *conn, struct request *rq)
{
	return delay_answer(conn, rq, true);
}

static ssize_t
bytes_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	uint64_t total = *(uint64_t *)cls;
	size_t want, off = 0, n;

	if (pos >= total)
		return MHD_CONTENT_READER_END_OF_STREAM;
	want = (size_t)LT_MIN((uint64_t)max, total - pos);
	while (off < want) {
		n = LT_MIN(want - off, (size_t)BYTES_BLOCK);
		memcpy(buf + off, pattern + (pos + off) % 64, n);
		off += n;
	}
	return (ssize_t)want;
}

static enum MHD_Result
do_bytes(struct MHD_Connection *conn, struct request *rq)
{
	struct MHD_Response *r;
	uint64_t n, *total;

	if (target_query_number(conn, "n", 1024, MAX_BYTES, &n) != 0)
		return reply(conn, rq, MHD_HTTP_BAD_REQUEST, r_bad_request);
	total = xmalloc(sizeof *total);
	*total = n;
	r = MHD_create_response_from_callback(n, BYTES_BLOCK, bytes_reader,
	    total, free);
	if (r == NULL)
		free(total);
	else
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "application/octet-stream");
	return reply_owned(conn, rq, MHD_HTTP_OK, r);
}

static enum MHD_Result
leaked_answer(struct MHD_Connection *conn, struct request *rq)
{
	char *body;
	int len;

	len = xasprintf(&body, "{\"leaked_bytes\":%" PRIu64 "}",
	    target_leak_bytes());
	return reply_owned(conn, rq, MHD_HTTP_OK,
	    target_response_owned(body, (size_t)len, TRESPONSE_JSON));
}

static enum MHD_Result
do_leak(struct MHD_Connection *conn, struct request *rq)
{
	uint64_t kb;

	if (target_query_number(conn, "kb", 1024, UINT64_MAX, &kb) != 0 ||
	    kb > TLEAK_MAX_KB)
		return reply(conn, rq, MHD_HTTP_BAD_REQUEST, r_bad_request);
	if (target_leak_add(kb) != 0)
		return reply(conn, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL);
	return leaked_answer(conn, rq);
}

static enum MHD_Result
do_leak_reset(struct MHD_Connection *conn, struct request *rq)
{
	target_leak_reset();
	return leaked_answer(conn, rq);
}

static enum MHD_Result
do_flaky(struct MHD_Connection *conn, struct request *rq)
{
	uint64_t every, n;

	if (target_query_number(conn, "every", 10, UINT64_MAX, &every) != 0 ||
	    every == 0)
		return reply(conn, rq, MHD_HTTP_BAD_REQUEST, r_bad_request);
	n = atomic_fetch_add(&flaky_count, 1) + 1;
	if (n % every == 0)
		return reply(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    r_flaky_error);
	return reply(conn, rq, MHD_HTTP_OK, r_limited_ok);
}

static enum MHD_Result
do_webhook(struct MHD_Connection *conn, struct request *rq)
{
	enum target_stats_webhook outcome;
	unsigned int retry_after;
	const char *signature;

	if (webhook_limiter != NULL && !target_limit_take(webhook_limiter,
	    client_address(conn), util_now_us(), &retry_after)) {
		target_stats_webhook(TSTATS_WEBHOOK_RATE_LIMITED);
		return reply_limited(conn, rq, retry_after);
	}
	if (rq->too_large)
		outcome = TSTATS_WEBHOOK_INVALID_PAYLOAD;
	else {
		signature = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    "X-Signature");
		outcome = target_webhook_check(config.secret, signature,
		    rq->body != NULL ? rq->body : "", rq->len);
	}
	target_stats_webhook(outcome);
	return reply(conn, rq, target_webhook_http_status(outcome),
	    r_webhook[outcome]);
}

static enum MHD_Result
do_login(struct MHD_Connection *conn, struct request *rq)
{
	return target_login_post(conn, rq->stats, rq->body, rq->len,
	    rq->too_large);
}

static enum MHD_Result
do_me(struct MHD_Connection *conn, struct request *rq)
{
	return target_login_me(conn, rq->stats);
}

static enum MHD_Result
do_metrics(struct MHD_Connection *conn, struct request *rq)
{
	char *text;

	text = target_stats_prometheus(target_leak_bytes());
	return reply_owned(conn, rq, MHD_HTTP_OK, target_response_owned(text,
	    strlen(text), "text/plain; version=0.0.4; charset=utf-8"));
}

static enum MHD_Result
do_stats(struct MHD_Connection *conn, struct request *rq)
{
	char *text;

	if (rq->method == M_DELETE) {
		target_stats_reset();
		return reply(conn, rq, MHD_HTTP_OK, r_stats_reset);
	}
	text = target_stats_json(target_leak_bytes());
	return reply_owned(conn, rq, MHD_HTTP_OK,
	    target_response_owned(text, strlen(text), TRESPONSE_JSON));
}

static enum MHD_Result
do_ws_echo(struct MHD_Connection *conn, struct request *rq)
{
	return target_ws_answer(conn, rq->stats, TWS_ECHO);
}

static enum MHD_Result
do_ws_feed(struct MHD_Connection *conn, struct request *rq)
{
	return target_ws_answer(conn, rq->stats, TWS_FEED);
}

static enum MHD_Result
do_sse(struct MHD_Connection *conn, struct request *rq)
{
	return target_sse_answer(conn, rq->stats);
}

static const struct route routes[] = {
	{ .path = "/ok", .methods = M_GET | M_HEAD, .answer = do_ok },
	{ .path = "/health", .methods = M_GET | M_HEAD, .answer = do_health },
	{ .path = "/delay", .methods = M_GET | M_HEAD, .answer = do_delay },
	{ .path = "/jitter", .methods = M_GET | M_HEAD, .answer = do_jitter },
	{ .path = "/bytes", .methods = M_GET | M_HEAD, .answer = do_bytes },
	{ .path = "/limited", .methods = M_GET | M_HEAD, .answer = do_limited },
	{ .path = "/leak", .methods = M_GET | M_POST, .answer = do_leak },
	{ .path = "/leak/reset", .methods = M_POST, .answer = do_leak_reset },
	{ .path = "/flaky", .methods = M_GET | M_HEAD, .answer = do_flaky },
	{ .path = "/webhook", .methods = M_POST, .reads_body = true,
	  .answer = do_webhook },
	{ .path = "/login", .methods = M_POST, .reads_body = true,
	  .answer = do_login },
	{ .path = "/me", .methods = M_GET | M_HEAD, .answer = do_me },
	{ .path = "/metrics", .methods = M_GET | M_HEAD, .answer = do_metrics },
	{ .path = "/ws/echo", .methods = M_GET, .answer = do_ws_echo },
	{ .path = "/ws/feed", .methods = M_GET, .answer = do_ws_feed },
	{ .path = "/sse", .methods = M_GET, .answer = do_sse },
	{ .path = "/stats", .methods = M_GET | M_HEAD | M_DELETE,
	  .uncounted = true, .answer = do_stats },
};

/* 405 with its Allow header, one per route. */
static struct MHD_Response *not_allowed[LT_NELEM(routes)];

void
target_route_init(const struct troute_config *cfg)
{
	char allow[64];
	size_t i;

	config = *cfg;
	limiter = target_limit_create(cfg->limit_mode, cfg->limit_n,
	    cfg->limit_window_us);
	if (cfg->webhook_limit)
		webhook_limiter = target_limit_create(cfg->limit_mode, cfg->limit_n,
		    cfg->limit_window_us);
	for (i = 0; i < sizeof pattern; i++)
		pattern[i] = (i % 64 == 63) ? '\n' : "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"[i % 64];

	r_ok = target_response_fixed("ok", TRESPONSE_TEXT);
	r_health = json_answer("{\"status\":\"up\"}");
	r_not_found = json_answer("{\"status\":\"not_found\"}");
	r_bad_request = json_answer("{\"status\":\"bad_request\"}");
	r_limited_ok = json_answer("{\"status\":\"ok\"}");
	r_flaky_error = json_answer("{\"status\":\"error\"}");
	r_stats_reset = json_answer("{\"status\":\"reset\"}");
	for (i = 0; i < TSTATS_WEBHOOK_NOUTCOMES; i++)
		r_webhook[i] = json_answer(target_webhook_body(i));
	for (i = 0; i < LT_NELEM(routes); i++) {
		not_allowed[i] = json_answer(
		    "{\"status\":\"method_not_allowed\"}");
		allow_header(routes[i].methods, allow, sizeof allow);
		MHD_add_response_header(not_allowed[i], MHD_HTTP_HEADER_ALLOW,
		    allow);
	}
}

void
target_route_free(void)
{
	size_t i;

	MHD_destroy_response(r_ok);
	MHD_destroy_response(r_health);
	MHD_destroy_response(r_not_found);
	MHD_destroy_response(r_bad_request);
	MHD_destroy_response(r_limited_ok);
	MHD_destroy_response(r_flaky_error);
	MHD_destroy_response(r_stats_reset);
	for (i = 0; i < TSTATS_WEBHOOK_NOUTCOMES; i++)
		MHD_destroy_response(r_webhook[i]);
	for (i = 0; i < LT_NELEM(routes); i++) {
		MHD_destroy_response(not_allowed[i]);
		not_allowed[i] = NULL;
	}
	target_limit_free(limiter);
	target_limit_free(webhook_limiter);
	limiter = webhook_limiter = NULL;
}

static const struct route *
find_route(const char *url)
{
	size_t i;

	for (i = 0; i < LT_NELEM(routes); i++) {
		if (strcmp(routes[i].path, url) == 0)
			return &routes[i];
	}
	return NULL;
}

static enum MHD_Result
dispatch(struct MHD_Connection *conn, struct request *rq)
{
	if (rq->route == NULL)
		return reply(conn, rq, MHD_HTTP_NOT_FOUND, r_not_found);
	if ((rq->method & rq->route->methods) == 0)
		return reply(conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
		    not_allowed[rq->route - routes]);
	return rq->route->answer(conn, rq);
}

static void
keep_body(struct request *rq, const char *data, size_t size)
{
	if (rq->too_large || size > TROUTE_MAX_BODY - rq->len) {
		rq->too_large = 1;
		return;
	}
	if (rq->len + size > rq->cap) {
		rq->cap = LT_MAX(rq->cap * 2, rq->len + size);
		rq->cap = LT_MIN(rq->cap, (size_t)TROUTE_MAX_BODY);
		rq->body = xrealloc(rq->body, rq->cap);
	}
	memcpy(rq->body + rq->len, data, size);
	rq->len += size;
}

enum MHD_Result
target_route_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct request *rq = *con_cls;

	if (rq == NULL) {
		rq = xcalloc(1, sizeof *rq);
		rq->route = find_route(url);
		rq->method = method_bit(method);
		if (rq->route == NULL || !rq->route->uncounted)
			rq->stats = target_stats_path(url);
		*con_cls = rq;
		target_stats_inflight(1);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (rq->route != NULL && rq->route->reads_body &&
		    rq->method == M_POST)
			keep_body(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return dispatch(conn, rq);
}

void
target_route_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	if (rq == NULL)
		return;
	target_stats_inflight(-1);
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}
