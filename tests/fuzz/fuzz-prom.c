/*
 * The Prometheus text parser: any bytes as a scrape's body, and its
 * first line also as a selector, matched against every sample.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fixed[] = {
	"http_requests_total",
	"http_requests_total{code=\"200\"}",
	"process_resident_memory_bytes{job=\"a\",instance=\"b\\\"c\"}",
};

static struct prom_selector fixed_sel[3];
static bool parsed;

static void
match_all(const struct prom_selector *sel, const struct prom_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++)
		(void)prom_selector_match(sel, &doc->v[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_doc doc;
	struct prom_selector sel;
	const char *nl = memchr(data, '\n', size);
	size_t i, first = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	char *line, *cause = NULL;

	if (!parsed) {
		for (i = 0; i < 3; i++)
			if (prom_selector_parse(fixed[i], &fixed_sel[i],
			    &cause) != 0)
				abort();
		parsed = true;
	}
	if (prom_parse((const char *)data, size, &doc, &cause) != 0)
		free(cause);
	cause = NULL;
	line = malloc(first + 1);
	memcpy(line, data, first);
	line[first] = '\0';
	if (prom_selector_parse(line, &sel, &cause) == 0) {
		match_all(&sel, &doc);
		prom_selector_free(&sel);
	} else
		free(cause);
	free(line);
	for (i = 0; i < 3; i++)
		match_all(&fixed_sel[i], &doc);
	prom_doc_free(&doc);
	return 0;
}
