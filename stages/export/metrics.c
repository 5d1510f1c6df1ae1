/*
 * metrics.c: the measure aggregates (one row per measure, sub-result,
 * stratum, partner and clinic, sorted by that key) as report rows: each
 * clinic, each partner (its clinics summed) and the CCO (partners summed).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "export.h"
#include "manifest.h"
#include "num.h"
#include "rec.h"
#include "recmerge.h"
#include "xalloc.h"

/* measure_aggregates columns; the key (measure to clinic) comes first */
#define AGG(col) MEASURE_AGGREGATES_##col
#define AGG_KEY AGG(denominator)

static const char *intern(struct metrics *m, const char *s)
{
	if (m->nstrings && strcmp(m->strings[m->nstrings - 1], s) == 0)
		return m->strings[m->nstrings - 1];
	xgrow(&m->strings, &m->strings_alloc, (size_t)m->nstrings + 1, sizeof(char *));
	m->strings[m->nstrings] = xstrdup(s);
	return m->strings[m->nstrings++];
}

static struct metric *push(struct metrics *m, enum metric_level level, int parent)
{
	struct metric *r;

	xgrow(&m->v, &m->alloc, (size_t)m->n + 1, sizeof(*m->v));
	r = &m->v[m->n++];
	memset(r, 0, sizeof(*r));
	r->level = level;
	r->parent = parent;
	r->clinic = "";
	return r;
}

static void start_block(struct metrics *m)
{
	xgrow(&m->block, &m->block_alloc, (size_t)m->nblocks + 2, sizeof(int));
	m->block[m->nblocks++] = m->n;
	m->block[m->nblocks] = m->n;
}



/* The three counts of aggregate row f into c, checked.  0 or -1. */
static int row_counts(char **f, long long *c)
{
	static const int count_col[3] = { AGG(denominator), AGG(exclusions),
					  AGG(numerator) };

	for (int i = 0; i < 3; i++)
		if (num_parse(f[count_col[i]], 0, LLONG_MAX, &c[i]) < 0)
			return err_set("a count must be a whole number, not '%s'",
				       f[count_col[i]]);
	if (c[1] > c[0] || c[2] > c[0] - c[1])
		return err_set("counts do not add up (numerator over denominator less exclusions)");
	return 0;
}

/* Add one aggregate row f (measure, sub, stratum, partner, clinic, counts). */
static int add_row(struct metrics *m, char **f, const struct measure_set *ms,
		   int *all, int *partner)
{
	long long c[3];
	struct metric *r;
	int new_block = *all < 0 ||
			strcmp(m->v[*all].measure_id, f[AGG(measure_id)]) != 0 ||
			strcmp(m->v[*all].sub, f[AGG(submeasure)]) != 0 ||
			strcmp(m->v[*all].stratum, f[AGG(stratum)]) != 0;

	if (row_counts(f, c) < 0)
		return -1;
	if (new_block) {
		const struct measure *me = mdef_find(ms, f[AGG(measure_id)]);

		if (!me)
			return err_set("measure '%s' has no definition in paths.measures",
				       f[AGG(measure_id)]);
		start_block(m);
		*all = m->n;
		r = push(m, LEVEL_ALL, -1);
		r->m = me;
		r->measure_id = intern(m, f[AGG(measure_id)]);
		r->sub = intern(m, f[AGG(submeasure)]);
		r->stratum = intern(m, f[AGG(stratum)]);
		r->partner = EXPORT_ALL;
		*partner = -1;
	}
	if (*partner < 0 || strcmp(m->v[*partner].partner, f[AGG(partner_id)]) != 0) {
		*partner = m->n;
		r = push(m, LEVEL_PARTNER, *all);
		*r = m->v[*all];
		r->level = LEVEL_PARTNER;
		r->parent = *all;
		r->partner = intern(m, f[AGG(partner_id)]);
		memset(r->cnt, 0, sizeof(r->cnt));
	}
	r = push(m, LEVEL_CLINIC, *partner);
	*r = m->v[*partner];
	r->level = LEVEL_CLINIC;
	r->parent = *partner;
	r->clinic = intern(m, f[AGG(clinic_id)]);
	memset(r->cnt, 0, sizeof(r->cnt));
	for (int i = 0; i < 3; i++) {
		r->cnt[i] = c[i];
		m->v[*partner].cnt[i] += c[i];
		m->v[*all].cnt[i] += c[i];
	}
	m->block[m->nblocks] = m->n;
	return 0;
}

/* The key of f (its first AGG_KEY fields) compared with the previous
 * row's, for order. */
static int key_order(char **prev, char **f)
{
	for (int i = 0; i < AGG_KEY; i++) {
		int c = strcmp(prev[i], f[i]);

		if (c)
			return c;
	}
	return 0;
}

/* Add the counts of f, a row of the key of the last row read (from another
 * shard), to that row and its partner's and ALL rows. */
static int sum_row(struct metrics *m, char **f, int all, int partner)
{
	long long c[3];

	if (row_counts(f, c) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		m->v[m->n - 1].cnt[i] += c[i];
		m->v[partner].cnt[i] += c[i];
		m->v[all].cnt[i] += c[i];
	}
	return 0;
}

/* The merged files' rows, each key once, their counts summed; a key twice
 * in one file is out of order. */
static int load_rows(struct metrics *m, struct rec_merge *r, const struct measure_set *ms)
{
	struct rec_row row;
	char *prev[AGG_KEY] = { NULL };
	int rc, all = -1, partner = -1, prev_file = -1;

	while ((rc = rec_merge_next(r, &row)) > 0) {
		int order = prev[0] ? key_order(prev, row.field) : -1;

		if (order > 0 || (order == 0 && rec_merge_source(r) == prev_file))
			rc = err_set("rows out of key order");
		else if (order == 0)
			rc = sum_row(m, row.field, all, partner);
		else
			rc = add_row(m, row.field, ms, &all, &partner);
		for (int i = 0; i < AGG_KEY; i++) {
			free(prev[i]);
			prev[i] = xstrdup(row.field[i]);
		}
		prev_file = rec_merge_source(r);
		if (rc < 0) {
			err_set("%s:%ld: %s", rec_merge_path(r), rec_merge_line(r), err_msg());
			break;
		}
	}
	for (int i = 0; i < AGG_KEY; i++)
		free(prev[i]);
	return rc;
}

int metrics_load(struct metrics *m, char *const *paths, int n, const struct measure_set *ms)
{
	_Static_assert(AGG_KEY == 5, "the key is the five columns named here");
	static const char *const key[AGG_KEY] = { "measure_id", "submeasure", "stratum",
						  "partner_id", "clinic_id" };
	struct rec_merge *r = rec_merge_open(paths, n, rec_schema_find("measure_aggregates"),
					     key, AGG_KEY, 1);
	int rc;

	memset(m, 0, sizeof(*m));
	if (!r)
		return -1;
	rc = load_rows(m, r, ms);
	rec_merge_close(r);
	for (int i = 0; i < m->n; i++)
		m->v[i].cnt[CNT_OPEN] = m->v[i].cnt[CNT_DEN] - m->v[i].cnt[CNT_EXC] -
					m->v[i].cnt[CNT_NUM];
	return rc < 0 ? -1 : 0;
}

void metrics_release(struct metrics *m)
{
	for (int i = 0; i < m->nstrings; i++)
		free(m->strings[i]);
	free(m->strings);
	free(m->v);
	free(m->block);
	memset(m, 0, sizeof(*m));
}

int metric_is_proportion(const struct metric *r)
{
	return r->m->kind == MEASURE_PROPORTION;
}
