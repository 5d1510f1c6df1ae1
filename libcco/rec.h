/*
 * rec.h: record files, the one format every stage reads and writes.
 *
 * A record file is UTF-8 text, compressed as zstd with content checksums
 * (one frame, or frames one after the other that read as one text):
 *
 *   #cco-record<TAB>kind=KIND<TAB>schema=N<TAB>sort=COL,COL|none
 *   col1<TAB>col2<TAB>...
 *   value<TAB>value<TAB>...
 *   #cco-end<TAB>rows=N<TAB>xxh3=HEX16
 *
 * The trailer line proves the end: N rows, and the XXH3-64 digest of every
 * byte before the trailer line (16 lowercase hex digits).  A file without
 * it is refused, as truncated.
 * Fields never hold TAB, CR or LF; the empty field is null.  The reader also
 * accepts the same text uncompressed.  The writer writes through afile.h, so
 * a file appears under its name only when complete.  See record(5).
 */
#ifndef CCO_REC_H
#define CCO_REC_H

#include <stddef.h>
#include <stdint.h>

#include "schemas.h"

#define REC_MAGIC "#cco-record"
#define REC_END "#cco-end" /* the trailer line's first field */
#define REC_END_LEN 8

/* What a kind of record file holds: the contract between two stages. */
struct rec_schema {
	const char *kind;        /* file kind, e.g. "medical_claims" */
	int version;             /* bumped when columns change */
	const char *const *cols; /* column names, NULL-terminated */
};

/* The schema registered for kind, or NULL. */
const struct rec_schema *rec_schema_find(const char *kind);

/* Number of columns of s. */
int rec_schema_ncols(const struct rec_schema *s);

/* Index of column name in s, or -1. */
int rec_schema_col(const struct rec_schema *s, const char *name);

/* NULL-terminated list of every registered schema, in kind order. */
const struct rec_schema *const *rec_schema_all(void);

/* What a finished record file holds, as its trailer says: what the
 * stage that wrote it records, and a reader compares. */
struct rec_sum {
	uint64_t rows;
	uint64_t xxh3;
};

/* ---- reading ---- */

struct rec_row {
	char **field;  /* NUL-terminated values, valid until the next read */
	size_t *len;   /* their lengths */
	int nfields;   /* equals the header's column count */
};

struct rec_reader;

/* Open path ("-" for stdin) and read its metadata and header lines.
 * Returns NULL with err_msg() set ("FILE: what is wrong") on failure. */
struct rec_reader *rec_reader_open(const char *path);

/* The trailer line of a file of rows rows whose text before the line has
 * digest sum, with its LF and a NUL, at buf; returns its length. */
#define REC_TRAILER_LEN 64
size_t rec_format_trailer(uint64_t rows, uint64_t sum, char buf[REC_TRAILER_LEN]);

/* Check that the file is of schema s: same kind, same version, same columns.
 * Returns 0 or -1 with err_msg() set. */
int rec_reader_expect(struct rec_reader *r, const struct rec_schema *s);

/* Read the next row into *row.  Returns 1 for a row, 0 at a proven end
 * (a trailer whose count and digest match, and nothing after it), -1
 * (err_msg() names file and line) for a truncated or damaged file (no
 * trailer, a trailer that does not match), a zstd checksum mismatch or
 * a row with the wrong number of fields. */
int rec_reader_next(struct rec_reader *r, struct rec_row *row);

/* From now on rec_reader_next() passes over the rows whose column col
 * keep() refuses (returns 0 for its s, n bytes): they are counted and in
 * the file's digest, so the trailer's check still covers them, but they
 * are not split into fields nor returned.  A shard's reader keeps its
 * members' rows so (shard.h). */
void rec_reader_filter(struct rec_reader *r, int col,
		       int (*keep)(const char *s, size_t n, void *arg), void *arg);

/* Once rec_reader_next() returned 0: the file's rows and digest (see
 * rec_writer_close_sum()) in *sum, 0.  Before that, -1. */
int rec_reader_sum(const struct rec_reader *r, struct rec_sum *sum);

/* Expect the file to be the one writer (a program name, "cco-normalize")
 * recorded as *want: once the trailer is read, rec_reader_next() returns
 * -1 with err_msg() naming the file if rows or digest differ.  Call
 * before reading (see manifest_expect()). */
void rec_reader_expect_sum(struct rec_reader *r, const struct rec_sum *want,
			   const char *writer);

/* Split line (n bytes, NUL at n) at TABs in place: field[i] and len[i]
 * for the first max fields, each NUL-terminated.  Returns the number of
 * fields the line has.  The reader's splitter, for lines kept elsewhere. */
int rec_split(char *line, size_t n, char **field, size_t *len, int max);

/* Decompress ahead on a thread of its own (readahead.h), for the large
 * inputs a stage streams through: on two cores zstd then costs the stage
 * little wall time.  Splitting rows on a thread too was tried and lost:
 * the copies into batches cost more than they saved (cco-attribute at
 * 200k members, 1.55 s became 1.73 s).  A plain-text file, or a thread
 * that cannot start, leaves the reader as it was. */
void rec_reader_prefetch(struct rec_reader *r);

const char *rec_reader_kind(const struct rec_reader *r);
int rec_reader_version(const struct rec_reader *r);
const char *rec_reader_sort(const struct rec_reader *r);   /* "none" if unsorted */
int rec_reader_ncols(const struct rec_reader *r);
const char *rec_reader_colname(const struct rec_reader *r, int i);
int rec_reader_col(const struct rec_reader *r, const char *name); /* -1 if absent */
long rec_reader_line(const struct rec_reader *r); /* line of the last row */
uint64_t rec_reader_bytes_in(const struct rec_reader *r); /* file bytes read */
const char *rec_reader_path(const struct rec_reader *r);

