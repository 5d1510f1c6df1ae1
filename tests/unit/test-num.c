/*
 * num_parse(): the checked whole-number parser behind layouts, loaders and
 * options: bounds, sign, empty text, trailing bytes, overflow.
 */
#include <limits.h>

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

int main(void)
{
	test_bounds();
	test_sign();
	test_empty_and_trailing();
	test_overflow();
	test_length_and_int();
	return done_testing();
}
