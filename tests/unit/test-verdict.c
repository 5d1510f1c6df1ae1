#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "verdict.h"
#include "xalloc.h"

/* The answer a test stores for a value: a function of its bytes. */
static uint32_t answer(const char *s, size_t n)
{
	uint32_t h = 7;

	for (size_t i = 0; i < n; i++)
		h = h * 31 + (unsigned char)s[i];
	return h;
}

/* Every value of every length 1..16 that differs from a kept one in one
 * byte, or only in its length, or only in its tag, is a miss. */
static void test_exact(struct verdict_cache *c)
{
	static const char base[] = "ABCDEFGHIJKLMNOP";
	int wrong = 0, tag1, tag2;

	for (size_t n = 1; n <= VERDICT_MAX; n++) {
		for (size_t at = 0; at < n; at++) {
			char v[VERDICT_MAX];
			int hit;

			memset(c, 0, sizeof(*c));
			verdict_slot(c, &tag1, base, n, &hit)->answer = 1;
			wrong += hit;
			memcpy(v, base, n);
			v[at] = 'z';
			verdict_slot(c, &tag1, base, n, &hit);
			wrong += !hit; /* the kept value itself */
			verdict_slot(c, &tag1, v, n, &hit);
			wrong += hit;
			memset(c, 0, sizeof(*c));
			verdict_slot(c, &tag1, base, n, &hit);
			verdict_slot(c, &tag2, base, n, &hit);
			wrong += hit;
			if (n > 1) {
				memset(c, 0, sizeof(*c));
				verdict_slot(c, &tag1, base, n, &hit);
				verdict_slot(c, &tag1, base, n - 1, &hit);
				wrong += hit;
			}
		}
	}
	is_int(wrong, 0, "a value one byte, one length or one tag away misses");
}

/* 50,000 lookups of 900 values of lengths 1..20 through collisions:
 * every hit gives back the answer stored for exactly that value. */
static void test_collisions(struct verdict_cache *c)
{
	unsigned long x = 99, k;
	int wrong = 0, hits = 0, lookups = 0;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < 50000; i++) {
		char v[24];
		size_t n;
		int hit;
		struct verdict_slot *e;

		x = x * 6364136223846793005ul + 1442695040888963407ul;
		k = (x >> 33) % 900;
		snprintf(v, sizeof(v), "%lu", k);
		memset(v + strlen(v), 'x', sizeof(v) - strlen(v));
		n = 1 + k % 20;
		if (n > VERDICT_MAX)
			continue;
		lookups++;
		e = verdict_slot(c, NULL, v, n, &hit);
		if (hit) {
			hits++;
			wrong += e->answer != answer(v, n);
		} else {
			e->answer = answer(v, n);
		}
	}
	is_int(wrong, 0, "every hit of %d lookups is the value's own answer", lookups);
	ok(hits > lookups / 2 && hits < lookups, "most repeats hit (%d)", hits);
}

int main(void)
{
	struct verdict_cache *c = xmalloc(sizeof(*c));

	test_exact(c);
	test_collisions(c);
	free(c);
	return done_testing();
}
