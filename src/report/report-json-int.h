/* What the two halves of report.json share: its figures as JSON values,
 * and the watched processes' objects (report-json-target.c). */
#ifndef LT_REPORT_JSON_INT_H
#define LT_REPORT_JSON_INT_H

#include <math.h>
#include <stdint.h>

#include <jansson.h>

#include "report-int.h"

/* A number; null when it is not finite (JSON has no NaN). */
static inline json_t *
jreal(double d)
{
	return isfinite(d) ? json_real(d) : json_null();
}

static inline json_t *
jint(uint64_t n)
{
	return json_integer((json_int_t)n);
}

static inline json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* A latency's figures in ms ("latency_ms"); the figures every block
 * has (requests, rps, error_rate, classes, latency_ms, ...). */
json_t	*report_json_lat(const struct snap_lat *);
json_t	*report_json_block(const struct snap_block *);

/* report-json-checks.c: {passed, failed, rate}; the checks, each with
 * its request; a request's group, statuses, checks and outcomes, into
 * its object; the failures list; the flows; the groups. */
json_t	*report_json_checks_total(uint64_t passed, uint64_t failed);
json_t	*report_json_checks(const struct snapshot *);
void	 report_json_request_checks(json_t *, const struct snap_request *);
json_t	*report_json_failures(const struct snapshot *);
json_t	*report_json_flows(const struct snapshot *);
json_t	*report_json_groups(const struct snapshot *);

/* report-json-streams.c: the stream requests, an object each. */
json_t	*report_json_streams(const struct snapshot *);

/* A leak fit: verdict, reason, slopes, the saw-tooth and plateau. */
json_t	*report_json_fit(const struct leak_fit *);
/* Watched process proc, as the "target" object has it. */
json_t	*report_json_target(const struct report_ctx *, size_t proc);
/* Every watched process: name, may_exit, the fields of "target" and
 * its samples as "timeseries". */
json_t	*report_json_processes(const struct report_ctx *);
/* The samples of watched process proc (empty when there is none). */
json_t	*report_json_series(const struct snapshot *, size_t proc);

#endif
