/*
 * codeidx.h: which of a run's value sets contain a code.
 *
 * Every code on every claim line would otherwise be looked up in every
 * value set.  Codes repeat across members (a few tens of thousands of
 * distinct codes against millions of lines), so the answer, a bitset of
 * value-set slots, is computed once per (code system, code) and cached.
 * The cache is bounded: when full it starts again empty, so memory does
 * not grow with the population.
 */
#ifndef CCO_CODEIDX_H
#define CCO_CODEIDX_H

#include <stdint.h>

struct measure_set;
struct codeidx;

struct codeidx *codeidx_new(const struct measure_set *ms, int max_entries);

/* Bitset (codeidx_words() words) of the slots whose value set holds code
 * of system; NULL when none does.  Valid until the next lookup. */
const uint64_t *codeidx_lookup(struct codeidx *x, const char *system, const char *code);

int codeidx_words(const struct codeidx *x);

void codeidx_free(struct codeidx *x);

#endif
