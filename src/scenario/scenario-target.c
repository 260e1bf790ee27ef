/* The scenario's target, its process, and the defaults of its requests. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario-int.h"
#include "util.h"

static void
h_base_url(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_target *t = obj;
	const char *s, *flaw;

	p->base_url = v;
	if ((s = scenario_scalar(p, v, k->name, "a URL")) == NULL)
		return;
	if (p->opts != NULL && p->opts->base_url != NULL) {
		/* The command line's --base-url takes the file's place. */
		if (!scenario_is_http_url(p->opts->base_url)) {
			scenario_err(p, v, "--base-url must start with http:// or "
			    "https:// and name a host, got %s",
			    scenario_quote(p->opts->base_url));
			return;
		}
		t->base_url = xstrdup(p->opts->base_url);
		return;
	}
	if (!scenario_is_http_url(s)) {
		scenario_err(p, v, "'base_url' must start with http:// or https:// "
		    "and name a host, got %s", scenario_quote(s));
		return;
	}
	if ((flaw = scenario_url_flaw(s)) != NULL) {
		scenario_err(p, v, "'base_url' %s is not a valid URL: %s",
		    scenario_quote(s), flaw);
		return;
	}
	t->base_url = xstrdup(s);
}

#define OFF(f) offsetof(struct scn_process, f)
/* target.process, one; its name is the process name to look for. */
static const struct scn_key process_keys[] = {
	{ .name = "pid", .fn = scenario_h_pid, .off = OFF(pid), .min = 1,
	  .max = SCN_MAX_PID },
	{ .name = "pid_file", .fn = scenario_h_str, .off = OFF(pid_file) },
	{ .name = "name", .fn = scenario_h_str, .off = OFF(name) },
	{ .name = "exec", .fn = scenario_h_str, .off = OFF(exec) },
	{ .name = "ready_url", .fn = scenario_h_url, .off = OFF(ready_url) },
	{ .name = "tree", .fn = scenario_h_bool, .off = OFF(tree) },
	{ .name = "may_exit", .fn = scenario_h_bool, .off = OFF(may_exit) },
};

/* target.processes, a list; each one's name is its label. */
static const struct scn_key processes_keys[] = {
	{ .name = "name", .fn = scenario_h_str, .off = OFF(label) },
	{ .name = "pid", .fn = scenario_h_pid, .off = OFF(pid), .min = 1,
	  .max = SCN_MAX_PID },
	{ .name = "pid_file", .fn = scenario_h_str, .off = OFF(pid_file) },
	{ .name = "proc_name", .fn = scenario_h_str, .off = OFF(name) },
	{ .name = "exec", .fn = scenario_h_str, .off = OFF(exec) },
	{ .name = "ready_url", .fn = scenario_h_url, .off = OFF(ready_url) },
	{ .name = "tree", .fn = scenario_h_bool, .off = OFF(tree) },
	{ .name = "may_exit", .fn = scenario_h_bool, .off = OFF(may_exit) },
	{ .name = "health_url", .fn = scenario_h_url, .off = OFF(health_url) },
	{ .name = "metrics_url", .fn = scenario_h_url, .off = OFF(metrics_url) },
};
#undef OFF

/* Exactly one way to find the process: the keys how[] names. */
static void
one_way(struct scn_parser *p, yaml_node_t *v, const struct scn_map *m,
    const char *const *how, const char *what, bool alone_ok)
{
	yaml_node_t *first = NULL, *key;
	const char *first_name = NULL;
	size_t i;

	for (i = 0; i < 4; i++) {
		if ((key = scenario_getkey(m, how[i])) == NULL)
			continue;
		if (first == NULL) {
			first = key;
			first_name = how[i];
		} else
			scenario_err(p, scenario_later(key, first), "'%s' takes "
			    "only one of '%s', '%s', '%s' and '%s': got '%s' and "
			    "'%s'", what, how[0], how[1], how[2], how[3],
			    key->start_mark.index > first->start_mark.index ?
			    first_name : how[i], key->start_mark.index >
			    first->start_mark.index ? how[i] : first_name);
	}
	if (first == NULL && !alone_ok)
		scenario_err(p, v, "'%s' needs one of '%s', '%s', '%s' or '%s'",
		    what, how[0], how[1], how[2], how[3]);
}

