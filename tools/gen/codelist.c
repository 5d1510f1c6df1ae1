/*
 * codelist.c: reads the CSV files in config/valuesets (valueset,
 * code_system, code, description[, unit, value]) and draws codes from them, so the
 * generator uses the same code lists as the measures.  libcco/valueset.c
 * answers "is this code in the set"; drawing needs the entries themselves,
 * so the generator keeps them in this form (main.c also loads the
 * directory with the library, so both read the same files the same way).
 */
#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gen.h"
#include "xalloc.h"

struct codelist_reader {
	struct codelist *lib;
	const char *path;
	long line;
	int col;
	char field[3][64];
	int too_long;
	char *error;
};

static struct code_set *find_set(struct codelist *lib, const char *name)
{
	for (size_t i = lib->n; i-- > 0;)
		if (strcmp(lib->set[i].name, name) == 0)
			return &lib->set[i];
	return NULL;
}

static void on_field(void *s, size_t len, void *data)
{
	struct codelist_reader *rd = data;

	if (rd->col < 3) {
		if (len >= sizeof(rd->field[0]))
			rd->too_long = 1;
		else
			memcpy(rd->field[rd->col], s, len), rd->field[rd->col][len] = '\0';
	}
	rd->col++;
}

/* Classify a code: "A*" prefix, "LO-HI" range of equal lengths, else exact
 * (LOINC codes such as 4548-4 hold a hyphen but are not ranges), as
 * libcco/valueset.c reads them. */
static int parse_code(struct code_entry *e, const char *system, const char *code)
{
	size_t n = strlen(code);
	const char *dash = strchr(code, '-');

	memset(e->hi, 0, sizeof(e->hi));
	if (n == 0 || n >= sizeof(e->lo))
		return -1;
	if (code[n - 1] == '*') {
		e->kind = CODE_PREFIX;
		memcpy(e->lo, code, n - 1);
		e->lo[n - 1] = '\0';
		return n > 1 ? 0 : -1;
	}
	if (dash && strcmp(system, "LOINC") != 0 && (size_t)(dash - code) * 2 + 1 == n) {
		size_t half = (size_t)(dash - code);

		e->kind = CODE_RANGE;
		memcpy(e->lo, code, half);
		e->lo[half] = '\0';
		memcpy(e->hi, dash + 1, half);
		e->hi[half] = '\0';
		return strcmp(e->lo, e->hi) <= 0 ? 0 : -1;
	}
	e->kind = CODE_EXACT;
	memcpy(e->lo, code, n + 1);
	return 0;
}

static void on_row(int c, void *data)
{
	struct codelist_reader *rd = data;
	struct code_entry e;
	struct code_set *set;

	(void)c;
	rd->line++;
	if (rd->error || (rd->line == 1 && strcmp(rd->field[0], "valueset") == 0)) {
		rd->col = 0;
		return;
	}
	/* 6 columns: a file of result sets, whose unit and value the
	 * generator does not need */
	if ((rd->col != 4 && rd->col != 6) || rd->too_long || strlen(rd->field[1]) >= sizeof(e.system) ||
	    parse_code(&e, rd->field[1], rd->field[2]) < 0) {
		rd->error = xasprintf("%s:%ld: bad value set row", rd->path, rd->line);
		return;
	}
	memcpy(e.system, rd->field[1], strlen(rd->field[1]) + 1);
	set = find_set(rd->lib, rd->field[0]);
	if (!set) {
		xgrow(&rd->lib->set, &rd->lib->alloc, rd->lib->n + 1, sizeof(*set));
		set = &rd->lib->set[rd->lib->n++];
		memset(set, 0, sizeof(*set));
		set->name = xstrdup(rd->field[0]);
	}
	xgrow(&set->e, &set->alloc, set->n + 1, sizeof(e));
	set->e[set->n++] = e;
	rd->col = 0;
}

