/*
 * csvin.c: delimited-text records with line numbers (see csvin.h).
 *
 * Lines are cut by this file, not by libcsv, so that every record knows the
 * physical line it starts on and a syntax error costs one record, not the
 * rest of the file: after an error the parser is reset and reading resumes
 * at the next line.  Lines without a quote character cannot hold anything
 * libcsv would treat specially (no trimming, LF the only terminator), so
 * they are split directly: the common case, and the fast one.
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes16.h"
#include "csvin.h"
#include "err.h"
#include "xalloc.h"
#include "xxh.h"

enum { BLOCK = 1 << 20, RAW_CUT = 1024 };

struct csvin {
	char *path;               /* for messages */
	int fd;
	struct csvin_opts o;
	char *buf;                /* read buffer: [pos, end) not yet consumed */
	size_t cap, pos, end;
	int eof;
	XXH3_state_t *hash;       /* over every byte read */
	uint64_t bytes;
	uint64_t stop;            /* read no byte from here on (csvin_stop_at) */
	uint64_t offset;          /* where reading started (csvin_open_at) */
	long before;              /* lines before offset; -1 not counted yet */
	int stop_passed;          /* a record was open at stop: read on */
	long lines;               /* physical lines consumed */
	struct csv_parser cp;
	int in_csv;               /* a quoted record continues on the next line */
	int row_done;             /* libcsv ended the row */
	char *conv;               /* Latin-1 line converted to UTF-8 */
	size_t conv_cap;
	char *fbuf;               /* field values, NUL-terminated, back to back */
	size_t fbuf_cap, fbuf_len;
	size_t *foff, *flen;      /* each field's offset in fbuf and length */
	char **fptr;
	size_t nf_cap, fptr_cap;
	int nf;
	char *raw;                /* the current record's text when copied */
	size_t raw_cap, raw_len;
	long start;               /* line the current record starts on */
	unsigned char cls[256];   /* fast path: 0 plain byte, 1 delimiter,
				     2 anything needing the full path */
	int bad_text;             /* the record holds invalid UTF-8 or NUL */
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int lf_only(unsigned char c)
{
	return c == '\n';
}

static void parser_reset(struct csvin *r)
{
	if (r->in_csv || r->cp.entry_buf)
		csv_free(&r->cp);
	csv_init(&r->cp, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(&r->cp, r->o.delim);
	csv_set_quote(&r->cp, r->o.quote);
	csv_set_space_func(&r->cp, no_space);
	csv_set_term_func(&r->cp, lf_only);
	r->in_csv = 0;
}

struct csvin *csvin_open(const char *path, const struct csvin_opts *o)
{
	struct csvin *r;
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err_set("cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->fd = fd;
	r->o = *o;
	r->cap = BLOCK;
	r->buf = xmalloc(r->cap);
	for (int c = 0; c < 256; c++)
		r->cls[c] = c >= 0x80 || c == 0 || c == '\r' || c == '\t' ? 2 : 0;
	if (o->quote)
		r->cls[o->quote] = 2;
	r->cls[o->delim] = 1;
	r->hash = XXH3_createState();
	XXH3_128bits_reset(r->hash);
	r->stop = UINT64_MAX;
	parser_reset(r);
	return r;
}

struct csvin *csvin_open_at(const char *path, const struct csvin_opts *o,
			    uint64_t off)
{
	struct csvin *r;

	if (strcmp(path, "-") == 0) {
		err_set("cannot start standard input at an offset");
		return NULL;
	}
	r = csvin_open(path, o);
	if (!r)
		return NULL;
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0) {
		err_set("cannot seek in '%s': %s", path, strerror(errno));
		csvin_close(r);
		return NULL;
	}
	r->offset = off;
	r->before = -1;
	return r;
}

long csvin_lines_before(struct csvin *r)
{
	enum { CHUNK = 1 << 18 };
	char *buf;
	uint64_t at = 0;
	long n = 0;

	if (r->before >= 0)
		return r->before;
	buf = xmalloc(CHUNK);
	while (at < r->offset) {
		size_t want = r->offset - at < CHUNK ? (size_t)(r->offset - at) : CHUNK;
		ssize_t got = pread(r->fd, buf, want, (off_t)at);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err_set("%s error on '%s'%s%s", got ? "read" : "short read",
				r->path, got ? ": " : "", got ? strerror(errno) : "");
			free(buf);
			return -1;
		}
		for (const char *p = buf, *e = buf + got;
		     (p = memchr(p, '\n', (size_t)(e - p))); p++)
			n++;
		at += (uint64_t)got;
	}
	free(buf);
	return r->before = n;
}

