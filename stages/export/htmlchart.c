/*
 * htmlchart.c: inline SVG, drawn from numbers only (no scripts, no fonts
 * fetched), with a <title> so a screen reader can name each chart; the
 * tables beside them carry the same numbers.
 */
#include <string.h>

#include "htmlchart.h"

#define BAR_W 640   /* chart width */
#define BAR_LABEL 70 /* room for the partner id */
#define BAR_ROW 26
#define BAR_TOP 20   /* room for the benchmark's label and the row axis title */
#define BAR_PLOT (BAR_W - BAR_LABEL - 60)
#define LINE_W 300
#define LINE_H 144
#define LINE_LEFT 34 /* the value axis */
#define LINE_TOP 20
#define LINE_BOTTOM (LINE_H - 34)

void html_text(FILE *fp, const char *s)
{
	for (;;) {
		size_t plain = strcspn(s, "&<>\"'");

		fwrite(s, 1, plain, fp); /* the run before the next special byte */
		s += plain;
		switch (*s) {
		case '\0': return;
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		}
		s++;
	}
}

const struct status_style chart_status[CHART_NSTATUS] = {
	{ "met benchmark", "#0072b2", "#ffffff", "\u2605" },          /* blue, star */
	{ "met improvement target", "#56b4e9", "#000000", "\u2713" }, /* sky blue, tick */
	{ "not met", "#d55e00", "#000000", "\u2717" },                /* vermillion, cross */
	{ "not enough data", "#f0e442", "#000000", "?" },             /* yellow */
	{ "no goal", "#e0e0e0", "#000000", "\u2013" },                /* light grey, dash */
};

int chart_status_index(const char *status)
{
	for (int i = 0; i < CHART_NSTATUS - 1; i++)
		if (strcmp(status, chart_status[i].status) == 0)
			return i;
	return CHART_NSTATUS - 1;
}

static double value(long long v, int d)
{
	double x = (double)v;

	while (d-- > 0)
		x /= 10;
	return x;
}

/* The top of the value axis: 100 for a proportion, else a round number
 * above every value drawn. */
static double axis_max(const struct metric *const *rows, int n)
{
	double top = 0;

	if (n && metric_is_proportion(rows[0]))
		return 100;
	for (int i = 0; i < n; i++) {
		const struct metric *r = rows[i];

		if (r->has_rate && !suppress_row(r) && value(r->rate, r->decimals) > top)
			top = value(r->rate, r->decimals);
		if (r->has_benchmark && value(r->benchmark, r->decimals) > top)
			top = value(r->benchmark, r->decimals);
		if (r->has_target && value(r->target, r->decimals) > top)
			top = value(r->target, r->decimals);
	}
	return top <= 0 ? 1 : top * 1.15;
}

static void bar_row(FILE *fp, const struct metric *r, int y, double scale)
{
	fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"lbl\">", 4, y + 16);
	html_text(fp, r->partner);
	fputs("</text>\n", fp);
	if (!r->has_rate || suppress_row(r)) {
		fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"note\">%s</text>\n", BAR_LABEL + 4,
			y + 16, r->has_rate ? "suppressed" : "no members");
	} else {
		double w = value(r->rate, r->decimals) / scale * BAR_PLOT;

		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>\n",
			BAR_LABEL, y + 3, w, chart_status[chart_status_index(r->status)].fill);
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" class=\"val\">%.*f</text>\n",
			BAR_LABEL + w + 4, y + 16, r->decimals, value(r->rate, r->decimals));
	}
	if (r->has_target) {
		double x = BAR_LABEL + value(r->target, r->decimals) / scale * BAR_PLOT;

		fprintf(fp, "<path d=\"M%.1f %d l-5 -6 h10 z\" fill=\"#1a237e\"/>"
			    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1a237e\" "
			    "stroke-width=\"2\"/>\n",
			x, y + 3, x, y + 3, x, y + 22);
	}
}

/* The rate axis under the bars at y: five ticks from 0 to scale, and
 * its title. */
