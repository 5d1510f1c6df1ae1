/*
 * fuzz.h: what the fuzz targets in tests/fuzz share.  Each target is one
 * .c file defining LLVMFuzzerTestOneInput(); built with clang and
 * libFuzzer by `make fuzz`, and with the project's compiler into
 * test-fuzz-replay (which renames the entry point per target, see the
 * Makefile) so every corpus file runs in `make check`.
 */
#ifndef CCO_FUZZ_H
#define CCO_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point: one input, return 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write data to a file called name ("FILE" or "DIR/FILE") in this
 * process's scratch directory (created on first use, removed at exit),
 * replacing an earlier one.  Returns the file's path, valid until exit;
 * aborts if the file cannot be written, which is no finding. */
const char *fuzz_file(const char *name, const void *data, size_t size);

/* The source tree's root (for config/ and tests/fixtures/). */
const char *fuzz_root(void);

#endif
