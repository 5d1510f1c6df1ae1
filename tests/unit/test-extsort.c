#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "extsort.h"
#include "tap.h"
#include "xalloc.h"

#define NROWS 200000

static char dir[] = "/tmp/cco-test-extsort-XXXXXX";

/* Deterministic pseudo-random rows "Mnnnn\tdate\tpayload" with many ties
 * in the first field, so the tie-break on the whole line matters. */
static char **make_rows(size_t n)
{
	char **rows = xmalloc(n * sizeof(*rows));
	unsigned long x = 12345;

	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ul + 1442695040888963407ul;
		rows[i] = xasprintf("M%04lu\t2024-%02lu-%02lu\t%lu", (x >> 33) % 5000,
				    (x >> 20) % 12 + 1, (x >> 10) % 28 + 1,
				    (x >> 40) % 1000);
	}
	return rows;
}

/* Order by the first field only: ties are left to extsort's tie-break. */
static int by_member(const char *a, size_t an, const char *b, size_t bn, void *arg)
{
	const char *ta = memchr(a, '\t', an), *tb = memchr(b, '\t', bn);
	size_t la = ta ? (size_t)(ta - a) : an, lb = tb ? (size_t)(tb - b) : bn;
	int c = memcmp(a, b, la < lb ? la : lb);

	(void)arg;
	return c ? c : (la > lb) - (la < lb);
}

static int in_place; /* lines built by extsort_reserve() and _commit() */

/* Sort rows with a buffer of mem bytes; returns the concatenated output
 * (caller frees) or NULL on error.  *runs gets the number of spills. */
static char *sort_by(char **rows, size_t n, size_t mem, int fanin, int *runs,
		     extsort_cmp_fn cmp)
{
	struct extsort_config cfg = { mem, dir, fanin, 1, cmp, NULL };
	struct extsort *s = extsort_new(&cfg);
	char *out = NULL;
	size_t used = 0, cap = 0, len;
	const char *line;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t rn = strlen(rows[i]);
		char *dst;

		if (!in_place) {
			rc = extsort_add(s, rows[i], rn);
		} else if ((dst = extsort_reserve(s, rn + 7))) { /* more than used */
			memcpy(dst, rows[i], rn);
			extsort_commit(s, rn);
		} else {
			rc = -1;
		}
	}
	if (rc == 0)
		rc = extsort_finish(s);
	while (rc == 0 && (rc = extsort_next(s, &line, &len)) > 0) {
		xgrow(&out, &cap, used + len + 2, 1);
		memcpy(out + used, line, len);
		used += len;
		out[used++] = '\n';
		rc = 0;
	}
	*runs = extsort_runs(s);
	extsort_free(s);
	if (rc < 0) {
		free(out);
		return NULL;
	}
	xgrow(&out, &cap, used + 1, 1);
	out[used] = '\0';
	return out;
}

static char *sort_rows(char **rows, size_t n, size_t mem, int fanin, int *runs)
{
	return sort_by(rows, n, mem, fanin, runs, by_member);
}

/* rows[0 .. n) one to a line, as the sorts return them (caller frees). */
static char *joined(char **rows, size_t n)
{
	char *out = xmalloc(n * 32 + 1);
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(rows[i]);

		memcpy(out + used, rows[i], len);
		used += len;
		out[used++] = '\n';
	}
	out[used] = '\0';
	return out;
}

/* Sorted (ref) input with its order broken in three ways, each sorted in
 * memory and with spills: the in-order shortcuts must not change a byte. */
