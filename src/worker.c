/* A load worker thread: epoll + curl_multi_socket_action. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "worker.h"

/* A start more than this after its planned time counts as late. */
#define LATE_NS 1000000

enum slot_state { SLOT_IDLE, SLOT_BUSY, SLOT_THINK };

struct slot {
	struct worker *w;
	CURL *easy;
	enum slot_state state;
	size_t req;			/* SIZE_MAX: never configured */
	struct preq_buf **bufs;		/* per request, made on first use */
	int64_t planned_ns;
	int64_t started_ns;
	int64_t ready_ns;		/* SLOT_THINK: when to go again */
	uint64_t order;
	uint64_t bytes;
	struct slot *next;		/* idle list or think queue */
};

/* Controls posted by other threads, read by the worker on wake-up. */
struct mailbox {
	pthread_mutex_t lock;
	bool has_plan;
	struct worker_plan plan;
	bool end_plan;
	bool paused;
	double factor;
	bool quit;
};

enum run_state { RUN_IDLE, RUN_ACTIVE, RUN_DRAINING };

struct worker {
	const struct worker_env *env;
	unsigned index;
	pthread_t thread;
	bool thread_started;
	int ep;
	int evfd;
	CURLM *multi;
	int64_t curl_deadline;		/* INT64_MAX: no timer */

	struct mailbox mail;

	/* The plan being run; only this thread touches these. */
	struct worker_plan plan;
	enum run_state run;
	bool paused;
	int64_t paused_at;
	double factor;
	uint64_t started;		/* in this plan */
	int64_t next_due;		/* open model: next planned start */
	unsigned active;		/* closed model: busy + thinking */
	unsigned inflight;
	int cw[64];			/* smooth weighted round robin */

	struct slot **slots;
	unsigned nslots;
	struct slot *idle;
	struct slot *think_head, *think_tail;
	uint64_t rng;

	struct stats *stats;
	struct stats_phase phase;
	uint64_t done_plan;
	unsigned inflight_pub;
};

static size_t
discard_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;

	(void)ptr;
	s->bytes += size * nmemb;
	return size * nmemb;
}

static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct worker *w = arg;
	struct epoll_event ev = { 0 };

	(void)easy;
	ev.data.fd = fd;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(w->ep, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev.events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		ev.events |= EPOLLOUT;
	if (sockp == NULL) {
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) != 0 &&
		    errno == EEXIST)
			epoll_ctl(w->ep, EPOLL_CTL_MOD, fd, &ev);
		curl_multi_assign(w->multi, fd, w);
	} else if (epoll_ctl(w->ep, EPOLL_CTL_MOD, fd, &ev) != 0 &&
	    errno == ENOENT)
		epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

static int
on_timer(CURLM *multi, long timeout_ms, void *arg)
{
	struct worker *w = arg;

	(void)multi;
	if (timeout_ms < 0)
		w->curl_deadline = INT64_MAX;
	else
		w->curl_deadline = lt_now_ns() + (int64_t)timeout_ms * 1000000;
	return 0;
}

static struct slot *
slot_new(struct worker *w)
{
	struct slot *s = xcalloc(1, sizeof *s);
	CURL *e;

	s->w = w;
	s->req = SIZE_MAX;
	s->bufs = xcalloc(w->env->npreq, sizeof *s->bufs);
	if ((e = curl_easy_init()) == NULL) {
		fprintf(stderr, "loadtop: curl_easy_init failed\n");
		abort();
	}
	s->easy = e;
	curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(e, CURLOPT_SHARE, w->env->share);
	if (w->env->http_version == 20) {
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
		    (long)CURL_HTTP_VERSION_2TLS);
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	} else
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
		    (long)CURL_HTTP_VERSION_1_1);
	if (w->env->insecure_tls) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return s;
}

static void
slot_free(struct worker *w, struct slot *s)
{
	size_t i;

	if (s->state == SLOT_BUSY)
		curl_multi_remove_handle(w->multi, s->easy);
	curl_easy_cleanup(s->easy);
	for (i = 0; i < w->env->npreq; i++)
		preq_buf_free(s->bufs[i], &w->env->preqs[i]);
	free(s->bufs);
	free(s);
}

/* Make sure at least n slots exist (idle ones go on the idle list). */
static void
grow_slots(struct worker *w, unsigned n)
{
	if (n <= w->nslots)
		return;
	w->slots = xreallocarray(w->slots, n, sizeof *w->slots);
	while (w->nslots < n) {
		struct slot *s = slot_new(w);

		w->slots[w->nslots++] = s;
		s->next = w->idle;
		w->idle = s;
	}
	curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS, (long)w->nslots);
}

static struct slot *
idle_pop(struct worker *w)
{
	struct slot *s = w->idle;

	if (s != NULL)
		w->idle = s->next;
	return s;
}

