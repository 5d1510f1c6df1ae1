/*
 * The measure expression language: parsing (and its error messages) and
 * evaluation at the edges that measures depend on.
 */
#include <stdlib.h>

#include "mexpr.h"
#include "date.h"
#include "err.h"
#include "tap.h"

static const char *const valuesets[] = { "dtap_vaccine", "hpv_vaccine", "hospice",
					  "well_care_visit", "hba1c_result", "bp_diastolic",
					  "positive", NULL };
static const char *const dates[] = { "b2", "b13", NULL };
static const char *const refs[] = { "dtap", "hpv", NULL };

static int lookup(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return i;
	return -1;
}

static int vs_slot(void *arg, const char *name) { (void)arg; return lookup(valuesets, name); }
static int date_slot(void *arg, const char *name) { (void)arg; return lookup(dates, name); }
static int ref_slot(void *arg, const char *name) { (void)arg; return lookup(refs, name); }

/* hba1c_result (4) holds results in %, bp_diastolic (5) in mm[Hg] */
static const char *unit_of(void *arg, int slot)
{
	(void)arg;
	return slot == 4 ? "%" : slot == 5 ? "mm[Hg]" : NULL;
}

/* one union, shots = dtap_vaccine | hpv_vaccine */
static int union_items(void *arg, const char *name, const int **slots, const int **with)
{
	static const int vs[] = { 0, 1 }, none[] = { -1, -1 };

	(void)arg;
	if (strcmp(name, "shots") != 0)
		return -1;
	*slots = vs;
	*with = none;
	return 2;
}

/* the results of hba1c_result coded in positive: slot 7 */
static int answered(void *arg, int slot, int answers)
{
	(void)arg;
	return slot == 4 && answers == 6 ? 7 : err_set("no such answer list");
}

static const struct mx_names names = { date_slot, vs_slot, ref_slot, NULL, NULL, 0,
				       unit_of, union_items, answered };

#define D(y, m, d) date_from_ymd(y, m, d)

/* Parse must fail with a message containing want. */
static void parse_fails(const char *text, const char *want)
{
	struct mx_node *n = mx_parse(text, &names);

	ok(!n && strstr(err_msg(), want), "'%s' fails: %s", text, n ? "(parsed)" : err_msg());
	mx_free(n);
}

static void test_parse_errors(void)
{
	parse_fails("count(dtap_vaccine, my) >= ", "column 28: expected a whole number");
	parse_fails("count(nope, my) >= 1", "column 7: unknown value set 'nope'");
	parse_fails("age(my.end) in 6..3", "age range is empty");
	parse_fails("enrolled(my, gapz = 1)", "expected gaps = N or gap_days = N");
	parse_fails("b2 + 3w in my", "expected a duration");
	parse_fails("sex = X", "sex is F, M or U");
	parse_fails("(true", "expected ')'");
	parse_fails("true true", "unexpected 'true' after the expression");
	parse_fails("unknown_thing", "column 1: unknown name 'unknown_thing'");
	parse_fails("index in my", "only for episode measures");
	parse_fails("count(dtap_vaccine, my)", "expected a comparison");
	parse_fails("", "unexpected end of text");
	parse_fails("died(my) @", "unexpected '@'");
	parse_fails("count(dtap_vaccine & nope, my) >= 1", "column 22: unknown value set 'nope'");
	parse_fails("count(dtap_vaccine & , my) >= 1", "unknown value set ','");
	parse_fails("enrolled_days(my)", "expected a comparison (>=, >, <=, <, =) after enrolled_days(...)");
	parse_fails("first(nope, my) in my", "column 7: unknown value set 'nope'");
	parse_fails("first(dtap_vaccine) in my", "expected ','");
	parse_fails("first(dtap_vaccine, b2 .. ) in my", "unknown date ')'");
	parse_fails("enrollment_start(b2 + 1w) in my", "expected a duration");
	parse_fails("any(hospice, first(dtap_vaccine, my) .. my.end + 1x)", "expected a duration");
}

