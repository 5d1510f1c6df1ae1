/*
 * inifile.c: libinih with line numbers, as config.c reads pipeline.ini.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "inifile.h"
#include "xalloc.h"

struct ini_state {
	const char *path;
	FILE *fp;
	int line;
	char *error;   /* first error, "FILE:LINE: what" */
	inifile_fn fn;
	void *user;
};

static int current_line;
static int current_indented;

int inifile_line(void)
{
	return current_line;
}

int inifile_continued(void)
{
	return current_indented;
}

static char *read_line(char *str, int num, void *stream)
{
	struct ini_state *st = stream;
	char *s = fgets(str, num, st->fp);

	if (!s)
		return NULL;
	st->line++;
	current_line = st->line;
	current_indented = *s == ' ' || *s == '\t';
	if (!strchr(s, '\n') && !feof(st->fp) && !st->error)
		st->error = xasprintf("%s:%d: line too long", st->path, st->line);
	return s;
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value)
{
	struct ini_state *st = user;

	if (st->error)
		return 1;
	if (st->fn(st->user, section, key, value) < 0)
		st->error = xasprintf("%s:%d: %s", st->path, st->line, err_msg());
	return 1;
}

int inifile_parse(const char *path, inifile_fn fn, void *user)
{
	struct ini_state st = { path, NULL, 0, NULL, fn, user };
	int rc;

	st.fp = fopen(path, "r");
	if (!st.fp)
		return err_set("cannot open '%s': %s", path, strerror(errno));
	rc = ini_parse_stream(read_line, &st, on_key, &st);
	fclose(st.fp);
	if (st.error) {
		err_set("%s", st.error);
		free(st.error);
		return -1;
	}
	if (rc != 0)
		return err_set("%s:%d: syntax error", path, rc);
	return 0;
}
