/*
 * evaluate.c: the measure rules applied to one member.  For each measure:
 * the named dates; the denominator (every criterion must hold; the first
 * that fails is the reason, counted); the partner by the measure's rule
 * and the clinic by attribution; the exclusions (the first that holds
 * excludes); then each numerator sub-result, never met by an excluded
 * member, with the evidence that met it or what is missing and by when.
 */
#include <string.h>

#include "date.h"
#include "evaluate.h"
#include "rec.h"

static void fill_ctx(const struct eval_run *e, const struct measure *me,
		     const struct mmember *m, struct mx_ctx *c)
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
	c->index = c->index_end = DATE_NONE;
	c->named = e->named;
	c->refs = e->refs;
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

static const char *partner_of(const struct eval_run *e, const struct measure *me,
			      const struct mmember *m, const struct mx_ctx *c)
{
	int anchor = mx_date_eval(&me->partner_anchor, c);
	int p = enr_partner(m->spans, m->nspans, e->my_start, e->my_end,
			    anchor, me->partner_rule);

	return p >= 0 ? e->reader->partner_ids[p] : "";
}

struct outcome {
	const char *partner, *stratum;
	const struct criterion *excluded_by;
	int stratum_index;
};

static void write_row(const struct eval_run *e, const struct measure *me, int sub,
		      const struct mmember *m, const struct outcome *o, int num,
		      const struct criterion *missing, const struct mx_trace *t)
{
	struct rec_writer *w = e->results;

	rec_put_str(w, m->id);
	rec_put_str(w, me->id);
	rec_put_str(w, me->num[sub].name);
	rec_put_str(w, o->stratum);
	rec_put_str(w, o->partner);
	rec_put_str(w, m->clinic_id);
	rec_put_int(w, o->excluded_by != NULL);
	rec_put_str(w, o->excluded_by ? o->excluded_by->name : NULL);
	rec_put_int(w, num);
	rec_put_str(w, missing ? missing->name : NULL);
	rec_put_str(w, num && t->evidence >= 0 ? m->evidence[t->evidence] : NULL);
	rec_put_date(w, num ? t->evidence_date : DATE_NONE);
	rec_put_date(w, !num && !o->excluded_by ? t->deadline : DATE_NONE);
	rec_end(w);
}

static void count(struct eval_run *e, int measure, int sub, const struct outcome *o,
		  const struct mmember *m, int num)
{
	struct agg_key k = { measure, sub, -1, agg_partner(e->agg, o->partner),
			     agg_clinic(e->agg, m->clinic_id) };

	agg_add(e->agg, &k, o->excluded_by != NULL, num);
	if (o->stratum_index >= 0) {
		k.stratum = o->stratum_index;
		agg_add(e->agg, &k, o->excluded_by != NULL, num);
	}
}

static void evaluate_measure(struct eval_run *e, int mi, const struct mmember *m)
{
	const struct measure *me = &e->ms->m[mi];
	struct outcome o = { "", "", NULL, -1 };
	struct mx_ctx c;

	fill_ctx(e, me, m, &c);
	if (first(&me->denominator, &c, 1, NULL)) {
		e->not_in_denominator[mi]++;
		return;
	}
	o.partner = partner_of(e, me, m, &c);
	o.excluded_by = first(&me->exclusions, &c, 0, NULL);
	e->denominator[mi]++;
	e->excluded[mi] += o.excluded_by != NULL;
	for (int s = 0; s < me->nstrata && o.stratum_index < 0; s++)
		if (!first(&me->strata[s].crit, &c, 1, NULL)) {
			o.stratum_index = s;
			o.stratum = me->strata[s].name;
		}
	for (int sub = 0; sub < me->nnum; sub++) {
		struct mx_trace t;
		const struct criterion *missing;
		int num;

		mx_trace_init(&t);
		missing = first(&me->num[sub].crit, &c, 1, &t);
		num = !missing && !o.excluded_by;
		e->refs[sub] = (signed char)!missing;
		e->numerator[mi][sub] += num;
		write_row(e, me, sub, m, &o, num, o.excluded_by ? NULL : missing, &t);
		count(e, mi, sub, &o, m, num);
	}
}

void evaluate_member(struct eval_run *e, const struct mmember *m)
{
	for (int i = 0; i < e->ms->n; i++)
		evaluate_measure(e, i, m);
}
