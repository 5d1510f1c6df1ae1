/*
 * readahead.h: run a producer of bytes (a decompressor) on a thread of its
 * own, a few blocks ahead of the reader.  On two cores, decompressing the
 * next block while the stage parses this one hides most of zstd's time.
 * The producer touches only its own state; it does not call err_set(),
 * whose message is per thread and so would not reach the reader, but fills
 * the message buffer it is given.
 */
#ifndef CCO_READAHEAD_H
#define CCO_READAHEAD_H

#include <stddef.h>
#include <sys/types.h>

/* Write up to cap bytes into dst.  Returns the count (> 0), 0 at the end,
 * or -1 with a message in why[whylen]. */
typedef ssize_t (*ra_produce_fn)(void *ctx, char *dst, size_t cap, char *why, size_t whylen);

struct readahead;

/* Start a thread calling produce(ctx, ...) into nblocks blocks of block
 * bytes.  From now on only the thread may touch ctx's producing state,
 * until ra_stop().  Returns NULL (errno set) if the thread cannot start:
 * the caller then produces by itself. */
struct readahead *ra_start(ra_produce_fn produce, void *ctx, size_t block, int nblocks);

/* Copy up to cap produced bytes into dst, waiting for them if need be.
 * Returns the count (> 0), 0 at the end, or -1 with *why pointing at the
 * producer's message (valid until ra_stop()). */
ssize_t ra_read(struct readahead *ra, char *dst, size_t cap, const char **why);

/* Stop the thread (it may be waiting or producing) and free everything.
 * NULL is a no-op. */
void ra_stop(struct readahead *ra);

#endif
