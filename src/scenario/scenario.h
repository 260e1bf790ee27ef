/*
 * The scenario model: what a YAML scenario file (format version 1) says,
 * parsed and validated.  The parser fills it; the engine, the monitor and
 * the reports only read it.  Units are normalised at parse time:
 *   durations  int64_t microseconds
 *   rates      double requests per second
 *   sizes      int64_t bytes
 * Every element keeps the position it came from so that checks made later
 * (at run time) can still report FILE:LINE:COL.
 */
#ifndef LT_SCENARIO_H
#define LT_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "kinds.h"
#include "template.h"
#include "threshold.h"

struct scn_pos {
	int line;			/* 1-based; 0 when not from a file */
	int col;			/* 1-based */
};

/* A set of HTTP status codes 100..599; empty means "not given here". */
struct scn_status_set {
	bool given;
	uint64_t bits[10];		/* bit (code - 0) of codes 0..639 */
};

static inline bool
scn_status_has(const struct scn_status_set *s, int code)
{
	if (code < 0 || code >= 640)
		return false;
	return (s->bits[code / 64] >> (code % 64)) & 1;
}

struct scn_header {
	char *name;
	char *value;			/* template text */
	struct tmpl *tmpl;		/* compiled value */
	struct scn_pos pos;
};

struct scn_headers {
	struct scn_header *v;
	size_t n;
};

/* sign: {hmac_sha256: {secret_env, header, prefix}} */
struct scn_sign {
	char *secret_env;		/* name of the variable holding the key */
	char *header;			/* default "X-Signature" */
	char *prefix;			/* default "sha256=" */
	char *secret;			/* set by scenario_bind_env; never print */
	size_t secret_len;
	struct scn_pos pos;		/* of secret_env's value */
};

/* What a check, an outcome or a capture reads of a response. */
enum scn_probe {
	SCN_PROBE_JSON,			/* an RFC 6901 pointer into the body */
	SCN_PROBE_HEADER,		/* a response header, by name */
	SCN_PROBE_BODY,			/* the body's bytes */
};

enum scn_check_op {
	SCN_CHECK_EXISTS,		/* json, header */
	SCN_CHECK_EQUALS,		/* json: values[0] */
	SCN_CHECK_IN,			/* json: one of values */
	SCN_CHECK_MATCHES,		/* json, header; body: body_matches */
	SCN_CHECK_CONTAINS,		/* body: body_contains values[0] */
	SCN_CHECK_MAX_BODY,		/* body: at most max_body bytes in all */
};

/*
 * One check of a response; all of a request's must hold, or it is
 * check_failed.  A json value compares as text: a string by its
 * content, a number numerically when the value is one, true, false and
 * null by those words.  Patterns are POSIX EREs, validated at load; the
 * engine compiles its own copy per thread (glibc's regexec locks).
 */
struct scn_check {
	char *name;			/* shown: its `name:`, else its text */
	enum scn_probe probe;
	char *path;			/* pointer or header name; NULL: body */
	enum scn_check_op op;
	char **values;			/* equals, contains: 1; in: n */
	size_t nvalues;
	char *pattern;			/* matches */
	int64_t max_body;		/* SCN_CHECK_MAX_BODY */
	bool absent;			/* exists: false */
	struct scn_pos pos;
};

/*
 * A value taken from a response, for an outcome or a capture: the json
 * value's text or the header's value, cut to group 1 of pattern (the
 * whole match without a group) when there is one; body_matches: group 1
 * of pattern in the body.  Absent: no value (an outcome of "(none)").
 */
struct scn_extract {
	enum scn_probe probe;
	char *path;			/* pointer or header name; NULL: body */
	char *pattern;			/* NULL: the value whole */
	struct scn_pos pos;
};

/* capture: {NAME: EXTRACT}: a variable of the virtual user. */
struct scn_capture {
	char *var;
	size_t var_index;		/* into scenario.vars */
	struct scn_extract from;
};

/* websocket: a long-lived connection of a connections phase. */
enum scn_ws_reply {
	SCN_WS_REPLY_NONE,		/* messages are not matched */
	SCN_WS_REPLY_ECHO,		/* the next message answers the oldest
					 * unanswered one */
	SCN_WS_REPLY_FIELD,		/* json:POINTER: the message whose field
					 * holds the same value */
};

