/* The bytes of a request on the raw transport. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"
#include "request-raw.h"
#include "util.h"

/* A static line libcurl would not send: "Name:" with no value removes
 * the header it would add. */
static bool
line_is_removal(const char *line)
{
	const char *c = strchr(line, ':');

	return c != NULL && c[1] == '\0';
}

static char *
url_part(CURLU *u, CURLUPart part, unsigned flags)
{
	char *v = NULL, *out;

	if (curl_url_get(u, part, &v, flags) != CURLUE_OK)
		return NULL;
	out = xstrdup(v);
	curl_free(v);
	return out;
}

/* Host header, connect URL and TLS from the URL's static origin. */
static bool
build_origin(struct preq_wire *wi, const char *origin, const char **why)
{
	CURLU *u = curl_url();
	char *scheme, *host, *port, *eport;
	bool ok = false;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, origin, 0) != CURLUE_OK) {
		*why = "the URL does not parse";
		curl_url_cleanup(u);
		return false;
	}
	scheme = url_part(u, CURLUPART_SCHEME, 0);
	host = url_part(u, CURLUPART_HOST, 0);
	port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
	eport = url_part(u, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
	if (scheme == NULL || host == NULL || port == NULL)
		*why = "the URL has no host";
	else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		*why = "the scheme is not http or https";
	else {
		wi->tls = strcmp(scheme, "https") == 0;
		xasprintf(&wi->connect_url, "http://%s:%s/", host, port);
		xasprintf(&wi->head, " HTTP/1.1\r\nHost: %s%s%s\r\n", host,
		    eport != NULL ? ":" : "", eport != NULL ? eport : "");
		/* Certificates name hosts without IPv6's brackets. */
		if (host[0] == '[')
			xasprintf(&wi->host, "%.*s", (int)strlen(host) - 2,
			    host + 1);
		else
			wi->host = xstrdup(host);
		ok = true;
	}
	free(scheme);
	free(host);
	free(port);
	free(eport);
	curl_url_cleanup(u);
	return ok;
}

static void
head_append(struct preq_wire *wi, const char *line)
{
	size_t n = strlen(line);

	wi->head = xrealloc(wi->head, wi->head_len + n + 3);
	memcpy(wi->head + wi->head_len, line, n);
	memcpy(wi->head + wi->head_len + n, "\r\n", 3);
	wi->head_len += n + 2;
}

/* The static headers, with the ones libcurl adds unless told not to. */
static void
build_head(struct preq *p, const struct scn_request *r)
{
	struct preq_wire *wi = &p->wire;
	size_t i;

	wi->head_len = strlen(wi->head);
	if (!request_has_header(&r->headers, "Accept"))
		head_append(wi, "Accept: */*");
	for (i = 0; i < p->nstatic; i++)
		if (!line_is_removal(p->static_lines[i]))
			head_append(wi, p->static_lines[i]);
	/* libcurl posts what it is given with these two. */
	wi->add_length = (p->has_body || p->method == PREQ_POST) &&
	    !request_has_header(&r->headers, "Content-Length");
	wi->add_form_type = wi->add_length && !request_has_header(&r->headers, "Content-Type");
	for (i = 0; i < p->nstatic && wi->add_form_type; i++)
		if (strncasecmp(p->static_lines[i], "Content-Type:", 13) == 0)
			wi->add_form_type = false;
}

static bool
build_path(struct preq *p, const char **why)
{
	CURLU *u = curl_url();
	char *path, *query;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, p->url_text, 0) !=
	    CURLUE_OK) {
		*why = "the URL does not parse";
		curl_url_cleanup(u);
		return false;
	}
	path = url_part(u, CURLUPART_PATH, 0);
	query = url_part(u, CURLUPART_QUERY, 0);
	xasprintf(&p->wire.path, "%s%s%s", path != NULL && *path ? path : "/",
	    query != NULL ? "?" : "", query != NULL ? query : "");
	free(path);
	free(query);
	curl_url_cleanup(u);
	return true;
}

