/*
 * xlsx.c: report.xlsx, a Summary sheet (every partner and the CCO, every
 * measure), a sheet per partner (its row and its clinics') and a Notes
 * sheet explaining the columns and the suppression rule.  Every sheet
 * starts with the run (measurement year, as-of date, run id, audience),
 * then the header row; both stay frozen, and the header has an
 * autofilter.  Numbers are numbers, proportions percentages; a suppressed
 * cell is left empty and the Suppressed column names it.  The document's
 * creation time is the run's as-of date, which libxlsxwriter also uses
 * for the zip entries, so the same inputs give the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "date.h"
#include "err.h"
#include "htmlchart.h"
#include "xalloc.h"

#define MAX_DECIMALS 4

struct book {
	lxw_workbook *wb;
	lxw_format *head, *pct[MAX_DECIMALS + 1], *num[MAX_DECIMALS + 1];
	lxw_format *status[CHART_NSTATUS]; /* the report's status colours */
	lxw_format *wrap;
	const struct export_inputs *in;
	char *run;            /* the run line atop every sheet */
};

/* The columns, and what each holds (the Notes sheet). */
static const char *const columns[][2] = {
	{ "Measure", "measure id (cco-measure(5))" },
	{ "Sub-result", "the measure's numerator sub-result" },
	{ "Measure name", "the measure's name" },
	{ "Partner", "partner id; ALL: the CCO total" },
	{ "Partner name", "the partner's name" },
	{ "Clinic", "clinic id; empty on a partner's own row" },
	{ "Denominator", "members (or episodes) eligible; for a rate, member months" },
	{ "Exclusions", "eligible members excluded; for a rate, member months excluded" },
	{ "Numerator", "members meeting the measure; for a rate, events" },
	{ "Rate", "numerator / (denominator - exclusions): a percentage, or per 1,000 "
		  "member months" },
	{ "Benchmark", "the State's benchmark, empty when none" },
	{ "Baseline", "the partner's prior-year rate, empty when none" },
	{ "Improvement target", "baseline plus the required share of the gap to the "
				"benchmark (cco-export(1)), empty when none" },
	{ "Status", "met benchmark, met improvement target, not met, not enough data "
		    "(denominator less exclusions below export.min_denominator) or no goal" },
	{ "Needed", "more members in the numerator (fewer events, for a lower-is-better "
		    "rate) that would reach the nearer goal; 0 when met" },
	{ "Suppressed", "the cells of the row left empty by small-cell suppression, "
			"empty when none" },
};
#define NCOLS ((int)(sizeof(columns) / sizeof(columns[0])))
#define COL_COUNTS 6 /* Denominator, then Exclusions and Numerator */
#define COL_SUPPRESSED (NCOLS - 1)
#define HEAD_ROW 1   /* below the run line */

static lxw_format *fill(lxw_workbook *wb, const struct status_style *s)
{
	lxw_format *f = workbook_add_format(wb);

	lxw_color_t ink = (lxw_color_t)strtol(s->ink + 1, NULL, 16);

	format_set_bg_color(f, (lxw_color_t)strtol(s->fill + 1, NULL, 16));
	format_set_font_color(f, ink ? ink : LXW_COLOR_BLACK); /* 0 would be "none" */
	return f;
}

static void add_formats(struct book *b)
{
	static const char *const pct[] = { "0%", "0.0%", "0.00%", "0.000%", "0.0000%" };
	static const char *const num[] = { "0", "0.0", "0.00", "0.000", "0.0000" };

	b->head = workbook_add_format(b->wb);
	format_set_bold(b->head);
	for (int d = 0; d <= MAX_DECIMALS; d++) {
		b->pct[d] = workbook_add_format(b->wb);
		format_set_num_format(b->pct[d], pct[d]);
		b->num[d] = workbook_add_format(b->wb);
		format_set_num_format(b->num[d], num[d]);
	}
	for (int s = 0; s < CHART_NSTATUS; s++)
		b->status[s] = fill(b->wb, &chart_status[s]);
	b->wrap = workbook_add_format(b->wb);
	format_set_text_wrap(b->wrap);
}

/* A rate-like value: a fraction shown as a percentage for proportions;
 * nothing when there is none or it is hidden. */
