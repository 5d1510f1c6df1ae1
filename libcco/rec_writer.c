/*
 * rec_writer.c: streaming record-file writer.  Rows are staged as text in a
 * fixed buffer and compressed a block at a time; the first error is kept
 * and every later call becomes a no-op (Redis rio style), so callers check
 * once, at rec_writer_close().
 *
 * rec_put() only copies; rec_end() checks the finished row in one pass: a
 * row of ncols fields holds exactly ncols - 1 tabs and no CR or LF unless
 * a field brought its own.  Fields are a few bytes long, so one scan of the
 * row, sixteen bytes at a time, costs far less than a check per byte per
 * field.  Only whole rows leave the buffer, so the row is still there.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "afile.h"
#include "bytes16.h"
#include "date.h"
#include "err.h"
#include "rec.h"
#include "xalloc.h"
#include "xxh.h"

/* The writer's compression thread: it compresses and writes blocks of
 * whole rows, in order, while the caller stages the next ones.  The
 * blocks take turns in a ring of RING buffers: the caller fills ring[k],
 * k = handed % RING, while the thread works through the handed - done
 * blocks before it, so a thread briefly kept off a core does not stall
 * the caller.  The thread owns cctx, zbuf, the digest and the file while
 * done < handed; the caller touches them only after drain(). */
#define RING 4

struct compressor {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t changed;
	int quit;
	char *ring[RING];   /* text buffers, each w->cap + SLACK bytes */
	size_t len[RING];   /* the length of each block handed over */
	unsigned long handed, done;
	int failed;         /* why[] holds the thread's first error */
	char why[512];
};

struct rec_writer {
	struct afile out;
	const struct rec_schema *schema;
	int ncols;
	int level;          /* 0: uncompressed */
	int inline_zstd;    /* compress on the caller's thread */
	struct compressor *comp; /* otherwise here, once rows fill a block */
	int no_thread;      /* none could be started: compress here */
	ZSTD_CCtx *cctx;
	char *text;         /* staged uncompressed text, SLACK bytes beyond cap */
	size_t used, cap;
	size_t row_start;   /* where the current row begins in text */
	void *zbuf;         /* compressed output block */
	size_t zcap;
	int col;            /* fields written in the current row */
	uint64_t rows;
	XXH3_state_t *xxh;  /* digest of the text written, for the trailer */
	char *error;        /* first error, sticky */
	int finished;       /* the trailer is written and sum holds the file's */
	struct rec_sum sum;
};

#define SLACK 16 /* room past the text for one 16-byte scan */

/* memcpy() for a field: most are under 16 bytes, where a call costs more
 * than the copy.  Two overlapping loads cover any length from 1 to 16 and
 * read nothing outside s[0 .. n). */