/* A child born 2023-03-10: b2 = 2025-03-10. */
static struct mx_hit dtap[7], hpv[2], visit[2];
static struct mx_hits hits[8];
static struct enr_span spans[2];
static int named[2];
static signed char ref_results[2];

static void fill_fixture(void)
{
	struct mx_hit d[] = {
		{ D(2023, 4, 20), 0, 1, 0, 0, 0, 0 },  /* 41 days old: too early with a 42-day rule */
		{ D(2023, 5, 12), 0, 2, 0, 0, 0, 0 }, { D(2023, 5, 12), 0, 3, 0, 0, 0, 0 }, /* two on one date */
		{ D(2023, 7, 12), 0, 4, 0, 0, 0, 0 }, { D(2023, 9, 12), 1, 5, 0, 0, 0, 0 }, /* a denied one */
		{ D(2024, 6, 1), 0, 6, 0, 0, 0, 0 }, { D(2025, 3, 11), 0, 7, 0, 0, 0, 0 },  /* day after b2 */
	};
	struct mx_hit h[] = { { D(2024, 1, 1), 0, 8, 0, 0, 0, 0 }, { D(2024, 5, 25), 0, 9, 0, 0, 0, 0 } };
	struct enr_span e[] = { { D(2024, 3, 1), D(2024, 4, 14), 0 },
				{ D(2024, 4, 15), D(2025, 12, 31), 1 } };

	memcpy(dtap, d, sizeof(d));
	memcpy(hpv, h, sizeof(h));
	/* a visit on the claim of the 2023-05-12 dose (evidence 3), and one on
	 * another claim of 2024-06-01 */
	struct mx_hit v[] = { { D(2023, 5, 12), 0, 3, 0, 0, 0, 0 }, { D(2024, 6, 1), 0, 10, 0, 0, 0, 0 } };

	memcpy(spans, e, sizeof(e));
	memcpy(visit, v, sizeof(v));
	hits[0] = (struct mx_hits){ dtap, 7 };
	hits[1] = (struct mx_hits){ hpv, 2 };
	hits[3] = (struct mx_hits){ visit, 2 };
}

static struct mx_ctx child(void)
{
	struct mx_ctx c = { 0 };

	fill_fixture();
	c.my_start = D(2025, 1, 1);
	c.my_end = D(2025, 12, 31);
	c.as_of = D(2026, 3, 31);
	c.birth = D(2023, 3, 10);
	c.death = DATE_NONE;
	c.sex = 'F';
	c.spans = spans;
	c.nspans = 2;
	c.hits = hits;
	c.index = c.index_end = DATE_NONE;
	named[0] = date_birthday(c.birth, 2);
	c.named = named;
	c.refs = ref_results;
	return c;
}

static int eval_text(const char *text, const struct mx_ctx *c, struct mx_trace *t)
{
	struct mx_node *n = mx_parse(text, &names);
	int r;

	if (!n) {
		printf("# parse error in '%s': %s\n", text, err_msg());
		return -1;
	}
	r = mx_eval(n, c, t);
	mx_free(n);
	return r;
}

#define holds(c, text) ok(eval_text(text, &(c), NULL) == 1, "holds: %s", text)
#define fails(c, text) ok(eval_text(text, &(c), NULL) == 0, "does not hold: %s", text)

