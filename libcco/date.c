/*
 * Day-number conversions use Howard Hinnant's civil-from-days algorithms,
 * exact for every proleptic Gregorian date in int range.
 */
#include <stddef.h>

#include "date.h"

int date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_to_ymd(int days, int *y, int *m, int *d)
{
	int z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

int date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= date_month_days(y, m);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse_iso(const char *s, size_t n, int *days)
{
	int y, m, d;

	if (n != DATE_ISO_LEN || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d) ||
	    !date_valid(y, m, d))
		return -1;
	*days = date_from_ymd(y, m, d);
	return 0;
}

void date_format_ym(int y, int m, char *buf)
{
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '\0';
}

void date_format(int days, char *buf)
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	date_format_ym(y, m, buf);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

void date_format_month(int days, char *buf)
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	date_format_ym(y, m, buf);
}

int date_add_months(int days, int months)
{
	int y, m, d, total, last;

	date_to_ymd(days, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	last = date_month_days(y, m);
	return date_from_ymd(y, m, d > last ? last : d);
}

int date_age_years(int birth, int on)
{
	int by, bm, bd, y, m, d, age;

	date_to_ymd(birth, &by, &bm, &bd);
	date_to_ymd(on, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

int date_birthday(int birth, int n)
{
	int day = date_add_months(birth, 12 * n);

	return date_age_years(birth, day) < n ? day + 1 : day;
}

int date_age_months(int birth, int on)
{
	int by, bm, bd, y, m, d, months;

	date_to_ymd(birth, &by, &bm, &bd);
	date_to_ymd(on, &y, &m, &d);
	months = (y - by) * 12 + (m - bm);
	if (d < bd)
		months--;
	return months;
}
