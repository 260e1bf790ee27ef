/* Per-thread request statistics and their merging. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stats-int.h"
#include "util.h"

static struct hdr *
latency_hdr_digits(int sigfigs)
{
	struct hdr *h = hdr_new(LT_HDR_LOWEST, LT_HDR_HIGHEST, sigfigs);

	if (h == NULL)
		abort();
	return h;
}

static struct hdr *
latency_hdr(void)
{
	return latency_hdr_digits(LT_HDR_SIGFIGS);
}

struct stats *
stats_new(size_t nreq)
{
	struct stats *s = xcalloc(1, sizeof *s);
	size_t i;

	s->latency = latency_hdr();
	s->service = latency_hdr();
	for (i = 0; i < TIM__COUNT; i++)
		s->timing[i] = latency_hdr_digits(LT_HDR_DETAIL_SIGFIGS);
	for (i = 0; i < CLS__COUNT; i++)
		s->by_class[i] = latency_hdr_digits(LT_HDR_DETAIL_SIGFIGS);
	s->nreq = nreq;
	s->req = xcalloc(nreq, sizeof *s->req);
	for (i = 0; i < nreq; i++) {
		s->req[i].latency = latency_hdr_digits(LT_HDR_DETAIL_SIGFIGS);
		s->req[i].service = latency_hdr_digits(LT_HDR_DETAIL_SIGFIGS);
	}
	return s;
}

void
stats_free(struct stats *s)
{
	size_t i;

	if (s == NULL)
		return;
	hdr_free(s->latency);
	hdr_free(s->service);
	for (i = 0; i < TIM__COUNT; i++)
		hdr_free(s->timing[i]);
	for (i = 0; i < CLS__COUNT; i++)
		hdr_free(s->by_class[i]);
	for (i = 0; i < s->nreq; i++) {
		hdr_free(s->req[i].latency);
		hdr_free(s->req[i].service);
	}
	stats_tables_free(s);
	free(s->req);
	free(s);
}

/* The plain counters, in order, so that add/sub can walk them. */
#define STATS_SCALARS(s) \
	X(s, started) X(s, bytes_in) X(s, bytes_out) X(s, scheduled) \
	X(s, late_starts) X(s, skipped) X(s, connects) \
	X(s, http_versions[0]) X(s, http_versions[1]) \
	X(s, http_versions[2]) X(s, http_versions[3])

void
stats_reset(struct stats *s)
{
	size_t i;

#define X(s, f) (s)->f = 0;
	STATS_SCALARS(s)
#undef X
	memset(s->classes, 0, sizeof s->classes);
	memset(s->status, 0, sizeof s->status);
	memset(s->curl_errors, 0, sizeof s->curl_errors);
	hdr_reset(s->latency);
	hdr_reset(s->service);
	for (i = 0; i < TIM__COUNT; i++)
		hdr_reset(s->timing[i]);
	for (i = 0; i < CLS__COUNT; i++)
		hdr_reset(s->by_class[i]);
	for (i = 0; i < s->nreq; i++) {
		s->req[i].started = 0;
		s->req[i].bytes = 0;
		memset(s->req[i].http_versions, 0,
		    sizeof s->req[i].http_versions);
		memset(s->req[i].classes, 0, sizeof s->req[i].classes);
		hdr_reset(s->req[i].latency);
		hdr_reset(s->req[i].service);
	}
	stats_tables_reset(s);
}

void
stats_add(struct stats *dst, const struct stats *src)
{
	size_t i, c;

#define X(s, f) dst->f += STATS_GET(&src->f);
	STATS_SCALARS(src)
#undef X
	for (c = 0; c < CLS__COUNT; c++)
		dst->classes[c] += STATS_GET(&src->classes[c]);
	for (c = 0; c < LT_STATUS_MAX; c++)
		dst->status[c] += STATS_GET(&src->status[c]);
	for (c = 0; c < LT_CURLE_MAX; c++)
		dst->curl_errors[c] += STATS_GET(&src->curl_errors[c]);
	hdr_add(dst->latency, src->latency);
	hdr_add(dst->service, src->service);
	for (i = 0; i < TIM__COUNT; i++)
		hdr_add(dst->timing[i], src->timing[i]);
	for (i = 0; i < CLS__COUNT; i++)
		hdr_add(dst->by_class[i], src->by_class[i]);
	for (i = 0; i < dst->nreq && i < src->nreq; i++) {
		dst->req[i].started += STATS_GET(&src->req[i].started);
		dst->req[i].bytes += STATS_GET(&src->req[i].bytes);
		for (c = 0; c < LT_HTTPV_COUNT; c++)
			dst->req[i].http_versions[c] +=
			    STATS_GET(&src->req[i].http_versions[c]);
		for (c = 0; c < CLS__COUNT; c++)
			dst->req[i].classes[c] +=
			    STATS_GET(&src->req[i].classes[c]);
		hdr_add(dst->req[i].latency, src->req[i].latency);
		hdr_add(dst->req[i].service, src->req[i].service);
	}
	stats_tables_add(dst, src);
}

