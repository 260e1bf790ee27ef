/*
 * A request's stream, for connections phases: websocket: (its messages,
 * how replies match, pings) or sse: (an event stream), what a stream
 * request may not have, its URL's scheme, and whether this build of
 * loadtop can open a WebSocket at all.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "util.h"

#define STREAM_MAX_MESSAGE_DEFAULT (1024 * 1024)
#define STREAM_PONG_TIMEOUT_DEFAULT 10000000	/* 10s */
#define STREAM_FIRST_EVENT_DEFAULT 10000000	/* 10s */

/* A message's template: compiled as a body is, but a stream has no
 * captures, so no ${var:} is ever set on one. */
static void
message_template(struct scn_parser *p, const char *key, yaml_node_t *v,
    char **text, struct tmpl **tmpl)
{
	const char *missing = NULL;
	size_t off = 0;

	if (v->type != YAML_SCALAR_NODE || scenario_is_null(v)) {
		scenario_err(p, v, "'%s' must be text, a template such as "
		    "'{\"seq\":${seq}}', got %s", key, scenario_describe(v));
		return;
	}
	*text = xstrdup((const char *)v->data.scalar.value);
	if (scenario_compile(p, v, *text, tmpl, key) != 0)
		return;
	if (template_bind_vars(*tmpl, NULL, 0, &missing, &off) != 0)
		scenario_err_in(p, v, off, "'%s' cannot use ${var:%s}: a stream "
		    "captures nothing, so no variable is ever set on it",
		    key, missing);
}

static void
h_on_open(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_websocket *ws = obj;

	message_template(p, k->name, v, &ws->on_open, &ws->on_open_tmpl);
}

static void
h_send(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_websocket *ws = obj;

	message_template(p, k->name, v, &ws->send, &ws->send_tmpl);
}

/* reply: echo, none, or json:POINTER (RFC 6901) into reply_field. */
static void
h_reply(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	static const char expected[] = "echo, none or json:POINTER such as "
	    "json:/seq";
	struct scn_websocket *ws = obj;
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, expected)) == NULL)
		return;
	if (strcmp(s, "echo") == 0)
		ws->reply = SCN_WS_REPLY_ECHO;
	else if (strcmp(s, "none") == 0)
		ws->reply = SCN_WS_REPLY_NONE;
	else if (strncmp(s, "json:", 5) != 0)
		scenario_err(p, v, "'reply' must be %s, got %s", expected,
		    scenario_quote(s));
	else if (s[5] != '/')
		scenario_err_in(p, v, 5, "'reply: json:' needs a JSON pointer "
		    "to the field replies share with their message, starting "
		    "with '/', such as json:/seq, got %s", scenario_quote(s));
	else if (scenario_json_pointer(p, v, 5, k->name) != NULL) {
		ws->reply = SCN_WS_REPLY_FIELD;
		free(ws->reply_field);
		ws->reply_field = xstrdup(s + 5);
	}
}

#define OFF(f) offsetof(struct scn_websocket, f)
static const struct scn_key websocket_keys[] = {
	{ .name = "on_open", .fn = h_on_open },
	{ .name = "send", .fn = h_send },
	{ .name = "message_rate", .fn = scenario_h_rate, .off = OFF(message_rate),
	  .min = 0, .max = SCN_MAX_RATE },
	{ .name = "reply", .fn = h_reply },
	{ .name = "ping_interval", .fn = scenario_h_duration,
	  .off = OFF(ping_interval_us), .min = 0, .max = SCN_MAX_DURATION_US },
	{ .name = "pong_timeout", .fn = scenario_h_duration,
	  .off = OFF(pong_timeout_us), .min = SCN_MIN_DURATION_US,
	  .max = SCN_MAX_DURATION_US },
	{ .name = "max_message", .fn = scenario_h_size, .off = OFF(max_message),
	  .min = 1, .max = SCN_MAX_MESSAGE },
};
#undef OFF

#define OFF(f) offsetof(struct scn_sse, f)
static const struct scn_key sse_keys[] = {
	{ .name = "resume", .fn = scenario_h_bool, .off = OFF(resume) },
	{ .name = "first_event_timeout", .fn = scenario_h_duration,
	  .off = OFF(first_event_timeout_us), .min = SCN_MIN_DURATION_US,
	  .max = SCN_MAX_DURATION_US },
	{ .name = "idle_timeout", .fn = scenario_h_duration,
	  .off = OFF(idle_timeout_us), .min = 0, .max = SCN_MAX_DURATION_US },
	{ .name = "max_event", .fn = scenario_h_size, .off = OFF(max_event),
	  .min = 1, .max = SCN_MAX_MESSAGE },
};
#undef OFF

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_stream_tables[] = {
	{ "requests[].websocket", websocket_keys, LT_NELEM(websocket_keys) },
	{ "requests[].sse", sse_keys, LT_NELEM(sse_keys) },
	{ NULL, NULL, 0 }
};

