/*
 * db.c: opening and using the workspace database (see db.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "xalloc.h"

sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	/* SQLite would create it with the umask's mode; its journal files
	 * copy the database file's mode, so creating it here covers them */
	if (fd < 0) {
		err_set("cannot open database '%s': %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS) != SQLITE_OK) {
		err_set("cannot open database '%s': %s", path,
			db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	if (db_exec(db, "PRAGMA foreign_keys = ON") < 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* The file of db's main database, for messages. */
static const char *db_name(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");

	return f && *f ? f : ":memory:";
}

int db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	err_set("database '%s': %s", db_name(db), msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		err_set("database '%s': %s", db_name(db), sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

int db_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return err_set("database '%s': %s", db_name(sqlite3_db_handle(st)),
			       sqlite3_errmsg(sqlite3_db_handle(st)));
	return 0;
}

int db_close(sqlite3 *db)
{
	if (db && sqlite3_close(db) != SQLITE_OK)
		return err_set("cannot close database: %s", sqlite3_errmsg(db));
	return 0;
}

static int insert_counts(sqlite3 *db, const char *table,
			 const struct db_count *counts, int n)
{
	char *sql = xasprintf("INSERT INTO \"%s\" (metric, key, value) VALUES (?, ?, ?)", table);
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc = 0;

	free(sql);
	if (!st)
		return -1;
	for (int i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_text(st, 1, counts[i].metric, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, counts[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, counts[i].value);
		rc = db_step_done(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int db_replace_counts(const char *path, const char *table,
		      const struct db_count *counts, int n)
{
	sqlite3 *db = db_open(path);
	char *sql;
	int rc;

	if (!db)
		return -1;
	sql = xasprintf("BEGIN IMMEDIATE;"
			"CREATE TABLE IF NOT EXISTS \"%s\" (metric TEXT NOT NULL,"
			" key TEXT NOT NULL, value INTEGER NOT NULL);"
			"DELETE FROM \"%s\";", table, table);
	rc = db_exec(db, sql);
	free(sql);
	if (rc == 0)
		rc = insert_counts(db, table, counts, n);
	if (rc == 0)
		rc = db_exec(db, "COMMIT");
	if (rc < 0) {
		char *why = xstrdup(err_msg());

		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		err_set("%s", why);
		free(why);
	}
	sqlite3_close(db);
	return rc;
}