struct scn_websocket {
	char *on_open;			/* template text, sent once; NULL none */
	struct tmpl *on_open_tmpl;
	char *send;			/* template text of each message; NULL:
					 * listen only */
	struct tmpl *send_tmpl;
	double message_rate;		/* a connection's, per second; 0 none */
	enum scn_ws_reply reply;	/* default echo when send is given */
	char *reply_field;		/* SCN_WS_REPLY_FIELD: the pointer */
	int64_t ping_interval_us;	/* 0: no pings */
	int64_t pong_timeout_us;	/* a ping unanswered this long drops the
					 * connection (timeout); default 10s */
	int64_t max_message;		/* bytes; default 1MB: past it the
					 * message is counted, the connection
					 * closed (too_big) */
	struct scn_pos pos;		/* of the websocket: key */
};

/* sse: a text/event-stream body read as it comes. */
struct scn_sse {
	bool resume;			/* Last-Event-ID on reconnect; default
					 * true */
	int64_t first_event_timeout_us;	/* no event this long: timeout;
					 * default 10s */
	int64_t idle_timeout_us;	/* between events; 0: none (default) */
	int64_t max_event;		/* bytes; default 1MB (too_big) */
	struct scn_pos pos;		/* of the sse: key */
};

#define SCN_MAX_BODY_DEFAULT 65536	/* bytes a response view keeps */
#define SCN_VAR_MAX 4096		/* bytes a captured value keeps */

struct scn_request {
	char *name;			/* default: "METHOD path" */
	char *method;			/* default "GET", upper case */
	char *url;			/* template text: absolute, base_url + path */
	struct tmpl *url_tmpl;
	struct scn_headers headers;	/* request's own, defaults merged in */
	char *body;			/* inline template text, or file bytes */
	size_t body_len;
	struct tmpl *body_tmpl;		/* NULL for body_file (sent verbatim) */
	char *body_file;		/* path as written, resolved at load */
	unsigned weight;		/* default 1 */
	struct scn_status_set expect_status; /* merged with defaults */
	struct scn_sign *sign;		/* NULL when unsigned */
	/* Checks: the defaults' first, then its own; check_base is the
	 * index of checks[0] among all the scenario's (scenario.nchecks). */
	struct scn_check *checks;
	size_t nchecks;
	size_t check_base;
	struct scn_extract *outcome;	/* NULL: none */
	struct scn_capture *captures;
	size_t ncaptures;
	int64_t max_body;		/* body bytes a view keeps */
	char *group;			/* NULL: none */
	size_t group_index;		/* into scenario.groups */
	/* A stream, for connections phases only (and only they use them):
	 * at most one of the two; the URL may be ws:// or wss://. */
	struct scn_websocket *websocket;
	struct scn_sse *sse;
	struct scn_pos pos;
};

/* A step of a flow: a request, sent repeat times in a row, with a
 * think time after each (the flow's when it gives none). */
struct scn_step {
	size_t request;			/* index into requests */
	unsigned repeat;		/* default 1 */
	int64_t think_time_us;		/* at least; 0 none */
	int64_t think_time_max_us;	/* at most: uniform between */
	struct scn_pos pos;
};

/* flows: ordered steps a virtual user runs, an iteration at a time.  A
 * user's captured variables are cleared as each iteration starts. */
struct scn_flow {
	char *name;			/* a scope: NAME.iteration.p95 */
	struct scn_step *steps;
	size_t nsteps;
	int64_t think_time_us;		/* steps' default */
	int64_t think_time_max_us;
	struct scn_pos pos;
};

enum scn_model {
	SCN_MODEL_NONE,			/* burst, leak: count driven */
	SCN_MODEL_OPEN,			/* rate: starts on a schedule */
	SCN_MODEL_CLOSED,		/* users: N loops */
};

struct scn_stage {
	char *name;			/* a scope, stage:NAME; NULL: none */
	int64_t duration_us;
	double rate;			/* open model */
	unsigned users;			/* closed model */
	double spawn_rate;		/* users a second, for its length */
	unsigned connections;		/* connections phases */
	struct scn_pos pos;
};

