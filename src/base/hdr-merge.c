/*
 * Merging histograms of the same layout: dst += src, dst = a - b and
 * dst = src, page by page.  The histograms read may be live; dst is
 * written by the calling thread only, and gets a page only where its
 * result has counts.
 */

#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "hdr.h"
#include "hdr-int.h"

static bool
hdr_same_layout(const struct hdr *a, const struct hdr *b)
{
	return a->lowest == b->lowest && a->highest == b->highest &&
	    a->sigfigs == b->sigfigs && a->counts_len == b->counts_len;
}

/* What a slot-by-slot merge reads and where it found counts. */
struct merge {
	struct hdr *dst;
	const struct hdr *a, *b;	/* b may be NULL: no counts */
	bool keep;			/* add to dst, or overwrite it */
	uint64_t total;			/* of the a - b terms */
	int32_t first, last;		/* indexes of the first, last of them */
};

/* Page k of dst becomes (keep ? dst : 0) + (a - b), a negative term
 * read as 0; pa is not NULL, pb may be.  Locals, not m's fields, in the
 * loop: a store through pd might alias them. */
static inline __attribute__((always_inline)) void
merge_page(struct merge *m, int32_t k, const uint64_t *pa, const uint64_t *pb)
{
	uint64_t *pd = LOAD(&m->dst->pages[k]), c, cb, total = 0;
	int32_t len = hdr_page_len(m->dst, k), first = -1, last = -1;
	bool keep = m->keep;

	for (int32_t i = 0; i < len; i++) {
		c = LOAD(&pa[i]);
		if (pb != NULL) {
			cb = LOAD(&pb[i]);
			c = c > cb ? c - cb : 0;
		}
		if (c != 0) {
			if (first < 0)
				first = i;
			last = i;
			total += c;
		} else if (pd == NULL || keep)
			continue;
		if (pd == NULL)
			pd = hdr_page_alloc(m->dst, k);
		STORE(&pd[i], keep ? LOAD(&pd[i]) + c : c);
	}
	if (first >= 0) {
		if (m->first < 0)
			m->first = (k << m->dst->page_shift) + first;
		m->last = (k << m->dst->page_shift) + last;
		m->total += total;
	}
}

/* Every page: dst gets pages only where the result has counts.  Inlined
 * in each caller, which gives keep and b as constants. */
static inline __attribute__((always_inline)) void
merge_counts(struct merge *m)
{
	const uint64_t *pa, *pb;
	uint64_t *pd;

	m->total = 0;
	m->first = m->last = -1;
	for (int32_t k = 0; k < m->dst->page_count; k++) {
		pa = hdr_page_read(m->a, k);
		pb = m->b != NULL ? hdr_page_read(m->b, k) : NULL;
		if (pa != NULL)
			merge_page(m, k, pa, pb);
		else if (!m->keep && (pd = LOAD(&m->dst->pages[k])) != NULL)
			hdr_page_zero(pd, hdr_page_len(m->dst, k));
	}
}

int
hdr_add(struct hdr *dst, const struct hdr *src)
{
	struct merge m = { .dst = dst, .a = src, .keep = true };
	int64_t v;

	if (!hdr_same_layout(dst, src))
		return -1;
	merge_counts(&m);
	/* min and max only widen with time: read them after the counts. */
	if (m.total != 0) {
		if ((v = LOAD(&src->min)) < LOAD(&dst->min))
			STORE(&dst->min, v);
		if ((v = LOAD(&src->max)) > LOAD(&dst->max))
			STORE(&dst->max, v);
	}
	STORE(&dst->total, LOAD(&dst->total) + m.total);
	STORE(&dst->overflow, LOAD(&dst->overflow) + LOAD(&src->overflow));
	hdr_store_sum(dst, hdr_load_sum(dst) + hdr_load_sum(src));
	return 0;
}

int
hdr_sub(struct hdr *dst, const struct hdr *a, const struct hdr *b)
{
	struct merge m = { .dst = dst, .a = a, .b = b };
	uint64_t ovf_a, ovf_b;
	int64_t min = INT64_MAX, max = 0;
	double sum;

	if (!hdr_same_layout(dst, a) || !hdr_same_layout(dst, b))
		return -1;
	merge_counts(&m);
	if (m.first >= 0) {
		min = hdr_clamp_to_index(a, LOAD(&a->min), m.first);
		max = hdr_clamp_to_index(a, LOAD(&a->max), m.last);
	}
	ovf_a = LOAD(&a->overflow);
	ovf_b = LOAD(&b->overflow);
	sum = hdr_load_sum(a) - hdr_load_sum(b);
	if (m.total == 0 || sum < 0)
		sum = 0;
	STORE(&dst->total, m.total);
	STORE(&dst->overflow, ovf_a > ovf_b ? ovf_a - ovf_b : 0);
	STORE(&dst->min, min);
	STORE(&dst->max, max);
	hdr_store_sum(dst, sum);
	return 0;
}

int
hdr_copy(struct hdr *dst, const struct hdr *src)
{
	struct merge m = { .dst = dst, .a = src };
	uint64_t total;

	if (!hdr_same_layout(dst, src))
		return -1;
	if (dst == src)
		return 0;
	merge_counts(&m);
	total = m.total;
	STORE(&dst->total, total);
	STORE(&dst->overflow, LOAD(&src->overflow));
	STORE(&dst->min, total != 0 ? LOAD(&src->min) : INT64_MAX);
	STORE(&dst->max, total != 0 ? LOAD(&src->max) : 0);
	hdr_store_sum(dst, total != 0 ? hdr_load_sum(src) : 0.0);
	return 0;
}