static struct scn_process *
add_process(struct scn_target *t)
{
	struct scn_process *pr;

	t->processes = xreallocarray(t->processes, t->nprocesses + 1,
	    sizeof *t->processes);
	pr = &t->processes[t->nprocesses++];
	memset(pr, 0, sizeof *pr);
	return pr;
}

static void
h_process(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	static const char *const how[] = { "pid", "pid_file", "name", "exec" };
	struct scn_target *t = obj;
	struct scn_process *proc;
	struct scn_map m;

	if (v->type != YAML_MAPPING_NODE) {
		scenario_err(p, v, "'process' must be a mapping, got %s",
		    scenario_describe(v));
		return;
	}
	proc = add_process(t);
	proc->label = xstrdup("target");
	proc->pos = scenario_pos_of(v);
	scenario_walk(p, v, process_keys, LT_NELEM(process_keys), proc,
	    "in target.process", -1, &m);
	/* may_exit alone is about a process the command line names. */
	one_way(p, v, &m, how, "process", scenario_getkey(&m, "may_exit") !=
	    NULL && v->data.mapping.pairs.top - v->data.mapping.pairs.start == 1);
}

static void
h_processes(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	static const char *const how[] = { "pid", "pid_file", "proc_name",
	    "exec" };
	struct scn_target *t = obj;
	struct scn_process *proc;
	yaml_node_item_t *it;
	yaml_node_t *item;
	struct scn_map m;

	if (scenario_list_len(p, v, "processes") == 0)
		return;
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		if ((item = scenario_list_mapping(p, *it, "process")) == NULL)
			continue;
		proc = add_process(t);
		proc->pos = scenario_pos_of(item);
		scenario_walk(p, item, processes_keys,
		    LT_NELEM(processes_keys), proc, "in target.processes", -1,
		    &m);
		if (proc->label == NULL)
			scenario_err(p, item, "each of 'processes' needs a "
			    "'name', its scope in thresholds (process:NAME)");
		one_way(p, item, &m, how, "processes", false);
	}
}

static void
h_metrics(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_target *t = obj;
	yaml_node_item_t *it;
	yaml_node_t *item;
	const char *s, *c;

	if (v->type == YAML_SCALAR_NODE && !scenario_is_null(v)) {
		scenario_err(p, v, "'metrics' must be a list of metric names, got %s"
		    " (write [%s])", scenario_describe(v),
		    (const char *)v->data.scalar.value);
		return;
	}
	if (v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.start == v->data.sequence.items.top) {
		scenario_err(p, v, "'metrics' must be a non-empty list of metric "
		    "names, got %s", scenario_describe(v));
		return;
	}
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		item = scenario_node(p, *it);
		if ((s = scenario_scalar(p, item, "metrics", "a list of metric "
		    "names")) == NULL)
			continue;
		for (c = s; *c != '\0'; c++) {
			if (!(*c == '_' || *c == ':' ||
			    (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			    (c != s && *c >= '0' && *c <= '9')))
				break;
		}
		if (*s == '\0' || *c != '\0') {
			scenario_err_in(p, item, (size_t)(c - s), "%s is not a "
			    "metric name (letters, digits, '_' and ':')",
			    scenario_quote(s));
			continue;
		}
		t->metrics = xreallocarray(t->metrics, t->nmetrics + 1,
		    sizeof *t->metrics);
		t->metrics[t->nmetrics++] = xstrdup(s);
	}
}

#define OFF(f) offsetof(struct scn_target, f)
static const struct scn_key target_keys[] = {
	{ .name = "base_url", .fn = h_base_url },
	{ .name = "process", .fn = h_process },
	{ .name = "processes", .fn = h_processes },
	{ .name = "health_url", .fn = scenario_h_url, .off = OFF(health_url) },
	{ .name = "health_interval", .fn = scenario_h_duration,
	  .off = OFF(health_interval_us), .min = SCN_MIN_DURATION_US,
	  .max = SCN_MAX_DURATION_US },
	{ .name = "metrics_url", .fn = scenario_h_url, .off = OFF(metrics_url) },
	{ .name = "metrics", .fn = h_metrics },
};
#undef OFF

static void
join_target_url(struct scn_parser *p, yaml_node_t *v, const char *key,
    char **url)
{
	char *joined;

	if (v == NULL || *url == NULL || **url != '/')
		return;
	if (p->scn->target.base_url == NULL) {
		if (p->base_url == NULL)
			scenario_err(p, v, "'%s' is a path, which needs 'base_url' "
			    "in target", key);
		return;
	}
	joined = scenario_join_url(p->scn->target.base_url, *url, NULL);
	free(*url);
	*url = joined;
}

