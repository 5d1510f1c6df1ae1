/*
 * validate.c: taking, cleaning and checking a record's values (see
 * validate.h).  Every value is copied once into a per-record arena and
 * cleaned there; nothing is allocated per field once the arena has grown.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "num.h"
#include "validate.h"
#include "verdict.h"
#include "xalloc.h"

static const char *const reason_names[R_COUNT] = {
	"malformed_csv", "column_count", "invalid_encoding", "missing_field",
	"invalid_date", "invalid_code", "invalid_npi", "invalid_value",
	"unknown_member",
};

const char *reason_name(enum reason r)
{
	return reason_names[r];
}

__attribute__((format(printf, 4, 5)))
static int reject(struct validator *v, enum reason r, const char *field,
		  const char *fmt, ...)
{
	va_list ap;

	v->reason = r;
	v->field = field;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* Luhn over 80840 and the first nine digits: every other digit from the
 * first is doubled, and the digits of the double summed (the table). */
int npi_check_digit_ok(const char *d)
{
	static const unsigned doubled[10] = { 0, 2, 4, 6, 8, 1, 3, 5, 7, 9 };
	unsigned sum = 24; /* the 80840 prefix, already doubled where due */

	for (int i = 0; i < 9; i++) {
		unsigned x = (unsigned)(d[i] - '0');

		if (x > 9)
			return 0; /* a layout's own pattern may let one through */
		sum += i % 2 ? x : doubled[x];
	}
	/* a check "digit" that is not one cannot equal 0..9 */
	return (10 - sum % 10) % 10 == (unsigned)(d[9] - '0');
}

int date_parse_fmt(const char *fmt, const char *s, size_t n, int *days)
{
	int y = -1, m = -1, d = -1;
	size_t i = 0;

	if (!strcmp(fmt, "YYYY-MM-DD"))
		return date_parse_iso(s, n, days);
	while (*fmt) {
		char c = *fmt;
		size_t run = 0, got = 0;
		int val = 0;

		if (c != 'Y' && c != 'M' && c != 'D') {
			if (i >= n || s[i] != c)
				return -1;
			i++, fmt++;
			continue;
		}
		while (fmt[run] == c)
			run++;
		fmt += run;
		/* a single M or D takes one or two digits */
		while (i < n && got < (run == 1 ? 2 : run) && isdigit((unsigned char)s[i]))
			val = val * 10 + (s[i++] - '0'), got++;
		if (got == 0 || (run > 1 && got != run))
			return -1;
		*(c == 'Y' ? &y : c == 'M' ? &m : &d) = val;
	}
	if (i != n || y < 0 || m < 0 || d < 0 || !date_valid(y, m, d))
		return -1;
	*days = date_from_ymd(y, m, d);
	return 0;
}

/* Make room for need bytes.  New space is zeroed: the JIT matchers read
 * ahead of a value's end in whole words, and must not read garbage. */
static void arena_reserve(struct validator *v, size_t need)
{
	size_t old = v->arena_cap;

	if (need + 32 <= old)
		return;
	xgrow(&v->arena, &v->arena_cap, need + 32, 1);
	memset(v->arena + old, 0, v->arena_cap - old);
}

static size_t arena_put(struct validator *v, const char *s, size_t n)
{
	size_t off = v->arena_len;

	arena_reserve(v, v->arena_len + n + 1);
	memcpy(v->arena + off, s, n);
	v->arena[off + n] = '\0'; /* matchers may look one byte on */
	v->arena_len += n;
	return off;
}

/* An NDC written with hyphens in any of the 10-digit forms (4-4-2, 5-3-2,
 * 5-4-1) or as 5-4-2, rewritten in place as the 11 digits of 5-4-2.
 * Anything else is left as it is, for the pattern to judge. */
