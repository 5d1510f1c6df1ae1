/*
 * evaluate.h: one member against every measure.
 */
#ifndef CCO_EVALUATE_H
#define CCO_EVALUATE_H

#include "agg.h"
#include "mdef.h"
#include "member.h"
#include "view.h"

struct rec_writer;

struct eval_run {
	const struct measure_set *ms;
	int my_start, my_end, as_of;
	struct rec_writer *results;   /* per member and sub-result */
	struct agg *agg;
	const struct member_reader *reader; /* for partner ids */
	long long *not_in_denominator;      /* per measure: members checked but out */
	long long *denominator, *excluded;  /* per measure */
	long long **numerator;              /* per measure and sub-result */
	int *named;                         /* scratch: a measure's dates */
	int clinic;                         /* the member's clinic, interned in agg */
	int *agg_partner;                   /* reader partner index -> agg's, or -1 */
	int nagg_partner;
	int no_partner;                     /* agg's index of "", or -1 */
	signed char *refs;                  /* scratch: sub-result outcomes */
	int *ref_deadlines;                 /* scratch: sub-result deadlines */
	struct member_view view;            /* scratch: for partner_rule = each */
};

/* Evaluate m for every measure: write its result rows (members in a
 * denominator only) and count it.  Errors are the writer's (sticky). */
void evaluate_member(struct eval_run *e, const struct mmember *m);

#endif
