/*
 * roster.h: the provider roster (normalize's providers.rec.zst) in memory,
 * looked up by NPI: cco-attribute's primary-care providers, cco-measure's
 * provider taxonomies, cco-export's PCP names on the clinic worklists.
 */
#ifndef CCO_ROSTER_H
#define CCO_ROSTER_H

#include <stddef.h>

struct valueset;

struct provider {
	char *npi;
	char *name;        /* as the roster writes it; may be empty */
	char *taxonomy;
	char *clinic_id;
	char *partner_id;
	int primary_care;  /* taxonomy in the PCP taxonomy value set */
};

struct roster {
	struct provider *v; /* sorted by npi */
	size_t n;
	size_t *slot;       /* hash index on npi: 1 + index into v, 0 empty */
	size_t nslot;       /* a power of two, at least twice n */
};

/* Load providers.rec.zst (normalize output, one row per npi, sorted),
 * checked against the manifest beside it (manifest_expect()).
 * pcp_taxonomy may be NULL (then no provider is primary care).  Returns 0,
 * or -1 with err_msg() set and r empty.  Free with roster_release(). */
int roster_load(struct roster *r, const char *path, const struct valueset *pcp_taxonomy);

/* The provider with this npi, or NULL.  One hash probe: measure looks up
 * two NPIs on every claim line. */
const struct provider *roster_find(const struct roster *r, const char *npi);

void roster_release(struct roster *r);

#endif