static size_t ndc_to_11(char *p, size_t n)
{
	static const size_t width[3] = { 5, 4, 2 };
	size_t seg[3], start[3], k = 0, o = 0;
	char out[11];

	start[0] = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '-')
			continue;
		if (k == 3)
			return n;
		seg[k] = i - start[k];
		if (seg[k] == 0 || seg[k] > width[k])
			return n;
		if (++k < 3)
			start[k] = i + 1;
	}
	if (k != 3)
		return n;
	for (k = 0; k < 3; k++) {
		for (size_t z = seg[k]; z < width[k]; z++)
			out[o++] = '0';
		memcpy(out + o, p + start[k], seg[k]);
		o += seg[k];
	}
	memcpy(p, out, 11);
	p[11] = '\0';
	return 11;
}

/* Copy s into the arena and clean it there: line breaks and tabs to
 * spaces, strip characters, case, padding, value map.  Sets *off and
 * *len.  Kept out of line: most values take clean()'s short way, and
 * would pay for this one's prologue on every call. */
__attribute__((noinline))
static void clean_copy(struct validator *v, const struct lfield *f, const char *s,
		       size_t n, size_t *off, size_t *len)
{
	char *p;
	size_t o = 0;

	*off = arena_put(v, s, n);
	arena_reserve(v, *off + 12);
	p = v->arena + *off;
	if (f->ndc_pad && memchr(p, '-', n))
		n = ndc_to_11(p, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		p[o] = (char)f->xlat[c]; /* o <= i: a dropped byte is written over */
		o += !f->drop[c];
	}
	p[o] = '\0';
	*len = o;
	if (o > 0 && o < (size_t)f->zero_pad) {
		size_t pad = (size_t)f->zero_pad - o;

		arena_reserve(v, *off + o + pad + 1);
		p = v->arena + *off;
		memmove(p + pad, p, o);
		memset(p, '0', pad);
		o += pad;
		p[o] = '\0';
		*len = o;
	}
	for (int i = 0; i < f->nmap; i++) {
		size_t fl = strlen(f->map[i].from);

		if (fl == o && strncasecmp(f->map[i].from, p, o) == 0) {
			v->arena_len = *off;
			*len = strlen(f->map[i].to);
			*off = arena_put(v, f->map[i].to, *len);
			return;
		}
	}
	v->arena_len = *off + o;
}

/* 1 if cleaning s[0 .. n) would leave it as it is: no byte of it is
 * touched, no padding, no value map. */
static inline int clean_as_is(const struct lfield *f, const char *s, size_t n)
{
	if (f->nmap || (n > 0 && n < (size_t)f->zero_pad))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (f->touch[(unsigned char)s[i]])
			return 0;
	return 1;
}

/* Trim s, then (if anything more is to do) copy and clean it.  A value of
 * the record (from_row) that cleaning would leave as it is is not copied:
 * a plain field's in a record of plain fields without looking, any
 * other after one look at its bytes ("P" with case = upper).  Sets *off
 * and *len. */
static inline void clean(struct validator *v, const struct lfield *f,
			 const char *s, size_t n, int from_row, size_t *off,
			 size_t *len)
{
	if (f->trim) {
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
	}
	if (from_row && ((f->plain && v->row_plain) || clean_as_is(f, s, n))) {
		*off = VALUE_IN_ROW | (size_t)(s - v->row_base);
		*len = n;
		return;
	}
	clean_copy(v, f, s, n, off, len);
}

/* 1 if s[0 .. n), n > 0 and no NUL in it, is one of values.  The first
 * byte rules most of them out without a call. */
static int in_values(char *const *values, const char *s, size_t n)
{
	for (; *values; values++)
		if (**values == *s && strncmp(*values, s, n) == 0 && (*values)[n] == '\0')
			return 1;
	return 0;
}

/* A date's day number, plus this, is its answer in v->dates: 0 is
 * kept for "not a date" (day numbers of years 1 to 9999 are within it). */
#define DATE_ANSWER_BIAS 1000000

/* Parse s[0 .. n) written in f's date format.  Returns 0 or -1.  A file
 * holds a few thousand distinct dates in millions of values, so their
 * day numbers are kept (verdict.h), keyed by the text and the format. */
