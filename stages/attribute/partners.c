/*
 * partners.c: interned partner ids, and the member being attributed.
 */
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "xalloc.h"

int partners_intern(struct partners *p, const char *id)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->id[i], id) == 0)
			return i;
	p->id = xrealloc(p->id, sizeof(char *) * (size_t)(p->n + 1));
	p->id[p->n] = xstrdup(id);
	return p->n++;
}

void partners_release(struct partners *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->id[i]);
	free(p->id);
	memset(p, 0, sizeof(*p));
}

void member_reset(struct member *m, const char *id)
{
	for (int i = 0; i < m->nasg; i++) {
		free(m->asg[i].pcp_npi);
		free(m->asg[i].clinic_id);
	}
	free(m->id);
	m->id = xstrdup(id);
	m->nspans = m->nasg = m->nsvc = 0;
}

void member_release(struct member *m)
{
	member_reset(m, "");
	free(m->id);
	free(m->spans);
	free(m->asg);
	free(m->svc);
	memset(m, 0, sizeof(*m));
}
