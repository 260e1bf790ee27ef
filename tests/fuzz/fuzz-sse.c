/*
 * The event-stream parser: any bytes as a text/event-stream body, fed
 * whole and then in pieces whose sizes the first byte picks; where the
 * reads split must change nothing the parser reports.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event-stream.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct seen {
	uint64_t events;
	uint64_t bytes;
};

static void
on_event(void *arg, size_t data_len)
{
	struct seen *s = arg;

	s->events++;
	s->bytes += data_len;
}

static void
parse(struct event_stream *es, size_t max_event, const uint8_t *p,
    size_t n, size_t step, struct seen *s)
{
	size_t off, k;

	event_stream_init(es, max_event, false);
	memset(s, 0, sizeof *s);
	for (off = 0; off < n; off += k) {
		k = n - off < step ? n - off : step;
		event_stream_feed(es, (const char *)p + off, k, on_event, s);
	}
	if (es->last_id_len > sizeof es->last_id || es->events != s->events)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_stream whole, split;
	struct seen a, b;
	size_t max_event, step;

	if (size < 1)
		return 0;
	/* Bit 7: a bound on an event's data (0 or 32 bytes); the rest, the
	 * size of each read. */
	max_event = data[0] & 0x80 ? 32 : 0;
	step = (data[0] & 0x7f) + 1;
	parse(&whole, max_event, data + 1, size - 1, size, &a);
	parse(&split, max_event, data + 1, size - 1, step, &b);
	if (whole.status != split.status || a.events != b.events ||
	    a.bytes != b.bytes || whole.has_id != split.has_id ||
	    whole.retry_ms != split.retry_ms ||
	    whole.last_id_len != split.last_id_len ||
	    memcmp(whole.last_id, split.last_id, whole.last_id_len) != 0)
		abort();	/* the split changed what was seen */
	return 0;
}
