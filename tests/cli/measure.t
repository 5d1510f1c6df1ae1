#!/bin/bash
# cco-measure: the shipped measure definitions and value sets, proven on
# hand-written fixture members at every rule edge (tests/fixtures/measure:
# NAME.events are the members, NAME.expect the outcome for each member and
# sub-result).
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/measure
test_config
cat >>cfg/p.ini <<INI
valuesets = $CCO_ROOT/config/valuesets
measures = $CCO_ROOT/config/measures
INI

# outcome MEASURE: the results of one measure as "member sub excluded
# exclusion numerator missing", empty fields as "-".
outcome() {
	cco-cat -H ws/measure/results.rec.zst | awk -F'\t' -v m="$1" '
		NR > 1 && $2 == m {
			for (i = 1; i <= NF; i++) if ($i == "") $i = "-"
			print $1, $3, $7, $8, $9, $10
		}'
}

# fixture NAME: a workspace holding fixture NAME's members
fixture() {
	rm -rf ws && "$FIX/mkws" "$FIX/$1.events" ws
}

# check NAME MEASURE: run the fixture and compare with NAME.expect
check() {
	fixture "$1" &&
	cco-measure -q -c cfg/p.ini &&
	outcome "$2" >out &&
	grep -v "^#" "$FIX/$1.expect" >expect &&
	test_cmp expect out
}

test_expect_success 'the shipped definitions and value sets are valid' '
	cco-measure --check -c cfg/p.ini 2>err &&
	test_grep "measures and [0-9]* value sets are valid" err
'

test_expect_success 'CIS combo 3: doses, ages, windows, enrollment, exclusions' '
	check cis CIS
'

test_expect_success 'CIS: members out of the denominator are counted, not listed' '
	sqlite3 ws/cco.db "SELECT value FROM measure_count WHERE metric = \"denominator\" AND key = \"CIS\"" >out &&
	echo 10 >expect && test_cmp expect out
'

test_expect_success 'CIS: evidence names the claim that completed a count' '
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$1 == \"C01\" && \$3 == \"mmr\" { print \$11, \$12 }" >out &&
	echo "fix:L25 2024-03-10" >expect && test_cmp expect out
'

test_expect_success 'CIS: a missing dose has a deadline, the 2nd birthday' '
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$1 == \"C02\" && \$3 == \"dtap\" { print \$13 }" >out &&
	echo 2025-03-10 >expect && test_cmp expect out
'

test_expect_success 'aggregates per partner and clinic add up to the member rows' '
	cco-cat -H ws/measure/aggregates.rec.zst | awk -F"\t" "\$1 == \"CIS\" && \$2 == \"combo3\" && \$3 == \"\" { d += \$6; x += \$7; n += \$8 } END { print d, x, n }" >out &&
	echo "10 1 5" >expect && test_cmp expect out
'

test_expect_success 'CIS: combination vaccines of the public lists (Vaxelis CPT 90697, CVX 146; CVX 198; PCV CVX 109)' '
	check cis-vaxelis CIS
'

test_expect_success 'developmental screening: the birthday in the MY, its window, strata' '
	check dev DEV &&
	cco-cat -H ws/measure/aggregates.rec.zst | awk -F"\t" "\$1 == \"DEV\" && \$3 != \"\" { s[\$3] += \$6; n[\$3] += \$8 } END { for (k in s) print k, s[k], n[k] }" | sort >out &&
	printf "age_1 1 1\nage_2 2 1\nage_3 1 1\n" >expect && test_cmp expect out
'

test_expect_success 'well-child 3-6: ages on Dec 31, diagnosis-only visits, gaps, death' '
	check wcv36 WCV36
'

test_expect_success 'colorectal screening: lookback windows, ages, gaps, exclusions' '
	check col COL
'

test_expect_success 'ODHS custody: entry in the MY, ages per rate, 60 days from the first entry, enrollment, death' '
	fixture odhs &&
	cco-measure -q -c cfg/p.ini &&
	for m in ODHS-DEN ODHS-MH ODHS-PH; do outcome $m | sed "s/^/$m /"; done >out &&
	grep -v "^#" "$FIX/odhs.expect" >expect &&
	test_cmp expect out
