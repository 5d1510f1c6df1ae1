#!/bin/bash
# cco-normalize applies run.as_of: claims paid after it, replacements and
# voids included, do not exist yet; a claim without a paid date counts as
# paid on its through date; immunizations and lab results count through
# it by their own dates.  Fixtures: tests/fixtures/normalize-asof/.
. "$(dirname "$0")/../lib.sh"
. "$CCO_ROOT/tests/fixtures/normalize/setup.sh"

NFIX=$CCO_ROOT/tests/fixtures/normalize-asof

# run_as_of DATE: normalize the fixtures as of DATE, stderr in err.DATE
run_as_of() {
	cco-normalize -c cfg.ini --set run.as_of="$1" 2>"err.$1"
}

# final DATE: "member claim_id paid" of the final medical lines, one line
final_claims() {
	cco-cat -H ws/normalize/claims.rec.zst |
		awk -F'\t' 'NR > 1 { printf "%s %s %s;", $1, $4, $29 } END { print "" }'
}

# dates KIND COLUMN: the values of COLUMN (by number) joined by spaces
dates() {
	cco-cat -H "ws/normalize/$1.rec.zst" |
		awk -F'\t' -v c="$2" 'NR > 1 { printf "%s ", $c } END { print "" }'
}

test_expect_success 'setup: workspace from fixtures' '
	normalize_config &&
	mkdir -p ws/ingest &&
	normalize_put medical_claims 000001 medical-1.tsv &&
	normalize_put medical_claims 000002 medical-2.tsv &&
	normalize_put pharmacy_claims 000001 pharmacy-1.tsv &&
	normalize_put immunizations 000001 imm-1.tsv &&
	normalize_put lab_results 000001 lab-1.tsv
'

test_expect_success 'as of 2025-06-30: the original stands, later claims do not exist' '
	run_as_of 2025-06-30 &&
	echo "M01 C1 10.00;M04 E1 50.00;" >expect &&
	final_claims >actual && test_cmp expect actual
'

test_expect_success 'as of 2025-06-30: a line paid on the as-of date counts, the next day not; a fill paid later waits' '
	echo "2025-06-30 " >expect &&
	dates pharmacy 2 >actual && test_cmp expect actual &&
	dates immunizations 4 >actual && test_cmp expect actual
'

test_expect_success 'as of 2025-06-30: the summary counts held and undated rows' '
	test_grep "^cco-normalize: as of 2025-06-30: held back, paid or dated later: medical 6 lines of 5 claim versions, pharmacy 2 of 2, immunizations 1, lab results 2$" err.2025-06-30 &&
	test_grep "^cco-normalize: as of 2025-06-30: without an adjudication date, dated by rule: medical 2 lines (through date), pharmacy 2 (fill date)$" err.2025-06-30 &&
	test_grep "^cco-normalize: medical_claims: in 8, final 2, replaced 0, voided 0," err.2025-06-30
'

test_expect_success 'as of 2025-09-30: the replacement is final, the restatement stands' '
	run_as_of 2025-09-30 &&
	echo "M01 C2 20.00;M03 U1 40.00;M03 U1 40.00;M04 E1 55.00;" >expect &&
	final_claims >actual && test_cmp expect actual &&
	echo "2025-09-30 " >expect &&
	dates lab_results 4 >actual && test_cmp expect actual &&
	test_grep "held back, paid or dated later: medical 2 lines of 2 claim versions, pharmacy 0 of 0, immunizations 0, lab results 1$" err.2025-09-30
'

test_expect_success 'as of 2025-12-31: the void removes the family, the late claim counts' '
	run_as_of 2025-12-31 &&
	echo "M02 D1 30.00;M03 U1 40.00;M03 U1 40.00;M04 E1 55.00;" >expect &&
	final_claims >actual && test_cmp expect actual &&
	test_grep "^cco-normalize: medical_claims: in 8, final 4, replaced 1, voided 3," err.2025-12-31 &&
	test_grep "held back, paid or dated later: medical 0 lines of 0 claim versions, pharmacy 0 of 0, immunizations 0, lab results 0$" err.2025-12-31
'

test_expect_success 'held and undated counts are in the run database' '
	run_as_of 2025-06-30 &&
	sqlite3 ws/cco.db "SELECT metric, value FROM normalize_count WHERE kind = \"medical_claims\" AND metric IN (\"held\", \"held_versions\", \"undated\") ORDER BY metric" >actual &&
	printf "held|6\nheld_versions|5\nundated|2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a rerun as of the same date gives the same bytes' '
	run_as_of 2025-09-30 &&
	cp ws/normalize/claims.rec.zst first.rec.zst &&
	run_as_of 2025-12-31 &&
	run_as_of 2025-09-30 &&
	cmp first.rec.zst ws/normalize/claims.rec.zst
'

test_done
