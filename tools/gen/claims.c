/*
 * claims.c: one member's claims, pharmacy fills, registry doses and lab
 * results, collected while their care is generated and then written in
 * date order: line-level medical claims with denials, replacements (7) and
 * voids (8) that may arrive months later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "gen.h"
#include "xalloc.h"

void memberbuf_init(struct memberbuf *b)
{
	memset(b, 0, sizeof(*b));
	b->claim = xmalloc(sizeof(*b->claim) * MEMBER_MAX_CLAIMS);
	b->fill = xmalloc(sizeof(*b->fill) * MEMBER_MAX_FILLS);
	b->shot = xmalloc(sizeof(*b->shot) * MEMBER_MAX_SHOTS);
	b->lab = xmalloc(sizeof(*b->lab) * MEMBER_MAX_LABS);
}

void memberbuf_free(struct memberbuf *b)
{
	free(b->claim);
	free(b->fill);
	free(b->shot);
	free(b->lab);
}

static struct claim *new_claim(struct care *k, char type, int from, int to)
{
	struct claim *c;

	if (k->b->nclaim == MEMBER_MAX_CLAIMS)
		return NULL;
	c = &k->b->claim[k->b->nclaim];
	c->type = type;
	c->from = from;
	c->to = to;
	c->admit = c->discharge = DATE_NONE;
	c->dstat[0] = c->bill[0] = c->pos[0] = '\0';
	c->ndx = c->npcs = c->nlines = 0;
	c->nresults = 0;
	c->billing = c->rendering = NULL;
	c->seq = k->b->nclaim++;
	return c;
}

struct claim *claim_prof(struct care *k, int day, const struct provider *billing,
			 const struct provider *rendering, const char *pos)
{
	struct claim *c = new_claim(k, 'P', day, day);

	if (!c)
		return NULL;
	c->billing = billing;
	c->rendering = rendering;
	snprintf(c->pos, sizeof(c->pos), "%s", pos);
	return c;
}

struct claim *claim_inst(struct care *k, int from, int to,
			 const struct provider *facility, const struct pick *bill)
{
	struct claim *c = new_claim(k, 'I', from, to);

	if (!c)
		return NULL;
	c->billing = c->rendering = facility;
	pick_code(bill, k->r, c->bill, sizeof(c->bill));
	return c;
}

void claim_dx_code(struct claim *c, const char *code)
{
	size_t n = strlen(code);

	if (c->ndx == CLAIM_MAX_DX)
		return;
	if (n >= sizeof(c->dx[0]))
		n = sizeof(c->dx[0]) - 1;
	memcpy(c->dx[c->ndx], code, n);
	c->dx[c->ndx++][n] = '\0';
}

void claim_dx(struct claim *c, struct care *k, const struct pick *p)
{
	char code[16];

	pick_code(p, k->r, code, sizeof(code));
	claim_dx_code(c, code);
}

struct cline *claim_line(struct claim *c, struct care *k, const struct pick *p,
			 long cents)
{
	struct cline *l;

	if (c->nlines == CLAIM_MAX_LINES)
		return NULL;
	l = &c->line[c->nlines++];
	memset(l, 0, sizeof(*l));
	if (p)
		pick_code(p, k->r, l->proc, sizeof(l->proc));
	if (c->nlines == 1 && c->pos[0] && pick_contains(&k->g->c.tele_pos, c->pos))
		pick_code(&k->g->c.tele_mod, k->r, l->mod[0], sizeof(l->mod[0]));
	l->cents = cents + (long)rng_below(k->r, (uint32_t)(cents / 4 + 1));
	return l;
}

void claim_rev(struct cline *l, struct care *k, const struct pick *p)
{
	if (l)
		pick_code(p, k->r, l->rev, sizeof(l->rev));
}

void care_fill(struct care *k, int day, const struct pick *ndc, int days,
	       const struct provider *prescriber)
{
	struct fill *f;

	if (k->b->nfill == MEMBER_MAX_FILLS || day < k->g->win_start ||
	    day > k->g->win_end || member_span_at(k->m, day) < 0)
		return;
	f = &k->b->fill[k->b->nfill];
	f->day = day;
	f->seq = k->b->nfill++;
	pick_code(ndc, k->r, f->ndc, sizeof(f->ndc));
	f->days = days;
	f->qty = days * rng_range(k->r, 1, 2);
	f->prescriber = prescriber;
}

void care_shot(struct care *k, int day, const struct pick *cvx)
{
	struct shot *s;

	if (k->b->nshot == MEMBER_MAX_SHOTS || day > k->g->win_end)
		return;
	s = &k->b->shot[k->b->nshot++];
	s->day = day;
	pick_code(cvx, k->r, s->cvx, sizeof(s->cvx));
}

void care_lab(struct care *k, int day, const struct pick *loinc, int tenths)
{
	struct labres *l;

	if (k->b->nlab == MEMBER_MAX_LABS)
		return;
	l = &k->b->lab[k->b->nlab++];
	l->day = day;
	pick_code(loinc, k->r, l->loinc, sizeof(l->loinc));
	l->tenths = tenths;
}

/* ---- writing ---- */

