#!/bin/bash
# cco-gen: deterministic, streaming synthetic extracts; damage on request,
# counted exactly in the manifest.
. "$(dirname "$0")/../lib.sh"

VS=$CCO_ROOT/config/valuesets
AUDIT="perl $CCO_ROOT/tests/helper/gen-audit.pl"
gen() { cco-gen -q --valuesets "$VS" "$@"; }

cat >headers.expect <<'EOF2'
custody.csv:member_id,custody_start,custody_end
enrollment.csv:member_id,partner_id,start_date,end_date,benefit_package
immunizations.csv:member_id,immunization_date,cvx
lab_results.csv:member_id,result_date,loinc,value,unit
medical_claims.csv:claim_id,line_number,member_id,claim_type,frequency_code,original_claim_id,claim_status,adjudication_date,service_from,service_to,admission_date,discharge_date,discharge_status,bill_type,place_of_service,revenue_code,procedure_code,modifier_1,modifier_2,modifier_3,modifier_4,diagnosis_1,diagnosis_2,diagnosis_3,diagnosis_4,diagnosis_5,diagnosis_6,diagnosis_7,diagnosis_8,diagnosis_9,diagnosis_10,diagnosis_11,diagnosis_12,icd_procedure_1,icd_procedure_2,icd_procedure_3,billing_npi,rendering_npi,allowed_amount,paid_amount
members.csv:member_id,birth_date,sex,race,ethnicity,language,zip,death_date,first_name,last_name,phone,address,city,state,interpreter
partners.csv:partner_id,partner_name
pcp_assignments.csv:member_id,pcp_npi,clinic_id,start_date,end_date
pharmacy_claims.csv:claim_id,member_id,frequency_code,original_claim_id,claim_status,adjudication_date,fill_date,ndc,days_supply,quantity,prescriber_npi
providers.csv:npi,provider_name,taxonomy,clinic_id,clinic_name,partner_id,pcp_flag
EOF2

test_expect_success '--help and --version' '
	cco-gen --help >out &&
	test_grep "^usage: cco-gen " out &&
	cco-gen --version >out &&
	test_grep "^cco-gen [0-9]" out
'

test_expect_success 'the --help synopsis is the manual page synopsis' '
	cco-gen --help | sed -n "1s/^usage: //p" >help.syn &&
	sed -n "/^\.SH SYNOPSIS/,/^\.SH/p" "$CCO_ROOT/tools/gen/cco-gen.1" |
		sed "1d;\$d" | sed "s/^\.B //" | tr "\n" " " |
		sed "s/\\\\f[BIR]//g; s/\\\\-/-/g; s/ *\$//" >man.syn &&
	echo >>man.syn &&
	test_cmp help.syn man.syn
'

test_expect_success 'usage errors exit 2' '
	test_must_fail --code 2 cco-gen --year 2025 --out x &&
	test_must_fail --code 2 cco-gen --members 10 --out x &&
	test_must_fail --code 2 cco-gen --members 10 --year 2025 &&
	test_must_fail --code 2 cco-gen --members 0 --year 2025 --out x &&
	test_must_fail --code 2 cco-gen --members ten --year 2025 --out x &&
	test_must_fail --code 2 cco-gen --members 10 --year 2025 --out x --bad-rows 1.5 &&
	test_must_fail --code 2 cco-gen --members 10 --year 2025 --out x --history 11 &&
	test_must_fail --code 2 cco-gen --members 10 --year 2025 --out x --bogus &&
	test_must_fail --code 2 cco-gen --members 10 --year 2025 --out x extra &&
	test ! -e x
'

test_expect_success 'the pipeline loads the same value sets (libcco valueset)' '
	$TEST_TOOL vs-contains "$VS" primary_care_visit CPT 99213 99499 >out &&
	printf "99213 1\n99499 0\n" >expect && test_cmp expect out &&
	$TEST_TOOL vs-contains "$VS" hba1c_test LOINC 4548-4 >out &&
	echo "4548-4 1" >expect && test_cmp expect out &&
	$TEST_TOOL vs-contains "$VS" primary_care_taxonomy TAXONOMY 207Q00000X >out &&
	echo "207Q00000X 1" >expect && test_cmp expect out
'

test_expect_success 'a missing value set directory or set is a configuration error' '
	test_must_fail --code 2 cco-gen --members 10 --year 2025 --out x --valuesets nowhere 2>err &&
	test_grep "nowhere" err &&
	mkdir vs && grep -v "^hib_vaccine" "$VS/immunizations.csv" >vs/imm.csv &&
	test_must_fail --code 2 cco-gen --members 10 --year 2025 --out x --valuesets vs 2>err &&
	test_grep "value set .hib_vaccine. not found" err &&
	test ! -e x
'

