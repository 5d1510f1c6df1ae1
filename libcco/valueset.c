/*
 * valueset.c: loading and membership.  Every entry is kept as a key
 * "SYSTEM\x01CODE" so one sorted array answers exact lookups; ranges are
 * sorted by their low end and merged where they overlap, so one binary
 * search finds the only range that can hold a code; prefixes are exact
 * keys probed once per distinct prefix length.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "num.h"
#include "valueset.h"
#include "xalloc.h"

struct range {
	char *lo, *hi; /* keys "SYSTEM\x01CODE" of equal length */
};

struct valueset {
	char *name;
	char *file;            /* where it was defined, for duplicate errors */
	char **exact;          /* sorted keys */
	size_t nexact, exact_cap;
	char **prefix;         /* sorted keys of prefixes (without '*') */
	size_t nprefix, prefix_cap;
	struct range *range;   /* sorted by lo, non-overlapping */
	size_t nrange, range_cap;
	unsigned char plen[32]; /* distinct prefix code lengths present */
	int nplen;
	char *unit;            /* a result set's unit (a file with the columns
				  unit,value), else NULL */
	struct band *band;     /* a result set's procedure codes with their
				  value bands, sorted by key */
	size_t nband, band_cap;
};

/* A procedure code that stands for a result (CPT II 3046F: HbA1c > 9.0%). */
struct band {
	char *key;             /* "SYSTEM\x01CODE" */
	int lo, hi;            /* thousandths, both included (num_parse_band) */
};

struct valuesets {
	struct valueset **set; /* sorted by name after loading */
	size_t n, cap;
};

static const char *const systems[] = {
	"BILLTYPE", "CDT", "CPT", "CVX", "DISCHSTAT", "HCPCS", "ICD10CM",
	"ICD10PCS", "ICD9CM", "LOINC", "MODIFIER", "NDC", "POS", "REV",
	"TAXONOMY", NULL
};

static int system_known(const char *s)
{
	for (int i = 0; systems[i]; i++)
		if (strcmp(systems[i], s) == 0)
			return 1;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	size_t lx = strlen(x->lo), ly = strlen(y->lo);

	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->lo, y->lo);
}

static int cmp_set(const void *a, const void *b)
{
	return strcmp((*(struct valueset *const *)a)->name,
		      (*(struct valueset *const *)b)->name);
}

static char *make_key(const char *system, const char *code, size_t n)
{
	size_t ls = strlen(system);
	char *k = xmalloc(ls + n + 2);

	memcpy(k, system, ls);
	k[ls] = '\x01';
	memcpy(k + ls + 1, code, n);
	k[ls + 1 + n] = '\0';
	return k;
}

/* Split one CSV line (no LF) into at most max fields, in place.  Quoted
 * fields may hold commas and doubled quotes.  Returns the field count or
 * -1 on a stray or unterminated quote. */
static int csv_split(char *line, char **field, int max)
{
	int nf = 0;
	char *r = line, *w;

	for (;;) {
		if (nf == max)
			return max + 1;
		field[nf++] = w = r;
		if (*r == '"') {
			for (r++;; r++) {
				if (*r == '\0')
					return -1;
				if (*r == '"' && r[1] == '"')
					*w++ = *r++;
				else if (*r == '"')
					break;
				else
					*w++ = *r;
			}
			r++;
			if (*r != ',' && *r != '\0')
				return -1;
		} else {
			while (*r && *r != ',') {
				if (*r == '"')
					return -1;
				*w++ = *r++;
			}
		}
		char end = *r;

		*w = '\0';
		if (end == '\0')
			return nf;
		r++;
	}
}

static int snake_case(const char *s)
{
	if (!*s || *s < 'a' || *s > 'z')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int code_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	return 1;
}

/* LOINC codes end in "-" and a check digit (4548-4): for them a hyphen is
 * part of the code, never a range. */
static int hyphen_in_code(const char *system)
{
	return strcmp(system, "LOINC") == 0;
}

static int loinc_ok(const char *s, size_t n)
{
	const char *dash = memchr(s, '-', n);

	return dash && dash > s && code_ok(s, (size_t)(dash - s)) &&
	       code_ok(dash + 1, n - (size_t)(dash - s) - 1);
}

