/*
 * hash.h: content digests (XXH3-128, from libxxhash) that identify files:
 * a loaded extract, a config file, a stage's inputs.  Not a security hash;
 * it detects change and identity.
 */
#ifndef CCO_HASH_H
#define CCO_HASH_H

#include <stddef.h>

#define HASH_HEX_LEN 32

/* Digest of the file at path as 32 lowercase hex digits plus NUL in out.
 * Returns 0, or -1 with err_msg() set. */
int hash_file(const char *path, char out[HASH_HEX_LEN + 1]);

/* Digest of n bytes of data. */
void hash_bytes(const void *data, size_t n, char out[HASH_HEX_LEN + 1]);

#endif
