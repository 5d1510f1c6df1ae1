/*
 * cco-measure: apply the measure definitions in config to every member, in
 * one streaming pass over the normalize and attribute outputs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "care.h"
#include "codeidx.h"
#include "db.h"
#include "err.h"
#include "evaluate.h"
#include "manifest.h"
#include "measurecare.h"
#include "msg.h"
#include "pass.h"
#include "progress.h"
#include "rec.h"
#include "shard.h"
#include "valueset.h"
#include "xalloc.h"

static const struct cli_help help[] = {
	CLI_HELP_CONFIG,
	CLI_HELP_SET("KEY=VALUE", "override a configuration key"),
	{ "    --check", "load and check the definitions and value sets only" },
	CLI_HELP_QUIET,
	CLI_HELP_VERBOSE,
	CLI_HELP_HELP,
	{ NULL, NULL }
};

enum { OUT_RESULTS, OUT_AGGREGATES, OUT_CARE, NOUT };

struct stage {
	const struct config *cfg;
	char *ws;                  /* the workspace, or the shard's part */
	struct valuesets *vs;
	struct measure_set *ms;
	struct codeidx *codes;
	struct member_reader reader;
	struct member_pass pass;   /* reader -> e and care_run, on limits.threads */
	struct rec_writer *out[NOUT];
	struct eval_run e;
	struct care_def care;
	struct care_run care_run;
	long long members;
};

static int load_definitions(struct stage *st)
{
	st->vs = vs_load(config_str(st->cfg, "paths.valuesets"));
	if (st->vs)
		st->ms = mdef_load_dir(config_str(st->cfg, "paths.measures"), st->vs);
	if (!st->ms || care_load(&st->care, config_str(st->cfg, "paths.care")) < 0)
		return -1;
	return care_run_init(&st->care_run, &st->care, st->ms, st->vs,
			     config_date(st->cfg, "run.as_of"));
}

static int open_outputs(struct stage *st)
{
	static const char *const name[NOUT] = { "results", "aggregates", "care" };
	static const char *const kind[NOUT] = { "measure_results", "measure_aggregates",
						"care_flags" };
	static const char *const sort[NOUT] = {
		"member_id", "measure_id,submeasure,stratum,partner_id,clinic_id", "member_id"
	};

	/* aggregates hold no member data, but sit with the results (0600) */
	return stage_outputs_open(st->cfg, "measure", st->out, NOUT, name, kind, sort);
}

/* What the pass does with each member, on this thread. */
struct member_sink {
	struct stage *st;
	struct progress pr;
};

static void measure_member(struct mmember *m, void *arg)
{
	struct member_sink *sk = arg;
	struct stage *st = sk->st;

	evaluate_member(&st->e, m);
	care_member(&st->care_run, m, st->e.member_gaps);
	progress_update(&sk->pr, (uint64_t)++st->members, 0);
}

/* The pass over members.  Returns 0 or -1 with err_msg() set. */
static int measure_all(struct stage *st)
{
	struct member_sink sk = { .st = st };
	int rc;

	progress_start(&sk.pr, "members", 0);
	rc = member_pass_run(&st->pass, measure_member, &sk);
	progress_end(&sk.pr);
	if (rc == 0)
		agg_write(st->e.agg, st->out[OUT_AGGREGATES], st->ms);
	return rc;
}

