#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "target-stream-stats.h"
#include "target-ws-conn.h"
#include "target-ws-frame.h"
#include "util.h"

/* Past this much unsent, a connection stops reading and pushing. */
#define HIGH_WATER	(1024 * 1024)
/* An output buffer larger than this is given back once empty. */
#define KEEP_OUTPUT	(64 * 1024)
/* How long a closing connection waits for its peer. */
#define CLOSE_WAIT_US	(2 * 1000 * 1000)
/* How long a pushing connection held back by a slow reader waits. */
#define BACKOFF_US	(10 * 1000)
/* Reads per wakeup, so that one busy client cannot starve the others. */
#define READS_PER_TURN	4

enum state {
	S_OPEN,		/* messages flow */
	S_CLOSING,	/* our close frame sent: wait for the client's */
	S_ANSWERED,	/* the client's close answered: flush, then done */
	S_DROPPING,	/* flush, then end without a close frame */
	S_LINGER,	/* our side shut: read until the client's end */
	S_DONE,
};

struct target_ws_conn {
	int		 fd;
	struct MHD_UpgradeResponseHandle *urh;
	struct target_ws_params params;
	enum state	 state;
	bool		 close_frame;	/* one was sent or received */
	struct target_ws_reader reader;
	unsigned char	*out;
	size_t		 out_off, out_len, out_cap;
	uint64_t	 sent;		/* data messages */
	int64_t		 feed_start_us;
	int64_t		 due_us;
	char		*extra;
	size_t		 extra_len;
};

struct target_ws_conn *
target_ws_conn_new(int fd, struct MHD_UpgradeResponseHandle *urh,
    const struct target_ws_params *params, const char *extra, size_t len)
{
	struct target_ws_conn *c;

	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->urh = urh;
	c->params = *params;
	target_ws_frame_init(&c->reader, TWS_MAX_MESSAGE);
	if (len > 0) {
		c->extra = xmalloc(len);
		memcpy(c->extra, extra, len);
		c->extra_len = len;
	}
	target_stream_stats_ws(TSTREAM_WS_OPENED, 1);
	return c;
}

int
target_ws_conn_fd(const struct target_ws_conn *c)
{
	return c->fd;
}

static size_t
pending(const struct target_ws_conn *c)
{
	return c->out_len - c->out_off;
}

/* Append a frame to the output. */
static void
queue(struct target_ws_conn *c, int opcode, const void *data, size_t len)
{
	unsigned char head[TWS_HEADER_MAX];
	size_t hlen, need;

	hlen = target_ws_frame_header(head, opcode, len);
	if (c->out_off > 0 && c->out_len + hlen + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, pending(c));
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	need = c->out_len + hlen + len;
	if (need > c->out_cap) {
		c->out_cap = LT_MAX(LT_MAX(c->out_cap * 2, need), (size_t)512);
		c->out = xrealloc(c->out, c->out_cap);
	}
	memcpy(c->out + c->out_len, head, hlen);
	if (len > 0)
		memcpy(c->out + c->out_len + hlen, data, len);
	c->out_len = need;
}

/* A data message: counted, and the drop after the last one allowed. */
static void
queue_message(struct target_ws_conn *c, int opcode, const void *data,
    size_t len)
{
	queue(c, opcode, data, len);
	c->sent++;
	target_stream_stats_ws(TSTREAM_WS_MESSAGES_OUT, 1);
	target_stream_stats_ws(TSTREAM_WS_BYTES_OUT, len);
	if (c->params.drop_after != 0 && c->sent >= c->params.drop_after)
		c->state = S_DROPPING;
}

/* A close frame with code (none when 0), then wait in state next. */
static void
queue_close(struct target_ws_conn *c, unsigned int code, enum state next,
    int64_t now_us)
{
	unsigned char payload[2];

	payload[0] = (unsigned char)(code >> 8);
	payload[1] = (unsigned char)code;
	queue(c, TWS_OP_CLOSE, payload, code == 0 ? 0 : 2);
	c->close_frame = true;
	c->state = next;
	c->due_us = now_us + CLOSE_WAIT_US;
}

/* Write what the socket takes; a write error ends the connection. */
static void
flush(struct target_ws_conn *c)
{
	ssize_t n;

	while (pending(c) > 0) {
		n = send(c->fd, c->out + c->out_off, pending(c), MSG_NOSIGNAL);
		if (n > 0)
			c->out_off += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		else {
			c->state = S_DONE;
			return;
		}
	}
	c->out_off = c->out_len = 0;
	if (c->out_cap > KEEP_OUTPUT) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
}

/* Flush, take the steps that wait for an empty output, say what next. */
static struct target_ws_want
settle(struct target_ws_conn *c, int64_t now_us)
{
	struct target_ws_want w;

	if (c->state != S_DONE)
		flush(c);
	if (pending(c) == 0 && c->state == S_ANSWERED)
		c->state = S_DONE;
	if (pending(c) == 0 && c->state == S_DROPPING) {
		shutdown(c->fd, SHUT_WR);
		c->state = S_LINGER;
		c->due_us = now_us + CLOSE_WAIT_US;
	}
	memset(&w, 0, sizeof w);
	if (c->state == S_DONE) {
		w.done = true;
		return w;
	}
	w.writable = pending(c) > 0;
	w.readable = c->state == S_CLOSING || c->state == S_LINGER ||
	    (c->state == S_OPEN && pending(c) < HIGH_WATER);
	w.due_us = c->due_us;
	return w;
}

