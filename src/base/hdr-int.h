/* Internal to the hdr module: the layout arithmetic and the pages. */
#ifndef LT_HDR_INT_H
#define LT_HDR_INT_H

#include <stdbool.h>

#include "hdr.h"

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* Fill in the layout fields; -1 when the parameters cannot be honoured. */
int	 hdr_layout(struct hdr *, int64_t lowest, int64_t highest, int sigfigs);
/* Pull v into the values counts[index] can hold, for min and max. */
int64_t	 hdr_clamp_to_index(const struct hdr *, int64_t v, int32_t index);
/* Allocate page k, zeroed, and publish it: for its writer, when it is NULL. */
uint64_t *hdr_page_alloc(struct hdr *, int32_t k);

static inline int
hdr_bucket_index(const struct hdr *h, int64_t v)
{
	int pow2ceiling;

	pow2ceiling = 64 - __builtin_clzll((unsigned long long)v |
	    (unsigned long long)h->sub_bucket_mask);
	return pow2ceiling - h->unit_magnitude -
	    (h->sub_bucket_half_count_magnitude + 1);
}

/* v must be >= 0. */
static inline int32_t
hdr_counts_index(const struct hdr *h, int64_t v)
{
	int bucket = hdr_bucket_index(h, v);
	int32_t sub = (int32_t)(v >> (bucket + h->unit_magnitude));

	return ((bucket + 1) << h->sub_bucket_half_count_magnitude) +
	    (sub - h->sub_bucket_half_count);
}

/* Count i is slot i & page_mask of page i >> page_shift.  Counts in page
 * k: a whole page but for the last, which may be short. */
static inline int32_t
hdr_page_len(const struct hdr *h, int32_t k)
{
	int32_t left = h->counts_len - (k << h->page_shift);

	return left <= h->page_mask ? left : h->page_mask + 1;
}

/*
 * Page k as a reader sees it: NULL, all zeroes, or a page published with
 * a release store, whose zeroes this acquire load makes visible.
 */
static inline const uint64_t *
hdr_page_read(const struct hdr *h, int32_t k)
{
	return __atomic_load_n(&h->pages[k], __ATOMIC_ACQUIRE);
}

/* Move an iterator to just before the next page that exists; false, with
 * index at counts_len, when there is none. */
bool	 hdr_iter_page(struct hdr_iter *);

/*
 * Move an iterator to the next non-zero count: its index and count, not
 * its values.  Every walk over the counts goes through here.
 */
static inline bool
hdr_iter_count(struct hdr_iter *it)
{
	for (;;) {
		while (++it->index < it->page_end)
			if ((it->count = LOAD(&it->page[it->index &
			    it->h->page_mask])) != 0)
				return true;
		if (!hdr_iter_page(it))
			return false;
	}
}

static inline double
hdr_load_sum(const struct hdr *h)
{
	double v;

	__atomic_load(&h->sum, &v, __ATOMIC_RELAXED);
	return v;
}

static inline void
hdr_store_sum(struct hdr *h, double v)
{
	__atomic_store(&h->sum, &v, __ATOMIC_RELAXED);
}

static inline void
hdr_page_zero(uint64_t *p, int32_t len)
{
	for (int32_t i = 0; i < len; i++)
		STORE(&p[i], 0);
}

/* Page k for its writer, which alone stores the pointer. */
static inline uint64_t *
hdr_page_write(struct hdr *h, int32_t k)
{
	uint64_t *p = LOAD(&h->pages[k]);

	return __builtin_expect(p != NULL, 1) ? p : hdr_page_alloc(h, k);
}

#endif