static int record_counts(struct stage *st)
{
	const struct eval_run *e = &st->e;
	int cap = 4 + MI_NINPUTS + 3 * st->ms->n, n = 0, rc;
	struct db_count *c;
	char **keys;
	char *db = xasprintf("%s/cco.db", st->ws);

	for (int i = 0; i < st->ms->n; i++)
		cap += st->ms->m[i].nnum;
	c = xcalloc((size_t)cap, sizeof(*c));
	keys = xcalloc((size_t)cap, sizeof(char *));
	c[n++] = (struct db_count){ "members", "", st->members };
	c[n++] = (struct db_count){ "orphan_rows", "", st->reader.orphan_rows };
	c[n++] = (struct db_count){ "unreadable_results", "", st->reader.unreadable_results };
	c[n++] = (struct db_count){ "wrong_unit_results", "", st->reader.wrong_unit_results };
	for (int i = 0; i < MI_NINPUTS; i++)
		c[n++] = (struct db_count){ "undated_rows", member_input_path(i),
					    st->reader.undated[i] };
	for (int i = 0; i < st->ms->n; i++) {
		const struct measure *m = &st->ms->m[i];

		c[n++] = (struct db_count){ "not_in_denominator", m->id,
					    e->count[i].not_in_denominator };
		c[n++] = (struct db_count){ "denominator", m->id, e->count[i].denominator };
		c[n++] = (struct db_count){ "excluded", m->id, e->count[i].excluded };
		for (int j = 0; j < m->nnum; j++) {
			keys[n] = xasprintf("%s/%s", m->id, m->num[j].name);
			c[n] = (struct db_count){ "numerator", keys[n], e->count[i].numerator[j] };
			n++;
		}
	}
	rc = db_replace_counts(db, "measure_count", c, n);
	for (int i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(c);
	free(db);
	return rc;
}

/* Lab results that a result set could not use (cco-measure(5)): counts
 * only, never a member or a value. */
static void print_result_summary(const struct member_reader *r)
{
	if (r->unreadable_results)
		msg_warn("lab_results: %lld results of a result value set without a numeric "
			 "value match no comparison", r->unreadable_results);
	if (r->wrong_unit_results)
		msg_warn("lab_results: %lld results in another unit than their value set's "
			 "match no comparison", r->wrong_unit_results);
}

static void print_summary(const struct stage *st)
{
	msg_info("%lld members", st->members);
	for (int i = 0; i < st->ms->n; i++) {
		const struct measure *m = &st->ms->m[i];

		msg_info("%s: %lld in the denominator, %lld excluded", m->id,
			 st->e.count[i].denominator, st->e.count[i].excluded);
		for (int j = 0; j < m->nnum; j++)
			msg_debug("%s %s: %lld in the numerator", m->id, m->num[j].name,
				  st->e.count[i].numerator[j]);
	}
	for (int c = 0; c < CARE_NCRITERIA; c++)
		if (st->care.rule[c].on && c != CARE_NO_PCP_VISIT)
			msg_debug("care coordination %s: %lld members", care_name(c),
				  st->care_run.flagged[c]);
	for (int i = 0; i < MI_NINPUTS; i++)
		if (st->reader.undated[i])
			msg_warn("%s.rec.zst: %lld rows without a date that reads were skipped",
				 member_input_path(i), st->reader.undated[i]);
	if (st->reader.orphan_rows)
		msg_warn("%lld rows for members not in the members file were skipped",
			 st->reader.orphan_rows);
	print_result_summary(&st->reader);
}

static void stage_release(struct stage *st)
{
	rec_writers_close(st->out, NOUT, 0);
	member_pass_release(&st->pass);
	member_reader_close(&st->reader);
	codeidx_free(st->codes);
	eval_run_release(&st->e);
	care_run_release(&st->care_run);
	care_release(&st->care);
	mdef_free(st->ms);
	vs_free(st->vs);
}

static int run(struct stage *st, int check_only)
{
	int rc;

	if (load_definitions(st) < 0) {
		msg_error("%s", err_msg());
		return CCO_EXIT_USAGE;
	}
	if (check_only) {
		msg_info("%d measures and %d value sets are valid", st->ms->n, st->ms->nvs);
		return CCO_EXIT_OK;
	}
	st->codes = codeidx_new(st->ms, 1 << 18);
	rc = member_reader_open(&st->reader, st->ws, st->codes, st->ms,
				(int)config_int(st->cfg, "run.measurement_year"),
				config_date(st->cfg, "run.as_of"));
	st->reader.fills_from = st->care_run.fills_from;
	if (rc == 0)
		rc = open_outputs(st);
	st->care_run.out = st->out[OUT_CARE];
	member_pass_init(&st->pass, &st->reader, st->ms->nvs, codeidx_words(st->codes),
			 (int)config_int(st->cfg, "limits.threads"),
			 (int)config_int(st->cfg, "limits.measure_batch"));
	if (rc == 0) {
		eval_run_init(&st->e, st->ms, &st->pass.partners, st->out[OUT_RESULTS],
			      (int)config_int(st->cfg, "run.measurement_year"),
			      config_date(st->cfg, "run.as_of"));
		rc = measure_all(st);
	}
	rc = stage_outputs_commit(st->cfg, "measure", st->out, NOUT, rc == 0);
	if (rc == 0)
		rc = record_counts(st);
	if (rc < 0) {
		msg_error("%s", err_msg());
		return CCO_EXIT_FAIL;
	}
	print_summary(st);
	return CCO_EXIT_OK;
}

enum { OPT_CHECK = CLI_OPT_PRIVATE };

static void measure_option(struct cli *cli, int opt, const char *arg, void *check_only)
{
	(void)cli, (void)arg;
	if (opt == OPT_CHECK)
		*(int *)check_only = 1;
}

static int measure_run(const struct cli_run *in)
{
	struct config *cfg = in->cfg;
	int *check_only = in->state;
	struct stage st = { 0 };
	int status;

	st.cfg = cfg;
	st.ws = shard_root_of(cfg);
	status = run(&st, *check_only);
	stage_release(&st);
	free(st.ws);
	return status;
}

static const struct option longopts[] = {
	{ "check", no_argument, NULL, OPT_CHECK }, { NULL, 0, NULL, 0 }
};
static const struct cli_program prog = {
	.name = "cco-measure",
	.synopsis = "cco-measure [-c FILE] [--set KEY=VALUE] [--check] [-q] [-v]",
	.about = "Apply the measure definitions (paths.measures) to every member, from the\n"
		 "outputs of cco-normalize and cco-attribute.\n",
	CLI_STAGE, .help = help, .help_column = 22, .run = measure_run,
	.long_opts = longopts, .option = measure_option,
};

int main(int argc, char **argv)
{
	int check_only = 0;

	return cli_main(&prog, argc, argv, &check_only);
}