static void test_eval(void)
{
	struct mx_ctx c = child();
	struct mx_trace t;

	holds(c, "b2 in my");
	holds(c, "birthday(2) in my and age(my.end) in 2..2");
	fails(c, "age(b2 - 1d) in 2..2");
	holds(c, "age_months(birthday(1) + 3m) in 15..15");
	holds(c, "age_months(birthday(1) + 90d) in 14..14"); /* HEDIS 15 months is not calendar */
	holds(c, "sex = F and not sex = M");
	holds(c, "my.birthday in b2 .. b2 and age(my.birthday) in 2..2");
	/* enrollment: spans start 2024-03-01, b2 - 1y + 1d = 2024-03-11 */
	holds(c, "enrolled(b2 - 1y + 1d .. b2)");
	fails(c, "enrolled(b2 - 1y - 10d .. b2)");
	holds(c, "enrolled(b2 - 1y - 10d .. b2, gaps = 1, gap_days = 10)");
	/* 2024 is a leap year: from Feb 20 the gap to Mar 1 is 10 days */
	holds(c, "enrolled(b2 - 1y - 19d .. b2, gaps = 1, gap_days = 10)");
	fails(c, "enrolled(b2 - 1y - 20d .. b2, gaps = 1, gap_days = 10)");
	holds(c, "enrolled_on(b2)");
	fails(c, "enrolled_on(my.end + 1d)");
	/* doses: distinct dates, denied excluded by default, window edges */
	holds(c, "count(dtap_vaccine, birth .. b2) = 4");
	holds(c, "count(dtap_vaccine, birth + 42d .. b2) = 3");
	c.count_denied = 1;
	holds(c, "count(dtap_vaccine, birth + 42d .. b2) = 4");
	c.count_denied = 0;
	holds(c, "count(dtap_vaccine, birth .. b2 + 1d) = 5");
	holds(c, "count(hpv_vaccine, my.start - 1y .. my.end, apart = 146) = 1");
	holds(c, "count(hpv_vaccine, my.start - 1y .. my.end, apart = 145) = 2");
	holds(c, "count(dtap_vaccine | hpv_vaccine, birth .. b2) = 6");
	fails(c, "any(hospice, ever)");
	fails(c, "died(ever)");
	c.death = D(2025, 6, 1);
	holds(c, "died(my)");
	c.death = DATE_NONE;
	fails(c, "death in ever");
	ref_results[1] = 1;
	holds(c, "hpv or dtap");
	fails(c, "dtap");

	mx_trace_init(&t);
	ok(eval_text("count(dtap_vaccine, birth + 42d .. b2) >= 3", &c, &t) == 1 &&
	   t.evidence == 6 && t.evidence_date == D(2024, 6, 1),
	   "evidence is the dose that completed the count");
	mx_trace_init(&t);
	ok(eval_text("count(dtap_vaccine, birth + 42d .. b2) >= 4", &c, &t) == 0 &&
	   t.deadline == D(2025, 3, 10), "a missing dose's deadline is the window end");
	mx_trace_init(&t);
	ok(eval_text("first(hospice, ever) in b2 - 30d .. b2 - 1d", &c, &t) == 0 &&
	   t.deadline == D(2025, 3, 9), "an undefined date not in its window: the window end");
	mx_trace_init(&t);
	ok(eval_text("b2 in my and my.end in my.start .. b2", &c, &t) == 0 &&
	   t.deadline == D(2025, 3, 10), "a date after its window: the window end");
	{
		/* slot 0 "dtap" not met, slot 1 "hpv" met by hit 9 on 2024-08-01 */
		struct mx_trace traces[2] = { { -1, DATE_NONE, D(2025, 1, 31) },
					      { 9, D(2024, 8, 1), DATE_NONE } };

		c.ref_traces = traces;
		mx_trace_init(&t);
		ok(eval_text("dtap", &c, &t) == 0 && t.deadline == D(2025, 1, 31),
		   "a sub-result not met passes its deadline on");
		mx_trace_init(&t);
		ok(eval_text("hpv", &c, &t) == 1 && t.deadline == DATE_NONE &&
		   t.evidence == 9 && t.evidence_date == D(2024, 8, 1),
		   "a sub-result met passes its evidence on, no deadline");
		mx_trace_init(&t);
		ok(eval_text("hpv and count(dtap_vaccine, birth + 42d .. b2) >= 3", &c, &t) == 1 &&
		   t.evidence == 9 && t.evidence_date == D(2024, 8, 1),
		   "an 'and' is completed by the part completed last (the sub-result)");
		mx_trace_init(&t);
		ok(eval_text("count(dtap_vaccine, birth + 42d .. b2) >= 3 and count(dtap_vaccine, birth .. b2) >= 1",
			     &c, &t) == 1 && t.evidence == 6 && t.evidence_date == D(2024, 6, 1),
		   "an 'and' of two counts: the later completing dose");
		mx_trace_init(&t);
		ok(eval_text("(hpv and dtap) or count(dtap_vaccine, birth .. b2) >= 1", &c, &t) == 1 &&
		   t.evidence_date != D(2024, 8, 1),
		   "a failed branch of an 'or' leaves no evidence");
		c.ref_traces = NULL;
	}
	mx_trace_init(&t);
	ok(eval_text("b2 in my", &c, &t) == 1 && t.evidence == -1 &&
	   t.evidence_date == D(2025, 3, 10), "a date in its window is its own evidence");
}

