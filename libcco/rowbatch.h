/*
 * rowbatch.h: tab-separated rows copied into one buffer and split there,
 * the unit a producer thread hands to a consumer (handoff.h).  While rows
 * are added the buffer may move, so fields are kept as offsets;
 * rowbatch_seal() turns them into pointers once the batch is complete.
 */
#ifndef CCO_ROWBATCH_H
#define CCO_ROWBATCH_H

#include <stddef.h>

struct rowbatch {
	char *text;          /* the rows, fields NUL-terminated */
	size_t used, cap;
	size_t *off;         /* field c of row i: text + off[i * nf + c], */
	size_t *len;         /* len[i * nf + c] bytes, */
	char **field;        /* and, once sealed, field[i * nf + c] */
	size_t nrows, cells_cap;
	int nf;              /* fields per row */
};

/* An empty batch of rows of nf fields.  Never fails. */
void rowbatch_init(struct rowbatch *b, int nf);

/* Copy line (n bytes, no LF) in as the next row and split it on tabs.
 * Returns the number of fields the line has; a row short of nf gets
 * empty ones, fields past nf are dropped. */
int rowbatch_add(struct rowbatch *b, const char *line, size_t n);

/* Point field[] at every row's fields: call when no row will be added. */
void rowbatch_seal(struct rowbatch *b);

/* Row i's fields and their lengths, after rowbatch_seal(). */
static inline char **rowbatch_fields(const struct rowbatch *b, size_t i)
{
	return b->field + i * (size_t)b->nf;
}

static inline size_t *rowbatch_lens(const struct rowbatch *b, size_t i)
{
	return b->len + i * (size_t)b->nf;
}

/* Empty the batch, keeping its memory. */
void rowbatch_reset(struct rowbatch *b);

void rowbatch_free(struct rowbatch *b);

#endif
