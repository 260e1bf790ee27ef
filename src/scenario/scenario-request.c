/* The scenario's requests: URLs, headers, bodies, signing, templates. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario-int.h"
#include "util.h"

static void
h_method(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_request *r = obj;
	const char *s;
	char *m;
	size_t i;

	if ((s = scenario_scalar(p, v, k->name, "an HTTP method such as GET")) == NULL)
		return;
	if (!scenario_is_token(s)) {
		scenario_err(p, v, "'method' must be an HTTP method such as GET or "
		    "POST, got %s", scenario_quote(s));
		return;
	}
	m = xstrdup(s);
	for (i = 0; m[i] != '\0'; i++)
		m[i] = (char)toupper((u_char)m[i]);
	r->method = m;
}

static void
h_url(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s, *flaw;

	if ((s = scenario_scalar(p, v, k->name, "an absolute URL")) == NULL)
		return;
	if (!scenario_is_http_url(s) && !scenario_is_ws_url(s)) {
		scenario_err(p, v, "'url' must be an absolute http:// or https:// "
		    "URL (ws:// or wss:// for a websocket; 'path' for one under "
		    "base_url), got %s", scenario_quote(s));
		return;
	}
	if ((flaw = scenario_url_flaw(s)) != NULL) {
		scenario_err(p, v, "'url' %s is not a valid URL: %s",
		    scenario_quote(s), flaw);
		return;
	}
	((struct scn_request *)obj)->url = xstrdup(s);
}

static void
h_path(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s, *flaw;

	if ((s = scenario_scalar(p, v, k->name, "a path such as /ok")) == NULL)
		return;
	if (*s != '/')
		scenario_err(p, v, "'path' must start with '/', got %s",
		    scenario_quote(s));
	else if ((flaw = scenario_text_flaw(s)) != NULL)
		scenario_err(p, v, "'path' %s is not a valid path: %s (write "
		    "a space as %%20)", scenario_quote(s), flaw);
}

static void
h_headers(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	scenario_parse_headers(p, v, &((struct scn_request *)obj)->headers,
	    p->where);
}

static void
h_body(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_request *r = obj;

	/* Not the value: a body may hold secrets. */
	if (v->type != YAML_SCALAR_NODE) {
		scenario_err(p, v, "'body' must be text (a block scalar '|' suits "
		    "JSON), got %s", scenario_describe(v));
		return;
	}
	if (r->body != NULL)
		return;
	r->body = xstrdup((const char *)v->data.scalar.value);
	r->body_len = strlen(r->body);
	scenario_compile(p, v, r->body, &r->body_tmpl, "body");
}

static void
h_body_file(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const struct scn_limit *l =
	    &scenario_limits_table()[SCN_LIMIT_BODY_FILE];
	struct scn_request *r = obj;
	const char *s;
	char *path, max[64];

	if ((s = scenario_scalar(p, v, k->name, "a file name")) == NULL)
		return;
	r->body_file = xstrdup(s);
	if (r->body != NULL)
		return;
	if (*s == '/')
		path = xstrdup(s);
	else
		xasprintf(&path, "%s/%s", p->scn->dir, s);
	if ((r->body = util_read_file_max(path, SCN_MAX_BODY_FILE,
	    &r->body_len)) != NULL)
		/* read */;
	else if (errno == EFBIG)
		scenario_err(p, v, "body_file %s is over %s, the most a body "
		    "may have", scenario_quote(s), scenario_limits_format(l,
		    l->max, max, sizeof max));
	else
		scenario_err(p, v, "cannot read body_file %s: %s", scenario_quote(s),
		    strerror(errno));
	free(path);
}

static void
h_secret_env(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_sign *sg = obj;
	const char *s, *c;

	if ((s = scenario_scalar(p, v, k->name, "an environment variable name")) == NULL)
		return;
	for (c = s; *c == '_' || isalpha((u_char)*c) ||
	    (c != s && isdigit((u_char)*c)); c++)
		;
	if (*s == '\0' || *c != '\0') {
		scenario_err_in(p, v, (size_t)(c - s), "'secret_env' must be the "
		    "name of an environment variable, got %s", scenario_quote(s));
		return;
	}
	sg->secret_env = xstrdup(s);
	sg->pos = scenario_pos_of(v);
}

static void
h_sign_header(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "a header name")) == NULL)
		return;
	if (!scenario_is_token(s)) {
		scenario_err(p, v, "%s is not a valid header name", scenario_quote(s));
		return;
	}
	((struct scn_sign *)obj)->header = xstrdup(s);
}

