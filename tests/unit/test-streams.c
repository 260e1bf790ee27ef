/*
 * The parts of streams that need no connection: the event-stream parser
 * (fed whole, a byte at a time and in every split of the same bytes),
 * and the matching of replies and pongs to what was sent.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "check-tap.h"
#include "event-stream.h"
#include "stream-match.h"

#define MAX_EVENTS 64

struct seen {
	size_t n;
	size_t len[MAX_EVENTS];
};

static void
on_event(void *arg, size_t data_len)
{
	struct seen *s = arg;

	if (s->n < MAX_EVENTS)
		s->len[s->n] = data_len;
	s->n++;
}

/* Parse text in pieces of step bytes (0: whole). */
static enum event_stream_status
parse(struct event_stream *es, const char *text, size_t len, size_t step,
    struct seen *seen)
{
	enum event_stream_status st = EVENT_STREAM_OK;
	size_t off = 0, n;

	memset(seen, 0, sizeof *seen);
	while (off < len && st == EVENT_STREAM_OK) {
		n = step == 0 ? len - off : step;
		if (n > len - off)
			n = len - off;
		st = event_stream_feed(es, text + off, n, on_event, seen);
		off += n;
	}
	return st;
}

static const char stream[] =
    ": a comment first\r\n"
    "retry: 2500\r\n"
    "id: 7\r\n"
    "event: tick\r\n"
    "data: {\"seq\":7}\r\n"
    "\r\n"
    "data: first line\n"
    "data:second\n"
    "id\n"
    "\n"
    "id: 9\r"
    "data\r"
    "\r"
    ": only a comment, then a blank line: no event\n"
    "\n"
    "unknown: field\n"
    "garbage line\n"
    "data: x\n\n";

START_TEST(events_in_every_split)
{
	struct event_stream es;
	struct seen seen;
	size_t step;

	for (step = 0; step <= 7; step++) {
		event_stream_init(&es, 0, false);
		ck_assert_int_eq(parse(&es, stream, sizeof stream - 1, step,
		    &seen), EVENT_STREAM_OK);
		ck_assert_uint_eq(seen.n, 4);
		ck_assert_uint_eq(es.events, 4);
		ck_assert_uint_eq(seen.len[0], strlen("{\"seq\":7}"));
		/* Two data lines: joined by a line feed, a space cut. */
		ck_assert_uint_eq(seen.len[1], strlen("first line\nsecond"));
		ck_assert_uint_eq(seen.len[2], 0);	/* "data" alone */
		ck_assert_uint_eq(seen.len[3], 1);
		ck_assert_int_eq(es.retry_ms, 2500);
		ck_assert(es.has_id);
		ck_assert_uint_eq(es.last_id_len, 1);
		ck_assert_int_eq(es.last_id[0], '9');
	}
}
END_TEST

START_TEST(crlf_split_between_reads)
{
	struct event_stream es;
	struct seen seen;

	event_stream_init(&es, 0, false);
	memset(&seen, 0, sizeof seen);
	/* CR ends the line; the LF that follows in the next read is the
	 * same line end, not a blank line. */
	event_stream_feed(&es, "data: a\r", 8, on_event, &seen);
	event_stream_feed(&es, "\n", 1, on_event, &seen);
	ck_assert_uint_eq(seen.n, 0);
	event_stream_feed(&es, "\r", 1, on_event, &seen);
	ck_assert_uint_eq(seen.n, 1);
	event_stream_feed(&es, "\ndata: b\n\n", 10, on_event, &seen);
	ck_assert_uint_eq(seen.n, 2);
}
END_TEST

START_TEST(ids_kept_across_a_reconnect)
{
	struct event_stream es;
	struct seen seen;
	char nul_id[] = "id: a\0b\ndata: x\n\n";

	event_stream_init(&es, 0, false);
	parse(&es, "id: 41\ndata: x\n\n", 16, 0, &seen);
	ck_assert(es.has_id);
	/* An id with a NUL in it is ignored. */
	parse(&es, nul_id, sizeof nul_id - 1, 0, &seen);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_uint_eq(es.last_id_len, 2);
	ck_assert_int_eq(memcmp(es.last_id, "41", 2), 0);
	event_stream_init(&es, 0, true);
	ck_assert(es.has_id);
	ck_assert_int_eq(memcmp(es.last_id, "41", 2), 0);
	ck_assert_uint_eq(es.events, 0);
	event_stream_init(&es, 0, false);
	ck_assert(!es.has_id);
	ck_assert_int_eq(es.retry_ms, -1);
}
END_TEST

