/*
 * care_adult.c: adults' preventive care and chronic illness: well visits,
 * colorectal, breast and cervical screening with their exclusions,
 * pregnancies (prenatal visits, delivery, postpartum), diabetes with
 * pharmacy fills and HbA1c results, hospice; and everyone's sick visits
 * and dental care.
 */
#include <string.h>

#include "date.h"
#include "gen.h"

static int year_of(int day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return y;
}

static int first_year(const struct care *k)
{
	return year_of(k->g->win_start);
}

static void colon_screening(struct care *k, int day, int kind)
{
	const struct codes *cs = &k->g->c;
	struct claim *c;

	if (kind == 0) {  /* colonoscopy: facility and physician claims */
		const struct provider *hosp = care_role(k, day, R_HOSPITAL);

		if (!hosp || !(c = claim_inst(k, day, day, hosp, &cs->op_bill)))
			return;
		claim_dx(c, k, &cs->colon_screen_dx);
		struct cline *l = claim_line(c, k, &cs->colonoscopy, 90000);

		if (l)
			memcpy(l->rev, "0750", 5);
		if ((c = care_visit(k, day, R_GASTRO, "22"))) {
			claim_dx(c, k, &cs->colon_screen_dx);
			claim_line(c, k, &cs->colonoscopy, 40000);
		}
		return;
	}
	c = kind == 1 ? care_visit(k, day, R_LAB, "81") : care_visit(k, day, R_GASTRO, "22");
	if (!c)
		return;
	claim_dx(c, k, &cs->colon_screen_dx);
	claim_line(c, k, kind == 1 ? &cs->fobt : kind == 2 ? &cs->fitdna :
		   kind == 3 ? &cs->sigmoid : &cs->ctcol, kind == 1 ? 2500 : 30000);
}

static void colorectal(struct care *k)
{
	const struct gen *g = k->g;
	int age = member_age(k->m, g->win_end);
	double u = rng_unit(k->r) / care_p(k, g->win_end, 1.0);

	if (age < 44 || age > 77)
		return;
	if (u < 0.24) {
		colon_screening(k, care_day_in_year(k, rng_range(k->r, first_year(k), g->o.year)), 0);
	} else if (u < 0.5) {
		for (int y = first_year(k); y <= g->o.year; y++)
			if (rng_chance(k->r, 0.55))
				colon_screening(k, care_day_in_year(k, y), 1);
	} else if (u < 0.56) {
		colon_screening(k, care_day_in_year(k, rng_range(k->r, first_year(k), g->o.year)),
				rng_range(k->r, 2, 4));
	}
}

static void mark_condition(struct care *k, const struct pick *dx, int visits)
{
	for (int y = first_year(k); y <= k->g->o.year; y++) {
		for (int i = 0; i < visits; i++) {
			struct claim *c = care_office(k, care_day_in_year(k, y));

			if (c) {
				claim_dx(c, k, dx);
				claim_line(c, k, &k->g->c.office, 11000);
			}
		}
	}
}

static void exclusions(struct care *k)
{
	const struct codes *cs = &k->g->c;
	unsigned cond = k->m->cond;

	if (cond & C_CRC)
		mark_condition(k, &cs->crc, 2);
	if (cond & C_COLECTOMY) {
		int day = care_day_in_year(k, rng_range(k->r, first_year(k), k->g->o.year));
		struct claim *c = care_visit(k, day, R_GASTRO, "21");

		if (c) {
			claim_dx(c, k, &cs->crc);
			claim_line(c, k, &cs->colectomy_cpt, 250000);
		}
	}
	if (cond & C_MASTECTOMY) {
		if (rng_chance(k->r, 0.7)) {
			mark_condition(k, &cs->mastectomy_bi, 1);
		} else {
			mark_condition(k, &cs->mastectomy_r, 1);
			mark_condition(k, &cs->mastectomy_l, 1);
		}
	}
	if (cond & C_NO_CERVIX)
		mark_condition(k, &cs->cervix_dx, 1);
}

