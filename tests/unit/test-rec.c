#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "afile.h"
#include "date.h"
#include "err.h"
#include "rec.h"
#include "tap.h"
#include "xalloc.h"

static char dir[] = "/tmp/cco-test-rec-XXXXXX";
static int prefetch;  /* read with a readahead thread */

static char *path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static const struct rec_schema *imm(void)
{
	return rec_schema_find("immunizations");
}

/* Immunization row number i, with cvx as given. */
static void put_row_cvx(struct rec_writer *w, long i, const char *cvx)
{
	rec_put_str(w, IMMUNIZATIONS_source, "gen");
	rec_put_int(w, IMMUNIZATIONS_extract, 1);
	rec_put_int(w, IMMUNIZATIONS_member_id, 100000 + i);
	rec_put_date(w, IMMUNIZATIONS_imm_date, date_from_ymd(2024, 1, 1) + (int)(i % 365));
	rec_put_str(w, IMMUNIZATIONS_cvx, cvx);
	rec_end(w);
}

/* Immunization row number i. */
static void put_row(struct rec_writer *w, long i)
{
	put_row_cvx(w, i, i % 2 ? "03" : NULL);
}

/* Write n immunization rows to name at level; returns 0 or -1. */
static int write_rows(const char *name, int level, long n)
{
	char *p = path(name);
	struct rec_writer *w = rec_writer_open(p, imm(), "member_id", level, AFILE_PHI);

	free(p);
	if (!w)
		return -1;
	for (long i = 0; i < n; i++)
		put_row(w, i);
	return rec_writer_close(w);
}

enum { BIG_FIELD = 100000 }; /* a cvx of write_big_rows() */

/* The length of row i's cvx: put_row()'s, or write_big_rows()'s if big. */
static size_t cvx_len(long i, int big)
{
	return big && i % 5000 == 4999 ? BIG_FIELD : i % 2 ? 2 : 0;
}

/* Read name to its end or its first error: *n is the rows read in order
 * (rows 0.. of put_row(), or of write_big_rows() if big, by member_id and
 * the length of cvx).  Returns 0 at the end, -1 on an error (err_msg()
 * set) or if a row was out of place. */
static int read_rows(const char *name, int big, long *n)
{
	char *p = path(name);
	struct rec_reader *r = rec_reader_open(p);
	struct rec_row row;
	int rc, misplaced = 0;

	free(p);
	*n = 0;
	if (!r)
		return -1;
	if (rec_reader_expect(r, imm()) < 0) {
		rec_reader_close(r);
		return -1;
	}
	if (prefetch)
		rec_reader_prefetch(r);
	/* on past a row out of place: the reader's own error may follow */
	while ((rc = rec_reader_next(r, &row)) > 0)
		if (misplaced || strtol(row.field[2], NULL, 10) != 100000 + *n ||
		    row.len[4] != cvx_len(*n, big))
			misplaced = 1;
		else
			++*n;
	rec_reader_close(r);
	return misplaced ? -1 : rc;
}

/* Read name to the end: rows 0..n of put_row() in order.  Returns the
 * row count, or -1 for an error or a row out of place. */
static long count_rows(const char *name)
{
	long n;

	return read_rows(name, 0, &n) < 0 ? -1 : n;
}

static off_t file_size(const char *name)
{
	char *p = path(name);
	struct stat st;

	stat(p, &st);
	free(p);
	return st.st_size;
}

/* Truncate name to size, or flip one bit at offset if size < 0. */
static void damage(const char *name, off_t offset, off_t size)
{
	char *p = path(name);
	FILE *f;
	int c;

	if (size >= 0) {
		if (truncate(p, size) != 0)
			perror("truncate");
	} else {
		f = fopen(p, "r+b");
		fseek(f, offset, SEEK_SET);
		c = fgetc(f);
		fseek(f, offset, SEEK_SET);
		fputc(c ^ 0x10, f);
		fclose(f);
	}
	free(p);
}

