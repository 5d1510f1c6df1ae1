#!/bin/bash
# run.as_of applied end to end: one extract (tests/fixtures/e2e-asof),
# three as-of dates, three different partner counts, each checked by hand
# below, and each rerun byte-identical.
#
# AMB-ED visits (one ED visit per claim, all professional, POS 23):
#   M0000001 (P01)  2025-03-10 paid 2025-04-01
#                   2025-05-20 paid 2025-06-15, voided by a claim paid 2025-10-15
#   M0000002 (P01)  2025-08-05 paid 2025-09-20
#                   2025-09-15 paid 2025-10-05
#                   2025-12-01 paid 2026-02-01
#   M0000003 (P02)  2025-06-10 paid 2025-07-10
#                   2025-11-02 paid 2026-01-20
# As of 2025-06-30: P01 2 (March, May), P02 0.
# As of 2025-09-30: P01 3 (the void is not paid yet; August), P02 1.
# As of 2026-03-31: P01 4 (May voided; August, September, December), P02 2.
# Member months: 1 a member for each month up to the as-of date's
# (all 12 as of 2026-03-31): 6, 9 and 12.
. "$(dirname "$0")/../lib.sh"

cp -r "$CCO_ROOT/config" cfg
sed -i -e "s|^extracts = .*|extracts = $CCO_ROOT/tests/fixtures/e2e-asof|" \
       -e "s|^workspace = .*|workspace = ../ws|" cfg/pipeline.ini

# run_as_of DATE: the whole pipeline as of DATE
run_as_of() {
	cco-pipeline run -q -c cfg/pipeline.ini --set run.as_of="$1"
}

# partner_counts: "partner denominator numerator" of AMB-ED, latest run
partner_counts() {
	sqlite3 -separator " " ws/export/results.db "SELECT partner_id, denominator,
		numerator FROM metric WHERE level = 'partner' AND measure_id = 'AMB-ED'
		AND run_id = (SELECT max(run_id) FROM run) ORDER BY partner_id"
}

# outputs: every stage output but the accumulating results.db, hashed
outputs() {
	(cd ws && find ingest normalize attribute measure export -type f \
		! -name results.db | sort | xargs sha256sum)
}

test_expect_success 'as of 2025-06-30: P01 2 visits in 12 member months, P02 none in 6' '
	run_as_of 2025-06-30 &&
	printf "ALL 18 2\nP01 12 2\nP02 6 0\n" >expect &&
	partner_counts >actual && test_cmp expect actual &&
	outputs >first.2025-06-30
'

test_expect_success 'as of 2025-09-30: P01 3 visits in 18 member months, P02 1 in 9' '
	run_as_of 2025-09-30 &&
	printf "ALL 27 4\nP01 18 3\nP02 9 1\n" >expect &&
	partner_counts >actual && test_cmp expect actual &&
	outputs >first.2025-09-30
'

test_expect_success 'as of 2026-03-31: P01 4 visits, P02 2' '
	run_as_of 2026-03-31 &&
	printf "ALL 36 6\nP01 24 4\nP02 12 2\n" >expect &&
	partner_counts >actual && test_cmp expect actual &&
	outputs >first.2026-03-31
'

for d in 2025-06-30 2025-09-30 2026-03-31; do
	test_expect_success "a rerun as of $d gives the same bytes" "
		run_as_of $d &&
		outputs >again.$d &&
		test_cmp first.$d again.$d
	"
done

test_done
