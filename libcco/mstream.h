/*
 * mstream.h: a record file sorted by member id, read one member at a time.
 *
 * Stages that look at a member's enrollment, claims and events together
 * open one mstream per file and, for each member in turn, take that
 * member's rows from each: a merge join in one pass, holding one member's
 * rows at most.  The stream checks the sort order as it goes.
 */
#ifndef CCO_MSTREAM_H
#define CCO_MSTREAM_H

#include "rec.h"

struct mstream;

/* Open path, check it is of schema s, and find its member_id column.
 * With from_stage, path is another stage's output, checked at its end
 * against the manifest beside it (manifest_expect()).  Returns NULL with
 * err_msg() set. */
struct mstream *mstream_open(const char *path, const struct rec_schema *s,
			     int from_stage);

/* The n files at paths (the shards of a sharded run, shard.h) read as
 * one stream, merged by member id, as mstream_open() reads one. */
struct mstream *mstream_open_files(char *const *paths, int n, const struct rec_schema *s,
				   int from_stage);

/* The member id of the next unread row, or NULL at the end (or after an
 * error: see mstream_failed).  Valid until the next call on ms. */
const char *mstream_peek(struct mstream *ms);

/* The next row if it belongs to member: 1 with *row set (valid until the
 * next call on ms), 0 if the next row is another member's or there is
 * none, -1 with err_msg() set on a read error or a row out of order.
 * member must not point into ms's own rows (copy what mstream_peek gave):
 * reading the next row reuses that memory. */
int mstream_next(struct mstream *ms, const char *member, struct rec_row *row);

/* Skip every row of member.  Returns rows skipped, or -1 on error. */
long mstream_skip(struct mstream *ms, const char *member);

/* Skip the rows of every member that sorts before id (all rows if id is
 * NULL), adding how many to *skipped: rows of members another input does
 * not have.  Returns 0 or -1 with err_msg() set. */
int mstream_skip_before(struct mstream *ms, const char *id, long long *skipped);

/* 1 if reading failed (the error is in err_msg() when it happened). */
int mstream_failed(const struct mstream *ms);

/* Index of a column of the stream's schema. */
int mstream_col(const struct mstream *ms, const char *name);

void mstream_close(struct mstream *ms);

#endif
