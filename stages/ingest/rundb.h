/*
 * rundb.h: ingest's tables in the run database (schema in cco-ingest(1),
 * "RUN DATABASE"): one row per extract file loaded or failed, and its
 * reject counts by reason.
 */
#ifndef INGEST_RUNDB_H
#define INGEST_RUNDB_H

#include <sqlite3.h>
#include <stdint.h>

#include "rec.h"
#include "validate.h"

/* The name of the part file of kind KIND that load SEQ writes in the
 * ingest directory, from seq (long) and kind. */
#define PART_NAME_FMT "%06ld-%s.rec.zst"

/* What one load did: the row of table extract and its reject counts. */
struct load_record {
	long seq;
	const char *file;          /* base name ("-" for standard input) */
	const char *hash;
	uint64_t size;
	const char *kind;          /* kinds written, e.g. "members,enrollment" */
	const char *layout;
	const char *source;
	long rows_read, accepted, rejected, rows_out;
	long out_of_period;        /* accepted rows dated outside the period */
	const char *status;        /* "loaded" or "failed" */
	long reject_count[R_COUNT];
	long reject_line[R_COUNT]; /* first line rejected for each reason */
	struct reject_kind *kinds; /* by reason and field (reject_kind_add()) */
	int nkinds, kinds_cap;
};

/* The rejects of one reason for one field ("" for the whole record):
 * how many, and the first one's line and message (which names the field
 * and what was expected, never the value). */
struct reject_kind {
	enum reason reason;
	char field[32];
	long count, line;
	char message[160];
};

/* Count count rejects of reason for field into r, the first at line
 * with message; a kind r has seen keeps its first line and message. */
void reject_kind_add(struct load_record *r, enum reason reason, const char *field,
		     long count, long line, const char *message);

/* Create ingest's tables if missing.  Returns 0 or -1 (err_msg() set). */
int rundb_init(sqlite3 *db);

/* Start the one write transaction of a file.  Returns 0 or -1. */
int rundb_begin(sqlite3 *db);

/* End it: commit (ok != 0) or roll back.  Returns 0 or -1. */
int rundb_end(sqlite3 *db, int ok);

/* The next extract sequence number (1 for an empty database), or -1. */
long rundb_next_seq(sqlite3 *db);

/* The sequence number of a successful load of content hash, 0 if none,
 * -1 on error. */
long rundb_find_hash(sqlite3 *db, const char *hash);

/* 1 if extract number seq (decimal text) is recorded, 0 if not, -1 on a
 * database error. */
int rundb_knows_seq(sqlite3 *db, const char *seq);

/* Insert the record of one load.  Returns 0 or -1 with err_msg() set. */
int rundb_record(sqlite3 *db, const struct load_record *r);

/* Record the part file of kind that load seq wrote, and its sum: what a
 * stage that reads it checks it against.  Returns 0 or -1 with err_msg()
 * set. */
int rundb_record_part(sqlite3 *db, long seq, const char *kind, const struct rec_sum *sum);

/* Call fn(seq, user) for every successful load whose kinds include
 * members, in load order.  Returns 0 or -1 (fn's -1 or a database error). */
int rundb_member_loads(sqlite3 *db, int (*fn)(long seq, void *user), void *user);

#endif