static void bar_axis(FILE *fp, int y, double scale, int proportion)
{
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n",
		BAR_LABEL, y, BAR_LABEL + BAR_PLOT, y);
	for (int t = 0; t <= 4; t++) {
		double x = BAR_LABEL + t * BAR_PLOT / 4.0;

		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\"/>"
			    "<text x=\"%.1f\" y=\"%d\" class=\"note\" text-anchor=\"middle\">%.*f"
			    "</text>\n", x, y, x, y + 4, x, y + 15, proportion ? 0 : 1, scale * t / 4);
	}
	fprintf(fp, "<text x=\"%.1f\" y=\"%d\" class=\"note\" text-anchor=\"middle\">%s"
		    "</text>\n", BAR_LABEL + BAR_PLOT / 2.0, y + 30,
		proportion ? "rate (% of eligible members)" : "rate (per 1,000 member months)");
}

void chart_bars(FILE *fp, const struct metric *const *rows, int n, const char *title)
{
	double scale = axis_max(rows, n);
	int bottom = BAR_TOP + n * BAR_ROW, h = bottom + 36;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" role=\"img\"><title>", BAR_W, h, BAR_W, h);
	html_text(fp, title);
	fprintf(fp, "</title>\n<text x=\"4\" y=\"12\" class=\"note\">partner</text>\n");
	for (int i = 0; i < n; i++)
		bar_row(fp, rows[i], BAR_TOP + i * BAR_ROW, scale);
	bar_axis(fp, bottom, scale, n && metric_is_proportion(rows[0]));
	if (n && rows[0]->has_benchmark) {
		double x = BAR_LABEL + value(rows[0]->benchmark, rows[0]->decimals) / scale * BAR_PLOT;

		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
			    "stroke-dasharray=\"5 3\"/>\n", x, BAR_TOP - 4, x, bottom);
		fprintf(fp, "<text x=\"%.1f\" y=\"12\" class=\"note\" text-anchor=\"middle\">"
			    "benchmark %.*f</text>\n", x, rows[0]->decimals,
			value(rows[0]->benchmark, rows[0]->decimals));
	}
	fputs("</svg>\n", fp);
}

static double line_y(double v, double top)
{
	return LINE_BOTTOM - v / top * (LINE_BOTTOM - LINE_TOP);
}

static void hline(FILE *fp, double y, const char *colour)
{
	fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-dasharray=\"4 3\"/>\n", LINE_LEFT, y, LINE_W - 10, y, colour);
}

/* The value axis of a line chart from 0 to top, its ends labelled, the
 * base line and the value axis title. */
static void value_axis(FILE *fp, double top, int per1000)
{
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\"/>\n"
		    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\"/>\n",
		LINE_LEFT, LINE_TOP, LINE_LEFT, line_y(0, top),
		LINE_LEFT, line_y(0, top), LINE_W - 10, line_y(0, top));
	fprintf(fp, "<text x=\"%d\" y=\"%.1f\" class=\"note\" text-anchor=\"end\">0</text>"
		    "<text x=\"%d\" y=\"%.1f\" class=\"note\" text-anchor=\"end\">%.*f</text>\n",
		LINE_LEFT - 3, line_y(0, top) + 4, LINE_LEFT - 3, line_y(top, top) + 4,
		per1000 ? 1 : 0, top);
	fprintf(fp, "<text x=\"2\" y=\"11\" class=\"note\">%s</text>\n",
		per1000 ? "rate per 1,000 member months" : "rate (%)");
}

/* The title of the time axis, under it. */
static void time_axis_title(FILE *fp, const char *title)
{
	fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"note\" text-anchor=\"middle\">%s</text>\n",
		(LINE_LEFT + LINE_W) / 2, LINE_H - 4, title);
}

/* The axes of a line chart across runs whose values run from 0 to top. */
static void line_axes(FILE *fp, double top, int per1000)
{
	value_axis(fp, top, per1000);
	time_axis_title(fp, "as-of date of each run");
}

/* The opening of a small line chart's image, labelled title. */
static void line_open(FILE *fp, const char *title)
{
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" role=\"img\"><title>", LINE_W, LINE_H, LINE_W, LINE_H);
	html_text(fp, title);
	fputs("</title>\n", fp);
}

/* The benchmark (black) and target (blue) as dashed lines. */
static void goal_lines(FILE *fp, int has_benchmark, double benchmark, int has_target,
		       double target, double top)
{
	if (has_benchmark)
		hline(fp, line_y(benchmark, top), "#000");
	if (has_target)
		hline(fp, line_y(target, top), "#1a237e");
}