void csvin_stop_at(struct csvin *r, uint64_t off)
{
	if (r->eof && r->bytes == r->stop && off > r->stop)
		r->eof = 0; /* stopped at the old stop: read on */
	r->stop = off;
}

int csvin_stop_passed(const struct csvin *r)
{
	return r->stop_passed;
}

/* The stop did not fall between records: read on as if it were not set. */
static void pass_stop(struct csvin *r)
{
	r->stop = UINT64_MAX;
	r->stop_passed = 1;
	r->eof = 0;
}

/* Read more input after compacting; grows the buffer while a line needs it.
 * Returns 0, or -1 with err_msg() set. */
static int fill(struct csvin *r)
{
	ssize_t got = 0;
	size_t want;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	want = r->cap - r->end;
	if (r->stop - r->bytes < want)
		want = (size_t)(r->stop - r->bytes);
	while (want > 0 && (got = read(r->fd, r->buf + r->end, want)) < 0 &&
	       errno == EINTR)
		;
	if (got < 0)
		return err_set("read error on '%s': %s", r->path, strerror(errno));
	if (got == 0)
		r->eof = 1;
	xxh128_update(r->hash, r->buf + r->end, (size_t)got);
	r->end += (size_t)got;
	r->bytes += (uint64_t)got;
	return 0;
}

static void raw_append(struct csvin *r, const char *s, size_t n)
{
	xgrow(&r->raw, &r->raw_cap, r->raw_len + n + 1, 1);
	memcpy(r->raw + r->raw_len, s, n);
	r->raw_len += n;
}

/* Skip the rest of an over-long line, keeping its first bytes as the raw
 * text.  Returns 0, or -1 on a read error. */
static int skip_long_line(struct csvin *r)
{
	char *nl;

	r->raw_len = 0;
	raw_append(r, r->buf + r->pos, RAW_CUT);
	for (;;) {
		nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);
		if (nl) {
			r->pos = (size_t)(nl - r->buf) + 1;
			return 0;
		}
		r->pos = r->end;
		if (r->eof && r->stop == UINT64_MAX)
			return 0;
		if (r->eof)
			pass_stop(r);
		if (fill(r) < 0)
			return -1;
	}
}

/* The next physical line without its LF in *line and *n.  Returns 1, 0 at end
 * of input, 2 for a line over CSVIN_MAX_RECORD (skipped), -1 on error. */
