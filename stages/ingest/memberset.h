/*
 * memberset.h: the member identifiers known to a load (from members files
 * of this run and of earlier loads), as 64-bit hashes in an open-addressing
 * table: 16 bytes per member at most, whatever the identifiers' length.
 * A hash collision could let an unknown member pass; with 64 bits and a
 * million members the chance is about 1 in 10^7 per unknown id.
 */
#ifndef INGEST_MEMBERSET_H
#define INGEST_MEMBERSET_H

#include <stddef.h>
#include <stdint.h>

struct memberset {
	uint64_t *slot; /* 0 = empty */
	size_t cap;     /* power of two, or 0 */
	size_t n;
};

/* Add the identifier s[0..n); an empty set needs only zeroing. */
void memberset_add(struct memberset *m, const char *s, size_t n);

/* 1 if s[0..n) was added. */
int memberset_has(const struct memberset *m, const char *s, size_t n);

/* Hint that s[0..n) will be looked up soon (starts the cache load). */
void memberset_prefetch(const struct memberset *m, const char *s, size_t n);

/* Add every member of src to dst. */
void memberset_merge(struct memberset *dst, const struct memberset *src);

/* Free the table; the set is empty afterwards. */
void memberset_release(struct memberset *m);

#endif
