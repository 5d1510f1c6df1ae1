/*
 * replay: every corpus file of every fuzz target through that target, as
 * a TAP test (one test per target, `make check` runs it), without
 * libFuzzer.  A crash, a sanitizer report or a valgrind error fails it.
 *
 *   test-fuzz-replay                      every target, tests/fuzz/TARGET/
 *   test-fuzz-replay TARGET FILE...       some files (to reproduce a finding)
 *
 * The targets are the .c files of tests/fuzz, each compiled with its
 * LLVMFuzzerTestOneInput renamed to fuzz_TARGET (see the Makefile).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "fuzz.h"
#include "xalloc.h"

int fuzz_ingest_csv(const uint8_t *data, size_t size);
int fuzz_rec_read(const uint8_t *data, size_t size);
int fuzz_ini_load(const uint8_t *data, size_t size);
int fuzz_mdef_load(const uint8_t *data, size_t size);

static const struct target {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
} targets[] = {
	{ "ingest_csv", fuzz_ingest_csv },
	{ "rec_read", fuzz_rec_read },
	{ "ini_load", fuzz_ini_load },
	{ "mdef_load", fuzz_mdef_load },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* Run one file through t.  Returns 0, or -1 if it cannot be read. */
static int replay_file(const struct target *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		xgrow(&buf, &cap, len + 65536, 1);
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		printf("# read error on %s\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* an exact-size copy, so reads past the input are caught */
	{
		uint8_t *exact = xmalloc(len ? len : 1);

		memcpy(exact, buf, len);
		free(buf);
		t->run(exact, len);
		free(exact);
	}
	return 0;
}

static int replay_corpus(const struct target *t, const char *root)
{
	char *dir = xasprintf("%s/tests/fuzz/%s", root, t->name);
	size_t n = 0;
	char **names = fs_list_dir(dir, &n);
	int bad = names == NULL;

	for (size_t i = 0; names && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);

		if (replay_file(t, path) < 0)
			bad = 1;
		free(path);
	}
	printf("%s %d - %s: %zu corpus files replayed\n", bad || n == 0 ?
	       "not ok" : "ok", (int)(t - targets) + 1, t->name, n);
	fflush(stdout);
	if (names)
		fs_list_free(names, n);
	free(dir);
	return bad || n == 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc > 2) {
		for (size_t i = 0; i < NTARGETS; i++)
			if (strcmp(targets[i].name, argv[1]) == 0) {
				for (int a = 2; a < argc; a++)
					failed |= replay_file(&targets[i], argv[a]) < 0;
				return failed;
			}
		fprintf(stderr, "test-fuzz-replay: no target '%s'\n", argv[1]);
		return 2;
	}
	for (size_t i = 0; i < NTARGETS; i++)
		failed += replay_corpus(&targets[i], fuzz_root());
	printf("1..%zu\n", NTARGETS);
	return failed ? 1 : 0;
}
