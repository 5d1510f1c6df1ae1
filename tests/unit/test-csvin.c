#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "err.h"
#include "hash.h"
#include "tap.h"
#include "xalloc.h"

static char dir[] = "/tmp/cco-test-csvin-XXXXXX";

/* Write n bytes of text to a file in dir; returns its path (to free). */
static char *fixture(const char *name, const char *text, size_t n)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");

	fwrite(text, 1, n, f);
	fclose(f);
	return p;
}

/* Append every record r has left to out as "LINE:STATUS:f1|f2|..." lines
 * joined by ';', the compact form the cases below compare. */
static char *drain(struct csvin *r, char *out)
{
	struct csvin_row row;

	while (csvin_next(r, &row) > 0) {
		char *rec = xasprintf("%ld:%d:", row.line + csvin_lines_before(r),
				      (int)row.status);

		for (int i = 0; row.status == CSVIN_OK && i < row.nfields; i++) {
			char *more = xasprintf("%s%s%s", rec, i ? "|" : "", row.field[i]);

			free(rec);
			rec = more;
		}
		char *joined = xasprintf("%s%s%s", out, *out ? ";" : "", rec);

		free(out);
		free(rec);
		out = joined;
	}
	return out;
}

/* Every record of text, read in one go. */
static char *records(const char *text, size_t n, const struct csvin_opts *o)
{
	char *p = fixture("in.csv", text, n);
	struct csvin *r = csvin_open(p, o);
	char *out = drain(r, xstrdup(""));

	csvin_close(r);
	free(p);
	return out;
}

#define CASE(text, want, desc)                                              \
	do {                                                                \
		char *got_ = records(text, sizeof(text) - 1, &comma);       \
		is_str(got_, want, desc);                                   \
		free(got_);                                                 \
	} while (0)

static const struct csvin_opts comma = { ',', '"', 0 };

static void test_lines(void)
{
	CASE("a,b\n1,2\n", "1:0:a|b;2:0:1|2", "plain rows with their lines");
	CASE("\xEF\xBB\xBFid,x\r\n1,2\r\n", "1:0:id|x;2:0:1|2", "BOM skipped, CRLF ends lines");
	CASE("a,b\n1,2", "1:0:a|b;2:0:1|2", "a last line without newline");
	CASE("a\n\nb\n", "1:0:a;3:0:b", "blank lines are not records");
	CASE("", "", "an empty file has no records");
	CASE("a,,\n", "1:0:a||", "empty fields kept");
	CASE("x,\"two\nlines\",y\nn,1,2\n", "1:0:x|two\nlines|y;3:0:n|1|2",
	     "a quoted newline: one record, next starts on line 3");
	CASE("\"a\"\"b\",\"c,d\"\n", "1:0:a\"b|c,d", "doubled quotes and delimiters in quotes");
	CASE("a,12\"34,b\nc,d,e\n", "1:1:;2:0:c|d|e", "stray quote: malformed, next line read");
	CASE("a,\"bc\n", "1:1:", "unterminated quote at end of file is malformed");
	CASE("a,\"b\"x,c\nd\n", "1:1:;2:0:d", "text after a closing quote is malformed");
	CASE("a,\xff\n", "1:3:", "invalid UTF-8 flagged");
	CASE("a,\xc3\xa9\n", "1:0:a|\xc3\xa9", "valid UTF-8 accepted");
	CASE("a\0b,c\n", "1:3:", "a NUL byte flagged");
	CASE("a,b\rc\n", "1:0:a|b\rc", "a stray CR stays inside its field");
	CASE("1,2,3\n4,5\n", "1:0:1|2|3;2:0:4|5", "ragged rows come through as they are");
	/* past the first 16 bytes, where the fast split looks at 16 at once */
	CASE("0123456789,abcdefgh,ijklmnopqrstuvwx,\"y,z\"\n", "1:0:0123456789|abcdefgh|ijklmnopqrstuvwx|y,z",
	     "a quote after 16 bytes takes the full path");
	CASE("0123456789abcdef,0123456789abcdef,\xc3\xa9\n", "1:0:0123456789abcdef|0123456789abcdef|\xc3\xa9",
	     "UTF-8 after 32 bytes");
	CASE("0123456789abcdefghij,\xff\n", "1:3:", "invalid UTF-8 after 16 bytes flagged");
	CASE("0123456789abcdefghij,a\0b\n", "1:3:", "a NUL byte after 16 bytes flagged");
	CASE("0123456789abcdefghij,b\rc,d\n", "1:0:0123456789abcdefghij|b\rc|d",
	     "a stray CR after 16 bytes stays inside its field");
	CASE(",,,,,,,,,,,,,,,,,,\n", "1:0:||||||||||||||||||", "a row of delimiters only");
}

static void test_options(void)
{
	struct csvin_opts pipe = { '|', '"', 0 }, tab = { '\t', 0, 0 };
	struct csvin_opts latin = { ',', '\'', 1 };
	char *got;

	got = records("a|\"b|c\"\n", 8, &pipe);
	is_str(got, "1:0:a|b|c", "pipe delimiter with a quoted pipe");
	free(got);
	got = records("a\t\"b\"\n", 6, &tab);
	is_str(got, "1:0:a|\"b\"", "tab delimiter, no quoting: quotes are data");
	free(got);
	got = records("0123456789abcdef\t\"b\"\tc,d\n", 25, &tab);
	is_str(got, "1:0:0123456789abcdef|\"b\"|c,d", "tab delimiter past 16 bytes");
	free(got);
	got = records("caf\xe9,'x,y'\n", 11, &latin);
	is_str(got, "1:0:caf\xc3\xa9|x,y", "Latin-1 converted; quote character '");
	free(got);
}

