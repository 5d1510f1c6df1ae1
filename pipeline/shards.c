/*
 * shards.c: a per-shard stage of a sharded run (run.shards > 1), on the
 * local executor: every shard planned as a stage is, those that must run
 * started as child processes, at most run.jobs at once, each writing its
 * own log; the logs are appended to the run's and the shards recorded in
 * shard order, so the log and the ledger read the same whatever order the
 * shards finished in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "msg.h"
#include "pipeline.h"
#include "xalloc.h"

struct task {
	struct plan p;
	pid_t pid;            /* while running; 0 before, -1 after */
	int status;           /* as runner_run() gives it */
	char *log;            /* the shard's own log */
	char last[512];       /* the last line it wrote */
	struct timespec t0;
	double seconds;
};

/* Plan every shard of s into t[0..n).  Returns 0 or -1. */
static int plan_all(const struct run_ctx *x, const struct stage_def *s, struct task *t,
		    int n)
{
	for (int k = 1; k <= n; k++)
		if (plan_stage(x, s, &(struct shard){ k, n }, &t[k - 1].p) < 0)
			return err_set("%s: %s", t[k - 1].p.name, err_msg());
	return 0;
}

/* Start task t.  Returns 0 or -1 (recorded as its status). */
static int start(const struct run_ctx *x, struct task *t, int k)
{
	char **args = plan_argv(x, &t->p);

	t->log = xasprintf("%s.%s.%d", x->log_path, t->p.s->name, k);
	msg_debug("%s: running: %s", t->p.name, t->p.reason);
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
	t->pid = runner_start(args[0], args, t->log);
	plan_argv_free(args);
	if (t->pid < 0) {
		t->status = -1;
		snprintf(t->last, sizeof(t->last), "%s", err_msg());
	}
	return t->pid < 0 ? -1 : 0;
}

/* Wait for one running task of t[0..n) to end.  Returns 0 or -1. */
static int reap(struct task *t, int n)
{
	int status;
	pid_t pid;

	while ((pid = wait(&status)) < 0)
		if (errno != EINTR)
			return err_set("wait: %s", strerror(errno));
	for (int i = 0; i < n; i++)
		if (t[i].pid == pid) {
			t[i].pid = -1;
			t[i].status = runner_exit_code(status);
			t[i].seconds = seconds_since(&t[i].t0);
			runner_last_line(t[i].log, 0, t[i].last, sizeof(t[i].last));
		}
	return 0;
}

/* Run the tasks that must, at most jobs at once; after the first failure
 * start no more.  Returns 0 or -1 (wait failed). */
static int run_pool(const struct run_ctx *x, struct task *t, int n)
{
	int running = 0, next = 0, failed = 0;

	for (;;) {
		while (!failed && running < x->jobs && next < n) {
			struct task *u = &t[next++];

			if (!u->p.run)
				continue;
			if (start(x, u, next) == 0)
				running++;
			else
				failed = 1;
		}
		if (!running)
			return 0;
		if (reap(t, n) < 0)
			return -1;
		running--;
		for (int i = 0; i < n; i++)
			failed |= t[i].pid == -1 && t[i].status != 0;
	}
}

/* Append each shard's log to the run's and record it, in shard order.
 * Returns 0, or 1 after printing the summary of the first failure. */
static int record_all(const struct run_ctx *x, struct task *t, int n, long long mark)
{
	char line[1024];
	int status = 0;

	for (int i = 0; i < n; i++) {
		if (!t[i].p.run) {
			plan_record_skip(x, &t[i].p);
			continue;
		}
		if (t[i].pid == 0) /* not started: an earlier shard failed */
			continue;
		if (runner_append_log(x->log_path, t[i].log) < 0)
			msg_warn("%s", err_msg());
		if (status == 0 &&
		    (status = plan_record_run(x, &t[i].p, t[i].status, t[i].last, t[i].seconds,
					      mark, line, sizeof(line))) != 0)
			msg_error("%s", line);
	}
	return status;
}

int shards_run(const struct run_ctx *x, const struct stage_def *s, int dry, int *ran)
{
	int n = x->nshards, status = 0;
	struct task *t = xcalloc((size_t)n, sizeof(*t));
	long long mark = 0;

	*ran = 0;
	if (plan_all(x, s, t, n) < 0) {
		msg_error("%s", err_msg());
		if (!dry)
			ledger_run_end(x->l, x->run, "failed", err_msg());
		status = CCO_EXIT_FAIL;
	}
	for (int i = 0; status == 0 && i < n; i++) {
		*ran += t[i].p.run;
		if (dry)
			plan_print(&t[i].p, n);
	}
	if (status == 0 && !dry) {
		mark = ledger_extract_mark(x->l);
		if (run_pool(x, t, n) < 0)
			for (int i = 0; i < n; i++)
				if (t[i].pid > 0) { /* lost track of it: not done */
					t[i].status = -1;
					snprintf(t[i].last, sizeof(t[i].last), "%s", err_msg());
				}
		status = record_all(x, t, n, mark);
	}
	for (int i = 0; i < n; i++) {
		if (t[i].log)
			unlink(t[i].log);
		free(t[i].log);
		plan_release(&t[i].p);
	}
	free(t);
	return status;
}
