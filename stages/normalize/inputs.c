/*
 * inputs.c: from ingest files of one kind to groups of rows per key.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct line {
	char *p;
	size_t used, cap;
};

static char *put_field(char *w, const char *s, size_t n)
{
	*w++ = '\t';
	memcpy(w, s, n);
	return w + n;
}

/* Build "KEY<TAB>SEQ<TAB>fields..." in l. */
static void make_line(struct line *l, const struct rec_row *row, int key_col,
		      const char *seq)
{
	size_t need = row->len[key_col] + SEQ_WIDTH + 2;
	char *w;

	for (int i = 0; i < row->nfields; i++)
		need += row->len[i] + 1;
	xgrow(&l->p, &l->cap, need, 1);
	memcpy(l->p, row->field[key_col], row->len[key_col]);
	w = put_field(l->p + row->len[key_col], seq, SEQ_WIDTH);
	for (int i = 0; i < row->nfields; i++)
		w = put_field(w, row->field[i], row->len[i]);
	l->used = (size_t)(w - l->p);
}

/* Feed one file's rows to the sort.  Returns 0 or -1. */
static int load_file(const char *path, const char *seq, const struct rec_schema *s,
		     int key_col, prep_fn prep, struct extsort *sort,
		     struct counts *c)
{
	struct rec_reader *r = rec_reader_open(path);
	struct rec_row row;
	struct line l = { NULL, 0, 0 };
	struct scratch scr;
	int rc;

	if (!r)
		return -1;
	if (rec_reader_expect(r, s) < 0) {
		rec_reader_close(r);
		return -1;
	}
	rec_reader_prefetch(r);
	while ((rc = rec_reader_next(r, &row)) > 0) {
		c->in++;
		if (prep)
			prep(row.field, row.len, &scr);
		make_line(&l, &row, key_col, seq);
		if (extsort_add(sort, l.p, l.used) < 0) {
			rc = err_set("%s: %s", path, err_msg());
			break;
		}
	}
	free(l.p);
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

			rc = load_file(path, names[i]->d_name, s, key_col, prep, sort, c);
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
