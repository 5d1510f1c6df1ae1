/*
 * ledger.c: the run ledger, tables `run` and `stage_run` in the
 * workspace's cco.db (schema in cco-pipeline(1)).  Times are wall-clock
 * UTC: the ledger is a log of what happened, not an output of the data.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "err.h"
#include "pipeline.h"
#include "shard.h"
#include "xalloc.h"

struct ledger {
	sqlite3 *db;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS run ("
	" id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT,"
	" status TEXT NOT NULL, command TEXT, summary TEXT);"
	"CREATE TABLE IF NOT EXISTS stage_run ("
	" run_id INTEGER NOT NULL REFERENCES run(id), stage TEXT NOT NULL,"
	" finished TEXT NOT NULL, seconds REAL, status TEXT NOT NULL,"
	" exit_code INTEGER, reason TEXT, input_hash TEXT, inputs TEXT,"
	" output_hash TEXT, output_rows INTEGER, summary TEXT,"
	" PRIMARY KEY (run_id, stage));"
	"CREATE TABLE IF NOT EXISTS stage_reject ("
	" run_id INTEGER NOT NULL REFERENCES run(id), stage TEXT NOT NULL,"
	" reason TEXT NOT NULL, field TEXT NOT NULL, count INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, stage, reason, field));"
	"CREATE TABLE IF NOT EXISTS slurm_job ("
	" run_id INTEGER NOT NULL REFERENCES run(id), stage TEXT NOT NULL,"
	" job_id INTEGER NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (run_id, stage));";

/* Columns added to stage_run since it was first made, for ledgers made
 * before them. */
static const char *const added_columns[][2] = {
	{ "input_rows", "ALTER TABLE stage_run ADD COLUMN input_rows INTEGER" },
};

static void now_utc(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int db_fail(struct ledger *l, const char *what)
{
	return err_set("run ledger: %s: %s", what, sqlite3_errmsg(l->db));
}

/* Does the query compile (its tables and columns exist)? */
static int compiles(struct ledger *l, const char *sql)
{
	sqlite3_stmt *st;
	int ok = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) == SQLITE_OK;

	sqlite3_finalize(st);
	return ok;
}

/* Add the columns a ledger made by an older version lacks.  Returns 0 or
 * -1 with err_msg() set. */
static int add_columns(struct ledger *l)
{
	size_t n = sizeof(added_columns) / sizeof(added_columns[0]);

	for (size_t i = 0; i < n; i++) {
		char *probe = xasprintf("SELECT %s FROM stage_run LIMIT 0", added_columns[i][0]);
		int have = compiles(l, probe);

		free(probe);
		if (!have && db_exec(l->db, added_columns[i][1]) < 0)
			return -1;
	}
	return 0;
}

struct ledger *ledger_open(const char *path)
{
	struct ledger *l = xcalloc(1, sizeof(*l));

	l->db = db_open(path);
	if (!l->db || db_exec(l->db, schema) < 0 || add_columns(l) < 0) {
		err_set("run ledger: %s", err_msg());
		ledger_close(l);
		return NULL;
	}
	return l;
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	sqlite3_close(l->db);
	free(l);
}

/* Prepare sql and bind the texts (NULL binds null).  Returns the
 * statement or NULL with err_msg() set. */
static sqlite3_stmt *prepare(struct ledger *l, const char *sql, int ntexts,
			     const char *const *texts)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(l, "prepare");
		return NULL;
	}
	for (int i = 0; i < ntexts; i++)
		sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_TRANSIENT);
	return st;
}

static int step_done(struct ledger *l, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(l, "write");
}

