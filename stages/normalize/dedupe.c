/*
 * dedupe.c: exact duplicates within one key's rows, and small comparison
 * helpers.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "xalloc.h"

struct dd_ctx {
	const struct group *g;
	int skip;
};


/* Compare all schema columns but the skipped one. */
static int same_content(const struct group *g, size_t a, size_t b, int skip)
{
	char **x = group_cols(g, a), **y = group_cols(g, b);
	int nc = g->nf - ROW_PRE;

	for (int i = 0; i < nc; i++) {
		int c;

		if (i == skip)
			continue;
		if ((c = strcmp(x[i], y[i])) != 0)
			return c;
	}
	return 0;
}

/* Content order, then the latest extract first. */
static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
	const struct dd_ctx *dd = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = same_content(dd->g, a, b, dd->skip);

	if (c)
		return c;
	c = strcmp(group_row(dd->g, b)[1], group_row(dd->g, a)[1]);
	if (c)
		return c;
	return (a > b) - (a < b);
}

/* Rows most often arrive in content order already (byte order, one
 * extract): then a copy is the row just before it, and one pass marks
 * them.  Returns the number marked, or -1 (as size_t) if the rows are out
 * of that order. */
static size_t dedupe_in_order(const struct group *g, int skip_col, unsigned char *dup)
{
	size_t marked = 0;

	for (size_t i = 1; i < g->n; i++) {
		int c = same_content(g, i - 1, i, skip_col);

		if (c > 0 || (c == 0 && strcmp(group_row(g, i)[1], group_row(g, i - 1)[1]) > 0))
			return (size_t)-1;
		dup[i] = c == 0;
		marked += dup[i];
	}
	return marked;
}

size_t norm_dedupe(const struct group *g, int skip_col, unsigned char *dup)
{
	size_t *idx, marked;
	struct dd_ctx dd = { g, skip_col };

	if (g->n == 0)
		return 0;
	dup[0] = 0;
	if ((marked = dedupe_in_order(g, skip_col, dup)) != (size_t)-1)
		return marked;
	idx = xmalloc(g->n * sizeof(*idx));
	for (size_t i = 0; i < g->n; i++) {
		idx[i] = i;
		dup[i] = 0;
	}
	qsort_r(idx, g->n, sizeof(*idx), cmp_rows, &dd);
	marked = 0;
	for (size_t i = 1; i < g->n; i++) {
		if (same_content(g, idx[i - 1], idx[i], skip_col) == 0) {
			dup[idx[i]] = 1;
			marked++;
		}
	}
	free(idx);
	return marked;
}

void norm_sort(void *base, size_t n, size_t size,
	       int (*cmp)(const void *, const void *, void *), void *ctx)
{
	const char *p = base;

	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size, ctx) > 0) {
			qsort_r(base, n, size, cmp, ctx);
			return;
		}
}

int norm_cmp_num(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	/* Whole numbers without leading zeros compare by length first. */
	while (la > 1 && *a == '0')
		a++, la--;
	while (lb > 1 && *b == '0')
		b++, lb--;
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}
