/*
 * htmlchart.h: the inline SVG charts of report.html.
 */
#ifndef CCO_EXPORT_HTMLCHART_H
#define CCO_EXPORT_HTMLCHART_H

#include <stdio.h>

#include "export.h"

/* Escape s for HTML text and attributes. */
void html_text(FILE *fp, const char *s);

/* Colour of a status, for bars and legends. */
const char *chart_status_colour(const char *status);

/* A horizontal bar per row of rows[0..n-1] (partner rows, then ALL):
 * the rate (left out when suppressed), the row's target as a mark, and
 * the benchmark as a dashed line.  title labels the image. */
void chart_bars(FILE *fp, const struct metric *const *rows, int n, const char *title);

/* One point of a partner's progress. */
struct chart_point {
	char as_of[11];
	double rate;
};

/* A small line chart of pts across runs, with the benchmark and target
 * (has_* 0: none) as dashed lines; per1000 scales for a rate. */
void chart_line(FILE *fp, const struct chart_point *pts, int n, int per1000, int decimals,
		int has_benchmark, double benchmark, int has_target, double target,
		const char *title);

#endif