static void put_rate(const struct book *b, lxw_worksheet *ws, int row, int col,
		     const struct metric *r, int has, long long v, int hidden)
{
	int d = r->decimals > MAX_DECIMALS ? MAX_DECIMALS : r->decimals;
	int pct = metric_is_proportion(r);
	double unit = pct ? 100 : 1; /* one division: 0.819, not 0.8190000000000001 */

	for (int i = 0; i < r->decimals; i++)
		unit *= 10;
	if (hidden || !has)
		return;
	worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)v / unit,
			       pct ? b->pct[d] : b->num[d]);
}

/* Append name to the list in buf (used bytes so far). */
static void append_name(char *buf, size_t n, size_t *used, const char *name)
{
	if (*used < n)
		*used += (size_t)snprintf(buf + *used, n - *used, "%s%s", *used ? ", " : "", name);
}

/* The names of r's hidden cells, as the Suppressed column says them. */
static const char *hidden_cells(char *buf, size_t n, const struct metric *r)
{
	static const char *const count[] = { "denominator", "exclusions", "numerator" };
	size_t used = 0;

	buf[0] = 0;
	for (int c = CNT_DEN; c <= CNT_NUM; c++)
		if (r->supp & (1u << c))
			append_name(buf, n, &used, count[c]);
	if (r->has_rate)
		append_name(buf, n, &used, "rate");
	if (r->has_needed)
		append_name(buf, n, &used, "needed");
	return buf;
}

static void put_row(const struct book *b, lxw_worksheet *ws, int row, const struct metric *r)
{
	const char *text[] = { r->measure_id, r->sub, r->m->name, r->partner,
			       inputs_partner_name(b->in, r->partner), r->clinic };
	int hidden = suppress_row(r);
	lxw_row_t y = (lxw_row_t)row;
	char buf[80];

	for (int c = 0; c < COL_COUNTS; c++)
		worksheet_write_string(ws, y, (lxw_col_t)c, text[c], NULL);
	for (int c = CNT_DEN; c <= CNT_NUM; c++)
		if (!(r->supp & (1u << c)))
			worksheet_write_number(ws, y, (lxw_col_t)(COL_COUNTS + c),
					       (double)r->cnt[c], NULL);
	put_rate(b, ws, row, 9, r, r->has_rate, r->rate, hidden);
	put_rate(b, ws, row, 10, r, r->has_benchmark, r->benchmark, 0);
	put_rate(b, ws, row, 11, r, r->has_baseline, r->baseline, 0);
	put_rate(b, ws, row, 12, r, r->has_target, r->target, 0);
	worksheet_write_string(ws, y, 13, r->status, b->status[chart_status_index(r->status)]);
	if (r->has_needed && !hidden)
		worksheet_write_number(ws, y, 14, (double)r->needed, NULL);
	if (hidden)
		worksheet_write_string(ws, y, COL_SUPPRESSED, hidden_cells(buf, sizeof(buf), r),
				       NULL);
}

/* A sheet with the run line and the header row, both frozen. */
static lxw_worksheet *add_sheet(const struct book *b, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);

	if (!ws)
		return NULL;
	worksheet_write_string(ws, 0, 0, b->run, b->head);
	for (int c = 0; c < NCOLS; c++)
		worksheet_write_string(ws, HEAD_ROW, (lxw_col_t)c, columns[c][0], b->head);
	worksheet_set_column(ws, 0, 1, 11, NULL);
	worksheet_set_column(ws, 2, 2, 40, NULL);
	worksheet_set_column(ws, 4, 4, 30, NULL);
	worksheet_set_column(ws, 13, 13, 22, NULL);
	worksheet_set_column(ws, COL_SUPPRESSED, COL_SUPPRESSED, 30, NULL);
	worksheet_freeze_panes(ws, HEAD_ROW + 1, 0);
	return ws;
}

/* Filters on the header row of a sheet whose last row is last. */
static void add_filter(lxw_worksheet *ws, int last)
{
	worksheet_autofilter(ws, HEAD_ROW, 0, (lxw_row_t)last, NCOLS - 1);
}

/* Summary: partner-level rows of every measure; then one sheet per
 * partner with its own rows and its clinics'. */
