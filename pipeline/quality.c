/*
 * quality.c: the data-quality catalogue, and a run's checks and claims
 * volumes judged with its current thresholds against the run before
 * (see quality.h, cco-quality(5)).  Judging reads only the counts stored
 * by quality_collect(), so a changed threshold is applied without
 * rerunning a stage.
 */
#include <limits.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "db.h"
#include "err.h"
#include "inifile.h"
#include "num.h"
#include "quality.h"
#include "xalloc.h"

static const char *const categories[] = { "conformance", "completeness", "plausibility",
					  NULL };
/* The counts qcollect.c computes, by name or prefix (cco-quality(5)):
 * ingest's reasons are those of cco-ingest(1), normalize's metrics those
 * of its normalize_count table. */
static const char *const count_names[] = {
	"ingest.read", "ingest.accepted", "ingest.rejected", "ingest.out_of_period",
	"volume.claims", "volume.unattributed", NULL
};
static const char *const reject_reasons[] = {
	"malformed_csv", "column_count", "invalid_encoding", "missing_field",
	"invalid_date", "invalid_code", "invalid_npi", "invalid_value", "unknown_member",
	NULL
};
static const char *const normalize_metrics[] = {
	"in", "final", "replaced", "voided", "denied", "duplicates", "orphan_voids",
	"orphan_replacements", "held", "held_versions", "undated", NULL
};

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* 1 if name is a count qcollect.c computes. */
static int count_known(const char *name)
{
	const char *dot;

	if (in_list(count_names, name))
		return 1;
	if (strncmp(name, "ingest.reject.", 14) == 0)
		return in_list(reject_reasons, name + 14);
	/* normalize.KIND.METRIC, KIND not empty */
	if (strncmp(name, "normalize.", 10) != 0 || (dot = strrchr(name, '.')) <= name + 10)
		return 0;
	return in_list(normalize_metrics, dot + 1);
}

/* A share from 0 to 1 ("0.05"), nothing after it. */
static int parse_share(const char *key, const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v || *end || !(d >= 0 && d <= 1))
		return err_set("%s must be a share from 0 to 1, not '%s'", key, v);
	*out = d;
	return 0;
}

static int parse_severity(const char *v, enum qseverity *out)
{
	if (strcmp(v, "warning") == 0)
		*out = Q_WARNING;
	else if (strcmp(v, "failure") == 0)
		*out = Q_FAILURE;
	else
		return err_set("severity must be warning or failure, not '%s'", v);
	return 0;
}

static int compare_key(struct quality *q, const char *key, const char *v)
{
	long long n;

	if (strcmp(key, "partner_drop") == 0)
		return parse_share(key, v, &q->partner_drop);
	if (strcmp(key, "severity") == 0)
		return parse_severity(v, &q->drop_severity);
	if (strcmp(key, "min_claims") == 0) {
		if (num_parse(v, 0, LLONG_MAX, &n) < 0)
			return err_set("min_claims must be a whole number, not '%s'", v);
		q->min_claims = n;
		return 0;
	}
	return err_set("unknown key '%s' in [compare]", key);
}

/* The check of section name, appended when it is new.  Names are
 * lowercase letters, digits and '_'. */
static struct qcheck *check_of(struct quality *q, const char *name, size_t *cap)
{
	if (q->nchecks && strcmp(q->checks[q->nchecks - 1].name, name) == 0)
		return &q->checks[q->nchecks - 1];
	for (size_t i = 0; i < q->nchecks; i++)
		if (strcmp(q->checks[i].name, name) == 0) {
			err_set("check '%s' is defined twice", name);
			return NULL;
		}
	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name)) {
		err_set("check name '%s' is not lowercase letters, digits and '_'", name);
		return NULL;
	}
	xgrow(&q->checks, cap, q->nchecks + 1, sizeof(*q->checks));
	memset(&q->checks[q->nchecks], 0, sizeof(*q->checks));
	q->checks[q->nchecks].name = xstrdup(name);
	q->checks[q->nchecks].warning = q->checks[q->nchecks].failure = -1;
	return &q->checks[q->nchecks++];
}

static int set_text(char **field, const char *key, const char *v)
{
	if (*field)
		return err_set("%s is set twice", key);
	*field = xstrdup(v);
	return 0;
}

