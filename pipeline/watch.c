/*
 * watch.c: on a terminal, the stage running now and its progress, on one
 * line of the driver's standard error redrawn four times a second
 * ("cco-pipeline: [4/5] measure, 3.2 s: members: 8192 rows"), erased when
 * the stage ends.  The stage's own progress lines (libcco/progress.h)
 * come through a pipe named to it in PROGRESS_FD_ENV, since its standard
 * error is the run's log.  Never on a non-terminal: cron and log files get
 * no progress noise.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "pipeline.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int watch_wanted(int verbosity)
{
	return verbosity >= 0 && isatty(STDERR_FILENO);
}

/* Keep in last the last complete line of the n bytes at data (partial
 * lines are carried in pending). */
static void take_lines(const char *data, size_t n, char *pending, size_t *used,
		       char *last, size_t last_n)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n' || data[i] == '\r') {
			if (*used)
				snprintf(last, last_n, "%.*s", (int)*used, pending);
			*used = 0;
		} else if (*used < 255 && (unsigned char)data[i] >= 0x20) {
			pending[(*used)++] = data[i];
		}
	}
}

static void draw(const char *label, double start, const char *last)
{
	fprintf(stderr, "\rcco-pipeline: %s, %.1f s%s%s\033[K", label, now() - start,
		*last ? ": " : "", last);
	fflush(stderr);
}

int watch_child(pid_t pid, int rfd, const char *label, int *status)
{
	char pending[256], last[256] = "", data[4096];
	size_t used = 0;
	double start = now();
	struct pollfd pfd = { rfd, POLLIN, 0 };

	draw(label, start, last);
	for (;;) {
		int rc = poll(&pfd, 1, 250);
		ssize_t n = 0;

		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0 && (n = read(rfd, data, sizeof(data))) == 0)
			break; /* the stage closed it: it has ended */
		if (n > 0)
			take_lines(data, (size_t)n, pending, &used, last, sizeof(last));
		draw(label, start, last);
	}
	fputs("\r\033[K", stderr);
	fflush(stderr);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return err_set("waitpid: %s", strerror(errno));
	return 0;
}
