/*
 * schemas.h: the columns of every record kind the stages exchange, written
 * once.  Each KIND_COLS(C, K) list yields both the column names (schema.c,
 * which registers the kinds) and an enum of positions, KIND_name, that every
 * writer and every fixed-layout reader uses:
 *
 *   enum { STAYS_member_id, STAYS_admit_date, ..., STAYS_NCOLS };
 *   rec_put_str(w, STAYS_member_id, id);
 *
 * A writer names the column of each field it puts, and rec_put() refuses a
 * field put where another column belongs, so two columns cannot be swapped
 * by a writer; a reader checks the file's header against the names
 * (rec_reader_expect()), so they cannot be swapped in a file either.
 * Adding a column means bumping the kind's version in schema.c.
 */
#ifndef CCO_SCHEMAS_H
#define CCO_SCHEMAS_H

/* ingest outputs: one per extract kind, canonical fields, provenance first */
#define MEMBERS_COLS(C, K) C(K, source) C(K, member_id) C(K, birth_date)      \
	C(K, sex) C(K, race) C(K, ethnicity) C(K, language) C(K, zip)          \
	C(K, death_date) C(K, first_name) C(K, last_name) C(K, phone)          \
	C(K, address) C(K, city) C(K, state) C(K, interpreter)
#define ENROLLMENT_COLS(C, K) C(K, source) C(K, member_id) C(K, partner_id)   \
	C(K, start_date) C(K, end_date) C(K, benefit)
#define PROVIDERS_COLS(C, K) C(K, source) C(K, npi) C(K, name) C(K, taxonomy) \
	C(K, clinic_id) C(K, partner_id) C(K, pcp_flag)
#define PCP_ASSIGNMENTS_COLS(C, K) C(K, source) C(K, member_id) C(K, pcp_npi) \
	C(K, clinic_id) C(K, start_date) C(K, end_date)
#define MEDICAL_CLAIMS_COLS(C, K) C(K, source) C(K, extract) C(K, member_id)  \
	C(K, claim_id) C(K, line_no) C(K, freq_code) C(K, orig_claim_id)       \
	C(K, status) C(K, adjudicated_date) C(K, claim_type) C(K, svc_from)    \
	C(K, svc_to) C(K, admit_date) C(K, discharge_date)                     \
	C(K, discharge_status) C(K, bill_type) C(K, pos) C(K, revenue_code)    \
	C(K, procedure_code) C(K, modifiers) C(K, dx_codes) C(K, icd_procs)    \
	C(K, billing_npi) C(K, rendering_npi) C(K, allowed_amount)             \
	C(K, paid_amount)
#define PHARMACY_CLAIMS_COLS(C, K) C(K, source) C(K, extract) C(K, member_id) \
	C(K, claim_id) C(K, freq_code) C(K, orig_claim_id) C(K, status)        \
	C(K, adjudicated_date) C(K, fill_date) C(K, ndc) C(K, days_supply)     \
	C(K, quantity) C(K, prescriber_npi)
#define IMMUNIZATIONS_COLS(C, K) C(K, source) C(K, extract) C(K, member_id)   \
	C(K, imm_date) C(K, cvx)
#define LAB_RESULTS_COLS(C, K) C(K, source) C(K, extract) C(K, member_id)     \
	C(K, result_date) C(K, loinc) C(K, value) C(K, unit)
#define PARTNERS_COLS(C, K) C(K, source) C(K, partner_id) C(K, partner_name)
#define REJECTS_COLS(C, K) C(K, src_file) C(K, src_line) C(K, kind)           \
	C(K, field) C(K, reason) C(K, message) C(K, raw)
/* the ODHS custody roster: a child's custody episodes (end: empty while
 * in custody); normalize keeps this schema */
#define CUSTODY_COLS(C, K) C(K, source) C(K, member_id) C(K, start_date)      \
	C(K, end_date)

/* normalize outputs (members, providers, pcp_assignments, immunizations
 * and lab_results keep their ingest schemas) */
#define CLAIMS_COLS(C, K) C(K, member_id) C(K, svc_date) C(K, source)         \
	C(K, claim_id) C(K, line_no) C(K, extract) C(K, freq_code)             \
	C(K, orig_claim_id) C(K, status) C(K, denied) C(K, adjudicated_date)   \
	C(K, claim_type) C(K, category) C(K, svc_from) C(K, svc_to)            \
	C(K, admit_date) C(K, discharge_date) C(K, discharge_status)           \
	C(K, bill_type) C(K, pos) C(K, revenue_code) C(K, procedure_code)      \
	C(K, modifiers) C(K, dx_codes) C(K, icd_procs) C(K, billing_npi)       \
	C(K, rendering_npi) C(K, allowed_amount) C(K, paid_amount)
