/*
 * xlsx.c: report.xlsx, a Summary sheet (every partner and the CCO, every
 * measure) and a sheet per partner (its row and its clinics').  Numbers
 * are numbers, proportions percentages; suppressed cells are text.  The
 * document's creation time is the run's as-of date, which libxlsxwriter
 * also uses for the zip entries, so the same inputs give the same bytes.
 */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "date.h"
#include "err.h"
#include "export.h"

#define MAX_DECIMALS 4

struct book {
	lxw_workbook *wb;
	lxw_format *head, *pct[MAX_DECIMALS + 1], *num[MAX_DECIMALS + 1];
	lxw_format *met, *target, *notmet, *nodata;
	const struct export_inputs *in;
};

static const char *const columns[] = {
	"Measure", "Sub-result", "Measure name", "Partner", "Partner name", "Clinic",
	"Denominator", "Exclusions", "Numerator", "Rate", "Benchmark", "Baseline",
	"Improvement target", "Status", "Needed"
};
#define NCOLS ((int)(sizeof(columns) / sizeof(columns[0])))

static lxw_format *fill(lxw_workbook *wb, lxw_color_t color)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_bg_color(f, color);
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
	b->met = fill(b->wb, 0x63BE7B);
	b->target = fill(b->wb, 0xC6EFCE);
	b->notmet = fill(b->wb, 0xF8696B);
	b->nodata = fill(b->wb, 0xD9D9D9);
}

static lxw_format *status_format(const struct book *b, const char *status)
{
	if (strcmp(status, "met benchmark") == 0)
		return b->met;
	if (strcmp(status, "met improvement target") == 0)
		return b->target;
	if (strcmp(status, "not met") == 0)
		return b->notmet;
	return b->nodata;
}

/* A rate-like value: a fraction shown as a percentage for proportions. */
static void put_rate(const struct book *b, lxw_worksheet *ws, int row, int col,
		     const struct metric *r, int has, long long v, int hidden)
{
	int d = r->decimals > MAX_DECIMALS ? MAX_DECIMALS : r->decimals;
	double x = (double)v;

	for (int i = 0; i < r->decimals; i++)
		x /= 10;
	if (hidden)
		worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, "suppressed", NULL);
	else if (has && metric_is_proportion(r))
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, x / 100, b->pct[d]);
	else if (has)
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, x, b->num[d]);
}

static void put_row(const struct book *b, lxw_worksheet *ws, int row, const struct metric *r)
{
	const char *text[] = { r->measure_id, r->sub, r->m->name, r->partner,
			       inputs_partner_name(b->in, r->partner), r->clinic };
	int hidden = suppress_row(r);
	lxw_row_t y = (lxw_row_t)row;

	for (int c = 0; c < 6; c++)
		worksheet_write_string(ws, y, (lxw_col_t)c, text[c], NULL);
	for (int c = CNT_DEN; c <= CNT_NUM; c++)
		if (r->supp & (1u << c))
			worksheet_write_string(ws, y, (lxw_col_t)(6 + c), "suppressed", NULL);
		else
			worksheet_write_number(ws, y, (lxw_col_t)(6 + c), (double)r->cnt[c], NULL);
	put_rate(b, ws, row, 9, r, r->has_rate, r->rate, hidden && r->has_rate);
	put_rate(b, ws, row, 10, r, r->has_benchmark, r->benchmark, 0);
	put_rate(b, ws, row, 11, r, r->has_baseline, r->baseline, 0);
	put_rate(b, ws, row, 12, r, r->has_target, r->target, 0);
	worksheet_write_string(ws, y, 13, r->status, status_format(b, r->status));
	if (hidden && r->has_needed)
		worksheet_write_string(ws, y, 14, "suppressed", NULL);
	else if (r->has_needed)
		worksheet_write_number(ws, y, 14, (double)r->needed, NULL);
}

static lxw_worksheet *add_sheet(const struct book *b, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);

	if (!ws)
		return NULL;
	for (int c = 0; c < NCOLS; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, columns[c], b->head);
	worksheet_set_column(ws, 0, 1, 11, NULL);
	worksheet_set_column(ws, 2, 2, 40, NULL);
	worksheet_set_column(ws, 4, 4, 30, NULL);
	worksheet_set_column(ws, 13, 13, 22, NULL);
	worksheet_freeze_panes(ws, 1, 0);
	return ws;
}

/* Summary: partner-level rows of every measure; then one sheet per
 * partner with its own rows and its clinics'. */
static int write_sheets(struct book *b, const struct metrics *m)
{
	lxw_worksheet *ws = add_sheet(b, "Summary");
	int row = 1;

	if (!ws)
		return -1;
	for (int i = 0; i < m->n; i++)
		if (!*m->v[i].stratum && m->v[i].level != LEVEL_CLINIC)
			put_row(b, ws, row++, &m->v[i]);
	for (int p = 0; p < b->in->npartners; p++) {
		const char *id = b->in->partners[p].id;

		ws = NULL;
		row = 1;
		for (int i = 0; i < m->n; i++) {
			if (*m->v[i].stratum || m->v[i].level == LEVEL_ALL ||
			    strcmp(m->v[i].partner, id) != 0)
				continue;
			if (!ws && !(ws = add_sheet(b, id)))
				return -1;
			put_row(b, ws, row++, &m->v[i]);
		}
	}
	return 0;
}

int xlsx_write(const char *path, const struct metrics *m, const struct export_inputs *in,
	       const struct run_key *k)
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
	workbook_set_properties(b.wb, &props);
	add_formats(&b);
	if (write_sheets(&b, m) < 0) {
		workbook_close(b.wb);
		return err_set("workbook '%s': a partner id is not a valid sheet name", path);
	}
	e = workbook_close(b.wb);
	if (e != LXW_NO_ERROR)
		return err_set("workbook '%s': %s", path, lxw_strerror(e));
	return 0;
}
