#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "err.h"
#include "xalloc.h"

sqlite3 *db_open(const char *path)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 10000) != SQLITE_OK) {
		err_set("cannot open database '%s': %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	err_set("database: %s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

static int insert_counts(sqlite3 *db, const char *table,
			 const struct db_count *counts, int n)
{
	char *sql = xasprintf("INSERT INTO \"%s\" (metric, key, value) VALUES (?, ?, ?)", table);
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(sql);
		return err_set("database: %s", sqlite3_errmsg(db));
	}
	free(sql);
	for (int i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_text(st, 1, counts[i].metric, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, counts[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, counts[i].value);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = err_set("database: %s", sqlite3_errmsg(db));
		sqlite3_reset(st);
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
