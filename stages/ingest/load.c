/*
 * load.c: one extract file from its first byte to its row in the run
 * database.  Every record ends in exactly one place (an accepted record
 * file of its kind or the rejects file), outputs are committed only when
 * the reject rate is within the threshold, and all of a file's database
 * writes are one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "csvin.h"
#include "date.h"
#include "err.h"
#include "ingest.h"
#include "msg.h"
#include "rec.h"
#include "rundb.h"
#include "validate.h"
#include "xalloc.h"

struct file_load {
	struct ingest *in;
	struct layout *l;
	const char *name;                /* base name, for messages */
	struct load_record rec;
	struct rec_writer *out[LAYOUT_MAX_OUTPUTS];
	struct rec_writer *rejects;
	int source_col[LAYOUT_MAX_OUTPUTS], extract_col[LAYOUT_MAX_OUTPUTS];
	int member_col[LAYOUT_MAX_OUTPUTS]; /* members outputs: member_id */
	struct validator v;
	struct memberset pending;        /* members of this file */
	char *clean;                     /* raw row without TAB/CR/LF */
	size_t clean_cap;
	char seqbuf[24];
};

static char *output_path(const struct file_load *f, const char *kind)
{
	return xasprintf("%s/%06ld-%s.rec.zst", f->in->outdir, f->rec.seq, kind);
}

static int open_outputs(struct file_load *f)
{
	const struct rec_schema *rej = rec_schema_find("rejects");
	char *path;

	for (int i = 0; i < f->l->nout; i++) {
		const struct rec_schema *s = f->l->out[i];

		path = output_path(f, s->kind);
		f->out[i] = rec_writer_open(path, s, "none", f->in->level, AFILE_PHI);
		free(path);
		if (!f->out[i])
			return -1;
		f->source_col[i] = rec_schema_col(s, "source");
		f->extract_col[i] = rec_schema_col(s, "extract");
		f->member_col[i] = strcmp(s->kind, "members") == 0 ?
				   rec_schema_col(s, "member_id") : -1;
	}
	path = output_path(f, "rejects");
	f->rejects = rec_writer_open(path, rej, "none", f->in->level, AFILE_PHI);
	free(path);
	return f->rejects ? 0 : -1;
}

static void abort_outputs(struct file_load *f)
{
	for (int i = 0; i < f->l->nout; i++) {
		rec_writer_abort(f->out[i]);
		f->out[i] = NULL;
	}
	rec_writer_abort(f->rejects);
	f->rejects = NULL;
}

/* Close every writer; on the first failure abort the rest.  0 or -1. */
static int commit_outputs(struct file_load *f)
{
	int rc = 0;

	for (int i = 0; i < f->l->nout; i++) {
		if (rc == 0)
			rc = rec_writer_close(f->out[i]);
		else
			rec_writer_abort(f->out[i]);
		f->out[i] = NULL;
	}
	if (rc == 0)
		rc = rec_writer_close(f->rejects);
	else
		rec_writer_abort(f->rejects);
	f->rejects = NULL;
	return rc;
}

/* Count a record whose date (of the first kind's period column) falls
 * outside the period the file covers: a warning, the row is kept. */
static void check_period(struct file_load *f)
{
	const struct layout *l = f->l;

	for (int r = 0; l->period_col >= 0 && r < f->v.nrows; r++) {
		size_t n;
		const char *s;
		int d;

		if (f->v.rows[r].out != 0)
			continue;
		s = validate_value(&f->v, &f->v.rows[r], l->period_col, &n);
		if (date_parse_iso(s, n, &d) == 0 &&
		    ((l->bound_from != DATE_NONE && d < l->bound_from) ||
		     (l->bound_to != DATE_NONE && d > l->bound_to))) {
			f->rec.out_of_period++;
			return;
		}
	}
}

static void write_accepted(struct file_load *f)
{
	for (int r = 0; r < f->v.nrows; r++) {
		const struct vrow *row = &f->v.rows[r];
		struct rec_writer *w = f->out[row->out];
		int ncols = rec_schema_ncols(f->l->out[row->out]);

		for (int c = 0; c < ncols; c++) {
			size_t n;
			const char *s = validate_value(&f->v, row, c, &n);

			if (c == f->source_col[row->out])
				rec_put_str(w, f->l->source);
			else if (c == f->extract_col[row->out])
				rec_put_str(w, f->seqbuf);
			else
				rec_put(w, s, n);
			if (c == f->member_col[row->out] && n > 0)
				memberset_add(&f->pending, s, n);
		}
		rec_end(w);
		f->rec.rows_out++;
	}
}

