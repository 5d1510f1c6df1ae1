/*
 * rng.c: the generator's random numbers.  xoshiro256** (Blackman and
 * Vigna) seeded through splitmix64, so every member gets an independent
 * stream from (seed, member index) and members can be generated in any
 * order with the same result.
 */
#include "gen.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream, uint64_t salt)
{
	uint64_t x = seed;
	uint64_t a = splitmix64(&x);

	x = a ^ (stream * 0xd1b54a32d192ed03ULL) ^ (salt * 0x8cb92ba72f3d8dd7ULL);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	/* Lemire's multiply-shift; the bias (< n / 2^32) does not matter here. */
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int rng_range(struct rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

int rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* A binomial with many trials stands in for the Poisson: close enough for
 * visit counts, and it needs no exp(), whose last bit may differ between
 * C libraries and would break "same arguments, same bytes" across hosts. */
int rng_poisson(struct rng *r, double mean)
{
	int trials = 32, n = 0;
	double p;

	while (mean / trials > 0.25)
		trials *= 2;
	p = mean / trials;
	for (int i = 0; i < trials; i++)
		n += rng_unit(r) < p;
	return n;
}

int rng_geometric(struct rng *r, double mean, int max)
{
	double stop = 1.0 / (mean + 1.0);
	int n = 0;

	while (n < max && rng_unit(r) >= stop)
		n++;
	return n;
}

int rng_weighted(struct rng *r, const double *w, int n)
{
	double total = 0, x;

	for (int i = 0; i < n; i++)
		total += w[i];
	x = rng_unit(r) * total;
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}
