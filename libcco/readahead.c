/*
 * readahead.c: a ring of blocks between one producer thread and one
 * reader.  The producer fills the block at tail while the reader drains
 * the block at head; a block is handed over whole, under the mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "readahead.h"
#include "xalloc.h"

struct block {
	char *data;
	size_t len, pos;     /* bytes produced, bytes already read */
};

struct readahead {
	ra_produce_fn produce;
	void *ctx;
	struct block *ring;
	int nblocks;
	int head, full;      /* first full block, number of full blocks */
	int done;            /* the producer has finished: end or error */
	int failed;
	int stop;            /* the reader is going away */
	int started;         /* the thread runs: join it */
	char why[256];
	pthread_mutex_t mu;
	pthread_cond_t changed;
	pthread_t thread;
	size_t block;
};

static void *producer(void *arg)
{
	struct readahead *ra = arg;
	int tail = 0;

	for (;;) {
		pthread_mutex_lock(&ra->mu);
		while (ra->full == ra->nblocks && !ra->stop)
			pthread_cond_wait(&ra->changed, &ra->mu);
		int stop = ra->stop;

		pthread_mutex_unlock(&ra->mu);
		if (stop)
			return NULL;
		/* the block at tail is free: the reader does not look at it */
		struct block *b = &ra->ring[tail];
		ssize_t got = ra->produce(ra->ctx, b->data, ra->block, ra->why, sizeof(ra->why));

		pthread_mutex_lock(&ra->mu);
		if (got > 0) {
			b->len = (size_t)got;
			b->pos = 0;
			ra->full++;
			tail = (tail + 1) % ra->nblocks;
		} else {
			ra->done = 1;
			ra->failed = got < 0;
		}
		pthread_cond_broadcast(&ra->changed);
		pthread_mutex_unlock(&ra->mu);
		if (got <= 0)
			return NULL;
	}
}

struct readahead *ra_start(ra_produce_fn produce, void *ctx, size_t block, int nblocks)
{
	struct readahead *ra = xcalloc(1, sizeof(*ra));
	int rc;

	ra->produce = produce;
	ra->ctx = ctx;
	ra->block = block;
	ra->nblocks = nblocks;
	ra->ring = xcalloc((size_t)nblocks, sizeof(*ra->ring));
	for (int i = 0; i < nblocks; i++)
		ra->ring[i].data = xmalloc(block);
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->changed, NULL);
	rc = pthread_create(&ra->thread, NULL, producer, ra);
	ra->started = rc == 0;
	if (rc != 0) {
		ra_stop(ra);
		errno = rc;
		return NULL;
	}
	return ra;
}

ssize_t ra_read(struct readahead *ra, char *dst, size_t cap, const char **why)
{
	struct block *b;
	size_t n;

	pthread_mutex_lock(&ra->mu);
	while (ra->full == 0 && !ra->done)
		pthread_cond_wait(&ra->changed, &ra->mu);
	if (ra->full == 0) {
		pthread_mutex_unlock(&ra->mu);
		*why = ra->why;
		return ra->failed ? -1 : 0;
	}
	pthread_mutex_unlock(&ra->mu);
	/* the head block is full: the producer does not touch it */
	b = &ra->ring[ra->head];
	n = b->len - b->pos < cap ? b->len - b->pos : cap;
	memcpy(dst, b->data + b->pos, n);
	b->pos += n;
	if (b->pos == b->len) {
		pthread_mutex_lock(&ra->mu);
		ra->head = (ra->head + 1) % ra->nblocks;
		ra->full--;
		pthread_cond_broadcast(&ra->changed);
		pthread_mutex_unlock(&ra->mu);
	}
	return (ssize_t)n;
}

void ra_stop(struct readahead *ra)
{
	if (!ra)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->stop = 1;
	pthread_cond_broadcast(&ra->changed);
	pthread_mutex_unlock(&ra->mu);
	if (ra->started)
		pthread_join(ra->thread, NULL);
	pthread_mutex_destroy(&ra->mu);
	pthread_cond_destroy(&ra->changed);
	for (int i = 0; i < ra->nblocks; i++)
		free(ra->ring[i].data);
	free(ra->ring);
	free(ra);
}
