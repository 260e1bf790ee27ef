/* What the report writers share: the context of one report, the notes
 * on how the run ended, and the document that report.md and report.html
 * both render. */
#ifndef LT_REPORT_INT_H
#define LT_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alerts.h"
#include "hdr.h"
#include "report.h"
#include "scenario.h"
#include "verdict.h"
#include "units.h"

/* What the report adds about the end of the run, apart from the alerts
 * the engine raised during it (snapshot.h). */
struct report_note {
	double t;			/* seconds since start */
	const char *kind;		/* threshold_abort, error, no_response */
	char msg[240];
};

struct report_ctx {
	const struct snapshot *s;
	const struct report_opts *o;
	struct verdict v;
	struct report_note *notes;
	size_t nnotes;
	char started[40];		/* ISO 8601 */
	char ended[40];
	char **commands;		/* each watched process's command
					 * line, or NULL; snapshot_nprocs */
	size_t ncommands;
	bool target_log;		/* target.log is in the directory */
	bool final;			/* the run is over */
};

/* Each writer returns 0, or -1 with errno set by the stream. */
int	 report_json_write(FILE *, const struct report_ctx *);
int	 report_md_write(FILE *, const struct report_ctx *);
int	 report_html_write(FILE *, const struct report_ctx *);
int	 report_csv_write(FILE *, const struct report_ctx *);

/* The document: headings, key-value lines, paragraphs, list items and
 * tables of plain UTF-8 text; each renderer escapes for its format. */
enum rdoc_kind {
	RDOC_HEADING,
	RDOC_KV,			/* text is the label, value the rest */
	RDOC_PARA,
	RDOC_ITEM,
	RDOC_TABLE,
	RDOC_CHARTS,			/* html: the charts go here */
};

struct rdoc_block {
	enum rdoc_kind kind;
	int level;			/* headings: 1..3 */
	char *text;
	char *value;
	size_t ncols;
	size_t nrows;
	char **cells;			/* (nrows + 1) * ncols, header first */
	uint32_t code;			/* columns of literal text, a bit each */
};

struct rdoc {
	struct rdoc_block *v;
	size_t n;
};

void	 report_doc_build(struct rdoc *, const struct report_ctx *);

/* report-doc-target.c: the watched processes: the summary's item for
 * each, a "Target resources" section each, and the "Server health"
 * table of a session without load, a row each. */
void	 report_doc_target_items(struct rdoc *, const struct report_ctx *);
void	 report_doc_target(struct rdoc *, const struct report_ctx *);
void	 report_doc_target_health(struct rdoc *, const struct report_ctx *);
void	 report_doc_free(struct rdoc *);

/* report-doc-build.c: the blocks of a document. */
struct rdoc_block *report_doc_add(struct rdoc *, enum rdoc_kind);
void	 report_doc_heading(struct rdoc *, int level, const char *text);
void	 report_doc_text(struct rdoc *, enum rdoc_kind, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
void	 report_doc_kv(struct rdoc *, const char *label, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
/* A table with the given header, "|"-separated column names; a row is
 * ncols strings (NULL: empty). */
struct rdoc_block *report_doc_table(struct rdoc *, const char *head);
void	 report_doc_row(struct rdoc_block *, ...);
/* Column col (under 32) holds literal text a server sent: a code span
 * in Markdown, <code> in HTML. */
void	 report_doc_code(struct rdoc_block *, size_t col);
/* Short strings for cells, each in one of a few buffers of f. */
struct report_fbuf {
	char b[8][128];
	int i;
};
const char *report_doc_f(struct report_fbuf *, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
const char *report_doc_ms(struct report_fbuf *, double ms);
const char *report_doc_secs(struct report_fbuf *, double seconds);

/* report-doc.c: a row of the figures every block has (requests, req/s,
 * p50, p95, p99, errors, 429s) after two cells of its own. */
void	 report_doc_block_row(struct rdoc_block *, const char *name,
	     const char *extra, const struct snap_block *);
/* report-doc-checks.c: the summary's item on the checks; the sections
 * on the checks, the outcomes and the failures list; and those on each
 * request's statuses, the groups and the flows. */
void	 report_doc_checks_item(struct rdoc *, const struct report_ctx *);
void	 report_doc_responses(struct rdoc *, const struct report_ctx *);
void	 report_doc_parts(struct rdoc *, const struct report_ctx *);

/* report-doc-streams.c: the summary's item on each stream request, and
 * the section on the streams. */
void	 report_doc_streams_items(struct rdoc *, const struct report_ctx *);
void	 report_doc_streams(struct rdoc *, const struct report_ctx *);

/* report-verdict.c: the verdict's part of the document, its line in the
 * header, the summary's items, the thresholds' and the grades' tables. */
/* "run", "request", "phase", "group", "flow", "class", ...: how
 * report.json names the kind of a threshold's scope. */
const char *report_verdict_scope_kind(enum thr_scope);
/* RDOC_PASS or RDOC_FAIL. */
const char *report_verdict_word(bool passed);
void	 report_verdict_line(struct rdoc *, const struct report_ctx *);
void	 report_verdict_items(struct rdoc *, const struct report_ctx *);
void	 report_verdict_tables(struct rdoc *, const struct report_ctx *);
/* Fill t, a new RDOC_TABLE block, with a row per scraped series. */
void	 report_metrics_table(struct rdoc_block *t, const struct health_view *);

/* Status words the renderers colour: a cell starting with one of them. */
#define RDOC_PASS "✅ PASS"
#define RDOC_FAIL "❌ FAIL"
#define RDOC_NOT_EVALUATED "➖ NOT EVALUATED"
#define RDOC_WARN "⚠️"

/* Formatting shared by the writers. */
double	 report_pct(uint64_t part, uint64_t whole);
double	 report_mb(int64_t bytes);
/* What a phase sends ("100 req/s", "10 users", "0 to 50 users in 2
 * stages", "concurrency 20", "500 connections at 50/s", "none" when
 * idle) and for how long ("30s", "1000 requests"). */
char	*report_phase_load(const struct scn_phase *, char *buf, size_t len);
char	*report_phase_length(const struct scn_phase *, char *buf,
	     size_t len);
/* What the latency counts from, for the models of the phases that ran. */
const char *report_latency_note(const struct snapshot *);

#endif
