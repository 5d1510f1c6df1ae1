/*
 * monthly.c: the year as it unfolds.  For month M of the measurement
 * year, a partner's numerator to date is the count of its members (or
 * episodes) in the numerator whose evidence date is on or before the end
 * of M and on or before the as-of date; over the run's denominator after
 * exclusions, that is the year-to-date rate.  Evidence from before the
 * measurement year counts from January; evidence after its end counts in
 * no month.  Only measures whose rate is a proportion where higher is
 * better have a curve (measure_has_curve()), and of those only the
 * sub-results whose every numerator has an evidence date (the measure
 * stage records none for some, such as a combination of sub-results).
 *
 * The counts live in the report rows (struct metric month_num), so the
 * table is as large as the rows, whatever the number of members; they are
 * taken in the one pass gaps.c makes over the results file.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "err.h"
#include "export.h"
#include "rec.h"
#include "xalloc.h"

/* The results columns a monthly count needs. */
enum { T_MEASURE, T_SUB, T_PARTNER, T_EXCLUDED, T_NUMERATOR, T_EVIDENCE_DATE, T_NCOLS };
_Static_assert(T_NCOLS == sizeof(((struct monthly *)0)->col) / sizeof(int),
	       "struct monthly has a place for each column");
static const char *const tally_col[T_NCOLS] = {
	"measure_id", "submeasure", "partner_id", "excluded", "numerator", "evidence_date"
};

int measure_has_curve(const struct measure *m)
{
	return m->kind == MEASURE_PROPORTION && m->higher_is_better;
}

int metric_has_curve(const struct metric *r)
{
	return r->has_curve;
}

int monthly_months(const struct run_key *k)
{
	int days, y, m, d;

	if (date_parse_iso(k->as_of, strlen(k->as_of), &days) < 0)
		return 0;
	date_to_ymd(days, &y, &m, &d);
	if (y < k->measurement_year)
		return 0;
	return y > k->measurement_year ? MONTHS : m;
}

/* Order of the key (measure, sub, partner) of rows a and b. */
static int key_cmp(const struct metric *a, const struct metric *b)
{
	int c = strcmp(a->measure_id, b->measure_id);

	if (!c)
		c = strcmp(a->sub, b->sub);
	return c ? c : strcmp(a->partner, b->partner);
}

void monthly_init(struct monthly *t, struct metrics *m, const struct measure_set *ms,
		  const struct run_key *k)
{
	memset(t, 0, sizeof(*t));
	t->mx = m;
	t->ms = ms;
	t->year = k->measurement_year;
	t->as_of = k->as_of;
	t->row = xcalloc((size_t)m->n + 1, sizeof(*t->row));
	/* the partner rows of all members, already in key order (metrics.c) */
	for (int i = 0; i < m->n; i++)
		if (m->v[i].level == LEVEL_PARTNER && !*m->v[i].stratum &&
		    measure_has_curve(m->v[i].m))
			t->row[t->nrows++] = i;
}

void monthly_release(struct monthly *t)
{
	free(t->row);
	memset(t, 0, sizeof(*t));
}

int monthly_columns(struct monthly *t, const struct rec_schema *s)
{
	for (int i = 0; i < T_NCOLS; i++)
		if ((t->col[i] = rec_schema_col(s, tally_col[i])) < 0)
			return err_set("no column '%s'", tally_col[i]);
	return 0;
}

/* The row of key (measure, sub, partner), or NULL; a curve measure's
 * numerator row always has one when the files agree. */
static struct metric *find_row(struct monthly *t, const char *measure, const char *sub,
			       const char *partner)
{
	struct metric key = { .measure_id = measure, .sub = sub, .partner = partner };
	int lo = 0, hi = t->nrows;

	if (t->last && key_cmp(t->last, &key) == 0)
		return t->last;
	while (lo < hi) {
		int mid = (lo + hi) / 2, c = key_cmp(&t->mx->v[t->row[mid]], &key);

		if (c == 0)
			return t->last = &t->mx->v[t->row[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The month (0 for January) whose numerator to date first holds evidence
 * of date d into *month, -1 for none (no date, after the year or after
 * the as-of date).  Returns 0, or -1 with err_msg() set for a damaged date. */
static int evidence_month(const struct monthly *t, const char *d, int *month)
{
	int days, y, m, dd;

	*month = -1;
	if (!*d)
		return 0;
	if (date_parse_iso(d, strlen(d), &days) < 0)
		return err_set("evidence_date is not a date: '%s'", d);
	if (strcmp(d, t->as_of) > 0)
		return 0;
	date_to_ymd(days, &y, &m, &dd);
	if (y <= t->year)
		*month = y < t->year ? 0 : m - 1;
	return 0;
}

/* 1 if measure id has a definition whose rate has a curve. */
static int id_has_curve(const struct monthly *t, const char *id)
{
	for (int i = 0; i < t->ms->n; i++)
		if (strcmp(t->ms->m[i].id, id) == 0)
			return measure_has_curve(&t->ms->m[i]);
	return 0;
}

int monthly_add(struct monthly *t, char **f)
{
	struct metric *r;
	int month;

	/* one row per member (or episode) and sub-result, whatever its stratum */
	if (strcmp(f[t->col[T_EXCLUDED]], "0") != 0 || strcmp(f[t->col[T_NUMERATOR]], "0") == 0)
		return 0;
	if (!id_has_curve(t, f[t->col[T_MEASURE]]))
		return 0;
	r = find_row(t, f[t->col[T_MEASURE]], f[t->col[T_SUB]], f[t->col[T_PARTNER]]);
	if (!r)
		return err_set("a numerator of measure '%s' for partner '%s' is not in the "
			       "aggregates", f[t->col[T_MEASURE]], f[t->col[T_PARTNER]]);
	if (evidence_month(t, f[t->col[T_EVIDENCE_DATE]], &month) < 0)
		return -1;
	if (month >= 0) {
		r->month_num[month]++;
		t->mx->v[r->parent].month_num[month]++;
	}
	if (!*f[t->col[T_EVIDENCE_DATE]])
		t->mx->v[r->parent].undated++;
	return 0;
}

void monthly_finish(struct monthly *t)
{
	for (int i = 0; i < t->nrows; i++) {
		struct metric *r = &t->mx->v[t->row[i]], *all = &t->mx->v[r->parent];

		all->has_curve = r->has_curve = all->undated == 0;
	}
}

long long monthly_numerator(const struct metric *r, int month)
{
	long long n = 0;

	for (int i = 0; i < month && i < MONTHS; i++)
		n += r->month_num[i];
	return n;
}

long long monthly_rate(const struct metric *r, int month, int *has)
{
	*has = r->cnt[CNT_DEN] - r->cnt[CNT_EXC] > 0;
	return *has ? goals_rate(r, monthly_numerator(r, month)) : 0;
}
