/*
 * Prometheus text exposition format (version 0.0.4): parser and
 * selectors; prom-watch.h turns successive scrapes into values.
 *
 * A sample's labels are kept in canonical form: sorted by name, written
 * as {a="x",b="y"} with \\, \" and \n escaped; "" when there are none.
 * A selector is a metric name, which matches every label set of that
 * name, or name{labels}, which matches the samples of that name carrying
 * at least those labels with those values.
 */
#ifndef LT_PROM_H
#define LT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor-view.h"

struct prom_sample {
	char *name;
	char *labels;			/* canonical, "" when none */
	double value;			/* may be NaN or +-Inf */
	bool has_ts;
	int64_t ts_ms;
	enum prom_type type;		/* from # TYPE of the family */
};

struct prom_doc {
	struct prom_sample *v;
	size_t n;
};

/*
 * Parse a whole exposition.  Returns 0, or -1 with "line N: ..." in
 * *cause; out is cleared either way and must be freed with prom_doc_free.
 */
int	 prom_parse(const char *buf, size_t len, struct prom_doc *out,
	     char **cause);
void	 prom_doc_free(struct prom_doc *);

struct prom_selector {
	char *name;
	char *labels;			/* canonical; NULL matches any */
};

int	 prom_selector_parse(const char *, struct prom_selector *, char **cause);
void	 prom_selector_free(struct prom_selector *);
bool	 prom_selector_match(const struct prom_selector *,
	     const struct prom_sample *);

#endif
