/*
 * versions.c: originals, replacements and voids.
 *
 * A claim is (source, claim_id).  Rows of the same claim from several
 * extracts are restatements: only the latest extract's rows stand.  A
 * replacement or void links to the claim it adjusts through orig_claim_id;
 * linked claims form a family (union-find), and a claim that another
 * claim adjusts is superseded.  The family's final version is the
 * non-superseded claim with the latest extract, then adjudication date,
 * then frequency (void > replacement > original), then claim id.
 *
 * Before all that, the as-of cut: a claim as one extract sent it, paid
 * after the as-of date, did not exist on that date, so its rows are held
 * back and the version before it (if any) stays final.
 */
#include <stdlib.h>
#include <string.h>

#include "versions.h"
#include "xalloc.h"

struct vclaim {
	const char *source, *id, *orig, *adj;
	const char *seq;     /* extract sequence, fixed width */
	int freq;
	size_t first, nrows; /* its rows: order[first .. first + nrows) */
	size_t parent;       /* union-find */
	size_t next, tail;   /* family list from the root; tail on roots only */
	int superseded, dangling;
};


/* Column c of row r, or "" for a column the kind does not have. */
static const char *col(const struct group *g, size_t r, int c)
{
	return c < 0 ? "" : group_cols(g, r)[c];
}

struct rows_ctx {
	const struct group *g;
	const struct vcols *vc;
};

/* source, claim_id, extract descending, line number. */
static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
	const struct group *g = ((const struct rows_ctx *)ctx)->g;
	const struct vcols *vc = ((const struct rows_ctx *)ctx)->vc;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c;

	if ((c = strcmp(col(g, a, vc->source), col(g, b, vc->source))) ||
	    (c = strcmp(col(g, a, vc->claim_id), col(g, b, vc->claim_id))) ||
	    (c = strcmp(group_row(g, b)[1], group_row(g, a)[1])) ||
	    (c = norm_cmp_num(col(g, a, vc->line_no), col(g, b, vc->line_no))))
		return c;
	return (a > b) - (a < b);
}

int versions_freq(const char *code)
{
	if (code[0] && !code[1] && (code[0] == '7' || code[0] == '8'))
		return code[0] - '0';
	return 1;
}

static size_t find_root(struct vclaim *cl, size_t i)
{
	while (cl[i].parent != i) {
		cl[i].parent = cl[cl[i].parent].parent;
		i = cl[i].parent;
	}
	return i;
}

/* 1 if rows a and b are the same claim from the same extract. */
static int same_sending(const struct group *g, const struct vcols *vc,
			size_t a, size_t b)
{
	return !strcmp(col(g, a, vc->source), col(g, b, vc->source)) &&
	       !strcmp(col(g, a, vc->claim_id), col(g, b, vc->claim_id)) &&
	       !strcmp(group_row(g, a)[1], group_row(g, b)[1]);
}

/* The paid date of the sending order[from .. to): the first adjudicated
 * date by line, else the latest through (else from) date, with *undated
 * set. */
static const char *paid_date(const struct group *g, const struct vcols *vc,
			     const size_t *order, size_t from, size_t to,
			     int *undated)
{
	const char *last = "";

	for (size_t k = from; k < to; k++)
		if (*col(g, order[k], vc->adj))
			return col(g, order[k], vc->adj);
	*undated = 1;
	for (size_t k = from; k < to; k++) {
		const char *d = col(g, order[k], vc->thru);

		if (!*d)
			d = col(g, order[k], vc->from);
		if (strcmp(d, last) > 0)
			last = d;
	}
	return last;
}

/* Mark FATE_HELD the sendings (rows of a claim from one extract) paid
 * after as_of and drop them from order[0 .. n).  Returns the rows left. */
static size_t hold_back(const struct group *g, const struct vcols *vc,
			const char *as_of, size_t *order, size_t n,
			unsigned char *fate, struct counts *c)
{
	size_t kept = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		int undated = 0, held;

		while (j < n && same_sending(g, vc, order[i], order[j]))
			j++;
		held = strcmp(paid_date(g, vc, order, i, j, &undated), as_of) > 0;
		c->undated += undated ? j - i : 0;
		c->held_versions += (uint64_t)held;
		for (size_t k = i; k < j; k++) {
			if (held) {
				fate[order[k]] = FATE_HELD;
				c->held++;
			} else {
				order[kept++] = order[k];
			}
		}
		i = j;
	}
	return kept;
}

