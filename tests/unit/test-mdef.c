/*
 * Measure definition files: a good one loads with every name resolved;
 * each kind of mistake fails with the file, line and what is wrong.
 */
#include <stdlib.h>
#include <unistd.h>

#include "mdef.h"
#include "err.h"
#include "tap.h"
#include "valueset.h"
#include "xalloc.h"

static char dir[] = "/tmp/cco-test-mdef-XXXXXX";
static struct valuesets *vs;

static const char good[] =
	"; a two-antigen combo\n"
	"[measure]\n"
	"id = CIS-T\n"
	"name = Test immunization combo\n"
	"version = 2025\n"
	"steward = test\n"
	"direction = higher\n"
	"denied_claims = yes\n"
	"partner_rule = anchor\n"
	"partner_anchor = b2\n"
	"\n"
	"[dates]\n"
	"b1 = birthday(1)\n"
	"b2 = b1 + 1y\n"
	"\n"
	"[denominator]\n"
	"turns_2 = b2 in my\n"
	"enrolled = enrolled(b2 - 1y + 1d .. b2,\n"
	"    gaps = 1, gap_days = 45)\n"
	"\n"
	"[exclusions]\n"
	"hospice = any(hospice, my)\n"
	"\n"
	"[numerator.dtap]\n"
	"doses = count(dtap_vaccine, birth + 42d .. b2) >= 4\n"
	"\n"
	"[numerator.mmr]\n"
	"dose = count(mmr_vaccine, b1 .. b2) >= 1\n"
	"\n"
	"[numerator.combo]\n"
	"all = dtap and mmr\n"
	"\n"
	"[strata]\n"
	"girls = sex = F\n";

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void test_good(void)
{
	char *path = write_file("good.ini", good);
	struct measure_set *s = mdef_load_file(path, vs);
	const struct measure *m;

	if (!ok(s != NULL, "a good definition loads: %s", s ? "" : err_msg())) {
		free(path);
		return;
	}
	m = &s->m[0];
	is_str(m->id, "CIS-T", "id");
	is_int(m->count_denied, 1, "denied claims count");
	is_int(m->gaps, 1, "a higher-is-better proportion yields gaps unless it says no");
	is_int(m->ndates, 2, "two named dates");
	is_int(m->partner_anchor.base, MXD_NAMED, "partner anchor names a date");
	is_int(m->denominator.n, 2, "two denominator criteria");
	is_str(m->denominator.v[1].text, "enrolled(b2 - 1y + 1d .. b2, gaps = 1, gap_days = 45)",
	       "a continuation line joins its key");
	is_int(m->denominator.v[1].line, 18, "a criterion knows its line");
	is_int(m->nnum, 3, "three sub-results");
	is_int(m->num[2].crit.v[0].expr->kind, MX_AND, "combo refers to earlier sub-results");
	is_int(m->nstrata, 1, "one stratum");
	is_int(s->nvs, 3, "three value sets referenced");
	mdef_free(s);
	free(path);
}

/* first(), enrollment_start(), enrolled_days(), '&' and event.admission
 * load, and the dates own their arguments (valgrind checks the freeing). */
static void test_date_functions(void)
{
	char *text = xstrdup(good), *p = strstr(text, "b2 = b1 + 1y\n"), *edited, *path;
	struct measure_set *s;

	*p = '\0';
	edited = xasprintf("%sb2 = first(dtap_vaccine & mmr_vaccine | hospice, b1 .. my.end) + 1d\n"
			   "b3 = enrollment_start(b2)\n%s", text, p + strlen("b2 = b1 + 1y\n"));
	free(text);
	text = edited;
	p = strstr(text, "girls = sex = F");
	*p = '\0';
	edited = xasprintf("%sgirls = enrolled_days(b3 .. my.end) >= 180 and "
			   "any(event.admission, my) and "
			   "any(event.ed_visit except (hospice | dtap_vaccine), my) and "
			   "any(event.ed_visit except (hospice | dtap_vaccine), my)\n", text);
	path = write_file("functions.ini", edited);
	s = mdef_load_file(path, vs);
	if (ok(s != NULL, "date functions load: %s", s ? "" : err_msg())) {
		is_int(s->m[0].dates[1].base, MXD_FIRST, "first() is a date");
		is_int(s->m[0].dates[1].days, 1, "first() + 1d");
		is_int(s->m[0].dates[1].fn->nvs, 2, "first() of two items");
		is_int(s->m[0].dates[1].fn->with[0] >= 0, 1, "the first joined with '&'");
		is_int(s->m[0].dates[2].base, MXD_ENROLL_START, "enrollment_start() is a date");
		is_int(s->m[0].strata[0].crit.v[0].expr->a->a->a->kind, MX_ENROLLED_DAYS,
		       "enrolled_days() is a predicate");
		is_int(s->builtin[s->nvs - 3], EV_ADMISSION, "event.admission is an event list");
		is_int(s->builtin[s->nvs - 1], EV_ED_VISIT, "an ED list with except is an ED list");
		is_int(s->nexcept[s->nvs - 1], 2, "less the visits of two value sets");
		is_str(s->vs_names[s->nvs - 1], "event.ed_visit except (hospice | dtap_vaccine)",
		       "one slot for the same text written twice");
	}
	mdef_free(s);
	free(path);
	free(edited);
	free(text);
}

