/* What the verdict's files share: scopes, and an unmeasured row. */
#ifndef LT_VERDICT_INT_H
#define LT_VERDICT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

/* What a threshold's scope covers in this snapshot. */
struct vscope {
	const struct snap_block *b;	/* NULL for a flow: it has none */
	const struct snap_phase *phase;	/* phase scope only */
	const struct snap_group *group;	/* group scope only */
	const struct snap_flow *flow;	/* flow scope only */
	enum lt_class cls;		/* class scope; else CLS__COUNT */
	const char *what;		/* "phase 'x'", "request 'y'", "run" */
	char label[96];
	bool over;			/* the scope's figures are final */
	bool ran;			/* it began, or still may */
	size_t index;			/* of the phase, request or stage */
	/* Phases and stages: when, in seconds since the start; ended is
	 * -1 while it runs. */
	double started, ended;
};

/* verdict-scope.c: a threshold's scope, and whether this run has it. */
void	 verdict_scope_of(const struct snapshot *, const struct threshold *,
	     struct vscope *);
bool	 verdict_scope_found(const struct vscope *);
/* Mark a row unknown, saying what was missing. */
void	 verdict_unknown(struct verdict_row *, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
/* Evaluate one threshold's metric over its scope. */
void	 verdict_eval_row(const struct snapshot *, const struct threshold *,
	     struct verdict_row *);
/* verdict-grade.c: every grade of the scenario, into v. */
void	 verdict_eval_grades(const struct snapshot *, struct verdict *);
/* verdict-target.c: a metric of the target process, and a figure of a
 * metric scraped from it. */
void	 verdict_eval_series(const struct snapshot *, const struct vscope *,
	     const struct threshold *, struct verdict_row *);
void	 verdict_eval_target(const struct snapshot *, const struct vscope *,
	     const struct threshold *, struct verdict_row *);

/* verdict-checks.c: the checks' pass rate and an outcome's count; a
 * flow's iterations; the latency and count of a class of responses. */
void	 verdict_eval_checks(const struct snapshot *, const struct vscope *,
	     const struct threshold *, struct verdict_row *);
void	 verdict_eval_outcome(const struct snapshot *, const struct vscope *,
	     const struct threshold *, struct verdict_row *);
void	 verdict_eval_flow(const struct vscope *, const struct threshold *,
	     struct verdict_row *);
void	 verdict_eval_class(const struct snapshot *, const struct vscope *,
	     const struct threshold *, struct verdict_row *);
/* A latency metric of l, or unknown when l holds nothing: none says
 * what did not happen ("no request completed in the run"). */
void	 verdict_eval_lat(const struct snap_lat *, const struct threshold *,
	     struct verdict_row *, const char *none);
/* verdict-stream.c: whether a threshold is on streams (a stream metric,
 * or a stream's latency); request's stream, NULL when it is none; the
 * metric over the scope's streams; a request's own metric asked of a
 * stream request, marked unknown with what to ask instead (false when
 * it is not that); what a rate or a percentile of a stream threshold is
 * over, for the live abort: attempts ended, or latencies measured. */
bool	 verdict_is_stream(const struct threshold *);
const struct snap_stream *verdict_stream_of(const struct snapshot *,
	     size_t request);
void	 verdict_eval_stream(const struct snapshot *, const struct vscope *,
	     const struct threshold *, struct verdict_row *);
bool	 verdict_stream_misnamed(const struct snapshot *,
	     const struct vscope *, const struct threshold *,
	     struct verdict_row *);
uint64_t verdict_stream_count(const struct snapshot *, const struct vscope *,
	     const struct threshold *);
/* What a rate or a percentile of the row is over, for the live abort:
 * requests completed, iterations ended, responses of the class, checks
 * evaluated. */
uint64_t verdict_scope_count(const struct snapshot *, const struct threshold *);

#endif
