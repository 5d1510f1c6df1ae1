/*
 * suppress.c: the CMS cell-size policy.  A count from 1 to the threshold
 * is hidden (primary suppression), and then enough other cells that no
 * hidden count can be worked out by subtraction (complementary
 * suppression).  Two relations give counts away:
 *
 *   in a row:      denominator = exclusions + numerator + open
 *   in a column:   a row's count = the sum of its children's
 *                  (CCO = its partners, a partner = its clinics)
 *
 * so, until nothing changes: a row with exactly one hidden count hides
 * its smallest other non-zero count; a group of children with exactly one
 * hidden cell in a column hides the next smallest, or the parent's cell
 * when no child can be hidden; a hidden parent cell needs at least one
 * hidden child.  Cells are only ever added, so this ends.
 *
 * A partner's own packet shows that partner's rows (and its clinics')
 * whole: the reader knows those cells, so they are never hidden and count
 * as shown when the others are protected.
 */
#include <string.h>

#include "export.h"

static int ncells(const struct metric *r)
{
	/* for a rate the "open" count (member months less events) means
	 * nothing and is never shown */
	return metric_is_proportion(r) ? NCNT : CNT_OPEN;
}

static int nhidden(unsigned mask)
{
	return __builtin_popcount(mask);
}

/* 1 if row r belongs to the partner whose packet this is (exempt: NULL
 * for none). */
static int is_exempt(const struct metric *r, const char *exempt)
{
	return exempt && r->level != LEVEL_ALL && strcmp(r->partner, exempt) == 0;
}

/* Hide the smallest non-zero shown count of row r (not `except`). */
static int hide_smallest_in_row(struct metric *r, int except)
{
	int best = -1;

	for (int c = 0; c < ncells(r); c++)
		if (c != except && !(r->supp & (1u << c)) && r->cnt[c] > 0 &&
		    (best < 0 || r->cnt[c] < r->cnt[best]))
			best = c;
	if (best < 0)
		return 0;
	r->supp |= 1u << best;
	return 1;
}

static int row_rule(struct metric *r)
{
	unsigned mask = r->supp & ((1u << ncells(r)) - 1);

	if (nhidden(mask) != 1)
		return 0;
	return hide_smallest_in_row(r, __builtin_ctz(mask));
}

/* The column rule for the children of row p (indexes lo..hi-1 of v);
 * rows of the exempt partner are never picked. */
static int group_rule(struct metric *v, int p, int lo, int hi, int c, const char *exempt)
{
	int hidden = 0, best = -1;

	for (int i = lo; i < hi; i++) {
		if (v[i].parent != p)
			continue;
		if (v[i].supp & (1u << c))
			hidden++;
		else if (v[i].cnt[c] > 0 && !is_exempt(&v[i], exempt) &&
			 (best < 0 || v[i].cnt[c] < v[best].cnt[c]))
			best = i;
	}
	if (v[p].supp & (1u << c) ? hidden >= 1 : hidden != 1)
		return 0;
	if (best >= 0) {
		v[best].supp |= 1u << c;
		return 1;
	}
	if (!(v[p].supp & (1u << c)) && v[p].cnt[c] > 0 && !is_exempt(&v[p], exempt)) {
		v[p].supp |= 1u << c;
		return 1;
	}
	return 0;
}

static void suppress_block(struct metric *v, int lo, int hi, long threshold,
			   const char *exempt)
{
	int changed = 1;

	for (int i = lo; i < hi; i++) {
		v[i].supp = 0;
		for (int c = 0; c < ncells(&v[i]) && !is_exempt(&v[i], exempt); c++)
			if (v[i].cnt[c] >= 1 && v[i].cnt[c] <= threshold)
				v[i].supp |= 1u << c;
	}
	while (changed) {
		changed = 0;
		for (int i = lo; i < hi; i++)
			changed |= row_rule(&v[i]);
		for (int p = lo; p < hi; p++) {
			if (v[p].level == LEVEL_CLINIC)
				continue;
			for (int c = 0; c < ncells(&v[p]); c++)
				changed |= group_rule(v, p, p + 1, hi, c, exempt);
		}
	}
}

void suppress_apply(struct metrics *m, long threshold, const char *exempt)
{
	for (int b = 0; b < m->nblocks; b++)
		suppress_block(m->v, m->block[b], m->block[b + 1], threshold, exempt);
}

int suppress_row(const struct metric *r)
{
	return r->supp != 0;
}