/* The definition text with `from` replaced by `to` must fail with a
 * message containing want. */
static void edit_fails(const char *base, const char *from, const char *to, const char *want)
{
	char *text = xstrdup(base), *p = strstr(text, from), *path;
	char *edited;
	struct measure_set *s;

	if (!p) {
		ok(0, "fixture has no '%s'", from);
		free(text);
		return;
	}
	*p = '\0';
	edited = xasprintf("%s%s%s", text, to, p + strlen(from));
	path = write_file("bad.ini", edited);
	s = mdef_load_file(path, vs);
	ok(!s && strstr(err_msg(), want), "%s -> %s", to, s ? "(loaded)" : err_msg());
	mdef_free(s);
	free(path);
	free(edited);
	free(text);
}

/* Spans and distinct() load where any expression may use them, and the
 * set says whether it uses distinct() (the reader keeps events' fields
 * only then). */
static void test_spans_distinct(void)
{
	char *text = xstrdup(good), *p = strstr(text, "hospice = any(hospice, my)\n"), *edited;
	char *path = write_file("good.ini", good);
	struct measure_set *s = mdef_load_file(path, vs);

	ok(s && !mdef_uses(s, MX_DISTINCT), "a set without distinct() does not use it");
	mdef_free(s);
	free(path);
	*p = '\0';
	edited = xasprintf("%shospice = any(hospice, my, overlaps) or\n"
			   "    count(hospice, ever, apart = 30, ends) >= 2\n"
			   "girls_seen = distinct(hospice | dtap_vaccine, my, during, by = rendering_npi) >= 2\n%s",
			   text, p + strlen("hospice = any(hospice, my)\n"));
	path = write_file("spans.ini", edited);
	s = mdef_load_file(path, vs);
	if (ok(s != NULL, "spans and distinct() load: %s", s ? "" : err_msg())) {
		const struct mx_node *h = s->m[0].exclusions.v[0].expr, *d = s->m[0].exclusions.v[1].expr;

		is_int(h->a->span, MXS_OVERLAPS, "any(..., overlaps)");
		is_int(h->b->span, MXS_ENDS, "count(..., apart = 30, ends)");
		is_int(h->b->apart, 30, "apart beside a span");
		is_int(d->kind, MX_DISTINCT, "distinct() is a predicate");
		is_int(d->by, MXB_RENDERING, "by = rendering_npi");
		is_int(d->span, MXS_DURING, "distinct(..., during, ...)");
		ok(mdef_uses(s, MX_DISTINCT), "the set uses distinct()");
	}
	mdef_free(s);
	free(path);
	free(edited);
	free(text);
}

/* The definition `good` with `from` replaced by `to` must fail with want. */
static void fails(const char *from, const char *to, const char *want)
{
	edit_fails(good, from, to, want);
}