/* A date expression's value in c, or DATE_NONE + 1 on a parse error. */
static int date_of(const char *text, const struct mx_ctx *c)
{
	struct mx_date d;
	int day;

	if (mx_parse_date(text, &names, &d) < 0) {
		printf("# parse error in '%s': %s\n", text, err_msg());
		return DATE_NONE + 1;
	}
	day = mx_date_eval(&d, c);
	mx_date_release(&d);
	return day;
}

#define date_is(c, text, want) ok(date_of(text, &(c)) == (want), "date: %s", text)

/* first(), enrollment_start() and enrolled_days() */
static void test_date_functions(void)
{
	struct mx_ctx c = child();

	date_is(c, "first(dtap_vaccine, birth .. b2)", D(2023, 4, 20));
	date_is(c, "first(dtap_vaccine, birth + 42d .. b2)", D(2023, 5, 12));
	date_is(c, "first(dtap_vaccine, birth + 42d .. b2) + 14d", D(2023, 5, 26));
	/* the denied dose on 2023-09-12 is skipped unless denied claims count */
	date_is(c, "first(dtap_vaccine, birth + 154d .. b2)", D(2024, 6, 1));
	c.count_denied = 1;
	date_is(c, "first(dtap_vaccine, birth + 154d .. b2)", D(2023, 9, 12));
	c.count_denied = 0;
	date_is(c, "first(hpv_vaccine | dtap_vaccine, my.start - 1y .. my.end)", D(2024, 1, 1));
	date_is(c, "first(dtap_vaccine, b2 + 2d .. my.end)", DATE_NONE);
	date_is(c, "first(hospice, ever) + 1d", DATE_NONE);
	fails(c, "first(hospice, ever) in ever");
	fails(c, "any(dtap_vaccine, first(hospice, ever) .. my.end)");
	holds(c, "count(dtap_vaccine, first(hpv_vaccine, ever) .. b2 + 1d) = 2");
	/* spans 2024-03-01..04-14 and 04-15..2025-12-31 (another partner): one run */
	date_is(c, "enrollment_start(b2)", D(2024, 3, 1));
	date_is(c, "enrollment_start(b2) + 42d", D(2024, 4, 12));
	date_is(c, "enrollment_start(my.end + 1d)", DATE_NONE);
	date_is(c, "enrollment_start(birth)", DATE_NONE);
	holds(c, "enrollment_start(my.end) in b2 - 1y - 9d .. b2 - 1y - 9d");
	holds(c, "enrolled_days(my) = 365");
	holds(c, "enrolled_days(my.start - 1y .. my.end) = 671");
	holds(c, "enrolled_days(my.start - 1y .. my.start - 1d) >= 306");
	fails(c, "enrolled_days(my.start - 1y .. my.start - 1d) > 306");
	holds(c, "enrolled_days(birth .. b2 - 1y) = 10"); /* 2024-03-01..03-10 */
}

