/*
 * mdef_load: a measure definition through the measure loader (libcco/mdef.c,
 * which parses every expression with mexpr_parse.c) against the shipped
 * value sets; or, when the first input byte is odd, a value-set CSV file
 * through vs_load().  The rest of the input is the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdef.h"
#include "err.h"
#include "fuzz.h"
#include "valueset.h"
#include "xalloc.h"

static struct valuesets *shipped;

static void free_shipped(void)
{
	vs_free(shipped);
}

static void load_shipped(void)
{
	char *dir = xasprintf("%s/config/valuesets", fuzz_root());

	shipped = vs_load(dir);
	if (!shipped) {
		fprintf(stderr, "fuzz: %s\n", err_msg());
		abort();
	}
	free(dir);
	atexit(free_shipped);
}

static void try_valuesets(const char *path)
{
	char *dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	struct valuesets *v = vs_load(dir);

	if (v) {
		for (int i = 0; i < vs_count(v); i++) {
			char digest[HASH_HEX_LEN + 1];
			int lo, hi;
			const struct valueset *s = vs_at(v, i);

			vs_digest(s, digest);
			(void)vs_contains(s, "ICD10CM", "F329");
			(void)vs_contains(s, "CPT", "99213");
			(void)vs_band(s, "CPT", "3046F", &lo, &hi);
			(void)vs_unit(s);
		}
		vs_free(v);
	}
	free(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!shipped)
		load_shipped();
	if (data[0] & 1) {
		try_valuesets(fuzz_file("vs/vs.csv", data + 1, size - 1));
	} else {
		struct measure_set *s;

		s = mdef_load_file(fuzz_file("measure.ini", data + 1, size - 1), shipped);
		mdef_free(s);
	}
	return 0;
}