static void test_round_trip(void)
{
	char *p;
	struct stat st;

	ok(write_rows("a.rec", 1, 200000) == 0, "write 200000 rows at level 1");
	is_int(count_rows("a.rec"), 200000, "read them all back");
	ok(write_rows("plain.rec", 0, 1000) == 0, "write uncompressed");
	is_int(count_rows("plain.rec"), 1000, "read uncompressed back");
	ok(write_rows("empty.rec", 3, 0) == 0, "write a file with no rows");
	is_int(count_rows("empty.rec"), 0, "it reads as zero rows, not an error");
	p = path("a.rec");
	stat(p, &st);
	is_int(st.st_mode & 0777, 0600, "member-level file is mode 0600");
	free(p);
	p = path("a.rec.tmp");
	ok(access(p, F_OK) != 0, "no temp file left after commit");
	free(p);
}

/* Damage gives the same errors with and without readahead. */
static void test_damage(void)
{
	off_t size = file_size("a.rec");

	write_rows("trunc.rec", 1, 200000);
	damage("trunc.rec", 0, size / 2);
	is_int(count_rows("trunc.rec"), -1, "truncated zstd file is an error");
	ok(strstr(err_msg(), "trunc.rec") != NULL, "error names the file: %s", err_msg());
	write_rows("flip.rec", 1, 200000);
	damage("flip.rec", size / 2, -1);
	is_int(count_rows("flip.rec"), -1, "flipped byte is an error");
	write_rows("flipend.rec", 1, 200000);
	damage("flipend.rec", size - 2, -1);
	is_int(count_rows("flipend.rec"), -1, "flipped checksum byte is an error");
	write_rows("ptrunc.rec", 0, 10);
	damage("ptrunc.rec", 0, file_size("ptrunc.rec") - 3);
	is_int(count_rows("ptrunc.rec"), -1, "plain file cut mid-line is an error");
	damage("empty.rec", 0, 0);
	is_int(count_rows("empty.rec"), -1, "zero-byte file is an error");
}

/* Write one immunization row whose fourth field is text; close. */
static int write_one(const char *p, int level, const char *text)
{
	struct rec_writer *w = rec_writer_open(p, imm(), "none", level, AFILE_PHI);

	rec_put_str(w, IMMUNIZATIONS_source, "gen");
	rec_put_int(w, IMMUNIZATIONS_extract, 1);
	rec_put_str(w, IMMUNIZATIONS_member_id, "M1");
	rec_put_str(w, IMMUNIZATIONS_imm_date, text);
	rec_put_str(w, IMMUNIZATIONS_cvx, "03");
	rec_end(w);
	return rec_writer_close(w);
}

/* Rows longer than the writer's buffer, and a bad byte deep inside one. */
static void test_long_rows(void)
{
	char *p = path("long.rec");
	size_t n = 3u << 20;
	char *big = xmalloc(n + 1);
	struct rec_reader *r;
	struct rec_row row;

	memset(big, 'x', n);
	big[n] = '\0';
	ok(write_one(p, 1, big) == 0, "a 3 MB field is written");
	r = rec_reader_open(p);
	ok(r && rec_reader_next(r, &row) == 1 && row.len[3] == n &&
	   row.len[4] == 2, "and read back whole");
	rec_reader_close(r);
	big[n - 1] = '\t';
	ok(write_one(p, 0, big) < 0, "a tab at its last byte fails: %s", err_msg());
	big[n - 1] = 'x';
	big[n / 2 + 7] = '\r';
	ok(write_one(p, 1, big) < 0, "a CR in its middle fails");
	free(big);
	free(p);
}