/* The processes' URLs may be paths, joined to base_url as the target's. */
static void
join_process_urls(struct scn_parser *p, const struct scn_map *m)
{
	struct scn_target *t = &p->scn->target;
	yaml_node_t *v = scenario_get(m, "process"), *item;
	size_t i;

	if (v == NULL)
		v = scenario_get(m, "processes");
	for (i = 0; v != NULL && i < t->nprocesses; i++) {
		item = v->type == YAML_SEQUENCE_NODE ? scenario_node(p,
		    v->data.sequence.items.start[i]) : v;
		join_target_url(p, scenario_peek(p, item, "ready_url"),
		    "ready_url", &t->processes[i].ready_url);
		join_target_url(p, scenario_peek(p, item, "health_url"),
		    "health_url", &t->processes[i].health_url);
		join_target_url(p, scenario_peek(p, item, "metrics_url"),
		    "metrics_url", &t->processes[i].metrics_url);
	}
}

/* A process's name is a scope: one process each. */
static void
check_labels(struct scn_parser *p)
{
	const struct scn_target *t = &p->scn->target;
	size_t i, j;

	for (i = 0; i < t->nprocesses; i++)
		for (j = 0; j < i && t->processes[i].label != NULL; j++)
			if (t->processes[j].label != NULL &&
			    strcmp(t->processes[i].label,
			    t->processes[j].label) == 0) {
				scenario_errors_add(p->errs, p->file,
				    t->processes[i].pos.line,
				    t->processes[i].pos.col, "duplicate process "
				    "name %s (first used on line %d)",
				    scenario_quote(t->processes[i].label),
				    t->processes[j].pos.line);
				break;
			}
}

void
scenario_parse_target(struct scn_parser *p, yaml_node_t *node)
{
	struct scn_target *t = &p->scn->target;
	struct scn_map m;

	t->health_interval_us = 1000000;
	if (node->type != YAML_MAPPING_NODE) {
		scenario_err(p, node, "'target' must be a mapping, got %s",
		    scenario_describe(node));
		return;
	}
	t->pos = scenario_pos_of(node);
	scenario_walk(p, node, target_keys, LT_NELEM(target_keys), t, "in target",
	    -1, &m);
	join_target_url(p, scenario_get(&m, "health_url"), "health_url",
	    &t->health_url);
	join_target_url(p, scenario_get(&m, "metrics_url"), "metrics_url",
	    &t->metrics_url);
	if (scenario_get(&m, "process") != NULL &&
	    scenario_get(&m, "processes") != NULL)
		scenario_err(p, scenario_getkey(&m, "processes"), "give "
		    "'process' (one) or 'processes' (a list), not both");
	join_process_urls(p, &m);
	check_labels(p);
	if (scenario_get(&m, "metrics") != NULL && scenario_get(&m, "metrics_url") == NULL)
		scenario_err(p, scenario_getkey(&m, "metrics"), "'metrics' needs "
		    "'metrics_url' in target");
}

static void
h_http_version(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_defaults *d = obj;
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "1.1 or 2")) == NULL)
		return;
	if (strcmp(s, "1.1") == 0)
		d->http_version = 11;
	else if (strcmp(s, "2") == 0 || strcmp(s, "2.0") == 0)
		d->http_version = 20;
	else
		scenario_err(p, v, "'http_version' must be 1.1 or 2, got %s",
		    scenario_quote(s));
}

const char *const scenario_transport_names[SCN__TRANSPORT_COUNT] = {
	[SCN_TRANSPORT_AUTO] = "auto",
	[SCN_TRANSPORT_RAW] = "raw",
	[SCN_TRANSPORT_CURL] = "curl",
};

static void
h_transport(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_defaults *d = obj;
	const char *s;
	size_t i;

	if ((s = scenario_scalar(p, v, k->name, "raw, curl or auto")) == NULL)
		return;
	for (i = 0; i < SCN__TRANSPORT_COUNT; i++)
		if (strcmp(s, scenario_transport_names[i]) == 0) {
			d->transport = (enum scn_transport)i;
			return;
		}
	scenario_err(p, v, "'transport' must be raw, curl or auto, got %s",
	    scenario_quote(s));
}

