/*
 * gaps.c: outreach lists.  For each partner, the members who are in the
 * denominator of a measure that yields gaps (cco-measure(5): gaps), not
 * excluded and not (yet) in a numerator, sorted for outreach by clinic
 * (members without one last, labelled "unattributed"), then the gaps
 * still closable (deadline on or after the as-of date) first, then
 * deadline, measure and member.  These files hold member ids: mode 0600
 * in a 0700 directory, never logged.
 *
 * The rows go through the external sort (libcco/extsort.h), so memory is
 * bounded by limits.memory_mb however many gaps there are.  Each gap is
 * one line of tab-separated fields in sort order; as no field holds a byte
 * below TAB, byte order of the line is the order of the fields.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "export.h"
#include "extsort.h"
#include "manifest.h"
#include "rec.h"
#include "recmerge.h"
#include "xalloc.h"

/* The sort line's fields.  Three are sort keys with a one-byte prefix:
 * the clinic "1ID", or "2" with none (last); closable "0" (deadline on or
 * after the as-of date, first) or "1"; the deadline "1DATE", or "2" with
 * none (last). */
enum { G_PARTNER, G_CLINIC, G_CLOSABLE, G_DEADLINE, G_MEASURE, G_MEMBER, G_SUB, G_MISSING,
       G_EPISODE, G_NFIELDS };

/* The results columns a gap needs, found by name when the file opens. */
enum { R_MEMBER, R_MEASURE, R_SUB, R_PARTNER, R_CLINIC, R_EXCLUDED, R_NUMERATOR,
       R_MISSING, R_DEADLINE, R_EPISODE, R_NCOLS };
static const char *const result_col[R_NCOLS] = {
	"member_id", "measure_id", "submeasure", "partner_id", "clinic_id", "excluded",
	"numerator", "missing", "deadline", "episode"
};

/* A results row's field and length by R_ column, through col (from
 * find_columns()). */
#define FIELD(row, col, c) ((row)->field[(col)[c]])
#define LEN(row, col, c) ((row)->len[(col)[c]])

