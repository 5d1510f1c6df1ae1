/*
 * html.c: report.html, one self-contained page: inline CSS and SVG, no
 * scripts, nothing fetched.  First whom it is for, the overview matrix
 * and the contents (htmloverview.c); per measure its goals, a chart of
 * the partners' rates and a table; per partner and measure its rate to
 * date by month against last year's (monthly.c), or, for measures
 * without a curve, its progress across the runs in results.db.
 * The only date in it is the run's as-of date (and those of past runs).
 */
#include <stdlib.h>
#include <string.h>

#include "htmlchart.h"
#include "xalloc.h"

static const char style[] =
	"body{font-family:sans-serif;margin:1em 1.5em;color:#212121;max-width:1300px}"
	"h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.2em;margin-top:2em}"
	"p{margin:.4em 0}"
	"table{border-collapse:collapse;margin:.5em 0 1em}"
	"caption{text-align:left;font-weight:bold;padding:.3em 0}"
	"th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right}"
	"th[scope=row],td.t{text-align:left}td.st{white-space:nowrap}thead th{background:#eceff1}"
	"#overview{outline:3px solid #6a1b9a;font-size:13px}"
	"#overview td,#overview th{padding:.1em .4em;white-space:nowrap}"
	"#overview th[scope=col]{text-align:center}"
	".mn{font-weight:normal;font-size:11px;color:#424242}"
	"#overview th[scope=row] .mn{display:inline-block;max-width:24em;overflow:hidden;"
	"text-overflow:ellipsis;vertical-align:bottom}"
	".sr{position:absolute;left:-10000px}"
	".need{font-size:11px}.supp{font-size:11px;font-style:italic}"
	"td.none{color:#757575;font-size:11px}"
	".st{font-weight:bold;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	".lbl{font-size:13px}.val,.note{font-size:11px}"
	".small{display:inline-block;margin:0 1em 1em 0;vertical-align:top}"
	".aud{border-left:6px solid #1a237e;padding:.4em .8em;background:#e8eaf6}"
	".facts b{margin-right:1em}"
	".legend span{display:inline-block;padding:.1em .5em;margin-right:.5em}";

/* One class per status, .s0 to .s4, from chart_status. */
static void status_style(FILE *fp)
{
	for (int s = 0; s < CHART_NSTATUS; s++)
		fprintf(fp, ".s%d{background:%s;color:%s}", s, chart_status[s].fill,
			chart_status[s].ink);
}

static void legend(FILE *fp)
{
	fputs("<p class=\"legend\">Status: ", fp);
	for (int s = 0; s < CHART_NSTATUS; s++) {
		fprintf(fp, "<span class=\"st s%d\">", s);
		html_status_mark(fp, chart_status[s].status);
		fprintf(fp, "%s</span>", chart_status[s].status);
	}
	fputs("</p>\n", fp);
}

void html_fixed(FILE *fp, int has, long long v, int d, int hidden)
{
	char buf[40];

	if (hidden)
		fputs("suppressed", fp);
	else if (has)
		fputs(fmt_fixed(buf, sizeof(buf), v, d), fp);
	else
		fputs("&ndash;", fp);
}

static void count_cell(FILE *fp, const struct metric *r, int c)
{
	if (r->supp & (1u << c))
		fputs("<td>suppressed</td>", fp);
	else
		fprintf(fp, "<td>%lld</td>", r->cnt[c]);
}

/* Benchmark, baseline and target of r, each after its opening text. */
static void goals(FILE *fp, const struct metric *r, const char *const open[3])
{
	const int has[3] = { r->has_benchmark, r->has_baseline, r->has_target };
	const long long v[3] = { r->benchmark, r->baseline, r->target };

	for (int i = 0; i < 3; i++) {
		fputs(open[i], fp);
		html_fixed(fp, has[i], v[i], r->decimals, 0);
	}
}

