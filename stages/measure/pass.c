/*
 * pass.c: the members of a reader to the evaluation, on two threads.
 *
 * Reading a member (decompressed rows split, codes looked up, hits built)
 * is most of the stage's work (at 1M members perf puts the reader thread
 * at 95% busy, this one at 31%) and evaluating it the rest, so a reader
 * thread fills a batch of members while this thread evaluates the
 * previous batch.  Two batches take turns (handoff.h), so the members
 * reach fn in the reader's order and memory is two batches of members,
 * whatever the population.  The reader (its partner table, counters, code
 * index and memos) is the reader thread's alone during the run; what fn's
 * thread needs of it, the partner ids its spans index, travels with each
 * batch.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "handoff.h"
#include "pass.h"
#include "xalloc.h"

/* Members read in a row, and the partner ids the reader met first while
 * reading them. */
struct batch {
	struct mmember *m;   /* p->batch members, each mmember_init()ed */
	int n;               /* read into it */
	char **partners;     /* copies, in the reader's order */
	int npartners;
	size_t partners_alloc;
	int last;            /* nothing follows it */
};

struct feed {
	struct member_pass *p;
	struct handoff turns;
	struct batch b[2];
	int sent;            /* reader partners already put in a batch */
	int rc;              /* the reader thread's: 0 or -1 with error set */
	char error[1024];
};

void member_pass_init(struct member_pass *p, struct member_reader *r, int nslots, int words,
		      int threads, int batch)
{
	memset(p, 0, sizeof(*p));
	p->reader = r;
	p->nslots = nslots;
	p->words = words;
	p->threads = threads;
	p->batch = batch > 0 ? batch : 1;
}

void member_pass_release(struct member_pass *p)
{
	names_release(&p->partners);
}

/* Copy the reader's partner ids from p->partners.n on into p->partners. */
static void copy_new_partners(struct member_pass *p)
{
	const struct names *from = &p->reader->partners;

	while (p->partners.n < from->n)
		names_intern(&p->partners, from->v[p->partners.n]);
}

static int run_one_thread(struct member_pass *p, member_fn *fn, void *arg)
{
	struct mmember m;
	int rc;

	mmember_init(&m, p->nslots, p->words);
	while ((rc = member_read(p->reader, &m)) > 0) {
		copy_new_partners(p);
		fn(&m, arg);
	}
	mmember_release(&m);
	return rc;
}

static void batch_clear_partners(struct batch *b)
{
	for (int i = 0; i < b->npartners; i++)
		free(b->partners[i]);
	b->npartners = 0;
}

/* Reader thread: read up to p->batch members into b, then copy the
 * partner ids met meanwhile.  Returns 1 when b is full, 0 at the end, -1
 * with err_msg() set. */
static int fill(struct feed *fd, struct batch *b)
{
	const struct names *ids = &fd->p->reader->partners;
	int rc = 1;

	b->n = 0;
	while (b->n < fd->p->batch && (rc = member_read(fd->p->reader, &b->m[b->n])) > 0)
		b->n++;
	batch_clear_partners(b);
	for (; fd->sent < ids->n; fd->sent++) {
		xgrow(&b->partners, &b->partners_alloc, (size_t)b->npartners + 1, sizeof(char *));
		b->partners[b->npartners++] = xstrdup(ids->v[fd->sent]);
	}
	return rc;
}

static void *read_batches(void *arg)
{
	struct feed *fd = arg;
	int k = 0, rc;

	while ((rc = fill(fd, &fd->b[k])) > 0) {
		if (handoff_put(&fd->turns, k) < 0)
			return NULL;
		k ^= 1;
	}
	fd->rc = rc;
	if (rc < 0)
		snprintf(fd->error, sizeof(fd->error), "%s", err_msg());
	fd->b[k].last = 1;
	handoff_put(&fd->turns, k);
	return NULL;
}

/* Give batch b's members to fn, its new partner ids first. */
static void give(struct member_pass *p, struct batch *b, member_fn *fn, void *arg)
{
	for (int i = 0; i < b->npartners; i++)
		names_intern(&p->partners, b->partners[i]);
	for (int i = 0; i < b->n; i++)
		fn(&b->m[i], arg);
}

static void feed_init(struct feed *fd, struct member_pass *p)
{
	memset(fd, 0, sizeof(*fd));
	fd->p = p;
	handoff_init(&fd->turns);
	for (int k = 0; k < 2; k++) {
		fd->b[k].m = xcalloc((size_t)p->batch, sizeof(struct mmember));
		for (int i = 0; i < p->batch; i++)
			mmember_init(&fd->b[k].m[i], p->nslots, p->words);
	}
}

static void feed_release(struct feed *fd)
{
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < fd->p->batch; i++)
			mmember_release(&fd->b[k].m[i]);
		free(fd->b[k].m);
		batch_clear_partners(&fd->b[k]);
		free(fd->b[k].partners);
	}
	handoff_destroy(&fd->turns);
}

static int run_two_threads(struct member_pass *p, member_fn *fn, void *arg)
{
	struct feed fd;
	pthread_t thread;
	int rc, last = 0;

	feed_init(&fd, p);
	if ((rc = pthread_create(&thread, NULL, read_batches, &fd)) != 0) {
		feed_release(&fd);
		return err_set("cannot start a thread: %s", strerror(rc));
	}
	for (int k = 0; !last; k ^= 1) {
		handoff_take(&fd.turns, k);
		give(p, &fd.b[k], fn, arg);
		last = fd.b[k].last;
		handoff_give_back(&fd.turns, k);
	}
	pthread_join(thread, NULL);
	rc = fd.rc < 0 ? err_set("%s", fd.error) : 0;
	feed_release(&fd);
	return rc;
}

int member_pass_run(struct member_pass *p, member_fn *fn, void *arg)
{
	if (p->threads < 2)
		return run_one_thread(p, fn, arg);
	return run_two_threads(p, fn, arg);
}
