/*
 * A load worker thread.  The raw transport's connections, the mailbox's
 * eventfd and a timerfd (for waits shorter than libcurl's milliseconds,
 * the open model's schedule) sit in one epoll set.  While libcurl has
 * transfers (the curl transport, or connects for the raw one) the loop
 * waits in curl_multi_poll with the epoll descriptor among its own:
 * measured against epoll + curl_multi_socket_action with the same
 * handles (bench/loop-compare.sh), that costs libcurl 7.88 a fifth less
 * CPU per request.  With none, it waits in epoll alone.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "worker-int.h"

void
worker_read_completions(struct worker *w, CURLM *multi)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(multi, &left)) != NULL) {
		struct slot *s = NULL;
		struct xfer_end x;
		int64_t end;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		if (s->raw.st == RAW_CONNECTING) {
			worker_raw_connected(w, s, m->data.result);
			continue;
		}
		end = util_now_ns();
		worker_curl_end(s, m->data.result, &x);
		curl_multi_remove_handle(multi, s->easy);
		w->curl_busy--;
		worker_record(w, s, &x, end);
		worker_after_completion(w, s, end);
	}
}

static void
take_plan(struct worker *w, const struct worker_plan *p, int64_t now)
{
	w->plan = *p;
	w->run = RUN_ACTIVE;
	w->started = 0;
	w->active = 0;
	if (p->nuse > w->cw_cap) {
		w->cw = xreallocarray(w->cw, p->nuse, sizeof *w->cw);
		w->cw_cap = p->nuse;
	}
	if (p->nuse > 0)
		memset(w->cw, 0, p->nuse * sizeof *w->cw);
	stats_phase_reset(&w->phase);
	if (p->mode == PLAN_STREAMS) {
		pace_set_factor(&w->plan.streams.count, w->factor);
		worker_streams_plan(w, now);
	} else if (p->mode == PLAN_OPEN) {
		worker_grow_slots(w, p->slots);
		pace_set_factor(&w->plan.sched, w->factor);
		w->next_due = pace_next(&w->plan.sched);
	} else {
		if (p->users_ramp)
			pace_set_factor(&w->plan.users, w->factor);
		worker_grow_slots(w, (unsigned)ceil(p->slots * LT_MAX(w->factor, 1.0)));
	}
	if (w->paused)
		w->paused_at = now;
}

/* Open-model starts that were due before the end but never sent. */
static void
count_skipped(struct worker *w)
{
	uint64_t n = 0;

	if (w->plan.mode != PLAN_OPEN)
		return;
	while (w->next_due < w->plan.end_ns &&
	    (w->plan.count == 0 || w->started + n < w->plan.count)) {
		n++;
		w->next_due = pace_next(&w->plan.sched);
	}
	STATS_INC(&w->stats->skipped, n);
}

static void
begin_drain(struct worker *w)
{
	struct slot *s;

	if (w->run != RUN_ACTIVE)
		return;
	if (w->plan.mode == PLAN_STREAMS)
		worker_streams_drain(w, util_now_ns());
	count_skipped(w);
	while ((s = worker_think_pop(w)) != NULL) {
		w->active--;
		worker_idle_push(w, s);
	}
	w->run = RUN_DRAINING;
}

static void
check_plan_end(struct worker *w, int64_t now)
{
	if (w->run == RUN_ACTIVE) {
		/* A pause holds the clock, not the count.  A schedule that
		 * has no start left still runs to its end: a phase lasts its
		 * duration, however its last start falls. */
		bool out_of_time = !w->paused && now >= w->plan.end_ns;
		bool out_of_count = w->plan.count > 0 &&
		    w->started >= w->plan.count;

		if (out_of_time || out_of_count)
			begin_drain(w);
	}
	if (w->run == RUN_DRAINING && w->inflight == 0 &&
	    !worker_streams_busy(w)) {
		w->run = RUN_IDLE;
		pthread_mutex_lock(w->env->lock);
		__atomic_store_n(&w->done_plan, w->plan.id, __ATOMIC_RELEASE);
		pthread_cond_broadcast(w->env->cond);
		pthread_mutex_unlock(w->env->lock);
	}
}

