/*
 * population.c: who the members are.  An OHP-like age mix (about 40%
 * children, many infants), conditions that drive care later, and
 * enrollment with churn: gaps of varied length, re-enrollment, partner
 * switches, abutting and overlapping spans for the same partner.
 */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "gen.h"

struct weighted_text {
	const char *text;
	double w;
};

static const struct weighted_text races[] = {
	{ "White", 58 }, { "Black or African American", 3 },
	{ "American Indian or Alaska Native", 3 }, { "Asian", 4 },
	{ "Native Hawaiian or Other Pacific Islander", 1 }, { "Multiracial", 5 },
	{ "Other", 5 }, { "Unknown", 21 },
};

static const struct weighted_text ethnicities[] = {
	{ "Hispanic or Latino", 22 }, { "Not Hispanic or Latino", 64 },
	{ "Unknown", 14 },
};

static const struct weighted_text languages[] = {
	{ "English", 80 }, { "Spanish", 14 }, { "Russian", 1.5 },
	{ "Vietnamese", 1.2 }, { "Chinese, Cantonese", 0.6 }, { "Arabic", 0.8 },
	{ "Somali", 0.4 }, { "Chuukese", 0.5 }, { "Ukrainian", 1 },
};

/* Age on Dec 31 of the measurement year: lo, hi, weight. */
static const struct { int lo, hi; double w; } age_bands[] = {
	{ 0, 0, 3.5 }, { 1, 1, 3 }, { 2, 2, 3 }, { 3, 6, 9 }, { 7, 12, 11 },
	{ 13, 17, 10 }, { 18, 25, 12 }, { 26, 44, 24 }, { 45, 64, 20 },
	{ 65, 89, 4.5 },
};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *draw_text(struct rng *r, const struct weighted_text *t, int n)
{
	double w[16];

	for (int i = 0; i < n; i++)
		w[i] = t[i].w;
	return t[rng_weighted(r, w, n)].text;
}

static int month_start(int day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return date_from_ymd(y, m, 1);
}

static void draw_birth(const struct gen *g, struct member *m, struct rng *r)
{
	double w[NELEM(age_bands)];
	int b, age, y = g->o.year;

	for (int i = 0; i < NELEM(age_bands); i++)
		w[i] = age_bands[i].w;
	b = rng_weighted(r, w, NELEM(age_bands));
	age = rng_range(r, age_bands[b].lo, age_bands[b].hi);
	m->birth = date_from_ymd(y - age, 1, 1) + rng_range(r, 0, 364);
	if (m->birth > g->win_end)
		m->birth = g->win_end;
}

static void draw_conditions(const struct gen *g, struct member *m, struct rng *r)
{
	int age = member_age(m, g->win_end);
	int years = g->o.history + 1;
	double p_death;

	m->cond = 0;
	m->hospice_day = DATE_NONE;
	m->death = DATE_NONE;
	if (rng_chance(r, age < 18 ? 0.003 : age < 45 ? 0.05 : age < 65 ? 0.15 : 0.22))
		m->cond |= C_DIABETES | (rng_chance(r, 0.4) ? C_METFORMIN_ONLY : 0);
	if (age >= 6 && rng_chance(r, age < 18 ? 0.08 : 0.13))
		m->cond |= C_MENTAL;
	if (age >= 13 && rng_chance(r, age < 18 ? 0.02 : 0.06))
		m->cond |= C_SUD;
	if (age >= 18 && rng_chance(r, 0.15 + age * 0.003))
		m->cond |= C_CHRONIC;
	if (age >= 45 && rng_chance(r, 0.015))
		m->cond |= C_CRC;
	if (age >= 45 && rng_chance(r, 0.003))
		m->cond |= C_COLECTOMY;
	if (m->sex == 'F' && age >= 40 && rng_chance(r, 0.008))
		m->cond |= C_MASTECTOMY;
	if (m->sex == 'F' && age >= 25 && rng_chance(r, 0.03))
		m->cond |= C_NO_CERVIX;
	if (rng_chance(r, age >= 65 ? 0.03 : age >= 45 ? 0.004 : 0.0005)) {
		m->cond |= C_HOSPICE;
		m->hospice_day = rng_range(r, g->win_start, g->win_end);
		if (m->hospice_day < m->birth)
			m->hospice_day = m->birth;
		if (rng_chance(r, 0.7))
			m->death = m->hospice_day + rng_range(r, 10, 150);
	}
	p_death = years * (age >= 65 ? 0.02 : age >= 45 ? 0.006 : 0.001);
	if (m->death == DATE_NONE && rng_chance(r, p_death))
		m->death = rng_range(r, m->birth > g->win_start ? m->birth : g->win_start,
				     g->win_end);
	if (m->death != DATE_NONE && m->death > g->win_end)
		m->death = DATE_NONE;
}

