/*
 * care.h: who needs a care coordinator (cco-care(5)).  config/care.ini
 * names five criteria; cco-measure finds the members who meet the first
 * four it can see in claims and writes them to measure/care.rec.zst,
 * cco-export adds "no primary-care visit", scores each member by the
 * criteria's weights and lists the candidates per partner and clinic.
 */
#ifndef CCO_CARE_H
#define CCO_CARE_H

enum care_criterion {
	CARE_CHRONIC,      /* at_least of the conditions, each diagnosed on 2
			      dates of service or an inpatient stay */
	CARE_UTILIZATION,  /* ed_visits ED visits or inpatient_stays stays */
	CARE_POLYPHARMACY, /* distinct_drugs drugs, or with_prescribers drugs
			      from prescribers prescribers */
	CARE_OPEN_GAPS,    /* at_least open gaps */
	CARE_NO_PCP_VISIT, /* no primary-care visit */
	CARE_NCRITERIA
};

struct care_rule {
	int on;            /* the section is in the file */
	int weight;        /* added to the score when met */
	int qualifies;     /* met alone puts a member on the list */
	int months, days;  /* the look-back to run.as_of */
	int at_least;      /* chronic: conditions; open_gaps: gaps */
	int ed_visits, inpatient_stays;
	int distinct_drugs, with_prescribers, prescribers;
};

struct care_def {
	struct care_rule rule[CARE_NCRITERIA];
	char **conditions; /* chronic: value-set names, in file order */
	int nconditions;
	int min_score;     /* a qualifying member is listed at this score */
};

/* The criterion's section name ("chronic", ...). */
const char *care_name(enum care_criterion c);

/* The criterion named name, or -1. */
int care_named(const char *name);

/* Load path into c.  Returns 0, or -1 with err_msg() "FILE:LINE: what";
 * free with care_release() either way. */
int care_load(struct care_def *c, const char *path);

void care_release(struct care_def *c);

#endif
