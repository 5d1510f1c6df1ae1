/*
 * manifest.h: what a stage committed to its output directory.
 *
 * A stage that writes record files for a later stage (normalize,
 * attribute, measure) lists them in DIR/manifest, one line per file,
 * "FILE<TAB>ROWS<TAB>XXH3" (the name without its directory, the row
 * count in decimal, the trailer's digest in 16 hex digits), written
 * atomically after the record files themselves.  The old manifest is
 * removed before the first of them is renamed into place, so after a
 * kill at any moment the manifest either lists exactly the committed
 * files or is missing.  A reader of another stage's output checks the
 * file against its producer's manifest once it has read it to its end,
 * which tells a file copied in from another workspace (with a valid
 * trailer of its own) from the one the producer wrote.  See
 * cco-record(5).
 */
#ifndef CCO_MANIFEST_H
#define CCO_MANIFEST_H

#include <stddef.h>

#include "rec.h"

#define MANIFEST_NAME "manifest"

struct manifest_entry {
	char *file;         /* "claims.rec.zst", owned */
	struct rec_sum sum;
};

struct manifest {
	char *path;                   /* DIR/manifest, owned */
	struct manifest_entry *v;     /* in the file's order, owned */
	size_t n;
};

/* A stage's outputs committed with their manifest.  If ok: finish the
 * n writers (rec_writer_finish(); if one fails, abort them all and keep
 * the old outputs and manifest), remove DIR/manifest, close the writers
 * as rec_writers_close() (every
 * writer's file is in dir; NULL entries are skipped), then, if all were
 * committed, write DIR/manifest of their sums; returns 0, or -1 with
 * err_msg() set and no manifest left behind.  If not ok: abort them all
 * (the previous outputs and manifest stay) and return -1. */
int manifest_commit(const char *dir, struct rec_writer **w, int n, int ok);

struct config;

/* A stage's outputs in WORKSPACE/STAGE of configuration c (of its shard,
 * shard_root_of()): opened as
 * rec_writers_open() does, at output.compression_level, and committed (or
 * aborted, !ok) with their manifest as manifest_commit() does.  Both
 * return 0, or -1 with err_msg() set. */
int stage_outputs_open(const struct config *c, const char *stage, struct rec_writer **w,
		       int n, const char *const *name, const char *const *kind,
		       const char *const *sort);
int stage_outputs_commit(const struct config *c, const char *stage, struct rec_writer **w,
			 int n, int ok);

/* The program that writes the workspace directory dir: cco-STAGE for
 * WS/STAGE, newly allocated. */
char *manifest_writer(const char *dir);

/* List one file written alone (a test fixture, say) in dir's manifest:
 * its entry replaced, or added after the others; the manifest is
 * created if missing.  Returns 0 or -1 with err_msg() set. */
int manifest_put(const char *dir, const char *file, const struct rec_sum *sum);

/* Read dir's manifest.  Returns 0, or -1 with err_msg() naming the file
 * (missing, unreadable or damaged) and *m empty.  Free with
 * manifest_release(). */
int manifest_load(struct manifest *m, const char *dir);

/* The entry for file (a name without directory), or NULL. */
const struct rec_sum *manifest_find(const struct manifest *m, const char *file);

void manifest_release(struct manifest *m);

/* Make r (opened, not yet read) check, once read to its end, that it is
 * the file listed in the manifest of r's directory: from then on
 * rec_reader_next() fails naming the file if rows or digest differ.
 * Returns 0, or -1 with err_msg() set when there is no manifest or it
 * does not list r's file. */
int manifest_expect(struct rec_reader *r);

/* Every file dir's manifest lists is present in dir.  Returns 0, or -1
 * with err_msg() naming the first missing file (or the manifest). */
int manifest_check_present(const char *dir);

#endif
