/*
 * slurm.c: the Slurm executor (run.executor = slurm).  The stages of a
 * segment of the run are planned together, submitted at once with sbatch,
 * each a job (a job array over the shards for a per-shard stage of a
 * sharded run), each stage's job depending on the one before by
 * --dependency=afterok, and waited for with scontrol; then each task's
 * log is appended to the run's and each task recorded in the ledger, in
 * stage and shard order.  The driver's data-quality check after normalize
 * splits a run into two segments: ingest and normalize; the rest.
 *
 * The workspace must be on a filesystem every node shares.  The driver
 * holds the workspace lock for the jobs (WSLOCK_HOLDER_ENV, wslock.h) and
 * records their job ids in the ledger; a later run cancels the jobs of a
 * run that never finished before it starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "msg.h"
#include "pipeline.h"
#include "wslock.h"
#include "xalloc.h"

/* One task: a stage, or one shard of a per-shard stage. */
struct stask {
	struct plan p;
	int scheduled;        /* 1: submitted */
	char state[32];       /* Slurm's JobState, "" until seen */
	int status;           /* exit status, 128+signal */
	double seconds;
};

/* One stage of the segment. */
struct sstage {
	const struct stage_def *s;
	struct stask *t;      /* n of them: one, or one per shard */
	int n;
	long long job;        /* its job id, 0: not submitted */
	char *log;            /* sbatch --output, %a for the shard */
};

/* The text after "KEY=" in the scontrol record rec, up to a space, in buf. */
static void field(const char *rec, const char *key, char *buf, size_t n)
{
	size_t k = strlen(key);
	const char *p = rec;

	buf[0] = '\0';
	while ((p = strstr(p, key)) && !(p[k] == '=' && (p == rec || p[-1] == ' ')))
		p += k;
	if (p)
		snprintf(buf, n, "%.*s", (int)strcspn(p + k + 1, " \n"), p + k + 1);
}

/* ---- the job script and sbatch ---- */

/* s as a single-quoted shell word (no quote can be in it: the config
 * path's and values' checks), appended to f. */
