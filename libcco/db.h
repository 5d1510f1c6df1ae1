/*
 * db.h: the SQLite run database (WORKSPACE/cco.db), opened the one way
 * every stage should: created mode 0600 (it names member-level files),
 * with a busy timeout so concurrent readers wait instead of failing, and
 * foreign keys on.
 */
#ifndef CCO_DB_H
#define CCO_DB_H

#include <sqlite3.h>

#define DB_BUSY_TIMEOUT_MS 10000

/* Open (creating if needed) the database at path.  Returns NULL with
 * err_msg() set.  Close with db_close(). */
sqlite3 *db_open(const char *path);

/* Run one or more statements without results.  Returns 0 or -1 with
 * err_msg() set ("DB: message"). */
int db_exec(sqlite3 *db, const char *sql);

/* Prepare one statement.  Returns NULL with err_msg() set.  The caller
 * finalizes it. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* Step a statement that returns no rows, then reset it for reuse.  Returns
 * 0 or -1 with err_msg() set. */
int db_step_done(sqlite3_stmt *st);

/* Close db; NULL is allowed.  Returns 0 or -1 with err_msg() set. */
int db_close(sqlite3 *db);

#endif