/* vs & vs: both on one claim and date */
static void test_join(void)
{
	struct mx_ctx c = child();
	struct mx_names episode_names = names;
	struct mx_node *n;
	int *slots = NULL;

	episode_names.allow_index = 1;
	n = mx_parse("index_dx(dtap_vaccine & hpv_vaccine)", &episode_names);
	ok(!n && strstr(err_msg(), "index_dx() takes no '&'"), "index_dx() refuses '&'");
	mx_free(n);
	int *with = NULL;

	ok(mx_parse_vslist("dtap_vaccine & hpv_vaccine", &names, &slots, NULL) < 0 &&
	   strstr(err_msg(), "'&' is for count(), any(), first() and episode events only"),
	   "a rate's event list refuses '&'");
	ok(mx_parse_vslist("dtap_vaccine | hpv_vaccine", &names, &slots, NULL) == 2 &&
	   slots[0] == 0 && slots[1] == 1, "an event list of two value sets");
	free(slots);
	ok(mx_parse_vslist("dtap_vaccine & hpv_vaccine | well_care_visit", &names, &slots,
			   &with) == 2 && with[0] == slots[0] + 1 && with[1] == -1,
	   "an episode's event list joins with '&'");
	free(slots);
	free(with);

	holds(c, "count(dtap_vaccine & well_care_visit, ever) = 1");
	holds(c, "count(well_care_visit & dtap_vaccine, ever) = 1");
	holds(c, "count(dtap_vaccine & well_care_visit | hpv_vaccine, ever) = 3");
	fails(c, "any(dtap_vaccine & well_care_visit, birth + 64d .. as_of)");
	fails(c, "any(dtap_vaccine & hpv_vaccine, ever)");
	date_is(c, "first(dtap_vaccine & well_care_visit, ever)", D(2023, 5, 12));
	date_is(c, "first(well_care_visit & dtap_vaccine, b2 - 1y .. b2)", DATE_NONE);
}

/* Spans: hospice from 2024-12-31 through 2025-01-01, on 2025-03-01 with
 * no through date, and from 2025-12-30 through 2026-01-02. */
static void test_spans(void)
{
	struct mx_ctx c = child();
	struct mx_hit h[] = { { D(2024, 12, 31), 0, 20, D(2025, 1, 1), 0, 0, 0 },
			      { D(2025, 3, 1), 0, 21, 0, 0, 0, 0 },
			      { D(2025, 12, 30), 0, 22, D(2026, 1, 2), 0, 0, 0 } };
	struct mx_trace t;

	hits[2] = (struct mx_hits){ h, 3 };
	holds(c, "count(hospice, my) = 2");
	holds(c, "count(hospice, my, starts) = 2");
	holds(c, "count(hospice, my, overlaps) = 3");
	holds(c, "count(hospice, my, during) = 1");
	holds(c, "count(hospice, my, ends) = 2");
	holds(c, "any(hospice, my.start .. my.start, overlaps)");
	fails(c, "any(hospice, my.start .. my.start)");
	fails(c, "any(hospice, my.start + 1d .. my.start + 58d, overlaps)");
	holds(c, "count(hospice, my.end - 1d .. my.end + 2d, during) = 1");
	fails(c, "any(hospice, my.end - 1d .. my.end + 1d, during)");
	fails(c, "any(hospice, my.end - 1d .. my.end + 1d, ends)");
	holds(c, "any(hospice, my.end + 2d .. my.end + 2d, ends)");
	/* no through date: the service ends on its date */
	holds(c, "any(hospice, my.start + 59d .. my.start + 59d, during)");
	holds(c, "any(hospice, my.start + 59d .. my.start + 59d, ends)");
	holds(c, "count(hospice, my.start - 1y .. my.end, overlaps, apart = 61) = 2");
	mx_trace_init(&t);
	ok(eval_text("any(hospice, my, overlaps)", &c, &t) == 1 && t.evidence == 20 &&
	   t.evidence_date == D(2025, 1, 1), "a span begun before its window: evidenced on the window's first day");
	mx_trace_init(&t);
	ok(eval_text("any(hospice, my.start + 1d .. my.start + 58d, overlaps)", &c, &t) == 0 &&
	   t.deadline == D(2025, 2, 28), "a span missing its window: the window end");
	hits[2] = (struct mx_hits){ NULL, 0 };
}

/* distinct(): four fills in the MY and one before it; keys 0 and 1 are
 * drugs, 5 and 6 prescribers. */
