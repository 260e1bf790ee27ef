/* report.html: the results document with inline SVG charts, in one
 * self-contained, well-formed XHTML file. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"
#include "util.h"

/* The plot area inside each chart's 1000x250 view box. */
#define CH_W 1000
#define CH_H 250
#define PX0 64
#define PX1 (CH_W - 130)
#define PY0 28
#define PY1 (CH_H - 32)

struct line {
	const char *name;
	const char *color;
	double *y;			/* NAN: no value there */
};

/* Emoji need a font the reader may not have: the HTML says it in words
 * and colours, so the document's marks are dropped here. */
static const char *
skip_mark(const char *s)
{
	static const char *const marks[] = { "✅ ", "❌ ", "⚠️ " };
	size_t i, n;

	for (i = 0; i < LT_NELEM(marks); i++) {
		n = strlen(marks[i]);
		if (strncmp(s, marks[i], n) == 0)
			return s + n;
	}
	return NULL;
}

static void
esc(FILE *f, const char *s)
{
	const char *after;

	for (; *s != '\0'; s++) {
		if ((after = skip_mark(s)) != NULL) {
			s = after - 1;
			continue;
		}
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc(' ', f);
			else
				fputc(*s, f);
		}
	}
}

/* A round number >= v for the top of an axis. */
static double
nice_max(double v)
{
	double p, m;

	if (!(v > 0))
		return 1;
	p = pow(10, floor(log10(v)));
	m = v / p;
	m = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
	return m * p;
}

static double
sx(double t, double tmax)
{
	return PX0 + (PX1 - PX0) * (tmax > 0 ? t / tmax : 0);
}

static double
sy(double v, double vmax)
{
	return PY1 - (PY1 - PY0) * (vmax > 0 ? LT_MIN(v, vmax) / vmax : 0);
}

/* The run's last interval, when the end cut it short, shaded and named:
 * the throughput chart draws no rate for it. */
static void
partial_band(FILE *f, const struct snapshot *s, double tmax)
{
	const struct snap_point *p;
	double x0, x1;

	if (s->nseries == 0 || !s->series[s->nseries - 1].partial)
		return;
	p = &s->series[s->nseries - 1];
	x1 = sx(p->t, tmax);
	x0 = LT_MIN(sx(p->t - p->seconds, tmax), x1 - 2);
	fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
	    "class=\"partial\"/>\n<text x=\"%.1f\" y=\"%d\" class=\"pe\">"
	    "partial</text>\n", x0, PY0, x1 - x0, PY1 - PY0, x1, PY0 - 4);
}

/* Frame, axes, ticks and the phase boundaries of one chart. */
static void
chart_open(FILE *f, const struct snapshot *s, const char *title,
    const char *unit, double tmax, double vmax)
{
	size_t i;
	int k;

	fputs("<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 1000 250\" width=\"100%\" role=\"img\">\n", f);
	fputs("<title>", f);
	esc(f, title);
	fputs("</title>\n", f);
	fprintf(f, "<text x=\"%d\" y=\"18\" class=\"ct\">", PX0);
	esc(f, title);
	fprintf(f, " (%s)</text>\n", unit);
	for (k = 0; k <= 4; k++) {
		double v = vmax * k / 4, y = sy(v, vmax);

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "class=\"grid\"/>\n", PX0, y, PX1, y);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">%g</text>\n",
		    PX0 - 6, y + 4, v);
	}
	for (k = 0; k <= 5; k++) {
		double t = tmax * k / 5;

		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%.*fs"
		    "</text>\n", sx(t, tmax), PY1 + 16, tmax < 10 ? 1 : 0, t);
	}
	for (i = 0; i < s->nphases; i++) {
		const struct snap_phase *p = &s->phases[i];
		double x;

		if (p->started < 0)
			continue;
		x = sx(p->started, tmax);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "class=\"phase\"/>\n<text x=\"%.1f\" y=\"%d\" "
		    "class=\"pl\">", x, PY0, x, PY1, x + 3,
		    PY0 + 10 + 11 * (int)(i % 3));
		esc(f, p->name);
		fputs("</text>\n", f);
	}
	partial_band(f, s, tmax);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "class=\"axis\"/>\n", PX0, PY1, PX1, PY1);
}

static void
legend(FILE *f, int k, const char *name, const char *color)
{
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
	    "fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"lg\">", PX1 + 12,
	    PY0 + k * 18, color, PX1 + 30, PY0 + k * 18 + 10);
	esc(f, name);
	fputs("</text>\n", f);
}

