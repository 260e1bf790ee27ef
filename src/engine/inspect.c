/* Checks, outcomes and captures on a response view (inspect.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect-int.h"
#include "stats.h"

/* --- compiling ---------------------------------------------------- */

/* The index of a header name in names, added when new. */
static int
name_slot(struct response_names *nm, const char *name)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (strcasecmp(nm->v[i], name) == 0)
			return (int)i;
	nm->v = xreallocarray(nm->v, nm->n + 1, sizeof *nm->v);
	nm->len = xreallocarray(nm->len, nm->n + 1, sizeof *nm->len);
	nm->v[nm->n] = xstrdup(name);
	nm->len[nm->n] = strlen(name);
	return (int)nm->n++;
}

static int
probe_compile(struct probe_rt *pr, struct response_names *nm,
    enum scn_probe probe, const char *path, const char *pattern, bool groups,
    char **cause)
{
	int rc;

	pr->header = -1;
	pr->has_re = false;
	if (probe == SCN_PROBE_HEADER)
		pr->header = name_slot(nm, path);
	if (pattern == NULL)
		return 0;
	rc = regcomp(&pr->re, pattern, REG_EXTENDED | (groups ? 0 : REG_NOSUB));
	if (rc != 0) {
		xasprintf(cause, "pattern '%s' does not compile", pattern);
		return -1;
	}
	pr->has_re = true;
	return 0;
}

static void
probe_free(struct probe_rt *pr)
{
	if (pr->has_re)
		regfree(&pr->re);
}

static int
req_compile(struct req_rt *q, const struct scn_request *r, char **cause)
{
	size_t i;
	int rc = 0;

	q->r = r;
	q->wants = r->nchecks > 0 || r->outcome != NULL || r->ncaptures > 0;
	q->checks = xcalloc(r->nchecks + 1, sizeof *q->checks);
	q->captures = xcalloc(r->ncaptures + 1, sizeof *q->captures);
	for (i = 0; rc == 0 && i < r->nchecks; i++)
		rc = probe_compile(&q->checks[i], &q->names, r->checks[i].probe,
		    r->checks[i].path, r->checks[i].pattern, false, cause);
	if (rc == 0 && r->outcome != NULL)
		rc = probe_compile(&q->outcome, &q->names, r->outcome->probe,
		    r->outcome->path, r->outcome->pattern, true, cause);
	for (i = 0; rc == 0 && i < r->ncaptures; i++)
		rc = probe_compile(&q->captures[i], &q->names,
		    r->captures[i].from.probe, r->captures[i].from.path,
		    r->captures[i].from.pattern, true, cause);
	return rc;
}

struct inspect *
inspect_new(const struct scenario *scn, char **cause)
{
	struct inspect *in = xcalloc(1, sizeof *in);
	size_t i;

	in->scn = scn;
	in->nreq = scn->nrequests;
	in->req = xcalloc(in->nreq + 1, sizeof *in->req);
	for (i = 0; i < in->nreq; i++) {
		if (req_compile(&in->req[i], &scn->requests[i], cause) != 0) {
			in->nreq = i + 1;
			inspect_free(in);
			return NULL;
		}
	}
	inspect_redact_init(in);
	return in;
}

void
inspect_free(struct inspect *in)
{
	size_t i, j;

	if (in == NULL)
		return;
	for (i = 0; i < in->nreq; i++) {
		struct req_rt *q = &in->req[i];

		if (q->r == NULL)
			continue;
		for (j = 0; j < q->r->nchecks; j++)
			probe_free(&q->checks[j]);
		probe_free(&q->outcome);
		for (j = 0; j < q->r->ncaptures; j++)
			probe_free(&q->captures[j]);
		free(q->checks);
		free(q->captures);
		for (j = 0; j < q->names.n; j++)
			free(q->names.v[j]);
		free(q->names.v);
		free(q->names.len);
	}
	free(in->req);
	inspect_json_arena_free(&in->arena);
	free(in->secret);
	free(in->secret_len);
	free(in);
}

