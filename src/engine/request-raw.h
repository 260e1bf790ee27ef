/*
 * The raw transport's side of a prepared request: the bytes it writes.
 * Everything fixed (request line, Host, the static headers) is joined
 * once; a request renders only what varies, into its slot's buffer, with
 * the headers libcurl would add itself, so that the server sees the same
 * request from either transport.
 */
#ifndef LT_REQUEST_RAW_H
#define LT_REQUEST_RAW_H

#include <stdbool.h>
#include <stddef.h>

struct preq;
struct preq_buf;
struct tmpl_ctx;
struct scn_request;

struct preq_wire {
	char *connect_url;		/* "http://host:port/": the TCP peer */
	char *origin;			/* "scheme://authority" as written */
	size_t origin_len;
	char *host;			/* for SNI and the certificate check */
	bool tls;
	char *method;			/* "GET " */
	char *head;			/* " HTTP/1.1\r\nHost: ...\r\n" + static
					 * headers; after the path */
	size_t head_len;
	char *path;			/* static URL: path and query */
	size_t cap;			/* a whole rendered request, at most */
	bool add_length;		/* Content-Length, and the form type */
	bool add_form_type;
};

/*
 * Whether the raw transport can send p, and if so prepare p->wire.
 * Returns false with *why set (static text) when it cannot.
 */
bool	 request_raw_build(struct preq *, const struct scn_request *,
	     const char **why);
void	 request_raw_clear(struct preq_wire *);

/* Render the request into b's wire buffer; returns the body length. */
size_t	 request_raw_render(const struct preq *, struct preq_buf *,
	     const struct tmpl_ctx *);

#endif
