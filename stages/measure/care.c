/*
 * care.c: the care-coordination criteria cco-measure can see in claims
 * (cco-care(5)): chronic conditions, utilization, polypharmacy and open
 * gaps, checked for each member in the measure pass and written, one row
 * per criterion met, to measure/care.rec.zst.  cco-export scores them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care.h"
#include "date.h"
#include "err.h"
#include "measurecare.h"
#include "rec.h"
#include "xalloc.h"

int care_run_init(struct care_run *cr, const struct care_def *def, struct measure_set *ms,
		  const struct valuesets *vs, int as_of)
{
	const struct care_rule *poly = &def->rule[CARE_POLYPHARMACY];

	memset(cr, 0, sizeof(*cr));
	cr->def = def;
	cr->as_of = as_of;
	cr->slot = xcalloc((size_t)def->nconditions + 1, sizeof(int));
	for (int i = 0; i < def->nconditions; i++)
		if ((cr->slot[i] = mdef_use_valueset(ms, vs, def->conditions[i])) < 0)
			return err_set("[chronic] conditions: %s", err_msg());
	cr->fills_from = poly->on ? as_of - poly->days + 1 : DATE_NONE;
	return 0;
}

void care_run_release(struct care_run *cr)
{
	free(cr->slot);
	free(cr->detail);
	free(cr->drugs);
	memset(cr, 0, sizeof(*cr));
}

/* The first day of a look-back of months ending on as_of. */
static int since(const struct care_run *cr, int months)
{
	return date_add_months(cr->as_of, -months) + 1;
}

static void detail_reset(struct care_run *cr)
{
	cr->detail_len = 0;
	xgrow(&cr->detail, &cr->detail_cap, 1, 1);
	cr->detail[0] = '\0';
}

/* Append "|" (unless first) and text to the criterion's detail. */
static void detail_add(struct care_run *cr, const char *text)
{
	size_t n = strlen(text);

	xgrow(&cr->detail, &cr->detail_cap, cr->detail_len + n + 2, 1);
	if (cr->detail_len)
		cr->detail[cr->detail_len++] = '|';
	memcpy(cr->detail + cr->detail_len, text, n + 1);
	cr->detail_len += n;
}

/* Append "what YYYY-MM-DD". */
static void detail_day(struct care_run *cr, const char *what, int d)
{
	char day[DATE_ISO_LEN + 1], buf[128];

	date_format(d, day);
	snprintf(buf, sizeof(buf), "%s %s", what, day);
	detail_add(cr, buf);
}

static void put_flag(struct care_run *cr, const struct mmember *m, enum care_criterion c,
		     int count)
{
	rec_put_str(cr->out, CARE_FLAGS_member_id, m->id);
	rec_put_str(cr->out, CARE_FLAGS_criterion, care_name(c));
	rec_put_int(cr->out, CARE_FLAGS_count, count);
	rec_put_str(cr->out, CARE_FLAGS_detail, cr->detail);
	rec_end(cr->out);
	cr->flagged[c]++;
}

static int has_slot(const uint64_t *bits, int slot)
{
	return (int)(bits[slot >> 6] >> (slot & 63) & 1);
}

/* The last day condition i was diagnosed on, counted as the Chronic
 * Conditions Warehouse counts it: on two dates of service, or as the
 * principal diagnosis of one inpatient stay, in the look-back; else
 * DATE_NONE. */
static int condition_date(const struct care_run *cr, const struct mmember *m, int i,
			  int from)
{
	const struct mx_hits *h = &m->hits[cr->slot[i]];
	int dates = 0, prev = DATE_NONE, last = DATE_NONE;

	for (int k = 0; k < h->n; k++) {
		int d = h->v[k].date;

		if (h->v[k].denied || d < from || d > cr->as_of || d == prev)
			continue;
		dates++;
		prev = last = d;
	}
	for (int k = 0; k < m->nstays; k++)
		if (m->stays[k].discharge >= from && m->stays[k].discharge <= cr->as_of &&
		    has_slot(m->stays[k].bits, cr->slot[i])) {
			dates = 2;
			if (last == DATE_NONE || m->stays[k].discharge > last)
				last = m->stays[k].discharge;
		}
	return dates >= 2 ? last : DATE_NONE;
}

