#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "mdef.h"
#include "names.h"
#include "rec.h"
#include "xalloc.h"

struct cell {
	struct agg_key key;
	long long denominator, exclusions, numerator;
};

struct agg {
	struct cell *cells;  /* open addressing; key.measure < 0 means empty */
	size_t cap, used;
	struct names partners, clinics;
};

int agg_partner(struct agg *a, const char *id) { return names_intern(&a->partners, id); }
int agg_clinic(struct agg *a, const char *id) { return names_intern(&a->clinics, id); }

static struct cell *table_new(size_t cap)
{
	struct cell *c = xmalloc(cap * sizeof(*c));

	for (size_t i = 0; i < cap; i++)
		c[i].key.measure = -1;
	return c;
}

struct agg *agg_new(void)
{
	struct agg *a = xcalloc(1, sizeof(*a));

	a->cap = 1024;
	a->cells = table_new(a->cap);
	return a;
}

static size_t slot(const struct agg *a, const struct agg_key *k)
{
	size_t h = (size_t)k->measure * 0x9E3779B97F4A7C15ULL;

	h = (h ^ (size_t)(k->sub + 1)) * 0x9E3779B97F4A7C15ULL;
	h = (h ^ (size_t)(k->stratum + 2)) * 0x9E3779B97F4A7C15ULL;
	h = (h ^ (size_t)k->partner) * 0x9E3779B97F4A7C15ULL;
	h = (h ^ (size_t)k->clinic) * 0x9E3779B97F4A7C15ULL;
	return (h >> 17) & (a->cap - 1);
}

static struct cell *find(struct agg *a, const struct agg_key *k)
{
	size_t i = slot(a, k);

	while (a->cells[i].key.measure >= 0 && memcmp(&a->cells[i].key, k, sizeof(*k)) != 0)
		i = (i + 1) & (a->cap - 1);
	return &a->cells[i];
}

static void grow(struct agg *a)
{
	struct cell *old = a->cells;
	size_t old_cap = a->cap;

	a->cap *= 2;
	a->cells = table_new(a->cap);
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key.measure >= 0)
			*find(a, &old[i].key) = old[i];
	free(old);
}

void agg_add(struct agg *a, const struct agg_key *k, long long denominator,
	     long long exclusions, long long numerator)
{
	struct cell *c;

	if (2 * (a->used + 1) > a->cap)
		grow(a);
	c = find(a, k);
	if (c->key.measure < 0) {
		memset(c, 0, sizeof(*c));
		c->key = *k;
		a->used++;
	}
	c->denominator += denominator;
	c->exclusions += exclusions;
	c->numerator += numerator;
}

/* Sorting needs the names: a file-scope pointer, set only by agg_write. */
static const struct agg *sorting;
static const struct measure_set *sorting_ms;

static const char *sub_name(const struct measure *m, int sub)
{
	return m->num[sub].name;
}

static const char *stratum_name(const struct measure *m, int s)
{
	return s < 0 ? "" : m->strata[s].name;
}

static int by_names(const void *pa, const void *pb)
{
	const struct agg_key *x = &((const struct cell *)pa)->key;
	const struct agg_key *y = &((const struct cell *)pb)->key;
	const struct measure *mx = &sorting_ms->m[x->measure], *my = &sorting_ms->m[y->measure];
	int c;

	if ((c = strcmp(mx->id, my->id)) || (c = strcmp(sub_name(mx, x->sub), sub_name(my, y->sub))) ||
	    (c = strcmp(stratum_name(mx, x->stratum), stratum_name(my, y->stratum))) ||
	    (c = strcmp(sorting->partners.v[x->partner], sorting->partners.v[y->partner])))
		return c;
	return strcmp(sorting->clinics.v[x->clinic], sorting->clinics.v[y->clinic]);
}

void agg_write(struct agg *a, struct rec_writer *w, const struct measure_set *ms)
{
	struct cell *rows = xmalloc((a->used + 1) * sizeof(*rows));
	size_t n = 0;

	for (size_t i = 0; i < a->cap; i++)
		if (a->cells[i].key.measure >= 0)
			rows[n++] = a->cells[i];
	sorting = a;
	sorting_ms = ms;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), by_names);
	for (size_t i = 0; i < n; i++) {
		const struct measure *m = &ms->m[rows[i].key.measure];

		rec_put_str(w, MEASURE_AGGREGATES_measure_id, m->id);
		rec_put_str(w, MEASURE_AGGREGATES_submeasure, sub_name(m, rows[i].key.sub));
		rec_put_str(w, MEASURE_AGGREGATES_stratum, stratum_name(m, rows[i].key.stratum));
		rec_put_str(w, MEASURE_AGGREGATES_partner_id, a->partners.v[rows[i].key.partner]);
		rec_put_str(w, MEASURE_AGGREGATES_clinic_id, a->clinics.v[rows[i].key.clinic]);
		rec_put_int(w, MEASURE_AGGREGATES_denominator, rows[i].denominator);
		rec_put_int(w, MEASURE_AGGREGATES_exclusions, rows[i].exclusions);
		rec_put_int(w, MEASURE_AGGREGATES_numerator, rows[i].numerator);
		rec_end(w);
	}
	free(rows);
}

void agg_free(struct agg *a)
{
	if (!a)
		return;
	names_release(&a->partners);
	names_release(&a->clinics);
	free(a->cells);
	free(a);
}
