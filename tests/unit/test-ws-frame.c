#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-tap.h"
#include "target-ws-frame.h"

#define MAX_EVENTS	8
#define FRAME_MAX	(70000 + 14)

/* What a reader made of some bytes: its events, their payloads copied. */
struct seen {
	size_t		 n;
	enum target_ws_event_kind kind[MAX_EVENTS];
	int		 opcode[MAX_EVENTS];
	unsigned int	 code[MAX_EVENTS];
	unsigned char	*data[MAX_EVENTS];
	size_t		 len[MAX_EVENTS];
};

static const unsigned char key[4] = { 0x37, 0xfa, 0x21, 0x3d };

/* A client frame: first byte b0, masked payload. */
static size_t
client_frame(unsigned char *out, int b0, const void *payload, size_t n)
{
	const unsigned char *p = payload;
	size_t at = 2, i;

	out[0] = (unsigned char)b0;
	if (n < 126)
		out[1] = (unsigned char)(0x80 | n);
	else if (n <= 0xffff) {
		out[1] = 0x80 | 126;
		out[2] = (unsigned char)(n >> 8);
		out[3] = (unsigned char)n;
		at = 4;
	} else {
		out[1] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			out[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
		at = 10;
	}
	memcpy(out + at, key, 4);
	at += 4;
	for (i = 0; i < n; i++)
		out[at + i] = p[i] ^ key[i & 3];
	return at + n;
}

/* Feed buf to r in pieces of chunk bytes, keeping every event. */
static void
feed(struct target_ws_reader *r, const unsigned char *buf, size_t len,
    size_t chunk, struct seen *s)
{
	struct target_ws_event ev;
	size_t off = 0, piece, used;

	while (off < len) {
		piece = len - off < chunk ? len - off : chunk;
		used = target_ws_frame_read(r, buf + off, piece, &ev);
		ck_assert_uint_gt(used, 0);
		off += used;
		if (ev.kind == TWS_EVENT_NONE)
			continue;
		ck_assert_uint_lt(s->n, MAX_EVENTS);
		s->kind[s->n] = ev.kind;
		s->opcode[s->n] = ev.opcode;
		s->code[s->n] = ev.code;
		s->len[s->n] = ev.len;
		s->data[s->n] = malloc(ev.len + 1);
		if (ev.len > 0)
			memcpy(s->data[s->n], ev.data, ev.len);
		s->n++;
	}
}

static void
seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->data[i]);
	memset(s, 0, sizeof *s);
}

/* Read buf whole and byte by byte: both readings must agree. */
static void
read_both(const unsigned char *buf, size_t len, uint64_t max, struct seen *s)
{
	struct target_ws_reader r;
	struct seen one;
	size_t i;

	memset(&one, 0, sizeof one);
	memset(s, 0, sizeof *s);
	target_ws_frame_init(&r, max);
	feed(&r, buf, len, len, s);
	target_ws_frame_free(&r);
	target_ws_frame_init(&r, max);
	feed(&r, buf, len, 1, &one);
	target_ws_frame_free(&r);
	ck_assert_uint_eq(one.n, s->n);
	for (i = 0; i < s->n; i++) {
		ck_assert_int_eq(one.kind[i], s->kind[i]);
		ck_assert_uint_eq(one.code[i], s->code[i]);
		ck_assert_uint_eq(one.len[i], s->len[i]);
		ck_assert(memcmp(one.data[i], s->data[i], s->len[i]) == 0);
	}
	seen_free(&one);
}

/* The one event a single frame makes. */
static struct seen
one_frame(int b0, const void *payload, size_t n)
{
	static unsigned char buf[FRAME_MAX];
	struct seen s;
	size_t len;

	len = client_frame(buf, b0, payload, n);
	read_both(buf, len, 1 << 20, &s);
	ck_assert_uint_eq(s.n, 1);
	return s;
}

static unsigned int
error_of(int b0, const char *payload)
{
	struct seen s = one_frame(b0, payload, strlen(payload));
	unsigned int code;

	ck_assert_int_eq(s.kind[0], TWS_EVENT_ERROR);
	code = s.code[0];
	seen_free(&s);
	return code;
}

START_TEST(header_lengths)
{
	unsigned char h[TWS_HEADER_MAX];

	ck_assert_uint_eq(target_ws_frame_header(h, TWS_OP_TEXT, 0), 2);
	ck_assert_uint_eq(h[0], 0x81);
	ck_assert_uint_eq(h[1], 0);
	ck_assert_uint_eq(target_ws_frame_header(h, TWS_OP_BINARY, 125), 2);
	ck_assert_uint_eq(h[1], 125);
	ck_assert_uint_eq(target_ws_frame_header(h, TWS_OP_TEXT, 126), 4);
	ck_assert_uint_eq(h[1], 126);
	ck_assert_uint_eq(h[2] << 8 | h[3], 126);
	ck_assert_uint_eq(target_ws_frame_header(h, TWS_OP_TEXT, 65535), 4);
	ck_assert_uint_eq(h[2] << 8 | h[3], 65535);
	ck_assert_uint_eq(target_ws_frame_header(h, TWS_OP_CLOSE, 65536), 10);
	ck_assert_uint_eq(h[0], 0x88);
	ck_assert_uint_eq(h[1], 127);
	ck_assert_uint_eq(h[7], 1);
	ck_assert_uint_eq(h[8] | h[9], 0);
}
END_TEST

