/*
 * A text/event-stream body (server-sent events), parsed as it comes:
 * lines ended by LF, CR or CRLF (split across reads as they may be),
 * comments, the fields data, id, event and retry, an event dispatched
 * at each blank line that follows data.  Nothing is kept of an event
 * but its size; the parser never allocates.
 */
#ifndef LT_EVENT_STREAM_H
#define LT_EVENT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVENT_STREAM_ID_MAX 256		/* bytes of an id kept */
#define EVENT_STREAM_LINE_EXTRA 64	/* a line's room past max_event */

enum event_stream_status {
	EVENT_STREAM_OK,
	EVENT_STREAM_TOO_BIG,		/* an event past max_event, or a line
					 * past it and LINE_EXTRA */
	EVENT_STREAM_INVALID,		/* bytes that are not UTF-8 */
};

/* Called for each event, with the size of its data. */
typedef void event_stream_fn(void *arg, size_t data_len);

struct event_stream {
	size_t max_event;		/* bytes an event's data may hold;
					 * 0: no bound */
	enum event_stream_status status;	/* once not OK, it stays */
	uint64_t events;
	/* The last event id (Last-Event-ID on a reconnect), and whether a
	 * field set one; the server's retry, in ms, -1 none. */
	char last_id[EVENT_STREAM_ID_MAX];
	size_t last_id_len;
	bool has_id;
	int64_t retry_ms;
	/* Where the parser is. */
	unsigned at;			/* field, value's first byte, value */
	bool after_cr;
	bool started;			/* past a leading BOM, if any */
	unsigned bom;
	unsigned utf8_left;		/* continuation bytes still due */
	char field[8];			/* "retry" is the longest we know */
	size_t field_len;
	unsigned kind;			/* the line's field, once known */
	size_t line_len;
	size_t data_len;
	bool has_data;
	char value[EVENT_STREAM_ID_MAX];	/* an id or retry being read */
	size_t value_len;
	bool value_long;
	bool value_nul;
};

/* A parser at the start of a stream; what it knew of the last id stays
 * when keep_id (a reconnect). */
void	 event_stream_init(struct event_stream *, size_t max_event,
	     bool keep_id);
/* Parse n more bytes; the status after them. */
enum event_stream_status event_stream_feed(struct event_stream *,
	     const char *buf, size_t n, event_stream_fn *, void *arg);

#endif
