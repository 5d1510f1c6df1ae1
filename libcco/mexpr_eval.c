/*
 * mexpr_eval.c: evaluate measure expressions for one member or episode.
 * Pure functions of the context: no I/O, no allocation, no clock (only
 * distinct() writes, to the scratch bits the context lends it), so a
 * result depends only on the member's data and the run's dates.
 */
#include "date.h"
#include "enroll.h"
#include "mexpr.h"

void mx_trace_init(struct mx_trace *t)
{
	t->evidence = -1;
	t->evidence_date = DATE_NONE;
	t->deadline = DATE_NONE;
}

static int window(const struct mx_window *w, const struct mx_ctx *c, int *from, int *to);

/* A passing part completed on date by hit evidence: the result is
 * complete once its last needed part is, so keep the latest. */
static void trace_evidence(struct mx_trace *t, int evidence, int date)
{
	if (t && date != DATE_NONE && (t->evidence_date == DATE_NONE || date > t->evidence_date)) {
		t->evidence = evidence;
		t->evidence_date = date;
	}
}

/* A failed criterion could still be met through day: keep the latest
 * such day as the deadline. */
static void trace_deadline(struct mx_trace *t, int day)
{
	if (t && day != DATE_NONE && (t->deadline == DATE_NONE || day > t->deadline))
		t->deadline = day;
}

static const struct mx_hit *next_hit(const int *vs, const int *with, int nvs,
				     const struct mx_ctx *c, int *cursor);

/* first(): the earliest usable hit of fn's value sets in its window. */
static int first_date(const struct mx_dfunc *fn, const struct mx_ctx *c)
{
	int cursor[MX_MAX_VS] = { 0 };
	int from, to;
	const struct mx_hit *h;

	if (!window(&fn->win, c, &from, &to))
		return DATE_NONE;
	while ((h = next_hit(fn->vs, fn->with, fn->nvs, c, cursor)) && h->date <= to)
		if (h->date >= from)
			return h->date;
	return DATE_NONE;
}

