/*
 * The raw transport: HTTP/1.1 on connections libcurl makes.  libcurl
 * resolves (through the share) and connects (CURLOPT_CONNECT_ONLY), and
 * the worker takes a descriptor of the socket;
 * from then on the worker writes the pre-rendered request and parses the
 * answer with http-parser, in its own epoll loop, as wrk does.  TLS on
 * such a connection is OpenSSL's, in tls-client.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tls-client.h"
#include "util.h"
#include "worker-int.h"

static void raw_send(struct worker *, struct slot *);
static void raw_finish(struct worker *, struct slot *, CURLcode, bool close);

static const struct preq *
slot_preq(const struct slot *s)
{
	return &s->w->env->preqs[s->req];
}

/* --- the response, through http-parser's callbacks ------------------ */

/* Headers matter only to a rate-limited answer (Retry-After): worked
 * out once a status, not once a header. */
static bool
limited(http_parser *hp)
{
	struct slot_raw *r = &((struct slot *)hp->data)->raw;

	if (hp->status_code != r->limited_for) {
		r->limited_for = hp->status_code;
		r->limited = scn_status_has(&slot_preq(hp->data)->limited,
		    hp->status_code);
	}
	return r->limited;
}

static int
on_header_field(http_parser *hp, const char *at, size_t n)
{
	struct slot *s = hp->data;
	struct slot_raw *r = &s->raw;

	if (s->view.names != NULL)
		response_field(&s->view, at, n);
	if (!limited(hp))
		return 0;
	if (r->in_value) {
		r->in_value = false;
		r->hname_len = 0;
	}
	if (r->hname_len + n < sizeof r->hname) {
		memcpy(r->hname + r->hname_len, at, n);
		r->hname_len += n;
	} else
		r->hname_len = sizeof r->hname;	/* too long to matter */
	return 0;
}

static int
on_header_value(http_parser *hp, const char *at, size_t n)
{
	struct slot *s = hp->data;
	struct slot_raw *r = &s->raw;

	if (s->view.names != NULL)
		response_value(&s->view, at, n);
	if (!limited(hp))
		return 0;
	if (!r->in_value) {
		r->in_value = true;
		r->in_retry_after = r->hname_len == 11 &&
		    strncasecmp(r->hname, "Retry-After", 11) == 0;
		if (r->in_retry_after)
			r->retry_after_len = 0;
	}
	if (r->in_retry_after &&
	    r->retry_after_len + n < sizeof r->retry_after) {
		memcpy(r->retry_after + r->retry_after_len, at, n);
		r->retry_after_len += n;
	}
	return 0;
}

static int
on_headers_complete(http_parser *hp)
{
	struct slot *s = hp->data;
	const struct preq *p = slot_preq(s);

	response_status(&s->view, hp->status_code,
	    scn_status_has(&p->expect, hp->status_code));
	/* A HEAD's answer announces a body it does not carry. */
	return p->method == PREQ_HEAD ? 1 : 0;
}

static int
on_body(http_parser *hp, const char *at, size_t n)
{
	struct slot *s = hp->data;

	s->bytes += n;
	if (s->view.on || s->view.sample_on)
		response_body(&s->view, at, n);
	return 0;
}

static int
on_message_complete(http_parser *hp)
{
	struct slot_raw *r = &((struct slot *)hp->data)->raw;

	/* An interim answer (100 Continue, 103) comes before the real one. */
	if (hp->status_code / 100 == 1 && hp->status_code != 101) {
		r->hname_len = 0;
		r->in_value = false;
		response_interim(&((struct slot *)hp->data)->view);
		return 0;
	}
	r->done = true;
	http_parser_pause(hp, 1);
	return 0;
}

static const http_parser_settings raw_parser_settings = {
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

/* Seconds, or an HTTP date from now. */
static int64_t
retry_after_seconds(struct slot_raw *r)
{
	char *end;
	long long v;
	time_t t;

	if (r->retry_after_len == 0)
		return -1;
	r->retry_after[r->retry_after_len] = '\0';
	v = strtoll(r->retry_after, &end, 10);
	if (end != r->retry_after && *end == '\0')
		return v;
	if ((t = curl_getdate(r->retry_after, NULL)) < 0)
		return -1;
	return LT_MAX((int64_t)(t - time(NULL)), 0);
}

/* --- the connection ------------------------------------------------- */

static void
want_out(struct worker *w, struct slot *s, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0),
	    .data.ptr = s };

	if (s->raw.want_out == on)
		return;
	s->raw.want_out = on;
	epoll_ctl(w->epfd, EPOLL_CTL_MOD, s->raw.fd, &ev);
}

