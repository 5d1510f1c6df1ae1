/*
 * groups.c: from the sorted lines of one kind to its handler, a key's rows
 * at a time, on two threads.
 *
 * Merging the sort's runs (reading them, the heap, copying lines out) is
 * about a third of a kind's work and the handler the rest, so a producer
 * thread merges into batches of whole groups while this thread hands the
 * previous batch's groups to the handler.  Two batches take turns; a
 * group never straddles two.  The handler, its outputs and its counts are
 * touched by this thread only, so handlers need no locking.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "extsort.h"
#include "handoff.h"
#include "normalize.h"
#include "xalloc.h"

#define BATCH_BYTES (1u << 20) /* a batch is handed over once this full */

/* Lines of whole groups, each line NUL-terminated. */
struct batch {
	char *buf;
	size_t used, cap;
	size_t *off;         /* start of each line in buf */
	size_t nlines, off_cap;
	size_t *first;       /* first line of each group */
	size_t ngroups, first_cap;
	int last;            /* nothing follows it */
};

struct feed {
	struct extsort *sort;
	struct handoff turns;
	struct batch b[2];
	int rc;              /* the producer's: 0 or -1 with error set */
	char error[1024];
};

static void batch_reset(struct batch *b)
{
	b->used = b->nlines = b->ngroups = 0;
	b->last = 0;
}

static void batch_add(struct batch *b, const char *line, size_t n, int new_group)
{
	if (new_group) {
		xgrow(&b->first, &b->first_cap, b->ngroups + 1, sizeof(size_t));
		b->first[b->ngroups++] = b->nlines;
	}
	xgrow(&b->buf, &b->cap, b->used + n + 1, 1);
	xgrow(&b->off, &b->off_cap, b->nlines + 1, sizeof(size_t));
	b->off[b->nlines++] = b->used;
	memcpy(b->buf + b->used, line, n);
	b->buf[b->used + n] = '\0';
	b->used += n + 1;
}

/* 1 if line has the key (text before the first tab) of the batch's last
 * group. */
static int same_key(const struct batch *b, const char *line)
{
	const char *k = b->buf + b->off[b->first[b->ngroups - 1]];
	size_t n = strcspn(k, "\t");

	return strncmp(k, line, n) == 0 && line[n] == '\t';
}

static void *produce(void *arg)
{
	struct feed *fd = arg;
	struct batch *b = &fd->b[0];
	const char *line;
	size_t len;
	int k = 0, rc;

	while ((rc = extsort_next(fd->sort, &line, &len)) > 0) {
		int new_group = b->ngroups == 0 || !same_key(b, line);

		if (new_group && b->used >= BATCH_BYTES) {
			if (handoff_put(&fd->turns, k) < 0)
				return NULL;
			k ^= 1;
			b = &fd->b[k];
			batch_reset(b);
		}
		batch_add(b, line, len, new_group);
	}
	fd->rc = rc;
	if (rc < 0)
		snprintf(fd->error, sizeof(fd->error), "%s", err_msg());
	b->last = 1;
	handoff_put(&fd->turns, k);
	return NULL;
}

/* Point g->f at every field of every line, NUL-terminating them; a line
 * short of fields (never made by norm_run_kind) gets empty ones. */
static void group_split(struct group *g)
{
	xgrow(&g->f, &g->f_cap, g->n * (size_t)g->nf, sizeof(char *));
	xgrow(&g->len, &g->len_cap, g->n * (size_t)g->nf, sizeof(size_t));
	for (size_t i = 0; i < g->n; i++) {
		char **f = group_row(g, i), *line = g->buf + g->off[i];
		size_t *len = g->len + i * (size_t)g->nf;
		size_t n = (i + 1 < g->n ? g->off[i + 1] : g->used) - g->off[i] - 1;
		int got = rec_split(line, n, f, len, g->nf);

		for (int k = got; k < g->nf; k++) {
			f[k] = line + n;
			len[k] = 0;
		}
	}
}

/* Give every group of batch b to fn.  Returns 0 or -1. */
static int consume(struct norm *n, struct batch *b, struct group *g, group_fn fn,
		   struct counts *c, void *arg)
{
	for (size_t i = 0; i < b->ngroups; i++) {
		size_t end = i + 1 < b->ngroups ? b->first[i + 1] : b->nlines;

		g->buf = b->buf;
		g->off = b->off + b->first[i];
		g->n = end - b->first[i];
		g->used = end < b->nlines ? b->off[end] : b->used;
		group_split(g);
		if (fn(n, g, c, arg) < 0)
			return -1;
	}
	return 0;
}

static void feed_free(struct feed *fd)
{
	for (int k = 0; k < 2; k++) {
		free(fd->b[k].buf);
		free(fd->b[k].off);
		free(fd->b[k].first);
	}
	handoff_destroy(&fd->turns);
}

int norm_drain(struct norm *n, struct extsort *sort, int ncols, group_fn fn,
	       struct counts *c, void *arg)
{
	struct feed fd = { .sort = sort };
	struct group g = { .nf = ROW_PRE + ncols };
	pthread_t thread;
	int rc = 0, last = 0;

	handoff_init(&fd.turns);
	if (pthread_create(&thread, NULL, produce, &fd) != 0) {
		feed_free(&fd);
		return err_set("cannot start a thread");
	}
	for (int k = 0; rc == 0 && !last; k ^= 1) {
		handoff_take(&fd.turns, k);
		rc = consume(n, &fd.b[k], &g, fn, c, arg);
		last = fd.b[k].last;
		if (rc < 0)
			handoff_stop(&fd.turns);
		handoff_give_back(&fd.turns, k);
	}
	pthread_join(thread, NULL);
	if (rc == 0 && fd.rc < 0)
		rc = err_set("%s", fd.error);
	feed_free(&fd);
	free(g.f);
	free(g.len);
	return rc;
}
