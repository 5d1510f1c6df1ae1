/*
 * care_acute.c: acute and behavioral care: ED visits (some admitted),
 * other inpatient stays with readmissions, mental-illness stays with or
 * without follow-up within 7 or 30 days, and SUD episodes with or
 * without initiation and engagement of treatment.
 */
#include "date.h"
#include "gen.h"

static int year_first(const struct care *k)
{
	int y, m, d;

	date_to_ymd(k->g->win_start, &y, &m, &d);
	return y;
}

static void mh_visit(struct care *k, int day)
{
	const struct codes *cs = &k->g->c;
	char pos[4] = "11";
	struct claim *c;

	if (rng_chance(k->r, 0.15))
		pick_code(&k->g->c.tele_pos, k->r, pos, sizeof(pos));
	c = care_visit(k, day, R_MH, pos);

	if (!c)
		return;
	claim_dx(c, k, &cs->mental);
	claim_line(c, k, &cs->mh_visit, 13000);
}

static void mh_stay(struct care *k, int admit)
{
	const struct codes *cs = &k->g->c;
	int stay = k->b->nclaim;
	int dis = care_inpatient(k, admit, rng_range(k->r, 2, 10), &cs->mental);

	if (dis == DATE_NONE)
		return;
	if (rng_chance(k->r, 0.12))
		claim_dx(&k->b->claim[stay], k, &cs->self_harm);
	if (rng_chance(k->r, 0.08))
		mh_visit(k, dis);  /* on the discharge day: does not count */
	if (rng_chance(k->r, care_p(k, dis, 0.68)))
		mh_visit(k, dis + (rng_chance(k->r, 0.6) ? rng_range(k->r, 1, 7)
							 : rng_range(k->r, 8, 30)));
	if (rng_chance(k->r, 0.07))
		care_inpatient(k, dis + rng_range(k->r, 2, 30), rng_range(k->r, 2, 8), &cs->mental);
}

static void sud_service(struct care *k, int day)
{
	const struct codes *cs = &k->g->c;
	struct claim *c = care_visit(k, day, R_SUD, "57");

	if (!c)
		return;
	claim_dx(c, k, &cs->sud);
	claim_line(c, k, &cs->sud_tx, 9000);
}

static void sud_episode(struct care *k, int day)
{
	const struct codes *cs = &k->g->c;
	struct claim *c;
	int init;

	if (rng_chance(k->r, 0.5)) {
		if (!care_ed_visit(k, day, &cs->sud))
			return;
	} else {
		if (!(c = care_office(k, day)))
			return;
		claim_dx(c, k, &cs->sud);
		claim_line(c, k, &cs->office, 11000);
	}
	if (!rng_chance(k->r, care_p(k, day, 0.5)))
		return;
	init = day + rng_range(k->r, 1, 14);
	sud_service(k, init);
	if (rng_chance(k->r, 0.25)) {
		const struct provider *p = care_role(k, init, R_SUD);

		if (p)
			care_fill(k, init, &cs->sud_ndc, 30, p);
	}
	if (rng_chance(k->r, care_p(k, init, 0.45))) {
		sud_service(k, init + rng_range(k->r, 1, 16));
		sud_service(k, init + rng_range(k->r, 17, 34));
	}
}

static void behavioral(struct care *k, int y)
{
	const struct codes *cs = &k->g->c;
	unsigned cond = k->m->cond;

	if (cond & C_MENTAL) {
		for (int n = rng_poisson(k->r, 3.0); n > 0; n--)
			mh_visit(k, care_day_in_year(k, y));
		if (rng_chance(k->r, 0.5)) {
			const struct provider *p = care_role(k, date_from_ymd(y, 3, 1), R_MH);

			for (int mth = 1; p && mth <= 12; mth++)
				if (rng_chance(k->r, 0.6))
					care_fill(k, date_from_ymd(y, mth, 15), &cs->mh_ndc, 30, p);
		}
		if (member_age(k->m, date_from_ymd(y, 12, 31)) >= 6 && rng_chance(k->r, 0.09))
			mh_stay(k, care_day_in_year(k, y));
	}
	if ((cond & C_SUD) && rng_chance(k->r, 0.6))
		sud_episode(k, care_day_in_year(k, y));
}

void care_acute(struct care *k)
{
	const struct codes *cs = &k->g->c;
	const struct member *m = k->m;

	for (int y = year_first(k); y <= k->g->o.year; y++) {
		int age = member_age(m, date_from_ymd(y, 12, 31));
		double mean = age < 2 ? 0.7 : 0.42;

		if (m->cond & C_MENTAL)
			mean += 0.6;
		if (m->cond & C_SUD)
			mean += 0.9;
		for (int n = rng_poisson(k->r, mean * (0.6 + 0.4 * m->prop)); n > 0; n--) {
			const struct pick *dx = &cs->ed_dx;

			if ((m->cond & C_MENTAL) && rng_chance(k->r, 0.3))
				dx = rng_chance(k->r, 0.5) ? &cs->smi : &cs->mental;
			care_ed_visit(k, care_day_in_year(k, y), dx);
		}
		if (age >= 18 && rng_chance(k->r, 0.015)) {
			int day = care_day_in_year(k, y);
			int dis = care_inpatient(k, day, rng_range(k->r, 1, 7), &cs->ed_dx);

			if (dis != DATE_NONE && rng_chance(k->r, 0.1))
				care_inpatient(k, dis + rng_range(k->r, 2, 30), rng_range(k->r, 1, 5),
					       &cs->ed_dx);
		}
		behavioral(k, y);
	}
}
