/*
 * schema.c: every record kind the stages exchange.  Adding a column means
 * bumping the kind's version, so a stage never misreads an older or newer
 * file: rec_reader_expect() refuses a mismatch by name.
 */
#include <string.h>

#include "rec.h"

#define SCHEMA(name, ver, ...)                                               \
	static const char *const name##_cols[] = { __VA_ARGS__, NULL };      \
	static const struct rec_schema name = { #name, ver, name##_cols }

/* ingest outputs: one per extract kind, canonical fields, provenance first */
SCHEMA(members, 1, "source", "member_id", "birth_date", "sex", "race",
       "ethnicity", "language", "zip", "death_date");
SCHEMA(enrollment, 1, "source", "member_id", "partner_id", "start_date",
       "end_date", "benefit");
SCHEMA(providers, 1, "source", "npi", "name", "taxonomy", "clinic_id",
       "partner_id", "pcp_flag");
SCHEMA(pcp_assignments, 1, "source", "member_id", "pcp_npi", "clinic_id",
       "start_date", "end_date");
SCHEMA(medical_claims, 1, "source", "extract", "member_id", "claim_id",
       "line_no", "freq_code", "orig_claim_id", "status", "adjudicated_date",
       "claim_type", "svc_from", "svc_to", "admit_date", "discharge_date",
       "discharge_status", "bill_type", "pos", "revenue_code",
       "procedure_code", "modifiers", "dx_codes", "icd_procs", "billing_npi",
       "rendering_npi", "allowed_amount", "paid_amount");
SCHEMA(pharmacy_claims, 1, "source", "extract", "member_id", "claim_id",
       "freq_code", "orig_claim_id", "status", "adjudicated_date", "fill_date", "ndc",
       "days_supply", "quantity", "prescriber_npi");
SCHEMA(immunizations, 1, "source", "extract", "member_id", "imm_date", "cvx");
SCHEMA(lab_results, 1, "source", "extract", "member_id", "result_date",
       "loinc", "value", "unit");
/* normalize outputs (members, providers, pcp_assignments, immunizations
 * and lab_results keep their ingest schemas) */
SCHEMA(claims, 1, "member_id", "svc_date", "source", "claim_id", "line_no",
       "extract", "freq_code", "orig_claim_id", "status", "denied",
       "adjudicated_date", "claim_type", "category", "svc_from", "svc_to",
       "admit_date", "discharge_date", "discharge_status", "bill_type", "pos",
       "revenue_code", "procedure_code", "modifiers", "dx_codes", "icd_procs",
       "billing_npi", "rendering_npi", "allowed_amount", "paid_amount");
SCHEMA(pharmacy, 1, "member_id", "fill_date", "source", "claim_id", "extract",
       "freq_code", "orig_claim_id", "status", "denied", "ndc", "days_supply",
       "quantity", "prescriber_npi");
SCHEMA(enrollment_spans, 1, "member_id", "start_date", "end_date",
       "partner_id", "benefit");
SCHEMA(member_months, 1, "member_id", "month", "partner_id", "days");
SCHEMA(stays, 1, "member_id", "admit_date", "discharge_date", "stay_id",
       "discharge_status", "principal_dx", "claims", "transfers");
SCHEMA(ed_visits, 1, "member_id", "ed_date", "admitted", "denied",
       "principal_dx", "claims");
/* attribute outputs */
SCHEMA(partner_months, 1, "member_id", "month", "partner_id", "rule", "reason");
SCHEMA(attribution, 1, "member_id", "partner_id", "pcp_npi", "clinic_id",
       "clinic_partner_id", "rule", "visits", "last_visit");
SCHEMA(attribution_audit, 1, "member_id", "rank", "npi", "clinic_id", "visits",
       "allowed", "last_visit", "chosen");
/* measure outputs */
SCHEMA(measure_results, 1, "member_id", "measure_id", "submeasure", "stratum",
       "partner_id", "clinic_id", "excluded", "exclusion", "numerator",
       "missing", "evidence", "evidence_date", "deadline", "episode");
SCHEMA(measure_aggregates, 1, "measure_id", "submeasure", "stratum",
       "partner_id", "clinic_id", "denominator", "exclusions", "numerator");
SCHEMA(partners, 1, "source", "partner_id", "partner_name");
SCHEMA(rejects, 1, "src_file", "src_line", "kind", "field", "reason",
       "message", "raw");

static const struct rec_schema *const all_schemas[] = {
	&attribution, &attribution_audit, &claims, &ed_visits, &enrollment,
	&enrollment_spans, &immunizations, &lab_results, &medical_claims,
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