static void table_row(FILE *fp, const struct metric *r, const struct export_inputs *in)
{
	int hidden = suppress_row(r);

	fputs("<tr><th scope=\"row\">", fp);
	html_text(fp, r->partner);
	fputs(" ", fp);
	html_text(fp, inputs_partner_name(in, r->partner));
	fputs("</th>", fp);
	for (int c = CNT_DEN; c <= CNT_NUM; c++)
		count_cell(fp, r, c);
	fputs("<td>", fp);
	html_fixed(fp, r->has_rate, r->rate, r->decimals, hidden && r->has_rate);
	goals(fp, r, (const char *const[3]){ "</td><td>", "</td><td>", "</td><td>" });
	fprintf(fp, "</td><td class=\"t st s%d\">", chart_status_index(r->status));
	html_status_mark(fp, r->status);
	fprintf(fp, "%s</td><td>", r->status);
	html_fixed(fp, r->has_needed, r->needed, 0, hidden && r->has_needed);
	fputs("</td></tr>\n", fp);
}

void html_measure_title(FILE *fp, const struct metric *r)
{
	html_text(fp, r->measure_id);
	fputs(" ", fp);
	html_text(fp, r->sub);
	fputs(": ", fp);
	html_text(fp, r->m->name);
}

/* The CCO's goals and standing on the measure, in one line. */
static void measure_facts(FILE *fp, const struct metric *all)
{
	int hidden = suppress_row(all);

	goals(fp, all, (const char *const[3]){ "<p class=\"facts\">Benchmark: <b>",
					       "</b> CCO baseline: <b>", "</b> CCO target: <b>" });
	fputs("</b> CCO rate: <b>", fp);
	html_fixed(fp, all->has_rate, all->rate, all->decimals, hidden && all->has_rate);
	fputs("</b> Needed: <b>", fp);
	html_fixed(fp, all->has_needed, all->needed, 0, hidden && all->has_needed);
	fprintf(fp, "</b> Status: <b class=\"st s%d\">", chart_status_index(all->status));
	html_status_mark(fp, all->status);
	fprintf(fp, "%s</b></p>\n", all->status);
}

/* One measure and sub-result: block b's partner rows and the ALL row. */
static void measure_section(FILE *fp, const struct metrics *m, int b,
			    const struct export_inputs *in)
{
	const struct metric **rows = xcalloc((size_t)(m->block[b + 1] - m->block[b]), sizeof(*rows));
	const struct metric *all = &m->v[m->block[b]];
	char *title;
	int n = 0;

	for (int i = m->block[b] + 1; i < m->block[b + 1]; i++)
		if (m->v[i].level == LEVEL_PARTNER)
			rows[n++] = &m->v[i];
	rows[n++] = all;
	fprintf(fp, "<section id=\"m-%d\"><h2>", b);
	html_measure_title(fp, all);
	fputs("</h2>\n", fp);
	measure_facts(fp, all);
	fputs("<p>", fp);
	fputs(all->m->higher_is_better ? "Higher is better. " : "Lower is better. ", fp);
	fputs(metric_is_proportion(all) ? "Rate: percent of eligible members."
					: "Rate: per 1,000 member months.", fp);
	fputs(" Bars: each partner's rate, coloured by status; dashed line: the "
	      "benchmark; dark mark: the partner's improvement target.</p>\n", fp);
	title = xasprintf("%s %s: rate by partner", all->measure_id, all->sub);
	chart_bars(fp, rows, n, title);
	free(title);
	fputs("<table><caption>", fp);
	html_measure_title(fp, all);
	fputs(", by partner</caption>\n<thead><tr><th scope=\"col\">Partner</th>"
	      "<th scope=\"col\">Denominator</th><th scope=\"col\">Exclusions</th>"
	      "<th scope=\"col\">Numerator</th><th scope=\"col\">Rate</th>"
	      "<th scope=\"col\">Benchmark</th><th scope=\"col\">Baseline</th>"
	      "<th scope=\"col\">Target</th><th scope=\"col\">Status</th>"
	      "<th scope=\"col\">Needed</th></tr></thead>\n<tbody>\n", fp);
	for (int i = 0; i < n; i++)
		table_row(fp, rows[i], in);
	fputs("</tbody></table></section>\n", fp);
	free(rows);
}

