#!/bin/bash
# cco-measure reads members on a thread of its own and hands them over in
# batches (limits.threads, limits.measure_batch): the results, aggregates,
# care flags and counts are byte for byte those of the run on one thread,
# whatever the batch, and a reader error fails the stage as on one thread.
. "$(dirname "$0")/../lib.sh"

cco-gen -q --members 400 --year 2025 --months --valuesets "$CCO_ROOT/config/valuesets" --out ex
test_shipped_config

# measure SET...: run cco-measure, then keep what it wrote as "outputs":
# its record files' bytes and its counts in cco.db
measure() {
	cco-measure -q -c cfg/pipeline.ini "$@" &&
	(cd ws/measure && sha1sum *.rec.zst) >outputs &&
	sqlite3 ws/cco.db "SELECT * FROM measure_count ORDER BY 1, 2, 3" >>outputs
}

test_expect_success 'setup: 400 members through attribute; one thread' '
	for s in ingest normalize attribute; do
		cco-$s -q -c cfg/pipeline.ini || return 1
	done &&
	measure --set limits.threads=1 &&
	mv outputs one &&
	test $(cco-cat --count ws/measure/results.rec.zst) -gt 400
'

test_expect_success 'the members reach partners of several batches (the fixture proves something)' '
	cco-cat -H ws/attribute/partner_months.rec.zst | awk -F"\t" "NR > 1 { print \$1, \$3 }" |
		awk "!(\$2 in seen) { seen[\$2] = 1; first[n++] = \$1 } END { print n, first[n - 1] }" >met &&
	test $(cut -d" " -f1 met) -gt 3 &&
	test "$(cut -d" " -f2 met)" != "$(cco-cat -H ws/normalize/members.rec.zst | sed -n 2p | cut -f1)"
'

test_expect_success 'two threads, batches of 7 members: the same bytes and counts' '
	measure --set limits.threads=2 --set limits.measure_batch=7 &&
	test_cmp one outputs
'

test_expect_success 'two threads, one member a batch: the same' '
	measure --set limits.threads=2 --set limits.measure_batch=1 &&
	test_cmp one outputs
'

test_expect_success 'two threads, the default batch: the same' '
	measure &&
	test_cmp one outputs
'

# cut_fails SET...: with the claims cut at a line boundary halfway,
# cco-measure exits 1 naming the file and commits nothing
cut_fails() {
	(cd ws/measure && sha1sum *) >before &&
	cp claims.cut ws/normalize/claims.rec.zst &&
	test_must_fail --code 1 cco-measure -q -c cfg/pipeline.ini "$@" 2>err &&
	cp claims.whole ws/normalize/claims.rec.zst &&
	test_grep "^cco-measure: .*normalize/claims.rec.zst:[0-9]*: truncated file" err &&
	(cd ws/measure && sha1sum *) >after &&
	test_cmp before after
}

test_expect_success 'setup: the claims uncompressed, and cut halfway' '
	cco-normalize -q -c cfg/pipeline.ini --set output.compression_level=0 &&
	cp ws/normalize/claims.rec.zst claims.whole &&
	n=$(wc -l <claims.whole) &&
	head -n $((n / 2)) claims.whole >claims.cut &&
	test $(cut -f1 claims.cut | sort -u | wc -l) -gt 100
'

test_expect_success 'claims cut short: two threads fail with the reader error, nothing committed' '
	cut_fails --set limits.threads=2 --set limits.measure_batch=7
'

test_expect_success 'claims cut short: one thread, the same' '
	cut_fails --set limits.threads=1
'

test_expect_success 'the claims whole again: two threads, the same outputs as before' '
	measure --set limits.measure_batch=7 &&
	test_cmp one outputs
'

test_done
