/*
 * worklistout.c: the clinic worklist files.  Rows come sorted by partner,
 * clinic and PCP panel (worklist.c); each clinic gets PARTNER/CLINIC.csv,
 * one row per member with a column group per gap (as many groups as the
 * longest row of the run has), and PARTNER/CLINIC.html, a page per PCP
 * panel for the clinic's records.  Everything is built in a fresh
 * directory that replaces the previous one whole at worklists_finish().
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "extsort.h"
#include "htmlchart.h"
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

/* The CSV header: the member's columns, then a group per gap. */
static void csv_header(FILE *fp, size_t max_gaps)
{
	fputs("partner_id,clinic_id,pcp_npi,pcp_name,member_id,last_name,first_name,"
	      "birth_date,phone,language,interpreter,last_pcp_visit,open_gaps,"
	      "closable_gaps", fp);
	for (size_t i = 1; i <= max_gaps; i++)
		fprintf(fp, ",gap%zu_measure,gap%zu_submeasure,gap%zu_missing,"
			"gap%zu_deadline,gap%zu_closable", i, i, i, i, i);
	putc('\n', fp);
}

static void csv_row(FILE *fp, char **f, const char *pcp_name, size_t ngaps)
{
	static const int lead[] = { L_PARTNER, L_CLINIC, L_PCP, -1, L_MEMBER, L_LAST_NAME,
				    L_FIRST_NAME, L_BIRTH, L_PHONE, L_LANGUAGE,
				    L_INTERPRETER, L_LAST_VISIT, L_NGAPS, L_CLOSABLE };

	for (size_t k = 0; k < sizeof(lead) / sizeof(lead[0]); k++) {
		if (k)
			putc(',', fp);
		csv_field(fp, lead[k] < 0 ? pcp_name : f[lead[k]]);
	}
	for (size_t i = 0; i < ngaps * WL_GAP_FIELDS; i++) {
		putc(',', fp);
		csv_field(fp, f[L_NFIXED + i]);
	}
	putc('\n', fp);
}

static const char *measure_name(const struct measure_set *ms, const char *id)
{
	for (int i = 0; i < ms->n; i++)
		if (strcmp(ms->m[i].id, id) == 0)
			return ms->m[i].name;
	return "";
}

static void html_open(FILE *fp, char **f, const struct export_inputs *in,
		      const char *as_of)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<title>Worklist: ", fp);
	html_text(fp, f[L_CLINIC]);
	fprintf(fp, ", as of %s</title>\n<style>%s</style></head><body>\n<h1>Worklist: clinic ",
		as_of, style);
	html_text(fp, f[L_CLINIC]);
	fputs("</h1>\n<p>Partner ", fp);
	html_text(fp, inputs_partner_name(in, f[L_PARTNER]));
	fputs(" (", fp);
	html_text(fp, f[L_PARTNER]);
	fprintf(fp, "). Gaps as of %s: members in a measure's denominator, not excluded, "
		"without what the measure asks for yet. A gap is closable until its "
		"deadline. Members with the most closable gaps come first in each "
		"PCP panel.</p>\n", as_of);
}

static void html_panel(FILE *fp, char **f, const char *pcp_name, int first)
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
	fputs("</h2>\n<table><thead><tr><th>Member</th><th>Born</th><th>Phone</th>"
	      "<th>Language</th><th>Last PCP visit</th><th>Open gaps</th></tr></thead>"
	      "<tbody>\n", fp);
}

static void html_gaps(FILE *fp, char **g, size_t ngaps, const struct measure_set *ms)
{
	fputs("<ul>", fp);
	for (size_t i = 0; i < ngaps; i++, g += WL_GAP_FIELDS) {
		int closable = strcmp(g[GF_CLOSABLE], "yes") == 0;

		fputs(closable ? "<li>" : "<li class=\"late\">", fp);
		html_text(fp, g[GF_MEASURE]);
		fputs(" ", fp);
		html_text(fp, g[GF_SUB]);
		fputs(": ", fp);
		html_text(fp, measure_name(ms, g[GF_MEASURE]));
		if (*g[GF_MISSING]) {
			fputs("; missing ", fp);
			html_text(fp, g[GF_MISSING]);
		}
		if (*g[GF_DEADLINE])
			fprintf(fp, closable ? "; by %s" : "; deadline %s passed", g[GF_DEADLINE]);
		fputs("</li>", fp);
	}
	fputs("</ul>", fp);
}

static void html_row(FILE *fp, char **f, size_t ngaps, const struct measure_set *ms)
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
	html_gaps(fp, f + L_NFIXED, ngaps, ms);
	fputs("</td></tr>\n", fp);
}

/* The file name for an id, or NULL if the id cannot be one. */
static char *id_file(const char *id, const char *none)
{
	const char *ok = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

	if (!*id)
		return xstrdup(none);
	return id[0] == '.' || id[strspn(id, ok)] ? NULL : xstrdup(id);
}

static int close_clinic(struct worklists *w, int ok)
{
	int rc = ok ? 0 : -1;

	if (!w->open)
		return rc;
	w->open = 0;
	if (rc == 0) {
		fputs("</tbody></table></section>\n</body></html>\n", w->html.fp);
		rc = afile_commit(&w->csv);
	} else {
		afile_abort(&w->csv);
	}
	if (rc == 0)
		return afile_commit(&w->html);
	afile_abort(&w->html);
	return -1;
}

