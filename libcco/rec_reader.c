/*
 * rec_reader.c: streaming record-file reader.  Memory is one input block,
 * one decompressed window and the fields of the longest line: independent
 * of file size.
 */
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "bytes16.h"
#include "err.h"
#include "readahead.h"
#include "rec.h"
#include "xalloc.h"
#include "xxh.h"

#define MAX_LINE (64u << 20) /* longer lines are damage, not data */

struct rec_reader {
	char *path;
	int fd;
	int compressed;
	int eof_in;          /* no more file bytes */
	ZSTD_DStream *zds;
	size_t zret;         /* last ZSTD_decompressStream() hint; 0 = frame end */
	unsigned char *in;   /* compressed input block */
	ZSTD_inBuffer zin;
	char *buf;           /* decompressed text window */
	size_t start, end, cap;
	long line;           /* line number of the last line returned */
	_Atomic uint64_t bytes_in; /* counted by the readahead thread, if any */
	struct readahead *ra;
	char *kind, *sort;
	int version;
	char **colnames;
	int ncols;
	char **field;        /* per-row field pointers, ncols + 1 */
	size_t *len;
	XXH3_state_t *xxh;   /* digest of the text before the trailer */
	size_t hashed;       /* buf[.. hashed) is in xxh, start <= hashed <= end
			      * until the trailer */
	int after_trailer;   /* xxh took in bytes after the trailer's start */
	uint64_t rows;       /* rows returned */
	uint64_t sum;        /* the trailer's digest, once ended */
	int ended;           /* the trailer was read and matched */
	char *writer;        /* if set, the program that recorded want */
	struct rec_sum want; /* what the file must hold, when writer is set */
	int filter_col;      /* rec_reader_filter(); -1: none */
	int (*keep)(const char *s, size_t n, void *arg);
	void *keep_arg;
};

static int reader_err(struct rec_reader *r, const char *what)
{
	if (r->line > 0)
		return err_set("%s:%ld: %s", r->path, r->line, what);
	return err_set("%s: %s", r->path, what);
}

/* Read up to n file bytes into dst; returns bytes read, 0 at EOF, -1
 * with the reason in why. */
static ssize_t read_file(struct rec_reader *r, void *dst, size_t n, char *why, size_t whylen)
{
	ssize_t got;

	do
		got = read(r->fd, dst, n);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		snprintf(why, whylen, "read error: %s", strerror(errno));
		return -1;
	}
	atomic_fetch_add_explicit(&r->bytes_in, (uint64_t)got, memory_order_relaxed);
	return got;
}

/* Decompress up to cap bytes of text into dst.  Returns the count, 0 at
 * the end of the file, or -1 with the reason in why.  The readahead
 * thread runs this when there is one, so it touches only the zstd state. */
static ssize_t inflate_text(void *ctx, char *dst, size_t cap, char *why, size_t whylen)
{
	struct rec_reader *r = ctx;
	ZSTD_outBuffer out = { dst, cap, 0 };

	while (out.pos < cap) {
		size_t in_before, out_before = out.pos, ret;

		if (r->zin.pos == r->zin.size && !r->eof_in) {
			ssize_t got = read_file(r, r->in, ZSTD_DStreamInSize(), why, whylen);

			if (got < 0)
				return -1;
			r->zin.size = (size_t)got;
			r->zin.pos = 0;
			r->eof_in = got == 0;
		}
		in_before = r->zin.pos;
		ret = ZSTD_decompressStream(r->zds, &out, &r->zin);
		if (ZSTD_isError(ret)) {
			snprintf(why, whylen, "damaged file (zstd: %s)",
				 ZSTD_getErrorName(ret));
			return -1;
		}
		/* Only a call that made progress says where the frame stands;
		 * an idle call after a frame's end asks for the next header. */
		if (r->zin.pos != in_before || out.pos != out_before)
			r->zret = ret;
		if (r->zin.pos == r->zin.size && r->eof_in) {
			if (out.pos > 0)
				break;
			if (r->zret != 0) {
				snprintf(why, whylen, "truncated file (incomplete zstd frame)");
				return -1;
			}
			return 0;
		}
	}
	return (ssize_t)out.pos;
}