START_TEST(long_lines_and_events)
{
	struct event_stream es;
	struct seen seen;
	char line[200 + EVENT_STREAM_LINE_EXTRA];

	/* A line past the bound, though no event ends. */
	memset(line, 'x', sizeof line);
	memcpy(line, "data: ", 6);
	event_stream_init(&es, 100, false);
	ck_assert_int_eq(parse(&es, line, sizeof line, 13, &seen),
	    EVENT_STREAM_TOO_BIG);
	ck_assert_uint_eq(seen.n, 0);
	/* Comments count as lines too. */
	memcpy(line, ":     ", 6);
	event_stream_init(&es, 100, false);
	ck_assert_int_eq(parse(&es, line, sizeof line, 0, &seen),
	    EVENT_STREAM_TOO_BIG);
	/* Lines each within bounds whose event is not. */
	event_stream_init(&es, 100, false);
	memset(&seen, 0, sizeof seen);
	for (int i = 0; i < 3; i++)
		event_stream_feed(&es, "data: 0123456789012345678901234567890123456789\n",
		    47, on_event, &seen);
	ck_assert_int_eq(es.status, EVENT_STREAM_TOO_BIG);
	ck_assert_uint_eq(seen.n, 0);
	/* Exactly at the bound is fine; a byte more is not. */
	event_stream_init(&es, 10, false);
	ck_assert_int_eq(parse(&es, "data:0123456789\n\n", 17, 1, &seen),
	    EVENT_STREAM_OK);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_uint_eq(seen.len[0], 10);
	event_stream_init(&es, 10, false);
	ck_assert_int_eq(parse(&es, "data:0123456789A\n\n", 18, 0, &seen),
	    EVENT_STREAM_TOO_BIG);
}
END_TEST

START_TEST(bytes_that_are_not_utf8)
{
	struct event_stream es;
	struct seen seen;

	event_stream_init(&es, 0, false);
	ck_assert_int_eq(parse(&es, "data: caf\xc3\xa9\n\n", 13, 1, &seen),
	    EVENT_STREAM_OK);
	ck_assert_uint_eq(seen.n, 1);
	event_stream_init(&es, 0, false);
	ck_assert_int_eq(parse(&es, "data: \xff\xfe\n\n", 10, 0, &seen),
	    EVENT_STREAM_INVALID);
	/* Once wrong, it stays so. */
	ck_assert_int_eq(event_stream_feed(&es, "data: x\n\n", 9, on_event,
	    &seen), EVENT_STREAM_INVALID);
	ck_assert_uint_eq(seen.n, 0);
	/* A byte order mark opens the stream, and only there. */
	event_stream_init(&es, 0, false);
	ck_assert_int_eq(parse(&es, "\xef\xbb\xbf" "data: x\n\n", 12, 1, &seen),
	    EVENT_STREAM_OK);
	ck_assert_uint_eq(seen.n, 1);
}
END_TEST

START_TEST(echo_answers_the_oldest)
{
	struct stream_match m;
	int64_t rtt = 0;
	int i;

	stream_match_init(&m);
	ck_assert_int_eq(stream_match_reply(&m, false, false, 0, 5, &rtt),
	    STREAM_PUSHED);
	for (i = 0; i < 20; i++)
		stream_match_sent(&m, 0, 100 + i);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(stream_match_reply(&m, false, false, 0, 1000,
		    &rtt), STREAM_MATCHED);
		ck_assert_int_eq(rtt, 900 - i);
	}
	ck_assert_int_eq(stream_match_reply(&m, false, false, 0, 1000, &rtt),
	    STREAM_PUSHED);
	stream_match_free(&m);
}
END_TEST

