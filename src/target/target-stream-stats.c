#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "target-stream-stats.h"

static atomic_uint_fast64_t ws_counts[TSTREAM_WS_NCOUNTS];
static atomic_uint_fast64_t sse_counts[TSTREAM_SSE_NCOUNTS];
static atomic_int_fast64_t ws_open, sse_open;

static const char *const ws_names[TSTREAM_WS_NCOUNTS] = {
	[TSTREAM_WS_OPENED] = "opened",
	[TSTREAM_WS_CLOSED] = "closed",
	[TSTREAM_WS_DROPPED] = "dropped",
	[TSTREAM_WS_MESSAGES_IN] = "messages_in",
	[TSTREAM_WS_MESSAGES_OUT] = "messages_out",
	[TSTREAM_WS_PINGS] = "pings",
	[TSTREAM_WS_BYTES_IN] = "bytes_in",
	[TSTREAM_WS_BYTES_OUT] = "bytes_out",
};
static const char *const sse_names[TSTREAM_SSE_NCOUNTS] = {
	[TSTREAM_SSE_OPENED] = "opened",
	[TSTREAM_SSE_CLOSED] = "closed",
	[TSTREAM_SSE_EVENTS] = "events",
	[TSTREAM_SSE_RESUMED] = "resumed",
};

void
target_stream_stats_ws(enum target_stream_ws what, uint64_t n)
{
	if (what >= TSTREAM_WS_NCOUNTS)
		return;
	atomic_fetch_add_explicit(&ws_counts[what], n, memory_order_relaxed);
	if (what == TSTREAM_WS_OPENED)
		atomic_fetch_add_explicit(&ws_open, 1, memory_order_relaxed);
	else if (what == TSTREAM_WS_CLOSED || what == TSTREAM_WS_DROPPED)
		atomic_fetch_sub_explicit(&ws_open, 1, memory_order_relaxed);
}

void
target_stream_stats_sse(enum target_stream_sse what, uint64_t n)
{
	if (what >= TSTREAM_SSE_NCOUNTS)
		return;
	atomic_fetch_add_explicit(&sse_counts[what], n, memory_order_relaxed);
	if (what == TSTREAM_SSE_OPENED)
		atomic_fetch_add_explicit(&sse_open, 1, memory_order_relaxed);
	else if (what == TSTREAM_SSE_CLOSED)
		atomic_fetch_sub_explicit(&sse_open, 1, memory_order_relaxed);
}

void
target_stream_stats_reset(void)
{
	size_t i;

	for (i = 0; i < TSTREAM_WS_NCOUNTS; i++)
		atomic_store(&ws_counts[i], 0);
	for (i = 0; i < TSTREAM_SSE_NCOUNTS; i++)
		atomic_store(&sse_counts[i], 0);
}

/* The counters under their names, and the streams open now. */
static json_t *
json_group(const char *const *names, atomic_uint_fast64_t *counts,
    size_t n, atomic_int_fast64_t *open)
{
	json_t *obj = json_object();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_set_new(obj, names[i], json_integer((json_int_t)
		    atomic_load_explicit(&counts[i], memory_order_relaxed)));
	json_object_set_new(obj, "open", json_integer((json_int_t)
	    atomic_load_explicit(open, memory_order_relaxed)));
	return obj;
}

void
target_stream_stats_json(json_t *root)
{
	json_object_set_new(root, "ws", json_group(ws_names, ws_counts,
	    TSTREAM_WS_NCOUNTS, &ws_open));
	json_object_set_new(root, "sse", json_group(sse_names, sse_counts,
	    TSTREAM_SSE_NCOUNTS, &sse_open));
}
