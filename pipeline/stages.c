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

/* The stages in order.  A stage reruns when anything it reads changes:
 * normalize reads only the claim-category value sets (cat_*), attribute
 * only the two its keys name, so editing a measure's value set reruns
 * measure and what follows, not them. */
static const struct stage_def stages[] = {
	{ "ingest", "cco-ingest", ingest_config, none, "ingest", NULL, none, 0 },
	{ "normalize", "cco-normalize", none, after_ingest, "normalize", "cat_", none, 1 },
	{ "attribute", "cco-attribute", none, after_normalize, "attribute", NULL,
	  attribute_sets, 1 },
	{ "measure", "cco-measure", measure_config, after_attribute, "measure", NULL, none,
	  1 },
	{ "export", "cco-export", export_config, after_measure, "export", NULL, none, 0 },
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

int stage_fingerprint(const struct stage_def *s, const struct config *c,
		      const struct valuesets *vs, const char *workspace,
		      const char *prog_path, struct fingerprint *fp)
{
	size_t size = 0;
	struct walk w = { open_memstream(&fp->lines, &size), 0, 0, 0 };
	char *dump = NULL;
	size_t dump_size = 0;
	FILE *df = open_memstream(&dump, &dump_size);
	char hex[HASH_HEX_LEN + 1];
	int rc = 0;

	config_dump(c, df);
	fclose(df);
	hash_bytes(dump, dump_size, hex);
	free(dump);
	fprintf(w.out, "(configuration)\t%s\n", hex);
	if (hash_file(prog_path, hex) == 0)
		fprintf(w.out, "(program %s)\t%s\n", s->program, hex);
	else
		fprintf(w.out, "(program %s)\tmissing\n", s->program);
	if (vs)
		valueset_lines(w.out, s, c, vs);
	for (int i = 0; rc == 0 && s->config_paths[i]; i++)
		rc = walk(&w, config_str(c, s->config_paths[i]), config_str(c, s->config_paths[i]));
	for (int i = 0; rc == 0 && s->inputs[i]; i++) {
		char *dir = xasprintf("%s/%s", workspace, s->inputs[i]);

		rc = walk(&w, dir, s->inputs[i]);
		free(dir);
	}
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

void fingerprint_diff(const char *old_lines, const char *new_lines, char *buf,
		      size_t n)
{
	const char *sets[2][2] = { { new_lines, old_lines }, { old_lines, new_lines } };

	buf[0] = '\0';
	for (int k = 0; k < 2; k++) {
		for (const char *p = sets[k][0]; p && *p;) {
			size_t len = strcspn(p, "\n");

			if (!has_line(sets[k][1], p, len)) {
				snprintf(buf, n, "%.*s %s", (int)path_len(p), p,
					 k == 0 ? "changed" : "removed");
				return;
			}
			p += len + (p[len] == '\n');
		}
	}
}
