/*
 * export.h: cco-export's parts.  inputs.c reads the targets, baselines
 * and partner names; metrics.c turns the measure aggregates into partner,
 * clinic and CCO-wide rows; goals.c computes rates, targets, statuses and
 * the members still needed; suppress.c applies the small-cell policy;
 * csvout.c, gaps.c, resultsdb.c, xlsx.c and html.c write the outputs.
 */
#ifndef CCO_EXPORT_H
#define CCO_EXPORT_H

#include <stdio.h>
#include <sqlite3.h>

#include "afile.h"

#include "mdef.h"

#define EXPORT_ALL "ALL" /* partner_id of the CCO-wide row */

/* One row of config/targets/YEAR.csv. */
struct target_rule {
	char *measure_id, *sub;
	int has_benchmark;
	double benchmark;
	double gap_fraction;  /* share of the gap a target closes */
	double floor;         /* least improvement */
	int floor_percent;    /* floor is percent of the baseline, not pp */
	int decimals;         /* comparisons are on rates rounded to this */
};

struct baseline {
	char *measure_id, *sub, *partner;
	double value;
};

struct partner_name {
	char *id, *name;
};

/* The lines of WORKSPACE/quality/report.tsv (htmlquality.c). */
struct qreport {
	char **lines;   /* owned, without their LF */
	size_t n, cap;
};

struct export_inputs {
	struct target_rule *targets;
	int ntargets;
	struct baseline *baselines;
	int nbaselines;
	struct partner_name *partners;
	int npartners;
	struct qreport quality;  /* the run's data-quality report, if any */
};

/* Load the three files.  Returns 0, or -1 with err_msg() "FILE:LINE: what".
 * Free with inputs_release() either way. */
int inputs_load(struct export_inputs *in, const char *targets_csv,
		const char *baselines_csv, const char *partners_csv);
void inputs_release(struct export_inputs *in);
const struct target_rule *inputs_target(const struct export_inputs *in,
					const char *measure_id, const char *sub);
/* The baseline, or NULL. */
const struct baseline *inputs_baseline(const struct export_inputs *in,
				       const char *measure_id, const char *sub,
				       const char *partner);
/* The partner's name; "CCO total" for ALL; "" when unknown. */
const char *inputs_partner_name(const struct export_inputs *in, const char *id);

enum { CNT_DEN, CNT_EXC, CNT_NUM, CNT_OPEN, NCNT };
#define MONTHS 12 /* of the measurement year */
enum metric_level { LEVEL_ALL, LEVEL_PARTNER, LEVEL_CLINIC };

/* One reported row: CCO-wide, a partner or a clinic, for one measure,
 * sub-result and stratum.  Rates, benchmarks, baselines and targets are
 * held rounded, as integers in units of 10^-decimals. */
struct metric {
	const struct measure *m;
	const char *measure_id, *sub, *stratum; /* point into the strings pool */
	const char *partner, *clinic;           /* clinic "" above clinic level */
	enum metric_level level;
	int parent;             /* index of the row this one sums into, or -1 */
	long long cnt[NCNT];    /* denominator, exclusions, numerator, open */
	unsigned supp;          /* bit i: cnt[i] suppressed */
	int decimals;
	int has_rate, has_benchmark, has_baseline, has_target, has_needed;
	long long rate, benchmark, baseline, target, needed;
	const char *status;
	long long month_num[MONTHS]; /* numerators first evidenced in each
					month of the year (monthly.c) */
	long long undated;      /* numerators with no evidence date */
	int has_curve;          /* its monthly curve is drawn and stored
				   (after monthly_finish()) */
};

/* Rows grouped in blocks of one measure, sub-result and stratum: the ALL
 * row first, then each partner followed by its clinics. */
struct metrics {
	struct metric *v;
	int n;
	size_t alloc;
	int *block;             /* start index of each block, plus n at the end */
	int nblocks;
	size_t block_alloc;
	char **strings;         /* owned copies the rows point into */
	int nstrings;
	size_t strings_alloc;
};

/* Read the n aggregates files at paths (measure/aggregates.rec.zst of
 * each shard, shard.h) into m, the rows of one key summed across them,
 * clinics summed into partners and partners into the ALL row.  Returns 0, or -1 with err_msg()
 * set (a damaged file, rows out of order, a measure without a definition).
 * Release with metrics_release() either way. */
int metrics_load(struct metrics *m, char *const *paths, int n, const struct measure_set *ms);
void metrics_release(struct metrics *m);
int metric_is_proportion(const struct metric *r);

