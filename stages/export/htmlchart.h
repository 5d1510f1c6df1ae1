/*
 * htmlchart.h: the inline SVG charts of report.html (htmlchart.c) and
 * its overview (htmloverview.c).
 */
#ifndef CCO_EXPORT_HTMLCHART_H
#define CCO_EXPORT_HTMLCHART_H

#include <stdio.h>

#include "export.h"

/* Escape s for HTML text and attributes. */
void html_text(FILE *fp, const char *s);

/* How a status is drawn: a fill of its own (the five told apart by
 * colour-blind readers too), the ink readable on it, and a symbol that
 * says the status in print and without colour. */
struct status_style {
	const char *status, *fill, *ink, *symbol;
};
#define CHART_NSTATUS 5
/* The five statuses, in legend order. */
extern const struct status_style chart_status[CHART_NSTATUS];
/* The index of status in chart_status ("no goal" for an unknown one). */
int chart_status_index(const char *status);

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

/* A year-to-date curve: rate[i] the rate at the end of month i + 1,
 * drawn where has[i]. */
struct chart_curve {
	double rate[MONTHS];
	int has[MONTHS];
};

/* A small line chart over the twelve months of the measurement year of
 * this year's curve cur (solid, with points) and last year's prior
 * (dashed grey; NULL: none), with the benchmark and target (has_* 0:
 * none) as dashed lines.  Proportions only: the axis is 0 to 100. */
void chart_months(FILE *fp, const struct chart_curve *cur, const struct chart_curve *prior,
		  int has_benchmark, double benchmark, int has_target, double target,
		  const char *title);

/* html.c: value v with d decimals, "&ndash;" without one (has 0), or
 * "suppressed" (hidden). */
void html_fixed(FILE *fp, int has, long long v, int d, int hidden);
/* "ID SUB: name" of r's measure. */
void html_measure_title(FILE *fp, const struct metric *r);

/* htmloverview.c: the top of report.html. */
/* The status's symbol, hidden from screen readers (the text says it). */
void html_status_mark(FILE *fp, const char *status);
/* The measure by partner matrix, table id "overview"; rows link to the
 * sections "m-BLOCK". */
void html_overview(FILE *fp, const struct metrics *m, const struct export_inputs *in);
/* The table of contents: the overview, the measure sections and the
 * partner sections "p-ID". */
void html_contents(FILE *fp, const struct metrics *m, const struct export_inputs *in);

/* htmlpush.c: "Where to push" for partner: its measures not met, fewest
 * members needed first, and its clinics by gaps still closable (from g's
 * tallies).  For audiences that see the partner's own numbers. */
void html_push(FILE *fp, const struct metrics *m, const char *partner,
	       const struct gap_files *g);

#endif
