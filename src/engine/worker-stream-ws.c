/*
 * A WebSocket stream.  libcurl makes the connection and the upgrade
 * (CURLOPT_CONNECT_ONLY = 2, on the streams' multi handle, which must
 * hold the handle for as long as it is used); the socket it made is then
 * in the worker's epoll set and frames go by curl_ws_send and
 * curl_ws_recv, never blocking.  Messages are rendered into the stream's
 * buffer at its own rate, their first spread over one period so that the
 * connections do not send at once; replies are matched to what was sent
 * (stream-match.c), pongs to pings.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "util.h"
#include "worker-stream-int.h"

#ifdef HAVE_CURL_WS

#define WS_CLOSE_NORMAL 1000
#define WS_CLOSE_NO_CODE 1005		/* a close frame without a code */
#define WS_CLOSE_TOO_BIG 1009

static const struct scn_websocket *
ws_of(const struct stream *s)
{
	return s->preq->r->websocket;
}

/* A refused upgrade's body goes nowhere. */
static size_t
sink(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

static void
ws_start(struct stream *s, int64_t now)
{
	const struct scn_websocket *ws = ws_of(s);
	size_t cap = 0;

	(void)now;
	if (ws->send_tmpl != NULL)
		cap = template_max_len(ws->send_tmpl) + 1;
	if (ws->on_open_tmpl != NULL)
		cap = LT_MAX(cap, template_max_len(ws->on_open_tmpl) + 1);
	/* Made once; again only for a larger request of a later plan. */
	if (cap > s->out_cap) {
		s->out_cap = cap;
		s->out = xrealloc(s->out, s->out_cap);
	}
	cap = (size_t)LT_MIN(LT_MAX(ws->max_message, 0), 65536);
	if (ws->reply == SCN_WS_REPLY_FIELD && cap > s->msg_cap) {
		s->msg_cap = cap;
		s->msg = xrealloc(s->msg, s->msg_cap);
	}
	s->easy = worker_stream_easy(s);
	curl_easy_setopt(s->easy, CURLOPT_CONNECT_ONLY, 2L);
	/* The transfer is the connect and the upgrade: connect_timeout
	 * bounds both. */
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, s->preq->connect_timeout_ms);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	worker_stream_add(s);
}

static void
want_out(struct stream *s, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0),
	    .data.u64 = WORKER_STREAM_TAG | s->index };

	if (s->want_out == on)
		return;
	s->want_out = on;
	epoll_ctl(s->w->epfd, EPOLL_CTL_MOD, s->fd, &ev);
}

/* The key a json: reply is matched by: its field's value, hashed. */
static bool
key_of(const struct stream *s, const char *text, size_t len, uint64_t *key)
{
	char v[256];
	size_t n = inspect_json_find(s->w->inspect, text, len,
	    ws_of(s)->reply_field, v, sizeof v);

	if (n == SIZE_MAX)
		return false;
	*key = stream_match_key(v, n);
	return true;
}

/* The rest of the message in hand, as far as the socket takes it;
 * false when the connection failed.  A reply is awaited for it, but for
 * on_open's. */
static bool
flush_message(struct stream *s, int64_t now)
{
	const struct scn_websocket *ws = ws_of(s);
	uint64_t key = 0;
	size_t sent;
	CURLcode rc;

	while (s->out_sent < s->out_len) {
		sent = 0;
		rc = curl_ws_send(s->easy, s->out + s->out_sent,
		    s->out_len - s->out_sent, &sent, 0, CURLWS_TEXT);
		if (rc != CURLE_OK && rc != CURLE_AGAIN)
			return false;
		s->out_sent += sent;
		if (rc == CURLE_AGAIN || sent == 0) {
			want_out(s, true);
			return true;
		}
	}
	s->out_pending = false;
	want_out(s, false);
	STREAM_COUNT(s, sent, 1);
	STREAM_COUNT(s, bytes_out, s->out_len);
	if (!s->out_awaited)
		return true;
	if (ws->reply == SCN_WS_REPLY_ECHO)
		stream_match_sent(&s->match, 0, now);
	else if (ws->reply == SCN_WS_REPLY_FIELD &&
	    key_of(s, s->out, s->out_len, &key))
		stream_match_sent(&s->match, key, now);
	return true;
}

