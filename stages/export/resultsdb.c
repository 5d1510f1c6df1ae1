/*
 * resultsdb.c: WORKSPACE/export/results.db, the metrics of every run, so
 * progress can be followed month by month.  A run is identified by its
 * measurement year, as-of date and configuration hash: running the same
 * again replaces that run's rows instead of adding a copy.  The tables
 * partner and measure name the ids, as of the latest run; the view
 * metric_named joins them to the metrics.  metric_month holds each
 * partner's year-to-date rate by month (monthly.c) of the measures that
 * have a curve.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "export.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS run (\n"
	"  run_id INTEGER PRIMARY KEY,\n"
	"  measurement_year INTEGER NOT NULL,\n"
	"  as_of TEXT NOT NULL,\n"
	"  config_hash TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL,\n"
	"  UNIQUE (measurement_year, as_of, config_hash));\n"
	"CREATE TABLE IF NOT EXISTS metric (\n"
	"  run_id INTEGER NOT NULL REFERENCES run (run_id),\n"
	"  level TEXT NOT NULL CHECK (level IN ('partner', 'clinic')),\n"
	"  measure_id TEXT NOT NULL,\n"
	"  submeasure TEXT NOT NULL,\n"
	"  partner_id TEXT NOT NULL,\n"
	"  clinic_id TEXT NOT NULL,\n"
	"  denominator INTEGER NOT NULL,\n"
	"  exclusions INTEGER NOT NULL,\n"
	"  numerator INTEGER NOT NULL,\n"
	"  rate REAL,\n"
	"  benchmark REAL,\n"
	"  baseline REAL,\n"
	"  improvement_target REAL,\n"
	"  status TEXT NOT NULL,\n"
	"  needed INTEGER,\n"
	"  suppressed INTEGER NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS metric_by_run ON metric (run_id, level, measure_id);\n"
	"CREATE TABLE IF NOT EXISTS partner (\n"
	"  partner_id TEXT PRIMARY KEY,\n"
	"  partner_name TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS measure (\n"
	"  measure_id TEXT PRIMARY KEY,\n"
	"  measure_name TEXT NOT NULL,\n"
	"  higher_is_better INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('proportion', 'rate')));\n"
	"CREATE TABLE IF NOT EXISTS metric_month (\n"
	"  run_id INTEGER NOT NULL REFERENCES run (run_id),\n"
	"  measure_id TEXT NOT NULL,\n"
	"  submeasure TEXT NOT NULL,\n"
	"  partner_id TEXT NOT NULL,\n"
	"  month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),\n"
	"  numerator INTEGER NOT NULL,\n"
	"  denominator INTEGER NOT NULL,\n"
	"  rate REAL,\n"
	"  suppressed INTEGER NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS metric_month_by_key\n"
	"  ON metric_month (measure_id, submeasure, partner_id, run_id);\n"
	"CREATE VIEW IF NOT EXISTS metric_named AS\n"
	"  SELECT m.*, p.partner_name, s.measure_name\n"
	"  FROM metric m LEFT JOIN partner p USING (partner_id)\n"
	"  LEFT JOIN measure s USING (measure_id);\n";

static int fail(sqlite3 *db, const char *what)
{
	return err_set("results database: %s: %s", what, sqlite3_errmsg(db));
}

/* A database from before the suppressed column: add it, counting the old
 * rows' rates as hidden, since whether they were is not known. */
static int upgrade(sqlite3 *db)
{
	sqlite3_stmt *st;
	int has = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info('metric')"
				   " WHERE name = 'suppressed'", -1, &st, NULL) != SQLITE_OK)
		return fail(db, "read schema");
	if (sqlite3_step(st) == SQLITE_ROW)
		has = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (has)
		return 0;
	return db_exec(db, "ALTER TABLE metric ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 1");
}

/* Empty table of run run_id's rows. */
static int delete_rows(sqlite3 *db, const char *table, long long run_id)
{
	char sql[64];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE run_id = ?1", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, "prepare delete");
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(db, "delete old rows");
}

/* The run's id, reusing (and emptying) the row of an identical run. */
static int upsert_run(sqlite3 *db, const struct run_key *k, long long *run_id)
{
	static const char sql[] =
		"INSERT INTO run (measurement_year, as_of, config_hash, created_at)\n"
		"VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))\n"
		"ON CONFLICT (measurement_year, as_of, config_hash)\n"
		"DO UPDATE SET created_at = excluded.created_at RETURNING run_id";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, "prepare run");
	sqlite3_bind_int(st, 1, k->measurement_year);
	sqlite3_bind_text(st, 2, k->as_of, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, k->config_hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*run_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return fail(db, "insert run");
	return delete_rows(db, "metric", *run_id) == 0 &&
			       delete_rows(db, "metric_month", *run_id) == 0 ? 0 : -1;
}

static void bind_fixed(sqlite3_stmt *st, int i, int has, long long v, int d)
{
	double p = 1;

	for (int j = 0; j < d; j++)
		p *= 10;
	if (has)
		sqlite3_bind_double(st, i, (double)v / p);
	else
		sqlite3_bind_null(st, i);
}

