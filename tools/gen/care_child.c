/*
 * care_child.c: children's care: the birth stay, well-child visits with
 * developmental screening, and the immunization series (complete for
 * many, incomplete for some, some doses only in the registry, now and
 * then a dose given too early: MMR/VZV before the first birthday, the
 * first DTaP/IPV/HiB/PCV before 42 days), plus the adolescent vaccines.
 */
#include <string.h>

#include "date.h"
#include "gen.h"

/* A well-child or vaccine event at an age in months. */
struct sched {
	int months;
	unsigned antigens;        /* bits of enum antigen */
	int well;                 /* a well-child visit is due */
};

#define AG(a) (1u << (a))

static const struct sched infant[] = {
	{ 0, 0, 1 },
	{ 1, AG(AG_HEPB), 1 },
	{ 2, AG(AG_DTAP) | AG(AG_IPV) | AG(AG_HIB) | AG(AG_PCV), 1 },
	{ 4, AG(AG_DTAP) | AG(AG_IPV) | AG(AG_HIB) | AG(AG_PCV), 1 },
	{ 6, AG(AG_DTAP) | AG(AG_IPV) | AG(AG_HEPB) | AG(AG_PCV) | AG(AG_HIB), 1 },
	{ 9, 0, 1 },
	{ 12, AG(AG_MMR) | AG(AG_VZV) | AG(AG_HIB) | AG(AG_PCV), 1 },
	{ 15, AG(AG_DTAP), 1 },
	{ 18, 0, 1 },
	{ 24, 0, 1 },
	{ 30, 0, 1 },
	{ 54, AG(AG_DTAP) | AG(AG_IPV) | AG(AG_MMR) | AG(AG_VZV), 0 },
};
#define NINFANT ((int)(sizeof(infant) / sizeof(infant[0])))

static void newborn_stay(struct care *k)
{
	const struct codes *cs = &k->g->c;
	const struct provider *hosp = care_role(k, k->m->birth, R_HOSPITAL);
	int dis = k->m->birth + rng_range(k->r, 1, 3);
	struct claim *c;

	if (!hosp || !(c = claim_inst(k, k->m->birth, dis, hosp, &cs->ip_bill)))
		return;
	c->admit = k->m->birth;
	c->discharge = dis;
	memcpy(c->dstat, "01", 3);
	claim_dx(c, k, &cs->newborn_dx);
	claim_rev(claim_line(c, k, NULL, 120000), k, &cs->newborn_rev);
	if (rng_chance(k->r, care_p(k, k->m->birth, 0.75))) {
		pick_code(&cs->hepb_newborn, k->r, c->pcs[c->npcs++], sizeof(c->pcs[0]));
		if (rng_chance(k->r, 0.6))
			care_shot(k, k->m->birth, &cs->vax_cvx[AG_HEPB]);
	}
}

static struct claim *well_visit(struct care *k, int day, int months)
{
	const struct codes *cs = &k->g->c;
	struct claim *c = care_office(k, day);

	if (!c)
		return NULL;
	claim_dx(c, k, &cs->well_dx);
	if (rng_chance(k->r, 0.8))
		care_preventive_line(k, c, day);
	else
		claim_line(c, k, &cs->office, 11000);
	if ((months == 9 || months == 18 || months == 24 || months == 30) &&
	    rng_chance(k->r, care_p(k, day, 0.62)))
		claim_line(c, k, &cs->devscreen, 1500);
	return c;
}

/* Give the doses in antigens on day: by claim, registry or both. */
static void vaccinate(struct care *k, int day, unsigned antigens, struct claim *c)
{
	const struct codes *cs = &k->g->c;
	double u = rng_unit(k->r);
	int by_claim = u < 0.85, in_registry = u >= 0.5;

	if (by_claim && !c && day >= k->g->win_start) {
		c = care_office(k, day);
		if (c)
			claim_dx(c, k, &cs->imm_dx);
	}
	if (!c)
		in_registry = in_registry || rng_chance(k->r, 0.6);
	for (int a = 0; a < AG_N; a++) {
		if (!(antigens & AG(a)))
			continue;
		if (c && by_claim)
			claim_line(c, k, &cs->vax_cpt[a], 6000);
		if (in_registry)
			care_shot(k, day, &cs->vax_cvx[a]);
	}
	if (c && by_claim)
		claim_line(c, k, &cs->vax_admin, 2500);
}

