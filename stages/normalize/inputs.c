/*
 * inputs.c: from ingest files of one kind to groups of rows per key.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "extsort.h"
#include "msg.h"
#include "normalize.h"
#include "xalloc.h"

/* NNNNNN-KIND.rec.zst */
static int is_input(const char *s, const char *kind)
{
	size_t k = strlen(kind);

	for (int i = 0; i < SEQ_WIDTH; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[SEQ_WIDTH] == '-' && strncmp(s + SEQ_WIDTH + 1, kind, k) == 0 &&
	       strcmp(s + SEQ_WIDTH + 1 + k, ".rec.zst") == 0;
}

static char *put_field(char *w, const char *s, size_t n)
{
	*w++ = '\t';
	memcpy(w, s, n);
	return w + n;
}

/* Add "KEY<TAB>SEQ<TAB>fields..." to the sort, built in its buffer.
 * Returns 0 or -1. */
static int add_line(struct extsort *sort, const struct rec_row *row, int key_col,
		    const char *seq)
{
	size_t need = row->len[key_col] + SEQ_WIDTH + 2;
	char *line, *w;

	for (int i = 0; i < row->nfields; i++)
		need += row->len[i] + 1;
	if (!(line = extsort_reserve(sort, need)))
		return -1;
	memcpy(line, row->field[key_col], row->len[key_col]);
	w = put_field(line + row->len[key_col], seq, SEQ_WIDTH);
	for (int i = 0; i < row->nfields; i++)
		w = put_field(w, row->field[i], row->len[i]);
	extsort_commit(sort, (size_t)(w - line));
	return 0;
}

int norm_load_part_sums(struct norm *n, const char *db_path)
{
	sqlite3 *db = db_open(db_path);
	sqlite3_stmt *st = db ? db_prepare(db, "SELECT file, rows, xxh3 FROM part_file "
					   "ORDER BY file") : NULL;
	size_t cap = 0;
	int rc;

	if (!st) {
		err_set("%s: no record of cco-ingest's part files (run cco-ingest): %s",
			db_path, err_msg());
		db_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct part_sum *p;

		xgrow(&n->parts, &cap, n->nparts + 1, sizeof(*n->parts));
		p = &n->parts[n->nparts++];
		p->file = xstrdup((const char *)sqlite3_column_text(st, 0));
		p->sum.rows = (uint64_t)sqlite3_column_int64(st, 1);
		p->sum.xxh3 = strtoull((const char *)sqlite3_column_text(st, 2), NULL, 16);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		err_set("%s: %s", db_path, sqlite3_errmsg(db));
	db_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

void norm_free_part_sums(struct norm *n)
{
	for (size_t i = 0; i < n->nparts; i++)
		free(n->parts[i].file);
	free(n->parts);
	n->parts = NULL;
	n->nparts = 0;
}

/* r, read to its end, is the file cco-ingest wrote as name: the rows and
 * digest it recorded.  Returns 0, or -1 with err_msg() naming the file. */
static int check_part(const struct norm *n, const char *name, const struct rec_reader *r)
{
	struct rec_sum got;

	rec_reader_sum(r, &got);
	for (size_t i = 0; i < n->nparts; i++) {
		const struct rec_sum *want = &n->parts[i].sum;

		if (strcmp(n->parts[i].file, name) != 0)
			continue;
		if (got.rows == want->rows && got.xxh3 == want->xxh3)
			return 0;
		return err_set("%s: not the file cco-ingest wrote (%llu rows, "
			       "xxh3 %016llx; it recorded %llu rows, xxh3 %016llx)",
			       rec_reader_path(r), (unsigned long long)got.rows,
			       (unsigned long long)got.xxh3,
			       (unsigned long long)want->rows,
			       (unsigned long long)want->xxh3);
	}
	return err_set("%s: not a file cco-ingest recorded in the run database "
		       "(a workspace loaded by an older cco-ingest must be loaded "
		       "again from empty)", rec_reader_path(r));
}

/* rec_reader_filter()'s test: a member of shard *arg. */
static int in_shard(const char *id, size_t n, void *arg)
{
	return shard_holds(arg, id, n);
}

/* Feed one file's rows to the sort (of a member-level kind, the rows of
 * n's shard's members only), the whole file checked against what
 * cco-ingest recorded.  Returns 0 or -1. */
static int load_file(const struct norm *n, const char *path, const char *name,
		     const struct rec_schema *s, int key_col, prep_fn prep,
		     struct extsort *sort, struct counts *c)
{

	struct rec_reader *r = rec_reader_open(path);
	struct rec_row row;
	struct scratch scr;
	int rc;

	if (!r)
		return -1;
	if (rec_reader_expect(r, s) < 0) {
		rec_reader_close(r);
		return -1;
	}
	if (n->shard.n > 1 && strcmp(s->cols[key_col], "member_id") == 0)
		rec_reader_filter(r, key_col, in_shard, (void *)&n->shard);
	rec_reader_prefetch(r);
	while ((rc = rec_reader_next(r, &row)) > 0) {
		c->in++;
		if (prep)
			prep(row.field, row.len, &scr);
		if (add_line(sort, &row, key_col, name) < 0) { /* name's first
								   SEQ_WIDTH bytes */
			rc = err_set("%s: %s", path, err_msg());
			break;
		}
	}
	if (rc == 0)
		rc = check_part(n, name, r);
	rec_reader_close(r);
	return rc;
}

int norm_run_kind(struct norm *n, size_t sort_mem, const char *kind, int key_col,
		  prep_fn prep, group_fn fn, struct counts *c, void *arg)
{
	const struct rec_schema *s = rec_schema_find(kind);
	/* A fan-in of 128 merges a 1M-member claims file (about 80 runs of
	 * its share of the default buffer) in one pass; each open run costs
	 * about 0.3 MB, and the sort buffer is freed before the merge. */
	struct extsort_config cfg = { sort_mem, n->tmp_dir, 128, n->sort_level, NULL,
				      NULL };
	struct extsort *sort = extsort_new(&cfg);
	struct dirent **names;
	int nfiles, nloaded = 0, rc = 0;

	nfiles = scandir(n->ingest_dir, &names, NULL, alphasort);
	if (nfiles < 0) {
		extsort_free(sort);
		return err_set("cannot read '%s': %s", n->ingest_dir, strerror(errno));
	}
	for (int i = 0; i < nfiles; i++) {
		if (rc == 0 && is_input(names[i]->d_name, kind)) {
			char *path = xasprintf("%s/%s", n->ingest_dir, names[i]->d_name);

			rc = load_file(n, path, names[i]->d_name, s, key_col, prep, sort, c);
			nloaded++;
			free(path);
		}
		free(names[i]);
	}
	free(names);
	if (rc == 0)
		rc = extsort_finish(sort);
	if (rc == 0) {
		msg_debug("%s: %d files, %llu rows, %d sort runs", kind, nloaded,
			  (unsigned long long)c->in, extsort_runs(sort));
		rc = norm_drain(n, sort, rec_schema_ncols(s), fn, c, arg);
	}
	extsort_free(sort);
	return rc;
}