static void test_errors(void)
{
	fails("direction = higher", "direction = up", "bad.ini:7: direction must be 'lower' or 'higher', not 'up'");
	fails("id = CIS-T", "id = CIS T", "bad.ini:3: id may hold");
	fails("id = CIS-T\n", "", "[measure] id is required");
	fails("version = 2025", "colour = red", "bad.ini:5: unknown key 'colour' in [measure]");
	/* libinih reports a section with its first key */
	fails("[exclusions]", "[exclude]", "bad.ini:22: unknown section [exclude]");
	fails("doses = count(dtap_vaccine, birth + 42d .. b2) >= 4",
	      "doses = count(dtap_vacine, birth + 42d .. b2) >= 4",
	      "bad.ini:25: 'doses': column 7: unknown value set 'dtap_vacine'");
	fails("all = dtap and mmr", "all = dtap and combo",
	      "bad.ini:31: 'all': column 10: unknown name 'combo'");
	fails("turns_2 = b2 in my", "turns_2 = dtap", "unknown name 'dtap'");
	fails("b1 = birthday(1)", "b1 = b2 - 1y", "bad.ini:13: date 'b1': column 1: unknown date 'b2'");
	fails("partner_anchor = b2", "partner_anchor = b9", "bad.ini:10: partner_anchor");
	fails("b2 = b1 + 1y", "b2 = first(dtap_vacine, my)",
	      "bad.ini:14: date 'b2': column 7: unknown value set 'dtap_vacine'");
	fails("b2 = b1 + 1y", "b2 = enrollment_start(b1 + 1w)",
	      "bad.ini:14: date 'b2': column 23: expected a duration");
	/* a key written out again on the next line is a second definition,
	 * not a continuation (libinih passes both alike) */
	fails("hospice = any(hospice, my)\n", "hospice = any(hospice, my)\nhospice = died(my)\n",
	      "bad.ini:23: 'hospice' already set on line 22");
	fails("version = 2025", "version = 2025\nversion = 2026",
	      "bad.ini:6: 'version' already set on line 5");
	fails("b1 = birthday(1)", "b1 = birthday(1)\nb1 = birthday(2)",
	      "bad.ini:14: 'b1' already set on line 13");
	fails("[numerator.combo]", "[numerator.dtap]", "bad.ini:31: sub-result 'dtap' is defined twice");
	fails("turns_2 = b2 in my\nenrolled = enrolled(b2 - 1y + 1d .. b2,\n    gaps = 1, gap_days = 45)\n",
	      "", "[denominator] needs at least one criterion");
	fails("[numerator.dtap]\ndoses = count(dtap_vaccine, birth + 42d .. b2) >= 4\n\n"
	      "[numerator.mmr]\ndose = count(mmr_vaccine, b1 .. b2) >= 1\n\n[numerator.combo]\nall = dtap and mmr\n",
	      "", "needs at least one [numerator.NAME] section");
	fails("[strata]\ngirls = sex = F\n", "[strata]\ngirls = sex = F\nx = 1\ngirls = sex = M\n",
	      "bad.ini:36: 'girls' already set on line 34");
	fails("hospice = any(hospice, my)", "hospice = any(hospice except (dtap_vaccine), my)",
	      "bad.ini:22: 'hospice': column 13: 'except' follows event.ed_visit or "
	      "event.ed_visit_all only");
	fails("hospice = any(hospice, my)",
	      "hospice = any(event.ed_visit except (event.discharge), my)",
	      "'except' takes value sets, not 'event.discharge'");
	fails("hospice = any(hospice, my)", "hospice = any(event.ed_visit except hospice, my)",
	      "expected '('");
	fails("partner_rule = anchor", "partner_rule = anchor\ngaps = some",
	      "bad.ini:10: gaps must be 'no' or 'yes', not 'some'");
	fails("partner_rule = anchor", "partner_rule = anchor\nkind = rate_per_1000_mm\ngaps = yes",
	      "bad.ini:11: gaps = yes is for proportions");
	fails("partner_rule = anchor", "partner_rule = each\nkind = rate_per_1000_mm",
	      "bad.ini: partner_rule = each is for member-level proportions");
	fails("hospice = any(hospice, my)", "hospice = any(hospice, my, overlap)",
	      "bad.ini:22: 'hospice': column 18: expected during, overlaps, starts or ends");
	fails("hospice = any(hospice, my)", "hospice = any(hospice, my, ends, during)",
	      "bad.ini:22: 'hospice': column 24: this option is given twice");
	fails("hospice = any(hospice, my)", "hospice = distinct(hospice, my, by = npi) >= 2",
	      "bad.ini:22: 'hospice': column 28: by is code, prescriber, billing_npi or "
	      "rendering_npi, not 'npi'");
	fails("hospice = any(hospice, my)", "hospice = distinct(hospice, my) >= 2",
	      "bad.ini:22: 'hospice': column 21: distinct() needs by = FIELD");
	fails("hospice = any(hospice, my)", "hospice = distinct(hospice, my, by = code)",
	      "bad.ini:22: 'hospice': column 33: expected a comparison (>=, >, <=, <, =) after distinct(...)");
}

/* Results, latest(), date(), open ages and [valuesets] unions load: a
 * GSD-like eCQM variant (another age band, a qualifying visit, a result
 * value) written as a definition alone. */
