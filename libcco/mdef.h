/*
 * mdef.h: measure definitions, one INI file per measure in config/measures
 * (format in cco-measure(5)).  Loading checks everything a run could trip
 * on later: sections and keys, every expression, every name of a date,
 * value set or sub-result, so a bad edit fails at once with FILE:LINE.
 */
#ifndef CCO_MDEF_H
#define CCO_MDEF_H

#include "enroll.h"
#include "mexpr.h"

struct valuesets;
struct valueset;

/* A named criterion: one `name = expression` line. */
struct criterion {
	char *name;
	char *text;           /* the expression as written */
	struct mx_node *expr;
	int line;
};

struct crit_list {
	struct criterion *v;
	int n;
	size_t alloc;
};

/* A numerator sub-result ([numerator.NAME]) or a stratum ([strata] key). */
struct subresult {
	char *name;
	struct crit_list crit; /* all must hold (proportions) */
	int *events;           /* rate measures: the event slots counted */
	int nevents;
	int *answer_with;      /* a [valuesets] union: its items' '&' partners */
};

enum measure_kind {
	MEASURE_PROPORTION,   /* members (or episodes) meeting the numerator */
	MEASURE_RATE          /* events per 1,000 member months */
};

/* Event lists derived by cco-normalize, usable wherever a value set is:
 * the member reader fills them instead of matching codes. */
enum builtin_event {
	EV_NONE,          /* a value set */
	EV_ED_VISIT,      /* event.ed_visit: ED visits not leading to a stay */
	EV_ED_VISIT_ALL,  /* event.ed_visit_all: every ED visit */
	EV_DISCHARGE,     /* event.discharge: inpatient stays, on discharge */
	EV_ADMISSION,     /* event.admission: inpatient stays, on admission */
	EV_CUSTODY_START  /* event.custody_start: ODHS custody episodes, on
			     their start, spanning through their end */
};

struct measure {
	char *file;
	char *id, *name, *version, *steward;
	int higher_is_better;
	enum measure_kind kind;
	int count_denied;                 /* denied claim lines count */
	int gaps;                         /* members missing a sub-result go
					     to the gap lists (gaps = yes) */
	enum enr_partner_rule partner_rule;
	int per_partner;                  /* partner_rule = each */
	struct mx_date partner_anchor;    /* for ENR_ANCHOR; the others use the MY */
	char **date_names;                /* [dates], in order */
	struct mx_date *dates;
	int ndates;
	struct crit_list denominator;     /* all must hold */
	struct crit_list exclusions;      /* any excludes */
	struct subresult *num;            /* numerator sub-results, in order */
	int nnum;
	struct subresult *strata;         /* each one criterion */
	int nstrata;
	int episodes;                     /* [episode]: one unit per index event */
	int *index_events;                /* slots whose hits are index events */
	int *index_with;                  /* per slot, its '&' partner, or -1 */
	int nindex_events;
	int collapse_days;                /* drop an index event followed by
					     another within this many days */
};

/* All measures of a run and the value sets they use.  Value sets get one
 * slot each across measures, so a member's events are matched once. */
struct measure_set {
	struct measure *m;
	int n;
	const struct valueset **vs; /* by slot; NULL for a built-in event list */
	enum builtin_event *builtin; /* by slot */
	int **except;               /* by slot: a built-in list's value sets whose
				       codes exclude an event (`except`), or
				       NULL */
	int *nexcept;               /* by slot: how many */
	char **vs_names;
	int nvs;
	int *answer_of;             /* by slot: for `latest(SET, ...) = ANSWERS`,
				       the slot of SET, whose results coded in
				       ANSWERS this slot holds; else -1 */
	int *answers;               /* by slot: the slot of ANSWERS, or -1 */
};

/* Load every *.ini in dir (name order), resolving value-set names in vs.
 * Returns NULL with err_msg() "FILE:LINE: what" on the first error.
 * Free with mdef_free(); vs must outlive the result. */
struct measure_set *mdef_load_dir(const char *dir, const struct valuesets *vs);

/* Load one file into a set (for tests and single-measure runs). */
struct measure_set *mdef_load_file(const char *path, const struct valuesets *vs);

/* The measure of s with id, or NULL. */
const struct measure *mdef_find(const struct measure_set *s, const char *id);

/* The slot of value set name, added to s if no measure uses it, so the
 * members read for s carry its hits too (the care criteria's conditions:
 * care.h).  Call before the code index is built.  Returns the slot, or -1
 * with err_msg() set (no such value set). */
int mdef_use_valueset(struct measure_set *s, const struct valuesets *vs, const char *name);

/* 1 if an expression of a measure of s uses a node of kind k. */
int mdef_uses(const struct measure_set *s, enum mx_kind k);

void mdef_free(struct measure_set *s);

#endif
