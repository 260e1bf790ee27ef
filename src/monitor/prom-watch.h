/*
 * A watch: the series that match any of its selectors (see prom.h), and
 * their figures over the scrapes fed to it (struct prom_value, in
 * monitor-view.h): a counter's increase over them, resets counted, and
 * a gauge's extremes.  A series missing from a scrape keeps its figures
 * but is not present.
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
/* Copy out the current values, in the order of the selectors that pick
 * them, then of their names; free with prom_values_free. */
size_t	 prom_watch_values(const struct prom_watch *, struct prom_value **out);
void	 prom_values_free(struct prom_value *, size_t);

#endif
