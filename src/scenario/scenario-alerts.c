/* The scenario's alert rules: every key optional, each one can be off. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario-int.h"
#include "units.h"
#include "util.h"

void
scenario_alerts_default(struct scn_alerts *a)
{
	memset(a, 0, sizeof *a);
	a->target_cpu = 80;
	a->target_cpu_for_us = 10 * 1000000LL;
	a->mem_growth = 50 * 1048576LL;
	a->error_rate = 5;
	a->p95_us = 500 * 1000LL;
	a->generator_cpu = 90;
	a->late_starts = true;
}

/* The value's text, NULL after an error; *off when it says "off". */
static const char *
rule_value(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    const char *expected, bool *off)
{
	const char *s;

	*off = false;
	if ((s = scenario_scalar(p, v, k->name, expected)) == NULL)
		return NULL;
	if (strcasecmp(s, "off") == 0 || strcasecmp(s, "false") == 0) {
		*off = true;
		return NULL;
	}
	return s;
}

static void
h_percent(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;
	char *cause = NULL;
	double pct;
	bool off;

	if ((s = rule_value(p, k, v, "a percentage such as 80% or off",
	    &off)) == NULL) {
		if (off)
			*SCN_FIELD(obj, k, double) = -1;
		return;
	}
	if (units_parse_percent(s, &pct, &cause) != 0) {
		scenario_err(p, v, "'%s' must be a percentage such as 80%% or off: "
		    "%s", k->name, cause);
		free(cause);
		return;
	}
	if (pct < k->min || pct > k->max) {
		scenario_err(p, v, "'%s' must be between %g%% and %g%%, got %s",
		    k->name, k->min, k->max, s);
		return;
	}
	*SCN_FIELD(obj, k, double) = pct;
}

static void
h_size(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;
	char *cause = NULL;
	int64_t bytes;
	bool off;

	if ((s = rule_value(p, k, v, "a size such as 50MB or off",
	    &off)) == NULL) {
		if (off)
			*SCN_FIELD(obj, k, int64_t) = -1;
		return;
	}
	if (units_parse_size(s, &bytes, &cause) != 0) {
		scenario_err(p, v, "'%s' must be a size such as 50MB or off: %s",
		    k->name, cause);
		free(cause);
		return;
	}
	*SCN_FIELD(obj, k, int64_t) = bytes;
}

static void
h_duration_off(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, void *obj)
{
	bool off;

	if (rule_value(p, k, v, "a duration such as 500ms or off",
	    &off) == NULL) {
		if (off)
			*SCN_FIELD(obj, k, int64_t) = -1;
		return;
	}
	scenario_h_duration(p, k, v, obj);
}

/* How long target_cpu must hold: 0 raises at once; off is not a length. */
static void
h_cpu_for(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	bool off;

	if (rule_value(p, k, v, "a duration such as 10s", &off) == NULL) {
		if (off)
			scenario_err(p, v, "'%s' must be a duration such as 10s (0 "
			    "for at once); to turn the rule off, write "
			    "'target_cpu: off'", k->name);
		return;
	}
	scenario_h_duration(p, k, v, obj);
}

static void
h_switch(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "true, false, on or off")) == NULL)
		return;
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "on") == 0)
		*SCN_FIELD(obj, k, bool) = true;
	else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "off") == 0)
		*SCN_FIELD(obj, k, bool) = false;
	else
		scenario_err(p, v, "'%s' must be true, false, on or off, got %s",
		    k->name, scenario_quote(s));
}

#define OFF(f) offsetof(struct scn_alerts, f)
static const struct scn_key alert_keys[] = {
	{ .name = "target_cpu", .fn = h_percent, .off = OFF(target_cpu),
	  .min = 0, .max = SCN_MAX_CPU_PERCENT },
	{ .name = "target_cpu_for", .fn = h_cpu_for, .off = OFF(target_cpu_for_us),
	  .min = 0, .max = SCN_MAX_DURATION_US },
	{ .name = "mem_growth", .fn = h_size, .off = OFF(mem_growth) },
	{ .name = "error_rate", .fn = h_percent, .off = OFF(error_rate),
	  .min = 0, .max = 100 },
	{ .name = "p95", .fn = h_duration_off, .off = OFF(p95_us),
	  .min = SCN_MIN_DURATION_US, .max = SCN_MAX_DURATION_US },
	{ .name = "generator_cpu", .fn = h_percent, .off = OFF(generator_cpu),
	  .min = 0, .max = SCN_MAX_CPU_PERCENT },
	{ .name = "late_starts", .fn = h_switch, .off = OFF(late_starts) },
};
#undef OFF

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_alerts_tables[] = {
	{ "alerts", alert_keys, LT_NELEM(alert_keys) },
	{ NULL, NULL, 0 }
};

/* Defaults first, whether or not the file has the key. */
void
scenario_parse_alerts(struct scn_parser *p, yaml_node_t *node)
{
	struct scn_alerts *a = &p->scn->alerts;
	struct scn_map m;

	scenario_alerts_default(a);
	if (node == NULL)
		return;
	a->pos = scenario_pos_of(node);
	if (node->type == YAML_SCALAR_NODE && !scenario_is_null(node) &&
	    strcasecmp((const char *)node->data.scalar.value, "off") == 0) {
		a->target_cpu = a->error_rate = a->generator_cpu = -1;
		a->mem_growth = a->p95_us = -1;
		a->late_starts = false;
		return;
	}
	if (node->type != YAML_MAPPING_NODE) {
		scenario_err(p, node, "'alerts' must be a mapping of rules such as "
		    "'p95: 500ms', or off, got %s", scenario_describe(node));
		return;
	}
	scenario_walk(p, node, alert_keys, LT_NELEM(alert_keys), a, "in alerts",
	    -1, &m);
}
