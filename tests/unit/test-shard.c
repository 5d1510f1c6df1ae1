#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "err.h"
#include "rec.h"
#include "recmerge.h"
#include "shard.h"
#include "tap.h"
#include "xalloc.h"

static char dir[] = "/tmp/cco-test-shard-XXXXXX";

static void test_parse(void)
{
	struct shard s = { 0, 0 };

	ok(shard_parse("2/4", &s) == 0 && s.k == 2 && s.n == 4, "2/4 is shard 2 of 4");
	ok(shard_parse("1/1", &s) == 0 && s.k == 1 && s.n == 1, "1/1: the whole population");
	ok(shard_parse("1024/1024", &s) == 0, "1024 shards at most");
	ok(shard_parse("5/4", &s) < 0, "5/4: K over N");
	ok(shard_parse("0/4", &s) < 0, "0/4: shards count from 1");
	ok(shard_parse("1/1025", &s) < 0, "1/1025: over the limit");
	ok(shard_parse("2", &s) < 0 && shard_parse("2/", &s) < 0 && shard_parse("/4", &s) < 0,
	   "K and N both needed");
	ok(shard_parse("2/4x", &s) < 0 && shard_parse(" 2/4", &s) < 0, "nothing else");
}

/* The shard of a member is XXH3-64 of its id modulo N, plus one: fixed
 * values, so a change of hash (that would move members between the
 * shards of a workspace) fails here. */
static void test_member_shards(void)
{
	int counts[4] = { 0 };

	is_int(shard_of_member("M0000001", 8, 4), 3, "M0000001 is in shard 3 of 4");
	is_int(shard_of_member("M0000002", 8, 4), 1, "M0000002 is in shard 1 of 4");
	is_int(shard_of_member("M0000001", 8, 1), 1, "one shard holds every member");
	for (int i = 0; i < 4000; i++) {
		char id[16];
		int n = snprintf(id, sizeof(id), "M%07d", i);

		counts[shard_of_member(id, (size_t)n, 4) - 1]++;
	}
	ok(counts[0] > 900 && counts[1] > 900 && counts[2] > 900 && counts[3] > 900,
	   "4,000 members spread over 4 shards (%d %d %d %d)", counts[0], counts[1], counts[2],
	   counts[3]);
	struct shard s = { 3, 4 };

	ok(shard_holds(&s, "M0000001", 8) && !shard_holds(&s, "M0000002", 8),
	   "shard 3 of 4 holds M0000001, not M0000002");
}

/* An immunizations file of the members ids (sorted), two rows each. */
static char *write_ids(const char *name, const char *const *ids)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct rec_writer *w = rec_writer_open(p, rec_schema_find("immunizations"), "member_id",
					       1, AFILE_PHI);

	for (int i = 0; ids[i]; i++)
		for (int k = 0; k < 2; k++) {
			rec_put_str(w, IMMUNIZATIONS_source, name);
			rec_put_int(w, IMMUNIZATIONS_extract, k);
			rec_put_str(w, IMMUNIZATIONS_member_id, ids[i]);
			rec_put_str(w, IMMUNIZATIONS_imm_date, "2025-01-01");
			rec_put_str(w, IMMUNIZATIONS_cvx, "03");
			rec_end(w);
		}
	rec_writer_close(w);
	return p;
}

static void test_merge(void)
{
	static const char *const a[] = { "A1", "B2", "D4", NULL }, *const b[] = { "A0", "C3", NULL },
				 *const c[] = { NULL }, *const key[] = { "member_id" };
	char *paths[3] = { write_ids("a", a), write_ids("b", b), write_ids("c", c) };
	struct rec_merge *m = rec_merge_open(paths, 3, rec_schema_find("immunizations"), key, 1, 0);
	char got[256] = "";
	size_t used = 0;
	struct rec_row row;
	int rc;

	ok(m != NULL, "three files open as one");
	while (m && (rc = rec_merge_next(m, &row)) > 0)
		used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%s.%s.%s", used ? " " : "",
					 row.field[IMMUNIZATIONS_member_id],
					 row.field[IMMUNIZATIONS_source], row.field[IMMUNIZATIONS_extract]);
	is_str(got, "A0.b.0 A0.b.1 A1.a.0 A1.a.1 B2.a.0 B2.a.1 C3.b.0 C3.b.1 D4.a.0 D4.a.1",
	       "rows by member id, each file's own order kept, an empty file read");
	ok(m && rec_merge_next(m, &row) == 0, "then the end, again");
	rec_merge_close(m);
	m = rec_merge_open(paths, 1, rec_schema_find("immunizations"), key, 1, 0);
	struct rec_reader *r = rec_reader_open(paths[0]);

	ok(m && r && rec_merge_next(m, &row) == 1 && rec_reader_next(r, &row) == 1 &&
	   strcmp(rec_merge_path(m), paths[0]) == 0 && rec_merge_line(m) == rec_reader_line(r),
	   "one file reads as itself, its path and line");
	rec_reader_close(r);
	rec_merge_close(m);
	ok(rec_merge_open(paths, 2, rec_schema_find("members"), key, 1, 0) == NULL &&
	   strstr(err_msg(), "members") != NULL, "a file of another kind is refused");
	for (int i = 0; i < 3; i++)
		free(paths[i]);
}

static int keep_b_or_d(const char *s, size_t n, void *arg)
{
	(void)arg;
	return n == 2 && (s[0] == 'B' || s[0] == 'D');
}

/* A filtered reader returns the rows kept and checks the whole file. */
static void test_filter(void)
{
	static const char *const ids[] = { "A1", "B2", "C3", "D4", NULL };
	char *p = write_ids("f", ids);
	struct rec_reader *r = rec_reader_open(p);
	struct rec_row row;
	struct rec_sum sum;
	char got[64] = "";
	size_t used = 0;
	int rc;

	rec_reader_filter(r, IMMUNIZATIONS_member_id, keep_b_or_d, NULL);
	while ((rc = rec_reader_next(r, &row)) > 0)
		used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%s", used ? " " : "",
					 row.field[IMMUNIZATIONS_member_id]);
	is_str(got, "B2 B2 D4 D4", "the filter keeps the rows of B2 and D4");
	ok(rc == 0 && rec_reader_sum(r, &sum) == 0 && sum.rows == 8,
	   "the trailer checked over all 8 rows");
	rec_reader_close(r);
	free(p);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_parse();
	test_member_shards();
	test_merge();
	test_filter();
	return done_testing_in(dir);
}
