/*
 * normalize.h: what the files of cco-normalize share.
 *
 * Every input kind goes through the same path: each row of every ingest
 * file of that kind becomes one sort line "KEY<TAB>SEQ<TAB>fields...",
 * KEY being the member id (the npi for providers) and SEQ the extract's
 * load sequence, zero-padded so byte order is numeric order.  The external
 * sort brings each key's rows together; a group holds them while the kind's
 * handler turns them into output rows.
 */
#ifndef NORMALIZE_H
#define NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "rec.h"
#include "shard.h"

struct config;
struct extsort;
struct valuesets;

#define SEQ_WIDTH 6 /* digits of an extract sequence in file names */
#define ROW_PRE 2   /* fields before the schema's: key and sequence */

/* The rows of one key, split into fields; the memory is the batch's the
 * rows came in (groups.c). */
struct group {
	char **f;           /* n * nf field pointers */
	size_t *len;        /* n * nf field lengths */
	size_t n;
	int nf;             /* fields per line: ROW_PRE + schema columns */
};

/* Fields of row i; [0] key, [1] sequence, [ROW_PRE + c] schema column c. */
static inline char **group_row(const struct group *g, size_t i)
{
	return g->f + i * (size_t)g->nf;
}

/* The schema columns of row i. */
static inline char **group_cols(const struct group *g, size_t i)
{
	return g->f + i * (size_t)g->nf + ROW_PRE;
}

/* The lengths of the schema columns of row i. */
static inline const size_t *group_lens(const struct group *g, size_t i)
{
	return g->len + i * (size_t)g->nf + ROW_PRE;
}

/* Counts of one input kind, reported on stderr and in the run database. */
struct counts {
	const char *kind;
	uint64_t in, final, replaced, voided, denied, duplicates;
	uint64_t orphan_voids, orphan_replacements;
	uint64_t held;     /* rows left out: paid (or dated) after run.as_of */
	uint64_t held_versions; /* claims as one extract sent them, held back */
	uint64_t undated;  /* claim rows without a paid date, dated by rule */
};

/* Run-wide state shared by the handlers. */
struct norm {
	const struct config *cfg;
	const struct valuesets *vs;
	char *ingest_dir, *out_dir, *tmp_dir;
	char *counts_db;     /* where its counts go: the shard's cco.db */
	struct shard shard;  /* the members it keeps (shard.h) */
	size_t sort_mem;     /* bytes for the external sorts, shared by the
				lanes that run at once */
	int sort_level;      /* zstd level of its runs, 0: plain */
	int level;           /* zstd level of outputs */
	char as_of[11];      /* run.as_of, YYYY-MM-DD: later rows do not exist yet */
	struct rec_writer **outs; /* open outputs, committed together */
	int nouts;
	struct part_sum *parts;   /* what cco-ingest recorded of its files */
	size_t nparts;
};

/* A part file cco-ingest wrote, as its run database records it. */
struct part_sum {
	char *file;          /* base name, NNNNNN-KIND.rec.zst */
	struct rec_sum sum;
};

/* A kind's handler: called once per key with its rows; writes outputs.
 * Returns 0 or -1 with err_msg() set. */
typedef int (*group_fn)(struct norm *n, struct group *g, struct counts *c,
			void *arg);

/* Room for fields a rewriter lengthens. */
struct scratch {
	char buf[4][256];
};

/* A row rewriter called before a row is sorted: may shorten fields in
 * place or point them into scratch (updating len). */
typedef void (*prep_fn)(char **cols, size_t *len, struct scratch *s);

/* inputs.c: read what cco-ingest recorded of its part files from the run
 * database at db_path into n->parts.  Returns 0, or -1 with err_msg()
 * set (no database, or none that records part files). */
int norm_load_part_sums(struct norm *n, const char *db_path);

/* inputs.c: free n->parts. */
void norm_free_part_sums(struct norm *n);

/* inputs.c: sort every ingest file of kind by key column key_col, in
 * sort_mem bytes, and feed the groups to fn.  A file whose rows or digest
 * are not those n->parts records for its name is refused.  Returns 0 or
 * -1 with err_msg() set. */
int norm_run_kind(struct norm *n, size_t sort_mem, const char *kind, int key_col,
		  prep_fn prep, group_fn fn, struct counts *c, void *arg);

/* groups.c: hand the sorted lines of sort (each "KEY<TAB>SEQ<TAB>ncols
 * fields") to fn, one key's rows at a time, merging on a second thread.
 * Returns 0 or -1 with err_msg() set. */
int norm_drain(struct norm *n, struct extsort *sort, int ncols, group_fn fn,
	       struct counts *c, void *arg);

/* outputs.c: open WORKSPACE/normalize/NAME for schema kind (kept open until
 * norm_commit_all).  Returns NULL with err_msg() set. */
struct rec_writer *norm_output(struct norm *n, const char *name,
			       const char *kind, const char *sort);
int norm_commit_all(struct norm *n);
void norm_abort_all(struct norm *n);

/* dedupe.c: mark exact duplicates among the group's rows, ignoring column
 * skip_col (the extract): dup[i] = 1 for every copy but the one from the
 * latest extract.  Returns the number marked. */
size_t norm_dedupe(const struct group *g, int skip_col, unsigned char *dup);

/* counts.c: replace the normalize_count table of the SQLite database at
 * path with counts c[0..n).  Returns 0 or -1 with err_msg() set. */
int norm_save_counts(const char *path, const struct counts *c, int n);

/* Comparison helpers for in-group sorting. */
int norm_cmp_num(const char *a, const char *b);

/* qsort_r(), but first a look for the order being there already: a group's
 * rows arrive in byte order, which is most often the order wanted. */
void norm_sort(void *base, size_t n, size_t size,
	       int (*cmp)(const void *, const void *, void *), void *ctx);

#endif
