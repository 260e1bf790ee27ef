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
 *   cfg.pid = pid;                      (from procfind_resolve or a spawn)
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

enum monitor_event_kind {
	MON_EV_START,			/* watching began */
	MON_EV_EXIT,			/* the target exited */
	MON_EV_PID_REUSED,		/* the PID now names another process */
	MON_EV_WORKER_EXIT,		/* tree mode: a descendant went away */
	MON_EV_WORKER_START,		/* tree mode: a descendant appeared */
	MON_EV_PROC_ERROR,		/* /proc could not be read */
	MON_EV_PROC_OK,			/* ... and can be again */
	MON_EV_HEALTH_DOWN,
	MON_EV_HEALTH_UP,
	MON_EV_SATURATED,		/* loadtop itself is CPU bound */
};

struct monitor_event {
	int64_t t_us;			/* monotonic */
	enum monitor_event_kind kind;
	pid_t pid;
	int status;			/* wait status; -1 when unknown */
	char msg[160];			/* one line for humans */
};

/* One sample, as the sampler took it. */
struct monitor_sample {
	int64_t t_us;
	double cpu;			/* 100 = one core */
	double cpu_norm;		/* 100 = all cores */
	int64_t rss;			/* bytes */
	int64_t vsz;
	int threads;
	int fds;			/* -1 when unreadable */
	int nprocs;
	double host_cpu;		/* 100 = all cores */
	int64_t host_mem_available;
	int64_t host_mem_total;
	double load[3];
	double self_cpu;		/* loadtop, 100 = one core */
	uint64_t requests;		/* completed, as last told */
};

struct monitor_stats {
	uint64_t nsamples;
	int64_t t_start_us;
	int64_t t_last_us;
	double cpu_avg;
	double cpu_max;
	int64_t rss_start;
	int64_t rss_end;
	int64_t rss_min;
	int64_t rss_max;
	int64_t growth;			/* rss_end - rss_start */
	int threads_max;
	int fds_max;
	int nprocs_max;
	unsigned workers_exited;
	unsigned workers_started;
	double self_cpu_avg;
	double self_cpu_max;
};

struct monitor_view {
	pid_t pid;
	bool tree;
	int ncpu;
	bool alive;			/* the target still runs */
	bool exit_known;		/* exit_status is valid */
	int exit_status;		/* wait status (child targets only) */
	bool have_sample;
	struct monitor_sample last;
	struct monitor_stats stats;
	struct leak_fit leak;
	bool saturated;			/* loadtop used >= 90% of a core */
	bool proc_error;		/* the last read of /proc failed */
	struct health_view health;
	struct monitor_event *events;	/* oldest first */
	size_t nevents;
	size_t events_dropped;		/* oldest ones beyond the cap */
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
/* The engine's count of completed requests, for the per-request fit. */
void	 monitor_set_requests(struct monitor *, uint64_t completed);

void	 monitor_read(struct monitor *, struct monitor_view *);
void	 monitor_view_clear(struct monitor_view *);
/* Copy the time series; free(*out) when done. */
size_t	 monitor_read_series(struct monitor *, struct mseries_point **out);
/* Block until the target exits or timeout_us passes; 1 if it exited. */
int	 monitor_wait_exit(struct monitor *, int64_t timeout_us);

const char *monitor_event_name(enum monitor_event_kind);

#endif
