/*
 * view.h: a member as one partner sees it, for measures whose rule is
 * partner_rule = each: only that partner's enrollment spans, and only the
 * services on days the member was enrolled with it, which are the services
 * that partner paid for.
 */
#ifndef CCO_VIEW_H
#define CCO_VIEW_H

#include <stddef.h>

#include "member.h"

struct member_view {
	struct mmember m;         /* shallow: spans and hits are the buffers below */
	struct enr_span *spans;
	size_t spans_alloc;
	struct mx_hits *hits;     /* by value-set slot */
	int nslots;
	struct mx_hit *buf;       /* every slot's kept hits */
	size_t buf_alloc;
	int *partners;            /* view_partners()'s result */
	size_t partners_alloc;
};

/* The partners of m's spans that overlap [from, to], ordered by id, in
 * v->partners.  Returns how many. */
int view_partners(struct member_view *v, const struct mmember *m, const struct names *ids,
		  int from, int to);

/* Make v->m the member m as partner p sees it.  v->m is valid until the
 * next call or view_release(); m must outlive it. */
void view_of_partner(struct member_view *v, const struct mmember *m, int p);

void view_release(struct member_view *v);

#endif
