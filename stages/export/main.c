/*
 * cco-export: the measure results as reports for partners and the CCO:
 * metric files with rates, benchmarks, improvement targets and statuses,
 * a workbook and an HTML report, written once per audience (public with
 * small cells suppressed, internal whole, each partner's packet), gap
 * lists for outreach and a results database that accumulates runs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "care.h"
#include "cli.h"
#include "err.h"
#include "extsort.h"
#include "export.h"
#include "msg.h"
#include "shard.h"
#include "valueset.h"
#include "worklist.h"
#include "xalloc.h"

enum { OUT_PARTNER, OUT_CLINIC, OUT_STRATA, OUT_HTML, OUT_XLSX, NOUT };

/* The files written for one audience into one directory. */
struct report_set {
	struct audience aud;
	char *dir;              /* owned */
	int dir_mode, file_mode;
	struct afile out[NOUT];
	int open[NOUT];
};

struct stage {
	const struct config *cfg;
	const char *ws;
	struct valuesets *vs;
	struct measure_set *ms;
	struct export_inputs in;
	struct metrics mx;
	struct run_key key;
	char *dir;
	struct report_set *sets; /* public/, internal/, then partners/ID/ for
				    each named partner */
	int nsets;
	struct gap_files gaps;
	struct worklists worklists;
	sqlite3 *db;          /* results.db, its transaction open until the end */
	long long run_id;
	long long gap_rows;   /* for the summary, after the lists are closed */
	int gap_lists;
	struct list_counts list_counts[NLISTS];
	struct care_def care;
};

/* YEAR.csv in the directory of config key `key`. */
static char *year_file(const struct stage *st, const char *key)
{
	return xasprintf("%s/%d.csv", config_str(st->cfg, key), st->key.measurement_year);
}

/* Definitions and reference files: any failure is a configuration error. */
static int load_config_files(struct stage *st)
{
	char *targets = year_file(st, "paths.targets");
	char *baselines = year_file(st, "paths.baselines");
	int rc = -1;

	st->vs = vs_load(config_str(st->cfg, "paths.valuesets"));
	if (st->vs)
		st->ms = mdef_load_dir(config_str(st->cfg, "paths.measures"), st->vs);
	if (st->ms && care_load(&st->care, config_str(st->cfg, "paths.care")) == 0 &&
	    inputs_load(&st->in, targets, baselines,
			config_str(st->cfg, "paths.partners")) == 0 &&
	    config_hash(config_str(st->cfg, "paths.measures"),
			config_str(st->cfg, "paths.valuesets"), targets, baselines,
			st->key.config_hash) == 0)
		rc = 0;
	free(targets);
	free(baselines);
	return rc;
}

static void add_set(struct stage *st, enum audience_kind kind, const char *partner,
		    char *dir, int dir_mode, int file_mode)
{
	struct report_set *r = &st->sets[st->nsets++];

	memset(r, 0, sizeof(*r));
	r->aud.kind = kind;
	r->aud.partner = partner;
	r->aud.threshold = config_int(st->cfg, "export.suppress_threshold");
	r->dir = dir;
	r->dir_mode = dir_mode;
	r->file_mode = file_mode;
}

/* The report sets of cco-export(1): public/, the unsuppressed internal/
 * (as sensitive as member data: 0600) and a packet per partner in
 * partners/, beside its gap list.  The set in sets[0] is public. */
static void plan_sets(struct stage *st)
{
	st->sets = xcalloc((size_t)st->in.npartners + 2, sizeof(*st->sets));
	add_set(st, AUDIENCE_PUBLIC, NULL, xasprintf("%s/public", st->dir), 0755, AFILE_PUBLIC);
	add_set(st, AUDIENCE_INTERNAL, NULL, xasprintf("%s/internal", st->dir), AFILE_PHI_DIR,
		AFILE_PHI);
	for (int p = 0; p < st->in.npartners; p++)
		add_set(st, AUDIENCE_PARTNER, st->in.partners[p].id,
			xasprintf("%s/partners/%s", st->dir, st->in.partners[p].id),
			AFILE_PHI_DIR, AFILE_PHI);
}

/* The file names of a report set, by OUT_. */
static const char *const out_name[NOUT] = { "partner_metrics.csv", "clinic_metrics.csv",
					    "strata_metrics.csv", "report.html", "report.xlsx" };

static int open_set(struct report_set *r)
{
	int rc = fs_mkdirs(r->dir, r->dir_mode);

	for (int i = 0; rc == 0 && i < NOUT; i++) {
		char *path = xasprintf("%s/%s", r->dir, out_name[i]);

		rc = afile_open(&r->out[i], path, r->file_mode);
		r->open[i] = rc == 0;
		free(path);
	}
	return rc;
}