static size_t
wire_cap(const struct preq *p)
{
	const struct preq_wire *wi = &p->wire;
	size_t n, i;

	n = strlen(wi->method) + wi->head_len + 2;
	n += wi->path != NULL ? strlen(wi->path) : p->url_cap + 1;
	for (i = 0; i < p->ndyn; i++)
		n += p->dyn[i].cap + 2;
	if (p->sign)
		n += strlen(p->sign_prefix) + 2 * 64 + 2;
	if (wi->add_length)
		n += sizeof "Content-Length: 18446744073709551615\r\n";
	if (wi->add_form_type)
		n += sizeof "Content-Type: application/x-www-form-urlencoded\r\n";
	return n + (p->body_tmpl != NULL ? p->body_cap : p->body_len) + 1;
}

bool
request_raw_build(struct preq *p, const struct scn_request *r,
    const char **why)
{
	struct preq_wire *wi = &p->wire;
	size_t end = scenario_url_origin_len(r->url);
	char *origin;

	if (p->http_version != CURL_HTTP_VERSION_1_1) {
		*why = "it asks for HTTP/2";
		return false;
	}
	if ((*why = scenario_raw_unfit(r->url)) != NULL)
		return false;
	origin = xstrndup(r->url, end);
	if (!build_origin(wi, origin, why) ||
	    (p->url == NULL && !build_path(p, why))) {
		free(origin);
		request_raw_clear(wi);
		return false;
	}
	wi->origin = origin;
	wi->origin_len = end;
	xasprintf(&wi->method, "%s ", r->method);
	build_head(p, r);
	wi->cap = wire_cap(p);
	return true;
}

void
request_raw_clear(struct preq_wire *wi)
{
	free(wi->connect_url);
	free(wi->origin);
	free(wi->host);
	free(wi->method);
	free(wi->head);
	free(wi->path);
	memset(wi, 0, sizeof *wi);
}

static char *
put(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

static char *
put_length(char *o, size_t n)
{
	char digits[24];
	size_t i = sizeof digits;

	do
		digits[--i] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	o = put(o, "Content-Length: ", 16);
	o = put(o, digits + i, sizeof digits - i);
	return put(o, "\r\n", 2);
}

/* A rendered URL's path: what follows its origin, without a fragment. */
static char *
put_rendered_path(char *o, const struct preq *p, const struct preq_buf *b)
{
	const char *path = b->url + p->wire.origin_len;
	size_t n = strcspn(path, "#");

	if (n == 0 || path[0] != '/')
		*o++ = '/';
	return put(o, path, n);
}

size_t
request_raw_render(const struct preq *p, struct preq_buf *b,
    const struct tmpl_ctx *ctx)
{
	const struct preq_wire *wi = &p->wire;
	size_t body_len, i;
	const char *body;
	char *o = b->wire;

	if (b->wire_fixed && b->wire_len > 0)
		return p->body_len;
	body_len = request_render(p, b, ctx);
	body = p->body_tmpl != NULL ? b->body : p->body;
	o = put(o, wi->method, strlen(wi->method));
	if (wi->path != NULL)
		o = put(o, wi->path, strlen(wi->path));
	else
		o = put_rendered_path(o, p, b);
	o = put(o, wi->head, wi->head_len);
	for (i = 0; i < p->ndyn; i++) {
		o = put(o, b->dyn_lines[i], strlen(b->dyn_lines[i]));
		o = put(o, "\r\n", 2);
	}
	if (p->sign) {
		o = put(o, b->sign_line, strlen(b->sign_line));
		o = put(o, "\r\n", 2);
	}
	if (wi->add_length)
		o = put_length(o, body_len);
	if (wi->add_form_type)
		o = put(o, "Content-Type: application/x-www-form-urlencoded\r\n",
		    49);
	o = put(o, "\r\n", 2);
	if (body_len > 0)
		o = put(o, body, body_len);
	b->wire_len = (size_t)(o - b->wire);
	return body_len;
}
