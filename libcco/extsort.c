/*
 * extsort.c: bounded buffer, sorted runs, k-way heap merge.
 *
 * The buffer is one arena of line bytes (allocated once, so line pointers
 * stay valid) plus an array of line references and the same again as merge
 * sort scratch; all three count against mem_bytes.  Runs are merged down
 * as soon as there are 2 * fanin of them, so the number of open temp files
 * stays bounded whatever the input size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "extsort.h"
#include "runfile.h"
#include "xalloc.h"

#define MIN_MEM (16u << 10)

struct line {
	const char *p;
	size_t n;
	uint64_t key;        /* first 8 bytes, big-endian: most compares end here */
};

struct source {          /* one input of a merge */
	struct runfile *run;
	char *line;          /* current line, or NULL when exhausted */
	size_t n;
	uint64_t key;
};

struct extsort {
	struct extsort_config cfg;
	char *tmpdir;
	char *arena;         /* line bytes */
	size_t arena_cap, arena_used;
	struct line *lines, *scratch;
	size_t nlines, lines_cap, lines_max;
	struct runfile **runs;
	int nruns, runs_cap, spilled;
	/* reading */
	int finished;
	size_t next;         /* in-memory: next line to return */
	struct source *heap; /* merge: a min-heap of sources */
	int nheap;
	int popped;          /* heap top must advance before the next read */
};