long long ledger_run_begin(struct ledger *l, const char *argv_line)
{
	char now[32];
	const char *texts[2] = { now, argv_line };
	sqlite3_stmt *st;

	now_utc(now);
	st = prepare(l, "INSERT INTO run (started, status, command) VALUES (?, 'running', ?)",
		     2, texts);
	if (!st || step_done(l, st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(l->db);
}

int ledger_run_end(struct ledger *l, long long run, const char *status,
		   const char *summary)
{
	char now[32];
	const char *texts[3] = { now, status, summary };
	sqlite3_stmt *st;

	now_utc(now);
	st = prepare(l, "UPDATE run SET finished = ?, status = ?, summary = ? WHERE id = ?",
		     3, texts);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 4, run);
	return step_done(l, st);
}

int ledger_stage(struct ledger *l, long long run, const char *stage,
		 const char *status, int exit_code, const char *reason,
		 const struct fingerprint *fp, const char *output_hash,
		 long long rows, const char *summary, double seconds)
{
	char now[32];
	const char *texts[8] = { stage, now, status, reason, fp ? fp->digest : NULL,
				 fp ? fp->lines : NULL, output_hash, summary };
	sqlite3_stmt *st;

	now_utc(now);
	st = prepare(l, "INSERT OR REPLACE INTO stage_run (stage, finished, status,"
		     " reason, input_hash, inputs, output_hash, summary, run_id,"
		     " exit_code, output_rows, seconds)"
		     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 8, texts);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 9, run);
	sqlite3_bind_int(st, 10, exit_code);
	if (rows >= 0)
		sqlite3_bind_int64(st, 11, rows);
	sqlite3_bind_double(st, 12, seconds);
	return step_done(l, st);
}

