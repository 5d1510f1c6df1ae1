/*
 * load.c: one extract file from its first byte to its row in the run
 * database.  Every record ends in exactly one place (an accepted record
 * file of its kind or the rejects file), outputs are committed only when
 * the reject rate is within the threshold, and all of a file's database
 * writes are one transaction.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "csvin.h"
#include "date.h"
#include "err.h"
#include "ingest.h"
#include "msg.h"
#include "part.h"
#include "rundb.h"
#include "xalloc.h"

struct file_load {
	struct ingest *in;
	struct layout *l;
	const char *path;
	const char *name;                /* base name, for messages */
	struct load_record rec;
	struct part a;                   /* the file, or its first part */
	struct memberset pending;        /* members of this file */
	char seqbuf[24];
	/* a large file is read in two parts, the second on a thread */
	uint64_t cut;                    /* where the second starts; 0: none */
	struct part b;
	struct load_record b_counts;
	pthread_t thread;
	int started;                     /* the thread runs: join it */
	atomic_int give_up;              /* the first part read past the cut */
	char *b_error;                   /* the second part's error message */
};

/* The header (if the layout has one) and column binding.  Returns 1 to go
 * on, 0 for a file without a record (no header either), -1 when the file cannot be read as this layout
 * (err_msg() set). */
static int read_header(struct file_load *f, struct csvin *r)
{
	struct csvin_row row;
	int rc;

	if (!f->l->header) {
		f->a.v.ncols = f->l->columns;
		return layout_bind(f->l, f->name, NULL, 0) < 0 ? -1 : 1;
	}
	rc = csvin_next(r, &row);
	if (rc <= 0)
		return rc;
	if (row.status != CSVIN_OK)
		return err_set("line %ld: the header row is not readable", row.line);
	f->a.v.ncols = row.nfields;
	return layout_bind(f->l, f->name, row.field, row.nfields) < 0 ? -1 : 1;
}

/* Where to cut path in two: after the first LF from its middle on; 0 to
 * read it in one part (a pipe, a members file, which feeds the member
 * set as it goes, a file under limits.split_kb, no LF after the middle).
 * It depends on the file alone, never on timing: same bytes out. */
static uint64_t choose_cut(const struct ingest *in, const struct layout *l,
			   const char *path)
{
	struct stat st;
	char buf[1 << 16];
	uint64_t at, cut = 0;
	ssize_t got;
	int fd;

	if (in->threads < 2 || !strcmp(path, "-") || stat(path, &st) < 0 ||
	    !S_ISREG(st.st_mode) || (uint64_t)st.st_size < in->split_bytes)
		return 0;
	for (int i = 0; i < l->nout; i++)
		if (!strcmp(l->out[i]->kind, "members"))
			return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* reading it will say why */
	for (at = (uint64_t)st.st_size / 2; !cut; at += (uint64_t)got) {
		char *nl;

		got = pread(fd, buf, sizeof(buf), (off_t)at);
		if (got <= 0)
			break;
		nl = memchr(buf, '\n', (size_t)got);
		if (nl)
			cut = at + (uint64_t)(nl - buf) + 1;
	}
	close(fd);
	return cut < (uint64_t)st.st_size ? cut : 0;
}

/* The second part's thread: everything after the cut into continuations
 * of the outputs.  Errors are kept for the joining thread (err_msg() is
 * per thread). */
static void *read_second(void *arg)
{
	struct file_load *f = arg;
	struct part *b = &f->b;

	validator_own_patterns(&b->v);
	b->r = csvin_open_at(f->path, &f->l->csv, f->cut);
	if (!b->r || part_open(b, f->in->outdir, f->rec.seq, f->in->level, ".2") < 0 ||
	    part_stream(b) < 0)
		f->b_error = xstrdup(err_msg());
	return NULL;
}

/* Start reading the second part, now that the header is bound.  If the
 * thread cannot start, the first part reads on past the cut. */
static void start_second(struct file_load *f)
{
	struct part *b = &f->b;

	memset(b, 0, sizeof(*b));
	b->l = f->l;
	b->name = f->name;
	b->seq = f->seqbuf;
	b->pending = &f->pending;
	b->give_up = &f->give_up;
	b->n = &f->b_counts;
	b->inline_zstd = 1;
	validator_init_like(&b->v, &f->a.v);
	f->a.tell_passed = &f->give_up;
	f->started = pthread_create(&f->thread, NULL, read_second, f) == 0;
	if (!f->started) {
		csvin_stop_at(f->a.r, UINT64_MAX);
		f->cut = 0;
	}
}

