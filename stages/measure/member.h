/*
 * member.h: one member as the measures see it: demographics, enrollment
 * spans, the attributed clinic, and for every value set the run uses the
 * dates on which the member had a service in it, with the claim that shows
 * it.  Built from the member-sorted normalize and attribute outputs.
 */
#ifndef CCO_MEMBER_H
#define CCO_MEMBER_H

#include <stddef.h>
#include <stdint.h>

#include "enroll.h"
#include "mexpr.h"
#include "names.h"
#include "roster.h"

struct mstream;
struct codeidx;
struct measure_set;

struct hit_list {
	struct mx_hit *v;
	int n;
	size_t alloc;
};

/* An inpatient stay, an index event for episode measures. */
struct mstay {
	int admit, discharge;
	int evidence;
	uint64_t *bits;   /* value-set slots holding its principal diagnosis */
};

/* An ED visit kept for the `except` lists (cco-measure(5)): the value-set
 * bits of its principal diagnosis and of the procedure codes on its
 * claims on its date. */
struct mvisit {
	int date, denied, admitted;
	int evidence;     /* "ed:" and its claims, "source:claim_id|..." */
	uint64_t *bits;
};

/* A pharmacy fill kept for the polypharmacy criterion (care.h): the drug
 * is the NDC's first 9 digits (labeler and product, not the package). */
struct mfill {
	int date;
	char drug[10];
	char prescriber[16];
};

struct mmember {
	char *id;
	int birth, death;
	char sex;
	struct enr_span *spans;
	int nspans;
	size_t spans_alloc;
	char *clinic_id;          /* from attribution; "" if none */
	int month_partner[13];    /* partner of each MY month (1-12), -1: none */
	struct hit_list *lists;   /* by value-set slot */
	struct mx_hits *hits;     /* views of lists, for mx_ctx */
	int nslots;
	struct mstay *stays;      /* by admission */
	int nstays;
	size_t stays_alloc;
	struct mvisit *visits;    /* ED visits, by date; only when a measure
				     names a list with `except` */
	int nvisits;
	size_t visits_alloc;
	int *ed_dates;            /* ED visits not denied, by date */
	int ned;
	size_t ed_alloc;
	struct mfill *fills;      /* fills not denied from fills_from on */
	int nfills;
	size_t fills_alloc;
	int words;                /* of each stay's and visit's bits */
	char **evidence;          /* "source:claim_id", by hit evidence number */
	int nevidence;
	size_t evidence_alloc;
	struct mx_attr *attrs;    /* events' fields for distinct(), by hit attr
				     - 1; only when a measure uses distinct() */
	int nattrs;
	size_t attrs_alloc;
	struct names keys;        /* the values the attrs' keys number */
	uint64_t *seen;           /* keys.n bits of scratch for distinct() */
	size_t seen_alloc;
};

/* The inputs a member is read from, in the order of enum member_input. */
enum member_input {
	MI_MEMBERS, MI_ENROLLMENT, MI_ATTRIBUTION, MI_PARTNER_MONTHS, MI_CLAIMS,
	MI_PHARMACY, MI_IMMUNIZATIONS, MI_LABS, MI_ED_VISITS, MI_STAYS, MI_CUSTODY,
	MI_NINPUTS
};

/* A claim column's last value and its value-set bits. */
struct column_memo {
	char *last;
	size_t len, alloc;
	uint64_t *bits;
	int any;
};

#define CLAIM_CODE_COLS 9

struct member_reader {
	struct mstream *in[MI_NINPUTS];
	int *col;                 /* column of each field read, by enum column */
	struct codeidx *codes;
	struct roster providers;  /* a claim's NPIs give it TAXONOMY codes */
	const struct measure_set *ms; /* which slots are built-in event lists */
	int as_of, my;
	struct names partners;    /* interned partner ids; spans index them */
	long long orphan_rows;    /* rows of members not in the members file */
	long long undated[MI_NINPUTS]; /* rows skipped: a date that does not read */
	uint64_t *acc;            /* one event's value-set bits */
	struct column_memo memo[CLAIM_CODE_COLS];
	int keep_visits;          /* some slot is an ED list with `except` */
	int fills_from;           /* keep fills from this day; DATE_NONE: none */
	int keep_attrs;           /* some measure uses distinct() */
	int *result_slots;        /* slots of result sets (a unit), whose hits
				     carry values */
	int nresult_slots;
	int *answer_slots;        /* slots of coded answers (`SET = ANSWERS`) */
	int nanswer_slots;
	long long unreadable_results; /* lab rows of a result set whose value
					 is no number: in no result set */
	long long wrong_unit_results; /* ... whose unit is not the set's */
};

/* Open the inputs under ws (and load its provider roster), for the
 * measures of ms in year my.  Returns 0 or -1 with err_msg() set; close
 * with member_reader_close() either way. */
int member_reader_open(struct member_reader *r, const char *ws, struct codeidx *codes,
		       const struct measure_set *ms, int my, int as_of);

/* Read the next member into m.  Returns 1, 0 when no member is left, or -1
 * with err_msg() set. */
int member_read(struct member_reader *r, struct mmember *m);

void member_reader_close(struct member_reader *r);

/* The input's file under the workspace, without ".rec.zst":
 * "normalize/claims". */
const char *member_input_path(enum member_input in);

void mmember_init(struct mmember *m, int nslots, int words);
void mmember_release(struct mmember *m);

#endif