/* Close and free; NULL is allowed. */
void rec_reader_close(struct rec_reader *r);

/* ---- writing ---- */

struct rec_writer;

/* Start writing a record file of schema s to path (atomically, file mode
 * `mode`), with sort naming the sort order ("none" if unsorted) and zstd
 * compression level `level` (1-19; 0 writes uncompressed text).
 * Returns NULL with err_msg() set. */
struct rec_writer *rec_writer_open(const char *path, const struct rec_schema *s,
				   const char *sort, int level, int mode);

/* Start a continuation of a record file of schema s: rows only, without
 * the metadata and header lines, written to path's temp file and never
 * committed under path.  A stage that formats the second part of its
 * output on another thread writes it here, then appends it to the
 * writer of the first part with rec_writer_append().  Returns NULL with
 * err_msg() set; end it with rec_writer_append() or rec_writer_abort(). */
struct rec_writer *rec_writer_open_rows(const char *path, const struct rec_schema *s,
					int level, int mode);

/* Finish tail (a continuation of w's schema, see rec_writer_open_rows())
 * and append its rows to w's after those written so far: w's compressed
 * stream ends its frame there and tail's frame follows (readers take the
 * frames as one text).  Rows written to w later follow tail's.  Frees
 * tail, whose temp file is removed, either way.  Returns 0, or -1 with
 * err_msg() set and the error sticky in w. */
int rec_writer_append(struct rec_writer *w, struct rec_writer *tail);

/* Append one field of the current row, for column col of the schema (its
 * position, named by schemas.h: STAYS_admit_date).  A field for any column
 * but the next, a field holding TAB, CR or LF, or a row with the wrong
 * field count, makes the writer fail: the error is sticky and reported by
 * rec_writer_close(). */
void rec_put(struct rec_writer *w, int col, const char *s, size_t n);
void rec_put_str(struct rec_writer *w, int col, const char *s); /* NULL: null */
void rec_put_int(struct rec_writer *w, int col, long long v);
void rec_put_date(struct rec_writer *w, int col, int days); /* DATE_NONE: null */
void rec_put_null(struct rec_writer *w, int col);

/* v as decimal text at the start of buf (REC_INT_LEN bytes, no NUL), as
 * rec_put_int() writes it; returns its length.  For rows built whole for
 * rec_put_row(). */
#define REC_INT_LEN 20
size_t rec_format_int(long long v, char *buf);

/* End the current row. */
void rec_end(struct rec_writer *w);

/* Write a whole row of nfields values, field[i] (of len[i] bytes) for
 * column i, the position schemas.h names: the
 * same as rec_put() for each and rec_end(), with one room check. */
void rec_put_row(struct rec_writer *w, const char *const *field, const size_t *len,
		 int nfields);

/* Compress on the calling thread (on != 0) or, as by default, on the
 * writer's own thread: it compresses and writes a block of rows (some
 * 512 KB of text) while the caller stages the next, so the caller pays
 * for formatting only.  A stage that keeps every core busy with threads
 * of its own needs no thread per writer: inline, a writer spares it and
 * its buffer.  The file's bytes are the same either way. */
void rec_writer_inline(struct rec_writer *w, int on);

/* The final path of w's file. */
const char *rec_writer_path(const struct rec_writer *w);

/* Rows written so far. */
uint64_t rec_writer_rows(const struct rec_writer *w);

/* Finish: flush, checksum, fsync, rename into place.  Returns 0, or -1 with
 * err_msg() set and no file left behind.  Frees w either way. */
int rec_writer_close(struct rec_writer *w);

/* End the file (trailer, flush, fsync) without committing it: what can
 * fail before the rename fails here, so a stage can finish every output
 * before it renames the first.  Returns 0, or -1 with err_msg() set and
 * the error sticky in w; either way end w with rec_writer_close() or
 * rec_writer_abort(). */
int rec_writer_finish(struct rec_writer *w);

/* rec_writer_close(), and when it succeeds, the file's sum in *sum. */
int rec_writer_close_sum(struct rec_writer *w, struct rec_sum *sum);

/* Discard everything written; the previous file, if any, stays.  Frees w. */
void rec_writer_abort(struct rec_writer *w);

/* A stage's outputs together: make dir (mode 0700) and open the n writers
 * DIR/NAME.rec.zst, name[i] holding kind[i] records sorted by sort[i], at
 * zstd level, member-level (mode 0600).  Returns 0, or -1 with err_msg()
 * set; either way the caller ends them with rec_writers_close(). */
int rec_writers_open(struct rec_writer **w, int n, const char *dir,
		     const char *const *name, const char *const *kind,
		     const char *const *sort, int level);

/* A stage's outputs together: if ok, close each of the n writers (NULL
 * entries are skipped) until one fails, then abort the rest; if not ok,
 * abort them all.  Sets every entry to NULL.  Returns 0, or -1 (with
 * err_msg() set by the failed close, or left as the caller's). */
int rec_writers_close(struct rec_writer **w, int n, int ok);

/* rec_writers_close(), and when it succeeds, sum[i] for each writer
 * closed (entries of NULL writers are left as they were). */
int rec_writers_close_sums(struct rec_writer **w, int n, int ok, struct rec_sum *sum);

#endif