static int parse_date(struct validator *v, const struct lfield *f, const char *s,
		      size_t n, int *days)
{
	struct verdict_slot *e;
	int hit;

	if (n > VERDICT_MAX)
		return date_parse_fmt(f->date_fmt, s, n, days);
	if (!v->dates)
		v->dates = xcalloc(1, sizeof(*v->dates));
	e = verdict_slot(v->dates, f->date_fmt, s, n, &hit);
	if (!hit)
		e->answer = date_parse_fmt(f->date_fmt, s, n, days) < 0 ? 0 :
			    (uint32_t)(*days + DATE_ANSWER_BIAS);
	*days = (int)e->answer - DATE_ANSWER_BIAS;
	return e->answer ? 0 : -1;
}

/* A date field's value, parsed and in range, rewritten as ISO in place. */
__attribute__((noinline))
static int check_date(struct validator *v, const struct lfield *f, size_t *off,
		      size_t *len)
{
	int days;

	if (parse_date(v, f, validate_text(v, *off), *len, &days) < 0)
		return reject(v, R_INVALID_DATE, f->name, "%s is not a date "
			      "written %s", f->name, f->date_fmt);
	if (days < v->date_min || days > v->date_max)
		return reject(v, R_INVALID_DATE, f->name, "%s is outside "
			      "the plausible range", f->name);
	if (f->date_iso)
		return 0; /* parsed as YYYY-MM-DD: already ISO */
	/* rewritten in place if the value is the arena's last */
	if (*off & VALUE_IN_ROW)
		*off = v->arena_len;
	arena_reserve(v, *off + DATE_ISO_LEN + 1);
	v->arena_len = *off + DATE_ISO_LEN;
	date_format(days, v->arena + *off);
	*len = DATE_ISO_LEN;
	return 0;
}

/* A value's allowed values and member check. */
__attribute__((noinline))
static int check_listed(struct validator *v, const struct lfield *f, const char *s,
			size_t n)
{
	if (f->values && !in_values(f->values, s, n))
		return reject(v, R_INVALID_VALUE, f->name, "%s is not one of the "
			      "allowed values", f->name);
	if (f->member_check && v->known && !memberset_has(v->known, s, n) &&
	    !(v->pending && memberset_has(v->pending, s, n)))
		return reject(v, R_UNKNOWN_MEMBER, f->name, "%s is not in any "
			      "loaded members file", f->name);
	return 0;
}

/* Check one cleaned, non-empty value in place (dates rewritten as ISO).
 * Inline, with the date and listed checks out of line: it runs for about
 * 15 values of every claim line, and calling the whole of it cost about
 * as much as a pattern's cached verdict. */
static inline int check(struct validator *v, const struct lfield *f, size_t *off,
			size_t *len)
{
	const char *s;

	if (f->check == CHECK_DATE)
		return check_date(v, f, off, len);
	s = validate_text(v, *off);
	if (f->check == CHECK_PATTERN) {
		const struct pattern *pat = v->pat ? v->pat[f - v->l->field] : f->pat;

		if (!pattern_match(pat, s, *len))
			return reject(v, f->reason, f->name,
				      "%s does not match pattern %s", f->name, f->pat_name);
		if (f->is_npi && (*len != 10 || !npi_check_digit_ok(s)))
			return reject(v, R_INVALID_NPI, f->name, "%s has a wrong "
				      "check digit", f->name);
	}
	if (f->values || f->member_check)
		return check_listed(v, f, s, *len);
	return 0;
}

/* The raw text of f's column for slot k (0: not repeated). */
static const char *column_text(const struct lfield *f, const struct csvin_row *row,
			       int idx, size_t *n)
{
	int c = f->cols[idx];

	if (c < 0 || c >= row->nfields) {
		*n = 0;
		return "";
	}
	*n = row->len[c];
	return row->field[c];
}