static void test_writer_errors(void)
{
	char *p = path("bad.rec");
	struct rec_writer *w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	int missed = 0;

	rec_put_str(w, IMMUNIZATIONS_source, "gen");
	rec_end(w);
	ok(rec_writer_close(w) < 0, "short row fails the writer: %s", err_msg());
	w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	rec_put_str(w, IMMUNIZATIONS_source, "gen");
	rec_put_str(w, IMMUNIZATIONS_member_id, "M1");
	rec_put_str(w, IMMUNIZATIONS_extract, "1");
	rec_put_str(w, IMMUNIZATIONS_imm_date, "2024-01-01");
	rec_put_str(w, IMMUNIZATIONS_cvx, "03");
	rec_end(w);
	ok(rec_writer_close(w) < 0 && strstr(err_msg(), "row 1: column 'member_id' "
	   "written where 'extract' belongs") && access(p, F_OK) != 0,
	   "a field put for another column than the next fails the writer: %s",
	   err_msg());
	ok(access(p, F_OK) != 0, "and leaves no file");
	ok(write_one(p, 1, "a\tb") < 0, "tab in a field fails: %s", err_msg());
	ok(access(p, F_OK) != 0, "and leaves no file");
	ok(write_one(p, 1, "ab") == 0, "the same row without it is written");
	for (int at = 0; at < 40; at++) {
		char text[] = "0123456789abcdefghij0123456789abcdefghij";

		text[at] = at % 3 == 0 ? '\t' : at % 3 == 1 ? '\n' : '\r';
		missed += write_one(p, at % 2, text) == 0;
	}
	is_int(missed, 0, "a tab, LF or CR at any of 40 places fails the writer");
	ok(rec_writer_open(p, imm(), "none", 42, AFILE_PHI) == NULL,
	   "level 42 is refused");
	free(p);
}

/* Rows written whole by rec_put_row(), or begun by rec_put(): fields of
 * every length from 0 to 40 (each of copy_field()'s paths) read back. */
static void test_put_row(void)
{
	char *p = path("rows.rec"), text[5][41];
	const char *val[5];
	size_t len[5];
	struct rec_writer *w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	struct rec_reader *r;
	struct rec_row row;
	int bad = 0;

	for (int n = 0; n <= 40; n++) {
		for (int c = 0; c < 5; c++) {
			for (int i = 0; i < 40; i++)
				text[c][i] = (char)('a' + (c * 7 + i) % 26);
			val[c] = text[c];
			len[c] = (size_t)(c == 4 ? 40 - n : n);
		}
		if (n % 2)
			rec_put_row(w, val, len, 5);
		else {
			rec_put(w, 0, val[0], len[0]);
			rec_put(w, 1, val[1], len[1]);
			rec_put_row(w, val + 2, len + 2, 3);
		}
	}
	ok(rec_writer_close(w) == 0, "41 rows by rec_put_row() are written");
	r = rec_reader_open(p);
	for (int n = 0; n <= 40; n++) {
		if (!r || rec_reader_next(r, &row) != 1) {
			bad++;
			break;
		}
		for (int c = 0; c < 5; c++)
			bad += row.len[c] != (size_t)(c == 4 ? 40 - n : n) ||
			       memcmp(row.field[c], text[c], row.len[c]) != 0;
	}
	ok(r && !bad && rec_reader_next(r, &row) == 0, "and read back as written");
	rec_reader_close(r);
	w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	text[3][5] = '\t';
	rec_put_row(w, val, len, 5);
	ok(rec_writer_close(w) < 0, "a tab in one of its fields fails: %s", err_msg());
	free(p);
}

/* Rows [0, k) to a writer, [k, m) to a continuation appended to it, then
 * [m, n) to the writer again.  Returns rec_writer_close()'s result. */
static int write_in_two(const char *name, int level, long k, long m, long n)
{
	char *p = path(name), *tp = path("tail.part");
	struct rec_writer *w = rec_writer_open(p, imm(), "none", level, AFILE_PHI);
	struct rec_writer *tail = rec_writer_open_rows(tp, imm(), level, AFILE_PHI);
	long i;

	for (i = 0; i < k; i++)
		put_row(w, i);
	for (; i < m; i++)
		put_row(tail, i);
	if (rec_writer_append(w, tail) < 0)
		fprintf(stderr, "# %s\n", err_msg());
	for (; i < n; i++)
		put_row(w, i);
	free(p);
	free(tp);
	return rec_writer_close(w);
}