static void
set_paused(struct worker *w, bool paused, int64_t now)
{
	int64_t d;

	if (paused == w->paused)
		return;
	w->paused = paused;
	if (paused) {
		w->paused_at = now;
		return;
	}
	/* The schedule and the deadline resume where they stood. */
	d = now - w->paused_at;
	if (w->run != RUN_ACTIVE)
		return;
	if (w->plan.end_ns != INT64_MAX)
		w->plan.end_ns += d;
	if (w->plan.mode == PLAN_OPEN) {
		pace_shift(&w->plan.sched, d);
		if (w->next_due != INT64_MAX)
			w->next_due += d;
	}
	if (w->plan.users_ramp)
		pace_shift(&w->plan.users, d);
	if (w->plan.mode == PLAN_STREAMS)
		pace_shift(&w->plan.streams.count, d);
	worker_think_shift(w, d);
}

static void
read_mail(struct worker *w, int64_t now)
{
	struct mailbox m;
	uint64_t v;

	while (read(w->evfd, &v, sizeof v) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&w->mail.lock);
	m = w->mail;
	w->mail.has_plan = false;
	w->mail.end_plan = false;
	pthread_mutex_unlock(&w->mail.lock);

	if (m.factor != w->factor) {
		w->factor = m.factor;
		if (w->run == RUN_ACTIVE && w->plan.mode == PLAN_OPEN)
			pace_set_factor(&w->plan.sched, w->factor);
		if (w->run == RUN_ACTIVE && w->plan.users_ramp)
			pace_set_factor(&w->plan.users, w->factor);
		if (w->run == RUN_ACTIVE && w->plan.mode == PLAN_STREAMS)
			pace_set_factor(&w->plan.streams.count, w->factor);
	}
	if (m.has_plan)
		take_plan(w, &m.plan, now);
	set_paused(w, m.paused, now);
	if (m.end_plan)
		begin_drain(w);
	if (m.quit)
		w->run = RUN_IDLE;
}

#define LOAD_SET(f, v) __atomic_store_n(&w->load.f, (v), __ATOMIC_RELAXED)
#define LOAD_GET(f) __atomic_load_n(&w->load.f, __ATOMIC_RELAXED)

/* Bring the load the engine reads up to now: what was shown held since
 * the last turn (the loop waited, mostly), then what is now. */
static void
load_turn(struct worker *w, int64_t now)
{
	uint64_t us = w->load_t ? (uint64_t)(now - w->load_t) / 1000 : 0;
	unsigned users = w->plan.user_loops ? w->active : 0;

	LOAD_SET(users_us, LOAD_GET(users_us) + LOAD_GET(users) * us);
	LOAD_SET(inflight_us, LOAD_GET(inflight_us) + LOAD_GET(inflight) * us);
	LOAD_SET(users, users);
	LOAD_SET(inflight, w->inflight);
	/* The engine takes the peak; one taken meanwhile may come back
	 * once more, which a peak can bear. */
	if (users > LOAD_GET(users_peak))
		LOAD_SET(users_peak, users);
	w->load_t = now;
}

static int64_t
next_wake(const struct worker *w, int64_t now)
{
	int64_t t = now + 100000000;	/* look at the mail at least at 10 Hz */
	if (w->run == RUN_ACTIVE && !w->paused) {
		t = LT_MIN(t, w->plan.end_ns);
		if (w->plan.mode == PLAN_OPEN && (w->idle != NULL ||
		    (w->plan.flow != NULL && w->nslots < WORKER_FLOW_SLOTS)))
			t = LT_MIN(t, w->next_due);
		if (worker_think_first(w) != NULL)
			t = LT_MIN(t, worker_think_first(w)->ready_ns);
		if (w->plan.users_ramp)
			t = LT_MIN(t, now + 10000000);
	}
	t = LT_MIN(t, worker_streams_wake(w, now));
	return LT_MIN(LT_MIN(t, w->raw_deadline), w->shard_due);
}

/* Wake at t: whole milliseconds by libcurl's timeout, the rest by the
 * timerfd, armed only when the wait is short and t has moved. */