static int write_sheets(struct book *b, const struct metrics *m)
{
	lxw_worksheet *ws = add_sheet(b, "Summary");
	int row = HEAD_ROW + 1;

	if (!ws)
		return -1;
	for (int i = 0; i < m->n; i++)
		if (!*m->v[i].stratum && m->v[i].level != LEVEL_CLINIC)
			put_row(b, ws, row++, &m->v[i]);
	add_filter(ws, row - 1);
	for (int p = 0; p < b->in->npartners; p++) {
		const char *id = b->in->partners[p].id;

		ws = NULL;
		row = HEAD_ROW + 1;
		for (int i = 0; i < m->n; i++) {
			if (*m->v[i].stratum || m->v[i].level == LEVEL_ALL ||
			    strcmp(m->v[i].partner, id) != 0)
				continue;
			if (!ws && !(ws = add_sheet(b, id)))
				return -1;
			put_row(b, ws, row++, &m->v[i]);
		}
		if (ws)
			add_filter(ws, row - 1);
	}
	return 0;
}

/* What the set suppresses, in words (the Notes sheet). */
static const char *suppression_rule(const struct audience *a)
{
	switch (a->kind) {
	case AUDIENCE_INTERNAL:
		return "Internal set, for the CCO only: nothing is suppressed. Do not share.";
	case AUDIENCE_PARTNER:
		return "Partner packet: the partner's own rows and its clinics' are shown whole; "
		       "in the other partners' and the CCO total's rows, counts from 1 to the "
		       "threshold are suppressed, and so is any count they could be worked "
		       "out from.";
	default:
		return "Public set: counts from 1 to the threshold are suppressed, and so is "
		       "any count they could be worked out from (the members not in the "
		       "numerator count as a cell of the row; a column of partners or clinics "
		       "never has exactly one hidden cell).";
	}
}

/* Notes: the run, the columns and the suppression rule. */
static int write_notes(const struct book *b, const struct audience *a)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Notes");
	char line[200];
	int row = HEAD_ROW + 1;

	if (!ws)
		return -1;
	worksheet_write_string(ws, 0, 0, b->run, b->head);
	worksheet_write_string(ws, HEAD_ROW, 0, "Column", b->head);
	worksheet_write_string(ws, HEAD_ROW, 1, "Meaning", b->head);
	worksheet_set_column(ws, 0, 0, 22, NULL);
	worksheet_set_column(ws, 1, 1, 100, b->wrap);
	worksheet_freeze_panes(ws, HEAD_ROW + 1, 0);
	for (int c = 0; c < NCOLS; c++, row++) {
		worksheet_write_string(ws, (lxw_row_t)row, 0, columns[c][0], NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 1, columns[c][1], NULL);
	}
	worksheet_write_string(ws, (lxw_row_t)++row, 0, "Suppression", b->head);
	worksheet_write_string(ws, (lxw_row_t)row++, 1, suppression_rule(a), NULL);
	snprintf(line, sizeof(line), "Threshold (export.suppress_threshold): %ld. A suppressed "
		 "cell is empty, never text; the Suppressed column names it.", a->threshold);
	worksheet_write_string(ws, (lxw_row_t)row++, 1, line, NULL);
	worksheet_write_string(ws, (lxw_row_t)row, 1, "Benchmarks, baselines, targets and "
			       "statuses are always shown.", NULL);
	return 0;
}

int xlsx_write(const char *path, const struct metrics *m, const struct export_inputs *in,
	       const struct run_key *k, long long run_id, const struct audience *a)
{
	lxw_workbook_options opts = { 0 };
	lxw_doc_properties props = { 0 };
	struct book b = { 0 };
	int days;
	lxw_error e;

	date_parse_iso(k->as_of, strlen(k->as_of), &days);
	props.title = "CCO quality measures";
	props.created = (time_t)(days - date_from_ymd(1970, 1, 1)) * 86400;
	b.in = in;
	b.wb = workbook_new_opt(path, &opts);
	if (!b.wb)
		return err_set("cannot create workbook '%s'", path);
	b.run = xasprintf("CCO quality measures: measurement year %d, as of %s, run %lld; %s",
			  k->measurement_year, k->as_of, run_id, a->kind == AUDIENCE_INTERNAL ?
			  "internal, nothing suppressed" : a->kind == AUDIENCE_PARTNER ?
			  "partner packet, others suppressed" : "public, small counts suppressed");
	workbook_set_properties(b.wb, &props);
	add_formats(&b);
	if (write_sheets(&b, m) < 0 || write_notes(&b, a) < 0) {
		workbook_close(b.wb);
		free(b.run);
		return err_set("workbook '%s': a partner id is not a valid sheet name", path);
	}
	free(b.run);
	e = workbook_close(b.wb);
	if (e != LXW_NO_ERROR)
		return err_set("workbook '%s': %s", path, lxw_strerror(e));
	return 0;
}
