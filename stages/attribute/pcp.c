/*
 * pcp.c: the member's PCP and clinic.  A PCP assignment in force on the
 * attribution date wins.  Otherwise, CMS style: among primary-care providers with
 * qualifying services in the lookback window, the plurality of visits
 * (distinct dates) or of allowed amounts wins; ties go to the most recent
 * service, then the lowest NPI.  Every candidate is written to the audit
 * file in that order, so the ranking can be read back.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "date.h"
#include "xalloc.h"

struct candidate {
	const struct provider *prov;
	int visits;      /* distinct service dates */
	double allowed;
	int last;        /* latest service date */
	double metric;   /* what the plurality counts */
};

static const char *const rule_names[PCP_NRULES] = {
	"assignment", "plurality", "tie-break", "none"
};

const char *pcp_rule_name(enum pcp_rule rule)
{
	return rule_names[rule];
}

static int by_provider_date(const void *a, const void *b)
{
	const struct service *x = a, *y = b;
	int c = strcmp(x->prov->npi, y->prov->npi);

	return c ? c : (x->date > y->date) - (x->date < y->date);
}

static int by_rank(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->metric != y->metric)
		return x->metric < y->metric ? 1 : -1;
	if (x->last != y->last)
		return x->last < y->last ? 1 : -1;
	return strcmp(x->prov->npi, y->prov->npi);
}

/* Group m's services by provider into cand (sized m->nsvc), ranked.
 * Returns the number of candidates. */
static int rank(struct member *m, struct candidate *cand, int by_allowed)
{
	int n = 0;

	if (m->nsvc > 1)
		qsort(m->svc, (size_t)m->nsvc, sizeof(*m->svc), by_provider_date);
	for (int i = 0; i < m->nsvc; i++) {
		const struct service *s = &m->svc[i];
		struct candidate *c = n ? &cand[n - 1] : NULL;

		if (!c || c->prov != s->prov) {
			c = &cand[n++];
			memset(c, 0, sizeof(*c));
			c->prov = s->prov;
		}
		if (c->visits == 0 || s->date != c->last)
			c->visits++;
		c->allowed += s->allowed;
		c->last = s->date;
	}
	for (int i = 0; i < n; i++)
		cand[i].metric = by_allowed ? cand[i].allowed : cand[i].visits;
	if (n > 1)
		qsort(cand, (size_t)n, sizeof(*cand), by_rank);
	return n;
}

/* The assignment in force on day on (started on or before it, ending on
 * or after it): latest start, then lowest NPI. */
static const struct assignment *current_assignment(const struct member *m, int on)
{
	const struct assignment *best = NULL;

	for (int i = 0; i < m->nasg; i++) {
		const struct assignment *a = &m->asg[i];

		if (a->start > on || (a->end != DATE_NONE && a->end < on))
			continue;
		if (!best || a->start > best->start ||
		    (a->start == best->start && strcmp(a->pcp_npi, best->pcp_npi) < 0))
			best = a;
	}
	return best;
}

/* v as snprintf's "%.2f" writes it, into buf (32 bytes).  Where v * 100
 * is plainly on one side of a rounding boundary, without printf: p, the
 * product as a double, is within ulp(p) / 2 < 2^-12 of the exact one
 * (below 2^40), so an integer c with |p - c| < 0.49 is the exact
 * product's nearest, and no tie: c / 100 is printf's answer.  Else (a
 * negative amount or -0, a near tie, a huge one) printf itself. */
static void format_amount(char *buf, double v)
{
	double p = v * 100, c = nearbyint(p);
	long long cents = (long long)c;

	if (!(v >= 0 && !signbit(v) && p < 0x1p40 && fabs(p - c) < 0.49)) {
		snprintf(buf, 32, "%.2f", v);
		return;
	}
	size_t n = rec_format_int(cents / 100, buf);

	buf[n] = '.';
	buf[n + 1] = (char)('0' + cents % 100 / 10);
	buf[n + 2] = (char)('0' + cents % 10);
	buf[n + 3] = '\0';
}

static void write_audit(struct rec_writer *w, const struct member *m,
			const struct candidate *cand, int n, const char *chosen)
{
	char amount[32];

	for (int i = 0; i < n; i++) {
		format_amount(amount, cand[i].allowed);
		rec_put_str(w, ATTRIBUTION_AUDIT_member_id, m->id);
		rec_put_int(w, ATTRIBUTION_AUDIT_rank, i + 1);
		rec_put_str(w, ATTRIBUTION_AUDIT_npi, cand[i].prov->npi);
		rec_put_str(w, ATTRIBUTION_AUDIT_clinic_id, cand[i].prov->clinic_id);
		rec_put_int(w, ATTRIBUTION_AUDIT_visits, cand[i].visits);
		rec_put_str(w, ATTRIBUTION_AUDIT_allowed, amount);
		rec_put_date(w, ATTRIBUTION_AUDIT_last_visit, cand[i].last);
		rec_put_int(w, ATTRIBUTION_AUDIT_chosen,
			    chosen && strcmp(chosen, cand[i].prov->npi) == 0);
		rec_end(w);
	}
}

enum pcp_rule pcp_attribute(struct rec_writer *attr, struct rec_writer *audit,
			    struct member *m, const struct pcp_options *o,
			    const struct roster *r, const struct names *p)
{
	struct candidate *cand = xcalloc((size_t)m->nsvc + 1, sizeof(*cand));
	const struct assignment *a = current_assignment(m, o->on);
	const struct provider *prov = NULL;
	const char *npi = NULL, *clinic = NULL;
	int n = rank(m, cand, o->by_allowed);
	int partner = enr_partner(m->spans, m->nspans, date_from_ymd(1900, 1, 1),
				  o->on, 0, ENR_LAST);
	enum pcp_rule rule = PCP_NONE;
	int by_visits;

	if (a) {
		rule = PCP_ASSIGNMENT;
		npi = a->pcp_npi;
		prov = *npi ? roster_find(r, npi) : NULL;
		clinic = *a->clinic_id ? a->clinic_id : prov ? prov->clinic_id : NULL;
	} else if (n > 0) {
		rule = n > 1 && cand[1].metric == cand[0].metric ? PCP_TIE_BREAK : PCP_PLURALITY;
		prov = cand[0].prov;
		npi = prov->npi;
		clinic = prov->clinic_id;
	}
	by_visits = rule == PCP_PLURALITY || rule == PCP_TIE_BREAK;
	rec_put_str(attr, ATTRIBUTION_member_id, m->id);
	rec_put_str(attr, ATTRIBUTION_partner_id, partner >= 0 ? p->v[partner] : NULL);
	rec_put_str(attr, ATTRIBUTION_pcp_npi, npi);
	rec_put_str(attr, ATTRIBUTION_clinic_id, clinic);
	rec_put_str(attr, ATTRIBUTION_clinic_partner_id, prov ? prov->partner_id : NULL);
	rec_put_str(attr, ATTRIBUTION_rule, rule_names[rule]);
	rec_put_int(attr, ATTRIBUTION_visits, by_visits ? cand[0].visits : 0);
	rec_put_date(attr, ATTRIBUTION_last_visit, by_visits ? cand[0].last : DATE_NONE);
	rec_end(attr);
	write_audit(audit, m, cand, n, npi);
	free(cand);
	return rule;
}
