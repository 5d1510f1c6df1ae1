/*
 * plan.c: whether a stage (or one shard of a per-shard stage) must run,
 * the command line that runs it, and what the ledger records of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "pipeline.h"
#include "xalloc.h"

/* Point run.shard of x->c at shard sh ("" for 1/1).  The value is one
 * config_set() always accepts. */
static void set_shard(const struct run_ctx *x, const struct shard *sh)
{
	char assignment[48];

	if (sh->n > 1)
		snprintf(assignment, sizeof(assignment), "run.shard=%d/%d", sh->k, sh->n);
	else
		snprintf(assignment, sizeof(assignment), "run.shard=");
	if (config_set(x->c, assignment) < 0)
		abort();
}

/* p->reason and p->run from the last good run last. */
static void decide(struct plan *p, const struct stage_record *last, int force)
{
	p->run = 1;
	if (force)
		snprintf(p->reason, sizeof(p->reason), "forced");
	else if (p->damaged)
		snprintf(p->reason, sizeof(p->reason), "outputs fail verification: %s",
			 err_msg());
	else if (!last->found)
		snprintf(p->reason, sizeof(p->reason), "no successful run yet");
	else if (strcmp(last->input_hash, p->fp.digest) != 0)
		fingerprint_diff(last->inputs, p->fp.lines, p->reason, sizeof(p->reason));
	else if (strcmp(last->output_hash, p->out_digest) != 0)
		snprintf(p->reason, sizeof(p->reason), "outputs changed since run %lld",
			 last->run_id);
	else {
		p->run = 0;
		snprintf(p->reason, sizeof(p->reason), "up to date (run %lld)", last->run_id);
	}
}

int plan_stage(const struct run_ctx *x, const struct stage_def *s, const struct shard *sh,
	       struct plan *p)
{
	struct stage_record last;
	int rc;

	memset(p, 0, sizeof(*p));
	p->s = s;
	p->sh = *sh;
	stage_name(s, sh, p->name, sizeof(p->name));
	set_shard(x, sh);
	p->prog = runner_locate(s->program);
	p->out_dir = stage_output_dir(s, x->c);
	rc = stage_fingerprint(s, x->c, x->vs, x->ws, p->prog, &p->fp);
	set_shard(x, &(struct shard){ 1, 1 });
	if (rc == 0)
		rc = ledger_last_ok(x->l, p->name, &last);
	if (rc < 0)
		return -1;
	if (last.found &&
	    stage_output_digest(p->out_dir, s->manifest, p->out_digest, &p->rows) < 0)
		p->damaged = 1; /* an output that does not read to its end */
	decide(p, &last, x->force);
	stage_record_release(&last);
	return 0;
}

void plan_release(struct plan *p)
{
	fingerprint_release(&p->fp);
	free(p->prog);
	free(p->out_dir);
}

char **plan_argv(const struct run_ctx *x, const struct plan *p)
{
	char **args = xcalloc((size_t)(6 + 2 * x->nsets), sizeof(char *));
	int n = 0;

	args[n++] = xstrdup(p->prog);
	args[n++] = xstrdup("-c");
	args[n++] = xstrdup(x->config_path);
	for (int i = 0; i < x->nsets; i++) {
		args[n++] = xstrdup("--set");
		args[n++] = xstrdup(x->sets[i]);
	}
	if (p->s->per_shard && p->sh.n > 1) {
		args[n++] = xstrdup("--set");
		args[n++] = xasprintf("run.shard=%d/%d", p->sh.k, p->sh.n);
	}
	return args;
}

void plan_argv_free(char **args)
{
	for (char **a = args; a && *a; a++)
		free(*a);
	free(args);
}

int plan_record_skip(const struct run_ctx *x, const struct plan *p)
{
	return ledger_stage(x->l, x->run, p->name, "skipped", 0, p->reason, &p->fp,
			    p->out_digest, p->rows, NULL, 0);
}

int plan_record_run(const struct run_ctx *x, struct plan *p, int rc, const char *last,
		    double seconds, long long mark, char *line, size_t n)
{
	char digest[HASH_HEX_LEN + 1];
	long long rows = 0;

	if (rc != 0) {
		snprintf(line, n, "run %lld failed at %s (%s %d): %s; log: %s", x->run, p->name,
			 rc > 128 ? "signal" : "exit", rc > 128 ? rc - 128 : rc,
			 *last ? last : "no message", x->log_path);
		ledger_stage(x->l, x->run, p->name, "failed", rc, p->reason, &p->fp, NULL, -1,
			     last, seconds);
		ledger_stage_counts(x->l, x->run, p->s, &p->sh, x->nshards, mark);
		ledger_run_end(x->l, x->run, "failed", line);
		return 1;
	}
	if (stage_output_digest(p->out_dir, p->s->manifest, digest, &rows) < 0 ||
	    ledger_stage(x->l, x->run, p->name, "ok", 0, p->reason, &p->fp, digest, rows,
			 last, seconds) < 0 ||
	    ledger_stage_counts(x->l, x->run, p->s, &p->sh, x->nshards, mark) < 0) {
		snprintf(line, n, "run %lld: %s", x->run, err_msg());
		ledger_run_end(x->l, x->run, "failed", err_msg());
		return 1;
	}
	return 0;
}

double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

void plan_print(const struct plan *p, int nshards)
{
	/* the widest name of a sharded run, "attribute[N/N]" */
	int w = nshards > 1 ? (int)strlen("attribute[/]") + 2 * snprintf(NULL, 0, "%d", nshards) : 10;

	printf("%-*s %-4s %s\n", w, p->name, p->run ? "run" : "skip", p->reason);
}
