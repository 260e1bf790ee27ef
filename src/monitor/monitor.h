/*
 * The target health monitor: a sampler thread that watches the process
 * serving the load (or its whole tree) and the host, plus the health
 * poller and metrics scraper of health.h.  Everything it knows is
 * published through monitor_read(), a copy taken under the monitor's
 * mutex, so the engine, the dashboard and the reports never touch the
 * live state.
 *
 *   struct monitor_config cfg;
 *   monitor_config_default(&cfg);
 *   cfg.pid = pid;                      (from proc_find_resolve or a spawn)
 *   m = monitor_new(&cfg, &cause);
 *   monitor_start(m, &cause);
 *   ...  monitor_set_requests(m, done);  monitor_read(m, &view);
 *   monitor_view_clear(&view);
 *   monitor_free(m);                     (stops the threads)
 */
#ifndef LT_MONITOR_H
#define LT_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "monitor-view.h"

#include "health.h"
#include "leak.h"
#include "monitor-series.h"

struct procspawn;

struct monitor_config {
	pid_t pid;			/* the process, or the tree's root */
	bool tree;			/* sum the process and its descendants */
	struct procspawn *child;	/* when pid is our child: exit status */
	double sample_hz;		/* default 4 */
	size_t series_cap;		/* points kept; default 2048 */
	struct leak_params leak;
	const char *health_url;
	const char *metrics_url;
	const char *const *metrics;	/* selectors, see prom.h */
	size_t nmetrics;
	int64_t health_interval_us;	/* default 1 s */
};

struct monitor;

void	 monitor_config_default(struct monitor_config *);
struct monitor *monitor_new(const struct monitor_config *, char **cause);
/* Take the first sample and start the sampler and health threads. */
int	 monitor_start(struct monitor *, char **cause);
/* Stop the threads (idempotent); the view stays readable. */
void	 monitor_stop(struct monitor *);
void	 monitor_free(struct monitor *);

/* Take a sample now, in the caller's thread (the leak phase's batches). */
void	 monitor_sample_now(struct monitor *);
/* Scrape the metrics now, in the caller's thread: after the last phase,
 * so that the run's figures count all of it.  No-op without metrics. */
void	 monitor_scrape_now(struct monitor *);
/* The engine's count of completed requests, for the per-request fit. */
void	 monitor_set_requests(struct monitor *, uint64_t completed);

void	 monitor_read(struct monitor *, struct monitor_view *);
void	 monitor_view_clear(struct monitor_view *);
/* Copy the time series; free(*out) when done. */
size_t	 monitor_read_series(struct monitor *, struct mseries_point **out);
/* Block until the target exits or timeout_us passes; 1 if it exited. */
int	 monitor_wait_exit(struct monitor *, int64_t timeout_us);


#endif