static inline void copy_field(char *dst, const char *s, size_t n)
{
	if (n > 16) {
		memcpy(dst, s, n);
	} else if (n >= 8) {
		uint64_t a, b;

		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(dst, &a, 8);
		memcpy(dst + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(dst, &a, 4);
		memcpy(dst + n - 4, &b, 4);
	} else if (n > 0) {
		dst[0] = s[0];
		dst[n / 2] = s[n / 2];
		dst[n - 1] = s[n - 1];
	}
}

__attribute__((format(printf, 2, 3)))
static void fail(struct rec_writer *w, const char *fmt, ...)
{
	va_list ap;

	if (w->error)
		return;
	w->error = xmalloc(512);
	va_start(ap, fmt);
	vsnprintf(w->error, 512, fmt, ap);
	va_end(ap);
}

/* Compress block[0 .. size) with mode and write what comes out.  Returns
 * NULL, or the error (why[], filled).  On the caller's thread, or on the
 * compressor's while it holds the block. */
static const char *compress_block(struct rec_writer *w, const char *block, size_t size,
				  ZSTD_EndDirective mode, char why[512])
{
	ZSTD_inBuffer in = { block, size, 0 };

	for (;;) {
		ZSTD_outBuffer zout = { w->zbuf, w->zcap, 0 };
		size_t left = ZSTD_compressStream2(w->cctx, &zout, &in, mode);

		if (ZSTD_isError(left)) {
			snprintf(why, 512, "compression failed: %s", ZSTD_getErrorName(left));
			return why;
		}
		if (zout.pos && fwrite(w->zbuf, 1, zout.pos, w->out.fp) != zout.pos) {
			snprintf(why, 512, "write error on '%s': %s", w->out.path,
				 strerror(errno));
			return why;
		}
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			return NULL;
	}
}

static void *compressor_run(void *arg)
{
	struct rec_writer *w = arg;
	struct compressor *c = w->comp;
	int failed = 0;  /* c->failed, as this thread alone sets it */

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->done == c->handed && !c->quit)
			pthread_cond_wait(&c->changed, &c->mu);
		if (c->done == c->handed)
			break;
		unsigned long k = c->done % RING;
		pthread_mutex_unlock(&c->mu);
		xxh64_update(w->xxh, c->ring[k], c->len[k]);
		const char *why = failed ? NULL :
			compress_block(w, c->ring[k], c->len[k], ZSTD_e_continue, c->why);
		pthread_mutex_lock(&c->mu);
		if (why)
			failed = c->failed = 1;
		c->done++;
		pthread_cond_broadcast(&c->changed);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Wait until at most `most` blocks are left to the compressor.  Returns
 * 1 once the thread has failed (its why[] is then settled), else 0. */
static int wait_left(struct compressor *c, unsigned long most)
{
	int failed;

	pthread_mutex_lock(&c->mu);
	while (c->handed - c->done > most)
		pthread_cond_wait(&c->changed, &c->mu);
	failed = c->failed;
	pthread_mutex_unlock(&c->mu);
	return failed;
}

/* Wait until the compressor has written every block handed over; its
 * error, then, is w's. */
static void drain(struct rec_writer *w)
{
	struct compressor *c = w->comp;

	if (!c)
		return;
	if (wait_left(c, 0))
		fail(w, "%s", c->why);
}

/* A compressor for w, its thread started; NULL when no thread could be. */
static struct compressor *compressor_new(struct rec_writer *w)
{
	struct compressor *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->changed, NULL);
	c->ring[0] = w->text;
	for (int k = 1; k < RING; k++)
		c->ring[k] = xmalloc(w->cap + SLACK);
	w->comp = c;
	if (pthread_create(&c->thread, NULL, compressor_run, w) == 0)
		return c;
	for (int k = 1; k < RING; k++)
		free(c->ring[k]);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->changed);
	free(c);
	w->comp = NULL;
	return NULL;
}

/* Hand text[0 .. row_start) to the compressor (started on first use) and
 * go on in the next buffer of the ring, once the thread is done with it.
 * 0, or -1 when no thread could be started: the caller compresses then. */
static int hand_over(struct rec_writer *w)
{
	struct compressor *c = w->comp;
	char *next;
	unsigned long k;

	if (!c && (w->no_thread || !(c = compressor_new(w)))) {
		w->no_thread = 1;
		return -1;
	}
	k = c->handed % RING;
	next = c->ring[(k + 1) % RING];
	if (wait_left(c, RING - 2)) { /* else the next buffer is free */
		drain(w);
		return 0;
	}
	memcpy(next, w->text + w->row_start, w->used - w->row_start);
	pthread_mutex_lock(&c->mu);
	c->len[k] = w->row_start;
	c->handed++;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->mu);
	w->text = next;
	w->used -= w->row_start;
	w->row_start = 0;
	return 0;
}

/* Stop the compressor, every block written (its error, then, is w's);
 * w->text stays, the other buffers go. */
static void compressor_stop(struct rec_writer *w)
{
	struct compressor *c = w->comp;

	if (!c)
		return;
	drain(w);
	pthread_mutex_lock(&c->mu);
	c->quit = 1;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->changed);
	for (int k = 0; k < RING; k++)
		if (c->ring[k] != w->text)
			free(c->ring[k]);
	free(c);
	w->comp = NULL;
}