static unsigned doses_given(struct care *k, unsigned antigens, int complete)
{
	unsigned given = 0;

	for (int a = 0; a < AG_N; a++)
		if ((antigens & AG(a)) && (complete || rng_chance(k->r, 0.6)))
			given |= AG(a);
	return given;
}

static void infant_care(struct care *k)
{
	const struct gen *g = k->g;
	int birth = k->m->birth;
	int complete = rng_chance(k->r, care_p(k, birth + 60, 0.9));

	for (int i = 0; i < NINFANT; i++) {
		const struct sched *s = &infant[i];
		int day = s->months ? date_add_months(birth, s->months) + rng_range(k->r, 0, 20)
				    : birth + rng_range(k->r, 3, 5);
		struct claim *c = NULL;
		unsigned given;

		if (day > g->win_end || (k->m->death != DATE_NONE && day > k->m->death))
			break;
		if (s->well && day >= g->win_start &&
		    rng_chance(k->r, care_p(k, day, s->months <= 30 ? 0.82 : 0.7)))
			c = well_visit(k, day, s->months);
		given = doses_given(k, s->antigens, complete);
		if (!given)
			continue;
		if (!c && rng_chance(k->r, 0.5))
			day += rng_range(k->r, 20, 90);   /* a catch-up visit */
		if (s->months == 12 && rng_chance(k->r, 0.04))
			day = birth + rng_range(k->r, 330, 364);  /* before age 1 */
		if (s->months == 2 && rng_chance(k->r, 0.03))
			day = birth + rng_range(k->r, 35, 41);    /* before 42 days */
		if (day <= g->win_end)
			vaccinate(k, day, given, c && day == c->from ? c : NULL);
	}
}

static void adolescent_care(struct care *k)
{
	int day = date_add_months(k->m->birth, 132) + rng_range(k->r, 0, 300);
	int second;
	unsigned given = 0;

	if (rng_chance(k->r, care_p(k, day, 0.8)))
		given |= AG(AG_TDAP);
	if (rng_chance(k->r, care_p(k, day, 0.78)))
		given |= AG(AG_MEN);
	if (rng_chance(k->r, care_p(k, day, 0.62)))
		given |= AG(AG_HPV);
	if (given)
		vaccinate(k, day, given, NULL);
	if (!(given & AG(AG_HPV)) || !rng_chance(k->r, 0.72))
		return;
	second = day + (rng_chance(k->r, 0.08) ? rng_range(k->r, 60, 140)
					       : rng_range(k->r, 180, 365));
	vaccinate(k, second, AG(AG_HPV), NULL);
}

static void yearly_well_care(struct care *k)
{
	for (int age = 3; age <= 21; age++) {
		int day = date_add_months(k->m->birth, 12 * age) + rng_range(k->r, -30, 150);

		if (day < k->g->win_start)
			continue;
		if (day > k->g->win_end)
			break;
		if (rng_chance(k->r, care_p(k, day, age <= 6 ? 0.8 : 0.55)))
			well_visit(k, day, age * 12);
	}
}

void care_children(struct care *k)
{
	const struct gen *g = k->g;
	int birth = k->m->birth;

	if (birth >= g->win_start)
		newborn_stay(k);
	if (birth >= date_add_months(g->win_start, -12 * 13))
		infant_care(k);
	if (date_add_months(birth, 12 * 13) >= g->win_start - 365 * 3 &&
	    date_add_months(birth, 132) <= g->win_end)
		adolescent_care(k);
	if (member_age(k->m, g->win_start) <= 21)
		yearly_well_care(k);
}
