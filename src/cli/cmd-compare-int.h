/*
 * loadtop compare, shared by its files:
 *
 *   cmd-compare.c         the command: the reports read, the exit status
 *   cmd-compare-metric.c  what is compared, and the verdict of a row
 *   cmd-compare-args.c    --limit, --names and --by
 *   cmd-compare-rows.c    the rows of the whole run, each phase, each request
 *   cmd-compare-print.c   text, Markdown and JSON
 *
 * Every metric knows which way is worse.  A limit bounds the ratio
 * NEW/BASE in that way only: a metric that got better is never a
 * regression, however far it moved.
 */
#ifndef LT_CMD_COMPARE_INT_H
#define LT_CMD_COMPARE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* The metrics compared, as indexes into cmd_compare_metrics. */
enum cmd_compare_id {
	CMD_COMPARE_P50,
	CMD_COMPARE_P90,
	CMD_COMPARE_P95,
	CMD_COMPARE_P99,
	CMD_COMPARE_MEAN,
	CMD_COMPARE_MAX,
	CMD_COMPARE_RPS,
	CMD_COMPARE_ERROR_RATE,
	CMD_COMPARE_RATE_LIMITED,
	CMD_COMPARE_CPU_AVG,
	CMD_COMPARE_CPU_MAX,
	CMD_COMPARE_MEM_GROWTH,
	CMD_COMPARE__NMETRICS
};

/* Which way a metric gets worse. */
enum cmd_compare_worse {
	CMD_COMPARE_WORSE_UP,		/* latencies, errors, CPU */
	CMD_COMPARE_WORSE_DOWN,		/* throughput */
};

struct cmd_compare_metric {
	const char *name;		/* as --limit and thresholds name it */
	const char *path;		/* dotted, in a group's object */
	/* The path is from the report's top: the target's, whole run only. */
	bool of_target;
	const char *unit;
	enum cmd_compare_worse worse;
	/* The change the bad way allowed without --limit or --tolerance,
	 * and the least change the good way that reads "better": 0.1 is
	 * 1.1x up, or down to 1/1.1x. */
	double tolerance;
	/* A smaller difference is noise, whatever the ratio. */
	double floor;
};

extern const struct cmd_compare_metric cmd_compare_metrics[];

/* How much worse NEW may be: a bound on NEW/BASE, the bad way. */
struct cmd_compare_limit {
	double ratio;
	bool or_equal;			/* <= or >=, rather than < or > */
	bool given;			/* by --limit, else from the tolerance */
};

enum cmd_compare_verdict {
	CMD_COMPARE_NA,			/* not in both reports */
	CMD_COMPARE_SAME,
	CMD_COMPARE_BETTER,
	CMD_COMPARE_WORSE,		/* the bad way, within its limit */
	CMD_COMPARE_REGRESSED,		/* the bad way, past its limit */
	CMD_COMPARE__NVERDICTS
};

extern const char *const cmd_compare_verdict_words[];

struct cmd_compare_row {
	enum cmd_compare_id id;
	bool has_base, has_new;		/* each side's figure is there */
	bool known;			/* both are */
	double base, new;
	enum cmd_compare_verdict verdict;
};

/* What a group of rows covers. */
enum cmd_compare_kind {
	CMD_COMPARE_RUN,
	CMD_COMPARE_PHASE,
	CMD_COMPARE_REQUEST,
	CMD_COMPARE__NKINDS
};

/* The sides, BASE and NEW, in the order of the operands. */
enum { CMD_COMPARE_BASE, CMD_COMPARE_NEW, CMD_COMPARE__NSIDES };

struct cmd_compare_group {
	enum cmd_compare_kind kind;
	const char *name;		/* the phase's or request's; run: NULL */
	int only;			/* -1, or the one side that has it */
	struct cmd_compare_row rows[CMD_COMPARE__NMETRICS];
	size_t nrows;
};

struct cmd_compare_side {
	char *name;			/* --names, else base or new */
	char *path;			/* of its report.json */
	json_t *report;
};

/* A grade of the scenario's, in each report, matched by its metric. */
struct cmd_compare_grade {
	const char *metric;		/* "ok.p95", as the scenario wrote it */
	const char *grade[CMD_COMPARE__NSIDES];	/* NULL: not graded */
	bool fails[CMD_COMPARE__NSIDES];	/* below its bar there */
	enum cmd_compare_verdict verdict;
};

struct cmd_compare {
	struct cmd_compare_side sides[CMD_COMPARE__NSIDES];
	bool named;			/* by --names */
	bool tolerance_given;
	double tolerance;		/* a fraction: 0.1 is 10% */
	struct cmd_compare_limit limits[CMD_COMPARE__NMETRICS];
	unsigned by;			/* 1 << kind, for each --by */
	struct cmd_compare_group *groups;	/* the whole run first */
	size_t ngroups;
	char *warning;			/* the runs are of different scenarios */
	struct cmd_compare_grade *grades;
	size_t ngrades;
	size_t nregressed;		/* rows and grades */
};

/* cmd-compare-metric.c */
const struct cmd_compare_metric *cmd_compare_metric_find(const char *name);
/* The metric names, "p50, p90, ... and mem_growth"; allocated. */
char	*cmd_compare_metric_names(void);
/* The limit --tolerance (or, below 0, the metric's own) sets. */
void	 cmd_compare_metric_default(enum cmd_compare_id, double tolerance,
	     struct cmd_compare_limit *);
/* NEW/BASE, when BASE is above 0 and NEW not below. */
bool	 cmd_compare_metric_ratio(const struct cmd_compare_row *, double *);
void	 cmd_compare_metric_judge(struct cmd_compare_row *,
	     const struct cmd_compare_limit *);
/* "< 2x", "<= 1.1x", ">= 0.909x". */
char	*cmd_compare_metric_limit(enum cmd_compare_id,
	     const struct cmd_compare_limit *, char *buf, size_t len);

/* cmd-compare-args.c: each fills *cause as "column N: ..." or so. */
int	 cmd_compare_args_limit(const char *, enum cmd_compare_id *,
	     struct cmd_compare_limit *, char **cause);
/* --names BASE,NEW into two allocated names. */
void	 cmd_compare_args_names(const char *, char **names);
/* The kind --by names, as its bit. */
unsigned cmd_compare_args_by(const char *);

/* cmd-compare-rows.c */
void	 cmd_compare_rows_build(struct cmd_compare *);
void	 cmd_compare_rows_free(struct cmd_compare *);
/* "p95", "phase:steady.p95" or "api.p95", as thresholds scope them. */
char	*cmd_compare_rows_label(const struct cmd_compare_group *,
	     const struct cmd_compare_row *);

/*
 * cmd-compare-grades.c: NEW's grade against BASE's, better or worse by
 * one step or more; a grade that falls below its bar in NEW and was not
 * below it in BASE is a regression.
 */
void	 cmd_compare_grades_build(struct cmd_compare *);
void	 cmd_compare_grades_free(struct cmd_compare *);
/* The grades as a table, in the format (an enum cmd_format); json:
 * into o as "grades". */
void	 cmd_compare_grades_print(const struct cmd_compare *, int format,
	     json_t *o);

/* cmd-compare-print.c: format is an enum cmd_format. */
void	 cmd_compare_print(const struct cmd_compare *, int format);

#endif
