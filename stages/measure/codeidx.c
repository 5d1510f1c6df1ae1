#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "codeidx.h"
#include "mdef.h"
#include "valueset.h"
#include "xalloc.h"

struct entry {
	uint64_t hash;   /* 0: empty */
	char *key;       /* "system\tcode" */
	uint64_t *bits;  /* NULL: in no value set */
};

struct codeidx {
	const struct measure_set *ms;
	int words;
	struct entry *table;
	size_t cap;      /* power of two */
	size_t used, max;
	uint64_t *scratch;
};

struct codeidx *codeidx_new(const struct measure_set *ms, int max_entries)
{
	struct codeidx *x = xcalloc(1, sizeof(*x));

	x->ms = ms;
	x->words = (ms->nvs + 63) / 64;
	x->max = (size_t)max_entries;
	x->cap = 1024;
	while (x->cap < x->max * 2)
		x->cap *= 2;
	x->table = xcalloc(x->cap, sizeof(*x->table));
	x->scratch = xcalloc((size_t)x->words + 1, sizeof(uint64_t));
	return x;
}

static void clear(struct codeidx *x)
{
	for (size_t i = 0; i < x->cap; i++) {
		free(x->table[i].key);
		free(x->table[i].bits);
	}
	memset(x->table, 0, x->cap * sizeof(*x->table));
	x->used = 0;
}

/* Look code up in every value set: the slow path, once per distinct code. */
static uint64_t *compute(struct codeidx *x, const char *system, const char *code)
{
	int any = 0;

	memset(x->scratch, 0, sizeof(uint64_t) * (size_t)x->words);
	for (int i = 0; i < x->ms->nvs; i++) {
		if (vs_contains(x->ms->vs[i], system, code)) {
			x->scratch[i / 64] |= 1ULL << (i % 64);
			any = 1;
		}
	}
	if (!any)
		return NULL;
	uint64_t *bits = xmalloc(sizeof(uint64_t) * (size_t)x->words);

	memcpy(bits, x->scratch, sizeof(uint64_t) * (size_t)x->words);
	return bits;
}

const uint64_t *codeidx_lookup(struct codeidx *x, const char *system, const char *code)
{
	size_t ls = strlen(system), lc = strlen(code);
	char key[128];
	uint64_t h;
	size_t i;

	/* No code is that long: such a field cannot be in a value set. */
	if (ls + lc + 2 > sizeof(key) || x->words == 0)
		return NULL;
	memcpy(key, system, ls);
	key[ls] = '\t';
	memcpy(key + ls + 1, code, lc + 1);
	h = XXH3_64bits(key, ls + lc + 1) | 1;
	for (i = h & (x->cap - 1); x->table[i].hash; i = (i + 1) & (x->cap - 1))
		if (x->table[i].hash == h && strcmp(x->table[i].key, key) == 0)
			return x->table[i].bits;
	if (x->used == x->max) {
		clear(x);
		for (i = h & (x->cap - 1); x->table[i].hash; i = (i + 1) & (x->cap - 1))
			;
	}
	x->table[i].hash = h;
	x->table[i].key = xstrdup(key);
	x->table[i].bits = compute(x, system, code);
	x->used++;
	return x->table[i].bits;
}

int codeidx_words(const struct codeidx *x)
{
	return x->words;
}

void codeidx_free(struct codeidx *x)
{
	if (!x)
		return;
	clear(x);
	free(x->table);
	free(x->scratch);
	free(x);
}
