/*
 * verdict.h: a direct-mapped cache of answers about short strings, for
 * checks that cost much more than a lookup (a PCRE2 match, a value set
 * search, a date's day number) and see the same few values over and over:
 * a claims file repeats its codes and dates.  One cache serves one thread.
 *
 * A value of up to VERDICT_MAX bytes is keyed exactly by its length and
 * two words read from its first and last bytes, which together cover it.
 * So a lookup reads nothing outside the value and calls no hash function
 * and no memcmp(): in cco-ingest, about 50 instructions a lookup where
 * XXH3 and memcmp() took about 90.
 */
#ifndef CCO_VERDICT_H
#define CCO_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VERDICT_BITS 12
#define VERDICT_SLOTS (1 << VERDICT_BITS)
#define VERDICT_MAX 16 /* longer values are not kept */

struct verdict_slot {
	uint64_t head, tail; /* the value's first and last bytes */
	const void *tag;     /* what else the answer depends on, or NULL */
	uint32_t len;        /* 0: an empty slot */
	uint32_t answer;     /* a verdict, or any other 32-bit value */
};

struct verdict_cache {
	struct verdict_slot slot[VERDICT_SLOTS];
};

/* The slot of (tag, s[0 .. n)), 0 < n <= VERDICT_MAX.  If *hit is 0 the
 * slot now belongs to this value, and the caller stores the answer in
 * it; a value that was there before is forgotten. */
static inline struct verdict_slot *verdict_slot(struct verdict_cache *c,
						const void *tag, const char *s,
						size_t n, int *hit)
{
	uint64_t head, tail, mix;
	struct verdict_slot *e;

	if (n >= 8) {
		memcpy(&head, s, 8);
		memcpy(&tail, s + n - 8, 8);
	} else if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		head = a;
		tail = b;
	} else {
		head = (unsigned char)s[0];
		tail = (uint64_t)(unsigned char)s[n / 2] << 8 | (unsigned char)s[n - 1];
	}
	mix = (head ^ (tail * 0xC2B2AE3D27D4EB4FULL) ^ (uintptr_t)tag ^ n) *
	      0x9E3779B97F4A7C15ULL;
	e = &c->slot[mix >> (64 - VERDICT_BITS)];
	*hit = e->len == n && e->head == head && e->tail == tail && e->tag == tag;
	if (!*hit) {
		e->head = head;
		e->tail = tail;
		e->tag = tag;
		e->len = (uint32_t)n;
	}
	return e;
}

#endif
