/* Exact request counters of loadtop-target, for /stats and /metrics. */
#ifndef LT_TARGET_STATS_H
#define LT_TARGET_STATS_H

#include <stdint.h>

/* Outcomes of POST /webhook. */
enum target_stats_webhook {
	TSTATS_WEBHOOK_DRY_RUN,
	TSTATS_WEBHOOK_IGNORED,
	TSTATS_WEBHOOK_INVALID_SIGNATURE,
	TSTATS_WEBHOOK_INVALID_PAYLOAD,
	TSTATS_WEBHOOK_RATE_LIMITED,
	TSTATS_WEBHOOK_NOUTCOMES
};

/* Outcomes of POST /login: a token, a malformed body, a failure on purpose. */
enum target_stats_login {
	TSTATS_LOGIN_OK,
	TSTATS_LOGIN_BAD_REQUEST,
	TSTATS_LOGIN_INJECTED,
	TSTATS_LOGIN_NOUTCOMES
};

/* Outcomes of GET /me. */
enum target_stats_me {
	TSTATS_ME_OK,
	TSTATS_ME_UNAUTHORIZED,
	TSTATS_ME_NOUTCOMES
};

struct target_stats_path;

void		 target_stats_init(void);
void		 target_stats_free(void);

/*
 * The counters of a request path (without the query).  Distinct paths
 * beyond a fixed number, or very long ones, share the key "(other)".
 * Never NULL; the result stays valid until target_stats_free.
 */
struct target_stats_path *target_stats_path(const char *path);
/* Count one answered request. */
void		 target_stats_count(struct target_stats_path *, unsigned int status);
void		 target_stats_webhook(enum target_stats_webhook);
void		 target_stats_login(enum target_stats_login);
void		 target_stats_me(enum target_stats_me);
/* A token forgotten to make room for a newer one. */
void		 target_stats_token_forgotten(void);
void		 target_stats_inflight(int delta);
int		 target_stats_inflight_count(void);

/* Zero every counter (paths stay known, gauges are untouched). */
void		 target_stats_reset(void);

/* Allocated renderings: JSON for /stats, Prometheus text for /metrics. */
char		*target_stats_json(uint64_t leaked_bytes);
char		*target_stats_prometheus(uint64_t leaked_bytes);

#endif
