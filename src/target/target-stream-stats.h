/* Exact counts of loadtop-target's WebSocket and SSE streams, for /stats. */
#ifndef LT_TARGET_STREAM_STATS_H
#define LT_TARGET_STREAM_STATS_H

#include <stdint.h>

#include <jansson.h>

/* Counters of the WebSocket connections, in /stats "ws". */
enum target_stream_ws {
	TSTREAM_WS_OPENED,		/* upgrades done */
	TSTREAM_WS_CLOSED,		/* ended by a close frame, either way */
	TSTREAM_WS_DROPPED,		/* ended without one */
	TSTREAM_WS_MESSAGES_IN,		/* whole text and binary messages */
	TSTREAM_WS_MESSAGES_OUT,
	TSTREAM_WS_PINGS,		/* pings received, each answered */
	TSTREAM_WS_BYTES_IN,		/* payload bytes of those messages */
	TSTREAM_WS_BYTES_OUT,
	TSTREAM_WS_NCOUNTS
};

/* Counters of the event streams, in /stats "sse". */
enum target_stream_sse {
	TSTREAM_SSE_OPENED,
	TSTREAM_SSE_CLOSED,		/* ended, by the server or the client */
	TSTREAM_SSE_EVENTS,		/* events sent */
	TSTREAM_SSE_RESUMED,		/* streams asked with Last-Event-ID */
	TSTREAM_SSE_NCOUNTS
};

void	 target_stream_stats_ws(enum target_stream_ws, uint64_t n);
void	 target_stream_stats_sse(enum target_stream_sse, uint64_t n);

/* Zero the counters; the numbers of open streams are gauges, kept. */
void	 target_stream_stats_reset(void);
/* Add "ws" and "sse" to the /stats document. */
void	 target_stream_stats_json(json_t *root);

#endif
