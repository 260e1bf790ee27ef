/*
 * What the requests share, once all of them are read: the variables
 * their captures set (and the ${var:} templates that use them), their
 * groups, and one numbering of all their checks.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "suggest.h"
#include "util.h"

/* The index of name in the list, added at its end when new. */
static size_t
intern(char ***list, size_t *n, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i], name) == 0)
			return i;
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[*n] = xstrdup(name);
	return (*n)++;
}

static void
bind_vars(struct scn_parser *p, struct tmpl *t)
{
	const struct scenario *scn = p->scn;
	const char *missing = NULL, *near;
	size_t off = 0;
	int line, col;

	if (t == NULL || template_bind_vars(t, scn->vars, scn->nvars, &missing,
	    &off) == 0)
		return;
	scenario_srcmap_pos(scn, t, off, &line, &col);
	near = suggest_closest(missing, (const char *const *)scn->vars,
	    scn->nvars);
	if (near != NULL)
		scenario_errors_add(p->errs, p->file, line, col, "no request "
		    "captures '%s'; did you mean '%s'?", missing, near);
	else
		scenario_errors_add(p->errs, p->file, line, col, "no request "
		    "captures '%s' (a ${var:NAME} is set by a request's "
		    "'capture')", missing);
}

/* Every template that may use ${var:}: URLs, header values, bodies. */
static void
bind_all_vars(struct scn_parser *p)
{
	struct scenario *scn = p->scn;
	struct scn_request *r;
	size_t i, j;

	for (i = 0; i < scn->defaults.headers.n; i++)
		bind_vars(p, scn->defaults.headers.v[i].tmpl);
	for (i = 0; i < scn->nrequests; i++) {
		r = &scn->requests[i];
		bind_vars(p, r->url_tmpl);
		for (j = 0; j < r->headers.n; j++)
			bind_vars(p, r->headers.v[j].tmpl);
		bind_vars(p, r->body_tmpl);
	}
}

void
scenario_link_requests(struct scn_parser *p)
{
	struct scenario *scn = p->scn;
	struct scn_request *r;
	size_t i, k;

	for (i = 0; i < scn->nrequests; i++) {
		r = &scn->requests[i];
		for (k = 0; k < r->ncaptures; k++)
			r->captures[k].var_index = intern(&scn->vars,
			    &scn->nvars, r->captures[k].var);
		r->group_index = r->group != NULL ? intern(&scn->groups,
		    &scn->ngroups, r->group) : SIZE_MAX;
		r->check_base = scn->nchecks;
		scn->nchecks += r->nchecks;
	}
	bind_all_vars(p);
}
