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
};

enum fate { FATE_KEEP, FATE_DUP, FATE_REPLACED, FATE_VOIDED };

/* Decide the fate of every row of g not already FATE_DUP: FATE_KEEP for
 * the lines of each family's final version, FATE_REPLACED for lines of
 * superseded versions, FATE_VOIDED for every line of a family whose final
 * version is a void.  Adds orphan counts to c. */
void versions_resolve(const struct group *g, const struct vcols *vc,
		      unsigned char *fate, struct counts *c);

/* 1, 7 or 8 from a frequency code (anything else is an original). */
int versions_freq(const char *code);

#endif
