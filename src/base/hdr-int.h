/* Internal to hdr.c and hdr-text.c: the layout arithmetic. */
#ifndef LT_HDR_INT_H
#define LT_HDR_INT_H

#include "hdr.h"

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* Fill in the layout fields; -1 when the parameters cannot be honoured. */
int	 hdr_layout(struct hdr *, int64_t lowest, int64_t highest, int sigfigs);
/* Pull v into the values counts[index] can hold, for min and max. */
int64_t	 hdr_clamp_to_index(const struct hdr *, int64_t v, int32_t index);
double	 hdr_load_sum(const struct hdr *);

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

#endif
