/*
 * cco-normalize: turn the loaded extracts into clean, member-sorted record
 * files: final claim versions, clean enrollment spans, member months,
 * stays and ED visits.  See cco-normalize(1).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "afile.h"
#include "claims.h"
#include "cli.h"
#include "config.h"
#include "date.h"
#include "err.h"
#include "events.h"
#include "msg.h"
#include "normalize.h"
#include "simple.h"
#include "valueset.h"
#include "xalloc.h"

enum { K_MEDICAL, K_PHARMACY, K_ENROLL, K_MEMBERS, K_PROVIDERS, K_PCP, K_IMM,
       K_LAB, K_CUSTODY, NKINDS };

static const char *const kind_names[NKINDS] = {
	"medical_claims", "pharmacy_claims", "enrollment", "members", "providers",
	"pcp_assignments", "immunizations", "lab_results", "custody"
};

/* Every output, opened before the kinds start so the list that
 * norm_commit_all() walks is filled on one thread. */
struct outs {
	struct rec_writer *claims, *stays, *ed, *pharmacy, *members, *providers;
	struct enroll_out enroll;
	struct dedupe_out pcp, imm, lab;
	struct dedupe_out custody;
};

static int open_outputs(struct norm *n, struct outs *o)
{
	o->claims = norm_output(n, "claims.rec.zst", "claims",
				"member_id,svc_date,source,claim_id,line_no");
	o->stays = norm_output(n, "stays.rec.zst", "stays",
			       "member_id,admit_date,discharge_date");
	o->ed = norm_output(n, "ed_visits.rec.zst", "ed_visits", "member_id,ed_date");
	o->pharmacy = norm_output(n, "pharmacy.rec.zst", "pharmacy",
				  "member_id,fill_date,source,claim_id");
	o->enroll.spans = norm_output(n, "enrollment.rec.zst", "enrollment_spans",
				      "member_id,start_date,partner_id");
	o->enroll.months = norm_output(n, "member_months.rec.zst", "member_months",
				       "member_id,month,partner_id");
	o->enroll.as_of = config_date(n->cfg, "run.as_of");
	o->members = norm_output(n, "members.rec.zst", "members", "member_id");
	o->providers = norm_output(n, "providers.rec.zst", "providers", "npi");
	o->pcp = (struct dedupe_out){
		.w = norm_output(n, "pcp_assignments.rec.zst", "pcp_assignments",
				 "member_id,start_date"),
		.date_col = PCP_ASSIGNMENTS_start_date, .skip_col = -1
	};
	o->imm = (struct dedupe_out){
		.w = norm_output(n, "immunizations.rec.zst", "immunizations",
				 "member_id,imm_date"),
		.date_col = IMMUNIZATIONS_imm_date,
		.skip_col = IMMUNIZATIONS_extract, .as_of_cut = 1
	};
	o->lab = (struct dedupe_out){
		.w = norm_output(n, "lab_results.rec.zst", "lab_results",
				 "member_id,result_date"),
		.date_col = LAB_RESULTS_result_date,
		.skip_col = LAB_RESULTS_extract, .as_of_cut = 1
	};
	/* custody episodes that start after the as-of date are not known yet */
	o->custody = (struct dedupe_out){
		.w = norm_output(n, "custody.rec.zst", "custody", "member_id,start_date"),
		.date_col = CUSTODY_start_date, .skip_col = -1, .as_of_cut = 1
	};
	return o->claims && o->stays && o->ed && o->pharmacy && o->enroll.spans &&
	       o->enroll.months && o->members && o->providers && o->pcp.w &&
	       o->imm.w && o->lab.w && o->custody.w ? 0 : -1;
}

static int run_claims(struct norm *n, size_t mem, const struct outs *o, struct counts *c)
{
	struct events *ev = events_new(o->stays, o->ed,
				       vs_find(n->vs, "cat_transfer_status"));
	struct claims *cl = claims_new(n, o->claims, ev);
	int rc = cl ? norm_run_kind(n, mem, "medical_claims", 2, claims_prep, claims_group,
				    &c[K_MEDICAL], cl) : -1;

	claims_free(cl);
	events_free(ev);
	return rc;
}

