/*
 * simple.h: the kinds that need no version rule: members, providers and
 * pcp assignments, immunizations, lab results; and enrollment.
 */
#ifndef NORMALIZE_SIMPLE_H
#define NORMALIZE_SIMPLE_H

#include "normalize.h"

/* group_fn: keep the row from the latest extract; arg is the writer. */
int simple_latest(struct norm *n, struct group *g, struct counts *c, void *arg);

struct dedupe_out {
	struct rec_writer *w;
	int date_col;   /* sort within the key by this column, then the rest */
	int skip_col;   /* column ignored when comparing (extract), or -1 */
	int as_of_cut;  /* 1: rows dated after run.as_of are held back */
};

/* group_fn: drop exact duplicates and, with as_of_cut, hold back the rows
 * dated after n->as_of; write the rest sorted; arg is a struct
 * dedupe_out. */
int simple_dedupe(struct norm *n, struct group *g, struct counts *c, void *arg);

struct enroll_out {
	struct rec_writer *spans, *months;
	int as_of;      /* open spans count months through this date */
};

/* group_fn for enrollment; arg is a struct enroll_out. */
int enroll_group(struct norm *n, struct group *g, struct counts *c, void *arg);

#endif