static void shell_word(FILE *f, const char *s)
{
	fputc(' ', f);
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* Write the job script of stage st at path: exec its program with the
 * run's configuration, and for a shard of a sharded run run.shard from
 * the array task id.  Returns 0 or -1. */
static int write_script(const struct run_ctx *x, const struct sstage *st, const char *path)
{
	FILE *f = fopen(path, "w");
	struct plan *p = &st->t[0].p;

	if (!f)
		return err_set("cannot write '%s': %s", path, strerror(errno));
	fprintf(f, "#!/bin/sh\n# cco-pipeline run %lld: %s\nexec", x->run, st->s->name);
	shell_word(f, p->prog);
	shell_word(f, "-c");
	shell_word(f, x->config_path);
	for (int i = 0; i < x->nsets; i++) {
		shell_word(f, "--set");
		shell_word(f, x->sets[i]);
	}
	if (st->n > 1)
		fprintf(f, " --set \"run.shard=$SLURM_ARRAY_TASK_ID/%d\"", st->n);
	fputc('\n', f);
	if (fclose(f) != 0 || chmod(path, 0700) != 0)
		return err_set("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

/* "--opt=VALUE" into args when value is not "". */
static void opt_arg(char **args, int *n, const char *opt, const char *value)
{
	if (*value)
		args[(*n)++] = xasprintf("--%s=%s", opt, value);
}

/* The array of stage st: the shards to run, "1,3". */
static char *array_list(const struct sstage *st)
{
	size_t cap = (size_t)st->n * 6 + 1, used = 0; /* "1024," each */
	char *list = xcalloc(cap, 1);

	for (int i = 0; i < st->n; i++)
		if (st->t[i].scheduled)
			used += (size_t)snprintf(list + used, cap - used, "%s%d", used ? "," : "",
						 i + 1);
	return list;
}

/* Submit stage st, after the job after (0: none).  Returns 0 or -1. */
static int submit(const struct run_ctx *x, struct sstage *st, long long after)
{
	char *script = xasprintf("%s.%s.sh", x->log_path, st->s->name);
	char key[64], *out = NULL, *list = array_list(st), **args = xcalloc(16, sizeof(char *));
	int n = 0, rc;

	st->log = xasprintf("%s.%s.%s", x->log_path, st->s->name, st->n > 1 ? "%a" : "1");
	args[n++] = xstrdup("sbatch");
	args[n++] = xstrdup("--parsable");
	args[n++] = xasprintf("--job-name=cco-%s", st->s->name);
	args[n++] = xasprintf("--output=%s", st->log);
	if (st->n > 1)
		args[n++] = xasprintf("--array=%s", list);
	if (after) {
		args[n++] = xasprintf("--dependency=afterok:%lld", after);
		args[n++] = xstrdup("--kill-on-invalid-dep=yes");
	}
	opt_arg(args, &n, "partition", config_str(x->c, "slurm.partition"));
	opt_arg(args, &n, "account", config_str(x->c, "slurm.account"));
	snprintf(key, sizeof(key), "slurm.%s_time", st->s->name);
	opt_arg(args, &n, "time", config_str(x->c, key));
	snprintf(key, sizeof(key), "slurm.%s_mem_mb", st->s->name);
	if (config_int(x->c, key) > 0)
		args[n++] = xasprintf("--mem=%ld", config_int(x->c, key));
	args[n++] = xstrdup(script);
	rc = write_script(x, st, script);
	if (rc == 0 && (rc = runner_capture(args, &out, x->log_path)) > 0)
		rc = err_set("sbatch failed (exit %d) submitting %s; see %s", rc, st->s->name,
			     x->log_path);
	if (rc == 0 && (st->job = strtoll(out, NULL, 10)) <= 0)
		rc = err_set("sbatch gave no job id for %s: '%.80s'", st->s->name, out);
	if (rc == 0) {
		msg_debug("%s: slurm job %lld", st->s->name, st->job);
		rc = ledger_add_job(x->l, x->run, st->s->name, st->job);
	}
	unlink(script); /* sbatch keeps its own copy */
	plan_argv_free(args);
	free(script);
	free(list);
	free(out);
	return rc;
}

/* ---- waiting ---- */

static int terminal(const char *state)
{
	static const char *const done[] = { "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT",
					    "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED",
					    "BOOT_FAIL", "DEADLINE", NULL };

	for (int i = 0; done[i]; i++)
		if (strcmp(state, done[i]) == 0)
			return 1;
	return 0;
}

/* "[D-]HH:MM:SS" or "MM:SS" as seconds. */
static double run_seconds(const char *t)
{
	double v = 0;
	long part;
	char *end;

	while (*t) {
		part = strtol(t, &end, 10);
		v = *end == '-' ? (double)part * 86400 : v * 60 + (double)part;
		t = *end ? end + 1 : end;
	}
	return v;
}

/* Take what one scontrol record says of its task.  Returns 1 when the
 * record is of a task still to end (or of tasks not yet split from the
 * array), 0 otherwise. */
static int take_record(struct sstage *st, const char *rec)
{
	char buf[64], *end;
	struct stask *t;
	long k = 1;

	if (st->n > 1) {
		field(rec, "ArrayTaskId", buf, sizeof(buf));
		k = strtol(buf, &end, 10);
		if (*end || k < 1 || k > st->n)
			return 1; /* "1-4", "2,4": tasks not started yet */
	}
	t = &st->t[k - 1];
	field(rec, "JobState", t->state, sizeof(t->state));
	if (!terminal(t->state))
		return 1;
	field(rec, "ExitCode", buf, sizeof(buf));
	t->status = (int)strtol(buf, &end, 10);
	if (*end == ':' && atoi(end + 1) > 0)
		t->status = 128 + atoi(end + 1);
	if (t->status == 0 && strcmp(t->state, "COMPLETED") != 0)
		t->status = 1; /* ended by Slurm: a time or memory limit */
	field(rec, "RunTime", buf, sizeof(buf));
	t->seconds = run_seconds(buf);
	return 0;
}

/* How many tasks of stage st are still to end.  -1 on error. */
static int poll_stage(const struct run_ctx *x, struct sstage *st)
{
	char id[24], *out;
	char *argv[] = { "scontrol", "-o", "show", "job", id, NULL };
	int rc, left = 0;

	snprintf(id, sizeof(id), "%lld", st->job);
	for (int i = 0; i < st->n; i++)
		if (st->t[i].scheduled)
			st->t[i].state[0] = '\0';
	if ((rc = runner_capture(argv, &out, x->log_path)) != 0) {
		free(out);
		return rc < 0 ? -1 : err_set("scontrol show job %s failed (exit %d); see %s",
					     id, rc, x->log_path);
	}
	for (char *rec = out, *nl; *rec; rec = nl ? nl + 1 : rec + strlen(rec)) {
		if ((nl = strchr(rec, '\n')))
			*nl = '\0';
		left += take_record(st, rec);
	}
	free(out);
	for (int i = 0; i < st->n; i++)
		left += st->t[i].scheduled && !st->t[i].state[0];
	return left;
}

/* Wait until every task of the submitted stages has ended.  0 or -1. */
static int wait_all(const struct run_ctx *x, struct sstage *st, int n)
{
	for (;;) {
		int left = 0;

		for (int i = 0; i < n; i++) {
			int l = st[i].job ? poll_stage(x, &st[i]) : 0;

			if (l < 0)
				return -1;
			left += l;
		}
		if (!left)
			return 0;
		sleep(1);
	}
}

/* ---- planning and recording ---- */

/* Plan the tasks of st: a task runs when the task of its shard (or the
 * stage) before it in the segment runs, else when plan_stage() says so.
 * Returns 0 or -1. */
static int plan_segment(const struct run_ctx *x, struct sstage *st, int n)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < st[i].n; k++) {
			struct stask *t = &st[i].t[k];
			const struct stask *up = NULL;

			if (i > 0)
				up = st[i - 1].n == st[i].n ? &st[i - 1].t[k] : NULL;
			for (int j = 0; i > 0 && !up && j < st[i - 1].n; j++)
				if (st[i - 1].t[j].scheduled)
					up = &st[i - 1].t[j];
			if (plan_stage(x, st[i].s, &(struct shard){ k + 1, st[i].n }, &t->p) < 0)
				return err_set("%s: %s", t->p.name, err_msg());
			if (up && up->scheduled && !t->p.run) {
				t->p.run = 1;
				snprintf(t->p.reason, sizeof(t->p.reason), "after %s", up->p.name);
			}
			t->scheduled = t->p.run;
		}
	return 0;
}

/* Record task t of stage st (shard k) that ran: its log appended to the
 * run's, planned again (its inputs are those it read) for the
 * fingerprint, recorded.  Returns 0, or 1 after printing the failure. */
static int record_task(const struct run_ctx *x, struct sstage *st, struct stask *t, int k,
		       long long mark)
{
	char *log = xasprintf("%s.%s.%d", x->log_path, st->s->name, k);
	char last[512], line[1024], reason[256];
	struct plan after;
	int rc;

	runner_last_line(log, 0, last, sizeof(last));
	if (!*last || (t->status && strcmp(t->state, "FAILED") != 0)) {
		if (st->n > 1)
			snprintf(last, sizeof(last), "slurm job %lld_%d: %s", st->job, k, t->state);
		else
			snprintf(last, sizeof(last), "slurm job %lld: %s", st->job, t->state);
	}
	if (runner_append_log(x->log_path, log) < 0)
		msg_warn("%s", err_msg());
	unlink(log);
	free(log);
	snprintf(reason, sizeof(reason), "%s", t->p.reason);
	if (t->status == 0 && plan_stage(x, st->s, &t->p.sh, &after) == 0) {
		snprintf(after.reason, sizeof(after.reason), "%s", reason);
		plan_release(&t->p);
		t->p = after;
	}
	rc = plan_record_run(x, &t->p, t->status, last, t->seconds, mark, line, sizeof(line));
	if (rc)
		msg_error("%s", line);
	return rc;
}

/* Record every task of the segment, in stage and shard order: skipped,
 * ran, or (after the first failure) left unrecorded.  Returns 0, or 1
 * after printing the first failure. */
static int record_segment(const struct run_ctx *x, struct sstage *st, int n, long long mark,
			  int *ran)
{
	int status = 0;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < st[i].n; k++) {
			struct stask *t = &st[i].t[k];

			ran[i] |= t->scheduled;
			if (!t->scheduled)
				plan_record_skip(x, &t->p);
			else if (status == 0 && t->state[0])
				/* the first task that did not complete is the
				 * run's failure, cancelled before it ran too; the
				 * tasks after it were cancelled for it */
				status = record_task(x, &st[i], t, k + 1, mark);
		}
	return status;
}

