/*
 * cco-ingest: load extract files through their layouts into record files,
 * rejecting bad rows with reasons, recording every load in the run database.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "cli.h"
#include "config.h"
#include "date.h"
#include "db.h"
#include "err.h"
#include "ingest.h"
#include "msg.h"
#include "rundb.h"
#include "xalloc.h"

static const struct cli_help help[] = {
	{ "-l, --layout NAME", "read every FILE with layout NAME (FILE - is stdin)" },
	CLI_HELP_CONFIG,
	CLI_HELP_SET("K=V", "override a configuration key"),
	CLI_HELP_QUIET,
	CLI_HELP_VERBOSE,
	CLI_HELP_HELP,
	{ NULL, NULL }
};

struct job {
	char *path;
	struct layout *l;
	int prio;   /* members first, so claims can be checked against them */
};

struct layouts {
	struct layout **v;
	size_t n, alloc;
};

static int kind_priority(const struct layout *l)
{
	static const char *const order[] = {
		"members", "enrollment", "partners", "providers", "pcp_assignments",
		NULL
	};

	for (int i = 0; order[i]; i++)
		if (strcmp(l->out[0]->kind, order[i]) == 0)
			return i;
	return 5;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int job_cmp(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	int c;

	if (x->prio != y->prio)
		return x->prio - y->prio;
	c = strcmp(base_name(x->path), base_name(y->path));
	return c ? c : strcmp(x->path, y->path);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in dir whose names end in suffix (NULL: any regular
 * file not starting with '.').  Returns NULL with err_msg() set. */
static char **list_dir(const char *dir, const char *suffix, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t alloc = 0;

	*n = 0;
	if (!d) {
		err_set("cannot read directory '%s'", dir);
		return NULL;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name), sl = suffix ? strlen(suffix) : 0;

		if (e->d_name[0] == '.' || len < sl ||
		    (suffix && strcmp(e->d_name + len - sl, suffix) != 0))
			continue;
		xgrow(&names, &alloc, *n + 2, sizeof(char *));
		names[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(char *), name_cmp);
	else
		names = xcalloc(1, sizeof(char *));
	return names;
}

static void load_layouts(struct layouts *ls, const struct config *cfg)
{
	struct pattern_set *ps = pattern_set_new();
	size_t n;
	char **files;

	if (pattern_set_load(ps, config_str(cfg, "paths.patterns")) < 0)
		die(CCO_EXIT_USAGE, "%s", err_msg());
	files = list_dir(config_str(cfg, "paths.layouts"), ".ini", &n);
	if (!files)
		die(CCO_EXIT_USAGE, "%s", err_msg());
	for (size_t i = 0; i < n; i++) {
		struct layout *l = layout_load(files[i], ps);

		if (!l)
			die(CCO_EXIT_USAGE, "%s", err_msg());
		xgrow(&ls->v, &ls->alloc, ls->n + 1, sizeof(*ls->v));
		ls->v[ls->n++] = l;
		free(files[i]);
	}
	free(files);
	pattern_set_free(ps);
}

static struct layout *find_layout(const struct layouts *ls, const char *name,
				  const char *file)
{
	for (size_t i = 0; i < ls->n; i++)
		if (name ? !strcmp(ls->v[i]->name, name) :
			   layout_matches(ls->v[i], base_name(file)))
			return ls->v[i];
	return NULL;
}

/* The files to load, each with its layout, in load order.  Explicit files
 * no layout matches are a usage error; in the extracts directory they are
 * reported and skipped. */
static struct job *plan(const struct cli *cli, const struct config *cfg,
			const struct layouts *ls, const char *forced,
			char **files, int nfiles, size_t *njobs)
{
	struct job *jobs = NULL;
	size_t alloc = 0, n = 0;
	char **scan = NULL;

	*njobs = 0;
	if (forced && !find_layout(ls, forced, NULL))
		cli_usage_error(cli, "no layout named '%s'", forced);
	if (nfiles == 0) {
		scan = list_dir(config_str(cfg, "paths.extracts"), NULL, &n);
		if (!scan)
			die(CCO_EXIT_USAGE, "%s", err_msg());
		files = scan;
		nfiles = (int)n;
	}
	for (int i = 0; i < nfiles; i++) {
		struct layout *l = find_layout(ls, forced, files[i]);

		if (!strcmp(files[i], "-") && !forced)
			cli_usage_error(cli, "reading standard input needs --layout");
		if (!l && !scan)
			cli_usage_error(cli, "no layout matches '%s'", files[i]);
		if (!l) {
			msg_warn("%s: no layout matches, skipped", base_name(files[i]));
			continue;
		}
		xgrow(&jobs, &alloc, *njobs + 1, sizeof(*jobs));
		jobs[(*njobs)++] = (struct job){ xstrdup(files[i]), l, kind_priority(l) };
	}
	for (size_t i = 0; scan && i < n; i++)
		free(scan[i]);
	free(scan);
	if (*njobs)
		qsort(jobs, *njobs, sizeof(*jobs), job_cmp);
	return jobs;
}

/* Remove every output file (NNNNNN-KIND.rec.zst) whose extract number the
 * run database does not know: the files of a load whose database commit
 * failed after they were renamed into place.  Returns how many, or -1. */
static int remove_unknown_outputs(const struct ingest *in)
{
	DIR *d = opendir(in->outdir);
	struct dirent *e;
	int removed = 0, known = 1;

	if (!d)
		return err_set("cannot open '%s': %s", in->outdir, strerror(errno));
	while (known >= 0 && (e = readdir(d)) != NULL) {
		char seq[8];
		char *path;

		if (strspn(e->d_name, "0123456789") != 6 || e->d_name[6] != '-')
			continue;
		snprintf(seq, sizeof(seq), "%.6s", e->d_name);
		known = rundb_knows_seq(in->db, seq);
		if (known != 0)
			continue;
		path = xasprintf("%s/%s", in->outdir, e->d_name);
		if (unlink(path) == 0)
			removed++;
		else
			known = err_set("cannot remove '%s': %s", path, strerror(errno));
		free(path);
	}
	closedir(d);
	return known < 0 ? -1 : removed;
}

static void open_workspace(struct ingest *in, const struct config *cfg)
{
	const char *ws = config_str(cfg, "run.workspace");
	char *dbpath = xasprintf("%s/cco.db", ws);
	int removed;

	in->outdir = xasprintf("%s/ingest", ws);
	if (fs_mkdirs(in->outdir, AFILE_PHI_DIR) < 0)
		die(CCO_EXIT_FAIL, "%s", err_msg());
	in->db = db_open(dbpath);
	free(dbpath);
	if (!in->db || rundb_init(in->db) < 0 || (removed = remove_unknown_outputs(in)) < 0 ||
	    load_known_members(in) < 0)
		die(CCO_EXIT_FAIL, "%s", err_msg());
	if (removed > 0)
		msg_warn("removed %d output files of a load the run database does not "
			 "record", removed);
	in->level = (int)config_int(cfg, "output.compression_level");
	in->threshold = config_real(cfg, "limits.reject_threshold");
	in->threads = (int)config_int(cfg, "limits.threads");
	in->split_bytes = (uint64_t)config_int(cfg, "limits.split_kb") << 10;
	in->date_min = date_from_ymd(1900, 1, 1);
	/* Not from run.as_of: a rerun as of an earlier month must accept the
	 * same rows, or it would not reproduce that month's numbers. */
	in->date_max = date_from_ymd((int)config_int(cfg, "run.measurement_year") + 2, 12, 31);
}

static void ingest_option(struct cli *cli, int opt, const char *arg, void *forced)
{
	(void)cli;
	if (opt == 'l')
		*(const char **)forced = arg;
}

static int ingest_run(const struct cli_run *run)
{
	struct config *cfg = run->cfg;
	const char **forced = run->state;
	struct layouts ls = { NULL, 0, 0 };
	struct ingest in;
	struct job *jobs;
	size_t njobs;
	int status = CCO_EXIT_OK;

	load_layouts(&ls, cfg);
	jobs = plan(run->cli, cfg, &ls, *forced, run->argv, run->argc, &njobs);
	memset(&in, 0, sizeof(in));
	open_workspace(&in, cfg);
	if (njobs == 0)
		msg_info("no extract files to load");
	for (size_t i = 0; i < njobs; i++) {
		int rc = load_file(&in, jobs[i].path, jobs[i].l);

		if (rc < 0)
			msg_error("%s", err_msg());
		if (rc != 0)
			status = CCO_EXIT_FAIL;
		free(jobs[i].path);
	}
	free(jobs);
	if (in.nover) /* the line the driver shows: every file that failed */
		msg_error("%d file%s over the reject threshold of %.2f%%: %s", in.nover,
			  in.nover > 1 ? "s" : "", 100.0 * in.threshold, in.over);
	free(in.over);
	if (db_close(in.db) < 0) {
		msg_error("%s", err_msg());
		status = CCO_EXIT_FAIL;
	}
	memberset_release(&in.members);
	free(in.outdir);
	for (size_t i = 0; i < ls.n; i++)
		layout_free(ls.v[i]);
	free(ls.v);
	return status;
}

static const struct option longopts[] = {
	{ "layout", required_argument, NULL, 'l' }, { NULL, 0, NULL, 0 }
};
static const struct cli_program prog = {
	.name = "cco-ingest",
	.synopsis = "cco-ingest [-q] [-v] [-c FILE] [--set KEY=VALUE] [--layout NAME] [FILE...]",
	.about = "Load extract files into WORKSPACE/ingest, rejecting bad rows with reasons.\n"
		 "Without FILE, load every file in paths.extracts that a layout matches.\n",
	.help = help, .help_column = 21,
	.closing = "Exit status: 0 success, 1 a file failed or could not be loaded,\n"
		   "2 usage or configuration error.\n",
	.short_opts = "l:", .long_opts = longopts, .option = ingest_option,
	.operands = 1, .config = 1, .lock = 1, .run = ingest_run,
};

int main(int argc, char **argv)
{
	const char *forced = NULL;

	return cli_main(&prog, argc, argv, &forced);
}