/* FNV-1a of id: where its probe starts. */
static unsigned id_hash(const char *id)
{
	unsigned h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

/* The slot of id in x: its measure's, or the empty one where it would go. */
static const struct measure **id_slot(const struct measure_index *x, const char *id)
{
	unsigned i = id_hash(id) & x->mask;

	while (x->slot[i] && strcmp(x->slot[i]->id, id) != 0)
		i = (i + 1) & x->mask;
	return &x->slot[i];
}

void measure_index_init(struct measure_index *x, const struct measure_set *ms)
{
	unsigned size = 8;

	while (size < 2u * (unsigned)ms->n)
		size *= 2;
	x->mask = size - 1;
	x->slot = xcalloc(size, sizeof(*x->slot));
	for (int i = 0; i < ms->n; i++) {
		const struct measure **slot = id_slot(x, ms->m[i].id);

		if (!*slot) /* the first of equal ids, as mdef_find() */
			*slot = &ms->m[i];
	}
}

void measure_index_release(struct measure_index *x)
{
	free(x->slot);
	x->slot = NULL;
}

const struct measure *measure_index_find(const struct measure_index *x, const char *id)
{
	return *id_slot(x, id);
}

int measure_yields_gaps(const struct measure_index *x, const char *id, int *known)
{
	const struct measure *m = measure_index_find(x, id);

	*known = m != NULL;
	return m && m->gaps;
}

int gap_closable(const char *deadline, const char *as_of)
{
	return *deadline && strcmp(deadline, as_of) >= 0;
}

/* Add row's gap to the sort as one line, its keys prefixed as the G_
 * fields say. */
static int add_gap(struct extsort *s, const struct rec_row *row, const int *col,
		   const char *as_of)
{
	static const int from[G_NFIELDS] = { R_PARTNER, R_CLINIC, -1, R_DEADLINE, R_MEASURE,
					     R_MEMBER, R_SUB, R_MISSING, R_EPISODE };
	const char *deadline = FIELD(row, col, R_DEADLINE);
	char *line;
	size_t size = 4, used = 0;
	int rc;

	for (int i = 0; i < G_NFIELDS; i++)
		size += (from[i] >= 0 ? LEN(row, col, from[i]) : 1) + 2;
	line = xmalloc(size);
	for (int i = 0; i < G_NFIELDS; i++) {
		if (i)
			line[used++] = '\t';
		if (i == G_CLOSABLE) {
			line[used++] = gap_closable(deadline, as_of) ? '0' : '1';
			continue;
		}
		if (i == G_CLINIC || i == G_DEADLINE)
			line[used++] = LEN(row, col, from[i]) ? '1' : '2';
		memcpy(line + used, FIELD(row, col, from[i]), LEN(row, col, from[i]));
		used += LEN(row, col, from[i]);
	}
	rc = extsort_add(s, line, used);
	free(line);
	return rc;
}

/* col[R_...]: each result column's place in schema s. */
static void find_columns(const struct rec_schema *s, int *col)
{
	for (int i = 0; i < R_NCOLS; i++)
		col[i] = rec_schema_col(s, result_col[i]);
}

/* Read the nfiles results files at paths, merged by member: each gap into
 * s (counted in *n), each row into tally. */
static int read_gaps(char *const *paths, int nfiles, const struct measure_set *ms,
		     const char *as_of, struct extsort *s, long long *n,
		     struct monthly *tally)
{
	static const char *const by_member[] = { "member_id" };
	const struct rec_schema *schema = rec_schema_find("measure_results");
	struct rec_merge *r = rec_merge_open(paths, nfiles, schema, by_member, 1, 1);
	struct rec_row row;
	struct measure_index index;
	int rc, known, col[R_NCOLS];
	char *bad = NULL; /* the first row in error, reported once the file
			     proved to be the one cco-measure wrote */

	if (!r)
		return -1;
	measure_index_init(&index, ms);
	find_columns(schema, col);
	rc = monthly_columns(tally, schema) < 0 ? err_set("%s: %s", paths[0], err_msg()) : 0;
	while (rc == 0 && (rc = rec_merge_next(r, &row)) > 0) {
		int gaps = measure_yields_gaps(&index, FIELD(&row, col, R_MEASURE), &known);

		rc = 0;
		if (bad) /* read on: a file not cco-measure's is named first */
			continue;
		if (monthly_add(tally, row.field) < 0)
			bad = xasprintf("%s:%ld: %s", rec_merge_path(r), rec_merge_line(r),
					err_msg());
		else if (!known)
			bad = xasprintf("%s:%ld: measure '%s' has no definition in paths.measures",
					rec_merge_path(r), rec_merge_line(r),
					FIELD(&row, col, R_MEASURE));
		if (bad || !gaps || strcmp(FIELD(&row, col, R_EXCLUDED), "0") != 0 ||
		    strcmp(FIELD(&row, col, R_NUMERATOR), "0") != 0)
			continue;
		rc = add_gap(s, &row, col, as_of);
		(*n)++;
	}
	rec_merge_close(r);
	measure_index_release(&index);
	if (rc == 0 && bad)
		rc = err_set("%s", bad);
	free(bad);
	return rc < 0 ? -1 : 0;
}

char *export_file_name(const char *id, const char *none, const char *ext)
{
	const char *ok = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

	if (!*id)
		return xasprintf("%s%s", none, ext);
	if (id[0] == '.' || id[strspn(id, ok)])
		return NULL;
	return xasprintf("%s%s", id, ext);
}

static int open_list(struct gap_files *g, const char *partner)
{
	char *name = export_file_name(partner, "unassigned", ".csv"), *path;
	int rc;

	if (!name)
		return err_set("partner id '%s' cannot name a gap list file", partner);
	path = xasprintf("%s/%s", g->dir, name);
	g->f = xrealloc(g->f, (size_t)(g->n + 1) * sizeof(*g->f));
	g->partner = xrealloc(g->partner, (size_t)(g->n + 1) * sizeof(char *));
	rc = afile_open(&g->f[g->n], path, AFILE_PHI);
	if (rc == 0) {
		g->partner[g->n++] = name;
		fputs("member_id,clinic_id,measure_id,submeasure,missing,deadline,closable,"
		      "episode\n",
		      g->f[g->n - 1].fp);
	} else {
		free(name);
	}
	free(path);
	return rc;
}

/* Split a sorted line back into its fields, in place. */
static void split_line(char *line, char **f)
{
	for (int i = 0; i < G_NFIELDS; i++) {
		char *tab = strchr(line, '\t');

		f[i] = line;
		if (tab)
			*tab = '\0';
		line = tab ? tab + 1 : line + strlen(line);
	}
	/* drop the sort keys' prefixes; a clinic key "2" is no clinic */
	f[G_CLINIC] = *f[G_CLINIC] == '2' ? NO_CLINIC : f[G_CLINIC] + 1;
	f[G_CLOSABLE] = *f[G_CLOSABLE] == '0' ? "yes" : "no";
	f[G_DEADLINE]++;
}

/* Count the gap in its clinic's tally; rows come sorted by partner, then
 * clinic, so a clinic's rows are consecutive. */
static void tally_gap(struct gap_files *g, char *const *f)
{
	struct clinic_gaps *c = g->nclinics ? &g->clinics[g->nclinics - 1] : NULL;

	if (!c || strcmp(c->partner, f[G_PARTNER]) || strcmp(c->clinic, f[G_CLINIC])) {
		xgrow(&g->clinics, &g->clinics_alloc, (size_t)g->nclinics + 1,
		      sizeof(*g->clinics));
		c = &g->clinics[g->nclinics++];
		c->partner = xstrdup(f[G_PARTNER]);
		c->clinic = xstrdup(f[G_CLINIC]);
		c->open = c->closable = 0;
	}
	c->open++;
	c->closable += strcmp(f[G_CLOSABLE], "yes") == 0;
}

/* Write one gap to its partner's list, opening the list at a new partner. */
static int write_gap(struct gap_files *g, char *line, char *prev_partner, size_t cap)
{
	static const int out[] = { G_MEMBER, G_CLINIC, G_MEASURE, G_SUB, G_MISSING,
				   G_DEADLINE, G_CLOSABLE, G_EPISODE };
	char *f[G_NFIELDS];

	split_line(line, f);
	tally_gap(g, f);
	if (g->n == 0 || strcmp(f[G_PARTNER], prev_partner) != 0) {
		if (open_list(g, f[G_PARTNER]) < 0)
			return -1;
		snprintf(prev_partner, cap, "%s", f[G_PARTNER]);
	}
	for (size_t k = 0; k < sizeof(out) / sizeof(out[0]); k++) {
		if (k)
			putc(',', g->f[g->n - 1].fp);
		csv_field(g->f[g->n - 1].fp, f[out[k]]);
	}
	putc('\n', g->f[g->n - 1].fp);
	return 0;
}

int gaps_write(struct gap_files *g, char *const *paths, int n, const char *dir,
	       const struct measure_set *ms, const char *as_of,
	       const struct extsort_config *sort, struct monthly *tally)
{
	struct extsort *s = extsort_new(sort);
	char partner[256] = "";
	const char *line;
	size_t len;
	int rc;

	memset(g, 0, sizeof(*g));
	g->dir = xstrdup(dir);
	rc = read_gaps(paths, n, ms, as_of, s, &g->rows, tally);
	if (rc == 0)
		rc = extsort_finish(s);
	if (rc == 0)
		rc = fs_mkdirs(dir, AFILE_PHI_DIR);
	while (rc == 0 && (rc = extsort_next(s, &line, &len)) > 0) {
		char *copy = xstrndup(line, len);

		rc = write_gap(g, copy, partner, sizeof(partner));
		free(copy);
	}
	extsort_free(s);
	return rc < 0 ? -1 : 0;
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
	for (int i = 0; i < g->nclinics; i++) {
		free(g->clinics[i].partner);
		free(g->clinics[i].clinic);
	}
	free(g->clinics);
	free(g->f);
	free(g->partner);
	free(g->dir);
	memset(g, 0, sizeof(*g));
	return rc;
}
