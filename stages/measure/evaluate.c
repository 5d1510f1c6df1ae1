/*
 * evaluate.c: the measure rules applied to one member.  For each measure:
 * the named dates; the denominator (every criterion must hold; the first
 * that fails is the reason, counted); the partner by the measure's rule
 * and the clinic by attribution; the exclusions (the first that holds
 * excludes); then each numerator sub-result, never met by an excluded
 * member, with the evidence that met it or what is missing and by when.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "evaluate.h"
#include "rec.h"
#include "xalloc.h"

/* One index event of an episode measure. */
struct episode {
	int date;              /* the index date (a stay's discharge) */
	int admit;             /* a stay's admission; the date otherwise */
	const uint64_t *bits;  /* principal diagnosis's value sets, or NULL */
};

static void fill_ctx(const struct eval_run *e, const struct measure *me,
		     const struct mmember *m, struct mx_ctx *c, const struct episode *ep)
{
	memset(c, 0, sizeof(*c));
	c->my_start = e->my_start;
	c->my_end = e->my_end;
	c->as_of = e->as_of;
	c->count_denied = me->count_denied;
	c->birth = m->birth;
	c->death = m->death;
	c->sex = m->sex;
	c->spans = m->spans;
	c->nspans = m->nspans;
	c->hits = m->hits;
	c->index = c->index_end = ep ? ep->date : DATE_NONE;
	c->index_bits = ep ? ep->bits : NULL;
	c->named = e->named;
	c->refs = e->refs;
	c->ref_traces = e->ref_traces;
	c->attrs = m->attrs;
	c->nkeys = m->keys.n;
	c->seen = m->seen;
	/* each date may use the ones above it, which are already set */
	for (int i = 0; i < me->ndates; i++)
		e->named[i] = mx_date_eval(&me->dates[i], c);
}

/* The first criterion of l that fails (all_hold) or holds (!all_hold),
 * or NULL. */
static const struct criterion *first(const struct crit_list *l, const struct mx_ctx *c,
				     int all_hold, struct mx_trace *t)
{
	for (int i = 0; i < l->n; i++)
		if (mx_eval(l->v[i].expr, c, t) != all_hold)
			return &l->v[i];
	return NULL;
}

/* The partner p (-1: none) as agg's index, interned once: agg's
 * name tables are searched by name, too slow per member and measure. */
static int agg_partner_of(struct eval_run *e, int p)
{
	if (p < 0) {
		if (e->no_partner < 0)
			e->no_partner = agg_partner(e->agg, "");
		return e->no_partner;
	}
	if (p >= e->nagg_partner) {
		e->agg_partner = xrealloc(e->agg_partner, sizeof(int) * (size_t)(p + 1));
		for (int i = e->nagg_partner; i <= p; i++)
			e->agg_partner[i] = -1;
		e->nagg_partner = p + 1;
	}
	if (e->agg_partner[p] < 0)
		e->agg_partner[p] = agg_partner(e->agg, e->partners->v[p]);
	return e->agg_partner[p];
}

/* The member's partner for measure me, by its partner rule: -1 if none. */
static int partner_of(const struct eval_run *e, const struct measure *me,
		      const struct mmember *m, const struct mx_ctx *c)
{
	int anchor = mx_date_eval(&me->partner_anchor, c);

	return enr_partner(m->spans, m->nspans, e->my_start, e->my_end, anchor,
			   me->partner_rule);
}

struct outcome {
	const char *partner, *stratum;
	int partner_index;    /* in e->partners, -1 for none */
	const struct criterion *excluded_by;
	int stratum_index;
	int episode;          /* the episode's index date, or DATE_NONE */
};

