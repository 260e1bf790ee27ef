#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "health.h"
#include "prom-watch.h"
#include "util.h"

#define HEALTH_MAX_DOWN 256		/* downtime intervals kept */
#define HEALTH_MAX_BODY (16 << 20)	/* largest exposition read */

struct health_body {
	char *buf;
	size_t len;
	bool truncated;
};

struct health {
	char *health_url;
	char *metrics_url;
	int64_t interval_us;
	int64_t timeout_us;
	void (*on_change)(void *, bool, int64_t, const char *);
	void *arg;
	struct prom_watch *watch;
	CURL *curl;			/* under fetch_lock */
	pthread_mutex_t fetch_lock;	/* the poller vs health_scrape_now */

	pthread_t thread;
	bool running;
	bool stopping;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* wakes the thread to stop */
	struct health_view v;		/* lists owned here */
};

struct health *
health_new(const struct health_config *cfg, char **cause)
{
	struct health *h = xcalloc(1, sizeof *h);

	if (cfg->metrics_url != NULL) {
		h->watch = prom_watch_new(cfg->metrics, cfg->nmetrics, cause);
		if (h->watch == NULL) {
			free(h);
			return NULL;
		}
	}
	h->health_url = cfg->health_url ? xstrdup(cfg->health_url) : NULL;
	h->metrics_url = cfg->metrics_url ? xstrdup(cfg->metrics_url) : NULL;
	h->interval_us = cfg->interval_us > 0 ? cfg->interval_us : 1000000;
	h->timeout_us = cfg->timeout_us > 0 ? cfg->timeout_us :
	    LT_MIN(h->interval_us, 2000000);
	h->on_change = cfg->on_change;
	h->arg = cfg->arg;
	h->v.enabled = h->health_url != NULL;
	h->v.metrics_enabled = h->metrics_url != NULL;
	h->v.down = xcalloc(HEALTH_MAX_DOWN, sizeof *h->v.down);
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->fetch_lock, NULL);
	util_cond_init(&h->cond);
	return h;
}

static size_t
health_write(char *p, size_t size, size_t n, void *arg)
{
	struct health_body *b = arg;
	size_t len = size * n;

	if (b == NULL)
		return len;
	if (b->len + len > HEALTH_MAX_BODY) {
		b->truncated = true;
		return 0;
	}
	b->buf = xrealloc(b->buf, b->len + len + 1);
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return len;
}

static void
health_setup(CURL *c, const char *url, int64_t timeout_us,
    struct health_body *body, char *errbuf)
{
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout_us / 1000));
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)LT_MIN(timeout_us / 1000, 1000));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, health_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "loadtop-monitor");
	errbuf[0] = '\0';
}

static void
health_check(struct health *h, CURL *c)
{
	char errbuf[CURL_ERROR_SIZE], why[CURL_ERROR_SIZE];
	struct health_view *v = &h->v;
	struct health_downtime *d;
	int64_t t0 = util_now_us(), t1;
	CURLcode rc;
	long status = 0;
	bool up, changed;

	health_setup(c, h->health_url, h->timeout_us, NULL, errbuf);
	rc = curl_easy_perform(c);
	t1 = util_now_us();
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	up = rc == CURLE_OK && status >= 200 && status < 400;
	if (rc != CURLE_OK)
		snprintf(why, sizeof why, "%s", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
	else
		snprintf(why, sizeof why, "HTTP %ld", status);

	pthread_mutex_lock(&h->lock);
	changed = !v->checked || v->up != up;
	v->checks++;
	v->status = (int)status;
	v->latency_ms = (t1 - t0) / 1e3;
	if (up) {
		v->error[0] = '\0';
		if (v->checked && !v->up && v->ndown > 0)
			v->down[v->ndown - 1].end_us = t1;
	} else {
		v->failures++;
		snprintf(v->error, sizeof v->error, "%.159s", why);
		if (!v->checked || v->up) {
			if (v->ndown == HEALTH_MAX_DOWN) {
				memmove(v->down, v->down + 1,
				    (HEALTH_MAX_DOWN - 1) * sizeof *v->down);
				v->ndown--;
			}
			d = &v->down[v->ndown++];
			d->start_us = t0;
			d->end_us = 0;
		}
	}
	v->checked = true;
	v->up = up;
	pthread_mutex_unlock(&h->lock);
	/* Report a first check only when it is bad news. */
	if (changed && h->on_change != NULL && (v->checks > 1 || !up))
		h->on_change(h->arg, up, t1, why);
}

static void
health_scrape(struct health *h, CURL *c)
{
	char errbuf[CURL_ERROR_SIZE], *cause = NULL;
	struct health_body body = { NULL, 0, false };
	struct prom_doc doc;
	CURLcode rc;
	long status = 0;
	int64_t now;

	health_setup(c, h->metrics_url, h->timeout_us, &body, errbuf);
	rc = curl_easy_perform(c);
	now = util_now_us();
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK || status != 200) {
		if (body.truncated)
			xasprintf(&cause, "exposition larger than %d bytes",
			    HEALTH_MAX_BODY);
		else if (rc != CURLE_OK)
			xasprintf(&cause, "%s", errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(rc));
		else
			xasprintf(&cause, "HTTP %ld", status);
	} else if (prom_parse(body.buf != NULL ? body.buf : "", body.len,
	    &doc, &cause) == 0) {
		pthread_mutex_lock(&h->lock);
		prom_watch_update(h->watch, &doc, now);
		prom_values_free(h->v.metrics, h->v.nmetrics);
		h->v.nmetrics = prom_watch_values(h->watch, &h->v.metrics);
		h->v.scrapes++;
		h->v.metrics_error[0] = '\0';
		pthread_mutex_unlock(&h->lock);
		prom_doc_free(&doc);
	}
	free(body.buf);
	if (cause != NULL) {
		pthread_mutex_lock(&h->lock);
		h->v.scrapes++;
		h->v.scrape_failures++;
		snprintf(h->v.metrics_error, sizeof h->v.metrics_error,
		    "%s: %s", h->metrics_url, cause);
		pthread_mutex_unlock(&h->lock);
		free(cause);
	}
}