static void test_distinct(void)
{
	struct mx_ctx c = child();
	struct mx_attr a[] = { { { 0, 5, -1, -1 } }, { { 0, 6, -1, -1 } },
			       { { 1, 5, -1, -1 } }, { { -1, -1, -1, -1 } } };
	struct mx_hit h[] = { { D(2024, 6, 1), 0, 30, 0, 3, 0, 0 }, { D(2025, 1, 10), 0, 31, 0, 1, 0, 0 },
			      { D(2025, 2, 10), 0, 32, 0, 2, 0, 0 }, { D(2025, 3, 10), 0, 33, 0, 3, 0, 0 },
			      { D(2025, 4, 10), 0, 34, 0, 4, 0, 0 } };
	uint64_t seen[1] = { ~(uint64_t)0 };
	struct mx_trace t;

	hits[2] = (struct mx_hits){ h, 5 };
	fails(c, "distinct(hospice, my, by = code) >= 1"); /* no fields: none counts */
	c.attrs = a;
	c.nkeys = 7;
	c.seen = seen;
	holds(c, "distinct(hospice, my, by = code) = 2");
	holds(c, "distinct(hospice, my, by = prescriber) = 2");
	holds(c, "distinct(hospice, ever, by = code) = 2");
	holds(c, "distinct(hospice, my, by = billing_npi) = 0");
	holds(c, "distinct(hospice, my, by = rendering_npi) < 1");
	holds(c, "distinct(hospice, my.start .. my.start + 40d, by = code) = 1");
	holds(c, "distinct(hospice, my.start .. my.start + 40d, by = prescriber) = 2");
	holds(c, "distinct(hospice | dtap_vaccine, my, overlaps, by = code) = 2");
	holds(c, "distinct(hospice, my, by = code) = 2"); /* seen is cleared each time */
	mx_trace_init(&t);
	ok(eval_text("distinct(hospice, my, by = code) >= 2", &c, &t) == 1 && t.evidence == 33 &&
	   t.evidence_date == D(2025, 3, 10), "distinct(): evidence is the event adding the K-th key");
	mx_trace_init(&t);
	ok(eval_text("distinct(hospice, my, by = code) >= 3", &c, &t) == 0 &&
	   t.deadline == D(2025, 12, 31), "distinct(): a shortfall's deadline is the window end");
	hits[2] = (struct mx_hits){ NULL, 0 };
}

static void test_span_and_distinct_errors(void)
{
	parse_fails("any(hospice, my, overlap)", "column 18: expected during, overlaps, starts or ends");
	parse_fails("any(hospice, my, apart = 3)", "expected during, overlaps, starts or ends");
	parse_fails("count(hospice, my, apart = 2, x) >= 1",
		    "expected apart = N or during, overlaps, starts or ends");
	parse_fails("count(hospice, my, during, ends) >= 1", "column 28: this option is given twice");
	parse_fails("any(hospice, my, during", "expected ')'");
	parse_fails("distinct(hospice, my) >= 2", "distinct() needs by = FIELD");
	parse_fails("distinct(hospice, my, by = ndc) >= 2",
		    "column 28: by is code, prescriber, billing_npi or rendering_npi, not 'ndc'");
	parse_fails("distinct(hospice, my, by code) >= 2", "expected '='");
	parse_fails("distinct(hospice, my, by = code)", "after distinct(...)");
	parse_fails("distinct(hospice, my, apart = 3, by = code) >= 1",
		    "expected by = FIELD or during, overlaps, starts or ends");
	parse_fails("distinct(hospice, my, by = code, by = code) >= 1", "given twice");
}

/* A bad result comparison, calendar date or open age fails at parse,
 * naming the column. */
