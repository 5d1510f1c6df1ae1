/*
 * bytes16.h: sixteen bytes at a time, for the scanners that cut text into
 * fields (rec_reader.c, csvin.c).  Fields are a few bytes long, so a call
 * per field (memchr) or a branch per byte costs more than the scan; a mask
 * with one bit per byte finds every separator of a block at once.  Only
 * where SSE2 is there (every x86-64); callers keep a byte loop for the
 * rest and for other machines.
 */
#ifndef CCO_BYTES16_H
#define CCO_BYTES16_H

#ifdef __SSE2__
#include <emmintrin.h>

#define BYTES16 1

typedef __m128i bytes16;

static inline bytes16 bytes16_load(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

static inline void bytes16_store(void *p, bytes16 v)
{
	_mm_storeu_si128((__m128i *)p, v);
}

/* Bit i set where byte i equals c. */
static inline unsigned bytes16_eq(bytes16 v, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

/* Counts of byte c kept per byte lane: add a block to acc with
 * bytes16_tally() at most 255 times, then take the total with
 * bytes16_total().  No bit loop, no popcount (not in baseline x86-64). */
static inline bytes16 bytes16_zero(void)
{
	return _mm_setzero_si128();
}

static inline bytes16 bytes16_tally(bytes16 acc, bytes16 v, char c)
{
	return _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

static inline unsigned bytes16_total(bytes16 acc)
{
	__m128i s = _mm_sad_epu8(acc, _mm_setzero_si128());

	return (unsigned)_mm_cvtsi128_si32(s) + (unsigned)_mm_extract_epi16(s, 4);
}

/* Bit i set where byte i is 0x80 or above (not ASCII). */
static inline unsigned bytes16_high(bytes16 v)
{
	return (unsigned)_mm_movemask_epi8(v);
}
#endif

#endif
