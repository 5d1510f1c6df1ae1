/*
 * worklistout.c: the clinic list files, of two kinds: the worklists (the
 * members with open gaps) and the care-coordination candidates.  Rows
 * come sorted by partner, clinic and PCP panel (worklist.c); each clinic
 * gets PARTNER/CLINIC.csv, one row per member, and PARTNER/CLINIC.html, a
 * page per PCP panel for the clinic's records.  Each kind is built in a
 * fresh directory that replaces the previous one whole at
 * worklists_finish().
 */
#include <stdlib.h>
#include <string.h>

#include "care.h"
#include "err.h"
#include "extsort.h"
#include "htmlchart.h"
#include "shard.h"
#include "worklist.h"
#include "xalloc.h"

static const char style[] =
	"body{font-family:sans-serif;font-size:12px;margin:1.5em}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{border:1px solid #999;padding:3px 5px;text-align:left;vertical-align:top}"
	"th{background:#eee}ul{margin:0;padding-left:1.2em}"
	".late{color:#555}.id{color:#555;font-size:10px}td.n{white-space:nowrap}"
	"@media print{section{page-break-before:always}section:first-of-type"
	"{page-break-before:auto}}";

/* What the two kinds of list say differently. */
struct kind {
	const char *dir;      /* under the export directory */
	const char *title;    /* "Worklist" */
	const char *intro;    /* the paragraph under the title, after "as of
				 DATE: " */
	const char *last_th;  /* the HTML table's last column */
	void (*csv_header)(FILE *fp, size_t nvar);
	void (*csv_tail)(FILE *fp, char **f, size_t nvar);
	void (*html_cell)(FILE *fp, char **f, size_t nvar, const struct measure_index *mx);
	size_t (*nvar)(char **f); /* the row's variable fields (gaps) */
};

/* ---- worklists: a column group per gap ---- */

static void gaps_header(FILE *fp, size_t max_gaps)
{
	fputs(",open_gaps,closable_gaps", fp);
	for (size_t i = 1; i <= max_gaps; i++)
		fprintf(fp, ",gap%zu_measure,gap%zu_submeasure,gap%zu_missing,"
			"gap%zu_deadline,gap%zu_closable", i, i, i, i, i);
}

static void gaps_tail(FILE *fp, char **f, size_t ngaps)
{
	putc(',', fp);
	csv_field(fp, f[L_NGAPS]);
	putc(',', fp);
	csv_field(fp, f[L_CLOSABLE]);
	for (size_t i = 0; i < ngaps * WL_GAP_FIELDS; i++) {
		putc(',', fp);
		csv_field(fp, f[L_NFIXED + i]);
	}
}


static void gaps_cell(FILE *fp, char **f, size_t ngaps, const struct measure_index *mx)
{
	char **g = f + L_NFIXED;

	fputs("<ul>", fp);
	for (size_t i = 0; i < ngaps; i++, g += WL_GAP_FIELDS) {
		int closable = strcmp(g[GF_CLOSABLE], "yes") == 0;
		const struct measure *me;

		fputs(closable ? "<li>" : "<li class=\"late\">", fp);
		html_text(fp, g[GF_MEASURE]);
		fputs(" ", fp);
		html_text(fp, g[GF_SUB]);
		fputs(": ", fp);
		me = measure_index_find(mx, g[GF_MEASURE]);
		html_text(fp, me ? me->name : "");
		if (*g[GF_MISSING]) {
			fputs("; missing ", fp);
			html_text(fp, g[GF_MISSING]);
		}
		if (*g[GF_DEADLINE]) {
			fputs(closable ? "; by " : "; deadline ", fp);
			fputs(g[GF_DEADLINE], fp);
			fputs(closable ? "" : " passed", fp);
		}
		fputs("</li>", fp);
	}
	fputs("</ul>", fp);
}

static size_t gaps_of(char **f)
{
	return (size_t)strtoul(f[L_NGAPS], NULL, 10);
}

/* ---- candidates: the score, the criteria met and what is behind each ---- */

static void care_header(FILE *fp, size_t nvar)
{
	(void)nvar;
	fputs(",score,reasons", fp);
	for (int c = 0; c < CARE_NCRITERIA; c++)
		fprintf(fp, ",%s", care_name(c));
}

