#!/bin/bash
# tools/vs-audit: the codes of a public value set that ours lacks, and
# (-x) our rows that match no public code, on a small copy of the public
# eCQM sets (tests/fixtures/vs-audit/README.md says how it was made).
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/vs-audit
PUB=$FIX/public.csv
audit() { perl "$CCO_ROOT/tools/vs-audit" "$@"; }
TAB=$(printf '\t')

test_expect_success 'the shipped DTaP set holds every public DTaP code (Vaxelis CPT 90697, CVX 146 and 198)' '
	audit "$PUB" CMS117_dtap_vaccine,CMS117_dtap_vaccine_administered dtap_vaccine >out &&
	test_cmp /dev/null out
'

test_expect_success 'the shipped PCV set holds CVX 109, pneumococcal unspecified' '
	audit "$PUB" CMS117_pneumococcal_conjugate_vaccine pcv_vaccine >out &&
	test_cmp /dev/null out
'

test_expect_success 'the shipped hysterectomy set holds all 44 public codes' '
	test "$(grep -c "^CMS124_hysterectomy" "$PUB")" = 44 &&
	audit "$PUB" CMS124_hysterectomy_with_no_residual_cervix hysterectomy >out &&
	test_cmp /dev/null out
'

test_expect_success 'the shipped diabetes set holds pre-existing diabetes in pregnancy (O24)' '
	audit "$PUB" CMS122_diabetes diabetes >out &&
	test_cmp /dev/null out
'

test_expect_success 'a public code missing from ours is listed, sorted, and exits 1' '
	test_must_fail --code 1 audit -d "$FIX/valuesets" "$PUB" \
		CMS117_dtap_vaccine,CMS117_dtap_vaccine_administered dtap_old >out &&
	cat >expect <<-EOF &&
	missing${TAB}CPT${TAB}90697${TAB}Diphtheria, tetanus toxoids, acellular pertussis vaccine, inactivated poliovirus vaccine, Haemophilus influenzae type b 
	missing${TAB}CVX${TAB}110${TAB}DTaP-hepatitis B and poliovirus vaccine
	missing${TAB}CVX${TAB}146${TAB}Diphtheria and Tetanus Toxoids and Acellular Pertussis Adsorbed, Inactivated Poliovirus, Haemophilus b Conjugate (Mening
	EOF
	test_cmp expect out
'

test_expect_success '-x also lists our rows, as written, that match no public code' '
	test_must_fail --code 1 audit -x -d "$FIX/valuesets" "$PUB" \
		CMS117_dtap_vaccine,CMS117_dtap_vaccine_administered dtap_old >out &&
	grep -v "^missing" out >extra &&
	cat >expect <<-EOF &&
	extra${TAB}CVX${TAB}10-12${TAB}a range of two-digit codes: not 106, 110 or 120
	extra${TAB}ICD10CM${TAB}Z23${TAB}Encounter for immunization
	EOF
	test_cmp expect extra
'

test_expect_success 'a LOINC hyphen is part of the code, not a range' '
	test_must_fail --code 1 audit -x -d "$FIX/valuesets" "$PUB" CMS122_hba1c_laboratory_test hba1c_old >out &&
	cut -f1-3 out >got &&
	printf "missing\tLOINC\t%s\n" 17855-8 17856-6 4549-2 96595-4 >expect &&
	test_cmp expect got
'

test_expect_success 'a map runs several audits, each line led by our set' '
	test_must_fail --code 1 audit -d "$FIX/valuesets" -m "$FIX/audit.map" "$FIX" >out &&
	cut -f1-4 out >got &&
	cat >expect <<-EOF &&
	dtap_old${TAB}missing${TAB}CPT${TAB}90697
	dtap_old${TAB}missing${TAB}CVX${TAB}110
	dtap_old${TAB}missing${TAB}CVX${TAB}146
	hba1c_old${TAB}missing${TAB}LOINC${TAB}17855-8
	hba1c_old${TAB}missing${TAB}LOINC${TAB}17856-6
	hba1c_old${TAB}missing${TAB}LOINC${TAB}4549-2
	hba1c_old${TAB}missing${TAB}LOINC${TAB}96595-4
	EOF
	test_cmp expect got
'

test_expect_success 'the shipped sets miss no code of the public eCQM sets the shipped map names' '
	ref=$CCO_ROOT/../shared/reference/vsac-ecqm-2025 &&
	test -d "$ref" &&
	audit -m "$CCO_ROOT/config/valuesets/ecqm-2025.map" "$ref" >out &&
	test_cmp /dev/null out
'

test_expect_success 'a set name found in neither file is an error, never "nothing missing"' '
	test_must_fail --code 2 audit "$PUB" CMS117_dtap_vacine dtap_vaccine 2>err &&
	test_grep "no value set .CMS117_dtap_vacine." err &&
	test_must_fail --code 2 audit "$PUB" CMS117_dtap_vaccine dtap_vacine 2>err &&
	test_grep "no value set .dtap_vacine." err
'

test_expect_success 'usage errors, unreadable files and foreign headers exit 2' '
	test_must_fail --code 2 audit "$PUB" CMS117_dtap_vaccine &&
	test_must_fail --code 2 audit -q "$PUB" CMS117_dtap_vaccine dtap_vaccine &&
	test_must_fail --code 2 audit nonexistent.csv CMS117_dtap_vaccine dtap_vaccine &&
	printf "set,system,code\nCMS117_dtap_vaccine,CVX,20\n" >foreign.csv &&
	test_must_fail --code 2 audit foreign.csv CMS117_dtap_vaccine dtap_vaccine 2>err &&
	test_grep "foreign.csv:1: header is not" err &&
	printf "dtap_vaccine public.csv\n" >bad.map &&
	test_must_fail --code 2 audit -m bad.map "$FIX" 2>err &&
	test_grep "bad.map:1: not" err &&
	test_must_fail --code 2 audit -m bad.map "$FIX" extra
'

test_done