static void check_partly_sorted(char **ref, const char *want)
{
	char **rows = xmalloc(NROWS * sizeof(*rows));
	static const char *const shape[] = { "in order", "reversed",
		"in order but for one swap in 1000", "in order, rotated" };

	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; i < NROWS; i++)
			rows[i] = ref[k == 1 ? NROWS - 1 - i : k == 3 ?
				      (i + 3 * 4096) % NROWS : i];
		for (size_t i = 0; k == 2 && i + 1 < NROWS; i += 1000) {
			char *t = rows[i];

			rows[i] = rows[i + 1];
			rows[i + 1] = t;
		}
		for (size_t mem = 64u << 20; mem >= (1u << 20); mem >>= 6) {
			int runs;
			char *got = sort_rows(rows, NROWS, mem, 16, &runs);

			ok(got && strcmp(got, want) == 0, "%s, %s: the reference order",
			   shape[k], runs ? "spilled" : "in memory");
			free(got);
		}
	}
	free(rows);
}

static int cmp_str(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strcspn(x, "\t"), ly = strcspn(y, "\t");
	int c = memcmp(x, y, lx < ly ? lx : ly);

	if (c || lx != ly)
		return c ? c : (lx > ly) - (lx < ly);
	return strcmp(x, y);
}

static int cmp_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dir_empty(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n == 0;
}

int main(void)
{
	char **rows = make_rows(NROWS), **ref;
	char *mem, *spilled, *multi, *want;
	int runs;

	if (!mkdtemp(dir))
		return 1;
	ref = xmalloc(NROWS * sizeof(*ref));
	memcpy(ref, rows, NROWS * sizeof(*ref));
	qsort(ref, NROWS, sizeof(*ref), cmp_str);
	want = joined(ref, NROWS);

	mem = sort_rows(rows, NROWS, 64u << 20, 16, &runs);
	ok(mem != NULL, "in-memory sort succeeds");
	is_int(runs, 0, "nothing spilled with a 64 MB buffer");
	ok(mem && strcmp(mem, want) == 0, "in-memory order is the reference order");
	spilled = sort_rows(rows, NROWS, 1u << 20, 16, &runs);
	ok(runs > 1 && runs < 64, "1 MB buffer spills a few runs (%d)", runs);
	ok(spilled && mem && strcmp(spilled, mem) == 0, "spilled output is identical");
	in_place = 1;
	free(spilled);
	spilled = sort_rows(rows, NROWS, 1u << 20, 16, &runs);
	ok(runs > 1 && spilled && mem && strcmp(spilled, mem) == 0,
	   "lines built in place, spilled in %d runs: the same output", runs);
	in_place = 0;
	multi = sort_rows(rows, NROWS, 64u << 10, 3, &runs);
	ok(runs > 100, "64 KB buffer with fan-in 3 spills many runs (%d)", runs);
	ok(multi && mem && strcmp(multi, mem) == 0, "multi-pass merge output is identical");
	ok(dir_empty(), "every temp run was removed");
	free(multi);
	multi = sort_rows(rows, 0, 16u << 10, 3, &runs);
	ok(multi && !*multi, "an empty input sorts to nothing");
	free(multi);
	check_partly_sorted(ref, want);
	/* without a comparator: byte order of the whole line */
	qsort(ref, NROWS, sizeof(*ref), cmp_bytes);
	free(want);
	want = joined(ref, NROWS);
	multi = sort_by(rows, NROWS, 1u << 20, 16, &runs, NULL);
	ok(multi && strcmp(multi, want) == 0, "byte order, spilled: the reference order");
	free(multi);
	multi = sort_by(ref, NROWS, 1u << 20, 16, &runs, NULL);
	ok(multi && strcmp(multi, want) == 0, "byte order, input in order: the same");

	struct extsort_config cfg = { 16u << 10, dir, 0, 0, NULL, NULL };
	struct extsort *s = extsort_new(&cfg);
	char *big = xmalloc(64u << 10);

	memset(big, 'x', 64u << 10);
	runs = extsort_add(s, big, 64u << 10);
	ok(runs < 0, "a line larger than the buffer is refused: %s", err_msg());
	extsort_free(s);
	free(big);

	for (size_t i = 0; i < NROWS; i++)
		free(rows[i]);
	free(rows);
	free(ref);
	free(want);
	free(mem);
	free(spilled);
	free(multi);
	rmdir(dir);
	return done_testing();
}
