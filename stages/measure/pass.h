/*
 * pass.h: every member of a reader, in member order, to one function,
 * reading on a thread of its own while the caller's thread evaluates.
 */
#ifndef CCO_PASS_H
#define CCO_PASS_H

#include "member.h"
#include "names.h"

/* What the pass does with a member, on the thread that called
 * member_pass_run(); m is the pass's until fn returns. */
typedef void member_fn(struct mmember *m, void *arg);

struct member_pass {
	/* borrowed */
	struct member_reader *reader;
	/* owned */
	struct names partners;    /* the reader's partner ids, copied for fn's
				     thread: every index of every member given
				     to fn so far is in it, at the same index */
	int nslots, words;        /* of each mmember (mmember_init()) */
	int threads;              /* 1: read and evaluate on one thread */
	int batch;                /* members handed between the threads at once */
};

/* Set p up to read members of nslots value-set slots and words of bits
 * from r, on threads (1, or 2 and more for the reader thread) in batches
 * of batch members.  r is borrowed and must outlive p; nothing can fail. */
void member_pass_init(struct member_pass *p, struct member_reader *r, int nslots, int words,
		      int threads, int batch);

/* Read every member of the reader and give each to fn, in member order,
 * on the calling thread; with p->threads >= 2 a reader thread fills the
 * next batch meanwhile, and touches the reader (its partners, counters,
 * code index) alone until this returns.  Returns 0, or -1 with err_msg()
 * set (the reader's error) once the members read before it were given. */
int member_pass_run(struct member_pass *p, member_fn *fn, void *arg);

/* Free what p owns; safe on a zeroed member_pass. */
void member_pass_release(struct member_pass *p);

#endif