static int open_clinic(struct worklists *w, char **f)
{
	char *partner = id_file(f[L_PARTNER], "unassigned");
	char *clinic = id_file(f[L_CLINIC], NO_CLINIC);
	char *dir = NULL, *path;
	int rc = -1;

	if (!partner || !clinic) {
		err_set("partner '%s' or clinic '%s' cannot name a worklist file",
			f[L_PARTNER], f[L_CLINIC]);
		goto out;
	}
	dir = xasprintf("%s/%s", w->fresh, partner);
	if (fs_mkdirs(dir, AFILE_PHI_DIR) < 0)
		goto out;
	path = xasprintf("%s/%s.csv", dir, clinic);
	rc = afile_open(&w->csv, path, AFILE_PHI);
	free(path);
	if (rc < 0)
		goto out;
	path = xasprintf("%s/%s.html", dir, clinic);
	rc = afile_open(&w->html, path, AFILE_PHI);
	free(path);
	if (rc < 0)
		afile_abort(&w->csv);
	else
		w->open = 1;
out:
	free(partner);
	free(clinic);
	free(dir);
	return rc;
}

/* One sorted row, opening its clinic's files and PCP panel when new. */
static int write_row(struct worklists *w, char *line, char **prev, char **f,
		     const struct measure_set *ms, const struct export_inputs *in,
		     const struct roster *roster, const char *as_of)
{
	size_t nf = L_NFIXED + w->counts.max_gaps * WL_GAP_FIELDS, ngaps;
	const struct provider *p;
	int new_clinic;

	worklist_split(line, f, nf);
	new_clinic = !w->open || strcmp(prev[0], f[L_PARTNER]) || strcmp(prev[1], f[L_CLINIC]);
	if (new_clinic) {
		if (close_clinic(w, 1) < 0 || open_clinic(w, f) < 0)
			return -1;
		w->counts.files++;
		csv_header(w->csv.fp, w->counts.max_gaps);
		html_open(w->html.fp, f, in, as_of);
		free(prev[0]);
		free(prev[1]);
		prev[0] = xstrdup(f[L_PARTNER]);
		prev[1] = xstrdup(f[L_CLINIC]);
	}
	p = roster_find(roster, f[L_PCP]);
	if (new_clinic || strcmp(w->pcp, f[L_PCP]) != 0) {
		html_panel(w->html.fp, f, p ? p->name : "", new_clinic);
		snprintf(w->pcp, sizeof(w->pcp), "%s", f[L_PCP]);
	}
	ngaps = (size_t)strtoul(f[L_NGAPS], NULL, 10);
	if (ngaps > w->counts.max_gaps)
		return err_set("a worklist row has more gaps than counted");
	csv_row(w->csv.fp, f, p ? p->name : "", ngaps);
	html_row(w->html.fp, f, ngaps, ms);
	return 0;
}

/* Write the sorted rows out. */
static int write_all(struct worklists *w, struct extsort *s, const struct measure_set *ms,
		     const struct export_inputs *in, const struct roster *roster,
		     const char *as_of)
{
	char **f = xcalloc(L_NFIXED + w->counts.max_gaps * WL_GAP_FIELDS, sizeof(*f));
	char *prev[2] = { NULL, NULL };
	const char *line;
	size_t len;
	int rc;

	while ((rc = extsort_next(s, &line, &len)) > 0) {
		char *copy = xstrndup(line, len);

		rc = write_row(w, copy, prev, f, ms, in, roster, as_of);
		free(copy);
		if (rc < 0)
			break;
	}
	free(prev[0]);
	free(prev[1]);
	free(f);
	return rc < 0 ? -1 : close_clinic(w, 1);
}

int worklists_write(struct worklists *w, const char *ws, const char *dir,
		    const struct measure_set *ms, const struct export_inputs *in,
		    const char *as_of, const struct extsort_config *sort)
{
	struct extsort *s = extsort_new(sort);
	struct roster roster;
	char *providers = xasprintf("%s/normalize/providers.rec.zst", ws);
	int rc;

	memset(w, 0, sizeof(*w));
	w->dir = xstrdup(dir);
	w->fresh = xasprintf("%s.new", dir);
	rc = roster_load(&roster, providers, NULL);
	free(providers);
	if (rc == 0)
		rc = worklists_sort(s, ws, ms, as_of, &w->counts);
	if (rc == 0)
		rc = extsort_finish(s);
	if (rc == 0)
		rc = fs_remove_tree(w->fresh);
	if (rc == 0)
		rc = fs_mkdirs(w->fresh, AFILE_PHI_DIR);
	if (rc == 0)
		rc = write_all(w, s, ms, in, &roster, as_of);
	roster_release(&roster);
	extsort_free(s);
	return rc;
}

int worklists_finish(struct worklists *w, int ok)
{
	int rc = close_clinic(w, ok);

	if (!w->fresh)
		return rc;
	if (ok && rc == 0)
		rc = fs_replace_dir(w->fresh, w->dir);
	else
		fs_remove_tree(w->fresh);
	free(w->dir);
	free(w->fresh);
	memset(w, 0, sizeof(*w));
	return ok ? rc : -1;
}