static int next_line(struct csvin *r, char **line, size_t *n)
{
	size_t scanned = 0;
	char *nl;

	for (;;) {
		nl = memchr(r->buf + r->pos + scanned, '\n', r->end - r->pos - scanned);
		if (nl && (size_t)(nl - (r->buf + r->pos)) > CSVIN_MAX_RECORD) {
			r->lines++;
			return skip_long_line(r) < 0 ? -1 : 2;
		}
		if (nl) {
			*line = r->buf + r->pos;
			*n = (size_t)(nl - *line);
			r->pos += *n + 1;
			break;
		}
		scanned = r->end - r->pos;
		if (r->eof && scanned > 0 && r->stop != UINT64_MAX) {
			pass_stop(r); /* a line runs on past the stop */
			continue;
		}
		if (r->eof) {
			if (scanned == 0)
				return 0;
			*line = r->buf + r->pos;
			*n = scanned;
			r->pos = r->end;
			break;
		}
		if (scanned > CSVIN_MAX_RECORD) {
			r->lines++;
			return skip_long_line(r) < 0 ? -1 : 2;
		}
		if (fill(r) < 0)
			return -1;
	}
	if (r->lines++ == 0 && r->offset == 0 && *n >= 3 &&
	    memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
		*line += 3;
		*n -= 3;
	}
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static int has_zero_byte(uint64_t v)
{
	return ((v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL) != 0;
}

/* 1 if s holds well-formed UTF-8 without NUL bytes. */
static int text_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint64_t v;
		unsigned c;
		int more;
		unsigned long cp, min;

		for (; i + 8 <= n; i += 8) {
			memcpy(&v, s + i, 8);
			if ((v & 0x8080808080808080ULL) || has_zero_byte(v))
				break;
		}
		if (i >= n)
			break;
		c = s[i++];
		if (c == 0)
			return 0;
		if (c < 0x80)
			continue;
		if (c >= 0xC2 && c <= 0xDF)
			more = 1, cp = c & 0x1F, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			more = 2, cp = c & 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			more = 3, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i < (size_t)more)
			return 0;
		for (; more > 0; more--, i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
	}
	return 1;
}

/* Latin-1 to UTF-8 in r->conv; a NUL byte marks the record bad. */
static void from_latin1(struct csvin *r, char **line, size_t *n)
{
	const unsigned char *s = (const unsigned char *)*line;
	size_t o = 0;

	xgrow(&r->conv, &r->conv_cap, 2 * *n + 1, 1);
	for (size_t i = 0; i < *n; i++) {
		if (s[i] == 0)
			r->bad_text = 1;
		if (s[i] < 0x80) {
			r->conv[o++] = (char)s[i];
		} else {
			r->conv[o++] = (char)(0xC0 | (s[i] >> 6));
			r->conv[o++] = (char)(0x80 | (s[i] & 0x3F));
		}
	}
	*line = r->conv;
	*n = o;
}

/* Room for need bytes of field values.  New space is zeroed, so readers
 * that look a word ahead of a value (JIT regex matchers) see no garbage. */
static void fbuf_reserve(struct csvin *r, size_t need)
{
	size_t old = r->fbuf_cap;

	if (need + 32 <= old)
		return;
	xgrow(&r->fbuf, &r->fbuf_cap, need + 32, 1);
	memset(r->fbuf + old, 0, r->fbuf_cap - old);
}

static void add_field(struct csvin *r, const char *s, size_t n)
{
	fbuf_reserve(r, r->fbuf_len + n + 1);
	xgrow(&r->foff, &r->nf_cap, (size_t)r->nf + 1, sizeof(size_t));
	r->flen = xrealloc(r->flen, r->nf_cap * sizeof(size_t));
	memcpy(r->fbuf + r->fbuf_len, s, n);
	r->fbuf[r->fbuf_len + n] = '\0';
	r->foff[r->nf] = r->fbuf_len;
	r->flen[r->nf++] = n;
	r->fbuf_len += n + 1;
}

static void on_field(void *s, size_t n, void *data)
{
	add_field(data, s ? s : "", s ? n : 0);
}

static void on_row(int c, void *data)
{
	(void)c;
	((struct csvin *)data)->row_done = 1;
}

static inline void add_offset(struct csvin *r, size_t off, size_t len)
{
	if (__builtin_expect(r->nf + 1 > (int)r->nf_cap, 0)) {
		xgrow(&r->foff, &r->nf_cap, (size_t)r->nf + 1, sizeof(size_t));
		r->flen = xrealloc(r->flen, r->nf_cap * sizeof(size_t));
	}
	r->foff[r->nf] = off;
	r->flen[r->nf++] = len;
}

