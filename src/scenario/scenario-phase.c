/* The scenario's phases: kinds, the keys each kind takes, the stages of
 * ramps and of connections phases. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scenario-int.h"
#include "suggest.h"
#include "units.h"
#include "util.h"

#define B (1u << SCN_BURST)
#define S (1u << SCN_SUSTAINED)
#define R (1u << SCN_RAMP)
#define K (1u << SCN_SOAK)
#define L (1u << SCN_LEAK)
#define X (1u << SCN_RATE_LIMIT)
#define I (1u << SCN_IDLE)
#define C (1u << SCN_CONNECTIONS)

static void
h_think_time(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_phase *ph = obj;

	scenario_think_time(p, k, v, &ph->think_time_us, &ph->think_time_max_us);
}

#define OFF(f) offsetof(struct scn_phase, f)
static const struct scn_key phase_keys[] = {
	{ .name = "name", .fn = scenario_h_str, .off = OFF(name) },
	{ .name = "kind" },
	{ .name = "use" },
	{ .name = "requests", .fn = scenario_h_u64, .off = OFF(requests),
	  .min = 1, .max = SCN_MAX_PHASE_REQUESTS, .kinds = B|L|X },
	{ .name = "concurrency", .fn = scenario_h_uint, .off = OFF(concurrency),
	  .min = 1, .max = SCN_MAX_CONCURRENCY, .kinds = B|L|X },
	{ .name = "duration", .fn = scenario_h_duration, .off = OFF(duration_us),
	  .min = SCN_MIN_DURATION_US, .max = SCN_MAX_DURATION_US,
	  .kinds = S|K|I|C },
	{ .name = "rate", .fn = scenario_h_rate, .off = OFF(rate),
	  .min = SCN_MIN_RATE, .max = SCN_MAX_RATE, .kinds = S|K|X },
	{ .name = "users", .fn = scenario_h_uint, .off = OFF(users),
	  .min = 1, .max = SCN_MAX_USERS, .kinds = S|K },
	{ .name = "think_time", .fn = h_think_time, .off = OFF(think_time_us),
	  .min = 0, .max = SCN_MAX_DURATION_US, .kinds = S|K|R },
	{ .name = "connections", .fn = scenario_h_uint, .off = OFF(connections),
	  .min = 1, .max = SCN_MAX_CONNECTIONS, .kinds = S|K|R|C },
	{ .name = "stages", .kinds = R|C },
	{ .name = "start_rate", .fn = scenario_h_rate, .off = OFF(rate),
	  .min = 0, .max = SCN_MAX_RATE, .kinds = R },
	{ .name = "start_users", .fn = scenario_h_uint, .off = OFF(users),
	  .min = 0, .max = SCN_MAX_USERS, .kinds = R },
	{ .name = "batches", .fn = scenario_h_uint, .off = OFF(batches),
	  .min = 1, .max = SCN_MAX_PHASE_REQUESTS, .kinds = L },
	{ .name = "settle", .fn = scenario_h_duration, .off = OFF(settle_us),
	  .min = 0, .max = SCN_MAX_DURATION_US, .kinds = L },
	{ .name = "expect_allowed", .fn = scenario_h_i64, .off = OFF(expect_allowed),
	  .min = 0, .max = SCN_MAX_PHASE_REQUESTS, .kinds = X },
	{ .name = "expect_limited", .fn = scenario_h_i64, .off = OFF(expect_limited),
	  .min = 0, .max = SCN_MAX_PHASE_REQUESTS, .kinds = X },
	{ .name = "connect_rate", .fn = scenario_h_rate, .off = OFF(connect_rate),
	  .min = 0, .max = SCN_MAX_RATE, .kinds = C },
	{ .name = "reconnect", .fn = scenario_h_bool, .off = OFF(reconnect),
	  .kinds = C },
	{ .name = "reconnect_delay", .fn = scenario_h_duration,
	  .off = OFF(reconnect_delay_us), .min = 0, .max = SCN_MAX_DURATION_US,
	  .kinds = C },
};
#undef OFF

#define OFF(f) offsetof(struct scn_stage, f)
static const struct scn_key stage_keys[] = {
	{ .name = "name", .fn = scenario_h_str, .off = OFF(name) },
	{ .name = "duration", .fn = scenario_h_duration, .off = OFF(duration_us),
	  .min = SCN_MIN_DURATION_US, .max = SCN_MAX_DURATION_US },
	{ .name = "rate", .fn = scenario_h_rate, .off = OFF(rate),
	  .min = 0, .max = SCN_MAX_RATE, .kinds = R },
	{ .name = "users", .fn = scenario_h_uint, .off = OFF(users),
	  .min = 0, .max = SCN_MAX_USERS, .kinds = R },
	{ .name = "spawn_rate", .fn = scenario_h_rate, .off = OFF(spawn_rate),
	  .min = SCN_MIN_RATE, .max = SCN_MAX_USERS, .kinds = R },
	{ .name = "connections", .fn = scenario_h_uint, .off = OFF(connections),
	  .min = 0, .max = SCN_MAX_CONNECTIONS, .kinds = C },
};
#undef OFF

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_phase_tables[] = {
	{ "phases[]", phase_keys, LT_NELEM(phase_keys) },
	{ "phases[].stages[]", stage_keys, LT_NELEM(stage_keys) },
	{ NULL, NULL, 0 }
};

/* Exactly one of rate and users; returns the model, NONE when neither. */
static enum scn_model
rate_or_users(struct scn_parser *p, const struct scn_map *m, const char *what)
{
	yaml_node_t *rk = scenario_getkey(m, "rate"), *uk = scenario_getkey(m, "users");

	if (rk != NULL && uk != NULL) {
		scenario_err(p, scenario_later(rk, uk), "'rate' (open model) and "
		    "'users' (closed model) cannot both be given %s", what);
		return SCN_MODEL_NONE;
	}
	if (rk != NULL)
		return SCN_MODEL_OPEN;
	if (uk != NULL)
		return SCN_MODEL_CLOSED;
	return SCN_MODEL_NONE;
}

