/*
 * ingest_csv: an extract file through the code cco-ingest runs on it
 * (csvin, layout binding, validate_record), under one of a few layouts.
 * The first input byte picks the layout, the rest is the file.  The file
 * is also read in two parts, as cco-ingest reads a large one: the parts
 * must give the records of one reading and the same content hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "layout.h"
#include "../../stages/ingest/validate.h"
#include "csvin.h"
#include "date.h"
#include "err.h"
#include "fuzz.h"
#include "xalloc.h"

/* Layouts under test and the file name each is given (names matter: the
 * period and filename= values come from them). */
static const struct {
	const char *layout, *file;
} cases[] = {
	{ "config/layouts/cco-medical-claims.ini", "medical_claims_202501.csv" },
	{ "tests/fixtures/ingest/layouts/pipe.ini", "members.psv" },   /* pipe, quote ', Latin-1 */
	{ "tests/fixtures/ingest/layouts/wide.ini", "wide.csv" },      /* repeated group */
	{ "tests/fixtures/ingest/layouts/tabs.ini", "imm.tsv" },       /* no header */
	{ "config/layouts/desynpuf-carrier.ini", "carrier.csv" },      /* groups, lists */
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct layout *layouts[NCASES];

static void free_layouts(void)
{
	for (size_t i = 0; i < NCASES; i++)
		layout_free(layouts[i]);
}

static void load_layouts(void)
{
	struct pattern_set *ps = pattern_set_new();
	char *path = xasprintf("%s/config/patterns.ini", fuzz_root());

	if (pattern_set_load(ps, path) < 0) {
		fprintf(stderr, "fuzz: %s\n", err_msg());
		abort();
	}
	free(path);
	for (size_t i = 0; i < NCASES; i++) {
		path = xasprintf("%s/%s", fuzz_root(), cases[i].layout);
		layouts[i] = layout_load(path, ps);
		if (!layouts[i]) {
			fprintf(stderr, "fuzz: %s\n", err_msg());
			abort();
		}
		free(path);
	}
	pattern_set_free(ps);
	atexit(free_layouts);
}

/* The header and column binding, as cco-ingest's read_header(). */
static int bind(struct validator *v, struct layout *l, const char *name,
		struct csvin *r)
{
	struct csvin_row row;
	int rc;

	if (!l->header) {
		v->ncols = l->columns;
		return layout_bind(l, name, NULL, 0) < 0 ? -1 : 1;
	}
	rc = csvin_next(r, &row);
	if (rc <= 0 || row.status != CSVIN_OK)
		return -1;
	v->ncols = row.nfields;
	return layout_bind(l, name, row.field, row.nfields) < 0 ? -1 : 1;
}

/* Touch every staged value, as writing them would. */
static void use_rows(const struct validator *v, const struct layout *l)
{
	volatile unsigned char sink = 0;

	for (int r = 0; r < v->nrows; r++) {
		int ncols = rec_schema_ncols(l->out[v->rows[r].out]);

		for (int c = 0; c < ncols; c++) {
			size_t n;
			const char *s = validate_value(v, &v->rows[r], c, &n);

			for (size_t i = 0; i < n; i++)
				sink ^= (unsigned char)s[i];
		}
	}
	(void)sink;
}

/* Fold every record r has left (whole-file line, status, fields) into h. */
static void digest(XXH3_state_t *h, struct csvin *r)
{
	struct csvin_row row;
	long before = csvin_lines_before(r);

	while (csvin_next(r, &row) > 0) {
		long line = row.line + before;

		XXH3_64bits_update(h, &line, sizeof(line));
		XXH3_64bits_update(h, &row.status, sizeof(row.status));
		XXH3_64bits_update(h, &row.nfields, sizeof(row.nfields));
		for (int i = 0; row.status == CSVIN_OK && i < row.nfields; i++)
			XXH3_64bits_update(h, row.field[i], row.len[i] + 1);
	}
}

/* The records of path read in one go, and in two parts cut after the
 * first LF from the middle of text (as cco-ingest's choose_cut()), must
 * be the same, and so must the content hashes. */
static void check_split(const char *path, const struct csvin_opts *o,
			const uint8_t *text, size_t n)
{
	const uint8_t *nl = n ? memchr(text + n / 2, '\n', n - n / 2) : NULL;
	size_t cut = nl ? (size_t)(nl - text) + 1 : 0;
	XXH3_state_t *one = XXH3_createState(), *two = XXH3_createState();
	char h1[HASH_HEX_LEN + 1], h2[HASH_HEX_LEN + 1];
	struct csvin *a = csvin_open(path, o), *b;

	if (!cut || cut == n || !a)
		goto out;
	XXH3_64bits_reset(one);
	XXH3_64bits_reset(two);
	digest(one, a);
	csvin_hash(a, h1);
	csvin_close(a);
	a = csvin_open(path, o);
	csvin_stop_at(a, cut);
	digest(two, a);
	if (!csvin_stop_passed(a)) {
		b = csvin_open_at(path, o, cut);
		digest(two, b);
		csvin_close(b);
		if (csvin_skip_rest(a) < 0)
			abort();
	}
	csvin_hash(a, h2);
	if (XXH3_64bits_digest(one) != XXH3_64bits_digest(two) || strcmp(h1, h2))
		abort(); /* the two parts differ from one reading */
out:
	csvin_close(a);
	XXH3_freeState(one);
	XXH3_freeState(two);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct validator v = { 0 };
	struct memberset pending = { 0 }, known = { 0 };
	struct csvin_row row;
	struct csvin *r;
	struct layout *l;
	const char *path;
	size_t k;

	if (size < 1)
		return 0;
	if (!layouts[0])
		load_layouts();
	k = data[0] % NCASES;
	l = layouts[k];
	path = fuzz_file(cases[k].file, data + 1, size - 1);
	check_split(path, &l->csv, data + 1, size - 1);
	r = csvin_open(path, &l->csv);
	if (!r)
		abort();
	v.l = l;
	v.date_min = date_from_ymd(1900, 1, 1);
	v.date_max = date_from_ymd(2027, 3, 31);
	v.pending = &pending;
	if (data[0] & 0x80) { /* claims checked against a members file */
		memberset_add(&known, "M0000001", 8);
		v.known = &known;
	}
	if (bind(&v, l, cases[k].file, r) > 0)
		while (csvin_next(r, &row) > 0)
			if (validate_record(&v, &row) == 0)
				use_rows(&v, l);
	csvin_close(r);
	validator_release(&v);
	memberset_release(&pending);
	memberset_release(&known);
	return 0;
}