void rec_reader_prefetch(struct rec_reader *r)
{
	if (r->compressed && !r->ra)
		r->ra = ra_start(inflate_text, r, 1 << 18, 4);
}

/* Append more text to the window.  Returns 1 if text was added, 0 at end
 * of input, -1 on error. */
static int fill(struct rec_reader *r)
{
	char why[256];
	const char *reason = why;
	ssize_t got;

	if (r->start > 0) {
		/* only after the trailer is less than start taken in */
		r->hashed = r->hashed > r->start ? r->hashed - r->start : 0;
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		if (r->cap >= MAX_LINE)
			return reader_err(r, "line too long (damaged file?)");
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	if (r->ra)
		got = ra_read(r->ra, r->buf + r->end, r->cap - r->end, &reason);
	else if (r->compressed)
		got = inflate_text(r, r->buf + r->end, r->cap - r->end, why, sizeof(why));
	else
		got = read_file(r, r->buf + r->end, r->cap - r->end, why, sizeof(why));
	if (got < 0)
		return reader_err(r, reason);
	r->end += (size_t)got;
	return got > 0;
}

#define TRAILER_MAX REC_TRAILER_LEN /* longer than any the writer writes */

/* Whether line (n bytes) is a trailer line. */
static int is_trailer(const char *line, size_t n)
{
	return n > REC_END_LEN && memcmp(line, REC_END "\t", REC_END_LEN + 1) == 0;
}

/* Take the text before the trailer into the digest, before the line
 * found at p (ending with the LF at nl) is cut into fields in place.
 * Text is taken far ahead of the line, a window at a time, but never
 * the last TRAILER_MAX bytes of the window, which may hold the trailer. */
static void hash_text(struct rec_reader *r, const char *p, const char *nl)
{
	size_t from = (size_t)(p - r->buf), to = (size_t)(nl + 1 - r->buf);

	if (is_trailer(p, (size_t)(nl - p))) {
		r->after_trailer = r->hashed > from;
		to = from;
	} else if (r->end > TRAILER_MAX && r->end - TRAILER_MAX > to) {
		to = r->end - TRAILER_MAX;
	}
	if (r->hashed < to) {
		xxh64_update(r->xxh, r->buf + r->hashed, to - r->hashed);
		r->hashed = to;
	}
}

/* Next line, NUL-terminated in place, without its LF.  Returns 1, 0 at a
 * clean end, -1 on error (including a last line with no LF). */
static int next_line(struct rec_reader *r, char **line, size_t *n)
{
	size_t scanned = 0;

	for (;;) {
		char *p = r->buf + r->start;
		char *nl = memchr(p + scanned, '\n', r->end - r->start - scanned);

		if (nl) {
			hash_text(r, p, nl);
			*nl = '\0';
			*line = p;
			*n = (size_t)(nl - p);
			r->start += *n + 1;
			r->line++;
			return 1;
		}
		scanned = r->end - r->start;
		int got = fill(r);

		if (got < 0)
			return -1;
		if (got == 0) {
			if (r->start == r->end)
				return 0;
			r->line++;
			return reader_err(r, "truncated file (last line has no newline)");
		}
	}
}

/* Record the field that ends at stop, and start the next after it. */
static inline void end_field(char **p, char *stop, int *nf, char **field, size_t *len, int max)
{
	if (*nf < max) {
		field[*nf] = *p;
		len[*nf] = (size_t)(stop - *p);
	}
	++*nf;
	*stop = '\0';
	*p = stop + 1;
}

/* Fields are a few bytes each, so a memchr() per field costs more than
 * the scan (bytes16.h). */
int rec_split(char *line, size_t n, char **field, size_t *len, int max)
{
	int nf = 0;
	char *p = line;
	size_t i = 0;

#ifdef BYTES16
	for (; i + 16 <= n; i += 16)
		for (unsigned tabs = bytes16_eq(bytes16_load(line + i), '\t'); tabs;
		     tabs &= tabs - 1)
			end_field(&p, line + i + __builtin_ctz(tabs), &nf, field, len, max);
#endif
	for (; i < n; i++)
		if (line[i] == '\t')
			end_field(&p, line + i, &nf, field, len, max);
	end_field(&p, line + n, &nf, field, len, max);
	return nf;
}

static int parse_meta(struct rec_reader *r, char *line, size_t n)
{
	char *f[8];
	size_t len[8];
	int nf = rec_split(line, n, f, len, 8);

	if (nf != 4 || strcmp(f[0], REC_MAGIC) != 0 ||
	    strncmp(f[1], "kind=", 5) != 0 || strncmp(f[2], "schema=", 7) != 0 ||
	    strncmp(f[3], "sort=", 5) != 0 || !f[1][5] || !f[3][5])
		return reader_err(r, "not a record file (bad metadata line)");
	char *end;
	long v = strtol(f[2] + 7, &end, 10);

	if (*end || end == f[2] + 7 || v < 1 || v > 1000000)
		return reader_err(r, "bad schema version in metadata line");
	r->kind = xstrdup(f[1] + 5);
	r->version = (int)v;
	r->sort = xstrdup(f[3] + 5);
	return 0;
}

static int parse_header(struct rec_reader *r, char *line, size_t n)
{
	int nf = rec_split(line, n, r->field, r->len, 0);

	r->ncols = nf;
	r->colnames = xcalloc((size_t)nf, sizeof(char *));
	r->field = xcalloc((size_t)nf + 1, sizeof(char *));
	r->len = xcalloc((size_t)nf + 1, sizeof(size_t));
	for (int i = 0; i < nf; i++) {
		size_t cl = strlen(line);

		if (cl == 0)
			return reader_err(r, "empty column name in header");
		r->colnames[i] = xstrndup(line, cl);
		line += cl + 1;
	}
	return 0;
}

static int open_header(struct rec_reader *r)
{
	unsigned char magic[4];
	char why[256];
	ssize_t got = read_file(r, magic, sizeof(magic), why, sizeof(why));
	char *line;
	size_t n;
	int rc;

	if (got < 0)
		return reader_err(r, why);
	if (got == 0)
		return reader_err(r, "empty file (no metadata line)");
	r->compressed = got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 &&
			magic[2] == 0x2f && magic[3] == 0xfd;
	if (r->compressed) {
		r->zds = ZSTD_createDStream();
		r->in = xmalloc(ZSTD_DStreamInSize());
		memcpy(r->in, magic, 4);
		r->zin = (ZSTD_inBuffer){ r->in, 4, 0 };
		r->zret = 1;
	} else {
		memcpy(r->buf, magic, (size_t)got);
		r->end = (size_t)got;
	}
	rc = next_line(r, &line, &n);
	if (rc <= 0)
		return rc < 0 ? -1 : reader_err(r, "empty file (no metadata line)");
	if (parse_meta(r, line, n) < 0)
		return -1;
	rc = next_line(r, &line, &n);
	if (rc <= 0)
		return rc < 0 ? -1 : reader_err(r, "truncated file (no header line)");
	return parse_header(r, line, n);
}

struct rec_reader *rec_reader_open(const char *path)
{
	struct rec_reader *r = xcalloc(1, sizeof(*r));

	r->path = xstrdup(path);
	r->filter_col = -1;
	r->cap = 1 << 18;
	r->buf = xmalloc(r->cap);
	r->xxh = xcheck(XXH3_createState(), sizeof(XXH3_state_t));
	XXH3_64bits_reset(r->xxh);
	r->fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		err_set("cannot open '%s': %s", path, strerror(errno));
		rec_reader_close(r);
		return NULL;
	}
	if (open_header(r) < 0) {
		rec_reader_close(r);
		return NULL;
	}
	return r;
}