static void write_reject(struct file_load *f, const struct csvin_row *row)
{
	struct rec_writer *w = f->rejects;
	char line[24];

	xgrow(&f->clean, &f->clean_cap, row->raw_len + 1, 1);
	for (size_t i = 0; i < row->raw_len; i++) {
		char c = row->raw[i];

		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		else if (f->v.reason == R_INVALID_ENCODING && (c == 0 || c & 0x80))
			c = '?'; /* the record file stays UTF-8 text */
		f->clean[i] = c;
	}
	snprintf(line, sizeof(line), "%ld", row->line);
	rec_put_str(w, f->name);
	rec_put_str(w, line);
	rec_put_str(w, f->l->out[0]->kind);
	rec_put_str(w, f->v.field);
	rec_put_str(w, reason_name(f->v.reason));
	rec_put_str(w, f->v.message);
	rec_put(w, f->clean, row->raw_len);
	rec_end(w);
	if (f->rec.reject_count[f->v.reason]++ == 0)
		f->rec.reject_line[f->v.reason] = row->line;
	f->rec.rejected++;
}

/* The header (if the layout has one) and column binding.  Returns 1 to go
 * on, 0 for an empty file, -1 when the file cannot be read as this layout
 * (err_msg() set). */
static int read_header(struct file_load *f, struct csvin *r)
{
	struct csvin_row row;
	int rc;

	if (!f->l->header) {
		f->v.ncols = f->l->columns;
		return layout_bind(f->l, f->name, NULL, 0) < 0 ? -1 : 1;
	}
	rc = csvin_next(r, &row);
	if (rc <= 0)
		return rc;
	if (row.status != CSVIN_OK)
		return err_set("line %ld: the header row is not readable", row.line);
	f->v.ncols = row.nfields;
	return layout_bind(f->l, f->name, row.field, row.nfields) < 0 ? -1 : 1;
}

/* Stream every record.  Returns 0, -1 on a read error or -2 when the file
 * does not fit its layout, with err_msg() set. */
static int stream(struct file_load *f, struct csvin *r)
{
	struct csvin_row row;
	int rc = read_header(f, r);

	if (rc < 0) {
		err_set("%s: %s", f->name, err_msg());
		return -2;
	}
	if (rc == 0)
		return 0;
	while ((rc = csvin_next(r, &row)) > 0) {
		f->rec.rows_read++;
		if (validate_record(&f->v, &row) == 0) {
			check_period(f);
			write_accepted(f);
			f->rec.accepted++;
		} else {
			write_reject(f, &row);
		}
	}
	return rc;
}

static int by_count(const void *a, const void *b, void *counts)
{
	const long *c = counts;
	int x = *(const int *)a, y = *(const int *)b;

	if (c[x] != c[y])
		return c[x] < c[y] ? 1 : -1;
	return x - y;
}

static void warn_period(const struct file_load *f)
{
	char from[DATE_ISO_LEN + 1] = "", to[DATE_ISO_LEN + 1] = "";

	if (!f->rec.out_of_period)
		return;
	if (f->l->bound_from != DATE_NONE)
		date_format(f->l->bound_from, from);
	if (f->l->bound_to != DATE_NONE)
		date_format(f->l->bound_to, to);
	msg_warn("%s: %ld accepted rows dated outside the period %s..%s",
		 f->name, f->rec.out_of_period, from, to);
}

static void summary(const struct file_load *f)
{
	int order[R_COUNT], n = 0;

	msg_info("%s: extract %ld (%s): %ld rows, %ld accepted, %ld rejected, "
		 "%ld rows written", f->name, f->rec.seq, f->l->name,
		 f->rec.rows_read, f->rec.accepted, f->rec.rejected, f->rec.rows_out);
	for (int i = 0; i < R_COUNT; i++)
		if (f->rec.reject_count[i])
			order[n++] = i;
	/* few reasons: insertion sort by count, then reason order */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && by_count(&order[j - 1], &order[j],
						  (void *)f->rec.reject_count) > 0; j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (int i = 0; i < n && i < 5; i++)
		msg_info("%s:   %s: %ld (e.g. line %ld)", f->name,
			 reason_name(order[i]), f->rec.reject_count[order[i]],
			 f->rec.reject_line[order[i]]);
	warn_period(f);
}

/* Decide the file's fate once read: already loaded, failed or loaded.
 * Returns load_file()'s result. */
