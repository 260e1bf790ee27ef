/*
 * What the monitor publishes, as plain data: the target's samples and
 * their statistics, its events, the leak fit, the health poller's and
 * the metrics scraper's results.  No functions: the snapshot carries
 * these to its readers, who need nothing else of the monitor but the
 * names of its enums and the way its metrics print.
 */
#ifndef LT_MONITOR_VIEW_H
#define LT_MONITOR_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum leak_verdict {
	LEAK_INCONCLUSIVE,
	LEAK_STABLE,
	LEAK_LEAK,
};

/* y = slope * x + intercept. */
struct leak_line {
	bool valid;			/* false with < 2 distinct x */
	double slope;
	double intercept;
	double r2;			/* 1 when y is constant and fits */
	size_t n;
};

struct leak_fit {
	enum leak_verdict verdict;
	char reason[128];		/* one line saying why */
	size_t npoints;			/* given */
	size_t nused;			/* after warm-up */
	double span_s;			/* of the used points */
	struct leak_line raw;		/* bytes vs seconds, every used point */
	struct leak_line floor;		/* bytes vs seconds, the floor's points */
	struct leak_line per_request;	/* bytes vs requests, the same points */
	double kb_per_min;		/* floor slope */
	double bytes_per_request;	/* per_request slope; 0 when unknown */
	int64_t growth;			/* last RSS - first RSS, all points */
	int64_t floor_growth;		/* floor fit across the used span */
	unsigned cycles;		/* collections: falls of a saw-tooth */
	double cycle_period_s;		/* median time between them; 0 if < 2 */
	int64_t cycle_depth;		/* median fall, bytes */
	bool troughs;			/* the floor is the troughs after them */
	bool plateau;			/* the floor rose, then stayed flat */
	double plateau_s;		/* for how long, to the last point */
	int64_t plateau_rss;		/* the highest RSS on it, bytes */
	double need_s;			/* inconclusive: the series must last
					 * this long for a verdict; 0 if unknown */
};

enum prom_type {
	PROM_UNTYPED,
	PROM_COUNTER,
	PROM_GAUGE,
	PROM_HISTOGRAM,
	PROM_SUMMARY,
};

/*
 * A scraped series over the run.  A counter (or a histogram's or
 * summary's _sum, _count and _bucket) is judged by what it counted:
 * delta adds up its increases from the run's first scrape to its
 * latest, counting on from 0 after a reset, as Prometheus' increase()
 * does; a counter that appears after the first scrape counted from 0
 * there.  A gauge is judged by its extremes and its last value.
 */
struct prom_value {
	char *series;			/* name + canonical labels */
	enum prom_type type;
	bool counter;			/* counts up: first, last, delta, rate */
	bool valid;			/* has a value from some scrape */
	bool present;			/* ... and from the latest scrape */
	uint64_t scrapes;		/* the scrapes it had a value in */
	unsigned resets;		/* counters: times it went down */
	double first;			/* at the run's first scrape, see above */
	double last;			/* the latest value exposed */
	double delta;			/* counters: increase; gauges: last - first */
	double rate;			/* delta per second over span_s, 0 if none */
	double min;			/* over the values exposed */
	double max;
	double span_s;			/* from first to last */
	bool has_now_rate;		/* counters: two scrapes in a row */
	double now_rate;		/* per second between those two */
};

struct health_downtime {
	int64_t start_us;		/* monotonic: first failed check */
	int64_t end_us;			/* first good check; 0 while down */
};

struct health_view {
	bool enabled;			/* a health_url is polled */
	bool checked;			/* at least one check done */
	bool up;
	int status;			/* last HTTP status, 0 if none */
	double latency_ms;		/* of the last check */
	char error[160];		/* why the last check failed */
	uint64_t checks;
	uint64_t failures;
	int64_t down_us;		/* over `down`, an ongoing one too */
	struct health_downtime *down;	/* the most recent intervals */
	size_t ndown;

	bool metrics_enabled;
	uint64_t scrapes;
	uint64_t scrape_failures;
	char metrics_error[160];
	struct prom_value *metrics;
	size_t nmetrics;
};

struct mseries_point {
	int64_t t_us;			/* mean time of the samples */
	int64_t t_first_us;
	int64_t t_last_us;
	unsigned nsamples;
	double cpu;			/* mean, top style */
	double cpu_max;
	int64_t rss;			/* mean, bytes */
	int64_t rss_min;
	int64_t rss_max;
	int64_t vsz;			/* mean */
	int threads;			/* max */
	int fds;			/* max */
	int nprocs;			/* last */
	uint64_t requests;		/* completed, at the last sample */
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

/* One sample, as the sampler took it; its CPU share is over the last
 * second (see cpu-window.h), or what there is of it at the start. */
struct monitor_sample {
	int64_t t_us;
	double cpu;			/* 100 = one core */
	double cpu_norm;		/* 100 = all cores */
	int64_t rss;			/* bytes */
	int64_t vsz;
	bool mem_detail;		/* pss and uss are known */
	int64_t pss;			/* bytes, from smaps_rollup */
	int64_t uss;
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

/*
 * The session's figures.  The CPU ones are those of cpu-window.h: the
 * mean over cpu_seconds, and the max and p95 of the shares over each
 * whole second (cpu_windows of them; both 0 while there is none).  PSS
 * and USS are known when mem_detail is (smaps_rollup could be read).
 */
struct monitor_stats {
	uint64_t nsamples;
	int64_t t_start_us;
	int64_t t_last_us;
	double cpu_avg;
	double cpu_max;
	double cpu_p95;
	double cpu_seconds;
	uint64_t cpu_windows;
	int64_t rss_start;
	int64_t rss_end;
	int64_t rss_min;
	int64_t rss_max;
	int64_t growth;			/* rss_end - rss_start */
	bool mem_detail;
	int64_t pss_end;		/* bytes, the latest read */
	int64_t pss_max;
	int64_t uss_end;
	int64_t uss_max;
	int threads_max;
	int fds_max;			/* -1 when /proc/PID/fd never read */
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

/* Stable names: "leak", "target_exited", "counter", ... (leak.c,
 * monitor.c, prom.c). */
const char *leak_verdict_name(enum leak_verdict);
const char *monitor_event_name(enum monitor_event_kind);
const char *prom_type_name(enum prom_type);

/* A metric's figure as people read it (prom-watch.c): whole numbers in
 * full ("32", "67108864"), others to three significant figures ("6",
 * "1.25", "0.0123", "4.5e-7"), and NaN, +Inf, -Inf. */
char	*prom_format(double, char *buf, size_t len);
/* One line: "delta 32, 1.6/s, from 0 to 32" for a counter, "last 3, min
 * 0, max 7" for a gauge; live, the dashboard's shorter "+32, 1.6/s now"
 * (the rate between the last two scrapes) and "3, min 0, max 7". */
char	*prom_value_describe(const struct prom_value *, bool live, char *buf,
	     size_t len);

#endif
