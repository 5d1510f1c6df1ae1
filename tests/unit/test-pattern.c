#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "pattern.h"
#include "tap.h"
#include "xalloc.h"

static char dir[] = "/tmp/cco-test-pattern-XXXXXX";

static char *fixture(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	fputs(text, f);
	fclose(f);
	return p;
}

static int matches(const struct pattern_set *ps, const char *name, const char *s)
{
	const struct pattern *p = pattern_find(ps, name);

	return p ? pattern_match(p, s, strlen(s)) : -1;
}

static void test_patterns(void)
{
	char *path = fixture("p.ini", "[patterns]\n; comment\nicd10cm = [A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}\n"
				      "npi = [12][0-9]{9}\nalt = ab|cd\n");
	struct pattern_set *ps = pattern_set_new(), *copy;

	ok(pattern_set_load(ps, path) == 0, "load a patterns file");
	is_int(matches(ps, "icd10cm", "F329"), 1, "F329 is an ICD-10-CM shape");
	is_int(matches(ps, "icd10cm", "F32.9"), 0, "a dot does not match");
	is_int(matches(ps, "icd10cm", "xF329"), 0, "anchored at the start");
	is_int(matches(ps, "icd10cm", "F329ABCDE"), 0, "anchored at the end");
	is_int(matches(ps, "alt", "cd"), 1, "alternation: each branch anchored");
	is_int(matches(ps, "alt", "abcd"), 0, "alternation does not match a concatenation");
	is_int(matches(ps, "npi", "1234567893"), 1, "an NPI shape");
	ok(pattern_find(ps, "cvx") == NULL, "an unknown name is not found");
	copy = pattern_set_copy(ps);
	ok(pattern_set_add(copy, "npi", "[0-9]{10}") == 0, "override in a copy");
	is_int(matches(copy, "npi", "0123456789"), 1, "the copy has the override");
	is_int(matches(ps, "npi", "0123456789"), 0, "the original is unchanged");
	ok(pattern_set_add(ps, "bad", "[unclosed") < 0, "a bad regex is refused");
	ok(strstr(err_msg(), "pattern bad:") != NULL, "naming the pattern: %s", err_msg());
	ok(pattern_set_add(ps, "nested", "(a+)+b") == 0, "a backtracking pattern compiles");
	{
		char s[4096];

		memset(s, 'a', sizeof(s) - 1);
		s[sizeof(s) - 1] = '\0';
		is_int(matches(ps, "nested", s), 0, "a runaway match ends as no match");
	}
	pattern_set_free(copy);
	pattern_set_free(ps);
	free(path);
	path = fixture("q.ini", "[patterns]\nok = a\n[other]\nx = y\n");
	ps = pattern_set_new();
	ok(pattern_set_load(ps, path) < 0, "another section is an error");
	ok(strstr(err_msg(), "q.ini:4: unknown section [other]") != NULL,
	   "naming file and line: %s", err_msg());
	pattern_set_free(ps);
	free(path);
}

static void test_db(void)
{
	char *path = xasprintf("%s/run.db", dir);
	sqlite3 *db = db_open(path);
	struct stat st;

	ok(db != NULL, "db_open creates a database");
	stat(path, &st);
	is_int(st.st_mode & 0777, 0600, "mode 0600");
	ok(db_exec(db, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)") == 0,
	   "db_exec runs statements");
	ok(db_exec(db, "INSERT INTO nowhere VALUES (1)") < 0, "an error is returned");
	ok(strstr(err_msg(), "no such table") != NULL, "with SQLite's message");
	ok(db_prepare(db, "SELEC 1") == NULL, "a bad statement does not prepare");
	ok(db_close(db) == 0, "db_close");
	free(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_patterns();
	test_db();
	return done_testing_in(dir);
}
