/*
 * num_parse(): the checked whole-number parser behind layouts, loaders and
 * options: bounds, sign, empty text, trailing bytes, overflow.
 */
#include <limits.h>
#include <string.h>

#include "num.h"
#include "tap.h"

/* s parses, within min..max, to want. */
static void parses(const char *s, long long min, long long max, long long want)
{
	long long v = -12345;

	is_int(num_parse(s, min, max, &v), 0, "'%s' in %lld..%lld parses", s, min, max);
	is_int(v, want, "'%s' is %lld", s, want);
}

/* s is refused within min..max, and *out is left as it was. */
static void refused(const char *s, long long min, long long max)
{
	long long v = -12345;

	is_int(num_parse(s, min, max, &v), -1, "'%s' in %lld..%lld is refused", s, min, max);
	is_int(v, -12345, "'%s': the output is untouched", s);
}

static void test_bounds(void)
{
	parses("1", 1, 64, 1);
	parses("64", 1, 64, 64);
	refused("0", 1, 64);
	refused("65", 1, 64);
	parses("007", 0, 10, 7);
}

static void test_sign(void)
{
	parses("-5", -10, 10, -5);
	parses("-0", 0, 10, 0);
	refused("-1", 0, 10);
	refused("+1", 0, 10);
	refused("-", -10, 10);
	refused("--1", -10, 10);
}

static void test_empty_and_trailing(void)
{
	refused("", 0, 10);
	refused("5five", 0, 100);
	refused("0x3", 0, 100);
	refused("3 ", 0, 100);
	refused(" 3", 0, 100);
	refused("3.0", 0, 100);
	refused("1e3", 0, 10000);
}

static void test_overflow(void)
{
	parses("9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX);
	parses("-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN);
	refused("9223372036854775808", LLONG_MIN, LLONG_MAX);
	refused("-9223372036854775809", LLONG_MIN, LLONG_MAX);
	refused("99999999999999999999999", LLONG_MIN, LLONG_MAX);
}

static void test_length_and_int(void)
{
	long long v = 0;
	int i = -1;

	is_int(num_parse_n("2025-03", 4, 1, 9999, &v), 0, "the first 4 bytes of '2025-03' parse");
	is_int(v, 2025, "as 2025");
	is_int(num_parse_n("2025-03" + 5, 2, 1, 12, &v), 0, "the month bytes '03' parse");
	is_int(v, 3, "as 3");
	is_int(num_parse_n("12", 0, 0, 10, &v), -1, "no bytes: refused");
	is_int(num_parse_int("2147483647", INT_MIN, INT_MAX, &i), 0, "INT_MAX fits an int");
	is_int(i, INT_MAX, "as INT_MAX");
	is_int(num_parse_int("2147483648", INT_MIN, INT_MAX, &i), -1, "INT_MAX + 1 is refused");
	is_int(i, INT_MAX, "and leaves the int as it was");
}

/* s reads as the decimal want (thousandths), or is refused (want_rc -1). */
static void milli(const char *s, int want_rc, int want)
{
	int v = -12345;

	is_int(num_parse_milli(s, strlen(s), &v), want_rc, "decimal '%s': %s", s,
	       want_rc ? "refused" : "parses");
	is_int(v, want_rc ? -12345 : want, "decimal '%s' is %d thousandths", s, want);
}

static void test_decimals(void)
{
	milli("9", 0, 9000);
	milli("9.0", 0, 9000);
	milli("9.05", 0, 9050);
	milli("-0.5", 0, -500);
	milli("8.9999", 0, 9000);   /* the fourth decimal rounds */
	milli("8.9994", 0, 8999);
	milli("2000000", 0, 2000000000);
	milli("2000000.001", -1, 0);
	milli("", -1, 0);
	milli("-", -1, 0);
	milli(".5", -1, 0);
	milli("5.", -1, 0);
	milli("5.a", -1, 0);
	milli("9,5", -1, 0);
	milli("1e3", -1, 0);
}

/* s reads as the band lo..hi, or is refused (lo > hi). */
static void band(const char *s, int lo, int hi)
{
	int l = 1, h = 0, rc = num_parse_band(s, strlen(s), &l, &h);

	if (lo > hi) {
		ok(rc == -1 && l == 1 && h == 0, "band '%s' is refused, output untouched", s);
		return;
	}
	ok(rc == 0 && l == lo && h == hi, "band '%s' is %d..%d (got %d, %d..%d)", s, lo, hi,
	   rc, l, h);
}

static void test_bands(void)
{
	band("9.5", 9500, 9500);
	band("<7.0", -NUM_MILLI_MAX, 6999);
	band("<=7", -NUM_MILLI_MAX, 7000);
	band(">9.0", 9001, NUM_MILLI_MAX);
	band(">=140", 140000, NUM_MILLI_MAX);
	band(">=7.0 <8.0", 7000, 7999);
	band(">=8.0 <=9.0", 8000, 9000);
	band(">14.0", 14001, NUM_MILLI_MAX); /* a lab's censored result */
	band(">=8 <8", 1, 0);               /* empty */
	band("<8 >7", 1, 0);                /* lower bound first */
	band(">=7  <8", 1, 0);              /* one space */
	band("=7", 1, 0);
	band("<", 1, 0);
	band("", 1, 0);
}

int main(void)
{
	test_bounds();
	test_sign();
	test_empty_and_trailing();
	test_overflow();
	test_length_and_int();
	test_decimals();
	test_bands();
	return done_testing();
}