/* Write out the whole rows staged, text[0 .. row_start); the current
 * row's fields so far move to the front.  A block of compressed text in
 * the middle of the file goes to the compressor unless w is inline; the
 * end of a frame is compressed here, after the compressor's last block. */
static void emit(struct rec_writer *w, ZSTD_EndDirective mode)
{
	if (w->level > 0 && mode == ZSTD_e_continue && !w->inline_zstd &&
	    hand_over(w) == 0)
		return;
	drain(w);
	xxh64_update(w->xxh, w->text, w->row_start);
	if (w->error)
		return;
	if (w->level == 0) {
		if (fwrite(w->text, 1, w->row_start, w->out.fp) != w->row_start)
			fail(w, "write error on '%s': %s", w->out.path, strerror(errno));
	} else {
		char why[512];

		if (compress_block(w, w->text, w->row_start, mode, why))
			fail(w, "%s", why);
	}
	memmove(w->text, w->text + w->row_start, w->used - w->row_start);
	w->used -= w->row_start;
	w->row_start = 0;
}

/* The ring's buffers grown to w->cap, w->text (the one the caller
 * fills, already grown) among them, once the thread is idle. */
static void compressor_resize(struct rec_writer *w)
{
	struct compressor *c = w->comp;
	unsigned long k = c->handed % RING;

	drain(w);
	c->ring[k] = w->text;
	for (int i = 0; i < RING; i++)
		if (i != (int)k)
			c->ring[i] = xrealloc(c->ring[i], w->cap + SLACK);
}

/* Make room for n more bytes of the current row. */
static void reserve(struct rec_writer *w, size_t n)
{
	if (w->used + n <= w->cap)
		return;
	emit(w, ZSTD_e_continue);
	if (w->used + n > w->cap) {
		w->cap = w->used + n;
		w->text = xrealloc(w->text, w->cap + SLACK);
		if (w->comp) /* the buffers take turns: the same size */
			compressor_resize(w);
	}
}

/* Append n bytes that end a row (or the header line): no check. */
static void append_row_end(struct rec_writer *w, const char *s, size_t n)
{
	if (w->error)
		return;
	reserve(w, n);
	memcpy(w->text + w->used, s, n);
	w->used += n;
	w->row_start = w->used;
}

/* The tabs in text[from .. to); -1 if there is a CR or LF. */
static long count_tabs(char *text, size_t from, size_t to)
{
	long tabs = 0;
	size_t i = from;

#ifdef BYTES16
	bytes16 acc = bytes16_zero();
	unsigned breaks = 0, blocks = 0;

	/* The slack past `to` is zeroed so the last block reads no garbage. */
	memset(text + to, 0, SLACK);
	for (; i < to; i += 16) {
		bytes16 v = bytes16_load(text + i);

		breaks |= bytes16_eq(v, '\n') | bytes16_eq(v, '\r');
		acc = bytes16_tally(acc, v, '\t');
		if (++blocks == 255) { /* a lane counts to 255 at most */
			tabs += bytes16_total(acc);
			acc = bytes16_zero();
			blocks = 0;
		}
	}
	if (breaks)
		return -1;
	tabs += bytes16_total(acc);
#endif
	for (; i < to; i++) {
		if (text[i] == '\n' || text[i] == '\r')
			return -1;
		tabs += text[i] == '\t';
	}
	return tabs;
}

/* A writer with nothing written yet.  Returns NULL with err_msg() set. */
static struct rec_writer *writer_new(const char *path, const struct rec_schema *s,
				     int level, int mode)
{
	struct rec_writer *w = xcalloc(1, sizeof(*w));

	if (level < 0 || level > 19) {
		err_set("compression level %d out of range 0-19", level);
		free(w);
		return NULL;
	}
	if (afile_open(&w->out, path, mode) < 0) {
		free(w);
		return NULL;
	}
	w->schema = s;
	w->ncols = rec_schema_ncols(s);
	w->level = level;
	w->cap = ZSTD_CStreamInSize() * 4;
	w->text = xmalloc(w->cap + SLACK);
	w->xxh = xcheck(XXH3_createState(), sizeof(XXH3_state_t));
	XXH3_64bits_reset(w->xxh);
	if (level > 0) {
		w->cctx = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
		w->zcap = ZSTD_CStreamOutSize();
		w->zbuf = xmalloc(w->zcap);
	}
	return w;
}

