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
