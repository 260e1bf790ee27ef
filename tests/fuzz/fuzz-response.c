/*
 * Responses: any bytes as an answer on the raw transport, through
 * http-parser into the response view as the worker feeds it, then the
 * request's checks, outcome, captures and the failures list's redacted
 * sample.  The first byte picks the request, the body kept, the reads.
 */
#include "config.h"

#include <http_parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "response.h"
#include "scenario.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char scenario_yaml[] =
    "version: 1\n"
    "name: fuzz\n"
    "target: {base_url: 'http://127.0.0.1:1'}\n"
    "requests:\n"
    "  - name: signal\n"
    "    path: /webhook\n"
    "    checks:\n"
    "      - {json: /status, in: [dry_run, ignored, 1.5, true, ~]}\n"
    "      - {json: /a~1b/0, equals: 3}\n"
    "      - {json: '', matches: '^[{]'}\n"
    "      - {header: Content-Type, matches: 'application/json'}\n"
    "      - {header: X-Gone, exists: false}\n"
    "      - {body_contains: '\"status\"'}\n"
    "      - {body_matches: '^[^!]*$'}\n"
    "      - {max_body: 1KB}\n"
    "    outcome: {json: /status}\n"
    "    capture: {token: {json: /token},\n"
    "              sid: {header: Set-Cookie, regex: 'sid=([^;]+)'}}\n"
    "  - {name: plain, path: /plain, expect_status: [200, 204],\n"
    "     outcome: {header: X-Outcome, regex: '([a-z]+)'},\n"
    "     capture: {word: {body_matches: 'word=([a-z]*)'}}}\n"
    "  - {name: me, path: '/me?t=${var:token}&s=${var:sid}&w=${var:word}',\n"
    "     checks: [{json: /user, matches: '^u[0-9]+$'}]}\n"
    "phases: [{kind: burst, requests: 1}]\n";

static struct scenario *scn;
static struct inspect *in;
static struct inspect_vars *vars;
static struct response_view view;
static size_t req;
static bool done;

static int
on_field(http_parser *hp, const char *at, size_t n)
{
	response_field(&view, at, n);
	return 0;
}

static int
on_value(http_parser *hp, const char *at, size_t n)
{
	response_value(&view, at, n);
	return 0;
}

static int
on_headers(http_parser *hp)
{
	response_status(&view, hp->status_code,
	    scn_status_has(&scn->requests[req].expect_status, hp->status_code));
	return 0;
}

static int
on_body(http_parser *hp, const char *at, size_t n)
{
	if (view.on || view.sample_on)
		response_body(&view, at, n);
	return 0;
}

static int
on_complete(http_parser *hp)
{
	if (hp->status_code / 100 == 1 && hp->status_code != 101) {
		response_interim(&view);
		return 0;
	}
	done = true;
	http_parser_pause(hp, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_header_field = on_field,
	.on_header_value = on_value,
	.on_headers_complete = on_headers,
	.on_body = on_body,
	.on_message_complete = on_complete,
};

/* What the worker does once the answer is in: inspect, sample. */
static void
inspect_answer(void)
{
	uint64_t pass[16] = { 0 }, fail[16] = { 0 };
	struct inspect_out out;
	char sample[RESPONSE_SAMPLE + 1];
	const char *body;
	size_t len;
	bool cut;

	inspect_run(in, req, &view, scn_status_has(
	    &scn->requests[req].expect_status, view.status), pass, fail, vars,
	    &out);
	if (out.has_outcome && out.outcome_len != SIZE_MAX &&
	    out.outcome_len > sizeof out.outcome)
		abort();
	body = response_sample(&view, &len, &cut);
	inspect_redact(in, vars, body, len, sample, sizeof sample);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	http_parser hp;
	size_t off, k, step;

	if (scn == NULL) {
		struct scn_errors errs = { 0 };
		char *cause = NULL;

		if (scenario_load_buffer("fuzz.yaml", scenario_yaml,
		    sizeof scenario_yaml - 1, &scn, &errs) != 0 ||
		    (in = inspect_new(scn, &cause)) == NULL)
			abort();
		vars = inspect_vars_new(scn);
		response_init(&view);
	}
	if (size < 1)
		return 0;
	req = (data[0] & 3) % scn->nrequests;
	step = ((size_t)(data[0] >> 3) << 4) + 1;
	response_begin(&view, inspect_wants(in, req), inspect_names(in, req),
	    data[0] & 4 ? 16 : 65536);
	http_parser_init(&hp, HTTP_RESPONSE);
	done = false;
	for (off = 1; off < size && !done; off += k) {
		k = size - off < step ? size - off : step;
		http_parser_execute(&hp, &settings, (const char *)data + off, k);
		if (HTTP_PARSER_ERRNO(&hp) != HPE_OK)
			break;
	}
	if (!done && HTTP_PARSER_ERRNO(&hp) == HPE_OK)
		http_parser_execute(&hp, &settings, NULL, 0);	/* the end */
	if (done && view.status_known)
		inspect_answer();
	inspect_vars_clear(vars, scn);
	return 0;
}
