/*
 * care.c: the building blocks of a member's care: who sees the member on
 * a day, office visits, ED visits and inpatient stays.  Revenue codes for
 * lab (0300), pharmacy (0250) and radiology (0320) lines and discharge
 * statuses are billing structure, not measure codes, so they live here.
 */
#include <string.h>

#include "date.h"
#include "gen.h"

int care_partner(const struct care *k, int day)
{
	int s = member_span_at(k->m, day);

	return s < 0 ? -1 : k->m->span[s].partner;
}

double care_p(const struct care *k, int day, double p)
{
	int part = care_partner(k, day);
	double perf = part < 0 ? 0.9 : k->g->net.part[part].perf;

	p *= perf * k->m->prop;
	return p > 0.97 ? 0.97 : p;
}

static int in_window(const struct gen *g, int day)
{
	return day >= g->win_start && day <= g->win_end;
}

const struct provider *care_pcp(const struct care *k, int day)
{
	int s = member_span_at(k->m, day);
	const struct gen *g = k->g;

	if (s < 0 || !in_window(g, day))
		return NULL;
	if (rng_chance(k->r, 0.85))
		return k->m->span[s].pcp;
	const struct partner *p = &g->net.part[k->m->span[s].partner];
	const struct clinic *c = &g->net.clinic[p->first_clinic +
			(int)rng_below(k->r, (uint32_t)p->nprimary)];

	return &g->net.prov[c->first + 1 + (int)rng_below(k->r, (uint32_t)(c->count - 1))];
}

int care_day_in_year(const struct care *k, int y)
{
	int lo = date_from_ymd(y, 1, 1), hi = date_from_ymd(y, 12, 31);

	if (lo < k->g->win_start)
		lo = k->g->win_start;
	if (hi > k->g->win_end)
		hi = k->g->win_end;
	if (lo < k->m->birth)
		lo = k->m->birth;
	if (k->m->death != DATE_NONE && hi > k->m->death)
		hi = k->m->death;
	return lo > hi ? DATE_NONE : rng_range(k->r, lo, hi);
}

const struct provider *care_role(const struct care *k, int day, enum role role)
{
	int part = care_partner(k, day);

	if (part < 0 || !in_window(k->g, day))
		return NULL;
	return network_pick(&k->g->net, part, role, k->r);
}

static const struct provider *org_of(const struct gen *g, const struct provider *p)
{
	return &g->net.prov[g->net.clinic[p->clinic].first];
}

struct claim *care_office(struct care *k, int day)
{
	const struct provider *pcp = care_pcp(k, day);

	char pos[4] = "11";

	if (!pcp)
		return NULL;
	if (rng_chance(k->r, 0.06))
		pick_code(&k->g->c.tele_pos, k->r, pos, sizeof(pos));
	return claim_prof(k, day, org_of(k->g, pcp), pcp, pos);
}

struct claim *care_visit(struct care *k, int day, enum role role, const char *pos)
{
	const struct provider *p = care_role(k, day, role);

	if (!p)
		return NULL;
	return claim_prof(k, day, org_of(k->g, p), p, pos);
}

void care_preventive_line(struct care *k, struct claim *c, int day)
{
	const struct codes *cs = &k->g->c;
	int age = member_age(k->m, day);
	char code[6] = "9939";
	struct cline *l;

	if (rng_chance(k->r, 0.15))
		code[3] = '8';  /* a new patient */
	code[4] = (char)(age < 1 ? '1' : age < 5 ? '2' : age < 12 ? '3' : age < 18 ? '4' :
			 age < 40 ? '5' : age < 65 ? '6' : '7');
	if (!pick_contains(&cs->well_cpt, code) && !pick_contains(&cs->adult_prev, code)) {
		claim_line(c, k, &cs->well_cpt, 14000);
		return;
	}
	if ((l = claim_line(c, k, NULL, 14000)))
		memcpy(l->proc, code, sizeof(code));
}

static void fixed_line(struct claim *c, struct care *k, const char *rev, long cents)
{
	struct cline *l = claim_line(c, k, NULL, cents);

	if (l)
		memcpy(l->rev, rev, strlen(rev) + 1);
}

int care_inpatient(struct care *k, int admit, int los, const struct pick *dx)
{
	const struct codes *cs = &k->g->c;
	const struct provider *hosp = care_role(k, admit, R_HOSPITAL);
	int dis = admit + los;
	struct claim *c;
	double u = rng_unit(k->r);

	if (!hosp || (k->m->death != DATE_NONE && dis > k->m->death))
		return DATE_NONE;
	if (dis > k->g->win_end)
		dis = k->g->win_end;
	c = claim_inst(k, admit, dis, hosp, &cs->ip_bill);
	if (!c)
		return DATE_NONE;
	c->admit = admit;
	c->discharge = dis;
	memcpy(c->dstat, u < 0.88 ? "01" : u < 0.93 ? "06" : u < 0.97 ? "03" : "02", 3);
	claim_dx(c, k, dx);
	claim_dx(c, k, &cs->ed_dx);
	if (k->m->cond & C_CHRONIC)
		claim_dx(c, k, &cs->chronic_dx);
	claim_rev(claim_line(c, k, NULL, 150000L * (dis - admit + 1)), k, &cs->ip_rev);
	fixed_line(c, k, "0250", 20000);
	fixed_line(c, k, "0300", 15000);
	c = care_visit(k, admit, R_EMERG, "21");
	if (c) {
		claim_dx(c, k, dx);
		for (int d = 0; d <= dis - admit && d < 4; d++)
			claim_line(c, k, &cs->ip_visit, 12000);
	}
	return dis;
}

int care_ed_visit(struct care *k, int day, const struct pick *dx)
{
	const struct codes *cs = &k->g->c;
	const struct provider *hosp = care_role(k, day, R_HOSPITAL);
	struct claim *c;
	char code[8], dx0[9];

	if (!hosp || !(c = claim_inst(k, day, day, hosp, &cs->op_bill)))
		return 0;
	claim_dx(c, k, dx);
	memcpy(dx0, c->dx[0], sizeof(dx0));
	if (rng_chance(k->r, 0.4))
		claim_dx(c, k, &cs->sick_dx);
	struct cline *l = claim_line(c, k, &cs->ed_cpt, 45000);

	claim_rev(l, k, &cs->ed_rev);
	memcpy(code, l->proc, sizeof(code));
	l = claim_line(c, k, &cs->lab_cpt, 8000);
	if (l)
		memcpy(l->rev, "0300", 5);
	if (rng_chance(k->r, 0.5))
		fixed_line(c, k, "0250", 6000);
	if (rng_chance(k->r, 0.4))
		fixed_line(c, k, "0320", 20000);
	c = care_visit(k, day, R_EMERG, "23");
	if (c) {
		claim_dx_code(c, dx0);
		memcpy(claim_line(c, k, NULL, 18000)->proc, code, sizeof(code));
	}
	if (rng_chance(k->r, 0.03) && (c = care_visit(k, day, R_EMERG, "23"))) {
		claim_dx(c, k, &cs->ed_dx);
		claim_line(c, k, &cs->ed_cpt, 15000);
	}
	if (rng_chance(k->r, 0.09))
		care_inpatient(k, day + rng_range(k->r, 0, 1), rng_range(k->r, 1, 6), dx);
	return 1;
}