/*
 * Locust's stage, {users: N, spawn_rate: R/s}: the users change at R a
 * second from where the last stage left them, so the stage lasts
 * |N - before| / R.  A hold is a stage of its own, with a duration.
 */
static void
spawn_length(struct scn_parser *p, const struct scn_map *m,
    const struct scn_phase *ph, struct scn_stage *st, const char *where)
{
	yaml_node_t *k = scenario_getkey(m, "spawn_rate");
	unsigned before = st > ph->stages ? st[-1].users : ph->users;
	double d;

	if (scenario_getkey(m, "duration") != NULL) {
		scenario_err(p, k, "give 'duration' or 'spawn_rate' %s, not "
		    "both: to hold the users, add a stage with a duration",
		    where);
		return;
	}
	if (scenario_getkey(m, "users") == NULL) {
		scenario_err(p, k, "'spawn_rate' goes with 'users' %s", where);
		return;
	}
	if (st->spawn_rate <= 0)
		return;			/* its own error is given */
	d = fabs((double)st->users - before) / st->spawn_rate;
	st->duration_us = (int64_t)llround(d * 1e6);
}

/* What the stages of one phase said so far. */
struct stage_walk {
	size_t first;			/* ramp: the stage that set the model */
	bool incomplete;		/* a stage lacks a key it needs */
};

/* One stage after its walk, by its phase's kind; where: "in stage 2 in
 * phase 'x'". */
typedef void stage_fn(struct scn_parser *, const struct scn_map *,
    struct scn_phase *, struct scn_stage *, const char *, struct stage_walk *);

/* A ramp's stage: a duration (or Locust's spawn_rate), and a rate or
 * users, every stage in the same model. */
static void
ramp_stage(struct scn_parser *p, const struct scn_map *m, struct scn_phase *ph,
    struct scn_stage *st, const char *where, struct stage_walk *sw)
{
	yaml_node_t *key;
	enum scn_model sm;

