#!/bin/bash
# bench/run.sh: the parts of `make bench` that need neither a generated
# population nor DuckDB (the bench itself is never run by make check).
. "$(dirname "$0")/../lib.sh"

fx=$CCO_ROOT/tests/fixtures/bench
run=$CCO_ROOT/bench/run.sh

test_expect_success 'the stage table: CPU is user+sys, rates of the raw input, a total' '
	$run table $fx/stages.tsv 1000000 100 >out &&
	test_cmp $fx/table.expected out
'

test_expect_success 'our aggregates become partner-level rows: clinics summed, strata and other measures left out' '
	$TEST_TOOL rec-write measure_aggregates 1 agg.rec.zst <$fx/aggregates.tsv &&
	$run ours-tsv agg.rec.zst >out &&
	test_cmp $fx/ours.tsv out
'

test_expect_success 'the differential check says MATCH or DIFF per row and fails on a difference' '
	test_must_fail --code 1 $run compare $fx/ours.tsv $fx/peer.tsv >out &&
	test_cmp $fx/compare.expected out
'

test_expect_success 'equal numbers are a match' '
	$run compare $fx/ours.tsv $fx/ours.tsv >out &&
	test_grep "^differential: 0 of 3 rows differ" out &&
	! grep -q DIFF out
'

test_expect_success '--dry-run says what it would do and runs nothing' '
	$run --dry-run --members 1000 --data "$PWD/data" >out &&
	test_grep "^generate: cco-gen --members 1000 --year 2025 --history 2 --seed 7" out &&
	test_grep "^compare: CIS COL AMB-ED" out &&
	test ! -e data
'

test_expect_success 'a bad argument is a usage error' '
	test_must_fail --code 2 $run --members many 2>err &&
	test_grep "take numbers" err
'

test_done
