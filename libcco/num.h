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

#endif
