/*
 * wslock.c: one writer per workspace (see wslock.h).  flock() is released by the kernel when
 * its holder dies, even by SIGKILL, so a lock left by a killed run is
 * simply free: no stale-lock guessing from PIDs or ages.  The holder's
 * PID is written into the file only to name it in the message.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "wslock.h"
#include "xalloc.h"

/* The pid written in the lock file at fd, or 0 when there is none. */
static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return strtol(buf, NULL, 10);
}

/* Lock fd without waiting, but wait (up to 5 s) while the pid in the file
 * is dead: the lock is then held by the stage of a driver that died, which
 * its parent-death signal is ending.  Returns 0, or minus the live
 * holder's pid, or -1 when no live pid is known (never a stale one). */
static long lock_or_holder(int fd)
{
	for (int tries = 0; tries < 500; tries++) {
		long pid;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		pid = holder_pid(fd);
		if (pid <= 0)
			return -1;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			return pid > 1 ? -pid : -1;
		usleep(10000);
	}
	return -1;
}

int wslock_take(const char *workspace)
{
	char *path = xasprintf("%s/.lock", workspace);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	char buf[32];
	long held;
	ssize_t n;

	if (fd < 0) {
		err_set("cannot open lock '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	held = lock_or_holder(fd);
	if (held < 0) {
		if (held == -1)
			err_set("another run or stage holds the workspace lock '%s'", path);
		else
			err_set("another run or stage (pid %ld) holds the workspace lock '%s'",
				-held, path);
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

/* 1 when fd is open on the file at path and holds its lock. */
static int holds(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino && flock(fd, LOCK_EX | LOCK_NB) == 0;
}

/* The lock at path held by the driver of pid holder (decimal text) for
 * this stage: an fd on it, or -1 with err_msg() set. */
static int held_by_driver(const char *path, const char *holder)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long pid;
	char *end;

	if (fd < 0)
		return err_set("cannot open lock '%s': %s", path, strerror(errno));
	pid = strtol(holder, &end, 10);
	if (*end || pid <= 0 || holder_pid(fd) != pid) {
		close(fd);
		return err_set("the workspace lock '%s' is not held by the run (pid %s) "
			       "that started this stage", path, holder);
	}
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) { /* nobody holds it: the driver is gone */
		close(fd);
		return err_set("the run (pid %s) that started this stage no longer holds the "
			       "workspace lock '%s'", holder, path);
	}
	return fd;
}

int wslock_hold(const char *workspace)
{
	const char *env = getenv(WSLOCK_ENV), *holder = getenv(WSLOCK_HOLDER_ENV);
	char *path, *end;
	long fd;

	if (holder && *holder) {
		path = xasprintf("%s/.lock", workspace);
		fd = held_by_driver(path, holder);
		free(path);
		return (int)fd;
	}
	if (env && *env) {
		fd = strtol(env, &end, 10);
		path = xasprintf("%s/.lock", workspace);
		if (!*end && fd > 2 && fd < 1 << 20 && holds((int)fd, path)) {
			free(path);
			fcntl((int)fd, F_SETFD, FD_CLOEXEC);
			return (int)fd;
		}
		free(path);
	}
	return wslock_take(workspace);
}
