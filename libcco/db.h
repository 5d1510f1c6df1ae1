/*
 * db.h: the workspace database (WORKSPACE/cco.db, SQLite), where stages
 * leave their counts for the run ledger and for people to query.
 */
#ifndef CCO_DB_H
#define CCO_DB_H

#include <sqlite3.h>

/* Open (creating) the database at path with a busy timeout, so a stage
 * and a reader never fail on a momentary lock.  Returns NULL with
 * err_msg() set. */
sqlite3 *db_open(const char *path);

/* Run SQL statements.  Returns 0 or -1 with err_msg() set. */
int db_exec(sqlite3 *db, const char *sql);

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
