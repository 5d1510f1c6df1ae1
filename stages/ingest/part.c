/*
 * part.c: records of one part of an extract file into its writers (see
 * part.h).  Every record ends in exactly one place: an accepted record
 * file of its kind or the rejects file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "date.h"
#include "err.h"
#include "part.h"
#include "xalloc.h"

static char *output_path(const char *dir, long seq, const char *kind,
			 const char *suffix)
{
	return xasprintf("%s/" PART_NAME_FMT "%s", dir, seq, kind, suffix ? suffix : "");
}

static struct rec_writer *open_writer(const char *dir, long seq,
				      const struct rec_schema *s, int level,
				      const char *suffix)
{
	char *path = output_path(dir, seq, s->kind, suffix);
	struct rec_writer *w = suffix ?
		rec_writer_open_rows(path, s, level, AFILE_PHI) :
		rec_writer_open(path, s, "none", level, AFILE_PHI);

	free(path);
	return w;
}

int part_open(struct part *p, const char *dir, long seq, int level,
	      const char *suffix)
{
	for (int i = 0; i < p->l->nout; i++) {
		const struct rec_schema *s = p->l->out[i];

		p->out[i] = open_writer(dir, seq, s, level, suffix);
		if (!p->out[i])
			return -1;
		rec_writer_inline(p->out[i], p->inline_zstd);
		p->source_col[i] = rec_schema_col(s, "source");
		p->extract_col[i] = rec_schema_col(s, "extract");
		p->member_col[i] = strcmp(s->kind, "members") == 0 ?
				   rec_schema_col(s, "member_id") : -1;
	}
	p->rejects = open_writer(dir, seq, rec_schema_find("rejects"), level, suffix);
	if (!p->rejects)
		return -1;
	rec_writer_inline(p->rejects, p->inline_zstd);
	return 0;
}

void part_inline(struct part *p, int on)
{
	p->inline_zstd = on;
	for (int i = 0; i < p->l->nout; i++)
		rec_writer_inline(p->out[i], on);
	rec_writer_inline(p->rejects, on);
}

void part_abort(struct part *p)
{
	rec_writers_close(p->out, p->l->nout, 0);
	rec_writers_close(&p->rejects, 1, 0);
}

int part_keep_rejects(struct part *p)
{
	rec_writers_close(p->out, p->l->nout, 0);
	return rec_writers_close_sums(&p->rejects, 1, 1, &p->sum[p->l->nout]);
}

int part_commit(struct part *p)
{
	int rc = rec_writers_close_sums(p->out, p->l->nout, 1, p->sum);

	return rec_writers_close_sums(&p->rejects, 1, rc == 0, &p->sum[p->l->nout]);
}

/* Count a record whose date (of the first kind's period column) falls
 * outside the period the file covers: a warning, the row is kept. */
static void check_period(struct part *p)
{
	const struct layout *l = p->l;

	for (int r = 0; l->period_col >= 0 && r < p->v.nrows; r++) {
		size_t n;
		const char *s;
		int d;

		if (p->v.rows[r].out != 0)
			continue;
		s = validate_value(&p->v, &p->v.rows[r], l->period_col, &n);
		if (date_parse_iso(s, n, &d) == 0 &&
		    ((l->bound_from != DATE_NONE && d < l->bound_from) ||
		     (l->bound_to != DATE_NONE && d > l->bound_to))) {
			p->n->out_of_period++;
			return;
		}
	}
}

/* Each staged row as one rec_put_row(): one room check a row, not a field. */
static void write_accepted(struct part *p)
{
	const char *source = p->l->source ? p->l->source : "";
	size_t source_len = strlen(source), seq_len = strlen(p->seq);

	for (int r = 0; r < p->v.nrows; r++) {
		const struct vrow *row = &p->v.rows[r];
		int ncols = p->l->out_ncols[row->out];
		const char *val[LAYOUT_MAX_COLS];
		size_t len[LAYOUT_MAX_COLS];

		for (int c = 0; c < ncols; c++) {
			val[c] = validate_value(&p->v, row, c, &len[c]);
			if (c == p->source_col[row->out])
				val[c] = source, len[c] = source_len;
			else if (c == p->extract_col[row->out])
				val[c] = p->seq, len[c] = seq_len;
			if (c == p->member_col[row->out] && len[c] > 0)
				memberset_add(p->pending, val[c], len[c]);
		}
		rec_put_row(p->out[row->out], val, len, ncols);
		p->n->rows_out++;
	}
}

