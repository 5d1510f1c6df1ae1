#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "num.h"
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

/* A memo answers as vs_contains() does, through collisions, a second
 * pass over the same codes, another pointer to the same system text,
 * codes too long to remember and empty codes. */
static void test_memo(void)
{
	struct vs_memo *m = xmalloc(sizeof(*m));
	struct valuesets *v;
	char other_rev[] = "REV", code[16];
	int wrong = 0, hits = 0;

	put("a.csv", HDR "ed_rev,REV,0450-0459,\ned_rev,REV,0981,\n"
		     "long,ICD10CM,Z000012*,\n");
	v = vs_load(dir);
	ok(v != NULL, "value sets load");
	if (!v) {
		free(m);
		return;
	}
	vs_memo_init(m, vs_find(v, "ed_rev"));
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 10000; i++) {
			const char *sys = i % 3 ? "REV" : other_rev;
			int want;

			snprintf(code, sizeof(code), "%04d", i);
			want = vs_contains(m->set, sys, code);
			hits += want;
			wrong += vs_memo_contains(m, sys, code, 4) != want;
		}
	is_int(wrong, 0, "20000 lookups agree with vs_contains()");
	is_int(hits, 22, "the eleven codes, found twice");
	ok(!vs_memo_contains(m, "REV", "", 0), "an empty code is in no set");
	vs_memo_init(m, vs_find(v, "long"));
	for (int pass = 0; pass < 2; pass++) {
		ok(vs_memo_contains(m, "ICD10CM", "Z00001234", 9), "a code of 9 bytes");
		ok(vs_memo_contains(m, "ICD10CM", "Z0000123", 8), "a code of 8 bytes");
		ok(!vs_memo_contains(m, "ICD10CM", "Z0000113", 8), "and one not in the set");
		ok(vs_memo_contains(m, "ICD10CM", "Z00001234567890123", 18),
		   "a code over 16 bytes, not kept");
		ok(!vs_memo_contains(m, "ICD10CM", "Z00001134567890123", 18),
		   "and one not in the set");
	}
	vs_memo_init(m, NULL);
	ok(!vs_memo_contains(m, "REV", "0450", 4), "a memo of no set");
	vs_free(v);
	drop("a.csv");
	free(m);
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

#define RESULTS "valueset,code_system,code,description,unit,value\n"

/* A file of result sets: units, the bands of CPT II codes; a set of
 * another file has neither. */
static void test_results(void)
{
	struct valuesets *v;
	const struct valueset *a1c;
	int lo = 1, hi = 0;

	put("a.csv", HDR "visit,CPT,99213,\n");
	put("r.csv", RESULTS "a1c,LOINC,4548-4,HbA1c,%,\n"
			     "a1c,CPT,3044F,\"HbA1c < 7.0%\",%,<7.0\n"
			     "a1c,CPT,3051F,HbA1c 7.0-7.9,%,>=7.0 <8.0\n"
			     "a1c,CPT,3046F,HbA1c > 9.0,%,>9.0\n");
	v = vs_load(dir);
	ok(v != NULL, "a file of result sets loads: %s", v ? "" : err_msg());
	if (!v)
		return;
	a1c = vs_find(v, "a1c");
	is_str(vs_unit(a1c), "%", "a result set has its unit");
	ok(vs_unit(vs_find(v, "visit")) == NULL, "a set of codes has none");
	ok(vs_unit(NULL) == NULL, "nor has no set");
	ok(vs_contains(a1c, "LOINC", "4548-4") && vs_contains(a1c, "CPT", "3051F"),
	   "its codes are members as in any set");
	ok(vs_band(a1c, "CPT", "3051F", &lo, &hi) && lo == 7000 && hi == 7999,
	   "a CPT II code stands for its band");
	ok(vs_band(a1c, "CPT", "3046F", &lo, &hi) && lo == 9001 && hi == NUM_MILLI_MAX,
	   "an open band");
	ok(!vs_band(a1c, "LOINC", "4548-4", &lo, &hi), "a LOINC code has no band: its results do");
	ok(!vs_band(a1c, "CPT", "3052F", &lo, &hi), "nor a code not in the set");
	vs_free(v);
	drop("a.csv");
	drop("r.csv");
}

/* The digest of set a1c in a file of result sets holding text. */
static void results_digest(const char *text, char out[HASH_HEX_LEN + 1])
{
	struct valuesets *v;

	put("r.csv", text);
	v = vs_load(dir);
	if (v)
		vs_digest(vs_find(v, "a1c"), out);
	else
		out[0] = '\0';
	vs_free(v);
	drop("r.csv");
}

/* A new band or unit changes a set's digest, so the stages that use it
 * rerun. */
static void test_result_digests(void)
{
	char base[HASH_HEX_LEN + 1], band[HASH_HEX_LEN + 1], unit[HASH_HEX_LEN + 1];

	results_digest(RESULTS "a1c,LOINC,4548-4,x,%,\na1c,CPT,3046F,x,%,>9.0\n", base);
	results_digest(RESULTS "a1c,LOINC,4548-4,x,%,\na1c,CPT,3046F,x,%,>=9.0\n", band);
	results_digest(RESULTS "a1c,LOINC,4548-4,x,mmol/mol,\na1c,CPT,3046F,x,mmol/mol,>9.0\n", unit);
	ok(base[0] && strcmp(base, band) != 0, "another band, another digest");
	ok(base[0] && strcmp(base, unit) != 0, "another unit, another digest");
}

/* text as a file of result sets fails to load with want in the message */
static void bad_results(const char *text, const char *want, const char *what)
{
	struct valuesets *v;

	put("r.csv", text);
	v = vs_load(dir);
	ok(!v && strstr(err_msg(), want), "%s: %s", what, v ? "(loaded)" : err_msg());
	vs_free(v);
	drop("r.csv");
}

static void test_result_errors(void)
{
	bad_results(RESULTS "a1c,LOINC,4548-4,HbA1c,,\n", "r.csv:2: a result set's row needs a unit",
		    "no unit");
	bad_results(RESULTS "a1c,LOINC,4548-4,HbA1c,%,\na1c,LOINC,4549-2,x,mmol/mol,\n",
		    "r.csv:3: value set 'a1c' has unit '%', not 'mmol/mol'", "two units");
	bad_results(RESULTS "a1c,LOINC,4548-4,HbA1c,%,9.0\n",
		    "r.csv:2: a LOINC code's value comes from its results", "a band on a LOINC code");
	bad_results(RESULTS "a1c,CPT,3046F,x,%,\n", "r.csv:2: '3046F' needs one exact code and a value",
		    "a CPT code without a band");
	bad_results(RESULTS "a1c,CPT,3046F,x,%,>9.0 <8.0\n", "needs one exact code and a value",
		    "an empty band");
	bad_results(RESULTS "a1c,CPT,3044F-3046F,x,%,<7\n", "needs one exact code", "a range");
	bad_results(RESULTS "a1c,ICD10CM,E119,x,%,<7\n",
		    "a result set's codes are LOINC, or CPT or HCPCS", "another code system");
	bad_results(RESULTS "a1c,LOINC,4548-4,HbA1c,%\n", "r.csv:2: expected 6 fields, found 5",
		    "a short row");
	bad_results("valueset,code_system,code,description,unit\n", "r.csv:1: header must be",
		    "a header with unit alone");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_membership();
	test_memo();
	test_errors();
	test_results();
	test_result_errors();
	test_result_digests();
	rmdir(dir);
	return done_testing();
}
