#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "target-delay.h"
#include "target-query.h"
#include "target-response.h"
#include "target-sse.h"
#include "target-stream-stats.h"
#include "util.h"

#define BLOCK_SIZE	4096
#define FOREVER		UINT64_MAX

/*
 * One stream: events first..last, event k due (k - first) / rate seconds
 * after the start.  Between events the connection is suspended and the
 * delay thread resumes it, so a waiting stream holds no thread.
 */
struct stream {
	struct MHD_Connection *conn;
	uint64_t	 first, next, last;
	uint64_t	 rate;
	int64_t		 start_us;
	bool		 opened;
	char		 event[96];	/* the one being written */
	size_t		 event_len, event_off;
};

static atomic_bool stopping;

void
target_sse_stop(void)
{
	atomic_store(&stopping, true);
}

/* The id of the last event due by now. */
static uint64_t
due_by(const struct stream *st, int64_t now_us)
{
	uint64_t k;

	k = st->first + (uint64_t)(now_us - st->start_us) * st->rate / 1000000;
	return LT_MIN(k, st->last);
}

/* Copy what fits of the event begun, and of the others due. */
static size_t
write_due(struct stream *st, char *buf, size_t max, uint64_t due)
{
	size_t off = 0, n;
	int len;

	while (off < max) {
		if (st->event_off == st->event_len) {
			if (st->next > due)
				break;
			len = snprintf(st->event, sizeof st->event, "id: %"
			    PRIu64 "\ndata: {\"seq\":%" PRIu64 ",\"t\":%" PRId64
			    "}\n\n", st->next, st->next, util_wall_us() / 1000);
			st->event_len = (size_t)len;
			st->event_off = 0;
			st->next++;
		}
		n = LT_MIN(max - off, st->event_len - st->event_off);
		memcpy(buf + off, st->event + st->event_off, n);
		off += n;
		st->event_off += n;
		if (st->event_off == st->event_len)
			target_stream_stats_sse(TSTREAM_SSE_EVENTS, 1);
	}
	return off;
}

static ssize_t
read_events(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	int64_t now = util_now_us(), at;
	size_t n;

	n = write_due(st, buf, max, due_by(st, now));
	if (n > 0)
		return (ssize_t)n;
	if (st->next > st->last || atomic_load(&stopping))
		return MHD_CONTENT_READER_END_OF_STREAM;
	at = st->start_us + (int64_t)((st->next - st->first) * 1000000 /
	    st->rate);
	MHD_suspend_connection(st->conn);
	target_delay_add(st->conn, LT_MAX((at - now + 999) / 1000, 1));
	return 0;
}

static void
free_stream(void *cls)
{
	struct stream *st = cls;

	if (st->opened)
		target_stream_stats_sse(TSTREAM_SSE_CLOSED, 1);
	free(st);
}

/* Last-Event-ID: the id after it comes next; 0 when absent or not ours. */
static uint64_t
resume_after(struct MHD_Connection *conn)
{
	const char *s;
	char *end;
	unsigned long long v;

	s = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID");
	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || v >= FOREVER - 1)
		return 0;
	return v;
}

/* Nothing left to send: 204, which tells a client not to come back. */
static enum MHD_Result
nothing_left(struct MHD_Connection *conn, struct target_stats_path *stats)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	return target_response_send_owned(conn, stats, MHD_HTTP_NO_CONTENT, r);
}

static enum MHD_Result
start_stream(struct MHD_Connection *conn, struct target_stats_path *stats,
    struct stream *st)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK_SIZE,
	    read_events, st, free_stream);
	if (r == NULL) {
		free(st);
		return target_response_send(conn, stats,
		    MHD_HTTP_SERVICE_UNAVAILABLE, NULL);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/event-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	ret = target_response_send(conn, stats, MHD_HTTP_OK, r);
	if (ret == MHD_YES) {
		st->opened = true;
		target_stream_stats_sse(TSTREAM_SSE_OPENED, 1);
	}
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result
target_sse_answer(struct MHD_Connection *conn, struct target_stats_path *stats)
{
	struct stream *st;
	uint64_t rate, count, after;

	if (target_query_number(conn, "rate", 1, TSSE_MAX_RATE, &rate) != 0 ||
	    rate == 0 ||
	    target_query_number(conn, "count", FOREVER, FOREVER, &count) != 0)
		return target_response_send_owned(conn, stats,
		    MHD_HTTP_BAD_REQUEST, target_response_word("bad_request"));
	if ((after = resume_after(conn)) != 0)
		target_stream_stats_sse(TSTREAM_SSE_RESUMED, 1);
	if (count != FOREVER && after >= count)
		return nothing_left(conn, stats);
	st = xcalloc(1, sizeof *st);
	st->conn = conn;
	st->first = st->next = after + 1;
	st->last = count;
	st->rate = rate;
	st->start_us = util_now_us();
	return start_stream(conn, stats, st);
}