static void
chart_lines(FILE *f, const struct snapshot *s, const char *title,
    const char *unit, const double *t, size_t n, double tmax,
    const struct line *lines, size_t nlines)
{
	double vmax = 0;
	size_t i, k;
	bool pen;

	for (k = 0; k < nlines; k++)
		for (i = 0; i < n; i++)
			if (isfinite(lines[k].y[i]))
				vmax = LT_MAX(vmax, lines[k].y[i]);
	vmax = nice_max(vmax);
	chart_open(f, s, title, unit, tmax, vmax);
	for (k = 0; k < nlines; k++) {
		fprintf(f, "<path fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"1.8\" d=\"", lines[k].color);
		pen = false;
		for (i = 0; i < n; i++) {
			if (!isfinite(lines[k].y[i])) {
				pen = false;
				continue;
			}
			fprintf(f, "%s%.1f %.1f ", pen ? "L" : "M",
			    sx(t[i], tmax), sy(lines[k].y[i], vmax));
			pen = true;
		}
		/* One point alone draws nothing: mark it. */
		fputs(n == 1 ? "h1" : "", f);
		fputs("\"/>\n", f);
		legend(f, (int)k, lines[k].name, lines[k].color);
	}
	fputs("</svg>\n</figure>\n", f);
}

static const char *const class_colors[CLS__COUNT] = {
	[CLS_OK] = "#2e9e44", [CLS_RATE_LIMITED] = "#8a4fd1",
	[CLS_CLIENT_ERROR] = "#e08a1e", [CLS_SERVER_ERROR] = "#d33",
	[CLS_UNEXPECTED] = "#8b5a2b", [CLS_TIMEOUT] = "#888",
	[CLS_CONNECT_ERROR] = "#222", [CLS_TRANSPORT_ERROR] = "#e36fb0",
	[CLS_CHECK_FAILED] = "#b8860b", [CLS_CAPTURE_MISSING] = "#5f7fa8",
};

/* Requests per interval by class, stacked. */
static void
chart_classes(FILE *f, const struct snapshot *s, const double *t,
    double tmax)
{
	double *base = xcalloc(s->nseries + 1, sizeof *base), vmax = 0;
	size_t i, k, j;
	int nleg = 0;

	for (i = 0; i < s->nseries; i++)
		vmax = LT_MAX(vmax, (double)s->series[i].requests);
	vmax = nice_max(vmax);
	chart_open(f, s, "Requests by class per interval", "requests", tmax,
	    vmax);
	for (k = 0; k < CLS__COUNT; k++) {
		uint64_t any = 0;

		for (i = 0; i < s->nseries; i++)
			any += s->series[i].classes[k];
		if (any == 0)
			continue;
		fprintf(f, "<path fill=\"%s\" fill-opacity=\"0.75\" d=\"",
		    class_colors[k]);
		for (i = 0; i < s->nseries; i++)
			fprintf(f, "%s%.1f %.1f ", i ? "L" : "M", sx(t[i], tmax),
			    sy(base[i] + (double)s->series[i].classes[k],
			    vmax));
		for (j = s->nseries; j-- > 0; )
			fprintf(f, "L%.1f %.1f ", sx(t[j], tmax),
			    sy(base[j], vmax));
		fputs("Z\"/>\n", f);
		for (i = 0; i < s->nseries; i++)
			base[i] += (double)s->series[i].classes[k];
		legend(f, nleg++, kinds_class_name(k), class_colors[k]);
	}
	fputs("</svg>\n</figure>\n", f);
	free(base);
}

/* A watched process's samples: CPU (mean and peak of the shares over
 * the second before each sample) and RSS, titled by its name when there
 * are several. */
static void
target_charts(FILE *f, const struct snapshot *s, size_t proc, double tmax)
{
	const struct mseries_point *series;
	size_t m, i;
	double *tt, *cpu, *cpumax, *rss;
	struct line l[2];
	char title[2][128], who[80] = "Target";

	series = snapshot_proc_series(s, proc, &m);
	if (m == 0)
		return;
	if (snapshot_nprocs(s) > 1)
		snprintf(who, sizeof who, "%.60s", snapshot_proc_name(s, proc));
	snprintf(title[0], sizeof title[0], "%s CPU, each second", who);
	snprintf(title[1], sizeof title[1], "%s memory (RSS)", who);
	tt = xcalloc(m, sizeof *tt);
	cpu = xcalloc(m, sizeof *cpu);
	cpumax = xcalloc(m, sizeof *cpumax);
	rss = xcalloc(m, sizeof *rss);
	for (i = 0; i < m; i++) {
		const struct mseries_point *p = &series[i];

		tt[i] = LT_MAX(0.0, (double)(p->t_us - s->mono_start_us) / 1e6);
		cpu[i] = p->cpu;
		cpumax[i] = p->cpu_max;
		rss[i] = report_mb(p->rss);
	}
	/* The peak first, so the mean is drawn over it. */
	l[0] = (struct line){ "cpu max", "#9ab8e6", cpumax };
	l[1] = (struct line){ "cpu", "#2266cc", cpu };
	chart_lines(f, s, title[0], "% of one core", tt, m, tmax, l, 2);
	l[0] = (struct line){ "rss", "#8a4fd1", rss };
	chart_lines(f, s, title[1], "MB", tt, m, tmax, l, 1);
	free(tt);
	free(cpu);
	free(cpumax);
	free(rss);
}

