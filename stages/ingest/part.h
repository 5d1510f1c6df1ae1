/*
 * part.h: a run of an extract file's records, validated and written into
 * writers of its own, with its own counts: the whole file, or one of the
 * two parts a large file is read in, each on a thread (see load.c).  The
 * second part's writers are continuations, appended to the first's.
 */
#ifndef INGEST_PART_H
#define INGEST_PART_H

#include <stdatomic.h>

#include "csvin.h"
#include "layout.h"
#include "memberset.h"
#include "rec.h"
#include "rundb.h"
#include "validate.h"

struct part {
	/* set by the caller, shared read-only by the parts of a file */
	const struct layout *l;
	const char *name;             /* the file's base name, for rejects */
	const char *seq;              /* its extract number, as text */
	struct memberset *pending;    /* members of the file are added here
					 (a members layout is never cut) */
	atomic_int *tell_passed;      /* set when r reads past its stop */
	atomic_int *give_up;          /* once set, stop early */
	int inline_zstd;              /* compress on this thread: one of two
					 parts keeps a core busy by itself */
	/* the part's own */
	struct csvin *r;
	struct rec_writer *out[LAYOUT_MAX_OUTPUTS];
	struct rec_writer *rejects;
	int source_col[LAYOUT_MAX_OUTPUTS], extract_col[LAYOUT_MAX_OUTPUTS];
	int member_col[LAYOUT_MAX_OUTPUTS]; /* members outputs: member_id */
	struct validator v;
	char *clean;                  /* raw row without TAB/CR/LF */
	size_t clean_cap;
	struct load_record *n;        /* counts (only those fields) */
	struct rec_sum sum[LAYOUT_MAX_OUTPUTS + 1]; /* of each output, then
					 of the rejects, once committed */
};

/* Open the part's writers: DIR/SEQ-KIND.rec.zst for each output kind and
 * the rejects, at zstd level, member-level; continuations (rows only, the
 * temp files named with suffix, e.g. ".2") when suffix is not NULL.
 * p->inline_zstd chooses where they compress.  Returns 0, or -1 with
 * err_msg() set; part_abort() ends them either way. */
int part_open(struct part *p, const char *dir, long seq, int level,
	      const char *suffix);

/* Compress on this thread (on != 0), or on a zstd worker per writer. */
void part_inline(struct part *p, int on);

/* Validate and write every record left in p->r, counting.  Rejects carry
 * line numbers in the whole file (see csvin_lines_before()).  Once r reads
 * past its stop, *tell_passed is set and the writers compress on workers.
 * Returns 0 at the end of input (or of the part, or early when *give_up
 * was set), -1 on a read error with err_msg() set. */
int part_stream(struct part *p);

/* Append the rows of tail (a part of continuations, the records after
 * p's) to p's writers and its counts to p's; tail's writers are freed.
 * Returns 0, or -1 with err_msg() set. */
int part_append(struct part *p, struct part *tail);

/* Close every writer; on the first failure abort the rest.  Leaves the
 * files' sums in p->sum.  0 or -1. */
int part_commit(struct part *p);

/* Discard the writers still open. */
void part_abort(struct part *p);

/* A file that failed the reject threshold: abort its record outputs but
 * commit its rejects file, which says why.  Returns 0 or -1. */
int part_keep_rejects(struct part *p);

/* Free the part's own memory (not its reader or writers). */
void part_release(struct part *p);

#endif
