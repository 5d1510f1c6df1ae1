/*
 * rundb.c: ingest's part of the run database (see rundb.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "rundb.h"
#include "xalloc.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS extract (\n"
	"  seq INTEGER PRIMARY KEY,        -- load order, names the outputs\n"
	"  file TEXT NOT NULL,             -- base name of the extract file\n"
	"  hash TEXT NOT NULL,             -- XXH3-128 of its content\n"
	"  size INTEGER NOT NULL,          -- bytes\n"
	"  kind TEXT NOT NULL,             -- record kinds written, comma-separated\n"
	"  layout TEXT NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  rows_read INTEGER NOT NULL,\n"
	"  accepted INTEGER NOT NULL,\n"
	"  rejected INTEGER NOT NULL,\n"
	"  rows_out INTEGER NOT NULL,      -- output rows (slots make several)\n"
	"  out_of_period INTEGER NOT NULL, -- accepted rows dated outside the\n"
	"                                  -- period the file covers (warning)\n"
	"  status TEXT NOT NULL CHECK (status IN ('loaded', 'failed')),\n"
	"  CHECK (rows_read = accepted + rejected));\n"
	"CREATE INDEX IF NOT EXISTS extract_hash ON extract (hash);\n"
	"CREATE TABLE IF NOT EXISTS extract_reject (\n"
	"  seq INTEGER NOT NULL REFERENCES extract (seq),\n"
	"  reason TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  example_line INTEGER NOT NULL,  -- first line rejected for it\n"
	"  field TEXT NOT NULL DEFAULT '',  -- '' for the whole record\n"
	"  PRIMARY KEY (seq, reason, field));\n"
	"CREATE TABLE IF NOT EXISTS part_file (\n"
	"  file TEXT PRIMARY KEY,          -- NNNNNN-KIND.rec.zst in ingest/\n"
	"  seq INTEGER NOT NULL REFERENCES extract (seq),\n"
	"  rows INTEGER NOT NULL,          -- its rows, as its trailer says\n"
	"  xxh3 TEXT NOT NULL);            -- its trailer's digest, 16 hex digits\n";

/* A run database from before rejects were counted by field: its
 * extract_reject rebuilt with the field column ('' for the rows it has). */
static const char upgrade_sql[] =
	"BEGIN IMMEDIATE;\n"
	"CREATE TABLE extract_reject_new (\n"
	"  seq INTEGER NOT NULL REFERENCES extract (seq),\n"
	"  reason TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  example_line INTEGER NOT NULL,\n"
	"  field TEXT NOT NULL DEFAULT '',\n"
	"  PRIMARY KEY (seq, reason, field));\n"
	"INSERT INTO extract_reject_new SELECT seq, reason, count, example_line, ''\n"
	"  FROM extract_reject;\n"
	"DROP TABLE extract_reject;\n"
	"ALTER TABLE extract_reject_new RENAME TO extract_reject;\n"
	"COMMIT;\n";

int rundb_init(sqlite3 *db)
{
	sqlite3_stmt *st;

	if (db_exec(db, schema_sql) < 0)
		return -1;
	st = db_prepare(db, "SELECT field FROM extract_reject LIMIT 0");
	if (st) {
		sqlite3_finalize(st);
		return 0;
	}
	return db_exec(db, upgrade_sql);
}

int rundb_begin(sqlite3 *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int rundb_end(sqlite3 *db, int ok)
{
	return db_exec(db, ok ? "COMMIT" : "ROLLBACK");
}

/* The single integer a query returns (0 if no row), or -1. */
static long query_long(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	long v = 0;
	int rc;

	if (!st)
		return -1;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		v = err_set("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

long rundb_next_seq(sqlite3 *db)
{
	long max = query_long(db, "SELECT coalesce(max(seq), 0) FROM extract", NULL);

	return max < 0 ? -1 : max + 1;
}

int rundb_knows_seq(sqlite3 *db, const char *seq)
{
	long n = query_long(db, "SELECT count(*) FROM extract WHERE seq = CAST(?1 AS INTEGER)",
			    seq);

	return n < 0 ? -1 : n > 0;
}

long rundb_find_hash(sqlite3 *db, const char *hash)
{
	return query_long(db, "SELECT seq FROM extract WHERE hash = ?1 AND "
			  "status = 'loaded' ORDER BY seq LIMIT 1", hash);
}

static int record_rejects(sqlite3 *db, const struct load_record *r)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO extract_reject (seq, reason, count, "
				      "example_line, field) VALUES (?1, ?2, ?3, ?4, ?5)");
	int rc = 0;

	if (!st)
		return -1;
	for (int i = 0; i < r->nkinds && rc == 0; i++) {
		const struct reject_kind *k = &r->kinds[i];

		sqlite3_bind_int64(st, 1, r->seq);
		sqlite3_bind_text(st, 2, reason_name(k->reason), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, k->count);
		sqlite3_bind_int64(st, 4, k->line);
		sqlite3_bind_text(st, 5, k->field, -1, SQLITE_STATIC);
		rc = db_step_done(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int rundb_record(sqlite3 *db, const struct load_record *r)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO extract VALUES (?1, ?2, "
				      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->seq);
	sqlite3_bind_text(st, 2, r->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)r->size);
	sqlite3_bind_text(st, 5, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->layout, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, r->rows_read);
	sqlite3_bind_int64(st, 9, r->accepted);
	sqlite3_bind_int64(st, 10, r->rejected);
	sqlite3_bind_int64(st, 11, r->rows_out);
	sqlite3_bind_int64(st, 12, r->out_of_period);
	sqlite3_bind_text(st, 13, r->status, -1, SQLITE_STATIC);
	rc = db_step_done(st);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : record_rejects(db, r);
}

int rundb_record_part(sqlite3 *db, long seq, const char *kind, const struct rec_sum *sum)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO part_file VALUES (?1, ?2, ?3, ?4)");
	char *file = xasprintf(PART_NAME_FMT, seq, kind);
	char hex[17];
	int rc;

	if (!st) {
		free(file);
		return -1;
	}
	snprintf(hex, sizeof(hex), "%016" PRIx64, sum->xxh3);
	sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)sum->rows);
	sqlite3_bind_text(st, 4, hex, -1, SQLITE_STATIC);
	rc = db_step_done(st);
	sqlite3_finalize(st);
	free(file);
	return rc;
}

int rundb_member_loads(sqlite3 *db, int (*fn)(long seq, void *user), void *user)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT seq FROM extract WHERE status = "
				      "'loaded' AND (',' || kind || ',') LIKE "
				      "'%,members,%' ORDER BY seq");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn((long)sqlite3_column_int64(st, 0), user) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	if (rc != SQLITE_DONE)
		err_set("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void reject_kind_add(struct load_record *r, enum reason reason, const char *field,
		     long count, long line, const char *message)
{
	struct reject_kind *k;

	for (int i = 0; i < r->nkinds; i++) {
		k = &r->kinds[i];
		if (k->reason == reason && strcmp(k->field, field) == 0) {
			k->count += count;
			return;
		}
	}
	if (r->nkinds == r->kinds_cap) {
		r->kinds_cap = r->kinds_cap ? 2 * r->kinds_cap : 8;
		r->kinds = xrealloc(r->kinds, (size_t)r->kinds_cap * sizeof(*r->kinds));
	}
	k = &r->kinds[r->nkinds++];
	k->reason = reason;
	snprintf(k->field, sizeof(k->field), "%s", field);
	k->count = count;
	k->line = line;
	snprintf(k->message, sizeof(k->message), "%s", message);
}