int ledger_last_ok(struct ledger *l, const char *stage, struct stage_record *r)
{
	const char *texts[1] = { stage };
	sqlite3_stmt *st = prepare(l, "SELECT input_hash, output_hash, inputs, run_id,"
				   " coalesce(output_rows, 0)"
				   " FROM stage_run WHERE stage = ? AND status IN ('ok', 'skipped')"
				   " AND output_hash IS NOT NULL"
				   " ORDER BY run_id DESC LIMIT 1", 1, texts);
	int rc;

	memset(r, 0, sizeof(*r));
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->found = 1;
		snprintf(r->input_hash, sizeof(r->input_hash), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		snprintf(r->output_hash, sizeof(r->output_hash), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		r->inputs = xstrdup((const char *)sqlite3_column_text(st, 2));
		r->run_id = sqlite3_column_int64(st, 3);
		r->rows = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(l, "read");
}

void stage_record_release(struct stage_record *r)
{
	free(r->inputs);
	r->inputs = NULL;
}

int ledger_abandon_unfinished(struct ledger *l)
{
	if (sqlite3_exec(l->db, "UPDATE run SET status = 'abandoned',"
			 " summary = 'the run was killed before it finished'"
			 " WHERE status = 'running'", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(l, "write");
	return sqlite3_changes(l->db);
}

int ledger_add_job(struct ledger *l, long long run, const char *stage, long long job)
{
	const char *texts[1] = { stage };
	sqlite3_stmt *st = prepare(l, "INSERT OR REPLACE INTO slurm_job (run_id, stage, job_id)"
				   " VALUES (?2, ?1, ?3)", 1, texts);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 2, run);
	sqlite3_bind_int64(st, 3, job);
	return step_done(l, st);
}

long long *ledger_take_abandoned_jobs(struct ledger *l, int *n)
{
	sqlite3_stmt *st = prepare(l, "SELECT job_id FROM slurm_job WHERE NOT cancelled AND"
				   " run_id IN (SELECT id FROM run WHERE status = 'abandoned')"
				   " ORDER BY job_id", 0, NULL);
	long long *jobs = NULL;
	size_t cap = 0;

	*n = 0;
	if (!st)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		xgrow(&jobs, &cap, (size_t)*n + 1, sizeof(*jobs));
		jobs[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(l->db, "UPDATE slurm_job SET cancelled = 1", NULL, NULL, NULL) !=
	    SQLITE_OK)
		db_fail(l, "write");
	return jobs;
}

int ledger_set_input_rows(struct ledger *l, long long run, const char *stage,
			  long long rows)
{
	const char *texts[1] = { stage };
	sqlite3_stmt *st = prepare(l, "UPDATE stage_run SET input_rows = ?2"
				   " WHERE stage = ?1 AND run_id = ?3", 1, texts);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 2, rows);
	sqlite3_bind_int64(st, 3, run);
	return step_done(l, st);
}

long long ledger_extract_mark(struct ledger *l)
{
	const char *sql = "SELECT coalesce(max(seq), 0) FROM extract";
	sqlite3_stmt *st;
	long long seq = 0;

	if (!compiles(l, sql))
		return 0; /* ingest has not made its tables yet */
	st = prepare(l, sql, 0, NULL);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return seq;
}

/* The SQL that copies ingest's rejects of the extracts after seq ?2 into
 * stage_reject for run ?1, by reason and, where ingest's run database
 * records it, field. */
static const char *ingest_rejects_sql(struct ledger *l)
{
	if (compiles(l, "SELECT field FROM extract_reject LIMIT 0"))
		return "INSERT OR REPLACE INTO stage_reject"
		       " SELECT ?1, 'ingest', reason, coalesce(field, ''), sum(count)"
		       " FROM extract_reject WHERE seq > ?2 GROUP BY 3, 4";
	return "INSERT OR REPLACE INTO stage_reject"
	       " SELECT ?1, 'ingest', reason, '', sum(count)"
	       " FROM extract_reject WHERE seq > ?2 GROUP BY 3";
}

int ledger_ingest_counts(struct ledger *l, long long run, long long since)
{
	static const char rows_sql[] =
		"UPDATE stage_run SET"
		" input_rows = (SELECT coalesce(sum(rows_read), 0) FROM extract WHERE seq > ?2),"
		" output_rows = (SELECT coalesce(sum(accepted), 0) FROM extract"
		"  WHERE seq > ?2 AND status = 'loaded')"
		" WHERE run_id = ?1 AND stage = 'ingest'";
	const char *sqls[2] = { rows_sql, NULL };
	int rc = 0;

	if (!compiles(l, rows_sql))
		return 0; /* ingest failed before it made its tables */
	sqls[1] = ingest_rejects_sql(l);
	for (int i = 0; rc == 0 && i < 2; i++) {
		sqlite3_stmt *st = prepare(l, sqls[i], 0, NULL);

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_int64(st, 2, since);
		rc = step_done(l, st);
	}
	return rc;
}

/* Add the output rows of the last good run of stage in (of shard k of n:
 * that shard's; of every shard when k is 0) to *rows.  0 or -1. */
static int add_output_rows(struct ledger *l, const struct stage_def *in, int k, int n,
			   long long *rows)
{
	for (int i = k ? k : 1; i <= (k ? k : n); i++) {
		struct shard sh = { in->per_shard ? i : 1, in->per_shard ? n : 1 };
		struct stage_record r;
		char name[64];

		stage_name(in, &sh, name, sizeof(name));
		if (ledger_last_ok(l, name, &r) < 0)
			return -1;
		*rows += r.rows;
		stage_record_release(&r);
		if (!in->per_shard)
			break;
	}
	return 0;
}

int ledger_stage_counts(struct ledger *l, long long run, const struct stage_def *s,
			const struct shard *sh, int nshards, long long mark)
{
	long long rows = 0;
	char name[64];

	if (strcmp(s->name, "ingest") == 0)
		return ledger_ingest_counts(l, run, mark);
	for (int i = 0; s->inputs[i]; i++)
		if (add_output_rows(l, &stage_table()[stage_find(s->inputs[i])],
				    s->per_shard ? sh->k : 0, nshards, &rows) < 0)
			return -1;
	stage_name(s, sh, name, sizeof(name));
	return ledger_set_input_rows(l, run, name, rows);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return xstrdup(s ? s : "");
}

/* The rejects of stage_summary ss (run run) from stage_reject, most first. */
static int load_rejects(struct ledger *l, long long run, struct stage_summary *ss)
{
	const char *texts[1] = { ss->stage };
	sqlite3_stmt *st = prepare(l, "SELECT reason, field, count FROM stage_reject"
				   " WHERE stage = ?1 AND run_id = ?2"
				   " ORDER BY count DESC, reason, field", 1, texts);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 2, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct reject_count *r;

		ss->rejects = xrealloc(ss->rejects, (ss->nrejects + 1) * sizeof(*r));
		r = &ss->rejects[ss->nrejects++];
		r->reason = col_dup(st, 0);
		r->field = col_dup(st, 1);
		r->count = sqlite3_column_int64(st, 2);
		ss->rejected += r->count;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Append the stage_run row at st to rs. */
static void add_stage(struct run_summary *rs, sqlite3_stmt *st)
{
	struct stage_summary *ss;

	rs->stages = xrealloc(rs->stages, (rs->n + 1) * sizeof(*ss));
	ss = &rs->stages[rs->n++];
	memset(ss, 0, sizeof(*ss));
	ss->stage = col_dup(st, 0);
	ss->status = col_dup(st, 1);
	ss->exit_code = sqlite3_column_int(st, 2);
	ss->seconds = sqlite3_column_double(st, 3);
	ss->rows_in = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 :
		      sqlite3_column_int64(st, 4);
	ss->rows_out = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
		       sqlite3_column_int64(st, 5);
	ss->reason = col_dup(st, 6);
	ss->message = col_dup(st, 7);
}

/* rs's run row: run (0: the latest). */
static int load_run_row(struct ledger *l, long long run, struct run_summary *rs)
{
	sqlite3_stmt *st = prepare(l, "SELECT id, started, finished, status, summary, command"
				   " FROM run WHERE id = ?1 OR (?1 = 0 AND id = (SELECT max(id) FROM run))",
				   0, NULL);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return run ? err_set("no run %lld in the ledger", run) :
			     err_set("no run recorded yet");
	}
	rs->run = sqlite3_column_int64(st, 0);
	rs->started = col_dup(st, 1);
	rs->finished = col_dup(st, 2);
	rs->status = col_dup(st, 3);
	rs->summary = col_dup(st, 4);
	rs->command = col_dup(st, 5);
	sqlite3_finalize(st);
	return 0;
}

int ledger_load_run(struct ledger *l, long long run, struct run_summary *rs)
{
	sqlite3_stmt *st;
	int rc = 0;

	memset(rs, 0, sizeof(*rs));
	if (load_run_row(l, run, rs) < 0)
		return -1;
	st = prepare(l, "SELECT stage, status, coalesce(exit_code, 0), coalesce(seconds, 0),"
		     " input_rows, output_rows, coalesce(reason, ''), coalesce(summary, '')"
		     " FROM stage_run WHERE run_id = ? ORDER BY rowid", 0, NULL);
	if (!st) {
		run_summary_release(rs);
		return -1;
	}
	sqlite3_bind_int64(st, 1, rs->run);
	while (sqlite3_step(st) == SQLITE_ROW)
		add_stage(rs, st);
	sqlite3_finalize(st);
	for (size_t i = 0; rc == 0 && i < rs->n; i++) {
		rc = load_rejects(l, rs->run, &rs->stages[i]);
		rs->rejected += rs->stages[i].rejected;
	}
	if (rc < 0)
		run_summary_release(rs);
	return rc;
}

void run_summary_release(struct run_summary *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct stage_summary *ss = &rs->stages[i];

		for (size_t k = 0; k < ss->nrejects; k++) {
			free(ss->rejects[k].reason);
			free(ss->rejects[k].field);
		}
		free(ss->rejects);
		free(ss->stage);
		free(ss->status);
		free(ss->reason);
		free(ss->message);
	}
	free(rs->stages);
	free(rs->started);
	free(rs->finished);
	free(rs->status);
	free(rs->summary);
	free(rs->command);
	memset(rs, 0, sizeof(*rs));
}
