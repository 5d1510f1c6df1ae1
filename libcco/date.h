/*
 * date.h: calendar dates as day numbers.
 *
 * A date is an int: days since 1970-01-01 in the proleptic Gregorian
 * calendar.  No time zones, no wall clock: measures need only whole days,
 * and day numbers make windows, gaps and ages plain integer arithmetic.
 */
#ifndef CCO_DATE_H
#define CCO_DATE_H

#include <stddef.h>

#define DATE_NONE (-2147483647 - 1) /* the null date */
#define DATE_ISO_LEN 10             /* "YYYY-MM-DD" */

/* Day number of y-m-d; the caller must pass a valid date. */
int date_from_ymd(int y, int m, int d);

/* Split a day number into year, month (1-12) and day (1-31). */
void date_to_ymd(int days, int *y, int *m, int *d);

/* 1 if y-m-d exists (Feb 30 does not), else 0. */
int date_valid(int y, int m, int d);

/* Days in month m of year y. */
int date_month_days(int y, int m);

/* Parse exactly "YYYY-MM-DD" (n bytes) into *days.  Returns 0, or -1 if the
 * text is not of that form or names a date that does not exist. */
int date_parse_iso(const char *s, size_t n, int *days);

/* Write "YYYY-MM-DD" and a NUL into buf (at least DATE_ISO_LEN + 1 bytes). */
void date_format(int days, char *buf);

/* Write the month of days as "YYYY-MM" and a NUL into buf (at least
 * DATE_ISO_LEN + 1 bytes): member months are labelled so, millions of
 * times a run, where snprintf() would cost more than the rest. */
void date_format_month(int days, char *buf);

/* Write year y, month m (1-12) as "YYYY-MM" plus NUL into buf (8 bytes). */
void date_format_ym(int y, int m, char *buf);

/* The same day-of-month m months later (earlier if negative), clamped to the
 * month's last day: Jan 31 + 1 month = Feb 28 (or 29). */
int date_add_months(int days, int months);

/* Whole years of age on date `on` for someone born on `birth`.  A person
 * born on Feb 29 turns a year older on Mar 1 in common years. */
int date_age_years(int birth, int on);

/* The nth birthday: the first day on which date_age_years() is n.  For a
 * Feb 29 birth that is Mar 1 in common years. */
int date_birthday(int birth, int n);

/* Whole months of age on date `on` for someone born on `birth`. */
int date_age_months(int birth, int on);

#endif
