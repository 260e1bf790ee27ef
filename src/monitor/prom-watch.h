/*
 * A watch: the series that match any of its selectors (see prom.h), and
 * their values after the latest scrape.  A gauge's value is as exposed;
 * a counter's (and a histogram's or summary's _sum, _count and _bucket)
 * is its rate per second between the last two scrapes, counted from 0
 * again after a reset.  A series missing from a scrape has no value.
 */
#ifndef LT_PROM_WATCH_H
#define LT_PROM_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "monitor-view.h"
#include "prom.h"

struct prom_watch;

/* Selectors as written by the user; fails on a malformed one. */
struct prom_watch *prom_watch_new(const char *const *selectors, size_t n,
	     char **cause);
void	 prom_watch_free(struct prom_watch *);
/* Feed one scrape taken at now_us (monotonic). */
void	 prom_watch_update(struct prom_watch *, const struct prom_doc *,
	     int64_t now_us);
/* Copy out the current values; free with prom_values_free. */
size_t	 prom_watch_values(const struct prom_watch *, struct prom_value **out);
void	 prom_values_free(struct prom_value *, size_t);

#endif