/* Commit (rc 0) or discard the set's files; returns the new rc. */
static int close_set(struct report_set *r, int rc)
{
	for (int i = 0; i < NOUT; i++) {
		if (!r->open[i])
			continue;
		if (rc == 0)
			rc = afile_commit(&r->out[i]);
		else
			afile_abort(&r->out[i]);
		r->open[i] = 0;
	}
	return rc;
}

/* Make dst another name of the committed file src, atomically (through
 * dst.tmp), or remove dst when there is no src.  Returns 0 or -1 with
 * err_msg() set. */
static int link_file(const char *src, const char *dst)
{
	char *tmp = xasprintf("%s.tmp", dst);
	int rc = 0;

	unlink(tmp);
	if (link(src, tmp) == 0) {
		if (rename(tmp, dst) != 0)
			rc = err_set("cannot rename '%s': %s", tmp, strerror(errno));
		unlink(tmp); /* left when dst already was src */
	} else if (errno != ENOENT) {
		rc = err_set("cannot link '%s': %s", tmp, strerror(errno));
	} else if (unlink(dst) != 0 && errno != ENOENT) {
		rc = err_set("cannot remove '%s': %s", dst, strerror(errno));
	}
	free(tmp);
	return rc;
}

/* The partner's gap list, committed in gaps/, in its packet as gaps.csv
 * (the same file, mode 0600); a partner without gaps has none. */
static int link_gap_list(const struct stage *st, const struct report_set *r)
{
	char *src = xasprintf("%s/gaps/%s.csv", st->dir, r->aud.partner);
	char *dst = xasprintf("%s/gaps.csv", r->dir);
	int rc = link_file(src, dst);

	free(src);
	free(dst);
	return rc;
}

/* The public files at the top of the export directory too, where they
 * were before there were audiences: the same files as in public/. */
static int link_public_files(const struct stage *st)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < NOUT; i++) {
		char *src = xasprintf("%s/%s", st->sets[0].dir, out_name[i]);
		char *dst = xasprintf("%s/%s", st->dir, out_name[i]);

		rc = link_file(src, dst);
		free(src);
		free(dst);
	}
	return rc;
}

/* 1 if id names a partner of this run. */
static int is_partner(const struct stage *st, const char *id)
{
	for (int p = 0; p < st->in.npartners; p++)
		if (strcmp(st->in.partners[p].id, id) == 0)
			return 1;
	return 0;
}

/* Remove the packet in dir: its report files and gap list, then dir.
 * Returns 0 or -1 with err_msg() set. */
static int remove_packet(const char *dir)
{
	int rc = 0;

	for (int i = 0; i <= NOUT; i++) {
		char *path = xasprintf("%s/%s", dir, i < NOUT ? out_name[i] : "gaps.csv");

		if (unlink(path) != 0 && errno != ENOENT)
			rc = err_set("cannot remove '%s': %s", path, strerror(errno));
		free(path);
	}
	if (rc == 0 && rmdir(dir) != 0)
		rc = err_set("cannot remove '%s': %s", dir, strerror(errno));
	return rc;
}

/* Packets of partners no longer in paths.partners would show a former
 * partner's members and numbers: remove them. */
static int remove_stale_packets(const struct stage *st)
{
	char *dir = xasprintf("%s/partners", st->dir);
	size_t n = 0;
	char **names = NULL;
	int rc = 0;

	if (access(dir, F_OK) == 0) /* else no packet was ever written */
		rc = (names = fs_list_dir(dir, &n)) ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!is_partner(st, names[i])) {
			char *packet = xasprintf("%s/%s", dir, names[i]);

			rc = remove_packet(packet);
			free(packet);
		}
	fs_list_free(names, n);
	free(dir);
	return rc;
}

static int close_outputs(struct stage *st, int ok)
{
	int rc = ok ? 0 : -1;

	for (int s = 0; s < st->nsets; s++)
		rc = close_set(&st->sets[s], rc);
	if (rc == 0 && st->nsets)
		rc = link_public_files(st);
	st->gap_rows = st->gaps.rows;
	st->gap_lists = st->gaps.n;
	if (gaps_finish(&st->gaps, rc == 0) < 0)
		rc = -1;
	for (int i = 0; i < NLISTS; i++)
		st->list_counts[i] = st->worklists.list[i].counts;
	if (worklists_finish(&st->worklists, rc == 0) < 0)
		rc = -1;
	for (int s = 0; rc == 0 && s < st->nsets; s++)
		if (st->sets[s].aud.kind == AUDIENCE_PARTNER)
			rc = link_gap_list(st, &st->sets[s]);
	if (rc == 0 && st->nsets)
		rc = remove_stale_packets(st);
	if (resultsdb_finish(st->db, rc == 0) < 0)
		rc = -1;
	st->db = NULL;
	return rc;
}

