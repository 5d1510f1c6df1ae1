/*
 * htmlquality.c: the data-quality section of the internal report.html,
 * from WORKSPACE/quality/report.tsv, the judged checks and claims volumes
 * that cco-pipeline writes after normalize (cco-quality(5)).  A report
 * file that is absent gives no section; one with a line of another form
 * is refused, naming file and line.  Aggregates only: the file holds no
 * member identifier or code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "htmlchart.h"
#include "xalloc.h"

#define QLINE_MAXF 9

/* The fields of each kind of line, the kind first. */
static int fields_of(const char *kind)
{
	if (strcmp(kind, "volume") == 0)
		return 8;
	if (strcmp(kind, "check") == 0)
		return 8;
	if (strcmp(kind, "summary") == 0)
		return 2;
	return -1;
}

/* Split line in place at TABs into f; the number of fields. */
static int split(char *line, char **f)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < QLINE_MAXF; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static int keep_line(struct qreport *r, const char *path, long no, char *line)
{
	char *copy = xstrdup(line), *f[QLINE_MAXF];
	int bad = split(copy, f) != fields_of(f[0]);

	free(copy);
	if (bad)
		return err_set("%s:%ld: not a data-quality report line", path, no);
	xgrow(&r->lines, &r->cap, r->n + 1, sizeof(*r->lines));
	r->lines[r->n++] = xstrdup(line);
	return 0;
}

int qreport_load(struct qreport *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long no = 0;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (!f)
		return errno == ENOENT ? 0 : err_set("cannot open '%s': %s", path, strerror(errno));
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		rc = keep_line(r, path, ++no, line);
	}
	if (rc == 0 && ferror(f))
		rc = err_set("cannot read '%s': %s", path, strerror(errno));
	free(line);
	fclose(f);
	if (rc < 0)
		qreport_release(r);
	return rc;
}

void qreport_release(struct qreport *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

/* The cells f[from..to] of a row, text escaped; the first left-aligned. */
static void cells(FILE *fp, char **f, int from, int to)
{
	fputs("<tr>", fp);
	for (int i = from; i <= to; i++) {
		fputs(i == from ? "<td class=\"t\">" : "<td>", fp);
		html_text(fp, f[i]);
		fputs("</td>", fp);
	}
	fputs("</tr>\n", fp);
}

/* The rows of the lines of kind, fields from..to; how many. */
static int rows_of(FILE *fp, const struct qreport *r, const char *kind, int from, int to)
{
	int n = 0;

	for (size_t i = 0; i < r->n; i++) {
		char *copy = xstrdup(r->lines[i]), *f[QLINE_MAXF];

		if (split(copy, f) && strcmp(f[0], kind) == 0) {
			cells(fp, f, from, to);
			n++;
		}
		free(copy);
	}
	return n;
}

/* Field i of the first line of kind, in buf; "" if none. */
static void field_of(const struct qreport *r, const char *kind, int i, char *buf, size_t n)
{
	*buf = '\0';
	for (size_t l = 0; l < r->n && !*buf; l++) {
		char *copy = xstrdup(r->lines[l]), *f[QLINE_MAXF];
		int nf = split(copy, f);

		if (strcmp(f[0], kind) == 0 && i < nf)
			snprintf(buf, n, "%s", f[i]);
		free(copy);
	}
}

static void volume_table(FILE *fp, const struct qreport *r)
{
	char base[32];

	field_of(r, "volume", 7, base, sizeof(base));
	if (!*base)
		return;
	fputs("<table id=\"quality-volumes\"><caption>Final claims of the latest claims "
	      "extract by partner, against the ", fp);
	html_text(fp, base);
	fputs("</caption>\n<thead><tr><th scope=\"col\">Claims</th><th scope=\"col\">"
	      "Partner</th><th scope=\"col\">Before</th><th scope=\"col\">Now</th>"
	      "<th scope=\"col\">Change</th><th scope=\"col\">Result</th></tr></thead>\n", fp);
	rows_of(fp, r, "volume", 1, 6);
	fputs("</table>\n", fp);
}

static void check_table(FILE *fp, const struct qreport *r)
{
	fputs("<table id=\"quality-checks\"><caption>Checks</caption>\n<thead><tr>"
	      "<th scope=\"col\">Category</th><th scope=\"col\">Check</th>"
	      "<th scope=\"col\">Violated</th><th scope=\"col\">Of</th>"
	      "<th scope=\"col\">Share</th><th scope=\"col\">Result</th>"
	      "<th scope=\"col\">Against the run before</th></tr></thead>\n", fp);
	rows_of(fp, r, "check", 1, 7);
	fputs("</table>\n", fp);
}

void html_quality(FILE *fp, const struct qreport *r)
{
	char summary[1024];

	if (!r->n)
		return;
	field_of(r, "summary", 1, summary, sizeof(summary));
	fputs("<section id=\"data-quality\"><h2>Data quality of the extracts</h2>\n<p>", fp);
	html_text(fp, *summary ? summary : "No data-quality finding.");
	fputs("</p>\n", fp);
	volume_table(fp, r);
	check_table(fp, r);
	fputs("</section>\n", fp);
}