bool
inspect_wants(const struct inspect *in, size_t i)
{
	return in->req[i].wants;
}

const struct response_names *
inspect_names(const struct inspect *in, size_t i)
{
	return &in->req[i].names;
}

/* --- running ------------------------------------------------------ */

/* What a probe reads of one response: bytes, or a json value. */
struct subject {
	bool present;
	const char *p;
	size_t len;
	json_t *json;
	char text[INSPECT_TEXT_MAX];
};

/* The body as json, parsed once per response. */
struct body_json {
	struct inspect *in;		/* whose arena the parse uses */
	bool parsed;
	json_t *root;
};

static json_t *
body_root(const struct response_view *v, struct body_json *bj)
{
	if (!bj->parsed) {
		bj->parsed = true;
		inspect_json_begin(bj->in);
		bj->root = v->len > 0 ? json_loadb(v->body, v->len,
		    JSON_DECODE_ANY, NULL) : NULL;
	}
	return bj->root;
}

static void
subject_get(struct subject *sb, enum scn_probe probe, const char *path,
    const struct probe_rt *pr, const struct response_view *v,
    struct body_json *bj)
{
	json_t *root;

	sb->present = false;
	sb->json = NULL;
	if (probe == SCN_PROBE_JSON) {
		if ((root = body_root(v, bj)) == NULL ||
		    (sb->json = inspect_json_get(root, path)) == NULL)
			return;
		sb->len = inspect_json_text(sb->json, sb->text, sizeof sb->text);
		sb->p = sb->text;
	} else if (probe == SCN_PROBE_HEADER) {
		if ((sb->p = response_header(v, (size_t)pr->header,
		    &sb->len)) == NULL)
			return;
	} else {
		sb->p = v->len > 0 ? v->body : "";
		sb->len = v->len;
	}
	sb->present = true;
}

/* Whether re matches p[0..len); group: where group 1 (or all) is. */
static bool
pattern_match(const regex_t *re, const char *p, size_t len, regmatch_t *group)
{
	regmatch_t m[2];

	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)len;
	if (regexec(re, p, group != NULL ? 2 : 1, m, REG_STARTEND) != 0)
		return false;
	if (group != NULL)
		*group = m[1].rm_so >= 0 ? m[1] : m[0];
	return true;
}

typedef bool check_fn(const struct scn_check *, const struct probe_rt *,
    const struct subject *, const struct response_view *);

static bool
op_exists(const struct scn_check *c, const struct probe_rt *pr,
    const struct subject *sb, const struct response_view *v)
{
	(void)pr, (void)v;
	return sb->present != c->absent;
}

static bool
op_equals(const struct scn_check *c, const struct probe_rt *pr,
    const struct subject *sb, const struct response_view *v)
{
	(void)pr, (void)v;
	return sb->json != NULL && inspect_json_equals(sb->json, c->values[0]);
}

static bool
op_in(const struct scn_check *c, const struct probe_rt *pr,
    const struct subject *sb, const struct response_view *v)
{
	size_t i;

	(void)pr, (void)v;
	for (i = 0; sb->json != NULL && i < c->nvalues; i++)
		if (inspect_json_equals(sb->json, c->values[i]))
			return true;
	return false;
}

static bool
op_matches(const struct scn_check *c, const struct probe_rt *pr,
    const struct subject *sb, const struct response_view *v)
{
	(void)c, (void)v;
	return sb->present && pattern_match(&pr->re, sb->p, sb->len, NULL);
}

static bool
op_contains(const struct scn_check *c, const struct probe_rt *pr,
    const struct subject *sb, const struct response_view *v)
{
	(void)pr, (void)v;
	return memmem(sb->p, sb->len, c->values[0], strlen(c->values[0])) !=
	    NULL;
}

static bool
op_max_body(const struct scn_check *c, const struct probe_rt *pr,
    const struct subject *sb, const struct response_view *v)
{
	(void)pr, (void)sb;
	return v->total <= (uint64_t)c->max_body;
}

