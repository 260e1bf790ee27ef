/* What the verdict's files share: scopes, and an unmeasured row. */
#ifndef LT_VERDICT_INT_H
#define LT_VERDICT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "verdict.h"

/* What a threshold's scope covers in this snapshot. */
struct vscope {
	const struct snap_block *b;
	const struct snap_phase *phase;	/* phase scope only */
	const char *what;		/* "phase 'x'", "request 'y'", "run" */
	char label[96];
	bool over;			/* the scope's figures are final */
	bool ran;			/* it began, or still may */
	size_t index;			/* of the phase, request or stage */
	/* Phases and stages: when, in seconds since the start; ended is
	 * -1 while it runs. */
	double started, ended;
};

void	 verdict_scope_of(const struct snapshot *, const struct threshold *,
	     struct vscope *);
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

#endif
