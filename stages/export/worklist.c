/*
 * worklist.c: the clinic worklists, what a care coordinator calls from.
 * For each partner and clinic (members without one in "unattributed"),
 * one row per member with an open gap: the member's name, date of birth,
 * phone, language, PCP and last primary-care visit, then each open gap
 * (measure, what is missing, deadline, closable).  Rows are grouped by PCP
 * panel and, within one, put the members with the most closable gaps
 * first, then the earliest deadline.  Written as WORKLISTS/PARTNER/
 * CLINIC.csv and a printable CLINIC.html, one page per PCP panel.  These
 * files name members: mode 0600 in 0700 directories, never logged.
 *
 * The same pass finds the care-coordination candidates (cco-care(5)):
 * the members measure/care.rec.zst flags, scored by the criteria's
 * weights, with "no primary-care visit" judged here from the last visit.
 *
 * One pass merges five member-sorted files (results, care flags, members,
 * attribution and its audit) a member at a time; each row of either list
 * goes through an external sort as one line, so memory is bounded by
 * limits.memory_mb however many members are listed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extsort.h"
#include "mstream.h"
#include "shard.h"
#include "worklistpass.h"
#include "xalloc.h"


size_t text_add(struct text *t, const char *s, size_t n)
{
	size_t at = t->n;

	xgrow(&t->s, &t->cap, t->n + n + 1, 1);
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n++] = '\0';
	return at;
}

size_t wl_copy(struct wl *w, const struct rec_row *row, int col)
{
	return text_add(&w->member, row->field[col], row->len[col]);
}

/* Keep results row f if it is an open gap. */
static void take_gap(struct wl *w, const struct rec_row *row)
{
	char **f = row->field;
	int known;
	struct gap *g;

	if (!measure_yields_gaps(w->measures, f[MEASURE_RESULTS_measure_id], &known) ||
	    strcmp(f[MEASURE_RESULTS_excluded], "0") != 0 ||
	    strcmp(f[MEASURE_RESULTS_numerator], "0") != 0)
		return;
	xgrow(&w->gap, &w->gap_cap, w->ngap + 1, sizeof(*w->gap));
	g = &w->gap[w->ngap++];
	g->partner = wl_copy(w, row, MEASURE_RESULTS_partner_id);
	g->clinic = wl_copy(w, row, MEASURE_RESULTS_clinic_id);
	g->measure = wl_copy(w, row, MEASURE_RESULTS_measure_id);
	g->sub = wl_copy(w, row, MEASURE_RESULTS_submeasure);
	g->missing = wl_copy(w, row, MEASURE_RESULTS_missing);
	g->deadline = wl_copy(w, row, MEASURE_RESULTS_deadline);
	g->closable = gap_closable(f[MEASURE_RESULTS_deadline], w->as_of);
}

static const struct wl *sorting;

/* partner, clinic, closable first, deadline, measure, submeasure */
static int cmp_gap(const void *pa, const void *pb)
{
	const struct gap *a = pa, *b = pb;
	int c;

	if ((c = strcmp(AT(sorting, a->partner), AT(sorting, b->partner))) ||
	    (c = strcmp(AT(sorting, a->clinic), AT(sorting, b->clinic))))
		return c;
	if (a->closable != b->closable)
		return b->closable - a->closable;
	if ((c = strcmp(AT(sorting, a->deadline), AT(sorting, b->deadline))) ||
	    (c = strcmp(AT(sorting, a->measure), AT(sorting, b->measure))))
		return c;
	return strcmp(AT(sorting, a->sub), AT(sorting, b->sub));
}

