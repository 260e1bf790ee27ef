/* What the alert rules share: their state, and the helpers that turn a
 * reading into a record (alerts.c) for the target's rules
 * (alerts-target.c). */
#ifndef LT_ALERTS_INT_H
#define LT_ALERTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "scenario.h"
#include "snapshot.h"

/* Events kept for the dashboard, newest last. */
#define RECENT_MAX 8

/* One level rule: whether it holds, and its record while it does. */
struct alert_level_state {
	bool active;
	long at;			/* index in the history; -1 not kept */
	struct alert cur;
};

/* The late-start rule's streaks, of whole intervals. */
struct late_state {
	unsigned over;			/* in a row over LATE_SOME */
	unsigned quiet;			/* in a row not, while raised */
	double over_since;		/* the start of the first over */
	double over_until;		/* the end of the last over */
	double worst;			/* the streak's, before it rises */
	double worst_t;
	char msg[160];
};

/* What the rules keep of one watched process. */
struct target_state {
	struct alert_level_state lv[ALERT__LEVELS];	/* its own kinds */
	size_t events_seen;		/* of the monitor's, dropped ones too */

	/* target_cpu: the samples read so far and the current streak. */
	int64_t cpu_seen_us;
	double cpu_prev_t;		/* end of the sample before */
	double cpu_over_since;		/* -1 when under the bound */
	double cpu_over_peak;
	double cpu_t;			/* end of the latest sample */
};

struct alerts {
	struct alert hist[ALERTS_MAX];
	size_t n;
	size_t dropped;
	struct alert_level_state lv[ALERT__LEVELS];	/* the run's kinds */
	struct late_state late;
	struct alert recent[RECENT_MAX];
	size_t nrecent;

	struct target_state procs[ALERTS_PROCS];
	unsigned proc;			/* what the alerts raised now are about */

	/* generator_cpu: our own CPU time at the last measure. */
	bool self_init;
	double self_t;
	double self_cpu_s;
};

/* A level rule's reading at time t: holds is 1 or 0, or -1 when there is
 * nothing to judge by, which changes nothing; value in the kind's unit. */
void	 alerts_level_in(struct alerts *, struct alert_level_state *,
	     enum alert_kind, double t, int holds, double value,
	     const char *msg);
/* An alert that happens at t, and is over. */
void	 alerts_event(struct alerts *, enum alert_kind, double t,
	     const char *msg);
double	 alerts_since_start(const struct snapshot *, int64_t mono_us);
const char *alerts_pct(double, char *buf, size_t len);
const char *alerts_secs(double seconds, char *buf, size_t len);

/* Every watched process, each alerted on on its own. */
void	 alerts_target_rules(struct alerts *, const struct scn_alerts *,
	     const struct snapshot *);

#endif