/* Read the aggregates and work out every row's goals and suppression. */
static int load_metrics(struct stage *st)
{
	int n;
	char **paths = shard_paths(st->cfg, "measure/aggregates.rec.zst", &n);
	int rc = metrics_load(&st->mx, paths, n, st->ms);

	shard_paths_free(paths, n);
	if (rc < 0)
		return -1;
	goals_compute(&st->mx, &st->in, config_int(st->cfg, "export.min_denominator"));
	/* the public cells, as results.db records them */
	suppress_apply(&st->mx, config_int(st->cfg, "export.suppress_threshold"), NULL);
	return 0;
}

/* The clinic worklists' pass, on a thread of its own beside the gap
 * lists and the reports when limits.threads is 2 or more: it reads the
 * member files and writes only its own uncommitted lists, and none of the
 * other passes reads what it writes. */
struct worklist_job {
	struct stage *st;
	struct extsort_config sort; /* the buffer's share of this pass */
	char *tmpdir;               /* owned: sort's, as the caller's may go first */
	pthread_t thread;
	int started;                /* the thread runs until joined */
	int rc;                     /* the pass's: 0 or -1 with error set */
	char error[1024];           /* err_msg() of the thread, which is its own */
};

static int worklist_pass(struct stage *st, const struct extsort_config *sort)
{
	return worklists_write(&st->worklists, st->cfg, st->dir, st->ms, &st->care, &st->in,
			       st->key.as_of, sort);
}

static void *worklist_thread(void *arg)
{
	struct worklist_job *job = arg;

	job->rc = worklist_pass(job->st, &job->sort);
	if (job->rc < 0)
		snprintf(job->error, sizeof(job->error), "%s", err_msg());
	return NULL;
}

/* Start the worklists' pass on a thread, each of the two passes running
 * at once given half of sort's buffer (the order is total, so the bytes
 * are the same).  Returns 0 or -1 with err_msg() set. */
static int worklist_start(struct worklist_job *job, struct stage *st,
			  struct extsort_config *sort)
{
	int rc;

	sort->mem_bytes /= 2;
	job->st = st;
	job->sort = *sort;
	job->tmpdir = xstrdup(sort->tmpdir);
	job->sort.tmpdir = job->tmpdir;
	if ((rc = pthread_create(&job->thread, NULL, worklist_thread, job)) != 0) {
		free(job->tmpdir);
		return err_set("cannot start a thread: %s", strerror(rc));
	}
	job->started = 1;
	return 0;
}

/* Wait for the worklists' thread, if one was started; rc is the calling
 * thread's.  Returns rc when that failed (its message stays), else the
 * thread's result with its message as err_msg(). */
static int worklist_join(struct worklist_job *job, int rc)
{
	if (!job->started)
		return rc;
	pthread_join(job->thread, NULL);
	job->started = 0;
	free(job->tmpdir);
	if (rc == 0 && job->rc < 0)
		rc = err_set("%s", job->error);
	return rc;
}

/* The gap lists, the worklists (on job's thread when limits.threads
 * allows, else after the gap lists) and the database rows, all left
 * uncommitted; the rows' monthly numerators counted on the way. */
static int write_lists_and_db(struct stage *st, struct worklist_job *job)
{
	int nresults;
	char **results = shard_paths(st->cfg, "measure/results.rec.zst", &nresults);
	char *path, *gaps_dir = xasprintf("%s/gaps", st->dir);
	char *tmp = xasprintf("%s/tmp", st->ws);
	struct extsort_config sort = {
		.mem_bytes = config_sort_bytes(st->cfg),
		.tmpdir = tmp,
		.level = (int)config_int(st->cfg, "limits.sort_level"),
	};
	struct monthly tally;
	int rc = fs_mkdirs(tmp, AFILE_PHI_DIR);

	if (rc == 0 && config_int(st->cfg, "limits.threads") > 1)
		rc = worklist_start(job, st, &sort);
	monthly_init(&tally, &st->mx, st->ms, &st->key);
	if (rc == 0)
		rc = gaps_write(&st->gaps, results, nresults, gaps_dir, st->ms, st->key.as_of,
				&sort, &tally);
	monthly_finish(&tally);
	monthly_release(&tally);
	shard_paths_free(results, nresults);
	free(gaps_dir);
	if (rc == 0 && !job->started)
		rc = worklist_pass(st, &sort);
	free(tmp);
	if (rc < 0)
		return -1;
	path = xasprintf("%s/results.db", st->dir);
	st->db = resultsdb_store(path, &st->key, &st->mx, &st->in, st->ms, &st->run_id);
	free(path);
	return st->db ? 0 : -1;
}

