/*
 * worklist.h: the clinic worklists (worklist.c reads and sorts the rows,
 * worklistout.c writes the CSV and printable HTML files).
 */
#ifndef EXPORT_WORKLIST_H
#define EXPORT_WORKLIST_H

#include <stddef.h>

#include "afile.h"
#include "export.h"
#include "roster.h"

struct extsort;
struct extsort_config;

/* A worklist row as it leaves the sort: the sort keys first (clinic "1ID"
 * or "2" for none, PCP "1NPI" or "2", 9999 less the closable gaps, the
 * first closable deadline "1DATE" or "2"), then the member, then
 * WL_GAP_FIELDS fields for each of L_NGAPS gaps. */
enum { L_PARTNER, L_CLINIC, L_PCP, L_RANK, L_FIRST_DEADLINE, L_LAST_NAME, L_FIRST_NAME,
       L_MEMBER, L_BIRTH, L_PHONE, L_LANGUAGE, L_INTERPRETER, L_LAST_VISIT, L_NGAPS,
       L_CLOSABLE, L_NFIXED };
enum { GF_MEASURE, GF_SUB, GF_MISSING, GF_DEADLINE, GF_CLOSABLE, WL_GAP_FIELDS };

/* A candidate row (care-coordination candidates) has the same keys and
 * member fields (its L_FIRST_DEADLINE empty), then the score, the
 * criteria met ("chronic+utilization"), and a detail field for each
 * criterion (care.h order), empty when not met. */
enum { K_SCORE = L_NGAPS, K_REASONS = L_CLOSABLE };

enum list_kind { LIST_GAPS, LIST_CANDIDATES, NLISTS };

struct list_counts {
	long long rows;    /* members listed (a member once per clinic) */
	size_t max_var;    /* the most gaps on one worklist row; for
			      candidates, the detail fields */
	int files;         /* clinic lists written */
};

struct care_def;
struct config;

/* Merge the measure results and care flags with the members, attribution
 * and audit files of the run of cfg (its shards' merged, shard.h) into
 * sort[LIST_GAPS] (one line per
 * worklist row: a member with open gaps at a partner and clinic) and
 * sort[LIST_CANDIDATES] (one per member the care criteria list); a gap is
 * closable when its deadline is on or after as_of.  Returns 0 or -1 with
 * err_msg() set. */
int worklists_sort(struct extsort **sort, const struct config *cfg,
		   const struct measure_index *measures, const struct care_def *care,
		   const char *as_of, struct list_counts *counts);

/* Split a sorted line into f[0 .. nf) in place (missing fields ""), the
 * clinic and PCP keys without their prefixes. */
void worklist_split(char *line, char **f, size_t nf);

/* One kind of clinic list being written. */
struct clinic_lists {
	enum list_kind kind;
	char *dir, *fresh;        /* EXPORT/NAME, and where it is built */
	struct afile csv, html;   /* the clinic being written */
	int open;
	char pcp[32];             /* the PCP panel being written */
	struct list_counts counts;
};

struct worklists {
	struct clinic_lists list[NLISTS];
};

/* Write every clinic's worklist (EXPORT/worklists) and candidate list
 * (EXPORT/candidates) into fresh directories beside them, from the run
 * of cfg.  Returns 0 or
 * -1 with err_msg() set; call worklists_finish() either way. */
int worklists_write(struct worklists *w, const struct config *cfg, const char *export_dir,
		    const struct measure_set *ms, const struct care_def *care,
		    const struct export_inputs *in, const char *as_of,
		    const struct extsort_config *sort);

/* ok: put the fresh lists in the place of the old ones (a reader sees one
 * set or the other); else remove them.  Returns 0 or -1. */
int worklists_finish(struct worklists *w, int ok);

#endif
