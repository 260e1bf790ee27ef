/* Internal to worker-stream*.c: a connections phase's streams. */
#ifndef LT_WORKER_STREAM_INT_H
#define LT_WORKER_STREAM_INT_H

#include "event-stream.h"
#include "stream-match.h"
#include "worker-int.h"

/* How long a close waits for the server's close frame. */
#define STREAM_CLOSE_WAIT_NS 1000000000LL
/* Timers this close to due go together: sends and pings are a bit
 * early, and a worker wakes once for many of them, not once each. */
#define STREAM_SLACK_NS 1000000LL
/* Messages a stream may be behind its rate before it skips ahead. */
#define STREAM_SEND_BEHIND_NS 1000000000LL
/* Frames a stream reads at one event, before the others get a turn. */
#define STREAM_READS 64

enum stream_state {
	STREAM_IDLE,			/* not open; opened when wanted */
	STREAM_WAITING,			/* dropped: opens again at due */
	STREAM_CONNECTING,		/* connect and handshake, by libcurl */
	STREAM_OPEN,
	STREAM_CLOSING,			/* our close frame sent: the server's
					 * awaited until due */
	STREAM_DEAD,			/* dropped, not to open again */
};

/* How a connection ended: by us, or a drop (enum lt_drop). */
#define STREAM_END_CLOSED (-1)		/* closed once open */
#define STREAM_END_ABORTED (-2)		/* a connect given up */

struct stream {
	struct worker *w;
	unsigned index;			/* in the worker's streams */
	enum stream_state st;
	size_t req;			/* SIZE_MAX: none given yet */
	const struct preq *preq;
	const struct stream_ops *ops;
	struct stats_stream *stats;
	CURL *easy;			/* from connect to end */
	CURLM *multi;			/* its shard's, while easy is in it */
	int fd;				/* an open WebSocket's; -1 none */
	bool want_out;
	unsigned heap_at;		/* in the timers; UINT_MAX none */
	int64_t due;			/* its next timer; INT64_MAX none */
	int64_t started_ns;		/* this connect's start */
	int64_t opened_ns;
	bool reconnecting;		/* this connect follows a drop */
	/* A cause a callback found, acted on once libcurl is done. */
	int why;			/* enum lt_drop; -1 none */
	long why_status;
	struct preq_buf *buf;		/* its request's URL and headers */
	/* WebSocket */
	int64_t next_send_ns, next_ping_ns;	/* INT64_MAX: none */
	char *out;			/* a message, rendered */
	size_t out_cap, out_len, out_sent;
	bool out_pending;		/* the socket took part of it */
	bool out_awaited;		/* a reply is awaited for it */
	bool read_more;			/* reads stopped short: the timer goes
					 * on with them */
	int64_t close_by_ns;		/* closing: the server's frame due */
	char *msg;			/* a message received, for json: */
	size_t msg_cap;
	uint64_t msg_len;		/* its bytes so far */
	char ctl[128];			/* a close or pong frame's payload */
	size_t ctl_len;
	struct stream_match match;
	bool finished;			/* the server said not to come back */
	struct stream_sse *sse;		/* an SSE stream's, made once */
};

/* What an SSE stream keeps beside. */
struct stream_sse {
	struct event_stream es;
	bool had_event;
	int64_t last_event_ns;
	struct curl_slist hdr[2];	/* Accept, Last-Event-ID */
	char *id_line;
};

/* What differs between a WebSocket and an SSE stream. */
struct stream_ops {
	void	(*start)(struct stream *, int64_t now);
	/* libcurl ended the stream's transfer: connected, or failed. */
	void	(*done)(struct stream *, CURLcode);
	void	(*event)(struct stream *, uint32_t events);
	/* Its timer is due (connecting, open or closing). */
	void	(*timer)(struct stream *, int64_t now);
	/* Close it (clean, from us), open or connecting. */
	void	(*close)(struct stream *, int64_t now);
	/* Let go of the connection, however it ended. */
	void	(*release)(struct stream *);
};
extern const struct stream_ops worker_ws_ops;
extern const struct stream_ops worker_sse_ops;

/* Streams a multi handle holds, at most. */
#define STREAM_SHARD 128
struct worker_streams {
	struct stream **v;
	unsigned n;
	/* Streams below top are wanted (open, opening, waiting or dead);
	 * those at or past it are closed or closing, newest first. */
	unsigned top;
	unsigned live;			/* connecting, open or closing */
	bool draining;
	bool ramp;			/* the number changes over time */
	int64_t next_connect_ns;
	int64_t connect_gap_ns;		/* 0: at once */
	struct stream **heap;		/* timers, by due */
	unsigned nheap, heap_cap;
	struct curl_shard **shards;	/* connects and SSE transfers */
	unsigned nshards;
	int64_t multi_due;		/* the first shard's timeout */
	char errbuf[CURL_ERROR_SIZE];	/* the last failure libcurl told */
};

/* The streams' timers (worker-stream-timer.c): set (INT64_MAX: none),
 * and the first due at or before now, taken off. */
void	 worker_stream_due(struct stream *, int64_t due);
struct stream *worker_stream_next_due(struct worker_streams *, int64_t now);
/* The streams' multi handles: s's shard (made on first use), the
 * timeouts due run, a socket's events, all freed. */
CURLM	*worker_stream_multi(struct stream *);
void	 worker_stream_multi_timeout(struct worker *, int64_t now);
void	 worker_stream_multi_event(struct worker *, uint64_t tag,
	     uint32_t events);
void	 worker_stream_multi_free(struct worker *);

/* A handle set up for s's request (its URL and headers), not added. */
CURL	*worker_stream_easy(struct stream *);
void	 worker_stream_add(struct stream *);
void	 worker_stream_remove(struct stream *);
/* The connection is up (handshake done), or came to an end (cause:
 * STREAM_END_* or enum lt_drop); a code that came with a drop (a
 * refused upgrade's status, a close frame's code) counted. */
void	 worker_stream_opened(struct stream *, int64_t now);
void	 worker_stream_end(struct stream *, int64_t now, int cause,
	     long code);
/* A failed transfer's drop, by libcurl's code. */
enum lt_drop worker_stream_drop_of(CURLcode);

/* Counters and gauges of a stream's statistics. */
#define STREAM_COUNT(s, f, n) STATS_INC(&(s)->stats->f, (uint64_t)(n))
#define STREAM_GAUGE_DOWN(s, f) STATS_INC(&(s)->stats->f, (uint64_t)-1)

#endif