static int check_key(struct qcheck *k, const char *key, const char *v)
{
	if (strcmp(key, "category") == 0) {
		if (!in_list(categories, v))
			return err_set("category must be conformance, completeness or"
				       " plausibility, not '%s'", v);
		return set_text(&k->category, key, v);
	}
	if (strcmp(key, "violated") == 0 || strcmp(key, "total") == 0) {
		if (!count_known(v))
			return err_set("no count named '%s' (cco-quality(5))", v);
		return set_text(key[0] == 'v' ? &k->violated : &k->total, key, v);
	}
	if (strcmp(key, "warning") == 0)
		return parse_share(key, v, &k->warning);
	if (strcmp(key, "failure") == 0)
		return parse_share(key, v, &k->failure);
	if (strcmp(key, "description") == 0)
		return 0;
	return err_set("unknown key '%s' in check [%s]", key, k->name);
}

struct load_state {
	struct quality *q;
	size_t cap;
};

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct load_state *ls = user;
	struct qcheck *k;

	if (strcmp(section, "compare") == 0)
		return compare_key(ls->q, key, value);
	if (!(k = check_of(ls->q, section, &ls->cap)))
		return -1;
	return check_key(k, key, value);
}

/* Every check has its category and both counts. */
static int checks_complete(const struct quality *q, const char *path)
{
	for (size_t i = 0; i < q->nchecks; i++) {
		const struct qcheck *k = &q->checks[i];
		const char *missing = !k->category ? "category" :
				      !k->violated ? "violated" : !k->total ? "total" : NULL;

		if (missing)
			return err_set("%s: check [%s] has no %s", path, k->name, missing);
	}
	return 0;
}

int quality_load(struct quality *q, const char *path)
{
	struct load_state ls = { q, 0 };

	memset(q, 0, sizeof(*q));
	q->partner_drop = 0.5;
	q->min_claims = 100;
	q->drop_severity = Q_WARNING;
	if (inifile_parse(path, on_key, &ls) < 0 || checks_complete(q, path) < 0) {
		quality_release(q);
		return -1;
	}
	return 0;
}

void quality_release(struct quality *q)
{
	for (size_t i = 0; i < q->nchecks; i++) {
		free(q->checks[i].name);
		free(q->checks[i].category);
		free(q->checks[i].violated);
		free(q->checks[i].total);
	}
	free(q->checks);
	memset(q, 0, sizeof(*q));
}

/* ---- judging ---- */

static const char *const severity_names[] = { "pass", "warning", "failure" };

static double share(long long violated, long long total)
{
	return total > 0 ? (double)violated / (double)total : 0;
}

static enum qseverity judge_share(const struct qcheck *k, double s)
{
	if (k->failure >= 0 && s > k->failure)
		return Q_FAILURE;
	if (k->warning >= 0 && s > k->warning)
		return Q_WARNING;
	return Q_PASS;
}

/* A finding: counted in v and named in its line. */
static void finding(struct qverdict *v, enum qseverity sev, const char *what)
{
	size_t used = strlen(v->line);

	if (sev == Q_PASS)
		return;
	if (sev == Q_FAILURE)
		v->failures++;
	else
		v->warnings++;
	if (used + strlen(what) + 8 < sizeof(v->line))
		snprintf(v->line + used, sizeof(v->line) - used, "%s%s", used ? ", " : "", what);
	else if (!strstr(v->line, ", ..."))
		snprintf(v->line + used, sizeof(v->line) - used, ", ...");
}

/* The single whole number sql returns with run bound as ?1, or 0. */
static long long query_run(sqlite3 *db, const char *sql, long long run)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	long long n = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Stored counts of check name in run: 1 with *violated, *total; 0 if
 * none were stored. */
static int stored_check(sqlite3 *db, long long run, const char *name, long long *violated,
			long long *total)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT violated, total FROM quality_check"
				      " WHERE run_id = ? AND name = ?");
	int found = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*violated = sqlite3_column_int64(st, 0);
		*total = sqlite3_column_int64(st, 1);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* "new", "persisting", "resolved" or "" from the severities now and in
 * the run before (-1: not measured then). */
static const char *trend(enum qseverity now, int before)
{
	if (now != Q_PASS)
		return before > Q_PASS ? "persisting" : "new";
	return before > Q_PASS ? "resolved" : "";
}

