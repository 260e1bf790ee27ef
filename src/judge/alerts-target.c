/* The rules on each watched process: its events, health, CPU and RSS
 * growth, each process alerted on on its own (alerts.h). */
#include "config.h"

#include <stdio.h>

#include "alerts.h"
#include "alerts-int.h"
#include "scenario.h"
#include "snapshot.h"
#include "units.h"
#include "util.h"

/* One watched process: its view and series, what the rules keep of it,
 * and how its messages begin ("api: " when there are several). */
struct target_ctx {
	const struct monitor_view *v;
	const struct mseries_point *series;
	size_t nseries;
	struct target_state *ts;
	char who[48];
};

static void
say(const struct target_ctx *tc, char *buf, size_t len, const char *msg)
{
	snprintf(buf, len, "%s%s", tc->who, msg);
}

/* The monitor's events not yet turned into alerts; oldest first. */
static void
target_events(struct alerts *a, const struct snapshot *s,
    struct target_ctx *tc)
{
	/* The events that are alerts; 0, a level's kind, for the rest. */
	static const enum alert_kind as[] = {
		[MON_EV_EXIT] = ALERT_TARGET_EXITED,
		[MON_EV_PID_REUSED] = ALERT_PID_REUSED,
		[MON_EV_WORKER_EXIT] = ALERT_WORKER_EXITED,
		[MON_EV_PROC_ERROR] = ALERT_PROC_ERROR,
	};
	const struct monitor_view *v = tc->v;
	struct target_state *ts = tc->ts;
	size_t first = v->events_dropped, i;
	char msg[sizeof a->hist[0].msg];

	if (ts->events_seen < first) {
		/* Gone from the monitor's list before we read them. */
		a->dropped += first - ts->events_seen;
		ts->events_seen = first;
	}
	for (i = ts->events_seen - first; i < v->nevents; i++) {
		const struct monitor_event *ev = &v->events[i];
		double t = alerts_since_start(s, ev->t_us);

		say(tc, msg, sizeof msg, ev->msg);
		if (ev->kind == MON_EV_HEALTH_DOWN || ev->kind == MON_EV_HEALTH_UP)
			alerts_level_in(a, &ts->lv[ALERT_HEALTH_DOWN], ALERT_HEALTH_DOWN,
			    t, ev->kind == MON_EV_HEALTH_DOWN, 0, msg);
		else if ((size_t)ev->kind < LT_NELEM(as) && as[ev->kind] != 0)
			alerts_event(a, as[ev->kind], t, msg);
	}
	ts->events_seen = first + v->nevents;
}

static void
health(struct alerts *a, const struct snapshot *s, struct target_ctx *tc)
{
	const struct health_view *h = &tc->v->health;
	char msg[sizeof a->hist[0].msg], line[sizeof a->hist[0].msg];

	if (!h->enabled || !h->checked)
		return;
	snprintf(line, sizeof line, "health check down: %.120s",
	    h->error[0] != '\0' ? h->error : "failing");
	say(tc, msg, sizeof msg, line);
	alerts_level_in(a, &tc->ts->lv[ALERT_HEALTH_DOWN], ALERT_HEALTH_DOWN,
	    s->elapsed, !h->up, 0, msg);
}

/* One target sample: CPU averaged over (t_prev, t]. */
static void
cpu_sample(struct target_state *ts, const struct scn_alerts *cfg, double t,
    double cpu)
{
	if (ts->cpu_prev_t < 0)
		ts->cpu_prev_t = t;
	if (cpu > cfg->target_cpu) {
		if (ts->cpu_over_since < 0) {
			ts->cpu_over_since = ts->cpu_prev_t;
			ts->cpu_over_peak = 0;
		}
		ts->cpu_over_peak = LT_MAX(ts->cpu_over_peak, cpu);
	} else
		ts->cpu_over_since = -1;
	ts->cpu_prev_t = ts->cpu_t = t;
}

static void
target_cpu(struct alerts *a, const struct scn_alerts *cfg,
    const struct snapshot *s, struct target_ctx *tc)
{
	const struct monitor_view *v = tc->v;
	struct target_state *ts = tc->ts;
	char msg[160], line[160], b1[32], b2[32], b3[32];
	double over, span;
	size_t i;

	if (cfg->target_cpu < 0 || !v->have_sample)
		return;
	/* The series has the samples between snapshots; last the newest. */
	for (i = 0; i < tc->nseries; i++) {
		const struct mseries_point *p = &tc->series[i];

		if (p->t_last_us <= ts->cpu_seen_us)
			continue;
		cpu_sample(ts, cfg, alerts_since_start(s, p->t_last_us), p->cpu);
		ts->cpu_seen_us = p->t_last_us;
	}
	if (v->last.t_us > ts->cpu_seen_us) {
		cpu_sample(ts, cfg, alerts_since_start(s, v->last.t_us), v->last.cpu);
		ts->cpu_seen_us = v->last.t_us;
	}
	over = ts->cpu_over_since >= 0 ? ts->cpu_t - ts->cpu_over_since : -1;
	span = (double)cfg->target_cpu_for_us / 1e6;
	snprintf(line, sizeof line, "target CPU %s%% for %s (over %s%%)",
	    alerts_pct(ts->cpu_over_peak, b1, sizeof b1), alerts_secs(LT_MAX(over, 0.0), b2,
	    sizeof b2), alerts_pct(cfg->target_cpu, b3, sizeof b3));
	say(tc, msg, sizeof msg, line);
	alerts_level_in(a, &ts->lv[ALERT_TARGET_CPU], ALERT_TARGET_CPU, ts->cpu_t,
	    over >= 0 && over >= span - 1e-6, ts->cpu_over_peak, msg);
}

static void
target_growth(struct alerts *a, const struct scn_alerts *cfg,
    const struct snapshot *s, struct target_ctx *tc)
{
	const struct monitor_stats *st = &tc->v->stats;
	char msg[160], line[160], b1[32], b2[32];

	if (cfg->mem_growth < 0 || st->nsamples == 0)
		return;
	snprintf(line, sizeof line, "target RSS grew %s since the start "
	    "(over %s)", units_format_size(st->growth, b1, sizeof b1),
	    units_format_size(cfg->mem_growth, b2, sizeof b2));
	say(tc, msg, sizeof msg, line);
	alerts_level_in(a, &tc->ts->lv[ALERT_MEM_GROWTH], ALERT_MEM_GROWTH,
	    s->elapsed, st->growth > cfg->mem_growth, (double)st->growth, msg);
}

void
alerts_target_rules(struct alerts *a, const struct scn_alerts *cfg,
    const struct snapshot *s)
{
	size_t i, n = LT_MIN(snapshot_nprocs(s), (size_t)ALERTS_PROCS);
	struct target_ctx tc;

	for (i = 0; i < n; i++) {
		tc.v = snapshot_proc_view(s, i);
		tc.series = snapshot_proc_series(s, i, &tc.nseries);
		tc.ts = &a->procs[i];
		tc.who[0] = '\0';
		if (n > 1)
			snprintf(tc.who, sizeof tc.who, "%.40s: ",
			    snapshot_proc_name(s, i));
		a->proc = (unsigned)i + 1;
		target_events(a, s, &tc);
		health(a, s, &tc);
		target_cpu(a, cfg, s, &tc);
		target_growth(a, cfg, s, &tc);
	}
	a->proc = 0;
}
