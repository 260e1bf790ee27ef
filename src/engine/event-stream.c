/* The text/event-stream format, a byte at a time. */
#include "config.h"

#include <string.h>

#include "event-stream.h"

enum { AT_FIELD, AT_SPACE, AT_VALUE, AT_COMMENT };
enum { FIELD_OTHER, FIELD_DATA, FIELD_ID, FIELD_EVENT, FIELD_RETRY };

static const struct {
	const char *name;
	unsigned kind;
} field_names[] = {
	{ "data", FIELD_DATA },
	{ "id", FIELD_ID },
	{ "event", FIELD_EVENT },
	{ "retry", FIELD_RETRY },
};

void
event_stream_init(struct event_stream *es, size_t max_event, bool keep_id)
{
	char id[EVENT_STREAM_ID_MAX];
	size_t id_len = 0;
	bool has_id = false;

	/* Only a stream that was set up before has an id to keep. */
	if (keep_id) {
		id_len = es->last_id_len;
		has_id = es->has_id;
		memcpy(id, es->last_id, id_len);
	}
	memset(es, 0, sizeof *es);
	es->max_event = max_event;
	es->retry_ms = -1;
	if (keep_id && has_id) {
		memcpy(es->last_id, id, id_len);
		es->last_id_len = id_len;
		es->has_id = true;
	}
}

static unsigned
field_kind(const struct event_stream *es)
{
	size_t i;

	if (es->field_len > sizeof es->field)
		return FIELD_OTHER;
	for (i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
		if (strlen(field_names[i].name) == es->field_len &&
		    memcmp(field_names[i].name, es->field, es->field_len) == 0)
			return field_names[i].kind;
	return FIELD_OTHER;
}

static bool
over(const struct event_stream *es, size_t n)
{
	return es->max_event > 0 && n > es->max_event;
}

/* retry: digits only, else the field is ignored. */
static void
take_retry(struct event_stream *es)
{
	int64_t v = 0;
	size_t i;

	if (es->value_len == 0 || es->value_long)
		return;
	for (i = 0; i < es->value_len; i++) {
		if (es->value[i] < '0' || es->value[i] > '9' || v > INT64_MAX / 20)
			return;
		v = v * 10 + (es->value[i] - '0');
	}
	es->retry_ms = v;
}

static void
dispatch(struct event_stream *es, event_stream_fn *fn, void *arg)
{
	/* No data line since the last one: no event. */
	if (es->has_data) {
		es->events++;
		if (fn != NULL)
			fn(arg, es->data_len - 1);
	}
	es->data_len = 0;
	es->has_data = false;
}

static void
end_line(struct event_stream *es, event_stream_fn *fn, void *arg)
{
	if (es->at == AT_FIELD && es->line_len == 0) {
		dispatch(es, fn, arg);
		return;
	}
	if (es->at == AT_FIELD)		/* a field with no colon: no value */
		es->kind = field_kind(es);
	if (es->at != AT_COMMENT) {
		switch (es->kind) {
		case FIELD_DATA:
			es->data_len++;	/* the line feed each line adds */
			es->has_data = true;
			if (over(es, es->data_len - 1))
				es->status = EVENT_STREAM_TOO_BIG;
			break;
		case FIELD_ID:
			/* An id that holds a NUL is ignored; one too long to
			 * keep leaves the last one. */
			if (es->value_nul || es->value_long)
				break;
			memcpy(es->last_id, es->value, es->value_len);
			es->last_id_len = es->value_len;
			es->has_id = true;
			break;
		case FIELD_RETRY:
			take_retry(es);
			break;
		default:
			break;		/* event names and unknown fields */
		}
	}
	es->at = AT_FIELD;
	es->kind = FIELD_OTHER;
	es->field_len = es->line_len = es->value_len = 0;
	es->value_long = es->value_nul = false;
}

static void
value_byte(struct event_stream *es, char c)
{
	switch (es->kind) {
	case FIELD_DATA:
		if (over(es, ++es->data_len))
			es->status = EVENT_STREAM_TOO_BIG;
		break;
	case FIELD_ID:
	case FIELD_RETRY:
		if (c == '\0')
			es->value_nul = true;
		if (es->value_len < sizeof es->value)
			es->value[es->value_len++] = c;
		else
			es->value_long = true;
		break;
	default:
		break;
	}
}

/* Whether c may come next in UTF-8 (the structure of sequences, not
 * every overlong form). */
static bool
utf8_ok(struct event_stream *es, unsigned char c)
{
	if (es->utf8_left > 0) {
		es->utf8_left--;
		return (c & 0xc0) == 0x80;
	}
	if (c < 0x80)
		return true;
	if (c >= 0xc2 && c <= 0xdf)
		es->utf8_left = 1;
	else if ((c & 0xf0) == 0xe0)
		es->utf8_left = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		es->utf8_left = 3;
	else
		return false;
	return true;
}

/* A byte of a line, neither CR nor LF.  A line holds at most an
 * event's data and its field's name: a comment or an unknown field is
 * not kept, but is not read for ever either. */
static void
line_byte(struct event_stream *es, char c)
{
	if (++es->line_len > es->max_event + EVENT_STREAM_LINE_EXTRA &&
	    es->max_event > 0) {
		es->status = EVENT_STREAM_TOO_BIG;
		return;
	}
	switch (es->at) {
	case AT_FIELD:
		if (c != ':') {
			if (es->field_len < sizeof es->field)
				es->field[es->field_len] = c;
			es->field_len++;
			break;
		}
		es->kind = field_kind(es);
		es->at = es->line_len == 1 ? AT_COMMENT : AT_SPACE;
		break;
	case AT_SPACE:
		es->at = AT_VALUE;
		if (c != ' ')
			value_byte(es, c);
		break;
	case AT_VALUE:
		value_byte(es, c);
		break;
	default:
		break;			/* a comment */
	}
}

/* A UTF-8 byte order mark may open the stream: skipped. */
static bool
skip_bom(struct event_stream *es, unsigned char c)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };

	if (es->started)
		return false;
	if (c == bom[es->bom]) {
		if (++es->bom == 3)
			es->started = true;
		return true;
	}
	if (es->bom > 0)
		es->status = EVENT_STREAM_INVALID;
	es->started = true;
	return es->bom > 0;
}

enum event_stream_status
event_stream_feed(struct event_stream *es, const char *buf, size_t n,
    event_stream_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < n && es->status == EVENT_STREAM_OK; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (skip_bom(es, c))
			continue;
		if (!utf8_ok(es, c)) {
			es->status = EVENT_STREAM_INVALID;
			break;
		}
		if (c == '\n' && es->after_cr) {
			es->after_cr = false;	/* CRLF's second half */
			continue;
		}
		es->after_cr = c == '\r';
		if (c == '\r' || c == '\n')
			end_line(es, fn, arg);
		else
			line_byte(es, (char)c);
	}
	return es->status;
}