	if (scenario_getkey(m, "spawn_rate") != NULL)
		spawn_length(p, m, ph, st, where);
	else if (scenario_getkey(m, "duration") == NULL)
		scenario_err(p, m->node, "%s needs 'duration' (or, with "
		    "'users', Locust's 'spawn_rate')", where + 3);
	sm = rate_or_users(p, m, where);
	key = scenario_getkey(m, sm == SCN_MODEL_OPEN ? "rate" : "users");
	if (sm == SCN_MODEL_NONE && scenario_getkey(m, "rate") == NULL)
		scenario_err(p, m->node, "%s needs 'rate' or 'users'", where + 3);
	else if (sm != SCN_MODEL_NONE && ph->model == SCN_MODEL_NONE) {
		ph->model = sm;
		sw->first = ph->nstages;
	} else if (sm != SCN_MODEL_NONE && sm != ph->model)
		scenario_err(p, key, "every stage must use the same model: "
		    "stage %zu has '%s' but stage %zu has '%s' %s",
		    ph->nstages, sm == SCN_MODEL_OPEN ? "rate" : "users",
		    sw->first, sm == SCN_MODEL_OPEN ? "users" : "rate", p->where);
}

/* A connections phase's stage: how many streams, held how long. */
static void
connections_stage(struct scn_parser *p, const struct scn_map *m,
    struct scn_phase *ph, struct scn_stage *st, const char *where,
    struct stage_walk *sw)
{
	if (scenario_getkey(m, "duration") == NULL)
		scenario_err(p, m->node, "%s needs 'duration'", where + 3);
	if (scenario_getkey(m, "connections") == NULL) {
		scenario_err(p, m->node, "%s needs 'connections', how many "
		    "streams it holds", where + 3);
		sw->incomplete = true;
	}
	ph->connections = LT_MAX(ph->connections, st->connections);
}

/* Each stage walked, then read by each; shape: "{duration, rate or
 * users}", what a stage looks like. */
static void
parse_stages(struct scn_parser *p, yaml_node_t *node, struct scn_phase *ph,
    stage_fn *each, const char *shape, struct stage_walk *sw)
{
	yaml_node_item_t *it;
	yaml_node_t *item;
	struct scn_stage *st;
	struct scn_map m;
	char *where;
	size_t n;

	if (node->type != YAML_SEQUENCE_NODE ||
	    node->data.sequence.items.start == node->data.sequence.items.top) {
		scenario_err(p, node, "'stages' must be a non-empty list of "
		    "%s, got %s", shape, scenario_describe(node));
		return;
	}
	n = (size_t)(node->data.sequence.items.top -
	    node->data.sequence.items.start);
	ph->stages = xcalloc(n, sizeof *ph->stages);
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++) {
		item = scenario_node(p, *it);
		st = &ph->stages[ph->nstages++];
		st->pos = scenario_pos_of(item);
		if (item->type != YAML_MAPPING_NODE) {
			scenario_err(p, item, "each stage must be a mapping "
			    "%s, got %s", shape, scenario_describe(item));
			sw->incomplete = true;
			continue;
		}
		/* p->where is "in phase 'x'": "stage 2 in phase 'x'". */
		xasprintf(&where, "in stage %zu %s", ph->nstages, p->where);
		scenario_walk(p, item, stage_keys, LT_NELEM(stage_keys), st, where,
		    (int)ph->kind, &m);
		each(p, &m, ph, st, where, sw);
		free(where);
	}
}

/* The model-only keys: think_time for users, connections for rate. */
static void
model_keys(struct scn_parser *p, const struct scn_map *m, enum scn_model model)
{
	yaml_node_t *k;

	if (model == SCN_MODEL_OPEN &&
	    (k = scenario_getkey(m, "think_time")) != NULL)
		scenario_err(p, k, "'think_time' applies to the closed model "
		    "('users'), not to 'rate', %s", p->where);
	if (model == SCN_MODEL_CLOSED &&
	    (k = scenario_getkey(m, "connections")) != NULL)
		scenario_err(p, k, "'connections' applies to the open model "
		    "('rate'), not to 'users', %s", p->where);
	if (model == SCN_MODEL_CLOSED &&
	    (k = scenario_getkey(m, "start_rate")) != NULL)
		scenario_err(p, k, "'start_rate' does not fit stages that give "
		    "'users' (use 'start_users') %s", p->where);
	if (model == SCN_MODEL_OPEN &&
	    (k = scenario_getkey(m, "start_users")) != NULL)
		scenario_err(p, k, "'start_users' does not fit stages that give "
		    "'rate' (use 'start_rate') %s", p->where);
}

