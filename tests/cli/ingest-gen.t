#!/bin/bash
# cco-ingest on cco-gen's output: the clean sample loads without a reject,
# and with --bad-rows every damaged row ends exactly as the generator's
# manifest expects (and no other row is rejected).
. "$(dirname "$0")/../lib.sh"

. "$CCO_ROOT/tests/fixtures/ingest/config.sh"

# config DIR: cfg.ini loading DIR with the shipped layouts
config() {
	ingest_config "$1" "$CCO_ROOT/config/layouts" "[limits]" "reject_threshold = 1"
}

test_expect_success 'the checked-in sample extracts load without a reject' '
	config "$CCO_ROOT/sample-data/extracts" &&
	cco-ingest -c cfg.ini 2>err &&
	sqlite3 ws/cco.db "SELECT sum(rejected), count(*) FROM extract" >out &&
	echo "0|10" >expect && test_cmp expect out &&
	sqlite3 ws/cco.db "SELECT count(*) FROM extract WHERE rows_read <> accepted" >out &&
	echo 0 >expect && test_cmp expect out
'

test_expect_success 'generated damage: every reject as the manifest says, no other' '
	rm -rf ws &&
	cco-gen -q --valuesets "$CCO_ROOT/config/valuesets" --members 300 --year 2025 --history 1 --seed 7 --bad-rows 0.01 --out gen &&
	config gen &&
	cco-ingest -c cfg.ini 2>err &&
	test_grep "warning: bad_rows_manifest.csv: no layout matches, skipped" err &&
	for f in ws/ingest/*-rejects.rec.zst; do
		cco-cat -H "$f" | tail -n +2 | cut -f1,2,5 || return 1
	done | sort >got &&
	tail -n +2 gen/bad_rows_manifest.csv |
		awk -F, "\$4 != \"duplicate\" && \$4 != \"accepted\" { print \$1 \"\t\" \$2 \"\t\" \$4 }" |
		sort >expect &&
	test -s expect &&
	test_cmp expect got
'

test_expect_success 'duplicated lines and stray CRs are accepted' '
	awk -F, "\$4 == \"duplicate\" || \$4 == \"accepted\"" gen/bad_rows_manifest.csv >kept &&
	test -s kept &&
	while IFS=, read -r file line damage expected; do
		! grep -q "^$file	$line	" got || return 1
	done <kept
'

test_done
