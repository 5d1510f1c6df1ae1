/*
 * roster.c: the provider roster, held in memory: its size is the number of
 * providers, not of members.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "err.h"
#include "manifest.h"
#include "rec.h"
#include "roster.h"
#include "valueset.h"
#include "xalloc.h"

static size_t npi_hash(const char *npi)
{
	return (size_t)XXH3_64bits(npi, strlen(npi));
}

/* Build the hash index over r->v. */
static void index_npis(struct roster *r)
{
	r->nslot = 16;
	while (r->nslot < 2 * r->n)
		r->nslot *= 2;
	r->slot = xcalloc(r->nslot, sizeof(*r->slot));
	for (size_t i = 0; i < r->n; i++) {
		size_t h = npi_hash(r->v[i].npi) & (r->nslot - 1);

		while (r->slot[h])
			h = (h + 1) & (r->nslot - 1);
		r->slot[h] = i + 1;
	}
}

int roster_load(struct roster *r, const char *path, const struct valueset *pcp_taxonomy)
{
	const struct rec_schema *s = rec_schema_find("providers");
	struct rec_reader *rd = rec_reader_open(path);
	struct rec_row row;
	size_t alloc = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!rd)
		return -1;
	if (rec_reader_expect(rd, s) < 0 || manifest_expect(rd) < 0) {
		rec_reader_close(rd);
		return -1;
	}
	while ((rc = rec_reader_next(rd, &row)) > 0) {
		char **f = row.field;
		struct provider *p;

		if (r->n && strcmp(f[PROVIDERS_npi], r->v[r->n - 1].npi) <= 0) {
			rc = err_set("%s:%ld: not sorted by npi", path, rec_reader_line(rd));
			break;
		}
		xgrow(&r->v, &alloc, r->n + 1, sizeof(*r->v));
		p = &r->v[r->n++];
		p->npi = xstrdup(f[PROVIDERS_npi]);
		p->name = xstrdup(f[PROVIDERS_name]);
		p->clinic_id = xstrdup(f[PROVIDERS_clinic_id]);
		p->partner_id = xstrdup(f[PROVIDERS_partner_id]);
		p->taxonomy = xstrdup(f[PROVIDERS_taxonomy]);
		p->primary_care = pcp_taxonomy &&
				  vs_contains(pcp_taxonomy, "TAXONOMY", f[PROVIDERS_taxonomy]);
	}
	rec_reader_close(rd);
	if (rc < 0)
		roster_release(r);
	else
		index_npis(r);
	return rc;
}

const struct provider *roster_find(const struct roster *r, const char *npi)
{
	if (!r->nslot || !*npi)
		return NULL;
	for (size_t h = npi_hash(npi) & (r->nslot - 1); r->slot[h]; h = (h + 1) & (r->nslot - 1))
		if (strcmp(r->v[r->slot[h] - 1].npi, npi) == 0)
			return &r->v[r->slot[h] - 1];
	return NULL;
}

void roster_release(struct roster *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].npi);
		free(r->v[i].name);
		free(r->v[i].clinic_id);
		free(r->v[i].partner_id);
		free(r->v[i].taxonomy);
	}
	free(r->v);
	free(r->slot);
	memset(r, 0, sizeof(*r));
}

