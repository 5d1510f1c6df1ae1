/*
 * num.h: whole numbers from text (configuration, layouts, definitions,
 * record fields, options), checked: every byte a digit but an optional
 * leading '-', the value within bounds.  strtol() and atoi() accept
 * "5five" as 5, " 7" as 7 and "0x3" as 0; these do not.
 */
#ifndef CCO_NUM_H
#define CCO_NUM_H

#include <stddef.h>

/* Parse the n bytes at s (no NUL needed) as a decimal whole number from
 * min to max: an optional '-', then one or more digits, nothing else (no
 * space, '+' or base prefix).  Returns 0 with *out set, or -1 with *out
 * untouched when the text is empty, holds another byte, or its value is
 * outside min..max (overflow included).  Sets no error message: the
 * caller names the key or field. */
int num_parse_n(const char *s, size_t n, long long min, long long max, long long *out);

/* num_parse_n() over the NUL-terminated string s. */
int num_parse(const char *s, long long min, long long max, long long *out);

/* num_parse() into an int; min and max are ints, so *out always fits. */
int num_parse_int(const char *s, int min, int max, int *out);

/* Decimal values are kept in thousandths (9.5 is 9500), so comparisons
 * are exact; a value or band bound is within +-NUM_MILLI_MAX. */
#define NUM_MILLI_MAX 2000000000

/* Parse the n bytes at s as a decimal number: an optional '-', digits,
 * optionally '.' and more digits (digits past the third decimal are
 * rounded half away from zero).  Returns 0 with *out in thousandths, or
 * -1 with *out untouched (another byte, no digit, beyond NUM_MILLI_MAX). */
int num_parse_milli(const char *s, size_t n, int *out);

/* Parse the n bytes at s as a value or a band of values, in thousandths,
 * both ends included: "9.5" (9500..9500), one bound "<7.0", "<=7.0",
 * ">9.0", ">=9.0" (open ends at +-NUM_MILLI_MAX; a strict bound moves by
 * one thousandth), or a lower and an upper bound apart by one space
 * ">=7.0 <8.0".  Returns 0 with *lo and *hi set, or -1 with them untouched
 * (bad syntax, an empty band). */
int num_parse_band(const char *s, size_t n, int *lo, int *hi);

#endif
