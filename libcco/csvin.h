/*
 * csvin.h: streaming delimited-text input (CSV, pipe, tab ...) on libcsv,
 * one record at a time, with the physical line each record starts on.
 *
 * Physical lines are read with a bounded buffer: a byte-order mark at the
 * start is skipped, CRLF becomes LF, Latin-1 can be converted to UTF-8.  A
 * line without the quote character (outside a quoted field) is split on the
 * delimiter directly; any other line goes through libcsv in strict mode, so
 * quoted fields may hold delimiters, doubled quotes and line breaks.  A
 * malformed record (libcsv strict error, unterminated quote at end of file,
 * a record over CSVIN_MAX_RECORD bytes) or one with bad text (invalid UTF-8,
 * NUL bytes) is still returned, flagged, and reading resumes at the next
 * physical line: the rest of the file is never lost.
 */
#ifndef CCO_CSVIN_H
#define CCO_CSVIN_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#define CSVIN_MAX_RECORD (8u << 20) /* longest record kept, bytes */

enum csvin_status {
	CSVIN_OK,        /* fields are valid */
	CSVIN_MALFORMED, /* CSV syntax error; fields unusable */
	CSVIN_TOO_LONG,  /* over CSVIN_MAX_RECORD; fields unusable, raw cut */
	CSVIN_ENCODING,  /* invalid UTF-8 or a NUL byte; fields unusable */
};

struct csvin_opts {
	unsigned char delim; /* field separator, e.g. ',' '|' '\t' */
	unsigned char quote; /* quote character, 0 for none */
	int latin1;          /* input is ISO-8859-1: convert to UTF-8 */
};

struct csvin_row {
	char **field;            /* NUL-terminated values, valid until next read */
	size_t *len;             /* their lengths */
	int nfields;
	long line;               /* physical line the record starts on (1-based) */
	enum csvin_status status;
	int plain;               /* no field holds TAB, CR or LF (when 0, some
				    field may) */
	const char *raw;         /* the record's text (UTF-8 after conversion),
				    lines joined by LF, not NUL-terminated */
	size_t raw_len;
};

struct csvin;

/* Open path ("-" for standard input) for reading with options o.
 * Returns NULL with err_msg() set. */
struct csvin *csvin_open(const char *path, const struct csvin_opts *o);

/* Open path (a regular file) as csvin_open() does, but start reading at
 * byte off, which should follow a line feed; whether a record starts
 * there is the caller's bet (see csvin_stop_at()).  Line numbers,
 * csvin_lines(), csvin_bytes() and csvin_hash() count from off; add
 * csvin_lines_before() for line numbers in the whole file.  Returns NULL
 * with err_msg() set. */
struct csvin *csvin_open_at(const char *path, const struct csvin_opts *o,
			    uint64_t off);

/* The lines before the offset csvin_open_at() started at (0 after
 * csvin_open()), counted at the first call by reading those bytes once:
 * a reader that never needs them never reads them.  Returns the count,
 * or -1 with err_msg() set. */
long csvin_lines_before(struct csvin *r);

/* Read no byte at or past offset off (one that follows a line feed) if
 * the records end there: csvin_next() then returns 0 at off, as at the end
 * of input.  If a record is still open at off (a quoted field holds the
 * line break before it), reading goes on past off as if no stop were set,
 * and csvin_stop_passed() turns 1.  The stop can be moved on later, also
 * once reading has stopped there (UINT64_MAX: no stop). */
void csvin_stop_at(struct csvin *r, uint64_t off);

/* 1 once reading has gone on past the stop of csvin_stop_at(). */
int csvin_stop_passed(const struct csvin *r);

/* Read the next record into *row.  Returns 1 for a record (check
 * row->status), 0 at end of input, -1 on a read error (err_msg() set).
 * Blank lines outside quoted fields are skipped and are not records. */
int csvin_next(struct csvin *r, struct csvin_row *row);

/* Read the rest of the input without returning records, past any stop:
 * so that csvin_hash() and csvin_bytes() cover it.  Returns 0, or -1 on a
 * read error (err_msg() set). */
int csvin_skip_rest(struct csvin *r);

/* Physical lines read so far. */
long csvin_lines(const struct csvin *r);

/* Bytes read so far. */
uint64_t csvin_bytes(const struct csvin *r);

/* Content hash (as hash_file() gives) of every byte read; meaningful once
 * csvin_next() has returned 0. */
void csvin_hash(const struct csvin *r, char out[HASH_HEX_LEN + 1]);

/* Close and free; NULL is allowed. */
void csvin_close(struct csvin *r);

#endif
