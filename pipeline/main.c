/*
 * cco-pipeline: run the stages in order for cron, rerunning only what an
 * edit or a new extract made stale.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "cli.h"
#include "err.h"
#include "msg.h"
#include "num.h"
#include "pipeline.h"
#include "quality.h"
#include "shard.h"
#include "valueset.h"
#include "wslock.h"
#include "xalloc.h"

static const struct cli_help help[] = {
	CLI_HELP_CONFIG,
	CLI_HELP_SET("KEY=VALUE", "override a configuration key, for every stage"),
	{ "    --from STAGE", "start at STAGE" },
	{ "    --to STAGE", "stop after STAGE" },
	{ "    --only STAGE", "run STAGE alone" },
	{ "    --shards N", "split the members into N shards (run.shards)" },
	{ "    --jobs J", "run at most J shards at once (run.jobs; default: the cores)" },
	{ "    --executor E", "local, or slurm: each stage a Slurm job array (run.executor)" },
	{ "-n, --dry-run", "say what would run and why; run nothing" },
	{ "-f, --force", "run the selected stages even if up to date" },
	{ "    --json", "print the run's summary as JSON" },
	{ "-q, --quiet", "print nothing on success but warnings" },
	CLI_HELP_VERBOSE,
	CLI_HELP_HELP,
	{ NULL, NULL }
};

struct opts {
	struct cli *cli;
	const char *command;
	int from, to, dry_run, force, json;
	long long run;
	char *config_real;  /* -c resolved by realpath(3), owned; NULL if not */
	char *sets[3];      /* what --shards, --jobs and --executor set, owned */
};

static int stage_arg(const struct cli *cli, const char *name)
{
	int i = stage_find(name);

	if (i < 0)
		cli_usage_error(cli, "no stage '%s'", name);
	return i;
}

/* -c as an absolute path without . or .. or links, so the paths in the
 * configuration, and so the fingerprints, are the same however the file
 * was named ("./config/pipeline.ini", "config/pipeline.ini").  A file
 * that cannot be resolved is left as given, for config_load to report. */
static void resolve_config_path(struct opts *o)
{
	o->config_real = realpath(o->cli->config_path, NULL);
	if (o->config_real)
		o->cli->config_path = o->config_real;
}

enum { OPT_FROM = CLI_OPT_PRIVATE, OPT_TO, OPT_ONLY, OPT_JSON, OPT_SHARDS, OPT_JOBS,
       OPT_EXECUTOR };

/* --shards, --jobs, --executor: set key (slot i of o->sets) to arg, when
 * it is valid, as --set KEY=ARG would. */
static void set_key(struct opts *o, struct cli *cli, int i, const char *key, const char *arg,
		    int valid, const char *what)
{
	if (!valid)
		cli_usage_error(cli, "%s must be %s, not '%s'", key, what, arg);
	free(o->sets[i]);
	o->sets[i] = xasprintf("%s=%s", key, arg);
	cli_add_set(cli, o->sets[i]);
}

static void pipeline_option(struct cli *cli, int opt, const char *arg, void *state)
{
	struct opts *o = state;
	long long n;

	switch (opt) {
	case OPT_FROM: o->from = stage_arg(cli, arg); break;
	case OPT_TO: o->to = stage_arg(cli, arg); break;
	case OPT_ONLY: o->from = o->to = stage_arg(cli, arg); break;
	case 'n': o->dry_run = 1; break;
	case 'f': o->force = 1; break;
	case OPT_JSON: o->json = 1; break;
	case OPT_SHARDS:
		set_key(o, cli, 0, "run.shards", arg, num_parse(arg, 1, SHARD_MAX, &n) == 0,
			"a number from 1 to 1024");
		break;
	case OPT_JOBS:
		set_key(o, cli, 1, "run.jobs", arg, num_parse(arg, 0, SHARD_MAX, &n) == 0,
			"a number from 0 to 1024");
		break;
	case OPT_EXECUTOR:
		set_key(o, cli, 2, "run.executor", arg,
			!strcmp(arg, "local") || !strcmp(arg, "slurm"), "local or slurm");
		break;
	}
}

