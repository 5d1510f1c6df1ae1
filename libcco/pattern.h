/*
 * pattern.h: named PCRE2 patterns for field validation, loaded from INI
 * files ([patterns] NAME = REGEX; see cco-layout(5)), compiled once, with
 * JIT where the platform has it, and matched against a whole value (every
 * pattern is anchored at both ends).  Match and depth limits are set, so a
 * hostile value cannot make a match run away: hitting one counts as no
 * match.
 */
#ifndef CCO_PATTERN_H
#define CCO_PATTERN_H

#include <stddef.h>

struct pattern;
struct pattern_set;

struct pattern_set *pattern_set_new(void);

/* Add or replace pattern name.  Returns 0, or -1 with err_msg() set
 * ("pattern NAME: what, at offset N") if the regex does not compile. */
int pattern_set_add(struct pattern_set *ps, const char *name, const char *regex);

/* Add every key of section [patterns] of an INI file (other sections are
 * errors).  Returns 0, or -1 with err_msg() naming file and line. */
int pattern_set_load(struct pattern_set *ps, const char *path);

/* Copy of every pattern of ps (for per-layout overrides).  Never fails. */
struct pattern_set *pattern_set_copy(const struct pattern_set *ps);

/* The pattern called name, or NULL. */
const struct pattern *pattern_find(const struct pattern_set *ps, const char *name);

/* 1 if the whole of s[0..n) matches p, else 0 (also when a limit is hit).
 * Not thread-safe: patterns of a set share one match block. */
int pattern_match(const struct pattern *p, const char *s, size_t n);

/* Free ps and its patterns; NULL is allowed. */
void pattern_set_free(struct pattern_set *ps);

#endif