static int read_who(struct wl *w, const char *id, struct who *who)
{
	static const struct { int l, col; } from_members[] = {
		{ L_LAST_NAME, MEMBERS_last_name }, { L_FIRST_NAME, MEMBERS_first_name },
		{ L_BIRTH, MEMBERS_birth_date }, { L_PHONE, MEMBERS_phone },
		{ L_LANGUAGE, MEMBERS_language }, { L_INTERPRETER, MEMBERS_interpreter },
	};
	struct rec_row row;
	long long skipped = 0;
	size_t none = text_add(&w->member, "", 0);
	char last[16] = "";
	int rc;

	for (size_t i = 0; i < L_NFIXED; i++)
		who->f[i] = none;
	who->pcp = who->partner = who->clinic = none;
	if (mstream_skip_before(w->members, id, &skipped) < 0 ||
	    mstream_skip_before(w->attribution, id, &skipped) < 0 ||
	    mstream_skip_before(w->audit, id, &skipped) < 0)
		return -1;
	while ((rc = mstream_next(w->members, id, &row)) > 0)
		for (size_t i = 0; i < sizeof(from_members) / sizeof(from_members[0]); i++)
			who->f[from_members[i].l] = wl_copy(w, &row, from_members[i].col);
	while (rc == 0 && (rc = mstream_next(w->attribution, id, &row)) > 0) {
		who->pcp = wl_copy(w, &row, ATTRIBUTION_pcp_npi);
		who->partner = wl_copy(w, &row, ATTRIBUTION_partner_id);
		who->clinic = wl_copy(w, &row, ATTRIBUTION_clinic_id);
		rc = 0;
	}
	/* the last visit to any primary-care provider the audit ranked */
	while (rc == 0 && (rc = mstream_next(w->audit, id, &row)) > 0) {
		size_t n = row.len[ATTRIBUTION_AUDIT_last_visit];

		if (strcmp(row.field[ATTRIBUTION_AUDIT_last_visit], last) > 0) {
			n = n < sizeof(last) - 1 ? n : sizeof(last) - 1; /* as snprintf cuts */
			memcpy(last, row.field[ATTRIBUTION_AUDIT_last_visit], n);
			last[n] = '\0';
		}
		rc = 0;
	}
	who->f[L_LAST_VISIT] = text_add(&w->member, last, strlen(last));
	return rc;
}

void line_field(struct wl *w, const char *prefix, const char *s)
{
	if (w->line.n)
		w->line.s[w->line.n - 1] = '\t'; /* the previous field's NUL */
	if (*prefix)
		text_add(&w->line, prefix, strlen(prefix)), w->line.n--;
	text_add(&w->line, s, strlen(s));
}

char *wl_number(char buf[WL_NUMBER_LEN], long long v, int width)
{
	char digits[REC_INT_LEN];
	size_t n = rec_format_int(v, digits);
	size_t pad = n < (size_t)width ? (size_t)width - n : 0;

	memset(buf, '0', pad);
	memcpy(buf + pad, digits, n);
	buf[pad + n] = '\0';
	return buf;
}

void line_append(struct wl *w, const char *s, size_t n)
{
	w->line.n--; /* the field's NUL */
	text_add(&w->line, s, n);
}

/* Start w->line with the keys and the member's fields: partner, clinic,
 * the member's PCP, rank (sorts ascending), deadline (or NULL), then
 * L_LAST_NAME .. L_LAST_VISIT. */
void line_keys(struct wl *w, const struct who *who, const char *partner,
		      const char *clinic, const char *rank, const char *deadline)
{
	const char *pcp = AT(w, who->pcp);

	w->line.n = 0;
	line_field(w, "", partner);
	line_field(w, *clinic ? "1" : "2", clinic);
	line_field(w, *pcp ? "1" : "2", pcp);
	line_field(w, "", rank);
	line_field(w, deadline ? "1" : "2", deadline ? deadline : "");
	for (int f = L_LAST_NAME; f <= L_LAST_VISIT; f++)
		line_field(w, "", f == L_MEMBER ? w->member.s : AT(w, who->f[f]));
}

/* One worklist row: gaps [a, b) of one partner and clinic. */
static int add_gap_row(struct wl *w, const struct who *who, size_t a, size_t b)
{
	const struct gap *first = &w->gap[a];
	const char *clinic = AT(w, first->clinic);
	char rank[WL_NUMBER_LEN], number[WL_NUMBER_LEN];
	size_t closable = 0;

	for (size_t i = a; i < b; i++)
		closable += (size_t)w->gap[i].closable;
	wl_number(rank, 9999 - (long long)(closable < 9999 ? closable : 9999), 4);
	line_keys(w, who, AT(w, first->partner), clinic, rank,
		  first->closable ? AT(w, first->deadline) : NULL);
	line_field(w, "", wl_number(number, (long long)(b - a), 0));
	line_field(w, "", wl_number(number, (long long)closable, 0));
	for (size_t i = a; i < b; i++) {
		const struct gap *g = &w->gap[i];

		line_field(w, "", AT(w, g->measure));
		line_field(w, "", AT(w, g->sub));
		line_field(w, "", AT(w, g->missing));
		line_field(w, "", AT(w, g->deadline));
		line_field(w, "", g->closable ? "yes" : "no");
	}
	if (b - a > w->counts[LIST_GAPS].max_var)
		w->counts[LIST_GAPS].max_var = b - a;
	w->counts[LIST_GAPS].rows++;
	return extsort_add(w->sort[LIST_GAPS], w->line.s, w->line.n - 1);
}

/* The member's worklist rows: one per partner and clinic among its open
 * gaps (sorted by cmp_gap). */
