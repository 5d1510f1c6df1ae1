/*
 * inputs.c: the targets, baselines and partner names cco-export reports
 * against.  Small CSV files, held in memory and searched linearly.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "err.h"
#include "export.h"
#include "xalloc.h"

typedef int (*row_fn)(struct export_inputs *in, char **f, const char *file, long line);

static int parse_real(const char *s, double *out, const char *what, const char *file,
		      long line)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(*out))
		return err_set("%s:%ld: %s must be a number, not '%s'", file, line, what, s);
	return 0;
}

static int target_row(struct export_inputs *in, char **f, const char *file, long line)
{
	struct target_rule t = { 0 };
	double d = 1;

	t.gap_fraction = 0.10;
	if (!*f[0] || !*f[1])
		return err_set("%s:%ld: measure_id and submeasure are required", file, line);
	if (*f[2] && parse_real(f[2], &t.benchmark, "benchmark", file, line) < 0)
		return -1;
	t.has_benchmark = *f[2] != '\0';
	if (*f[3] && parse_real(f[3], &t.gap_fraction, "gap_fraction", file, line) < 0)
		return -1;
	if (*f[4] && parse_real(f[4], &t.floor, "floor", file, line) < 0)
		return -1;
	if (*f[5] && strcmp(f[5], "pp") != 0 && strcmp(f[5], "percent") != 0)
		return err_set("%s:%ld: floor_unit must be pp or percent, not '%s'", file,
			       line, f[5]);
	t.floor_percent = strcmp(f[5], "percent") == 0;
	if (*f[6] && (parse_real(f[6], &d, "decimals", file, line) < 0 || d < 0 || d > 4 ||
		      d != floor(d)))
		return err_set("%s:%ld: decimals must be 0 to 4, not '%s'", file, line, f[6]);
	t.decimals = (int)d;
	if (inputs_target(in, f[0], f[1]))
		return err_set("%s:%ld: a second row for %s %s", file, line, f[0], f[1]);
	t.measure_id = xstrdup(f[0]);
	t.sub = xstrdup(f[1]);
	in->targets = xrealloc(in->targets, (size_t)(in->ntargets + 1) * sizeof(t));
	in->targets[in->ntargets++] = t;
	return 0;
}

static int baseline_row(struct export_inputs *in, char **f, const char *file, long line)
{
	struct baseline b = { 0 };

	if (!*f[0] || !*f[1] || !*f[2])
		return err_set("%s:%ld: measure_id, submeasure and partner_id are required",
			       file, line);
	if (parse_real(f[3], &b.value, "baseline", file, line) < 0)
		return -1;
	if (inputs_baseline(in, f[0], f[1], f[2]))
		return err_set("%s:%ld: a second row for %s %s %s", file, line, f[0], f[1], f[2]);
	b.measure_id = xstrdup(f[0]);
	b.sub = xstrdup(f[1]);
	b.partner = xstrdup(f[2]);
	in->baselines = xrealloc(in->baselines, (size_t)(in->nbaselines + 1) * sizeof(b));
	in->baselines[in->nbaselines++] = b;
	return 0;
}

static int partner_row(struct export_inputs *in, char **f, const char *file, long line)
{
	if (!*f[0])
		return err_set("%s:%ld: partner_id is required", file, line);
	if (*inputs_partner_name(in, f[0]))
		return err_set("%s:%ld: a second row for partner %s", file, line, f[0]);
	in->partners = xrealloc(in->partners, (size_t)(in->npartners + 1) * sizeof(*in->partners));
	in->partners[in->npartners].id = xstrdup(f[0]);
	in->partners[in->npartners++].name = xstrdup(f[1]);
	return 0;
}

/* Read a CSV whose header starts with the ncols names in header. */
static int load_csv(struct export_inputs *in, const char *path, const char *const *header,
		    int ncols, row_fn fn)
{
	static const struct csvin_opts opts = { ',', '"', 0 };
	struct csvin *r = csvin_open(path, &opts);
	struct csvin_row row;
	int rc, first = 1;

	if (!r)
		return -1;
	while ((rc = csvin_next(r, &row)) > 0) {
		if (row.status != CSVIN_OK || row.nfields < ncols) {
			rc = err_set("%s:%ld: malformed row (need %d fields)", path, row.line, ncols);
			break;
		}
		if (first) {
			for (int i = 0; i < ncols && rc > 0; i++)
				if (strcmp(row.field[i], header[i]) != 0)
					rc = err_set("%s:%ld: column %d must be '%s'", path,
						     row.line, i + 1, header[i]);
			first = 0;
		} else {
			rc = fn(in, row.field, path, row.line) < 0 ? -1 : 1;
		}
		if (rc < 0)
			break;
	}
	csvin_close(r);
	if (rc == 0 && first)
		rc = err_set("%s: empty file, need a header", path);
	return rc < 0 ? -1 : 0;
}

int inputs_load(struct export_inputs *in, const char *targets_csv,
		const char *baselines_csv, const char *partners_csv)
{
	static const char *const th[] = { "measure_id", "submeasure", "benchmark",
					  "gap_fraction", "floor", "floor_unit", "decimals" };
	static const char *const bh[] = { "measure_id", "submeasure", "partner_id", "baseline" };
	static const char *const ph[] = { "partner_id", "partner_name" };

	if (load_csv(in, targets_csv, th, 7, target_row) < 0 ||
	    load_csv(in, baselines_csv, bh, 4, baseline_row) < 0 ||
	    load_csv(in, partners_csv, ph, 2, partner_row) < 0)
		return -1;
	return 0;
}

void inputs_release(struct export_inputs *in)
{
	qreport_release(&in->quality);
	for (int i = 0; i < in->ntargets; i++) {
		free(in->targets[i].measure_id);
		free(in->targets[i].sub);
	}
	for (int i = 0; i < in->nbaselines; i++) {
		free(in->baselines[i].measure_id);
		free(in->baselines[i].sub);
		free(in->baselines[i].partner);
	}
	for (int i = 0; i < in->npartners; i++) {
		free(in->partners[i].id);
		free(in->partners[i].name);
	}
	free(in->targets);
	free(in->baselines);
	free(in->partners);
	memset(in, 0, sizeof(*in));
}

const struct target_rule *inputs_target(const struct export_inputs *in,
					const char *measure_id, const char *sub)
{
	for (int i = 0; i < in->ntargets; i++)
		if (strcmp(in->targets[i].measure_id, measure_id) == 0 &&
		    strcmp(in->targets[i].sub, sub) == 0)
			return &in->targets[i];
	return NULL;
}

const struct baseline *inputs_baseline(const struct export_inputs *in,
				       const char *measure_id, const char *sub,
				       const char *partner)
{
	for (int i = 0; i < in->nbaselines; i++) {
		const struct baseline *b = &in->baselines[i];

		if (strcmp(b->measure_id, measure_id) == 0 && strcmp(b->sub, sub) == 0 &&
		    strcmp(b->partner, partner) == 0)
			return b;
	}
	return NULL;
}

const char *inputs_partner_name(const struct export_inputs *in, const char *id)
{
	if (strcmp(id, EXPORT_ALL) == 0)
		return "CCO total";
	for (int i = 0; i < in->npartners; i++)
		if (strcmp(in->partners[i].id, id) == 0)
			return in->partners[i].name;
	return "";
}
