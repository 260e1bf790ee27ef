/*
 * The fixed limits of the scenario format.  Each value below has one
 * entry in the table of scenario-limits.c, which says what it limits and
 * where; the key tables take their maxima from these values, the
 * validator checks the counts, loadtop-scenario(5) lists the table under
 * LIMITS, and a test holds the table and the manual together.
 */
#ifndef LT_SCENARIO_LIMITS_H
#define LT_SCENARIO_LIMITS_H

#include <stddef.h>

/* Values, in the model's units. */
#define SCN_MAX_DURATION_US (30LL * 86400 * 1000000)	/* 30 days */
#define SCN_MAX_RATE 10000000.0				/* per second */
#define SCN_MAX_USERS 100000
#define SCN_MAX_CONCURRENCY 100000
#define SCN_MAX_CONNECTIONS 100000
#define SCN_MAX_PHASE_REQUESTS 1000000000ULL
#define SCN_MAX_WEIGHT 1000000
#define SCN_MAX_PID 4194304				/* Linux's own */
#define SCN_MAX_CPU_PERCENT 100000.0			/* a thousand cores */
#define SCN_MAX_BODY (64LL * 1024 * 1024)		/* a view's bytes */
#define SCN_MAX_MESSAGE (64LL * 1024 * 1024)		/* a stream's message */
#define SCN_MAX_REPEAT 1000000
#define SCN_MAX_FILE (8LL * 1024 * 1024)		/* the YAML itself */
#define SCN_MAX_BODY_FILE (64LL * 1024 * 1024)		/* a request body */
/* libyaml's scanner takes time in the square of the depth of flow
 * collections: 5,000 levels cost a second, 50,000 minutes. */
#define SCN_MAX_DEPTH 64

/* Counts of things a scenario lists. */
/* Requests and phases cost memory for the whole run: each request keeps
 * its own histograms in every thread and in the engine (260 MB at 1000
 * requests on two threads), each phase a histogram (150 MB at 1000). */
#define SCN_MAX_REQUESTS 1000
#define SCN_MAX_PHASES 1000
#define SCN_MAX_STAGES 10000
#define SCN_MAX_HEADERS 1000
#define SCN_MAX_USE 10000
#define SCN_MAX_THRESHOLDS 10000
#define SCN_MAX_METRICS 1000
#define SCN_MAX_PROCESSES 64
/* Each check is counted in every thread; each variable is kept, up to
 * SCN_VAR_MAX bytes, by every virtual user. */
#define SCN_MAX_CHECKS 1000
#define SCN_MAX_VARS 256
#define SCN_MAX_FLOWS 1000
#define SCN_MAX_STEPS 10000

enum scn_limit_id {
	SCN_LIMIT_DURATION,
	SCN_LIMIT_RATE,
	SCN_LIMIT_USERS,
	SCN_LIMIT_CONCURRENCY,
	SCN_LIMIT_CONNECTIONS,
	SCN_LIMIT_PHASE_REQUESTS,
	SCN_LIMIT_WEIGHT,
	SCN_LIMIT_PID,
	SCN_LIMIT_CPU_PERCENT,
	SCN_LIMIT_BODY,
	SCN_LIMIT_MESSAGE,
	SCN_LIMIT_REPEAT,
	SCN_LIMIT_REQUESTS,
	SCN_LIMIT_PHASES,
	SCN_LIMIT_STAGES,
	SCN_LIMIT_HEADERS,
	SCN_LIMIT_USE,
	SCN_LIMIT_THRESHOLDS,
	SCN_LIMIT_PROCESSES,
	SCN_LIMIT_METRICS,
	SCN_LIMIT_CHECKS,
	SCN_LIMIT_VARS,
	SCN_LIMIT_FLOWS,
	SCN_LIMIT_STEPS,
	SCN_LIMIT_FILE,
	SCN_LIMIT_BODY_FILE,
	SCN_LIMIT_DEPTH,
	SCN__LIMIT_COUNT
};

struct scn_limit {
	const char *what;		/* what it limits */
	const char *keys;		/* the YAML keys it applies to */
	double max;			/* in the model's unit */
	double per_unit;		/* model units per unit (0: 1) */
	const char *unit;		/* of max / per_unit; may be "" */
};

/* The table, SCN__LIMIT_COUNT entries indexed by scn_limit_id. */
const struct scn_limit *scenario_limits_table(void);
/* "30 days", "10000 stages": a limit's value as the manual writes it. */
char	*scenario_limits_format(const struct scn_limit *, double value,
	     char *buf, size_t len);

#endif
