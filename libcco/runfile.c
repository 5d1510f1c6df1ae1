/*
 * runfile.c: a run is one zstd frame of LF-terminated lines.  The file is
 * opened with afile_open() and never committed: its temp name stays
 * registered for removal until runfile_free() aborts it.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "afile.h"
#include "err.h"
#include "readahead.h"
#include "runfile.h"
#include "xalloc.h"

#define STAGE_CAP (1u << 17)
#define RUN_WINDOW_LOG 16
#define READ_CAP (1u << 15)
#define RUN_BLOCK (1u << 16)  /* readahead: a merge reads many runs at once */

struct runfile {
	struct afile out;   /* the temp file; out.tmp is its name */
	ZSTD_CCtx *cctx;    /* while writing; NULL: a plain run (level 0) */
	ZSTD_DCtx *dctx;    /* while reading a compressed run */
	FILE *in;           /* while reading */
	char *text;         /* staged text (writing) or window (reading) */
	size_t used, cap;   /* writing: bytes staged; reading: window end */
	size_t start;       /* reading: next unread byte in the window */
	void *zbuf;         /* compressed block */
	size_t zcap;
	ZSTD_inBuffer zin;  /* reading */
	int eof, failed;
	struct readahead *ra; /* reading: decompresses ahead */
	int ra_tried;
};

struct runfile *runfile_create(const char *dir, int level)
{
	static atomic_ulong seq; /* sorts may run on several threads */
	struct runfile *f = xcalloc(1, sizeof(*f));
	char *path = xasprintf("%s/cco-sort-%ld-%lu", dir, (long)getpid(), atomic_fetch_add(&seq, 1) + 1);
	int rc = afile_open(&f->out, path, 0600);

	free(path);
	if (rc < 0) {
		free(f);
		return NULL;
	}
	if (level > 0) {
		f->cctx = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(f->cctx, ZSTD_c_compressionLevel, level);
		/* A small window keeps each reader of a many-way merge small. */
		ZSTD_CCtx_setParameter(f->cctx, ZSTD_c_windowLog, RUN_WINDOW_LOG);
	}
	f->cap = STAGE_CAP;
	f->text = xmalloc(f->cap);
	f->zcap = ZSTD_CStreamOutSize();
	f->zbuf = xmalloc(f->zcap);
	return f;
}

static void compress(struct runfile *f, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { f->text, f->used, 0 };

	if (!f->cctx) {
		if (f->used && fwrite(f->text, 1, f->used, f->out.fp) != f->used)
			f->failed = 1;
		f->used = 0;
		return;
	}
	for (;;) {
		ZSTD_outBuffer zout = { f->zbuf, f->zcap, 0 };
		size_t left = ZSTD_compressStream2(f->cctx, &zout, &in, mode);

		if (ZSTD_isError(left) ||
		    (zout.pos && fwrite(f->zbuf, 1, zout.pos, f->out.fp) != zout.pos)) {
			f->failed = 1;
			break;
		}
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			break;
	}
	f->used = 0;
}

void runfile_put(struct runfile *f, const char *line, size_t n)
{
	if (f->failed)
		return;
	if (f->used + n + 1 > f->cap) {
		compress(f, ZSTD_e_continue);
		if (n + 1 > f->cap) {
			f->cap = n + 1;
			f->text = xrealloc(f->text, f->cap);
		}
	}
	memcpy(f->text + f->used, line, n);
	f->text[f->used + n] = '\n';
	f->used += n + 1;
}

int runfile_rewind(struct runfile *f)
{
	compress(f, ZSTD_e_end);
	/* a compressed run is read through a decompressor, a plain one as is */
	if (f->cctx)
		f->dctx = ZSTD_createDCtx();
	ZSTD_freeCCtx(f->cctx);
	f->cctx = NULL;
	/* One descriptor per run: a merge may hold hundreds of them. */
	if (f->failed | (fclose(f->out.fp) != 0)) {
		f->out.fp = NULL;
		return err_set("cannot write sort run '%s': %s", f->out.tmp,
			       strerror(errno));
	}
	f->out.fp = NULL;
	f->in = fopen(f->out.tmp, "rb");
	if (!f->in)
		return err_set("cannot reopen sort run '%s': %s", f->out.tmp,
			       strerror(errno));
	free(f->zbuf);
	free(f->text);
	f->zcap = f->cap = READ_CAP;
	f->zbuf = xmalloc(f->zcap);
	f->text = xmalloc(f->cap);
	f->zin = (ZSTD_inBuffer){ f->zbuf, 0, 0 };
	f->used = f->start = 0;
	return 0;
}