/* A stream's mapping, {} or nothing for its defaults: 0 to walk it. */
static int
stream_mapping(struct scn_parser *p, yaml_node_t *v, const char *key,
    const char *example)
{
	if (v->type == YAML_MAPPING_NODE || scenario_is_null(v))
		return 0;
	scenario_err(p, v, "'%s' must be a mapping such as %s, or {} for its "
	    "defaults, got %s", key, example, scenario_describe(v));
	return -1;
}

/* What a websocket's keys say together, and the defaults they leave. */
static void
websocket_rules(struct scn_parser *p, const struct scn_map *m,
    struct scn_websocket *ws, const char *where)
{
	yaml_node_t *k;

	if (scenario_getkey(m, "reply") == NULL)
		ws->reply = ws->send != NULL ? SCN_WS_REPLY_ECHO :
		    SCN_WS_REPLY_NONE;
	else if (ws->send == NULL && ws->reply != SCN_WS_REPLY_NONE)
		scenario_err(p, scenario_getkey(m, "reply"), "'reply' matches "
		    "the answers to what 'send' sends; without 'send' nothing "
		    "is awaited %s", where);
	if ((k = scenario_getkey(m, "message_rate")) != NULL &&
	    scenario_getkey(m, "send") == NULL)
		scenario_err(p, k, "'message_rate' needs 'send', the message "
		    "each connection sends %s", where);
	else if ((k = scenario_getkey(m, "send")) != NULL &&
	    scenario_getkey(m, "message_rate") == NULL)
		scenario_err(p, k, "'send' needs 'message_rate', how many "
		    "messages a second each connection sends %s", where);
	if ((k = scenario_getkey(m, "pong_timeout")) != NULL &&
	    ws->ping_interval_us == 0)
		scenario_err(p, k, "'pong_timeout' needs 'ping_interval', the "
		    "pings it waits for the answers to %s", where);
	if (ws->pong_timeout_us == 0)
		ws->pong_timeout_us = STREAM_PONG_TIMEOUT_DEFAULT;
	if (ws->max_message == 0)
		ws->max_message = STREAM_MAX_MESSAGE_DEFAULT;
}

void
scenario_h_websocket(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, void *obj)
{
	struct scn_request *r = obj;
	struct scn_websocket *ws;
	struct scn_map m;
	char *where;

	if (stream_mapping(p, v, k->name, "{send: '...', message_rate: 5/s}") !=
	    0)
		return;
	/* Its pos is its key's: scenario_stream_check sets it. */
	ws = r->websocket = xcalloc(1, sizeof *r->websocket);
	xasprintf(&where, "in websocket %s", p->where);
	scenario_walk(p, v, websocket_keys, LT_NELEM(websocket_keys), ws, where,
	    -1, &m);
	websocket_rules(p, &m, ws, where);
	free(where);
}

void
scenario_h_sse(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_request *r = obj;
	struct scn_sse *sse;
	struct scn_map m;
	char *where;

	if (stream_mapping(p, v, k->name, "{resume: false}") != 0)
		return;
	sse = r->sse = xcalloc(1, sizeof *r->sse);
	sse->resume = true;
	xasprintf(&where, "in sse %s", p->where);
	scenario_walk(p, v, sse_keys, LT_NELEM(sse_keys), sse, where, -1, &m);
	free(where);
	if (sse->first_event_timeout_us == 0)
		sse->first_event_timeout_us = STREAM_FIRST_EVENT_DEFAULT;
	if (sse->max_event == 0)
		sse->max_event = STREAM_MAX_MESSAGE_DEFAULT;
}

/* The keys of a request that a stream has no use for, and why. */
static const struct stream_refusal {
	const char *key;
	const char *why;
} stream_refusals[] = {
	{ "body", "its request has no body ('send' gives a websocket's "
	  "messages)" },
	{ "body_file", "its request has no body" },
	{ "sign", "its request has no body to sign" },
	{ "checks", "it has no response to check" },
	{ "outcome", "it has no response to read an outcome from" },
	{ "capture", "it captures nothing" },
	{ "expect_status", "its handshake must succeed (101 for a "
	  "websocket, 2xx for sse)" },
	{ "max_body", "it keeps no response body (see max_message and "
	  "max_event)" },
	{ "group", "a group merges the figures of HTTP requests" },
};