static void *
health_main(void *arg)
{
	struct health *h = arg;
	struct timespec ts;
	int64_t next = util_now_us(), now;
	bool first = true;

	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		pthread_mutex_unlock(&h->lock);
		pthread_mutex_lock(&h->fetch_lock);
		if (h->health_url != NULL)
			health_check(h, h->curl);
		/* health_start took the first scrape. */
		if (h->metrics_url != NULL && !first)
			health_scrape(h, h->curl);
		pthread_mutex_unlock(&h->fetch_lock);
		first = false;
		now = util_now_us();
		next = LT_MAX(next + h->interval_us, now);
		util_deadline(&ts, (next - now) * 1000);
		pthread_mutex_lock(&h->lock);
		while (!h->stopping &&
		    pthread_cond_timedwait(&h->cond, &h->lock, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

int
health_start(struct health *h, char **cause)
{
	int e;

	if (h->health_url == NULL && h->metrics_url == NULL)
		return 0;
	if (h->curl == NULL && (h->curl = curl_easy_init()) == NULL) {
		xasprintf(cause, "cannot start the health poller: no curl "
		    "handle");
		return -1;
	}
	/* In the caller's thread, so that the run's counting starts here. */
	health_scrape_now(h);
	if ((e = pthread_create(&h->thread, NULL, health_main, h)) != 0) {
		xasprintf(cause, "cannot start the health poller: %s",
		    strerror(e));
		return -1;
	}
	h->running = true;
	return 0;
}

void
health_scrape_now(struct health *h)
{
	if (h->metrics_url == NULL || h->curl == NULL)
		return;
	pthread_mutex_lock(&h->fetch_lock);
	health_scrape(h, h->curl);
	pthread_mutex_unlock(&h->fetch_lock);
}

void
health_stop(struct health *h)
{
	if (!h->running)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	h->running = false;
}

void
health_free(struct health *h)
{
	if (h == NULL)
		return;
	health_stop(h);
	prom_watch_free(h->watch);
	prom_values_free(h->v.metrics, h->v.nmetrics);
	free(h->v.down);
	free(h->health_url);
	free(h->metrics_url);
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->fetch_lock);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void
health_read(struct health *h, struct health_view *out)
{
	size_t i;

	pthread_mutex_lock(&h->lock);
	*out = h->v;
	out->down = xcalloc(h->v.ndown + 1, sizeof *out->down);
	memcpy(out->down, h->v.down, h->v.ndown * sizeof *out->down);
	out->down_us = 0;
	for (i = 0; i < h->v.ndown; i++)
		out->down_us += (h->v.down[i].end_us != 0 ?
		    h->v.down[i].end_us : util_now_us()) - h->v.down[i].start_us;
	out->metrics = xcalloc(h->v.nmetrics + 1, sizeof *out->metrics);
	for (i = 0; i < h->v.nmetrics; i++) {
		out->metrics[i] = h->v.metrics[i];
		out->metrics[i].series = xstrdup(h->v.metrics[i].series);
	}
	pthread_mutex_unlock(&h->lock);
}

void
health_view_clear(struct health_view *v)
{
	free(v->down);
	prom_values_free(v->metrics, v->nmetrics);
	memset(v, 0, sizeof *v);
}