test_expect_success 'generate: every file with its exact header, private modes' '
	gen --members 400 --year 2025 --seed 11 --out a/b &&
	(cd a/b && for f in *.csv; do printf "%s:" "$f"; head -1 "$f"; done) >headers &&
	test_cmp headers.expect headers &&
	test_mode a/b 700 &&
	test_mode a/b/medical_claims.csv 600 &&
	test_mode a/b/members.csv 600 &&
	test $(ls a/b | wc -l) -eq 10
'

test_expect_success 'the custody roster: about 1% of children, each under 18 and enrolled at entry; assessments as claims from 9001' '
	gen --members 20000 --year 2025 --history 2 --seed 7 --out cust &&
	awk -v born=2005-01-01 -f "$CCO_ROOT/tests/helper/custody-audit.awk" cust/members.csv \
		cust/enrollment.csv cust/custody.csv cust/medical_claims.csv >out &&
	echo "1 0 1" >expect && test_cmp expect out
'

test_expect_success 'same arguments, same bytes; another seed differs' '
	gen --members 400 --year 2025 --seed 11 --out again &&
	diff -r a/b again &&
	gen --members 400 --year 2025 --seed 12 --out other &&
	! cmp -s a/b/medical_claims.csv other/medical_claims.csv &&
	! cmp -s a/b/members.csv other/members.csv
'

test_expect_success 'the first members do not depend on how many are generated' '
	gen --members 100 --year 2025 --seed 11 --out fewer &&
	head -101 a/b/members.csv >expect &&
	test_cmp expect fewer/members.csv
'

test_expect_success 'member ids are unique and sorted' '
	tail -n +2 a/b/members.csv | cut -d, -f1 >ids &&
	sort -c -u ids &&
	test $(wc -l <ids) -eq 400 &&
	head -1 ids >first && echo M0000001 >expect && test_cmp expect first
'

test_expect_success 'the NPI check used below knows the CMS example' '
	$AUDIT luhn 1234567893 1234567890 >out &&
	printf "1234567893 1\n1234567890 0\n" >expect && test_cmp expect out
'

test_expect_success 'members exist, NPIs check, dates are valid, versions refer to claims' '
	$AUDIT check a/b >counts &&
	cat counts
'

test_expect_success 'every code comes from the value sets' '
	$AUDIT codes a/b "$VS"
'