static void judge_check(sqlite3 *db, const struct qcheck *k, struct qverdict *v, FILE *out)
{
	long long viol, total, pviol, ptotal;
	enum qseverity sev;
	int before = -1;
	char what[160];

	if (!stored_check(db, v->run, k->name, &viol, &total)) {
		if (out && v->tsv)
			fprintf(out, "check\t%s\t%s\t\t\tnot measured\t\n", k->category, k->name);
		else if (out)
			fprintf(out, "  %-13s %-24s not measured in run %lld\n", k->category,
				k->name, v->run);
		return;
	}
	sev = judge_share(k, share(viol, total));
	if (v->previous && stored_check(db, v->previous, k->name, &pviol, &ptotal))
		before = (int)judge_share(k, share(pviol, ptotal));
	if (out && v->tsv)
		fprintf(out, "check\t%s\t%s\t%lld\t%lld\t%.2f%%\t%s\t%s\n", k->category,
			k->name, viol, total, 100 * share(viol, total), severity_names[sev],
			trend(sev, before));
	else if (out)
		fprintf(out, "  %-13s %-24s %10lld of %10lld %7.2f%%  %-8s %s\n", k->category,
			k->name, viol, total, 100 * share(viol, total), severity_names[sev],
			trend(sev, before));
	snprintf(what, sizeof(what), "%s %.2f%% (%s)", k->name, 100 * share(viol, total),
		 k->category);
	finding(v, sev, what);
}

/* "medical claims" for kind "medical_claims". */
static void kind_label(const char *kind, char *buf, size_t n)
{
	snprintf(buf, n, "%s", kind);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
}

/* "last run" when base is the run before v's, else "run N": the report
 * names no run number it need not, so a rerun in a fresh workspace
 * writes the same bytes. */
static void base_name(const struct qverdict *v, long long base, char *buf, size_t n)
{
	if (base == v->previous)
		snprintf(buf, n, "last run");
	else
		snprintf(buf, n, "run %lld", base);
}

static void judge_partner(const struct quality *q, const char *kind, const char *partner,
			  long long now, long long before, struct qverdict *v, FILE *out,
			  long long base)
{
	double change = before > 0 ? (double)(now - before) / (double)before : 0;
	enum qseverity sev = before >= q->min_claims && -change > q->partner_drop ?
				     q->drop_severity : Q_PASS;
	const char *who = *partner ? partner : "(no partner)";
	char label[64], what[160], against[32];

	kind_label(kind, label, sizeof(label));
	base_name(v, base, against, sizeof(against));
	if (out && v->tsv)
		fprintf(out, "volume\t%s\t%s\t%lld\t%lld\t%+.1f%%\t%s\t%s\n", label, who,
			before, now, 100 * change, severity_names[sev], against);
	else if (out)
		fprintf(out, "  %-16s %-12s %10lld -> %10lld %+7.1f%%  %s\n", label, who,
			before, now, 100 * change, sev == Q_PASS ? "" : severity_names[sev]);
	snprintf(what, sizeof(what), "%s %s %+.0f%% vs %s", who, label, 100 * change, against);
	finding(v, sev, what);
}

/* The run the volumes of kind in run are compared with: the latest
 * earlier run whose latest extract of that kind was another one. */
static long long volume_base(sqlite3 *db, long long run, const char *kind)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT coalesce(max(run_id), 0) FROM quality_volume WHERE kind = ?2"
		" AND run_id < ?1 AND extract <> (SELECT max(extract) FROM quality_volume"
		" WHERE run_id = ?1 AND kind = ?2)");
	long long base = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		base = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return base;
}

static void judge_kind(sqlite3 *db, const struct quality *q, const char *kind,
		       struct qverdict *v, FILE *out)
{
	long long base = volume_base(db, v->run, kind);
	sqlite3_stmt *st;

	if (!base)
		return;
	st = db_prepare(db, "SELECT partner, sum(CASE WHEN run_id = ?1 THEN claims END),"
			" sum(CASE WHEN run_id = ?2 THEN claims END) FROM quality_volume"
			" WHERE kind = ?3 AND run_id IN (?1, ?2) GROUP BY partner ORDER BY partner");
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, v->run);
	sqlite3_bind_int64(st, 2, base);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	if (out && !v->tsv)
		fprintf(out, "claims volumes vs run %lld:\n", base);
	while (sqlite3_step(st) == SQLITE_ROW)
		judge_partner(q, kind, (const char *)sqlite3_column_text(st, 0),
			      sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2), v,
			      out, base);
	sqlite3_finalize(st);
}