/* Returns 0, or -1 with err_msg() set if the record's line number cannot
 * be known. */
static int write_reject(struct part *p, const struct csvin_row *row)
{
	struct rec_writer *w = p->rejects;
	long before = csvin_lines_before(p->r), at = row->line + before;
	char line[24];

	if (before < 0)
		return -1;
	xgrow(&p->clean, &p->clean_cap, row->raw_len + 1, 1);
	for (size_t i = 0; i < row->raw_len; i++) {
		char c = row->raw[i];

		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		else if (p->v.reason == R_INVALID_ENCODING && (c == 0 || c & 0x80))
			c = '?'; /* the record file stays UTF-8 text */
		p->clean[i] = c;
	}
	snprintf(line, sizeof(line), "%ld", at);
	rec_put_str(w, REJECTS_src_file, p->name);
	rec_put_str(w, REJECTS_src_line, line);
	rec_put_str(w, REJECTS_kind, p->l->out[0]->kind);
	rec_put_str(w, REJECTS_field, p->v.field);
	rec_put_str(w, REJECTS_reason, reason_name(p->v.reason));
	rec_put_str(w, REJECTS_message, p->v.message);
	rec_put(w, REJECTS_raw, p->clean, row->raw_len);
	rec_end(w);
	if (p->n->reject_count[p->v.reason]++ == 0)
		p->n->reject_line[p->v.reason] = at;
	reject_kind_add(p->n, p->v.reason, p->v.field, 1, at, p->v.message);
	p->n->rejected++;
	return 0;
}

int part_stream(struct part *p)
{
	struct csvin_row row;
	int rc;

	while ((rc = csvin_next(p->r, &row)) > 0) {
		if (p->give_up && atomic_load_explicit(p->give_up, memory_order_relaxed))
			return 0;
		if (p->tell_passed && csvin_stop_passed(p->r)) {
			atomic_store(p->tell_passed, 1);
			p->tell_passed = NULL;
			part_inline(p, 0); /* alone now: compress on workers */
		}
		p->n->rows_read++;
		if (validate_record(&p->v, &row) == 0) {
			check_period(p);
			write_accepted(p);
			p->n->accepted++;
		} else if (write_reject(p, &row) < 0) {
			return -1;
		}
	}
	return rc;
}

/* Add the counts of the records after to's to to's. */
static void add_counts(struct load_record *to, const struct load_record *after)
{
	to->rows_read += after->rows_read;
	to->accepted += after->accepted;
	to->rejected += after->rejected;
	to->rows_out += after->rows_out;
	to->out_of_period += after->out_of_period;
	for (int i = 0; i < R_COUNT; i++) {
		if (to->reject_count[i] == 0)
			to->reject_line[i] = after->reject_line[i];
		to->reject_count[i] += after->reject_count[i];
	}
	for (int i = 0; i < after->nkinds; i++) {
		const struct reject_kind *k = &after->kinds[i];

		reject_kind_add(to, k->reason, k->field, k->count, k->line, k->message);
	}
}

int part_append(struct part *p, struct part *tail)
{
	int rc = 0;

	for (int i = 0; i < p->l->nout; i++) {
		if (rc == 0)
			rc = rec_writer_append(p->out[i], tail->out[i]);
		else
			rec_writer_abort(tail->out[i]);
		tail->out[i] = NULL;
	}
	if (rc == 0)
		rc = rec_writer_append(p->rejects, tail->rejects);
	else
		rec_writer_abort(tail->rejects);
	tail->rejects = NULL;
	add_counts(p->n, tail->n);
	return rc;
}

void part_release(struct part *p)
{
	validator_release(&p->v);
	free(p->clean);
	p->clean = NULL;
}
