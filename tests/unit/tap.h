/*
 * tap.h: a minimal TAP producer for the library's unit tests.
 * ok() records one test; done_testing() prints the plan and returns the
 * exit status for main().
 */
#ifndef CCO_TAP_H
#define CCO_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3)))
static int ok(int pass, const char *fmt, ...)
{
	char desc[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	/* A description is one TAP line: show line breaks as \n. */
	printf("%s %d - ", pass ? "ok" : "not ok", ++tap_count);
	for (const char *p = desc; *p; p++)
		fputs(*p == '\n' ? "\\n" : (char[]){ *p, 0 }, stdout);
	putchar('\n');
	if (!pass)
		tap_failed++;
	return pass;
}

#define is_int(got, want, ...)                                               \
	do {                                                                 \
		long long g_ = (got), w_ = (want);                           \
		if (!ok(g_ == w_, __VA_ARGS__))                              \
			printf("#   got %lld, want %lld\n", g_, w_);         \
	} while (0)

#define is_str(got, want, ...)                                               \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__))       \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                          \
	} while (0)

static int done_testing(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

/* done_testing() for a test that worked in the scratch directory dir (made
 * with mkdtemp): removed when every test passed, kept and named when one
 * failed, as tests/lib.sh does for the shell tests. */
static __attribute__((unused)) int done_testing_in(const char *dir)
{
	char cmd[512];

	if (tap_failed) {
		printf("# scratch kept in %s\n", dir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			ok(0, "remove the scratch directory %s", dir);
	}
	return done_testing();
}

#endif
