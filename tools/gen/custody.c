/*
 * custody.c: the ODHS custody roster.  About one child in a hundred (a
 * member under 18 on a day of the window) enters ODHS custody once in the
 * window, on a day enrolled, and stays a geometric while (a year and a
 * half on average; still in custody past the window: no end).  Most get
 * the physical, dental and mental health assessments the custody measures
 * look for, some after their 60 days.  Everything is drawn from a stream
 * of the member's own (salted), and the assessments are claims of their
 * own written after the member's others: adding the roster left every
 * other file as it was but for these children's added claim lines.
 */
#include <string.h>

#include "date.h"
#include "gen.h"

#define SALT_CUSTODY 0x637573746f6479ULL /* "custody" */
#define CUSTODY_RATE 0.01
#define CUSTODY_FIRST_ID 9001 /* the assessments' claim ids: above the member's own */

/* The last day of the window the member is under 18 and alive, or
 * DATE_NONE. */
static int last_child_day(const struct gen *g, const struct member *m)
{
	int last = date_birthday(m->birth, 18) - 1;

	if (last > g->win_end)
		last = g->win_end;
	if (m->death != DATE_NONE && last >= m->death)
		last = m->death - 1;
	return last;
}

/* An assessment's day: within 60 days of start, or (late) up to 120. */
static int assessment_day(struct rng *r, int start)
{
	return start + (rng_chance(r, 0.85) ? rng_range(r, 0, 60) : rng_range(r, 61, 120));
}

static void physical(struct care *k, int day)
{
	struct claim *c = care_office(k, day);

	if (!c)
		return;
	claim_dx(c, k, &k->g->c.well_dx);
	care_preventive_line(k, c, day);
}

static void dental(struct care *k, int day)
{
	struct claim *c = care_visit(k, day, R_DENTIST, "11");

	if (!c)
		return;
	claim_dx(c, k, &k->g->c.dental_dx);
	claim_line(c, k, &k->g->c.oral_eval, 5000);
}

static void mental_health(struct care *k, int day)
{
	static const char code[6] = "90791"; /* psychiatric diagnostic evaluation */
	struct claim *c = care_visit(k, day, R_MH, "11");

	if (!c)
		return;
	claim_dx(c, k, &k->g->c.mental);
	memcpy(claim_line(c, k, NULL, 16000)->proc, code, sizeof(code));
}

/* The assessments after entry on start, each by the child's age then. */
static void assessments(struct care *k, int start)
{
	int age = member_age(k->m, start);

	if (rng_chance(k->r, 0.8))
		physical(k, assessment_day(k->r, start));
	if (age >= 1 && rng_chance(k->r, 0.55))
		dental(k, assessment_day(k->r, start));
	if (age >= 4 && rng_chance(k->r, 0.65))
		mental_health(k, assessment_day(k->r, start));
}

void custody_make(const struct care *k, struct memberbuf *buf)
{
	struct gen *g = k->g;
	const struct member *m = k->m;
	struct care own = { g, m, NULL, buf };
	struct rng r;
	struct row row;
	int first = m->birth > g->win_start ? m->birth : g->win_start;
	int last = last_child_day(g, m), start, end;

	rng_seed(&r, g->o.seed, m->idx, SALT_CUSTODY);
	if (last < first || !rng_chance(&r, CUSTODY_RATE))
		return;
	/* entering custody, a child is on the plan (up to 8 draws of a day) */
	start = rng_range(&r, first, last);
	for (int tries = 1; member_span_at(m, start) < 0; tries++) {
		if (tries == 8)
			return;
		start = rng_range(&r, first, last);
	}
	end = start + 30 + rng_geometric(&r, 520, 3650);
	row_reset(&row);
	row_add(&row, m->id);
	row_add_date(&row, start);
	row_add_date(&row, end <= g->win_end ? end : DATE_NONE);
	emit_row(g, &g->custody, &row, K_OTHER);
	own.r = &r;
	assessments(&own, start);
	claims_write_from(g, m, buf, &r, CUSTODY_FIRST_ID);
}