static int draw_partner(const struct gen *g, struct rng *r)
{
	double w[6];

	for (int i = 0; i < g->net.npart; i++)
		w[i] = g->net.part[i].weight;
	return rng_weighted(r, w, g->net.npart);
}

static void choose_pcp(const struct gen *g, struct span *s, struct rng *r)
{
	const struct partner *p = &g->net.part[s->partner];
	const struct clinic *c;

	s->clinic = p->first_clinic + (int)rng_below(r, (uint32_t)p->nprimary);
	c = &g->net.clinic[s->clinic];
	s->pcp = &g->net.prov[c->first + 1 + (int)rng_below(r, (uint32_t)(c->count - 1))];
}

static int gap_days(struct rng *r)
{
	double u = rng_unit(r);

	if (u < 0.3)
		return rng_range(r, 1, 30);
	if (u < 0.5)
		return rng_range(r, 31, 45);
	if (u < 0.8)
		return rng_range(r, 46, 120);
	return rng_range(r, 121, 400);
}

static int first_start(const struct gen *g, const struct member *m, struct rng *r)
{
	int s;

	if (m->birth > g->win_start - 60)
		return m->birth + (rng_chance(r, 0.9) ? 0 : rng_range(r, 1, 60));
	if (rng_chance(r, 0.78))
		s = month_start(g->win_start - rng_range(r, 0, 1500));
	else
		s = month_start(rng_range(r, g->win_start, g->win_end));
	return s < m->birth ? m->birth : s;
}

static int span_end(int start, struct rng *r)
{
	int months = 1 + rng_geometric(r, 15.0, 120);

	if (rng_chance(r, 0.8))
		return date_add_months(month_start(start), months) - 1;
	return start + months * 30 + rng_range(r, -10, 10);
}

/* Decide how the span after s begins; returns its start, or DATE_NONE when
 * the member leaves for good.  May change partner and PCP in *next. */
static int next_span(const struct gen *g, const struct span *s, struct span *next,
		     struct rng *r)
{
	double u = rng_unit(r);
	int start, sw = 0;

	*next = *s;
	if (u < 0.06)
		return DATE_NONE;
	if (u < 0.55) {
		start = s->end + 1 + gap_days(r);
		sw = rng_chance(r, 0.25);
	} else if (u < 0.70) {
		start = s->end + 1;
		sw = 1;
	} else if (u < 0.85) {
		start = s->end + 1;
	} else if (u < 0.92) {
		start = s->end + 1 - rng_range(r, 1, 30);
		if (start < s->start)
			start = s->start;
	} else {
		start = s->end + 1 + gap_days(r);
		sw = 1;
	}
	if (sw && g->net.npart > 1) {
		int p = draw_partner(g, r);

		next->partner = p == s->partner ? (p + 1) % g->net.npart : p;
		choose_pcp(g, next, r);
	} else if (rng_chance(r, 0.1)) {
		choose_pcp(g, next, r);
	}
	return start;
}

static void draw_enrollment(const struct gen *g, struct member *m, struct rng *r)
{
	struct span s, next;
	int last = m->death != DATE_NONE ? m->death : g->win_end;

	s.partner = draw_partner(g, r);
	choose_pcp(g, &s, r);
	s.start = first_start(g, m, r);
	s.benefit = member_age(m, g->win_end) >= 65 ? "OHP_PLUS_DUAL" : "OHP_PLUS";
	m->nspans = 0;
	while (s.start <= last && m->nspans < MAX_SPANS) {
		s.end = span_end(s.start, r);
		if (s.end >= last || m->nspans == MAX_SPANS - 1)
			s.end = last;
		m->span[m->nspans++] = s;
		if (s.end == last)
			break;
		s.start = next_span(g, &m->span[m->nspans - 1], &next, r);
		if (s.start == DATE_NONE)
			break;
		next.start = s.start;
		s = next;
	}
}