static int add_gap_rows(struct wl *w, const struct who *who)
{
	int rc = 0;

	sorting = w;
	if (w->ngap > 1)
		qsort(w->gap, w->ngap, sizeof(*w->gap), cmp_gap);
	for (size_t a = 0, b; rc == 0 && a < w->ngap; a = b) {
		for (b = a + 1; b < w->ngap &&
		     !strcmp(AT(w, w->gap[b].partner), AT(w, w->gap[a].partner)) &&
		     !strcmp(AT(w, w->gap[b].clinic), AT(w, w->gap[a].clinic)); b++)
			;
		rc = add_gap_row(w, who, a, b);
	}
	return rc;
}

/* The rows of member id, in the results, the care flags or both.  id is
 * the caller's copy: w->member moves as it grows. */
static int add_member(struct wl *w, const char *id)
{
	struct rec_row row;
	struct flags fl;
	struct who who;
	int rc, flagged;

	w->member.n = 0;
	w->ngap = 0;
	text_add(&w->member, id, strlen(id)); /* offset 0: the member id */
	while ((rc = mstream_next(w->results, id, &row)) > 0)
		take_gap(w, &row);
	if (rc < 0 || (flagged = flags_read(w, id, &fl)) < 0)
		return -1;
	if (w->ngap == 0 && !flagged)
		return 0;
	if (read_who(w, id, &who) < 0 || add_gap_rows(w, &who) < 0)
		return -1;
	return flagged ? candidate_add(w, &who, &fl) : 0;
}

/* Open the five inputs of the run of cfg, each merged across its shards. */
static int open_inputs(struct wl *w, const struct config *cfg)
{
	static const struct { const char *path, *kind; } in[] = {
		{ "measure/results.rec.zst", "measure_results" },
		{ "measure/care.rec.zst", "care_flags" },
		{ "normalize/members.rec.zst", "members" },
		{ "attribute/attribution.rec.zst", "attribution" },
		{ "attribute/attribution_audit.rec.zst", "attribution_audit" },
	};
	struct mstream **ms[] = { &w->results, &w->flags, &w->members, &w->attribution,
				  &w->audit };

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		int n;
		char **paths = shard_paths(cfg, in[i].path, &n);

		*ms[i] = mstream_open_files(paths, n, rec_schema_find(in[i].kind), 1);
		shard_paths_free(paths, n);
		if (!*ms[i])
			return -1;
	}
	return 0;
}

static void close_inputs(struct wl *w)
{
	mstream_close(w->results);
	mstream_close(w->flags);
	mstream_close(w->members);
	mstream_close(w->attribution);
	mstream_close(w->audit);
}

/* The next member of the results or the care flags, whichever sorts
 * first, copied; NULL when both are read. */
static char *next_member(struct wl *w)
{
	const char *a = mstream_peek(w->results), *b = mstream_peek(w->flags);

	if (!a && !b)
		return NULL;
	return xstrdup(!b || (a && strcmp(a, b) <= 0) ? a : b);
}

/* Every member's rows into w->sort; every input read to its end, so each
 * is checked against the manifest of the stage that wrote it. */
static int read_all(struct wl *w)
{
	long long skipped = 0;
	char *id;
	int rc = 0;

	while (rc == 0 && (id = next_member(w))) {
		rc = add_member(w, id);
		free(id);
	}
	if (rc == 0 && (mstream_failed(w->results) || mstream_failed(w->flags)))
		rc = -1;
	if (rc == 0)
		rc = mstream_skip_before(w->members, NULL, &skipped);
	if (rc == 0)
		rc = mstream_skip_before(w->attribution, NULL, &skipped);
	if (rc == 0)
		rc = mstream_skip_before(w->audit, NULL, &skipped);
	return rc;
}

int worklists_sort(struct extsort **sort, const struct config *cfg,
		   const struct measure_index *measures, const struct care_def *care,
		   const char *as_of, struct list_counts *counts)
{
	struct wl w = { .measures = measures, .care = care, .as_of = as_of, .sort = sort,
			.counts = counts };
	int rc;

	rc = open_inputs(&w, cfg);
	if (rc == 0)
		rc = read_all(&w);
	close_inputs(&w);
	free(w.member.s);
	free(w.line.s);
	free(w.gap);
	return rc;
}

void worklist_split(char *line, char **f, size_t nf)
{
	size_t i = 0;

	for (; i < nf && line; i++) {
		char *tab = strchr(line, '\t');

		f[i] = line;
		if (tab)
			*tab = '\0';
		line = tab ? tab + 1 : NULL;
	}
	for (; i < nf; i++)
		f[i] = "";
	/* the sort keys without their prefixes */
	f[L_CLINIC] = *f[L_CLINIC] == '2' ? NO_CLINIC : f[L_CLINIC] + 1;
	f[L_PCP] = *f[L_PCP] == '2' ? "" : f[L_PCP] + 1;
}
