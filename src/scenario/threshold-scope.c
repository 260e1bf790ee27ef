/*
 * The scope of a threshold's left side: the word it starts with
 * (phase:, group:, ...), its name, the suffixes that pick a flow's
 * iterations or a stream's latency, and what each scope takes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "suggest.h"
#include "threshold.h"
#include "util.h"

#include "threshold-int.h"

/* The words a scope may start with; without one a scope names a
 * request (or a flow: the scenario tells which). */
static const struct threshold_scope_word threshold_scope_words[] = {
	{ "metric:", THR_SCOPE_METRIC },
	{ "process:", THR_SCOPE_PROCESS },
	{ "stage:", THR_SCOPE_STAGE },
	{ "phase:", THR_SCOPE_PHASE },
	{ "request:", THR_SCOPE_REQUEST },
	{ "group:", THR_SCOPE_GROUP },
	{ "class:", THR_SCOPE_CLASS },
};

const struct threshold_scope_word *
threshold_scope_word(const char *expr, size_t ls, size_t se)
{
	size_t i, n;

	for (i = 0; i < LT_NELEM(threshold_scope_words); i++) {
		n = strlen(threshold_scope_words[i].word);
		if (se - ls >= n &&
		    strncmp(expr + ls, threshold_scope_words[i].word, n) == 0)
			return &threshold_scope_words[i];
	}
	return NULL;
}

/* class:NAME: one of the response classes, by its name. */
static int
threshold_find_class(const char *name, size_t off, struct threshold *out,
    size_t *err_off, char **cause)
{
	const char *names[CLS__COUNT], *near;
	char list[512] = "";
	size_t i;

	for (i = 0; i < CLS__COUNT; i++) {
		names[i] = kinds_class_name((enum lt_class)i);
		if (strcmp(names[i], name) == 0) {
			out->scope_index = i;
			return 0;
		}
	}
	if ((near = suggest_closest(name, names, CLS__COUNT)) != NULL)
		return threshold_fail(err_off, off, cause, "unknown class '%s' "
		    "(did you mean '%s'?)", name, near);
	for (i = 0; i < CLS__COUNT; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list),
		    "%s%s", i == 0 ? "" : i + 1 == CLS__COUNT ? " or " : ", ",
		    names[i]);
	return threshold_fail(err_off, off, cause, "unknown class '%s'; "
	    "expected %s", name, list);
}

int
threshold_scope_rules(struct threshold *out, size_t off, size_t ms,
    size_t *err_off, char **cause)
{
	const char *m = threshold_metrics[out->metric].name;

	if (out->scope == THR_SCOPE_CLASS && !threshold_is_latency_metric(out->metric) &&
	    out->metric != THR_REQUESTS)
		return threshold_fail(err_off, ms, cause, "class:NAME takes the "
		    "latency metrics (p50 to p999, min, mean, max) and "
		    "requests, not '%s'", m);
	if (out->scope == THR_SCOPE_CLASS)
		return threshold_find_class(out->scope_name, off, out, err_off,
		    cause);
	if (out->iteration && !threshold_is_latency_metric(out->metric))
		return threshold_fail(err_off, ms, cause, "FLOW.iteration takes "
		    "a latency metric (p50 to p999, min, mean, max), not '%s'; "
		    "a flow's iterations are counted by FLOW.requests, "
		    "FLOW.errors and FLOW.error_rate", m);
	if (out->stream != THR_STREAM_NONE && !threshold_is_latency_metric(out->metric))
		return threshold_fail(err_off, ms, cause, "NAME.%s takes a "
		    "latency metric (p50 to p999, min, mean, max), not '%s'; a "
		    "stream's counts are NAME.connect_errors, NAME.reconnects "
		    "and the like", threshold_stream_name(out->stream), m);
	if (threshold_is_stream_metric(out->metric) &&
	    out->scope != THR_SCOPE_ALL && out->scope != THR_SCOPE_REQUEST &&
	    out->scope != THR_SCOPE_PHASE)
		return threshold_fail(err_off, ms, cause, "%s is counted over "
		    "the run's streams, a stream request (NAME.%s) or a "
		    "connections phase (phase:NAME.%s)", m, m, m);
	if (out->metric == THR_CHECKS && out->scope != THR_SCOPE_ALL &&
	    out->scope != THR_SCOPE_REQUEST && out->scope != THR_SCOPE_GROUP &&
	    out->scope != THR_SCOPE_PHASE)
		return threshold_fail(err_off, ms, cause, "checks are counted "
		    "over the run, a request, a group (group:NAME) or a phase "
		    "(phase:NAME)");
	return 0;
}

void
threshold_iteration_scope(struct threshold *out)
{
	static const char suffix[] = ".iteration";
	size_t n = strlen(out->scope_name), k = sizeof suffix - 1;

	if (n <= k || strcmp(out->scope_name + n - k, suffix) != 0)
		return;
	out->scope = THR_SCOPE_FLOW;
	out->iteration = true;
	out->scope_name[n - k] = '\0';
}

void
threshold_stream_scope(struct threshold *out)
{
	size_t n = strlen(out->scope_name), k;
	int st;

	for (st = THR_STREAM_NONE + 1; st < THR__STREAM_COUNT; st++) {
		k = strlen(threshold_streams[st].name);
		if (n > k + 1 && out->scope_name[n - k - 1] == '.' &&
		    strcmp(out->scope_name + n - k,
		    threshold_streams[st].name) == 0) {
			out->stream = (enum thr_stream)st;
			out->scope_name[n - k - 1] = '\0';
			return;
		}
	}
}

int
threshold_parse_scope(const char *expr, size_t ls, size_t se,
    const struct threshold_scope_word *w, struct threshold *out,
    size_t *name_off, size_t *err_off, char **cause)
{
	size_t ss = ls;

	while (se > ss && threshold_blank(expr[se - 1]))
		se--;
	out->scope = w != NULL ? w->scope : THR_SCOPE_REQUEST;
	if (w != NULL)
		ss += strlen(w->word);
	while (ss < se && threshold_blank(expr[ss]))
		ss++;
	if (ss == se && w != NULL)
		return threshold_fail(err_off, ss, cause, "missing %.*s name "
		    "after '%s'", (int)strlen(w->word) - 1, w->word, w->word);
	if (ss == se)
		return threshold_fail(err_off, ls, cause, "missing request or "
		    "phase name before '.%s'",
		    threshold_metric_name(out->metric));
	out->scope_name = xstrndup(expr + ss, se - ss);
	*name_off = ss;
	return 0;
}
