/*
 * months.c: the partner accountable for each member-month of the
 * measurement year, by the configured rule (attribute.partner_rule).
 */
#include <stdio.h>

#include "attribute.h"
#include "date.h"

static const char *const rule_names[] = { "last_day", "first_day", "most_days" };
static const char *const unattributed_reason[] = {
	"not enrolled on the month's last day", "not enrolled on the month's first day", ""
};

static int month_partner(const struct member *m, int from, int to, enum month_rule rule)
{
	switch (rule) {
	case MONTH_LAST_DAY:
		return enr_partner(m->spans, m->nspans, from, to, to, ENR_ANCHOR);
	case MONTH_FIRST_DAY:
		return enr_partner(m->spans, m->nspans, from, to, from, ENR_ANCHOR);
	case MONTH_MOST_DAYS:
		return enr_partner(m->spans, m->nspans, from, to, 0, ENR_MOST_DAYS);
	}
	return -1;
}

void months_write(struct rec_writer *w, const struct member *m, int my,
		  enum month_rule rule, const struct names *p,
		  struct month_counts *counts)
{
	int any = 0;

	for (int month = 1; month <= 12; month++) {
		int from = date_from_ymd(my, month, 1);
		int to = from + date_month_days(my, month) - 1;
		char label[DATE_ISO_LEN + 1];
		int partner;

		if (enr_days(m->spans, m->nspans, from, to) == 0)
			continue;
		any = 1;
		partner = month_partner(m, from, to, rule);
		date_format_ym(my, month, label);
		rec_put_str(w, PARTNER_MONTHS_member_id, m->id);
		rec_put_str(w, PARTNER_MONTHS_month, label);
		rec_put_str(w, PARTNER_MONTHS_partner_id, partner >= 0 ? p->v[partner] : NULL);
		rec_put_str(w, PARTNER_MONTHS_rule, rule_names[rule]);
		rec_put_str(w, PARTNER_MONTHS_reason, partner >= 0 ? NULL : unattributed_reason[rule]);
		rec_end(w);
		if (partner >= 0)
			counts->attributed++;
		else
			counts->unattributed++;
	}
	counts->members += any;
}
