#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "err.h"
#include "xalloc.h"

/* Outputs, and the sort runs of two sorts on threads: each holds up to
 * twice its fan-in of 128 before merging some. */
#define MAX_PENDING 1024

/* Temp files not yet committed; read by the signal handler, so updates
 * happen with the handled signals blocked, and under a lock, since a stage
 * may open files from several threads. */
static char *pending[MAX_PENDING];
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t cleanup_once = PTHREAD_ONCE_INIT;
static volatile sig_atomic_t npending;
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

static void unlink_pending(void)
{
	for (int i = 0; i < npending; i++)
		unlink(pending[i]);
}

/* The lock is taken so that a file another thread is creating exists, and
 * is listed, before the list is walked, and so that no thread creates one
 * afterwards.  The thread that runs this handler cannot hold the lock:
 * lock_pending() blocks these signals before it locks. */
static void on_signal(int sig)
{
	pthread_mutex_lock(&pending_lock);
	unlink_pending();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void lock_pending(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(cleanup_signals) / sizeof(int); i++)
		sigaddset(&set, cleanup_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
	pthread_mutex_lock(&pending_lock);
}

static void unlock_pending(const sigset_t *old)
{
	pthread_mutex_unlock(&pending_lock);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void install_cleanup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(cleanup_signals) / sizeof(int); i++) {
		struct sigaction old;

		/* Respect a parent that asked us to ignore the signal. */
		if (sigaction(cleanup_signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(cleanup_signals[i], &sa, NULL);
	}
	atexit(unlink_pending);
}

/* List tmp and create it, as one step under the lock (see on_signal).
 * Returns the descriptor, or -1 with err_msg() set and tmp not listed. */
static int create_listed(char *tmp, int mode)
{
	sigset_t old;
	int fd;

	lock_pending(&old);
	if (npending == MAX_PENDING) {
		unlock_pending(&old);
		return err_set("too many open output files");
	}
	pending[npending] = tmp;
	npending = npending + 1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		err_set("cannot create '%s': %s", tmp, strerror(errno));
		npending = npending - 1;
	}
	unlock_pending(&old);
	return fd;
}

static void forget(const char *tmp)
{
	sigset_t old;

	lock_pending(&old);
	for (int i = 0; i < npending; i++) {
		if (pending[i] == tmp) {
			pending[i] = pending[npending - 1];
			npending = npending - 1;
			break;
		}
	}
	unlock_pending(&old);
}

static void afile_release(struct afile *f)
{
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
	f->fp = NULL;
}

int afile_open(struct afile *f, const char *path, int mode)
{
	int fd;

	pthread_once(&cleanup_once, install_cleanup);
	f->path = xstrdup(path);
	f->tmp = xasprintf("%s.tmp", path);
	f->fp = NULL;
	fd = create_listed(f->tmp, mode);
	if (fd < 0) {
		afile_release(f);
		return -1;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || !(f->fp = fdopen(fd, "w"))) {
		err_set("cannot create '%s': %s", f->tmp, strerror(errno));
		close(fd);
		unlink(f->tmp);
		forget(f->tmp);
		afile_release(f);
		return -1;
	}
	return 0;
}

static void fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd); /* best effort: some file systems refuse */
		close(fd);
	}
	free(dir);
}

int afile_commit(struct afile *f)
{
	int rc = 0;
	const char *what = NULL;

	if (fflush(f->fp) != 0 || ferror(f->fp))
		what = "write";
	else if (fsync(fileno(f->fp)) != 0)
		what = "fsync";
	if (fclose(f->fp) != 0 && !what)
		what = "close";
	if (!what && rename(f->tmp, f->path) != 0)
		what = "rename";
	if (what) {
		rc = err_set("cannot %s '%s': %s", what, f->path, strerror(errno));
		unlink(f->tmp);
	} else {
		fsync_parent(f->path);
	}
	forget(f->tmp);
	afile_release(f);
	return rc;
}

int afile_sync(struct afile *f)
{
	if (fflush(f->fp) != 0 || ferror(f->fp))
		return err_set("cannot write '%s': %s", f->path, strerror(errno));
	if (fsync(fileno(f->fp)) != 0)
		return err_set("cannot fsync '%s': %s", f->path, strerror(errno));
	return 0;
}

void afile_abort(struct afile *f)
{
	if (!f->tmp)
		return;
	if (f->fp)
		fclose(f->fp);
	unlink(f->tmp);
	forget(f->tmp);
	afile_release(f);
}

int fs_mkdirs(const char *path, int mode)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			rc = err_set("cannot create directory '%s': %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **fs_list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t alloc = 0;

	*n = 0;
	if (!d) {
		err_set("cannot read directory '%s': %s", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			xgrow(&names, &alloc, *n + 1, sizeof(*names));
			names[(*n)++] = xstrdup(e->d_name);
		}
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof(*names), by_name);
	return names ? names : xcalloc(1, sizeof(*names));
}

void fs_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int afile_write_all(const char *path, int mode, const void *data, size_t n)
{
	struct afile f;

	if (afile_open(&f, path, mode) < 0)
		return -1;
	fwrite(data, 1, n, f.fp);
	return afile_commit(&f);
}

int fs_remove_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : err_set("cannot stat '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? 0 : err_set("cannot remove '%s': %s", path,
						       strerror(errno));
	if (!(d = opendir(path)))
		return err_set("cannot read directory '%s': %s", path, strerror(errno));
	while (rc == 0 && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			char *child = xasprintf("%s/%s", path, e->d_name);

			rc = fs_remove_tree(child);
			free(child);
		}
	closedir(d);
	if (rc == 0 && rmdir(path) != 0)
		rc = err_set("cannot remove '%s': %s", path, strerror(errno));
	return rc;
}

int fs_replace_dir(const char *fresh, const char *path)
{
	char *old = xasprintf("%s.old", path);
	int rc = fs_remove_tree(old);

	if (rc == 0 && rename(path, old) != 0 && errno != ENOENT)
		rc = err_set("cannot move '%s' aside: %s", path, strerror(errno));
	if (rc == 0 && rename(fresh, path) != 0) {
		rc = err_set("cannot rename '%s' to '%s': %s", fresh, path, strerror(errno));
		rename(old, path); /* put the previous one back, if there was one */
	}
	if (rc == 0) {
		fsync_parent(path);
		rc = fs_remove_tree(old);
	}
	free(old);
	return rc;
}
