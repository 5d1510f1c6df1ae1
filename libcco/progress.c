#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "progress.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The descriptor PROGRESS_FD_ENV names, or -1. */
static int driver_fd(void)
{
	const char *v = getenv(PROGRESS_FD_ENV);
	int fd;

	return v && num_parse_int(v, 3, 1 << 20, &fd) == 0 ? fd : -1;
}

void progress_start(struct progress *p, const char *what, uint64_t total_bytes)
{
	p->fd = driver_fd();
	p->enabled = msg_verbosity() >= 0 && (p->fd >= 0 || isatty(STDERR_FILENO));
	p->what = what;
	p->total_bytes = total_bytes;
	p->start = p->last = p->enabled ? now() : 0;
	p->tick = 0;
}

void progress_update(struct progress *p, uint64_t rows, uint64_t bytes)
{
	double t, mbs;

	if (!p->enabled || ++p->tick < 4096)
		return;
	p->tick = 0;
	t = now();
	if (t - p->last < 0.25)
		return;
	p->last = t;
	mbs = (double)bytes / 1e6 / (t - p->start);
	if (p->fd >= 0 && p->total_bytes)
		dprintf(p->fd, "%s: %llu rows, %.0f MB/s, %.0f%%\n", p->what,
			(unsigned long long)rows, mbs, 100.0 * (double)bytes / (double)p->total_bytes);
	else if (p->fd >= 0)
		dprintf(p->fd, "%s: %llu rows, %.0f MB/s\n", p->what, (unsigned long long)rows, mbs);
	else if (p->total_bytes)
		fprintf(stderr, "\r%s: %s: %llu rows, %.0f MB/s, %3.0f%%\033[K",
			msg_prog(), p->what, (unsigned long long)rows, mbs,
			100.0 * (double)bytes / (double)p->total_bytes);
	else
		fprintf(stderr, "\r%s: %s: %llu rows, %.0f MB/s\033[K", msg_prog(),
			p->what, (unsigned long long)rows, mbs);
}

void progress_end(struct progress *p)
{
	if (p->enabled && p->fd < 0 && p->last > p->start)
		fputs("\r\033[K", stderr);
}