static int cmp_lines(const struct extsort *s, const char *a, size_t an,
		     const char *b, size_t bn)
{
	int c;

	if (s->cfg.cmp && (c = s->cfg.cmp(a, an, b, bn, s->cfg.cmp_arg)) != 0)
		return c;
	c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

/* The byte-order key of a line; 0 (no shortcut) with a custom comparator. */
static uint64_t prefix_key(const struct extsort *s, const char *p, size_t n)
{
	uint64_t k = 0;

	if (s->cfg.cmp)
		return 0;
	for (size_t i = 0; i < 8; i++)
		k = k << 8 | (i < n ? (unsigned char)p[i] : 0);
	return k;
}

static int cmp_keyed(const struct extsort *s, uint64_t ka, const char *a, size_t an,
		     uint64_t kb, const char *b, size_t bn)
{
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return cmp_lines(s, a, an, b, bn);
}

static int line_less(const struct extsort *s, const struct line *a,
		     const struct line *b)
{
	return cmp_keyed(s, a->key, a->p, a->n, b->key, b->p, b->n) < 0;
}

static int in_order(const struct extsort *s, const struct line *l, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (line_less(s, &l[i], &l[i - 1]))
			return 0;
	return 1;
}

/* Bottom-up merge sort of s->lines, with s->scratch as the second array.
 * Extracts often come partly in order (a claim's lines together, or a
 * whole file by member): a buffer already in order costs one pass, and
 * two halves already in order are copied, not merged. */
static void sort_buffer(struct extsort *s)
{
	struct line *src = s->lines, *dst = s->scratch;
	size_t n = s->nlines;

	if (in_order(s, src, n))
		return;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;

			if (mid == hi || !line_less(s, &src[mid], &src[mid - 1])) {
				memcpy(dst + lo, src + lo, (hi - lo) * sizeof(*src));
				continue;
			}
			while (i < mid && j < hi)
				dst[k++] = line_less(s, &src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct line *t = src;

		src = dst;
		dst = t;
	}
	if (src != s->lines)
		memcpy(s->lines, src, n * sizeof(*src));
}

struct extsort *extsort_new(const struct extsort_config *cfg)
{
	struct extsort *s = xcalloc(1, sizeof(*s));
	size_t mem;

	s->cfg = *cfg;
	if (s->cfg.fanin < 2)
		s->cfg.fanin = 16;
	s->tmpdir = xstrdup(cfg->tmpdir ? cfg->tmpdir : "/tmp");
	mem = cfg->mem_bytes < MIN_MEM ? MIN_MEM : cfg->mem_bytes;
	/* Three quarters for bytes, the rest for two reference arrays. */
	s->arena_cap = mem / 4 * 3;
	s->lines_max = (mem - s->arena_cap) / (2 * sizeof(struct line));
	s->arena = xmalloc(s->arena_cap);
	return s;
}

static void add_run(struct extsort *s, struct runfile *run)
{
	if (s->nruns == s->runs_cap) {
		s->runs_cap = s->runs_cap ? 2 * s->runs_cap : 16;
		s->runs = xrealloc(s->runs, (size_t)s->runs_cap * sizeof(*s->runs));
	}
	s->runs[s->nruns++] = run;
}

/* ---- the heap over merge sources ---- */

static int src_less(const struct extsort *s, const struct source *a,
		    const struct source *b)
{
	return cmp_keyed(s, a->key, a->line, a->n, b->key, b->line, b->n) < 0;
}

static void sift_down(struct extsort *s, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;

		if (l < s->nheap && src_less(s, &s->heap[l], &s->heap[m]))
			m = l;
		if (r < s->nheap && src_less(s, &s->heap[r], &s->heap[m]))
			m = r;
		if (m == i)
			return;
		struct source t = s->heap[i];

		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

/* Make a heap of runs[0..k-1] (each rewound); returns 0 or -1. */
static int heap_build(struct extsort *s, struct runfile **runs, int k)
{
	free(s->heap);
	s->heap = xcalloc((size_t)k, sizeof(*s->heap));
	s->nheap = 0;
	for (int i = 0; i < k; i++) {
		struct source *src = &s->heap[s->nheap];
		int rc;

		src->run = runs[i];
		rc = runfile_next(src->run, &src->line, &src->n);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			src->key = prefix_key(s, src->line, src->n);
			s->nheap++;
		}
	}
	for (int i = s->nheap / 2 - 1; i >= 0; i--)
		sift_down(s, i);
	return 0;
}

/* Advance the heap's top source.  Returns 0 or -1. */
static int heap_advance(struct extsort *s)
{
	struct source *top = &s->heap[0];
	int rc = runfile_next(top->run, &top->line, &top->n);

	if (rc < 0)
		return -1;
	if (rc == 0)
		s->heap[0] = s->heap[--s->nheap];
	else
		top->key = prefix_key(s, top->line, top->n);
	if (s->nheap > 0)
		sift_down(s, 0);
	return 0;
}

/* Merge the first k runs into one new run at the end of the list. */
static int merge_pass(struct extsort *s, int k)
{
	struct runfile *out = runfile_create(s->tmpdir, s->cfg.level);
	int rc = 0;

	if (!out)
		return -1;
	if (heap_build(s, s->runs, k) < 0)
		rc = -1;
	while (rc == 0 && s->nheap > 0) {
		runfile_put(out, s->heap[0].line, s->heap[0].n);
		rc = heap_advance(s);
	}
	for (int i = 0; i < k; i++)
		runfile_free(s->runs[i]);
	memmove(s->runs, s->runs + k, (size_t)(s->nruns - k) * sizeof(*s->runs));
	s->nruns -= k;
	add_run(s, out);
	if (rc == 0 && runfile_rewind(out) < 0)
		rc = -1;
	return rc;
}

/* Sort the buffer and write it out as a run. */
static int spill(struct extsort *s)
{
	struct runfile *run;

	if (!s->scratch)
		s->scratch = xmalloc(s->lines_cap * sizeof(*s->scratch));
	sort_buffer(s);
	run = runfile_create(s->tmpdir, s->cfg.level);
	if (!run)
		return -1;
	for (size_t i = 0; i < s->nlines; i++)
		runfile_put(run, s->lines[i].p, s->lines[i].n);
	add_run(s, run);
	s->spilled++;
	s->nlines = s->arena_used = 0;
	if (runfile_rewind(run) < 0)
		return -1;
	while (s->nruns >= 2 * s->cfg.fanin)
		if (merge_pass(s, s->cfg.fanin) < 0)
			return -1;
	return 0;
}

char *extsort_reserve(struct extsort *s, size_t n)
{
	if (n + 1 > s->arena_cap) {
		err_set("line of %zu bytes exceeds the sort buffer", n);
		return NULL;
	}
	if (s->arena_used + n + 1 > s->arena_cap || s->nlines == s->lines_max)
		if (spill(s) < 0)
			return NULL;
	if (s->nlines == s->lines_cap) {
		size_t cap = s->lines_cap ? 2 * s->lines_cap : 1024;

		if (cap > s->lines_max)
			cap = s->lines_max;
		s->lines = xrealloc(s->lines, cap * sizeof(*s->lines));
		free(s->scratch);
		s->scratch = NULL;
		s->lines_cap = cap;
	}
	return s->arena + s->arena_used;
}

void extsort_commit(struct extsort *s, size_t n)
{
	char *line = s->arena + s->arena_used;

	line[n] = '\0';
	s->lines[s->nlines].p = line;
	s->lines[s->nlines].n = n;
	s->lines[s->nlines].key = prefix_key(s, line, n);
	s->nlines++;
	s->arena_used += n + 1;
}

int extsort_add(struct extsort *s, const char *line, size_t n)
{
	char *dst = extsort_reserve(s, n);

	if (!dst)
		return -1;
	memcpy(dst, line, n);
	extsort_commit(s, n);
	return 0;
}

int extsort_finish(struct extsort *s)
{
	s->finished = 1;
	if (s->nruns == 0) {
		s->scratch = xrealloc(s->scratch, (s->nlines ? s->nlines : 1) *
						      sizeof(*s->scratch));
		sort_buffer(s);
		return 0;
	}
	if (s->nlines > 0 && spill(s) < 0)
		return -1;
	free(s->arena);
	free(s->lines);
	free(s->scratch);
	s->arena = NULL;
	s->lines = s->scratch = NULL;
	/* Merge just enough runs that the final merge takes fanin of them:
	 * the fewer lines go through a merge twice, the better. */
	while (s->nruns > s->cfg.fanin) {
		int k = s->nruns - s->cfg.fanin + 1;

		if (merge_pass(s, k < s->cfg.fanin ? k : s->cfg.fanin) < 0)
			return -1;
	}
	return heap_build(s, s->runs, s->nruns);
}

int extsort_next(struct extsort *s, const char **line, size_t *n)
{
	if (s->nruns == 0) {
		if (s->next == s->nlines)
			return 0;
		*line = s->lines[s->next].p;
		*n = s->lines[s->next].n;
		s->next++;
		return 1;
	}
	if (s->popped) {
		s->popped = 0;
		if (heap_advance(s) < 0)
			return -1;
	}
	if (s->nheap == 0)
		return 0;
	*line = s->heap[0].line;
	*n = s->heap[0].n;
	s->popped = 1;
	return 1;
}

int extsort_runs(const struct extsort *s)
{
	return s->spilled;
}

void extsort_free(struct extsort *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nruns; i++)
		runfile_free(s->runs[i]);
	free(s->runs);
	free(s->heap);
	free(s->arena);
	free(s->lines);
	free(s->scratch);
	free(s->tmpdir);
	free(s);
}