/* A continuation of n identical rows: compressed some thousand times
 * over, so that reading it back for the digest fills the writer's buffer
 * many times from little input, the last bytes of the file included. */
static void test_append_dense(long n)
{
	char *p = path("dense.rec"), *tp = path("dense.part");
	struct rec_writer *w = rec_writer_open(p, imm(), "none", 3, AFILE_PHI);
	struct rec_writer *tail = rec_writer_open_rows(tp, imm(), 3, AFILE_PHI);
	struct rec_reader *r;
	struct rec_row row;
	long rows = 0;
	int rc;

	for (long i = 0; i < n; i++)
		put_row(tail, 0);
	ok(rec_writer_append(w, tail) == 0 && rec_writer_close(w) == 0,
	   "%ld identical rows appended", n);
	r = rec_reader_open(p);
	while ((rc = rec_reader_next(r, &row)) > 0)
		rows++;
	ok(rc == 0 && rows == n, "read back to a matching trailer: %ld rows%s%s", rows,
	   rc ? ", " : "", rc ? err_msg() : "");
	rec_reader_close(r);
	free(p);
	free(tp);
}

static void test_append(void)
{
	char *tmp = path("tail.part.tmp"), *p = path("x.rec"), *tp = path("tail.part");
	struct rec_writer *w, *tail;

	ok(write_in_two("two.rec", 1, 150000, 300000, 300000) == 0,
	   "150000 rows and 150000 appended at level 1");
	is_int(count_rows("two.rec"), 300000, "read back as one file, in order");
	ok(access(tmp, F_OK) != 0, "the continuation's temp file is gone");
	ok(write_in_two("two.rec", 1, 10, 20, 30) == 0, "rows written after an append");
	is_int(count_rows("two.rec"), 30, "follow the appended ones");
	ok(write_in_two("two.rec", 3, 0, 0, 0) == 0, "nothing appended to nothing");
	is_int(count_rows("two.rec"), 0, "reads as zero rows");
	ok(write_in_two("two.rec", 1, 0, 5, 5) == 0, "rows appended to none");
	is_int(count_rows("two.rec"), 5, "read back");
	ok(write_in_two("two.rec", 0, 7, 1000, 1000) == 0, "appended uncompressed");
	is_int(count_rows("two.rec"), 1000, "read back uncompressed");
	w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	tail = rec_writer_open_rows(tp, rec_schema_find("members"), 1, AFILE_PHI);
	ok(rec_writer_append(w, tail) < 0, "a continuation of another schema is "
	   "refused: %s", err_msg());
	ok(rec_writer_close(w) < 0 && access(p, F_OK) != 0, "the error is sticky");
	w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	tail = rec_writer_open_rows(tp, imm(), 1, AFILE_PHI);
	rec_put_str(tail, IMMUNIZATIONS_source, "gen");
	ok(rec_writer_append(w, tail) < 0, "an unfinished row is refused");
	rec_writer_abort(w);
	ok(access(tmp, F_OK) != 0 && access(p, F_OK) != 0, "no file left behind");
	free(tmp);
	free(p);
	free(tp);
}

/* Rows [0, k) compressed inline, the rest on a worker thread; or the
 * other way round. */
static int write_switching(const char *name, int first_inline, long k, long n)
{
	char *p = path(name);
	struct rec_writer *w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	long i;

	free(p);
	rec_writer_inline(w, first_inline);
	for (i = 0; i < k; i++)
		put_row(w, i);
	rec_writer_inline(w, !first_inline);
	for (; i < n; i++)
		put_row(w, i);
	return rec_writer_close(w);
}

static void test_inline(void)
{
	ok(write_switching("sw1.rec", 1, 100000, 200000) == 0,
	   "100000 rows compressed inline, 100000 on a worker");
	is_int(count_rows("sw1.rec"), 200000, "read back in order");
	ok(write_switching("sw2.rec", 0, 100000, 100010) == 0,
	   "100000 rows on a worker, 10 inline");
	is_int(count_rows("sw2.rec"), 100010, "read back in order");
	ok(write_switching("sw3.rec", 1, 0, 10) == 0, "switched before any row");
	is_int(count_rows("sw3.rec"), 10, "read back");
}