static int conclude(struct file_load *f, struct csvin *r)
{
	struct ingest *in = f->in;
	char hash[HASH_HEX_LEN + 1];
	long prev;

	csvin_hash(r, hash);
	f->rec.hash = hash;
	f->rec.size = csvin_bytes(r);
	prev = rundb_find_hash(in->db, hash);
	if (prev != 0) {
		abort_outputs(f);
		rundb_end(in->db, 0);
		if (prev < 0)
			return -1;
		msg_info("%s: already loaded as extract %ld, nothing added", f->name, prev);
		return 0;
	}
	if (f->rec.rows_read != f->rec.accepted + f->rec.rejected) {
		abort_outputs(f);
		rundb_end(in->db, 0);
		return err_set("%s: internal error: rows do not add up", f->name);
	}
	summary(f);
	if (f->rec.rejected > in->threshold * (double)f->rec.rows_read) {
		abort_outputs(f);
		f->rec.status = "failed";
		msg_error("%s: %.2f%% of rows rejected, over the threshold of %.2f%%: "
			  "nothing committed", f->name,
			  100.0 * (double)f->rec.rejected / (double)f->rec.rows_read,
			  100.0 * in->threshold);
	} else if (commit_outputs(f) < 0) {
		rundb_end(in->db, 0);
		return -1;
	}
	if (rundb_record(in->db, &f->rec) < 0 || rundb_end(in->db, 1) < 0) {
		rundb_end(in->db, 0);
		return -1;
	}
	if (strcmp(f->rec.status, "loaded") != 0)
		return 1;
	for (int i = 0; i < f->l->nout; i++)
		if (f->member_col[i] >= 0)
			in->members_known = 1;
	memberset_merge(&in->members, &f->pending);
	return 0;
}

static void file_load_init(struct file_load *f, struct ingest *in,
			   struct layout *l, const char *path)
{
	const char *slash = strrchr(path, '/');
	static char kinds[128];

	memset(f, 0, sizeof(*f));
	f->in = in;
	f->l = l;
	f->name = slash ? slash + 1 : path;
	f->rec.file = f->name;
	f->rec.kind = layout_kinds(l, kinds, sizeof(kinds));
	f->rec.layout = l->name;
	f->rec.source = l->source;
	f->rec.status = "loaded";
	f->v.l = l;
	f->v.date_min = in->date_min;
	f->v.date_max = in->date_max;
	f->v.known = in->members_known ? &in->members : NULL;
	f->v.pending = &f->pending;
}

int load_file(struct ingest *in, const char *path, struct layout *l)
{
	struct file_load f;
	struct csvin *r;
	int rc;

	file_load_init(&f, in, l, path);
	r = csvin_open(path, &l->csv);
	if (!r)
		return -1;
	if (rundb_begin(in->db) < 0 || (f.rec.seq = rundb_next_seq(in->db)) < 0) {
		csvin_close(r);
		return -1;
	}
	snprintf(f.seqbuf, sizeof(f.seqbuf), "%ld", f.rec.seq);
	if (open_outputs(&f) < 0) {
		abort_outputs(&f);
		rundb_end(in->db, 0);
		csvin_close(r);
		return -1;
	}
	rc = stream(&f, r);
	if (rc < 0) {
		abort_outputs(&f);
		rundb_end(in->db, 0);
		if (rc == -2) {
			msg_error("%s", err_msg());
			rc = 1;
		}
	} else {
		rc = conclude(&f, r);
	}
	csvin_close(r);
	validator_release(&f.v);
	memberset_release(&f.pending);
	free(f.clean);
	return rc;
}

static int add_members_of(long seq, void *user)
{
	struct ingest *in = user;
	char *path = xasprintf("%s/%06ld-members.rec.zst", in->outdir, seq);
	struct rec_reader *r = rec_reader_open(path);
	struct rec_row row;
	int col, rc = -1;

	free(path);
	if (!r)
		return -1;
	col = rec_reader_col(r, "member_id");
	if (col < 0)
		err_set("%s: no member_id column", rec_reader_path(r));
	else
		while ((rc = rec_reader_next(r, &row)) > 0)
			if (row.len[col])
				memberset_add(&in->members, row.field[col], row.len[col]);
	rec_reader_close(r);
	if (rc == 0)
		in->members_known = 1;
	return rc;
}

int load_known_members(struct ingest *in)
{
	return rundb_member_loads(in->db, add_members_of, in);
}
