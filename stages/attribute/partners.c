/*
 * partners.c: the member being attributed.
 */
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "xalloc.h"

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
