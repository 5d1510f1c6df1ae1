/*
 * results.c: the result codes the GSD and CBP measures read.  A diabetic
 * member's HbA1c lab result (care_adult.c) gets, on some of its visits,
 * the CPT II code whose band holds its value; a member with hypertension
 * gets its diagnosis on office visits and, on most of them, a systolic
 * and a diastolic CPT II code.  Which code stands for which values is the
 * value sets' (config/valuesets/results.csv, read through vs_band()), not
 * this file's.  Every draw comes from a stream of the member's own
 * (salted, as contact.c does), so adding them left every other draw of
 * the generator as it was.
 */
#include <string.h>

#include "gen.h"
#include "valueset.h"

#define SALT_RESULTS 0x726573756c7473ULL

/* The code of p whose band in value set `set` holds value (thousandths),
 * copied to out; 0 if none does. */
static int band_code(const struct gen *g, const struct pick *p, const char *set, int value,
		     char *out, size_t size)
{
	const struct valueset *vs = vs_find(g->vs, set);
	int lo, hi;

	for (int i = 0; i < p->n; i++) {
		const char *code = p->e[i]->lo;

		if (vs_band(vs, "CPT", code, &lo, &hi) && value >= lo && value <= hi &&
		    strlen(code) < size) {
			memcpy(out, code, strlen(code) + 1);
			return 1;
		}
	}
	return 0;
}

/* A zero-paid line with the code of p whose band holds value. */
static void band_line(struct claim *c, struct care *k, const struct pick *p, const char *set,
		      int value)
{
	char code[8];
	struct cline *l;

	if (band_code(k->g, p, set, value, code, sizeof(code)) && (l = claim_line(c, k, NULL, 0))) {
		memcpy(l->proc, code, sizeof(code));
		c->nresults++;
	}
}

/* 1 if the claim has diagnosis code (as extracts write it) already. */
static int has_dx(const struct claim *c, const char *code)
{
	for (int i = 0; i < c->ndx; i++)
		if (strcmp(c->dx[i], code) == 0)
			return 1;
	return 0;
}

/* 1 if the claim has a line whose procedure code is in p. */
static int has_line(const struct claim *c, const struct pick *p)
{
	for (int i = 0; i < c->nlines; i++)
		if (pick_contains(p, c->line[i].proc))
			return 1;
	return 0;
}

/* The HbA1c lab result of day, in thousandths, or -1. */
static int a1c_value(const struct care *k, int day)
{
	const struct memberbuf *b = k->b;

	for (int i = 0; i < b->nlab; i++)
		if (b->lab[i].day == day && pick_contains(&k->g->c.a1c_loinc, b->lab[i].loinc))
			return b->lab[i].tenths * 100;
	return -1;
}

/* A diabetic member's HbA1c visit: its CPT II band, on 60% of them. */
static void a1c_band(struct claim *c, struct care *k)
{
	int value = a1c_value(k, c->from);

	if (value >= 0 && has_line(c, &k->g->c.a1c_cpt) && rng_chance(k->r, 0.6))
		band_line(c, k, &k->g->c.a1c_band, "hba1c_result", value);
}

/* A hypertensive member's office visit: the diagnosis on 80%, a reading
 * on 75% (systolic 105-154, diastolic 62-95 mm Hg: about 57% below
 * 140/90, near the 55-60% Medicaid plans report for CBP). */
static void blood_pressure(struct claim *c, struct care *k)
{
	const struct codes *cs = &k->g->c;

	char dx[16];

	pick_code(&cs->hypertension, k->r, dx, sizeof(dx));
	if (rng_chance(k->r, 0.8) && !has_dx(c, dx))
		claim_dx_code(c, dx);
	if (!rng_chance(k->r, 0.75))
		return;
	band_line(c, k, &cs->bp_systolic, "bp_systolic", (105 + (int)rng_below(k->r, 50)) * 1000);
	band_line(c, k, &cs->bp_diastolic, "bp_diastolic", (62 + (int)rng_below(k->r, 34)) * 1000);
}

void care_results(struct care *k)
{
	const struct member *m = k->m;
	struct rng r;
	struct care own = *k;
	int hypertensive;

	rng_seed(&r, k->g->o.seed, m->idx, SALT_RESULTS);
	own.r = &r;
	/* about 55% of the adults with chronic conditions: a fifth of adults */
	hypertensive = (m->cond & C_CHRONIC) && rng_chance(&r, 0.55);
	for (int i = 0; i < k->b->nclaim; i++) {
		struct claim *c = &k->b->claim[i];

		if (c->type != 'P' || !has_line(c, &k->g->c.office))
			continue;
		if (m->cond & C_DIABETES)
			a1c_band(c, &own);
		if (hypertensive && member_age(m, c->from) >= 18)
			blood_pressure(c, &own);
	}
}
