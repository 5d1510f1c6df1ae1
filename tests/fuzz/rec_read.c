/*
 * rec_read: a record file through rec_reader, as every stage reads its
 * inputs.  The first input byte picks the form: odd, the rest is the file
 * as it is (raw zstd frames, or plain text, which the reader accepts too);
 * even, the rest is compressed first (with a checksum, as the writer does)
 * so that the text parser behind the decompressor is reached.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "fuzz.h"
#include "rec.h"

/* Compress src into a new buffer; *n its size.  Aborts on failure. */
static void *compress(const uint8_t *src, size_t size, size_t *n)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(size);
	void *dst = malloc(cap);

	if (!cc || !dst)
		abort();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	*n = ZSTD_compress2(cc, dst, cap, src, size);
	if (ZSTD_isError(*n))
		abort();
	ZSTD_freeCCtx(cc);
	return dst;
}

static void read_all(const char *path, int prefetch)
{
	struct rec_reader *r = rec_reader_open(path);
	const struct rec_schema *s;
	struct rec_row row;
	volatile size_t sink = 0;

	if (!r)
		return;
	if (prefetch)
		rec_reader_prefetch(r);
	/* a known kind is checked as a stage would check it; either way
	 * every row is read */
	s = rec_schema_find(rec_reader_kind(r));
	if (s)
		(void)rec_reader_expect(r, s);
	(void)rec_reader_col(r, "member_id");
	for (int i = 0; i < rec_reader_ncols(r); i++)
		sink += strlen(rec_reader_colname(r, i));
	while (rec_reader_next(r, &row) > 0)
		for (int i = 0; i < row.nfields; i++)
			sink += row.len[i] + (row.field[i][row.len[i]] == '\0');
	(void)rec_reader_line(r);
	(void)rec_reader_sort(r);
	(void)rec_reader_version(r);
	rec_reader_close(r);
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		read_all(fuzz_file("in.rec.zst", data + 1, size - 1), data[0] & 2);
	} else {
		size_t n;
		void *z = compress(data + 1, size - 1, &n);

		read_all(fuzz_file("in.rec.zst", z, n), data[0] & 2);
		free(z);
	}
	return 0;
}