/* 1 if audience a sees partner's numbers whole: internally, and in the
 * partner's own packet. */
static int sees_whole(const struct audience *a, const char *partner)
{
	return a->kind == AUDIENCE_INTERNAL ||
	       (a->kind == AUDIENCE_PARTNER && strcmp(a->partner, partner) == 0);
}

/* The partner's rates of this measure across the runs of the year up to
 * this run's as-of date (the latest run of each; a rerun as of June shows
 * no September point) that audience a may see: all of them
 * internally and in the partner's own packet, else those the public
 * reports of that run showed (a rate hidden then stays hidden).  Returns the count; *pts is
 * the caller's to free. */
static int history(sqlite3 *db, const struct run_key *k, const struct metric *r,
		   const struct audience *a, struct chart_point **pts)
{
	static const char sql[] =
		"SELECT r.as_of, m.rate"
		" FROM metric m JOIN run r USING (run_id)"
		" WHERE r.measurement_year = ?1 AND m.level = 'partner' AND m.partner_id = ?2"
		" AND m.measure_id = ?3 AND m.submeasure = ?4 AND m.rate IS NOT NULL"
		" AND (m.suppressed = 0 OR ?5) AND r.as_of <= ?6"
		" AND r.run_id = (SELECT max(run_id) FROM run x WHERE"
		" x.measurement_year = r.measurement_year AND x.as_of = r.as_of)"
		" ORDER BY r.as_of";
	sqlite3_stmt *st;
	size_t alloc = 0;
	int n = 0;

	*pts = NULL;
	if (!db || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int(st, 1, k->measurement_year);
	sqlite3_bind_text(st, 2, r->partner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->measure_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->sub, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, sees_whole(a, r->partner));
	sqlite3_bind_text(st, 6, k->as_of, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		xgrow(pts, &alloc, (size_t)n + 1, sizeof(**pts));
		snprintf((*pts)[n].as_of, sizeof((*pts)[n].as_of), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		(*pts)[n++].rate = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	return n;
}

static double unit(long long v, int d)
{
	double x = (double)v;

	while (d-- > 0)
		x /= 10;
	return x;
}

/* The start of a partner chart's caption: "MEASURE SUB: ". */
static void caption_open(FILE *fp, const struct metric *r)
{
	fputs("<figcaption>", fp);
	html_text(fp, r->measure_id);
	fputs(" ", fp);
	html_text(fp, r->sub);
	fputs(": ", fp);
}

static void progress_chart(FILE *fp, const struct metric *r, const struct run_key *k,
			   sqlite3 *db, const struct audience *a)
{
	struct chart_point *pts;
	int n = history(db, k, r, a, &pts);
	char *title = xasprintf("%s %s %s: rate across runs", r->partner, r->measure_id, r->sub);

	fputs("<figure class=\"small\">", fp);
	chart_line(fp, pts, n, !metric_is_proportion(r), r->decimals, r->has_benchmark,
		   unit(r->benchmark, r->decimals), r->has_target, unit(r->target, r->decimals),
		   title);
	caption_open(fp, r);
	fprintf(fp, "%d run%s</figcaption></figure>\n", n, n == 1 ? "" : "s");
	free(title);
	free(pts);
}

/* Last year's curve of r's measure and partner from the latest run of the
 * prior measurement year in db that has one, the months audience a may
 * see (as history() does).  Returns the number of months found. */
static int prior_curve(sqlite3 *db, const struct run_key *k, const struct metric *r,
		       const struct audience *a, struct chart_curve *c)
{
	static const char sql[] =
		"SELECT m.month, m.rate FROM metric_month m"
		" WHERE m.partner_id = ?2 AND m.measure_id = ?3 AND m.submeasure = ?4"
		" AND m.rate IS NOT NULL AND (m.suppressed = 0 OR ?5)"
		" AND m.run_id = (SELECT r.run_id FROM run r WHERE r.measurement_year = ?1"
		" AND EXISTS (SELECT 1 FROM metric_month x WHERE x.run_id = r.run_id"
		" AND x.partner_id = ?2 AND x.measure_id = ?3 AND x.submeasure = ?4)"
		" ORDER BY r.as_of DESC, r.run_id DESC LIMIT 1)"
		" ORDER BY m.month";
	sqlite3_stmt *st;
	int n = 0;

	memset(c, 0, sizeof(*c));
	if (!db || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int(st, 1, k->measurement_year - 1);
	sqlite3_bind_text(st, 2, r->partner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->measure_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->sub, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, sees_whole(a, r->partner));
	while (sqlite3_step(st) == SQLITE_ROW) {
		int mo = sqlite3_column_int(st, 0);

		if (mo < 1 || mo > MONTHS)
			continue;
		c->has[mo - 1] = 1;
		c->rate[mo - 1] = sqlite3_column_double(st, 1);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

/* This year's curve of r up to month months, none when r is suppressed.
 * Returns the last month drawn (0: none). */
static int this_curve(const struct metric *r, int months, struct chart_curve *c)
{
	int last = 0;

	memset(c, 0, sizeof(*c));
	for (int mo = 1; !suppress_row(r) && mo <= months; mo++) {
		long long v = monthly_rate(r, mo, &c->has[mo - 1]);

		c->rate[mo - 1] = unit(v, r->decimals);
		last = c->has[mo - 1] ? mo : last;
	}
	return last;
}

static const char *const month_name[MONTHS] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"
};

/* The last month of c with a point, or 0. */
static int last_month(const struct chart_curve *c)
{
	int last = 0;

	for (int i = 0; i < MONTHS; i++)
		last = c->has[i] ? i + 1 : last;
	return last;
}

/* The curves in one sentence: "June: 45.0%; last June: 40.0%; last year
 * ended at 71.0%" (in December, "December: 75.0%; last December: 71.0%"). */
static void curve_caption(FILE *fp, const struct metric *r, int last,
			  const struct chart_curve *cur, const struct chart_curve *prior,
			  int months)
{
	int end = last_month(prior), d = r->decimals;

	if (months == 0) {
		fputs("no month of the year yet", fp);
		return;
	}
	if (suppress_row(r))
		fputs("suppressed", fp);
	else if (!last)
		fputs("no members", fp);
	else
		fprintf(fp, "%s: %.*f%%", month_name[last - 1], d, cur->rate[last - 1]);
	if (last && prior->has[last - 1])
		fprintf(fp, "; last %s: %.*f%%", month_name[last - 1], d, prior->rate[last - 1]);
	if (end == MONTHS && last == MONTHS && prior->has[MONTHS - 1])
		return; /* "last December" said it */
	if (end == MONTHS)
		fprintf(fp, "; last year ended at %.*f%%", d, prior->rate[MONTHS - 1]);
	else if (end)
		fprintf(fp, "; last year reached %.*f%% by %s", d, prior->rate[end - 1],
			month_name[end - 1]);
}

/* Partner row r's year to date by month against last year's, the
 * benchmark and the target, with its caption. */
static void curve_chart(FILE *fp, const struct metric *r, const struct run_key *k,
			sqlite3 *db, const struct audience *a)
{
	struct chart_curve cur, prior;
	int months = monthly_months(k), last = this_curve(r, months, &cur);
	int has_prior = prior_curve(db, k, r, a, &prior) > 0;
	char *title = xasprintf("%s %s %s: rate to date by month, this year%s", r->partner,
				r->measure_id, r->sub, has_prior ? " and last year" : "");

	fputs("<figure class=\"small\">", fp);
	chart_months(fp, &cur, has_prior ? &prior : NULL, r->has_benchmark,
		     unit(r->benchmark, r->decimals), r->has_target, unit(r->target, r->decimals),
		     title);
	caption_open(fp, r);
	curve_caption(fp, r, last, &cur, &prior, months);
	fputs("</figcaption></figure>\n", fp);
	free(title);
}

static void partner_section(FILE *fp, const struct metrics *m, const char *id,
			    const struct export_inputs *in, const struct run_key *k,
			    sqlite3 *db, const struct audience *a, const struct gap_files *g)
{
	fputs("<section id=\"p-", fp);
	html_text(fp, id);
	fputs("\"><h2>Partner ", fp);
	html_text(fp, id);
	fputs(" ", fp);
	html_text(fp, inputs_partner_name(in, id));
	fputs("</h2>\n", fp);
	if (sees_whole(a, id))
		html_push(fp, m, id, g);
	fputs("<p>The rate to date by month of the measurement year (solid; dotted "
	      "grey: last year's); for the others (rates per 1,000 member months, "
	      "lower-is-better measures, results without evidence dates), the rate across "
	      "this year's runs. Dashed: benchmark in black, target in blue.</p>\n", fp);
	for (int i = 0; i < m->n; i++) {
		const struct metric *r = &m->v[i];

		if (*r->stratum || r->level != LEVEL_PARTNER || strcmp(r->partner, id) != 0)
			continue;
		if (metric_has_curve(r))
			curve_chart(fp, r, k, db, a);
		else
			progress_chart(fp, r, k, db, a);
	}
	fputs("</section>\n", fp);
}

/* Whom the page is for and what it hides, first thing on the page. */
static void audience_banner(FILE *fp, const struct audience *a,
			    const struct export_inputs *in)
{
	fputs("<p class=\"aud\" id=\"audience\"><strong>", fp);
	switch (a->kind) {
	case AUDIENCE_INTERNAL:
		fputs("Internal report, for the CCO only.</strong> Nothing is suppressed: "
		      "every count is shown, however small. Aggregate numbers only, no "
		      "member identifiers; do not share outside the CCO.", fp);
		break;
	case AUDIENCE_PARTNER:
		fputs("Report for partner ", fp);
		html_text(fp, a->partner);
		fputs(" ", fp);
		html_text(fp, inputs_partner_name(in, a->partner));
		fprintf(fp, "</strong> &ndash; its own numbers are shown whole; other partners' and "
			    "the CCO total's counts from 1 to %ld, and any count they could be "
			    "worked out from, are suppressed.", a->threshold);
		break;
	default:
		fprintf(fp, "Public report.</strong> Counts from 1 to %ld, and any count they "
			    "could be worked out from, are suppressed for every partner and "
			    "the CCO.", a->threshold);
	}
	fputs("</p>\n", fp);
}

void html_write(FILE *fp, const struct metrics *m, const struct export_inputs *in,
		const struct run_key *k, sqlite3 *db, const struct audience *a,
		const struct gap_files *g)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<title>CCO quality measures %d, as of %s</title>\n<style>%s",
		k->measurement_year, k->as_of, style);
	status_style(fp);
	fprintf(fp, "</style></head>\n<body>\n<h1>CCO quality measures, measurement year %d, "
		    "claims paid through %s</h1>\n", k->measurement_year, k->as_of);
	audience_banner(fp, a, in);
	legend(fp);
	html_overview(fp, m, in);
	html_contents(fp, m, in);
	for (int b = 0; b < m->nblocks; b++)
		if (!*m->v[m->block[b]].stratum)
			measure_section(fp, m, b, in);
	for (int p = 0; p < in->npartners; p++)
		partner_section(fp, m, in->partners[p].id, in, k, db, a, g);
	if (a->kind == AUDIENCE_INTERNAL)
		html_quality(fp, &in->quality);
	fputs("</body></html>\n", fp);
}
