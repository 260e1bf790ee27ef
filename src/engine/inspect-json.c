/* RFC 6901 pointers into a parsed body, and a json value as text. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-int.h"

/* The next reference token of ptr, unescaped into tok; its end. */
static const char *
next_token(const char *ptr, char *tok, size_t cap, size_t *len)
{
	size_t n = 0;

	for (; *ptr != '\0' && *ptr != '/'; ptr++) {
		char c = *ptr;

		if (c == '~') {
			c = ptr[1] == '1' ? '/' : '~';
			ptr++;
		}
		if (n + 1 < cap)
			tok[n] = c;
		n++;
	}
	*len = n < cap ? n : SIZE_MAX;	/* SIZE_MAX: too long to match */
	return ptr;
}

static json_t *
array_item(json_t *a, const char *tok, size_t len)
{
	char *end;
	unsigned long long i;

	if (len == 0 || (len > 1 && tok[0] == '0') || tok[0] < '0' ||
	    tok[0] > '9')
		return NULL;
	i = strtoull(tok, &end, 10);
	if ((size_t)(end - tok) != len || i >= json_array_size(a))
		return NULL;
	return json_array_get(a, (size_t)i);
}

json_t *
inspect_json_get(json_t *root, const char *ptr)
{
	char tok[256];
	size_t len;
	json_t *v = root;

	while (v != NULL && *ptr == '/') {
		ptr = next_token(ptr + 1, tok, sizeof tok, &len);
		if (len == SIZE_MAX)
			return NULL;
		tok[len] = '\0';
		if (json_is_object(v))
			v = json_object_getn(v, tok, len);
		else if (json_is_array(v))
			v = array_item(v, tok, len);
		else
			v = NULL;
	}
	return v;
}

size_t
inspect_json_text(const json_t *v, char *buf, size_t cap)
{
	int n;

	switch (json_typeof(v)) {
	case JSON_STRING:
		n = (int)LT_MIN(json_string_length(v), cap - 1);
		memcpy(buf, json_string_value(v), (size_t)n);
		break;
	case JSON_INTEGER:
		n = snprintf(buf, cap, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		break;
	case JSON_REAL:
		n = snprintf(buf, cap, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		n = snprintf(buf, cap, "true");
		break;
	case JSON_FALSE:
		n = snprintf(buf, cap, "false");
		break;
	case JSON_NULL:
		n = snprintf(buf, cap, "null");
		break;
	default:
		n = (int)json_dumpb(v, buf, cap - 1, JSON_COMPACT);
		break;
	}
	n = (int)LT_MIN((size_t)LT_MAX(n, 0), cap - 1);
	buf[n] = '\0';
	return (size_t)n;
}

bool
inspect_json_equals(const json_t *v, const char *want)
{
	char buf[INSPECT_TEXT_MAX], *end;
	double d;

	if (json_is_number(v)) {
		d = strtod(want, &end);
		if (end != want && *end == '\0')
			return json_number_value(v) == d;
	}
	if (json_is_string(v))
		return strlen(want) == json_string_length(v) &&
		    memcmp(want, json_string_value(v), json_string_length(v)) == 0;
	inspect_json_text(v, buf, sizeof buf);
	return strcmp(buf, want) == 0;
}

size_t
inspect_json_find(struct inspect *in, const char *doc, size_t len,
    const char *ptr, char *buf, size_t cap)
{
	json_t *root;
	const json_t *v;
	size_t n;

	inspect_json_begin(in);
	root = json_loadb(doc, len, JSON_DECODE_ANY, NULL);
	v = root != NULL ? inspect_json_get(root, ptr) : NULL;
	n = v != NULL ? inspect_json_text(v, buf, cap) : SIZE_MAX;
	json_decref(root);
	inspect_json_end(in);
	return n;
}

/* --- jansson's allocations ---------------------------------------- */

/* Enough for a 64KB body of small values; past it, malloc. */
#define ARENA_SIZE (1024 * 1024)
#define ARENA_ALIGN 16

/* The arena of the document this thread is parsing, if any: jansson's
 * allocation functions are the process's, and only know the thread. */
static __thread struct json_arena *arena_now;
static pthread_once_t arena_once = PTHREAD_ONCE_INIT;

static bool
in_arena(const struct json_arena *a, const void *p)
{
	return a != NULL && a->base != NULL && (const char *)p >= a->base &&
	    (const char *)p < a->base + ARENA_SIZE;
}

static void *
arena_alloc(size_t n)
{
	struct json_arena *a = arena_now;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (a == NULL || need > ARENA_SIZE - a->used)
		return malloc(n);
	p = a->base + a->used;
	a->used += need;
	return p;
}

/* Objects of an arena go with it; a document's objects never outlive
 * it, nor leave its thread. */
static void
arena_release(void *p)
{
	if (!in_arena(arena_now, p))
		free(p);
}

static void
arena_install(void)
{
	json_set_alloc_funcs(arena_alloc, arena_release);
}

void
inspect_json_begin(struct inspect *in)
{
	struct json_arena *a = &in->arena;

	pthread_once(&arena_once, arena_install);
	if (a->base == NULL)
		a->base = xmalloc(ARENA_SIZE);
	if (a->depth++ == 0)
		a->used = 0;
	arena_now = a;
}

void
inspect_json_end(struct inspect *in)
{
	if (--in->arena.depth == 0)
		arena_now = NULL;
}

void
inspect_json_arena_free(struct json_arena *a)
{
	free(a->base);
	a->base = NULL;
}