void
worker_raw_close(struct slot *s)
{
	if (s->raw.ssl != NULL) {
		SSL_free(s->raw.ssl);
		s->raw.ssl = NULL;
	}
	/* The descriptor is a dup of libcurl's, which stays open until
	 * libcurl lets the connection go: closing ours alone would leave
	 * the socket in the epoll set, waking this slot for a peer it no
	 * longer holds. */
	if (s->raw.fd >= 0) {
		epoll_ctl(s->w->epfd, EPOLL_CTL_DEL, s->raw.fd, NULL);
		close(s->raw.fd);
	}
	s->raw.fd = -1;
	s->raw.want_out = false;
	s->raw.st = RAW_NONE;
	s->raw.origin = NULL;
}

static bool
same_origin(const struct slot_raw *r, const struct preq *p)
{
	return r->origin == p->wire.origin || (r->origin != NULL &&
	    r->origin_len == p->wire.origin_len &&
	    memcmp(r->origin, p->wire.origin, r->origin_len) == 0);
}

void
worker_raw_start(struct worker *w, struct slot *s)
{
	const struct preq *p = slot_preq(s);
	struct slot_raw *r = &s->raw;

	worker_xfer_reset(&r->end, CURLE_OK);
	r->retried = r->got_bytes = r->done = false;
	r->sent = 0;
	r->hname_len = r->retry_after_len = 0;
	r->in_value = r->in_retry_after = false;
	r->limited_for = 0;
	worker_list_append(&w->in_flight, s);
	if (r->st == RAW_KEPT && !same_origin(r, p))
		worker_raw_close(s);
	if (r->st == RAW_KEPT) {
		r->reused = true;
		raw_send(w, s);
	} else
		worker_connect_start(w, s, p);
}

/* Handshake as far as the socket allows. */
static void
raw_tls_step(struct worker *w, struct slot *s)
{
	CURLcode res = CURLE_SSL_CONNECT_ERROR;

	switch (tls_client_handshake(s->raw.ssl, &res)) {
	case TLS_CLIENT_DONE:
		s->raw.end.tls_us = (util_now_ns() - s->raw.tls_start_ns) / 1000;
		raw_send(w, s);
		break;
	case TLS_CLIENT_WANT_READ:
		want_out(w, s, false);
		break;
	case TLS_CLIENT_WANT_WRITE:
		want_out(w, s, true);
		break;
	default:
		raw_finish(w, s, res, true);
		break;
	}
}

static void
raw_tls_begin(struct worker *w, struct slot *s)
{
	const struct preq *p = slot_preq(s);
	char *cause = NULL;

	if (w->tls == NULL &&
	    (w->tls = tls_client_ctx_new(w->env->insecure_tls, &cause)) == NULL) {
		free(cause);
		raw_finish(w, s, CURLE_SSL_CONNECT_ERROR, true);
		return;
	}
	s->raw.ssl = tls_client_new(w->tls, s->raw.fd, p->wire.host,
	    &w->tls_sessions[s->req]);
	if (s->raw.ssl == NULL) {
		raw_finish(w, s, CURLE_OUT_OF_MEMORY, true);
		return;
	}
	s->raw.st = RAW_TLS;
	s->raw.tls_start_ns = util_now_ns();
	raw_tls_step(w, s);
}

/* A connection made, with its times, as libcurl counts one: not when
 * it failed. */
static void
connect_times(struct slot *s)
{
	curl_off_t dns = 0, conn = 0;

	curl_easy_getinfo(s->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(s->easy, CURLINFO_CONNECT_TIME_T, &conn);
	s->raw.end.connected = true;
	s->raw.end.dns_us = dns;
	s->raw.end.connect_us = conn > dns ? conn - dns : 0;
}

/* The connection's socket, our own: libcurl keeps (and in time closes)
 * its descriptor of a connect-only connection, whatever it is told. */
static int
take_socket(CURL *e)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK ||
	    fd == CURL_SOCKET_BAD)
		return -1;
	return fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

