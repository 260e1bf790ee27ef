/*
 * Scenario files: loading (the top level, calling the parts of
 * scenario-int.h in order), binding the environment, and freeing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "util.h"

_Static_assert(TMPL_VAR_MAX == SCN_VAR_MAX, "a template keeps what a "
    "capture does");

#ifdef HAVE_CURL_WS
static const bool built_with_ws = true;
#else
static const bool built_with_ws = false;
#endif
#ifndef LT_CURL_VERSION_TEXT
#define LT_CURL_VERSION_TEXT "(unknown)"
#endif

static int
error_before(const struct scn_error *a, const struct scn_error *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

/* Put the errors added since from in file order (stable) and drop exact
 * repeats, such as one default header's problem seen by every request. */
static void
errors_finish(struct scn_errors *errs, size_t from)
{
	struct scn_error tmp, *e;
	size_t i, j, n;

	for (i = from + 1; i < errs->n; i++) {
		tmp = errs->v[i];
		for (j = i; j > from && error_before(&tmp, &errs->v[j - 1]); j--)
			errs->v[j] = errs->v[j - 1];
		errs->v[j] = tmp;
	}
	for (n = i = from; i < errs->n; i++) {
		e = &errs->v[i];
		/* Repeats sit among the kept errors at the same place. */
		for (j = n; j > from && !error_before(&errs->v[j - 1], e); j--) {
			if (strcmp(errs->v[j - 1].msg, e->msg) == 0)
				break;
		}
		if (j > from && !error_before(&errs->v[j - 1], e)) {
			free(e->file);
			free(e->msg);
			continue;
		}
		errs->v[n++] = *e;
	}
	errs->n = n;
}

static void
h_version(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "1")) == NULL)
		return;
	if (strcmp(s, "1") != 0)
		scenario_err(p, v, "unsupported scenario version %s (this loadtop "
		    "reads version 1)", scenario_quote(s));
}

#define OFF(f) offsetof(struct scenario, f)
/* The parts are read by parse_top, in their order. */
static const struct scn_key top_keys[] = {
	{ .name = "version", .fn = h_version },
	{ .name = "name", .fn = scenario_h_str, .off = OFF(name) },
	{ .name = "description", .fn = scenario_h_str, .off = OFF(description) },
	{ .name = "abort_on_fail", .fn = scenario_h_bool, .off = OFF(abort_on_fail) },
	{ .name = "target" },
	{ .name = "defaults" },
	{ .name = "requests" },
	{ .name = "flows" },
	{ .name = "phases" },
	{ .name = "thresholds" },
	{ .name = "grades" },
	{ .name = "alerts" },
};
#undef OFF

/* Every table of keys: the top level's, then each part's, in the order
 * parse_top reads them. */
static const struct scn_key_table top_tables[] = {
	{ "", top_keys, LT_NELEM(top_keys) },
	{ NULL, NULL, 0 }
};

static const struct scn_key_table *const all_tables[] = {
	top_tables, scenario_target_tables, scenario_request_tables,
	scenario_stream_tables, scenario_check_tables, scenario_probe_tables,
	scenario_flow_tables, scenario_phase_tables,
	scenario_threshold_tables, scenario_alerts_tables,
};

void
scenario_keys_print(FILE *f)
{
	const struct scn_key_table *t;
	size_t i, k;

	for (i = 0; i < LT_NELEM(all_tables); i++)
		for (t = all_tables[i]; t->where != NULL; t++)
			for (k = 0; k < t->n; k++)
				fprintf(f, "%s%s%s\n", t->where,
				    *t->where != '\0' ? "." : "",
				    t->keys[k].name);
}

/* Phases that send nothing need no requests: the target is watched alone. */
static bool
all_idle(const struct scenario *scn)
{
	size_t i;

	for (i = 0; i < scn->nphases; i++)
		if (scn->phases[i].kind != SCN_IDLE)
			return false;
	return true;
}