static void women_screening(struct care *k, int y)
{
	const struct codes *cs = &k->g->c;
	int age = member_age(k->m, date_from_ymd(y, 12, 31));
	int day = care_day_in_year(k, y);
	struct claim *c;

	if (age >= 40 && age <= 74 && rng_chance(k->r, care_p(k, day, 0.5)) &&
	    (c = care_visit(k, day, R_RADIOLOGY, "22"))) {
		claim_dx(c, k, &cs->breast_screen_dx);
		claim_line(c, k, &cs->mammo, 15000);
	}
	day = care_day_in_year(k, y);
	if (age >= 21 && age <= 64 && !(k->m->cond & C_NO_CERVIX) &&
	    rng_chance(k->r, care_p(k, day, 0.3)) && (c = care_office(k, day))) {
		claim_dx(c, k, &cs->cervix_screen_dx);
		claim_line(c, k, &cs->office, 11000);
		claim_line(c, k, &cs->cytology, 4000);
		if (age >= 30 && rng_chance(k->r, 0.6))
			claim_line(c, k, &cs->hpvtest, 5000);
	}
}

static void prenatal_visit(struct care *k, int day)
{
	const struct codes *cs = &k->g->c;
	struct claim *c = care_visit(k, day, R_OBGYN, "11");

	if (!c)
		return;
	claim_dx(c, k, &cs->prenatal_dx);
	claim_line(c, k, rng_chance(k->r, 0.5) ? &cs->prenatal : &cs->office, 12000);
}

static void pregnancy(struct care *k, int delivery)
{
	const struct codes *cs = &k->g->c;
	int conception = delivery - rng_range(k->r, 259, 280);
	int first = conception + (rng_chance(k->r, care_p(k, delivery, 0.82))
				  ? rng_range(k->r, 42, 90) : rng_range(k->r, 100, 200));
	struct claim *c;

	for (int day = first; day < delivery - 7; day += rng_range(k->r, 21, 35))
		prenatal_visit(k, day);
	int stay = k->b->nclaim;

	if (care_inpatient(k, delivery, rng_range(k->r, 1, 4), &cs->delivery_dx) != DATE_NONE) {
		c = &k->b->claim[stay];
		if (c->type == 'I' && c->admit == delivery && c->npcs < 3) {
			claim_dx(c, k, &cs->live_birth);
			pick_code(&cs->delivery_pcs, k->r, c->pcs[c->npcs++], sizeof(c->pcs[0]));
		}
	}
	if ((c = care_visit(k, delivery, R_OBGYN, "21"))) {
		claim_dx(c, k, &cs->delivery_dx);
		claim_dx(c, k, &cs->live_birth);
		claim_line(c, k, &cs->delivery_cpt, 250000);
	}
	if (rng_chance(k->r, care_p(k, delivery, 0.7))) {
		int day = delivery + (rng_chance(k->r, 0.9) ? rng_range(k->r, 7, 84)
							    : rng_range(k->r, 85, 110));

		if ((c = care_visit(k, day, R_OBGYN, "11"))) {
			claim_dx(c, k, &cs->postpartum_dx);
			claim_line(c, k, &cs->postpartum, 12000);
		}
	}
}

static void diabetes(struct care *k, int y)
{
	const struct codes *cs = &k->g->c;
	int visits = rng_range(k->r, 1, 4);
	const struct provider *rx = NULL;

	for (int i = 0; i < visits; i++) {
		int day = care_day_in_year(k, y);
		struct claim *c = care_office(k, day);

		if (!c)
			continue;
		rx = c->rendering;
		claim_dx(c, k, &cs->diabetes);
		claim_line(c, k, &cs->office, 12000);
		if (rng_chance(k->r, 0.7)) {
			claim_line(c, k, &cs->a1c_cpt, 1800);
			care_lab(k, day, &cs->a1c_loinc, rng_range(k->r, 55, 120));
		}
	}
	for (int mth = 1; rx && mth <= 12; mth++) {
		int day = date_from_ymd(y, mth, rng_range(k->r, 1, 28));

		if (!rng_chance(k->r, 0.8) || member_span_at(k->m, day) < 0)
			continue;
		care_fill(k, day, &cs->metformin, 30, rx);
		if (!(k->m->cond & C_METFORMIN_ONLY))
			care_fill(k, day, &cs->diab_med, 30, rx);
	}
}

static void chronic_fills(struct care *k, int y)
{
	const struct provider *rx = care_pcp(k, date_from_ymd(y, 6, 30));

	for (int mth = 1; rx && mth <= 12; mth++) {
		int day = date_from_ymd(y, mth, rng_range(k->r, 1, 28));

		if (rng_chance(k->r, 0.55) && member_span_at(k->m, day) >= 0)
			care_fill(k, day, &k->g->c.common_ndc, 30, rx);
	}
}

