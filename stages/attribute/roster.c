/*
 * roster.c: the provider roster, held in memory: its size is the number of
 * providers, not of members.
 */
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "err.h"
#include "valueset.h"
#include "xalloc.h"

int roster_load(struct roster *r, const char *path, const struct valueset *pcp_taxonomy)
{
	const struct rec_schema *s = rec_schema_find("providers");
	struct rec_reader *rd = rec_reader_open(path);
	struct rec_row row;
	size_t alloc = 0;
	int npi, tax, clinic, partner, rc;

	memset(r, 0, sizeof(*r));
	if (!rd)
		return -1;
	if (rec_reader_expect(rd, s) < 0) {
		rec_reader_close(rd);
		return -1;
	}
	npi = rec_schema_col(s, "npi");
	tax = rec_schema_col(s, "taxonomy");
	clinic = rec_schema_col(s, "clinic_id");
	partner = rec_schema_col(s, "partner_id");
	while ((rc = rec_reader_next(rd, &row)) > 0) {
		struct provider *p;

		if (r->n && strcmp(row.field[npi], r->v[r->n - 1].npi) <= 0) {
			rc = err_set("%s:%ld: not sorted by npi", path, rec_reader_line(rd));
			break;
		}
		xgrow(&r->v, &alloc, r->n + 1, sizeof(*r->v));
		p = &r->v[r->n++];
		p->npi = xstrdup(row.field[npi]);
		p->clinic_id = xstrdup(row.field[clinic]);
		p->partner_id = xstrdup(row.field[partner]);
		p->primary_care = vs_contains(pcp_taxonomy, "TAXONOMY", row.field[tax]);
	}
	rec_reader_close(rd);
	if (rc < 0)
		roster_release(r);
	return rc;
}

static int by_npi(const void *key, const void *elem)
{
	return strcmp(key, ((const struct provider *)elem)->npi);
}

const struct provider *roster_find(const struct roster *r, const char *npi)
{
	return r->n ? bsearch(npi, r->v, r->n, sizeof(*r->v), by_npi) : NULL;
}

void roster_release(struct roster *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].npi);
		free(r->v[i].clinic_id);
		free(r->v[i].partner_id);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

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