START_TEST(text_message)
{
	struct seen s = one_frame(0x81, "hello", 5);

	ck_assert_int_eq(s.kind[0], TWS_EVENT_MESSAGE);
	ck_assert_int_eq(s.opcode[0], TWS_OP_TEXT);
	ck_assert_uint_eq(s.len[0], 5);
	ck_assert(memcmp(s.data[0], "hello", 5) == 0);
	seen_free(&s);
	s = one_frame(0x81, "", 0);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_MESSAGE);
	ck_assert_uint_eq(s.len[0], 0);
	seen_free(&s);
}
END_TEST

START_TEST(long_lengths)
{
	static unsigned char payload[70000];
	struct seen s;
	size_t i;

	for (i = 0; i < sizeof payload; i++)
		payload[i] = (unsigned char)(i * 7);
	s = one_frame(0x82, payload, 300);
	ck_assert_int_eq(s.opcode[0], TWS_OP_BINARY);
	ck_assert_uint_eq(s.len[0], 300);
	ck_assert(memcmp(s.data[0], payload, 300) == 0);
	seen_free(&s);
	s = one_frame(0x82, payload, sizeof payload);
	ck_assert_uint_eq(s.len[0], sizeof payload);
	ck_assert(memcmp(s.data[0], payload, sizeof payload) == 0);
	seen_free(&s);
}
END_TEST

START_TEST(fragments_around_a_ping)
{
	unsigned char buf[256];
	struct seen s;
	size_t len;

	/* A euro sign split across the fragments is still UTF-8. */
	len = client_frame(buf, 0x01, "ab\xe2\x82", 4);
	len += client_frame(buf + len, 0x89, "p", 1);
	len += client_frame(buf + len, 0x00, "\xac" "cd", 3);
	len += client_frame(buf + len, 0x80, "!", 1);
	read_both(buf, len, 1 << 20, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_PING);
	ck_assert_uint_eq(s.len[0], 1);
	ck_assert_int_eq(s.kind[1], TWS_EVENT_MESSAGE);
	ck_assert_int_eq(s.opcode[1], TWS_OP_TEXT);
	ck_assert_uint_eq(s.len[1], 8);
	ck_assert(memcmp(s.data[1], "ab\xe2\x82\xac" "cd!", 8) == 0);
	seen_free(&s);
}
END_TEST

START_TEST(protocol_errors)
{
	static const unsigned char unmasked[] = { 0x81, 0x01, 'a' };
	static const unsigned char huge[] = { 0x82, 0xff, 0x80, 0, 0, 0, 0,
	    0, 0, 0, 1, 2, 3, 4 };
	unsigned char buf[64], payload[126] = { 0 };
	struct seen s;
	size_t len;

	ck_assert_uint_eq(error_of(0xc1, "a"), TWS_CLOSE_PROTOCOL);
	ck_assert_uint_eq(error_of(0x83, "a"), TWS_CLOSE_PROTOCOL);
	ck_assert_uint_eq(error_of(0x8b, "a"), TWS_CLOSE_PROTOCOL);
	ck_assert_uint_eq(error_of(0x80, "a"), TWS_CLOSE_PROTOCOL);
	ck_assert_uint_eq(error_of(0x09, "a"), TWS_CLOSE_PROTOCOL);
	s = one_frame(0x89, payload, sizeof payload);
	ck_assert_uint_eq(s.code[0], TWS_CLOSE_PROTOCOL);
	seen_free(&s);
	read_both(unmasked, sizeof unmasked, 1 << 20, &s);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_ERROR);
	ck_assert_uint_eq(s.code[0], TWS_CLOSE_PROTOCOL);
	seen_free(&s);
	read_both(huge, sizeof huge, 1 << 20, &s);
	ck_assert_uint_eq(s.code[0], TWS_CLOSE_PROTOCOL);
	seen_free(&s);
	/* A new message while another is in fragments. */
	len = client_frame(buf, 0x01, "a", 1);
	len += client_frame(buf + len, 0x81, "b", 1);
	read_both(buf, len, 1 << 20, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.code[0], TWS_CLOSE_PROTOCOL);
	seen_free(&s);
}
END_TEST