static void
h_prefix(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	if (v->type != YAML_SCALAR_NODE) {
		scenario_err(p, v, "'prefix' must be text, got %s", scenario_describe(v));
		return;
	}
	((struct scn_sign *)obj)->prefix =
	    xstrdup(scenario_is_null(v) ? "" : (const char *)v->data.scalar.value);
}

static const struct scn_key hmac_keys[] = {
	{ .name = "secret_env", .fn = h_secret_env },
	{ .name = "header", .fn = h_sign_header },
	{ .name = "prefix", .fn = h_prefix },
};

static void
h_hmac(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_request *r = obj;
	struct scn_sign *sg;
	struct scn_map m;
	char *where;

	if (v->type != YAML_MAPPING_NODE) {
		scenario_err(p, v, "'hmac_sha256' must be a mapping with "
		    "'secret_env', got %s", scenario_describe(v));
		return;
	}
	sg = r->sign = xcalloc(1, sizeof *r->sign);
	xasprintf(&where, "in sign.hmac_sha256 %s", p->where);
	scenario_walk(p, v, hmac_keys, LT_NELEM(hmac_keys), sg, where, -1, &m);
	free(where);
	if (scenario_get(&m, "secret_env") == NULL)
		scenario_err(p, v, "'hmac_sha256' needs 'secret_env', the "
		    "environment variable that holds the key");
	if (sg->header == NULL)
		sg->header = xstrdup("X-Signature");
	if (sg->prefix == NULL)
		sg->prefix = xstrdup("sha256=");
}

static const struct scn_key sign_keys[] = {
	{ .name = "hmac_sha256", .fn = h_hmac },
};

static void
h_sign(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_map m;
	char *where;

	if (v->type != YAML_MAPPING_NODE ||
	    v->data.mapping.pairs.start == v->data.mapping.pairs.top) {
		scenario_err(p, v, "'sign' must be a mapping such as {hmac_sha256: "
		    "{secret_env: NAME}}, got %s", scenario_describe(v));
		return;
	}
	xasprintf(&where, "in sign %s", p->where);
	scenario_walk(p, v, sign_keys, LT_NELEM(sign_keys), obj, where, -1, &m);
	free(where);
}

static void
h_checks(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_request *r = obj;

	scenario_parse_checks(p, v, &r->checks, &r->nchecks, p->where);
}

static void
h_outcome(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_request *r = obj;
	struct scn_extract x;

	if (scenario_parse_extract(p, v, &x, "'outcome'", p->where) != 0)
		return;
	r->outcome = xmalloc(sizeof *r->outcome);
	*r->outcome = x;
}

static void
h_capture(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_request *r = obj;

	scenario_parse_captures(p, v, &r->captures, &r->ncaptures, p->where);
}

#define OFF(f) offsetof(struct scn_request, f)
static const struct scn_key request_keys[] = {
	{ .name = "name", .fn = scenario_h_str, .off = OFF(name) },
	{ .name = "method", .fn = h_method },
	{ .name = "url", .fn = h_url },
	{ .name = "path", .fn = h_path },
	{ .name = "headers", .fn = h_headers },
	{ .name = "body", .fn = h_body },
	{ .name = "body_file", .fn = h_body_file },
	{ .name = "weight", .fn = scenario_h_uint, .off = OFF(weight), .min = 0,
	  .max = SCN_MAX_WEIGHT },
	{ .name = "expect_status", .fn = scenario_h_status,
	  .off = OFF(expect_status) },
	{ .name = "sign", .fn = h_sign },
	{ .name = "checks", .fn = h_checks },
	{ .name = "outcome", .fn = h_outcome },
	{ .name = "capture", .fn = h_capture },
	{ .name = "max_body", .fn = scenario_h_size, .off = OFF(max_body),
	  .min = 1, .max = SCN_MAX_BODY },
	{ .name = "group", .fn = scenario_h_str, .off = OFF(group) },
	{ .name = "websocket", .fn = scenario_h_websocket },
	{ .name = "sse", .fn = scenario_h_sse },
};
#undef OFF

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_request_tables[] = {
	{ "requests[]", request_keys, LT_NELEM(request_keys) },
	{ "requests[].sign", sign_keys, LT_NELEM(sign_keys) },
	{ "requests[].sign.hmac_sha256", hmac_keys, LT_NELEM(hmac_keys) },
	{ NULL, NULL, 0 }
};

/* A websocket under base_url: http:// becomes ws://, https:// wss://.
 * Returns how many characters the scheme lost. */
static size_t
ws_scheme(struct scn_request *r, size_t *baselen)
{
	char *ws;

	if (strncasecmp(r->url, "http", 4) != 0)
		return 0;
	xasprintf(&ws, "ws%s", r->url + 4);
	free(r->url);
	r->url = ws;
	*baselen -= 2;
	return 2;
}