'

test_expect_success 'ODHS custody: a missing assessment is due 60 days after entry, a met one names its claim' '
	cco-cat -H ws/measure/results.rec.zst |
	awk -F"\t" "\$2 == \"ODHS-PH\" && \$3 == \"physical\" && (\$1 == \"K09\" || \$1 == \"K01\") { print \$1, \$11, \$12, \$13 }" >out &&
	printf "K01 fix:L10 2025-04-30 \nK09   2026-02-13\n" >expect && test_cmp expect out
'

test_expect_success 'hospice any day of the MY: spans overlapping it, discharges to hospice (stays and claim lines) ending in it' '
	check col-hospice-span COL
'

test_expect_success 'ED visits per 1,000 member months: visits by month and partner' '
	check ed AMB-ED &&
	cco-cat -H ws/measure/aggregates.rec.zst | awk -F"\t" "\$1 == \"AMB-ED\" && \$3 == \"\" { d[\$4] += \$6; x[\$4] += \$7; n[\$4] += \$8 } END { for (p in d) print p, d[p], x[p], n[p] }" | sort >out &&
	printf "P1 33 12 5\nP2 9 0 1\n" >expect && test_cmp expect out
'

test_expect_success 'ED visits per 1,000 member months as of May 31: January to May only' '
	fixture ed &&
	cco-measure -q -c cfg/p.ini --set run.as_of=2025-05-31 &&
	cco-cat -H ws/measure/aggregates.rec.zst | awk -F"\t" "\$1 == \"AMB-ED\" && \$3 == \"\" { d[\$4] += \$6; x[\$4] += \$7; n[\$4] += \$8 } END { for (p in d) print p, d[p], x[p], n[p] }" | sort >out &&
	printf "P1 18 5 4\nP2 3 0 0\n" >expect && test_cmp expect out
'

test_expect_success 'AMB-ED: a principal mental-health diagnosis or a psychiatry code on the visit excludes it' '
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$1 == \"E05\" && \$2 == \"AMB-ED\" { print \$9 }" >out &&
	echo 2 >expect && test_cmp expect out &&
	sed "s/^ed E05 2025-01-10 dx=F329/ed E05 2025-01-10 dx=S0100/; s/^claim E05 2025-03-10 90792/claim E05 2025-03-10 99285/" \
		"$FIX/ed.events" >all.events &&
	rm -rf ws && "$FIX/mkws" all.events ws && cco-measure -q -c cfg/p.ini &&
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$1 == \"E05\" && \$2 == \"AMB-ED\" { print \$9 }" >out &&
	echo 4 >expect && test_cmp expect out
'

test_expect_success 'FUH: episodes by discharge, readmissions, windows after discharge' '
	check fuh FUH &&
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$1 == \"F03\" && \$2 == \"FUH\" { print \$14 }" | sort -u >out &&
	echo 2025-05-25 >expect && test_cmp expect out
'

test_expect_success 'IMA combo 2: antigen windows, the 146-day HPV rule, gaps, hospice' '
	check ima IMA
'

test_expect_success 'IMA: meningococcal vaccines of the current HEDIS list (CPT 90619, 90623; CVX 203)' '
	check ima-meningococcal IMA
'

test_expect_success 'well-care 12-21: ages on Dec 31, MY edges, gaps, exclusions' '
	check wcv1221 WCV1221
'

test_expect_success 'breast cancer screening: the 27-month window, ages, mastectomies' '
	check bcs BCS
'

test_expect_success 'BCS: mastectomies coded as ICD-10-PCS procedures (0HTV0ZZ; 0HTT0ZZ and 0HTU0ZZ)' '
	check bcs-mastectomy BCS
'

test_expect_success 'cervical screening: cytology and hrHPV lookbacks, ages, exclusions' '
	check ccs CCS
'

test_expect_success 'CCS: hysterectomies with no residual cervix of the public list (CPT, ICD-10-PCS)' '
	check ccs-hysterectomy CCS
