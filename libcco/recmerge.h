/*
 * recmerge.h: record files of one kind read as one file, in the order of
 * a key: the member-sorted files of a sharded run's shards (shard.h)
 * merged by member id, or their aggregates by their key columns.
 *
 * Each file is sorted by the key (compared column by column as strcmp
 * does); the merge gives the row with the least key next, and rows with
 * equal keys in the order of the files.  A file out of order gives rows
 * out of order, for the reader's own order check to find.  Over one file
 * it reads that file.
 */
#ifndef CCO_RECMERGE_H
#define CCO_RECMERGE_H

#include "rec.h"

#define REC_MERGE_MAX_KEY 8

struct rec_merge;

/* Open the n files at paths, each of schema s (with from_stage, checked
 * at its end against the manifest beside it), merged by the nkey columns
 * named by key.  Returns NULL with err_msg() set. */
struct rec_merge *rec_merge_open(char *const *paths, int n, const struct rec_schema *s,
				 const char *const *key, int nkey, int from_stage);

/* The next row: 1 with *row set (valid until the next call), 0 at the
 * proven end of every file, -1 with err_msg() set. */
int rec_merge_next(struct rec_merge *m, struct rec_row *row);

/* Which file (0..n-1) the last row came from, its path and line. */
int rec_merge_source(const struct rec_merge *m);
const char *rec_merge_path(const struct rec_merge *m);
long rec_merge_line(const struct rec_merge *m);

/* Index of a column of the schema, or -1. */
int rec_merge_col(const struct rec_merge *m, const char *name);

void rec_merge_close(struct rec_merge *m);

#endif
