/*
 * counts.c: the stage's counts in the run database, table
 * normalize_count(kind, metric, value), replaced as a whole in one
 * transaction.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "err.h"
#include "normalize.h"
#include "xalloc.h"

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set("run database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int insert(sqlite3_stmt *st, const char *kind, const char *metric,
		  uint64_t v)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)v);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int insert_all(sqlite3 *db, const struct counts *c, int n)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO normalize_count VALUES (?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return err_set("run database: %s", sqlite3_errmsg(db));
	for (int i = 0; i < n && rc == 0; i++) {
		const struct counts *k = &c[i];

		rc = insert(st, k->kind, "in", k->in) | insert(st, k->kind, "final", k->final) |
		     insert(st, k->kind, "replaced", k->replaced) |
		     insert(st, k->kind, "voided", k->voided) |
		     insert(st, k->kind, "denied", k->denied) |
		     insert(st, k->kind, "duplicates", k->duplicates) |
		     insert(st, k->kind, "orphan_voids", k->orphan_voids) |
		     insert(st, k->kind, "orphan_replacements", k->orphan_replacements);
	}
	if (rc)
		err_set("run database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc ? -1 : 0;
}

int norm_save_counts(const char *path, const struct counts *c, int n)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		rc = err_set("cannot open run database '%s': %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 10000);
	rc = exec(db, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = exec(db, "CREATE TABLE IF NOT EXISTS normalize_count (kind TEXT NOT "
			      "NULL, metric TEXT NOT NULL, value INTEGER NOT NULL, "
			      "PRIMARY KEY (kind, metric))");
	if (rc == 0)
		rc = exec(db, "DELETE FROM normalize_count");
	if (rc == 0)
		rc = insert_all(db, c, n);
	if (rc == 0)
		rc = exec(db, "COMMIT");
	else
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}