struct rec_writer *rec_writer_open(const char *path, const struct rec_schema *s,
				   const char *sort, int level, int mode)
{
	struct rec_writer *w = writer_new(path, s, level, mode);
	char *meta;

	if (!w)
		return NULL;
	meta = xasprintf(REC_MAGIC "\tkind=%s\tschema=%d\tsort=%s\n", s->kind,
			 s->version, sort && *sort ? sort : "none");
	append_row_end(w, meta, strlen(meta));
	free(meta);
	for (int i = 0; i < w->ncols; i++)
		rec_put_str(w, i, s->cols[i]);
	rec_end(w);
	w->rows = 0;
	return w;
}

struct rec_writer *rec_writer_open_rows(const char *path, const struct rec_schema *s,
					int level, int mode)
{
	return writer_new(path, s, level, mode);
}

/* A field put for column col where column w->col belongs: the writer's
 * mistake, caught before it reaches a file. */
static void wrong_column(struct rec_writer *w, int col)
{
	const char *const *cols = w->schema->cols;

	fail(w, "%s: row %" PRIu64 ": column '%s' written where '%s' belongs",
	     w->out.path, w->rows + 1,
	     col >= 0 && col < w->ncols ? cols[col] : "(none)",
	     w->col < w->ncols ? cols[w->col] : "(end of row)");
}

void rec_put(struct rec_writer *w, int col, const char *s, size_t n)
{
	char *dst;

	if (w->error)
		return;
	if (col != w->col) {
		wrong_column(w, col);
		return;
	}
	reserve(w, n + 1);
	dst = w->text + w->used;
	if (w->col++ > 0)
		*dst++ = '\t';
	copy_field(dst, s, n);
	w->used = (size_t)(dst + n - w->text);
}

void rec_put_str(struct rec_writer *w, int col, const char *s)
{
	rec_put(w, col, s ? s : "", s ? strlen(s) : 0);
}

void rec_put_null(struct rec_writer *w, int col)
{
	rec_put(w, col, "", 0);
}

size_t rec_format_int(long long v, char *buf)
{
	char tmp[REC_INT_LEN], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	return n;
}

void rec_put_int(struct rec_writer *w, int col, long long v)
{
	char buf[REC_INT_LEN];

	rec_put(w, col, buf, rec_format_int(v, buf));
}

void rec_put_date(struct rec_writer *w, int col, int days)
{
	char buf[DATE_ISO_LEN + 1];

	if (days == DATE_NONE) {
		rec_put_null(w, col);
		return;
	}
	date_format(days, buf);
	rec_put(w, col, buf, DATE_ISO_LEN);
}

void rec_end(struct rec_writer *w)
{
	if (w->error)
		return;
	if (w->col != w->ncols) {
		fail(w, "%s: row %" PRIu64 " has %d fields, schema has %d",
		     w->out.path, w->rows + 1, w->col, w->ncols);
		return;
	}
	if (count_tabs(w->text, w->row_start, w->used) != w->ncols - 1) {
		fail(w, "%s: row %" PRIu64 ": a field holds a tab or line break",
		     w->out.path, w->rows + 1);
		return;
	}
	if (w->used - w->row_start > REC_END_LEN &&
	    memcmp(w->text + w->row_start, REC_END "\t", REC_END_LEN + 1) == 0) {
		fail(w, "%s: row %" PRIu64 ": a row cannot begin with '" REC_END "'",
		     w->out.path, w->rows + 1);
		return;
	}
	append_row_end(w, "\n", 1);
	w->col = 0;
	w->rows++;
}