static void
idle_push(struct worker *w, struct slot *s)
{
	s->state = SLOT_IDLE;
	s->next = w->idle;
	w->idle = s;
}

/* Smooth weighted round robin: deterministic shares, no randomness. */
static size_t
pick_request(struct worker *w)
{
	const struct worker_plan *p = &w->plan;
	size_t i, best = 0;
	int total = 0;

	if (p->nuse == 1)
		return p->use[0];
	for (i = 0; i < p->nuse; i++) {
		w->cw[i] += (int)p->weights[i];
		total += (int)p->weights[i];
		if (w->cw[i] > w->cw[best])
			best = i;
	}
	w->cw[best] -= total;
	return p->use[best];
}

static void
start_request(struct worker *w, struct slot *s, int64_t planned, int64_t now)
{
	const struct worker_env *env = w->env;
	const struct preq *p;
	struct tmpl_ctx ctx;
	size_t ri = pick_request(w);
	size_t out;
	bool full;

	p = &env->preqs[ri];
	if (s->bufs[ri] == NULL)
		s->bufs[ri] = preq_buf_new(p);
	ctx.seq = p->uses_seq ?
	    __atomic_fetch_add(env->seq, 1, __ATOMIC_RELAXED) : 0;
	ctx.rng = &w->rng;
	if (p->url != NULL || p->ndyn || p->body_tmpl != NULL)
		clock_gettime(CLOCK_REALTIME, &ctx.now);
	else
		ctx.now.tv_sec = ctx.now.tv_nsec = 0;
	full = s->req != ri;
	out = preq_apply(p, s->bufs[ri], s->easy, &ctx, full);
	s->req = ri;
	s->planned_ns = planned;
	s->started_ns = now;
	s->bytes = 0;
	if (w->plan.track_order)
		s->order = __atomic_fetch_add(env->order, 1, __ATOMIC_RELAXED);
	s->state = SLOT_BUSY;
	if (now - planned > LATE_NS)
		STATS_INC(&w->stats->late_starts, 1);
	STATS_INC(&w->stats->started, 1);
	STATS_INC(&w->stats->req[ri].started, 1);
	STATS_INC(&w->stats->bytes_out, out);
	w->started++;
	w->inflight++;
	curl_multi_add_handle(w->multi, s->easy);
}

static int64_t
us_between(curl_off_t later, curl_off_t earlier)
{
	return later > earlier ? (int64_t)(later - earlier) : 0;
}

static void
record(struct worker *w, struct slot *s, CURLcode res, int64_t end)
{
	const struct preq *p = &w->env->preqs[s->req];
	struct stats *st = w->stats;
	struct stats_req *rq = &st->req[s->req];
	curl_off_t dns = 0, conn = 0, app = 0, pre = 0, ttfb = 0, total = 0;
	curl_off_t retry = 0;
	long status = 0, nconn = 0;
	enum lt_class cls;
	int64_t lat;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	cls = preq_classify(p, res, status);
	STATS_INC(&st->classes[cls], 1);
	STATS_INC(&rq->classes[cls], 1);
	if (status > 0 && status < LT_STATUS_MAX)
		STATS_INC(&st->status[status], 1);
	STATS_INC(&st->bytes_in, s->bytes);
	STATS_INC(&rq->bytes, s->bytes);

	lat = (end - s->planned_ns) / 1000;
	hdr_record(st->latency, lat);
	hdr_record(rq->latency, lat);
	hdr_record(st->service, (end - s->started_ns) / 1000);

