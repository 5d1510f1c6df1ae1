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
#include "valueset.h"
#include "wslock.h"
#include "xalloc.h"

static const struct cli_help help[] = {
	CLI_HELP_CONFIG,
	CLI_HELP_SET("KEY=VALUE", "override a configuration key, for every stage"),
	{ "    --from STAGE", "start at STAGE" },
	{ "    --to STAGE", "stop after STAGE" },
	{ "    --only STAGE", "run STAGE alone" },
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
};

struct plan {
	int run;                               /* 1: must run */
	int damaged;                           /* 1: its last outputs fail
						  verification */
	char reason[256];
	struct fingerprint fp;
	char *prog;
	char out_digest[HASH_HEX_LEN + 1];     /* current outputs, when skipping */
	long long rows;
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

enum { OPT_FROM = CLI_OPT_PRIVATE, OPT_TO, OPT_ONLY, OPT_JSON };

static void pipeline_option(struct cli *cli, int opt, const char *arg, void *state)
{
	struct opts *o = state;

	switch (opt) {
	case OPT_FROM: o->from = stage_arg(cli, arg); break;
	case OPT_TO: o->to = stage_arg(cli, arg); break;
	case OPT_ONLY: o->from = o->to = stage_arg(cli, arg); break;
	case 'n': o->dry_run = 1; break;
	case 'f': o->force = 1; break;
	case OPT_JSON: o->json = 1; break;
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

/* Decide whether stage s must run, and why.  Returns 0 or -1. */
static int plan_stage(const struct stage_def *s, const struct config *c,
		      const struct valuesets *vs, const char *ws, struct ledger *l,
		      int force, struct plan *p)
{
	struct stage_record last;
	char *out_dir = xasprintf("%s/%s", ws, s->output);
	int rc;

	p->prog = runner_locate(s->program);
	rc = stage_fingerprint(s, c, vs, ws, p->prog, &p->fp);
	if (rc == 0)
		rc = ledger_last_ok(l, s->name, &last);
	if (rc == 0 && last.found &&
	    stage_output_digest(out_dir, s->manifest, p->out_digest, &p->rows) < 0)
		p->damaged = 1; /* an output that does not read to its end */
	free(out_dir);
	if (rc < 0)
		return -1;
	p->run = 1;
	if (force)
		snprintf(p->reason, sizeof(p->reason), "forced");
	else if (p->damaged)
		snprintf(p->reason, sizeof(p->reason), "outputs fail verification: %s",
			 err_msg());
	else if (!last.found)
		snprintf(p->reason, sizeof(p->reason), "no successful run yet");
	else if (strcmp(last.input_hash, p->fp.digest) != 0)
		fingerprint_diff(last.inputs, p->fp.lines, p->reason, sizeof(p->reason));
	else if (strcmp(last.output_hash, p->out_digest) != 0)
		snprintf(p->reason, sizeof(p->reason), "outputs changed since run %lld",
			 last.run_id);
	else {
		p->run = 0;
		snprintf(p->reason, sizeof(p->reason), "up to date (run %lld)", last.run_id);
	}
	stage_record_release(&last);
	return 0;
}

static void plan_release(struct plan *p)
{
	fingerprint_release(&p->fp);
	free(p->prog);
}

/* argv for a stage: the program, the same configuration and overrides. */
static char **stage_argv(const struct opts *o, const char *prog)
{
	char **args = xcalloc((size_t)(4 + 2 * o->cli->nsets), sizeof(char *));
	int n = 0;

	args[n++] = (char *)prog;
	args[n++] = "-c";
	args[n++] = (char *)o->cli->config_path;
	for (int i = 0; i < o->cli->nsets; i++) {
		args[n++] = "--set";
		args[n++] = (char *)o->cli->sets[i];
	}
	return args;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Run one planned stage and record it.  Returns 0, or 1 after printing the
 * one-line failure summary. */
static int run_stage(const struct opts *o, const struct stage_def *s,
		     struct plan *p, const char *ws, struct ledger *l,
		     long long run, const char *log_path)
{
	char **args = stage_argv(o, p->prog);
	char last[512], digest[HASH_HEX_LEN + 1], line[1024], label[64];
	struct timespec t0;
	long long rows = 0, mark;
	char *out_dir;
	int rc;

	if (p->damaged)
		msg_warn("%s: running again: %s", s->name, p->reason);
	else
		msg_debug("%s: running: %s", s->name, p->reason);
	snprintf(label, sizeof(label), "[%d/%d] %s", (int)(s - stage_table()) + 1,
		 stage_count(), s->name);
	runner_set_watch(watch_wanted(o->cli->verbosity) ? label : NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mark = ledger_extract_mark(l);
	rc = runner_run(p->prog, args, log_path, last, sizeof(last));
	free(args);
	if (rc < 0)
		snprintf(last, sizeof(last), "%s", err_msg());
	if (rc != 0) {
		snprintf(line, sizeof(line), "run %lld failed at %s (%s %d): %s; log: %s",
			 run, s->name, rc > 128 ? "signal" : "exit", rc > 128 ? rc - 128 : rc,
			 *last ? last : "no message", log_path);
		ledger_stage(l, run, s->name, "failed", rc, p->reason, &p->fp, NULL, -1,
			     last, seconds_since(&t0));
		ledger_stage_counts(l, run, s, mark);
		ledger_run_end(l, run, "failed", line);
		msg_error("%s", line);
		return 1;
	}
	out_dir = xasprintf("%s/%s", ws, s->output);
	rc = stage_output_digest(out_dir, s->manifest, digest, &rows);
	free(out_dir);
	if (rc < 0 || ledger_stage(l, run, s->name, "ok", 0, p->reason, &p->fp, digest,
				   rows, last, seconds_since(&t0)) < 0 ||
	    ledger_stage_counts(l, run, s, mark) < 0) {
		msg_error("run %lld: %s", run, err_msg());
		ledger_run_end(l, run, "failed", err_msg());
		return 1;
	}
	return 0;
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
	int rc = quality_run(config_str(c, "paths.quality"), ws, run, line, n);

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

/* run, or --dry-run / status (run == 0): plan each stage, then run it. */
static int run_stages(const struct opts *o, const struct config *c, const char *ws,
		      struct ledger *l, int dry)
{
	const struct stage_def *stages = stage_table();
	struct valuesets *vs = load_valuesets(o, c);
	char summary[1024] = "";
	size_t used = 0;
	char *log_path = NULL;
	long long run = 0;
	char qline[512] = "";
	int status = 0, qstatus = 0;

	if (!dry && (run = start_run(l, ws, &log_path)) < 0) {
		msg_error("%s", err_msg());
		return CCO_EXIT_FAIL;
	}
	for (int i = o->from; i <= o->to && status == 0; i++) {
		struct plan p = { 0 };

		if (plan_stage(&stages[i], c, vs, ws, l, o->force, &p) < 0) {
			msg_error("%s: %s", stages[i].name, err_msg());
			if (!dry) /* failed, not left running to be called abandoned */
				ledger_run_end(l, run, "failed", err_msg());
			status = CCO_EXIT_FAIL;
		} else if (dry) {
			printf("%-10s %-4s %s\n", stages[i].name, p.run ? "run" : "skip", p.reason);
		} else if (!p.run) {
			ledger_stage(l, run, stages[i].name, "skipped", 0, p.reason, &p.fp,
				     p.out_digest, p.rows, NULL, 0);
		} else {
			status = run_stage(o, &stages[i], &p, ws, l, run, log_path);
		}
		if (!dry && status == 0)
			used += (size_t)snprintf(summary + used, sizeof(summary) - used, "%s%s %s",
						 used ? ", " : "", stages[i].name,
						 p.run ? "ran" : "skipped");
		if (!dry && status == 0 && strcmp(stages[i].name, "normalize") == 0)
			qstatus = run_quality(c, ws, run, qline, sizeof(qline));
		plan_release(&p);
	}
	if (!dry && status == 0) {
		status = finish_run(o, c, l, run, summary, qline);
		if (*qline) /* even with -q: it needs a person */
			msg_error("%srun %lld: %s", qstatus ? "" : "warning: ", run, qline);
		if (status == 0)
			status = qstatus;
	} else if (status != 0 && run > 0) {
		print_failed_run(o, c, l, run);
	}
	free(log_path);
	vs_free(vs);
	return status;
}

static int command(const struct opts *o, const struct config *c, const char *ws)
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

	if (fs_mkdirs(ws, AFILE_PHI_DIR) < 0) {
		msg_error("%s", err_msg());
		status = CCO_EXIT_FAIL;
	} else {
		status = command(o, c, ws);
	}
	free(o->config_real);
	return status;
}

static const struct option longopts[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "force", no_argument, NULL, 'f' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};
static const struct cli_program prog = {
	.name = "cco-pipeline",
	.synopsis = "cco-pipeline run [-c FILE] [--set KEY=VALUE] [--from STAGE] [--to STAGE] "
		    "[--only STAGE] [--dry-run] [--force] [--json] [-q] [-v]\n"
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
