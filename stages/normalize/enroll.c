/*
 * enroll.c: clean enrollment spans and member months.
 *
 * Spans of one member and partner merge when they overlap or abut (the
 * next starts no later than the day after the current one ends).  An empty
 * end date is an open span.  Member months count, per calendar month and
 * partner, the days enrolled; open spans count through run.as_of.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "rec.h"
#include "simple.h"
#include "xalloc.h"

#define OPEN_END INT_MAX

struct span {
	const char *partner;
	int start, end;
	char benefit[128]; /* '|'-separated distinct values, sorted */
};

struct mm {
	int month;  /* y * 12 + m - 1 */
	const char *partner;
	int days;
};

static int cmp_span_partner(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;
	int c = strcmp(a->partner, b->partner);

	if (c)
		return c;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->end > b->end) - (a->end < b->end);
}

static int cmp_span_start(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return strcmp(a->partner, b->partner);
}

static int cmp_mm(const void *pa, const void *pb, void *unused)
{
	const struct mm *a = pa, *b = pb;

	(void)unused;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	return strcmp(a->partner, b->partner);
}

/* Add a benefit value to a sorted '|' list, if absent and there is room. */
static void add_benefit(char *list, size_t cap, const char *v)
{
	char tmp[128], *parts[16];
	int np = 0, pos = 0;
	size_t n = strlen(list);

	if (!*v || n + strlen(v) + 2 > cap)
		return;
	memcpy(tmp, list, n + 1);
	for (char *p = tmp; *p && np < 15;) {
		parts[np++] = p;
		p += strcspn(p, "|");
		if (*p)
			*p++ = '\0';
	}
	for (int i = 0; i < np; i++)
		if (!strcmp(parts[i], v))
			return;
	while (pos < np && strcmp(parts[pos], v) < 0)
		pos++;
	memmove(parts + pos + 1, parts + pos, (size_t)(np - pos) * sizeof(char *));
	parts[pos] = (char *)v;
	np++;
	list[0] = '\0';
	n = 0;
	for (int i = 0; i < np; i++) {
		size_t l = strlen(parts[i]);

		if (i)
			list[n++] = '|';
		memcpy(list + n, parts[i], l);
		n += l;
	}
	list[n] = '\0';
}

/* Parse rows into spans; returns the count (rows with bad dates skipped). */
static size_t read_spans(const struct group *g, struct span *s)
{
	size_t ns = 0;

	for (size_t i = 0; i < g->n; i++) {
		char **f = group_cols(g, i);
		const char *start = f[ENROLLMENT_start_date], *end = f[ENROLLMENT_end_date];
		struct span *sp = &s[ns];

		if (date_parse_iso(start, strlen(start), &sp->start) < 0)
			continue;
		if (!f[ENROLLMENT_end_date][0])
			sp->end = OPEN_END;
		else if (date_parse_iso(end, strlen(end), &sp->end) < 0 ||
			 sp->end < sp->start)
			continue;
		sp->partner = f[ENROLLMENT_partner_id];
		sp->benefit[0] = '\0';
		add_benefit(sp->benefit, sizeof(sp->benefit), f[ENROLLMENT_benefit]);
		ns++;
	}
	return ns;
}

static size_t merge_spans(struct span *s, size_t ns)
{
	size_t m = 0;

	qsort(s, ns, sizeof(*s), cmp_span_partner);
	for (size_t i = 0; i < ns; i++) {
		struct span *last = m ? &s[m - 1] : NULL;

		if (last && !strcmp(last->partner, s[i].partner) &&
		    (last->end == OPEN_END || s[i].start <= last->end + 1)) {
			if (s[i].end > last->end)
				last->end = s[i].end;
			for (char *p = s[i].benefit; *p;) {
				size_t l = strcspn(p, "|");
				char v[128];

				memcpy(v, p, l);
				v[l] = '\0';
				add_benefit(last->benefit, sizeof(last->benefit), v);
				p += l + (p[l] == '|');
			}
			continue;
		}
		s[m++] = s[i];
	}
	return m;
}

/* Append one member-month entry per month the span covers. */
static void span_months(const struct span *s, int as_of, struct mm **mm,
			size_t *n, size_t *cap)
{
	int end = s->end == OPEN_END ? as_of : s->end;
	int y, m, d;

	if (s->start > end)
		return;
	xgrow(mm, cap, *n + (size_t)(end - s->start) / 28 + 2, sizeof(**mm));
	date_to_ymd(s->start, &y, &m, &d);
	for (int from = s->start; from <= end;) {
		int to = from + date_month_days(y, m) - d; /* the month's last day */

		if (to > end)
			to = end;
		(*mm)[(*n)++] = (struct mm){ y * 12 + m - 1, s->partner, to - from + 1 };
		from = to + 1;
		d = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
}

static void write_months(struct rec_writer *w, const char *member, struct mm *mm,
			 size_t n)
{
	size_t member_len = strlen(member);

	/* spans come by start, so their months mostly come in order */
	norm_sort(mm, n, sizeof(*mm), cmp_mm, NULL);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int days = 0;
		char month[8], count[REC_INT_LEN];
		const char *v[MEMBER_MONTHS_NCOLS] = {
			[MEMBER_MONTHS_member_id] = member, [MEMBER_MONTHS_month] = month,
			[MEMBER_MONTHS_partner_id] = mm[i].partner,
			[MEMBER_MONTHS_days] = count
		};
		size_t len[MEMBER_MONTHS_NCOLS] = {
			[MEMBER_MONTHS_member_id] = member_len, [MEMBER_MONTHS_month] = 7,
			[MEMBER_MONTHS_partner_id] = strlen(mm[i].partner)
		};

		while (j < n && mm[j].month == mm[i].month &&
		       !strcmp(mm[j].partner, mm[i].partner))
			days += mm[j++].days;
		date_format_ym(mm[i].month / 12, mm[i].month % 12 + 1, month);
		len[MEMBER_MONTHS_days] = rec_format_int(days, count);
		rec_put_row(w, v, len, MEMBER_MONTHS_NCOLS);
		i = j;
	}
}

int enroll_group(struct norm *n, struct group *g, struct counts *c, void *arg)
{
	struct enroll_out *o = arg;
	struct span *s = xmalloc(g->n * sizeof(*s));
	struct mm *mm = NULL;
	size_t ns, nmm = 0, mm_cap = 0;
	const char *member = group_cols(g, 0)[ENROLLMENT_member_id];

	(void)n;
	ns = merge_spans(s, read_spans(g, s));
	qsort(s, ns, sizeof(*s), cmp_span_start);
	for (size_t i = 0; i < ns; i++) {
		rec_put_str(o->spans, ENROLLMENT_SPANS_member_id, member);
		rec_put_date(o->spans, ENROLLMENT_SPANS_start_date, s[i].start);
		rec_put_date(o->spans, ENROLLMENT_SPANS_end_date,
			     s[i].end == OPEN_END ? DATE_NONE : s[i].end);
		rec_put_str(o->spans, ENROLLMENT_SPANS_partner_id, s[i].partner);
		rec_put_str(o->spans, ENROLLMENT_SPANS_benefit, s[i].benefit);
		rec_end(o->spans);
		if (s[i].end != OPEN_END || s[i].start <= o->as_of)
			span_months(&s[i], o->as_of, &mm, &nmm, &mm_cap);
	}
	write_months(o->months, member, mm, nmm);
	c->final += ns;
	free(s);
	free(mm);
	return 0;
}