/* Add one code spec to set.  Returns 0 or -1 with err_msg() (no location). */
static int add_code(struct valueset *set, const char *system, const char *code)
{
	size_t n = strlen(code);
	const char *dash = hyphen_in_code(system) ? NULL : strchr(code, '-');

	if (n > 1 && code[n - 1] == '*') {
		if (!code_ok(code, n - 1) || n - 1 > 31)
			return err_set("bad prefix '%s'", code);
		xgrow(&set->prefix, &set->prefix_cap, set->nprefix + 1, sizeof(char *));
		set->prefix[set->nprefix++] = make_key(system, code, n - 1);
		int i = 0;

		while (i < set->nplen && set->plen[i] != n - 1)
			i++;
		if (i == set->nplen)
			set->plen[set->nplen++] = (unsigned char)(n - 1);
		return 0;
	}
	if (dash) {
		size_t nl = (size_t)(dash - code), nh = n - nl - 1;

		if (nl != nh || !code_ok(code, nl) || !code_ok(dash + 1, nh) ||
		    strncmp(code, dash + 1, nl) > 0)
			return err_set("bad range '%s' (need LOW-HIGH, same length, "
				       "LOW <= HIGH)", code);
		xgrow(&set->range, &set->range_cap, set->nrange + 1, sizeof(struct range));
		set->range[set->nrange].lo = make_key(system, code, nl);
		set->range[set->nrange].hi = make_key(system, dash + 1, nh);
		set->nrange++;
		return 0;
	}
	char *nodot = xstrdup(code);
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (code[i] != '.')
			nodot[m++] = code[i];
	nodot[m] = '\0';
	if (hyphen_in_code(system) ? !loinc_ok(nodot, m) : !code_ok(nodot, m)) {
		free(nodot);
		return err_set("bad code '%s'", code);
	}
	xgrow(&set->exact, &set->exact_cap, set->nexact + 1, sizeof(char *));
	set->exact[set->nexact++] = make_key(system, nodot, m);
	free(nodot);
	return 0;
}

static struct valueset *get_set(struct valuesets *v, const char *name,
				const char *file)
{
	for (size_t i = v->n; i-- > 0;)
		if (strcmp(v->set[i]->name, name) == 0)
			return v->set[i];
	struct valueset *s = xcalloc(1, sizeof(*s));

	s->name = xstrdup(name);
	s->file = xstrdup(file);
	xgrow(&v->set, &v->cap, v->n + 1, sizeof(*v->set));
	v->set[v->n++] = s;
	return s;
}

static int add_result(struct valueset *s, const char *system, const char *code,
		      const char *unit, const char *value);

/* Handle one data row of a file with `fields` columns (4, or 6 with
 * unit,value); returns 0 or -1 with err_msg() (no location). */
static int load_row(struct valuesets *v, const char *file, char *line, int fields)
{
	char *f[7];
	int nf = csv_split(line, f, fields);
	struct valueset *s;

	if (nf < 0)
		return err_set("malformed quoting");
	if (nf != fields)
		return err_set("expected %d fields, found %d", fields, nf);
	if (!snake_case(f[0]))
		return err_set("value-set name '%s' is not snake_case", f[0]);
	if (!system_known(f[1]))
		return err_set("unknown code system '%s'", f[1]);
	s = get_set(v, f[0], file);
	if (strcmp(s->file, file) != 0)
		return err_set("value set '%s' is already defined in '%s'", f[0],
			       s->file);
	if (fields == 6 && add_result(s, f[1], f[2], f[4], f[5]) < 0)
		return -1;
	return add_code(s, f[1], f[2]);
}

/* The columns a header names: 4, 6 for a file of result sets, or -1. */
static int header_fields(const char *line)
{
	if (strcmp(line, "valueset,code_system,code,description") == 0)
		return 4;
	if (strcmp(line, "valueset,code_system,code,description,unit,value") == 0)
		return 6;
	return -1;
}

/* A row of a result set: the set's one unit; a LOINC code's value comes
 * from each result, any other code is an exact procedure code standing
 * for a band of values.  Returns 0 or -1 with err_msg() (no location). */
