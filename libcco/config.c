#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "date.h"
#include "num.h"
#include "err.h"
#include "shard.h"
#include "xalloc.h"

enum key_type { T_INT, T_REAL, T_DATE, T_STR, T_OPT, T_CHOICE, T_SHARD, T_DIR, T_FILE,
		T_NEWDIR };

struct key_def {
	const char *name;  /* "section.key" */
	enum key_type type;
	const char *dflt;  /* default text, or NULL when the key is required */
	double min, max;   /* for T_INT and T_REAL */
	const char *help;  /* for T_CHOICE: the choices, "a|b|c" */
};

/* The one list of configuration keys.  cco-config(5) documents each. */
static const struct key_def keys[] = {
	{ "run.measurement_year", T_INT, NULL, 2000, 2100, "measurement year (MY)" },
	{ "run.as_of", T_DATE, NULL, 0, 0, "claims paid through this date count" },
	{ "run.workspace", T_NEWDIR, "work", 0, 0, "where stage outputs go" },
	{ "run.shards", T_INT, "1", 1, SHARD_MAX, "member shards a run is split into" },
	{ "run.jobs", T_INT, "0", 0, SHARD_MAX, "shards run at once on this machine (0: its cores)" },
	{ "run.executor", T_CHOICE, "local", 0, 0, "local|slurm" },
	{ "run.shard", T_SHARD, "", 0, 0, "K/N: the shard a stage works on (the driver sets it)" },
	{ "paths.extracts", T_DIR, "../sample-data/extracts", 0, 0, "raw extract files to load" },
	{ "paths.layouts", T_DIR, "layouts", 0, 0, "extract layout files (*.ini)" },
	{ "paths.patterns", T_FILE, "patterns.ini", 0, 0, "field validation patterns (PCRE2)" },
	{ "paths.valuesets", T_DIR, "valuesets", 0, 0, "value sets (*.csv): the codes" },
	{ "paths.measures", T_DIR, "measures", 0, 0, "measure definitions (*.ini)" },
	{ "paths.targets", T_DIR, "targets", 0, 0, "benchmarks and target rules: YEAR.csv" },
	{ "paths.baselines", T_DIR, "baselines", 0, 0, "prior-year rates per partner: YEAR.csv" },
	{ "paths.partners", T_FILE, "partners.csv", 0, 0, "partner names: partner_id,partner_name" },
	{ "paths.care", T_FILE, "care.ini", 0, 0, "care-coordination criteria (cco-care(5))" },
	{ "paths.quality", T_FILE, "quality.ini", 0, 0, "data-quality checks (cco-quality(5))" },
	{ "attribute.partner_rule", T_CHOICE, "last_day", 0, 0, "last_day|first_day|most_days" },
	{ "attribute.date", T_CHOICE, "year_end", 0, 0, "year_end|as_of" },
	{ "attribute.lookback_months", T_INT, "18", 1, 60, "months of claims for PCP attribution" },
	{ "attribute.plurality", T_CHOICE, "visits", 0, 0, "visits|allowed" },
	{ "attribute.visit_valueset", T_STR, "primary_care_visit", 0, 0, "qualifying PCP services" },
	{ "attribute.taxonomy_valueset", T_STR, "primary_care_taxonomy", 0, 0, "PCP taxonomies" },
	{ "limits.memory_mb", T_INT, "256", 8, 65536, "sort buffer and cache limit, MB" },
	{ "limits.sort_buffer_kb", T_INT, "0", 0, 67108864, "sort buffer, KB (0: from memory_mb)" },
	{ "limits.sort_level", T_INT, "0", 0, 19, "zstd level of sort runs (0: none)" },
	{ "limits.threads", T_INT, "2", 1, 64, "threads a stage may run on (ingest: at most 2)" },
	{ "limits.measure_batch", T_INT, "64", 1, 65536, "members cco-measure reads at once on limits.threads" },
	{ "limits.split_kb", T_INT, "65536", 0, 1073741824, "ingest reads files from this size (KB) on limits.threads" },
	{ "limits.reject_threshold", T_REAL, "0.01", 0, 1, "reject rate that fails a file" },
	{ "limits.reject_warning", T_REAL, "0.001", 0, 1, "reject rate of a run that warns, even with -q" },
	{ "export.suppress_threshold", T_INT, "10", 0, 1000, "counts 1..N are suppressed in reports" },
	{ "export.min_denominator", T_INT, "30", 0, 1000000, "below it: not enough data" },
	{ "output.compression_level", T_INT, "1", 0, 19, "zstd level of record files (0: none)" },
	{ "slurm.partition", T_OPT, "", 0, 0, "partition of the jobs (\"\": the cluster's default)" },
	{ "slurm.account", T_OPT, "", 0, 0, "account charged (\"\": the user's default)" },
	{ "slurm.ingest_time", T_OPT, "", 0, 0, "time limit of its job (\"\": the partition's)" },
	{ "slurm.ingest_mem_mb", T_INT, "0", 0, 16777216, "memory of its job, MB (0: the partition's)" },
	{ "slurm.normalize_time", T_OPT, "", 0, 0, "time limit of its job (\"\": the partition's)" },
	{ "slurm.normalize_mem_mb", T_INT, "0", 0, 16777216, "memory of its job, MB (0: the partition's)" },
	{ "slurm.attribute_time", T_OPT, "", 0, 0, "time limit of its job (\"\": the partition's)" },
	{ "slurm.attribute_mem_mb", T_INT, "0", 0, 16777216, "memory of its job, MB (0: the partition's)" },
	{ "slurm.measure_time", T_OPT, "", 0, 0, "time limit of its job (\"\": the partition's)" },
	{ "slurm.measure_mem_mb", T_INT, "0", 0, 16777216, "memory of its job, MB (0: the partition's)" },
	{ "slurm.export_time", T_OPT, "", 0, 0, "time limit of its job (\"\": the partition's)" },
	{ "slurm.export_mem_mb", T_INT, "0", 0, 16777216, "memory of its job, MB (0: the partition's)" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct config {
	char *file;
	char *dir;           /* directory of file, for relative paths */
	char *value[NKEYS];  /* raw text, resolved for paths */
	int line[NKEYS];     /* where set in the file; 0 = default or --set */
	/* parsing state */
	int cur_line;
	FILE *fp;
	char *error;
};

static int key_index(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int section_known(const char *section)
{
	size_t n = strlen(section);

	for (size_t i = 0; i < NKEYS; i++)
		if (strncmp(keys[i].name, section, n) == 0 && keys[i].name[n] == '.')
			return 1;
	return 0;
}

static char *resolve(const char *dir, const char *value)
{
	if (value[0] == '/' || !dir)
		return xstrdup(value);
	return xasprintf("%s/%s", dir, value);
}

/* 1 when value (resolved from dir) is a directory or can be made one:
 * the nearest of it and its parents that exists is a directory. */
static int dir_can_be(const char *dir, const char *value)
{
	char *p = resolve(dir, value);
	struct stat st;
	char *slash;
	int ok;

	while (stat(p, &st) != 0 && (slash = strrchr(p, '/')) && slash != p)
		*slash = '\0';
	ok = stat(p, &st) != 0 || S_ISDIR(st.st_mode);
	free(p);
	return ok;
}

/* Check text against the key's type; on success store it (resolved). */
static int check_value(struct config *c, int k, const char *text, const char *dir)
{
	const struct key_def *d = &keys[k];
	char *end;
	struct stat st;

	switch (d->type) {
	case T_INT: {
		long long v;

		if (num_parse(text, (long long)d->min, (long long)d->max, &v) < 0)
			return err_set("%s must be a whole number from %.0f to %.0f, "
				       "not '%s'", d->name, d->min, d->max, text);
		break;
	}
	case T_REAL: {
		errno = 0;
		double v = strtod(text, &end);

		if (errno || end == text || *end || !isfinite(v) || v < d->min ||
		    v > d->max)
			return err_set("%s must be a number from %g to %g, not '%s'",
				       d->name, d->min, d->max, text);
		break;
	}
	case T_DATE: {
		int days;

		if (date_parse_iso(text, strlen(text), &days) < 0)
			return err_set("%s must be a date YYYY-MM-DD, not '%s'",
				       d->name, text);
		break;
	}
	case T_CHOICE: {
		size_t n = strlen(text);
		const char *p = d->help;

		while (n && p && !(strncmp(p, text, n) == 0 && (p[n] == '|' || !p[n])))
			p = (p = strchr(p, '|')) ? p + 1 : NULL;
		if (!n || !p)
			return err_set("%s must be one of %s, not '%s'", d->name, d->help, text);
		break;
	}
	case T_SHARD: {
		struct shard sh;

		if (*text && shard_parse(text, &sh) < 0)
			return err_set("%s must be K/N with 1 <= K <= N <= %d, not '%s'",
				       d->name, SHARD_MAX, text);
		break;
	}
	case T_OPT:
		if (strchr(text, '\'') || strchr(text, '\n'))
			return err_set("%s must not hold a quote or a line break", d->name);
		break;
	case T_STR:
		if (!*text)
			return err_set("%s must not be empty", d->name);
		break;
	case T_NEWDIR:
		if (!*text)
			return err_set("%s must not be empty", d->name);
		if (!dir_can_be(dir, text))
			return err_set("%s: not a directory '%s'", d->name, text);
		break;
	case T_DIR:
	case T_FILE: {
		char *p = resolve(dir, text);
		int bad = stat(p, &st) != 0 ||
			  (d->type == T_DIR ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode));

		free(p);
		if (bad)
			return err_set("%s: no such %s '%s'", d->name,
				       d->type == T_DIR ? "directory" : "file", text);
		break;
	}
	}
	free(c->value[k]);
	c->value[k] = d->type >= T_DIR ? resolve(dir, text) : xstrdup(text);
	return 0;
}

static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct config *c = user;
	char *full;
	int k;

	if (c->error)
		return 1;
	if (!section_known(section)) {
		c->error = xasprintf("%s:%d: unknown section [%s]", c->file,
				     c->cur_line, section);
		return 1;
	}
	full = xasprintf("%s.%s", section, name);
	k = key_index(full);
	if (k < 0)
		c->error = xasprintf("%s:%d: unknown key '%s' in [%s]", c->file,
				     c->cur_line, name, section);
	else if (c->line[k])
		c->error = xasprintf("%s:%d: '%s' already set on line %d", c->file,
				     c->cur_line, full, c->line[k]);
	else if (check_value(c, k, value, c->dir) < 0)
		c->error = xasprintf("%s:%d: %s", c->file, c->cur_line, err_msg());
	else
		c->line[k] = c->cur_line;
	free(full);
	return 1;
}

/* fgets for inih that counts lines, so errors can name them. */
static char *read_line(char *str, int num, void *stream)
{
	struct config *c = stream;
	char *s = fgets(str, num, c->fp);

	if (!s)
		return NULL;
	c->cur_line++;
	if (!strchr(s, '\n') && !feof(c->fp) && !c->error)
		c->error = xasprintf("%s:%d: line too long", c->file, c->cur_line);
	return s;
}

static int apply_defaults(struct config *c)
{
	for (size_t k = 0; k < NKEYS; k++) {
		if (c->value[k])
			continue;
		if (!keys[k].dflt)
			return err_set("%s: required key '%s' is not set", c->file,
				       keys[k].name);
		/* A defaulted path is not checked here: it has no line to
		 * name, and only the program that reads it needs it. */
		if (keys[k].type >= T_DIR)
			c->value[k] = resolve(c->dir, keys[k].dflt);
		else if (check_value(c, (int)k, keys[k].dflt, c->dir) < 0)
			return err_set("%s: default for %s", c->file, err_msg());
	}
	return 0;
}

struct config *config_load(const char *path)
{
	struct config *c = xcalloc(1, sizeof(*c));
	const char *slash = strrchr(path, '/');
	int rc;

	c->file = xstrdup(path);
	c->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	c->fp = fopen(path, "r");
	if (!c->fp) {
		err_set("cannot open config '%s': %s", path, strerror(errno));
		config_free(c);
		return NULL;
	}
	rc = ini_parse_stream(read_line, c, on_key, c);
	fclose(c->fp);
	c->fp = NULL;
	if (c->error || rc != 0) {
		if (c->error)
			err_set("%s", c->error);
		else
			err_set("%s:%d: syntax error", path, rc);
		config_free(c);
		return NULL;
	}
	if (apply_defaults(c) < 0) {
		config_free(c);
		return NULL;
	}
	return c;
}

int config_set(struct config *c, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	char *name;
	int k;

	if (!eq)
		return err_set("--set needs section.key=value, not '%s'", assignment);
	name = xstrndup(assignment, (size_t)(eq - assignment));
	k = key_index(name);
	if (k < 0) {
		err_set("--set: unknown key '%s'", name);
		free(name);
		return -1;
	}
	free(name);
	if (check_value(c, k, eq + 1, NULL) < 0)
		return err_set("--set: %s", err_msg());
	c->line[k] = 0;
	return 0;
}

int config_check(const struct config *c)
{
	int y, m, d;

	date_to_ymd(config_date(c, "run.as_of"), &y, &m, &d);
	if (y < config_int(c, "run.measurement_year"))
		return err_set("%s: run.as_of '%s' is before measurement year %ld",
			       c->file, config_str(c, "run.as_of"),
			       config_int(c, "run.measurement_year"));
	return shard_check(c);
}

static int must_key(const char *key, enum key_type t1, enum key_type t2)
{
	int k = key_index(key);

	if (k < 0 || (keys[k].type != t1 && keys[k].type != t2)) {
		fprintf(stderr, "cco: internal error: config key '%s' misused\n", key);
		abort();
	}
	return k;
}

const char *config_str(const struct config *c, const char *key)
{
	int k = key_index(key);

	if (k < 0)
		must_key(key, T_STR, T_STR);
	return c->value[k];
}

int config_choice(const struct config *c, const char *key)
{
	const char *v = c->value[must_key(key, T_CHOICE, T_CHOICE)];
	const char *p = keys[key_index(key)].help;
	size_t n = strlen(v);

	for (int i = 0; p; i++, p = (p = strchr(p, '|')) ? p + 1 : NULL)
		if (strncmp(p, v, n) == 0 && (p[n] == '|' || !p[n]))
			return i;
	return -1;
}

long config_int(const struct config *c, const char *key)
{
	return strtol(c->value[must_key(key, T_INT, T_INT)], NULL, 10);
}

double config_real(const struct config *c, const char *key)
{
	return strtod(c->value[must_key(key, T_REAL, T_INT)], NULL);
}

int config_date(const struct config *c, const char *key)
{
	const char *v = c->value[must_key(key, T_DATE, T_DATE)];
	int days = DATE_NONE;

	date_parse_iso(v, strlen(v), &days);
	return days;
}

size_t config_sort_bytes(const struct config *c)
{
	long kb = config_int(c, "limits.sort_buffer_kb");

	return kb > 0 ? (size_t)kb << 10 : ((size_t)config_int(c, "limits.memory_mb") << 20) / 2;
}

const char *config_file(const struct config *c)
{
	return c->file;
}

void config_dump(const struct config *c, void *out)
{
	for (size_t k = 0; k < NKEYS; k++)
		fprintf(out, "%s = %s\n", keys[k].name, c->value[k]);
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t k = 0; k < NKEYS; k++)
		free(c->value[k]);
	free(c->error);
	free(c->file);
	free(c->dir);
	free(c);
}