static int run_others(struct norm *n, size_t mem, struct outs *o, struct counts *c)
{
	if (norm_run_kind(n, mem, "pharmacy_claims", 2, pharmacy_prep, pharmacy_group,
			  &c[K_PHARMACY], o->pharmacy) < 0 ||
	    norm_run_kind(n, mem, "enrollment", 1, NULL, enroll_group, &c[K_ENROLL],
			  &o->enroll) < 0 ||
	    norm_run_kind(n, mem, "members", 1, NULL, simple_latest, &c[K_MEMBERS],
			  o->members) < 0 ||
	    norm_run_kind(n, mem, "providers", 1, NULL, simple_latest, &c[K_PROVIDERS],
			  o->providers) < 0 ||
	    norm_run_kind(n, mem, "pcp_assignments", 1, NULL, simple_dedupe, &c[K_PCP],
			  &o->pcp) < 0 ||
	    norm_run_kind(n, mem, "immunizations", 2, NULL, simple_dedupe, &c[K_IMM],
			  &o->imm) < 0 ||
	    norm_run_kind(n, mem, "lab_results", 2, NULL, simple_dedupe, &c[K_LAB],
			  &o->lab) < 0 ||
	    norm_run_kind(n, mem, "custody", 1, NULL, simple_dedupe, &c[K_CUSTODY],
			  &o->custody) < 0)
		return -1;
	return 0;
}

/* Run the calling thread, and the threads it starts from now on, at the
 * lowest priority (nice 19: Linux keeps a nice value per thread, and a new
 * thread takes its creator's).  Best effort: the result never depends on
 * it. */
static void lowest_priority(void)
{
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
}

/* The other kinds on a thread of their own; its error, if any, is copied
 * out because err_msg() is per thread. */
struct others_lane {
	struct norm *n;
	size_t mem;          /* its share of n->sort_mem */
	struct outs *o;
	struct counts *c;
	int rc;
	char error[1024];
};

static void *others_lane_run(void *arg)
{
	struct others_lane *l = arg;

	lowest_priority(); /* this thread only, and the threads it starts */
	l->rc = run_others(l->n, l->mem, l->o, l->c);
	if (l->rc < 0)
		snprintf(l->error, sizeof(l->error), "%s", err_msg());
	return NULL;
}

/* Medical claims are most of the work, so they take three quarters of the
 * sort memory while the other kinds, one after another on a second
 * thread, use the rest: the total stays within limits.memory_mb.  With
 * limits.threads = 1 the kinds take turns, each with all of it.
 *
 * The claims lane is the run's critical path: its merge keeps one thread
 * busy and leaves part of the other core idle.  So the other kinds run at
 * the lowest priority: they take what the claims lane leaves of the
 * cores, and most of their work moves from its load phase, where both
 * cores are busy, into its merge. */
static int run_all(struct norm *n, struct counts *c)
{
	struct outs o;
	struct others_lane lane = { .n = n, .mem = n->sort_mem / 4, .o = &o, .c = c };
	pthread_t thread;
	int rc;

	if (open_outputs(n, &o) < 0)
		return -1;
	if (config_int(n->cfg, "limits.threads") < 2)
		return run_claims(n, n->sort_mem, &o, c) < 0 ? -1 :
		       run_others(n, n->sort_mem, &o, c);
	if ((rc = pthread_create(&thread, NULL, others_lane_run, &lane)) != 0)
		return err_set("cannot start a thread: %s", strerror(rc));
	rc = run_claims(n, n->sort_mem / 4 * 3, &o, c);
	pthread_join(thread, NULL);
	if (rc == 0 && lane.rc < 0)
		rc = err_set("%s", lane.error);
	return rc;
}

static void report(const struct counts *c, const char *as_of)
{
	for (int i = 0; i < NKINDS; i++)
		msg_info("%s: in %llu, final %llu, replaced %llu, voided %llu, denied %llu, "
			 "duplicates %llu, orphan voids %llu, orphan replacements %llu",
			 c[i].kind, (unsigned long long)c[i].in,
			 (unsigned long long)c[i].final, (unsigned long long)c[i].replaced,
			 (unsigned long long)c[i].voided, (unsigned long long)c[i].denied,
			 (unsigned long long)c[i].duplicates,
			 (unsigned long long)c[i].orphan_voids,
			 (unsigned long long)c[i].orphan_replacements);
	msg_info("as of %s: held back, paid or dated later: medical %llu lines of %llu "
		 "claim versions, pharmacy %llu of %llu, immunizations %llu, lab results %llu",
		 as_of, (unsigned long long)c[K_MEDICAL].held,
		 (unsigned long long)c[K_MEDICAL].held_versions,
		 (unsigned long long)c[K_PHARMACY].held,
		 (unsigned long long)c[K_PHARMACY].held_versions,
		 (unsigned long long)c[K_IMM].held, (unsigned long long)c[K_LAB].held);
	msg_info("as of %s: without an adjudication date, dated by rule: medical %llu "
		 "lines (through date), pharmacy %llu (fill date)", as_of,
		 (unsigned long long)c[K_MEDICAL].undated,
		 (unsigned long long)c[K_PHARMACY].undated);
}

