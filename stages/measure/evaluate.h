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

/* One measure's counts over the run's members (or member months, or
 * episodes). */
struct measure_count {
	long long not_in_denominator; /* members checked but out */
	long long denominator, excluded;
	long long *numerator;         /* per sub-result */
};

/* The evaluation of a run: what it borrows from the caller, the counts it
 * keeps, and scratch reused from member to member.  eval_run_init() fills
 * it, eval_run_release() frees everything it owns. */
struct eval_run {
	/* borrowed: the caller's, outliving the run */
	const struct measure_set *ms;
	const struct names *partners;       /* the ids spans' partners index */
	struct rec_writer *results;         /* per member and sub-result */
	int my_start, my_end, as_of;
	/* owned: the counts */
	struct agg *agg;                    /* per partner and clinic */
	struct measure_count *count;        /* per measure */
	int member_gaps;                    /* the last member's open gaps, as
					       the gap lists count them */
	/* owned: scratch */
	int *named;                         /* a measure's dates */
	signed char *refs;                  /* sub-result outcomes */
	struct mx_trace *ref_traces;        /* sub-result evidence, deadlines */
	struct member_view view;            /* for partner_rule = each */
	int clinic;                         /* the member's clinic, interned in agg */
	int *agg_partner;                   /* partner index -> agg's, or -1;
					       grows as partners are met */
	int nagg_partner;
	int no_partner;                     /* agg's index of "", or -1 */
};

/* Set e up to evaluate the measures ms for measurement year my as of the
 * date as_of, writing results to results; the partner indexes of the
 * members' spans name partners (which may grow between members).  ms,
 * partners and results are borrowed and must outlive e.  Allocation
 * failure aborts (xalloc), so this cannot fail. */
void eval_run_init(struct eval_run *e, const struct measure_set *ms,
		   const struct names *partners, struct rec_writer *results,
		   int my, int as_of);

/* Free what e owns (not what it borrows) and zero it.  Safe on a zeroed
 * eval_run and after a failed run. */
void eval_run_release(struct eval_run *e);

/* Evaluate m for every measure: write its result rows (members in a
 * denominator only) and count it.  Errors are the writer's (sticky). */
void evaluate_member(struct eval_run *e, const struct mmember *m);

#endif
