/*
 * candidate.c: the care-coordination candidates' rows (cco-care(5)): the
 * criteria cco-measure flagged for a member, "no primary-care visit"
 * judged from the last visit, and, when a criterion that qualifies is
 * met, one line for the external sort with the score, the criteria met
 * and the detail of each.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "err.h"
#include "extsort.h"
#include "mstream.h"
#include "num.h"
#include "worklistpass.h"

int flags_read(struct wl *w, const char *id, struct flags *fl)
{
	struct rec_row row;
	int rc, c, any = 0;

	for (int i = 0; i < CARE_NCRITERIA; i++)
		fl->count[i] = -1;
	while ((rc = mstream_next(w->flags, id, &row)) > 0) {
		any = 1;
		c = care_named(row.field[CARE_FLAGS_criterion]);
		if (c < 0 || num_parse_int(row.field[CARE_FLAGS_count], 0, INT_MAX,
					   &fl->count[c]) < 0)
			return err_set("a care flag '%s' of count '%s' is not cco-measure's",
				       row.field[CARE_FLAGS_criterion],
				       row.field[CARE_FLAGS_count]);
		fl->detail[c] = wl_copy(w, &row, CARE_FLAGS_detail);
	}
	return rc < 0 ? -1 : any;
}

/* No primary-care visit in the criterion's look-back, judged from the
 * last one (an ISO date, or "" for none): sets its count and detail. */
static void judge_no_visit(struct wl *w, const struct who *who, struct flags *fl)
{
	const struct care_rule *r = &w->care->rule[CARE_NO_PCP_VISIT];
	const char *last = AT(w, who->f[L_LAST_VISIT]);
	char since[DATE_ISO_LEN + 1], text[64];
	int as_of;

	if (!r->on || date_parse_iso(w->as_of, strlen(w->as_of), &as_of) < 0)
		return;
	date_format(date_add_months(as_of, -r->months) + 1, since);
	if (*last && strcmp(last, since) >= 0)
		return;
	snprintf(text, sizeof(text), *last ? "last PCP visit %s" : "no PCP visit on file", last);
	fl->count[CARE_NO_PCP_VISIT] = 1;
	fl->detail[CARE_NO_PCP_VISIT] = text_add(&w->member, text, strlen(text));
}

/* Append a flag's detail as a person reads it: "cc_heart_failure
 * 2025-06-02|..." becomes "heart failure 2025-06-02; ...". */
static void line_detail(struct wl *w, const char *d)
{
	for (const char *p = d; *p; p++) { /* a run of plain bytes at a time */
		size_t n;

		if ((p == d || p[-1] == '|') && strncmp(p, "cc_", 3) == 0)
			p += 3;
		n = strcspn(p, "|_");
		if (n)
			line_append(w, p, n);
		p += n;
		if (!*p)
			break;
		line_append(w, *p == '|' ? "; " : " ", *p == '|' ? 2 : 1);
	}
}

/* The member's candidate row, if the flags qualify it. */
static int add_row(struct wl *w, const struct who *who, const struct flags *fl)
{
	const struct care_rule *r = w->care->rule;
	int score = 0, qualifies = 0;
	char rank[WL_NUMBER_LEN], text[WL_NUMBER_LEN + 32], reasons[128] = "";

	for (int c = 0; c < CARE_NCRITERIA; c++)
		if (fl->count[c] >= 0) {
			score += r[c].weight;
			qualifies |= r[c].qualifies;
			snprintf(reasons + strlen(reasons), sizeof(reasons) - strlen(reasons),
				 "%s%s", *reasons ? "+" : "", care_name(c));
		}
	if (!qualifies || score < w->care->min_score)
		return 0;
	wl_number(rank, 999999 - (score < 999999 ? score : 999999), 6);
	line_keys(w, who, AT(w, who->partner), AT(w, who->clinic), rank, NULL);
	line_field(w, "", wl_number(text, score, 0));
	line_field(w, "", reasons);
	for (int c = 0; c < CARE_NCRITERIA; c++) {
		if (fl->count[c] < 0) {
			line_field(w, "", "");
			continue;
		}
		if (c == CARE_OPEN_GAPS)
			snprintf(text, sizeof(text), "%d open gaps", fl->count[c]);
		else if (c == CARE_CHRONIC)
			snprintf(text, sizeof(text), "%d chronic conditions: ", fl->count[c]);
		else
			text[0] = '\0';
		line_field(w, "", text);
		if (c != CARE_OPEN_GAPS)
			line_detail(w, AT(w, fl->detail[c]));
	}
	w->counts[LIST_CANDIDATES].max_var = CARE_NCRITERIA;
	w->counts[LIST_CANDIDATES].rows++;
	return extsort_add(w->sort[LIST_CANDIDATES], w->line.s, w->line.n - 1);
}

int candidate_add(struct wl *w, const struct who *who, struct flags *fl)
{
	judge_no_visit(w, who, fl);
	return add_row(w, who, fl);
}