static bool
send_message(struct stream *s, const struct tmpl *t, int64_t now)
{
	struct worker *w = s->w;
	struct tmpl_ctx ctx = { .rng = &w->rng };

	s->out_awaited = t == ws_of(s)->send_tmpl;

	ctx.seq = template_uses_seq(t) ? worker_next_seq(w) : 0;
	clock_gettime(CLOCK_REALTIME, &ctx.now);
	s->out_len = template_render(t, &ctx, s->out, s->out_cap - 1);
	s->out_sent = 0;
	s->out_pending = true;
	return flush_message(s, now);
}

/* A control frame of our own: not while a message is half sent, which
 * it would cut in two. */
static bool
send_control(struct stream *s, const void *p, size_t n, unsigned flags)
{
	size_t sent = 0;

	if (s->out_pending)
		return false;
	return curl_ws_send(s->easy, p, n, &sent, 0, flags) == CURLE_OK;
}

static void
send_close(struct stream *s, unsigned code)
{
	unsigned char p[2] = { (unsigned char)(code >> 8),
	    (unsigned char)code };

	send_control(s, p, sizeof p, CURLWS_CLOSE);
}

/* When the stream next wants its timer. */
static void
arm(struct stream *s)
{
	const struct scn_websocket *ws = ws_of(s);
	int64_t due = LT_MIN(s->next_send_ns, s->next_ping_ns);
	int64_t since = stream_match_ping_since(&s->match);

	if (s->st == STREAM_CLOSING)
		due = s->close_by_ns;
	else if (since != INT64_MAX && ws->pong_timeout_us > 0)
		due = LT_MIN(due, since + ws->pong_timeout_us * 1000);
	if (s->read_more)
		due = util_now_ns();
	worker_stream_due(s, due);
}

static void
ws_ended(struct stream *s, int cause, long code)
{
	worker_stream_end(s, util_now_ns(), cause, code);
}

/* A message came whole. */
static void
message(struct stream *s, int64_t now)
{
	const struct scn_websocket *ws = ws_of(s);
	enum stream_reply r = STREAM_PUSHED;
	int64_t rtt = 0;
	uint64_t key = 0;
	bool has_key;

	STREAM_COUNT(s, received, 1);
	STREAM_COUNT(s, bytes_in, s->msg_len);
	if (ws->reply == SCN_WS_REPLY_ECHO)
		r = stream_match_reply(&s->match, false, false, 0, now, &rtt);
	else if (ws->reply == SCN_WS_REPLY_FIELD) {
		has_key = s->msg_len <= s->msg_cap &&
		    key_of(s, s->msg, (size_t)s->msg_len, &key);
		r = stream_match_reply(&s->match, true, has_key, key, now,
		    &rtt);
	}
	if (r == STREAM_MATCHED) {
		STREAM_COUNT(s, matched, 1);
		hdr_record(s->stats->lat[SLAT_RTT], rtt / 1000);
	} else if (r == STREAM_UNMATCHED)
		STREAM_COUNT(s, unmatched, 1);
	else
		STREAM_COUNT(s, pushed, 1);
	s->msg_len = 0;
}

/* The server's close frame: the answer to ours, or its own close,
 * answered with the same code. */
static void
close_frame(struct stream *s)
{
	unsigned code = s->ctl_len >= 2 ? (unsigned)(unsigned char)s->ctl[0]
	    << 8 | (unsigned char)s->ctl[1] : WS_CLOSE_NO_CODE;

	if (s->st == STREAM_CLOSING) {
		ws_ended(s, STREAM_END_CLOSED, 0);
		return;
	}
	send_close(s, code == WS_CLOSE_NO_CODE ? WS_CLOSE_NORMAL : code);
	ws_ended(s, DROP_CLOSED, code);
}

static void
pong(struct stream *s, int64_t now)
{
	uint64_t id;
	int64_t rtt;

	if (s->ctl_len != sizeof id)
		return;			/* not an answer to our pings */
	memcpy(&id, s->ctl, sizeof id);
	if (!stream_match_pong(&s->match, id, now, &rtt))
		return;
	STREAM_COUNT(s, pongs, 1);
	hdr_record(s->stats->lat[SLAT_PING], rtt / 1000);
	arm(s);
}