/* The series' columns a chart draws; NAN where there is nothing. */
enum series_col { COL_RPS, COL_P50, COL_P95, COL_P99, COL_USERS, COL_FLIGHT,
	COL__COUNT };

static double
series_value(const struct snap_point *p, enum series_col c)
{
	/* A partial interval's end is the run's: no rate, no load there. */
	switch (c) {
	case COL_RPS:
		return p->partial ? NAN : p->rps;
	case COL_P50:
		return p->requests ? p->p50 : NAN;
	case COL_P95:
		return p->requests ? p->p95 : NAN;
	case COL_P99:
		return p->requests ? p->p99 : NAN;
	case COL_USERS:
		return p->partial || p->users < 0 ? NAN : (double)p->users;
	default:
		return p->partial ? NAN : (double)p->in_flight;
	}
}

/* Streams open and connecting at each interval's end; messages and
 * events a second in it (none for a partial one, as req/s). */
static void
stream_charts(FILE *f, const struct snapshot *s, const double *t,
    double tmax)
{
	size_t n = s->nseries, i, c;
	double *y[5];
	struct line l[3];

	for (c = 0; c < 5; c++)
		y[c] = xcalloc(n, sizeof *y[c]);
	for (i = 0; i < n; i++) {
		const struct snap_point *p = &s->series[i];
		double sec = p->partial || !(p->seconds > 0) ? NAN : p->seconds;

		y[0][i] = (double)p->streams_open;
		y[1][i] = (double)p->streams_connecting;
		y[2][i] = (double)p->messages_in / sec;
		y[3][i] = (double)p->messages_out / sec;
		y[4][i] = (double)p->events / sec;
	}
	l[0] = (struct line){ "open", "#2266cc", y[0] };
	l[1] = (struct line){ "connecting", "#e08a1e", y[1] };
	chart_lines(f, s, "Streams", "at each interval's end", t, n, tmax, l,
	    2);
	l[0] = (struct line){ "in", "#2e9e44", y[2] };
	l[1] = (struct line){ "out", "#2266cc", y[3] };
	l[2] = (struct line){ "events", "#8a4fd1", y[4] };
	chart_lines(f, s, "Messages and events", "per second", t, n, tmax, l,
	    3);
	for (c = 0; c < 5; c++)
		free(y[c]);
}

/* Throughput, latency, load and classes, from the intervals. */
static void
request_charts(FILE *f, const struct snapshot *s, double tmax)
{
	size_t n = s->nseries, i, c;
	double *t, *y[COL__COUNT];
	struct line l[3];

	t = xcalloc(n, sizeof *t);
	for (c = 0; c < COL__COUNT; c++)
		y[c] = xcalloc(n, sizeof *y[c]);
	for (i = 0; i < n; i++) {
		t[i] = s->series[i].t;
		for (c = 0; c < COL__COUNT; c++)
			y[c][i] = series_value(&s->series[i], c);
	}
	l[0] = (struct line){ "req/s", "#2266cc", y[COL_RPS] };
	chart_lines(f, s, "Throughput", "req/s", t, n, tmax, l, 1);
	l[0] = (struct line){ "p50", "#2e9e44", y[COL_P50] };
	l[1] = (struct line){ "p95", "#e08a1e", y[COL_P95] };
	l[2] = (struct line){ "p99", "#d33", y[COL_P99] };
	chart_lines(f, s, "Latency per interval", "ms", t, n, tmax, l, 3);
	l[0] = (struct line){ "in flight", "#e08a1e", y[COL_FLIGHT] };
	l[1] = (struct line){ "users", "#2266cc", y[COL_USERS] };
	chart_lines(f, s, "Users and requests in flight", "at each interval's "
	    "end", t, n, tmax, l, s->load.users_peak >= 0 ? 2 : 1);
	chart_classes(f, s, t, tmax);
	if (s->nstreams > 0)
		stream_charts(f, s, t, tmax);
	free(t);
	for (c = 0; c < COL__COUNT; c++)
		free(y[c]);
}