/* The bytes of file name in a new buffer, *n their count. */
static char *slurp(const char *name, size_t *n)
{
	char *p = path(name), *data = NULL;
	size_t cap = 0, got;
	FILE *f = fopen(p, "rb");

	*n = 0;
	free(p);
	if (!f)
		return xstrdup("");
	do {
		xgrow(&data, &cap, *n + 65536, 1);
		got = fread(data + *n, 1, cap - *n, f);
		*n += got;
	} while (got > 0);
	fclose(f);
	return data;
}

/* Where a writer compresses changes no byte: all inline, all on its
 * thread, or switching, the files are the same. */
static void test_inline_same_bytes(void)
{
	size_t na, nb, nc;
	char *a, *b, *c;

	write_switching("same1.rec", 1, 200000, 200000);
	write_switching("same2.rec", 0, 200000, 200000);
	write_switching("same3.rec", 1, 70000, 200000);
	a = slurp("same1.rec", &na);
	b = slurp("same2.rec", &nb);
	c = slurp("same3.rec", &nc);
	ok(na > 1000000 / 8 && na == nb && memcmp(a, b, na) == 0,
	   "compressed on the writer's thread: the bytes of inline (%zu)", na);
	ok(na == nc && memcmp(a, c, na) == 0, "switching halfway: the same bytes");
	free(a);
	free(b);
	free(c);
}

/* A write that fails on the compressor's thread (a file size limit, as a
 * full disk) fails the close, with the reason, and leaves no file. */
static void test_thread_write_error(void)
{
	struct rlimit old, small;
	char *p = path("big.rec"), *tmp = xasprintf("%s.tmp", p);
	struct rec_writer *w;
	int rc;

	getrlimit(RLIMIT_FSIZE, &old);
	small = old;
	small.rlim_cur = 64 * 1024;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &small);
	w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);
	for (long i = 0; i < 400000; i++)
		put_row(w, i);
	rc = rec_writer_close(w);
	setrlimit(RLIMIT_FSIZE, &old);
	ok(rc < 0 && strstr(err_msg(), "write error") != NULL,
	   "a write error on the writer's thread fails the close: %s",
	   rc < 0 ? err_msg() : "closed");
	ok(access(p, F_OK) != 0 && access(tmp, F_OK) != 0, "no file left behind");
	free(p);
	free(tmp);
}

/* The first s in text[0 .. n); the test stops if there is none. */
static char *find(char *text, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i + len <= n; i++)
		if (memcmp(text + i, s, len) == 0)
			return text + i;
	printf("Bail out! no '%s' in the file\n", s);
	exit(1);
}

/* Write n bytes of data to name, after what it holds if append. */
static void spill(const char *name, const void *data, size_t n, int append)
{
	char *p = path(name);
	FILE *f = fopen(p, append ? "ab" : "wb");

	fwrite(data, 1, n, f);
	fclose(f);
	free(p);
}

/* The end offsets of name's zstd frames in ends[], at most max; returns
 * how many. */
static int frame_ends(const char *name, size_t *ends, int max)
{
	size_t n, at = 0;
	char *data = slurp(name, &n);
	int k = 0;

	while (at < n && k < max) {
		size_t len = ZSTD_findFrameCompressedSize(data + at, n - at);

		if (ZSTD_isError(len))
			break;
		at += len;
		ends[k++] = at;
	}
	free(data);
	return k;
}

/* count_rows(name) fails with an error holding what. */
static void refused(const char *name, const char *what, const char *desc)
{
	long got = count_rows(name);

	ok(got == -1 && strstr(err_msg(), what) != NULL, "%s: %s", desc,
	   got == -1 ? err_msg() : "read without an error");
}

/* A file of 0 rows: metadata, header and trailer; the digest is XXH3-64
 * of every byte before the trailer line. */