static void hospice(struct care *k)
{
	const struct codes *cs = &k->g->c;
	int day = k->m->hospice_day;

	for (int i = 0; i < 6 && day <= k->g->win_end; i++, day += 30) {
		const struct provider *h = care_role(k, day, R_HOSPICE);
		struct claim *c;

		if (!h || !(c = claim_inst(k, day, day + 29 > k->g->win_end ? k->g->win_end : day + 29,
					   h, &cs->op_bill)))
			break;
		memcpy(c->bill, "811", 4);
		claim_dx(c, k, &cs->palliative);
		claim_rev(claim_line(c, k, &cs->hospice_hcpcs, 400000), k, &cs->hospice_rev);
	}
}

void care_adults(struct care *k)
{
	const struct gen *g = k->g;
	const struct member *m = k->m;

	colorectal(k);
	exclusions(k);
	if (m->cond & C_HOSPICE)
		hospice(k);
	for (int y = first_year(k); y <= g->o.year; y++) {
		int age = member_age(m, date_from_ymd(y, 12, 31));
		int day = care_day_in_year(k, y);

		if (age >= 22 && day != DATE_NONE && rng_chance(k->r, care_p(k, day, 0.22))) {
			struct claim *c = care_office(k, day);

			if (c) {
				claim_dx(c, k, &g->c.well_dx);
				care_preventive_line(k, c, day);
			}
		}
		if (m->sex == 'F')
			women_screening(k, y);
		if (m->sex == 'F' && age >= 15 && age <= 44 && rng_chance(k->r, 0.07) &&
		    (day = care_day_in_year(k, y)) != DATE_NONE)
			pregnancy(k, day);
		if (m->cond & C_DIABETES)
			diabetes(k, y);
		if (m->cond & C_CHRONIC)
			chronic_fills(k, y);
	}
}

static void sick_visit(struct care *k, int day)
{
	const struct codes *cs = &k->g->c;
	struct claim *c = care_office(k, day);
	unsigned cond = k->m->cond;

	if (!c)
		return;
	claim_dx(c, k, &cs->sick_dx);
	if (cond & C_CHRONIC)
		claim_dx(c, k, &cs->chronic_dx);
	if ((cond & C_DIABETES) && rng_chance(k->r, 0.6))
		claim_dx(c, k, &cs->diabetes);
	if ((cond & C_MENTAL) && rng_chance(k->r, 0.3))
		claim_dx(c, k, &cs->mental);
	claim_line(c, k, &cs->office, 11000);
	if (rng_chance(k->r, 0.55))
		for (int i = rng_range(k->r, 1, 3); i > 0; i--)
			claim_line(c, k, &cs->lab_cpt, 1500);
	if (rng_chance(k->r, 0.35))
		care_fill(k, day, &cs->common_ndc, 10, c->rendering);
}

static void dental_visit(struct care *k, int day, int first)
{
	const struct codes *cs = &k->g->c;
	const struct provider *d = care_role(k, day, R_DENTIST);
	struct claim *c;

	if (!d || !(c = claim_prof(k, day, &k->g->net.prov[k->g->net.clinic[d->clinic].first],
				   d, "11")))
		return;
	claim_dx(c, k, &cs->dental_dx);
	if (first)
		claim_line(c, k, &cs->oral_eval, 5000);
	for (int i = rng_range(k->r, 1, 2); i > 0; i--)
		claim_line(c, k, &cs->prev_dental, 4000);
	if (rng_chance(k->r, 0.3))
		claim_line(c, k, &cs->dental_other, 9000);
}

void care_routine(struct care *k)
{
	const struct member *m = k->m;

	for (int y = first_year(k); y <= k->g->o.year; y++) {
		int age = member_age(m, date_from_ymd(y, 12, 31));
		double mean = age < 2 ? 3.0 : age < 6 ? 2.0 : age < 18 ? 1.3 :
			      age < 45 ? 1.7 : age < 65 ? 2.4 : 3.4;
		double pd = age < 1 ? 0 : age <= 5 ? 0.5 : age <= 14 ? 0.62 :
			    age <= 20 ? 0.45 : (m->cond & C_DIABETES) ? 0.35 : 0.3;
		int day;

		if (m->cond & C_CHRONIC)
			mean += 1.5;
		if (m->cond & C_DIABETES)
			mean += 1.0;
		for (int n = rng_poisson(k->r, 1.5 * mean * m->prop); n > 0; n--)
			sick_visit(k, care_day_in_year(k, y));
		day = care_day_in_year(k, y);
		if (day != DATE_NONE && rng_chance(k->r, care_p(k, day, pd))) {
			dental_visit(k, day, 1);
			if (rng_chance(k->r, 0.4))
				dental_visit(k, day + rng_range(k->r, 150, 200), 0);
		}
	}
}
