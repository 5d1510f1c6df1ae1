/*
 * num.c: checked whole numbers (see num.h).
 */
#include <limits.h>
#include <string.h>

#include "num.h"

int num_parse_n(const char *s, size_t n, long long min, long long max, long long *out)
{
	int neg = n > 0 && s[0] == '-';
	size_t i = (size_t)neg;
	/* accumulated as a negative number: its range holds LLONG_MIN */
	long long v = 0;

	if (i == n)
		return -1;
	for (; i < n; i++) {
		int d = s[i] - '0';

		if (d < 0 || d > 9 || v < (LLONG_MIN + d) / 10)
			return -1;
		v = v * 10 - d;
	}
	if (!neg && v == LLONG_MIN)
		return -1;
	v = neg ? v : -v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int num_parse(const char *s, long long min, long long max, long long *out)
{
	return num_parse_n(s, strlen(s), min, max, out);
}

int num_parse_int(const char *s, int min, int max, int *out)
{
	long long v;

	if (num_parse(s, min, max, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}
