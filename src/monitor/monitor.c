#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu-window.h"
#include "monitor.h"
#include "proc-sample.h"
#include "proc-spawn.h"
#include "util.h"

#define MONITOR_MAX_EVENTS 1024
#define MONITOR_SATURATED 90.0		/* loadtop's own CPU%, one core */

struct monitor {
	struct monitor_config cfg;
	struct procsample *ps;
	struct health *health;
	int ncpu;

	pthread_t thread;
	bool running;
	uint64_t requests;		/* __atomic: written by the engine */

	pthread_mutex_t sample_lock;	/* ps: sampler thread vs sample_now */

	pthread_mutex_t lock;		/* everything below */
	pthread_cond_t cond;		/* stop requests and target exit */
	bool stopping;
	bool alive;
	bool exit_known;
	int exit_status;
	bool have_sample;
	bool proc_error;
	bool saturated;
	struct monitor_sample last;
	struct monitor_stats stats;
	struct cpu_window cpu;
	uint64_t ncpu_samples;
	double self_sum;
	struct mseries series;
	struct monitor_event *events;
	size_t nevents;
	size_t events_dropped;
};

const char *
monitor_event_name(enum monitor_event_kind k)
{
	static const char *names[] = {
		[MON_EV_START] = "start",
		[MON_EV_EXIT] = "exit",
		[MON_EV_PID_REUSED] = "pid-reused",
		[MON_EV_WORKER_EXIT] = "worker-exit",
		[MON_EV_WORKER_START] = "worker-start",
		[MON_EV_PROC_ERROR] = "proc-error",
		[MON_EV_PROC_OK] = "proc-ok",
		[MON_EV_HEALTH_DOWN] = "health-down",
		[MON_EV_HEALTH_UP] = "health-up",
		[MON_EV_SATURATED] = "saturated",
	};

	if ((size_t)k < LT_NELEM(names) && names[k] != NULL)
		return names[k];
	return "unknown";
}

void
monitor_config_default(struct monitor_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->sample_hz = 4;
	cfg->series_cap = 2048;
	cfg->health_interval_us = 1000000;
	leak_params_default(&cfg->leak);
}

