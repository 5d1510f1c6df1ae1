/*
 * ini_load: the INI readers: the run configuration (config_load), an
 * extract layout (layout_load, then binding it to a file name), a pattern
 * file and the care-coordination criteria (care_load).  The first input
 * byte picks the reader (0xff: care; else % 3), the rest is the file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "layout.h"
#include "care.h"
#include "config.h"
#include "err.h"
#include "fuzz.h"
#include "pattern.h"
#include "xalloc.h"

static struct pattern_set *shared;

static void free_shared(void)
{
	pattern_set_free(shared);
}

static void load_shared(void)
{
	char *path = xasprintf("%s/config/patterns.ini", fuzz_root());

	shared = pattern_set_new();
	if (pattern_set_load(shared, path) < 0) {
		fprintf(stderr, "fuzz: %s\n", err_msg());
		abort();
	}
	free(path);
	atexit(free_shared);
}

static void try_config(const char *path)
{
	struct config *c = config_load(path);
	FILE *null;

	if (!c)
		return;
	null = fopen("/dev/null", "w");
	if (null) {
		config_dump(c, null);
		fclose(null);
	}
	(void)config_sort_bytes(c);
	(void)config_set(c, "limits.memory_mb=64");
	config_free(c);
}

static void try_layout(const char *path)
{
	static char *const header[] = { "member_id", "claim_id", "A", "B_1", "" };
	struct layout *l = layout_load(path, shared);
	char kinds[128];

	if (!l)
		return;
	(void)layout_kinds(l, kinds, sizeof(kinds));
	(void)layout_matches(l, "medical_claims_202501.csv");
	(void)layout_bind(l, "medical_claims_202501.csv", l->header ? header : NULL,
			  l->header ? 5 : 0);
	layout_free(l);
}

static void try_patterns(const char *path)
{
	struct pattern_set *ps = pattern_set_new();

	if (pattern_set_load(ps, path) == 0) {
		struct pattern_set *copy = pattern_set_copy(ps);
		const struct pattern *p = pattern_find(copy, "npi");

		if (p)
			(void)pattern_match(p, "1234567893", 10);
		pattern_set_free(copy);
	}
	pattern_set_free(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;

	if (size < 1)
		return 0;
	if (!shared)
		load_shared();
	if (data[0] == 0xff) {
		struct care_def c;

		path = fuzz_file("care.ini", data + 1, size - 1);
		(void)care_load(&c, path);
		care_release(&c);
		return 0;
	}
	switch (data[0] % 3) {
	case 0:
		path = fuzz_file("pipeline.ini", data + 1, size - 1);
		try_config(path);
		break;
	case 1:
		path = fuzz_file("layout.ini", data + 1, size - 1);
		try_layout(path);
		break;
	default:
		path = fuzz_file("patterns.ini", data + 1, size - 1);
		try_patterns(path);
		break;
	}
	return 0;
}
