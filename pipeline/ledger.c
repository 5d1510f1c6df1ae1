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
	" PRIMARY KEY (run_id, stage));";

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

struct ledger *ledger_open(const char *path)
{
	struct ledger *l = xcalloc(1, sizeof(*l));

	l->db = db_open(path);
	if (!l->db || db_exec(l->db, schema) < 0) {
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
	sqlite3_stmt *st = prepare(l, "SELECT input_hash, output_hash, inputs, run_id"
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

/* Write s as a JSON string. */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static void print_stage_row(FILE *out, sqlite3_stmt *st, int json, int first)
{
	if (json) {
		fputs(first ? "" : ",", out);
		fputs("{\"stage\":", out);
		json_str(out, col(st, 0));
		fputs(",\"status\":", out);
		json_str(out, col(st, 1));
		fprintf(out, ",\"exit_code\":%d,\"seconds\":%.3f,\"rows\":%lld,\"reason\":",
			sqlite3_column_int(st, 2), sqlite3_column_double(st, 3),
			sqlite3_column_int64(st, 4));
		json_str(out, col(st, 5));
		fputs(",\"summary\":", out);
		json_str(out, col(st, 6));
		fputs("}", out);
		return;
	}
	fprintf(out, "  %-10s %-8s %7.1f s  %10lld rows  %s%s%s\n", col(st, 0), col(st, 1),
		sqlite3_column_double(st, 3), sqlite3_column_int64(st, 4), col(st, 5),
		*col(st, 6) ? ": " : "", col(st, 6));
}

int ledger_print(struct ledger *l, long long run, int json, void *outp)
{
	FILE *out = outp;
	sqlite3_stmt *st = prepare(l, "SELECT id, started, coalesce(finished, ''), status,"
				   " coalesce(summary, ''), coalesce(command, '') FROM run"
				   " WHERE id = ? OR (? = 0 AND id = (SELECT max(id) FROM run))",
				   0, NULL);
	int first = 1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, run);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return run ? err_set("no run %lld in the ledger", run) :
			     err_set("no run recorded yet");
	}
	run = sqlite3_column_int64(st, 0);
	if (json) {
		fprintf(out, "{\"run\":%lld,\"started\":", run);
		json_str(out, col(st, 1));
		fputs(",\"finished\":", out);
		json_str(out, col(st, 2));
		fputs(",\"status\":", out);
		json_str(out, col(st, 3));
		fputs(",\"summary\":", out);
		json_str(out, col(st, 4));
		fputs(",\"stages\":[", out);
	} else {
		fprintf(out, "run %lld  %s .. %s  %s  %s\n", run, col(st, 1), col(st, 2),
			col(st, 3), col(st, 5));
		if (*col(st, 4))
			fprintf(out, "  %s\n", col(st, 4));
	}
	sqlite3_finalize(st);
	st = prepare(l, "SELECT stage, status, coalesce(exit_code, 0), coalesce(seconds, 0),"
		     " coalesce(output_rows, 0), coalesce(reason, ''), coalesce(summary, '')"
		     " FROM stage_run WHERE run_id = ? ORDER BY rowid", 0, NULL);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		print_stage_row(out, st, json, first);
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs("]}\n", out);
	return 0;
}