void chart_line(FILE *fp, const struct chart_point *pts, int n, int per1000, int decimals,
		int has_benchmark, double benchmark, int has_target, double target,
		const char *title)
{
	double top = per1000 ? 0 : 100, step = n > 1 ? (LINE_W - 70.0) / (n - 1) : 0;
	int x0 = LINE_LEFT + 10;

	for (int i = 0; per1000 && i < n; i++)
		top = pts[i].rate > top ? pts[i].rate : top;
	if (per1000) {
		top = (has_benchmark && benchmark > top ? benchmark : top);
		top = (has_target && target > top ? target : top) * 1.2;
		top = top <= 0 ? 1 : top;
	}
	line_open(fp, title);
	line_axes(fp, top, per1000);
	goal_lines(fp, has_benchmark, benchmark, has_target, target, top);
	if (n > 1) {
		fputs("<polyline fill=\"none\" stroke=\"#37474f\" stroke-width=\"2\" points=\"", fp);
		for (int i = 0; i < n; i++)
			fprintf(fp, "%s%.1f,%.1f", i ? " " : "", x0 + i * step,
				line_y(pts[i].rate, top));
		fputs("\"/>\n", fp);
	}
	for (int i = 0; i < n; i++)
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#37474f\"/>\n",
			x0 + i * step, line_y(pts[i].rate, top));
	if (n) {
		fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"note\">%s</text>\n", x0,
			LINE_BOTTOM + 14, pts[0].as_of);
		if (n > 1)
			fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"note\" text-anchor=\"end\">"
				    "%s</text>\n", LINE_W - 10, LINE_BOTTOM + 14, pts[n - 1].as_of);
		fprintf(fp, "<text x=\"%d\" y=\"11\" class=\"note\" text-anchor=\"end\">latest %.*f"
			    "</text>\n", LINE_W - 10, decimals, pts[n - 1].rate);
	} else {
		fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"note\">no reportable rate yet</text>\n",
			x0, LINE_H / 2);
	}
	fputs("</svg>\n", fp);
}

#define MONTH_X0 (LINE_LEFT + 10)
#define MONTH_STEP ((LINE_W - 20 - MONTH_X0) / (MONTHS - 1.0))

/* The month axis: a tick and initial per month, and its title. */
static void month_axis(FILE *fp)
{
	static const char initial[] = "JFMAMJJASOND";

	for (int i = 0; i < MONTHS; i++) {
		double x = MONTH_X0 + i * MONTH_STEP;

		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\"/>"
			    "<text x=\"%.1f\" y=\"%d\" class=\"note\" text-anchor=\"middle\">%c"
			    "</text>\n", x, LINE_BOTTOM, x, LINE_BOTTOM + 4, x, LINE_BOTTOM + 14,
			initial[i]);
	}
	time_axis_title(fp, "month of the measurement year");
}

/* Curve c as one polyline through its points, in stroke colour with dash
 * (NULL: solid); nothing with fewer than two. */
static void curve_line(FILE *fp, const struct chart_curve *c, const char *colour,
		       const char *dash)
{
	int n = 0;

	for (int i = 0; i < MONTHS; i++)
		n += c->has[i];
	if (n < 2)
		return;
	fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", colour);
	if (dash)
		fprintf(fp, " stroke-dasharray=\"%s\"", dash);
	fputs(" points=\"", fp);
	n = 0;
	for (int i = 0; i < MONTHS; i++)
		if (c->has[i])
			fprintf(fp, "%s%.1f,%.1f", n++ ? " " : "", MONTH_X0 + i * MONTH_STEP,
				line_y(c->rate[i], 100));
	fputs("\"/>\n", fp);
}

void chart_months(FILE *fp, const struct chart_curve *cur, const struct chart_curve *prior,
		  int has_benchmark, double benchmark, int has_target, double target,
		  const char *title)
{
	line_open(fp, title);
	value_axis(fp, 100, 0);
	month_axis(fp);
	goal_lines(fp, has_benchmark, benchmark, has_target, target, 100);
	if (prior)
		curve_line(fp, prior, "#757575", "2 3");
	curve_line(fp, cur, "#37474f", NULL);
	for (int i = 0; i < MONTHS; i++)
		if (cur->has[i])
			fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#37474f\"/>\n",
				MONTH_X0 + i * MONTH_STEP, line_y(cur->rate[i], 100));
	fputs("</svg>\n", fp);
}
