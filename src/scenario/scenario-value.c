/*
 * The values of the scenario format: one handler per kind of value, for
 * the key tables, each checking the value against its key's bounds.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
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

/* Whether s is SCHEME://HOST... with a scheme of the pair (plain, its
 * TLS form: http and https, ws and wss). */
static bool
url_of(const char *s, const char *plain, const char *tls)
{
	size_t np = strlen(plain), nt = strlen(tls);
	const char *host;

	if (strncasecmp(s, plain, np) == 0 && strncmp(s + np, "://", 3) == 0)
		host = s + np + 3;
	else if (strncasecmp(s, tls, nt) == 0 && strncmp(s + nt, "://", 3) == 0)
		host = s + nt + 3;
	else
		return false;
	return *host != '\0' && *host != '/';
}

bool
scenario_is_http_url(const char *s)
{
	return url_of(s, "http", "https");
}

bool
scenario_is_ws_url(const char *s)
{
	return url_of(s, "ws", "wss");
}

/* The port after a host's ':', from 1 to 65535; n is its length. */
static bool
port_ok(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return false;
	for (i = 0; i < n; i++) {
		if (!isdigit((u_char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

const char *
scenario_text_flaw(const char *s)
{
	for (; *s != '\0'; s++)
		if ((u_char)*s <= ' ' || *s == 0x7f)
			return "it holds a space or a control character";
	return NULL;
}

const char *
scenario_url_flaw(const char *s)
{
	const char *a = strstr(s, "://"), *host, *end, *c;

	if ((c = scenario_text_flaw(s)) != NULL)
		return c;
	if (a == NULL)
		return NULL;
	host = a + 3;
	end = host + strcspn(host, "/?#");
	if ((c = memchr(host, '@', (size_t)(end - host))) != NULL)
		host = c + 1;
	/* A templated authority is only known once rendered. */
	if (memmem(host, (size_t)(end - host), "${", 2) != NULL)
		return NULL;
	if (*host == '[') {
		if ((c = memchr(host, ']', (size_t)(end - host))) == NULL)
			return "its IPv6 address lacks the closing ']'";
		c++;
	} else if ((c = memchr(host, ':', (size_t)(end - host))) == NULL)
		c = end;
	if (c == host)
		return "it names no host";
	if (c < end && (*c != ':' || !port_ok(c + 1, (size_t)(end - c - 1))))
		return "its port is not a number from 1 to 65535";
	return NULL;
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

	if (get_int(p, v, k->name, k->min, k->max, &n) == 0)
		*SCN_FIELD(obj, k, pid_t) = (pid_t)n;
}

/* The lower bound of a key in words; least is the smallest value above
 * 0 that the kind of value has, so that min = least means "more than 0". */
static const char *
lower_bound(double min, double least, const char *formatted, char *buf,
    size_t len)
{
	if (min <= 0)
		return "0 or more";
	if (min <= least)
		return "more than 0";
	snprintf(buf, len, "at least %s", formatted);
	return buf;
}

/* A bound in days when it is whole days, as limits are. */
static char *
duration_bound(int64_t us, char *buf, size_t len)
{
	const int64_t day = 86400LL * 1000000;

	if (us >= day && us % day == 0)
		snprintf(buf, len, "%lld day%s", (long long)(us / day),
		    us == day ? "" : "s");
	else
		units_format_duration(us, buf, len);
	return buf;
}

/* A duration from k->min to k->max microseconds. */
void
scenario_h_duration(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	char lo[64], lotext[80], hi[64];
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
	if (us < k->min || us > k->max) {
		duration_bound((int64_t)k->min, lo, sizeof lo);
		scenario_err(p, v, "'%s' must be %s and at most %s, got %s",
		    k->name, lower_bound(k->min, SCN_MIN_DURATION_US, lo, lotext,
		    sizeof lotext), duration_bound((int64_t)k->max, hi,
		    sizeof hi), s);
		return;
	}
	*SCN_FIELD(obj, k, int64_t) = us;
}

/* One think time, or a range "1s..3s" drawn from uniformly, into *lo
 * and *hi: a phase's, a flow's or a step's. */
void
scenario_think_time(struct scn_parser *p, const struct scn_key *k,
    yaml_node_t *v, int64_t *lo, int64_t *hi)
{
	struct scn_key one = *k;
	const char *s, *dots;
	char *low, *cause = NULL;
	int64_t a, b;

	if ((s = scenario_scalar(p, v, k->name, "a duration such as 1s, or a "
	    "range such as 1s..3s")) == NULL)
		return;
	if ((dots = strstr(s, "..")) == NULL) {
		one.off = 0;
		scenario_h_duration(p, &one, v, lo);
		*hi = *lo;
		return;
	}
	low = xstrndup(s, (size_t)(dots - s));
	if (units_parse_duration(low, &a, &cause) != 0 ||
	    units_parse_duration(dots + 2, &b, &cause) != 0 || a > b ||
	    b > (int64_t)k->max)
		scenario_err(p, v, "'%s' must be a duration such as 1s or a "
		    "range LOW..HIGH such as 1s..3s (LOW at most HIGH, HIGH at "
		    "most 30 days), got %s", k->name, scenario_quote(s));
	else {
		*lo = a;
		*hi = b;
	}
	free(cause);
	free(low);
}

/* A size from k->min to k->max bytes. */
void
scenario_h_size(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	char lo[64], lotext[80], hi[64];
	const char *s;
	char *cause = NULL;
	int64_t bytes;

	if ((s = scenario_scalar(p, v, k->name, "a size such as 64KB")) == NULL)
		return;
	if (units_parse_size(s, &bytes, &cause) != 0) {
		free(cause);
		scenario_err(p, v, "'%s' must be a size such as 512B, 64KB or "
		    "1MB, got %s", k->name, scenario_quote(s));
		return;
	}
	if (bytes < k->min || bytes > k->max) {
		units_format_size((int64_t)k->min, lo, sizeof lo);
		/* A max past any size written is no bound worth saying. */
		if (k->max >= SCN_SIZE_UNBOUNDED)
			scenario_err(p, v, "'%s' must be %s, got %s", k->name,
			    lower_bound(k->min, 1, lo, lotext, sizeof lotext), s);
		else
			scenario_err(p, v, "'%s' must be %s and at most %s, got %s",
			    k->name, lower_bound(k->min, 1, lo, lotext,
			    sizeof lotext), units_format_size((int64_t)k->max, hi,
			    sizeof hi), s);
		return;
	}
	*SCN_FIELD(obj, k, int64_t) = bytes;
}

/* Whether s writes a rate of 0 ("0", "0.0/s"), which units_parse_rate
 * refuses: the zero read as a 1 must make a valid rate. */
static bool
zero_rate(const char *s)
{
	size_t n = strspn(s, "0."), i, dots = 0;
	char *one, *cause = NULL;
	double r;
	bool valid;

	for (i = 0; i < n; i++)
		dots += s[i] == '.';
	if (s[0] != '0' || dots > 1 || isdigit((u_char)s[n]))
		return false;
	xasprintf(&one, "1%s", s + n);
	valid = units_parse_rate(one, &r, &cause) == 0;
	free(cause);
	free(one);
	return valid;
}

/* A rate from k->min to k->max requests per second; 0 only if min is. */
void
scenario_h_rate(struct scn_parser *p, const struct scn_key *k, yaml_node_t *v,
    void *obj)
{
	char num[64], lo[80], lotext[96], hi[64];
	const char *s;
	char *cause = NULL;
	double r;

	if ((s = scenario_scalar(p, v, k->name, "a rate such as 100/s")) == NULL)
		return;
	if (zero_rate(s))
		r = 0;
	else if (units_parse_rate(s, &r, &cause) != 0) {
		free(cause);
		if (units_has_exponent(s))
			scenario_err(p, v, "'%s' must be a rate such as 100/s, "
			    "got %s: write the number in digits (at most %s/s)",
			    k->name, scenario_quote(s), units_format_number(
			    k->max, 3, hi, sizeof hi));
		else
			scenario_err(p, v, "'%s' must be a rate such as 100/s, "
			    "got %s", k->name, scenario_quote(s));
		return;
	}
	if (r < k->min || r > k->max) {
		snprintf(lo, sizeof lo, "%s/s", units_format_number(k->min, 3,
		    num, sizeof num));
		scenario_err(p, v, "'%s' must be %s and at most %s/s, got %s",
		    k->name, lower_bound(k->min, SCN_MIN_RATE, lo, lotext,
		    sizeof lotext), units_format_number(k->max, 3, hi, sizeof hi),
		    s);
		return;
	}
	*SCN_FIELD(obj, k, double) = r;
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