void
stats_sub(struct stats *dst, const struct stats *a, const struct stats *b)
{
	size_t i, c;

#define X(s, f) dst->f = a->f - b->f;
	STATS_SCALARS(a)
#undef X
	for (c = 0; c < CLS__COUNT; c++)
		dst->classes[c] = a->classes[c] - b->classes[c];
	for (c = 0; c < LT_STATUS_MAX; c++)
		dst->status[c] = a->status[c] - b->status[c];
	for (c = 0; c < LT_CURLE_MAX; c++)
		dst->curl_errors[c] = a->curl_errors[c] - b->curl_errors[c];
	hdr_sub(dst->latency, a->latency, b->latency);
	hdr_sub(dst->service, a->service, b->service);
	for (i = 0; i < TIM__COUNT; i++)
		hdr_sub(dst->timing[i], a->timing[i], b->timing[i]);
	for (i = 0; i < CLS__COUNT; i++)
		hdr_sub(dst->by_class[i], a->by_class[i], b->by_class[i]);
	for (i = 0; i < dst->nreq; i++) {
		dst->req[i].started = a->req[i].started - b->req[i].started;
		dst->req[i].bytes = a->req[i].bytes - b->req[i].bytes;
		for (c = 0; c < LT_HTTPV_COUNT; c++)
			dst->req[i].http_versions[c] =
			    a->req[i].http_versions[c] -
			    b->req[i].http_versions[c];
		for (c = 0; c < CLS__COUNT; c++)
			dst->req[i].classes[c] =
			    a->req[i].classes[c] - b->req[i].classes[c];
		hdr_sub(dst->req[i].latency, a->req[i].latency,
		    b->req[i].latency);
		hdr_sub(dst->req[i].service, a->req[i].service,
		    b->req[i].service);
	}
	stats_tables_sub(dst, a, b);
}

void
stats_copy(struct stats *dst, const struct stats *src)
{
	stats_reset(dst);
	stats_add(dst, src);
}

uint64_t
stats_classes_completed(const uint64_t *classes)
{
	uint64_t n = 0;
	size_t c;

	for (c = 0; c < CLS__COUNT; c++)
		n += classes[c];
	return n;
}

uint64_t
stats_classes_responses(const uint64_t *classes)
{
	return classes[CLS_OK] + classes[CLS_RATE_LIMITED] +
	    classes[CLS_CLIENT_ERROR] + classes[CLS_SERVER_ERROR] +
	    classes[CLS_UNEXPECTED] + classes[CLS_CHECK_FAILED];
}

uint64_t
stats_classes_errors(const uint64_t *classes)
{
	return stats_classes_completed(classes) - classes[CLS_OK] -
	    classes[CLS_RATE_LIMITED];
}

uint64_t
stats_completed(const struct stats *s)
{
	return stats_classes_completed(s->classes);
}

void
stats_phase_reset(struct stats_phase *p)
{
	p->first_limited_seq = UINT64_MAX;
	p->retry_after_count = 0;
	p->retry_after_min = INT64_MAX;
	p->retry_after_max = -1;
}

void
stats_phase_merge(struct stats_phase *dst, const struct stats_phase *src)
{
	dst->first_limited_seq = LT_MIN(dst->first_limited_seq,
	    src->first_limited_seq);
	dst->retry_after_count += src->retry_after_count;
	dst->retry_after_min = LT_MIN(dst->retry_after_min,
	    src->retry_after_min);
	dst->retry_after_max = LT_MAX(dst->retry_after_max,
	    src->retry_after_max);
}