static int by_claim_date(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_fill_date(const void *a, const void *b)
{
	const struct fill *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_shot(const void *a, const void *b)
{
	const struct shot *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return strcmp(x->cvx, y->cvx);
}

static int by_lab(const void *a, const void *b)
{
	const struct labres *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (strcmp(x->loinc, y->loinc) != 0)
		return strcmp(x->loinc, y->loinc);
	return (x->tenths > y->tenths) - (x->tenths < y->tenths);
}

static int runout(struct rng *r)
{
	double u = rng_unit(r);

	return u < 0.6 ? rng_range(r, 5, 30) : u < 0.9 ? rng_range(r, 31, 60)
						      : rng_range(r, 61, 92);
}

/* What one version of a claim looks like in the extract. */
struct version {
	char id[24], orig[24];
	char freq;
	int denied, adj;
	unsigned deny_lines;      /* bit i: line i denied on a paid claim */
	int pct;                  /* allowed amount in percent of the original */
};

static void claim_rows(struct gen *g, const struct member *m, const struct claim *c,
		       const struct version *v)
{
	struct out_file *o = gen_med_file(g, v->adj);
	char bill[4];
	struct row row;

	snprintf(bill, sizeof(bill), "%s", c->bill);
	if (bill[0] && bill[2])
		bill[2] = v->freq;
	for (int i = 0; i < c->nlines; i++) {
		const struct cline *l = &c->line[i];
		int denied = v->denied || (v->deny_lines >> i & 1);
		long allowed = l->cents * v->pct / 100;

		row_reset(&row);
		row_add(&row, v->id);
		row_add_uint(&row, (unsigned long long)i + 1);
		row_add(&row, m->id);
		row_add(&row, c->type == 'P' ? "P" : "I");
		row_add(&row, v->freq == '1' ? "1" : v->freq == '7' ? "7" : "8");
		row_add(&row, v->orig);
		row_add(&row, denied ? "denied" : "paid");
		row_add_date(&row, v->adj);
		row_add_date(&row, c->from);
		row_add_date(&row, c->to);
		row_add_date(&row, c->admit);
		row_add_date(&row, c->discharge);
		row_add(&row, c->dstat);
		row_add(&row, bill);
		row_add(&row, c->pos);
		row_add(&row, l->rev);
		row_add(&row, l->proc);
		row_add(&row, l->mod[0]);
		row_add(&row, l->mod[1]);
		row_add(&row, "");
		row_add(&row, "");
		for (int d = 0; d < CLAIM_MAX_DX; d++)
			row_add(&row, d < c->ndx ? c->dx[d] : "");
		for (int p = 0; p < 3; p++)
			row_add(&row, p < c->npcs ? c->pcs[p] : "");
		row_add(&row, c->billing->npi);
		row_add(&row, c->rendering->npi);
		row_add_cents(&row, denied ? 0 : allowed);
		row_add_cents(&row, denied ? 0 : allowed * (70 + (long)(l->cents % 31)) / 100);
		emit_row(g, o, &row, K_MEDICAL);
		g->nmed++;
	}
	g->nclaims++;
}

static int clamp_adj(const struct gen *g, int day)
{
	return day > g->adj_last ? g->adj_last : day;
}

static void write_claim(struct gen *g, const struct member *m, const struct claim *c,
			int *next_id, struct rng *r)
{
	struct version v;
	int end = c->discharge != DATE_NONE ? c->discharge : c->to;

	memset(&v, 0, sizeof(v));
	snprintf(v.id, sizeof(v.id), "C%07llu%04d", m->idx + 1, (*next_id)++);
	v.freq = '1';
	v.denied = rng_chance(r, 0.04);
	v.adj = clamp_adj(g, end + runout(r));
	v.pct = 100;
	/* the lines results.c added draw nothing here: the other draws stay */
	if (!v.denied && c->nlines - c->nresults > 1 && rng_chance(r, 0.04))
		v.deny_lines = 1u << rng_below(r, (uint32_t)(c->nlines - c->nresults));
	claim_rows(g, m, c, &v);
	if (rng_chance(r, v.denied ? 0.3 : 0.03)) {
		memcpy(v.orig, v.id, sizeof(v.id));
		snprintf(v.id, sizeof(v.id), "C%07llu%04d", m->idx + 1, (*next_id)++);
		v.freq = '7';
		v.denied = 0;
		v.deny_lines = 0;
		v.adj = clamp_adj(g, v.adj + rng_range(r, 14, 120));
		v.pct = rng_range(r, 85, 115);
		claim_rows(g, m, c, &v);
	} else if (!v.denied && rng_chance(r, 0.012)) {
		memcpy(v.orig, v.id, sizeof(v.id));
		snprintf(v.id, sizeof(v.id), "C%07llu%04d", m->idx + 1, (*next_id)++);
		v.freq = '8';
		v.adj = clamp_adj(g, v.adj + rng_range(r, 10, 120));
		claim_rows(g, m, c, &v);
	}
}

static void fill_row(struct gen *g, const struct member *m, const struct fill *f,
		     const char *id, const char *freq, const char *orig,
		     int denied, int adj)
{
	struct row row;

	row_reset(&row);
	row_add(&row, id);
	row_add(&row, m->id);
	row_add(&row, freq);
	row_add(&row, orig);
	row_add(&row, denied ? "denied" : "paid");
	row_add_date(&row, adj);
	row_add_date(&row, f->day);
	row_add(&row, f->ndc);
	row_add_uint(&row, (unsigned long long)f->days);
	row_add_uint(&row, (unsigned long long)f->qty);
	row_add(&row, f->prescriber->npi);
	emit_row(g, gen_rx_file(g, adj), &row, K_PHARMACY);
	g->nrx++;
}

static void write_fill(struct gen *g, const struct member *m, const struct fill *f,
		       int n, struct rng *r)
{
	char id[24], orig[24];
	int denied = rng_chance(r, 0.03);

	snprintf(id, sizeof(id), "R%07llu%04d", m->idx + 1, n);
	fill_row(g, m, f, id, "1", "", denied, f->day);
	if (rng_chance(r, 0.02)) {
		int later = clamp_adj(g, f->day + rng_range(r, 1, 60));

		memcpy(orig, id, sizeof(id));
		snprintf(id, sizeof(id), "R%07llu%04d", m->idx + 1, n + 5000);
		fill_row(g, m, f, id, rng_chance(r, 0.5) ? "7" : "8", orig, 0, later);
	}
}

static void write_registry(struct gen *g, const struct member *m, struct memberbuf *b)
{
	struct row row;

	qsort(b->shot, (size_t)b->nshot, sizeof(*b->shot), by_shot);
	for (int i = 0; i < b->nshot; i++) {
		if (i && b->shot[i].day == b->shot[i - 1].day &&
		    strcmp(b->shot[i].cvx, b->shot[i - 1].cvx) == 0)
			continue;
		row_reset(&row);
		row_add(&row, m->id);
		row_add_date(&row, b->shot[i].day);
		row_add(&row, b->shot[i].cvx);
		emit_row(g, &g->imm, &row, K_OTHER);
	}
	qsort(b->lab, (size_t)b->nlab, sizeof(*b->lab), by_lab);
	for (int i = 0; i < b->nlab; i++) {
		char value[16];

		snprintf(value, sizeof(value), "%d.%d", b->lab[i].tenths / 10,
			 b->lab[i].tenths % 10);
		row_reset(&row);
		row_add(&row, m->id);
		row_add_date(&row, b->lab[i].day);
		row_add(&row, b->lab[i].loinc);
		row_add(&row, value);
		row_add(&row, "%");
		emit_row(g, &g->labs, &row, K_OTHER);
	}
}

void claims_write(struct gen *g, const struct member *m, struct memberbuf *b,
		  struct rng *r)
{
	claims_write_from(g, m, b, r, 1);
}

void claims_write_from(struct gen *g, const struct member *m, struct memberbuf *b,
		       struct rng *r, int first_id)
{
	int next_id = first_id;

	qsort(b->claim, (size_t)b->nclaim, sizeof(*b->claim), by_claim_date);
	for (int i = 0; i < b->nclaim; i++)
		if (b->claim[i].nlines > 0)
			write_claim(g, m, &b->claim[i], &next_id, r);
	qsort(b->fill, (size_t)b->nfill, sizeof(*b->fill), by_fill_date);
	for (int i = 0; i < b->nfill; i++)
		write_fill(g, m, &b->fill[i], i + 1, r);
	write_registry(g, m, b);
	b->nclaim = b->nfill = b->nshot = b->nlab = 0;
}
