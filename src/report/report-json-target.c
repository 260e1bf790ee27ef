/* report.json's watched processes: each one's object (the "target"
 * object and the entries of "processes"), its samples, its leak fit. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include <jansson.h>

#include "report-int.h"
#include "report-json-int.h"
#include "util.h"

/* The saw-tooth, the plateau and what a verdict still needs, if any. */
static void
fit_json_cycles(json_t *o, const struct leak_fit *f)
{
	json_object_set_new(o, "floor", json_string(f->troughs ? "troughs" :
	    "samples"));
	json_object_set_new(o, "cycles", json_pack("{s:i,s:o,s:o}", "count",
	    (int)f->cycles, "period_s", f->cycles >= 2 ?
	    jreal(f->cycle_period_s) : json_null(), "depth_mb", f->cycles > 0 ?
	    jreal(report_mb(f->cycle_depth)) : json_null()));
	json_object_set_new(o, "plateau", f->plateau ? json_pack("{s:o,s:o}",
	    "flat_s", jreal(f->plateau_s), "rss_mb",
	    jreal(report_mb(f->plateau_rss))) : json_null());
	json_object_set_new(o, "need_s", f->need_s > 0 ? jreal(f->need_s) :
	    json_null());
}

json_t *
report_json_fit(const struct leak_fit *f)
{
	json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:I}",
	    "verdict", leak_verdict_name(f->verdict), "reason", f->reason,
	    "slope_kb_per_min", f->floor.valid ? jreal(f->kb_per_min) :
	    json_null(),
	    "bytes_per_request", f->per_request.valid ?
	    jreal(f->bytes_per_request) : json_null(),
	    "r2", f->floor.valid ? jreal(f->floor.r2) : json_null(),
	    "growth_mb", jreal(report_mb(f->growth)),
	    "points", (json_int_t)f->npoints);

	fit_json_cycles(o, f);
	return o;
}


/* A metric's figure: an integer when it is a whole number, as counts are. */
static json_t *
jfigure(bool valid, double d)
{
	if (!valid)
		return json_null();
	if (d == trunc(d) && fabs(d) < 9007199254740992.0)
		return json_integer((json_int_t)d);
	return jreal(d);
}

static json_t *
metrics_json(const struct health_view *h)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < h->nmetrics; i++) {
		const struct prom_value *m = &h->metrics[i];
		bool c = m->counter && m->valid;

		json_object_set_new(o, m->series, json_pack("{s:s,s:b,s:b,s:I,"
		    "s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		    "type", prom_type_name(m->type), "counter", m->counter,
		    "present", m->present, "scrapes", (json_int_t)m->scrapes,
		    "resets", c ? jint(m->resets) : json_null(),
		    "first", jfigure(m->valid, m->first),
		    "last", jfigure(m->valid, m->last),
		    "delta", jfigure(m->valid, m->delta),
		    "rate", m->valid ? jreal(m->rate) : json_null(),
		    "min", jfigure(m->valid, m->min),
		    "max", jfigure(m->valid, m->max),
		    "span_s", m->valid ? jreal(m->span_s) : json_null()));
	}
	return o;
}

/* CPU of each second; RSS, and PSS and USS when smaps_rollup was read. */
static void
target_resources_json(json_t *o, const struct monitor_stats *st)
{
	bool whole = st->cpu_windows > 0;

	json_object_set_new(o, "cpu_percent", json_pack("{s:o,s:o,s:o,s:o,"
	    "s:I}", "avg", jreal(st->cpu_avg), "max", whole ?
	    jreal(st->cpu_max) : json_null(), "p95", whole ?
	    jreal(st->cpu_p95) : json_null(), "seconds", jreal(st->cpu_seconds),
	    "windows", (json_int_t)st->cpu_windows));
	json_object_set_new(o, "rss_mb", json_pack("{s:o,s:o,s:o,s:o}",
	    "start", jreal(report_mb(st->rss_start)), "end",
	    jreal(report_mb(st->rss_end)), "min", jreal(report_mb(st->rss_min)),
	    "max", jreal(report_mb(st->rss_max))));
	json_object_set_new(o, "pss_mb", st->mem_detail ? json_pack("{s:o,s:o}",
	    "end", jreal(report_mb(st->pss_end)), "max",
	    jreal(report_mb(st->pss_max))) : json_null());
	json_object_set_new(o, "uss_mb", st->mem_detail ? json_pack("{s:o,s:o}",
	    "end", jreal(report_mb(st->uss_end)), "max",
	    jreal(report_mb(st->uss_max))) : json_null());
	json_object_set_new(o, "growth_mb", jreal(report_mb(st->growth)));
}

