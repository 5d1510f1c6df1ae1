/*
 * db.c: opening and using the run database (see db.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "err.h"

sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	/* SQLite would create it with the umask's mode; its journal files
	 * copy the database file's mode, so creating it here covers them */
	if (fd < 0) {
		err_set("cannot create '%s': %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		err_set("%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (db_exec(db, "PRAGMA foreign_keys = ON") < 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set("%s: %s", sqlite3_db_filename(db, "main"),
			msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		err_set("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

int db_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		sqlite3 *db = sqlite3_db_handle(st);

		return err_set("%s: %s", sqlite3_db_filename(db, "main"),
			       sqlite3_errmsg(db));
	}
	return 0;
}

int db_close(sqlite3 *db)
{
	if (db && sqlite3_close(db) != SQLITE_OK)
		return err_set("cannot close database: %s", sqlite3_errmsg(db));
	return 0;
}