/* A websocket's URL is ws:// or wss://, every other request's http(s). */
static void
stream_url(struct scn_parser *p, const struct scn_map *m, bool websocket)
{
	yaml_node_t *url = scenario_get(m, "url");
	const char *s = scenario_text_of(url);

	if (s == NULL || !(scenario_is_http_url(s) || scenario_is_ws_url(s)))
		return;			/* told already */
	if (websocket && !scenario_is_ws_url(s))
		scenario_err(p, url, "a websocket request's 'url' must start "
		    "with ws:// or wss://, got %s (with 'path', base_url's "
		    "http:// becomes ws://) %s", scenario_quote(s), p->where);
	else if (!websocket && scenario_is_ws_url(s))
		scenario_err(p, url, "%s is a WebSocket URL: a request to it "
		    "needs 'websocket' (and a connections phase to open it) %s",
		    scenario_quote(s), p->where);
}

/* A stream's URL and headers are sent by no flow's user: a ${var:} in
 * them would never be set. */
static void
stream_vars(struct scn_parser *p, const struct scn_request *r,
    const char *what)
{
	const char *missing = NULL;
	int line, col;
	size_t i, off = 0;

	for (i = 0; i <= r->headers.n; i++) {
		struct tmpl *t = i == 0 ? r->url_tmpl : r->headers.v[i - 1].tmpl;

		if (t == NULL || template_bind_vars(t, NULL, 0, &missing,
		    &off) == 0)
			continue;
		scenario_srcmap_pos(p->scn, t, off, &line, &col);
		scenario_errors_add(p->errs, p->file, line, col, "request %s is "
		    "%s stream, which no flow sends: ${var:%s} is never set "
		    "for it", scenario_quote(r->name != NULL ? r->name : "?"),
		    what, missing);
	}
}

void
scenario_stream_check(struct scn_parser *p, const struct scn_map *m,
    struct scn_request *r)
{
	yaml_node_t *ws = scenario_getkey(m, "websocket");
	yaml_node_t *sse = scenario_getkey(m, "sse"), *k;
	const char *what = ws != NULL ? "a websocket" : "an sse";
	size_t i;

	stream_url(p, m, ws != NULL);
	if (ws != NULL && sse != NULL)
		scenario_err(p, scenario_later(ws, sse), "'websocket' and 'sse' "
		    "cannot both be given %s; a stream is one or the other",
		    p->where);
	if (ws == NULL && sse == NULL)
		return;
	if (r->websocket != NULL)
		r->websocket->pos = scenario_pos_of(ws);
	if (r->sse != NULL)
		r->sse->pos = scenario_pos_of(sse);
	if ((k = scenario_getkey(m, "method")) != NULL &&
	    r->method != NULL && strcmp(r->method, "GET") != 0)
		scenario_err(p, scenario_get(m, "method"), "%s stream opens "
		    "with a GET; 'method' cannot be %s %s", what,
		    scenario_quote(r->method), p->where);
	for (i = 0; i < LT_NELEM(stream_refusals); i++)
		if ((k = scenario_getkey(m, stream_refusals[i].key)) != NULL)
			scenario_err(p, k, "'%s' does not apply to %s stream: "
			    "%s, %s", stream_refusals[i].key, what,
			    stream_refusals[i].why, p->where);
	stream_vars(p, r, what);
}

int
scenario_check_streams(const struct scenario *scn, bool have_ws,
    const char *curl_version, struct scn_errors *errs)
{
	const struct scn_websocket *ws;
	size_t i;
	int rc = 0;

	for (i = 0; i < scn->nrequests && !have_ws; i++) {
		if ((ws = scn->requests[i].websocket) == NULL)
			continue;
		scenario_errors_add(errs, scn->file, ws->pos.line, ws->pos.col,
		    "websocket needs libcurl with WebSocket support (7.86 or "
		    "later, built with ws); this loadtop was built against "
		    "libcurl %s without it", curl_version);
		rc = -1;
	}
	return rc;
}

void
scenario_stream_free(struct scn_request *r)
{
	if (r->websocket != NULL) {
		free(r->websocket->on_open);
		template_free(r->websocket->on_open_tmpl);
		free(r->websocket->send);
		template_free(r->websocket->send_tmpl);
		free(r->websocket->reply_field);
		free(r->websocket);
		r->websocket = NULL;
	}
	free(r->sse);
	r->sse = NULL;
}