/* Decompress up to cap bytes of the run into dst: the readahead
 * thread's producer.  Returns the count, 0 at the end, -1 with why set. */
static ssize_t inflate_run(void *ctx, char *dst, size_t cap, char *why, size_t whylen)
{
	struct runfile *f = ctx;
	ZSTD_outBuffer out = { dst, cap, 0 };

	if (!f->dctx) {
		size_t got = fread(dst, 1, cap, f->in);

		if (got == 0 && ferror(f->in)) {
			snprintf(why, whylen, "cannot read sort run '%s'", f->out.tmp);
			return -1;
		}
		return (ssize_t)got;
	}
	while (out.pos < cap) {
		size_t before = out.pos, ret;

		if (f->zin.pos == f->zin.size && !f->eof) {
			f->zin.size = fread(f->zbuf, 1, f->zcap, f->in);
			f->zin.pos = 0;
			if (f->zin.size == 0) {
				f->eof = 1;
				if (ferror(f->in)) {
					snprintf(why, whylen, "cannot read sort run '%s'",
						 f->out.tmp);
					return -1;
				}
			}
		}
		ret = ZSTD_decompressStream(f->dctx, &out, &f->zin);
		if (ZSTD_isError(ret)) {
			snprintf(why, whylen, "sort run '%s': %s", f->out.tmp,
				 ZSTD_getErrorName(ret));
			return -1;
		}
		/* at the end, zstd may still hold output of the last block */
		if (f->eof && f->zin.pos == f->zin.size && out.pos == before)
			break;
	}
	return (ssize_t)out.pos;
}

/* Decompress more text after the unread part of the window, on a
 * readahead thread where one can start.  Returns 1 if text was added, 0
 * at the end, -1 on error. */
static int refill(struct runfile *f)
{
	char why[512];
	const char *reason = why;
	ssize_t got;

	memmove(f->text, f->text + f->start, f->used - f->start);
	f->used -= f->start;
	f->start = 0;
	if (f->used == f->cap) {
		f->cap *= 2;
		f->text = xrealloc(f->text, f->cap);
	}
	/* a plain run is only copied out of the page cache: a thread for
	 * that would cost more in handoffs than it saves */
	if (!f->ra_tried && f->dctx)
		f->ra = ra_start(inflate_run, f, RUN_BLOCK, 3);
	f->ra_tried = 1;
	if (f->ra)
		got = ra_read(f->ra, f->text + f->used, f->cap - f->used, &reason);
	else
		got = inflate_run(f, f->text + f->used, f->cap - f->used, why, sizeof(why));
	if (got < 0)
		return err_set("%s", reason);
	f->used += (size_t)got;
	return got > 0;
}

int runfile_next(struct runfile *f, char **line, size_t *n)
{
	size_t scanned = 0;

	for (;;) {
		char *p = f->text + f->start;
		char *nl = memchr(p + scanned, '\n', f->used - f->start - scanned);
		int got;

		if (nl) {
			*nl = '\0';
			*line = p;
			*n = (size_t)(nl - p);
			f->start += *n + 1;
			return 1;
		}
		scanned = f->used - f->start;
		got = refill(f);
		if (got < 0)
			return -1;
		if (got == 0) {
			if (f->used != f->start)
				return err_set("sort run '%s' is truncated",
					       f->out.tmp);
			return 0;
		}
	}
}

void runfile_free(struct runfile *f)
{
	if (!f)
		return;
	ra_stop(f->ra);
	if (f->in)
		fclose(f->in);
	afile_abort(&f->out);
	ZSTD_freeCCtx(f->cctx);
	ZSTD_freeDCtx(f->dctx);
	free(f->text);
	free(f->zbuf);
	free(f);
}
