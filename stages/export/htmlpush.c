/*
 * htmlpush.c: "Where to push", in a partner's section of report.html:
 * its measures not met, the fewest members needed first (the cheapest
 * goals to reach), and its clinics by the gaps they can still close this
 * year.  Shown where the partner's own numbers are (the internal set and
 * its packet), never in the public set.
 */
#include <stdlib.h>
#include <string.h>

#include "htmlchart.h"
#include "xalloc.h"

/* Fewest needed first; then the order of the overview (row index). */
static int by_needed(const void *pa, const void *pb)
{
	const struct metric *a = *(const struct metric *const *)pa;
	const struct metric *b = *(const struct metric *const *)pb;

	if (a->needed != b->needed)
		return a->needed < b->needed ? -1 : 1;
	return (a > b) - (a < b);
}

/* Most closable gaps first; then clinic id. */
static int by_closable(const void *pa, const void *pb)
{
	const struct clinic_gaps *a = *(const struct clinic_gaps *const *)pa;
	const struct clinic_gaps *b = *(const struct clinic_gaps *const *)pb;

	if (a->closable != b->closable)
		return a->closable > b->closable ? -1 : 1;
	return strcmp(a->clinic, b->clinic);
}

/* A table's caption and header row, up to the open body. */
static void table_head(FILE *fp, const char *caption, const char *const *cols)
{
	fprintf(fp, "<table class=\"push\"><caption>%s</caption>\n<thead><tr>", caption);
	for (int i = 0; cols[i]; i++)
		fprintf(fp, "<th scope=\"col\">%s</th>", cols[i]);
	fputs("</tr></thead><tbody>\n", fp);
}

/* A value's cell: "&ndash;" without one. */
static void fixed_cell(FILE *fp, int has, long long v, int d)
{
	fputs("<td>", fp);
	html_fixed(fp, has, v, d, 0);
	fputs("</td>", fp);
}

static void needed_table(FILE *fp, const struct metrics *m, const char *partner)
{
	const struct metric **rows = xcalloc((size_t)m->n + 1, sizeof(*rows));
	int n = 0;

	for (int i = 0; i < m->n; i++) {
		const struct metric *r = &m->v[i];

		if (!*r->stratum && r->level == LEVEL_PARTNER && !strcmp(r->partner, partner) &&
		    r->has_needed && r->needed > 0 && !suppress_row(r))
			rows[n++] = r;
	}
	if (n == 0) {
		fputs("<p>Every measure with a goal and enough data is met.</p>\n", fp);
		free(rows);
		return;
	}
	qsort(rows, (size_t)n, sizeof(*rows), by_needed);
	table_head(fp, "Measures not met, the least needed first (members more in the "
		   "numerator; for a lower-is-better rate, events fewer)",
		   (const char *const[]){ "Measure", "Rate", "Target", "Benchmark", "Needed",
					  NULL });
	for (int i = 0; i < n; i++) {
		fputs("<tr><th scope=\"row\">", fp);
		html_measure_title(fp, rows[i]);
		fputs("</th>", fp);
		fixed_cell(fp, rows[i]->has_rate, rows[i]->rate, rows[i]->decimals);
		fixed_cell(fp, rows[i]->has_target, rows[i]->target, rows[i]->decimals);
		fixed_cell(fp, rows[i]->has_benchmark, rows[i]->benchmark, rows[i]->decimals);
		fprintf(fp, "<td>%lld</td></tr>\n", rows[i]->needed);
	}
	fputs("</tbody></table>\n", fp);
	free(rows);
}

static void clinic_table(FILE *fp, const struct gap_files *g, const char *partner)
{
	const struct clinic_gaps **rows = xcalloc((size_t)g->nclinics + 1, sizeof(*rows));
	int n = 0;

	for (int i = 0; i < g->nclinics; i++)
		if (strcmp(g->clinics[i].partner, partner) == 0)
			rows[n++] = &g->clinics[i];
	if (n == 0) {
		fputs("<p>No open gaps.</p>\n", fp);
		free(rows);
		return;
	}
	qsort(rows, (size_t)n, sizeof(*rows), by_closable);
	table_head(fp, "Open gaps by clinic, most still closable this year first",
		   (const char *const[]){ "Clinic", "Closable", "All open", NULL });
	for (int i = 0; i < n; i++) {
		fputs("<tr><th scope=\"row\">", fp);
		html_text(fp, rows[i]->clinic);
		fprintf(fp, "</th><td>%lld</td><td>%lld</td></tr>\n", rows[i]->closable,
			rows[i]->open);
	}
	fputs("</tbody></table>\n", fp);
	free(rows);
}

void html_push(FILE *fp, const struct metrics *m, const char *partner,
	       const struct gap_files *g)
{
	fputs("<h3>Where to push</h3>\n", fp);
	needed_table(fp, m, partner);
	clinic_table(fp, g, partner);
}