/* The claim (source, id), or -1: claims are sorted by source and id. */
static long find_claim(const struct vclaim *cl, size_t n, const char *source,
		       const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cl[mid].source, source);

		if (c == 0)
			c = strcmp(cl[mid].id, id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int freq_rank(int freq)
{
	return freq == 8 ? 2 : freq == 7 ? 1 : 0;
}

/* 1 if a should be final rather than b. */
static int ranks_above(const struct vclaim *a, const struct vclaim *b)
{
	int c;

	if (a->superseded != b->superseded)
		return b->superseded;
	if ((c = strcmp(a->seq, b->seq)) || (c = strcmp(a->adj, b->adj)))
		return c > 0;
	if (freq_rank(a->freq) != freq_rank(b->freq))
		return freq_rank(a->freq) > freq_rank(b->freq);
	return strcmp(a->id, b->id) > 0;
}

/* First non-empty value of column c among a claim's rows (by line). */
static const char *header(const struct group *g, const size_t *order,
			  const struct vclaim *v, int c)
{
	for (size_t k = 0; k < v->nrows; k++) {
		const char *s = col(g, order[v->first + k], c);

		if (*s)
			return s;
	}
	return "";
}

/* Build one vclaim per claim from the sorted rows; earlier extracts' rows
 * of a claim are marked replaced.  Returns the number of claims. */
static size_t build_claims(const struct group *g, const struct vcols *vc,
			   const size_t *order, size_t n, struct vclaim *cl,
			   unsigned char *fate, struct counts *c)
{
	size_t nc = 0;

	for (size_t i = 0; i < n;) {
		size_t r = order[i], j = i + 1;
		struct vclaim *v = &cl[nc];

		while (j < n && !strcmp(col(g, order[j], vc->source),
					col(g, r, vc->source)) &&
		       !strcmp(col(g, order[j], vc->claim_id),
			       col(g, r, vc->claim_id))) {
			if (strcmp(group_row(g, order[j])[1], group_row(g, r)[1]) != 0) {
				fate[order[j]] = FATE_REPLACED;
				c->replaced++;
			}
			j++;
		}
		memset(v, 0, sizeof(*v));
		v->source = col(g, r, vc->source);
		v->id = col(g, r, vc->claim_id);
		v->seq = group_row(g, r)[1];
		v->first = i;
		v->nrows = 1;
		while (i + v->nrows < j && fate[order[i + v->nrows]] != FATE_REPLACED)
			v->nrows++;
		v->freq = versions_freq(header(g, order, v, vc->freq));
		v->orig = header(g, order, v, vc->orig);
		v->adj = header(g, order, v, vc->adj);
		v->parent = nc++;
		i = j;
	}
	return nc;
}

static void link_claims(struct vclaim *cl, size_t nc)
{
	for (size_t i = 0; i < nc; i++) {
		long t;

		if (cl[i].freq == 1 || !*cl[i].orig || !strcmp(cl[i].orig, cl[i].id))
			continue;
		t = find_claim(cl, nc, cl[i].source, cl[i].orig);
		if (t < 0) {
			cl[i].dangling = 1;
			continue;
		}
		cl[t].superseded = 1;
		cl[find_root(cl, i)].parent = find_root(cl, (size_t)t);
	}
}

#define NONE ((size_t)-1)

/* Chain each family's claims into a list that starts at its root. */
static void chain_families(struct vclaim *cl, size_t nc)
{
	for (size_t i = 0; i < nc; i++) {
		cl[i].next = NONE;
		cl[i].tail = i;
	}
	for (size_t i = 0; i < nc; i++) {
		size_t r = find_root(cl, i);

		if (r != i) {
			cl[cl[r].tail].next = i;
			cl[r].tail = i;
		}
	}
}

/* Settle one family: the claims listed from root. */
static void settle(const size_t *order, struct vclaim *cl, size_t root,
		   unsigned char *fate, struct counts *c)
{
	long best = -1;
	int dangling = 0, original = 0;

	for (size_t i = root; i != NONE; i = cl[i].next) {
		dangling |= cl[i].dangling;
		original |= cl[i].freq == 1;
		if (best < 0 || ranks_above(&cl[i], &cl[best]))
			best = (long)i;
	}
	int voided = cl[best].freq == 8;

	if (dangling && !original) {
		if (voided)
			c->orphan_voids++;
		else
			c->orphan_replacements++;
	}
	for (size_t i = root; i != NONE; i = cl[i].next) {
		for (size_t k = 0; k < cl[i].nrows; k++) {
			size_t r = order[cl[i].first + k];

			if (voided) {
				fate[r] = FATE_VOIDED;
				c->voided++;
			} else if ((long)i != best) {
				fate[r] = FATE_REPLACED;
				c->replaced++;
			}
		}
	}
}

void versions_resolve(const struct group *g, const struct vcols *vc,
		      const char *as_of, unsigned char *fate, struct counts *c)
{
	size_t *order = xmalloc((g->n ? g->n : 1) * sizeof(*order)), n = 0, nc;
	struct rows_ctx ctx = { g, vc };
	struct vclaim *cl;

	for (size_t i = 0; i < g->n; i++) {
		if (fate[i] == FATE_DUP)
			continue;
		fate[i] = FATE_KEEP;
		order[n++] = i;
	}
	norm_sort(order, n, sizeof(*order), cmp_rows, &ctx);
	if (as_of)
		n = hold_back(g, vc, as_of, order, n, fate, c);
	cl = xmalloc((n ? n : 1) * sizeof(*cl));
	nc = build_claims(g, vc, order, n, cl, fate, c);
	link_claims(cl, nc);
	chain_families(cl, nc);
	for (size_t i = 0; i < nc; i++)
		if (cl[i].parent == i)
			settle(order, cl, i, fate, c);
	free(cl);
	free(order);
}
