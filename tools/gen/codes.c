/*
 * codes.c: which value sets the generator draws each kind of service from.
 * The names here are the contract between cco-gen and config/valuesets.
 */
#include <stddef.h>
#include <stdlib.h>

#include "err.h"
#include "gen.h"

struct code_source {
	size_t offset;       /* of the struct pick in struct codes */
	const char *set, *system;
};

#define AT(field) offsetof(struct codes, field)

static const struct code_source sources[] = {
	{ AT(vax_cpt[AG_DTAP]), "dtap_vaccine", "CPT" },
	{ AT(vax_cvx[AG_DTAP]), "dtap_vaccine", "CVX" },
	{ AT(vax_cpt[AG_IPV]), "ipv_vaccine", "CPT" },
	{ AT(vax_cvx[AG_IPV]), "ipv_vaccine", "CVX" },
	{ AT(vax_cpt[AG_MMR]), "mmr_vaccine", "CPT" },
	{ AT(vax_cvx[AG_MMR]), "mmr_vaccine", "CVX" },
	{ AT(vax_cpt[AG_HIB]), "hib_vaccine", "CPT" },
	{ AT(vax_cvx[AG_HIB]), "hib_vaccine", "CVX" },
	{ AT(vax_cpt[AG_HEPB]), "hepb_vaccine", "CPT" },
	{ AT(vax_cvx[AG_HEPB]), "hepb_vaccine", "CVX" },
	{ AT(vax_cpt[AG_VZV]), "vzv_vaccine", "CPT" },
	{ AT(vax_cvx[AG_VZV]), "vzv_vaccine", "CVX" },
	{ AT(vax_cpt[AG_PCV]), "pcv_vaccine", "CPT" },
	{ AT(vax_cvx[AG_PCV]), "pcv_vaccine", "CVX" },
	{ AT(vax_cpt[AG_MEN]), "meningococcal_vaccine", "CPT" },
	{ AT(vax_cvx[AG_MEN]), "meningococcal_vaccine", "CVX" },
	{ AT(vax_cpt[AG_TDAP]), "tdap_vaccine", "CPT" },
	{ AT(vax_cvx[AG_TDAP]), "tdap_vaccine", "CVX" },
	{ AT(vax_cpt[AG_HPV]), "hpv_vaccine", "CPT" },
	{ AT(vax_cvx[AG_HPV]), "hpv_vaccine", "CVX" },
	{ AT(hepb_newborn), "hepb_newborn", "ICD10PCS" },
	{ AT(well_cpt), "well_care_visit", "CPT" },
	{ AT(well_hcpcs), "well_care_visit", "HCPCS" },
	{ AT(well_dx), "well_care_visit", "ICD10CM" },
	{ AT(adult_prev), "adult_preventive_visit", "CPT" },
	{ AT(office), "office_visit", "CPT" },
	{ AT(devscreen), "developmental_screening", "CPT" },
	{ AT(prenatal), "prenatal_visit", "CPT" },
	{ AT(prenatal_dx), "prenatal_diagnosis", "ICD10CM" },
	{ AT(postpartum), "postpartum_visit", "CPT" },
	{ AT(postpartum_dx), "postpartum_visit", "ICD10CM" },
	{ AT(tele_mod), "telehealth_modifier", "MODIFIER" },
	{ AT(fobt), "fobt", "CPT" },
	{ AT(sigmoid), "flexible_sigmoidoscopy", "CPT" },
	{ AT(colonoscopy), "colonoscopy", "CPT" },
	{ AT(ctcol), "ct_colonography", "CPT" },
	{ AT(fitdna), "fit_dna", "CPT" },
	{ AT(mammo), "mammography", "CPT" },
	{ AT(cytology), "cervical_cytology", "CPT" },
	{ AT(hpvtest), "hpv_test", "CPT" },
	{ AT(a1c_cpt), "hba1c_test", "CPT" },
	{ AT(a1c_loinc), "hba1c_test", "LOINC" },
	{ AT(crc), "colorectal_cancer", "ICD10CM" },
	{ AT(colectomy_cpt), "total_colectomy", "CPT" },
	{ AT(colectomy_pcs), "total_colectomy", "ICD10PCS" },
	{ AT(mastectomy_bi), "bilateral_mastectomy", "ICD10CM" },
	{ AT(mastectomy_r), "unilateral_mastectomy_right", "ICD10CM" },
	{ AT(mastectomy_l), "unilateral_mastectomy_left", "ICD10CM" },
	{ AT(cervix_dx), "absence_of_cervix", "ICD10CM" },
	{ AT(hysterectomy), "hysterectomy", "CPT" },
	{ AT(hospice_hcpcs), "hospice", "HCPCS" },
	{ AT(hospice_rev), "hospice", "REV" },
	{ AT(ed_cpt), "ed_visit_cpt", "CPT" },
	{ AT(ed_rev), "ed_visit_rev", "REV" },
	{ AT(ip_rev), "inpatient_rev", "REV" },
	{ AT(ip_bill), "inpatient_bill_type", "BILLTYPE" },
	{ AT(op_bill), "outpatient_bill_type", "BILLTYPE" },
	{ AT(ip_visit), "inpatient_visit_cpt", "CPT" },
	{ AT(delivery_pcs), "delivery", "ICD10PCS" },
	{ AT(delivery_cpt), "delivery", "CPT" },
	{ AT(live_birth), "live_birth", "ICD10CM" },
	{ AT(delivery_dx), "delivery_diagnosis", "ICD10CM" },
	{ AT(newborn_dx), "newborn_birth", "ICD10CM" },
	{ AT(newborn_rev), "newborn_birth", "REV" },
	{ AT(mental), "mental_illness", "ICD10CM" },
	{ AT(smi), "serious_mental_illness", "ICD10CM" },
	{ AT(self_harm), "intentional_self_harm", "ICD10CM" },
	{ AT(tele_pos), "telehealth_pos", "POS" },
	{ AT(sud), "sud_diagnosis", "ICD10CM" },
	{ AT(sud_tx), "sud_treatment", "HCPCS" },
	{ AT(mh_visit), "mental_health_visit", "CPT" },
	{ AT(prev_dental), "preventive_dental", "CDT" },
	{ AT(oral_eval), "oral_evaluation", "CDT" },
	{ AT(dental_other), "gen_dental_other", "CDT" },
	{ AT(diabetes), "gen_diabetes_diagnosis", "ICD10CM" },
	{ AT(diab_med), "diabetes_medication", "NDC" },
	{ AT(metformin), "metformin", "NDC" },
	{ AT(sick_dx), "gen_sick_diagnosis", "ICD10CM" },
	{ AT(chronic_dx), "gen_chronic_diagnosis", "ICD10CM" },
	{ AT(ed_dx), "gen_ed_diagnosis", "ICD10CM" },
	{ AT(lab_cpt), "gen_lab_cpt", "CPT" },
	{ AT(vax_admin), "gen_vaccine_admin_cpt", "CPT" },
	{ AT(imm_dx), "gen_immunization_diagnosis", "ICD10CM" },
	{ AT(common_ndc), "gen_common_ndc", "NDC" },
	{ AT(mh_ndc), "gen_mh_ndc", "NDC" },
	{ AT(sud_ndc), "gen_sud_ndc", "NDC" },
	{ AT(palliative), "palliative_care", "ICD10CM" },
	{ AT(colon_screen_dx), "gen_colon_screening_dx", "ICD10CM" },
	{ AT(breast_screen_dx), "gen_breast_screening_dx", "ICD10CM" },
	{ AT(cervix_screen_dx), "gen_cervix_screening_dx", "ICD10CM" },
	{ AT(dental_dx), "gen_dental_diagnosis", "ICD10CM" },
	{ AT(tax_pcp), "primary_care_taxonomy", "TAXONOMY" },
	{ AT(tax_dental), "dental_taxonomy", "TAXONOMY" },
	{ AT(tax_mh), "mental_health_taxonomy", "TAXONOMY" },
	{ AT(tax_sud), "sud_taxonomy", "TAXONOMY" },
	{ AT(tax_hospital), "gen_hospital_taxonomy", "TAXONOMY" },
	{ AT(tax_ed), "gen_emergency_taxonomy", "TAXONOMY" },
	{ AT(tax_gastro), "gen_gastro_taxonomy", "TAXONOMY" },
	{ AT(tax_obgyn), "gen_obgyn_taxonomy", "TAXONOMY" },
	{ AT(tax_radiology), "gen_radiology_taxonomy", "TAXONOMY" },
	{ AT(tax_hospice), "gen_hospice_taxonomy", "TAXONOMY" },
	{ AT(tax_lab), "gen_lab_taxonomy", "TAXONOMY" },
	{ AT(a1c_band), "hba1c_result", "CPT" },
	{ AT(bp_systolic), "bp_systolic", "CPT" },
	{ AT(bp_diastolic), "bp_diastolic", "CPT" },
	{ AT(hypertension), "essential_hypertension", "ICD10CM" },
};
#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

static struct pick *at(struct codes *c, size_t offset)
{
	return (struct pick *)((char *)c + offset);
}

int codes_init(struct codes *c, const struct codelist *lib)
{
	for (size_t i = 0; i < NSOURCES; i++) {
		if (pick_init(at(c, sources[i].offset), lib, sources[i].set,
				 sources[i].system) < 0) {
			for (size_t j = 0; j < i; j++)
				free(at(c, sources[j].offset)->e);
			return -1;
		}
	}
	return 0;
}

void codes_free(struct codes *c)
{
	for (size_t i = 0; i < NSOURCES; i++)
		free(at(c, sources[i].offset)->e);
}