static int
wait_ms(struct worker *w, int64_t t)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	int64_t d = t - util_now_ns();

	if (d <= 0)
		return 0;
	if (d >= 2000000)
		return (int)LT_MIN(d / 1000000, 1000);
	if (t != w->armed) {
		its.it_value.tv_sec = t / 1000000000;
		its.it_value.tv_nsec = t % 1000000000;
		timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL);
		w->armed = t;
	}
	return 2;
}

static void
take_timer(struct worker *w)
{
	uint64_t v;

	while (read(w->tfd, &v, sizeof v) < 0 && errno == EINTR)
		;
	w->armed = 0;
}

/* Wait for the next event, up to ms: in libcurl's poll while it has
 * transfers (the epoll set is one of its descriptors), else in epoll.
 * Handles what arrived; false once told to quit. */
static bool
wait_and_dispatch(struct worker *w, int ms)
{
	struct epoll_event ev[WORKER_EVENTS];
	struct curl_waitfd extra;
	bool quit = false;
	int i, n;

	if (w->curl_busy > 0) {
		extra = (struct curl_waitfd){ w->epfd, CURL_WAIT_POLLIN, 0 };
		curl_multi_poll(w->multi, &extra, 1, ms, NULL);
		ms = 0;
	}
	n = epoll_wait(w->epfd, ev, WORKER_EVENTS, ms);
	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 & WORKER_CURL_TAG)
			worker_shard_event(w, ev[i].data.u64, ev[i].events);
		else if (ev[i].data.u64 & (WORKER_STREAM_TAG |
		    WORKER_STREAM_CURL_TAG))
			worker_streams_event(w, ev[i].data.u64, ev[i].events);
		else if (ev[i].data.ptr == &w->tfd)
			take_timer(w);
		else if (ev[i].data.ptr == &w->evfd) {
			read_mail(w, util_now_ns());
			pthread_mutex_lock(&w->mail.lock);
			quit = w->mail.quit;
			pthread_mutex_unlock(&w->mail.lock);
		} else
			worker_raw_event(w, ev[i].data.ptr, ev[i].events);
	}
	return !quit;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	int64_t now;
	int running;

	do {
		now = util_now_ns();
		if (w->run == RUN_ACTIVE && !w->paused &&
		    w->plan.mode != PLAN_STREAMS)
			worker_issue(w, now);
		if (w->streams != NULL)
			worker_streams_turn(w, now);
		if (w->curl_busy > 0) {
			curl_multi_perform(w->multi, &running);
			worker_read_completions(w, w->multi);
		}
		now = util_now_ns();
		w->shard_due = w->nshards > 0 ?
		    worker_shard_timeouts(w, now) : INT64_MAX;
		w->raw_deadline = w->in_flight.head != NULL ?
		    worker_raw_expire(w, now) : INT64_MAX;
		check_plan_end(w, now);
		load_turn(w, now);
	} while (wait_and_dispatch(w, wait_ms(w, next_wake(w, util_now_ns()))));
	return NULL;
}

static int
watch(struct worker *w, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev);
}

struct worker *
worker_new(const struct worker_env *env, unsigned index, char **cause)
{
	struct worker *w = xcalloc(1, sizeof *w);

	w->env = env;
	w->index = index;
	w->factor = 1.0;
	w->rng = 0x9e3779b97f4a7c15ULL * (index + 1) ^ (uint64_t)util_now_ns();
	if (w->rng == 0)
		w->rng = 1;
	pthread_mutex_init(&w->mail.lock, NULL);
	w->mail.factor = 1.0;
	w->stats = stats_new(env->npreq);
	stats_shape(w->stats, env->scn);
	w->tfd = w->evfd = w->epfd = -1;
	stats_phase_reset(&w->phase);
	worker_grid_init(w);
	w->raw_deadline = w->shard_due = INT64_MAX;
	w->in_flight.id = SLOT_IN_FLIGHT;
	w->waiting.id = SLOT_WAITING;
	w->next_bind = index;
	w->rbuf = xmalloc(WORKER_RBUF);
	w->tls_sessions = xcalloc(env->npreq ? env->npreq : 1,
	    sizeof *w->tls_sessions);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->tfd < 0 || w->evfd < 0 || w->epfd < 0 ||
	    watch(w, w->tfd, &w->tfd) != 0 || watch(w, w->evfd, &w->evfd) != 0) {
		xasprintf(cause, "worker %u: %s", index, strerror(errno));
		worker_free(w);
		return NULL;
	}
	if ((w->inspect = inspect_new(env->scn, cause)) == NULL) {
		worker_free(w);
		return NULL;
	}
	if ((w->multi = curl_multi_init()) == NULL) {
		xasprintf(cause, "worker %u: curl_multi_init failed", index);
		worker_free(w);
		return NULL;
	}
	if (env->http_version == 20)
		curl_multi_setopt(w->multi, CURLMOPT_PIPELINING,
		    (long)CURLPIPE_MULTIPLEX);
	return w;
}