static void care_tail(FILE *fp, char **f, size_t nvar)
{
	putc(',', fp);
	csv_field(fp, f[K_SCORE]);
	putc(',', fp);
	csv_field(fp, f[K_REASONS]);
	for (size_t c = 0; c < nvar; c++) {
		putc(',', fp);
		csv_field(fp, f[L_NFIXED + c]);
	}
}

static void care_cell(FILE *fp, char **f, size_t nvar, const struct measure_index *mx)
{
	/* what the detail does not say itself */
	static const char *const label[CARE_NCRITERIA] = {
		"", "Utilization: ", "Polypharmacy: ", "", "No recent PCP visit: "
	};

	(void)mx;
	fprintf(fp, "score %s<ul>", f[K_SCORE]);
	for (size_t c = 0; c < nvar && c < CARE_NCRITERIA; c++)
		if (*f[L_NFIXED + c]) {
			fprintf(fp, "<li>%s", label[c]);
			html_text(fp, f[L_NFIXED + c]);
			fputs("</li>", fp);
		}
	fputs("</ul>", fp);
}

static size_t criteria(char **f)
{
	(void)f;
	return CARE_NCRITERIA;
}

static const struct kind kinds[NLISTS] = {
	{ "worklists", "Worklist",
	  "members in a measure's denominator, not excluded, without "
	  "what the measure asks for yet. A gap is closable until its deadline. Members "
	  "with the most closable gaps come first in each PCP panel.",
	  "Open gaps", gaps_header, gaps_tail, gaps_cell, gaps_of },
	{ "candidates", "Care-coordination candidates",
	  "members who may need care coordination, by the criteria of "
	  "config/care.ini (cco-care(5)): each says why the member is listed and the "
	  "dates behind it. The highest scores come first in each PCP panel.",
	  "Why listed", care_header, care_tail, care_cell, criteria },
};

/* ---- both ---- */

static void csv_header(FILE *fp, const struct kind *k, size_t nvar)
{
	fputs("partner_id,clinic_id,pcp_npi,pcp_name,member_id,last_name,first_name,"
	      "birth_date,phone,language,interpreter,last_pcp_visit", fp);
	k->csv_header(fp, nvar);
	putc('\n', fp);
}

static void csv_row(FILE *fp, const struct kind *k, char **f, const char *pcp_name,
		    size_t nvar)
{
	static const int lead[] = { L_PARTNER, L_CLINIC, L_PCP, -1, L_MEMBER, L_LAST_NAME,
				    L_FIRST_NAME, L_BIRTH, L_PHONE, L_LANGUAGE,
				    L_INTERPRETER, L_LAST_VISIT };

	for (size_t i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
		if (i)
			putc(',', fp);
		csv_field(fp, lead[i] < 0 ? pcp_name : f[lead[i]]);
	}
	k->csv_tail(fp, f, nvar);
	putc('\n', fp);
}

static void html_open(FILE *fp, const struct kind *k, char **f,
		      const struct export_inputs *in, const char *as_of)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>%s: ", k->title);
	html_text(fp, f[L_CLINIC]);
	fprintf(fp, ", as of %s</title>\n<style>%s</style></head><body>\n<h1>%s: clinic ",
		as_of, style, k->title);
	html_text(fp, f[L_CLINIC]);
	fputs("</h1>\n<p>Partner ", fp);
	html_text(fp, inputs_partner_name(in, f[L_PARTNER]));
	fputs(" (", fp);
	html_text(fp, f[L_PARTNER]);
	fprintf(fp, "). As of %s: ", as_of);
	fputs(k->intro, fp);
	fputs("</p>\n", fp);
}

static void html_panel(FILE *fp, const struct kind *k, char **f, const char *pcp_name,
		       int first)
{
	if (!first)
		fputs("</tbody></table></section>\n", fp);
	fputs("<section><h2>PCP panel: ", fp);
	if (*f[L_PCP]) {
		html_text(fp, *pcp_name ? pcp_name : "(name not on the roster)");
		fputs(" <span class=\"id\">NPI ", fp);
		html_text(fp, f[L_PCP]);
		fputs("</span>", fp);
	} else {
		fputs("no PCP", fp);
	}
	fprintf(fp, "</h2>\n<table><thead><tr><th>Member</th><th>Born</th><th>Phone</th>"
		"<th>Language</th><th>Last PCP visit</th><th>%s</th></tr></thead>"
		"<tbody>\n", k->last_th);
}