struct scn_phase {
	char *name;
	enum scn_phase_kind kind;
	enum scn_model model;
	int64_t duration_us;		/* sustained, soak */
	double rate;			/* sustained, soak, rate_limit (0 = max) */
	unsigned users;			/* sustained, soak */
	int64_t think_time_us;		/* closed model; at least */
	int64_t think_time_max_us;	/* at most: uniform between the two */
	unsigned connections;		/* open model pool; 0 = automatic;
					 * connections phases: the streams
					 * (with stages: the most a stage
					 * holds) */
	uint64_t requests;		/* burst, leak, rate_limit */
	unsigned concurrency;		/* burst (default requests), leak, rate_limit */
	unsigned batches;		/* leak, default 10 */
	int64_t settle_us;		/* leak, default 1s */
	int64_t expect_allowed;		/* rate_limit; -1 unset */
	int64_t expect_limited;		/* rate_limit; -1 unset */
	/* connections phases: `connections` streams of its use's stream
	 * requests (spread by weight), opened at connect_rate (0: at once),
	 * held for duration, then closed cleanly (1000); or stages, each
	 * holding scn_stage.connections for its duration, reached as it
	 * starts by opening at connect_rate or closing the newest first. */
	double connect_rate;
	bool reconnect;			/* default true */
	int64_t reconnect_delay_us;	/* default 1s */
	struct scn_stage *stages;	/* ramp */
	size_t nstages;
	size_t *use;			/* indexes into requests; NULL = all
					 * (a phase without 'use' lists those
					 * of its sort, streams or not, when
					 * the scenario has both) */
	size_t nuse;
	/* use: FLOW: 1 + its index (users run it, or it starts at the
	 * rate; think_time is then between iterations); 0: requests. */
	size_t flow;
	struct scn_pos pos;
};

/* A process to watch, found by one of pid, pid_file, name or exec. */
struct scn_process {
	char *label;			/* in reports and scopes (process:NAME) */
	pid_t pid;			/* 0 = not given */
	char *pid_file;
	char *name;			/* the process name to look for */
	char *exec;
	char *ready_url;
	bool tree;
	bool may_exit;			/* its exit neither fails nor ends the run */
	char *health_url;		/* its own, else the target's */
	char *metrics_url;
	struct scn_pos pos;
};

/* Grades, best first; a metric is graded by the first bound it meets. */
enum scn_grade_level {
	GRADE_EXCELLENT,
	GRADE_GOOD,
	GRADE_ACCEPTABLE,
	GRADE_POOR,
	GRADE__COUNT,			/* fail_below: none */
};
#define SCN_GRADE_BOUNDS GRADE_POOR	/* excellent, good, acceptable */

struct scn_grade {
	struct threshold t;		/* the metric and its scope */
	double bound[SCN_GRADE_BOUNDS];	/* in the metric's canonical unit */
	bool higher_better;		/* the bounds go down, as for rps */
	enum scn_grade_level fail_below;	/* worse than this fails */
};

const char *scenario_grade_name(enum scn_grade_level);

struct scn_target {
	char *base_url;
	/* process: (one) or processes: (a list); the first is the one the
	 * unscoped target metrics and the dashboard's overview show. */
	struct scn_process *processes;
	size_t nprocesses;
	char *health_url;
	int64_t health_interval_us;	/* default 1s */
	char *metrics_url;
	char **metrics;
	size_t nmetrics;
	struct scn_pos pos;
};

/* Who speaks HTTP: loadtop's own HTTP/1.1 loop on connections libcurl
 * makes, libcurl's transfers, or the first wherever it applies. */
enum scn_transport {
	SCN_TRANSPORT_AUTO,
	SCN_TRANSPORT_RAW,
	SCN_TRANSPORT_CURL,
};
#define SCN__TRANSPORT_COUNT (SCN_TRANSPORT_CURL + 1)
extern const char *const scenario_transport_names[SCN__TRANSPORT_COUNT];

struct scn_defaults {
	int64_t timeout_us;		/* default 30s */
	int64_t connect_timeout_us;	/* default 10s */
	struct scn_headers headers;
	int http_version;		/* 11 or 20, default 11 */
	bool insecure_tls;
	enum scn_transport transport;	/* default auto */
	/* Local addresses new connections bind, in turn; none: any. */
	char **source_addresses;
	size_t nsource_addresses;
	struct scn_status_set expect_status; /* default 200-399 */
	struct scn_status_set rate_limit_status; /* default 429 */
	struct scn_check *checks;	/* every request's first checks */
	size_t nchecks;
	int64_t max_body;		/* default SCN_MAX_BODY_DEFAULT */
};

/* alerts: the rules of alerts.h.  A negative bound turns its rule off. */
struct scn_alerts {
	double target_cpu;		/* percent of one core, default 80% */
	int64_t target_cpu_for_us;	/* over it this long, default 10s */
	int64_t mem_growth;		/* bytes of RSS since start, default 50MB */
	double error_rate;		/* percent of the interval, default 5% */
	int64_t p95_us;			/* the interval's p95, default 500ms */
	double generator_cpu;		/* loadtop, percent of one core, 90% */
	bool late_starts;		/* schedule not kept, default true */
	struct scn_pos pos;
};

