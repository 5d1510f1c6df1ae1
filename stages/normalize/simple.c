/*
 * simple.c: latest-row-wins and deduplicated kinds.
 */
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "simple.h"
#include "xalloc.h"

int simple_latest(struct norm *n, struct group *g, struct counts *c, void *arg)
{
	unsigned char *dup = xmalloc(g->n);
	size_t ndup = norm_dedupe(g, -1, dup);

	(void)n;
	/* Rows arrive in byte order of "KEY<TAB>SEQ<TAB>...": the last one
	 * has the latest extract (and, within it, the greatest content).
	 * Identical copies count as duplicates, the other rows as replaced. */
	rec_put_row(arg, (const char *const *)group_cols(g, g->n - 1),
		    group_lens(g, g->n - 1), g->nf - ROW_PRE);
	c->final++;
	c->duplicates += ndup;
	c->replaced += g->n - 1 - ndup;
	free(dup);
	return 0;
}

struct dated_ctx {
	const struct group *g;
	int date_col;
};

static int cmp_dated(const void *pa, const void *pb, void *ctx)
{
	const struct dated_ctx *d = ctx;
	char **a = group_cols(d->g, *(const size_t *)pa);
	char **b = group_cols(d->g, *(const size_t *)pb);
	int c = strcmp(a[d->date_col], b[d->date_col]);

	for (int i = 0; !c && i < d->g->nf - ROW_PRE; i++)
		c = strcmp(a[i], b[i]);
	return c;
}

int simple_dedupe(struct norm *n, struct group *g, struct counts *c, void *arg)
{
	struct dedupe_out *o = arg;
	unsigned char *dup = xmalloc(g->n);
	size_t *idx = xmalloc(g->n * sizeof(*idx)), k = 0;

	c->duplicates += norm_dedupe(g, o->skip_col, dup);
	for (size_t i = 0; i < g->n; i++) {
		if (dup[i])
			continue;
		if (o->as_of_cut && strcmp(group_cols(g, i)[o->date_col], n->as_of) > 0)
			c->held++;
		else
			idx[k++] = i;
	}
	struct dated_ctx d = { g, o->date_col };

	norm_sort(idx, k, sizeof(*idx), cmp_dated, &d);
	for (size_t i = 0; i < k; i++)
		rec_put_row(o->w, (const char *const *)group_cols(g, idx[i]),
			    group_lens(g, idx[i]), g->nf - ROW_PRE);
	c->final += k;
	free(dup);
	free(idx);
	return 0;
}
