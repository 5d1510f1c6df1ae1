/*
 * pharmacy.c: pharmacy claims resolved like medical claims (one line per
 * claim; one without an adjudication date counts as paid on its fill
 * date, as a point-of-sale claim is), NDC as 11 digits.
 */
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "codes.h"
#include "rec.h"
#include "versions.h"
#include "xalloc.h"

/* pharmacy_claims schema columns */
enum { SOURCE, EXTRACT, MEMBER, CLAIM_ID, FREQ, ORIG, STATUS, ADJ, FILL_DATE,
       NDC, DAYS, QTY, PRESCRIBER, NCOLS };


void pharmacy_prep(char **f, size_t *len, struct scratch *s)
{
	if (len[NDC] < CODE_MAX) {
		memcpy(s->buf[0], f[NDC], len[NDC] + 1);
		if (code_ndc11(s->buf[0])) {
			f[NDC] = s->buf[0];
			len[NDC] = 11;
		}
	}
}

/* fill date, source, claim id, then the row's place in the group */
static int cmp_fill(const void *pa, const void *pb, void *group)
{
	size_t ra = *(const size_t *)pa, rb = *(const size_t *)pb;
	char **a = group_cols(group, ra), **b = group_cols(group, rb);
	int c;

	if ((c = strcmp(a[FILL_DATE], b[FILL_DATE])) ||
	    (c = strcmp(a[SOURCE], b[SOURCE])) || (c = strcmp(a[CLAIM_ID], b[CLAIM_ID])))
		return c;
	return (ra > rb) - (ra < rb); /* group order: byte order of the rows */
}

static void write_row(struct rec_writer *w, char **f, const size_t *len)
{
	static const int cols[] = { MEMBER, FILL_DATE, SOURCE, CLAIM_ID, EXTRACT,
				    FREQ, ORIG, STATUS, -1, NDC, DAYS, QTY,
				    PRESCRIBER };

	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
		if (cols[k] < 0)
			rec_put_int(w, claims_denied(f[STATUS]));
		else
			rec_put(w, f[cols[k]], len[cols[k]]);
	}
	rec_end(w);
}

int pharmacy_group(struct norm *n, struct group *g, struct counts *c, void *arg)
{
	static const struct vcols vc = { SOURCE, CLAIM_ID, -1, FREQ, ORIG, ADJ,
					 FILL_DATE, -1 };
	unsigned char *fate = xmalloc(g->n);
	size_t *kept = xmalloc(g->n * sizeof(*kept)), nk = 0;

	c->duplicates += norm_dedupe(g, EXTRACT, fate);
	for (size_t i = 0; i < g->n; i++)
		fate[i] = fate[i] ? FATE_DUP : FATE_KEEP;
	versions_resolve(g, &vc, n->as_of, fate, c);
	for (size_t i = 0; i < g->n; i++)
		if (fate[i] == FATE_KEEP)
			kept[nk++] = i;
	norm_sort(kept, nk, sizeof(*kept), cmp_fill, g);
	for (size_t i = 0; i < nk; i++) {
		write_row(arg, group_cols(g, kept[i]), group_lens(g, kept[i]));
		c->denied += (uint64_t)claims_denied(group_cols(g, kept[i])[STATUS]);
	}
	c->final += nk;
	free(fate);
	free(kept);
	return 0;
}