/* The run's identity in results.db. */
struct run_key {
	int measurement_year;
	const char *as_of;           /* YYYY-MM-DD */
	char config_hash[33];
};

/* monthly.c: the year-to-date rate by month (see cco-export(1)), counted
 * into the rows' month_num from the results file, one row at a time. */
struct rec_schema;
struct monthly {
	struct metrics *mx;            /* the rows counted into (not owned) */
	const struct measure_set *ms;
	int year;                      /* the measurement year */
	const char *as_of;
	int *row;                      /* partner rows with a curve, in key order */
	int nrows;
	struct metric *last;           /* the row found last */
	int col[6];                    /* the results columns it reads */
};

/* 1 if the measure's rate can have a monthly curve: a proportion of
 * members where higher is better (not a rate per 1,000 member months, not
 * a lower-is-better measure such as readmissions). */
int measure_has_curve(const struct measure *m);
/* 1 if partner or CCO row r has its curve: a measure that can have one,
 * whose every numerator of the measure and sub-result, CCO-wide, has an
 * evidence date (a curve missing some would mislead). */
int metric_has_curve(const struct metric *r);
/* The months of the measurement year up to the as-of date (0 to 12). */
int monthly_months(const struct run_key *k);
/* Start counting into m's rows (their month_num zero from metrics_load()).
 * Release with monthly_release(). */
void monthly_init(struct monthly *t, struct metrics *m, const struct measure_set *ms,
		  const struct run_key *k);
void monthly_release(struct monthly *t);
/* Find the columns in the results schema s.  Returns 0 or -1 with err_msg(). */
int monthly_columns(struct monthly *t, const struct rec_schema *s);
/* Count results row f: a numerator of a curve measure into its partner
 * and CCO rows by month of evidence.  Returns 0, or -1 with err_msg() set
 * (a damaged date, a partner the aggregates do not have). */
int monthly_add(struct monthly *t, char **f);
/* Once every row is counted: decide which rows have their curve. */
void monthly_finish(struct monthly *t);
/* Row r's numerator to the end of month (1 for January). */
long long monthly_numerator(const struct metric *r, int month);
/* Row r's year-to-date rate at the end of month, rounded like its rate,
 * in units of 10^-decimals; 0 with no denominator (*has 0). */
long long monthly_rate(const struct metric *r, int month, int *has);

/* Fill rates, benchmarks, baselines, targets, statuses and needed. */
void goals_compute(struct metrics *m, const struct export_inputs *in,
		   long min_denominator);

/* The rate of numerator num over r's denominator less exclusions (not 0),
 * in r's units and rounding (after goals_compute()). */
long long goals_rate(const struct metric *r, long long num);

/* Mark the cells the small-cell policy hides (see cco-export(1)),
 * replacing any earlier marks; the rows of partner exempt (NULL: none),
 * whose own packet this is, stay whole. */
void suppress_apply(struct metrics *m, long threshold, const char *exempt);
/* 1 if any count of r is suppressed (its rate and needed are too). */
int suppress_row(const struct metric *r);

/* Fixed-point text of a rounded value v with d decimals into buf. */
const char *fmt_fixed(char *buf, size_t n, long long v, int d);
/* Write s as one CSV field: quoted when it needs to be, and with a single
 * quote before it when a spreadsheet would run it as a formula (it begins
 * with =, +, -, @, TAB or CR and is not a plain number).  Every CSV file
 * cco-export writes goes through here. */
void csv_field(FILE *fp, const char *s);

/* Who a report set is for, hence what it shows unsuppressed. */
enum audience_kind {
	AUDIENCE_PUBLIC,   /* everything suppressed */
	AUDIENCE_INTERNAL, /* the CCO's own: nothing suppressed */
	AUDIENCE_PARTNER   /* one partner's own rows whole, the rest suppressed */
};
struct audience {
	enum audience_kind kind;
	const char *partner; /* AUDIENCE_PARTNER: its id */
	long threshold;      /* export.suppress_threshold */
};

/* Write the partner, clinic or strata file to fp, each cell marked in the
 * rows' supp shown as the word "suppressed". */
enum csv_kind { CSV_PARTNER, CSV_CLINIC, CSV_STRATA };
void csvout_write(FILE *fp, const struct metrics *m, const struct export_inputs *in,
		  enum csv_kind kind);

/* The gaps of one clinic of a partner (clinic "unattributed": its members
 * without one): aggregate counts, no member in them. */