int rec_reader_expect(struct rec_reader *r, const struct rec_schema *s)
{
	if (strcmp(r->kind, s->kind) != 0)
		return err_set("%s: holds '%s' records, expected '%s'", r->path,
			       r->kind, s->kind);
	if (r->version != s->version)
		return err_set("%s: '%s' schema version %d, this program reads "
			       "version %d", r->path, r->kind, r->version,
			       s->version);
	if (r->ncols != rec_schema_ncols(s))
		return err_set("%s: header has %d columns, schema '%s' has %d",
			       r->path, r->ncols, s->kind, rec_schema_ncols(s));
	for (int i = 0; i < r->ncols; i++)
		if (strcmp(r->colnames[i], s->cols[i]) != 0)
			return err_set("%s: header column %d is '%s', expected '%s'",
				       r->path, i + 1, r->colnames[i], s->cols[i]);
	return 0;
}

/* A trailer field "NAME=DIGITS": decimal digits (base 10), or exactly 16
 * lowercase hex digits (base 16).  Returns 0 with the value in *v, or -1. */
static int trailer_number(const char *f, const char *name, int base, uint64_t *v)
{
	size_t k = strlen(name);
	const char *digits = f + k + 1;
	size_t n = strspn(digits, base == 10 ? "0123456789" : "0123456789abcdef");

	if (strncmp(f, name, k) != 0 || f[k] != '=' || n == 0 || digits[n] ||
	    (base == 16 && n != 16))
		return -1;
	errno = 0;
	*v = strtoull(digits, NULL, base);
	return errno ? -1 : 0;
}

