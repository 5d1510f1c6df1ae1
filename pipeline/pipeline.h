/*
 * pipeline.h: the driver's parts.  stages.c knows what each stage reads
 * and writes and fingerprints it; ledger.c records runs in SQLite;
 * runner.c runs one stage as a child process, which dies with the driver
 * and inherits its workspace lock (libcco/wslock.h).
 */
#ifndef CCO_PIPELINE_H
#define CCO_PIPELINE_H

#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "hash.h"
#include "shard.h"

struct valuesets;



/* What one stage reads and writes; the table is in stages.c. */
struct stage_def {
	const char *name;                /* "ingest" */
	const char *program;             /* "cco-ingest" */
	const char *const *config_keys;  /* every config key it reads */
	const char *const *config_paths; /* config keys naming files or dirs it reads */
	const char *const *inputs;       /* workspace dirs it reads */
	const char *output;              /* workspace dir it writes */
	const char *vs_prefix;           /* it uses the value sets named so, */
	const char *const *vs_keys;      /* and those these config keys name */
	int manifest;                    /* 1: it lists its record files in
					    OUTPUT/manifest (manifest.h) */
	int per_shard;                   /* 1: it runs once per shard of a
					    sharded run (shard.h) */
};

const struct stage_def *stage_table(void);

/* Number of stages in the table. */
int stage_count(void);

/* Index of the stage called name, or -1. */
int stage_find(const char *name);

/* The name stage s of shard sh goes by in the ledger and the summary:
 * "normalize", or "normalize[2/4]" for a per-shard stage of a sharded run. */
void stage_name(const struct stage_def *s, const struct shard *sh, char *buf, size_t n);

/* A stage's inputs as "path<TAB>hash" lines, sorted, and their digest. */
struct fingerprint {
	char *lines;                    /* owned */
	char digest[HASH_HEX_LEN + 1];
};

/* Fingerprint stage s: its program binary (at prog_path), the values of
 * the configuration keys it reads (one line per key), every file under its config paths and workspace inputs
 * (a per-shard stage's: those of its shard, run.shard; export's: those of
 * every shard),
 * and the contents of the value sets of vs it uses (vs may be NULL when
 * the stage uses none by name).
 * Returns 0 or -1 with err_msg() set.  Release with fingerprint_release. */
int stage_fingerprint(const struct stage_def *s, const struct config *c,
		      const struct valuesets *vs, const char *workspace,
		      const char *prog_path, struct fingerprint *fp);

/* The output directory of stage s of the run of c: WORKSPACE/OUTPUT, or
 * its shard's (run.shard).  Caller frees. */
char *stage_output_dir(const struct stage_def *s, const struct config *c);

/* Digest and row count of everything under a stage's output directory
 * (absent: the digest of nothing); with manifest, each record file must
 * be the one its manifest lists, and every file listed must be there.
 * Returns 0 or -1 with err_msg(). */
int stage_output_digest(const char *dir, int manifest, char digest[HASH_HEX_LEN + 1],
			long long *rows);

void fingerprint_release(struct fingerprint *fp);

/* Every path whose hash differs between two fingerprints' lines or that
 * is new ("PATH changed"), then every path gone ("PATH removed"), in buf,
 * comma-separated, in the lines' order, ending ", ..." when they do not
 * fit; "" if none. */
void fingerprint_diff(const char *old_lines, const char *new_lines, char *buf,
		      size_t n);

/* ---- plan.c ---- */

/* What running and recording a stage needs, from cco-pipeline's options. */
struct run_ctx {
	struct config *c;           /* the run's; run.shard is set while a
				       shard is planned */
	const char *config_path;    /* -c, resolved */
	const char *const *sets;    /* --set and what options set, for every stage */
	int nsets;
	const struct valuesets *vs; /* loaded when a selected stage uses some */
	const char *ws;
	struct ledger *l;
	long long run;              /* 0: a dry run */
	const char *log_path;       /* the run's log */
	int force, verbosity;
	int nshards, jobs;          /* run.shards; processes at once (local) */
};

/* Whether one stage (or one shard of a per-shard stage) must run. */
struct plan {
	const struct stage_def *s;
	struct shard sh;                       /* 1/1 unless a shard */
	char name[64];                         /* its ledger name (stage_name()) */
	int run;                               /* 1: must run */
	int damaged;                           /* 1: its last outputs fail
						  verification */
	char reason[256];
	struct fingerprint fp;
	char *prog;
	char *out_dir;
	char out_digest[HASH_HEX_LEN + 1];     /* current outputs, when skipping */
	long long rows;
};

/* Decide whether stage s (of shard sh) must run, and why.  Returns 0 or
 * -1 with err_msg() set; release p with plan_release() either way. */
int plan_stage(const struct run_ctx *x, const struct stage_def *s, const struct shard *sh,
	       struct plan *p);
void plan_release(struct plan *p);

/* argv of p's program: -c, every --set, and run.shard for a shard.  Free
 * with plan_argv_free(). */
