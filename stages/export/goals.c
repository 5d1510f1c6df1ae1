/*
 * goals.c: rates, benchmarks, improvement targets, statuses and the
 * members still needed.  Every comparison is between values rounded to
 * the measure's decimals (half away from zero), held as integers in units
 * of 10^-decimals, so a rate of 64.95 and a benchmark of 65.0 compare the
 * way a reader of the published one-decimal figures would.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export.h"

static long long pow10ll(int d)
{
	long long p = 1;

	while (d-- > 0)
		p *= 10;
	return p;
}

/* x rounded half away from zero to units of 1/p; the nudge keeps a value
 * written as 61.05 from rounding down for its binary representation. */
static long long round_units(double x, long long p)
{
	double v = x * (double)p;

	return llround(v + (v >= 0 ? 1e-9 : -1e-9));
}

/* num / elig * s rounded half away from zero (all non-negative). */
static long long round_ratio(long long num, long long elig, long long s)
{
	return (2 * num * s + elig) / (2 * elig);
}

static void set_target(struct metric *r, const struct target_rule *t, long long p)
{
	double bl = (double)r->baseline / (double)p, step, gap;

	if (!r->has_baseline)
		return;
	step = t->floor_percent ? t->floor / 100.0 * bl : t->floor;
	gap = t->has_benchmark
		      ? t->gap_fraction * (r->m->higher_is_better ? t->benchmark - bl
								  : bl - t->benchmark)
		      : 0;
	if (gap < step)
		gap = step;
	r->target = round_units(r->m->higher_is_better ? bl + gap : bl - gap, p);
	r->has_target = 1;
}

/* The easier goal: the lower of benchmark and target when higher is
 * better, the higher when lower is better. */
static long long easier_goal(const struct metric *r)
{
	if (!r->has_benchmark)
		return r->target;
	if (!r->has_target)
		return r->benchmark;
	if (r->m->higher_is_better)
		return r->benchmark < r->target ? r->benchmark : r->target;
	return r->benchmark > r->target ? r->benchmark : r->target;
}

/* Smallest change to the numerator that brings the rounded rate to goal
 * g: members added when higher is better, events removed when lower. */
static long long members_needed(const struct metric *r, long long g, long long s)
{
	long long e = r->cnt[CNT_DEN] - r->cnt[CNT_EXC], n = r->cnt[CNT_NUM], k;

	if (r->m->higher_is_better) {
		long long need = 2 * e * g - e - 2 * n * s;

		k = need <= 0 ? 0 : (need + 2 * s - 1) / (2 * s);
		return k > e - n ? e - n : k;
	}
	k = n - (2 * e * g + e - 1) / (2 * s);
	return k < 0 ? 0 : k;
}

static void set_status(struct metric *r, long long s, long min_denominator)
{
	long long e = r->cnt[CNT_DEN] - r->cnt[CNT_EXC];
	int hib = r->m->higher_is_better;

	if (e < min_denominator || !r->has_rate) {
		r->status = "not enough data";
		return;
	}
	if (!r->has_benchmark && !r->has_target) {
		r->status = "no goal";
		return;
	}
	r->has_needed = 1;
	if (r->has_benchmark && (hib ? r->rate >= r->benchmark : r->rate <= r->benchmark))
		r->status = "met benchmark";
	else if (r->has_target && (hib ? r->rate >= r->target : r->rate <= r->target))
		r->status = "met improvement target";
	else {
		r->status = "not met";
		r->needed = members_needed(r, easier_goal(r), s);
	}
}

long long goals_rate(const struct metric *r, long long num)
{
	long long s = (metric_is_proportion(r) ? 100 : 1000) * pow10ll(r->decimals);

	return round_ratio(num, r->cnt[CNT_DEN] - r->cnt[CNT_EXC], s);
}

void goals_compute(struct metrics *m, const struct export_inputs *in,
		   long min_denominator)
{
	for (int i = 0; i < m->n; i++) {
		struct metric *r = &m->v[i];
		const struct target_rule *t = inputs_target(in, r->measure_id, r->sub);
		/* a clinic is held to its partner's baseline and target */
		const struct baseline *b = inputs_baseline(in, r->measure_id, r->sub, r->partner);
		long long e = r->cnt[CNT_DEN] - r->cnt[CNT_EXC], p, s;

		r->decimals = t ? t->decimals : 1;
		p = pow10ll(r->decimals);
		s = (metric_is_proportion(r) ? 100 : 1000) * p;
		r->has_rate = e > 0;
		if (r->has_rate)
			r->rate = goals_rate(r, r->cnt[CNT_NUM]);
		if (t && t->has_benchmark) {
			r->has_benchmark = 1;
			r->benchmark = round_units(t->benchmark, p);
		}
		if (t && b) {
			r->has_baseline = 1;
			r->baseline = round_units(b->value, p);
			set_target(r, t, p);
		}
		set_status(r, s, min_denominator);
	}
}

const char *fmt_fixed(char *buf, size_t n, long long v, int d)
{
	long long p = pow10ll(d), a = v < 0 ? -v : v;

	if (d == 0)
		snprintf(buf, n, "%lld", v);
	else
		snprintf(buf, n, "%s%lld.%0*lld", v < 0 ? "-" : "", a / p, d, a % p);
	return buf;
}