	curl_easy_getinfo(s->easy, CURLINFO_NUM_CONNECTS, &nconn);
	curl_easy_getinfo(s->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
	curl_easy_getinfo(s->easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
	curl_easy_getinfo(s->easy, CURLINFO_TOTAL_TIME_T, &total);
	if (nconn > 0) {
		curl_easy_getinfo(s->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
		curl_easy_getinfo(s->easy, CURLINFO_CONNECT_TIME_T, &conn);
		curl_easy_getinfo(s->easy, CURLINFO_APPCONNECT_TIME_T, &app);
		STATS_INC(&st->connects, 1);
		hdr_record(st->timing[TIM_DNS], dns);
		if (conn > 0)
			hdr_record(st->timing[TIM_CONNECT], us_between(conn, dns));
		if (app > 0)
			hdr_record(st->timing[TIM_TLS], us_between(app, conn));
	}
	if (res == CURLE_OK && ttfb > 0) {
		hdr_record(st->timing[TIM_TTFB], us_between(ttfb, pre));
		hdr_record(st->timing[TIM_TRANSFER], us_between(total, ttfb));
	}

	if (cls == CLS_RATE_LIMITED) {
		if (w->plan.track_order && s->order < w->phase.first_limited_seq)
			w->phase.first_limited_seq = s->order;
		if (curl_easy_getinfo(s->easy, CURLINFO_RETRY_AFTER, &retry) ==
		    CURLE_OK && retry > 0) {
			w->phase.retry_after_count++;
			w->phase.retry_after_min = LT_MIN(w->phase.retry_after_min,
			    (int64_t)retry);
			w->phase.retry_after_max = LT_MAX(w->phase.retry_after_max,
			    (int64_t)retry);
		}
	}
}

static bool
may_start(const struct worker *w)
{
	return w->run == RUN_ACTIVE && !w->paused &&
	    (w->plan.count == 0 || w->started < w->plan.count);
}

/* The number of closed-model loops wanted now. */
static unsigned
users_target(const struct worker *w, int64_t now)
{
	double u;

	if (w->plan.users_ramp)
		u = pace_rate_at(&w->plan.users, now);
	else
		u = (double)w->plan.slots * w->factor;
	if (u < 0)
		u = 0;
	return (unsigned)lround(u);
}

static void
think_push(struct worker *w, struct slot *s, int64_t ready)
{
	s->state = SLOT_THINK;
	s->ready_ns = ready;
	s->next = NULL;
	if (w->think_tail != NULL)
		w->think_tail->next = s;
	else
		w->think_head = s;
	w->think_tail = s;
}

static struct slot *
think_pop(struct worker *w)
{
	struct slot *s = w->think_head;

	if (s != NULL) {
		w->think_head = s->next;
		if (w->think_head == NULL)
			w->think_tail = NULL;
	}
	return s;
}

static void
issue(struct worker *w, int64_t now)
{
	struct slot *s;
	unsigned target;

	if (w->plan.mode == PLAN_OPEN) {
		while (may_start(w) && w->next_due <= now &&
		    w->next_due < w->plan.end_ns && (s = idle_pop(w)) != NULL) {
			start_request(w, s, w->next_due, now);
			w->next_due = pace_next(&w->plan.sched);
		}
		return;
	}
	while (w->think_head != NULL && w->think_head->ready_ns <= now) {
		s = think_pop(w);
		if (may_start(w) && w->active <= users_target(w, now))
			start_request(w, s, now, now);
		else {
			w->active--;
			idle_push(w, s);
		}
	}
	target = users_target(w, now);
	if (target > w->nslots)
		grow_slots(w, target);
	while (may_start(w) && w->active < target &&
	    (s = idle_pop(w)) != NULL) {
		w->active++;
		start_request(w, s, now, now);
	}
}

static void
after_completion(struct worker *w, struct slot *s, int64_t now)
{
	w->inflight--;
	if (w->plan.mode == PLAN_OPEN) {
		idle_push(w, s);
		return;
	}
	if (!may_start(w) || w->active > users_target(w, now)) {
		w->active--;
		idle_push(w, s);
	} else if (w->plan.think_ns > 0)
		think_push(w, s, now + w->plan.think_ns);
	else
		start_request(w, s, now, now);
}

static void
read_completions(struct worker *w)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(w->multi, &left)) != NULL) {
		struct slot *s = NULL;
		int64_t end;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		end = lt_now_ns();
		curl_multi_remove_handle(w->multi, s->easy);
		record(w, s, m->data.result, end);
		after_completion(w, s, end);
	}
	__atomic_store_n(&w->inflight_pub, w->inflight, __ATOMIC_RELAXED);
}

