/*
 * Health poller and metrics scraper: one thread that, every interval,
 * GETs health_url (up when it answers 200-399 within the timeout) and
 * metrics_url (Prometheus text, fed to a prom_watch).  Either URL may be
 * NULL.  Results are read with health_read() under the poller's mutex.
 * The scrapes' figures cover the run from the first, which health_start
 * takes before it returns, to the latest (see prom-watch.h).
 */
#ifndef LT_HEALTH_H
#define LT_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor-view.h"

#include "prom.h"

struct health_config {
	const char *health_url;
	const char *metrics_url;
	const char *const *metrics;	/* selectors, see prom.h */
	size_t nmetrics;
	int64_t interval_us;		/* 0: 1 s */
	int64_t timeout_us;		/* 0: min(interval, 2 s) */
	/* Called from the poller thread on every up/down transition. */
	void (*on_change)(void *arg, bool up, int64_t t_us, const char *why);
	void *arg;
};

struct health;

struct health *health_new(const struct health_config *, char **cause);
/* Take the first scrape, in the caller's thread, and start the poller. */
int	 health_start(struct health *, char **cause);
/* Scrape now, in the caller's thread: the run's last figures.  After a
 * scrape the poller may be taking, never at the same time. */
void	 health_scrape_now(struct health *);
/* Stop and join the thread; idempotent. */
void	 health_stop(struct health *);
void	 health_free(struct health *);
/* Copy the current state; release with health_view_clear. */
void	 health_read(struct health *, struct health_view *);
void	 health_view_clear(struct health_view *);

#endif
