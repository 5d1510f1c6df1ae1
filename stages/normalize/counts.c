/*
 * counts.c: the stage's counts in the run database, table
 * normalize_count(kind, metric, value), replaced as a whole in one
 * transaction.
 */
#include <stdlib.h>

#include "db.h"
#include "err.h"
#include "normalize.h"
#include "xalloc.h"

static int insert(sqlite3_stmt *st, const char *kind, const char *metric,
		  uint64_t v)
{
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)v);
	return db_step_done(st);
}

static int insert_all(sqlite3 *db, const struct counts *c, int n)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO normalize_count VALUES (?, ?, ?)");
	int rc = 0;

	if (!st)
		return -1;
	for (int i = 0; i < n && rc == 0; i++) {
		const struct counts *k = &c[i];

		rc = insert(st, k->kind, "in", k->in) | insert(st, k->kind, "final", k->final) |
		     insert(st, k->kind, "replaced", k->replaced) |
		     insert(st, k->kind, "voided", k->voided) |
		     insert(st, k->kind, "denied", k->denied) |
		     insert(st, k->kind, "duplicates", k->duplicates) |
		     insert(st, k->kind, "orphan_voids", k->orphan_voids) |
		     insert(st, k->kind, "orphan_replacements", k->orphan_replacements) |
		     insert(st, k->kind, "held", k->held) |
		     insert(st, k->kind, "held_versions", k->held_versions) |
		     insert(st, k->kind, "undated", k->undated);
	}
	sqlite3_finalize(st);
	return rc ? -1 : 0;
}

int norm_save_counts(const char *path, const struct counts *c, int n)
{
	sqlite3 *db = db_open(path);
	int rc;

	if (!db)
		return -1;
	rc = db_exec(db, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = db_exec(db, "CREATE TABLE IF NOT EXISTS normalize_count (kind TEXT NOT "
			      "NULL, metric TEXT NOT NULL, value INTEGER NOT NULL, "
			      "PRIMARY KEY (kind, metric))");
	if (rc == 0)
		rc = db_exec(db, "DELETE FROM normalize_count");
	if (rc == 0)
		rc = insert_all(db, c, n);
	if (rc == 0)
		rc = db_exec(db, "COMMIT");
	else
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}
