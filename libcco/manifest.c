/*
 * manifest.c: DIR/manifest, the record files a stage committed, their
 * rows and digests (see manifest.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "err.h"
#include "config.h"
#include "manifest.h"
#include "shard.h"
#include "xalloc.h"

/* The name of path's file, without its directory. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* path's directory ("." if none), newly allocated. */
static char *dir_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

/* Write the manifest of the files named file[i] holding sum[i], for i
 * below n where file[i] is not NULL. */
static int write_manifest(const char *dir, char *const *file, const struct rec_sum *sum,
			  int n)
{
	char *path = xasprintf("%s/%s", dir, MANIFEST_NAME);
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int rc;

	for (int i = 0; i < n; i++)
		if (file[i])
			fprintf(out, "%s\t%llu\t%016llx\n", file[i],
				(unsigned long long)sum[i].rows,
				(unsigned long long)sum[i].xxh3);
	fclose(out);
	rc = afile_write_all(path, AFILE_PHI, text, size);
	free(text);
	free(path);
	return rc;
}

static int remove_manifest(const char *dir)
{
	char *path = xasprintf("%s/%s", dir, MANIFEST_NAME);
	int rc = 0;

	if (unlink(path) != 0 && errno != ENOENT)
		rc = err_set("cannot remove '%s': %s", path, strerror(errno));
	free(path);
	return rc;
}

int manifest_commit(const char *dir, struct rec_writer **w, int n, int ok)
{
	char **file = xcalloc((size_t)n + 1, sizeof(*file));
	struct rec_sum *sum = xcalloc((size_t)n + 1, sizeof(*sum));
	int rc;

	for (int i = 0; i < n; i++)
		file[i] = w[i] ? xstrdup(base_name(rec_writer_path(w[i]))) : NULL;
	for (int i = 0; ok && i < n; i++)
		if (w[i] && rec_writer_finish(w[i]) < 0)
			ok = 0; /* nothing renamed yet: the old outputs stay */
	if (ok && remove_manifest(dir) < 0)
		ok = 0;
	rc = rec_writers_close_sums(w, n, ok, sum);
	if (rc == 0 && ok)
		rc = write_manifest(dir, file, sum, n);
	for (int i = 0; i < n; i++)
		free(file[i]);
	free(file);
	free(sum);
	return ok ? rc : -1;
}

/* One line "FILE<TAB>ROWS<TAB>XXH3" (NUL-terminated, no LF) into *e.
 * Returns 0, or -1 if it is not such a line. */
static int parse_line(char *line, struct manifest_entry *e)
{
	char *f[4];
	size_t len[4];

	if (rec_split(line, strlen(line), f, len, 4) != 3 || len[0] == 0 ||
	    len[1] == 0 || len[1] > 19 || strspn(f[1], "0123456789") != len[1] ||
	    len[2] != 16 || strspn(f[2], "0123456789abcdef") != 16)
		return -1;
	e->sum.rows = strtoull(f[1], NULL, 10);
	e->sum.xxh3 = strtoull(f[2], NULL, 16);
	e->file = xstrdup(f[0]);
	return 0;
}

/* Read the lines of the open manifest in into m.  Returns 0 or -1. */
static int read_entries(struct manifest *m, FILE *in)
{
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0;

	while (rc == 0 && (n = getline(&line, &cap, in)) > 0) {
		lineno++;
		if (line[n - 1] != '\n')
			rc = err_set("%s:%ld: damaged manifest (no end of line)", m->path,
				     lineno);
		else {
			line[n - 1] = '\0';
			xgrow(&m->v, &alloc, m->n + 1, sizeof(*m->v));
			if (parse_line(line, &m->v[m->n]) < 0)
				rc = err_set("%s:%ld: damaged manifest (not FILE, rows "
					     "and xxh3)", m->path, lineno);
			else
				m->n++;
		}
	}
	if (rc == 0 && ferror(in))
		rc = err_set("cannot read '%s': %s", m->path, strerror(errno));
	free(line);
	return rc;
}

char *manifest_writer(const char *dir)
{
	char *copy = xstrdup(dir), *end = copy + strlen(copy), *writer;

	while (end > copy + 1 && end[-1] == '/')
		*--end = '\0';
	writer = xasprintf("cco-%s", base_name(copy));
	free(copy);
	return writer;
}