START_TEST(keys_in_any_order)
{
	struct stream_match m;
	int64_t rtt = 0;
	uint64_t k[3];

	stream_match_init(&m);
	k[0] = stream_match_key("1", 1);
	k[1] = stream_match_key("2", 1);
	k[2] = stream_match_key("3", 1);
	ck_assert(k[0] != k[1] && k[1] != k[2]);
	stream_match_sent(&m, k[0], 10);
	stream_match_sent(&m, k[1], 20);
	stream_match_sent(&m, k[2], 30);
	ck_assert_int_eq(stream_match_reply(&m, true, true, k[1], 50, &rtt),
	    STREAM_MATCHED);
	ck_assert_int_eq(rtt, 30);
	/* Once answered, the same key matches no more. */
	ck_assert_int_eq(stream_match_reply(&m, true, true, k[1], 60, &rtt),
	    STREAM_UNMATCHED);
	ck_assert_int_eq(stream_match_reply(&m, true, false, 0, 60, &rtt),
	    STREAM_UNMATCHED);
	ck_assert_int_eq(stream_match_reply(&m, true, true, k[0], 70, &rtt),
	    STREAM_MATCHED);
	ck_assert_int_eq(rtt, 60);
	ck_assert_int_eq(stream_match_reply(&m, true, true, k[2], 80, &rtt),
	    STREAM_MATCHED);
	ck_assert_int_eq(rtt, 50);
	ck_assert_int_eq(stream_match_reply(&m, true, true, k[2], 90, &rtt),
	    STREAM_PUSHED);
	stream_match_free(&m);
}
END_TEST

START_TEST(the_ring_is_bounded)
{
	struct stream_match m;
	int64_t rtt = 0;
	unsigned i, n = 0;

	stream_match_init(&m);
	for (i = 0; i < STREAM_MATCH_MAX + 10; i++)
		stream_match_sent(&m, 0, i);
	ck_assert_uint_eq(m.cap, STREAM_MATCH_MAX);
	/* The oldest ten were given up. */
	ck_assert_int_eq(stream_match_reply(&m, false, false, 0,
	    STREAM_MATCH_MAX + 10, &rtt), STREAM_MATCHED);
	ck_assert_int_eq(rtt, STREAM_MATCH_MAX);
	while (stream_match_reply(&m, false, false, 0, 0, &rtt) ==
	    STREAM_MATCHED)
		n++;
	ck_assert_uint_eq(n, STREAM_MATCH_MAX - 1);
	stream_match_clear(&m);
	ck_assert_int_eq(stream_match_reply(&m, false, false, 0, 0, &rtt),
	    STREAM_PUSHED);
	stream_match_free(&m);
}
END_TEST

START_TEST(pongs_to_pings)
{
	struct stream_match m;
	int64_t rtt = 0;
	uint64_t id[STREAM_PINGS + 1];
	unsigned i;

	stream_match_init(&m);
	ck_assert_int_eq(stream_match_ping_since(&m), INT64_MAX);
	for (i = 0; i < STREAM_PINGS; i++)
		ck_assert(stream_match_ping(&m, 100 * (i + 1), &id[i]));
	ck_assert(!stream_match_ping(&m, 1000, &id[STREAM_PINGS]));
	ck_assert_int_eq(stream_match_ping_since(&m), 100);
	ck_assert(!stream_match_pong(&m, 12345, 1000, &rtt));
	ck_assert(stream_match_pong(&m, id[1], 450, &rtt));
	ck_assert_int_eq(rtt, 250);
	/* The pong of the second answers the first too. */
	ck_assert_int_eq(stream_match_ping_since(&m), 300);
	ck_assert(!stream_match_pong(&m, id[0], 460, &rtt));
	ck_assert(stream_match_pong(&m, id[3], 500, &rtt));
	ck_assert_int_eq(rtt, 100);
	ck_assert_int_eq(stream_match_ping_since(&m), INT64_MAX);
	stream_match_free(&m);
}
END_TEST

static Suite *
streams_suite(void)
{
	Suite *s = suite_create("streams");
	TCase *tc = tcase_create("streams");

	tcase_add_test(tc, events_in_every_split);
	tcase_add_test(tc, crlf_split_between_reads);
	tcase_add_test(tc, ids_kept_across_a_reconnect);
	tcase_add_test(tc, long_lines_and_events);
	tcase_add_test(tc, bytes_that_are_not_utf8);
	tcase_add_test(tc, echo_answers_the_oldest);
	tcase_add_test(tc, keys_in_any_order);
	tcase_add_test(tc, the_ring_is_bounded);
	tcase_add_test(tc, pongs_to_pings);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(streams_suite)