/* The command and its RUN, checked; the configuration's path resolved. */
static void pipeline_check(struct cli *cli, int argc, char **argv, void *state)
{
	struct opts *o = state;
	int i = 0;

	o->cli = cli;
	if (argc == 0)
		cli_usage_error(cli, "no command (run, status, log or quality)");
	o->command = argv[i++];
	if ((strcmp(o->command, "log") == 0 || strcmp(o->command, "quality") == 0) && i < argc) {
		if (num_parse(argv[i++], 1, LLONG_MAX, &o->run) < 0)
			cli_usage_error(cli, "RUN must be a run number");
	}
	if (i < argc)
		cli_usage_error(cli, "unexpected argument '%s'", argv[i]);
	if (strcmp(o->command, "run") && strcmp(o->command, "status") &&
	    strcmp(o->command, "log") && strcmp(o->command, "quality"))
		cli_usage_error(cli, "unknown command '%s'", o->command);
	if (o->from > o->to)
		cli_usage_error(cli, "--from comes after --to");
	resolve_config_path(o);
}

/* Run one planned stage and record it.  Returns 0, or 1 after printing the
 * one-line failure summary. */
static int run_stage(const struct run_ctx *x, struct plan *p)
{
	char **args = plan_argv(x, p);
	char last[512], line[1024], label[96];
	struct timespec t0;
	long long mark;
	int rc;

	if (p->damaged)
		msg_warn("%s: running again: %s", p->name, p->reason);
	else
		msg_debug("%s: running: %s", p->name, p->reason);
	snprintf(label, sizeof(label), "[%d/%d] %s", (int)(p->s - stage_table()) + 1,
		 stage_count(), p->name);
	runner_set_watch(watch_wanted(x->verbosity) ? label : NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mark = ledger_extract_mark(x->l);
	rc = runner_run(args[0], args, x->log_path, last, sizeof(last));
	plan_argv_free(args);
	if (rc < 0)
		snprintf(last, sizeof(last), "%s", err_msg());
	rc = plan_record_run(x, p, rc, last, seconds_since(&t0), mark, line, sizeof(line));
	if (rc)
		msg_error("%s", line);
	return rc;
}

/* run.jobs, or the number of cores when it is 0. */
static int run_jobs(const struct config *c)
{
	long jobs = config_int(c, "run.jobs");

	if (jobs == 0)
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
	return jobs > 0 ? (int)jobs : 1;
}

static long long start_run(struct ledger *l, const char *ws, char **log_path)
{
	int abandoned = ledger_abandon_unfinished(l);
	int swept = sweep_stale(ws);
	long long run;
	char *dir = xasprintf("%s/logs", ws);

	if (abandoned > 0)
		msg_warn("%d earlier run(s) did not finish; their stages run again", abandoned);
	if (swept > 0)
		msg_info("removed %d temp files left by a killed run", swept);
	run = ledger_run_begin(l, "run");
	if (run < 0 || fs_mkdirs(dir, AFILE_PHI_DIR) < 0) {
		free(dir);
		return -1;
	}
	*log_path = xasprintf("%s/run-%lld.log", dir, run);
	free(dir);
	return run;
}

/* The value sets, when a selected stage uses some by name; NULL when none
 * does or they do not load (that stage then fails and says why). */
static struct valuesets *load_valuesets(const struct opts *o, const struct config *c)
{
	const struct stage_def *stages = stage_table();

	for (int i = o->from; i <= o->to; i++)
		if (stages[i].vs_prefix || stages[i].vs_keys[0])
			return vs_load(config_str(c, "paths.valuesets"));
	return NULL;
}

/* After normalize: the run's data-quality checks (quality_run()); an
 * error is printed and the run goes on.  Returns 1 when a finding has
 * severity failure, else 0. */
static int run_quality(const struct config *c, const char *ws, long long run,
		       char *line, size_t n)
{
	int rc = quality_run(config_str(c, "paths.quality"), ws,
			     (int)config_int(c, "run.shards"), run, line, n);

	if (rc < 0)
		msg_error("warning: data-quality checks not run: %s", err_msg());
	return rc > 0;
}

/* cco-pipeline quality [RUN]: judge a run's stored counts with the
 * catalogue as it is now.  Exit 1 when a finding has severity failure or
 * nothing is stored for the run, 2 when the catalogue does not load. */
static int quality_command(const struct opts *o, const struct config *c, const char *ws)
{
	char *db_path = xasprintf("%s/cco.db", ws);
	struct quality q;
	struct qverdict v = { 0 };
	int rc;

	if (quality_load(&q, config_str(c, "paths.quality")) < 0) {
		msg_error("%s", err_msg());
		free(db_path);
		return CCO_EXIT_USAGE;
	}
	rc = quality_judge(&q, db_path, o->run, stdout, &v);
	free(db_path);
	quality_release(&q);
	if (rc < 0) {
		msg_error("%s", err_msg());
		return CCO_EXIT_FAIL;
	}
	return v.failures ? CCO_EXIT_FAIL : CCO_EXIT_OK;
}

/* Print run's summary (summary.c) on stdout.  Returns 0 or -1. */
static int print_run(struct ledger *l, long long run, const struct config *c, int json)
{
	struct run_summary rs;

	if (ledger_load_run(l, run, &rs) < 0)
		return -1;
	summary_print(&rs, config_real(c, "limits.reject_warning"), json, stdout);
	run_summary_release(&rs);
	return 0;
}

/* End a run whose stages all succeeded: record it ok, its one-line
 * summary naming the rows rejected and the data-quality findings
 * (quality, may be ""), and print its summary (with -q, only
 * its warnings, one line each on stderr).  Returns the exit status. */
static int finish_run(const struct opts *o, const struct config *c, struct ledger *l,
		      long long run, const char *stages_line, const char *quality)
{
	struct run_summary rs;
	char *line;

	if (ledger_load_run(l, run, &rs) < 0) {
		msg_error("run %lld: %s", run, err_msg());
		ledger_run_end(l, run, "failed", err_msg());
		return CCO_EXIT_FAIL;
	}
	line = rs.rejected ? xasprintf("%s; %lld rows rejected", stages_line, rs.rejected) :
			     xstrdup(stages_line);
	if (*quality) {
		char *longer = xasprintf("%s; %s", line, quality);

		free(line);
		line = longer;
	}
	ledger_run_end(l, run, "ok", line);
	free(rs.summary);
	rs.summary = line;
	if (o->json) {
		summary_print(&rs, config_real(c, "limits.reject_warning"), 1, stdout);
	} else if (o->cli->verbosity >= 0) {
		printf("cco-pipeline: run %lld ok: %s\n", run, line);
		summary_print_stages(&rs, stdout);
	}
	summary_warn(&rs, config_real(c, "limits.reject_warning"));
	run_summary_release(&rs);
	return CCO_EXIT_OK;
}

/* After a failed run's one line on stderr: its summary on stdout, as JSON
 * with --json, else its stage lines unless quiet. */
static void print_failed_run(const struct opts *o, const struct config *c, struct ledger *l,
			     long long run)
{
	struct run_summary rs;

	if (o->json) {
		print_run(l, run, c, 1);
	} else if (o->cli->verbosity >= 0 && ledger_load_run(l, run, &rs) == 0) {
		summary_print_stages(&rs, stdout);
		run_summary_release(&rs);
	}
}

/* On Slurm, the stages from i to last are submitted in segments that end
 * after normalize (the driver's data-quality check follows it): how many
 * stages the segment from i holds. */
static int segment_length(int i, int last)
{
	int n = 1;

	while (i + n - 1 < last && strcmp(stage_table()[i + n - 1].name, "normalize") != 0)
		n++;
	return n;
}

/* Plan stage s of the whole run, then run it (or print the plan: dry).
 * *ran: 1 if it ran.  Returns 0, or 1 after the failure summary. */
static int one_stage(const struct run_ctx *x, const struct stage_def *s, int dry, int *ran)
{
	struct plan p;
	int status = 0;

	if (plan_stage(x, s, &(struct shard){ 1, 1 }, &p) < 0) {
		msg_error("%s: %s", s->name, err_msg());
		if (!dry) /* failed, not left running to be called abandoned */
			ledger_run_end(x->l, x->run, "failed", err_msg());
		status = CCO_EXIT_FAIL;
	} else if (dry) {
		plan_print(&p, x->nshards);
	} else if (!p.run) {
		plan_record_skip(x, &p);
	} else {
		status = run_stage(x, &p);
	}
	*ran = p.run;
	plan_release(&p);
	return status;
}

/* run, or --dry-run / status (dry): plan each stage, then run it. */
static int run_stages(const struct opts *o, struct config *c, const char *ws,
		      struct ledger *l, int dry)
{
	const struct stage_def *stages = stage_table();
	struct valuesets *vs = load_valuesets(o, c);
	struct run_ctx x = {
		.c = c, .config_path = o->cli->config_path, .sets = o->cli->sets,
		.nsets = o->cli->nsets, .vs = vs, .ws = ws, .l = l, .force = o->force,
		.verbosity = o->cli->verbosity, .nshards = (int)config_int(c, "run.shards"),
		.jobs = run_jobs(c),
	};
	char summary[1024] = "";
	size_t used = 0;
	char *log_path = NULL;
	char qline[512] = "";
	int status = 0, qstatus = 0, slurm = config_choice(c, "run.executor") == 1;

	if (!dry && (x.run = start_run(l, ws, &log_path)) < 0) {
		msg_error("%s", err_msg());
		vs_free(vs);
		return CCO_EXIT_FAIL;
	}
	x.log_path = log_path;
	if (!dry && slurm && (status = slurm_cancel_abandoned(&x)) != 0) {
		msg_error("run %lld: %s", x.run, err_msg());
		ledger_run_end(l, x.run, "failed", err_msg());
	}
	for (int i = o->from, n; i <= o->to && status == 0; i += n) {
		int ran[8] = { 0 };

		n = slurm ? segment_length(i, o->to) : 1;
		if (slurm)
			status = slurm_run(&x, &stages[i], n, dry, ran);
		else if (stages[i].per_shard && x.nshards > 1)
			status = shards_run(&x, &stages[i], dry, ran);
		else
			status = one_stage(&x, &stages[i], dry, ran);
		for (int k = 0; !dry && status == 0 && k < n; k++) {
			used += (size_t)snprintf(summary + used, sizeof(summary) - used, "%s%s %s",
						 used ? ", " : "", stages[i + k].name,
						 ran[k] ? "ran" : "skipped");
			if (strcmp(stages[i + k].name, "normalize") == 0)
				qstatus = run_quality(c, ws, x.run, qline, sizeof(qline));
		}
	}
	if (!dry && status == 0) {
		status = finish_run(o, c, l, x.run, summary, qline);
		if (*qline) /* even with -q: it needs a person */
			msg_error("%srun %lld: %s", qstatus ? "" : "warning: ", x.run, qline);
		if (status == 0)
			status = qstatus;
	} else if (status != 0 && x.run > 0) {
		print_failed_run(o, c, l, x.run);
	}
	free(log_path);
	vs_free(vs);
	return status;
}

static int command(const struct opts *o, struct config *c, const char *ws)
{
	char *db_path = xasprintf("%s/cco.db", ws);
	struct ledger *l = ledger_open(db_path);
	int status = CCO_EXIT_OK, lock = -1;

	free(db_path);
	if (!l) {
		msg_error("%s", err_msg());
		return CCO_EXIT_FAIL;
	}
	if (strcmp(o->command, "quality") == 0) {
		status = quality_command(o, c, ws);
	} else if (strcmp(o->command, "log") == 0) {
		if (print_run(l, o->run, c, o->json) < 0) {
			msg_error("%s", err_msg());
			status = CCO_EXIT_FAIL;
		}
	} else if (strcmp(o->command, "status") == 0) {
		if (print_run(l, 0, c, o->json) < 0)
			printf("%s\n", err_msg());
		if (!o->json) {
			printf("a run now would:\n");
			status = run_stages(o, c, ws, l, 1);
		}
	} else if (o->dry_run) {
		status = run_stages(o, c, ws, l, 1);
	} else if ((status = preflight(c, ws, o->from, o->to)) != CCO_EXIT_OK) {
		msg_error("%s", err_msg());
	} else if ((lock = wslock_take(ws)) < 0) {
		msg_error("%s", err_msg());
		status = CCO_EXIT_FAIL;
	} else {
		runner_set_lock(lock);
		status = run_stages(o, c, ws, l, 0);
		close(lock);
	}
	ledger_close(l);
	return status;
}

static int pipeline_run(const struct cli_run *in)
{
	struct config *c = in->cfg;
	struct opts *o = in->state;
	const char *ws = config_str(c, "run.workspace");
	int status;

	if (*config_str(c, "run.shard")) {
		/* it sets run.shard itself, for each shard it runs */
		msg_error("run.shard is a stage's; a run is split by run.shards (--shards)");
		status = CCO_EXIT_USAGE;
	} else if (fs_mkdirs(ws, AFILE_PHI_DIR) < 0) {
		msg_error("%s", err_msg());
		status = CCO_EXIT_FAIL;
	} else {
		status = command(o, c, ws);
	}
	free(o->config_real);
	for (int i = 0; i < 3; i++)
		free(o->sets[i]);
	return status;
}

static const struct option longopts[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "force", no_argument, NULL, 'f' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "shards", required_argument, NULL, OPT_SHARDS },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "executor", required_argument, NULL, OPT_EXECUTOR },
	{ NULL, 0, NULL, 0 }
};
static const struct cli_program prog = {
	.name = "cco-pipeline",
	.synopsis = "cco-pipeline run [-c FILE] [--set KEY=VALUE] [--from STAGE] [--to STAGE] "
		    "[--only STAGE] [--shards N] [--jobs J] [--executor E] [--dry-run] [--force] [--json] [-q] [-v]\n"
		    "       cco-pipeline status [-c FILE] [--json]\n"
		    "       cco-pipeline log [-c FILE] [--json] [RUN]\n"
		    "       cco-pipeline quality [-c FILE] [RUN]",
	.about = "Run the pipeline's stages in order, skipping those whose inputs have not\n"
		 "changed since their last successful run.\n"
		 "\n"
		 "  run             run the stages (all, or those selected)\n"
		 "  status          the latest run, and what a run would do now\n"
		 "  log [RUN]       the stages of a run (default: the latest)\n"
		 "  quality [RUN]   a run's data-quality checks and claims volumes, judged\n"
		 "                  with the current thresholds (default: the latest)\n",
	.help = help, .help_column = 22,
	.closing = "Stages: ingest normalize attribute measure export\n"
		   "Exit status: 0 success, 1 a stage failed or the workspace is locked,\n"
		   "2 usage or configuration error.\n",
	.short_opts = "nf", .long_opts = longopts, .option = pipeline_option,
	.operands = 1, .check = pipeline_check, .config = 1, .run = pipeline_run,
};

int main(int argc, char **argv)
{
	struct opts o = { .to = stage_count() - 1 };

	return cli_main(&prog, argc, argv, &o);
}
