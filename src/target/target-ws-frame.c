#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target-ws-frame.h"
#include "util.h"

/* A message buffer larger than this is given back between messages. */
#define KEEP_BUFFER	(64 * 1024)

size_t
target_ws_frame_header(unsigned char *out, int opcode, uint64_t len)
{
	size_t i;

	out[0] = (unsigned char)(0x80 | (opcode & 0x0f));
	if (len < 126) {
		out[1] = (unsigned char)len;
		return 2;
	}
	if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		return 4;
	}
	out[1] = 127;
	for (i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)(len >> (56 - 8 * i));
	return 10;
}

void
target_ws_frame_init(struct target_ws_reader *r, uint64_t max_message)
{
	memset(r, 0, sizeof *r);
	r->max_message = max_message;
}

void
target_ws_frame_free(struct target_ws_reader *r)
{
	free(r->msg);
	r->msg = NULL;
	r->msg_len = r->msg_cap = 0;
}

/* Text messages and close reasons must be well-formed UTF-8. */
static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;
	unsigned char c, lo, hi;

	while (i < n) {
		c = s[i++];
		if (c < 0x80)
			continue;
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			/* No overlong forms, no UTF-16 surrogates. */
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return false;
		if (n - i < need)
			return false;
		for (k = 0; k < need; k++, lo = 0x80, hi = 0xbf) {
			c = s[i++];
			if (c < lo || c > hi)
				return false;
		}
	}
	return true;
}

/* The codes a peer may put in a close frame. */
static bool
close_code_valid(unsigned int code)
{
	if (code >= 3000 && code <= 4999)
		return true;
	return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 &&
	    code != 1006;
}

static void
fail(struct target_ws_reader *r, struct target_ws_event *ev,
    unsigned int code)
{
	ev->kind = TWS_EVENT_ERROR;
	ev->code = code;
	r->failed = true;
}

/* The first two bytes of a header: 0, or the close code they deserve. */
static unsigned int
check_start(const struct target_ws_reader *r)
{
	int op = r->head[0] & 0x0f;
	bool fin = (r->head[0] & 0x80) != 0;
	unsigned int len7 = r->head[1] & 0x7f;

	/* No extension was agreed, so no reserved bit may be set. */
	if ((r->head[0] & 0x70) != 0 || (r->head[1] & 0x80) == 0)
		return TWS_CLOSE_PROTOCOL;
	if (op >= TWS_OP_CLOSE) {
		if (op > TWS_OP_PONG || !fin || len7 > TWS_CONTROL_MAX)
			return TWS_CLOSE_PROTOCOL;
		return 0;
	}
	if (op > TWS_OP_BINARY)
		return TWS_CLOSE_PROTOCOL;
	if ((op == TWS_OP_CONTINUATION) != (r->message != 0))
		return TWS_CLOSE_PROTOCOL;
	return 0;
}

/* The whole header's length, once its first two bytes are known. */
static size_t
header_size(const struct target_ws_reader *r)
{
	unsigned int len7 = r->head[1] & 0x7f;

	if (len7 == 126)
		return 2 + 2 + 4;
	if (len7 == 127)
		return 2 + 8 + 4;
	return 2 + 4;
}

/* A new data message starts: the last one's buffer is free again. */
static void
begin_message(struct target_ws_reader *r, int opcode)
{
	r->message = opcode;
	r->msg_len = 0;
	if (r->msg_cap > KEEP_BUFFER)
		target_ws_frame_free(r);
}

/* The header is complete: the payload starts. */
static unsigned int
begin_payload(struct target_ws_reader *r)
{
	const unsigned char *h = r->head;
	uint64_t len = h[1] & 0x7f;
	size_t at = 2, i;

	if (len == 126) {
		len = (uint64_t)h[2] << 8 | h[3];
		at = 4;
	} else if (len == 127) {
		for (len = 0, i = 0; i < 8; i++)
			len = len << 8 | h[2 + i];
		at = 10;
		if (len >> 63 != 0)
			return TWS_CLOSE_PROTOCOL;
	}
	memcpy(r->mask, h + at, sizeof r->mask);
	r->opcode = h[0] & 0x0f;
	r->fin = (h[0] & 0x80) != 0;
	r->left = len;
	r->seen = 0;
	r->in_payload = true;
	if (r->opcode >= TWS_OP_CLOSE) {
		r->control_len = 0;
		return 0;
	}
	if (r->opcode != TWS_OP_CONTINUATION)
		begin_message(r, r->opcode);
	if (len > r->max_message - r->msg_len)
		return TWS_CLOSE_TOO_BIG;
	return 0;
}