static int
need(struct scn_parser *p, const struct scn_map *m, const struct scn_phase *ph,
    const char *key)
{
	if (scenario_getkey(m, key) != NULL)
		return 1;
	scenario_err(p, m->node, "phase '%s' (%s) needs '%s'", ph->name,
	    kinds_phase_name(ph->kind), key);
	return 0;
}

/*
 * Per kind: required keys, conflicts, defaults and the model.
 */
typedef void phase_check_fn(struct scn_parser *, const struct scn_map *,
    struct scn_phase *);

static void
check_burst(struct scn_parser *p, const struct scn_map *m, struct scn_phase *ph)
{
	yaml_node_t *k;

	if (!need(p, m, ph, "requests"))
		return;
	if ((k = scenario_get(m, "concurrency")) == NULL)
		ph->concurrency = (unsigned)LT_MIN(ph->requests,
		    SCN_MAX_CONCURRENCY);
	else if (ph->concurrency > ph->requests && ph->requests > 0)
		scenario_err(p, k, "'concurrency' (%u) must not exceed "
		    "'requests' (%llu) %s", ph->concurrency,
		    (unsigned long long)ph->requests, p->where);
}

/* sustained and soak: a duration, and rate or users. */
static void
check_steady(struct scn_parser *p, const struct scn_map *m, struct scn_phase *ph)
{
	need(p, m, ph, "duration");
	ph->model = rate_or_users(p, m, p->where);
	if (ph->model == SCN_MODEL_NONE && scenario_getkey(m, "rate") == NULL)
		scenario_err(p, m->node, "phase '%s' (%s) needs either 'rate' or "
		    "'users'", ph->name, kinds_phase_name(ph->kind));
	model_keys(p, m, ph->model);
}

static void
check_ramp(struct scn_parser *p, const struct scn_map *m, struct scn_phase *ph)
{
	struct stage_walk sw = { 0 };
	yaml_node_t *k, *k2;

	if (need(p, m, ph, "stages"))
		parse_stages(p, scenario_get(m, "stages"), ph, ramp_stage,
		    "{duration, rate or users}", &sw);
	if ((k = scenario_getkey(m, "start_rate")) != NULL &&
	    (k2 = scenario_getkey(m, "start_users")) != NULL)
		scenario_err(p, scenario_later(k, k2), "'start_rate' and 'start_users' "
		    "cannot both be given %s", p->where);
	model_keys(p, m, ph->model);
}

static void
check_leak(struct scn_parser *p, const struct scn_map *m, struct scn_phase *ph)
{
	yaml_node_t *k;

	if (!need(p, m, ph, "requests"))
		return;
	if ((k = scenario_get(m, "batches")) == NULL)
		ph->batches = (unsigned)LT_MIN(ph->requests, 10);
	else if (ph->batches > ph->requests && ph->requests > 0)
		scenario_err(p, k, "'batches' (%u) must not exceed 'requests' "
		    "(%llu) %s", ph->batches, (unsigned long long)ph->requests,
		    p->where);
}

/* The expected counts fit in the requests, and fill them when both are
 * given. */
static void
check_rate_limit(struct scn_parser *p, const struct scn_map *m,
    struct scn_phase *ph)
{
	yaml_node_t *k, *k2;
	long long n = (long long)ph->requests;

	if (!need(p, m, ph, "requests") || n == 0)
		return;
	k = scenario_get(m, "expect_allowed");
	k2 = scenario_get(m, "expect_limited");
	if (k != NULL && ph->expect_allowed > n)
		scenario_err(p, k, "'expect_allowed' (%lld) must not exceed "
		    "'requests' (%lld) %s", (long long)ph->expect_allowed, n,
		    p->where);
	else if (k2 != NULL && ph->expect_limited > n)
		scenario_err(p, k2, "'expect_limited' (%lld) must not exceed "
		    "'requests' (%lld) %s", (long long)ph->expect_limited, n,
		    p->where);
	else if (k != NULL && k2 != NULL && ph->expect_allowed >= 0 &&
	    ph->expect_limited >= 0 &&
	    ph->expect_allowed + ph->expect_limited != n)
		scenario_err(p, scenario_later(k, k2), "'expect_allowed' (%lld) and "
		    "'expect_limited' (%lld) must add up to 'requests' (%lld) %s",
		    (long long)ph->expect_allowed, (long long)ph->expect_limited,
		    n, p->where);
}

