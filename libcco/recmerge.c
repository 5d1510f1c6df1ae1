#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "manifest.h"
#include "recmerge.h"
#include "xalloc.h"

struct rec_merge {
	struct rec_reader **r;
	struct rec_row *head;   /* each file's next row, where has[i] */
	int *has;
	int n;
	int key[REC_MERGE_MAX_KEY], nkey;
	int last;               /* the file of the row given last; -1: none */
	int failed;
	const struct rec_schema *schema;
};

/* Open file i; 0 or -1. */
static int open_one(struct rec_merge *m, int i, const char *path, int from_stage)
{
	m->r[i] = rec_reader_open(path);
	if (!m->r[i] || rec_reader_expect(m->r[i], m->schema) < 0 ||
	    (from_stage && manifest_expect(m->r[i]) < 0))
		return -1;
	/* a readahead thread holds 1 MB of its own: one file gets one, the
	 * shards of a run (as many as 1,024) read on this thread */
	if (m->n == 1)
		rec_reader_prefetch(m->r[i]);
	return 0;
}

struct rec_merge *rec_merge_open(char *const *paths, int n, const struct rec_schema *s,
				 const char *const *key, int nkey, int from_stage)
{
	struct rec_merge *m = xcalloc(1, sizeof(*m));
	int rc = 0;

	m->r = xcalloc((size_t)n, sizeof(*m->r));
	m->head = xcalloc((size_t)n, sizeof(*m->head));
	m->has = xcalloc((size_t)n, sizeof(*m->has));
	m->n = n;
	m->nkey = nkey;
	m->last = -1;
	m->schema = s;
	for (int i = 0; rc == 0 && i < nkey; i++)
		if ((m->key[i] = rec_schema_col(s, key[i])) < 0)
			rc = err_set("kind '%s' has no column '%s'", s->kind, key[i]);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = open_one(m, i, paths[i], from_stage);
	/* the first rows (one file is read straight through) */
	for (int i = 0; rc == 0 && n > 1 && i < n; i++)
		if ((m->has[i] = rec_reader_next(m->r[i], &m->head[i])) < 0)
			rc = -1;
	if (rc < 0) {
		rec_merge_close(m);
		return NULL;
	}
	return m;
}

static int key_cmp(const struct rec_merge *m, const struct rec_row *a, const struct rec_row *b)
{
	for (int k = 0; k < m->nkey; k++) {
		int c = strcmp(a->field[m->key[k]], b->field[m->key[k]]);

		if (c)
			return c;
	}
	return 0;
}

int rec_merge_next(struct rec_merge *m, struct rec_row *row)
{
	int best = -1;

	/* the file the last row came from moves on only now: that row's
	 * memory was the caller's until this call */
	if (m->failed)
		return -1;
	if (m->n == 1) { /* most readers: no heads to keep */
		int rc = rec_reader_next(m->r[0], row);

		m->last = 0;
		m->failed = rc < 0;
		return rc;
	}
	if (m->last >= 0 && (m->has[m->last] = rec_reader_next(m->r[m->last],
							      &m->head[m->last])) < 0) {
		m->failed = 1;
		return -1;
	}
	for (int i = 0; i < m->n; i++)
		if (m->has[i] && (best < 0 || key_cmp(m, &m->head[i], &m->head[best]) < 0))
			best = i;
	m->last = best;
	if (best < 0)
		return 0;
	*row = m->head[best];
	return 1;
}

int rec_merge_source(const struct rec_merge *m)
{
	return m->last < 0 ? 0 : m->last;
}

const char *rec_merge_path(const struct rec_merge *m)
{
	return rec_reader_path(m->r[rec_merge_source(m)]);
}

long rec_merge_line(const struct rec_merge *m)
{
	return rec_reader_line(m->r[rec_merge_source(m)]);
}

int rec_merge_col(const struct rec_merge *m, const char *name)
{
	return rec_schema_col(m->schema, name);
}

void rec_merge_close(struct rec_merge *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->n; i++)
		rec_reader_close(m->r[i]);
	free(m->r);
	free(m->head);
	free(m->has);
	free(m);
}
