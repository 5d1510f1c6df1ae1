#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "tap.h"
#include "valueset.h"
#include "xalloc.h"

static char dir[] = "/tmp/cco-test-vs-XXXXXX";

static void put(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	fputs(text, f);
	fclose(f);
	free(p);
}

static void drop(const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);

	unlink(p);
	free(p);
}

#define HDR "valueset,code_system,code,description\n"

static void test_membership(void)
{
	struct valuesets *v;
	const struct valueset *ed, *den, *dx;

	put("a.csv", HDR "ed_rev,REV,0450,\"Emergency room, general\"\n"
		     "ed_rev,REV,0981,\n"
		     "ed_rev,REV,0451-0452,\n"
		     "ed_cpt,CPT,99281-99283,\n"
		     "ed_cpt,CPT,99282-99285,overlapping range merges\n"
		     "\n");
	put("b.csv", HDR "dental,CDT,D*,any CDT\n"
		     "dx,ICD10CM,F32.9,dot is dropped\n"
		     "dx,ICD10CM,C18*,\n"
		     "dx,ICD10CM,Z00.00,\n"
		     "a1c,LOINC,4548-4,a hyphen before the check digit\n");
	v = vs_load(dir);
	ok(v != NULL, "two files load: %s", v ? "" : err_msg());
	if (!v)
		return;
	is_int(vs_count(v), 5, "five value sets");
	ok(vs_contains(vs_find(v, "a1c"), "LOINC", "4548-4"), "a LOINC code is not a range");
	ok(!vs_contains(vs_find(v, "a1c"), "LOINC", "4548"), "nor a prefix of one");
	ed = vs_find(v, "ed_rev");
	ok(vs_contains(ed, "REV", "0450"), "exact code");
	ok(vs_contains(ed, "REV", "0452"), "range end is inclusive");
	ok(!vs_contains(ed, "REV", "0453"), "past the range");
	ok(!vs_contains(ed, "REV", "450"), "a shorter code is not in a range");
	ok(!vs_contains(ed, "CPT", "0450"), "the code system must match");
	ok(vs_contains(vs_find(v, "ed_cpt"), "CPT", "99285"), "merged range, upper end");
	ok(vs_contains(vs_find(v, "ed_cpt"), "CPT", "99281"), "merged range, lower end");
	ok(!vs_contains(vs_find(v, "ed_cpt"), "CPT", "99286"), "beyond merged range");
	den = vs_find(v, "dental");
	ok(vs_contains(den, "CDT", "D1206"), "prefix D*");
	ok(!vs_contains(den, "CPT", "D1206"), "prefix with another system");
	dx = vs_find(v, "dx");
	ok(vs_contains(dx, "ICD10CM", "F329"), "exact ICD code written with a dot");
	ok(vs_contains(dx, "ICD10CM", "C184"), "ICD prefix");
	ok(vs_contains(dx, "ICD10CM", "Z0000"), "Z00.00");
	ok(!vs_contains(dx, "ICD10CM", "C1"), "shorter than the prefix");
	ok(!vs_contains(dx, "ICD10CM", ""), "empty code");
	ok(vs_find(v, "nope") == NULL, "unknown set is NULL");
	ok(!vs_contains(NULL, "REV", "0450"), "NULL set holds nothing");
	vs_free(v);
	drop("a.csv");
	drop("b.csv");
}

/* Load a single bad file; the error must contain want. */
static void bad(const char *text, const char *want, const char *what)
{
	struct valuesets *v;

	put("bad.csv", text);
	v = vs_load(dir);
	ok(v == NULL && strstr(err_msg(), want), "%s: %s", what, err_msg());
	vs_free(v);
	drop("bad.csv");
}

static void test_errors(void)
{
	bad("name,system,code\n", "bad.csv:1: header", "wrong header");
	bad(HDR "x,REV,0450,\nx,FOO,1,\n", "bad.csv:3: unknown code system 'FOO'",
	    "unknown system");
	bad(HDR "Bad Name,REV,0450,\n", "bad.csv:2: value-set name", "not snake_case");
	bad(HDR "x,REV,0450\n", "bad.csv:2: expected 4 fields", "short row");
	bad(HDR "x,REV,0219-0100,\n", "bad.csv:2: bad range", "reversed range");
	bad(HDR "x,REV,100-0219,\n", "bad.csv:2: bad range", "range of unequal lengths");
	bad(HDR "x,REV,\"0450,\n", "bad.csv:2: malformed quoting", "open quote");
	bad(HDR "x,REV,,\n", "bad.csv:2: bad code", "empty code");
	bad("", "empty file", "empty file");
	put("a.csv", HDR "same,REV,0450,\n");
	bad(HDR "same,REV,0451,\n", "bad.csv:2: value set 'same' is already defined",
	    "duplicate name across files");
	drop("a.csv");
	ok(vs_load("/nonexistent-dir") == NULL, "missing directory: %s", err_msg());
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_membership();
	test_errors();
	rmdir(dir);
	return done_testing();
}
