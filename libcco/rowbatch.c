/*
 * rowbatch.c: rows split in place in a growing buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "rowbatch.h"
#include "xalloc.h"

void rowbatch_init(struct rowbatch *b, int nf)
{
	memset(b, 0, sizeof(*b));
	b->nf = nf;
}

int rowbatch_add(struct rowbatch *b, const char *line, size_t n)
{
	size_t at = b->used, base = b->nrows * (size_t)b->nf;
	int got;

	xgrow(&b->text, &b->cap, b->used + n + 1, 1);
	memcpy(b->text + at, line, n);
	b->text[at + n] = '\0';
	b->used += n + 1;
	if (base + (size_t)b->nf > b->cells_cap) {
		xgrow(&b->off, &b->cells_cap, base + (size_t)b->nf, sizeof(size_t));
		b->len = xrealloc(b->len, b->cells_cap * sizeof(size_t));
		b->field = xrealloc(b->field, b->cells_cap * sizeof(char *));
	}
	/* field[] holds pointers only until the text may move again */
	got = rec_split(b->text + at, n, b->field + base, b->len + base, b->nf);
	for (int c = 0; c < b->nf; c++) {
		if (c < got) {
			b->off[base + (size_t)c] = (size_t)(b->field[base + (size_t)c] - b->text);
		} else {
			b->off[base + (size_t)c] = at + n;
			b->len[base + (size_t)c] = 0;
		}
	}
	b->nrows++;
	return got;
}

void rowbatch_seal(struct rowbatch *b)
{
	for (size_t i = 0; i < b->nrows * (size_t)b->nf; i++)
		b->field[i] = b->text + b->off[i];
}

void rowbatch_reset(struct rowbatch *b)
{
	b->used = b->nrows = 0;
}

void rowbatch_free(struct rowbatch *b)
{
	free(b->text);
	free(b->off);
	free(b->len);
	free(b->field);
	memset(b, 0, sizeof(*b));
}