/* Join the second part's thread; if the first part ended at the cut, its
 * rows follow the first part's.  Returns 0, or -1 with err_msg() set. */
static int join_second(struct file_load *f)
{
	int rc = 0, passed = csvin_stop_passed(f->a.r);

	if (passed)
		atomic_store(&f->give_up, 1); /* the cut was inside a record */
	pthread_join(f->thread, NULL);
	f->started = 0;
	if (atomic_load(&f->give_up)) {
		part_abort(&f->b);
		if (passed)
			msg_debug("%s: a record runs on past byte %llu: read in one "
				  "part", f->name, (unsigned long long)f->cut);
		f->cut = 0;
	} else if (f->b_error) {
		part_abort(&f->b);
		rc = err_set("%s", f->b_error);
	} else {
		rc = part_append(&f->a, &f->b);
		msg_debug("%s: read in two parts, the second from byte %llu",
			  f->name, (unsigned long long)f->cut);
	}
	free(f->b_error);
	f->b_error = NULL;
	return rc;
}

/* Stream every record.  Returns 0, -1 on a read error or -2 when the file
 * does not fit its layout, with err_msg() set. */
static int stream(struct file_load *f)
{
	int rc = read_header(f, f->a.r);

	if (rc == 0 && f->cut && !csvin_stop_passed(f->a.r)) {
		/* only blank lines before the cut: the header is after it */
		csvin_stop_at(f->a.r, UINT64_MAX);
		f->cut = 0;
		rc = read_header(f, f->a.r);
	}
	if (rc < 0) {
		err_set("%s: %s", f->name, err_msg());
		return -2;
	}
	if (rc == 0 && f->l->header) {
		err_set("%s: no header row: the file does not fit its layout", f->name);
		return -2;
	}
	if (rc == 0) {
		f->cut = 0;
		return 0;
	}
	if (f->cut && !csvin_stop_passed(f->a.r))
		start_second(f);
	else
		f->cut = 0;
	if (!f->started && f->a.inline_zstd)
		part_inline(&f->a, 0); /* one part after all */
	rc = part_stream(&f->a);
	/* the hash is the whole file's: take in the second part's bytes
	 * while its thread reads them */
	if (rc == 0 && f->started && !csvin_stop_passed(f->a.r))
		rc = csvin_skip_rest(f->a.r);
	if (rc < 0)
		atomic_store(&f->give_up, 1);
	if (f->started && join_second(f) < 0)
		rc = -1;
	return rc;
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

static int by_kind_count(const void *a, const void *b)
{
	const struct reject_kind *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return strcmp(x->field, y->field);
}

/* The file's counts, then its rejects by reason and field, the most
 * first: "invalid_date(svc_from): 2, e.g. line 8: svc_from is not a date
 * written YYYY-MM-DD".  Messages name the field, never its value. */
static void summary(struct file_load *f)
{
	struct load_record *r = &f->rec;

	msg_info("%s: extract %ld (%s): %ld rows, %ld accepted, %ld rejected, "
		 "%ld rows written", f->name, r->seq, f->l->name,
		 r->rows_read, r->accepted, r->rejected, r->rows_out);
	if (r->nkinds > 1)
		qsort(r->kinds, (size_t)r->nkinds, sizeof(*r->kinds), by_kind_count);
	for (int i = 0; i < r->nkinds && i < 5; i++) {
		const struct reject_kind *k = &r->kinds[i];

		msg_info("%s:   %s%s%s%s: %ld, e.g. line %ld: %s", f->name, reason_name(k->reason),
			 *k->field ? "(" : "", k->field, *k->field ? ")" : "", k->count,
			 k->line, k->message);
	}
	if (r->nkinds > 5)
		msg_info("%s:   and %d more reasons and fields (the rejects file has every row)",
			 f->name, r->nkinds - 5);
	warn_period(f);
}

/* Record the sums of the part files of a load just committed (none for
 * a failed one).  Returns 0 or -1 with err_msg() set. */
static int record_parts(const struct file_load *f)
{
	const struct part *p = &f->a;
	int rc = 0;

	if (strcmp(f->rec.status, "loaded") != 0) /* its rejects file alone */
		return rundb_record_part(f->in->db, f->rec.seq, "rejects", &p->sum[p->l->nout]);
	for (int i = 0; rc == 0 && i < p->l->nout; i++)
		rc = rundb_record_part(f->in->db, f->rec.seq, p->l->out[i]->kind, &p->sum[i]);
	if (rc == 0)
		rc = rundb_record_part(f->in->db, f->rec.seq, "rejects", &p->sum[p->l->nout]);
	return rc;
}

/* A file over the reject threshold: nothing of it loaded, its rejects
 * kept; remembered for the last line, which names every such file. */
static void over_threshold(struct file_load *f)
{
	struct ingest *in = f->in;
	double rate = 100.0 * (double)f->rec.rejected / (double)f->rec.rows_read;
	char *list;

	msg_error("%s: %.2f%% of rows rejected, over the threshold of %.2f%%: nothing "
		  "loaded; the rejects are in " PART_NAME_FMT, f->name, rate,
		  100.0 * in->threshold, f->rec.seq, "rejects");
	list = xasprintf("%s%s%s %.2f%%", in->over ? in->over : "", in->over ? ", " : "",
			 f->name, rate);
	free(in->over);
	in->over = list;
	in->nover++;
}

/* Decide the file's fate once read: already loaded, failed or loaded.
 * Returns load_file()'s result. */
static int conclude(struct file_load *f)
{
	const struct csvin *r = f->a.r; /* has read to the end */
	struct ingest *in = f->in;
	char hash[HASH_HEX_LEN + 1];
	long prev;

	csvin_hash(r, hash);
	f->rec.hash = hash;
	f->rec.size = csvin_bytes(r);
	prev = rundb_find_hash(in->db, hash);
	if (prev != 0) {
		part_abort(&f->a);
		rundb_end(in->db, 0);
		if (prev < 0)
			return -1;
		msg_info("%s: already loaded as extract %ld, nothing added", f->name, prev);
		return 0;
	}
	if (f->rec.rows_read != f->rec.accepted + f->rec.rejected) {
		part_abort(&f->a);
		rundb_end(in->db, 0);
		return err_set("%s: internal error: rows do not add up", f->name);
	}
	summary(f);
	if (f->rec.rejected > in->threshold * (double)f->rec.rows_read) {
		f->rec.status = "failed";
		if (part_keep_rejects(&f->a) < 0) {
			rundb_end(in->db, 0);
			return -1;
		}
		over_threshold(f);
	} else if (part_commit(&f->a) < 0) {
		rundb_end(in->db, 0);
		return -1;
	}
	if (rundb_record(in->db, &f->rec) < 0 || record_parts(f) < 0 ||
	    rundb_end(in->db, 1) < 0) {
		rundb_end(in->db, 0);
		return -1;
	}
	if (strcmp(f->rec.status, "loaded") != 0)
		return 1;
	for (int i = 0; i < f->l->nout; i++)
		if (f->a.member_col[i] >= 0)
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
	f->path = path;
	f->name = slash ? slash + 1 : path;
	f->rec.file = f->name;
	f->rec.kind = layout_kinds(l, kinds, sizeof(kinds));
	f->rec.layout = l->name;
	f->rec.source = l->source;
	f->rec.status = "loaded";
	f->a.l = l;
	f->a.name = f->name;
	f->a.seq = f->seqbuf;
	f->a.pending = &f->pending;
	f->a.n = &f->rec;
	f->a.v.l = l;
	f->a.v.date_min = in->date_min;
	f->a.v.date_max = in->date_max;
	f->a.v.known = in->members_known ? &in->members : NULL;
	f->a.v.pending = &f->pending;
	atomic_init(&f->give_up, 0);
}

int load_file(struct ingest *in, const char *path, struct layout *l)
{
	struct file_load f;
	int rc;

	file_load_init(&f, in, l, path);
	f.cut = choose_cut(in, l, path);
	f.a.r = csvin_open(path, &l->csv);
	if (!f.a.r)
		return -1;
	if (f.cut)
		csvin_stop_at(f.a.r, f.cut);
	if (rundb_begin(in->db) < 0 || (f.rec.seq = rundb_next_seq(in->db)) < 0) {
		csvin_close(f.a.r);
		return -1;
	}
	snprintf(f.seqbuf, sizeof(f.seqbuf), "%ld", f.rec.seq);
	f.a.inline_zstd = f.cut != 0; /* two threads will keep both cores busy */
	if (part_open(&f.a, in->outdir, f.rec.seq, in->level, NULL) < 0) {
		part_abort(&f.a);
		rundb_end(in->db, 0);
		csvin_close(f.a.r);
		return -1;
	}
	rc = stream(&f);
	if (rc < 0) {
		part_abort(&f.a);
		rundb_end(in->db, 0);
		if (rc == -2) {
			msg_error("%s", err_msg());
			rc = 1;
		}
	} else {
		rc = conclude(&f);
	}
	csvin_close(f.a.r);
	csvin_close(f.b.r);
	part_release(&f.a);
	part_release(&f.b);
	free(f.rec.kinds);
	free(f.b_counts.kinds);
	memberset_release(&f.pending);
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