static int insert_row(sqlite3_stmt *st, long long run_id, const struct metric *r)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, r->level == LEVEL_CLINIC ? "clinic" : "partner", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->measure_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->sub, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->partner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->clinic, -1, SQLITE_STATIC);
	for (int c = CNT_DEN; c <= CNT_NUM; c++)
		sqlite3_bind_int64(st, 7 + c, r->cnt[c]);
	bind_fixed(st, 10, r->has_rate, r->rate, r->decimals);
	bind_fixed(st, 11, r->has_benchmark, r->benchmark, r->decimals);
	bind_fixed(st, 12, r->has_baseline, r->baseline, r->decimals);
	bind_fixed(st, 13, r->has_target, r->target, r->decimals);
	sqlite3_bind_text(st, 14, r->status, -1, SQLITE_STATIC);
	bind_fixed(st, 15, r->has_needed, r->needed, 0);
	sqlite3_bind_int(st, 16, suppress_row(r));
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int insert_metrics(sqlite3 *db, long long run_id, const struct metrics *m)
{
	static const char sql[] =
		"INSERT INTO metric VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, ?14, ?15, ?16)";
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, "prepare metric");
	for (int i = 0; rc == 0 && i < m->n; i++)
		if (!*m->v[i].stratum)
			rc = insert_row(st, run_id, &m->v[i]);
	if (rc < 0)
		fail(db, "insert metric");
	sqlite3_finalize(st);
	return rc;
}

/* Row r's months 1 to months, each a row of metric_month. */
static int insert_months(sqlite3_stmt *st, long long run_id, const struct metric *r,
			 int months)
{
	int rc = 0;

	for (int mo = 1; rc == 0 && mo <= months; mo++) {
		int has;
		long long rate = monthly_rate(r, mo, &has);

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, r->measure_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->sub, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->partner, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, mo);
		sqlite3_bind_int64(st, 6, monthly_numerator(r, mo));
		sqlite3_bind_int64(st, 7, r->cnt[CNT_DEN] - r->cnt[CNT_EXC]);
		bind_fixed(st, 8, has, rate, r->decimals);
		sqlite3_bind_int(st, 9, suppress_row(r));
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	return rc;
}

/* The monthly points of every partner and CCO row with a curve. */
static int insert_curves(sqlite3 *db, long long run_id, const struct metrics *m, int months)
{
	static const char sql[] =
		"INSERT INTO metric_month VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, "prepare metric_month");
	for (int i = 0; rc == 0 && i < m->n; i++)
		if (!*m->v[i].stratum && m->v[i].level != LEVEL_CLINIC &&
		    metric_has_curve(&m->v[i]))
			rc = insert_months(st, run_id, &m->v[i], months);
	if (rc < 0)
		fail(db, "insert metric_month");
	sqlite3_finalize(st);
	return rc;
}

/* Bind the i-th partner (i == in->npartners: the CCO) to st. */
static void bind_partner(sqlite3_stmt *st, const struct export_inputs *in, int i)
{
	const char *id = i < in->npartners ? in->partners[i].id : EXPORT_ALL;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, inputs_partner_name(in, id), -1, SQLITE_STATIC);
}

static void bind_measure(sqlite3_stmt *st, const struct measure *m)
{
	sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, m->higher_is_better);
	sqlite3_bind_text(st, 4, m->kind == MEASURE_PROPORTION ? "proportion" : "rate", -1,
			  SQLITE_STATIC);
}

/* The partner and measure names, replaced by this run's. */
static int store_names(sqlite3 *db, const struct export_inputs *in, const struct measure_set *ms)
{
	sqlite3_stmt *p = NULL, *m = NULL;
	int rc = db_exec(db, "DELETE FROM partner; DELETE FROM measure");

	if (rc == 0 && (sqlite3_prepare_v2(db, "INSERT INTO partner VALUES (?1, ?2)", -1, &p,
					   NULL) != SQLITE_OK ||
			sqlite3_prepare_v2(db, "INSERT INTO measure VALUES (?1, ?2, ?3, ?4)", -1,
					   &m, NULL) != SQLITE_OK))
		rc = fail(db, "prepare names");
	for (int i = 0; rc == 0 && i <= in->npartners; i++) {
		sqlite3_reset(p);
		bind_partner(p, in, i);
		rc = sqlite3_step(p) == SQLITE_DONE ? 0 : fail(db, "insert partner");
	}
	for (int i = 0; rc == 0 && i < ms->n; i++) {
		sqlite3_reset(m);
		bind_measure(m, &ms->m[i]);
		rc = sqlite3_step(m) == SQLITE_DONE ? 0 : fail(db, "insert measure");
	}
	sqlite3_finalize(p);
	sqlite3_finalize(m);
	return rc;
}

sqlite3 *resultsdb_store(const char *path, const struct run_key *k,
			 const struct metrics *m, const struct export_inputs *in,
			 const struct measure_set *ms, long long *run_id)
{
	/* unsuppressed counts: as private as the member lists */
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	sqlite3 *db;

	if (fd < 0 || fchmod(fd, 0600) != 0) {
		err_set("cannot create '%s'", path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	if (!(db = db_open(path)))
		return NULL;
	if (db_exec(db, "BEGIN IMMEDIATE") == 0 && db_exec(db, schema) == 0 &&
	    upgrade(db) == 0 && upsert_run(db, k, run_id) == 0 &&
	    insert_metrics(db, *run_id, m) == 0 &&
	    insert_curves(db, *run_id, m, monthly_months(k)) == 0 && store_names(db, in, ms) == 0)
		return db;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return NULL;
}

int resultsdb_finish(sqlite3 *db, int ok)
{
	int rc = 0;

	if (!db)
		return 0;
	if (ok)
		rc = db_exec(db, "COMMIT");
	if (!ok || rc < 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}