/* The common case in one pass: a line of printable ASCII without quote,
 * CR or TAB (unless TAB is the delimiter) is copied and cut at delimiters.
 * Returns 1, or 0 (nothing kept) when the line needs the full path. */
static int split_fast(struct csvin *r, const char *line, size_t n)
{
	const unsigned char *s = (const unsigned char *)line;
	const unsigned char *cls = r->cls;
	size_t start = 0, i = 0;
	char *out;

	fbuf_reserve(r, n + 1);
	out = r->fbuf;
#ifdef BYTES16
	/* the bytes cls marks 2, sixteen at a time */
	for (; i + 16 <= n; i += 16) {
		bytes16 v = bytes16_load(s + i);
		unsigned delims = bytes16_eq(v, r->o.delim);

		if ((bytes16_high(v) | bytes16_eq(v, 0) | bytes16_eq(v, '\r') |
		     bytes16_eq(v, r->o.quote) | bytes16_eq(v, '\t')) & ~delims) {
			r->nf = 0;
			return 0;
		}
		bytes16_store(out + i, v);
		for (; delims; delims &= delims - 1) {
			size_t at = i + (size_t)__builtin_ctz(delims);

			out[at] = '\0';
			add_offset(r, start, at - start);
			start = at + 1;
		}
	}
#endif
	for (; i < n; i++) {
		unsigned char k = cls[s[i]];

		out[i] = (char)s[i];
		if (k == 0)
			continue;
		if (k == 2) {
			r->nf = 0;
			return 0;
		}
		out[i] = '\0';
		add_offset(r, start, i - start);
		start = i + 1;
	}
	out[n] = '\0';
	add_offset(r, start, n - start);
	r->fbuf_len = n + 1;
	return 1;
}

/* Split a line holding no quote character: copy it once, cut at delims. */
static void split_plain(struct csvin *r, const char *line, size_t n)
{
	char *p, *d, *stop;

	fbuf_reserve(r, n + 1);
	memcpy(r->fbuf, line, n);
	r->fbuf[n] = '\0';
	r->fbuf_len = n + 1;
	p = r->fbuf;
	stop = r->fbuf + n;
	for (;;) {
		d = memchr(p, r->o.delim, (size_t)(stop - p));
		if (r->nf + 1 > (int)r->nf_cap) {
			xgrow(&r->foff, &r->nf_cap, (size_t)r->nf + 1, sizeof(size_t));
			r->flen = xrealloc(r->flen, r->nf_cap * sizeof(size_t));
		}
		r->foff[r->nf] = (size_t)(p - r->fbuf);
		if (!d) {
			r->flen[r->nf++] = (size_t)(stop - p);
			break;
		}
		*d = '\0';
		r->flen[r->nf++] = (size_t)(d - p);
		p = d + 1;
	}
}

static void finish(struct csvin *r, struct csvin_row *row,
		   enum csvin_status st, const char *raw, size_t raw_len)
{
	row->plain = 0;
	xgrow(&r->fptr, &r->fptr_cap, (size_t)r->nf + 1, sizeof(char *));
	for (int i = 0; i < r->nf; i++)
		r->fptr[i] = r->fbuf + r->foff[i];
	if (st == CSVIN_OK && r->bad_text)
		st = CSVIN_ENCODING;
	row->field = r->fptr;
	row->len = r->flen;
	row->nfields = r->nf;
	row->line = r->start;
	row->status = st;
	row->raw = raw;
	row->raw_len = raw_len;
}

/* Feed one line of a quoted record to libcsv.  Returns 1 when the record
 * ended, 0 when it continues, -1 on a syntax error (parser reset). */
static int feed_csv(struct csvin *r, const char *line, size_t n)
{
	r->row_done = 0;
	if (csv_parse(&r->cp, line, n, on_field, on_row, r) != n ||
	    csv_parse(&r->cp, "\n", 1, on_field, on_row, r) != 1) {
		parser_reset(r);
		return -1;
	}
	r->in_csv = !r->row_done;
	return r->row_done;
}