void member_make(const struct gen *g, unsigned long long idx, struct member *m,
		 struct rng *r)
{
	double u;

	m->idx = idx;
	snprintf(m->id, sizeof(m->id), "M%07llu", idx + 1);
	draw_birth(g, m, r);
	u = rng_unit(r);
	m->sex = u < 0.52 ? 'F' : u < 0.995 ? 'M' : 'U';
	m->race = draw_text(r, races, NELEM(races));
	m->ethnicity = draw_text(r, ethnicities, NELEM(ethnicities));
	m->language = draw_text(r, languages, NELEM(languages));
	m->zip = rng_range(r, 97001, 97920);
	m->prop = 0.55 + 0.7 * rng_unit(r);
	draw_conditions(g, m, r);
	draw_enrollment(g, m, r);
}

int member_span_at(const struct member *m, int day)
{
	if (m->death != DATE_NONE && day > m->death)
		return -1;
	for (int i = m->nspans; i-- > 0;)
		if (m->span[i].start <= day && day <= m->span[i].end)
			return i;
	return -1;
}

int member_age(const struct member *m, int day)
{
	return date_age_years(m->birth, day);
}

#define SALT_ASSIGNMENT_END 0x617373656e64ULL

/* The last day of an assignment made for span s: the span's end, except
 * that the assignment of a member still enrolled when the generated window
 * ends runs on (as a plan's PCP assignments do): 80% open-ended, 15% ending
 * 1 to 6 months after the window (within the 12 months after a mid-year
 * as-of date that cco-ingest takes as plausible), 5% with it.  Drawn from
 * a stream of its own, so every other draw of the member stays as it was. */
static int assignment_end(const struct gen *g, const struct member *m,
			  const struct span *s)
{
	struct rng r;
	double u;

	if (s->end < g->win_end || m->death != DATE_NONE)
		return s->end;
	rng_seed(&r, g->o.seed, m->idx, SALT_ASSIGNMENT_END + (uint64_t)(s - m->span));
	u = rng_unit(&r);
	if (u < 0.80)
		return DATE_NONE;
	if (u < 0.95)
		return date_add_months(g->win_end, rng_range(&r, 1, 6));
	return s->end;
}

static void write_assignment(struct gen *g, const struct member *m,
			     const struct span *s, struct rng *r)
{
	struct row row;
	int start = s->start;

	if (!rng_chance(r, 0.7))
		return;
	if (rng_chance(r, 0.2) && date_add_months(start, 1) <= s->end)
		start = date_add_months(start, 1);
	row_reset(&row);
	row_add(&row, m->id);
	row_add(&row, s->pcp->npi);
	row_add(&row, g->net.clinic[s->clinic].id);
	row_add_date(&row, start);
	row_add_date(&row, assignment_end(g, m, s));
	emit_row(g, &g->pcp, &row, K_OTHER);
}

void member_write(struct gen *g, const struct member *m, struct rng *r)
{
	struct row row;
	struct contact c;
	char sex[2] = { m->sex, '\0' };

	row_reset(&row);
	row_add(&row, m->id);
	row_add_date(&row, m->birth);
	row_add(&row, sex);
	row_add_name(&row, m->race);
	row_add_name(&row, m->ethnicity);
	row_add_name(&row, m->language);
	row_add_uint(&row, (unsigned long long)m->zip);
	row_add_date(&row, m->death);
	contact_make(g, m, &c);
	row_add(&row, c.first);
	row_add(&row, c.last);
	row_add(&row, c.phone);
	row_add(&row, c.address);
	row_add(&row, c.city);
	row_add(&row, "OR");
	row_add(&row, c.interpreter ? "Y" : "N");
	emit_row(g, &g->members, &row, K_MEMBER);
	for (int i = 0; i < m->nspans; i++) {
		const struct span *s = &m->span[i];

		row_reset(&row);
		row_add(&row, m->id);
		row_add(&row, g->net.part[s->partner].id);
		row_add_date(&row, s->start);
		row_add_date(&row, s->end);
		row_add(&row, s->benefit);
		emit_row(g, &g->enrollment, &row, K_OTHER);
	}
	for (int i = 0; i < m->nspans; i++)
		write_assignment(g, m, &m->span[i], r);
}
