/*
 * The values of the scenario format: one handler per kind of value, for
 * the key tables, each checking the value against its key's bounds.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario-walk.h"
#include "units.h"
#include "util.h"

static int
get_int(struct scn_parser *p, const yaml_node_t *node, const char *key,
    long long min, long long max, long long *out)
{
	const char *s;
	char *end;
	long long v;

	if ((s = scenario_scalar(p, node, key, "an integer")) == NULL)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || isspace((u_char)*s)) {
		scenario_err(p, node, "'%s' must be an integer, got %s", key,
		    scenario_quote(s));
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		scenario_err(p, node, "'%s' must be between %lld and %lld, got %s",
		    key, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

bool
scenario_is_http_url(const char *s)
{
	const char *host;

	if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return false;
	return *host != '\0' && *host != '/';
}

bool
scenario_is_token(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((u_char)*s) && strchr("!#$%&'*+-.^_`|~", *s) == NULL)
			return false;
	}
	return true;
}

void
scenario_h_str(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "text")) == NULL)
		return;
	if (*s == '\0') {
		scenario_err(p, v, "'%s' must not be empty", k->name);
		return;
	}
	*SCN_FIELD(obj, k, char *) = xstrdup(s);
}

void
scenario_h_bool(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "true or false")) == NULL)
		return;
	if (strcasecmp(s, "true") == 0)
		*SCN_FIELD(obj, k, bool) = true;
	else if (strcasecmp(s, "false") == 0)
		*SCN_FIELD(obj, k, bool) = false;
	else
		scenario_err(p, v, "'%s' must be true or false, got %s", k->name,
		    scenario_quote(s));
}

void
scenario_h_uint(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (get_int(p, v, k->name, k->min, k->max, &n) == 0)
		*SCN_FIELD(obj, k, unsigned) = (unsigned)n;
}

void
scenario_h_u64(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (get_int(p, v, k->name, k->min, k->max, &n) == 0)
		*SCN_FIELD(obj, k, uint64_t) = (uint64_t)n;
}

void
scenario_h_i64(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (get_int(p, v, k->name, k->min, k->max, &n) == 0)
		*SCN_FIELD(obj, k, int64_t) = n;
}

void
scenario_h_pid(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	long long n;

	if (get_int(p, v, k->name, 1, 4194304, &n) == 0)
		*SCN_FIELD(obj, k, pid_t) = (pid_t)n;
}

static void
duration(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj, bool zero_ok)
{
	const char *s;
	char *cause = NULL;
	int64_t us;

	if ((s = scenario_scalar(p, v, k->name, "a duration such as 5s")) == NULL)
		return;
	if (units_parse_duration(s, &us, &cause) != 0) {
		free(cause);
		scenario_err(p, v, "'%s' must be a duration such as 250ms, 5s or "
		    "2m, got %s", k->name, scenario_quote(s));
		return;
	}
	if ((zero_ok ? us < 0 : us <= 0) || us > SCN_MAX_DURATION_US) {
		scenario_err(p, v, "'%s' must be %s and at most 30 days, got %s",
		    k->name, zero_ok ? "0 or more" : "more than 0", s);
		return;
	}
	*SCN_FIELD(obj, k, int64_t) = us;
}

void
scenario_h_duration(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	duration(p, k, v, obj, false);
}

void
scenario_h_duration0(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	duration(p, k, v, obj, true);
}

static void
rate(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj, bool zero_ok)
{
	const char *s;
	char *cause = NULL;
	double r;

	if ((s = scenario_scalar(p, v, k->name, "a rate such as 100/s")) == NULL)
		return;
	if (units_parse_rate(s, &r, &cause) != 0) {
		free(cause);
		scenario_err(p, v, "'%s' must be a rate such as 100/s, got %s",
		    k->name, scenario_quote(s));
		return;
	}
	if (!(zero_ok ? r >= 0 : r > 0) || r > SCN_MAX_RATE) {
		scenario_err(p, v, "'%s' must be %s and at most 10000000/s, got %s",
		    k->name, zero_ok ? "0 or more" : "more than 0", s);
		return;
	}
	*SCN_FIELD(obj, k, double) = r;
}

void
scenario_h_rate(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	rate(p, k, v, obj, false);
}

void
scenario_h_rate0(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	rate(p, k, v, obj, true);
}

/* An absolute http(s) URL, or a path joined to base_url later. */
void
scenario_h_url(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	const char *s;

	if ((s = scenario_scalar(p, v, k->name, "a URL")) == NULL)
		return;
	if (*s != '/' && !scenario_is_http_url(s)) {
		scenario_err(p, v, "'%s' must be an http:// or https:// URL or a "
		    "path starting with '/', got %s", k->name, scenario_quote(s));
		return;
	}
	*SCN_FIELD(obj, k, char *) = xstrdup(s);
}