/* ---- the segment ---- */

/* Cancel the jobs submitted of st[0..n). */
/* scancel the jobs ids ("12,13"), its messages in the run's log. */
static void scancel(const struct run_ctx *x, char *ids)
{
	char *argv[] = { "scancel", ids, NULL }, *out;

	runner_capture(argv, &out, x->log_path);
	free(out);
}

static void cancel_all(const struct run_ctx *x, struct sstage *st, int n)
{
	for (int i = 0; i < n; i++)
		if (st[i].job) {
			char id[24];

			snprintf(id, sizeof(id), "%lld", st[i].job);
			scancel(x, id);
		}
}

/* Submit the scheduled stages, each after the one before; then wait for
 * them.  Returns 0, or -1 with err_msg() set (what was submitted is
 * cancelled). */
static int submit_and_wait(const struct run_ctx *x, struct sstage *st, int n)
{
	char pid[24];
	long long after = 0;
	int rc = 0;

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv(WSLOCK_HOLDER_ENV, pid, 1); /* the jobs inherit the environment */
	for (int i = 0; rc == 0 && i < n; i++) {
		for (int k = 0; k < st[i].n && !st[i].job && rc == 0; k++)
			if (st[i].t[k].scheduled)
				rc = submit(x, &st[i], after);
		if (st[i].job)
			after = st[i].job;
	}
	unsetenv(WSLOCK_HOLDER_ENV);
	if (rc == 0)
		rc = wait_all(x, st, n);
	if (rc < 0)
		cancel_all(x, st, n);
	return rc;
}

