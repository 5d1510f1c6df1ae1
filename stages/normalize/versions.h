/*
 * versions.h: claim version resolution within one member's rows (see
 * cco-normalize(1), "CLAIM VERSIONS").
 */
#ifndef NORMALIZE_VERSIONS_H
#define NORMALIZE_VERSIONS_H

#include "normalize.h"

/* Schema column indexes of the fields the rule reads; -1 if absent. */
struct vcols {
	int source, claim_id, line_no, freq, orig, adj;
	int thru, from;  /* dates of a claim without adj: through, else from */
};

enum fate { FATE_KEEP, FATE_DUP, FATE_REPLACED, FATE_VOIDED, FATE_HELD };

/* Decide the fate of every row of g not already FATE_DUP.  First the
 * as-of cut: the rows of a claim as one extract sent it are FATE_HELD when
 * the claim was paid after as_of (an ISO date; NULL: no cut), paid being
 * its adjudicated date or, when it has none, its latest through date (its
 * rows then count in c->undated).  Then, among the rows not held:
 * FATE_KEEP for the lines of each family's final version, FATE_REPLACED
 * for lines of superseded versions, FATE_VOIDED for every line of a family
 * whose final version is a void.  Adds held and orphan counts to c. */
void versions_resolve(const struct group *g, const struct vcols *vc,
		      const char *as_of, unsigned char *fate, struct counts *c);

/* 1, 7 or 8 from a frequency code (anything else is an original). */
int versions_freq(const char *code);

#endif
