/*
 * runfile.h: temporary files of text lines, zstd-compressed or plain, for the
 * external sort's runs.  A run is written once, then read once (or more)
 * from the start; it is created through afile.h, so it is removed at exit
 * and on the signals afile.h handles if runfile_free() was never reached.
 */
#ifndef CCO_RUNFILE_H
#define CCO_RUNFILE_H

#include <stddef.h>

struct runfile;

/* Create an empty run in dir with zstd level (0: uncompressed).  Returns
 * NULL with err_msg() set. */
struct runfile *runfile_create(const char *dir, int level);

/* Append a line (n bytes, no LF).  Errors are sticky: reported by
 * runfile_rewind(). */
void runfile_put(struct runfile *f, const char *line, size_t n);

/* Finish writing and position at the first line for reading.  Returns 0,
 * or -1 with err_msg() set. */
int runfile_rewind(struct runfile *f);

/* Next line: 1 with *line and *n set (NUL-terminated, valid until the next
 * call), 0 at the end, -1 with err_msg() set. */
int runfile_next(struct runfile *f, char **line, size_t *n);

/* Close and remove the file; NULL is allowed. */
void runfile_free(struct runfile *f);

#endif