int slurm_run(const struct run_ctx *x, const struct stage_def *stages, int n, int dry,
	      int *ran)
{
	struct sstage *st = xcalloc((size_t)n, sizeof(*st));
	long long mark;
	int status = 0;

	for (int i = 0; i < n; i++) {
		st[i].s = &stages[i];
		st[i].n = stages[i].per_shard ? x->nshards : 1;
		st[i].t = xcalloc((size_t)st[i].n, sizeof(*st[i].t));
	}
	if (plan_segment(x, st, n) < 0) {
		msg_error("%s", err_msg());
		if (!dry)
			ledger_run_end(x->l, x->run, "failed", err_msg());
		status = CCO_EXIT_FAIL;
	} else if (dry) {
		for (int i = 0; i < n; i++)
			for (int k = 0; k < st[i].n; k++)
				plan_print(&st[i].t[k].p, x->nshards);
	} else {
		mark = ledger_extract_mark(x->l);
		if (submit_and_wait(x, st, n) < 0) {
			char line[1024];

			snprintf(line, sizeof(line), "run %lld failed: %s", x->run, err_msg());
			ledger_run_end(x->l, x->run, "failed", line);
			msg_error("%s", line);
			status = CCO_EXIT_FAIL;
		} else {
			status = record_segment(x, st, n, mark, ran);
		}
	}
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < st[i].n; k++)
			plan_release(&st[i].t[k].p);
		free(st[i].t);
		free(st[i].log);
	}
	free(st);
	return status;
}

int slurm_cancel_abandoned(const struct run_ctx *x)
{
	int n, rc = 0;
	long long *jobs = ledger_take_abandoned_jobs(x->l, &n);
	char *ids = NULL, *out;
	size_t size = 0;
	FILE *f;

	if (!n)
		return 0;
	if (!(f = open_memstream(&ids, &size)))
		xcheck(NULL, 1);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%lld", i ? "," : "", jobs[i]);
	fclose(f);
	free(jobs);
	msg_info("cancelling the slurm jobs of a run that did not finish: %s", ids);
	scancel(x, ids);
	/* a job that still writes would race this run: wait for them to go;
	 * squeue lists those left, and fails once it knows none of them */
	for (int tries = 0;; tries++) {
		char *argv[] = { "squeue", "-h", "-j", ids, NULL };
		int left;

		rc = runner_capture(argv, &out, x->log_path);
		left = rc == 0 && *out;
		free(out);
		if (rc < 0 || !left)
			break;
		if (tries == 120) {
			rc = err_set("slurm jobs %s of an unfinished run are still running", ids);
			break;
		}
		sleep(1);
	}
	free(ids);
	return rc < 0 ? -1 : 0;
}
