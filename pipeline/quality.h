/*
 * quality.h: the data-quality checks of a run (cco-quality(5)).
 *
 * quality.c loads the catalogue (paths.quality), judges a run's stored
 * counts with its current thresholds and compares them with the run
 * before; qcollect.c computes a run's counts from what the stages left in
 * the workspace and stores them in cco.db, tables quality_check and
 * quality_volume.  Only aggregates are stored or printed: never a member
 * id or a code.
 */
#ifndef CCO_QUALITY_H
#define CCO_QUALITY_H

#include <stddef.h>
#include <stdio.h>

enum qseverity { Q_PASS, Q_WARNING, Q_FAILURE };

/* One check of the catalogue: violated/total of two named counts. */
struct qcheck {
	char *name;       /* its section name, "date_format" */
	char *category;   /* conformance, completeness or plausibility */
	char *violated;   /* count names, e.g. "ingest.reject.invalid_date" */
	char *total;
	double warning;   /* share violated above which it warns; < 0: never */
	double failure;   /* ... above which it fails; < 0: never */
};

struct quality {
	struct qcheck *checks;
	size_t nchecks;
	double partner_drop;        /* a drop of more than this share is flagged */
	long long min_claims;       /* below this many claims before: not judged */
	enum qseverity drop_severity;
};

/* Load the catalogue at path into q.  Returns 0, or -1 with err_msg()
 * "FILE:LINE: what" (unknown key or category, bad share, unknown count
 * name, a check without its counts); q is then released. */
int quality_load(struct quality *q, const char *path);

void quality_release(struct quality *q);

/* Compute run's counts from the workspace ws (its cco.db and normalize/
 * outputs; of a run in nshards shards, those of each shard, shard.h,
 * summed) and store them under run, replacing any stored before.
 * Streams the normalized claims once, memory independent of the
 * population.  Returns 0 or -1 with err_msg() set. */
int quality_collect(const struct quality *q, const char *ws, int nshards, long long run);

/* What judging one run found. */
struct qverdict {
	int tsv;                  /* in: print the report file's lines, not text */
	long long run, previous;  /* previous: the run compared with, 0 if none */
	int warnings, failures;   /* findings of each severity */
	char line[512];           /* "3 data-quality warnings: ...", or "" */
};

/* Judge run (0: the latest run with stored counts) in the database at
 * db_path with q's thresholds; with out, print every check and volume
 * comparison to it: as text, or with v->tsv set as the lines of
 * WORKSPACE/quality/report.tsv that cco-export reads (cco-quality(5)).
 * Returns 0 with *v set, or -1 with err_msg() set (no counts stored for
 * that run). */
int quality_judge(const struct quality *q, const char *db_path, long long run,
		  FILE *out, struct qverdict *v);

/* For cco-pipeline run, after normalize: collect run's counts with the
 * catalogue at path, judge them and write WORKSPACE/quality/report.tsv
 * for cco-export (of a run in nshards shards); with no catalogue at path, collect nothing and remove
 * that file.  line (n bytes) gets the summary line, "" when nothing was
 * found.  Returns 1 when a finding has severity failure, 0 otherwise, -1
 * with err_msg() set. */
int quality_run(const char *path, const char *ws, int nshards, long long run, char *line,
		size_t n);

/* The run summary's data-quality line of v, e.g. "2 data-quality
 * warnings: P04 medical claims -62% vs last run, ...", in buf; "" when
 * nothing was found. */
void quality_summary_line(const struct qverdict *v, char *buf, size_t n);

#endif