static void test_result_parse_errors(void)
{
	parse_fails("latest(dtap_vaccine, my) > 9 %",
		    "column 26: latest() compares results: item 1 is not a result value set");
	parse_fails("latest(hba1c_result | dtap_vaccine, my) > 9 %",
		    "column 41: latest() compares results: item 2 is not a result value set");
	parse_fails("latest(hba1c_result, my) > 9 mg",
		    "column 26: unit 'mg' does not match the value set's '%'");
	parse_fails("latest(hba1c_result | bp_diastolic, my) < 90 mm[Hg]",
		    "unit 'mm[Hg]' does not match the value set's '%'");
	parse_fails("latest(hba1c_result, my) > 9", "column 29: expected the unit");
	parse_fails("latest(hba1c_result, my) > 9.0.1 %", "column 28: expected a number");
	parse_fails("latest(hba1c_result, my) > high %", "column 28: expected a number");
	parse_fails("latest(hba1c_result, my) + 1d > 9 %", "expected 'in'");
	parse_fails("latest(hba1c_result, my)", "expected 'in' or a comparison");
	parse_fails("latest(hba1c_result | bp_diastolic, my) = positive",
		    "a coded answer is of one value set's results");
	parse_fails("latest(hpv_vaccine, my) = positive", "column 25: no such answer list");
	parse_fails("latest(hba1c_result) > 9 %", "expected ','");
	parse_fails("date(2024, 10, 8) in my", "column 6: expected my.year");
	parse_fails("date(my.year, 13, 1) in my", "expected a month from 1 to 12");
	parse_fails("date(my.year, 2, 29) in my", "expected a day from 1 to 28");
	parse_fails("date(my.year, 4, 31) in my", "expected a day from 1 to 30");
	parse_fails("date(my.year - 1y, 4, 1) in my", "expected a whole number");
	parse_fails("date(my.year, 4) in my", "expected ','");
	parse_fails("age(my.end) >= x", "expected a whole number");
	parse_fails("age(my.end) < 0", "age range is empty");
	parse_fails("age(my.end) 66", "expected 'in' or a comparison");
}

/* A diabetic adult's HbA1c results (slot 4) and a coded answer (slot 7). */
static struct mx_hit a1c[5], a1c_positive[1];

static struct mx_ctx adult(void)
{
	struct mx_ctx c = child();
	struct mx_hit r[] = {
		{ D(2025, 2, 1), 0, 20, 0, 0, 10000, 10000 },
		{ D(2025, 6, 1), 0, 21, 0, 0, 9500, 9500 },  /* one date: a lab result */
		{ D(2025, 6, 1), 0, 22, 0, 0, 8000, 9000 },  /* and a CPT II band 8.0-9.0 */
		{ D(2025, 9, 1), 1, 23, 0, 0, 7000, 7000 },  /* denied */
		{ D(2026, 1, 5), 0, 24, 0, 0, 6000, 6000 },  /* after the MY */
	};
	struct mx_hit p[] = { { D(2025, 6, 1), 0, 21, 0, 0, 0, 0 } };

	memcpy(a1c, r, sizeof(r));
	memcpy(a1c_positive, p, sizeof(p));
	hits[4] = (struct mx_hits){ a1c, 5 };
	hits[7] = (struct mx_hits){ a1c_positive, 1 };
	return c;
}

/* latest(): its date, its lowest result, bands, ties, denied and missing
 * results; the coded answer of the latest date. */
