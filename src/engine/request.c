/* Prepared requests and per-request rendering. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/core_names.h>

#include "request.h"
#include "request-h2c.h"
#include "util.h"

bool
request_has_header(const struct scn_headers *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0)
			return true;
	return false;
}

static void
add_static_line(struct preq *p, const char *line)
{
	p->static_lines = xreallocarray(p->static_lines, p->nstatic + 1,
	    sizeof *p->static_lines);
	p->static_lines[p->nstatic++] = xstrdup(line);
}

static bool
body_looks_like_json(const char *b, size_t len)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)b[i]))
		i++;
	return i < len && (b[i] == '{' || b[i] == '[');
}

static const struct {
	const char *name;
	int method;
} request_methods[] = {
	{ "GET", PREQ_GET },
	{ "HEAD", PREQ_HEAD },
	{ "POST", PREQ_POST },
};

static void
build_method(struct preq *p, const struct scn_request *r)
{
	size_t i;

	p->method = PREQ_CUSTOM;
	for (i = 0; i < LT_NELEM(request_methods); i++)
		if (strcmp(r->method, request_methods[i].name) == 0)
			p->method = request_methods[i].method;
}

/* What a template of the request needs per render: ${seq}, variables. */
static void
note_template(struct preq *p, const struct tmpl *t)
{
	size_t idx[32], n, i, j;

	p->uses_seq |= template_uses_seq(t);
	n = LT_MIN(template_vars(t, idx, LT_NELEM(idx)), LT_NELEM(idx));
	for (i = 0; i < n; i++) {
		for (j = 0; j < p->nvars && p->vars[j] != idx[i]; j++)
			;
		if (j < p->nvars)
			continue;
		p->vars = xreallocarray(p->vars, p->nvars + 1, sizeof *p->vars);
		p->vars[p->nvars++] = idx[i];
	}
}

static void
build_url(struct preq *p, const struct scn_request *r)
{
	if (r->url_tmpl != NULL && !template_is_static(r->url_tmpl)) {
		p->url = r->url_tmpl;
		p->url_cap = template_max_len(r->url_tmpl) + 1;
		note_template(p, r->url_tmpl);
	} else
		p->url_text = xstrdup(r->url);
}

/* Static header lines once; templated ones get a prefix and a size. */
static void
build_headers(struct preq *p, const struct scn_request *r)
{
	struct preq_dyn_header *dh;
	char *line;
	size_t i;

	for (i = 0; i < r->headers.n; i++) {
		const struct scn_header *h = &r->headers.v[i];

		if (h->tmpl == NULL || template_is_static(h->tmpl)) {
			xasprintf(&line, "%s: %s", h->name, h->value);
			add_static_line(p, line);
			free(line);
			continue;
		}
		p->dyn = xreallocarray(p->dyn, p->ndyn + 1, sizeof *p->dyn);
		dh = &p->dyn[p->ndyn++];
		dh->prefix_len = (size_t)xasprintf(&dh->prefix, "%s: ",
		    h->name);
		dh->value = h->tmpl;
		dh->cap = dh->prefix_len + template_max_len(h->tmpl) + 1;
		note_template(p, h->tmpl);
	}
	if (!request_has_header(&r->headers, "User-Agent"))
		add_static_line(p, "User-Agent: loadtop/" PACKAGE_VERSION);
}

static void
build_body(struct preq *p, const struct scn_request *r)
{
	if (r->body_tmpl != NULL && !template_is_static(r->body_tmpl)) {
		p->body_tmpl = r->body_tmpl;
		p->body_cap = template_max_len(r->body_tmpl) + 1;
		p->has_body = true;
		note_template(p, r->body_tmpl);
	} else if (r->body != NULL) {
		p->body = r->body;
		p->body_len = r->body_len;
		p->has_body = true;
	}
	if (!p->has_body)
		return;
	/* libcurl would otherwise wait for 100-continue on big bodies. */
	add_static_line(p, "Expect:");
	if (!request_has_header(&r->headers, "Content-Type") && r->body != NULL &&
	    body_looks_like_json(r->body, r->body_len))
		add_static_line(p, "Content-Type: application/json");
}

