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

struct worklist_counts {
	long long rows;    /* members listed (a member once per clinic) */
	size_t max_gaps;   /* the most gaps on one row */
	int files;         /* clinic worklists written */
};

/* Merge the measure results with the members, attribution and audit
 * files of workspace ws into sort, one line per worklist row (a member
 * with open gaps at a partner and clinic); a gap is closable when its
 * deadline is on or after as_of.  Returns 0 or -1 with err_msg() set. */
int worklists_sort(struct extsort *sort, const char *ws, const struct measure_set *ms,
		   const char *as_of, struct worklist_counts *counts);

/* Split a sorted line into f[0 .. nf) in place (missing fields ""), the
 * clinic and PCP keys without their prefixes. */
void worklist_split(char *line, char **f, size_t nf);

struct worklists {
	char *dir, *fresh;        /* EXPORT/worklists, and where it is built */
	struct afile csv, html;   /* the clinic being written */
	int open;
	char pcp[32];             /* the PCP panel being written */
	struct worklist_counts counts;
};

/* Write every clinic's worklist into a fresh directory beside dir.
 * Returns 0 or -1 with err_msg() set; call worklists_finish() either
 * way. */
int worklists_write(struct worklists *w, const char *ws, const char *dir,
		    const struct measure_set *ms, const struct export_inputs *in,
		    const char *as_of, const struct extsort_config *sort);

/* ok: put the fresh worklists in the place of the old ones (a reader sees
 * one set or the other); else remove them.  Returns 0 or -1. */
int worklists_finish(struct worklists *w, int ok);

#endif