void
worker_raw_connected(struct worker *w, struct slot *s, CURLcode res)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
	int fd = -1;

	if (res == CURLE_OK && (fd = take_socket(s->easy)) < 0)
		res = CURLE_COULDNT_CONNECT;
	if (res == CURLE_OK)
		connect_times(s);
	curl_multi_remove_handle(s->multi, s->easy);
	w->curl_busy--;
	worker_connect_done(w, s);
	if (res != CURLE_OK) {
		s->raw.st = RAW_NONE;
		raw_finish(w, s, res, false);
		return;
	}
	s->raw.fd = fd;
	s->raw.want_out = false;
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev);
	if (slot_preq(s)->wire.tls)
		raw_tls_begin(w, s);
	else
		raw_send(w, s);
}

/* A fresh connection for a request a reused one dropped unanswered, as
 * libcurl retries it. */
static bool
raw_retry(struct worker *w, struct slot *s)
{
	if (!s->raw.reused || s->raw.retried || s->raw.got_bytes)
		return false;
	s->raw.retried = true;
	s->raw.sent = 0;
	worker_raw_close(s);
	worker_connect_start(w, s, slot_preq(s));
	return true;
}

static ssize_t
conn_write(struct slot *s, const char *buf, size_t n, bool *again)
{
	enum tls_client_step step = TLS_CLIENT_ERROR;
	ssize_t k;

	*again = false;
	if (s->raw.ssl == NULL) {
		k = send(s->raw.fd, buf, n, MSG_NOSIGNAL);
		*again = k < 0 && (errno == EAGAIN || errno == EINTR);
		return k;
	}
	k = tls_client_write(s->raw.ssl, buf, n, &step);
	*again = k < 0 && (step == TLS_CLIENT_WANT_WRITE ||
	    step == TLS_CLIENT_WANT_READ);
	return k;
}

static void
raw_send(struct worker *w, struct slot *s)
{
	const struct preq_buf *b = s->bufs[s->req];
	struct slot_raw *r = &s->raw;
	bool again;
	ssize_t k;

	if (r->st != RAW_SENDING) {
		r->st = RAW_SENDING;
		http_parser_init(&r->parser, HTTP_RESPONSE);
		r->parser.data = s;
	}
	while (r->sent < b->wire_len) {
		k = conn_write(s, b->wire + r->sent, b->wire_len - r->sent,
		    &again);
		if (k > 0) {
			r->sent += (size_t)k;
			continue;
		}
		if (again) {
			want_out(w, s, true);
			return;
		}
		if (!raw_retry(w, s))
			raw_finish(w, s, CURLE_SEND_ERROR, true);
		return;
	}
	want_out(w, s, false);
	r->st = RAW_READING;
	r->sent_ns = util_now_ns();
}

/* --- the answer ----------------------------------------------------- */

static void
raw_finish(struct worker *w, struct slot *s, CURLcode res, bool close)
{
	struct slot_raw *r = &s->raw;
	struct xfer_end *x = &r->end;
	int64_t now = util_now_ns();

	x->res = res;
	x->status = r->got_bytes ? (long)r->parser.status_code : 0;
	if (x->status > 0)
		x->http_version = r->parser.http_major * 10 +
		    r->parser.http_minor;
	if (res == CURLE_OK && r->got_bytes) {
		x->ttfb_us = LT_MAX(r->first_ns - r->sent_ns, 0) / 1000;
		x->transfer_us = (now - r->first_ns) / 1000;
	}
	if (x->status > 0 && scn_status_has(&slot_preq(s)->limited,
	    (int)x->status))
		x->retry_after = retry_after_seconds(r);
	worker_list_unlink(&w->in_flight, s);
	if (close || res != CURLE_OK)
		worker_raw_close(s);
	else
		r->st = RAW_KEPT;
	worker_record(w, s, x, now);
	worker_after_completion(w, s, now);
}

/* The peer closed (or reset) the connection. */
static void
raw_eof(struct worker *w, struct slot *s, bool reset)
{
	struct slot_raw *r = &s->raw;

	if (r->got_bytes && !r->done)
		http_parser_execute(&r->parser, &raw_parser_settings, NULL, 0);
	if (r->done) {
		raw_finish(w, s, CURLE_OK, true);
		return;
	}
	if (raw_retry(w, s))
		return;
	raw_finish(w, s, reset ? CURLE_RECV_ERROR : r->got_bytes ?
	    CURLE_PARTIAL_FILE : CURLE_GOT_NOTHING, true);
}

/*
 * What libcurl says of the same fault, so that both transports fail an
 * answer alike: headers past the parser's limit are too large, a bad
 * chunk size a receive error, and bytes that do not begin as HTTP/ an
 * unsupported protocol (libcurl's HTTP/0.9, refused).
 */