int
worker_start(struct worker *w, char **cause)
{
	int rc = pthread_create(&w->thread, NULL, worker_main, w);

	if (rc != 0) {
		xasprintf(cause, "worker %u: %s", w->index, strerror(rc));
		return -1;
	}
	w->thread_started = true;
	return 0;
}

static void
wake(struct worker *w)
{
	uint64_t one = 1;

	while (write(w->evfd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

void
worker_free(struct worker *w)
{
	unsigned i;

	if (w == NULL)
		return;
	if (w->thread_started) {
		pthread_mutex_lock(&w->mail.lock);
		w->mail.quit = true;
		pthread_mutex_unlock(&w->mail.lock);
		wake(w);
		pthread_join(w->thread, NULL);
	}
	worker_streams_free(w);
	for (i = 0; i < w->nslots; i++)
		worker_slot_free(w, w->slots[i]);
	free(w->slots);
	free(w->cw);
	free(w->think);
	worker_connect_free(w);
	worker_shard_free(w);
	if (w->multi != NULL)
		curl_multi_cleanup(w->multi);
	if (w->tfd >= 0)
		close(w->tfd);
	if (w->evfd >= 0)
		close(w->evfd);
	if (w->epfd >= 0)
		close(w->epfd);
	worker_raw_free(w);
	stats_free(w->stats);
	inspect_free(w->inspect);
	worker_grid_free(w);
	pthread_mutex_destroy(&w->mail.lock);
	free(w);
}

void
worker_post(struct worker *w, const struct worker_plan *p)
{
	pthread_mutex_lock(&w->mail.lock);
	w->mail.plan = *p;
	w->mail.has_plan = true;
	w->mail.end_plan = false;
	pthread_mutex_unlock(&w->mail.lock);
	wake(w);
}

void
worker_end_plan(struct worker *w)
{
	pthread_mutex_lock(&w->mail.lock);
	w->mail.end_plan = true;
	pthread_mutex_unlock(&w->mail.lock);
	wake(w);
}

void
worker_pause(struct worker *w, bool paused)
{
	pthread_mutex_lock(&w->mail.lock);
	w->mail.paused = paused;
	pthread_mutex_unlock(&w->mail.lock);
	wake(w);
}

void
worker_scale(struct worker *w, double factor)
{
	pthread_mutex_lock(&w->mail.lock);
	w->mail.factor = factor;
	pthread_mutex_unlock(&w->mail.lock);
	wake(w);
}

void
worker_load_take(struct worker *w, struct worker_load *out)
{
	out->users = LOAD_GET(users);
	out->inflight = LOAD_GET(inflight);
	out->users_us = LOAD_GET(users_us);
	out->inflight_us = LOAD_GET(inflight_us);
	out->users_peak = __atomic_exchange_n(&w->load.users_peak,
	    out->users, __ATOMIC_RELAXED);
}

uint64_t
worker_done_plan(const struct worker *w)
{
	return __atomic_load_n(&w->done_plan, __ATOMIC_ACQUIRE);
}

const struct stats *
worker_stats(const struct worker *w)
{
	return w->stats;
}

void
worker_phase_stats(const struct worker *w, struct stats_phase *out)
{
	*out = w->phase;
}

