#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "readahead.h"
#include "tap.h"

/* A producer of the bytes 0, 1, 2, ... (mod 251) in pieces of varying
 * size, ending or failing after total bytes. */
struct counter {
	size_t made, total;
	int fail;
};

static ssize_t count_bytes(void *ctx, char *dst, size_t cap, char *why, size_t whylen)
{
	struct counter *c = ctx;
	size_t n = 1 + c->made % 97;

	if (c->made == c->total) {
		if (c->fail) {
			snprintf(why, whylen, "disk on fire");
			return -1;
		}
		return 0;
	}
	if (n > cap)
		n = cap;
	if (n > c->total - c->made)
		n = c->total - c->made;
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)((c->made + i) % 251);
	c->made += n;
	return (ssize_t)n;
}

/* Read everything in reads of up to cap bytes; returns the bytes read
 * in order, or -1 on a wrong byte or an error. */
static long drain(struct readahead *ra, size_t cap, const char **why)
{
	char buf[64];
	long at = 0;
	ssize_t got;

	while ((got = ra_read(ra, buf, cap, why)) > 0)
		for (ssize_t i = 0; i < got; i++, at++)
			if ((unsigned char)buf[i] != at % 251)
				return -1;
	return got < 0 ? -1 : at;
}

int main(void)
{
	struct counter c = { 0, 100000, 0 };
	struct readahead *ra = ra_start(count_bytes, &c, 50, 3);
	const char *why = NULL;

	ok(ra != NULL, "start a readahead thread");
	is_int(drain(ra, 37, &why), 100000, "every byte arrives, in order");
	is_int(ra_read(ra, (char[8]){ 0 }, 8, &why), 0, "the end stays the end");
	ra_stop(ra);

	c = (struct counter){ 0, 5000, 1 };
	ra = ra_start(count_bytes, &c, 64, 2);
	is_int(drain(ra, 64, &why), -1, "a producer's failure reaches the reader");
	is_str(why, "disk on fire", "with its message");
	ra_stop(ra);

	c = (struct counter){ 0, 1000000, 0 };
	ra = ra_start(count_bytes, &c, 16, 2);
	ra_read(ra, (char[4]){ 0 }, 4, &why);
	ra_stop(ra);
	ok(c.made < 1000000, "stopping early stops a producer waiting for room");

	c = (struct counter){ 0, 0, 0 };
	ra = ra_start(count_bytes, &c, 16, 1);
	is_int(drain(ra, 16, &why), 0, "an empty producer reads as the end");
	ra_stop(ra);
	return done_testing();
}
