/*
 * Prepared requests: everything about a scenario request that can be
 * worked out once (static URL, header lists, body, signing key) is, so
 * that starting a request only renders what really varies, into buffers
 * that belong to the connection slot, without allocating.
 */
#ifndef LT_REQUEST_H
#define LT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "scenario.h"
#include "stats.h"
#include "template.h"
#include "request-raw.h"

struct preq_dyn_header {
	char *prefix;			/* "Name: " */
	size_t prefix_len;
	const struct tmpl *value;
	size_t cap;			/* prefix + max value + NUL */
};

struct preq {
	const struct scn_request *r;
	size_t index;
	enum { PREQ_GET, PREQ_HEAD, PREQ_POST, PREQ_CUSTOM } method;
	const struct tmpl *url;		/* NULL when url_text is static */
	char *url_text;			/* static URL */
	size_t url_cap;
	/* Headers: static lines shared read-only, dynamic ones per slot. */
	char **static_lines;
	size_t nstatic;
	struct preq_dyn_header *dyn;
	size_t ndyn;
	/* Body: static bytes, or a template rendered per request. */
	const char *body;
	size_t body_len;
	const struct tmpl *body_tmpl;
	size_t body_cap;
	bool has_body;
	/* HMAC-SHA256 of the final body into a header. */
	bool sign;
	char *sign_prefix;		/* "X-Signature: sha256=" */
	unsigned char *sign_key;
	size_t sign_key_len;
	bool uses_seq;
	size_t *vars;			/* the ${var:} it uses, by index */
	size_t nvars;
	long http_version;		/* CURL_HTTP_VERSION_* */
	long timeout_ms;
	long connect_timeout_ms;
	struct scn_status_set expect;
	struct scn_status_set limited;
	/* Sent by the raw transport (request-raw.h), or by libcurl. */
	bool raw;
	struct preq_wire wire;
};

/* A slot's private buffers for one prepared request. */
struct preq_buf {
	CURLU *curlu;			/* static URL, parsed once */
	char *url;
	char *body;
	size_t body_len;
	struct curl_slist *nodes;	/* our own list nodes, never curl's */
	size_t nnodes;
	char **dyn_lines;
	char *sign_line;
	/* Keyed once, re-initialised per request: HMAC() would key a new
	 * context each time, 13 allocations a request. */
	struct evp_mac_ctx_st *mac;
	/* The raw transport's bytes: rendered once when nothing varies. */
	char *wire;
	size_t wire_len;
	bool wire_fixed;
};

/* Whether the headers have one of that name, in any case. */
bool	 request_has_header(const struct scn_headers *, const char *name);

int	 request_build(struct preq *, const struct scenario *, size_t index,
	     char **cause);
void	 request_clear(struct preq *);

struct preq_buf *request_buf_new(const struct preq *);
void	 request_buf_free(struct preq_buf *, const struct preq *);

/* Render what varies (URL, templated headers, body, signature) into b;
 * returns the request body length. */
size_t	 request_render(const struct preq *, struct preq_buf *,
	     const struct tmpl_ctx *);

/*
 * Set up easy for one request.  full is true when the handle last served
 * another request (method, headers and options must all be set again).
 * Returns the request body length.
 */
size_t	 request_apply(const struct preq *, struct preq_buf *, CURL *easy,
	     const struct tmpl_ctx *, bool full);

/* Class of a finished transfer. */
enum lt_class request_classify(const struct preq *, CURLcode, long status);

#endif