static CURLcode
parse_error(const http_parser *hp)
{
	static const struct {
		enum http_errno hpe;
		CURLcode res;
	} same_as_curl[] = {
		{ HPE_HEADER_OVERFLOW, CURLE_TOO_LARGE },
		{ HPE_INVALID_CHUNK_SIZE, CURLE_RECV_ERROR },
	};
	enum http_errno hpe = HTTP_PARSER_ERRNO(hp);
	size_t i;

	for (i = 0; i < LT_NELEM(same_as_curl); i++)
		if (same_as_curl[i].hpe == hpe)
			return same_as_curl[i].res;
	if (hpe == HPE_INVALID_CONSTANT && hp->http_major == 0)
		return CURLE_UNSUPPORTED_PROTOCOL;
	return CURLE_WEIRD_SERVER_REPLY;
}

/* Bytes read, 0 at the end, -1 for nothing now, -2 on a reset. */
static ssize_t
conn_read(struct worker *w, struct slot *s)
{
	enum tls_client_step step = TLS_CLIENT_ERROR;
	ssize_t k;

	if (s->raw.ssl == NULL) {
		k = recv(s->raw.fd, w->rbuf, WORKER_RBUF, 0);
		if (k >= 0)
			return k;
		return errno == EAGAIN || errno == EINTR ? -1 : -2;
	}
	k = tls_client_read(s->raw.ssl, w->rbuf, WORKER_RBUF, &step);
	if (k > 0)
		return k;
	if (step == TLS_CLIENT_WANT_READ || step == TLS_CLIENT_WANT_WRITE)
		return -1;
	return step == TLS_CLIENT_CLOSED ? 0 : -2;
}

static void
raw_read(struct worker *w, struct slot *s)
{
	struct slot_raw *r = &s->raw;
	ssize_t k;

	for (;;) {
		if ((k = conn_read(w, s)) == -1)
			return;
		if (k <= 0) {
			raw_eof(w, s, k == -2);
			return;
		}
		if (!r->got_bytes) {
			r->got_bytes = true;
			r->first_ns = util_now_ns();
		}
		http_parser_execute(&r->parser, &raw_parser_settings, w->rbuf,
		    (size_t)k);
		if (r->done) {
			raw_finish(w, s, CURLE_OK,
			    !http_should_keep_alive(&r->parser) ||
			    r->parser.upgrade);
			return;
		}
		if (HTTP_PARSER_ERRNO(&r->parser) != HPE_OK) {
			raw_finish(w, s, parse_error(&r->parser), true);
			return;
		}
		/* A short read drained the socket; TLS may hold more. */
		if (r->ssl == NULL && k < WORKER_RBUF)
			return;
	}
}

/* A kept connection spoke: the server closed it, or sent what no
 * request asked for.  Either way it is done with. */
static void
raw_kept_event(struct worker *w, struct slot *s)
{
	ssize_t k = conn_read(w, s);

	if (k != -1)
		worker_raw_close(s);
}

void
worker_raw_event(struct worker *w, struct slot *s, uint32_t events)
{
	switch (s->raw.st) {
	case RAW_TLS:
		raw_tls_step(w, s);
		break;
	case RAW_SENDING:
		if (events & EPOLLOUT)
			raw_send(w, s);
		else
			raw_read(w, s);
		break;
	case RAW_READING:
		raw_read(w, s);
		break;
	case RAW_KEPT:
		raw_kept_event(w, s);
		break;
	default:
		break;			/* an old event for a closed socket */
	}
}

int64_t
worker_raw_expire(struct worker *w, int64_t now)
{
	struct slot *s;
	int64_t deadline;

	while ((s = w->in_flight.head) != NULL) {
		long ms = slot_preq(s)->timeout_ms;

		deadline = ms > 0 ? s->started_ns + (int64_t)ms * 1000000 :
		    INT64_MAX;
		if (deadline > now)
			return deadline;
		worker_connect_cancel(w, s);
		raw_finish(w, s, CURLE_OPERATION_TIMEDOUT, true);
	}
	return INT64_MAX;
}

void
worker_raw_free(struct worker *w)
{
	size_t i;

	for (i = 0; w->tls_sessions != NULL && i < w->env->npreq; i++)
		if (w->tls_sessions[i] != NULL)
			SSL_SESSION_free(w->tls_sessions[i]);
	free(w->tls_sessions);
	if (w->tls != NULL)
		SSL_CTX_free(w->tls);
	free(w->rbuf);
}
