/*
 * mexpr.h: the measure expression language (see cco-measure(5)).
 *
 * A measure definition states its populations as named criteria, each an
 * expression such as
 *
 *   enrolled(b2 - 1y + 1d .. b2, gaps = 1, gap_days = 45)
 *   count(dtap_vaccine, birth + 42d .. b2) >= 4
 *   age(my.end) in 3..6 and not died(my)
 *   latest(hba1c_result, my) > 9.0 %
 *
 * parse_expr() turns the text into a tree once, at load time, resolving
 * names of dates, value sets and other criteria through callbacks; then
 * mx_eval() evaluates the tree for each member (or episode) with no
 * further parsing or lookups.
 */
#ifndef CCO_MEXPR_H
#define CCO_MEXPR_H

#include <stdint.h>

#include "enroll.h"

/* Where a date expression starts from. */
enum mx_base {
	MXD_MY_START, MXD_MY_END, MXD_AS_OF, MXD_BIRTH, MXD_DEATH,
	MXD_BIRTHDAY, /* arg: which birthday */
	MXD_MY_BIRTHDAY, /* the birthday that falls in the measurement year */
	MXD_INDEX, MXD_INDEX_END,
	MXD_NAMED,    /* arg: slot of a named date of the measure */
	MXD_FIRST,    /* fn: the first date with a service in fn->vs in fn->win */
	MXD_ENROLL_START, /* fn: the first day of the enrollment run covering
			    fn->win.from (spans joined across partners) */
	MXD_LATEST    /* fn: the last date with a service in fn->vs in fn->win */
};

struct mx_dfunc;

/* A date: base, then `months` added (clamped to month end), then `days`. */
struct mx_date {
	enum mx_base base;
	int arg;
	int months;
	int days;
	struct mx_dfunc *fn; /* MXD_FIRST, MXD_ENROLL_START: owned arguments */
	/* the last base with months added, kept by mx_date_eval(): most
	 * bases (my.start, a member's birth) repeat from one measure or
	 * member to the next, and the calendar sum is the costly part.
	 * Evaluation runs on one thread. */
	int memo_base, memo_day, memo_ok;
};

/* An inclusive window of dates. */
struct mx_window {
	struct mx_date from, to;
};

/* The arguments of a date function. */
struct mx_dfunc {
	int *vs;              /* FIRST: value-set slots, nvs of them */
	int *with;            /* FIRST: per slot, a slot to match on the same
				 claim and date, or -1 */
	int nvs;
	struct mx_window win; /* FIRST: the window; ENROLL_START: win.from */
};

/* latest(...) op VALUE UNIT compares the lowest value among the results
 * on the latest date; a result holds a band of values (a lab's "9.5" is
 * 9.5..9.5, CPT II 3046F is >9.0) and a comparison holds only if it holds
 * for every value of the band.  Values are in thousandths (num.h). */

#define MX_MAX_VS 8 /* value sets one count() may join with | */

enum mx_op { MXO_GE, MXO_GT, MXO_LE, MXO_LT, MXO_EQ };

enum mx_kind {
	MX_TRUE, MX_AND, MX_OR, MX_NOT,
	MX_DATE_IN,     /* date in window */
	MX_AGE,         /* age(date) in lo..hi (years; months if `months`) */
	MX_SEX,         /* sex = c */
	MX_ENROLLED,    /* enrolled(window, gaps, gap_days) */
	MX_ENROLLED_ON, /* enrolled_on(date) */
	MX_ENROLLED_DAYS, /* enrolled_days(window) op k */
	MX_DIED,        /* died(window) */
	MX_COUNT,       /* count(vs|vs, window, apart) op k */
	MX_INDEX_DX,    /* index_dx(vs|vs): the episode's principal diagnosis */
	MX_REF,         /* another named criterion or sub-result */
	MX_DISTINCT,    /* distinct(vs|vs, window, by = FIELD) op k */
	MX_RESULT,      /* latest(vs|vs, window) op VALUE UNIT: date is the
			   latest(), op and value the comparison */
	MX_ANSWER       /* latest(vs, window) = ANSWERS: date is the latest(),
			   answer the slot of vs's results coded in ANSWERS */
};

/* How a service's span, its date through its through date (both
 * included), must meet a count's window. */
enum mx_span {
	MXS_STARTS,     /* the date is in the window (the default) */
	MXS_DURING,     /* the whole span is in the window */
	MXS_OVERLAPS,   /* some day of the span is in the window */
	MXS_ENDS        /* the through date is in the window */
};

/* What distinct() tells events apart by: a field of struct mx_attr. */
enum mx_by {
	MXB_CODE,       /* the event's own code (a fill: NDC's first 9 digits) */
	MXB_PRESCRIBER, /* a fill's prescriber NPI */
	MXB_BILLING,    /* a claim line's billing NPI */
	MXB_RENDERING,  /* a claim line's rendering NPI */
	MXB_NFIELDS
};

struct mx_node {
	enum mx_kind kind;
	struct mx_node *a, *b;   /* operands of and/or/not */
	struct mx_date date;     /* DATE_IN, AGE, ENROLLED_ON */
	struct mx_window win;    /* DATE_IN, ENROLLED, ENROLLED_DAYS, DIED, COUNT */
	int lo, hi;              /* AGE bounds; ENROLLED gaps (lo), gap_days (hi) */
	int months;              /* AGE in months instead of years */
	char sex;                /* SEX */
	int *vs;                 /* COUNT: value-set slots, nvs of them */
	int *with;               /* COUNT: per slot, a slot that must hit on
				    the same claim and date, or -1 */
	int nvs;
	int apart;               /* COUNT: minimum days between counted dates */
	enum mx_op op;           /* COUNT, ENROLLED_DAYS comparison */
	int k;                   /* COUNT, ENROLLED_DAYS threshold */
	int ref;                 /* REF: slot of the criterion */
	enum mx_span span;       /* COUNT, DISTINCT: how a hit meets win */
	enum mx_by by;           /* DISTINCT: what tells events apart */
	int value;               /* RESULT: the value compared, in thousandths */
	int answer;              /* ANSWER: slot of the answered results */
};

