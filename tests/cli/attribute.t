#!/bin/bash
# cco-attribute on hand-written normalize outputs: each rule's edges.
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/attribute
test_config
mkdir -p ws/normalize
cp "$FIX"/valuesets/* cfg/valuesets/

# claims.txt holds "member date npi code denied allowed"; the claims kind
# has 29 columns, the rest empty.
to_claims() {
	awk 'BEGIN { OFS = "\t" } {
		n++
		print $1, $2, "cco", "C" n, 1, 1, 1, "", ($5 ? "denied" : "paid"), $5, $2, "P",
		      "professional", $2, $2, "", "", "", "", "11", "", $4, "", "Z0000", "",
		      $3, $3, $6, $6
	}' "$1"
}

write() { $TEST_TOOL rec-write "$1" 1 "ws/normalize/$2.rec.zst" <"$3"; }

test_expect_success 'set up normalize outputs' '
	write providers providers "$FIX/providers.tsv" &&
	write members members "$FIX/members.tsv" &&
	write enrollment_spans enrollment "$FIX/enrollment.tsv" &&
	write pcp_assignments pcp_assignments "$FIX/pcp.tsv" &&
	to_claims "$FIX/claims.txt" >claims.tsv &&
	write claims claims claims.tsv
'

test_expect_success 'attribution: assignment, plurality, tie-breaks, none' '
	cco-attribute -c cfg/p.ini 2>err &&
	cco-cat -H ws/attribute/attribution.rec.zst >out &&
	test_cmp "$FIX/expect-attribution" out
'

test_expect_success 'the summary counts rules and partners, skips orphans, names no member' '
	test_grep "^cco-attribute: 10 members, PCP as of 2025-12-31: 2 by assignment, 5 by claims (3 plurality, 2 tie-break), 3 none$" err &&
	test_grep "partner P1: 7 members" err &&
	test_grep "1 rows for members not in the members file were skipped" err &&
	! grep -q "M[A-Z]\b" err
'

test_expect_success 'the summary counts add up to the member count' '
	sed -n "s/^cco-attribute: \([0-9]*\) members, PCP as of [0-9-]*: \([0-9]*\) by assignment, \([0-9]*\) by claims .*, \([0-9]*\) none$/\1 \2 \3 \4/p" err >n &&
	read -r total asg claims none <n &&
	test "$total" -eq $((asg + claims + none)) &&
	test "$total" -eq $(cco-cat --count ws/attribute/attribution.rec.zst)
'

test_expect_success 'the attribution date is the end of the measurement year, before the as-of date' '
	cco-cat -H ws/attribute/attribution.rec.zst | grep "^M[IJ]	" | cut -f1,6 >out &&
	printf "MI\tnone\nMJ\tassignment\n" >expect &&
	test_cmp expect out
'

test_expect_success 'attribute.date = as_of: assignments ending before the as-of date are not used' '
	cco-attribute -c cfg/p.ini --set attribute.date=as_of 2>err.as_of &&
	test_grep "PCP as of 2026-03-31: 1 by assignment" err.as_of &&
	cco-cat -H ws/attribute/attribution.rec.zst | grep "^M[IJ]	" | cut -f1,6 >out &&
	printf "MI\tnone\nMJ\tnone\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an as-of date before the year end is the attribution date' '
	cco-attribute -c cfg/p.ini --set run.as_of=2025-12-30 2>err.early &&
	test_grep "PCP as of 2025-12-30: 3 by assignment" err.early &&
	cco-cat -H ws/attribute/attribution.rec.zst | grep "^M[IJ]	" | cut -f1,6 >out &&
	printf "MI\tassignment\nMJ\tassignment\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the counts are in the workspace database' '
	sqlite3 ws/cco.db "SELECT value FROM attribute_count WHERE metric = \"rule\" AND key = \"tie-break\"" >out &&
	echo 2 >expect && test_cmp expect out
'

test_expect_success 'the audit ranks every candidate and marks the chosen one' '
	cco-cat -H ws/attribute/attribution_audit.rec.zst | grep "^MC	" >out &&
	printf "MC\t1\t1000000002\tC2\t2\t20.00\t2025-06-01\t1\nMC\t2\t1000000001\tC1\t2\t20.00\t2025-05-01\t0\n" >expect &&
	test_cmp expect out &&
	cco-cat -H ws/attribute/attribution_audit.rec.zst | grep "^MA	" >out &&
	printf "MA\t1\t1000000001\tC1\t2\t200.00\t2025-03-01\t0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'partner by month: switch mid-month, a month not ending enrolled' '
	cco-cat -H ws/attribute/partner_months.rec.zst | grep "^MG	" >out &&
	test_cmp "$FIX/expect-months-MG" out
'

test_expect_success 'first_day and most_days rules' '
	cco-attribute -q -c cfg/p.ini --set attribute.partner_rule=first_day &&
	cco-cat -H ws/attribute/partner_months.rec.zst | grep "^MG	2025-0[378]" >out &&
	printf "MG\t2025-03\tP1\tfirst_day\t\nMG\t2025-07\tP2\tfirst_day\t\nMG\t2025-08\t\tfirst_day\tnot enrolled on the month'"'"'s first day\n" >expect &&
	test_cmp expect out &&
	cco-attribute -q -c cfg/p.ini --set attribute.partner_rule=most_days &&
	cco-cat -H ws/attribute/partner_months.rec.zst | grep "^MG	2025-0[378]" | cut -f3 >out &&
	printf "P2\nP2\nP2\n" >expect && test_cmp expect out
'

test_expect_success 'plurality of allowed dollars changes the winner' '
	cco-attribute -q -c cfg/p.ini --set attribute.plurality=allowed &&
	cco-cat -H ws/attribute/attribution.rec.zst | grep "^MB	" | cut -f3,6 >out &&
	printf "1000000002\tplurality\n" >expect && test_cmp expect out
'

test_expect_success 'the lookback window ends on the attribution date' '
	cco-attribute -q -c cfg/p.ini --set attribute.lookback_months=17 &&
	cco-cat -H ws/attribute/attribution.rec.zst | grep "^MH	" | cut -f6 >out &&
	echo none >expect && test_cmp expect out
'

test_expect_success 'a shorter lookback drops older services' '
	cco-attribute -q -c cfg/p.ini --set attribute.lookback_months=12 &&
	cco-cat -H ws/attribute/attribution.rec.zst | grep "^MH	" | cut -f6 >out &&
	echo none >expect && test_cmp expect out
'

test_expect_success 'outputs are private and deterministic' '
	cco-attribute -q -c cfg/p.ini &&
	cp ws/attribute/attribution_audit.rec.zst first &&
	cco-attribute -q -c cfg/p.ini &&
	cmp first ws/attribute/attribution_audit.rec.zst &&
	test_mode ws/attribute 700 &&
	test_mode ws/attribute/attribution.rec.zst 600
'

test_expect_success 'an unknown value set name is a configuration error' '
	test_must_fail --code 2 cco-attribute -c cfg/p.ini --set attribute.visit_valueset=nope 2>err &&
	test_grep "attribute.visit_valueset: no value set .nope." err
'

test_expect_success 'a missing input fails, and leaves the previous outputs' '
	cp ws/attribute/attribution.rec.zst before &&
	mv ws/normalize/claims.rec.zst claims.bak &&
	test_must_fail --code 1 cco-attribute -c cfg/p.ini 2>err &&
	test_grep "cannot open .*claims.rec.zst" err &&
	cmp before ws/attribute/attribution.rec.zst &&
	mv claims.bak ws/normalize/claims.rec.zst
'

test_expect_success 'amounts in any decimal form sum as numbers, written as printf rounds them (0.005 is 0.01); a malformed service date, however often, is no visit' '
	mkdir -p ws2 && cp -r ws/normalize ws2/ &&
	printf "%s\n" "MA 2025-02-01 1000000001 99213 0 1e2" "MA 2025-03-01 1000000001 99213 0 33.333" \
		"MA 2025-04-01 1000000001 99213 0 .5" "MA 2025-13-45 1000000001 99213 0 10" \
		"MA 2025-13-45 1000000001 99213 0 10" "MB 2025-01-10 1000000001 99213 0 0.005" \
		>claims2.txt &&
	to_claims claims2.txt >claims2.tsv &&
	$TEST_TOOL rec-write claims 1 ws2/normalize/claims.rec.zst <claims2.tsv &&
	cco-attribute -q -c cfg/p.ini --set run.workspace=ws2 &&
	cco-cat -H ws2/attribute/attribution_audit.rec.zst | grep "^MA	" >out &&
	printf "MA\t1\t1000000001\tC1\t3\t133.83\t2025-04-01\t0\n" >expect &&
	test_cmp expect out &&
	cco-cat -H ws2/attribute/attribution_audit.rec.zst | grep "^MB	" | cut -f6 >out &&
	echo 0.01 >expect && test_cmp expect out
'

test_expect_success 'input not sorted by member is refused' '
	sort -r claims.tsv >unsorted.tsv &&
	$TEST_TOOL rec-write claims 1 ws/normalize/claims.rec.zst <unsorted.tsv &&
	test_must_fail --code 1 cco-attribute -c cfg/p.ini 2>err &&
	test_grep "not sorted by member_id" err
'

test_done
