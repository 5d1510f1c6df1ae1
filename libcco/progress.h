/*
 * progress.h: a progress line for long work, shown a few times a second on
 * stderr when stderr is a terminal and the program is not quiet; silent
 * under cron.  Program-side, like msg.h.
 *
 * Under cco-pipeline, whose stages' stderr is a log file, the driver names
 * a descriptor in PROGRESS_FD_ENV when it shows progress itself (on its
 * terminal): the lines go there instead, plain, one per update
 * ("WHAT: N rows, M MB/s[, P%]\n"), for the driver to show.
 */
#ifndef CCO_PROGRESS_H
#define CCO_PROGRESS_H

#include <stdint.h>

#define PROGRESS_FD_ENV "CCO_PROGRESS_FD"

struct progress {
	int enabled;
	int fd;                /* the driver's descriptor, or -1: stderr */
	const char *what;      /* e.g. a file name */
	uint64_t total_bytes;  /* 0 if unknown */
	double start, last;    /* monotonic seconds */
	unsigned tick;         /* calls since the last clock check */
};

void progress_start(struct progress *p, const char *what, uint64_t total_bytes);

/* Cheap to call per row: looks at the clock only every 4096 calls. */
void progress_update(struct progress *p, uint64_t rows, uint64_t bytes);

/* Erase the line. */
void progress_end(struct progress *p);

#endif