/* One audience's files, left uncommitted. */
static int write_set(struct stage *st, struct report_set *r)
{
	const struct audience *a = &r->aud;

	suppress_apply(&st->mx, a->kind == AUDIENCE_INTERNAL ? 0 : a->threshold, a->partner);
	if (open_set(r) < 0)
		return -1;
	csvout_write(r->out[OUT_PARTNER].fp, &st->mx, &st->in, CSV_PARTNER);
	csvout_write(r->out[OUT_CLINIC].fp, &st->mx, &st->in, CSV_CLINIC);
	csvout_write(r->out[OUT_STRATA].fp, &st->mx, &st->in, CSV_STRATA);
	html_write(r->out[OUT_HTML].fp, &st->mx, &st->in, &st->key, st->db, a, &st->gaps);
	/* libxlsxwriter writes the file itself: into our temp file, which
	 * afile_commit() then renames like the others */
	return xlsx_write(r->out[OUT_XLSX].tmp, &st->mx, &st->in, &st->key, st->run_id, a);
}

/* Every output, left uncommitted; the worklists' thread, if any, has
 * ended on return. */
static int write_outputs(struct stage *st)
{
	struct worklist_job job = { 0 };
	int rc;

	if (load_metrics(st) < 0)
		return -1;
	/* the database rows first, so the progress charts include this run */
	rc = write_lists_and_db(st, &job);
	if (rc == 0)
		plan_sets(st);
	for (int s = 0; rc == 0 && s < st->nsets; s++)
		rc = write_set(st, &st->sets[s]);
	rc = worklist_join(&job, rc);
	if (rc < 0)
		return -1;
	/* the summary counts the public cells */
	suppress_apply(&st->mx, config_int(st->cfg, "export.suppress_threshold"), NULL);
	return rc;
}

static void print_summary(const struct stage *st)
{
	long long rows = 0, hidden = 0, unnamed = 0;

	for (int i = 0; i < st->mx.n; i++) {
		const struct metric *r = &st->mx.v[i];

		rows++;
		hidden += suppress_row(r);
		unnamed += r->level == LEVEL_PARTNER && !*inputs_partner_name(&st->in, r->partner);
	}
	if (unnamed)
		msg_warn("%lld partner rows name a partner not in paths.partners: they have no "
			 "name, workbook sheet or report section", unnamed);
	msg_info("%d measure results, %lld rows, %lld with suppressed cells", st->mx.nblocks,
		 rows, hidden);
	msg_info("%lld open gaps in %d gap lists", st->gap_rows, st->gap_lists);
	msg_info("%lld members on %d clinic worklists", st->list_counts[LIST_GAPS].rows,
		 st->list_counts[LIST_GAPS].files);
	msg_info("%lld care-coordination candidates on %d clinic lists",
		 st->list_counts[LIST_CANDIDATES].rows, st->list_counts[LIST_CANDIDATES].files);
	msg_debug("results.db run %lld, configuration %s", st->run_id, st->key.config_hash);
}

/* The data-quality report cco-pipeline left, for the internal report. */
static int load_quality(struct stage *st)
{
	char *path = xasprintf("%s/quality/report.tsv", st->ws);
	int rc = qreport_load(&st->in.quality, path);

	free(path);
	return rc;
}

static int run(struct stage *st)
{
	int rc;

	if (load_config_files(st) < 0) {
		msg_error("%s", err_msg());
		return CCO_EXIT_USAGE;
	}
	rc = load_quality(st);
	if (rc == 0)
		rc = write_outputs(st);
	rc = close_outputs(st, rc == 0);
	if (rc < 0) {
		msg_error("%s", err_msg());
		return CCO_EXIT_FAIL;
	}
	print_summary(st);
	return CCO_EXIT_OK;
}

static void stage_release(struct stage *st)
{
	close_outputs(st, 0);
	for (int s = 0; s < st->nsets; s++)
		free(st->sets[s].dir);
	free(st->sets);
	metrics_release(&st->mx);
	inputs_release(&st->in);
	care_release(&st->care);
	mdef_free(st->ms);
	vs_free(st->vs);
	free(st->dir);
}

static int export_run(const struct cli_run *in)
{
	struct config *cfg = in->cfg;
	struct stage st = { 0 };
	int status;

	st.cfg = cfg;
	st.ws = config_str(cfg, "run.workspace");
	st.key.measurement_year = (int)config_int(cfg, "run.measurement_year");
	st.key.as_of = config_str(cfg, "run.as_of");
	st.dir = xasprintf("%s/export", st.ws);
	status = run(&st);
	stage_release(&st);
	return status;
}

static const struct cli_program prog = {
	.name = "cco-export",
	.synopsis = "cco-export [-c FILE] [--set KEY=VALUE] [-q] [-v]",
	.about = "Report the results of cco-measure per partner and clinic against the\n"
		 "benchmarks and improvement targets, with gap lists for outreach.\n",
	CLI_STAGE, .help = cli_help_stage, .help_column = 22, .run = export_run,
};

int main(int argc, char **argv)
{
	return cli_main(&prog, argc, argv, NULL);
}