/* A piece of a frame; false once the stream has ended. */
static bool
chunk(struct stream *s, const struct curl_ws_frame *m, const char *p,
    size_t n, int64_t now)
{
	const struct scn_websocket *ws = ws_of(s);

	if (m->flags & (CURLWS_CLOSE | CURLWS_PONG)) {
		if (m->offset == 0)
			s->ctl_len = 0;
		n = LT_MIN(n, sizeof s->ctl - s->ctl_len);
		memcpy(s->ctl + s->ctl_len, p, n);
		s->ctl_len += n;
		if (m->bytesleft > 0)
			return true;
		if (m->flags & CURLWS_PONG) {
			pong(s, now);
			return true;
		}
		close_frame(s);
		return false;
	}
	if (m->flags & CURLWS_PING)
		return true;		/* libcurl answered it */
	if (s->msg != NULL && s->msg_len + n <= s->msg_cap)
		memcpy(s->msg + s->msg_len, p, n);
	s->msg_len += n;
	if (ws->max_message > 0 &&
	    s->msg_len + (uint64_t)m->bytesleft > (uint64_t)ws->max_message) {
		send_close(s, WS_CLOSE_TOO_BIG);
		ws_ended(s, DROP_TOO_BIG, 0);
		return false;
	}
	if (m->bytesleft == 0 && !(m->flags & CURLWS_CONT))
		message(s, now);
	return true;
}

/* libcurl's own failures on a frame say "WS" first; others are the
 * socket's. */
static void
recv_failed(struct stream *s, CURLcode rc)
{
	const char *why = s->w->streams->errbuf;
	bool frames = strncmp(why, "[WS]", 4) == 0 ||
	    strncmp(why, "WS:", 3) == 0;

	if (s->st == STREAM_CLOSING)
		ws_ended(s, STREAM_END_CLOSED, 0);
	else
		ws_ended(s, rc != CURLE_GOT_NOTHING && frames ? DROP_PROTOCOL :
		    DROP_RESET, 0);
}

/* Read what came, a bounded number of pieces at a time: past them, the
 * timer comes back at once for the rest (libcurl may hold it already,
 * and the socket would not tell). */
static void
read_frames(struct stream *s)
{
	struct worker *w = s->w;
	const struct curl_ws_frame *m;
	unsigned k;
	size_t n;
	CURLcode rc;

	s->read_more = false;
	for (k = 0; k < STREAM_READS; k++) {
		w->streams->errbuf[0] = '\0';
		n = 0;
		rc = curl_ws_recv(s->easy, w->rbuf, WORKER_RBUF, &n, &m);
		if (rc == CURLE_AGAIN)
			return;
		if (rc != CURLE_OK) {
			recv_failed(s, rc);
			return;
		}
		if (!chunk(s, m, w->rbuf, n, util_now_ns()))
			return;
	}
	s->read_more = true;
	arm(s);
}