/* The index of the first hit of h dated after day (h->n if none). */
static int after_day(const struct mx_hits *h, int day)
{
	int lo = 0, hi = h->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (h->v[mid].date <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int unusable(const int *with, int i, const struct mx_ctx *c, const struct mx_hit *x);

/* latest(): the last date in fn's window with a usable hit of one of its
 * value sets, or DATE_NONE.  Each list is searched back from the window's
 * end, so the cost does not grow with the member's history. */
static int latest_date(const struct mx_dfunc *fn, const struct mx_ctx *c)
{
	int from, to, best = DATE_NONE;

	if (!window(&fn->win, c, &from, &to))
		return DATE_NONE;
	for (int i = 0; i < fn->nvs; i++) {
		const struct mx_hits *h = &c->hits[fn->vs[i]];
		int j = after_day(h, to);

		while (j > 0 && h->v[j - 1].date >= from &&
		       (best == DATE_NONE || h->v[j - 1].date > best)) {
			if (!unusable(fn->with, i, c, &h->v[j - 1])) {
				best = h->v[j - 1].date;
				break;
			}
			j--;
		}
	}
	return best;
}

/* The usable hit of fn's value sets on day with the lowest value band
 * (lowest low end, then lowest high end), or NULL: HEDIS takes the lowest
 * of one date's readings.  Of equal bands, the one met last (lists in
 * order, each from its last hit of the day back): the same every run. */
static const struct mx_hit *lowest_on(const struct mx_dfunc *fn, const struct mx_ctx *c, int day)
{
	const struct mx_hit *best = NULL;

	for (int i = 0; i < fn->nvs; i++) {
		const struct mx_hits *h = &c->hits[fn->vs[i]];

		for (int j = after_day(h, day); j > 0 && h->v[j - 1].date == day; j--) {
			const struct mx_hit *x = &h->v[j - 1];

			if (unusable(fn->with, i, c, x))
				continue;
			if (!best || x->value_lo < best->value_lo ||
			    (x->value_lo == best->value_lo && x->value_hi <= best->value_hi))
				best = x;
		}
	}
	return best;
}

/* enrollment_start(): spans (sorted by start, maybe overlapping) joined
 * into runs of consecutive days; the start of the run holding day. */
static int run_start(const struct mx_ctx *c, int day)
{
	int start = DATE_NONE, end = DATE_NONE;

	if (day == DATE_NONE)
		return DATE_NONE;
	for (int i = 0; i < c->nspans; i++) {
		const struct enr_span *s = &c->spans[i];

		if (start != DATE_NONE && s->start <= end + 1) {
			if (s->end > end)
				end = s->end;
			continue;
		}
		if (start != DATE_NONE && day >= start && day <= end)
			return start;
		start = s->start;
		end = s->end;
	}
	return start != DATE_NONE && day >= start && day <= end ? start : DATE_NONE;
}

static int base_date(const struct mx_date *d, const struct mx_ctx *c)
{
	switch (d->base) {
	case MXD_MY_START: return c->my_start;
	case MXD_MY_END: return c->my_end;
	case MXD_AS_OF: return c->as_of;
	case MXD_BIRTH: return c->birth;
	case MXD_DEATH: return c->death;
	case MXD_INDEX: return c->index;
	case MXD_INDEX_END: return c->index_end;
	case MXD_NAMED: return c->named[d->arg];
	case MXD_FIRST: return first_date(d->fn, c);
	case MXD_ENROLL_START: return run_start(c, mx_date_eval(&d->fn->win.from, c));
	case MXD_LATEST: return latest_date(d->fn, c);
	case MXD_BIRTHDAY:
		return c->birth == DATE_NONE ? DATE_NONE :
		       date_birthday(c->birth, d->arg);
	case MXD_MY_BIRTHDAY: {
		int y, m, dd, by, bm, bd;

		if (c->birth == DATE_NONE)
			return DATE_NONE;
		date_to_ymd(c->my_start, &y, &m, &dd);
		date_to_ymd(c->birth, &by, &bm, &bd);
		return y > by ? date_birthday(c->birth, y - by) : DATE_NONE;
	}
	}
	return DATE_NONE;
}

int mx_date_eval(const struct mx_date *d, const struct mx_ctx *c)
{
	int day = base_date(d, c);

	if (day == DATE_NONE)
		return DATE_NONE;
	if (d->months) {
		struct mx_date *memo = (struct mx_date *)d; /* its cache alone changes */

		if (!memo->memo_ok || memo->memo_base != day) {
			memo->memo_base = day;
			memo->memo_day = date_add_months(day, d->months);
			memo->memo_ok = 1;
		}
		day = memo->memo_day;
	}
	return day + d->days;
}

/* Window bounds; 0 if either end is undefined. */
static int window(const struct mx_window *w, const struct mx_ctx *c, int *from, int *to)
{
	*from = mx_date_eval(&w->from, c);
	*to = mx_date_eval(&w->to, c);
	return *from != DATE_NONE && *to != DATE_NONE;
}

static int compare(int count, enum mx_op op, int k)
{
	switch (op) {
	case MXO_GE: return count >= k;
	case MXO_GT: return count > k;
	case MXO_LE: return count <= k;
	case MXO_LT: return count < k;
	case MXO_EQ: return count == k;
	}
	return 0;
}

/* Lists are sorted by date, then evidence: a binary search. */
int mx_same_claim(const struct mx_hits *h, const struct mx_hit *x)
{
	int lo = 0, hi = h->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (h->v[mid].date < x->date ||
		    (h->v[mid].date == x->date && h->v[mid].evidence < x->evidence))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n && h->v[lo].date == x->date && h->v[lo].evidence == x->evidence;
}

/* 1 if hit x of list i cannot count: denied where denied claims do not
 * count, or without the hit its '&' partner needs. */
static int unusable(const int *with, int i, const struct mx_ctx *c, const struct mx_hit *x)
{
	if (x->denied && !c->count_denied)
		return 1;
	return with && with[i] >= 0 && !mx_same_claim(&c->hits[with[i]], x);
}

/* The earliest usable hit at or after each list's cursor, across the
 * value sets vs (with: their '&' partners, or NULL); NULL when none is
 * left. */
static const struct mx_hit *next_hit(const int *vs, const int *with, int nvs,
				     const struct mx_ctx *c, int *cursor)
{
	const struct mx_hit *best = 0;
	int best_list = -1;

	for (int i = 0; i < nvs; i++) {
		const struct mx_hits *h = &c->hits[vs[i]];

		while (cursor[i] < h->n && unusable(with, i, c, &h->v[cursor[i]]))
			cursor[i]++;
		if (cursor[i] < h->n && (!best || h->v[cursor[i]].date < best->date)) {
			best = &h->v[cursor[i]];
			best_list = i;
		}
	}
	if (best)
		cursor[best_list]++;
	return best;
}

/* The last day of hit h's service: its through date, or its date when
 * that is missing or earlier. */
static int through_date(const struct mx_hit *h)
{
	return h->through > h->date ? h->through : h->date;
}

/* 1 if hit h's span, its date through its through date, meets the
 * window from..to as span says; every end is included. */
static int span_meets(const struct mx_hit *h, enum mx_span span, int from, int to)
{
	switch (span) {
	case MXS_STARTS: return h->date >= from && h->date <= to;
	case MXS_DURING: return h->date >= from && through_date(h) <= to;
	case MXS_OVERLAPS: return h->date <= to && through_date(h) >= from;
	case MXS_ENDS: return through_date(h) >= from && through_date(h) <= to;
	}
	return 0;
}

/* A count's outcome into t: a pass is evidenced by the hit that
 * completed it, on its first day in the window (a span begun before the
 * window completes nothing before it); a failure's deadline is the
 * window's end. */
static void trace_count(struct mx_trace *t, int result, const struct mx_hit *completing,
			int from, int to)
{
	if (result && completing)
		trace_evidence(t, completing->evidence,
			       completing->date > from ? completing->date : from);
	if (!result)
		trace_deadline(t, to);
}

/* count(): distinct dates in the window, each at least `apart` days after
 * the previous counted one (earliest first, which maximises the count). */
static int eval_count(const struct mx_node *n, const struct mx_ctx *c,
		      struct mx_trace *t)
{
	int cursor[MX_MAX_VS] = { 0 };
	int from, to, count = 0, last = DATE_NONE, result;
	const struct mx_hit *h, *completing = 0;

	if (!window(&n->win, c, &from, &to))
		return 0;
	while ((h = next_hit(n->vs, n->with, n->nvs, c, cursor)) && h->date <= to) {
		if (!span_meets(h, n->span, from, to) ||
		    (last != DATE_NONE && h->date < last + (n->apart ? n->apart : 1)))
			continue;
		last = h->date;
		if (++count == n->k)
			completing = h;
		if (n->op == MXO_GE && count >= n->k)
			break;
	}
	result = compare(count, n->op, n->k);
	trace_count(t, result, completing, from, to);
	return result;
}

/* The key of hit h's event for field by, or -1 if it has none. */
static int hit_key(const struct mx_hit *h, enum mx_by by, const struct mx_ctx *c)
{
	return h->attr > 0 && c->seen ? c->attrs[h->attr - 1].key[by] : -1;
}

/* distinct(): the number of distinct keys (codes, providers) among the
 * window's events; an event without the field counts for none.  Marks
 * keys in c->seen, the context's scratch: no allocation. */
static int eval_distinct(const struct mx_node *n, const struct mx_ctx *c,
			 struct mx_trace *t)
{
	int cursor[MX_MAX_VS] = { 0 };
	int from, to, count = 0, result;
	const struct mx_hit *h, *completing = 0;

	if (!window(&n->win, c, &from, &to))
		return 0;
	for (int w = 0; c->seen && w < (c->nkeys + 63) / 64; w++)
		c->seen[w] = 0;
	while ((h = next_hit(n->vs, n->with, n->nvs, c, cursor)) && h->date <= to) {
		int key = hit_key(h, n->by, c);

		if (!span_meets(h, n->span, from, to) || key < 0 ||
		    (c->seen[key / 64] >> (key % 64) & 1))
			continue;
		c->seen[key / 64] |= (uint64_t)1 << (key % 64);
		if (++count == n->k)
			completing = h;
	}
	result = compare(count, n->op, n->k);
	trace_count(t, result, completing, from, to);
	return result;
}

/* 1 if op k holds for every value of the band lo..hi. */
static int band_holds(int lo, int hi, enum mx_op op, int k)
{
	switch (op) {
	case MXO_GE: return lo >= k;
	case MXO_GT: return lo > k;
	case MXO_LE: return hi <= k;
	case MXO_LT: return hi < k;
	case MXO_EQ: return lo == k && hi == k;
	}
	return 0;
}

/* latest(...) op VALUE: the lowest result of the latest date holds op
 * VALUE; evidenced by that result, a failure's deadline is the window's
 * end (a later result could still change it). */
static int eval_result(const struct mx_node *n, const struct mx_ctx *c, struct mx_trace *t)
{
	const struct mx_dfunc *fn = n->date.fn;
	int from, to, day = latest_date(fn, c);
	const struct mx_hit *x = day == DATE_NONE ? NULL : lowest_on(fn, c, day);

	if (x && band_holds(x->value_lo, x->value_hi, n->op, n->value)) {
		trace_evidence(t, x->evidence, day);
		return 1;
	}
	trace_deadline(t, window(&fn->win, c, &from, &to) ? to : DATE_NONE);
	return 0;
}

/* latest(vs, window) = ANSWERS: a result of the latest date is coded in
 * ANSWERS (n->answer: the slot of those results). */
static int eval_answer(const struct mx_node *n, const struct mx_ctx *c, struct mx_trace *t)
{
	const struct mx_dfunc *fn = n->date.fn;
	const struct mx_hits *h = &c->hits[n->answer];
	int from, to, day = latest_date(fn, c);

	for (int j = day == DATE_NONE ? 0 : after_day(h, day); j > 0 && h->v[j - 1].date == day; j--) {
		if (!unusable(NULL, 0, c, &h->v[j - 1])) {
			trace_evidence(t, h->v[j - 1].evidence, day);
			return 1;
		}
	}
	trace_deadline(t, window(&fn->win, c, &from, &to) ? to : DATE_NONE);
	return 0;
}

/* date in window; a pass is evidenced by the date (no claim named), a
 * failure's deadline is the window's end. */
static int eval_date_in(const struct mx_node *n, const struct mx_ctx *c, struct mx_trace *t)
{
	int from, to, day = mx_date_eval(&n->date, c);
	int defined = window(&n->win, c, &from, &to);

	if (day != DATE_NONE && defined && day >= from && day <= to) {
		trace_evidence(t, -1, day);
		return 1;
	}
	trace_deadline(t, defined ? to : DATE_NONE);
	return 0;
}

/* A named sub-result: a met one passes its evidence on, a failed one its
 * deadline. */
static int eval_ref(const struct mx_node *n, const struct mx_ctx *c, struct mx_trace *t)
{
	const struct mx_trace *r = c->ref_traces ? &c->ref_traces[n->ref] : NULL;

	if (c->refs[n->ref] == 1) {
		if (r)
			trace_evidence(t, r->evidence, r->evidence_date);
		return 1;
	}
	trace_deadline(t, r ? r->deadline : DATE_NONE);
	return 0;
}

/* n evaluated into t, its evidence kept only if it holds (a failed branch
 * of an 'or' completed nothing); its deadlines are kept either way. */
static int eval_part(const struct mx_node *n, const struct mx_ctx *c, struct mx_trace *t)
{
	struct mx_trace part;
	int result;

	if (!t)
		return mx_eval(n, c, NULL);
	part = *t;
	part.evidence = -1;
	part.evidence_date = DATE_NONE;
	result = mx_eval(n, c, &part);
	t->deadline = part.deadline;
	if (result)
		trace_evidence(t, part.evidence, part.evidence_date);
	return result;
}

int mx_eval(const struct mx_node *n, const struct mx_ctx *c, struct mx_trace *t)
{
	int from, to, day;

	switch (n->kind) {
	case MX_TRUE: return 1;
	case MX_AND: return eval_part(n->a, c, t) && eval_part(n->b, c, t);
	case MX_OR: return eval_part(n->a, c, t) || eval_part(n->b, c, t);
	case MX_NOT: return !mx_eval(n->a, c, NULL);
	case MX_REF: return eval_ref(n, c, t);
	case MX_SEX: return c->sex == n->sex;
	case MX_DATE_IN:
		return eval_date_in(n, c, t);
	case MX_AGE: {
		int age;

		day = mx_date_eval(&n->date, c);
		if (day == DATE_NONE || c->birth == DATE_NONE)
			return 0;
		age = n->months ? date_age_months(c->birth, day) :
				  date_age_years(c->birth, day);
		return age >= n->lo && age <= n->hi;
	}
	case MX_ENROLLED:
		return window(&n->win, c, &from, &to) &&
		       enr_continuous(c->spans, c->nspans, from, to, n->lo, n->hi);
	case MX_ENROLLED_DAYS:
		return window(&n->win, c, &from, &to) &&
		       compare(enr_days(c->spans, c->nspans, from, to), n->op, n->k);
	case MX_ENROLLED_ON:
		day = mx_date_eval(&n->date, c);
		return day != DATE_NONE && enr_on_date(c->spans, c->nspans, day);
	case MX_DIED:
		return c->death != DATE_NONE && window(&n->win, c, &from, &to) &&
		       c->death >= from && c->death <= to;
	case MX_COUNT:
		return eval_count(n, c, t);
	case MX_RESULT:
		return eval_result(n, c, t);
	case MX_ANSWER:
		return eval_answer(n, c, t);
	case MX_INDEX_DX:
		for (int i = 0; c->index_bits && i < n->nvs; i++)
			if (c->index_bits[n->vs[i] / 64] >> (n->vs[i] % 64) & 1)
				return 1;
		return 0;
	case MX_DISTINCT:
		return eval_distinct(n, c, t);
	}
	return 0;
}
