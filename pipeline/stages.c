/*
 * stages.c: what each stage reads and writes, and the fingerprint that
 * says whether it must run again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"
#include "err.h"
#include "manifest.h"
#include "pipeline.h"
#include "rec.h"
#include "shard.h"
#include "valueset.h"
#include "xalloc.h"

static const char *const ingest_config[] = { "paths.extracts", "paths.layouts", NULL };
static const char *const none[] = { NULL };
static const char *const attribute_sets[] = { "attribute.visit_valueset",
					      "attribute.taxonomy_valueset", NULL };
static const char *const after_ingest[] = { "ingest", NULL };
static const char *const after_normalize[] = { "normalize", NULL };
static const char *const measure_config[] = { "paths.valuesets", "paths.measures",
					      "paths.care", NULL };
static const char *const after_attribute[] = { "normalize", "attribute", NULL };
static const char *const export_config[] = { "paths.valuesets", "paths.measures", "paths.targets",
					     "paths.baselines", "paths.partners", "paths.care",
					     NULL };
/* export reads the members, roster and attribution too: the worklists */
static const char *const after_measure[] = { "normalize", "attribute", "measure", NULL };

/* The configuration keys each stage reads: every key named in its
 * sources' config_*() calls, the two config_sort_bytes() reads
 * (limits.memory_mb, limits.sort_buffer_kb) where it sorts, and
 * run.workspace, which every program's workspace lock reads.  A key
 * missing here would let a rerun skip a stage it changes;
 * tests/e2e/pipeline.t checks these lists against the sources. */
static const char *const ingest_keys[] = {
	"run.measurement_year", "run.workspace", "paths.extracts", "paths.layouts",
	"paths.patterns", "limits.reject_threshold", "limits.split_kb", "limits.threads",
	"output.compression_level", NULL
};
static const char *const normalize_keys[] = {
	"run.as_of", "run.workspace", "run.shard", "run.shards", "paths.valuesets",
	"limits.memory_mb", "limits.sort_buffer_kb", "limits.sort_level", "limits.threads",
	"output.compression_level", NULL
};
static const char *const attribute_keys[] = {
	"run.measurement_year", "run.as_of", "run.workspace", "run.shard", "run.shards",
	"paths.valuesets", "attribute.partner_rule", "attribute.date", "attribute.lookback_months",
	"attribute.plurality", "attribute.visit_valueset", "attribute.taxonomy_valueset",
	"output.compression_level", NULL
};
static const char *const measure_keys[] = {
	"run.measurement_year", "run.as_of", "run.workspace", "run.shard", "run.shards",
	"paths.valuesets", "paths.measures", "paths.care", "limits.threads", "limits.measure_batch",
	"output.compression_level", NULL
};
static const char *const export_keys[] = {
	"run.measurement_year", "run.as_of", "run.workspace", "run.shards", "paths.valuesets",
	"paths.measures", "paths.targets", "paths.baselines", "paths.partners",
	"paths.care", "limits.memory_mb", "limits.sort_buffer_kb", "limits.sort_level",
	"limits.threads", "export.suppress_threshold", "export.min_denominator", NULL
};

/* The stages in order.  A stage reruns when anything it reads changes:
 * normalize reads only the claim-category value sets (cat_*), attribute
 * only the two its keys name, so editing a measure's value set reruns
 * measure and what follows, not them; an export-only key reruns export
 * alone. */
static const struct stage_def stages[] = {
	{ "ingest", "cco-ingest", ingest_keys, ingest_config, none, "ingest", NULL, none, 0, 0 },
	{ "normalize", "cco-normalize", normalize_keys, none, after_ingest, "normalize", "cat_",
	  none, 1, 1 },
	{ "attribute", "cco-attribute", attribute_keys, none, after_normalize, "attribute",
	  NULL, attribute_sets, 1, 1 },
	{ "measure", "cco-measure", measure_keys, measure_config, after_attribute, "measure",
	  NULL, none, 1, 1 },
	{ "export", "cco-export", export_keys, export_config, after_measure, "export", NULL,
	  none, 0, 0 },
};

const struct stage_def *stage_table(void)
{
	return stages;
}

int stage_count(void)
{
	return (int)(sizeof(stages) / sizeof(stages[0]));
}

