/* Internal to stats.c and stats-tables.c. */
#ifndef LT_STATS_INT_H
#define LT_STATS_INT_H

#include "stats.h"

struct scenario;

void	 stats_tables_free(struct stats *);
void	 stats_tables_reset(struct stats *);
void	 stats_tables_add(struct stats *dst, const struct stats *src);
/* Checks and flows by difference; the tables empty. */
void	 stats_tables_sub(struct stats *dst, const struct stats *a,
	     const struct stats *b);

/* The streams' share of the above (stats-stream.c). */
void	 stats_stream_shape(struct stats *, const struct scenario *);
void	 stats_stream_free(struct stats *);
void	 stats_stream_reset(struct stats *);
void	 stats_stream_add(struct stats *dst, const struct stats *src);
void	 stats_stream_sub(struct stats *dst, const struct stats *a,
	     const struct stats *b);

#endif
