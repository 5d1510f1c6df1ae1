/*
 * validate.h: one input record through its layout: values taken, cleaned,
 * checked, and staged as output rows; or the one reason it is rejected.
 */
#ifndef INGEST_VALIDATE_H
#define INGEST_VALIDATE_H

#include <stddef.h>

#include "csvin.h"
#include "layout.h"
#include "memberset.h"
#include "reason.h"

/* One staged output row: values are offsets into the arena. */
struct vrow {
	int out;                          /* index in layout->out[] */
	size_t off[LAYOUT_MAX_COLS];
	size_t len[LAYOUT_MAX_COLS];
};

struct verdict_cache;

struct validator {
	const struct layout *l;
	int date_min, date_max;           /* plausible dates, inclusive */
	const struct memberset *known;    /* NULL: no member check */
	const struct memberset *pending;  /* members of this file so far */
	int ncols;                        /* expected input columns; 0 any */
	struct pattern_set *own;          /* private copies of the patterns */
	const struct pattern **pat;       /* per field: its copy, or NULL (the
					     layout's) */
	const char *row_base;             /* the record's field buffer */
	int row_plain;                    /* the record's fields need no
					     TAB/CR/LF clean-up */
	struct verdict_cache *dates;      /* day numbers of recent date
					     texts, made at the first */
	char *arena;                      /* the current record's values */
	size_t arena_len, arena_cap;
	struct vrow *rows;
	int nrows, rows_cap;
	/* the reject, when validate_record() returned -1 */
	enum reason reason;
	const char *field;                /* canonical field, or "" */
	char message[160];                /* no values in it */
};

/* Convert one record.  Returns 0 with v->rows staged (possibly none), or -1
 * with v->reason, v->field and v->message describing the first problem. */
int validate_record(struct validator *v, const struct csvin_row *row);

/* A staged value's offset: in the arena, or (with this bit) in the
 * record's own field buffer, for values taken as they are. */
#define VALUE_IN_ROW ((size_t)1 << (sizeof(size_t) * 8 - 1))

/* The text at a staged value's offset. */
static inline const char *validate_text(const struct validator *v, size_t off)
{
	return off & VALUE_IN_ROW ? v->row_base + (off & ~VALUE_IN_ROW) :
				    v->arena + off;
}

/* The text of staged value c of row r (not NUL-terminated).  Inline: it
 * is asked for every column of every row written. */
static inline const char *validate_value(const struct validator *v,
					 const struct vrow *r, int c, size_t *len)
{
	*len = r->len[c];
	return *len ? validate_text(v, r->off[c]) : "";
}

/* 1 if digits[0..10) is an NPI whose check digit is right (Luhn over the
 * 80840 prefix and the first nine digits). */
int npi_check_digit_ok(const char *digits);

/* Parse s[0..n) written as fmt (Y, M, D runs, other characters literal:
 * "YYYY-MM-DD", "MM/DD/YYYY", "YYYYMMDD", "M/D/YYYY").  Returns 0 with the
 * day number in *days, or -1 if the text does not fit or the date does not
 * exist. */
int date_parse_fmt(const char *fmt, const char *s, size_t n, int *days);

/* Make v a validator with like's settings (layout, date range, member
 * sets, column count) and none of its buffers or staged rows. */
void validator_init_like(struct validator *v, const struct validator *like);

/* Give v copies of its layout's patterns, to match with on a thread of
 * its own while another validator uses the layout's (pattern_match() is
 * not thread-safe).  validator_release() frees them. */
void validator_own_patterns(struct validator *v);

void validator_release(struct validator *v);

#endif