static int add_result(struct valueset *s, const char *system, const char *code,
		      const char *unit, const char *value)
{
	int loinc = strcmp(system, "LOINC") == 0, lo, hi;

	if (!*unit || strchr(unit, ' '))
		return err_set("a result set's row needs a unit without spaces");
	if (s->unit && strcmp(s->unit, unit) != 0)
		return err_set("value set '%s' has unit '%s', not '%s'", s->name, s->unit, unit);
	if (!s->unit)
		s->unit = xstrdup(unit);
	if (loinc && *value)
		return err_set("a LOINC code's value comes from its results: leave value empty");
	if (loinc)
		return 0;
	if (strcmp(system, "CPT") != 0 && strcmp(system, "HCPCS") != 0)
		return err_set("a result set's codes are LOINC, or CPT or HCPCS with a value");
	if (strpbrk(code, "*-") || num_parse_band(value, strlen(value), &lo, &hi) < 0)
		return err_set("'%s' needs one exact code and a value such as <7.0, "
			       ">=7.0 <8.0 or >9.0, not '%s'", code, value);
	xgrow(&s->band, &s->band_cap, s->nband + 1, sizeof(*s->band));
	s->band[s->nband++] = (struct band){ make_key(system, code, strlen(code)), lo, hi };
	return 0;
}

static int load_file(struct valuesets *v, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0, fields = 4;

	if (!fp)
		return err_set("cannot open '%s': %s", path, strerror(errno));
	while (rc == 0 && (n = getline(&line, &cap, fp)) > 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (lineno == 1) {
			fields = header_fields(line);
			if (fields < 0)
				rc = err_set("%s:1: header must be "
					     "'valueset,code_system,code,description' "
					     "or 'valueset,code_system,code,description,unit,value'",
					     path);
			continue;
		}
		if (n == 0)
			continue;
		if (load_row(v, path, line, fields) < 0)
			rc = err_set("%s:%ld: %s", path, lineno, err_msg());
	}
	if (rc == 0 && lineno == 0)
		rc = err_set("%s: empty file (no header)", path);
	free(line);
	fclose(fp);
	return rc;
}

/* Sort a set's tables and merge overlapping ranges of the same length. */
static void finish_set(struct valueset *s)
{
	size_t m = 0;

	if (s->nexact)
		qsort(s->exact, s->nexact, sizeof(char *), cmp_key);
	if (s->nband)
		qsort(s->band, s->nband, sizeof(*s->band), cmp_key);
	if (s->nprefix)
		qsort(s->prefix, s->nprefix, sizeof(char *), cmp_key);
	if (s->nrange)
		qsort(s->range, s->nrange, sizeof(struct range), cmp_range);
	for (size_t i = 0; i < s->nrange; i++) {
		struct range *last = m ? &s->range[m - 1] : NULL;

		if (last && strlen(last->lo) == strlen(s->range[i].lo) &&
		    strcmp(s->range[i].lo, last->hi) <= 0) {
			if (strcmp(s->range[i].hi, last->hi) > 0) {
				free(last->hi);
				last->hi = s->range[i].hi;
			} else {
				free(s->range[i].hi);
			}
			free(s->range[i].lo);
			continue;
		}
		s->range[m++] = s->range[i];
	}
	s->nrange = m;
}

static int is_csv(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0;
}

struct valuesets *vs_load(const char *dir)
{
	struct valuesets *v = xcalloc(1, sizeof(*v));
	struct dirent **names;
	int n = scandir(dir, &names, is_csv, alphasort);
	int rc = 0;

	if (n < 0) {
		err_set("cannot read value-set directory '%s': %s", dir, strerror(errno));
		free(v);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);

		if (rc == 0)
			rc = load_file(v, path);
		free(path);
		free(names[i]);
	}
	free(names);
	if (rc < 0) {
		vs_free(v);
		return NULL;
	}
	for (size_t i = 0; i < v->n; i++)
		finish_set(v->set[i]);
	if (v->n)
		qsort(v->set, v->n, sizeof(*v->set), cmp_set);
	return v;
}

