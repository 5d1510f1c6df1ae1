#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "manifest.h"
#include "mstream.h"
#include "recmerge.h"
#include "xalloc.h"

struct mstream {
	struct rec_merge *r;  /* one file, or a sharded run's shards */
	const struct rec_schema *schema;
	int member_col;
	struct rec_row row;  /* the lookahead row, when pending */
	int pending;
	int eof;
	int failed;
	char *last;          /* member id of the last row read, for order */
	size_t last_len, last_alloc;
};

struct mstream *mstream_open_files(char *const *paths, int n, const struct rec_schema *s,
				   int from_stage)
{
	static const char *const key[] = { "member_id" };
	struct mstream *ms;
	struct rec_merge *r = rec_merge_open(paths, n, s, key, 1, from_stage);

	if (!r)
		return NULL;
	ms = xcalloc(1, sizeof(*ms));
	ms->r = r;
	ms->schema = s;
	ms->member_col = rec_schema_col(s, "member_id");
	return ms;
}

struct mstream *mstream_open(const char *path, const struct rec_schema *s,
			     int from_stage)
{
	return mstream_open_files((char *const *)&path, 1, s, from_stage);
}

/* Make a row pending if one is left.  Returns 1, 0 at end, -1 on error. */
static int fill(struct mstream *ms)
{
	int rc;
	const char *id;
	size_t n;

	if (ms->pending)
		return 1;
	if (ms->eof || ms->failed)
		return ms->failed ? -1 : 0;
	rc = rec_merge_next(ms->r, &ms->row);
	if (rc <= 0) {
		ms->eof = rc == 0;
		ms->failed = rc < 0;
		return rc;
	}
	id = ms->row.field[ms->member_col];
	n = ms->row.len[ms->member_col];
	/* most rows are of the member of the row before: no check, no copy */
	if (!ms->last || n != ms->last_len || memcmp(id, ms->last, n) != 0) {
		if (ms->last && strcmp(id, ms->last) < 0) {
			ms->failed = 1;
			return err_set("%s:%ld: not sorted by member_id",
				       rec_merge_path(ms->r), rec_merge_line(ms->r));
		}
		xgrow(&ms->last, &ms->last_alloc, n + 1, 1);
		memcpy(ms->last, id, n + 1);
		ms->last_len = n;
	}
	ms->pending = 1;
	return 1;
}

const char *mstream_peek(struct mstream *ms)
{
	return fill(ms) > 0 ? ms->row.field[ms->member_col] : NULL;
}

int mstream_next(struct mstream *ms, const char *member, struct rec_row *row)
{
	int rc = fill(ms);

	if (rc <= 0)
		return rc;
	if (strcmp(ms->row.field[ms->member_col], member) != 0)
		return 0;
	*row = ms->row;
	ms->pending = 0;
	return 1;
}

long mstream_skip(struct mstream *ms, const char *member)
{
	struct rec_row row;
	long n = 0;
	int rc;

	while ((rc = mstream_next(ms, member, &row)) > 0)
		n++;
	return rc < 0 ? -1 : n;
}

int mstream_skip_before(struct mstream *ms, const char *id, long long *skipped)
{
	const char *next;

	while ((next = mstream_peek(ms)) && (!id || strcmp(next, id) < 0)) {
		char *member = xstrdup(next);
		long n = mstream_skip(ms, member);

		free(member);
		if (n < 0)
			return -1;
		*skipped += n;
	}
	return ms->failed ? -1 : 0;
}

int mstream_failed(const struct mstream *ms)
{
	return ms->failed;
}

int mstream_col(const struct mstream *ms, const char *name)
{
	return rec_schema_col(ms->schema, name);
}

void mstream_close(struct mstream *ms)
{
	if (!ms)
		return;
	rec_merge_close(ms->r);
	free(ms->last);
	free(ms);
}