static void test_trailer_empty(void)
{
	size_t n;
	char *text, *last;

	ok(write_rows("t0.rec", 0, 0) == 0, "trailer: a file of 0 rows");
	text = slurp("t0.rec", &n);
	last = find(text, n, "#cco-end\trows=0\txxh3=", 21);
	ok(text[n - 1] == '\n' && last + 38 == text + n,
	   "its last line is the trailer, rows=0");
	ok(strtoull(last + 21, NULL, 16) == XXH3_64bits(text, (size_t)(last - text)),
	   "the checksum is XXH3-64 of every byte before the trailer");
	is_int(count_rows("t0.rec"), 0, "it reads as 0 rows");
	free(text);
}

/* One frame; three frames, cut at each boundary before the last; a whole
 * file after the trailer. */
static void test_trailer_frames(void)
{
	size_t n, ends[8];
	char *text;
	int k = 0;

	ok(write_rows("t1.rec", 1, 100) == 0 &&
	   frame_ends("t1.rec", ends, 8) == 1, "a file of exactly one frame");
	is_int(count_rows("t1.rec"), 100, "reads whole");
	ok(write_in_two("tn.rec", 1, 1000, 2000, 2000) == 0 &&
	   (k = frame_ends("tn.rec", ends, 8)) == 3, "a file in three frames");
	is_int(count_rows("tn.rec"), 2000, "reads whole");
	text = slurp("tn.rec", &n);
	for (int i = 0; i < k - 1; i++) {
		spill("tcut.rec", text, ends[i], 0);
		refused("tcut.rec", "truncated file (no trailer line",
			"cut after a frame boundary");
	}
	spill("tjunk.rec", text, n, 0);
	free(text);
	text = slurp("t1.rec", &n);
	spill("tjunk.rec", text, n, 1);
	free(text);
	refused("tjunk.rec", "data after the trailer line", "a whole file after the trailer");
}

/* tp.rec's text with the first from replaced by to (as long), as name. */
static void changed(const char *name, const char *from, const char *to)
{
	size_t n;
	char *text = slurp("tp.rec", &n);

	memcpy(find(text, n, from, strlen(from)), to, strlen(to));
	spill(name, text, n, 0);
	free(text);
}

/* An uncompressed file: cut at a line, changed, with a wrong or garbled
 * trailer, with a byte after it. */
static void test_trailer_plain(void)
{
	static const struct { const char *from, *to, *what, *desc; } cases[] = {
		{ "100003", "100009", "checksum mismatch", "a row changed under the trailer" },
		{ "rows=10", "rows=11", "trailer counts 11 rows, the file has 10",
		  "a trailer with the wrong count" },
		{ "rows=10", "rows=1x", "bad trailer line", "a garbled trailer" },
	};
	size_t n;
	char *text;

	write_rows("tp.rec", 0, 10);
	text = slurp("tp.rec", &n);
	spill("tpcut.rec", text, (size_t)(find(text, n, "#cco-end", 8) - text), 0);
	free(text);
	refused("tpcut.rec", ":13: truncated file (no trailer line",
		"uncompressed, cut at a line boundary");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		changed("tpbad.rec", cases[i].from, cases[i].to);
		refused("tpbad.rec", cases[i].what, cases[i].desc);
	}
	spill("tp.rec", "x", 1, 1);
	refused("tp.rec", "tp.rec:14:", "a byte after the trailer");
}

static void test_trailer(void)
{
	test_trailer_empty();
	test_trailer_frames();
	test_trailer_plain();
}

/* A row that would read as a trailer is refused by the writer. */
static void test_trailer_row(void)
{
	char *p = path("tr.rec");
	struct rec_writer *w = rec_writer_open(p, imm(), "none", 1, AFILE_PHI);

	for (int i = 0; i < IMMUNIZATIONS_NCOLS; i++)
		rec_put_str(w, i, "#cco-end");
	rec_end(w);
	ok(rec_writer_close(w) < 0 && strstr(err_msg(), "cannot begin with '#cco-end'") &&
	   access(p, F_OK) != 0, "a row beginning like a trailer is refused: %s", err_msg());
	free(p);
}

