/*
 * What a phase sends, its 'use': requests by name, or the one flow it
 * runs; the requests of a weight above 0 when it names none.  Streams
 * (websocket, sse) are for connections phases, and only for them.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "suggest.h"
#include "util.h"

/* The names 'use' may take: the requests', then the flows'. */
static const char **
use_names(const struct scenario *scn, size_t *n)
{
	const char **names;
	size_t i;

	*n = scn->nrequests + scn->nflows;
	names = xcalloc(*n + 1, sizeof *names);
	/* Holes that broken requests and flows leave are "". */
	for (i = 0; i < scn->nrequests; i++)
		names[i] = scn->requests[i].name != NULL ?
		    scn->requests[i].name : "";
	for (i = 0; i < scn->nflows; i++)
		names[scn->nrequests + i] = scn->flows[i].name != NULL ?
		    scn->flows[i].name : "";
	return names;
}

static void
unknown_use(struct scn_parser *p, yaml_node_t *v, const char *s,
    const char *const *names, size_t n)
{
	const char *what = p->scn->nflows > 0 ? "request or flow" : "request";
	const char *near = suggest_closest(s, names, n);

	if (near != NULL)
		scenario_err(p, v, "'use' names unknown %s %s %s (did you mean "
		    "'%s'?)", what, scenario_quote(s), p->where, near);
	else
		scenario_err(p, v, "'use' names unknown %s %s %s", what,
		    scenario_quote(s), p->where);
}

/* "a websocket" or "an sse": the stream a request opens; NULL: none. */
static const char *
stream_of(const struct scn_request *r)
{
	return r->websocket != NULL ? "a websocket" : r->sse != NULL ?
	    "an sse" : NULL;
}

/* Streams are opened by connections phases, which open nothing else. */
static void
stream_fits(struct scn_parser *p, int kind, yaml_node_t *v, size_t i)
{
	const struct scn_request *r = &p->scn->requests[i];
	const char *stream = stream_of(r);

	if (kind == SCN_CONNECTIONS && stream == NULL)
		scenario_err(p, v, "'use' names %s, which is no stream (it has "
		    "neither 'websocket' nor 'sse'), %s; a connections phase "
		    "opens streams only", scenario_quote(r->name), p->where);
	else if (kind >= 0 && kind != SCN_CONNECTIONS && stream != NULL)
		scenario_err(p, v, "'use' names %s, %s stream, %s; streams "
		    "are opened by connections phases only",
		    scenario_quote(r->name), stream, p->where);
}

/* One name of 'use': a request added to ph->use, or the flow it runs. */
static void
add_use(struct scn_parser *p, struct scn_phase *ph, int kind, yaml_node_t *v,
    const char *const *names, size_t n)
{
	size_t nreq = p->scn->nrequests, i;
	const char *s;

	if ((s = scenario_scalar(p, v, "use", "a request name, a flow name or "
	    "a list of request names")) == NULL)
		return;
	for (i = 0; i < n && strcmp(names[i], s) != 0; i++)
		/* nothing */;
	if (i == n)
		unknown_use(p, v, s, names, n);
	else if (i >= nreq && ph->flow != 0)
		scenario_err(p, v, "'use' names flows '%s' and '%s' %s; a phase "
		    "runs one flow", names[nreq + ph->flow - 1], s, p->where);
	else if (i >= nreq)
		ph->flow = i - nreq + 1;
	else {
		stream_fits(p, kind, v, i);
		ph->use = xreallocarray(ph->use, ph->nuse + 1, sizeof *ph->use);
		ph->use[ph->nuse++] = i;
	}
}

/*
 * Without 'use', a phase sends the requests of a weight above 0 of its
 * sort: a connections phase the streams, any other the rest.  Listed in
 * ph->use when the scenario has both sorts, so that no reader of the
 * model needs to tell them apart.
 */
static void
default_use(struct scn_parser *p, struct scn_phase *ph, int kind,
    yaml_node_t *at)
{
	const struct scenario *scn = p->scn;
	bool streams = kind == SCN_CONNECTIONS, mine;
	uint64_t weight = 0;
	size_t i, nmine = 0;

	for (i = 0; i < scn->nrequests; i++) {
		mine = kind < 0 || (stream_of(&scn->requests[i]) != NULL) ==
		    streams;
		nmine += mine;
		weight += mine ? scn->requests[i].weight : 0;
	}
	if (scn->nrequests == 0)
		return;
	if (nmine == 0 && streams)
		scenario_err(p, at, "a connections phase opens streams, and no "
		    "request has 'websocket' or 'sse' %s", p->where);
	else if (nmine == 0)
		scenario_err(p, at, "the phase has no request to send %s: every "
		    "request is a stream (websocket or sse), which only "
		    "connections phases open", p->where);
	else if (weight == 0)
		scenario_err(p, at, "every request the phase sends has weight 0 "
		    "%s; name the ones to send in 'use'", p->where);
	else if (nmine < scn->nrequests)
		for (i = 0; i < scn->nrequests; i++) {
			if (scn->requests[i].weight == 0 ||
			    (stream_of(&scn->requests[i]) != NULL) != streams)
				continue;
			ph->use = xreallocarray(ph->use, ph->nuse + 1,
			    sizeof *ph->use);
			ph->use[ph->nuse++] = i;
		}
}

/* use: the requests the phase sends, by name, or the one flow it runs. */
static void
resolve_use(struct scn_parser *p, struct scn_phase *ph, int kind,
    yaml_node_t *v, yaml_node_t *at)
{
	const struct scenario *scn = p->scn;
	const char **names;
	yaml_node_item_t *it;
	size_t n;

	names = use_names(scn, &n);
	if (v != NULL && v->type == YAML_SEQUENCE_NODE) {
		if (v->data.sequence.items.start == v->data.sequence.items.top)
			scenario_err(p, v, "'use' must name at least one request %s",
			    p->where);
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++)
			add_use(p, ph, kind, scenario_node(p, *it), names, n);
	} else if (v != NULL)
		add_use(p, ph, kind, v, names, n);
	if (ph->flow != 0 && ph->nuse > 0)
		scenario_err(p, v, "'use' mixes flow '%s' with requests %s; a "
		    "phase runs one flow or requests", names[scn->nrequests +
		    ph->flow - 1], p->where);
	free(names);
	/* A request 'use' names is sent whatever its weight: weight 0 only
	 * keeps it out of the phases that do not name it. */
	if (v == NULL)
		default_use(p, ph, kind, at);
}

/* A flow runs where users loop or iterations start at a rate. */
static void
check_flow_kind(struct scn_parser *p, const struct scn_phase *ph,
    yaml_node_t *use)
{
	if (ph->flow == 0 || ph->kind == SCN_SUSTAINED || ph->kind == SCN_RAMP ||
	    ph->kind == SCN_SOAK)
		return;
	scenario_err(p, use, "a %s phase cannot run a flow ('use: %s'); flows "
	    "run in sustained, ramp and soak phases %s",
	    kinds_phase_name(ph->kind), p->scn->flows[ph->flow - 1].name,
	    p->where);
}

void
scenario_use_resolve(struct scn_parser *p, struct scn_phase *ph, int kind,
    yaml_node_t *use, yaml_node_t *at)
{
	if (kind != SCN_IDLE)
		resolve_use(p, ph, kind, use, use != NULL ? use : at);
	if (kind >= 0)
		check_flow_kind(p, ph, use);
}
