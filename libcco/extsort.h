/*
 * extsort.h: external sort of text lines, in the style of coreutils sort.
 *
 * Lines (no LF inside) are collected in a bounded buffer; when it fills,
 * the buffer is sorted and spilled as a run to a zstd-compressed temp file.
 * At the end the runs are merged with a heap, at most `fanin` at a time
 * (more runs are first merged into fewer, in passes).  When nothing was
 * spilled the lines come straight from memory.
 *
 * The order is total: lines the comparator calls equal are ordered by
 * their bytes, so the output is the same whatever the buffer size.  Temp
 * files are registered with afile.h and so removed at exit and on
 * SIGINT/SIGTERM/SIGHUP/SIGPIPE; extsort_free() removes them at once.
 */
#ifndef CCO_EXTSORT_H
#define CCO_EXTSORT_H

#include <stddef.h>

/* Compare two lines (not NUL-terminated): <0, 0, >0. */
typedef int (*extsort_cmp_fn)(const char *a, size_t an, const char *b,
			      size_t bn, void *arg);

struct extsort_config {
	size_t mem_bytes;   /* buffer limit: lines, pointers and sort space */
	const char *tmpdir; /* where runs go; must exist */
	int fanin;          /* runs merged at once; 0 means 16 */
	int level;          /* zstd level of runs; 0: uncompressed */
	extsort_cmp_fn cmp; /* NULL: plain byte order */
	void *cmp_arg;
};

struct extsort;

/* Start a sort.  The config is copied (tmpdir too).  Never fails. */
struct extsort *extsort_new(const struct extsort_config *cfg);

/* Add one line of n bytes (no LF).  Returns 0, or -1 with err_msg() set
 * (spill failed, line longer than the buffer can ever hold). */
int extsort_add(struct extsort *s, const char *line, size_t n);

/* Room for a line of n bytes (no LF), to be built in place and added by
 * extsort_commit(s, m) with m <= n, before any other call on s: one copy
 * fewer than extsort_add().  Returns NULL with err_msg() set as
 * extsort_add() fails. */
char *extsort_reserve(struct extsort *s, size_t n);
void extsort_commit(struct extsort *s, size_t n);

/* End input; afterwards only extsort_next() may be called.  Returns 0 or
 * -1 with err_msg() set. */
int extsort_finish(struct extsort *s);

/* The next line in order: 1 with *line and *n set (NUL-terminated, valid
 * until the next call),
 * 0 at the end, -1 with err_msg() set on a read error. */
int extsort_next(struct extsort *s, const char **line, size_t *n);

/* Runs spilled to disk so far (0 when everything fit in memory). */
int extsort_runs(const struct extsort *s);

/* Free everything and remove every temp file; NULL is allowed. */
void extsort_free(struct extsort *s);

#endif
