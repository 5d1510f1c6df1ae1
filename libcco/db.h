/*
 * db.h: the workspace database (WORKSPACE/cco.db, SQLite), where stages
 * leave their load records and counts for the run ledger and for people to
 * query.  Opened the one way every stage should: created mode 0600 (it
 * names member-level files), with a busy timeout so a stage and a reader
 * never fail on a momentary lock, and foreign keys on.
 */
#ifndef CCO_DB_H
#define CCO_DB_H

#include <sqlite3.h>

#define DB_BUSY_TIMEOUT_MS 10000

/* Open (creating if needed) the database at path.  Returns NULL with
 * err_msg() set.  Close with db_close(). */
sqlite3 *db_open(const char *path);

/* Run one or more statements without results.  Returns 0 or -1 with
 * err_msg() set ("database: message"). */
int db_exec(sqlite3 *db, const char *sql);

/* Prepare one statement.  Returns NULL with err_msg() set.  The caller
 * finalizes it. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* Step a statement that returns no rows, then reset it for reuse.  Returns
 * 0 or -1 with err_msg() set. */
int db_step_done(sqlite3_stmt *st);

/* Close db; NULL is allowed.  Returns 0 or -1 with err_msg() set. */
int db_close(sqlite3 *db);

/* One count a stage reports: what was counted, for what, how many. */
struct db_count {
	const char *metric;  /* e.g. "rule" */
	const char *key;     /* e.g. "plurality"; "" when none */
	long long value;
};

/* Replace the rows of table (metric, key, value) with counts, in one
 * transaction: a reader sees the old counts or the new, never a mix.
 * Returns 0 or -1 with err_msg() set. */
int db_replace_counts(const char *path, const char *table,
		      const struct db_count *counts, int n);

#endif