static int end_of_input(struct csvin *r, struct csvin_row *row)
{
	int rc;

	if (!r->in_csv)
		return 0;
	rc = csv_fini(&r->cp, on_field, on_row, r);
	parser_reset(r);
	finish(r, row, rc == 0 ? CSVIN_OK : CSVIN_MALFORMED, r->raw, r->raw_len);
	return 1;
}

int csvin_next(struct csvin *r, struct csvin_row *row)
{
	char *line;
	size_t n;
	int rc;

	r->nf = 0;
	r->fbuf_len = 0;
	r->raw_len = 0;
	r->bad_text = 0;
	for (;;) {
		rc = next_line(r, &line, &n);
		if (rc < 0)
			return -1;
		if (rc == 1 && !r->in_csv && n > 0 && !r->o.latin1 &&
		    split_fast(r, line, n)) {
			r->start = r->lines;
			finish(r, row, CSVIN_OK, line, n);
			row->plain = 1;
			return 1;
		}
		if (rc == 0 && r->in_csv && r->stop != UINT64_MAX) {
			pass_stop(r); /* a quoted field holds the stop's line break */
			continue;
		}
		if (rc == 0)
			return end_of_input(r, row);
		if (rc == 2) {
			if (!r->in_csv)
				r->start = r->lines;
			parser_reset(r);
			finish(r, row, CSVIN_TOO_LONG, r->raw, r->raw_len);
			return 1;
		}
		if (r->o.latin1)
			from_latin1(r, &line, &n);
		else if (!text_ok((const unsigned char *)line, n))
			r->bad_text = 1;
		if (!r->in_csv) {
			if (n == 0)
				continue;
			r->start = r->lines;
			if (!r->o.quote || !memchr(line, r->o.quote, n)) {
				split_plain(r, line, n);
				finish(r, row, CSVIN_OK, line, n);
				row->plain = !memchr(line, '\r', n) &&
					     (r->o.delim == '\t' || !memchr(line, '\t', n));
				return 1;
			}
		} else {
			raw_append(r, "\n", 1);
		}
		raw_append(r, line, n);
		if (r->raw_len > CSVIN_MAX_RECORD) {
			parser_reset(r);
			finish(r, row, CSVIN_TOO_LONG, r->raw, RAW_CUT);
			return 1;
		}
		rc = feed_csv(r, line, n);
		if (rc != 0) {
			finish(r, row, rc > 0 ? CSVIN_OK : CSVIN_MALFORMED, r->raw,
			       r->raw_len);
			return 1;
		}
	}
}

int csvin_skip_rest(struct csvin *r)
{
	csvin_stop_at(r, UINT64_MAX);
	while (!r->eof) {
		r->pos = r->end;
		if (fill(r) < 0)
			return -1;
	}
	r->pos = r->end;
	return 0;
}

long csvin_lines(const struct csvin *r)
{
	return r->lines;
}

uint64_t csvin_bytes(const struct csvin *r)
{
	return r->bytes;
}

void csvin_hash(const struct csvin *r, char out[HASH_HEX_LEN + 1])
{
	XXH128_hash_t h = XXH3_128bits_digest(r->hash);

	snprintf(out, HASH_HEX_LEN + 1, "%016llx%016llx",
		 (unsigned long long)h.high64, (unsigned long long)h.low64);
}

void csvin_close(struct csvin *r)
{
	if (!r)
		return;
	if (r->fd > 0)
		close(r->fd);
	csv_free(&r->cp);
	XXH3_freeState(r->hash);
	free(r->path);
	free(r->buf);
	free(r->conv);
	free(r->fbuf);
	free(r->foff);
	free(r->flen);
	free(r->fptr);
	free(r->raw);
	free(r);
}