void rec_put_row(struct rec_writer *w, const char *const *field, const size_t *len,
		 int nfields)
{
	size_t total = (size_t)nfields + 1; /* tabs: one before, one after each */
	char *dst;

	if (w->error || nfields <= 0) {
		rec_end(w);
		return;
	}
	for (int i = 0; i < nfields; i++)
		total += len[i];
	reserve(w, total);
	dst = w->text + w->used;
	if (w->col > 0)
		*dst++ = '\t';
	/* Locals, not w->col and len[i] again: a store through dst may alias
	 * them, so the compiler would reload both after every byte written. */
	for (int i = 0; i < nfields; i++) {
		const char *s = field[i];
		size_t n = len[i];

		copy_field(dst, s, n);
		dst[n] = '\t';
		dst += n + 1;
	}
	w->col += nfields;
	w->used = (size_t)(dst - 1 - w->text); /* the last tab is not kept */
	rec_end(w);
}

void rec_writer_inline(struct rec_writer *w, int on)
{
	/* the bytes are the same either way: only the thread changes */
	if (on)
		drain(w);
	w->inline_zstd = on;
}

const char *rec_writer_path(const struct rec_writer *w)
{
	return w->out.path;
}

uint64_t rec_writer_rows(const struct rec_writer *w)
{
	return w->rows;
}

static void writer_free(struct rec_writer *w)
{
	compressor_stop(w);
	ZSTD_freeCCtx(w->cctx);
	free(w->text);
	free(w->zbuf);
	free(w->error);
	XXH3_freeState(w->xxh);
	free(w);
}

/* End the file with its trailer line: the row count and the digest of
 * every byte before the line (see rec.h), also left in *sum, then end
 * the zstd frame. */
static void put_trailer(struct rec_writer *w, struct rec_sum *sum)
{
	char line[REC_TRAILER_LEN];
	size_t n;

	emit(w, ZSTD_e_continue);
	drain(w); /* every byte so far is in the digest */
	sum->rows = w->rows;
	sum->xxh3 = XXH3_64bits_digest(w->xxh);
	n = rec_format_trailer(sum->rows, sum->xxh3, line);
	append_row_end(w, line, n);
	emit(w, ZSTD_e_end);
}

size_t rec_format_trailer(uint64_t rows, uint64_t sum, char buf[REC_TRAILER_LEN])
{
	return (size_t)snprintf(buf, REC_TRAILER_LEN, REC_END "\trows=%" PRIu64
				"\txxh3=%016" PRIx64 "\n", rows, sum);
}

int rec_writer_close(struct rec_writer *w)
{
	struct rec_sum sum;

	return rec_writer_close_sum(w, &sum);
}

/* End the file with its trailer, once. */
static void end_file(struct rec_writer *w)
{
	if (!w->error && w->col != 0)
		fail(w, "%s: last row is unfinished", w->out.path);
	if (!w->error && !w->finished) {
		put_trailer(w, &w->sum);
		w->finished = 1;
	}
}

int rec_writer_finish(struct rec_writer *w)
{
	end_file(w);
	if (!w->error && afile_sync(&w->out) < 0)
		fail(w, "%s", err_msg());
	return w->error ? err_set("%s", w->error) : 0;
}

int rec_writer_close_sum(struct rec_writer *w, struct rec_sum *sum)
{
	int rc;

	end_file(w);
	compressor_stop(w);
	*sum = w->sum;
	if (w->error) {
		err_set("%s", w->error);
		afile_abort(&w->out);
		rc = -1;
	} else {
		rc = afile_commit(&w->out);
	}
	writer_free(w);
	return rc;
}

/* Take n bytes of tail's file into w's digest: as they are, or through
 * d, the decompressor of a compressed tail, into w's text buffer (empty
 * while the tail is copied).  A call that fills the buffer may leave
 * text in d: it is taken before returning. */
static void hash_tail(struct rec_writer *w, ZSTD_DCtx *d, const void *buf, size_t n)
{
	ZSTD_inBuffer in = { buf, n, 0 };

	if (!d) {
		xxh64_update(w->xxh, buf, n);
		return;
	}
	while (!w->error) {
		ZSTD_outBuffer out = { w->text, w->cap, 0 };
		size_t rc = ZSTD_decompressStream(d, &out, &in);

		if (ZSTD_isError(rc))
			fail(w, "cannot read back '%s': %s", w->out.tmp, ZSTD_getErrorName(rc));
		xxh64_update(w->xxh, w->text, out.pos);
		if (in.pos == in.size && out.pos < out.size)
			break;
	}
}

