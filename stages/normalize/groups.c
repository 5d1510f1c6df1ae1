/*
 * groups.c: from the sorted lines of one kind to its handler, a key's rows
 * at a time, on two threads.
 *
 * Merging the sort's runs (reading them, the heap, copying lines out) and
 * splitting the lines is about a third of a kind's work and the handler
 * the rest, so a producer thread merges and splits into batches of whole
 * groups while this thread hands the previous batch's groups to the
 * handler.  Two batches take turns (handoff.h); a group never straddles
 * two.  The handler, its outputs and its counts are touched by this thread
 * only, so handlers need no locking.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "extsort.h"
#include "handoff.h"
#include "normalize.h"
#include "rowbatch.h"
#include "xalloc.h"

#define BATCH_BYTES (1u << 20) /* a batch is handed over once this full */

/* The rows of whole groups. */
struct batch {
	struct rowbatch rows;
	size_t *first;       /* first row of each group */
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
	rowbatch_reset(&b->rows);
	b->ngroups = 0;
}

static void batch_add(struct batch *b, const char *line, size_t n, int new_group)
{
	if (new_group) {
		xgrow(&b->first, &b->first_cap, b->ngroups + 1, sizeof(size_t));
		b->first[b->ngroups++] = b->rows.nrows;
	}
	rowbatch_add(&b->rows, line, n);
}

/* 1 if line has the key (its first field) of the batch's last group. */
static int same_key(const struct batch *b, const char *line)
{
	size_t cell = b->first[b->ngroups - 1] * (size_t)b->rows.nf;
	size_t n = b->rows.len[cell];

	return memcmp(b->rows.text + b->rows.off[cell], line, n) == 0 && line[n] == '\t';
}

static int hand_over(struct feed *fd, int k)
{
	rowbatch_seal(&fd->b[k].rows);
	return handoff_put(&fd->turns, k);
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

		if (new_group && b->rows.used >= BATCH_BYTES) {
			if (hand_over(fd, k) < 0)
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
	hand_over(fd, k);
	return NULL;
}

/* Give every group of batch b to fn.  Returns 0 or -1. */
static int consume(struct norm *n, struct batch *b, struct group *g, group_fn fn,
		   struct counts *c, void *arg)
{
	for (size_t i = 0; i < b->ngroups; i++) {
		size_t end = i + 1 < b->ngroups ? b->first[i + 1] : b->rows.nrows;

		g->f = rowbatch_fields(&b->rows, b->first[i]);
		g->len = rowbatch_lens(&b->rows, b->first[i]);
		g->n = end - b->first[i];
		if (fn(n, g, c, arg) < 0)
			return -1;
	}
	return 0;
}

static void feed_free(struct feed *fd)
{
	for (int k = 0; k < 2; k++) {
		rowbatch_free(&fd->b[k].rows);
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
	rowbatch_init(&fd.b[0].rows, g.nf);
	rowbatch_init(&fd.b[1].rows, g.nf);
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
	return rc;
}