/* The monitor's events; the exits among them in *exits. */
static json_t *
events_json(const struct snapshot *s, const struct monitor_view *v,
    json_t **exits)
{
	json_t *ev = json_array();
	size_t i;

	*exits = json_array();
	for (i = 0; i < v->nevents; i++) {
		const struct monitor_event *e = &v->events[i];
		double t = (double)(e->t_us - s->mono_start_us) / 1e6;

		json_array_append_new(ev, json_pack("{s:o,s:s,s:i,s:s}", "t",
		    jreal(t), "kind", monitor_event_name(e->kind), "pid",
		    (int)e->pid, "message", e->msg));
		if (e->kind == MON_EV_EXIT)
			json_array_append_new(*exits, json_pack("{s:o,s:i,s:o,"
			    "s:s}", "t", jreal(t), "pid", (int)e->pid,
			    "status", e->status >= 0 ? json_integer(e->status) :
			    json_null(), "message", e->msg));
	}
	return ev;
}

/* The health poller's checks and downtimes; the metrics scraper's. */
static void
health_json(json_t *o, const struct snapshot *s, const struct health_view *h)
{
	json_t *down = json_array();
	double down_s = (double)h->down_us / 1e6;
	size_t i;

	for (i = 0; i < h->ndown; i++)
		json_array_append_new(down, json_pack("{s:o,s:o}", "start_s",
		    jreal((double)(h->down[i].start_us - s->mono_start_us) /
		    1e6), "end_s", h->down[i].end_us ?
		    jreal((double)(h->down[i].end_us - s->mono_start_us) / 1e6) :
		    json_null()));
	json_object_set_new(o, "health", json_pack("{s:b,s:o,s:o,s:I,s:I,"
	    "s:o}", "enabled", h->enabled, "up_s", h->enabled ?
	    jreal(LT_MAX(0.0, s->elapsed - down_s)) : json_null(), "down_s",
	    h->enabled ? jreal(down_s) : json_null(), "checks",
	    (json_int_t)h->checks, "failures", (json_int_t)h->failures,
	    "downtimes", down));
	json_object_set_new(o, "metrics", metrics_json(h));
	json_object_set_new(o, "metrics_scrapes", json_pack("{s:b,s:I,s:I,s:o}",
	    "enabled", h->metrics_enabled, "total", (json_int_t)h->scrapes,
	    "failed", (json_int_t)h->scrape_failures, "last_error",
	    h->metrics_error[0] != '\0' ? json_string(h->metrics_error) :
	    json_null()));
}

/* Watched process proc: the fields of the "target" object. */
json_t *
report_json_target(const struct report_ctx *c, size_t proc)
{
	const struct snapshot *s = c->s;
	const struct monitor_view *v = snapshot_proc_view(s, proc);
	const struct monitor_stats *st = &v->stats;
	json_t *o, *exits, *ev;

	o = json_pack("{s:i,s:o,s:b,s:b,s:I,s:i}", "pid", (int)v->pid,
	    "command", jstr(proc < c->ncommands ? c->commands[proc] : NULL),
	    "tree", v->tree, "alive", v->alive,
	    "samples", (json_int_t)st->nsamples, "ncpu", v->ncpu);
	target_resources_json(o, st);
	json_object_set_new(o, "threads_max", json_integer(st->threads_max));
	json_object_set_new(o, "fds_max", st->fds_max < 0 ? json_null() :
	    json_integer(st->fds_max));
	json_object_set_new(o, "processes_max", json_integer(st->nprocs_max));
	ev = events_json(s, v, &exits);
	json_object_set_new(o, "exits", exits);
	json_object_set_new(o, "worker_deaths", jint(st->workers_exited));
	json_object_set_new(o, "leak", report_json_fit(&v->leak));
	health_json(o, s, &v->health);
	json_object_set_new(o, "events", ev);
	return o;
}


json_t *
report_json_series(const struct snapshot *s, size_t proc)
{
	const struct mseries_point *series;
	json_t *a = json_array();
	size_t i, n = 0;

	series = proc < snapshot_nprocs(s) ?
	    snapshot_proc_series(s, proc, &n) : NULL;
	for (i = 0; i < n; i++) {
		const struct mseries_point *p = &series[i];

		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o,s:i,"
		    "s:o,s:I}", "t",
		    jreal((double)(p->t_us - s->mono_start_us) / 1e6),
		    "cpu", jreal(p->cpu), "cpu_max", jreal(p->cpu_max),
		    "rss_mb", jreal(report_mb(p->rss)),
		    "rss_max_mb", jreal(report_mb(p->rss_max)),
		    "threads", p->threads, "fds", p->fds < 0 ? json_null() :
		    json_integer(p->fds),
		    "requests", (json_int_t)p->requests));
	}
	return a;
}

/* Every watched process: its name, whether it may exit, the fields of
 * "target", and its samples. */
json_t *
report_json_processes(const struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	json_t *a = json_array(), *o, *t;
	size_t i;

	for (i = 0; i < snapshot_nprocs(s); i++) {
		o = json_pack("{s:s,s:b}", "name", snapshot_proc_name(s, i),
		    "may_exit", s->nprocesses > i && s->processes[i].may_exit);
		t = report_json_target(c, i);
		json_object_update(o, t);
		json_decref(t);
		json_object_set_new(o, "timeseries", report_json_series(s, i));
		json_array_append_new(a, o);
	}
	return a;
}