/* Paths, directories, value sets and memory from the configuration;
 * exits 1 or 2 on failure. */
static void setup(struct norm *n, const struct config *cfg)
{
	const char *ws = config_str(cfg, "run.workspace");
	char *root = shard_root_of(cfg);
	struct stat st;
	char *db;
	int rc;

	memset(n, 0, sizeof(*n));
	n->cfg = cfg;
	n->level = (int)config_int(cfg, "output.compression_level");
	n->sort_mem = config_sort_bytes(cfg);
	n->sort_level = (int)config_int(cfg, "limits.sort_level");
	date_format(config_date(cfg, "run.as_of"), n->as_of);
	n->vs = vs_load(config_str(cfg, "paths.valuesets"));
	if (!n->vs || claims_check_valuesets(n->vs) < 0)
		die(CCO_EXIT_USAGE, "%s", err_msg());
	n->shard = shard_this(cfg);
	n->ingest_dir = xasprintf("%s/ingest", ws);
	n->out_dir = xasprintf("%s/normalize", root);
	n->tmp_dir = xasprintf("%s/tmp", root);
	n->counts_db = xasprintf("%s/cco.db", root);
	free(root);
	if (stat(n->ingest_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		die(CCO_EXIT_FAIL, "no ingest directory '%s' (run cco-ingest first)",
		    n->ingest_dir);
	if (fs_mkdirs(n->out_dir, AFILE_PHI_DIR) < 0 ||
	    fs_mkdirs(n->tmp_dir, AFILE_PHI_DIR) < 0)
		die(CCO_EXIT_FAIL, "%s", err_msg());
	db = xasprintf("%s/cco.db", ws);
	rc = norm_load_part_sums(n, db);
	free(db);
	if (rc < 0)
		die(CCO_EXIT_FAIL, "%s", err_msg());
}

static void release(struct norm *n)
{
	vs_free((struct valuesets *)n->vs);
	free(n->ingest_dir);
	free(n->out_dir);
	free(n->tmp_dir);
	free(n->counts_db);
	norm_free_part_sums(n);
}

static int normalize_run(const struct cli_run *in)
{
	struct config *cfg = in->cfg;
	struct counts c[NKINDS];
	struct norm n;
	int rc;

	setup(&n, cfg);
	memset(c, 0, sizeof(c));
	for (int i = 0; i < NKINDS; i++)
		c[i].kind = kind_names[i];
	rc = run_all(&n, c);
	if (rc < 0) {
		msg_error("%s", err_msg());
		norm_abort_all(&n);
	} else if ((rc = norm_commit_all(&n)) < 0) {
		msg_error("%s", err_msg());
	}
	if (rc == 0 && (rc = norm_save_counts(n.counts_db, c, NKINDS)) < 0)
		msg_error("%s", err_msg());
	if (rc == 0)
		report(c, n.as_of);
	release(&n);
	return rc == 0 ? CCO_EXIT_OK : CCO_EXIT_FAIL;
}

static const struct cli_program prog = {
	.name = "cco-normalize",
	.synopsis = "cco-normalize [-c FILE] [--set KEY=VALUE]... [-q] [-v]",
	.about = "Resolve claim versions, drop duplicates, derive stays and ED visits,\n"
		 "merge enrollment, and write member-sorted record files to\n"
		 "WORKSPACE/normalize from the ingest files in WORKSPACE/ingest.\n",
	CLI_STAGE, .help = cli_help_stage, .help_column = 25, .run = normalize_run,
};

int main(int argc, char **argv)
{
	return cli_main(&prog, argc, argv, NULL);
}