int stage_find(const char *name)
{
	for (int i = 0; i < stage_count(); i++)
		if (strcmp(stages[i].name, name) == 0)
			return i;
	return -1;
}

void stage_name(const struct stage_def *s, const struct shard *sh, char *buf, size_t n)
{
	if (s->per_shard && sh->n > 1)
		snprintf(buf, n, "%s[%d/%d]", s->name, sh->k, sh->n);
	else
		snprintf(buf, n, "%s", s->name);
}

struct walk {
	FILE *out;        /* "path<TAB>hash" lines */
	long long rows;   /* record rows, when counting */
	int count_rows;
	int manifest;     /* record files are checked against their manifest */
};

/* Add path's rows to *rows, reading it to its end (and, with manifest,
 * checking it against the manifest beside it).  Returns 0 or -1. */
static int count_rows(const char *path, int manifest, long long *rows)
{
	struct rec_reader *r = rec_reader_open(path);
	struct rec_row row;
	int rc;

	if (!r)
		return -1;
	rc = manifest ? manifest_expect(r) : 0;
	if (rc == 0)
		while ((rc = rec_reader_next(r, &row)) > 0)
			(*rows)++;
	rec_reader_close(r);
	return rc;
}

/* Hash path (a file, or every file below a directory, in byte order of
 * names; *.tmp files are never outputs and are skipped).  label is how
 * the path is written in the lines. */
static int walk(struct walk *w, const char *path, const char *label)
{
	struct stat st;
	char hex[HASH_HEX_LEN + 1];

	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : err_set("cannot stat '%s': %s", path, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		size_t n = strlen(path);

		if (n > 4 && strcmp(path + n - 4, ".tmp") == 0)
			return 0;
		if (hash_file(path, hex) < 0)
			return -1;
		fprintf(w->out, "%s\t%s\n", label, hex);
		if (w->count_rows && n > 8 && strcmp(path + n - 8, ".rec.zst") == 0)
			return count_rows(path, w->manifest, &w->rows);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	size_t n;
	char **names = fs_list_dir(path, &n);
	int rc = names ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *sub = xasprintf("%s/%s", path, names[i]);
		char *sublabel = xasprintf("%s/%s", label, names[i]);

		rc = walk(w, sub, sublabel);
		free(sub);
		free(sublabel);
	}
	if (names)
		fs_list_free(names, n);
	return rc;
}

/* "(value set NAME)<TAB>digest" lines for the sets s uses. */
static void valueset_lines(FILE *out, const struct stage_def *s, const struct config *c,
			   const struct valuesets *vs)
{
	char hex[HASH_HEX_LEN + 1];

	for (int i = 0; s->vs_prefix && i < vs_count(vs); i++) {
		const struct valueset *v = vs_at(vs, i);

		if (strncmp(vs_name(v), s->vs_prefix, strlen(s->vs_prefix)) == 0) {
			vs_digest(v, hex);
			fprintf(out, "(value set %s)\t%s\n", vs_name(v), hex);
		}
	}
	for (int i = 0; s->vs_keys[i]; i++) {
		const char *name = config_str(c, s->vs_keys[i]);
		const struct valueset *v = vs_find(vs, name);

		if (v)
			vs_digest(v, hex);
		fprintf(out, "(value set %s)\t%s\n", name, v ? hex : "missing");
	}
}

/* "(config KEY)<TAB>digest of its value" lines for the keys s reads. */
static void config_lines(FILE *out, const struct stage_def *s, const struct config *c)
{
	char hex[HASH_HEX_LEN + 1];

	for (int i = 0; s->config_keys[i]; i++) {
		const char *v = config_str(c, s->config_keys[i]);

		hash_bytes(v, strlen(v), hex);
		fprintf(out, "(config %s)\t%s\n", s->config_keys[i], hex);
	}
}

/* Walk input (a stage's output directory) as stage s of the run of c
 * reads it: its shard's for a per-shard stage, every shard's for export,
 * labelled by its path in workspace ws. */