/*
 * connections: streams held for a duration, or stages of them.  A stage
 * holds its number from its start to its end; the streams are opened at
 * connect_rate, or closed, on the way.
 */
static void
check_connections(struct scn_parser *p, const struct scn_map *m,
    struct scn_phase *ph)
{
	yaml_node_t *st = scenario_getkey(m, "stages"), *k;
	struct stage_walk sw = { 0 };

	if (st == NULL) {
		need(p, m, ph, "connections");
		need(p, m, ph, "duration");
		return;
	}
	if ((k = scenario_getkey(m, "duration")) != NULL ||
	    (k = scenario_getkey(m, "connections")) != NULL)
		scenario_err(p, scenario_later(st, k), "'%s' and 'stages' cannot "
		    "both be given %s; each stage gives its duration and its "
		    "connections", (const char *)k->data.scalar.value, p->where);
	parse_stages(p, scenario_get(m, "stages"), ph, connections_stage,
	    "{duration, connections}", &sw);
	if (ph->nstages > 0 && ph->connections == 0 && !sw.incomplete)
		scenario_err(p, st, "every stage holds 0 connections %s; a "
		    "connections phase opens at least one", p->where);
}

/* idle: a length, and nothing to send. */
static void
check_idle(struct scn_parser *p, const struct scn_map *m, struct scn_phase *ph)
{
	yaml_node_t *k;

	need(p, m, ph, "duration");
	if ((k = scenario_getkey(m, "use")) != NULL)
		scenario_err(p, k, "an idle phase sends no requests: 'use' does "
		    "not apply %s", p->where);
}

static phase_check_fn *const kind_checks[SCN__KIND_COUNT] = {
	[SCN_BURST] = check_burst,
	[SCN_SUSTAINED] = check_steady,
	[SCN_RAMP] = check_ramp,
	[SCN_SOAK] = check_steady,
	[SCN_LEAK] = check_leak,
	[SCN_RATE_LIMIT] = check_rate_limit,
	[SCN_IDLE] = check_idle,
	[SCN_CONNECTIONS] = check_connections,
};

/* The phase's kind, or -1 (after an error if it names none). */
static int
phase_kind(struct scn_parser *p, yaml_node_t *kv)
{
	const char *s, *near;
	size_t i;

	if (kv == NULL || (s = scenario_scalar(p, kv, "kind", "a phase kind")) ==
	    NULL)
		return -1;
	for (i = 0; i < SCN__KIND_COUNT; i++) {
		if (strcmp(s, kinds_phase_names[i]) == 0)
			return (int)i;
	}
	near = suggest_closest(s, kinds_phase_names, SCN__KIND_COUNT);
	if (near != NULL)
		scenario_err(p, kv, "unknown phase kind %s (did you mean '%s'?)",
		    scenario_quote(s), near);
	else
		scenario_err(p, kv, "unknown phase kind %s (expected burst, "
		    "sustained, ramp, soak, leak, rate_limit, idle or "
		    "connections)", scenario_quote(s));
	return -1;
}

/* "in phase 'x'" for messages: by name, by kind and place, or by place. */
static char *
phase_where(struct scn_parser *p, yaml_node_t *node, int kind, size_t index)
{
	const char *name = scenario_text_of(scenario_peek(p, node, "name"));
	char *where;

	if (name != NULL)
		xasprintf(&where, "in phase %s", scenario_quote(name));
	else if (kind >= 0)
		xasprintf(&where, "in phase '%s-%zu'", kinds_phase_names[kind], index);
	else
		xasprintf(&where, "in phase %zu", index);
	return where;
}

