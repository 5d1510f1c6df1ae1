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

int num_parse_milli(const char *s, size_t n, int *out)
{
	size_t dot = 0, i;
	long long whole, frac = 0, scale = 1000;
	int neg = n > 0 && s[0] == '-';

	while (dot < n && s[dot] != '.')
		dot++;
	if (dot == (size_t)neg || (dot < n && dot + 1 == n) ||
	    num_parse_n(s + neg, dot - (size_t)neg, 0, NUM_MILLI_MAX / 1000, &whole) < 0)
		return -1;
	for (i = dot + 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (scale > 1) {
			scale /= 10;
			frac += (s[i] - '0') * scale;
		} else if (i == dot + 4 && s[i] >= '5') {
			frac++; /* the fourth decimal rounds the third */
		}
	}
	whole = whole * 1000 + frac;
	if (whole > NUM_MILLI_MAX)
		return -1;
	*out = (int)(neg ? -whole : whole);
	return 0;
}

/* One bound "op NUMBER" into *lo or *hi; -1 on bad syntax. */
static int band_bound(const char *s, size_t n, int *lo, int *hi)
{
	size_t op = n > 1 && s[1] == '=' ? 2 : 1;
	int v;

	if (n == 0 || !strchr("<>", s[0]) || num_parse_milli(s + op, n - op, &v) < 0)
		return -1;
	if (s[0] == '<')
		*hi = op == 2 ? v : v - 1;
	else
		*lo = op == 2 ? v : v + 1;
	return 0;
}

int num_parse_band(const char *s, size_t n, int *lo, int *hi)
{
	const char *space = memchr(s, ' ', n);
	int l = -NUM_MILLI_MAX, h = NUM_MILLI_MAX;

	if (n > 0 && s[0] != '<' && s[0] != '>') {
		if (num_parse_milli(s, n, &l) < 0)
			return -1;
		h = l;
	} else if (!space) {
		if (band_bound(s, n, &l, &h) < 0)
			return -1;
	} else if (s[0] != '>' || space[1] != '<' ||
		   band_bound(s, (size_t)(space - s), &l, &h) < 0 ||
		   band_bound(space + 1, n - (size_t)(space - s) - 1, &l, &h) < 0) {
		return -1;
	}
	if (l > h)
		return -1;
	*lo = l;
	*hi = h;
	return 0;
}
