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
#define LINE_W 300
#define LINE_H 130

void html_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: putc(*s, fp);
		}
	}
}

const char *chart_status_colour(const char *status)
{
	if (strcmp(status, "met benchmark") == 0)
		return "#2e7d32";
	if (strcmp(status, "met improvement target") == 0)
		return "#8bc34a";
	if (strcmp(status, "not met") == 0)
		return "#c62828";
	return "#9e9e9e";
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
	double plot = BAR_W - BAR_LABEL - 60;

	fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"lbl\">", 4, y + 16);
	html_text(fp, r->partner);
	fputs("</text>\n", fp);
	if (!r->has_rate || suppress_row(r)) {
		fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"note\">%s</text>\n", BAR_LABEL + 4,
			y + 16, r->has_rate ? "suppressed" : "no members");
	} else {
		double w = value(r->rate, r->decimals) / scale * plot;

		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>\n",
			BAR_LABEL, y + 3, w, chart_status_colour(r->status));
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" class=\"val\">%.*f</text>\n",
			BAR_LABEL + w + 4, y + 16, r->decimals, value(r->rate, r->decimals));
	}
	if (r->has_target) {
		double x = BAR_LABEL + value(r->target, r->decimals) / scale * plot;

		fprintf(fp, "<path d=\"M%.1f %d l-5 -6 h10 z\" fill=\"#1a237e\"/>"
			    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1a237e\" "
			    "stroke-width=\"2\"/>\n",
			x, y + 3, x, y + 3, x, y + 22);
	}
}

void chart_bars(FILE *fp, const struct metric *const *rows, int n, const char *title)
{
	double scale = axis_max(rows, n), plot = BAR_W - BAR_LABEL - 60;
	int h = n * BAR_ROW + 34;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" role=\"img\"><title>", BAR_W, h, BAR_W, h);
	html_text(fp, title);
	fputs("</title>\n", fp);
	for (int i = 0; i < n; i++)
		bar_row(fp, rows[i], i * BAR_ROW, scale);
	if (n && rows[0]->has_benchmark) {
		double x = BAR_LABEL + value(rows[0]->benchmark, rows[0]->decimals) / scale * plot;

		fprintf(fp, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
			    "stroke-dasharray=\"5 3\"/>\n", x, x, n * BAR_ROW);
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" class=\"note\" text-anchor=\"middle\">"
			    "benchmark %.*f</text>\n", x, n * BAR_ROW + 16, rows[0]->decimals,
			value(rows[0]->benchmark, rows[0]->decimals));
	}
	fputs("</svg>\n", fp);
}

static double line_y(double v, double top)
{
	return LINE_H - 20 - v / top * (LINE_H - 34);
}

static void hline(FILE *fp, double y, const char *colour)
{
	fprintf(fp, "<line x1=\"30\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-dasharray=\"4 3\"/>\n", y, LINE_W - 10, y, colour);
}

void chart_line(FILE *fp, const struct chart_point *pts, int n, int per1000, int decimals,
		int has_benchmark, double benchmark, int has_target, double target,
		const char *title)
{
	double top = per1000 ? 0 : 100, step = n > 1 ? (LINE_W - 60.0) / (n - 1) : 0;

	for (int i = 0; per1000 && i < n; i++)
		top = pts[i].rate > top ? pts[i].rate : top;
	if (per1000) {
		top = (has_benchmark && benchmark > top ? benchmark : top);
		top = (has_target && target > top ? target : top) * 1.2;
		top = top <= 0 ? 1 : top;
	}
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" role=\"img\"><title>", LINE_W, LINE_H, LINE_W, LINE_H);
	html_text(fp, title);
	fprintf(fp, "</title>\n<line x1=\"30\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#bbb\"/>\n",
		line_y(0, top), LINE_W - 10, line_y(0, top));
	if (has_benchmark)
		hline(fp, line_y(benchmark, top), "#000");
	if (has_target)
		hline(fp, line_y(target, top), "#1a237e");
	if (n > 1) {
		fputs("<polyline fill=\"none\" stroke=\"#37474f\" stroke-width=\"2\" points=\"", fp);
		for (int i = 0; i < n; i++)
			fprintf(fp, "%s%.1f,%.1f", i ? " " : "", 40 + i * step,
				line_y(pts[i].rate, top));
		fputs("\"/>\n", fp);
	}
	for (int i = 0; i < n; i++)
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#37474f\"/>\n",
			40 + i * step, line_y(pts[i].rate, top));
	if (n) {
		fprintf(fp, "<text x=\"40\" y=\"%d\" class=\"note\">%s</text>\n", LINE_H - 4,
			pts[0].as_of);
		if (n > 1)
			fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"note\" text-anchor=\"end\">"
				    "%s</text>\n", LINE_W - 10, LINE_H - 4, pts[n - 1].as_of);
		fprintf(fp, "<text x=\"%d\" y=\"14\" class=\"note\" text-anchor=\"end\">latest %.*f"
			    "</text>\n", LINE_W - 10, decimals, pts[n - 1].rate);
	} else {
		fprintf(fp, "<text x=\"40\" y=\"%d\" class=\"note\">no reportable rate yet</text>\n",
			LINE_H / 2);
	}
	fputs("</svg>\n", fp);
}
