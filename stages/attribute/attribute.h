/*
 * attribute.h: the parts of cco-attribute.  The provider roster is
 * libcco/roster.c; partners.c interns partner ids and holds the member;
 * months.c gives each member-month its partner; pcp.c picks the member's
 * PCP and clinic and ranks the candidates for the audit file.
 */
#ifndef CCO_ATTRIBUTE_H
#define CCO_ATTRIBUTE_H

#include <stddef.h>

#include "enroll.h"
#include "names.h"
#include "rec.h"
#include "roster.h"

/* ---- partners.c: the member being attributed ---- */

struct assignment {
	char *pcp_npi, *clinic_id;
	int start, end;      /* end DATE_NONE: open */
};

/* One qualifying primary-care service. */
struct service {
	const struct provider *prov;
	int date;
	double allowed;
};

struct member {
	char *id;
	struct enr_span *spans;
	int nspans;
	size_t spans_alloc;
	struct assignment *asg;
	int nasg;
	size_t asg_alloc;
	struct service *svc;
	int nsvc;
	size_t svc_alloc;
};

void member_reset(struct member *m, const char *id);
void member_release(struct member *m);

/* ---- months.c ---- */

enum month_rule { MONTH_LAST_DAY, MONTH_FIRST_DAY, MONTH_MOST_DAYS };

struct month_counts {
	long long attributed;    /* member-months with a partner */
	long long unattributed;  /* enrolled some days, but no partner by the rule */
	long long members;       /* members with any enrollment in the MY */
};

/* Write m's partner_months rows for the months of year my in which m was
 * enrolled at all.  Errors are the writer's (sticky). */
void months_write(struct rec_writer *w, const struct member *m, int my,
		  enum month_rule rule, const struct names *p,
		  struct month_counts *counts);

/* ---- pcp.c ---- */

enum pcp_rule { PCP_ASSIGNMENT, PCP_PLURALITY, PCP_TIE_BREAK, PCP_NONE, PCP_NRULES };

struct pcp_options {
	int on;              /* the attribution date (attribute.date) */
	int from;            /* first day of the lookback window */
	int by_allowed;      /* plurality of allowed amounts, not visits */
};

/* Attribute m, writing its attribution row and its audit rows (m's
 * services are sorted in place).  Returns the rule that decided. */
enum pcp_rule pcp_attribute(struct rec_writer *attr, struct rec_writer *audit,
			    struct member *m, const struct pcp_options *o,
			    const struct roster *r, const struct names *p);

const char *pcp_rule_name(enum pcp_rule rule);

#endif
