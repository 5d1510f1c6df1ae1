/*
 * csvout.c: the metric files.  The suppression marker stands in every
 * hidden cell and in the rate and needed of a row with a hidden count;
 * which cells are hidden depends on the audience (suppress_apply()).
 */
#include <string.h>

#include "export.h"

#define SUPPRESSED "suppressed"

/* 1 when s is a plain decimal number, negative or not ("-2", "0.5"),
 * which a spreadsheet reads as a number and never as a formula. */
static int is_number(const char *s)
{
	int digits = 0;

	if (*s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.' && digits)
		for (s++, digits = 0; *s >= '0' && *s <= '9'; s++)
			digits++;
	return digits && !*s;
}

/* 1 when a spreadsheet would take s as a formula: it begins with =, +,
 * -, @, TAB or CR and is not a plain number. */
static int formula_like(const char *s)
{
	return *s && strchr("=+-@\t\r", *s) && !is_number(s);
}

void csv_field(FILE *fp, const char *s)
{
	int quote = s[strcspn(s, ",\"\r\n")] != '\0';

	if (quote)
		putc('"', fp);
	if (formula_like(s))
		putc('\'', fp);
	/* a run of bytes at a time: each quote written, then once more (a
	 * field with a quote is quoted) */
	for (const char *q; quote && (q = strchr(s, '"')); s = q + 1) {
		fwrite(s, 1, (size_t)(q + 1 - s), fp);
		putc('"', fp);
	}
	fputs(s, fp);
	if (quote)
		putc('"', fp);
}

static void put_count(FILE *fp, const struct metric *r, int c)
{
	if (r->supp & (1u << c))
		fputs("," SUPPRESSED, fp);
	else
		fprintf(fp, ",%lld", r->cnt[c]);
}

static void put_fixed(FILE *fp, int has, long long v, int d, int hidden)
{
	char buf[40];

	putc(',', fp);
	if (hidden)
		fputs(SUPPRESSED, fp);
	else if (has)
		fputs(fmt_fixed(buf, sizeof(buf), v, d), fp);
}

static void put_row(FILE *fp, const struct metric *r, const struct export_inputs *in,
		    enum csv_kind kind)
{
	int hidden = suppress_row(r);

	csv_field(fp, r->measure_id);
	putc(',', fp);
	csv_field(fp, r->sub);
	if (kind == CSV_STRATA) {
		putc(',', fp);
		csv_field(fp, r->stratum);
	}
	putc(',', fp);
	csv_field(fp, r->partner);
	putc(',', fp);
	csv_field(fp, inputs_partner_name(in, r->partner));
	if (kind == CSV_CLINIC) {
		putc(',', fp);
		csv_field(fp, r->clinic);
	}
	for (int c = CNT_DEN; c <= CNT_NUM; c++)
		put_count(fp, r, c);
	put_fixed(fp, r->has_rate, r->rate, r->decimals, hidden && r->has_rate);
	put_fixed(fp, r->has_benchmark, r->benchmark, r->decimals, 0);
	put_fixed(fp, r->has_baseline, r->baseline, r->decimals, 0);
	put_fixed(fp, r->has_target, r->target, r->decimals, 0);
	fprintf(fp, ",%s", r->status);
	put_fixed(fp, r->has_needed, r->needed, 0, hidden && r->has_needed);
	putc('\n', fp);
}

static int wanted(const struct metric *r, enum csv_kind kind)
{
	if (kind == CSV_STRATA)
		return *r->stratum && r->level != LEVEL_CLINIC;
	if (*r->stratum)
		return 0;
	return kind == CSV_CLINIC ? r->level != LEVEL_PARTNER : r->level != LEVEL_CLINIC;
}

void csvout_write(FILE *fp, const struct metrics *m, const struct export_inputs *in,
		  enum csv_kind kind)
{
	fprintf(fp, "measure_id,submeasure,%spartner_id,partner_name,%s"
		    "denominator,exclusions,numerator,rate,benchmark,baseline,"
		    "improvement_target,status,needed\n",
		kind == CSV_STRATA ? "stratum," : "", kind == CSV_CLINIC ? "clinic_id," : "");
	for (int b = 0; b < m->nblocks; b++) {
		/* the ALL row (first in the block) goes last, as a total */
		for (int i = m->block[b] + 1; i < m->block[b + 1]; i++)
			if (wanted(&m->v[i], kind))
				put_row(fp, &m->v[i], in, kind);
		if (wanted(&m->v[m->block[b]], kind))
			put_row(fp, &m->v[m->block[b]], in, kind);
	}
}
