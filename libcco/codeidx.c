/*
 * codeidx.c: an open-addressing table from "system\tcode" to value-set
 * bits.  Lookups are bound by memory, not by work: the table starts small
 * and doubles as codes arrive, so it stays as dense as the distinct codes
 * allow, and each entry holds its key, so a hit reads one cache line (and
 * the bits, when the code is in any value set at all).
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "codeidx.h"
#include "mdef.h"
#include "valueset.h"
#include "xalloc.h"

enum { KEY_MAX = 23 };   /* "TAXONOMY\t" and a 10-character code fit */

struct entry {
	uint64_t hash;        /* 0: empty */
	unsigned char len;    /* of key */
	char key[KEY_MAX];    /* "system\tcode", not NUL-terminated */
	uint32_t bits;        /* 1 + index into x->pool; 0: in no value set */
};

struct codeidx {
	const struct measure_set *ms;
	int words;
	struct entry *table;
	size_t cap;           /* power of two */
	size_t used, max;
	uint64_t *pool;       /* the entries' bitsets, words each */
	size_t pool_used, pool_alloc;
	uint64_t *scratch;
};

struct codeidx *codeidx_new(const struct measure_set *ms, int max_entries)
{
	struct codeidx *x = xcalloc(1, sizeof(*x));

	x->ms = ms;
	x->words = (ms->nvs + 63) / 64;
	x->max = (size_t)max_entries;
	x->cap = 1024;
	x->table = xcalloc(x->cap, sizeof(*x->table));
	x->scratch = xcalloc((size_t)x->words + 1, sizeof(uint64_t));
	return x;
}

static struct entry *slot_of(struct codeidx *x, uint64_t h, const char *key, size_t n)
{
	size_t i = h & (x->cap - 1);

	for (; x->table[i].hash; i = (i + 1) & (x->cap - 1))
		if (x->table[i].hash == h && x->table[i].len == n &&
		    memcmp(x->table[i].key, key, n) == 0)
			break;
	return &x->table[i];
}

/* Room for one more entry: double the table at half full, or start again
 * empty at the bound. */
static void make_room(struct codeidx *x)
{
	struct entry *old = x->table;
	size_t old_cap = x->cap;

	if (x->used == x->max) {
		memset(x->table, 0, x->cap * sizeof(*x->table));
		x->used = x->pool_used = 0;
		return;
	}
	if (2 * (x->used + 1) <= x->cap)
		return;
	x->cap *= 2;
	x->table = xcalloc(x->cap, sizeof(*x->table));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].hash)
			*slot_of(x, old[i].hash, old[i].key, old[i].len) = old[i];
	free(old);
}

/* The bits of code in every value set, into x->scratch: the slow path,
 * once per distinct code.  Returns 0 if it is in none. */
static int compute(struct codeidx *x, const char *system, const char *code)
{
	int any = 0;

	memset(x->scratch, 0, sizeof(uint64_t) * (size_t)x->words);
	for (int i = 0; i < x->ms->nvs; i++) {
		if (vs_contains(x->ms->vs[i], system, code)) {
			x->scratch[i / 64] |= 1ULL << (i % 64);
			any = 1;
		}
	}
	return any;
}

/* Keep x->scratch in the pool; returns its index + 1. */
static uint32_t keep_scratch(struct codeidx *x)
{
	xgrow(&x->pool, &x->pool_alloc, (x->pool_used + 1) * (size_t)x->words,
	      sizeof(uint64_t));
	memcpy(x->pool + x->pool_used * (size_t)x->words, x->scratch,
	       sizeof(uint64_t) * (size_t)x->words);
	return (uint32_t)++x->pool_used;
}

static const uint64_t *bits_of(const struct codeidx *x, uint32_t bits)
{
	return bits ? x->pool + (size_t)(bits - 1) * (size_t)x->words : NULL;
}

const uint64_t *codeidx_lookup(struct codeidx *x, const char *system, const char *code)
{
	size_t ls = strlen(system), lc = strlen(code), n = ls + lc + 1;
	char key[KEY_MAX];
	struct entry *e;
	uint64_t h;

	if (x->words == 0)
		return NULL;
	/* Too long for an entry: rare enough to look up every time. */
	if (n > KEY_MAX)
		return compute(x, system, code) ? x->scratch : NULL;
	memcpy(key, system, ls);
	key[ls] = '\t';
	memcpy(key + ls + 1, code, lc);
	h = XXH3_64bits(key, n) | 1;
	e = slot_of(x, h, key, n);
	if (e->hash)
		return bits_of(x, e->bits);
	make_room(x);
	e = slot_of(x, h, key, n);
	e->hash = h;
	e->len = (unsigned char)n;
	memcpy(e->key, key, n);
	e->bits = compute(x, system, code) ? keep_scratch(x) : 0;
	x->used++;
	return bits_of(x, e->bits);
}

int codeidx_words(const struct codeidx *x)
{
	return x->words;
}

void codeidx_free(struct codeidx *x)
{
	if (!x)
		return;
	free(x->table);
	free(x->pool);
	free(x->scratch);
	free(x);
}
