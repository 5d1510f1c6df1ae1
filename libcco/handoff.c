/*
 * handoff.c: the turns of two buffers, under one mutex.
 */
#include "handoff.h"

void handoff_init(struct handoff *h)
{
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->changed, NULL);
	h->full[0] = h->full[1] = 0;
	h->stop = 0;
}

void handoff_destroy(struct handoff *h)
{
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->changed);
}

int handoff_put(struct handoff *h, int k)
{
	int stop;

	pthread_mutex_lock(&h->mu);
	h->full[k] = 1;
	pthread_cond_broadcast(&h->changed);
	while (h->full[k ^ 1] && !h->stop)
		pthread_cond_wait(&h->changed, &h->mu);
	stop = h->stop;
	pthread_mutex_unlock(&h->mu);
	return stop ? -1 : 0;
}

void handoff_take(struct handoff *h, int k)
{
	pthread_mutex_lock(&h->mu);
	while (!h->full[k])
		pthread_cond_wait(&h->changed, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

void handoff_give_back(struct handoff *h, int k)
{
	pthread_mutex_lock(&h->mu);
	h->full[k] = 0;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->mu);
}

void handoff_stop(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	h->stop = 1;
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->mu);
}