/* Copy the bytes of tail's finished temp file to the end of w's output,
 * and its text into w's digest: a digest cannot be joined to another, so
 * the tail's text is read back (decompressing costs a fraction of what
 * compressing it cost the tail's thread).  Returns 0, or -1 with the
 * error kept in w. */
static int copy_tail(struct rec_writer *w, struct rec_writer *tail)
{
	int fd = open(tail->out.tmp, O_RDONLY | O_CLOEXEC);
	ZSTD_DCtx *d = tail->level > 0 ? ZSTD_createDCtx() : NULL;
	unsigned char *buf = xmalloc(1 << 16);
	ssize_t got;

	if (fd < 0)
		fail(w, "cannot reopen '%s': %s", tail->out.tmp, strerror(errno));
	while (fd >= 0 && !w->error && (got = read(fd, buf, 1 << 16)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fail(w, "read error on '%s': %s", tail->out.tmp, strerror(errno));
			break;
		}
		if (fwrite(buf, 1, (size_t)got, w->out.fp) != (size_t)got)
			fail(w, "write error on '%s': %s", w->out.path, strerror(errno));
		hash_tail(w, d, buf, (size_t)got);
	}
	if (fd >= 0)
		close(fd);
	ZSTD_freeDCtx(d);
	free(buf);
	return w->error ? -1 : 0;
}

int rec_writer_append(struct rec_writer *w, struct rec_writer *tail)
{
	if (!tail->error && tail->col != 0)
		fail(tail, "%s: last row is unfinished", tail->out.path);
	if (!tail->error && tail->schema != w->schema)
		fail(tail, "%s: cannot append rows of another schema", tail->out.path);
	if (!tail->error)
		emit(tail, ZSTD_e_end);
	if (!tail->error && fflush(tail->out.fp) != 0)
		fail(tail, "write error on '%s': %s", tail->out.path, strerror(errno));
	if (tail->error && !w->error)
		fail(w, "%s", tail->error);
	/* the rows so far end w's frame; the tail's frames follow it */
	if (!w->error && w->col == 0)
		emit(w, ZSTD_e_end);
	else if (!w->error)
		fail(w, "%s: a row is unfinished", w->out.path);
	if (!w->error && copy_tail(w, tail) == 0)
		w->rows += tail->rows;
	rec_writer_abort(tail);
	if (w->error)
		return err_set("%s", w->error);
	return 0;
}

void rec_writer_abort(struct rec_writer *w)
{
	compressor_stop(w);
	afile_abort(&w->out);
	writer_free(w);
}

int rec_writers_open(struct rec_writer **w, int n, const char *dir,
		     const char *const *name, const char *const *kind,
		     const char *const *sort, int level)
{
	int rc = fs_mkdirs(dir, AFILE_PHI_DIR);

	for (int i = 0; rc == 0 && i < n; i++) {
		char *path = xasprintf("%s/%s.rec.zst", dir, name[i]);

		w[i] = rec_writer_open(path, rec_schema_find(kind[i]), sort[i], level, AFILE_PHI);
		free(path);
		if (!w[i])
			rc = -1;
	}
	return rc;
}

int rec_writers_close(struct rec_writer **w, int n, int ok)
{
	return rec_writers_close_sums(w, n, ok, NULL);
}

int rec_writers_close_sums(struct rec_writer **w, int n, int ok, struct rec_sum *sum)
{
	int rc = ok ? 0 : -1;
	struct rec_sum ignored;

	for (int i = 0; i < n; i++) {
		if (!w[i])
			continue;
		if (rc == 0)
			rc = rec_writer_close_sum(w[i], sum ? &sum[i] : &ignored);
		else
			rec_writer_abort(w[i]);
		w[i] = NULL;
	}
	return rc;
}