START_TEST(not_utf8)
{
	ck_assert_uint_eq(error_of(0x81, "\xff"), TWS_CLOSE_INVALID_DATA);
	ck_assert_uint_eq(error_of(0x81, "\xc0\x80"), TWS_CLOSE_INVALID_DATA);
	ck_assert_uint_eq(error_of(0x81, "\xe0\x80\xaf"), TWS_CLOSE_INVALID_DATA);
	ck_assert_uint_eq(error_of(0x81, "\xed\xa0\x80"), TWS_CLOSE_INVALID_DATA);
	ck_assert_uint_eq(error_of(0x81, "\xf4\x90\x80\x80"),
	    TWS_CLOSE_INVALID_DATA);
	ck_assert_uint_eq(error_of(0x81, "ok\xe2\x82"), TWS_CLOSE_INVALID_DATA);
}
END_TEST

START_TEST(utf8_accepted)
{
	static const char *const texts[] = { "caf\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9d\x84\x9e", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf" };
	struct seen s;
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		s = one_frame(0x81, texts[i], strlen(texts[i]));
		ck_assert_msg(s.kind[0] == TWS_EVENT_MESSAGE, "text %zu", i);
		seen_free(&s);
	}
	/* Binary messages are not text. */
	s = one_frame(0x82, "\xff", 1);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_MESSAGE);
	seen_free(&s);
}
END_TEST

START_TEST(too_big)
{
	static unsigned char payload[1001];
	unsigned char buf[2100];
	struct seen s;
	size_t len;

	len = client_frame(buf, 0x82, payload, 1000);
	read_both(buf, len, 1000, &s);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_MESSAGE);
	seen_free(&s);
	len = client_frame(buf, 0x82, payload, 1001);
	read_both(buf, len, 1000, &s);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_ERROR);
	ck_assert_uint_eq(s.code[0], TWS_CLOSE_TOO_BIG);
	seen_free(&s);
	/* Fragments count together. */
	len = client_frame(buf, 0x02, payload, 600);
	len += client_frame(buf + len, 0x80, payload, 401);
	read_both(buf, len, 1000, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.code[0], TWS_CLOSE_TOO_BIG);
	seen_free(&s);
}
END_TEST

START_TEST(close_frames)
{
	struct seen s;

	s = one_frame(0x88, "", 0);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_CLOSE);
	ck_assert_uint_eq(s.code[0], 0);
	seen_free(&s);
	s = one_frame(0x88, "\x03\xe8" "bye", 5);
	ck_assert_int_eq(s.kind[0], TWS_EVENT_CLOSE);
	ck_assert_uint_eq(s.code[0], 1000);
	seen_free(&s);
	s = one_frame(0x88, "\x0f\xa0", 2);
	ck_assert_uint_eq(s.code[0], 4000);
	seen_free(&s);
	ck_assert_uint_eq(error_of(0x88, "\x03"), TWS_CLOSE_PROTOCOL);
	ck_assert_uint_eq(error_of(0x88, "\x03\xed"), TWS_CLOSE_PROTOCOL);
	ck_assert_uint_eq(error_of(0x88, "\x03\xe7"), TWS_CLOSE_PROTOCOL);
	ck_assert_uint_eq(error_of(0x88, "\x03\xe8\xff"),
	    TWS_CLOSE_INVALID_DATA);
}
END_TEST

START_TEST(nothing_after_an_error)
{
	struct target_ws_reader r;
	struct target_ws_event ev;
	unsigned char buf[32];
	size_t len;

	target_ws_frame_init(&r, 1 << 20);
	len = client_frame(buf, 0xc1, "a", 1);
	len += client_frame(buf + len, 0x81, "b", 1);
	ck_assert_uint_eq(target_ws_frame_read(&r, buf, len, &ev), 2);
	ck_assert_int_eq(ev.kind, TWS_EVENT_ERROR);
	ck_assert_uint_eq(target_ws_frame_read(&r, buf + 2, len - 2, &ev),
	    len - 2);
	ck_assert_int_eq(ev.kind, TWS_EVENT_NONE);
	target_ws_frame_free(&r);
}
END_TEST

static Suite *
ws_frame_suite(void)
{
	Suite *s = suite_create("ws-frame");
	TCase *tc = tcase_create("ws-frame");

	tcase_add_test(tc, header_lengths);
	tcase_add_test(tc, text_message);
	tcase_add_test(tc, long_lengths);
	tcase_add_test(tc, fragments_around_a_ping);
	tcase_add_test(tc, protocol_errors);
	tcase_add_test(tc, not_utf8);
	tcase_add_test(tc, utf8_accepted);
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, close_frames);
	tcase_add_test(tc, nothing_after_an_error);
	suite_add_tcase(s, tc);
	return s;
}

LT_CHECK_MAIN(ws_frame_suite)
