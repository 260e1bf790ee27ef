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
#include "worker-int.h"

static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct wmulti *m = arg;
	struct worker *w = m->w;
	struct epoll_event ev = { 0 };

	(void)easy;
	/* The event says which multi handle the socket belongs to. */
	ev.data.u64 = (uint64_t)(m->index + 1) << 32 | (uint32_t)fd;
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
		curl_multi_assign(m->multi, fd, m);
	} else if (epoll_ctl(w->ep, EPOLL_CTL_MOD, fd, &ev) != 0 &&
	    errno == ENOENT)
		epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

static int
on_timer(CURLM *multi, long timeout_ms, void *arg)
{
	struct wmulti *m = arg;

	(void)multi;
	if (timeout_ms < 0)
		m->deadline = INT64_MAX;
	else
		m->deadline = lt_now_ns() + (int64_t)timeout_ms * 1000000;
	return 0;
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
		    w->next_due < w->plan.end_ns && (s = worker_idle_pop(w)) != NULL) {
			worker_start_request(w, s, w->next_due, now);
			w->next_due = pace_next(&w->plan.sched);
		}
		return;
	}
	while (w->think_head != NULL && w->think_head->ready_ns <= now) {
		s = think_pop(w);
		if (may_start(w) && w->active <= users_target(w, now))
			worker_start_request(w, s, now, now);
		else {
			w->active--;
			worker_idle_push(w, s);
		}
	}
	target = users_target(w, now);
	if (target > w->nslots)
		worker_grow_slots(w, target);
	while (may_start(w) && w->active < target &&
	    (s = worker_idle_pop(w)) != NULL) {
		w->active++;
		worker_start_request(w, s, now, now);
	}
}

static void
after_completion(struct worker *w, struct slot *s, int64_t now)
{
	w->inflight--;
	if (w->plan.mode == PLAN_OPEN) {
		worker_idle_push(w, s);
		return;
	}
	if (!may_start(w) || w->active > users_target(w, now)) {
		w->active--;
		worker_idle_push(w, s);
	} else if (w->plan.think_ns > 0)
		think_push(w, s, now + w->plan.think_ns);
	else
		worker_start_request(w, s, now, now);
}

static void
read_completions(struct worker *w)
{
	CURLMsg *m;
	unsigned i;
	int left;

	for (i = 0; i < w->nmultis; i++) {
		while ((m = curl_multi_info_read(w->multis[i]->multi,
		    &left)) != NULL) {
			struct slot *s = NULL;
			int64_t end;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&s);
			end = lt_now_ns();
			curl_multi_remove_handle(s->m->multi, s->easy);
			worker_record(w, s, m->data.result, end);
			after_completion(w, s, end);
		}
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
	count_skipped(w);
	while ((s = think_pop(w)) != NULL) {
		w->active--;
		worker_idle_push(w, s);
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
	unsigned i;

	for (i = 0; i < w->nmultis; i++)
		t = LT_MIN(t, w->multis[i]->deadline);
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
	unsigned k;
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
			uint64_t tag = ev[i].data.u64;
			int fd = (int)(uint32_t)tag, flags = 0;

			if (tag == 0) {
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
			curl_multi_socket_action(
			    w->multis[(tag >> 32) - 1]->multi, fd, flags,
			    &running);
		}
		now = lt_now_ns();
		for (k = 0; k < w->nmultis; k++) {
			struct wmulti *m = w->multis[k];

			if (now >= m->deadline) {
				m->deadline = INT64_MAX;
				curl_multi_socket_action(m->multi,
				    CURL_SOCKET_TIMEOUT, 0, &running);
			}
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
	ev.data.u64 = 0;		/* the mail, not a socket */
	epoll_ctl(w->ep, EPOLL_CTL_ADD, w->evfd, &ev);
	return w;
}

struct wmulti *
worker_multi_add(struct worker *w)
{
	struct wmulti *m = xcalloc(1, sizeof *m);

	if ((m->multi = curl_multi_init()) == NULL) {
		fprintf(stderr, "loadtop: curl_multi_init failed\n");
		abort();
	}
	m->w = w;
	m->index = w->nmultis;
	m->deadline = INT64_MAX;
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
	if (w->env->http_version == 20)
		curl_multi_setopt(m->multi, CURLMOPT_PIPELINING,
		    (long)CURLPIPE_MULTIPLEX);
	w->multis = xreallocarray(w->multis, w->nmultis + 1,
	    sizeof *w->multis);
	w->multis[w->nmultis++] = m;
	return m;
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
		worker_slot_free(w, w->slots[i]);
	free(w->slots);
	for (i = 0; i < w->nmultis; i++) {
		curl_multi_cleanup(w->multis[i]->multi);
		free(w->multis[i]);
	}
	free(w->multis);
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