static void split_everywhere(const char *text, const char *passes, const char *desc);

static void test_long_and_hash(void)
{
	size_t big = CSVIN_MAX_RECORD + 100;
	char *text = xmalloc(big + 16), *p, hash[HASH_HEX_LEN + 1], want[HASH_HEX_LEN + 1];
	struct csvin *r;
	struct csvin_row row;
	int n = 0, statuses = 0;

	memset(text, 'x', big);
	memcpy(text + big, "\nok,1\n", 6);
	p = fixture("long.csv", text, big + 6);
	r = csvin_open(p, &comma);
	while (csvin_next(r, &row) > 0) {
		statuses = statuses * 10 + (int)row.status;
		n++;
	}
	is_int(n, 2, "an over-long line is one record, the next one follows");
	is_int(statuses, CSVIN_TOO_LONG * 10 + CSVIN_OK, "flagged too long, then ok");
	is_int(csvin_lines(r), 2, "two physical lines");
	csvin_hash(r, hash);
	hash_file(p, want);
	is_str(hash, want, "streamed hash equals hash_file()");
	is_int((long long)csvin_bytes(r), (long long)(big + 6), "bytes counted");
	csvin_close(r);
	free(p);
	text[big + 6] = '\0';
	split_everywhere(text, "", "an over-long line");
	text[0] = '"';
	split_everywhere(text, "", "an over-long line opening a quote");
	free(text);
	ok(csvin_open("/nonexistent/x.csv", &comma) == NULL, "a missing file is an error");
}

/* Every record of text read as two parts, [0, cut) stopped at cut and
 * [cut, n) opened at cut, joined as one reading would give them; or only
 * the first part's when it read past the stop.  *passed says which; hash
 * is the first reader's, once it has read the rest. */
static char *split_records(const char *text, size_t n, size_t cut, int *passed,
			   char hash[HASH_HEX_LEN + 1])
{
	char *p = fixture("split.csv", text, n);
	struct csvin *a = csvin_open(p, &comma), *b;
	char *out = drain((csvin_stop_at(a, cut), a), xstrdup(""));

	*passed = csvin_stop_passed(a);
	if (!*passed) {
		b = csvin_open_at(p, &comma, cut);
		out = drain(b, out);
		csvin_close(b);
		if (csvin_skip_rest(a) < 0)
			abort();
	}
	csvin_hash(a, hash);
	csvin_close(a);
	free(p);
	return out;
}

/* Cut text after every one of its line feeds: the parts must always add
 * up to the whole, and the stop must be passed exactly where expected. */
static void split_everywhere(const char *text, const char *passes, const char *desc)
{
	size_t n = strlen(text);
	char *whole = records(text, n, &comma), *p = fixture("whole.csv", text, n);
	char want_hash[HASH_HEX_LEN + 1], hash[HASH_HEX_LEN + 1];
	char passed_at[64] = "";
	int bad = 0, bad_hash = 0;

	hash_file(p, want_hash);
	for (size_t cut = 1; cut <= n; cut++) {
		int passed;
		char *got;

		if (text[cut - 1] != '\n')
			continue;
		got = split_records(text, n, cut, &passed, hash);
		bad += strcmp(got, whole) != 0;
		bad_hash += strcmp(hash, want_hash) != 0;
		if (passed) {
			size_t used = strlen(passed_at);

			snprintf(passed_at + used, sizeof(passed_at) - used, "%s%zu",
				 used ? "," : "", cut);
		}
		free(got);
	}
	is_int(bad, 0, "%s: two parts read as one", desc);
	is_int(bad_hash, 0, "%s: the first part, read on, hashes the whole file", desc);
	is_str(passed_at, passes, "%s: stops passed at", desc);
	free(whole);
	free(p);
}

static void test_split(void)
{
	char *p = fixture("short.csv", "a\n", 2);

	split_everywhere("a,b\n1,2\n3,4\n", "", "plain lines");
	/* the stops at 12 and 18 fall inside the quoted field */
	split_everywhere("id,x\n1,\"two\nlines\nhere\"\n2,y\n", "12,18",
			 "a quoted field over three lines");
	split_everywhere("id,x\r\n1,\"a\r\nb\"\r\n2,y\r\n", "12", "CRLF lines");
	split_everywhere("\xEF\xBB\xBFid\n\xEF\xBB\xBFx\n\n\ny\n", "",
			 "a BOM counts on line 1 only; blank lines");
	split_everywhere("id\n1,12\"34\n2,\"op\"x\n3,z\n", "",
			 "malformed records either side");
	split_everywhere("id\n1,\"unterminated\n2\n3\n", "19,21,23", "a quote open to the end");
	split_everywhere("id\nno line feed at the end", "", "a last line without LF");
	{
		struct csvin *r = csvin_open_at(p, &comma, 10);

		ok(r && csvin_lines_before(r) == -1, "an offset past the end: "
		   "the lines before it are an error: %s", err_msg());
		csvin_close(r);
	}
	ok(csvin_open_at("-", &comma, 0) == NULL, "standard input cannot start at an offset");
	free(p);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_lines();
	test_options();
	test_long_and_hash();
	test_split();
	return done_testing_in(dir);
}
