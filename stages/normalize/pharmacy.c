/*
 * pharmacy.c: pharmacy claims resolved like medical claims (one line per
 * claim; one without an adjudication date counts as paid on its fill
 * date, as a point-of-sale claim is), IN(ndc) as 11 digits.
 */
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "codes.h"
#include "rec.h"
#include "versions.h"
#include "xalloc.h"

/* the columns of the pharmacy_claims rows read and of the pharmacy rows written */
#define IN(col) PHARMACY_CLAIMS_##col
#define OUT(col) PHARMACY_##col


void pharmacy_prep(char **f, size_t *len, struct scratch *s)
{
	if (len[IN(ndc)] < CODE_MAX) {
		memcpy(s->buf[0], f[IN(ndc)], len[IN(ndc)] + 1);
		if (code_ndc11(s->buf[0])) {
			f[IN(ndc)] = s->buf[0];
			len[IN(ndc)] = 11;
		}
	}
}

/* fill date, source, claim id, then the row's place in the group */
static int cmp_fill(const void *pa, const void *pb, void *group)
{
	size_t ra = *(const size_t *)pa, rb = *(const size_t *)pb;
	char **a = group_cols(group, ra), **b = group_cols(group, rb);
	int c;

	if ((c = strcmp(a[IN(fill_date)], b[IN(fill_date)])) ||
	    (c = strcmp(a[IN(source)], b[IN(source)])) ||
	    (c = strcmp(a[IN(claim_id)], b[IN(claim_id)])))
		return c;
	return (ra > rb) - (ra < rb); /* group order: byte order of the rows */
}

/* Where each column of the pharmacy output comes from: a column of the
 * pharmacy_claims row, or (DENIED) what its status says. */
#define DENIED (-1)
static const signed char out_cols[OUT(NCOLS)] = {
	[OUT(member_id)] = IN(member_id), [OUT(fill_date)] = IN(fill_date),
	[OUT(source)] = IN(source), [OUT(claim_id)] = IN(claim_id),
	[OUT(extract)] = IN(extract), [OUT(freq_code)] = IN(freq_code),
	[OUT(orig_claim_id)] = IN(orig_claim_id), [OUT(status)] = IN(status),
	[OUT(denied)] = DENIED, [OUT(ndc)] = IN(ndc),
	[OUT(days_supply)] = IN(days_supply), [OUT(quantity)] = IN(quantity),
	[OUT(prescriber_npi)] = IN(prescriber_npi),
};

static void write_row(struct rec_writer *w, char **f, const size_t *len)
{
	for (int k = 0; k < OUT(NCOLS); k++) {
		int col = out_cols[k];

		if (col == DENIED)
			rec_put_int(w, k, claims_denied(f[IN(status)]));
		else
			rec_put(w, k, f[col], len[col]);
	}
	rec_end(w);
}

int pharmacy_group(struct norm *n, struct group *g, struct counts *c, void *arg)
{
	static const struct vcols vc = {
		IN(source), IN(claim_id), -1, IN(freq_code), IN(orig_claim_id),
		IN(adjudicated_date), IN(fill_date), -1
	};
	unsigned char *fate = xmalloc(g->n);
	size_t *kept = xmalloc(g->n * sizeof(*kept)), nk = 0;

	c->duplicates += norm_dedupe(g, IN(extract), fate);
	for (size_t i = 0; i < g->n; i++)
		fate[i] = fate[i] ? FATE_DUP : FATE_KEEP;
	versions_resolve(g, &vc, n->as_of, fate, c);
	for (size_t i = 0; i < g->n; i++)
		if (fate[i] == FATE_KEEP)
			kept[nk++] = i;
	norm_sort(kept, nk, sizeof(*kept), cmp_fill, g);
	for (size_t i = 0; i < nk; i++) {
		write_row(arg, group_cols(g, kept[i]), group_lens(g, kept[i]));
		c->denied += (uint64_t)claims_denied(group_cols(g, kept[i])[IN(status)]);
	}
	c->final += nk;
	free(fate);
	free(kept);
	return 0;
}