char **plan_argv(const struct run_ctx *x, const struct plan *p);
void plan_argv_free(char **args);

/* Record p skipped in the ledger.  Returns 0 or -1. */
int plan_record_skip(const struct run_ctx *x, const struct plan *p);

/* Record p's run: exit status rc (as runner_run() gives it), last the
 * last line it wrote, mark ledger_extract_mark() before it ran.  Returns
 * 0, or 1 after writing the run's one-line failure summary into line (n
 * bytes) and recording the run failed. */
int plan_record_run(const struct run_ctx *x, struct plan *p, int rc, const char *last,
		    double seconds, long long mark, char *line, size_t n);

/* The line --dry-run and status print for p, in a run of nshards shards. */
void plan_print(const struct plan *p, int nshards);

/* Seconds since t0 (CLOCK_MONOTONIC). */
double seconds_since(const struct timespec *t0);

/* ---- shards.c ---- */

/* Run per-shard stage s for every shard of a sharded run: each planned,
 * those that must run on the local executor, at most x->jobs at once,
 * each with its own log, appended to the run's in shard order.  With a
 * dry run, print the plans.  *ran gets how many ran.  Returns 0, or 1
 * after the one-line failure summary naming the first failed shard. */
int shards_run(const struct run_ctx *x, const struct stage_def *s, int dry, int *ran);

/* ---- slurm.c ---- */

/* Run the n stages at stages (a segment of the run: ingest and normalize,
 * or those after) on Slurm: planned together, submitted at once, each
 * stage a job (an array over the shards of a sharded run) after the one
 * before (afterok), waited for, recorded in stage and shard order.  With
 * a dry run, print the plans.  ran[i] gets 1 when stage i ran.  Returns
 * 0, or 1 after the one-line failure summary naming the first failed
 * task. */
int slurm_run(const struct run_ctx *x, const struct stage_def *stages, int n, int dry,
	      int *ran);

/* Cancel the Slurm jobs of runs that never finished (their driver was
 * killed) and wait for them to end, so that none writes beside this run.
 * Returns 0 or -1 with err_msg() set. */
int slurm_cancel_abandoned(const struct run_ctx *x);

/* ---- ledger.c ---- */

struct ledger;

/* A stage's last successful run, as recorded. */
struct stage_record {
	int found;
	char input_hash[HASH_HEX_LEN + 1];
	char output_hash[HASH_HEX_LEN + 1];
	char *inputs;  /* owned; NULL if !found */
	long long run_id;
	long long rows;  /* its output rows */
};

/* Rows a stage rejected for one reason (and field, "" if not known). */
struct reject_count {
	char *reason, *field; /* owned */
	long long count;
};

/* One stage of a run, as the ledger holds it. */
struct stage_summary {
	char *stage, *status;       /* "ingest", "ok" | "skipped" | "failed" */
	char *reason;               /* why it ran or was skipped */
	char *message;              /* the last line it wrote */
	int exit_code;
	double seconds;
	long long rows_in, rows_out; /* -1: not known */
	struct reject_count *rejects; /* most first */
	size_t nrejects;
	long long rejected;          /* their sum */
};

/* A run and its stages, in the order they ran.  All strings owned. */
struct run_summary {
	long long run;
	char *started, *finished, *status, *summary, *command;
	struct stage_summary *stages;
	size_t n;
	long long rejected;          /* rows rejected by every stage */
};

struct ledger *ledger_open(const char *path);
void ledger_close(struct ledger *l);
long long ledger_run_begin(struct ledger *l, const char *argv_line);
int ledger_run_end(struct ledger *l, long long run, const char *status,
		   const char *summary);
int ledger_stage(struct ledger *l, long long run, const char *stage,
		 const char *status, int exit_code, const char *reason,
		 const struct fingerprint *fp, const char *output_hash,
		 long long rows, const char *summary, double seconds);
int ledger_last_ok(struct ledger *l, const char *stage, struct stage_record *r);
void stage_record_release(struct stage_record *r);
/* Record that run submitted Slurm job job for stage.  0 or -1. */
int ledger_add_job(struct ledger *l, long long run, const char *stage, long long job);
/* The Slurm jobs of abandoned runs not yet cancelled, *n of them (owned
 * by the caller); marks them cancelled.  NULL with *n 0 when none. */
long long *ledger_take_abandoned_jobs(struct ledger *l, int *n);
/* Mark runs that never finished (killed) as abandoned; returns how many. */
int ledger_abandon_unfinished(struct ledger *l);
/* Record the rows a stage of run read (its inputs' output rows).
 * Returns 0 or -1 with err_msg(). */
int ledger_set_input_rows(struct ledger *l, long long run, const char *stage,
			  long long rows);
/* The last extract ingest's run database (the same cco.db) holds, 0 if
 * none: taken before ingest runs, it tells the extracts that run loaded. */
long long ledger_extract_mark(struct ledger *l);
/* Record run's ingest counts from ingest's run database: rows read, rows
 * accepted in the files it loaded (not those over the reject threshold),
 * and rejects by reason (and field, where recorded), of the
 * extracts after since.  Returns 0 or -1 with err_msg(). */