/* The requests' charts, unless none was sent; each process's. */
static void
charts(FILE *f, const struct snapshot *s)
{
	size_t n = s->nseries, i;
	double tmax;

	fputs("<h2>Charts</h2>\n", f);
	if (n == 0) {
		fputs("<p>The run ended before its first interval: no chart."
		    "</p>\n", f);
		return;
	}
	tmax = LT_MAX(s->elapsed, s->series[n - 1].t);
	if (!s->watch_only)
		request_charts(f, s, tmax);
	for (i = 0; i < snapshot_nprocs(s); i++)
		target_charts(f, s, i, tmax);
}

static const char *
cell_class(const char *s)
{
	if (strncmp(s, RDOC_PASS, strlen(RDOC_PASS)) == 0)
		return " class=\"pass\"";
	if (strncmp(s, RDOC_FAIL, strlen(RDOC_FAIL)) == 0)
		return " class=\"fail\"";
	return "";
}

static void
html_table(FILE *f, const struct rdoc_block *b)
{
	size_t r, k;

	fputs("<table>\n<thead><tr>", f);
	for (k = 0; k < b->ncols; k++) {
		fputs("<th>", f);
		esc(f, b->cells[k]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (r = 1; r <= b->nrows; r++) {
		fputs("<tr>", f);
		for (k = 0; k < b->ncols; k++) {
			const char *c = b->cells[r * b->ncols + k];
			bool code = k < 32 && (b->code >> k & 1) && *c != '\0';

			fprintf(f, "<td%s>%s", cell_class(c), code ? "<code>" : "");
			esc(f, c);
			fprintf(f, "%s</td>", code ? "</code>" : "");
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static const char style[] =
	"body{font-family:sans-serif;max-width:1100px;margin:2em auto;"
	"padding:0 1em;color:#222;line-height:1.4}\n"
	"h1{border-bottom:2px solid #ccc}h2{margin-top:1.6em;"
	"border-bottom:1px solid #ddd}\n"
	"table{border-collapse:collapse;margin:.6em 0}\n"
	"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
	"th{background:#f2f2f2}\n"
	"td code{word-break:break-all}\n"
	"td.pass{color:#176b2c;background:#e8f6eb}\n"
	"td.fail{color:#9b1c1c;background:#fbe9e9}\n"
	"p.verdict-pass{background:#e8f6eb}p.verdict-fail{background:#fbe9e9}\n"
	"figure{margin:1em 0}\n"
	".ct{font:bold 14px sans-serif}.yl{font:11px sans-serif;"
	"text-anchor:end}\n"
	".xl{font:11px sans-serif;text-anchor:middle}.lg{font:12px sans-serif}\n"
	".pl{font:10px sans-serif;fill:#666}\n"
	".grid{stroke:#e4e4e4}.axis{stroke:#888}\n"
	".phase{stroke:#999;stroke-dasharray:4 3}\n"
	".partial{fill:#999;fill-opacity:.18}"
	".pe{font:10px sans-serif;fill:#666;text-anchor:end}\n";

int
report_html_write(FILE *f, const struct report_ctx *c)
{
	struct rdoc d;
	size_t i;
	bool in_list = false;

	report_doc_build(&d, c);
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
	    "lang=\"en\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>", f);
	esc(f, d.v[0].text);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	for (i = 0; i < d.n; i++) {
		const struct rdoc_block *b = &d.v[i];

		if (in_list && b->kind != RDOC_ITEM) {
			fputs("</ul>\n", f);
			in_list = false;
		}
		switch (b->kind) {
		case RDOC_HEADING:
			fprintf(f, "<h%d>", b->level);
			esc(f, b->text);
			fprintf(f, "</h%d>\n", b->level);
			break;
		case RDOC_KV:
			fprintf(f, "<p%s><strong>", strcmp(b->text, "Verdict") ?
			    "" : c->v.passed ? " class=\"verdict-pass\"" :
			    " class=\"verdict-fail\"");
			esc(f, b->text);
			fputs("</strong>: ", f);
			esc(f, b->value);
			fputs("</p>\n", f);
			break;
		case RDOC_PARA:
			fputs("<p>", f);
			esc(f, b->text);
			fputs("</p>\n", f);
			break;
		case RDOC_ITEM:
			if (!in_list)
				fputs("<ul>\n", f);
			in_list = true;
			fputs("<li>", f);
			esc(f, b->text);
			fputs("</li>\n", f);
			break;
		case RDOC_TABLE:
			html_table(f, b);
			break;
		case RDOC_CHARTS:
			charts(f, c->s);
			break;
		}
	}
	if (in_list)
		fputs("</ul>\n", f);
	fputs("</body>\n</html>\n", f);
	report_doc_free(&d);
	return ferror(f) ? -1 : 0;
}