static void write_row(const struct eval_run *e, const struct measure *me, int sub,
		      const struct mmember *m, const struct outcome *o, int num,
		      const struct criterion *missing, const struct mx_trace *t)
{
	struct rec_writer *w = e->results;

	rec_put_str(w, MEASURE_RESULTS_member_id, m->id);
	rec_put_str(w, MEASURE_RESULTS_measure_id, me->id);
	rec_put_str(w, MEASURE_RESULTS_submeasure, me->num[sub].name);
	rec_put_str(w, MEASURE_RESULTS_stratum, o->stratum);
	rec_put_str(w, MEASURE_RESULTS_partner_id, o->partner);
	rec_put_str(w, MEASURE_RESULTS_clinic_id, m->clinic_id);
	rec_put_int(w, MEASURE_RESULTS_excluded, o->excluded_by != NULL);
	rec_put_str(w, MEASURE_RESULTS_exclusion, o->excluded_by ? o->excluded_by->name : NULL);
	rec_put_int(w, MEASURE_RESULTS_numerator, num);
	rec_put_str(w, MEASURE_RESULTS_missing, missing ? missing->name : NULL);
	rec_put_str(w, MEASURE_RESULTS_evidence,
		    num && t->evidence >= 0 ? m->evidence[t->evidence] : NULL);
	rec_put_date(w, MEASURE_RESULTS_evidence_date, num ? t->evidence_date : DATE_NONE);
	rec_put_date(w, MEASURE_RESULTS_deadline,
		     !num && !o->excluded_by ? t->deadline : DATE_NONE);
	rec_put_date(w, MEASURE_RESULTS_episode, o->episode);
	rec_end(w);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void sort_unique(int *v, int *n)
{
	int m = 0;

	if (*n > 1)
		qsort(v, (size_t)*n, sizeof(int), cmp_int);
	for (int i = 0; i < *n; i++)
		if (m == 0 || v[i] != v[m - 1])
			v[m++] = v[i];
	*n = m;
}

/* Credit a rate's counts to the partner of month mo (sub -1: every
 * sub-result, for member months), in total and in the member's stratum. */
static void credit(struct eval_run *e, int mi, int sub, const struct outcome *o,
		   const struct mmember *m, int mo, long long den, long long excl,
		   long long num)
{
	const struct measure *me = &e->ms->m[mi];
	struct agg_key k = { mi, 0, -1, agg_partner_of(e, m->month_partner[mo]), e->clinic };

	for (k.sub = sub < 0 ? 0 : sub; k.sub < (sub < 0 ? me->nnum : sub + 1); k.sub++) {
		k.stratum = -1;
		agg_add(e->agg, &k, den, excl, num);
		if (o->stratum_index >= 0) {
			k.stratum = o->stratum_index;
			agg_add(e->agg, &k, den, excl, num);
		}
	}
}

/* A rate's member row: the member's events in attributed months. */
static void write_rate_row(const struct eval_run *e, const struct measure *me, int sub,
			   const struct mmember *m, const struct outcome *o, int events)
{
	struct mx_trace t;

	mx_trace_init(&t);
	write_row(e, me, sub, m, o, events, NULL, &t);
}

static void count(struct eval_run *e, int measure, int sub, const struct outcome *o,
		  int num)
{
	struct agg_key k = { measure, sub, -1, agg_partner_of(e, o->partner_index), e->clinic };

	agg_add(e->agg, &k, 1, o->excluded_by != NULL, num);
	if (o->stratum_index >= 0) {
		k.stratum = o->stratum_index;
		agg_add(e->agg, &k, 1, o->excluded_by != NULL, num);
	}
}

/* Denominator, partner, exclusion and stratum of m for measure me.
 * Returns 0 if m is not in the denominator. */
static int population(struct eval_run *e, int mi, const struct mmember *m,
		      struct mx_ctx *c, struct outcome *o, const struct episode *ep)
{
	const struct measure *me = &e->ms->m[mi];

	fill_ctx(e, me, m, c, ep);
	if (first(&me->denominator, c, 1, NULL)) {
		e->count[mi].not_in_denominator++;
		return 0;
	}
	o->partner_index = partner_of(e, me, m, c);
	o->partner = o->partner_index >= 0 ? e->partners->v[o->partner_index] : "";
	o->excluded_by = first(&me->exclusions, c, 0, NULL);
	for (int s = 0; s < me->nstrata && o->stratum_index < 0; s++)
		if (!first(&me->strata[s].crit, c, 1, NULL)) {
			o->stratum_index = s;
			o->stratum = me->strata[s].name;
		}
	return 1;
}

/* Distinct dates in the MY with an event of sub's slots, sorted, in a
 * new array *out (the caller frees); returns how many. */
static int event_dates(const struct eval_run *e, const struct subresult *sub,
		       const struct mmember *m, int count_denied, int **out)
{
	int n = 0, total = 0, *dates;

	for (int i = 0; i < sub->nevents; i++)
		total += m->hits[sub->events[i]].n;
	dates = *out = xmalloc(sizeof(int) * (size_t)(total + 1));
	for (int i = 0; i < sub->nevents; i++) {
		const struct mx_hits *h = &m->hits[sub->events[i]];

		for (int j = 0; j < h->n; j++)
			if (h->v[j].date >= e->my_start && h->v[j].date <= e->my_end &&
			    (count_denied || !h->v[j].denied))
				dates[n++] = h->v[j].date;
	}
	sort_unique(dates, &n);
	return n;
}

/* The last month of the MY a rate counts: the as-of date's, when it falls
 * in the year (months after it have not happened in this snapshot). */
static int last_rate_month(const struct eval_run *e)
{
	int y, mo, d;

	if (e->as_of >= e->my_end)
		return 12;
	date_to_ymd(e->as_of, &y, &mo, &d);
	return mo;
}

/* A rate: the member's attributed member-months, up to the as-of month,
 * go to each month's partner, and so do the events of those months. */
static void evaluate_rate(struct eval_run *e, int mi, const struct mmember *m,
			  const struct outcome *o)
{
	const struct measure *me = &e->ms->m[mi];
	int excluded = o->excluded_by != NULL, months = 0, last = last_rate_month(e);
	int *dates;

	for (int mo = 1; mo <= last; mo++) {
		if (m->month_partner[mo] < 0)
			continue;
		months++;
		credit(e, mi, -1, o, m, mo, 1, excluded, 0);
	}
	e->count[mi].denominator += months;
	e->count[mi].excluded += excluded ? months : 0;
	for (int sub = 0; sub < me->nnum; sub++) {
		int n = event_dates(e, &me->num[sub], m, me->count_denied, &dates), events = 0;

		for (int i = 0; i < n && !excluded; i++) {
			int y, mo, d;

			date_to_ymd(dates[i], &y, &mo, &d);
			if (mo > last || m->month_partner[mo] < 0)
				continue;
			events++;
			credit(e, mi, sub, o, m, mo, 0, 0, 1);
		}
		free(dates);
		e->count[mi].numerator[sub] += events;
		write_rate_row(e, me, sub, m, o, events);
	}
}

/* A proportion's sub-results for a member (or one of its episodes). */
static void proportion(struct eval_run *e, int mi, const struct mmember *m,
		       const struct mx_ctx *c, const struct outcome *o)
{
	const struct measure *me = &e->ms->m[mi];

	e->count[mi].denominator++;
	e->count[mi].excluded += o->excluded_by != NULL;
	for (int sub = 0; sub < me->nnum; sub++) {
		struct mx_trace t;
		const struct criterion *missing;
		int num;

		mx_trace_init(&t);
		missing = first(&me->num[sub].crit, c, 1, &t);
		num = !missing && !o->excluded_by;
		e->refs[sub] = (signed char)!missing;
		e->ref_traces[sub] = t;
		e->count[mi].numerator[sub] += num;
		write_row(e, me, sub, m, o, num, o->excluded_by ? NULL : missing, &t);
		e->member_gaps += me->gaps && !num && !o->excluded_by;
		count(e, mi, sub, o, num);
	}
}

static int by_episode_date(const void *a, const void *b)
{
	const struct episode *x = a, *y = b;

	if (x->date != y->date)
		return (x->date > y->date) - (x->date < y->date);
	return (x->admit > y->admit) - (x->admit < y->admit);
}

/* 1 if hit h of the measure's i-th index list is an index event: not
 * denied where denied claims do not count, and with its '&' partner. */
static int index_event(const struct measure *me, const struct mmember *m, int i,
		       const struct mx_hit *h)
{
	int with = me->index_with[i];

	if (h->denied && !me->count_denied)
		return 0;
	return with < 0 || mx_same_claim(&m->hits[with], h);
}

/* The measure's index events, by date: stays for event.discharge, else
 * the dates of the named value sets.  An event followed by another whose
 * admission (or date) is within collapse_days is dropped: the later one
 * stands (readmissions, clustered deliveries).  Returns the count; *out is
 * the caller's to free. */
static int episodes_of(const struct eval_run *e, const struct measure *me,
		       const struct mmember *m, struct episode **out)
{
	int n = 0, total = m->nstays, kept = 0;
	struct episode *ep;

	for (int i = 0; i < me->nindex_events; i++)
		total += m->hits[me->index_events[i]].n;
	ep = *out = xmalloc(sizeof(*ep) * (size_t)(total + 1));
	for (int i = 0; i < me->nindex_events; i++) {
		int slot = me->index_events[i];

		if (e->ms->builtin[slot] == EV_DISCHARGE) {
			for (int j = 0; j < m->nstays; j++)
				ep[n++] = (struct episode){ m->stays[j].discharge,
							    m->stays[j].admit, m->stays[j].bits };
			continue;
		}
		for (int j = 0; j < m->hits[slot].n; j++)
			if (index_event(me, m, i, &m->hits[slot].v[j]))
				ep[n++] = (struct episode){ m->hits[slot].v[j].date,
							    m->hits[slot].v[j].date, NULL };
	}
	if (n > 1)
		qsort(ep, (size_t)n, sizeof(*ep), by_episode_date);
	for (int i = 0; i < n; i++) {
		if (i + 1 < n && ep[i + 1].date == ep[i].date)
			continue; /* one episode per date: keep the last */
		if (i + 1 < n && ep[i + 1].admit <= ep[i].date + me->collapse_days)
			continue;
		ep[kept++] = ep[i];
	}
	return kept;
}

/* partner_rule = each: the member once at every partner enrolled in the
 * MY, as that partner sees it (view.h): its enrollment only, for the
 * population; its paid services only, for the numerator.  Exclusions and
 * other population criteria see all the member's services: a hospice
 * stay excludes the member wherever it was paid. */
static void evaluate_each_partner(struct eval_run *e, int mi, const struct mmember *m)
{
	int n = view_partners(&e->view, m, e->partners, e->my_start, e->my_end);

	for (int i = 0; i < n; i++) {
		struct outcome o = { "", "", -1, NULL, -1, DATE_NONE };
		struct mmember enrolled = *m;
		struct mx_ctx c;

		view_of_partner(&e->view, m, e->view.partners[i]);
		enrolled.spans = e->view.m.spans;
		enrolled.nspans = e->view.m.nspans;
		if (!population(e, mi, &enrolled, &c, &o, NULL))
			continue;
		c.hits = e->view.m.hits;
		proportion(e, mi, &e->view.m, &c, &o);
	}
}

static void evaluate_measure(struct eval_run *e, int mi, const struct mmember *m)
{
	const struct measure *me = &e->ms->m[mi];
	struct outcome o = { "", "", -1, NULL, -1, DATE_NONE };
	struct mx_ctx c;

	if (me->per_partner) {
		evaluate_each_partner(e, mi, m);
		return;
	}
	if (me->episodes) {
		struct episode *ep;
		int n = episodes_of(e, me, m, &ep);

		for (int i = 0; i < n; i++) {
			struct outcome oe = { "", "", -1, NULL, -1, ep[i].date };

			if (population(e, mi, m, &c, &oe, &ep[i]))
				proportion(e, mi, m, &c, &oe);
		}
		free(ep);
		return;
	}
	if (!population(e, mi, m, &c, &o, NULL))
		return;
	if (me->kind == MEASURE_RATE)
		evaluate_rate(e, mi, m, &o);
	else
		proportion(e, mi, m, &c, &o);
}

/* The most dates and sub-results any measure of ms has, at least 1. */
static void scratch_sizes(const struct measure_set *ms, int *maxdates, int *maxsubs)
{
	*maxdates = *maxsubs = 1;
	for (int i = 0; i < ms->n; i++) {
		if (ms->m[i].ndates > *maxdates)
			*maxdates = ms->m[i].ndates;
		if (ms->m[i].nnum > *maxsubs)
			*maxsubs = ms->m[i].nnum;
	}
}

void eval_run_init(struct eval_run *e, const struct measure_set *ms,
		   const struct names *partners, struct rec_writer *results,
		   int my, int as_of)
{
	int maxdates, maxsubs;

	memset(e, 0, sizeof(*e));
	scratch_sizes(ms, &maxdates, &maxsubs);
	e->ms = ms;
	e->partners = partners;
	e->results = results;
	e->my_start = date_from_ymd(my, 1, 1);
	e->my_end = date_from_ymd(my, 12, 31);
	e->as_of = as_of;
	e->agg = agg_new();
	e->count = xcalloc((size_t)ms->n, sizeof(*e->count));
	for (int i = 0; i < ms->n; i++)
		e->count[i].numerator = xcalloc((size_t)ms->m[i].nnum, sizeof(long long));
	e->named = xcalloc((size_t)maxdates, sizeof(int));
	e->refs = xcalloc((size_t)maxsubs, 1);
	e->ref_traces = xcalloc((size_t)maxsubs, sizeof(*e->ref_traces));
	e->no_partner = -1;
}

void eval_run_release(struct eval_run *e)
{
	agg_free(e->agg);
	for (int i = 0; e->count && i < e->ms->n; i++)
		free(e->count[i].numerator);
	free(e->count);
	free(e->named);
	free(e->refs);
	free(e->ref_traces);
	view_release(&e->view);
	free(e->agg_partner);
	memset(e, 0, sizeof(*e));
}

void evaluate_member(struct eval_run *e, const struct mmember *m)
{
	e->member_gaps = 0;
	e->clinic = agg_clinic(e->agg, m->clinic_id);
	for (int i = 0; i < e->ms->n; i++)
		evaluate_measure(e, i, m);
}