static const char results[] =
	"[measure]\n"
	"id = GSD-T\n"
	"name = Test glycemic status\n"
	"version = 2025\n"
	"steward = test\n"
	"direction = lower\n"
	"\n"
	"[valuesets]\n"
	"shots = dtap_vaccine | mmr_vaccine\n"
	"all_shots = shots | hospice\n"
	"\n"
	"[dates]\n"
	"from = date(my.year - 1, 10, 8)\n"
	"last_a1c = latest(hba1c_result, my)\n"
	"\n"
	"[denominator]\n"
	"age = age(my.end) >= 18 and age(my.end) < 76\n"
	"visit = any(all_shots, from .. my.end)\n"
	"\n"
	"[numerator.poor]\n"
	"above_9 = latest(hba1c_result, my) > 9.0 %\n"
	"    or not any(hba1c_result, my)\n"
	"on_the_day = last_a1c in my\n";

static void test_results(void)
{
	char *path = write_file("results.ini", results);
	struct measure_set *s = mdef_load_file(path, vs);
	const struct measure *m;

	if (ok(s != NULL, "results, latest(), date() and unions load: %s", s ? "" : err_msg())) {
		m = &s->m[0];
		is_int(m->dates[0].base, MXD_MY_START, "date() is a day counted from my.start");
		is_int(m->dates[0].months, -12 + 9, "date(my.year - 1, 10, ...): 15 months back");
		is_int(m->dates[0].days, 7, "and 7 days on");
		is_int(m->dates[1].base, MXD_LATEST, "latest() is a date");
		is_int(m->denominator.v[0].expr->a->hi, 100000, "age >= 18 has no upper bound");
		is_int(m->denominator.v[0].expr->b->hi, 75, "age < 76 is at most 75");
		is_int(m->denominator.v[1].expr->nvs, 3, "a union of a union and a set: 3 items");
		is_int(m->num[0].crit.v[0].expr->a->kind, MX_RESULT, "a result comparison");
		is_int(m->num[0].crit.v[0].expr->a->value, 9000, "in thousandths");
	}
	mdef_free(s);
	free(path);
}

/* results with `from` replaced by `to` must fail with want. */
static void results_fail(const char *from, const char *to, const char *want)
{
	edit_fails(results, from, to, want);
}

static void test_result_errors(void)
{
	results_fail("above_9 = latest(hba1c_result, my) > 9.0 %",
		     "above_9 = latest(hospice, my) > 9.0 %",
		     "bad.ini:21: 'above_9': column 21: latest() compares results: item 1 is not "
		     "a result value set");
	results_fail("above_9 = latest(hba1c_result, my) > 9.0 %",
		     "above_9 = latest(hba1c_result, my) > 9.0 mmol/mol",
		     "bad.ini:21: 'above_9': column 26: unit 'mmol/mol' does not match the value "
		     "set's '%'");
	results_fail("above_9 = latest(hba1c_result, my) > 9.0 %",
		     "above_9 = latest(hba1c_result | bp_systolic, my) > 9.0 %",
		     "column 40: unit '%' does not match the value set's 'mm[Hg]'");
	results_fail("above_9 = latest(hba1c_result, my) > 9.0 %",
		     "above_9 = latest(all_shots, my) = hospice",
		     "bad.ini:21: 'above_9': column 23: a coded answer is of one value set's results");
	results_fail("above_9 = latest(hba1c_result, my) > 9.0 %",
		     "above_9 = latest(hba1c_result, my) = event.discharge",
		     "column 26: a coded answer compares value sets, not event lists");
	results_fail("shots = dtap_vaccine | mmr_vaccine", "hospice = dtap_vaccine | mmr_vaccine",
		     "bad.ini:9: 'hospice' is a value set already");
	results_fail("shots = dtap_vaccine | mmr_vaccine", "shots = dtap_vaccine | mmr",
		     "bad.ini:9: 'shots': column 16: unknown value set 'mmr'");
	results_fail("shots = dtap_vaccine | mmr_vaccine", "shots = all_shots",
		     "bad.ini:9: 'shots': column 1: unknown value set 'all_shots'");
	results_fail("from = date(my.year - 1, 10, 8)", "from = date(2024, 10, 8)",
		     "bad.ini:13: date 'from': column 6: expected my.year");
	results_fail("age = age(my.end) >= 18", "age = age(my.end) > 18.5",
		     "bad.ini:17: 'age': column 17: unexpected '.'");
}

int main(void)
{
	char *vsdir;
	const char *root = getenv("CCO_ROOT");

	if (!mkdtemp(dir))
		return 1;
	vsdir = xasprintf("%s/tests/fixtures/measure/valuesets", root ? root : ".");
	vs = vs_load(vsdir);
	ok(vs != NULL, "fixture value sets load: %s", vs ? vsdir : err_msg());
	free(vsdir);
	if (vs) {
		test_good();
		test_date_functions();
		test_errors();
		test_spans_distinct();
		test_results();
		test_result_errors();
	}
	vs_free(vs);
	return done_testing_in(dir);
}