/* Append an event; call with m->lock held. */
static void __attribute__((format(printf, 6, 7)))
monitor_event(struct monitor *m, int64_t t_us, enum monitor_event_kind k,
    pid_t pid, int status, const char *fmt, ...)
{
	struct monitor_event *e;
	va_list ap;

	if (m->nevents == MONITOR_MAX_EVENTS) {
		memmove(m->events, m->events + 1,
		    (MONITOR_MAX_EVENTS - 1) * sizeof *m->events);
		m->nevents--;
		m->events_dropped++;
	}
	e = &m->events[m->nevents++];
	e->t_us = t_us;
	e->kind = k;
	e->pid = pid;
	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

static void
monitor_health_change(void *arg, bool up, int64_t t_us, const char *why)
{
	struct monitor *m = arg;

	pthread_mutex_lock(&m->lock);
	monitor_event(m, t_us, up ? MON_EV_HEALTH_UP : MON_EV_HEALTH_DOWN,
	    m->cfg.pid, -1, "health check %s: %s", up ? "up" : "down", why);
	pthread_mutex_unlock(&m->lock);
}

struct monitor *
monitor_new(const struct monitor_config *cfg, char **cause)
{
	struct monitor *m = xcalloc(1, sizeof *m);
	struct health_config hc;

	m->cfg = *cfg;
	if (m->cfg.sample_hz <= 0)
		m->cfg.sample_hz = 4;
	if (m->cfg.sample_hz > 1000)
		m->cfg.sample_hz = 1000;
	if (m->cfg.series_cap == 0)
		m->cfg.series_cap = 2048;
	if (m->cfg.leak.min_cycles == 0)
		leak_params_default(&m->cfg.leak);
	/* Not kept: the caller's strings may not outlive this call. */
	m->cfg.health_url = m->cfg.metrics_url = NULL;
	m->cfg.metrics = NULL;

	if ((m->ps = proc_sample_new(cfg->pid, cfg->tree, cause)) == NULL) {
		free(m);
		return NULL;
	}
	m->ncpu = proc_sample_ncpu(m->ps);
	if (cfg->health_url != NULL || cfg->metrics_url != NULL) {
		memset(&hc, 0, sizeof hc);
		hc.health_url = cfg->health_url;
		hc.metrics_url = cfg->metrics_url;
		hc.metrics = cfg->metrics;
		hc.nmetrics = cfg->nmetrics;
		hc.interval_us = cfg->health_interval_us;
		hc.on_change = monitor_health_change;
		hc.arg = m;
		if ((m->health = health_new(&hc, cause)) == NULL) {
			proc_sample_free(m->ps);
			free(m);
			return NULL;
		}
	}
	m->events = xcalloc(MONITOR_MAX_EVENTS, sizeof *m->events);
	cpu_window_init(&m->cpu, m->ncpu);
	monitor_series_init(&m->series, m->cfg.series_cap);
	m->alive = true;
	pthread_mutex_init(&m->sample_lock, NULL);
	pthread_mutex_init(&m->lock, NULL);
	util_cond_init(&m->cond);
	return m;
}

/* The wait status of an exited child, giving it a moment to be reaped. */
static bool
monitor_child_status(struct monitor *m, int *status)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	if (m->cfg.child == NULL)
		return false;
	for (i = 0; i < 50; i++) {
		if (proc_spawn_poll(m->cfg.child, status))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* The target's CPU and memory figures, with the sample's; m->lock held. */
static void
monitor_stats_resources(struct monitor *m, const struct monitor_sample *s)
{
	struct monitor_stats *st = &m->stats;
	struct cpu_window_figures cf;

	cpu_window_figures(&m->cpu, &cf);
	st->cpu_avg = cf.avg;
	st->cpu_max = cf.max;
	st->cpu_p95 = cf.p95;
	st->cpu_seconds = cf.seconds;
	st->cpu_windows = cf.windows;
	if (s->mem_detail) {
		st->mem_detail = true;
		st->pss_end = s->pss;
		st->uss_end = s->uss;
		st->pss_max = LT_MAX(st->pss_max, s->pss);
		st->uss_max = LT_MAX(st->uss_max, s->uss);
	}
}

static void
monitor_stats_add(struct monitor *m, const struct monitor_sample *s,
    bool cpu_valid)
{
	struct monitor_stats *st = &m->stats;

	if (st->nsamples == 0) {
		st->t_start_us = s->t_us;
		st->rss_start = st->rss_min = st->rss_max = s->rss;
		st->fds_max = s->fds;
	}
	st->nsamples++;
	st->t_last_us = s->t_us;
	st->rss_end = s->rss;
	st->rss_min = LT_MIN(st->rss_min, s->rss);
	st->rss_max = LT_MAX(st->rss_max, s->rss);
	st->growth = st->rss_end - st->rss_start;
	st->threads_max = LT_MAX(st->threads_max, s->threads);
	st->fds_max = LT_MAX(st->fds_max, s->fds);
	st->nprocs_max = LT_MAX(st->nprocs_max, s->nprocs);
	monitor_stats_resources(m, s);
	if (cpu_valid) {
		m->ncpu_samples++;
		m->self_sum += s->self_cpu;
		st->self_cpu_max = LT_MAX(st->self_cpu_max, s->self_cpu);
		st->self_cpu_avg = m->self_sum / m->ncpu_samples;
	}
}

/* Note /proc becoming unreadable, or readable again; m->lock held. */
static void
monitor_note_proc_error(struct monitor *m, const struct procsample_result *r)
{
	if (r->proc_error == m->proc_error)
		return;
	if (r->proc_error)
		monitor_event(m, r->t_us, MON_EV_PROC_ERROR, m->cfg.pid, -1,
		    "%s; sampling goes on", r->error);
	else
		monitor_event(m, r->t_us, MON_EV_PROC_OK, m->cfg.pid, -1,
		    "/proc readable again");
	m->proc_error = r->proc_error;
}

/* Count and note the workers that left and joined the tree; m->lock held. */
static void
monitor_note_workers(struct monitor *m, const struct procsample_result *r)
{
	size_t i;

	for (i = 0; i < r->ndied; i++) {
		m->stats.workers_exited++;
		monitor_event(m, r->t_us, MON_EV_WORKER_EXIT, r->died[i].pid,
		    -1, "worker %ld (%s) exited", (long)r->died[i].pid,
		    r->died[i].cmd);
	}
	for (i = 0; i < r->nborn; i++) {
		m->stats.workers_started++;
		monitor_event(m, r->t_us, MON_EV_WORKER_START, r->born[i].pid,
		    -1, "worker %ld (%s) started%s", (long)r->born[i].pid,
		    r->born[i].cmd, r->ndied > 0 ? ", replacing one" : "");
	}
}

/*
 * Has the target gone, by exiting or by its PID now naming another
 * process?  Notes it and wakes the waiters; m->lock held.  known and
 * status: the child's wait status, when it is ours.
 */
static bool
monitor_note_exit(struct monitor *m, const struct procsample_result *r,
    bool known, int status)
{
	char how[96];

	if (r->alive && !r->reused)
		return false;
	m->alive = false;
	if (r->reused)
		monitor_event(m, r->t_us, MON_EV_PID_REUSED, m->cfg.pid, -1,
		    "PID %ld now belongs to another process: the target exited",
		    (long)m->cfg.pid);
	else {
		m->exit_known = known;
		m->exit_status = status;
		if (known)
			proc_spawn_describe(status, how, sizeof how);
		else
			snprintf(how, sizeof how, "exited");
		monitor_event(m, r->t_us, MON_EV_EXIT, m->cfg.pid, status,
		    "target %ld %s", (long)m->cfg.pid, how);
	}
	pthread_cond_broadcast(&m->cond);
	return true;
}

/* Keep a point of the sample in the time series; m->lock held. */
static void
monitor_series_keep(struct monitor *m, const struct monitor_sample *s)
{
	struct mseries_point p;

	memset(&p, 0, sizeof p);
	p.t_us = s->t_us;
	p.cpu = s->cpu;
	p.rss = s->rss;
	p.vsz = s->vsz;
	p.threads = s->threads;
	p.fds = s->fds;
	p.nprocs = s->nprocs;
	p.requests = s->requests;
	monitor_series_add(&m->series, &p);
}

/* Make the sample the latest, in the stats and the series; m->lock held. */
static void
monitor_publish(struct monitor *m, const struct procsample_result *r)
{
	struct monitor_sample s;
	bool cpu_valid;

	memset(&s, 0, sizeof s);
	s.t_us = r->t_us;
	s.cpu = cpu_window_add(&m->cpu, r->t_us, r->cpu_used_ns, &cpu_valid);
	s.cpu_norm = s.cpu / m->ncpu;
	s.rss = r->rss;
	s.vsz = r->vsz;
	s.mem_detail = r->mem_detail;
	s.pss = r->pss;
	s.uss = r->uss;
	s.threads = r->threads;
	s.fds = r->fds;
	s.nprocs = r->nprocs;
	s.host_cpu = r->host_cpu;
	s.host_mem_available = r->host_mem_available;
	s.host_mem_total = r->host_mem_total;
	memcpy(s.load, r->load, sizeof s.load);
	s.self_cpu = r->self_cpu;
	s.requests = __atomic_load_n(&m->requests, __ATOMIC_RELAXED);
	m->last = s;
	m->have_sample = true;
	monitor_stats_add(m, &s, cpu_valid && r->cpu_valid);
	monitor_series_keep(m, &s);
}

/* Note when loadtop itself starts to use most of a core; m->lock held. */
static void
monitor_note_saturation(struct monitor *m, const struct procsample_result *r)
{
	if (!r->cpu_valid || (r->self_cpu >= MONITOR_SATURATED) == m->saturated)
		return;
	m->saturated = !m->saturated;
	if (m->saturated)
		monitor_event(m, r->t_us, MON_EV_SATURATED, 0, -1,
		    "loadtop uses %.0f%% CPU: the load generator may "
		    "be the bottleneck", r->self_cpu);
}

/* Take one sample and publish it. */
static void
monitor_take(struct monitor *m)
{
	struct procsample_result r;
	bool known = false;
	int status = -1;

	pthread_mutex_lock(&m->sample_lock);
	proc_sample_take(m->ps, &r);
	if (!r.alive && !r.proc_error && !r.reused)
		known = monitor_child_status(m, &status);

	pthread_mutex_lock(&m->lock);
	monitor_note_proc_error(m, &r);
	if (!r.proc_error && m->alive) {
		monitor_note_workers(m, &r);
		if (!monitor_note_exit(m, &r, known, status)) {
			monitor_publish(m, &r);
			monitor_note_saturation(m, &r);
		}
	}
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_unlock(&m->sample_lock);
}

static void *
monitor_main(void *arg)
{
	struct monitor *m = arg;
	int64_t period = (int64_t)(1e6 / m->cfg.sample_hz);
	int64_t next = util_now_us(), now;
	struct timespec ts;

	pthread_mutex_lock(&m->lock);
	while (!m->stopping) {
		now = util_now_us();
		next = LT_MAX(next + period, now);
		util_deadline(&ts, (next - now) * 1000);
		while (!m->stopping &&
		    pthread_cond_timedwait(&m->cond, &m->lock, &ts) != ETIMEDOUT)
			;
		if (m->stopping)
			break;
		pthread_mutex_unlock(&m->lock);
		monitor_take(m);
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

int
monitor_start(struct monitor *m, char **cause)
{
	int e;

	pthread_mutex_lock(&m->lock);
	monitor_event(m, util_now_us(), MON_EV_START, m->cfg.pid, -1,
	    "watching %s %ld", m->cfg.tree ? "the tree of" : "process",
	    (long)m->cfg.pid);
	pthread_mutex_unlock(&m->lock);
	monitor_take(m);
	if ((e = pthread_create(&m->thread, NULL, monitor_main, m)) != 0) {
		xasprintf(cause, "cannot start the sampler: %s", strerror(e));
		return -1;
	}
	m->running = true;
	if (m->health != NULL && health_start(m->health, cause) != 0) {
		monitor_stop(m);
		return -1;
	}
	return 0;
}

void
monitor_stop(struct monitor *m)
{
	if (m->health != NULL)
		health_stop(m->health);
	if (!m->running)
		return;
	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	m->running = false;
}

void
monitor_free(struct monitor *m)
{
	if (m == NULL)
		return;
	monitor_stop(m);
	health_free(m->health);
	proc_sample_free(m->ps);
	monitor_series_free(&m->series);
	cpu_window_free(&m->cpu);
	free(m->events);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->sample_lock);
	free(m);
}

void
monitor_sample_now(struct monitor *m)
{
	monitor_take(m);
}

void
monitor_scrape_now(struct monitor *m)
{
	if (m->health != NULL)
		health_scrape_now(m->health);
}

void
monitor_set_requests(struct monitor *m, uint64_t completed)
{
	__atomic_store_n(&m->requests, completed, __ATOMIC_RELAXED);
}

static void
monitor_fit(const struct mseries_point *p, size_t n,
    const struct leak_params *lp, struct leak_fit *fit)
{
	struct leak_point *lpts = xcalloc(n + 1, sizeof *lpts);
	size_t i;

	for (i = 0; i < n; i++) {
		lpts[i].t_us = p[i].t_us;
		lpts[i].rss = p[i].rss;
		lpts[i].requests = p[i].requests;
	}
	leak_fit(lpts, n, lp, fit);
	free(lpts);
}

void
monitor_read(struct monitor *m, struct monitor_view *v)
{
	struct mseries_point *pts;
	size_t n;

	memset(v, 0, sizeof *v);
	pthread_mutex_lock(&m->lock);
	v->pid = m->cfg.pid;
	v->tree = m->cfg.tree;
	v->ncpu = m->ncpu;
	v->alive = m->alive;
	v->exit_known = m->exit_known;
	v->exit_status = m->exit_status;
	v->have_sample = m->have_sample;
	v->last = m->last;
	v->stats = m->stats;
	v->saturated = m->saturated;
	v->proc_error = m->proc_error;
	v->events = xcalloc(m->nevents + 1, sizeof *v->events);
	memcpy(v->events, m->events, m->nevents * sizeof *v->events);
	v->nevents = m->nevents;
	v->events_dropped = m->events_dropped;
	n = monitor_series_copy(&m->series, &pts);
	if (m->health != NULL)
		health_read(m->health, &v->health);
	pthread_mutex_unlock(&m->lock);

	monitor_fit(pts, n, &m->cfg.leak, &v->leak);
	free(pts);
}

void
monitor_view_clear(struct monitor_view *v)
{
	free(v->events);
	health_view_clear(&v->health);
	memset(v, 0, sizeof *v);
}

size_t
monitor_read_series(struct monitor *m, struct mseries_point **out)
{
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = monitor_series_copy(&m->series, out);
	pthread_mutex_unlock(&m->lock);
	return n;
}

int
monitor_wait_exit(struct monitor *m, int64_t timeout_us)
{
	struct timespec ts;
	int exited;

	util_deadline(&ts, timeout_us * 1000);
	pthread_mutex_lock(&m->lock);
	while (m->alive && !m->stopping &&
	    pthread_cond_timedwait(&m->cond, &m->lock, &ts) != ETIMEDOUT)
		;
	exited = !m->alive;
	pthread_mutex_unlock(&m->lock);
	return exited;
}