static int walk_input(struct walk *w, const struct stage_def *s, const struct config *c,
		      const char *ws, const char *input)
{
	int n, rc = 0;
	char **dirs;

	if (!stages[stage_find(input)].per_shard) {
		char *dir = xasprintf("%s/%s", ws, input);

		rc = walk(w, dir, input);
		free(dir);
		return rc;
	}
	if (s->per_shard) {
		n = 1;
		dirs = xcalloc(1, sizeof(*dirs));
		dirs[0] = stage_output_dir(&stages[stage_find(input)], c);
	} else {
		dirs = shard_paths(c, input, &n);
	}
	for (int i = 0; rc == 0 && i < n; i++)
		rc = walk(w, dirs[i], dirs[i] + strlen(ws) + 1);
	shard_paths_free(dirs, n);
	return rc;
}

char *stage_output_dir(const struct stage_def *s, const struct config *c)
{
	char *root = s->per_shard ? shard_root_of(c) : xstrdup(config_str(c, "run.workspace"));
	char *dir = xasprintf("%s/%s", root, s->output);

	free(root);
	return dir;
}

int stage_fingerprint(const struct stage_def *s, const struct config *c,
		      const struct valuesets *vs, const char *workspace,
		      const char *prog_path, struct fingerprint *fp)
{
	size_t size = 0;
	struct walk w = { open_memstream(&fp->lines, &size), 0, 0, 0 };
	char hex[HASH_HEX_LEN + 1];
	int rc = 0;

	config_lines(w.out, s, c);
	if (hash_file(prog_path, hex) == 0)
		fprintf(w.out, "(program %s)\t%s\n", s->program, hex);
	else
		fprintf(w.out, "(program %s)\tmissing\n", s->program);
	if (vs)
		valueset_lines(w.out, s, c, vs);
	for (int i = 0; rc == 0 && s->config_paths[i]; i++)
		rc = walk(&w, config_str(c, s->config_paths[i]), config_str(c, s->config_paths[i]));
	for (int i = 0; rc == 0 && s->inputs[i]; i++)
		rc = walk_input(&w, s, c, workspace, s->inputs[i]);
	fclose(w.out);
	hash_bytes(fp->lines, size, fp->digest);
	if (rc < 0)
		fingerprint_release(fp);
	return rc;
}

int stage_output_digest(const char *dir, int manifest, char digest[HASH_HEX_LEN + 1],
			long long *rows)
{
	char *lines = NULL;
	size_t size = 0;
	struct walk w = { open_memstream(&lines, &size), 0, 1, manifest };
	int rc = walk(&w, dir, ".");

	if (rc == 0 && manifest)
		rc = manifest_check_present(dir);
	fclose(w.out);
	hash_bytes(lines, size, digest);
	free(lines);
	*rows = w.rows;
	return rc;
}

void fingerprint_release(struct fingerprint *fp)
{
	free(fp->lines);
	fp->lines = NULL;
}

/* Length of the path part of the line at p (up to the TAB). */
static size_t path_len(const char *p)
{
	return strcspn(p, "\t\n");
}

/* Is the line for path (len n) present, identical, in lines? */
static int has_line(const char *lines, const char *line, size_t n)
{
	for (const char *p = lines; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Is there a line for the path of line (whatever its hash) in lines? */
static int has_path(const char *lines, const char *line)
{
	size_t n = path_len(line);

	for (const char *p = lines; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, line, n) == 0 && p[n] == '\t')
			return 1;
	return 0;
}

/* Append "PATH what" to buf (*used bytes of n used), comma-separated; once
 * one does not fit, the list ends with ", ..." and *used is set to n. */
static void diff_add(char *buf, size_t n, size_t *used, const char *line, const char *what)
{
	int len = (int)path_len(line);
	const char *sep = *used ? ", " : "";

	if (*used >= n)
		return;
	if (*used + strlen(sep) + (size_t)len + 1 + strlen(what) + 5 >= n) {
		snprintf(buf + *used, n - *used, ", ...");
		*used = n;
		return;
	}
	*used += (size_t)snprintf(buf + *used, n - *used, "%s%.*s %s", sep, len, line, what);
}

void fingerprint_diff(const char *old_lines, const char *new_lines, char *buf,
		      size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const char *p = new_lines; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!has_line(old_lines, p, strcspn(p, "\n")))
			diff_add(buf, n, &used, p, "changed");
	for (const char *p = old_lines; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!has_path(new_lines, p))
			diff_add(buf, n, &used, p, "removed");
}