static void judge_volumes(sqlite3 *db, const struct quality *q, struct qverdict *v,
			  FILE *out)
{
	static const char *const kinds[] = { "medical_claims", "pharmacy_claims", NULL };

	for (int i = 0; kinds[i]; i++)
		judge_kind(db, q, kinds[i], v, out);
}

static int judge(sqlite3 *db, const struct quality *q, long long run, FILE *out,
		 struct qverdict *v)
{
	int tsv = v->tsv;

	memset(v, 0, sizeof(*v));
	v->tsv = tsv;
	v->run = run ? run : query_run(db, "SELECT coalesce(max(run_id), 0) FROM quality_check"
				       " WHERE run_id > ?1", 0);
	if (v->run <= 0 || !query_run(db, "SELECT count(*) FROM quality_check"
				      " WHERE run_id = ?1", v->run))
		return run ? err_set("no data-quality counts stored for run %lld", run) :
			     err_set("no data-quality counts stored yet");
	v->previous = query_run(db, "SELECT coalesce(max(run_id), 0) FROM quality_check"
				" WHERE run_id < ?1", v->run);
	if (out && !tsv) {
		fprintf(out, "data quality of run %lld", v->run);
		if (v->previous)
			fprintf(out, " (checks compared with run %lld)", v->previous);
		fputs(":\n", out);
	}
	judge_volumes(db, q, v, out);
	if (out && !tsv)
		fputs("checks:\n", out);
	for (size_t i = 0; i < q->nchecks; i++)
		judge_check(db, &q->checks[i], v, out);
	return 0;
}

int quality_judge(const struct quality *q, const char *db_path, long long run, FILE *out,
		  struct qverdict *v)
{
	sqlite3 *db = db_open(db_path);
	int rc;

	if (!db)
		return -1;
	rc = db_exec(db, "SELECT 1 FROM quality_check LIMIT 0") < 0 ?
		     err_set("no data-quality counts stored yet") :
		     judge(db, q, run, out, v);
	db_close(db);
	if (rc == 0) {
		char line[sizeof(v->line)];

		quality_summary_line(v, line, sizeof(line));
		if (out && *line)
			fprintf(out, "%s%s\n", v->tsv ? "summary\t" : "", line);
	}
	return rc;
}

void quality_summary_line(const struct qverdict *v, char *buf, size_t n)
{
	if (!v->warnings && !v->failures) {
		*buf = '\0';
		return;
	}
	if (v->failures && v->warnings)
		snprintf(buf, n, "%d data-quality failure%s and %d warning%s: %s", v->failures,
			 v->failures == 1 ? "" : "s", v->warnings, v->warnings == 1 ? "" : "s",
			 v->line);
	else if (v->failures)
		snprintf(buf, n, "%d data-quality failure%s: %s", v->failures,
			 v->failures == 1 ? "" : "s", v->line);
	else
		snprintf(buf, n, "%d data-quality warning%s: %s", v->warnings,
			 v->warnings == 1 ? "" : "s", v->line);
}

/* Judge run and write the report file at path (atomically).  Returns 0
 * with *v set, or -1. */
static int write_report(const struct quality *q, const char *ws, long long run,
			const char *path, struct qverdict *v)
{
	char *db_path = xasprintf("%s/cco.db", ws);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int rc;

	v->tsv = 1;
	rc = quality_judge(q, db_path, run, out, v);
	fclose(out);
	if (rc == 0)
		rc = afile_write_all(path, AFILE_PHI, text, size);
	free(text);
	free(db_path);
	return rc;
}

int quality_run(const char *path, const char *ws, int nshards, long long run, char *line,
		size_t n)
{
	char *dir = xasprintf("%s/quality", ws);
	char *report = xasprintf("%s/report.tsv", dir);
	struct quality q;
	struct qverdict v = { 0 };
	int rc = 0;

	*line = '\0';
	if (access(path, F_OK) != 0) {
		if (unlink(report) != 0 && errno != ENOENT)
			rc = err_set("cannot remove '%s': %s", report, strerror(errno));
	} else if ((rc = quality_load(&q, path)) == 0) {
		rc = quality_collect(&q, ws, nshards, run);
		if (rc == 0)
			rc = fs_mkdirs(dir, AFILE_PHI_DIR);
		if (rc == 0)
			rc = write_report(&q, ws, run, report, &v);
		quality_release(&q);
		quality_summary_line(&v, line, n);
	}
	free(report);
	free(dir);
	return rc < 0 ? -1 : v.failures > 0;
}