static void
parse_top(struct scn_parser *p, yaml_node_t *root)
{
	static const char *const required[] = { "name", "target", "phases" };
	struct scn_map m;
	yaml_node_t *v;
	size_t i;

	if (root->type != YAML_MAPPING_NODE) {
		scenario_err(p, root, "a scenario must be a mapping with 'name', "
		    "'target', 'requests' and 'phases', got %s",
		    scenario_describe(root));
		return;
	}
	scenario_walk(p, root, top_keys, LT_NELEM(top_keys), p->scn,
	    "at the top level", -1, &m);
	for (i = 0; i < LT_NELEM(required); i++) {
		if (scenario_get(&m, required[i]) == NULL)
			scenario_err(p, root, "scenario needs '%s'", required[i]);
	}
	/* Order matters here: requests use target and defaults, flows
	 * name requests, phases name both, thresholds all three. */
	scenario_parse_defaults(p, scenario_get(&m, "defaults"));
	if ((v = scenario_get(&m, "target")) != NULL)
		scenario_parse_target(p, v);
	else
		p->no_target = true;
	if ((v = scenario_get(&m, "requests")) != NULL)
		scenario_parse_requests(p, v);
	scenario_check_streams(p->scn, built_with_ws, LT_CURL_VERSION_TEXT,
	    p->errs);
	scenario_link_requests(p);
	if ((v = scenario_get(&m, "flows")) != NULL)
		scenario_parse_flows(p, v);
	if ((v = scenario_get(&m, "phases")) != NULL)
		scenario_parse_phases(p, v);
	if (scenario_get(&m, "requests") == NULL && !all_idle(p->scn))
		scenario_err(p, root, "scenario needs 'requests'");
	if ((v = scenario_get(&m, "thresholds")) != NULL)
		scenario_parse_thresholds(p, v);
	if ((v = scenario_get(&m, "grades")) != NULL)
		scenario_parse_grades(p, v);
	scenario_parse_alerts(p, scenario_get(&m, "alerts"));
	scenario_limits_errors(p->scn, p->errs);
}

static int
load_buffer(const char *path, const char *buf, size_t len,
    const struct scn_load_opts *opts, struct scenario **out,
    struct scn_errors *errs)
{
	struct scn_parser p = { 0 };
	struct scenario *scn;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	const char *slash = strrchr(path, '/');
	size_t n0 = errs->n;

	*out = NULL;
	scn = xcalloc(1, sizeof *scn);
	scn->file = xstrdup(path);
	if (slash == NULL)
		scn->dir = xstrdup(".");
	else
		scn->dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	scn->version = 1;
	p.file = path;
	p.buf = buf;
	p.len = len;
	p.errs = errs;
	p.scn = scn;
	p.opts = opts;
	if (scenario_check_events(&p) == 0) {
		yaml_parser_initialize(&parser);
		yaml_parser_set_input_string(&parser, (const u_char *)buf, len);
		if (!yaml_parser_load(&parser, &doc))
			scenario_errors_add(errs, path, 1, 1, "YAML syntax error: %s",
			    parser.problem != NULL ? parser.problem : "?");
		else {
			p.doc = &doc;
			if ((root = yaml_document_get_root_node(&doc)) == NULL)
				scenario_errors_add(errs, path, 1, 1, "the file is "
				    "empty; a scenario needs 'name', 'target', "
				    "'requests' and 'phases'");
			else
				parse_top(&p, root);
			yaml_document_delete(&doc);
		}
		yaml_parser_delete(&parser);
	}
	errors_finish(errs, n0);
	if (errs->n > n0) {
		scenario_free(scn);
		return -1;
	}
	*out = scn;
	return 0;
}

int
scenario_load_buffer(const char *path, const char *buf, size_t len,
    struct scenario **out, struct scn_errors *errs)
{
	return load_buffer(path, buf, len, NULL, out, errs);
}

int
scenario_load(const char *path, struct scenario **out, struct scn_errors *errs)
{
	return scenario_load_opts(path, NULL, out, errs);
}