'

test_expect_success 'W30 rate 1: six visit dates by 1st birthday + 90 days' '
	check w30-15 W30-15
'

test_expect_success 'W30 rate 2: two visit dates from 15 months + 1 day to 30 months' '
	check w30-30 W30-30
'

test_expect_success 'ED use with mental illness: 36-month diagnosis lookback, rate by partner' '
	check ed-mi ED-MI &&
	cco-cat -H ws/measure/aggregates.rec.zst | awk -F"\t" "\$1 == \"ED-MI\" && \$3 == \"\" { print \$4, \$6, \$7, \$8 }" | sort >out &&
	printf "P1 6 1 3\nP2 2 0 1\n" >expect && test_cmp expect out
'

test_expect_success 'oral evaluation, adults with diabetes: claims and pharmacy, lookback, gaps' '
	check oed OED
'

test_expect_success 'OED: pre-existing diabetes in pregnancy (O24) on two visits, not gestational' '
	check oed-pregnancy OED
'

test_expect_success 'PCR: index stays Jan 1 - Dec 1, readmission by day 30, transfers' '
	check pcr PCR &&
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$2 == \"PCR\" && \$1 ~ /^P0[13]/ { print \$1, \$14, \$9 }" >out &&
	printf "P01 2025-03-10 1\nP01 2025-04-12 0\nP03 2025-01-15 0\n" >expect && test_cmp expect out
'

test_expect_success 'preventive dental: 180 enrolled days, ages, strata, each partner' '
	check pds PDS &&
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$2 == \"PDS\" { print \$1, \$4, \$5, \$9 }" | grep -E "^D(0[159]|12) " >out &&
	printf "D01 age_1_5 P1 1\nD05 age_6_14 P1 1\nD09 age_6_14 P1 1\nD09 age_6_14 P2 0\nD12 age_6_14 P1 0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'IET: episodes, 194-day history, initiation window, engagement from initiation' '
	check iet IET &&
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$2 == \"IET\" && \$3 == \"initiation\" && \$1 == \"T07\" { print \$14 }" >out &&
	printf "2024-11-15\n2025-11-14\n" >expect && test_cmp expect out
'

test_expect_success 'IET: a missing initiation has its deadline, and engagement without it too' '
	check iet IET &&
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$2 == \"IET\" && \$1 ~ /^T0[23]\$/ { print \$1, \$3, \$10, \$13 }" >out &&
	printf "%s\n" "T02 initiation treatment_within_14_days 2025-03-14" \
		"T02 engagement initiated 2025-03-14" "T03 initiation - -" \
		"T03 engagement two_more_services 2025-06-04" >expect &&
	sed "s/  / - /g; s/ \$/ -/" out >out2 && test_cmp expect out2
'

test_expect_success 'PPC: trimester, 42 days from enrollment, postpartum window, 180-day deliveries' '
	check ppc PPC &&
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$2 == \"PPC\" && \$3 == \"postpartum\" && \$1 ~ /^N0[78]/ { print \$1, \$14 }" >out &&
	printf "N07 2025-07-09\nN08 2025-01-10\nN08 2025-07-10\n" >expect && test_cmp expect out
'