test_expect_success 'a CPT II HbA1c code is the band of its member'"'"'s lab result of the day' '
	awk -F, "FNR == 1 { next }
		FILENAME ~ /lab_results/ { v[\$1 \",\" \$2] = \$4; next }
		\$17 ~ /^30(44|51|52|46)F\$/ {
			n++; x = v[\$3 \",\" \$9]
			if (x == \"\" || (\$17 == \"3044F\" && x >= 7) || (\$17 == \"3051F\" && (x < 7 || x >= 8)) ||
			    (\$17 == \"3052F\" && (x < 8 || x > 9)) || (\$17 == \"3046F\" && x <= 9)) bad++
		}
		END { print (n > 20), bad + 0 }" a/b/lab_results.csv a/b/medical_claims.csv >out &&
	echo "1 0" >expect && test_cmp expect out
'

test_expect_success 'blood pressure: a systolic and a diastolic CPT II code on each reading, I10 on visits' '
	awk -F, "\$17 ~ /^307[457]F\$/ { s[\$1]++ } \$17 ~ /^30(78|79|80)F\$/ { d[\$1]++ }
		\$17 ~ /^307[457]F\$/ && /,I10,/ { htn++ }
		END { for (c in s) { n++; if (s[c] != d[c]) bad++ } for (c in d) if (!(c in s)) bad++
		      print (n > 50), (htn > 50), bad + 0 }" a/b/medical_claims.csv >out &&
	echo "1 1 0" >expect && test_cmp expect out
'

test_expect_success 'enrollment has churn: gaps, switches, abutting and overlapping spans' '
	for k in gap switch abut_same overlap_same freq7 freq8; do
		grep -q "$k=[1-9]" counts || { echo "no $k" >&2; exit 1; }
	done
'

test_expect_success 'partners, clinics and PCPs look like a network' '
	n=$(tail -n +2 a/b/partners.csv | wc -l) &&
	test $n -ge 3 && test $n -le 6 &&
	test $(grep -c ",Y\$" a/b/providers.csv) -ge 10 &&
	grep -q "\"\"Open Door\"\"" a/b/providers.csv &&
	grep -q "\"[^\"]*, [^\"]*\"" a/b/partners.csv
'

test_expect_success 'a clean extract has no damaged line' '
	$AUDIT classify a/b >found &&
	test_must_be_empty() { test ! -s "$1" || { cat "$1" >&2; false; }; } &&
	test_must_be_empty found
'

test_expect_success '--bad-rows: the manifest lists exactly the damaged lines' '
	gen --members 600 --year 2025 --seed 5 --bad-rows 0.02 --out bad &&
	head -1 bad/bad_rows_manifest.csv >hdr &&
	echo file,line,damage,expected >expect && test_cmp expect hdr &&
	tail -n +2 bad/bad_rows_manifest.csv | cut -d, -f1-3 | sort >listed &&
	$AUDIT classify bad | sort >found &&
	test_cmp listed found &&
	test $(wc -l <listed) -gt 100
'

test_expect_success '--bad-rows: every kind of damage, with its expected outcome' '
	tail -n +2 bad/bad_rows_manifest.csv | cut -d, -f3,4 | sort -u >kinds &&
	cat >expect <<-\EOF2 &&
	column_count,column_count
	duplicate_line,duplicate
	impossible_date,invalid_date
	invalid_date,invalid_date
	invalid_utf8,invalid_encoding
	malformed_code,invalid_code
	npi_check_digit,invalid_npi
	stray_cr,accepted
	stray_quote,malformed_csv
	unknown_member,unknown_member
	EOF2
	test_cmp expect kinds
'

test_expect_success '--bad-rows: the rest of the output is unchanged' '
	gen --members 600 --year 2025 --seed 5 --out clean &&
	cmp bad/enrollment.csv clean/enrollment.csv &&
	cmp bad/providers.csv clean/providers.csv &&
	n_bad=$(($(wc -l <bad/medical_claims.csv) - $(grep -c "^medical_claims.csv,.*,duplicate_line," bad/bad_rows_manifest.csv))) &&
	test $n_bad -eq $(wc -l <clean/medical_claims.csv)
'

test_expect_success '--bad-rows 0: an empty manifest and the clean output' '
	gen --members 400 --year 2025 --seed 11 --bad-rows 0 --out zero &&
	echo file,line,damage,expected >expect &&
	test_cmp expect zero/bad_rows_manifest.csv &&
	rm zero/bad_rows_manifest.csv &&
	diff -r a/b zero
'

test_expect_success 'an output directory that cannot be made is a run failure' '
	echo x >plainfile &&
	test_must_fail --code 1 cco-gen -q --valuesets "$VS" --members 5 --year 2025 --out plainfile/sub 2>err &&
	test_grep "plainfile/sub" err
'

test_expect_success '--months: monthly files hold exactly the single files rows' '
	gen --members 400 --year 2025 --seed 11 --months --out m &&
	test ! -e m/medical_claims.csv &&
	test -e m/medical_claims_202301.csv && test -e m/medical_claims_202606.csv &&
	test $(ls m/medical_claims_*.csv | wc -l) -eq 42 &&
	test $(ls m/pharmacy_claims_*.csv | wc -l) -eq 42 &&
	for f in m/medical_claims_*.csv; do tail -n +2 "$f"; done | sort >month.rows &&
	tail -n +2 a/b/medical_claims.csv | sort >single.rows &&
	test_cmp single.rows month.rows &&
	for f in m/pharmacy_claims_*.csv; do tail -n +2 "$f"; done | sort >month.rx &&
	tail -n +2 a/b/pharmacy_claims.csv | sort >single.rx &&
	test_cmp single.rx month.rx &&
	cmp m/members.csv a/b/members.csv
'

test_expect_success '--months: claims are in the file of their adjudication month' '
	for f in m/medical_claims_*.csv; do
		ym=${f##*_}; ym=${ym%.csv}
		tail -n +2 "$f" | awk -F, -v ym="$ym" "{ d = \$8; gsub(/-/, \"\", d); if (substr(d, 1, 6) != ym) { print FILENAME \": \" \$0; bad = 1 } } END { exit bad }" || exit 1
	done &&
	grep -h ",7,C" m/medical_claims_2026*.csv >late &&
	test -s late
'

test_expect_success '--months with --bad-rows: the manifest names the monthly files' '
	gen --members 300 --year 2025 --seed 5 --bad-rows 0.03 --months --out mbad &&
	tail -n +2 mbad/bad_rows_manifest.csv | cut -d, -f1-3 | sort >listed &&
	$AUDIT classify mbad | sort >found &&
	test_cmp listed found &&
	grep -q "^medical_claims_20[0-9]*\.csv," listed
'

test_expect_success 'a config file can name the value sets' '
	mkdir -p cfg/layouts &&
	cp -r "$VS" cfg/valuesets &&
	printf "[run]\nmeasurement_year = 2025\nas_of = 2026-03-31\n[paths]\nextracts = .\n" >cfg/p.ini &&
	cco-gen -q -c cfg/p.ini --members 20 --year 2025 --out viacfg &&
	gen --members 20 --year 2025 --out direct &&
	diff -r viacfg direct
'

test_expect_success 'the checked-in sample is current (regenerated byte for byte)' '
	(cd "$CCO_ROOT" && "$CCO_BIN/cco-gen" -q --members 2000 --year 2025 --history 2 \
		--seed 2032 --out "$SCRATCH/sample") &&
	diff -r "$CCO_ROOT/sample-data/extracts" sample
'

test_done