static void
take_plan(struct worker *w, const struct worker_plan *p, int64_t now)
{
	w->plan = *p;
	w->run = RUN_ACTIVE;
	w->started = 0;
	w->active = 0;
	memset(w->cw, 0, sizeof w->cw);
	stats_phase_reset(&w->phase);
	if (p->mode == PLAN_OPEN) {
		grow_slots(w, p->slots);
		pace_set_factor(&w->plan.sched, w->factor);
		w->next_due = pace_next(&w->plan.sched);
	} else {
		if (p->users_ramp)
			pace_set_factor(&w->plan.users, w->factor);
		grow_slots(w, (unsigned)ceil(p->slots * LT_MAX(w->factor, 1.0)));
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
	count_skipped(w);
	while ((s = think_pop(w)) != NULL) {
		w->active--;
		idle_push(w, s);
	}
	w->run = RUN_DRAINING;
}

static void
check_plan_end(struct worker *w, int64_t now)
{
	if (w->run == RUN_ACTIVE) {
		/* A pause holds the clock, not the count. */
		bool out_of_time = !w->paused && (now >= w->plan.end_ns ||
		    (w->plan.mode == PLAN_OPEN && w->next_due == INT64_MAX));
		bool out_of_count = w->plan.count > 0 &&
		    w->started >= w->plan.count;

		if (out_of_time || out_of_count)
			begin_drain(w);
	}
	if (w->run == RUN_DRAINING && w->inflight == 0) {
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
	struct slot *s;

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
	for (s = w->think_head; s != NULL; s = s->next)
		s->ready_ns += d;
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
	}
	if (m.has_plan)
		take_plan(w, &m.plan, now);
	set_paused(w, m.paused, now);
	if (m.end_plan)
		begin_drain(w);
	if (m.quit)
		w->run = RUN_IDLE;
}

static int64_t
next_wake(const struct worker *w, int64_t now)
{
	int64_t t = now + 100000000;	/* look at the mail at least at 10 Hz */

	t = LT_MIN(t, w->curl_deadline);
	if (w->run == RUN_ACTIVE && !w->paused) {
		t = LT_MIN(t, w->plan.end_ns);
		if (w->plan.mode == PLAN_OPEN && w->idle != NULL)
			t = LT_MIN(t, w->next_due);
		if (w->think_head != NULL)
			t = LT_MIN(t, w->think_head->ready_ns);
		if (w->plan.users_ramp)
			t = LT_MIN(t, now + 10000000);
	}
	return t;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[256];
	struct timespec ts;
	int64_t now, wake, d;
	int n, i, running;
	bool quit = false;

	while (!quit) {
		now = lt_now_ns();
		if (w->run == RUN_ACTIVE && !w->paused)
			issue(w, now);
		check_plan_end(w, now);
		wake = next_wake(w, now);
		d = wake - lt_now_ns();
		if (d < 0)
			d = 0;
		ts.tv_sec = d / 1000000000;
		ts.tv_nsec = d % 1000000000;
		n = epoll_pwait2(w->ep, ev, (int)LT_NELEM(ev), &ts, NULL);
		if (n < 0 && errno == ENOSYS) {
			n = epoll_wait(w->ep, ev, (int)LT_NELEM(ev),
			    (int)((d + 999999) / 1000000));
		}
		for (i = 0; i < n; i++) {
			int fd = ev[i].data.fd, flags = 0;

			if (fd == w->evfd) {
				read_mail(w, lt_now_ns());
				pthread_mutex_lock(&w->mail.lock);
				quit = w->mail.quit;
				pthread_mutex_unlock(&w->mail.lock);
				continue;
			}
			if (ev[i].events & EPOLLIN)
				flags |= CURL_CSELECT_IN;
			if (ev[i].events & EPOLLOUT)
				flags |= CURL_CSELECT_OUT;
			if (ev[i].events & (EPOLLERR | EPOLLHUP))
				flags |= CURL_CSELECT_ERR;
			curl_multi_socket_action(w->multi, fd, flags, &running);
		}
		if (lt_now_ns() >= w->curl_deadline) {
			w->curl_deadline = INT64_MAX;
			curl_multi_socket_action(w->multi, CURL_SOCKET_TIMEOUT,
			    0, &running);
		}
		read_completions(w);
	}
	return NULL;
}

struct worker *
worker_new(const struct worker_env *env, unsigned index, char **cause)
{
	struct worker *w = xcalloc(1, sizeof *w);
	struct epoll_event ev = { .events = EPOLLIN };

	w->env = env;
	w->index = index;
	w->factor = 1.0;
	w->curl_deadline = INT64_MAX;
	w->rng = 0x9e3779b97f4a7c15ULL * (index + 1) ^ (uint64_t)lt_now_ns();
	if (w->rng == 0)
		w->rng = 1;
	pthread_mutex_init(&w->mail.lock, NULL);
	w->mail.factor = 1.0;
	w->stats = stats_new(env->npreq);
	stats_phase_reset(&w->phase);
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->ep < 0 || w->evfd < 0) {
		xasprintf(cause, "worker %u: %s", index, strerror(errno));
		worker_free(w);
		return NULL;
	}
	ev.data.fd = w->evfd;
	epoll_ctl(w->ep, EPOLL_CTL_ADD, w->evfd, &ev);
	if ((w->multi = curl_multi_init()) == NULL) {
		xasprintf(cause, "worker %u: curl_multi_init failed", index);
		worker_free(w);
		return NULL;
	}
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETDATA, w);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERDATA, w);
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
	for (i = 0; i < w->nslots; i++)
		slot_free(w, w->slots[i]);
	free(w->slots);
	if (w->multi != NULL)
		curl_multi_cleanup(w->multi);
	if (w->ep >= 0)
		close(w->ep);
	if (w->evfd >= 0)
		close(w->evfd);
	stats_free(w->stats);
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

unsigned
worker_inflight(const struct worker *w)
{
	return __atomic_load_n(&w->inflight_pub, __ATOMIC_RELAXED);
}
