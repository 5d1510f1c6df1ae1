/*
 * measurecare.h: the care-coordination criteria in the measure pass
 * (care.c; the criteria themselves are libcco/care.h).
 */
#ifndef CCO_MEASURECARE_H
#define CCO_MEASURECARE_H

#include "care.h"
#include "mdef.h"
#include "member.h"

struct rec_writer;

struct care_run {
	/* borrowed */
	const struct care_def *def;
	struct rec_writer *out;     /* care_flags, set by the caller */
	int as_of;
	/* owned */
	int *slot;                  /* each condition's value-set slot */
	int fills_from;             /* the member reader keeps fills from here */
	long long flagged[CARE_NCRITERIA]; /* members meeting each */
	char *detail;               /* the criterion being written */
	size_t detail_len, detail_cap;
	const char **drugs;         /* scratch for distinct counts */
	size_t drugs_cap;
};

/* Set cr up for def as of as_of: each condition's value set gets a slot
 * in ms (mdef_use_valueset()), so call it before the code index is built.
 * Returns 0 or -1 with err_msg() set; care_run_release() either way. */
int care_run_init(struct care_run *cr, const struct care_def *def, struct measure_set *ms,
		  const struct valuesets *vs, int as_of);

void care_run_release(struct care_run *cr);

/* Write a care_flags row for each criterion m meets; open_gaps is m's count
 * of open gaps.  Errors are the writer's (sticky). */
void care_member(struct care_run *cr, const struct mmember *m, int open_gaps);

#endif