/* Name resolution for the parser: return a slot >= 0, or -1 if unknown. */
struct mx_names {
	int (*date)(void *arg, const char *name);     /* named dates */
	int (*valueset)(void *arg, const char *name); /* value sets */
	int (*ref)(void *arg, const char *name);      /* criteria, sub-results */
	/* the event list of slot less the events whose own codes are in one
	 * of the n value sets `except`: a slot, or -1 with err_set() */
	int (*except)(void *arg, int slot, const int *except, int n);
	void *arg;
	int allow_index;  /* index and index.end are allowed (episode measures) */
	/* the unit of slot's results, or NULL if slot is not a result set */
	const char *(*unit)(void *arg, int slot);
	/* a named union of value sets: its n items (slots and '&' partners,
	 * owned by the callee) or -1 if name is not one */
	int (*vsunion)(void *arg, const char *name, const int **slots, const int **with);
	/* the slot of slot's results whose coded value is in the value set
	 * answers: a slot, or -1 with err_set() */
	int (*answered)(void *arg, int slot, int answers);
};

/* Parse text into a tree.  Returns NULL with err_msg() set to
 * "column N: what is wrong".  Free the tree with mx_free(). */
struct mx_node *mx_parse(const char *text, const struct mx_names *names);

/* Parse a date expression alone (for a measure's [dates] section). */
int mx_parse_date(const char *text, const struct mx_names *names,
		  struct mx_date *out);

/* Parse a list of value sets "a | b" into slots (*slots owned by the
 * caller).  With `with` NULL an item joined by '&' is an error; else
 * *with (the caller's) holds each item's '&' partner slot, or -1.
 * Returns the count, or -1 with err_msg() set and nothing allocated. */
int mx_parse_vslist(const char *text, const struct mx_names *names, int **slots,
		    int **with);

void mx_free(struct mx_node *n);

/* 1 if n or a node under it is of kind k. */
int mx_uses(const struct mx_node *n, enum mx_kind k);

/* Free what a parsed date owns (its function's arguments); d itself is
 * the caller's.  Safe on a zeroed date. */
void mx_date_release(struct mx_date *d);

/* ---- evaluation ---- */

/* One date on which a member had a service in a value set. */
struct mx_hit {
	int date;
	int denied;    /* from a denied claim line */
	int evidence;  /* the caller's reference to the claim (for reports) */
	int through;   /* the service's last day; before date (0, unset): date */
	int attr;      /* 1 + the event's index in mx_ctx.attrs; 0: none */
	int value_lo, value_hi; /* a result's value band, thousandths (result sets only) */
};

/* What distinct() reads of an event: per field of enum mx_by, a key
 * (equal keys, equal values; each key < mx_ctx.nkeys), or -1 if the
 * event has no such field. */
struct mx_attr {
	int key[MXB_NFIELDS];
};

/* A member's hits for one value set, sorted by date, then evidence. */
struct mx_hits {
	const struct mx_hit *v;
	int n;
};

struct mx_trace;

/* Everything an expression can look at, for one member or episode. */
struct mx_ctx {
	int my_start, my_end, as_of; /* the run */
	int count_denied;            /* the measure counts denied claims */
	int birth, death;            /* death: DATE_NONE if alive */
	char sex;
	const struct enr_span *spans; /* sorted by start */
	int nspans;
	const struct mx_hits *hits;  /* by value-set slot */
	int index, index_end;        /* the episode's dates, or DATE_NONE */
	const int *named;            /* named dates by slot, computed in order */
	const signed char *refs;     /* criteria results by slot (0 or 1) */
	const struct mx_trace *ref_traces; /* their evidence and deadlines by
					      slot, or NULL */
	const uint64_t *index_bits;  /* value-set slots holding the episode's
					principal diagnosis, or NULL */
	const struct mx_attr *attrs; /* events' fields, by mx_hit.attr - 1 */
	int nkeys;                   /* keys in attrs are below this */
	uint64_t *seen;              /* scratch: nkeys bits, for distinct() */
};

/* What decided a result, for evidence and gap lists. */
struct mx_trace {
	int evidence;       /* the hit that completed the result: of the
			       counts (and sub-results named) it needed, the
			       one completed last; or -1 */
	int evidence_date;  /* its date, or DATE_NONE */
	int deadline;       /* the latest window end among failed counts and
			       date-in-window tests, and the deadline of a
			       failed sub-result named; or DATE_NONE */
};

void mx_trace_init(struct mx_trace *t);

/* The date d stands for in c, or DATE_NONE (no death date, no episode). */
int mx_date_eval(const struct mx_date *d, const struct mx_ctx *c);

/* 1 if hits h hold one on x's claim and date ('&': vs & vs2). */
int mx_same_claim(const struct mx_hits *h, const struct mx_hit *x);

/* 1 if n holds for c, else 0.  t, if not NULL, collects evidence and the
 * deadline of counts that failed. */
int mx_eval(const struct mx_node *n, const struct mx_ctx *c, struct mx_trace *t);

#endif
