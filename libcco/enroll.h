/*
 * enroll.h: continuous enrollment, anchor dates and the accountable partner,
 * for one member's enrollment spans.
 *
 * HEDIS-style rules: a member is continuously enrolled over a window when
 * the days of the window not covered by any span form at most max_gaps gaps
 * of at most max_gap_days days each.  A gap at the start or end of the
 * window counts like any other.  Coverage is the union of all spans, any
 * partner: a switch of partner is not a gap.
 */
#ifndef CCO_ENROLL_H
#define CCO_ENROLL_H

/* One enrollment span: both ends inclusive, dates as day numbers. */
struct enr_span {
	int start;
	int end;
	int partner; /* caller's partner number, >= 0 */
};

/* How to choose the partner accountable for a window. */
enum enr_partner_rule {
	ENR_ANCHOR,    /* the partner enrolled on the anchor date */
	ENR_LAST,      /* the partner of the last enrolled day in the window */
	ENR_MOST_DAYS  /* the partner with most enrolled days in the window */
};

/* Spans must be sorted by start, then partner id (as cco-normalize writes
 * them); they may overlap. */

/* 1 if the member is enrolled on every day of [from, to] except at most
 * max_gaps gaps of at most max_gap_days days each, else 0. */
int enr_continuous(const struct enr_span *s, int n, int from, int to,
		   int max_gaps, int max_gap_days);

/* 1 if some span covers day, else 0. */
int enr_on_date(const struct enr_span *s, int n, int day);

/* Enrolled days within [from, to] (overlaps counted once). */
int enr_days(const struct enr_span *s, int n, int from, int to);

/* The partner accountable for window [from, to] under rule (anchor is used
 * by ENR_ANCHOR only).  Where spans of several partners tie, the one whose
 * span starts latest wins, then the earlier span in s: the lower partner
 * id, whatever numbers the caller gave the partners.  Returns the partner,
 * or -1 if the member
 * is not enrolled on the anchor date (ENR_ANCHOR) or in the window. */
int enr_partner(const struct enr_span *s, int n, int from, int to, int anchor,
		enum enr_partner_rule rule);

#endif