struct clinic_gaps {
	char *partner, *clinic;
	long long open;       /* every gap row */
	long long closable;   /* those with a deadline on or after the as-of date */
};

/* The clinic column of a member without one. */
#define NO_CLINIC "unattributed"

/* The measures of a set by id, for the lookups made once per results row
 * or gap (mdef_find() compares every id): an open-addressed hash table. */
struct measure_index {
	const struct measure **slot; /* owned; at least half empty; the
					measures are the set's */
	unsigned mask;               /* slots - 1, a power of two less 1 */
};
void measure_index_init(struct measure_index *x, const struct measure_set *ms);
void measure_index_release(struct measure_index *x);
/* The measure with id (the first of the set, as mdef_find()), or NULL. */
const struct measure *measure_index_find(const struct measure_index *x, const char *id);

/* 1 if measure id's definition says it yields gaps (cco-measure(5)); *known
 * says whether x's set defines it at all. */
int measure_yields_gaps(const struct measure_index *x, const char *id, int *known);

/* 1 if a gap with deadline (an ISO date, or "" for none) can still be
 * closed on as_of. */
int gap_closable(const char *deadline, const char *as_of);

/* The file name ID + EXT for a partner or clinic id (NONE + EXT for ""),
 * or NULL if the id cannot name a file (a leading dot, a byte other than
 * letters, digits, '.', '_', '-'). */
char *export_file_name(const char *id, const char *none, const char *ext);

/* Gap lists: the members in a denominator, not excluded and not in the
 * numerator of a measure that yields gaps, one file per partner. */
struct gap_files {
	struct afile *f;   /* one per partner, open until gaps_finish() */
	char **partner;
	int n;
	long long rows;
	char *dir;
	struct clinic_gaps *clinics; /* by partner, then clinic as listed */
	int nclinics;
	size_t clinics_alloc;
};

/* Read the n results files at paths (measure/results.rec.zst of each
 * shard, merged by member) and write every partner's list into dir (made
 * mode 0700) as uncommitted files, sorted with the external sort sort; a
 * gap is closable when its deadline is on or after as_of (YYYY-MM-DD).
 * Each row is also counted into tally (monthly_add()) in the same pass.
 * Returns 0, or -1 with err_msg() set.  Call gaps_finish() either way. */
struct extsort_config;
int gaps_write(struct gap_files *g, char *const *paths, int n, const char *dir,
	       const struct measure_set *ms, const char *as_of,
	       const struct extsort_config *sort, struct monthly *tally);
/* Commit every list and remove lists of partners no longer present (ok),
 * or discard them all.  Returns 0 or -1 with err_msg() set. */
int gaps_finish(struct gap_files *g, int ok);


/* XXH3 of the measure definitions, value sets (every file of the two
 * directories, by name), targets and baselines files, as 32 hex digits.
 * Returns 0 or -1 with err_msg() set. */
int config_hash(const char *measures, const char *valuesets, const char *targets,
		const char *baselines, char out[33]);

/* Open results.db (creating the schema), replace the run's rows and the
 * partner and measure names inside an open transaction.  Returns the
 * handle, or NULL with err_msg() set.  resultsdb_finish() commits (ok) or
 * rolls back, and closes. */
sqlite3 *resultsdb_store(const char *path, const struct run_key *k,
			 const struct metrics *m, const struct export_inputs *in,
			 const struct measure_set *ms, long long *run_id);
int resultsdb_finish(sqlite3 *db, int ok);

/* The report workbook of audience a at path, run run_id of results.db.
 * Returns 0 or -1 with err_msg() set. */
int xlsx_write(const char *path, const struct metrics *m, const struct export_inputs *in,
	       const struct run_key *k, long long run_id, const struct audience *a);

/* Load the data-quality report at path (absent: none, 0).  Returns 0, or
 * -1 with err_msg() "FILE:LINE: what" and r empty.  Release with
 * qreport_release(). */
int qreport_load(struct qreport *r, const char *path);
void qreport_release(struct qreport *r);

/* The data-quality section of the internal report: checks and claims
 * volumes as r holds them; nothing when r is empty. */
void html_quality(FILE *fp, const struct qreport *r);

/* The self-contained HTML report for audience a; history from db (may be
 * NULL); the gap counts of each clinic from g's tallies. */
void html_write(FILE *fp, const struct metrics *m, const struct export_inputs *in,
		const struct run_key *k, sqlite3 *db, const struct audience *a,
		const struct gap_files *g);

#endif