static void
status_set(struct scn_status_set *set, int lo, int hi)
{
	int c;

	for (c = lo; c <= hi; c++)
		set->bits[c / 64] |= (uint64_t)1 << (c % 64);
}

/* One status item: 200, "2xx" or "200-299". */
static int
status_item(const char *s, int *lo, int *hi)
{
	char *end;
	long a, b;

	if (strlen(s) == 3 && s[0] >= '1' && s[0] <= '5' &&
	    strcasecmp(s + 1, "xx") == 0) {
		*lo = (s[0] - '0') * 100;
		*hi = *lo + 99;
		return 0;
	}
	if (!isdigit((u_char)*s))
		return -1;
	a = strtol(s, &end, 10);
	b = a;
	if (*end == '-') {
		s = end + 1;
		if (!isdigit((u_char)*s))
			return -1;
		b = strtol(s, &end, 10);
	}
	if (*end != '\0' || a < 100 || b > 599 || a > b)
		return -1;
	*lo = (int)a;
	*hi = (int)b;
	return 0;
}

void
scenario_h_status(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	struct scn_status_set set = { .given = true };
	yaml_node_item_t *it;
	yaml_node_t *item;
	const char *s;
	int lo, hi, bad = 0;

	if (v->type == YAML_SEQUENCE_NODE) {
		if (v->data.sequence.items.start == v->data.sequence.items.top) {
			scenario_err(p, v, "'%s' must list at least one status",
			    k->name);
			return;
		}
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			item = scenario_node(p, *it);
			if (item->type != YAML_SCALAR_NODE ||
			    status_item((const char *)item->data.scalar.value,
			    &lo, &hi) != 0) {
				scenario_err(p, item, "'%s' must list status codes "
				    "(100-599) or classes such as 2xx, got %s",
				    k->name, scenario_describe(item));
				bad = 1;
				continue;
			}
			status_set(&set, lo, hi);
		}
		if (!bad)
			*SCN_FIELD(obj, k, struct scn_status_set) = set;
		return;
	}
	if ((s = scenario_scalar(p, v, k->name, "a status code such as 200, a "
	    "class such as 2xx or a list of those")) == NULL)
		return;
	if (status_item(s, &lo, &hi) != 0) {
		scenario_err(p, v, "'%s' must be a status code (100-599), a class "
		    "such as 2xx or a list of those, got %s", k->name,
		    scenario_quote(s));
		return;
	}
	status_set(&set, lo, hi);
	*SCN_FIELD(obj, k, struct scn_status_set) = set;
}

/* base_url + path, without doubling the slash. */
char *
scenario_join_url(const char *base, const char *path, size_t *baselen)
{
	size_t n = strlen(base);
	char *s;

	while (n > 0 && base[n - 1] == '/')
		n--;
	xasprintf(&s, "%.*s%s", (int)n, base, path);
	if (baselen != NULL)
		*baselen = n;
	return s;
}
