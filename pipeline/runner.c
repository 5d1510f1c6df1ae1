/*
 * runner.c: run one stage as a child process, its standard error appended
 * to the run's log file, so cron mail stays one line and the details stay
 * on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "pipeline.h"
#include "wslock.h"
#include "xalloc.h"

static int lock_fd = -1; /* the workspace lock the stages inherit */

void runner_set_lock(int fd)
{
	lock_fd = fd;
}

/* In the child before exec: die with the driver (SIGKILL when it dies,
 * checked once more for a driver that died before the request), and
 * inherit the workspace lock, named in WSLOCK_ENV. */
static void child_setup(pid_t driver)
{
	char fd[16];

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != driver)
		_exit(127);
	if (lock_fd >= 0) {
		snprintf(fd, sizeof(fd), "%d", lock_fd);
		if (fcntl(lock_fd, F_SETFD, 0) != 0 || setenv(WSLOCK_ENV, fd, 1) != 0)
			_exit(127);
	}
}

char *runner_locate(const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash, *path;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			path = xasprintf("%.*s/%s", (int)(slash - self), self, name);
			if (access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	return xstrdup(name);
}

/* The last non-empty line of the file at path from offset on. */
static void last_line_of(const char *path, long offset, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	buf[0] = '\0';
	if (!f)
		return;
	fseek(f, offset, SEEK_SET);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			snprintf(buf, n, "%s", line);
	}
	fclose(f);
}

int runner_run(const char *prog, char *const *args, const char *log_path,
	       char *last_line, size_t n)
{
	int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid_t pid, driver = getpid();
	long start;
	int status;

	if (fd < 0)
		return err_set("cannot open log '%s': %s", log_path, strerror(errno));
	start = lseek(fd, 0, SEEK_END);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd);
		return err_set("cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		child_setup(driver);
		dup2(fd, STDERR_FILENO);
		execvp(prog, args);
		fprintf(stderr, "cco-pipeline: cannot run '%s': %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set("waitpid: %s", strerror(errno));
	last_line_of(log_path, start, last_line, n);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
