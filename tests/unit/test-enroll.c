#include "date.h"
#include "enroll.h"
#include "tap.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_gaps(void)
{
	int from = D(2025, 1, 1), to = D(2025, 12, 31);
	/* a 45-day gap: Mar 1 .. Apr 14 uncovered */
	struct enr_span gap45[] = { { from, D(2025, 2, 28), 0 }, { D(2025, 4, 15), to, 0 } };
	/* a 46-day gap: Mar 1 .. Apr 15 uncovered */
	struct enr_span gap46[] = { { from, D(2025, 2, 28), 0 }, { D(2025, 4, 16), to, 0 } };
	struct enr_span two[] = { { from, D(2025, 2, 28), 0 },
				  { D(2025, 3, 3), D(2025, 8, 31), 0 },
				  { D(2025, 9, 3), to, 0 } };
	struct enr_span late[] = { { D(2025, 2, 15), to, 0 } };      /* 45 days missing at start */
	struct enr_span early[] = { { from, D(2025, 11, 16), 0 } };  /* 45 days missing at end */
	struct enr_span early46[] = { { from, D(2025, 11, 15), 0 } };
	struct enr_span none[] = { { D(2024, 1, 1), D(2024, 12, 31), 0 } };

	ok(enr_continuous(gap45, N(gap45), from, to, 1, 45), "one gap of 45 days is allowed");
	ok(!enr_continuous(gap46, N(gap46), from, to, 1, 45), "one gap of 46 days is not");
	ok(!enr_continuous(gap45, N(gap45), from, to, 0, 0), "no gap at all when none allowed");
	ok(!enr_continuous(two, N(two), from, to, 1, 45), "two short gaps exceed one allowed");
	ok(enr_continuous(two, N(two), from, to, 2, 45), "two short gaps with two allowed");
	ok(enr_continuous(late, N(late), from, to, 1, 45), "45-day gap at the window start");
	ok(enr_continuous(early, N(early), from, to, 1, 45), "45-day gap at the window end");
	ok(!enr_continuous(early46, N(early46), from, to, 1, 45), "46-day gap at the window end");
	ok(!enr_continuous(none, N(none), from, to, 1, 45), "not enrolled in the window at all");
	ok(!enr_continuous(NULL, 0, from, to, 1, 45), "no spans");
}

static void test_switches_and_overlaps(void)
{
	int from = D(2025, 1, 1), to = D(2025, 12, 31);
	struct enr_span back[] = { { from, D(2025, 6, 30), 1 }, { D(2025, 7, 1), to, 2 } };
	struct enr_span overlap[] = { { from, D(2025, 8, 31), 1 },
				      { D(2025, 3, 1), D(2025, 5, 31), 2 },
				      { D(2025, 9, 1), to, 1 } };

	ok(enr_continuous(back, N(back), from, to, 0, 0),
	   "partners back to back: no gap");
	ok(enr_continuous(overlap, N(overlap), from, to, 0, 0),
	   "a span inside another: no gap");
	is_int(enr_days(overlap, N(overlap), from, to), 365, "overlapping days counted once");
	is_int(enr_days(back, N(back), D(2025, 6, 1), D(2025, 7, 31)), 61, "days in a sub-window");
}

static void test_anchor(void)
{
	struct enr_span s[] = { { D(2023, 6, 16), D(2025, 6, 14), 3 } };

	ok(enr_on_date(s, N(s), D(2025, 6, 14)), "enrolled on the anchor date (last day)");
	ok(!enr_on_date(s, N(s), D(2025, 6, 15)), "one day short of the anchor date");
	ok(!enr_on_date(s, N(s), D(2023, 6, 15)), "the day before the first day");
	is_int(enr_partner(s, N(s), 0, 0, D(2025, 6, 15), ENR_ANCHOR), -1,
	       "no partner when not enrolled on the anchor");
}

static void test_partner_rules(void)
{
	int from = D(2025, 1, 1), to = D(2025, 12, 31);
	/* partner 1 most of the year, partner 2 from Nov 1 */
	struct enr_span s[] = { { D(2024, 1, 1), D(2025, 10, 31), 1 }, { D(2025, 11, 1), to, 2 } };
	/* overlap on the anchor: the later-starting span wins */
	struct enr_span o[] = { { D(2024, 1, 1), to, 5 }, { D(2025, 12, 1), to, 4 } };
	/* equal days: two 10-day spans */
	struct enr_span e[] = { { D(2025, 1, 1), D(2025, 1, 10), 7 }, { D(2025, 1, 11), D(2025, 1, 20), 6 } };

	is_int(enr_partner(s, N(s), from, to, to, ENR_ANCHOR), 2, "anchor: Dec 31 partner");
	is_int(enr_partner(s, N(s), from, to, to, ENR_LAST), 2, "last partner in window");
	is_int(enr_partner(s, N(s), from, to, to, ENR_MOST_DAYS), 1, "most days");
	is_int(enr_partner(s, N(s), from, D(2025, 6, 30), 0, ENR_LAST), 1,
	       "last partner of a window that ends before the switch");
	is_int(enr_partner(o, N(o), from, to, to, ENR_ANCHOR), 4,
	       "overlap on the anchor: the later span wins");
	is_int(enr_partner(e, N(e), D(2025, 1, 1), D(2025, 1, 20), 0, ENR_MOST_DAYS), 6,
	       "equal days: the later-starting span wins");
	is_int(enr_partner(s, N(s), D(2026, 1, 1), D(2026, 12, 31), 0, ENR_MOST_DAYS), -1,
	       "no partner outside enrollment");
	/* equal starts, sorted by partner id; the caller numbered the partners
	 * in the order first seen, so the lower id may have the higher number */
	struct enr_span t[] = { { D(2025, 1, 1), to, 1 }, { D(2025, 1, 1), to, 0 } };

	is_int(enr_partner(t, N(t), from, to, to, ENR_ANCHOR), 1,
	       "equal starts: the lower partner id, not the lower number");
	is_int(enr_partner(t, N(t), from, to, to, ENR_LAST), 1, "the same for the last day");
	is_int(enr_partner(t, N(t), from, to, 0, ENR_MOST_DAYS), 1, "the same for most days");
}

int main(void)
{
	test_gaps();
	test_switches_and_overlaps();
	test_anchor();
	test_partner_rules();
	return done_testing();
}
