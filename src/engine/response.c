/* The response view of a slot (response.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "response.h"
#include "util.h"

void
response_init(struct response_view *v)
{
	memset(v, 0, sizeof *v);
	v->current = -1;
}

void
response_free(struct response_view *v)
{
	free(v->value);
	free(v->value_len);
	free(v->value_set);
	free(v->body);
	response_init(v);
}

static void
clear_headers(struct response_view *v)
{
	if (v->names != NULL && v->names->n > 0)
		memset(v->value_set, 0, v->names->n * sizeof *v->value_set);
	v->field_len = 0;
	v->current = -1;
	v->in_value = false;
}

/* Room for names' values and cap bytes of body, grown, never shrunk. */
static void
make_room(struct response_view *v, const struct response_names *names,
    size_t cap)
{
	size_t n = names != NULL ? names->n : 0;

	if (n > v->value_cap) {
		v->value = xreallocarray(v->value, n, sizeof *v->value);
		v->value_len = xreallocarray(v->value_len, n,
		    sizeof *v->value_len);
		v->value_set = xreallocarray(v->value_set, n,
		    sizeof *v->value_set);
		v->value_cap = n;
	}
	if (cap > v->alloc || v->body == NULL) {
		free(v->body);
		v->body = xmalloc(cap + 1);
		v->alloc = cap;
	}
	v->body[0] = '\0';
}

void
response_begin(struct response_view *v, bool on,
    const struct response_names *names, size_t max_body)
{
	v->on = on;
	v->sample_on = false;
	v->status = 0;
	v->status_known = false;
	v->len = v->sample_len = 0;
	v->total = 0;
	v->cut = false;
	if (!on) {
		v->names = NULL;
		v->cap = 0;
		return;
	}
	make_room(v, names, max_body);
	v->names = names;
	v->cap = max_body;
	clear_headers(v);
}

void
response_status(struct response_view *v, long status, bool expected)
{
	v->status = status;
	v->status_known = true;
	v->sample_on = !expected;
}

void
response_interim(struct response_view *v)
{
	if (v->names != NULL)
		clear_headers(v);
}

static int
name_index(const struct response_view *v, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < v->names->n; i++)
		if (v->names->len[i] == len &&
		    strncasecmp(v->names->v[i], name, len) == 0)
			return v->value_set[i] ? -1 : (int)i;
	return -1;
}

static void
add_value(struct response_view *v, int i, const char *at, size_t n)
{
	size_t room = RESPONSE_VALUE_MAX - v->value_len[i];

	if (n > room)
		n = room;
	memcpy(v->value[i] + v->value_len[i], at, n);
	v->value_len[i] += n;
	v->value[i][v->value_len[i]] = '\0';
}

static void
start_value(struct response_view *v, int i)
{
	v->value_set[i] = true;
	v->value_len[i] = 0;
	v->value[i][0] = '\0';
}

void
response_header_line(struct response_view *v, const char *line, size_t n)
{
	const char *colon, *end = line + n;
	int i;

	if (v->names == NULL || v->names->n == 0)
		return;
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		clear_headers(v);	/* a status line: a new answer */
		return;
	}
	if ((colon = memchr(line, ':', n)) == NULL ||
	    (i = name_index(v, line, (size_t)(colon - line))) < 0)
		return;
	for (colon++; colon < end && (*colon == ' ' || *colon == '\t');)
		colon++;
	while (end > colon && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		end--;
	start_value(v, i);
	add_value(v, i, colon, (size_t)(end - colon));
}

void
response_field(struct response_view *v, const char *at, size_t n)
{
	if (v->names == NULL || v->names->n == 0)
		return;
	if (v->in_value) {
		v->in_value = false;
		v->field_len = 0;
		v->current = -1;
	}
	if (v->field_len + n <= sizeof v->field) {
		memcpy(v->field + v->field_len, at, n);
		v->field_len += n;
	} else
		v->field_len = sizeof v->field + 1;	/* too long: none */
}

void
response_value(struct response_view *v, const char *at, size_t n)
{
	if (v->names == NULL || v->names->n == 0)
		return;
	if (!v->in_value) {
		v->in_value = true;
		v->current = v->field_len <= sizeof v->field ?
		    name_index(v, v->field, v->field_len) : -1;
		if (v->current >= 0)
			start_value(v, v->current);
	}
	if (v->current >= 0)
		add_value(v, v->current, at, n);
}

void
response_body(struct response_view *v, const char *at, size_t n)
{
	size_t keep;

	if (v->on) {
		keep = v->len < v->cap ? LT_MIN(n, v->cap - v->len) : 0;
		memcpy(v->body + v->len, at, keep);
		v->len += keep;
		v->body[v->len] = '\0';
		v->cut |= keep < n;
	} else if (v->sample_on && v->sample_len < RESPONSE_SAMPLE) {
		keep = LT_MIN(n, RESPONSE_SAMPLE - v->sample_len);
		memcpy(v->sample + v->sample_len, at, keep);
		v->sample_len += keep;
	}
	v->total += n;
}

const char *
response_header(const struct response_view *v, size_t i, size_t *len)
{
	if (v->names == NULL || i >= v->names->n || !v->value_set[i])
		return NULL;
	*len = v->value_len[i];
	return v->value[i];
}

const char *
response_sample(const struct response_view *v, size_t *len, bool *cut)
{
	if (v->on) {
		*len = LT_MIN(v->len, (size_t)RESPONSE_SAMPLE);
		*cut = v->total > *len;
		return v->body;
	}
	*len = v->sample_len;
	*cut = v->total > v->sample_len;
	return v->sample;
}
