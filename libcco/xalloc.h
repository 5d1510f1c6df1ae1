/*
 * xalloc.h: allocation that cannot fail.  Running out of memory is the one
 * condition the library does not return to its caller: these print a message
 * and exit(1), because every stage runs within a configured memory limit and
 * an allocation failure means that limit is wrong, not that the data is.
 */
#ifndef CCO_XALLOC_H
#define CCO_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* p, the result of another library's allocator asked for n bytes; if
 * NULL, exits as the functions above do. */
void *xcheck(void *p, size_t n);

/* Like asprintf, but never fails. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *p (holding *alloc elements of size elem) so that it holds at least
 * need elements; doubles to keep appends amortised O(1). */
void xgrow(void *pp, size_t *alloc, size_t need, size_t elem);

#endif