static void html_row(FILE *fp, const struct kind *k, char **f, size_t nvar,
		     const struct measure_index *mx)
{
	fputs("<tr><td>", fp);
	html_text(fp, f[L_LAST_NAME]);
	fputs(*f[L_LAST_NAME] && *f[L_FIRST_NAME] ? ", " : "", fp);
	html_text(fp, f[L_FIRST_NAME]);
	fputs(" <span class=\"id\">", fp);
	html_text(fp, f[L_MEMBER]);
	fputs("</span></td><td class=\"n\">", fp);
	html_text(fp, f[L_BIRTH]);
	fputs("</td><td class=\"n\">", fp);
	html_text(fp, f[L_PHONE]);
	fputs("</td><td>", fp);
	html_text(fp, f[L_LANGUAGE]);
	fputs(strcmp(f[L_INTERPRETER], "Y") == 0 ? " (interpreter)" : "", fp);
	fputs("</td><td class=\"n\">", fp);
	html_text(fp, *f[L_LAST_VISIT] ? f[L_LAST_VISIT] : "none on file");
	fputs("</td><td>", fp);
	k->html_cell(fp, f, nvar, mx);
	fputs("</td></tr>\n", fp);
}


static int close_clinic(struct clinic_lists *l, int ok)
{
	int rc = ok ? 0 : -1;

	if (!l->open)
		return rc;
	l->open = 0;
	if (rc == 0) {
		fputs("</tbody></table></section>\n</body></html>\n", l->html.fp);
		rc = afile_commit(&l->csv);
	} else {
		afile_abort(&l->csv);
	}
	if (rc == 0)
		return afile_commit(&l->html);
	afile_abort(&l->html);
	return -1;
}

static int open_clinic(struct clinic_lists *l, char **f)
{
	char *partner = export_file_name(f[L_PARTNER], "unassigned", "");
	char *clinic = export_file_name(f[L_CLINIC], NO_CLINIC, "");
	char *dir = NULL, *path;
	int rc = -1;

	if (!partner || !clinic) {
		err_set("partner '%s' or clinic '%s' cannot name a list file",
			f[L_PARTNER], f[L_CLINIC]);
		goto out;
	}
	dir = xasprintf("%s/%s", l->fresh, partner);
	if (fs_mkdirs(dir, AFILE_PHI_DIR) < 0)
		goto out;
	path = xasprintf("%s/%s.csv", dir, clinic);
	rc = afile_open(&l->csv, path, AFILE_PHI);
	free(path);
	if (rc < 0)
		goto out;
	path = xasprintf("%s/%s.html", dir, clinic);
	rc = afile_open(&l->html, path, AFILE_PHI);
	free(path);
	if (rc < 0)
		afile_abort(&l->csv);
	else
		l->open = 1;
out:
	free(partner);
	free(clinic);
	free(dir);
	return rc;
}

/* What every row of one kind is written with. */
struct out_ctx {
	const struct measure_index *measures;
	const struct export_inputs *in;
	const struct roster *roster;
	const char *as_of;
	char **f;           /* the row's fields */
	char *prev[2];      /* the partner and clinic being written */
};

/* One sorted row, opening its clinic's files and PCP panel when new. */
static int write_row(struct clinic_lists *l, char *line, struct out_ctx *o)
{
	const struct kind *k = &kinds[l->kind];
	size_t nvar;
	char **f = o->f;
	const struct provider *p;
	int new_clinic;

	worklist_split(line, f, L_NFIXED + l->counts.max_var * WL_GAP_FIELDS);
	new_clinic = !l->open || strcmp(o->prev[0], f[L_PARTNER]) ||
		     strcmp(o->prev[1], f[L_CLINIC]);
	if (new_clinic) {
		if (close_clinic(l, 1) < 0 || open_clinic(l, f) < 0)
			return -1;
		l->counts.files++;
		csv_header(l->csv.fp, k, l->counts.max_var);
		html_open(l->html.fp, k, f, o->in, o->as_of);
		free(o->prev[0]);
		free(o->prev[1]);
		o->prev[0] = xstrdup(f[L_PARTNER]);
		o->prev[1] = xstrdup(f[L_CLINIC]);
	}
	p = roster_find(o->roster, f[L_PCP]);
	if (new_clinic || strcmp(l->pcp, f[L_PCP]) != 0) {
		html_panel(l->html.fp, k, f, p ? p->name : "", new_clinic);
		snprintf(l->pcp, sizeof(l->pcp), "%s", f[L_PCP]);
	}
	if ((nvar = k->nvar(f)) > l->counts.max_var)
		return err_set("a %s row has more fields than counted", k->dir);
	csv_row(l->csv.fp, k, f, p ? p->name : "", nvar);
	html_row(l->html.fp, k, f, nvar, o->measures);
	return 0;
}

