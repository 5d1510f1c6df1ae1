/*
 * wslock.h: one writer per workspace.  The driver takes WORKSPACE/.lock for
 * its run and hands it to each stage it starts; a stage run by hand takes
 * it itself, so a stage never writes beside a run or another stage.
 */
#ifndef CCO_WSLOCK_H
#define CCO_WSLOCK_H

/* The environment variable naming the lock fd a driver hands its stage. */
#define WSLOCK_ENV "CCO_WORKSPACE_LOCK_FD"

/* The environment variable naming the pid of the driver that holds the
 * lock for a stage it started on another machine (a batch job), with no
 * descriptor to hand down. */
#define WSLOCK_HOLDER_ENV "CCO_WORKSPACE_LOCK_HOLDER"

/* Take the workspace lock (WORKSPACE/.lock) without waiting, writing this
 * process's pid into it.  Returns an fd to keep open (close-on-exec) for
 * the run, or -1 with err_msg() naming the holder's pid. */
int wslock_take(const char *workspace);

/* Hold the workspace lock for a stage: the one its driver handed it
 * (WSLOCK_ENV naming an open fd on this workspace's lock, held), or the
 * one its driver holds for it (WSLOCK_HOLDER_ENV naming the pid the lock
 * file names, and the lock held), else taken as wslock_take() does.
 * Returns an fd to keep open, or -1 with err_msg(). */
int wslock_hold(const char *workspace);

#endif
