/*
 * xxh.h: libxxhash's streaming XXH3 at the machine's best speed.  On x86
 * the library's dispatch entry points choose AVX2 or SSE2 at the first
 * call (32 against 19 GB/s on the bench machine); elsewhere the plain
 * ones.  The digests are the same either way.
 */
#ifndef CCO_XXH_H
#define CCO_XXH_H

#define XXH_STATIC_LINKING_ONLY /* sizeof(XXH3_state_t) */
#include <xxhash.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xxh_x86dispatch.h>
#define xxh64_update XXH3_64bits_update_dispatch
#define xxh128_update XXH3_128bits_update_dispatch
#else
#define xxh64_update XXH3_64bits_update
#define xxh128_update XXH3_128bits_update
#endif

#endif