/* What one event from the client asks for, while open. */
static void
on_event(struct target_ws_conn *c, const struct target_ws_event *ev,
    int64_t now_us)
{
	switch (ev->kind) {
	case TWS_EVENT_MESSAGE:
		target_stream_stats_ws(TSTREAM_WS_MESSAGES_IN, 1);
		target_stream_stats_ws(TSTREAM_WS_BYTES_IN, ev->len);
		if (c->params.kind == TWS_ECHO)
			queue_message(c, ev->opcode, ev->data, ev->len);
		break;
	case TWS_EVENT_PING:
		target_stream_stats_ws(TSTREAM_WS_PINGS, 1);
		queue(c, TWS_OP_PONG, ev->data, ev->len);
		break;
	case TWS_EVENT_CLOSE:
		/* The same code back, as the protocol asks. */
		queue_close(c, ev->code, S_ANSWERED, now_us);
		break;
	case TWS_EVENT_ERROR:
		queue_close(c, ev->code, S_CLOSING, now_us);
		break;
	case TWS_EVENT_PONG:
	case TWS_EVENT_NONE:
		break;
	}
}

/* Bytes from the client, in any state. */
static void
consume(struct target_ws_conn *c, const unsigned char *buf, size_t len,
    int64_t now_us)
{
	struct target_ws_event ev;
	size_t used;

	while (len > 0) {
		if (c->state == S_LINGER || c->state == S_ANSWERED ||
		    c->state == S_DONE)
			return;
		used = target_ws_frame_read(&c->reader, buf, len, &ev);
		buf += used;
		len -= used;
		if (c->state == S_OPEN)
			on_event(c, &ev, now_us);
		else if (c->state == S_CLOSING && ev.kind == TWS_EVENT_CLOSE)
			c->state = S_DONE;
		else if (c->state == S_CLOSING && ev.kind == TWS_EVENT_ERROR)
			c->state = S_DONE;
		/* A drop sends nothing more: its client's messages are lost. */
	}
}

/* Push the feed's messages that are due, as far as the client keeps up. */
static void
push_due(struct target_ws_conn *c, int64_t now_us)
{
	uint64_t due, rate = c->params.rate;
	char msg[64];
	int n;

	due = 1 + (uint64_t)(now_us - c->feed_start_us) * rate / 1000000;
	while (c->state == S_OPEN && c->sent < due &&
	    pending(c) < HIGH_WATER) {
		n = snprintf(msg, sizeof msg, "{\"seq\":%" PRIu64 ",\"t\":%"
		    PRId64 "}", c->sent + 1, util_wall_us() / 1000);
		queue_message(c, TWS_OP_TEXT, msg, (size_t)n);
	}
	if (c->state != S_OPEN)
		return;
	if (c->sent < due)
		c->due_us = now_us + BACKOFF_US;
	else
		c->due_us = c->feed_start_us +
		    (int64_t)(c->sent * 1000000 / rate);
}

struct target_ws_want
target_ws_conn_start(struct target_ws_conn *c, int64_t now_us)
{
	if (c->extra_len > 0)
		consume(c, (unsigned char *)c->extra, c->extra_len, now_us);
	free(c->extra);
	c->extra = NULL;
	c->extra_len = 0;
	if (c->params.kind == TWS_FEED) {
		c->feed_start_us = now_us;
		push_due(c, now_us);
	}
	return settle(c, now_us);
}

struct target_ws_want
target_ws_conn_input(struct target_ws_conn *c, unsigned char *scratch,
    size_t size, int64_t now_us)
{
	ssize_t n;
	int i;

	for (i = 0; i < READS_PER_TURN && c->state != S_DONE; i++) {
		n = recv(c->fd, scratch, size, 0);
		if (n > 0) {
			consume(c, scratch, (size_t)n, now_us);
			if ((size_t)n < size || pending(c) >= HIGH_WATER)
				break;
		} else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		else
			c->state = S_DONE;	/* the end, or a reset */
	}
	return settle(c, now_us);
}

struct target_ws_want
target_ws_conn_output(struct target_ws_conn *c, int64_t now_us)
{
	return settle(c, now_us);
}

struct target_ws_want
target_ws_conn_timer(struct target_ws_conn *c, int64_t now_us)
{
	c->due_us = 0;
	if (c->state == S_OPEN && c->params.kind == TWS_FEED)
		push_due(c, now_us);
	else if (c->state != S_OPEN)
		c->state = S_DONE;
	return settle(c, now_us);
}

void
target_ws_conn_shutdown(struct target_ws_conn *c)
{
	if (c->state == S_OPEN)
		queue_close(c, TWS_CLOSE_GOING_AWAY, S_ANSWERED, 0);
	if (c->state != S_DONE)
		flush(c);
}

void
target_ws_conn_free(struct target_ws_conn *c)
{
	target_stream_stats_ws(c->close_frame ? TSTREAM_WS_CLOSED :
	    TSTREAM_WS_DROPPED, 1);
	MHD_upgrade_action(c->urh, MHD_UPGRADE_ACTION_CLOSE);
	target_ws_frame_free(&c->reader);
	free(c->out);
	free(c->extra);
	free(c);
}