int manifest_load(struct manifest *m, const char *dir)
{
	char *writer;
	FILE *in;
	int rc;

	memset(m, 0, sizeof(*m));
	m->path = xasprintf("%s/%s", dir, MANIFEST_NAME);
	in = fopen(m->path, "r");
	if (!in) {
		writer = manifest_writer(dir);
		rc = errno == ENOENT
			     ? err_set("%s: missing: no record of the files %s committed "
				       "(run %s again)", m->path, writer, writer)
			     : err_set("cannot open '%s': %s", m->path, strerror(errno));
		free(writer);
		manifest_release(m);
		return rc;
	}
	rc = read_entries(m, in);
	fclose(in);
	if (rc < 0)
		manifest_release(m);
	return rc;
}

const struct rec_sum *manifest_find(const struct manifest *m, const char *file)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].file, file) == 0)
			return &m->v[i].sum;
	return NULL;
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].file);
	free(m->v);
	free(m->path);
	memset(m, 0, sizeof(*m));
}

int manifest_expect(struct rec_reader *r)
{
	const char *path = rec_reader_path(r);
	char *dir = dir_name(path), *writer = manifest_writer(dir);
	struct manifest m;
	const struct rec_sum *want;
	int rc = manifest_load(&m, dir);

	free(dir);
	if (rc < 0) {
		free(writer);
		return -1;
	}
	want = manifest_find(&m, base_name(path));
	if (want)
		rec_reader_expect_sum(r, want, writer);
	else
		rc = err_set("%s: not a file %s wrote (%s does not list it)", path, writer,
			     m.path);
	manifest_release(&m);
	free(writer);
	return rc;
}

int manifest_check_present(const char *dir)
{
	struct manifest m;
	int rc = manifest_load(&m, dir);

	for (size_t i = 0; rc == 0 && i < m.n; i++) {
		char *path = xasprintf("%s/%s", dir, m.v[i].file);

		if (access(path, F_OK) != 0)
			rc = err_set("%s: missing, though %s lists it", path, m.path);
		free(path);
	}
	manifest_release(&m);
	return rc;
}

int manifest_put(const char *dir, const char *file, const struct rec_sum *sum)
{
	struct manifest m;
	char *path = xasprintf("%s/%s", dir, MANIFEST_NAME);
	int missing = access(path, F_OK) != 0, rc = 0;
	char **files;
	struct rec_sum *sums;
	size_t n = 0;

	free(path);
	if (missing)
		memset(&m, 0, sizeof(m));
	else if (manifest_load(&m, dir) < 0)
		return -1;
	files = xcalloc(m.n + 1, sizeof(*files));
	sums = xcalloc(m.n + 1, sizeof(*sums));
	for (size_t i = 0; i < m.n; i++)
		if (strcmp(m.v[i].file, file) != 0) {
			files[n] = m.v[i].file;
			sums[n++] = m.v[i].sum;
		}
	files[n] = (char *)file;
	sums[n++] = *sum;
	rc = write_manifest(dir, files, sums, (int)n);
	free(files);
	free(sums);
	manifest_release(&m);
	return rc;
}

/* WORKSPACE/STAGE, or the shard's (shard.h). */
static char *stage_dir(const struct config *c, const char *stage)
{
	char *root = shard_root_of(c);
	char *dir = xasprintf("%s/%s", root, stage);

	free(root);
	return dir;
}

int stage_outputs_open(const struct config *c, const char *stage, struct rec_writer **w,
		       int n, const char *const *name, const char *const *kind,
		       const char *const *sort)
{
	char *dir = stage_dir(c, stage);
	int rc = rec_writers_open(w, n, dir, name, kind, sort,
				  (int)config_int(c, "output.compression_level"));

	free(dir);
	return rc;
}

int stage_outputs_commit(const struct config *c, const char *stage, struct rec_writer **w,
			 int n, int ok)
{
	char *dir = stage_dir(c, stage);
	int rc = manifest_commit(dir, w, n, ok);

	free(dir);
	return rc;
}
