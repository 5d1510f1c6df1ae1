#include "date.h"
#include "tap.h"

static int iso(const char *s)
{
	int d = DATE_NONE;

	date_parse_iso(s, strlen(s), &d);
	return d;
}

static void test_round_trip(void)
{
	char buf[DATE_ISO_LEN + 1];
	int bad = 0;

	is_int(date_from_ymd(1970, 1, 1), 0, "epoch is day 0");
	is_int(date_from_ymd(2000, 3, 1), 11017, "2000-03-01 is day 11017");
	for (int d = date_from_ymd(1900, 1, 1); d <= date_from_ymd(2100, 12, 31); d++) {
		int y, m, dd;

		date_to_ymd(d, &y, &m, &dd);
		if (date_from_ymd(y, m, dd) != d || !date_valid(y, m, dd))
			bad++;
	}
	is_int(bad, 0, "every day 1900-2100 converts both ways");
	date_format(iso("2024-02-29"), buf);
	is_str(buf, "2024-02-29", "format a leap day");
	date_format_month(iso("2025-12-31"), buf);
	is_str(buf, "2025-12", "format a month");
	date_format_ym(2026, 1, buf);
	is_str(buf, "2026-01", "format a year and month");
	date_format_ym(999, 9, buf);
	is_str(buf, "0999-09", "a year before 1000, padded");
}

static void test_parse(void)
{
	int d;

	ok(date_parse_iso("2023-02-29", 10, &d) < 0, "2023-02-29 does not exist");
	ok(date_parse_iso("2023-02-30", 10, &d) < 0, "Feb 30 is rejected");
	ok(date_parse_iso("2023-13-01", 10, &d) < 0, "month 13 is rejected");
	ok(date_parse_iso("2023-1-01", 9, &d) < 0, "short month is rejected");
	ok(date_parse_iso("2023/01/01", 10, &d) < 0, "slashes are rejected");
	ok(date_parse_iso("2000-02-29", 10, &d) == 0, "2000 is a leap year");
	ok(date_parse_iso("1900-02-29", 10, &d) < 0, "1900 is not a leap year");
}

static void test_months_and_ages(void)
{
	is_int(date_add_months(iso("2023-01-31"), 1), iso("2023-02-28"),
	       "Jan 31 + 1 month clamps to Feb 28");
	is_int(date_add_months(iso("2024-01-31"), 1), iso("2024-02-29"),
	       "Jan 31 + 1 month is Feb 29 in a leap year");
	is_int(date_add_months(iso("2023-03-15"), -15), iso("2021-12-15"),
	       "minus 15 months crosses two years");
	is_int(date_age_years(iso("2021-06-15"), iso("2023-06-14")), 1,
	       "one day before the 2nd birthday: age 1");
	is_int(date_age_years(iso("2021-06-15"), iso("2023-06-15")), 2,
	       "on the 2nd birthday: age 2");
	is_int(date_age_years(iso("2020-02-29"), iso("2021-02-28")), 0,
	       "Feb 29 birthday: still 0 on Feb 28");
	is_int(date_age_years(iso("2020-02-29"), iso("2021-03-01")), 1,
	       "Feb 29 birthday: 1 on Mar 1");
	is_int(date_birthday(iso("2021-06-15"), 2), iso("2023-06-15"), "2nd birthday");
	is_int(date_birthday(iso("2020-02-29"), 1), iso("2021-03-01"),
	       "Feb 29 birth: 1st birthday is Mar 1 in a common year");
	is_int(date_birthday(iso("2020-02-29"), 4), iso("2024-02-29"),
	       "Feb 29 birth: 4th birthday is Feb 29");
	is_int(date_age_months(iso("2022-01-10"), iso("2023-04-09")), 14,
	       "14 months the day before 15");
	is_int(date_age_months(iso("2022-01-10"), iso("2023-04-10")), 15,
	       "15 months on the day");
}

int main(void)
{
	test_round_trip();
	test_parse();
	test_months_and_ages();
	return done_testing();
}
