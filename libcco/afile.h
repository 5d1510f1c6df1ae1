/*
 * afile.h: atomic output files.
 *
 * An output is written to "PATH.tmp" and renamed to PATH only after fflush,
 * fsync and fclose have all succeeded, so no reader ever sees a half-written
 * file under its real name.  Open temp files are remembered; if the process
 * exits without committing them, or dies from SIGINT, SIGTERM, SIGHUP or
 * SIGPIPE, they are unlinked.  (SIGKILL cannot be caught: a stale PATH.tmp
 * may remain, is never read as an output, and is replaced by the next run.)
 */
#ifndef CCO_AFILE_H
#define CCO_AFILE_H

#include <stdio.h>

#define AFILE_PHI 0600     /* mode for member-level data */
#define AFILE_PUBLIC 0644  /* mode for aggregate reports */
#define AFILE_PHI_DIR 0700 /* mode for directories that hold member data */

struct afile {
	char *path; /* final name, owned */
	char *tmp;  /* temp name while open, owned; NULL once closed */
	FILE *fp;   /* write here; errors are sticky in the stream (a run
		       closes it early and sets it NULL: see runfile.c) */
};

/* Create PATH.tmp with exactly `mode` (whatever the umask).  Returns 0, or -1
 * with err_msg() set and nothing left behind. */
int afile_open(struct afile *f, const char *path, int mode);

/* Flush, fsync, close and rename into place, then fsync the directory.
 * Returns 0, or -1 (err_msg() set) with the temp file removed and any
 * previous PATH untouched.  Frees f's memory either way. */
int afile_commit(struct afile *f);

/* Flush and fsync the temp file, which stays open for afile_commit().
 * Returns 0, or -1 with err_msg() set (then afile_abort() it). */
int afile_sync(struct afile *f);

/* Close and remove the temp file; PATH is untouched.  Frees f's memory. */
void afile_abort(struct afile *f);

/* mkdir -p with `mode` for each directory it creates; existing directories
 * are left as they are.  Returns 0 or -1 with err_msg() set. */
int fs_mkdirs(const char *path, int mode);

/* The names in dir, dot files left out, in byte order (never the
 * locale's): a stable order for hashing and loading.  Returns a list of n
 * names (free with fs_list_free), or NULL with err_msg() set. */
char **fs_list_dir(const char *dir, size_t *n);
void fs_list_free(char **names, size_t n);

/* rm -rf path: 0 (also when there is none) or -1 with err_msg() set. */
int fs_remove_tree(const char *path);

/* Put directory fresh (whole, its files committed) in the place of path,
 * which may not exist: path is moved aside, fresh renamed to path, and
 * the old tree removed, so a reader sees the old set of files or the new
 * one, never a mix.  Returns 0 or -1 with err_msg() set (path then left
 * as it was). */
int fs_replace_dir(const char *fresh, const char *path);

/* Write a whole small file atomically.  Returns 0 or -1 with err_msg(). */
int afile_write_all(const char *path, int mode, const void *data, size_t n);

#endif