/* A '|'-joined list of the filled slots, each cleaned and checked. */
static int list_value(struct validator *v, const struct lfield *f,
		      const struct csvin_row *row, size_t *off, size_t *len)
{
	size_t start = v->arena_len, total = 0;

	for (int k = 0; k < f->ncols; k++) {
		size_t n, eo, el;
		const char *s = column_text(f, row, k, &n);

		if (n == 0)
			continue;
		clean(v, f, s, n, 0, &eo, &el);
		if (el == 0) {
			v->arena_len = eo;
			continue;
		}
		if (check(v, f, &eo, &el) < 0)
			return -1;
		if (total > 0) {
			/* move the element right by one to make room for '|' */
			arena_reserve(v, eo + el + 2);
			memmove(v->arena + eo + 1, v->arena + eo, el);
			v->arena[eo] = '|';
			el++;
		}
		v->arena_len = eo + el;
		total += el;
	}
	*off = start;
	*len = v->arena_len - start;
	return 0;
}

static int derived_value(struct validator *v, const struct lfield *f,
			 const struct csvin_row *row, size_t *off, size_t *len)
{
	const char *y = validate_text(v, *off);
	char buf[DATE_ISO_LEN + 1];
	long long year;
	int days, months = 12;

	if (*len != 4 || num_parse_n(y, 4, 1900, 2100, &year) < 0)
		return reject(v, R_INVALID_DATE, f->name, "%s: not a year", f->name);
	days = date_from_ymd((int)year, 1, 1);
	if (f->derive == DERIVE_YEAR_MONTHS) {
		int c = f->months_col;

		if (c >= row->nfields || num_parse_int(row->field[c], 0, 12, &months) < 0)
			return reject(v, R_INVALID_VALUE, f->name, "%s: coverage months "
				      "are not 0 to 12", f->name);
		if (months == 0)
			return 1;
		days = date_add_months(days, months) - 1;
	}
	date_format(days, buf);
	if (!(*off & VALUE_IN_ROW))
		v->arena_len = *off; /* the year text is not needed */
	*off = arena_put(v, buf, DATE_ISO_LEN);
	*len = DATE_ISO_LEN;
	return 0;
}

/* The value of field f for group slot k (k - lo as index; 0 if none).
 * Returns 0, 1 when the row must be left out (no coverage), -1 to reject. */
static int field_value(struct validator *v, const struct lfield *f,
		       const struct csvin_row *row, int slot, int idx,
		       size_t *off, size_t *len)
{
	const char *s;
	size_t n;
	char num[16];

	if (f->list_lo)
		return list_value(v, f, row, off, len);
	if (f->fixed) {
		s = f->fixed;
		n = strlen(s);
	} else if (f->slot_number) {
		n = (size_t)snprintf(num, sizeof(num), "%d", slot);
		s = num;
	} else {
		s = column_text(f, row, f->ncols > 1 ? idx : 0, &n);
	}
	clean(v, f, s, n, !f->fixed && !f->slot_number, off, len);
	if (f->derive == DERIVE_CLAIM_TYPE) { /* institutional when billed as such */
		*off = arena_put(v, *len ? "I" : "P", 1);
		*len = 1;
		return 0;
	}
	if (*len == 0) {
		if (f->required)
			return reject(v, R_MISSING_FIELD, f->name, "%s is required "
				      "but empty", f->name);
		return 0;
	}
	if (f->derive != DERIVE_NONE)
		return derived_value(v, f, row, off, len);
	return check(v, f, off, len);
}

static struct vrow *new_row(struct validator *v, int out)
{
	struct vrow *r;

	if (v->nrows == v->rows_cap) {
		v->rows_cap = v->rows_cap ? 2 * v->rows_cap : 16;
		v->rows = xrealloc(v->rows, (size_t)v->rows_cap * sizeof(*r));
	}
	r = &v->rows[v->nrows++];
	r->out = out;
	memset(r->len, 0, (size_t)v->l->out_ncols[out] * sizeof(r->len[0]));
	return r;
}

