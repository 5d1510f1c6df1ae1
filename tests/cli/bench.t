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

test_expect_success 'the peer table: the ratios of each round, the median and spread of the wall ratio' '
	$run peer-table $fx/peer-times.tsv >out &&
	test_cmp $fx/peer-table.expected out
'

test_expect_success '--dry-run says what it would do and runs nothing' '
	$run --dry-run --members 1000 --data "$PWD/data" >out &&
	test_grep "^generate: cco-gen --members 1000 --year 2025 --history 2 --seed 7" out &&
	test_grep "^compare: CIS COL AMB-ED" out &&
	test ! -e data
'

ab=$CCO_ROOT/bench/ab.sh

test_expect_success 'ab summary: new/old per round (wall, CPU) and per stage, from a times file' '
	$ab summary $fx/ab-times.tsv >out &&
	test_cmp $fx/ab-summary.expected out
'

test_expect_success 'ab --dry-run: the order alternates, nothing runs' '
	$ab --dry-run --rounds 3 --members 1000 --data "$PWD/data" "$CCO_BIN" "$CCO_ROOT/config" \
		"$CCO_BIN" "$CCO_ROOT/config" >out &&
	printf "%s\n" "round 1: old, new" "round 2: new, old" "round 3: old, new" >expect &&
	grep "^round" out >rounds && test_cmp expect rounds &&
	test ! -e data
'

test_expect_success 'ab: a build without a stage, or too few arguments, is a usage error' '
	test_must_fail --code 2 $ab --dry-run "$PWD" "$CCO_ROOT/config" "$CCO_BIN" "$CCO_ROOT/config" 2>err &&
	test_grep "cco-ingest is missing" err &&
	test_must_fail --code 2 $ab "$CCO_BIN" 2>err && test_grep "usage" err
'

test_expect_success 'a bad argument is a usage error' '
	test_must_fail --code 2 $run --members many 2>err &&
	test_grep "take numbers" err
'

test_done