/* n rows of put_row() as plain text, every 5,000th with a cvx of
 * BIG_FIELD bytes, so that rows cross the edges of the reader's 256 KB
 * window and of the readahead's blocks at many offsets.  0 or -1. */
static int write_big_rows(const char *name, long n)
{
	char *p = path(name);
	struct rec_writer *w = rec_writer_open(p, imm(), "member_id", 0, AFILE_PHI);
	char *big = xmalloc(BIG_FIELD + 1);

	free(p);
	memset(big, 'v', BIG_FIELD);
	big[BIG_FIELD] = '\0';
	for (long i = 0; w && i < n; i++)
		if (i % 5000 == 4999)
			put_row_cvx(w, i, big);
		else
			put_row(w, i);
	free(big);
	return w ? rec_writer_close(w) : -1;
}

/* With and without readahead, rows that cross buffer boundaries read
 * whole, and a short row fails at its line after every row before it. */
static void test_split_rows(void)
{
	size_t len;
	char *text;
	long n;

	ok(write_big_rows("wide.rec", 60000) == 0, "write 60,000 rows as text");
	/* row 45678 (line 45681) one field short: its last tab made a letter */
	text = slurp("wide.rec", &len);
	find(text, len, "\t145678\t", 8)[8 + DATE_ISO_LEN] = 'x';
	spill("short.rec", text, len, 0);
	free(text);
	for (prefetch = 0; prefetch < 2; prefetch++) {
		ok(read_rows("wide.rec", 1, &n) == 0 && n == 60000,
		   "%s: every row, 100 KB fields too", prefetch ? "readahead" : "reader");
		ok(read_rows("short.rec", 1, &n) < 0, "%s: a short row fails",
		   prefetch ? "readahead" : "reader");
		is_int(n, 45678, "after the rows before it");
		ok(strstr(err_msg(), "short.rec:45681: row has 4 fields, header has 5") != NULL,
		   "at its line: %s", err_msg());
	}
	prefetch = 1;
}

static void test_schema_check(void)
{
	char *p = path("a.rec");
	struct rec_reader *r = rec_reader_open(p);

	ok(r != NULL, "open for schema check");
	ok(rec_reader_expect(r, rec_schema_find("members")) < 0,
	   "wrong kind is refused: %s", err_msg());
	is_str(rec_reader_sort(r), "member_id", "sort order is kept");
	is_int(rec_reader_col(r, "cvx"), 4, "column lookup by name");
	rec_reader_close(r);
	free(p);
}

static void test_format_int(void)
{
	static const struct { long long v; const char *text; } cases[] = {
		{ 0, "0" }, { 7, "7" }, { 31, "31" }, { -45, "-45" },
		{ LLONG_MAX, "9223372036854775807" }, { LLONG_MIN, "-9223372036854775808" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[REC_INT_LEN + 1];
		size_t n = rec_format_int(cases[i].v, buf);

		buf[n] = '\0';
		ok(strcmp(buf, cases[i].text) == 0, "rec_format_int: %s gives %s",
		   cases[i].text, buf);
	}
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_format_int();
	test_round_trip();
	test_damage();
	prefetch = 1;
	is_int(count_rows("a.rec"), 200000, "with readahead: read them all back");
	is_int(count_rows("plain.rec"), 1000, "with readahead: uncompressed file");
	test_damage();
	test_writer_errors();
	test_put_row();
	test_long_rows();
	test_split_rows();
	test_append();
	test_append_dense(500000);
	test_inline();
	test_inline_same_bytes();
	test_thread_write_error();
	prefetch = 0;
	write_in_two("two.rec", 1, 150000, 300000, 300100);
	is_int(count_rows("two.rec"), 300100, "without readahead: three frames");
	test_schema_check();
	test_trailer();
	test_trailer_row();
	prefetch = 1;
	test_trailer();
	return done_testing_in(dir);
}
