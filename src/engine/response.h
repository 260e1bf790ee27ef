/*
 * The response view: what an inspected request (checks, an outcome,
 * captures) keeps of its answer, filled alike by both transports: the
 * status, the headers its scenario names, and the first max_body bytes
 * of the body, in buffers of its slot made once.  Past the cap the body
 * is counted and discarded, and the view says it was cut.
 *
 * Any request also keeps the first bytes of a body whose status is not
 * one it expects: the failures list's sample.
 */
#ifndef LT_RESPONSE_H
#define LT_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESPONSE_VALUE_MAX 1024		/* bytes of a named header kept */
#define RESPONSE_NAME_MAX 64		/* longer names are never named */
#define RESPONSE_SAMPLE 200

/* The header names a request's inspection reads. */
struct response_names {
	char **v;
	size_t *len;
	size_t n;
};

struct response_view {
	long status;
	bool status_known;		/* response_status was told */
	bool on;			/* this request is inspected */
	bool sample_on;			/* the status is not expected */
	const struct response_names *names;	/* NULL: none kept */
	/* Named headers, by index in names; the first of a name wins.
	 * Values and the body are kept NUL-terminated too, for readers
	 * that look for the end (a sanitizer's regexec). */
	char (*value)[RESPONSE_VALUE_MAX + 1];
	size_t *value_len;
	bool *value_set;
	size_t value_cap;
	/* The header arriving in pieces (the raw transport's parser). */
	char field[RESPONSE_NAME_MAX];
	size_t field_len;
	int current;			/* names index being filled; -1 none */
	bool in_value;
	/* The body: the first cap bytes; total counts them all. */
	char *body;
	size_t cap, alloc;
	size_t len;
	uint64_t total;
	bool cut;
	char sample[RESPONSE_SAMPLE];
	size_t sample_len;
};

void	 response_init(struct response_view *);
void	 response_free(struct response_view *);
/* Before a request: keep names' headers and max_body bytes (on), or
 * nothing but a failing body's start. */
void	 response_begin(struct response_view *, bool on,
	     const struct response_names *, size_t max_body);
/* The status is known; expected: whether the request expects it. */
void	 response_status(struct response_view *, long status, bool expected);
/* An interim answer (1xx) ended: its headers are not the answer's. */
void	 response_interim(struct response_view *);
/* A whole header line "Name: value\r\n", as libcurl gives it. */
void	 response_header_line(struct response_view *, const char *, size_t);
/* A header in pieces, as http-parser gives it. */
void	 response_field(struct response_view *, const char *, size_t);
void	 response_value(struct response_view *, const char *, size_t);
void	 response_body(struct response_view *, const char *, size_t);
/* Header i of names: its value, or NULL when the answer had none. */
const char *response_header(const struct response_view *, size_t i,
	     size_t *len);
/* The first bytes of the body as kept, for a sample. */
const char *response_sample(const struct response_view *, size_t *len,
	     bool *cut);

#endif