/* A close frame: its code, if any, must be valid, its reason UTF-8. */
static void
finish_close(struct target_ws_reader *r, struct target_ws_event *ev)
{
	unsigned int code;

	if (r->control_len == 0) {
		ev->kind = TWS_EVENT_CLOSE;
		ev->code = 0;
		return;
	}
	code = (unsigned int)r->control[0] << 8 | r->control[1];
	if (r->control_len == 1 || !close_code_valid(code))
		fail(r, ev, TWS_CLOSE_PROTOCOL);
	else if (!utf8_valid(r->control + 2, r->control_len - 2))
		fail(r, ev, TWS_CLOSE_INVALID_DATA);
	else {
		ev->kind = TWS_EVENT_CLOSE;
		ev->code = code;
	}
}

/* The last payload byte of a frame arrived. */
static void
finish_frame(struct target_ws_reader *r, struct target_ws_event *ev)
{
	r->in_payload = false;
	r->nhead = 0;
	if (r->opcode >= TWS_OP_CLOSE) {
		ev->data = r->control;
		ev->len = r->control_len;
		if (r->opcode == TWS_OP_CLOSE)
			finish_close(r, ev);
		else
			ev->kind = r->opcode == TWS_OP_PING ? TWS_EVENT_PING :
			    TWS_EVENT_PONG;
		return;
	}
	if (!r->fin)
		return;
	if (r->message == TWS_OP_TEXT && !utf8_valid(r->msg, r->msg_len)) {
		fail(r, ev, TWS_CLOSE_INVALID_DATA);
		return;
	}
	ev->kind = TWS_EVENT_MESSAGE;
	ev->opcode = r->message;
	ev->data = r->msg;
	ev->len = r->msg_len;
	r->message = 0;
}

static void
reserve(struct target_ws_reader *r, size_t more)
{
	size_t want = r->msg_len + more;

	if (want <= r->msg_cap)
		return;
	r->msg_cap = LT_MAX(LT_MAX(r->msg_cap * 2, want), (size_t)256);
	r->msg = xrealloc(r->msg, r->msg_cap);
}

static size_t
read_payload(struct target_ws_reader *r, const unsigned char *buf,
    size_t len, struct target_ws_event *ev)
{
	size_t n = (size_t)LT_MIN((uint64_t)len, r->left), i;
	unsigned char *to;

	if (r->opcode >= TWS_OP_CLOSE) {
		to = r->control + r->control_len;
		r->control_len += n;
	} else {
		reserve(r, n);
		to = r->msg + r->msg_len;
		r->msg_len += n;
	}
	for (i = 0; i < n; i++)
		to[i] = buf[i] ^ r->mask[(r->seen + i) & 3];
	r->seen += n;
	r->left -= n;
	if (r->left == 0)
		finish_frame(r, ev);
	return n;
}

/* One more header byte; 0, or the close code of what it revealed. */
static unsigned int
header_byte(struct target_ws_reader *r, unsigned char c)
{
	unsigned int error;

	r->head[r->nhead++] = c;
	if (r->nhead == 2 && (error = check_start(r)) != 0)
		return error;
	if (r->nhead >= 2 && r->nhead == header_size(r))
		return begin_payload(r);
	return 0;
}

size_t
target_ws_frame_read(struct target_ws_reader *r, const unsigned char *buf,
    size_t len, struct target_ws_event *ev)
{
	size_t used = 0;
	unsigned int error;

	memset(ev, 0, sizeof *ev);
	if (r->failed)
		return len;
	while (used < len && ev->kind == TWS_EVENT_NONE) {
		if (r->in_payload) {
			used += read_payload(r, buf + used, len - used, ev);
			continue;
		}
		if ((error = header_byte(r, buf[used++])) != 0)
			fail(r, ev, error);
		else if (r->in_payload && r->left == 0)
			finish_frame(r, ev);
	}
	return used;
}