test_expect_success 'a value-set edit changes the result without rebuilding' '
	fixture cis &&
	mkdir -p vs2 &&
	cp "$CCO_ROOT"/config/valuesets/*.csv vs2/ &&
	sed -i "/^vzv_vaccine,CPT,90716,/d" vs2/*.csv &&
	cco-measure -q -c cfg/p.ini --set paths.valuesets=vs2 &&
	outcome CIS | grep "^C01 vzv" >out &&
	echo "C01 vzv 0 - 0 one_dose" >expect && test_cmp expect out
'

test_expect_success 'an age-bound edit in a copy of a definition changes the denominator' '
	mkdir -p m2 && cp "$CCO_ROOT"/config/measures/*.ini m2/ &&
	sed -i "s/^min_dose = birth + 42d/min_dose = birth/" m2/cis.ini &&
	cco-measure -q -c cfg/p.ini --set paths.measures=m2 &&
	outcome CIS | grep "^C02 dtap" >out &&
	echo "C02 dtap 0 - 1 -" >expect && test_cmp expect out
'

test_expect_success 'a broken definition fails with file and line, exit 2' '
	sed -i "s/^four_doses = count(dtap_vaccine/four_doses = count(dtap_vacine/" m2/cis.ini &&
	test_must_fail --code 2 cco-measure -c cfg/p.ini --set paths.measures=m2 2>err &&
	test_grep "m2/cis.ini:[0-9]*: .four_doses.: column 7: unknown value set .dtap_vacine." err
'

# lang NAME: run the language fixture tests/fixtures/measure/lang/NAME.ini
# (alone) on NAME.events, with the shipped value sets and the fixture's
# own, and compare measure ID's outcome with NAME.expect
lang() {
	rm -rf ws lang-m lang-vs && mkdir lang-m lang-vs &&
	cp "$FIX/lang/$1.ini" lang-m/ &&
	cp "$CCO_ROOT"/config/valuesets/*.csv lang-vs/ &&
	cp "$FIX/lang/valuesets.csv" lang-vs/zz-lang-test.csv &&
	"$FIX/mkws" "$FIX/lang/$1.events" ws &&
	cco-measure -q -c cfg/p.ini --set paths.measures=lang-m --set paths.valuesets=lang-vs &&
	outcome "$2" >out &&
	grep -v "^#" "$FIX/lang/$1.expect" >expect &&
	test_cmp expect out
}

test_expect_success 'distinct(): drugs by the first 9 digits of the NDC, prescribers, billing NPIs; window, denied fills' '
	lang poly POLY
'

test_expect_success 'an eCQM-style variant of COL (ages 46-75, a qualifying encounter, no enrollment rule) is data alone' '
	lang col-ecqm COL-ECQM
'

test_expect_success 'custody episodes are spans: start through end, or through the as-of date while open or ending later' '
	lang custody-span CUSTODY-SPAN
'

test_expect_success 'results are private and deterministic' '
	cco-measure -q -c cfg/p.ini &&
	cp ws/measure/results.rec.zst first &&
	cco-measure -q -c cfg/p.ini &&
	cmp first ws/measure/results.rec.zst &&
	test_mode ws/measure/results.rec.zst 600 && test_mode ws/measure 700
'

test_expect_success 'rows whose date does not read are skipped, counted and reported by file' '
	cat >undated.events <<-\EOF &&
	member U01 1960-06-01 M
	span U01 2024-01-01 - P1
	claim U01 2025-13-01 45378
	claim U01 2025-02-30 99213
	ed U01 2025-00-10
	rx U01 2025-05-01 00093104801
	EOF
	rm -rf ws && "$FIX/mkws" undated.events ws &&
	cco-measure -c cfg/p.ini 2>err &&
	test_grep "^cco-measure: warning: normalize/claims.rec.zst: 2 rows without a date that reads were skipped$" err &&
	test_grep "^cco-measure: warning: normalize/ed_visits.rec.zst: 1 rows without a date that reads were skipped$" err &&
	! grep -q "pharmacy.rec.zst" err &&
	sqlite3 ws/cco.db "SELECT key, value FROM measure_count WHERE metric = \"undated_rows\" AND value > 0 ORDER BY key" >out &&
	printf "normalize/claims|2\nnormalize/ed_visits|1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'GSD: the latest HbA1c of the MY, its edges, ties, CPT II bands, none, exclusions' '
	check gsd GSD
'

test_expect_success 'GSD: results without a number or in another unit are counted, not shown' '
	cco-measure -c cfg/p.ini 2>err &&
	test_grep "^cco-measure: warning: lab_results: 1 results of a result value set without a numeric value match no comparison$" err &&
	test_grep "^cco-measure: warning: lab_results: 1 results in another unit than their value set.s match no comparison$" err &&
	! grep -q "G1[12]\|mmol\|pending" err &&
	sqlite3 ws/cco.db "SELECT metric, value FROM measure_count WHERE metric LIKE \"%_results\" ORDER BY metric" >out &&
	printf "unreadable_results|1\nwrong_unit_results|1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'GSD: a poor result is evidenced by the claim or result of the latest date' '
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$2 == \"GSD\" && (\$1 == \"G07\" || \$1 == \"G09\") { print \$1, \$11, \$12 }" >out &&
	printf "G07 fix:L40 2025-05-01\nG09 fix:L50 2025-09-01\n" >expect && test_cmp expect out
'

test_expect_success 'CBP: hypertension dates, the latest reading, the lowest of a date, 140/90 edges, exclusions' '
	check cbp CBP
'

test_expect_success 'CBP: a reading not controlled can still be so by Dec 31 (its deadline)' '
	cco-cat -H ws/measure/results.rec.zst | awk -F"\t" "\$2 == \"CBP\" && (\$1 == \"B07\" || \$1 == \"B14\") { print \$1, \$13 }" >out &&
	printf "B07 2025-12-31\nB14 2025-12-31\n" >expect && test_cmp expect out
'

test_expect_success 'an eCQM-style variant needs no code: another age band (G16 out), a qualifying visit (G01 out), a result bound (G02 in)' '
	mkdir -p m3 && cp "$CCO_ROOT"/config/measures/gsd.ini m3/ &&
	sed -i "s/^id = GSD/id = GSD-E/; s/^age = age(my.end) in 18..75/age = age(my.end) >= 18 and age(my.end) < 75/" m3/gsd.ini &&
	sed -i "s/^above_9_or_none = latest(hba1c_result, my) > 9.0 %/above_9_or_none = latest(hba1c_result, my) >= 9.0 %/" m3/gsd.ini &&
	sed -i "/^\[exclusions\]/i qualifying_visit = any(office_visit, my)" m3/gsd.ini &&
	fixture gsd &&
	cco-measure -q -c cfg/p.ini --set paths.measures=m3 &&
	outcome GSD-E >out &&
	grep "^G01 \|^G02 \|^G16 \|^G25 " out >some &&
	printf "G02 poor_control 0 - 1 -\nG25 poor_control 0 - 0 above_9_or_none\n" >expect &&
	test_cmp expect some
'

test_expect_success 'a coded answer: the latest result of a set coded in an answer set' '
	mkdir -p vs3 m4 &&
	cp "$CCO_ROOT"/config/valuesets/*.csv vs3/ &&
	printf "valueset,code_system,code,description\nhcv_antibody,LOINC,13955-0,HCV Ab\npositive_answer,LOINC,LA6576-8,Positive\n" >vs3/answers.csv &&
	cat >m4/ans.ini <<-\EOF &&
	[measure]
	id = ANS
	name = Latest HCV antibody positive
	version = 1
	steward = test
	direction = lower
	[denominator]
	adult = age(my.end) >= 18
	[numerator.positive]
	latest_positive = latest(hcv_antibody, my) = positive_answer
	EOF
	cat >ans.events <<-\EOF &&
	member A01 1970-01-01 F
	lab A01 2025-03-01 13955-0 LA6576-8
	member A02 1970-01-01 F
	lab A02 2025-03-01 13955-0 LA6576-8
	lab A02 2025-09-01 13955-0 LA6577-6
	member A03 1970-01-01 M
	lab A03 2025-09-01 13955-0 LA6577-6
	lab A03 2025-09-01 13955-0 LA6576-8
	member A04 1970-01-01 M
	lab A04 2026-01-02 13955-0 LA6576-8
	EOF
	rm -rf ws && "$FIX/mkws" ans.events ws &&
	cco-measure -q -c cfg/p.ini --set paths.valuesets=vs3 --set paths.measures=m4 &&
	outcome ANS >out &&
	printf "A01 positive 0 - 1 -\nA02 positive 0 - 0 latest_positive\nA03 positive 0 - 1 -\nA04 positive 0 - 0 latest_positive\n" >expect &&
	test_cmp expect out
'

test_done