static void
ws_done(struct stream *s, CURLcode res)
{
	const struct scn_websocket *ws = ws_of(s);
	struct epoll_event ev = { .events = EPOLLIN,
	    .data.u64 = WORKER_STREAM_TAG | s->index };
	curl_socket_t fd = CURL_SOCKET_BAD;
	int64_t now = util_now_ns(), period;
	long status = 0;

	/* The upgrade's URL and headers are needed no more: 10,000 idle
	 * connections keep 10,000 fewer of them. */
	request_buf_free(s->buf, s->preq);
	s->buf = NULL;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	if (res == CURLE_OK && (curl_easy_getinfo(s->easy,
	    CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD))
		res = CURLE_COULDNT_CONNECT;
	/* libcurl may end an upgrade cut inside its headers as done. */
	if (res != CURLE_OK || status != 101) {
		worker_stream_end(s, now, status > 0 && status != 101 ?
		    DROP_HANDSHAKE : worker_stream_drop_of(res), status);
		return;
	}
	s->fd = fd;
	/* libcurl took the socket out of the set as the upgrade ended. */
	if (epoll_ctl(s->w->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		epoll_ctl(s->w->epfd, EPOLL_CTL_MOD, fd, &ev);
	worker_stream_opened(s, now);
	if (ws->on_open_tmpl != NULL && !send_message(s, ws->on_open_tmpl, now)) {
		ws_ended(s, DROP_RESET, 0);
		return;
	}
	if (ws->send_tmpl != NULL && ws->message_rate > 0) {
		period = (int64_t)(1e9 / ws->message_rate);
		s->next_send_ns = now + (int64_t)(template_rng_next(&s->w->rng) %
		    (uint64_t)LT_MAX(period, 1));
	}
	if (ws->ping_interval_us > 0)
		s->next_ping_ns = now + ws->ping_interval_us * 1000;
	arm(s);
	read_frames(s);		/* what came with the upgrade */
}

/* The next message, due now; false once the stream has ended. */
static bool
send_due(struct stream *s, int64_t now)
{
	const struct scn_websocket *ws = ws_of(s);
	int64_t period = (int64_t)(1e9 / ws->message_rate);

	if (s->next_send_ns > now + STREAM_SLACK_NS)
		return true;
	/* A pause, or a message still going out, passes its turn.  The
	 * schedule keeps its rate through a late wake, but not through a
	 * stall of a second. */
	if (!s->w->paused && !s->out_pending &&
	    !send_message(s, ws->send_tmpl, now)) {
		ws_ended(s, DROP_RESET, 0);
		return false;
	}
	s->next_send_ns += LT_MAX(period, 1);
	if (s->next_send_ns < now - STREAM_SEND_BEHIND_NS)
		s->next_send_ns = now + period;
	return true;
}

static bool
ping_due(struct stream *s, int64_t now)
{
	const struct scn_websocket *ws = ws_of(s);
	int64_t since;
	uint64_t id;

	if (s->next_ping_ns <= now + STREAM_SLACK_NS && !s->out_pending &&
	    stream_match_ping(&s->match, now, &id)) {
		if (!send_control(s, &id, sizeof id, CURLWS_PING)) {
			ws_ended(s, DROP_RESET, 0);
			return false;
		}
		STREAM_COUNT(s, pings, 1);
	}
	if (s->next_ping_ns <= now + STREAM_SLACK_NS)
		s->next_ping_ns += ws->ping_interval_us * 1000;
	if (s->next_ping_ns <= now)
		s->next_ping_ns = now + ws->ping_interval_us * 1000;
	since = stream_match_ping_since(&s->match);
	if (since != INT64_MAX && ws->pong_timeout_us > 0 &&
	    since + ws->pong_timeout_us * 1000 <= now + STREAM_SLACK_NS) {
		ws_ended(s, DROP_TIMEOUT, 0);
		return false;
	}
	return true;
}

static void
ws_timer(struct stream *s, int64_t now)
{
	if (s->st == STREAM_CONNECTING)
		return;			/* libcurl's timeouts */
	if (s->read_more)
		read_frames(s);
	if (s->st == STREAM_CLOSING && now + STREAM_SLACK_NS >= s->close_by_ns)
		ws_ended(s, STREAM_END_CLOSED, 0);
	else if (s->st == STREAM_CLOSING)
		arm(s);
	else if (s->st == STREAM_OPEN && send_due(s, now) && ping_due(s, now))
		arm(s);
}

static void
ws_event(struct stream *s, uint32_t events)
{
	if ((events & EPOLLOUT) && s->out_pending &&
	    !flush_message(s, util_now_ns())) {
		ws_ended(s, DROP_RESET, 0);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		read_frames(s);
}

static void
ws_close(struct stream *s, int64_t now)
{
	unsigned char p[2] = { WS_CLOSE_NORMAL >> 8, WS_CLOSE_NORMAL & 0xff };

	if (s->st == STREAM_CONNECTING) {
		worker_stream_end(s, now, STREAM_END_ABORTED, 0);
		return;
	}
	if (!send_control(s, p, sizeof p, CURLWS_CLOSE)) {
		worker_stream_end(s, now, STREAM_END_CLOSED, 0);
		return;
	}
	s->st = STREAM_CLOSING;
	s->close_by_ns = now + STREAM_CLOSE_WAIT_NS;
	arm(s);
}

static void
ws_release(struct stream *s)
{
	worker_stream_remove(s);
	stream_match_clear(&s->match);
	s->out_pending = s->read_more = false;
	s->msg_len = 0;
	s->ctl_len = 0;
	s->next_send_ns = s->next_ping_ns = INT64_MAX;
}

#else /* !HAVE_CURL_WS: engine_new refuses WebSocket requests */

static void
ws_start(struct stream *s, int64_t now)
{
	worker_stream_end(s, now, DROP_HANDSHAKE, 0);
}

static void
ws_done(struct stream *s, CURLcode res)
{
	(void)s;
	(void)res;
}

static void
ws_event(struct stream *s, uint32_t events)
{
	(void)s;
	(void)events;
}

static void
ws_timer(struct stream *s, int64_t now)
{
	(void)s;
	(void)now;
}

static void
ws_close(struct stream *s, int64_t now)
{
	worker_stream_end(s, now, STREAM_END_ABORTED, 0);
}

static void
ws_release(struct stream *s)
{
	worker_stream_remove(s);
}

#endif

const struct stream_ops worker_ws_ops = {
	.start = ws_start,
	.done = ws_done,
	.event = ws_event,
	.timer = ws_timer,
	.close = ws_close,
	.release = ws_release,
};