/* An HMAC-SHA256 context keyed with the request's secret, or NULL. */
static EVP_MAC_CTX *
mac_new(const struct preq *p)
{
	static const unsigned char none[1];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;

	EVP_MAC_free(mac);	/* the context holds its own reference */
	if (ctx != NULL && EVP_MAC_init(ctx, p->sign_key_len > 0 ?
	    p->sign_key : none, p->sign_key_len, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

static int
build_sign(struct preq *p, const struct scenario *scn,
    const struct scn_request *r, char **cause)
{
	EVP_MAC_CTX *ctx;

	if (r->sign == NULL)
		return 0;
	if (r->sign->secret == NULL) {
		xasprintf(cause, "%s:%d:%d: the secret in '%s' was not bound",
		    scn->file, r->sign->pos.line, r->sign->pos.col,
		    r->sign->secret_env);
		return -1;
	}
	p->sign = true;
	p->sign_key_len = r->sign->secret_len;
	p->sign_key = xmalloc(p->sign_key_len);
	memcpy(p->sign_key, r->sign->secret, p->sign_key_len);
	xasprintf(&p->sign_prefix, "%s: %s", r->sign->header,
	    r->sign->prefix);
	/* Every slot keys its own; one now tells whether they can be. */
	if ((ctx = mac_new(p)) == NULL) {
		xasprintf(cause, "%s:%d:%d: libcrypto cannot make an "
		    "HMAC-SHA256 for '%s'", scn->file, r->sign->pos.line,
		    r->sign->pos.col, r->sign->header);
		return -1;
	}
	EVP_MAC_CTX_free(ctx);
	return 0;
}

/*
 * HTTP/2 over TLS is negotiated.  In the clear, prior knowledge (h2c, as
 * h2load speaks it) breaks on the second request of a connection before
 * libcurl 8.0 (curl issue 10634), so older ones ask for an Upgrade and
 * fall back to HTTP/1.1.
 */
static long
http_version(const struct scn_defaults *d, const struct scn_request *r)
{
	if (d->http_version != 20)
		return CURL_HTTP_VERSION_1_1;
	if (strncmp(r->url, "https://", 8) == 0)
		return CURL_HTTP_VERSION_2TLS;
	if (curl_version_info(CURLVERSION_NOW)->version_num >= 0x080000)
		return CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
	return CURL_HTTP_VERSION_2_0;
}

/* The raw transport wherever it applies, unless told otherwise. */
static int
build_transport(struct preq *p, const struct scenario *scn,
    const struct scn_request *r, char **cause)
{
	const char *why = NULL;

	if (scn->defaults.transport == SCN_TRANSPORT_CURL)
		return 0;
	p->raw = request_raw_build(p, r, &why);
	if (!p->raw && scn->defaults.transport == SCN_TRANSPORT_RAW) {
		xasprintf(cause, "%s:%d:%d: request '%s' cannot go by transport "
		    "raw: %s (use transport curl or auto)", scn->file,
		    r->pos.line, r->pos.col, r->name, why);
		return -1;
	}
	return 0;
}

int
request_build(struct preq *p, const struct scenario *scn, size_t index,
    char **cause)
{
	const struct scn_request *r = &scn->requests[index];
	const struct scn_defaults *d = &scn->defaults;

	memset(p, 0, sizeof *p);
	p->r = r;
	p->index = index;
	build_method(p, r);
	build_url(p, r);
	build_headers(p, r);
	build_body(p, r);
	if (build_sign(p, scn, r, cause) != 0) {
		request_clear(p);
		return -1;
	}
	p->http_version = http_version(d, r);
	/* A stream has a connection of its own, made by libcurl; WebSocket
	 * speaks HTTP/1.1 only. */
	if (r->websocket != NULL || r->sse != NULL)
		p->http_version = CURL_HTTP_VERSION_1_1;
	else if (build_transport(p, scn, r, cause) != 0) {
		request_clear(p);
		return -1;
	}
	p->timeout_ms = (long)(d->timeout_us / 1000);
	p->connect_timeout_ms = (long)(d->connect_timeout_us / 1000);
	p->expect = r->expect_status.given ? r->expect_status : d->expect_status;
	p->limited = d->rate_limit_status;
	if (request_h2c_check(p, scn, index, cause) != 0) {
		request_clear(p);
		return -1;
	}
	return 0;
}

void
request_clear(struct preq *p)
{
	size_t i;

	free(p->url_text);
	for (i = 0; i < p->nstatic; i++)
		free(p->static_lines[i]);
	free(p->static_lines);
	for (i = 0; i < p->ndyn; i++)
		free(p->dyn[i].prefix);
	free(p->dyn);
	free(p->vars);
	if (p->sign_key != NULL)
		OPENSSL_cleanse(p->sign_key, p->sign_key_len);
	free(p->sign_key);
	free(p->sign_prefix);
	request_raw_clear(&p->wire);
	memset(p, 0, sizeof *p);
}

struct preq_buf *
request_buf_new(const struct preq *p)
{
	struct preq_buf *b = xcalloc(1, sizeof *b);
	size_t i, n = 0;

	if (p->url != NULL)
		b->url = xmalloc(p->url_cap);
	else if ((b->curlu = curl_url()) != NULL &&
	    curl_url_set(b->curlu, CURLUPART_URL, p->url_text, 0) != CURLUE_OK) {
		curl_url_cleanup(b->curlu);
		b->curlu = NULL;
	}
	if (p->body_tmpl != NULL)
		b->body = xmalloc(p->body_cap);
	b->nnodes = p->nstatic + p->ndyn + (p->sign ? 1 : 0);
	b->nodes = xcalloc(b->nnodes, sizeof *b->nodes);
	b->dyn_lines = xcalloc(p->ndyn ? p->ndyn : 1, sizeof *b->dyn_lines);
	for (i = 0; i < p->nstatic; i++)
		b->nodes[n++].data = p->static_lines[i];
	for (i = 0; i < p->ndyn; i++) {
		b->dyn_lines[i] = xmalloc(p->dyn[i].cap);
		memcpy(b->dyn_lines[i], p->dyn[i].prefix, p->dyn[i].prefix_len);
		b->nodes[n++].data = b->dyn_lines[i];
	}
	if (p->sign) {
		size_t plen = strlen(p->sign_prefix);

		b->sign_line = xmalloc(plen + 2 * EVP_MAX_MD_SIZE + 1);
		memcpy(b->sign_line, p->sign_prefix, plen + 1);
		b->nodes[n++].data = b->sign_line;
		/* build_sign made one: only memory can fail now. */
		if ((b->mac = mac_new(p)) == NULL)
			abort();
	}
	for (i = 0; i + 1 < b->nnodes; i++)
		b->nodes[i].next = &b->nodes[i + 1];
	if (p->raw) {
		b->wire = xmalloc(p->wire.cap);
		b->wire_fixed = p->url == NULL && p->ndyn == 0 &&
		    p->body_tmpl == NULL && !p->sign;
		if (b->wire_fixed)
			request_raw_render(p, b, NULL);
	}
	return b;
}

void
request_buf_free(struct preq_buf *b, const struct preq *p)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < p->ndyn; i++)
		free(b->dyn_lines[i]);
	free(b->dyn_lines);
	free(b->sign_line);
	EVP_MAC_CTX_free(b->mac);
	free(b->nodes);
	free(b->body);
	free(b->url);
	free(b->wire);
	if (b->curlu != NULL)
		curl_url_cleanup(b->curlu);
	free(b);
}

static void
sign_body(const struct preq *p, struct preq_buf *b, const char *body,
    size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0, i;
	char *out = b->sign_line + strlen(p->sign_prefix);

	/* A NULL key keeps the one set in mac_new. */
	if (EVP_MAC_init(b->mac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(b->mac, (const unsigned char *)body, len) != 1 ||
	    EVP_MAC_final(b->mac, md, &mdlen, sizeof md) != 1)
		mdlen = 0;
	for (i = 0; i < mdlen; i++) {
		*out++ = hex[md[i] >> 4];
		*out++ = hex[md[i] & 15];
	}
	*out = '\0';
}

/* A captured value with a line break must not start a header of its own:
 * the break becomes a space. */
static void
one_line(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n')
			s[i] = ' ';
}

size_t
request_render(const struct preq *p, struct preq_buf *b,
    const struct tmpl_ctx *ctx)
{
	const char *body = p->body;
	size_t body_len = p->body_len, i, n;

	if (p->url != NULL) {
		n = template_render(p->url, ctx, b->url, p->url_cap - 1);
		b->url[n] = '\0';
	}
	for (i = 0; i < p->ndyn; i++) {
		n = template_render(p->dyn[i].value, ctx,
		    b->dyn_lines[i] + p->dyn[i].prefix_len,
		    p->dyn[i].cap - p->dyn[i].prefix_len - 1);
		one_line(b->dyn_lines[i] + p->dyn[i].prefix_len, n);
		b->dyn_lines[i][p->dyn[i].prefix_len + n] = '\0';
	}
	if (p->body_tmpl != NULL) {
		b->body_len = template_render(p->body_tmpl, ctx, b->body,
		    p->body_cap - 1);
		body = b->body;
		body_len = b->body_len;
	}
	if (p->sign)
		sign_body(p, b, body != NULL ? body : "", body_len);
	return body_len;
}

size_t
request_apply(const struct preq *p, struct preq_buf *b, CURL *easy,
    const struct tmpl_ctx *ctx, bool full)
{
	const char *body = p->body_tmpl != NULL ? b->body : p->body;
	size_t body_len = request_render(p, b, ctx);

	if (p->url != NULL) {
		if (full)
			curl_easy_setopt(easy, CURLOPT_CURLU, NULL);
		curl_easy_setopt(easy, CURLOPT_URL, b->url);
	} else if (full && b->curlu != NULL) {
		/* A parsed URL spares libcurl parsing it again per request. */
		curl_easy_setopt(easy, CURLOPT_CURLU, b->curlu);
	} else if (full) {
		curl_easy_setopt(easy, CURLOPT_CURLU, NULL);
		curl_easy_setopt(easy, CURLOPT_URL, p->url_text);
	}

	if (full) {
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER,
		    b->nnodes ? b->nodes : NULL);
		curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, p->http_version);
		curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, p->timeout_ms);
		curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
		    p->connect_timeout_ms);
		/* HTTPGET resets what a previous request's method left. */
		curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, NULL);
		switch (p->method) {
		case PREQ_GET:
			break;
		case PREQ_HEAD:
			curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
			break;
		case PREQ_POST:
			curl_easy_setopt(easy, CURLOPT_POST, 1L);
			break;
		case PREQ_CUSTOM:
			if (p->has_body)
				curl_easy_setopt(easy, CURLOPT_POST, 1L);
			curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST,
			    p->r->method);
			break;
		}
	}
	if (p->has_body && (full || p->body_tmpl != NULL)) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)body_len);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS,
		    body != NULL ? body : "");
	} else if (p->method == PREQ_POST && full) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)0);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
	}
	return p->has_body ? body_len : 0;
}

enum lt_class
request_classify(const struct preq *p, CURLcode res, long status)
{
	switch (res) {
	case CURLE_OK:
		break;
	case CURLE_OPERATION_TIMEDOUT:
		return CLS_TIMEOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return CLS_CONNECT_ERROR;
	default:
		return CLS_TRANSPORT_ERROR;
	}
	if (scn_status_has(&p->limited, (int)status))
		return CLS_RATE_LIMITED;
	if (scn_status_has(&p->expect, (int)status))
		return CLS_OK;
	if (status >= 400 && status < 500)
		return CLS_CLIENT_ERROR;
	if (status >= 500 && status < 600)
		return CLS_SERVER_ERROR;
	return CLS_UNEXPECTED;
}