/* The file name of a scenario the command line made (an ad-hoc run):
 * its errors name no line and column, which nobody wrote. */
#define SCN_ADHOC_FILE "<command line>"

struct scenario {
	char *file;			/* path as given */
	char *dir;			/* directory body_file is relative to */
	int version;
	char *name;
	char *description;
	struct scn_target target;
	struct scn_defaults defaults;
	struct scn_request *requests;
	size_t nrequests;
	struct scn_phase *phases;
	size_t nphases;
	struct scn_flow *flows;
	size_t nflows;
	size_t nchecks;			/* over all requests */
	char **vars;			/* captured variables, by var_index */
	size_t nvars;
	char **groups;			/* requests' groups, by group_index */
	size_t ngroups;
	struct threshold *thresholds;
	size_t nthresholds;
	struct scn_grade *grades;
	size_t ngrades;
	bool abort_on_fail;
	struct scn_alerts alerts;
	struct scn_srcmap *srcmap;	/* private: where templates came from */
};

/* One diagnostic, printed as FILE:LINE:COL: message. */
struct scn_error {
	char *file;
	int line;
	int col;
	char *msg;
};

struct scn_errors {
	struct scn_error *v;
	size_t n;
};

/*
 * Parse and validate a scenario file.  Returns 0 and sets *out, or -1 with
 * at least one entry in errs (every problem found, in file order).
 */
int	 scenario_load(const char *path, struct scenario **out,
	     struct scn_errors *errs);
/* The same from memory; path is used in messages and for body_file. */
int	 scenario_load_buffer(const char *path, const char *buf, size_t len,
	     struct scenario **out, struct scn_errors *errs);
void	 scenario_free(struct scenario *);
/* Every key the parser accepts, one a line, as where.key
 * ("requests[].websocket.max_message"), from its tables of keys. */
void	 scenario_keys_print(FILE *);

/* What the command line changes while a scenario is loaded. */
struct scn_load_opts {
	const char *base_url;		/* replaces target.base_url */
};
int	 scenario_load_opts(const char *path, const struct scn_load_opts *,
	     struct scenario **out, struct scn_errors *errs);

/* The length of a URL's "scheme://authority", 0 when it has none. */
size_t	 scenario_url_origin_len(const char *url);
/* Why transport raw cannot send to url (a templated host, credentials),
 * or NULL: the one rule for the parser and the engine. */
const char *scenario_raw_unfit(const char *url);
/* Whether transport raw, if the scenario asks for it, can send every
 * request; each that it cannot is an error. */
int	 scenario_check_transport(const struct scenario *, struct scn_errors *);
/* Whether a loadtop whose libcurl speaks WebSocket or not (have_ws;
 * curl_version: its version) can open the scenario's streams: each
 * websocket: request is an error without it.  The loader asks on its
 * own build's behalf. */
int	 scenario_check_streams(const struct scenario *, bool have_ws,
	     const char *curl_version, struct scn_errors *);
void	 scenario_errors_add(struct scn_errors *, const char *file, int line,
	     int col, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	 scenario_errors_print(FILE *, const struct scn_errors *);
/* "FILE:LINE:COL: message" (an ad-hoc run's "loadtop: message"),
 * allocated: one line of scenario_errors_print. */
char	*scenario_error_format(const struct scn_error *);
void	 scenario_errors_clear(struct scn_errors *);

/*
 * Whether a scenario keeps to the format's limits (scenario-limits.h,
 * loadtop-scenario(5)): for one built without the parser, which checks
 * them itself.  Returns 0, or -1 with *cause "FILE:LINE:COL: message"
 * about the first limit exceeded (allocated).
 */
int	 scenario_check_limits(const struct scenario *, char **cause);

/*
 * Add thresholds from the command line (--threshold) to a loaded
 * scenario, their scopes resolved as the file's are.  Returns -1 with
 * *cause ("--threshold 'EXPR': column N: ...") on the first bad one.
 */
int	 scenario_add_thresholds(struct scenario *, char *const *exprs,
	     size_t n, char **cause);

/* The alert rules when the scenario says nothing of them. */
void	 scenario_alerts_default(struct scn_alerts *);

/*
 * Bind run-time values (${env:NAME}, HMAC secrets) to the compiled
 * templates.  Fails with FILE:LINE:COL errors naming the unset variable.
 */
int	 scenario_bind_env(struct scenario *, struct scn_errors *);

/* Whether the scenario holds a secret: an ${env:} or ${var:}, a captured
 * variable or an HMAC key.  Its reports are then kept from other users. */
bool	 scenario_holds_secrets(const struct scenario *);

#endif
