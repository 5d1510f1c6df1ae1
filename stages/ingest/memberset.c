/*
 * memberset.c: a set of hashed member identifiers (see memberset.h).
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "memberset.h"
#include "xalloc.h"

static uint64_t key_of(const char *s, size_t n)
{
	uint64_t h = XXH3_64bits(s, n);

	return h ? h : 1;
}

static void insert(struct memberset *m, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slot[i]) {
		if (m->slot[i] == h)
			return;
		i = (i + 1) & (m->cap - 1);
	}
	m->slot[i] = h;
	m->n++;
}

static void grow(struct memberset *m)
{
	struct memberset bigger = { NULL, m->cap ? 2 * m->cap : 1024, 0 };

	bigger.slot = xcalloc(bigger.cap, sizeof(uint64_t));
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i])
			insert(&bigger, m->slot[i]);
	free(m->slot);
	*m = bigger;
}

void memberset_add(struct memberset *m, const char *s, size_t n)
{
	if (2 * (m->n + 1) > m->cap)
		grow(m);
	insert(m, key_of(s, n));
}

int memberset_has(const struct memberset *m, const char *s, size_t n)
{
	uint64_t h = key_of(s, n);

	if (!m->cap)
		return 0;
	for (size_t i = (size_t)h & (m->cap - 1); m->slot[i]; i = (i + 1) & (m->cap - 1))
		if (m->slot[i] == h)
			return 1;
	return 0;
}

void memberset_prefetch(const struct memberset *m, const char *s, size_t n)
{
	if (m->cap)
		__builtin_prefetch(&m->slot[(size_t)key_of(s, n) & (m->cap - 1)]);
}

void memberset_merge(struct memberset *dst, const struct memberset *src)
{
	for (size_t i = 0; i < src->cap; i++)
		if (src->slot[i]) {
			if (2 * (dst->n + 1) > dst->cap)
				grow(dst);
			insert(dst, src->slot[i]);
		}
}

void memberset_release(struct memberset *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}