const struct valueset *vs_find(const struct valuesets *v, const char *name)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->set[mid]->name, name);

		if (c == 0)
			return v->set[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int in_sorted(char **keys, size_t n, const char *key)
{
	return n && bsearch(&key, keys, n, sizeof(char *), cmp_key) != NULL;
}

/* The only range that can hold key: the last with lo <= key, same length. */
static int in_ranges(const struct valueset *s, const char *key, size_t klen)
{
	size_t lo = 0, hi = s->nrange;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t ml = strlen(s->range[mid].lo);

		if (ml < klen || (ml == klen && strcmp(s->range[mid].lo, key) <= 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	const struct range *r = &s->range[lo - 1];

	return strlen(r->lo) == klen && strcmp(key, r->hi) <= 0;
}

int vs_contains(const struct valueset *set, const char *system, const char *code)
{
	char buf[128];
	size_t ls = strlen(system), lc = strlen(code), kl = ls + 1 + lc;

	if (!set || lc == 0 || kl >= sizeof(buf))
		return 0;
	memcpy(buf, system, ls);
	buf[ls] = '\x01';
	memcpy(buf + ls + 1, code, lc + 1);
	if (in_sorted(set->exact, set->nexact, buf) || in_ranges(set, buf, kl))
		return 1;
	for (int i = 0; i < set->nplen; i++) {
		size_t p = set->plen[i];

		if (p > lc)
			continue;
		char save = buf[ls + 1 + p];

		buf[ls + 1 + p] = '\0';
		int hit = in_sorted(set->prefix, set->nprefix, buf);

		buf[ls + 1 + p] = save;
		if (hit)
			return 1;
	}
	return 0;
}

void vs_memo_init(struct vs_memo *m, const struct valueset *set)
{
	memset(m, 0, sizeof(*m));
	m->set = set;
}

int vs_memo_contains(struct vs_memo *m, const char *system, const char *code,
		     size_t len)
{
	struct verdict_slot *e;
	int hit;

	if (len == 0)
		return 0; /* as vs_contains() says of an empty code */
	if (len > VERDICT_MAX)
		return vs_contains(m->set, system, code);
	e = verdict_slot(&m->cache, system, code, len, &hit);
	if (!hit)
		e->answer = (uint32_t)vs_contains(m->set, system, code);
	return (int)e->answer;
}

int vs_count(const struct valuesets *v)
{
	return (int)v->n;
}

static void set_free(struct valueset *s)
{
	for (size_t i = 0; i < s->nexact; i++)
		free(s->exact[i]);
	for (size_t i = 0; i < s->nprefix; i++)
		free(s->prefix[i]);
	for (size_t i = 0; i < s->nrange; i++) {
		free(s->range[i].lo);
		free(s->range[i].hi);
	}
	for (size_t i = 0; i < s->nband; i++)
		free(s->band[i].key);
	free(s->exact);
	free(s->prefix);
	free(s->range);
	free(s->band);
	free(s->unit);
	free(s->name);
	free(s->file);
	free(s);
}

void vs_free(struct valuesets *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		set_free(v->set[i]);
	free(v->set);
	free(v);
}

const char *vs_procedure_system(const char *code)
{
	if (code[0] == 'D')
		return "CDT";
	return isalpha((unsigned char)code[0]) ? "HCPCS" : "CPT";
}

const struct valueset *vs_at(const struct valuesets *v, int i)
{
	return i >= 0 && (size_t)i < v->n ? v->set[i] : NULL;
}

const char *vs_name(const struct valueset *set)
{
	return set->name;
}

void vs_digest(const struct valueset *set, char out[HASH_HEX_LEN + 1])
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	/* the tables are sorted once loaded, so equal contents give equal text */
	for (size_t i = 0; i < set->nexact; i++)
		fprintf(f, "=%s\n", set->exact[i]);
	for (size_t i = 0; i < set->nprefix; i++)
		fprintf(f, "*%s\n", set->prefix[i]);
	for (size_t i = 0; i < set->nrange; i++)
		fprintf(f, "%s-%s\n", set->range[i].lo, set->range[i].hi);
	if (set->unit) /* results: a new unit or band reruns the stage too */
		fprintf(f, "unit %s\n", set->unit);
	for (size_t i = 0; i < set->nband; i++)
		fprintf(f, "band %s %d %d\n", set->band[i].key, set->band[i].lo, set->band[i].hi);
	fclose(f);
	hash_bytes(text, size, out);
	free(text);
}

const char *vs_unit(const struct valueset *set)
{
	return set ? set->unit : NULL;
}

int vs_band(const struct valueset *set, const char *system, const char *code, int *lo,
	    int *hi)
{
	char buf[128];
	size_t ls = strlen(system), lc = strlen(code);
	const char *key = buf;
	const struct band *b;

	if (!set || !set->nband || ls + 1 + lc >= sizeof(buf))
		return 0;
	memcpy(buf, system, ls);
	buf[ls] = '\x01';
	memcpy(buf + ls + 1, code, lc + 1);
	b = bsearch(&key, set->band, set->nband, sizeof(*set->band), cmp_key);
	if (!b)
		return 0;
	*lo = b->lo;
	*hi = b->hi;
	return 1;
}
