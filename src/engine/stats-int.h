/* Internal to stats.c and stats-tables.c. */
#ifndef LT_STATS_INT_H
#define LT_STATS_INT_H

#include "stats.h"

void	 stats_tables_free(struct stats *);
void	 stats_tables_reset(struct stats *);
void	 stats_tables_add(struct stats *dst, const struct stats *src);
/* Checks and flows by difference; the tables empty. */
void	 stats_tables_sub(struct stats *dst, const struct stats *a,
	     const struct stats *b);

#endif
