#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
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

/* Read every record of text as "LINE:STATUS:f1|f2|..." lines joined by
 * ';', the compact form the cases below compare. */
static char *records(const char *text, size_t n, const struct csvin_opts *o)
{
	char *p = fixture("in.csv", text, n);
	struct csvin *r = csvin_open(p, o);
	struct csvin_row row;
	char *out = xstrdup("");

	while (csvin_next(r, &row) > 0) {
		char *rec = xasprintf("%ld:%d:", row.line, (int)row.status);

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
	free(text);
	ok(csvin_open("/nonexistent/x.csv", &comma) == NULL, "a missing file is an error");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_lines();
	test_options();
	test_long_and_hash();
	return done_testing_in(dir);
}