static void test_latest(void)
{
	struct mx_ctx c = adult();
	struct mx_trace t;

	date_is(c, "latest(hba1c_result, my)", D(2025, 6, 1));
	date_is(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31))", D(2025, 2, 1));
	date_is(c, "latest(hba1c_result, my.start .. date(my.year, 6, 1))", D(2025, 6, 1));
	date_is(c, "latest(hba1c_result, ever)", D(2026, 1, 5));
	date_is(c, "latest(hba1c_result, my) + 30d", D(2025, 7, 1));
	date_is(c, "latest(hba1c_result, my.end + 1d .. my.end + 2d)", DATE_NONE);
	date_is(c, "latest(hospice | hba1c_result, my)", D(2025, 6, 1));
	date_is(c, "latest(dtap_vaccine | hpv_vaccine, birth .. b2)", D(2024, 6, 1));
	/* one value: both ends of every comparison */
	holds(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) > 9.999 %");
	fails(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) > 10.0 %");
	holds(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) >= 10.0 %");
	holds(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) = 10 %");
	holds(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) <= 10 %");
	fails(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) < 10 %");
	holds(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) < 10.001 %");
	/* a tie: the lowest, the band 8.0-9.0, which holds only what every
	 * value of it holds */
	fails(c, "latest(hba1c_result, my) > 9.0 %");
	holds(c, "latest(hba1c_result, my) <= 9.0 %");
	fails(c, "latest(hba1c_result, my) < 9.0 %");
	holds(c, "latest(hba1c_result, my) >= 8.0 %");
	fails(c, "latest(hba1c_result, my) > 8.0 %");
	fails(c, "latest(hba1c_result, my) = 8.0 %");
	/* the denied result counts where denied claims do */
	c.count_denied = 1;
	date_is(c, "latest(hba1c_result, my)", D(2025, 9, 1));
	holds(c, "latest(hba1c_result, my) = 7 %");
	c.count_denied = 0;
	/* no result in the window: neither side holds */
	fails(c, "latest(hba1c_result, my.end + 1d .. my.end + 2d) > 9 %");
	fails(c, "latest(hba1c_result, my.end + 1d .. my.end + 2d) <= 9 %");
	holds(c, "not latest(hba1c_result, my.end + 1d .. my.end + 2d) <= 9 %");
	fails(c, "latest(hba1c_result, my.end + 1d .. my.end + 2d) in ever");
	/* evidence: the lowest result; a failure's deadline: the window's end */
	mx_trace_init(&t);
	ok(eval_text("latest(hba1c_result, my) <= 9 %", &c, &t) == 1 && t.evidence == 22 &&
	   t.evidence_date == D(2025, 6, 1), "a result is evidenced by the lowest of its date");
	mx_trace_init(&t);
	ok(eval_text("latest(hba1c_result, my) > 9 %", &c, &t) == 0 && t.evidence == -1 &&
	   t.deadline == D(2025, 12, 31), "a failed result's deadline is its window's end");
	/* a coded answer on the latest date */
	holds(c, "latest(hba1c_result, my) = positive");
	fails(c, "latest(hba1c_result, my.start .. date(my.year, 5, 31)) = positive");
	fails(c, "latest(hba1c_result, my.end + 1d .. my.end + 2d) = positive");
}

/* date(), open age comparisons, named unions */
static void test_comforts(void)
{
	struct mx_ctx c = child();

	date_is(c, "date(my.year - 1, 10, 8)", D(2024, 10, 8));
	date_is(c, "date(my.year, 12, 31)", D(2025, 12, 31));
	date_is(c, "date(my.year + 1, 2, 28) + 1d", D(2026, 3, 1));
	date_is(c, "date(my.year, 1, 1) - 1d", D(2024, 12, 31));
	holds(c, "b2 in date(my.year, 3, 10) .. date(my.year, 3, 10)");
	/* born 2023-03-10: 2 on Dec 31 of the MY */
	holds(c, "age(my.end) >= 2");
	fails(c, "age(my.end) >= 3");
	holds(c, "age(my.end) > 1");
	fails(c, "age(my.end) > 2");
	holds(c, "age(my.end) <= 2");
	fails(c, "age(my.end) <= 1");
	holds(c, "age(my.end) < 3");
	fails(c, "age(my.end) < 2");
	holds(c, "age(my.end) = 2");
	fails(c, "age(my.end) = 3");
	holds(c, "age_months(my.end) >= 33");
	fails(c, "age(death) >= 0");
	/* shots = dtap_vaccine | hpv_vaccine: 5 dates of DTaP (one denied
	 * left out), 2 of HPV */
	holds(c, "count(shots, ever) = 7");
	holds(c, "count(shots | well_care_visit, ever) = 7");
	holds(c, "count(well_care_visit | shots, ever) = 7");
	date_is(c, "first(shots, my.start - 1y .. my.end)", D(2024, 1, 1));
}

int main(void)
{
	test_parse_errors();
	test_eval();
	test_date_functions();
	test_join();
	test_spans();
	test_distinct();
	test_span_and_distinct_errors();
	test_result_parse_errors();
	test_latest();
	test_comforts();
	return done_testing();
}