/* Compile the URL; base_url and path each map back to their own node. */
static void
compile_url(struct scn_parser *p, struct scn_request *r, yaml_node_t *path,
    yaml_node_t *url)
{
	yaml_node_t *base = p->base_url;
	size_t baselen = 0, off = 0, shift = 0;
	char *cause = NULL;

	if (path != NULL) {
		if (p->scn->target.base_url == NULL) {
			if (base == NULL && !p->no_target)
				scenario_err(p, path, "'path' needs 'base_url' in "
				    "target (or give an absolute 'url')");
			return;
		}
		r->url = scenario_join_url(p->scn->target.base_url,
		    (const char *)path->data.scalar.value, &baselen);
		if (r->websocket != NULL)
			shift = ws_scheme(r, &baselen);
	}
	if (r->url == NULL)
		return;
	if (template_compile(r->url, strlen(r->url), &r->url_tmpl, &off,
	    &cause) != 0) {
		if (path == NULL)
			scenario_err_in(p, url, off, "url: %s", cause);
		else if (off < baselen)
			scenario_err_in(p, base, off + (off >= 2 ? shift : 0),
			    "base_url: %s", cause);
		else
			scenario_err_in(p, path, off - baselen, "path: %s", cause);
		free(cause);
		r->url_tmpl = NULL;
		return;
	}
	if (path != NULL) {
		scenario_srcmap_note(p, r->url_tmpl, 0, r->url, base, 0);
		if (shift > 0)
			scenario_srcmap_note(p, r->url_tmpl, 2, r->url, base,
			    2 + shift);
		url = path;
	}
	scenario_srcmap_note(p, r->url_tmpl, baselen, r->url, url, 0);
}

/* Defaults first, then the request's own; the request wins on a name. */
static void
merge_headers(struct scn_parser *p, struct scn_request *r)
{
	const struct scn_headers *d = &p->scn->defaults.headers;
	struct scn_headers out = { 0 };
	struct scn_header h;
	char *cause;
	size_t i, j, off;

	out.v = xreallocarray(NULL, d->n + r->headers.n + 1, sizeof *out.v);
	for (i = 0; i < d->n; i++) {
		for (j = 0; j < r->headers.n; j++) {
			if (strcasecmp(d->v[i].name, r->headers.v[j].name) == 0)
				break;
		}
		if (j < r->headers.n)
			continue;
		h = d->v[i];
		h.name = xstrdup(h.name);
		h.value = xstrdup(h.value);
		cause = NULL;
		if (template_compile(h.value, strlen(h.value), &h.tmpl, &off,
		    &cause) != 0) {
			/* Cannot happen: it compiled once already. */
			free(cause);
			free(h.name);
			free(h.value);
			continue;
		}
		scenario_srcmap_copy(p->scn, d->v[i].tmpl, h.tmpl, h.value);
		out.v[out.n++] = h;
	}
	for (j = 0; j < r->headers.n; j++)
		out.v[out.n++] = r->headers.v[j];
	free(r->headers.v);
	r->headers = out;
}

/* The defaults' checks first, each request owning its copies. */
static void
merge_checks(struct scn_parser *p, struct scn_request *r)
{
	const struct scn_defaults *d = &p->scn->defaults;
	struct scn_check *v;

	if (d->nchecks == 0)
		return;
	v = xreallocarray(NULL, d->nchecks + r->nchecks, sizeof *v);
	scenario_checks_copy(v, d->checks, d->nchecks);
	if (r->nchecks > 0)
		memcpy(v + d->nchecks, r->checks, r->nchecks * sizeof *v);
	free(r->checks);
	r->checks = v;
	r->nchecks += d->nchecks;
}

/* "GET /path" from the path or from the URL's path part. */
static char *
default_name(const struct scn_request *r, yaml_node_t *path)
{
	const char *s, *slash;
	char *name;

	if (path != NULL)
		s = (const char *)path->data.scalar.value;
	else {
		s = strstr(r->url, "://") + 3;
		if ((slash = strchr(s, '/')) == NULL)
			slash = "/";
		s = slash;
	}
	xasprintf(&name, "%s %s", r->method, s);
	return name;
}

