/*
 * lock.c: one run per workspace.  flock() is released by the kernel when
 * its holder dies, even by SIGKILL, so a lock left by a killed run is
 * simply free: no stale-lock guessing from PIDs or ages.  The holder's
 * PID is written into the file only to name it in the message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "err.h"
#include "pipeline.h"
#include "xalloc.h"

int lock_take(const char *workspace)
{
	char *path = xasprintf("%s/.lock", workspace);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	char buf[32];
	ssize_t n;

	if (fd < 0) {
		err_set("cannot open lock '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		err_set("another run (pid %s) holds the workspace lock '%s'",
			*buf ? buf : "unknown", path);
		close(fd);
		free(path);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		err_set("cannot write lock '%s': %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}
