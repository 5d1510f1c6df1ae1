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
#include "progress.h"
#include "pipeline.h"
#include "wslock.h"
#include "xalloc.h"

static int lock_fd = -1;          /* the workspace lock the stages inherit */
static const char *watch_label;   /* the stage shown, NULL: none */

void runner_set_lock(int fd)
{
	lock_fd = fd;
}

void runner_set_watch(const char *label)
{
	watch_label = label;
}

/* In the child: keep descriptor fd open across exec, named in env. */
static void pass_fd(int fd, const char *env)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", fd);
	if (fcntl(fd, F_SETFD, 0) != 0 || setenv(env, num, 1) != 0)
		_exit(127);
}

/* In the child before exec: die with the driver (SIGKILL when it dies,
 * checked once more for a driver that died before the request), inherit
 * the workspace lock, named in WSLOCK_ENV, and the progress pipe's write
 * end (progress_fd >= 0), named in PROGRESS_FD_ENV. */
static void child_setup(pid_t driver, int progress_fd)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != driver)
		_exit(127);
	if (lock_fd >= 0)
		pass_fd(lock_fd, WSLOCK_ENV);
	if (progress_fd >= 0)
		pass_fd(progress_fd, PROGRESS_FD_ENV);
	else
		unsetenv(PROGRESS_FD_ENV);
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

void runner_last_line(const char *path, long offset, char *buf, size_t n)
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

/* A close-on-exec pipe in p, or -1s. */
static void cloexec_pipe(int p[2])
{
	if (pipe(p) != 0) {
		p[0] = p[1] = -1;
		return;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
}

/* Wait for pid, showing its progress from rfd when watching (rfd >= 0).
 * Returns 0 or -1 with err_msg(). */
static int wait_stage(pid_t pid, int rfd, int *status)
{
	int rc;

	if (rfd >= 0) {
		rc = watch_child(pid, rfd, watch_label, status);
		close(rfd);
		return rc;
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return err_set("waitpid: %s", strerror(errno));
	return 0;
}

/* Fork and exec prog with args, its standard error to fd and, unless
 * -1, its standard output to out_fd (both closed here) and progress
 * lines to progress_fd.  Returns the pid, or -1 with err_msg() set. */
static pid_t spawn(const char *prog, char *const *args, int fd, int out_fd, int progress_fd)
{
	pid_t pid, driver = getpid();

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		child_setup(driver, progress_fd);
		dup2(fd, STDERR_FILENO);
		if (out_fd >= 0)
			dup2(out_fd, STDOUT_FILENO);
		execvp(prog, args);
		fprintf(stderr, "cco-pipeline: cannot run '%s': %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(fd);
	if (out_fd >= 0)
		close(out_fd);
	return pid < 0 ? err_set("cannot fork: %s", strerror(errno)) : pid;
}

int runner_exit_code(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

pid_t runner_start(const char *prog, char *const *args, const char *log_path)
{
	int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return err_set("cannot open log '%s': %s", log_path, strerror(errno));
	return spawn(prog, args, fd, -1, -1);
}

int runner_append_log(const char *dst, const char *src)
{
	FILE *in = fopen(src, "r");
	int out = open(dst, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	char buf[65536];
	size_t n;
	int rc = in && out >= 0 ? 0 : err_set("cannot append '%s' to '%s': %s", src, dst,
					      strerror(errno));

	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (write(out, buf, n) != (ssize_t)n)
			rc = err_set("cannot write '%s': %s", dst, strerror(errno));
	if (in)
		fclose(in);
	if (out >= 0)
		close(out);
	return rc;
}

int runner_run(const char *prog, char *const *args, const char *log_path,
	       char *last_line, size_t n)
{
	int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int pipefd[2] = { -1, -1 };
	long start;
	pid_t pid;
	int status;

	if (fd < 0)
		return err_set("cannot open log '%s': %s", log_path, strerror(errno));
	if (watch_label) /* for the stage's progress lines; none if it fails */
		cloexec_pipe(pipefd);
	start = lseek(fd, 0, SEEK_END);
	if ((pid = spawn(prog, args, fd, -1, pipefd[1])) < 0) {
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -1;
	}
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (wait_stage(pid, pipefd[0], &status) < 0)
		return -1;
	runner_last_line(log_path, start, last_line, n);
	return runner_exit_code(status);
}

int runner_capture(char *const *argv, char **out, const char *log_path)
{
	int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int pipefd[2], status;
	size_t used = 0, cap = 4096;
	ssize_t got;
	pid_t pid;

	*out = NULL;
	if (fd < 0)
		return err_set("cannot open log '%s': %s", log_path, strerror(errno));
	cloexec_pipe(pipefd);
	if (pipefd[0] < 0) {
		close(fd);
		return err_set("pipe: %s", strerror(errno));
	}
	if ((pid = spawn(argv[0], argv, fd, pipefd[1], -1)) < 0) {
		close(pipefd[0]);
		return -1;
	}
	*out = xmalloc(cap);
	while ((got = read(pipefd[0], *out + used, cap - 1 - used)) != 0) {
		if (got < 0 && errno != EINTR)
			break;
		if (got > 0 && (used += (size_t)got) == cap - 1)
			*out = xrealloc(*out, cap *= 2);
	}
	(*out)[used] = '\0';
	close(pipefd[0]);
	if (wait_stage(pid, -1, &status) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return err_set("cannot run '%s' (is Slurm installed?)", argv[0]);
	return runner_exit_code(status);
}
