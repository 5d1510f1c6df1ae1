/*
 * gaps.c: outreach lists.  For each partner, the members who are in a
 * proportion's denominator, not excluded and not (yet) in a numerator,
 * sorted for outreach by clinic, deadline, measure and member.  These
 * files hold member ids: mode 0600 in a 0700 directory, never logged.
 *
 * The rows wanted are held in memory: one short record per open gap.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "export.h"
#include "rec.h"
#include "xalloc.h"

enum { G_PARTNER, G_CLINIC, G_DEADLINE, G_MEASURE, G_MEMBER, G_SUB, G_MISSING, G_EPISODE,
       G_NFIELDS };

/* One open gap: its fields packed in one allocation, to keep the many
 * rows held for sorting small. */
struct gap {
	char *s;                  /* the fields, each NUL-terminated */
	unsigned off[G_NFIELDS];  /* where each starts in s */
};

#define GF(g, i) ((g)->s + (g)->off[i])

/* Results columns, by their place in the measure_results schema. */
enum { R_MEMBER, R_MEASURE, R_SUB, R_STRATUM, R_PARTNER, R_CLINIC, R_EXCLUDED,
       R_EXCLUSION, R_NUMERATOR, R_MISSING, R_EVIDENCE, R_EVIDENCE_DATE, R_DEADLINE,
       R_EPISODE };

static int gap_cmp(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	for (int i = 0; i < G_NFIELDS; i++) {
		/* no deadline sorts after every date */
		int ex = !*GF(x, i), ey = !*GF(y, i), c;

		if (i == G_DEADLINE && ex != ey)
			return ex - ey;
		if ((c = strcmp(GF(x, i), GF(y, i))))
			return c;
	}
	return 0;
}

static int is_proportion(const struct measure_set *ms, const char *id, int *known)
{
	for (int i = 0; i < ms->n; i++)
		if (strcmp(ms->m[i].id, id) == 0) {
			*known = 1;
			return ms->m[i].kind == MEASURE_PROPORTION;
		}
	*known = 0;
	return 0;
}

static void pack(struct gap *g, const struct rec_row *row, const int *from)
{
	size_t size = 0;

	for (int i = 0; i < G_NFIELDS; i++)
		size += row->len[from[i]] + 1;
	g->s = xmalloc(size);
	size = 0;
	for (int i = 0; i < G_NFIELDS; i++) {
		g->off[i] = (unsigned)size;
		memcpy(g->s + size, row->field[from[i]], row->len[from[i]] + 1);
		size += row->len[from[i]] + 1;
	}
}

static int read_gaps(const char *path, const struct measure_set *ms, struct gap **v,
		     size_t *n)
{
	static const int from[G_NFIELDS] = { R_PARTNER, R_CLINIC, R_DEADLINE, R_MEASURE,
					     R_MEMBER, R_SUB, R_MISSING, R_EPISODE };
	struct rec_reader *r = rec_reader_open(path);
	struct rec_row row;
	size_t alloc = 0;
	int rc, known;

	if (!r)
		return -1;
	rc = rec_reader_expect(r, rec_schema_find("measure_results"));
	while (rc == 0 && (rc = rec_reader_next(r, &row)) > 0) {
		int prop = is_proportion(ms, row.field[R_MEASURE], &known);

		rc = 0;
		if (!known) {
			rc = err_set("%s:%ld: measure '%s' has no definition in paths.measures",
				     path, rec_reader_line(r), row.field[R_MEASURE]);
			break;
		}
		if (!prop || strcmp(row.field[R_EXCLUDED], "0") != 0 ||
		    strcmp(row.field[R_NUMERATOR], "0") != 0)
			continue;
		xgrow(v, &alloc, *n + 1, sizeof(**v));
		pack(&(*v)[(*n)++], &row, from);
	}
	rec_reader_close(r);
	return rc < 0 ? -1 : 0;
}

/* The file name for a partner id, or NULL if the id cannot be one. */
static char *file_name(const char *partner)
{
	if (!*partner)
		return xstrdup("unassigned.csv");
	if (partner[0] == '.' || partner[strspn(partner, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						"abcdefghijklmnopqrstuvwxyz0123456789._-")])
		return NULL;
	return xasprintf("%s.csv", partner);
}

static int open_list(struct gap_files *g, const char *partner)
{
	char *name = file_name(partner), *path;
	int rc;

	if (!name)
		return err_set("partner id '%s' cannot name a gap list file", partner);
	path = xasprintf("%s/%s", g->dir, name);
	g->f = xrealloc(g->f, (size_t)(g->n + 1) * sizeof(*g->f));
	g->partner = xrealloc(g->partner, (size_t)(g->n + 1) * sizeof(char *));
	rc = afile_open(&g->f[g->n], path, AFILE_PHI);
	if (rc == 0) {
		g->partner[g->n++] = name;
		fputs("member_id,clinic_id,measure_id,submeasure,missing,deadline,episode\n",
		      g->f[g->n - 1].fp);
	} else {
		free(name);
	}
	free(path);
	return rc;
}

int gaps_write(struct gap_files *g, const char *results_path, const char *dir,
	       const struct measure_set *ms)
{
	static const int out[] = { G_MEMBER, G_CLINIC, G_MEASURE, G_SUB, G_MISSING,
				   G_DEADLINE, G_EPISODE };
	struct gap *v = NULL;
	size_t n = 0;
	int rc;

	memset(g, 0, sizeof(*g));
	g->dir = xstrdup(dir);
	rc = read_gaps(results_path, ms, &v, &n);
	if (rc == 0)
		rc = fs_mkdirs(dir, AFILE_PHI_DIR);
	if (n > 1)
		qsort(v, n, sizeof(*v), gap_cmp);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i == 0 || strcmp(GF(&v[i], G_PARTNER), GF(&v[i - 1], G_PARTNER)) != 0)
			rc = open_list(g, GF(&v[i], G_PARTNER));
		for (size_t k = 0; rc == 0 && k < sizeof(out) / sizeof(out[0]); k++) {
			if (k)
				putc(',', g->f[g->n - 1].fp);
			csv_field(g->f[g->n - 1].fp, GF(&v[i], out[k]));
		}
		if (rc == 0)
			putc('\n', g->f[g->n - 1].fp);
	}
	g->rows = (long long)n;
	for (size_t i = 0; i < n; i++)
		free(v[i].s);
	free(v);
	return rc;
}

static int written(const struct gap_files *g, const char *name)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->partner[i], name) == 0)
			return 1;
	return 0;
}

/* Lists of partners that have no gaps this run would mislead: remove. */
static int remove_stale(const struct gap_files *g)
{
	DIR *d = opendir(g->dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : err_set("cannot read '%s': %s", g->dir, strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0 && !written(g, e->d_name)) {
			char *path = xasprintf("%s/%s", g->dir, e->d_name);

			if (unlink(path) != 0)
				rc = err_set("cannot remove '%s': %s", path, strerror(errno));
			free(path);
		}
	}
	closedir(d);
	return rc;
}

int gaps_finish(struct gap_files *g, int ok)
{
	int rc = ok ? 0 : -1;

	for (int i = 0; i < g->n; i++) {
		if (rc == 0)
			rc = afile_commit(&g->f[i]);
		else
			afile_abort(&g->f[i]);
	}
	if (rc == 0 && g->dir)
		rc = remove_stale(g);
	for (int i = 0; i < g->n; i++)
		free(g->partner[i]);
	free(g->f);
	free(g->partner);
	free(g->dir);
	memset(g, 0, sizeof(*g));
	return rc;
}
