/*
 * worklistpass.h: the state of the pass that builds the clinic lists'
 * rows (worklist.c), shared with the candidate rows (candidate.c).
 * Internal to cco-export.
 */
#ifndef EXPORT_WORKLISTPASS_H
#define EXPORT_WORKLISTPASS_H

#include <stddef.h>

#include "care.h"
#include "export.h"
#include "rec.h"
#include "worklist.h"

/* Text that grows: the line being built, or one member's copied fields. */
struct text {
	char *s;
	size_t n, cap;
};

/* Append s[0 .. n) and a NUL to t; returns where s begins in t->s. */
size_t text_add(struct text *t, const char *s, size_t n);

/* One open gap of the member being read, its fields at offsets into the
 * member's text. */
struct gap {
	size_t partner, clinic, measure, sub, missing, deadline;
	int closable;
};

/* The pass: what it reads, the lines it sorts, one member's scratch. */
struct wl {
	const struct measure_index *measures;
	const struct care_def *care;
	const char *as_of;
	struct mstream *results, *flags, *members, *attribution, *audit;
	struct extsort **sort;        /* by enum list_kind */
	struct text member;           /* the member's copied fields */
	struct text line;
	struct gap *gap;
	size_t ngap, gap_cap;
	struct list_counts *counts;   /* by enum list_kind */
};

#define AT(w, off) ((w)->member.s + (off))

/* Copy row's field col into the member's text; returns its offset. */
size_t wl_copy(struct wl *w, const struct rec_row *row, int col);

/* The member's contact, PCP and last primary-care visit, as offsets in
 * w->member by L_ field (L_LAST_NAME .. L_LAST_VISIT); "" when a file has
 * no row for the member. */
struct who {
	size_t f[L_NFIXED];
	size_t pcp, partner, clinic; /* from attribution */
};

/* Add a field to w->line: prefix then s (the sort keys' "1"/"2"). */
void line_field(struct wl *w, const char *prefix, const char *s);

/* v (0 or more) as decimal text in buf, zero-padded to width (at most 8)
 * digits, as snprintf's "%0*lld" writes it; returns buf. */
#define WL_NUMBER_LEN (REC_INT_LEN + 9)
char *wl_number(char buf[WL_NUMBER_LEN], long long v, int width);

/* Append n bytes of s to the line's last field. */
void line_append(struct wl *w, const char *s, size_t n);

/* Start w->line with the keys and the member's fields: partner, clinic,
 * the member's PCP, rank (sorts ascending), deadline (or NULL), then
 * L_LAST_NAME .. L_LAST_VISIT. */
void line_keys(struct wl *w, const struct who *who, const char *partner,
	       const char *clinic, const char *rank, const char *deadline);

/* The member's care flags from measure/care.rec.zst: the count and
 * detail of each criterion met (count < 0: not met). */
struct flags {
	int count[CARE_NCRITERIA];
	size_t detail[CARE_NCRITERIA];
};

/* Read member id's flags into fl.  Returns 1 if any, 0 if none, -1 with
 * err_msg() set. */
int flags_read(struct wl *w, const char *id, struct flags *fl);

/* Judge "no primary-care visit" from who's last visit, and add the
 * member's candidate row if the flags qualify it.  Returns 0 or -1. */
int candidate_add(struct wl *w, const struct who *who, struct flags *fl);

#endif