int ledger_ingest_counts(struct ledger *l, long long run, long long since);
/* Record what stage s of run (of shard sh, of a run in nshards shards)
 * read and rejected: for ingest, from ingest's run database, the extracts
 * after mark (ledger_extract_mark() before it ran); for the others, the
 * output rows of the stages it reads (its shard's, or for export every
 * shard's).  Returns 0 or -1 with err_msg(). */
int ledger_stage_counts(struct ledger *l, long long run, const struct stage_def *s,
			const struct shard *sh, int nshards, long long mark);
/* Load a run (0: the latest) and its stages.  Returns 0, or -1 with
 * err_msg() ("no run N in the ledger") and *rs empty.  Release with
 * run_summary_release(). */
int ledger_load_run(struct ledger *l, long long run, struct run_summary *rs);
void run_summary_release(struct run_summary *rs);

/* ---- summary.c ---- */

/* A run's summary (summary.c): per stage, ran or skipped and why, wall
 * time, rows in and out, rejects by reason and field.  Warnings are the
 * things a person must look at even when the run succeeded: a share of
 * rejected rows over reject_warning (limits.reject_warning). */

/* Print the summary of rs to out, as text or as one JSON object. */
void summary_print(const struct run_summary *rs, double reject_warning, int json,
		   void *out);

/* Print the stage lines of the text summary of rs to out. */
void summary_print_stages(const struct run_summary *rs, void *out);

/* Print one "cco-pipeline: warning: ..." line per warning of rs on stderr.
 * Returns how many. */
int summary_warn(const struct run_summary *rs, double reject_warning);

/* ---- runner.c ---- */

/* Run prog with args, stderr appended to log_path.  Returns the exit
 * status (0-255), 128+signal if it died, or -1 with err_msg() if it could
 * not be started.  last_line gets the last non-empty line it wrote to
 * stderr (for the cron summary). */
int runner_run(const char *prog, char *const *args, const char *log_path,
	       char *last_line, size_t n);
/* Start prog with args, its standard error in log_path (made anew), as
 * runner_run() does but without waiting: the caller waits.  Returns the
 * pid, or -1 with err_msg() set. */
pid_t runner_start(const char *prog, char *const *args, const char *log_path);

/* Run argv (a command found on PATH: sbatch, scontrol), its standard
 * output into *out (allocated, NUL-terminated), its standard error
 * appended to the run's log at log_path.  Returns its exit status, or -1
 * with err_msg() set (then *out may be NULL). */
int runner_capture(char *const *argv, char **out, const char *log_path);

/* A child's wait status as runner_run() returns it: its exit status, or
 * 128+signal if a signal ended it. */
int runner_exit_code(int status);

/* Append the file at src to the file at dst.  Returns 0 or -1. */
int runner_append_log(const char *dst, const char *src);

/* The last non-empty line of the file at path from offset on, in buf
 * ("" if none). */
void runner_last_line(const char *path, long offset, char *buf, size_t n);

/* The workspace lock fd every stage started from now on inherits. */
void runner_set_lock(int fd);

/* Full path of program name: beside this executable if there, else name
 * (left to PATH).  Caller frees. */
char *runner_locate(const char *name);

/* Show the stages' progress: runner_run() then shows label ("[2/5]
 * normalize") and the stage's progress on the terminal; NULL: do not. */
void runner_set_watch(const char *label);

/* ---- watch.c ---- */

/* Is progress wanted: not quiet, and standard error is a terminal? */
int watch_wanted(int verbosity);

/* Show label and the progress lines the stage pid writes to rfd on
 * standard error until it closes rfd, erase them, then wait for pid,
 * its status in *status.  Returns 0, or -1 with err_msg() if waitpid
 * fails. */
int watch_child(pid_t pid, int rfd, const char *label, int *status);

/* ---- preflight.c ---- */

/* Free space a run needs in its workspace for this input: twice the bytes
 * of the files in paths.extracts (the sort's temporary files are about
 * their size, the compressed record files and reports less again). */
unsigned long long preflight_disk_estimate(const struct config *c);

/* Before the first of the stages from..to (stage_table() indexes) runs:
 * with ingest, the field patterns and every layout load; with export, the measurement year's targets and baselines are readable
 * files; with measure or export, the value sets and every measure
 * definition load; the workspace ws can be written; its free space is at
 * least preflight_disk_estimate().  Returns CCO_EXIT_OK, CCO_EXIT_USAGE
 * (configuration) or CCO_EXIT_FAIL (disk) with err_msg() saying what is
 * wrong. */
int preflight(const struct config *c, const char *ws, int from, int to);

/* ---- sweep.c ---- */

/* With the workspace lock held: remove temp files killed runs left in the
 * stages' output directories and sort runs in WORKSPACE/tmp.  Returns how
 * many files were removed. */
int sweep_stale(const char *workspace);

#endif