/* Stage the row of output `out` for group slot `slot` (0: ungrouped). */
static int stage_row(struct validator *v, int out, int group, int slot,
		     const struct csvin_row *row)
{
	const struct layout *l = v->l;
	struct vrow *r = new_row(v, out);
	int idx = group >= 0 ? slot - l->group[group].lo : 0;

	for (int i = 0; i < l->nfield; i++) {
		const struct lfield *f = &l->field[i];
		int rc;

		if (f->out != out)
			continue;
		if (f->group >= 0 && slot == 0) {
			if (f->required)
				return reject(v, R_MISSING_FIELD, f->name, "%s is "
					      "required but no slot is filled", f->name);
			continue;
		}
		rc = field_value(v, f, row, slot, idx, &r->off[f->col], &r->len[f->col]);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			v->nrows--;
			return 0;
		}
	}
	return 0;
}

static int slot_filled(const struct validator *v, int group, int slot,
		       const struct csvin_row *row)
{
	const struct lfield *key = &v->l->field[v->l->group[group].key_field];
	size_t n;
	const char *s = column_text(key, row, slot - v->l->group[group].lo, &n);

	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 1;
	return 0;
}

int validate_record(struct validator *v, const struct csvin_row *row)
{
	const struct layout *l = v->l;

	v->nrows = 0;
	v->arena_len = 0;
	v->row_plain = row->plain;
	v->row_base = row->nfields > 0 ? row->field[0] : NULL;
	switch (row->status) {
	case CSVIN_MALFORMED:
		return reject(v, R_MALFORMED_CSV, "", "the record is not valid "
			      "delimited text (stray or unbalanced quote)");
	case CSVIN_TOO_LONG:
		return reject(v, R_MALFORMED_CSV, "", "the record is longer than "
			      "%u bytes", CSVIN_MAX_RECORD);
	case CSVIN_ENCODING:
		return reject(v, R_INVALID_ENCODING, "", "the record holds invalid "
			      "UTF-8 or a NUL byte");
	case CSVIN_OK:
		break;
	}
	if (v->ncols && row->nfields != v->ncols)
		return reject(v, R_COLUMN_COUNT, "", "the record has %d fields, "
			      "expected %d", row->nfields, v->ncols);
	if (v->known && l->member_field >= 0) {
		const struct lfield *m = &l->field[l->member_field];
		int c = m->cols ? m->cols[0] : -1;

		if (c >= 0 && c < row->nfields)
			memberset_prefetch(v->known, row->field[c], row->len[c]);
	}
	for (int out = 0; out < l->nout; out++) {
		int g = l->out_group[out], filled = 0;

		if (g < 0) {
			if (stage_row(v, out, -1, 0, row) < 0)
				return -1;
			continue;
		}
		for (int k = l->group[g].lo; k <= l->group[g].hi; k++) {
			if (!slot_filled(v, g, k, row))
				continue;
			filled++;
			if (stage_row(v, out, g, k, row) < 0)
				return -1;
		}
		if (!filled && stage_row(v, out, g, 0, row) < 0)
			return -1;
	}
	return 0;
}

void validator_init_like(struct validator *v, const struct validator *like)
{
	memset(v, 0, sizeof(*v));
	v->l = like->l;
	v->date_min = like->date_min;
	v->date_max = like->date_max;
	v->known = like->known;
	v->pending = like->pending;
	v->ncols = like->ncols;
}

void validator_own_patterns(struct validator *v)
{
	const struct layout *l = v->l;

	v->own = pattern_set_copy(l->patterns);
	v->pat = xcalloc((size_t)l->nfield + 1, sizeof(*v->pat));
	for (int i = 0; i < l->nfield; i++)
		if (l->field[i].check == CHECK_PATTERN)
			v->pat[i] = pattern_find(v->own, l->field[i].pat_name);
}

void validator_release(struct validator *v)
{
	free(v->arena);
	free(v->rows);
	free(v->pat);
	free(v->dates);
	pattern_set_free(v->own);
	v->arena = NULL;
	v->rows = NULL;
	v->pat = NULL;
	v->dates = NULL;
	v->own = NULL;
}