static int load_file(struct codelist *lib, const char *path)
{
	struct codelist_reader rd = { lib, path, 0, 0, { "", "", "" }, 0, NULL };
	struct csv_parser p;
	char buf[16384];
	size_t n;
	FILE *fp = fopen(path, "r");
	int rc = 0;

	if (!fp)
		return err_set("cannot open '%s': %s", path, strerror(errno));
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	while (!rd.error && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &rd) != n)
			rd.error = xasprintf("%s:%ld: %s", path, rd.line + 1,
					     csv_strerror(csv_error(&p)));
	if (!rd.error && csv_fini(&p, on_field, on_row, &rd) != 0)
		rd.error = xasprintf("%s: %s", path, csv_strerror(csv_error(&p)));
	if (!rd.error && ferror(fp))
		rd.error = xasprintf("cannot read '%s'", path);
	if (rd.error)
		rc = err_set("%s", rd.error);
	free(rd.error);
	csv_free(&p);
	fclose(fp);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int codelist_load(struct codelist *lib, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int rc = 0;

	memset(lib, 0, sizeof(*lib));
	if (!d)
		return err_set("cannot open value set directory '%s': %s", dir,
			       strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".csv") == 0) {
			xgrow(&names, &alloc, n + 1, sizeof(*names));
			names[n++] = xasprintf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && load_file(lib, names[i]) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (rc == 0 && lib->n == 0)
		rc = err_set("no value sets in '%s'", dir);
	return rc;
}

void codelist_free(struct codelist *lib)
{
	for (size_t i = 0; i < lib->n; i++) {
		free(lib->set[i].name);
		free(lib->set[i].e);
	}
	free(lib->set);
	memset(lib, 0, sizeof(*lib));
}

int pick_init(struct pick *p, const struct codelist *lib, const char *name,
		 const char *system)
{
	const struct code_set *set = find_set((struct codelist *)lib, name);

	p->e = NULL;
	p->n = 0;
	if (!set)
		return err_set("value set '%s' not found", name);
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->e[i].system, system) == 0)
			p->n++;
	if (p->n == 0)
		return err_set("value set '%s' has no %s codes", name, system);
	p->e = xmalloc(sizeof(*p->e) * (size_t)p->n);
	p->n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->e[i].system, system) == 0)
			p->e[p->n++] = &set->e[i];
	return 0;
}

/* A member of lo..hi: the shared prefix, then a number between the digit
 * tails (zero-padded to their width). */
static void draw_range(const struct code_entry *e, struct rng *r, char *out)
{
	size_t n = strlen(e->lo), k = 0;
	long lo = 0, hi = 0;

	while (k < n && e->lo[k] == e->hi[k])
		k++;
	memcpy(out, e->lo, n + 1);
	for (size_t i = k; i < n; i++) {
		if (e->lo[i] < '0' || e->lo[i] > '9' || e->hi[i] < '0' || e->hi[i] > '9')
			return; /* not numeric: the range start will do */
		lo = lo * 10 + (e->lo[i] - '0');
		hi = hi * 10 + (e->hi[i] - '0');
	}
	long v = lo + (long)rng_below(r, (uint32_t)(hi - lo + 1));

	for (size_t i = n; i-- > k; v /= 10)
		out[i] = (char)('0' + v % 10);
}

static void draw_prefix(const struct code_entry *e, struct rng *r, char *out)
{
	size_t n = strlen(e->lo);
	int extra = strcmp(e->system, "ICD10CM") == 0 ? 1 + (n < 4 && rng_chance(r, 0.5)) : 1;

	memcpy(out, e->lo, n);
	for (int i = 0; i < extra; i++)
		out[n++] = (char)('0' + rng_below(r, 10));
	out[n] = '\0';
}

void pick_code(const struct pick *p, struct rng *r, char *dst, size_t size)
{
	const struct code_entry *e = p->e[p->n == 1 ? 0 : rng_below(r, (uint32_t)p->n)];
	char out[40];
	size_t n;

	switch (e->kind) {
	case CODE_EXACT: memcpy(out, e->lo, strlen(e->lo) + 1); break;
	case CODE_RANGE: draw_range(e, r, out); break;
	case CODE_PREFIX: draw_prefix(e, r, out); break;
	}
	n = strlen(out);
	if (e->system[0] == 'I' && strcmp(e->system, "ICD10CM") == 0 && n > 3) {
		memmove(out + 4, out + 3, n - 2);
		out[3] = '.';
		n++;
	}
	if (n >= size)
		n = size - 1;
	memcpy(dst, out, n);
	dst[n] = '\0';
}

int pick_contains(const struct pick *p, const char *code)
{
	size_t n = strlen(code);

	for (int i = 0; i < p->n; i++) {
		const struct code_entry *e = p->e[i];

		switch (e->kind) {
		case CODE_EXACT:
			if (strcmp(e->lo, code) == 0)
				return 1;
			break;
		case CODE_RANGE:
			if (strlen(e->lo) == n && strcmp(e->lo, code) <= 0 &&
			    strcmp(code, e->hi) <= 0)
				return 1;
			break;
		case CODE_PREFIX:
			if (strncmp(e->lo, code, strlen(e->lo)) == 0)
				return 1;
			break;
		}
	}
	return 0;
}