static void
parse_request(struct scn_parser *p, yaml_node_t *node, struct scn_request *r)
{
	const struct scn_defaults *d = &p->scn->defaults;
	yaml_node_t *url, *path, *body, *file;
	struct scn_map m;

	r->weight = 1;
	r->pos = scenario_pos_of(node);
	scenario_walk(p, node, request_keys, LT_NELEM(request_keys), r, p->where,
	    -1, &m);
	if (r->method == NULL)
		r->method = xstrdup("GET");
	url = scenario_getkey(&m, "url");
	path = scenario_getkey(&m, "path");
	if (url != NULL && path != NULL) {
		scenario_err(p, scenario_later(url, path), "'url' and 'path' "
		    "cannot both be given %s", p->where);
		free(r->url);
		r->url = NULL;
	} else if (url == NULL && path == NULL)
		scenario_err(p, node, "request needs 'url' or 'path' %s", p->where);
	else if (path != NULL && (path = scenario_get(&m, "path"))->type ==
	    YAML_SCALAR_NODE && *path->data.scalar.value == '/')
		compile_url(p, r, path, NULL);
	else if (url != NULL)
		compile_url(p, r, NULL, scenario_get(&m, "url"));
	if (r->name == NULL && r->url != NULL)
		r->name = default_name(r, path);
	body = scenario_getkey(&m, "body");
	file = scenario_getkey(&m, "body_file");
	if (body != NULL && file != NULL)
		scenario_err(p, scenario_later(body, file), "'body' and "
		    "'body_file' cannot both be given %s", p->where);
	merge_headers(p, r);
	/* A stream has no response for the defaults' checks to read. */
	if (r->websocket == NULL && r->sse == NULL)
		merge_checks(p, r);
	scenario_stream_check(p, &m, r);
	if (r->max_body == 0)
		r->max_body = d->max_body;
	if (!r->expect_status.given) {
		r->expect_status = d->expect_status;
		r->expect_status.given = false;
	}
}

size_t
scenario_url_origin_len(const char *url)
{
	const char *a = strstr(url, "://");

	if (a == NULL)
		return 0;
	a += 3;
	return (size_t)(a - url) + strcspn(a, "/?#");
}

const char *
scenario_raw_unfit(const char *url)
{
	size_t end = scenario_url_origin_len(url);
	const char *a;

	if (end == 0)
		return "the URL has no host";
	a = strstr(url, "://") + 3;
	if (memmem(a, (size_t)(url + end - a), "${", 2) != NULL)
		return "its host is a template";
	if (memchr(a, '@', (size_t)(url + end - a)) != NULL)
		return "the URL carries credentials";
	return NULL;
}

int
scenario_check_transport(const struct scenario *scn, struct scn_errors *errs)
{
	const char *why;
	size_t i;
	int rc = 0;

	if (scn->defaults.transport != SCN_TRANSPORT_RAW)
		return 0;
	/* Streams are not sent by either transport: they are their own. */
	for (i = 0; i < scn->nrequests; i++)
		if (scn->requests[i].url != NULL &&
		    scn->requests[i].websocket == NULL &&
		    scn->requests[i].sse == NULL &&
		    (why = scenario_raw_unfit(scn->requests[i].url)) != NULL) {
			rc = -1;
			scenario_errors_add(errs, scn->file,
			    scn->requests[i].pos.line, scn->requests[i].pos.col,
			    "transport raw cannot send this request: %s (use "
			    "transport curl or auto)", why);
		}
	return rc;
}

void
scenario_parse_requests(struct scn_parser *p, yaml_node_t *node)
{
	struct scenario *scn = p->scn;
	yaml_node_item_t *it;
	yaml_node_t *item;
	const char *name;
	char *where;
	size_t i, j, n;

	if ((n = scenario_list_len(p, node, "requests")) == 0)
		return;
	scn->requests = xcalloc(n, sizeof *scn->requests);
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++) {
		if ((item = scenario_list_mapping(p, *it, "request")) == NULL)
			continue;
		if ((name = scenario_text_of(scenario_peek(p, item, "name"))) != NULL)
			xasprintf(&where, "in request %s", scenario_quote(name));
		else
			xasprintf(&where, "in request %zu",
			    (size_t)(it - node->data.sequence.items.start) + 1);
		p->where = where;
		parse_request(p, item, &scn->requests[scn->nrequests++]);
		p->where = NULL;
		free(where);
	}
	/* Past the limit the scenario is refused anyway: no need to compare
	 * every pair of a hundred thousand names. */
	for (i = 0; i < scn->nrequests && i <= SCN_MAX_REQUESTS; i++) {
		for (j = 0; j < i && scn->requests[i].name != NULL; j++) {
			if (scn->requests[j].name != NULL &&
			    strcmp(scn->requests[i].name,
			    scn->requests[j].name) == 0) {
				scenario_errors_add(p->errs, p->file,
				    scn->requests[i].pos.line,
				    scn->requests[i].pos.col, "duplicate request "
				    "name %s (first used on line %d); give each "
				    "request its own 'name'",
				    scenario_quote(scn->requests[i].name),
				    scn->requests[j].pos.line);
				break;
			}
		}
	}
	scenario_check_transport(p->scn, p->errs);
}