/* The trailer line (n bytes at line, in buf): its count and digest must
 * be those of what was read, and nothing may follow it.  Returns 0 at a
 * proven end, -1 with err_msg() set. */
static int check_trailer(struct rec_reader *r, char *line, size_t n)
{
	char *f[4], *more;
	size_t len[4], more_n;
	uint64_t rows, sum;
	int nf;

	if (r->after_trailer)
		return reader_err(r, "damaged file (data after the trailer line)");
	nf = rec_split(line, n, f, len, 4);
	if (nf != 3 || trailer_number(f[1], "rows", 10, &rows) < 0 ||
	    trailer_number(f[2], "xxh3", 16, &sum) < 0)
		return reader_err(r, "damaged file (bad trailer line)");
	if (rows != r->rows) {
		char msg[120];

		snprintf(msg, sizeof(msg), "damaged file (trailer counts %llu rows, "
			 "the file has %llu)", (unsigned long long)rows,
			 (unsigned long long)r->rows);
		return reader_err(r, msg);
	}
	if (sum != XXH3_64bits_digest(r->xxh))
		return reader_err(r, "damaged file (checksum mismatch)");
	r->sum = sum;
	nf = next_line(r, &more, &more_n);
	if (nf > 0)
		return reader_err(r, "damaged file (data after the trailer line)");
	if (nf < 0)
		return -1;
	r->ended = 1;
	return 0;
}

/* At a proven end (r->ended): the file is what r->writer recorded, if anything.
 * Returns 0, or -1 with err_msg() naming the file. */
static int check_expected(struct rec_reader *r)
{
	if (!r->writer || (r->rows == r->want.rows && r->sum == r->want.xxh3))
		return 0;
	return err_set("%s: not the file %s wrote (%llu rows, xxh3 %016llx; "
		       "it recorded %llu rows, xxh3 %016llx)", r->path, r->writer,
		       (unsigned long long)r->rows, (unsigned long long)r->sum,
		       (unsigned long long)r->want.rows,
		       (unsigned long long)r->want.xxh3);
}

void rec_reader_expect_sum(struct rec_reader *r, const struct rec_sum *want,
			   const char *writer)
{
	free(r->writer);
	r->writer = xstrdup(writer);
	r->want = *want;
}