static void chronic(struct care_run *cr, const struct mmember *m)
{
	const struct care_rule *r = &cr->def->rule[CARE_CHRONIC];
	int from = since(cr, r->months), n = 0;

	detail_reset(cr);
	for (int i = 0; i < cr->def->nconditions; i++) {
		int d = condition_date(cr, m, i, from);

		if (d == DATE_NONE)
			continue;
		n++;
		detail_day(cr, cr->def->conditions[i], d);
	}
	if (n >= r->at_least)
		put_flag(cr, m, CARE_CHRONIC, n);
}

static void utilization(struct care_run *cr, const struct mmember *m)
{
	const struct care_rule *r = &cr->def->rule[CARE_UTILIZATION];
	int from = since(cr, r->months), ed = 0, stays = 0;

	detail_reset(cr);
	for (int k = 0; k < m->ned; k++)
		if (m->ed_dates[k] >= from && m->ed_dates[k] <= cr->as_of) {
			ed++;
			detail_day(cr, "ED visit", m->ed_dates[k]);
		}
	for (int k = 0; k < m->nstays; k++)
		if (m->stays[k].discharge >= from && m->stays[k].discharge <= cr->as_of) {
			stays++;
			detail_day(cr, "inpatient stay to", m->stays[k].discharge);
		}
	if ((r->ed_visits && ed >= r->ed_visits) ||
	    (r->inpatient_stays && stays >= r->inpatient_stays))
		put_flag(cr, m, CARE_UTILIZATION, ed + stays);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct non-empty strings of v[0 .. n) (sorted in place). */
static int distinct(const char **v, int n)
{
	int k = 0;

	qsort(v, (size_t)n, sizeof(*v), by_string);
	for (int i = 0; i < n; i++)
		k += *v[i] && (i == 0 || strcmp(v[i], v[i - 1]) != 0);
	return k;
}

static void polypharmacy(struct care_run *cr, const struct mmember *m)
{
	const struct care_rule *r = &cr->def->rule[CARE_POLYPHARMACY];
	int drugs, prescribers;
	char buf[96];

	xgrow(&cr->drugs, &cr->drugs_cap, (size_t)m->nfills + 1, sizeof(*cr->drugs));
	for (int k = 0; k < m->nfills; k++)
		cr->drugs[k] = m->fills[k].drug;
	drugs = distinct(cr->drugs, m->nfills);
	for (int k = 0; k < m->nfills; k++)
		cr->drugs[k] = m->fills[k].prescriber;
	prescribers = distinct(cr->drugs, m->nfills);
	if (drugs < r->distinct_drugs &&
	    !(r->with_prescribers && drugs >= r->with_prescribers &&
	      prescribers >= r->prescribers))
		return;
	snprintf(buf, sizeof(buf), "%d drugs, %d prescribers", drugs, prescribers);
	detail_reset(cr);
	detail_add(cr, buf);
	put_flag(cr, m, CARE_POLYPHARMACY, drugs);
}

void care_member(struct care_run *cr, const struct mmember *m, int open_gaps)
{
	const struct care_rule *r = cr->def->rule;

	if (r[CARE_CHRONIC].on)
		chronic(cr, m);
	if (r[CARE_UTILIZATION].on)
		utilization(cr, m);
	if (r[CARE_POLYPHARMACY].on)
		polypharmacy(cr, m);
	if (r[CARE_OPEN_GAPS].on && open_gaps >= r[CARE_OPEN_GAPS].at_least) {
		detail_reset(cr);
		put_flag(cr, m, CARE_OPEN_GAPS, open_gaps);
	}
}
