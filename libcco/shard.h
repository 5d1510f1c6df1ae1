/*
 * shard.h: a run split into member shards (see cco-pipeline(1), SHARDS).
 *
 * With run.shards = N > 1 the driver runs normalize, attribute and
 * measure once per shard K (run.shard = K/N): normalize keeps, of the
 * ingest files, the rows of the members that hash to K, and every
 * per-shard stage reads and writes WORKSPACE/shards/N/K/STAGE, with its
 * counts in WORKSPACE/shards/N/K/cco.db.  Export merges the shards'
 * member-sorted files and sums their aggregates.  A member's shard depends
 * only on its id and N: XXH3-64 of the id's bytes (seed 0), modulo N,
 * plus one.
 */
#ifndef CCO_SHARD_H
#define CCO_SHARD_H

#include <stddef.h>

struct config;

#define SHARD_MAX 1024

/* Shard k of n, 1 <= k <= n; n == 1: the whole population. */
struct shard {
	int k, n;
};

/* Parse "K/N" with 1 <= K <= N <= SHARD_MAX.  Returns 0 or -1. */
int shard_parse(const char *text, struct shard *out);

/* run.shard, when set, names a shard of run.shards.  Returns 0 or -1
 * with err_msg() set. */
int shard_check(const struct config *c);

/* The shard this process works on: run.shard, or 1/1 when unset. */
struct shard shard_this(const struct config *c);

/* The shard (1..n) of the member whose id is the len bytes at id. */
int shard_of_member(const char *id, size_t len, int n);

/* 1 if the member whose id is the len bytes at id belongs to s. */
static inline int shard_holds(const struct shard *s, const char *id, size_t len)
{
	return s->n == 1 || shard_of_member(id, len, s->n) == s->k;
}

/* The directory shard s of workspace ws keeps its per-shard stages'
 * outputs in: ws itself for 1/1, else ws/shards/N/K.  Caller frees. */
char *shard_root(const char *ws, const struct shard *s);

/* The per-shard root of this process (shard_root of run.workspace and
 * shard_this()).  Caller frees. */
char *shard_root_of(const struct config *c);

/* File rel of a per-shard stage ("measure/results.rec.zst") in every
 * shard of a run of run.shards shards, in shard order: WORKSPACE/rel for
 * one, else WORKSPACE/shards/N/K/rel for K = 1..N; *n gets how many.
 * Free with shard_paths_free(). */
char **shard_paths(const struct config *c, const char *rel, int *n);
void shard_paths_free(char **paths, int n);

#endif