static check_fn *const check_ops[] = {
	[SCN_CHECK_EXISTS] = op_exists,
	[SCN_CHECK_EQUALS] = op_equals,
	[SCN_CHECK_IN] = op_in,
	[SCN_CHECK_MATCHES] = op_matches,
	[SCN_CHECK_CONTAINS] = op_contains,
	[SCN_CHECK_MAX_BODY] = op_max_body,
};

/* A value for an outcome or a capture into buf; false when absent. */
static bool
extract(const struct scn_extract *x, const struct probe_rt *pr,
    const struct response_view *v, struct body_json *bj, char *buf,
    size_t cap, size_t *len)
{
	struct subject sb;
	regmatch_t g;

	subject_get(&sb, x->probe, x->path, pr, v, bj);
	if (!sb.present)
		return false;
	if (pr->has_re) {
		if (!pattern_match(&pr->re, sb.p, sb.len, &g))
			return false;
		sb.p += g.rm_so;
		sb.len = (size_t)(g.rm_eo - g.rm_so);
	}
	*len = LT_MIN(sb.len, cap);
	memcpy(buf, sb.p, *len);
	return true;
}

static void
run_captures(const struct req_rt *q, const struct response_view *v,
    struct body_json *bj, struct inspect_vars *vars)
{
	size_t i, k, len;

	for (i = 0; i < q->r->ncaptures; i++) {
		k = q->r->captures[i].var_index;
		if (extract(&q->r->captures[i].from, &q->captures[i], v, bj,
		    vars->buf[k], TMPL_VAR_MAX, &len)) {
			vars->v[k].v = vars->buf[k];
			vars->v[k].len = len;
		} else
			vars->v[k].v = NULL;
	}
}

void
inspect_run(struct inspect *in, size_t i, const struct response_view *v,
    bool expected, uint64_t *pass, uint64_t *fail, struct inspect_vars *vars,
    struct inspect_out *out)
{
	const struct req_rt *q = &in->req[i];
	const struct scn_request *r = q->r;
	struct body_json bj = { in, false, NULL };
	struct subject sb;
	size_t c;

	out->failed = -1;
	out->has_outcome = r->outcome != NULL;
	out->outcome_len = SIZE_MAX;
	for (c = 0; expected && c < r->nchecks; c++) {
		subject_get(&sb, r->checks[c].probe, r->checks[c].path,
		    &q->checks[c], v, &bj);
		if (check_ops[r->checks[c].op](&r->checks[c], &q->checks[c],
		    &sb, v))
			STATS_INC(&pass[c], 1);
		else {
			STATS_INC(&fail[c], 1);
			if (out->failed < 0)
				out->failed = (int)c;
		}
	}
	if (r->outcome != NULL && !extract(r->outcome, &q->outcome, v, &bj,
	    out->outcome, sizeof out->outcome, &out->outcome_len))
		out->outcome_len = SIZE_MAX;
	if (expected && out->failed < 0 && vars != NULL)
		run_captures(q, v, &bj, vars);
	if (bj.parsed) {
		json_decref(bj.root);
		inspect_json_end(in);
	}
}

struct inspect_vars *
inspect_vars_new(const struct scenario *scn)
{
	struct inspect_vars *vs = xcalloc(1, sizeof *vs);

	vs->v = xcalloc(scn->nvars + 1, sizeof *vs->v);
	vs->buf = xcalloc(scn->nvars + 1, sizeof *vs->buf);
	return vs;
}

void
inspect_vars_free(struct inspect_vars *vs, const struct scenario *scn)
{
	(void)scn;
	if (vs == NULL)
		return;
	free(vs->v);
	free(vs->buf);
	free(vs);
}

void
inspect_vars_clear(struct inspect_vars *vs, const struct scenario *scn)
{
	size_t i;

	for (i = 0; i < scn->nvars; i++)
		vs->v[i].v = NULL;
}
