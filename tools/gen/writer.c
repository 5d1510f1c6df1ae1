/*
 * writer.c: CSV rows and the atomic output files they go to.  Rows are
 * formatted by hand (no printf per field, dates by date_format) because
 * a million members make tens of millions of rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "err.h"
#include "gen.h"
#include "xalloc.h"

#define OUT_BUFFER (1 << 20)

void row_reset(struct row *r)
{
	r->n = 0;
	r->used = 0;
}

static char *row_space(struct row *r, size_t n)
{
	char *p;

	if (r->used + n > sizeof(r->data))
		abort(); /* a programming error: fields are short */
	p = r->data + r->used;
	r->used += n;
	return p;
}

static void row_put_n(struct row *r, const char *s, size_t n, enum quote q)
{
	char *p = row_space(r, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	r->f[r->n] = p;
	r->len[r->n] = (unsigned short)n;
	r->q[r->n] = (unsigned char)q;
	r->n++;
}

static void row_put(struct row *r, const char *s, enum quote q)
{
	row_put_n(r, s, strlen(s), q);
}

void row_add(struct row *r, const char *s)
{
	row_put(r, s, Q_AUTO);
}

void row_add_name(struct row *r, const char *s)
{
	row_put(r, s, Q_ALWAYS);
}

/* Rows repeat a claim's few dates on every line: a small cache of
 * formatted dates saves most of the calendar arithmetic. */
#define DATE_CACHE 64
static struct {
	int day;
	char text[DATE_ISO_LEN + 1];
} date_cache[DATE_CACHE];
static int date_cache_ready;

void row_add_date(struct row *r, int day)
{
	unsigned slot;

	if (day == DATE_NONE) {
		row_put_n(r, "", 0, Q_AUTO);
		return;
	}
	if (!date_cache_ready) {
		for (int i = 0; i < DATE_CACHE; i++)
			date_cache[i].day = DATE_NONE;
		date_cache_ready = 1;
	}
	slot = (unsigned)day % DATE_CACHE;
	if (date_cache[slot].day != day) {
		date_cache[slot].day = day;
		date_format(day, date_cache[slot].text);
	}
	row_put_n(r, date_cache[slot].text, DATE_ISO_LEN, Q_AUTO);
}

void row_add_uint(struct row *r, unsigned long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	row_put_n(r, p, (size_t)(tmp + sizeof(tmp) - 1 - p), Q_AUTO);
}

void row_add_cents(struct row *r, long cents)
{
	char tmp[32], *p = tmp + sizeof(tmp);
	int neg = cents < 0;
	unsigned long v = neg ? (unsigned long)-cents : (unsigned long)cents;

	*--p = '\0';
	*--p = (char)('0' + v % 10);
	*--p = (char)('0' + v / 10 % 10);
	*--p = '.';
	v /= 100;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	row_put_n(r, p, (size_t)(tmp + sizeof(tmp) - 1 - p), Q_AUTO);
}

void row_set(struct row *r, int i, const char *s, enum quote q)
{
	size_t n = strlen(s);
	char *p = row_space(r, n + 1);

	memcpy(p, s, n + 1);
	r->f[i] = p;
	r->len[i] = (unsigned short)n;
	r->q[i] = (unsigned char)q;
}

static int needs_quotes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

/* Format r as one CSV line with its newline into buf; returns its length. */
static size_t row_format(const struct row *r, char *buf, size_t cap)
{
	size_t n = 0;

	for (int i = 0; i < r->n; i++) {
		const char *s = r->f[i];
		size_t len = r->len[i];
		int quote = r->q[i] == Q_ALWAYS || (r->q[i] == Q_AUTO && needs_quotes(s, len));

		if (n + 2 * len + 4 > cap)
			abort();
		if (i)
			buf[n++] = ',';
		if (!quote) {
			memcpy(buf + n, s, len);
			n += len;
			continue;
		}
		buf[n++] = '"';
		for (size_t j = 0; j < len; j++) {
			if (s[j] == '"')
				buf[n++] = '"';
			buf[n++] = s[j];
		}
		buf[n++] = '"';
	}
	buf[n++] = '\n';
	return n;
}

int out_open(struct out_file *o, const char *dir, const char *name,
	     const char *header)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = afile_open(&o->af, path, AFILE_PHI);

	free(path);
	o->name = NULL;
	if (rc < 0)
		return -1;
	setvbuf(o->af.fp, NULL, _IOFBF, OUT_BUFFER);
	o->name = xstrdup(name);
	o->lines = 1;
	o->ncols = 1;
	for (const char *s = header; *s; s++)
		o->ncols += *s == ',';
	fputs(header, o->af.fp);
	fputc('\n', o->af.fp);
	return 0;
}

unsigned long long out_row(struct out_file *o, const struct row *r)
{
	char buf[8192];
	size_t n = row_format(r, buf, sizeof(buf));

	fwrite(buf, 1, n, o->af.fp);
	return ++o->lines;
}

int out_commit(struct out_file *o)
{
	int rc = afile_commit(&o->af);

	free(o->name);
	o->name = NULL;
	return rc;
}

void out_abort(struct out_file *o)
{
	if (o->name)
		afile_abort(&o->af);
	free(o->name);
	o->name = NULL;
}
