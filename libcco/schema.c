/*
 * schema.c: every record kind the stages exchange, registered by name with
 * its columns from schemas.h.  Adding a column means bumping the kind's
 * version here, so a stage never misreads an older or newer file:
 * rec_reader_expect() refuses a mismatch by name.
 */
#include <string.h>

#include "rec.h"

#define REC_COL_NAME_(K, name) #name,
#define SCHEMA(name, NAME, ver)                                              \
	static const char *const name##_cols[] = {                           \
		NAME##_COLS(REC_COL_NAME_, _) NULL                           \
	};                                                                   \
	static const struct rec_schema name = { #name, ver, name##_cols }

SCHEMA(members, MEMBERS, 2);
SCHEMA(enrollment, ENROLLMENT, 1);
SCHEMA(providers, PROVIDERS, 1);
SCHEMA(pcp_assignments, PCP_ASSIGNMENTS, 1);
SCHEMA(medical_claims, MEDICAL_CLAIMS, 1);
SCHEMA(pharmacy_claims, PHARMACY_CLAIMS, 1);
SCHEMA(immunizations, IMMUNIZATIONS, 1);
SCHEMA(lab_results, LAB_RESULTS, 1);
SCHEMA(claims, CLAIMS, 1);
SCHEMA(pharmacy, PHARMACY, 1);
SCHEMA(enrollment_spans, ENROLLMENT_SPANS, 1);
SCHEMA(member_months, MEMBER_MONTHS, 1);
SCHEMA(stays, STAYS, 1);
SCHEMA(ed_visits, ED_VISITS, 1);
SCHEMA(partner_months, PARTNER_MONTHS, 1);
SCHEMA(attribution, ATTRIBUTION, 1);
SCHEMA(attribution_audit, ATTRIBUTION_AUDIT, 1);
SCHEMA(measure_results, MEASURE_RESULTS, 1);
SCHEMA(measure_aggregates, MEASURE_AGGREGATES, 1);
SCHEMA(care_flags, CARE_FLAGS, 1);
SCHEMA(partners, PARTNERS, 1);
SCHEMA(rejects, REJECTS, 1);
SCHEMA(custody, CUSTODY, 1);

static const struct rec_schema *const all_schemas[] = {
	&attribution, &attribution_audit, &care_flags, &claims, &custody, &ed_visits,
	&enrollment, &enrollment_spans, &immunizations, &lab_results, &medical_claims,
	&measure_aggregates, &measure_results, &member_months, &members,
	&partner_months, &partners, &pcp_assignments, &pharmacy,
	&pharmacy_claims, &providers, &rejects, &stays, NULL
};

const struct rec_schema *const *rec_schema_all(void)
{
	return all_schemas;
}

const struct rec_schema *rec_schema_find(const char *kind)
{
	for (int i = 0; all_schemas[i]; i++)
		if (strcmp(all_schemas[i]->kind, kind) == 0)
			return all_schemas[i];
	return NULL;
}

int rec_schema_ncols(const struct rec_schema *s)
{
	int n = 0;

	while (s->cols[n])
		n++;
	return n;
}

int rec_schema_col(const struct rec_schema *s, const char *name)
{
	for (int i = 0; s->cols[i]; i++)
		if (strcmp(s->cols[i], name) == 0)
			return i;
	return -1;
}