/* 1 if the line (not a trailer) passes r's filter: its column
 * r->filter_col is kept.  A line with fewer columns is kept, for
 * rec_reader_next() to refuse. */
static int kept(const struct rec_reader *r, const char *line, size_t n)
{
	const char *p = line, *end = line + n, *tab;

	for (int i = 0; i < r->filter_col; i++) {
		if (!(tab = memchr(p, '\t', (size_t)(end - p))))
			return 1;
		p = tab + 1;
	}
	tab = memchr(p, '\t', (size_t)(end - p));
	return r->keep(p, (size_t)((tab ? tab : end) - p), r->keep_arg);
}

void rec_reader_filter(struct rec_reader *r, int col,
		       int (*keep)(const char *s, size_t n, void *arg), void *arg)
{
	r->filter_col = col;
	r->keep = keep;
	r->keep_arg = arg;
}

int rec_reader_next(struct rec_reader *r, struct rec_row *row)
{
	char *line;
	size_t n;
	int rc;

	if (r->ended)
		return check_expected(r); /* a mismatch fails every later read */
	rc = next_line(r, &line, &n);
	/* rows filtered out count, and are in the digest, unsplit */
	while (rc > 0 && r->filter_col >= 0 && !is_trailer(line, n) && !kept(r, line, n)) {
		r->rows++;
		rc = next_line(r, &line, &n);
	}
	if (rc == 0) {
		r->line++; /* where the trailer should be */
		return reader_err(r, "truncated file (no trailer line; a file "
				  "written before trailers must be written again)");
	}
	if (rc < 0)
		return rc;
	if (is_trailer(line, n))
		return check_trailer(r, line, n) < 0 ? -1 : check_expected(r);
	int nf = rec_split(line, n, r->field, r->len, r->ncols);

	if (nf != r->ncols) {
		char msg[80];

		snprintf(msg, sizeof(msg), "row has %d fields, header has %d", nf,
			 r->ncols);
		return reader_err(r, msg);
	}
	r->rows++;
	row->field = r->field;
	row->len = r->len;
	row->nfields = nf;
	return 1;
}

int rec_reader_sum(const struct rec_reader *r, struct rec_sum *sum)
{
	if (!r->ended)
		return -1;
	sum->rows = r->rows;
	sum->xxh3 = r->sum;
	return 0;
}

const char *rec_reader_kind(const struct rec_reader *r) { return r->kind; }
int rec_reader_version(const struct rec_reader *r) { return r->version; }
const char *rec_reader_sort(const struct rec_reader *r) { return r->sort; }
int rec_reader_ncols(const struct rec_reader *r) { return r->ncols; }
long rec_reader_line(const struct rec_reader *r) { return r->line; }
uint64_t rec_reader_bytes_in(const struct rec_reader *r)
{
	return atomic_load_explicit(&r->bytes_in, memory_order_relaxed);
}
const char *rec_reader_path(const struct rec_reader *r) { return r->path; }

const char *rec_reader_colname(const struct rec_reader *r, int i)
{
	return i >= 0 && i < r->ncols ? r->colnames[i] : NULL;
}

int rec_reader_col(const struct rec_reader *r, const char *name)
{
	for (int i = 0; i < r->ncols; i++)
		if (strcmp(r->colnames[i], name) == 0)
			return i;
	return -1;
}

void rec_reader_close(struct rec_reader *r)
{
	if (!r)
		return;
	ra_stop(r->ra);
	if (r->fd > 0)
		close(r->fd);
	ZSTD_freeDStream(r->zds);
	for (int i = 0; i < r->ncols && r->colnames; i++)
		free(r->colnames[i]);
	free(r->colnames);
	free(r->field);
	free(r->len);
	free(r->kind);
	free(r->sort);
	free(r->in);
	free(r->buf);
	free(r->path);
	free(r->writer);
	XXH3_freeState(r->xxh);
	free(r);
}