/* Why path could not be read: errno, or the file's limit. */
static void
file_error(const char *path, struct scn_errors *errs)
{
	const struct scn_limit *l = &scenario_limits_table()[SCN_LIMIT_FILE];
	char max[64];

	if (errno == EFBIG)
		scenario_errors_add(errs, path, 0, 0, "the file is over %s, the "
		    "most a scenario may have; put large bodies in a body_file",
		    scenario_limits_format(l, l->max, max, sizeof max));
	else
		scenario_errors_add(errs, path, 0, 0, "cannot read: %s",
		    strerror(errno));
}

int
scenario_load_opts(const char *path, const struct scn_load_opts *opts,
    struct scenario **out, struct scn_errors *errs)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if ((buf = util_read_file_max(path, SCN_MAX_FILE, &len)) == NULL) {
		file_error(path, errs);
		return -1;
	}
	rc = load_buffer(path, buf, len, opts, out, errs);
	free(buf);
	return rc;
}

static void
bind_tmpl(struct scenario *scn, struct tmpl *t, struct scn_errors *errs)
{
	const char *missing = NULL;
	size_t off = 0;
	int line, col;

	if (t == NULL || !template_has_secret(t))
		return;
	if (template_bind_env(t, &missing, &off) == 0)
		return;
	scenario_srcmap_pos(scn, t, off, &line, &col);
	scenario_errors_add(errs, scn->file, line, col, "environment variable '%s' "
	    "is not set", missing);
}

/* A header's template, whose ${env:} values must not break its line. */
static void
bind_header(struct scenario *scn, const struct scn_header *h,
    struct scn_errors *errs)
{
	const char *v[16];
	size_t len[16], i, n;
	int line, col;

	bind_tmpl(scn, h->tmpl, errs);
	if (h->tmpl == NULL)
		return;
	n = template_env_values(h->tmpl, v, len, LT_NELEM(v));
	for (i = 0; i < n && i < LT_NELEM(v); i++) {
		if (v[i] == NULL || (memchr(v[i], '\r', len[i]) == NULL &&
		    memchr(v[i], '\n', len[i]) == NULL))
			continue;
		scenario_srcmap_pos(scn, h->tmpl, 0, &line, &col);
		scenario_errors_add(errs, scn->file, line, col, "header '%s': "
		    "an environment variable in it holds a line break, which "
		    "would start another header", h->name);
		return;
	}
}

static void
free_secret(struct scn_sign *sg)
{
	if (sg->secret != NULL)
		explicit_bzero(sg->secret, sg->secret_len);
	free(sg->secret);
	sg->secret = NULL;
	sg->secret_len = 0;
}

int
scenario_bind_env(struct scenario *scn, struct scn_errors *errs)
{
	struct scn_request *r;
	struct scn_sign *sg;
	const char *v;
	size_t i, j, n0 = errs->n;

	for (i = 0; i < scn->defaults.headers.n; i++)
		bind_header(scn, &scn->defaults.headers.v[i], errs);
	for (i = 0; i < scn->nrequests; i++) {
		r = &scn->requests[i];
		bind_tmpl(scn, r->url_tmpl, errs);
		for (j = 0; j < r->headers.n; j++)
			bind_header(scn, &r->headers.v[j], errs);
		bind_tmpl(scn, r->body_tmpl, errs);
		if (r->websocket != NULL) {
			bind_tmpl(scn, r->websocket->on_open_tmpl, errs);
			bind_tmpl(scn, r->websocket->send_tmpl, errs);
		}
		if ((sg = r->sign) == NULL || sg->secret_env == NULL)
			continue;
		free_secret(sg);
		if ((v = getenv(sg->secret_env)) == NULL)
			scenario_errors_add(errs, scn->file, sg->pos.line,
			    sg->pos.col, "environment variable '%s' is not set",
			    sg->secret_env);
		else if (*v == '\0')
			scenario_errors_add(errs, scn->file, sg->pos.line,
			    sg->pos.col, "environment variable '%s' is empty; "
			    "it must hold the HMAC key", sg->secret_env);
		else {
			sg->secret_len = strlen(v);
			sg->secret = xstrdup(v);
		}
	}
	errors_finish(errs, n0);
	return errs->n > n0 ? -1 : 0;
}

