#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "xalloc.h"

int view_partners(struct member_view *v, const struct mmember *m, const struct names *ids,
		  int from, int to)
{
	int n = 0;

	for (int i = 0; i < m->nspans; i++) {
		const struct enr_span *s = &m->spans[i];
		int at = 0;

		if (s->end < from || s->start > to)
			continue;
		/* insertion by id: a member has a handful of spans */
		while (at < n && v->partners[at] != s->partner &&
		       strcmp(ids->v[v->partners[at]], ids->v[s->partner]) < 0)
			at++;
		if (at < n && v->partners[at] == s->partner)
			continue;
		xgrow(&v->partners, &v->partners_alloc, (size_t)n + 1, sizeof(int));
		memmove(&v->partners[at + 1], &v->partners[at], sizeof(int) * (size_t)(n - at));
		v->partners[at] = s->partner;
		n++;
	}
	return n;
}

void view_of_partner(struct member_view *v, const struct mmember *m, int p)
{
	size_t total = 0, kept = 0;

	v->m = *m;
	v->m.nspans = 0;
	for (int i = 0; i < m->nspans; i++) {
		if (m->spans[i].partner != p)
			continue;
		xgrow(&v->spans, &v->spans_alloc, (size_t)v->m.nspans + 1, sizeof(*v->spans));
		v->spans[v->m.nspans++] = m->spans[i];
	}
	v->m.spans = v->spans;
	if (v->nslots < m->nslots) {
		v->hits = xrealloc(v->hits, sizeof(*v->hits) * (size_t)m->nslots);
		v->nslots = m->nslots;
	}
	for (int i = 0; i < m->nslots; i++)
		total += (size_t)m->hits[i].n;
	xgrow(&v->buf, &v->buf_alloc, total + 1, sizeof(*v->buf));
	/* the hits stay in date order: a subsequence of a sorted list */
	for (int i = 0; i < m->nslots; i++) {
		size_t first = kept;

		for (int j = 0; j < m->hits[i].n; j++)
			if (enr_on_date(v->spans, v->m.nspans, m->hits[i].v[j].date))
				v->buf[kept++] = m->hits[i].v[j];
		v->hits[i] = (struct mx_hits){ v->buf + first, (int)(kept - first) };
	}
	v->m.hits = v->hits;
}

void view_release(struct member_view *v)
{
	free(v->spans);
	free(v->hits);
	free(v->buf);
	free(v->partners);
	memset(v, 0, sizeof(*v));
}
