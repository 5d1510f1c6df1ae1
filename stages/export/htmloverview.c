/*
 * htmloverview.c: the top of report.html: the matrix of every measure
 * (rows) by partner and the CCO (columns), each cell the rate marked and
 * coloured by status with the members still needed, then the table of
 * contents.
 */
#include <string.h>

#include "htmlchart.h"

/* The row of partner (EXPORT_ALL: the CCO) in block b, or NULL. */
static const struct metric *block_row(const struct metrics *m, int b, const char *partner)
{
	for (int i = m->block[b]; i < m->block[b + 1]; i++)
		if (m->v[i].level != LEVEL_CLINIC && strcmp(m->v[i].partner, partner) == 0)
			return &m->v[i];
	return NULL;
}

void html_status_mark(FILE *fp, const char *status)
{
	int s = chart_status_index(status);

	fprintf(fp, "<span aria-hidden=\"true\">%s</span> ", chart_status[s].symbol);
}

static void overview_cell(FILE *fp, const struct metric *r)
{
	char buf[40];
	int s;

	if (!r) {
		fputs("<td class=\"none\">no members</td>", fp);
		return;
	}
	s = chart_status_index(r->status);
	fprintf(fp, "<td class=\"st s%d\" title=\"%s\">", s, r->status);
	html_status_mark(fp, r->status);
	fprintf(fp, "<span class=\"sr\">%s: </span>", r->status);
	if (!r->has_rate)
		fputs("&ndash;", fp);
	else if (suppress_row(r))
		fputs("<span class=\"supp\">suppressed</span>", fp);
	else
		fputs(fmt_fixed(buf, sizeof(buf), r->rate, r->decimals), fp);
	if (r->has_needed && !suppress_row(r) && r->needed > 0)
		fprintf(fp, " <span class=\"need\">need %lld</span>", r->needed);
	fputs("</td>", fp);
}

static void overview_head(FILE *fp, const struct export_inputs *in)
{
	fputs("<thead><tr><th scope=\"col\">Measure</th>", fp);
	for (int p = 0; p < in->npartners; p++) {
		fputs("<th scope=\"col\">", fp);
		html_text(fp, in->partners[p].id);
		fputs("<br><span class=\"mn\">", fp);
		html_text(fp, in->partners[p].name);
		fputs("</span></th>", fp);
	}
	fputs("<th scope=\"col\">CCO total</th></tr></thead>\n", fp);
}

/* The link to block b's section: "ID SUB" and the measure's name. */
static void measure_link(FILE *fp, const struct metric *all, int b)
{
	fprintf(fp, "<a href=\"#m-%d\">", b);
	html_text(fp, all->measure_id);
	fputs(" ", fp);
	html_text(fp, all->sub);
	fputs("</a> <span class=\"mn\">", fp);
	html_text(fp, all->m->name);
	fputs("</span>", fp);
}

static void overview_row(FILE *fp, const struct metrics *m, int b,
			 const struct export_inputs *in)
{
	const struct metric *all = &m->v[m->block[b]];

	fputs("<tr><th scope=\"row\">", fp);
	measure_link(fp, all, b);
	fputs("</th>", fp);
	for (int p = 0; p < in->npartners; p++)
		overview_cell(fp, block_row(m, b, in->partners[p].id));
	overview_cell(fp, all);
	fputs("</tr>\n", fp);
}

/* The unstratified block of measure id and sub-result sub, or -1. */
static int find_block(const struct metrics *m, const char *id, const char *sub)
{
	for (int b = 0; b < m->nblocks; b++) {
		const struct metric *all = &m->v[m->block[b]];

		if (!*all->stratum && !strcmp(all->measure_id, id) && !strcmp(all->sub, sub))
			return b;
	}
	return -1;
}

/* A group of rows under a heading row of its own, closing the group
 * before it (*open). */
static void group_head(FILE *fp, const char *title, const struct export_inputs *in,
		       int *open)
{
	if (*open)
		fputs("</tbody>\n", fp);
	*open = 1;
	fprintf(fp, "<tbody>\n<tr><th scope=\"rowgroup\" colspan=\"%d\" class=\"t\">%s"
		    "</th></tr>\n", in->npartners + 2, title);
}

/* Rows: first the measures of the targets file, in its order (the order
 * the State's incentive set lists them in), then the others as the
 * measure stage wrote them. */
void html_overview(FILE *fp, const struct metrics *m, const struct export_inputs *in)
{
	int nother = 0, open = 0;

	fputs("<table id=\"overview\"><caption>Overview: each partner's rate by measure, "
	      "marked and coloured by status; &ldquo;need N&rdquo;: members still needed "
	      "to reach the nearer of the benchmark and the target</caption>\n", fp);
	overview_head(fp, in);
	if (in->ntargets)
		group_head(fp, "Measures with a benchmark or target, in the targets "
			   "file&rsquo;s order", in, &open);
	for (int t = 0; t < in->ntargets; t++) {
		int b = find_block(m, in->targets[t].measure_id, in->targets[t].sub);

		if (b >= 0)
			overview_row(fp, m, b, in);
	}
	for (int b = 0; b < m->nblocks; b++) {
		const struct metric *all = &m->v[m->block[b]];

		if (*all->stratum || inputs_target(in, all->measure_id, all->sub))
			continue;
		if (nother++ == 0)
			group_head(fp, "Other measures", in, &open);
		overview_row(fp, m, b, in);
	}
	fputs(open ? "</tbody></table>\n" : "</table>\n", fp);
}

void html_contents(FILE *fp, const struct metrics *m, const struct export_inputs *in)
{
	fputs("<nav aria-label=\"Contents\"><h2>Contents</h2><ol>"
	      "<li><a href=\"#overview\">Overview</a></li><li>Measures<ol class=\"toc\">\n", fp);
	for (int b = 0; b < m->nblocks; b++) {
		const struct metric *all = &m->v[m->block[b]];

		if (*all->stratum)
			continue;
		fputs("<li>", fp);
		measure_link(fp, all, b);
		fputs("</li>\n", fp);
	}
	fputs("</ol></li><li>Progress by partner<ol class=\"toc\">\n", fp);
	for (int p = 0; p < in->npartners; p++) {
		fputs("<li><a href=\"#p-", fp);
		html_text(fp, in->partners[p].id);
		fputs("\">", fp);
		html_text(fp, in->partners[p].id);
		fputs(" ", fp);
		html_text(fp, in->partners[p].name);
		fputs("</a></li>\n", fp);
	}
	fputs("</ol></li></ol></nav>\n", fp);
}
