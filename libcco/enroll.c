#include "enroll.h"

int enr_continuous(const struct enr_span *s, int n, int from, int to,
		   int max_gaps, int max_gap_days)
{
	int covered_to = from - 1; /* last day known covered */
	int gaps = 0;

	for (int i = 0; i < n && covered_to < to; i++) {
		if (s[i].end <= covered_to || s[i].start > to)
			continue;
		if (s[i].start > covered_to + 1) {
			int gap = s[i].start - covered_to - 1;

			if (++gaps > max_gaps || gap > max_gap_days)
				return 0;
		}
		covered_to = s[i].end;
	}
	if (covered_to < to) {
		int gap = to - covered_to;

		if (++gaps > max_gaps || gap > max_gap_days)
			return 0;
	}
	return 1;
}

int enr_on_date(const struct enr_span *s, int n, int day)
{
	for (int i = 0; i < n && s[i].start <= day; i++)
		if (s[i].end >= day)
			return 1;
	return 0;
}

/* Days of [from, to] in the spans of partner p, or of any partner if p
 * is negative (overlaps counted once; spans sorted by start). */
static int covered_days(const struct enr_span *s, int n, int p, int from, int to)
{
	int covered_to = from - 1, days = 0;

	for (int i = 0; i < n && covered_to < to; i++) {
		if (p >= 0 && s[i].partner != p)
			continue;
		int lo = s[i].start > covered_to + 1 ? s[i].start : covered_to + 1;
		int hi = s[i].end < to ? s[i].end : to;

		if (hi >= lo) {
			days += hi - lo + 1;
			covered_to = hi;
		}
	}
	return days;
}

int enr_days(const struct enr_span *s, int n, int from, int to)
{
	return covered_days(s, n, -1, from, to);
}

/* Is span a, later in the array than b, a better claim on the member
 * under the tie rule?  Of equal starts the earlier span stays: spans are
 * sorted by partner id there, while partner numbers follow the order in
 * which the caller first saw each partner. */
static int wins_tie(const struct enr_span *a, const struct enr_span *b)
{
	return a->start > b->start;
}

static int clip_days(const struct enr_span *s, int from, int to)
{
	int lo = s->start > from ? s->start : from;
	int hi = s->end < to ? s->end : to;

	return hi >= lo ? hi - lo + 1 : 0;
}

static int partner_on(const struct enr_span *s, int n, int day)
{
	const struct enr_span *best = 0;

	for (int i = 0; i < n && s[i].start <= day; i++)
		if (s[i].end >= day && (!best || wins_tie(&s[i], best)))
			best = &s[i];
	return best ? best->partner : -1;
}

static int last_day_in(const struct enr_span *s, int n, int from, int to)
{
	int last = from - 1;

	for (int i = 0; i < n; i++)
		if (clip_days(&s[i], from, to) && (s[i].end < to ? s[i].end : to) > last)
			last = s[i].end < to ? s[i].end : to;
	return last;
}

int enr_partner(const struct enr_span *s, int n, int from, int to, int anchor,
		enum enr_partner_rule rule)
{
	int best = -1, best_days = 0;
	const struct enr_span *best_span = 0;

	switch (rule) {
	case ENR_ANCHOR:
		return partner_on(s, n, anchor);
	case ENR_LAST: {
		int last = last_day_in(s, n, from, to);

		return last >= from ? partner_on(s, n, last) : -1;
	}
	case ENR_MOST_DAYS:
		for (int i = 0; i < n; i++) {
			int days;

			if (!clip_days(&s[i], from, to))
				continue;
			days = covered_days(s, n, s[i].partner, from, to);
			if (days > best_days ||
			    (days == best_days && wins_tie(&s[i], best_span))) {
				best = s[i].partner;
				best_days = days;
				best_span = &s[i];
			}
		}
		return best;
	}
	return -1;
}
