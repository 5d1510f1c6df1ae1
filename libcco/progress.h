/*
 * progress.h: a progress line for long work, shown a few times a second on
 * stderr when stderr is a terminal and the program is not quiet; silent
 * under cron.  Program-side, like msg.h.
 */
#ifndef CCO_PROGRESS_H
#define CCO_PROGRESS_H

#include <stdint.h>

struct progress {
	int enabled;
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