/* Write one kind's sorted rows out. */
static int write_all(struct clinic_lists *l, struct extsort *s, struct out_ctx *o)
{
	const char *line;
	size_t len;
	int rc;

	o->f = xcalloc(L_NFIXED + l->counts.max_var * WL_GAP_FIELDS, sizeof(char *));
	o->prev[0] = o->prev[1] = NULL;
	while ((rc = extsort_next(s, &line, &len)) > 0) {
		char *copy = xstrndup(line, len);

		rc = write_row(l, copy, o);
		free(copy);
		if (rc < 0)
			break;
	}
	free(o->prev[0]);
	free(o->prev[1]);
	free(o->f);
	if (rc == 0)
		rc = close_clinic(l, 1);
	return rc < 0 ? -1 : 0;
}

/* Make each kind's fresh directory and set its counts. */
static int start_lists(struct worklists *w, const char *export_dir,
		       const struct list_counts *counts)
{
	for (int i = 0; i < NLISTS; i++) {
		struct clinic_lists *l = &w->list[i];

		l->kind = (enum list_kind)i;
		l->dir = xasprintf("%s/%s", export_dir, kinds[i].dir);
		l->fresh = xasprintf("%s.new", l->dir);
		l->counts = counts[i];
		if (fs_remove_tree(l->fresh) < 0 || fs_mkdirs(l->fresh, AFILE_PHI_DIR) < 0)
			return -1;
	}
	return 0;
}

int worklists_write(struct worklists *w, const struct config *cfg, const char *export_dir,
		    const struct measure_set *ms, const struct care_def *care,
		    const struct export_inputs *in, const char *as_of,
		    const struct extsort_config *sort)
{
	struct extsort *s[NLISTS] = { extsort_new(sort), extsort_new(sort) };
	struct list_counts counts[NLISTS];
	struct measure_index measures;
	struct out_ctx o = { .measures = &measures, .in = in, .as_of = as_of };
	struct roster roster;
	int nproviders;
	/* every shard holds every provider: the first's serve */
	char **providers = shard_paths(cfg, "normalize/providers.rec.zst", &nproviders);
	int rc;

	memset(w, 0, sizeof(*w));
	memset(counts, 0, sizeof(counts));
	measure_index_init(&measures, ms);
	rc = roster_load(&roster, providers[0], NULL);
	shard_paths_free(providers, nproviders);
	o.roster = &roster;
	if (rc == 0)
		rc = worklists_sort(s, cfg, &measures, care, as_of, counts);
	for (int i = 0; rc == 0 && i < NLISTS; i++)
		rc = extsort_finish(s[i]);
	if (rc == 0)
		rc = start_lists(w, export_dir, counts);
	for (int i = 0; rc == 0 && i < NLISTS; i++)
		rc = write_all(&w->list[i], s[i], &o);
	roster_release(&roster);
	measure_index_release(&measures);
	for (int i = 0; i < NLISTS; i++)
		extsort_free(s[i]);
	return rc;
}

static int finish_list(struct clinic_lists *l, int ok)
{
	int rc = close_clinic(l, ok);

	if (!l->fresh)
		return rc;
	if (ok && rc == 0)
		rc = fs_replace_dir(l->fresh, l->dir);
	else
		fs_remove_tree(l->fresh);
	free(l->dir);
	free(l->fresh);
	l->dir = l->fresh = NULL;
	return ok ? rc : -1;
}

int worklists_finish(struct worklists *w, int ok)
{
	int rc = ok ? 0 : -1;

	for (int i = 0; i < NLISTS; i++)
		if (finish_list(&w->list[i], rc == 0) < 0)
			rc = -1;
	return rc;
}