static void
h_source_addresses(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, void *obj)
{
	struct scn_defaults *d = obj;
	unsigned char buf[sizeof(struct in6_addr)];
	yaml_node_item_t *it;
	yaml_node_t *item;
	const char *s;
	size_t n;

	if ((n = scenario_list_len(p, v, k->name)) == 0)
		return;
	d->source_addresses = xcalloc(n, sizeof *d->source_addresses);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	    it++) {
		item = scenario_node(p, *it);
		if ((s = scenario_scalar(p, item, k->name, "an IP address")) == NULL)
			continue;
		if (inet_pton(AF_INET, s, buf) != 1 &&
		    inet_pton(AF_INET6, s, buf) != 1) {
			scenario_err(p, item, "'source_addresses' takes IP "
			    "addresses such as 127.0.0.2, got %s",
			    scenario_quote(s));
			continue;
		}
		d->source_addresses[d->nsource_addresses++] = xstrdup(s);
	}
}

static void
h_default_headers(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, void *obj)
{
	scenario_parse_headers(p, v, &((struct scn_defaults *)obj)->headers,
	    "in defaults");
}

static void
h_default_checks(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, void *obj)
{
	struct scn_defaults *d = obj;

	scenario_parse_checks(p, v, &d->checks, &d->nchecks, "in defaults");
}

#define OFF(f) offsetof(struct scn_defaults, f)
static const struct scn_key defaults_keys[] = {
	{ .name = "timeout", .fn = scenario_h_duration, .off = OFF(timeout_us),
	  .min = SCN_MIN_DURATION_US, .max = SCN_MAX_DURATION_US },
	{ .name = "connect_timeout", .fn = scenario_h_duration,
	  .off = OFF(connect_timeout_us), .min = SCN_MIN_DURATION_US,
	  .max = SCN_MAX_DURATION_US },
	{ .name = "headers", .fn = h_default_headers },
	{ .name = "http_version", .fn = h_http_version },
	{ .name = "insecure_tls", .fn = scenario_h_bool, .off = OFF(insecure_tls) },
	{ .name = "transport", .fn = h_transport },
	{ .name = "source_addresses", .fn = h_source_addresses },
	{ .name = "expect_status", .fn = scenario_h_status,
	  .off = OFF(expect_status) },
	{ .name = "rate_limit_status", .fn = scenario_h_status,
	  .off = OFF(rate_limit_status) },
	{ .name = "checks", .fn = h_default_checks },
	{ .name = "max_body", .fn = scenario_h_size, .off = OFF(max_body),
	  .min = 1, .max = SCN_MAX_BODY },
};
#undef OFF

/* The mappings this part reads, for loadtop --list-keys. */
const struct scn_key_table scenario_target_tables[] = {
	{ "target", target_keys, LT_NELEM(target_keys) },
	{ "target.process", process_keys, LT_NELEM(process_keys) },
	{ "target.processes[]", processes_keys, LT_NELEM(processes_keys) },
	{ "defaults", defaults_keys, LT_NELEM(defaults_keys) },
	{ NULL, NULL, 0 }
};

void
scenario_parse_defaults(struct scn_parser *p, yaml_node_t *node)
{
	struct scn_defaults *d = &p->scn->defaults;
	struct scn_map m;
	int c;

	d->timeout_us = 30 * 1000000LL;
	d->connect_timeout_us = 10 * 1000000LL;
	d->http_version = 11;
	d->max_body = SCN_MAX_BODY_DEFAULT;
	for (c = 200; c <= 399; c++)
		d->expect_status.bits[c / 64] |= (uint64_t)1 << (c % 64);
	d->rate_limit_status.bits[429 / 64] |= (uint64_t)1 << (429 % 64);
	if (node == NULL)
		return;
	if (node->type != YAML_MAPPING_NODE) {
		scenario_err(p, node, "'defaults' must be a mapping, got %s",
		    scenario_describe(node));
		return;
	}
	scenario_walk(p, node, defaults_keys, LT_NELEM(defaults_keys), d,
	    "in defaults", -1, &m);
	if (d->transport == SCN_TRANSPORT_RAW && d->http_version == 20)
		scenario_err(p, scenario_getkey(&m, "transport"), "transport "
		    "raw speaks HTTP/1.1 only: for 'http_version: 2' use "
		    "transport curl or auto");
}
