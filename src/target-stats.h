/* Exact request counters of loadtop-target, for /stats and /metrics. */
#ifndef LT_TARGET_STATS_H
#define LT_TARGET_STATS_H

#include <stdint.h>

/* Outcomes of POST /webhook. */
enum tstats_webhook {
	TSTATS_WEBHOOK_DRY_RUN,
	TSTATS_WEBHOOK_IGNORED,
	TSTATS_WEBHOOK_INVALID_SIGNATURE,
	TSTATS_WEBHOOK_INVALID_PAYLOAD,
	TSTATS_WEBHOOK_RATE_LIMITED,
	TSTATS_WEBHOOK_NOUTCOMES
};

struct tstats_path;

void		 tstats_init(void);
void		 tstats_free(void);

/*
 * The counters of a request path (without the query).  Distinct paths
 * beyond a fixed number, or very long ones, share the key "(other)".
 * Never NULL; the result stays valid until tstats_free.
 */
struct tstats_path *tstats_path(const char *path);
/* Count one answered request. */
void		 tstats_count(struct tstats_path *, unsigned int status);
void		 tstats_webhook(enum tstats_webhook);
const char	*tstats_webhook_name(enum tstats_webhook);
void		 tstats_inflight(int delta);
int		 tstats_inflight_count(void);

/* Zero every counter (paths stay known, gauges are untouched). */
void		 tstats_reset(void);

/* Allocated renderings: JSON for /stats, Prometheus text for /metrics. */
char		*tstats_json(uint64_t leaked_bytes);
char		*tstats_prometheus(uint64_t leaked_bytes);

#endif