#define PHARMACY_COLS(C, K) C(K, member_id) C(K, fill_date) C(K, source)      \
	C(K, claim_id) C(K, extract) C(K, freq_code) C(K, orig_claim_id)       \
	C(K, status) C(K, denied) C(K, ndc) C(K, days_supply) C(K, quantity)   \
	C(K, prescriber_npi)
#define ENROLLMENT_SPANS_COLS(C, K) C(K, member_id) C(K, start_date)          \
	C(K, end_date) C(K, partner_id) C(K, benefit)
#define MEMBER_MONTHS_COLS(C, K) C(K, member_id) C(K, month) C(K, partner_id) \
	C(K, days)
#define STAYS_COLS(C, K) C(K, member_id) C(K, admit_date)                     \
	C(K, discharge_date) C(K, stay_id) C(K, discharge_status)              \
	C(K, principal_dx) C(K, claims) C(K, transfers)
#define ED_VISITS_COLS(C, K) C(K, member_id) C(K, ed_date) C(K, admitted)     \
	C(K, denied) C(K, principal_dx) C(K, claims)

/* attribute outputs */
#define PARTNER_MONTHS_COLS(C, K) C(K, member_id) C(K, month)                 \
	C(K, partner_id) C(K, rule) C(K, reason)
#define ATTRIBUTION_COLS(C, K) C(K, member_id) C(K, partner_id) C(K, pcp_npi) \
	C(K, clinic_id) C(K, clinic_partner_id) C(K, rule) C(K, visits)        \
	C(K, last_visit)
#define ATTRIBUTION_AUDIT_COLS(C, K) C(K, member_id) C(K, rank) C(K, npi)     \
	C(K, clinic_id) C(K, visits) C(K, allowed) C(K, last_visit)            \
	C(K, chosen)

/* measure outputs */
#define MEASURE_RESULTS_COLS(C, K) C(K, member_id) C(K, measure_id)           \
	C(K, submeasure) C(K, stratum) C(K, partner_id) C(K, clinic_id)        \
	C(K, excluded) C(K, exclusion) C(K, numerator) C(K, missing)           \
	C(K, evidence) C(K, evidence_date) C(K, deadline) C(K, episode)
#define CARE_FLAGS_COLS(C, K) C(K, member_id) C(K, criterion) C(K, count)  \
	C(K, detail)
#define MEASURE_AGGREGATES_COLS(C, K) C(K, measure_id) C(K, submeasure)       \
	C(K, stratum) C(K, partner_id) C(K, clinic_id) C(K, denominator)       \
	C(K, exclusions) C(K, numerator)

/* The position enum of kind K: K_name for each column, then K_NCOLS. */
#define REC_COL_ENUM_(K, name) K##_##name,
#define REC_COLS_ENUM(K) enum { K##_COLS(REC_COL_ENUM_, K) K##_NCOLS }

REC_COLS_ENUM(MEMBERS);
REC_COLS_ENUM(ENROLLMENT);
REC_COLS_ENUM(PROVIDERS);
REC_COLS_ENUM(PCP_ASSIGNMENTS);
REC_COLS_ENUM(MEDICAL_CLAIMS);
REC_COLS_ENUM(PHARMACY_CLAIMS);
REC_COLS_ENUM(IMMUNIZATIONS);
REC_COLS_ENUM(LAB_RESULTS);
REC_COLS_ENUM(PARTNERS);
REC_COLS_ENUM(REJECTS);
REC_COLS_ENUM(CLAIMS);
REC_COLS_ENUM(PHARMACY);
REC_COLS_ENUM(ENROLLMENT_SPANS);
REC_COLS_ENUM(MEMBER_MONTHS);
REC_COLS_ENUM(STAYS);
REC_COLS_ENUM(ED_VISITS);
REC_COLS_ENUM(PARTNER_MONTHS);
REC_COLS_ENUM(ATTRIBUTION);
REC_COLS_ENUM(ATTRIBUTION_AUDIT);
REC_COLS_ENUM(MEASURE_RESULTS);
REC_COLS_ENUM(MEASURE_AGGREGATES);
REC_COLS_ENUM(CARE_FLAGS);
REC_COLS_ENUM(CUSTODY);

#endif
