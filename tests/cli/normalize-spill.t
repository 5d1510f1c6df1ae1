#!/bin/bash
# cco-normalize with a tiny sort buffer: the external sort spills runs and
# merges them, and the outputs are byte for byte those of the in-memory run.
. "$(dirname "$0")/../lib.sh"
. "$CCO_ROOT/tests/fixtures/normalize/setup.sh"

# gen_claims N SEQ: N claim lines over 300 members, with replacements,
# voids, denied lines and duplicates mixed in.
gen_claims() {
	awk -v n="$1" -v seq="$2" 'BEGIN {
		OFS = "\t"
		for (i = 0; i < n; i++) {
			m = sprintf("M%05d", (i * 7919) % 300)
			c = sprintf("C%06d", int(i / 3))
			freq = 1; orig = ""
			if (i % 17 == 5) { freq = 7; orig = sprintf("C%06d", int(i / 3) - 1) }
			if (i % 29 == 7) { freq = 8; orig = sprintf("C%06d", int(i / 3) - 2) }
			st = i % 11 == 0 ? "denied" : "paid"
			d = sprintf("2025-%02d-%02d", i % 12 + 1, i % 28 + 1)
			print "s1", seq, m, c, i % 3 + 1, freq, orig, st, d, "P", d, d, "", "", "", "",
			      "11", "", "9921" i % 5, "", "Z00.00|F32." i % 10, "", "1234567893", "",
			      "10.00", "8.00"
			if (i % 23 == 0)
				print "s1", seq, m, c, i % 3 + 1, freq, orig, st, d, "P", d, d, "", "",
				      "", "", "11", "", "9921" i % 5, "", "Z00.00|F32." i % 10, "",
				      "1234567893", "", "10.00", "8.00"
		}
	}'
}

test_expect_success 'setup: fixtures plus 20000 generated claim lines' '
	normalize_setup &&
	gen_claims 10000 1 | $TEST_TOOL rec-write medical_claims 1 ws/ingest/000003-medical_claims.rec.zst &&
	gen_claims 10000 4 | $TEST_TOOL rec-write medical_claims 1 ws/ingest/000004-medical_claims.rec.zst &&
	normalize_register ws/ingest/00000[34]-medical_claims.rec.zst
'

test_expect_success 'in-memory run' '
	cco-normalize -v -c cfg.ini 2>err &&
	test_grep "medical_claims: 4 files, 2[0-9]* rows, 0 sort runs" err &&
	mkdir mem && cp ws/normalize/* mem/ && cp err mem.err
'

test_expect_success 'a 16 KB sort buffer spills many runs and merges in passes' '
	cco-normalize -v -c cfg.ini --set limits.sort_buffer_kb=16 2>err &&
	runs=$(sed -n "s/.*medical_claims: 4 files.* \([0-9]*\) sort runs/\1/p" err) &&
	test "$runs" -gt 128
'

test_expect_success 'spilled outputs are byte for byte the in-memory outputs' '
	for f in mem/*; do cmp $f ws/normalize/${f#mem/} || return 1; done &&
	grep -v "sort runs" mem.err >a && grep -v "sort runs" err >b && test_cmp a b
'

test_expect_success 'on one thread (limits.threads=1), spilled or not, the same bytes' '
	cco-normalize -q -c cfg.ini --set limits.threads=1 --set limits.sort_buffer_kb=16 &&
	for f in mem/*; do cmp $f ws/normalize/${f#mem/} || return 1; done &&
	cco-normalize -q -c cfg.ini --set limits.threads=1 &&
	for f in mem/*; do cmp $f ws/normalize/${f#mem/} || return 1; done
'

test_expect_success 'no sort runs are left behind' '
	test $(ls ws/tmp | wc -l) -eq 0
'

test_expect_success 'runs compressed with zstd (limits.sort_level) give the same outputs' '
	cco-normalize -q -c cfg.ini --set limits.sort_buffer_kb=16 --set limits.sort_level=3 &&
	for f in mem/*; do cmp $f ws/normalize/${f#mem/} || return 1; done &&
	test $(ls ws/tmp | wc -l) -eq 0
'

test_expect_success 'the memory limit picks the buffer: 16 MB holds this input' '
	cco-normalize -v -c cfg.ini --set limits.memory_mb=16 2>err &&
	test_grep "medical_claims: 4 files, .* 0 sort runs" err &&
	for f in mem/*; do cmp $f ws/normalize/${f#mem/} || return 1; done
'

test_expect_success 'killed while spilling: temp runs and outputs removed, old outputs kept' '
	gen_claims 60000 5 | $TEST_TOOL rec-write medical_claims 1 ws/ingest/000005-medical_claims.rec.zst &&
	normalize_register ws/ingest/000005-medical_claims.rec.zst &&
	{ cco-normalize -q -c cfg.ini --set limits.sort_buffer_kb=16 & pid=$!; } &&
	for i in $(seq 100); do
		test -n "$(ls ws/tmp)" && break
		sleep 0.05
	done &&
	test -n "$(ls ws/tmp)" &&
	kill -TERM $pid &&
	{ wait $pid; test $? -eq 143; } &&
	test -z "$(ls ws/tmp)" &&
	! ls ws/normalize | grep -q tmp &&
	for f in mem/*; do cmp $f ws/normalize/${f#mem/} || return 1; done
'

test_done