static bool
tmpl_secret(const struct tmpl *t)
{
	return t != NULL && template_has_secret(t);
}

static bool
headers_secret(const struct scn_headers *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		if (tmpl_secret(hs->v[i].tmpl))
			return true;
	return false;
}

bool
scenario_holds_secrets(const struct scenario *scn)
{
	const struct scn_request *r;
	size_t i;

	if (scn->nvars > 0 || headers_secret(&scn->defaults.headers))
		return true;
	for (i = 0; i < scn->nrequests; i++) {
		r = &scn->requests[i];
		if (r->sign != NULL || tmpl_secret(r->url_tmpl) ||
		    tmpl_secret(r->body_tmpl) || headers_secret(&r->headers))
			return true;
		if (r->websocket != NULL &&
		    (tmpl_secret(r->websocket->on_open_tmpl) ||
		    tmpl_secret(r->websocket->send_tmpl)))
			return true;
	}
	return false;
}

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_headers(struct scn_headers *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++) {
		free(hs->v[i].name);
		free(hs->v[i].value);
		template_free(hs->v[i].tmpl);
	}
	free(hs->v);
}

/* What a request reads of its responses, and its group. */
static void
free_probes(struct scn_request *r)
{
	scenario_checks_free(r->checks, r->nchecks);
	if (r->outcome != NULL)
		scenario_extract_clear(r->outcome);
	free(r->outcome);
	scenario_captures_free(r->captures, r->ncaptures);
	free(r->group);
}

static void
free_flows(struct scenario *scn)
{
	size_t i;

	for (i = 0; i < scn->nflows; i++) {
		free(scn->flows[i].name);
		free(scn->flows[i].steps);
	}
	free(scn->flows);
}

void
scenario_free(struct scenario *scn)
{
	struct scn_request *r;
	size_t i, k;

	if (scn == NULL)
		return;
	for (i = 0; i < scn->nrequests; i++) {
		r = &scn->requests[i];
		free_probes(r);
		free(r->name);
		free(r->method);
		free(r->url);
		template_free(r->url_tmpl);
		free_headers(&r->headers);
		free(r->body);
		template_free(r->body_tmpl);
		free(r->body_file);
		scenario_stream_free(r);
		if (r->sign != NULL) {
			free_secret(r->sign);
			free(r->sign->secret_env);
			free(r->sign->header);
			free(r->sign->prefix);
			free(r->sign);
		}
	}
	free(scn->requests);
	for (i = 0; i < scn->nphases; i++) {
		free(scn->phases[i].name);
		for (k = 0; k < scn->phases[i].nstages; k++)
			free(scn->phases[i].stages[k].name);
		free(scn->phases[i].stages);
		free(scn->phases[i].use);
	}
	free(scn->phases);
	free_flows(scn);
	free_strings(scn->vars, scn->nvars);
	free_strings(scn->groups, scn->ngroups);
	for (i = 0; i < scn->nthresholds; i++)
		threshold_clear(&scn->thresholds[i]);
	free(scn->thresholds);
	for (i = 0; i < scn->ngrades; i++)
		threshold_clear(&scn->grades[i].t);
	free(scn->grades);
	free_headers(&scn->defaults.headers);
	free_strings(scn->defaults.source_addresses,
	    scn->defaults.nsource_addresses);
	scenario_checks_free(scn->defaults.checks, scn->defaults.nchecks);
	free(scn->target.base_url);
	for (i = 0; i < scn->target.nprocesses; i++) {
		struct scn_process *pr = &scn->target.processes[i];

		free(pr->label);
		free(pr->pid_file);
		free(pr->name);
		free(pr->exec);
		free(pr->ready_url);
		free(pr->health_url);
		free(pr->metrics_url);
	}
	free(scn->target.processes);
	free(scn->target.health_url);
	free(scn->target.metrics_url);
	free_strings(scn->target.metrics, scn->target.nmetrics);
	scenario_srcmap_free(scn->srcmap);
	free(scn->name);
	free(scn->description);
	free(scn->file);
	free(scn->dir);
	free(scn);
}