static void
parse_phase(struct scn_parser *p, yaml_node_t *node, struct scn_phase *ph,
    size_t index)
{
	yaml_node_t *kv = scenario_peek(p, node, "kind");
	int kind = phase_kind(p, kv);
	struct scn_map m;
	char *where;

	ph->pos = scenario_pos_of(node);
	ph->expect_allowed = ph->expect_limited = -1;
	ph->settle_us = 1000000;
	if (kind == SCN_CONNECTIONS) {
		ph->reconnect = true;
		ph->reconnect_delay_us = 1000000;
	}
	p->where = where = phase_where(p, node, kind, index);
	scenario_walk(p, node, phase_keys, LT_NELEM(phase_keys), ph, where, kind, &m);
	if (kind >= 0) {
		ph->kind = (enum scn_phase_kind)kind;
		if (ph->name == NULL)
			xasprintf(&ph->name, "%s-%zu", kinds_phase_names[kind], index);
		if (ph->concurrency == 0)
			ph->concurrency = kind == SCN_LEAK ? 10 : 1;
		kind_checks[kind](p, &m, ph);
	} else if (kv == NULL)
		scenario_err(p, node, "phase needs 'kind' (burst, sustained, ramp, "
		    "soak, leak, rate_limit, idle or connections) %s", where);
	scenario_use_resolve(p, ph, kind, scenario_get(&m, "use"), node);
	p->where = NULL;
	free(where);
}

/* The first stage named name before stage k of phase i, or NULL. */
static const struct scn_stage *
stage_named_before(const struct scenario *scn, const char *name, size_t i,
    size_t k)
{
	size_t j, l;

	for (j = 0; j <= i; j++)
		for (l = 0; l < (j < i ? scn->phases[j].nstages : k); l++)
			if (scn->phases[j].stages[l].name != NULL &&
			    strcmp(scn->phases[j].stages[l].name, name) == 0)
				return &scn->phases[j].stages[l];
	return NULL;
}

/* A stage's name is a scope (stage:NAME): one stage each, scenario-wide. */
static void
check_stage_names(struct scn_parser *p)
{
	const struct scenario *scn = p->scn;
	const struct scn_stage *a, *b;
	size_t i, k;

	/* Past the limits the scenario is refused anyway: no need to
	 * compare every pair of a hundred thousand names. */
	for (i = 0; i < scn->nphases && i <= SCN_MAX_PHASES; i++)
		for (k = 0; k < scn->phases[i].nstages && k <= SCN_MAX_STAGES;
		    k++) {
			a = &scn->phases[i].stages[k];
			if (a->name == NULL || (b = stage_named_before(scn,
			    a->name, i, k)) == NULL)
				continue;
			scenario_errors_add(p->errs, p->file, a->pos.line,
			    a->pos.col, "duplicate stage name %s (first used on "
			    "line %d)", scenario_quote(a->name), b->pos.line);
		}
}

void
scenario_parse_phases(struct scn_parser *p, yaml_node_t *node)
{
	struct scenario *scn = p->scn;
	yaml_node_item_t *it;
	yaml_node_t *item;
	size_t i, j, n;

	if ((n = scenario_list_len(p, node, "phases")) == 0)
		return;
	scn->phases = xcalloc(n, sizeof *scn->phases);
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++) {
		if ((item = scenario_list_mapping(p, *it, "phase")) == NULL)
			continue;
		parse_phase(p, item, &scn->phases[scn->nphases],
		    (size_t)(it - node->data.sequence.items.start) + 1);
		scn->nphases++;
	}
	for (i = 0; i < scn->nphases && i <= SCN_MAX_PHASES; i++) {
		for (j = 0; j < i && scn->phases[i].name != NULL; j++) {
			if (scn->phases[j].name != NULL &&
			    strcmp(scn->phases[i].name, scn->phases[j].name) == 0) {
				scenario_errors_add(p->errs, p->file,
				    scn->phases[i].pos.line, scn->phases[i].pos.col,
				    "duplicate phase name %s (first used on line "
				    "%d)", scenario_quote(scn->phases[i].name),
				    scn->phases[j].pos.line);
				break;
			}
		}
	}
	check_stage_names(p);
}
