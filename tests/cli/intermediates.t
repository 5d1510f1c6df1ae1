#!/bin/bash
# Intermediate record files that are not what their producer wrote are
# refused by the stage that reads them: a file cut at a zstd frame
# boundary or, uncompressed, at a line boundary (cco-record(5), the
# trailer); a part file that is not the one cco-ingest recorded; a stage
# output that is not the one its producer listed in its manifest.
. "$(dirname "$0")/../lib.sh"

cco-gen -q --members 200 --year 2025 --months --valuesets "$CCO_ROOT/config/valuesets" --out ex
test_shipped_config

CLAIMS=ws/ingest/000009-medical_claims.rec.zst

# ingest [SET...]: a fresh workspace, every extract loaded in two parts
ingest() {
	rm -rf ws &&
	cco-ingest -q -c cfg/pipeline.ini --set limits.split_kb=0 "$@"
}

test_expect_success 'setup: a claims part file written in three frames' '
	ingest &&
	$TEST_TOOL zst-frames $CLAIMS >frames &&
	test $(wc -l <frames) -eq 3 &&
	cp $CLAIMS claims.whole &&
	cco-normalize -q -c cfg/pipeline.ini
'

test_expect_success 'cut at its first frame boundary, normalize refuses it' '
	head -c $(sed -n 1p frames) $CLAIMS >cut && mv cut $CLAIMS &&
	test_must_fail --code 1 cco-normalize -q -c cfg/pipeline.ini 2>err &&
	test_grep "^cco-normalize: .*000009-medical_claims.rec.zst:[0-9]*: truncated file (no trailer line" err &&
	test_must_fail --code 1 cco-cat --count $CLAIMS
'

test_expect_success 'cut at its second, before the trailer, the same' '
	head -c $(sed -n 2p frames) claims.whole >$CLAIMS &&
	test_must_fail --code 1 cco-normalize -q -c cfg/pipeline.ini 2>err &&
	test_grep "000009-medical_claims.rec.zst:[0-9]*: truncated file" err
'

test_expect_success 'a cut stage output is refused by the next stage' '
	cp claims.whole $CLAIMS && cco-normalize -q -c cfg/pipeline.ini &&
	out=ws/normalize/claims.rec.zst &&
	zstdcat $out | sed "\$d" | zstd -q >cut && mv cut $out &&
	test_must_fail --code 1 cco-attribute -q -c cfg/pipeline.ini 2>err &&
	test_grep "^cco-attribute: .*claims.rec.zst:[0-9]*: truncated file" err
'

test_expect_success 'uncompressed, cut at a line boundary, normalize refuses it' '
	ingest --set output.compression_level=0 &&
	cco-normalize -q -c cfg/pipeline.ini --set output.compression_level=0 &&
	head -n 20 $CLAIMS >cut && mv cut $CLAIMS &&
	test_must_fail --code 1 cco-normalize -q -c cfg/pipeline.ini 2>err &&
	test_grep "000009-medical_claims.rec.zst:21: truncated file (no trailer line" err
'

test_expect_success 'a part file swapped from another workspace is refused' '
	cco-gen -q --members 150 --year 2025 --months --seed 9 \
		--valuesets "$CCO_ROOT/config/valuesets" --out ex2 &&
	sed -e "s|^extracts = .*|extracts = ../ex2|" -e "s|^workspace = .*|workspace = ../ws2|" \
		cfg/pipeline.ini >cfg/other.ini &&
	cco-ingest -q -c cfg/other.ini &&
	ingest &&
	cp ws2/ingest/000009-medical_claims.rec.zst $CLAIMS &&
	cco-ingest -c cfg/pipeline.ini 2>err &&
	test_grep "already loaded" err &&
	test_must_fail --code 1 cco-normalize -q -c cfg/pipeline.ini 2>err &&
	test_grep "^cco-normalize: .*/000009-medical_claims.rec.zst: not the file cco-ingest wrote" err
'

test_expect_success 'a part file the run database does not know is refused' '
	cp claims.whole $CLAIMS &&
	cco-normalize -q -c cfg/pipeline.ini &&
	cp ws2/ingest/000009-medical_claims.rec.zst ws/ingest/000999-medical_claims.rec.zst &&
	test_must_fail --code 1 cco-normalize -q -c cfg/pipeline.ini 2>err &&
	test_grep "000999-medical_claims.rec.zst: not a file cco-ingest recorded" err
'

# A stage output swapped in from ws2 (other extracts): the stage reading
# it refuses it, naming it, and leaves its own outputs as they were.

# whole CFG: every stage of CFG's workspace, by hand
whole() {
	for s in ingest normalize attribute measure export; do
		cco-$s -q -c "$1" || return 1
	done
}

# digest DIR: one line per file under DIR, with its content's digest
digest() {
	find "$1" -type f | sort | xargs sha1sum
}

# swap_refused CONSUMER STAGE/FILE: with ws2's FILE in ws, CONSUMER
# exits 1 naming it and its outputs are unchanged; ws's file is restored.
swap_refused() {
	out=$(echo "$1" | sed "s/^cco-//") &&
	digest ws/$out >before &&
	cp ws/$2 saved && cp ws2/$2 ws/$2 &&
	test_must_fail --code 1 $1 -q -c cfg/pipeline.ini 2>err &&
	cp saved ws/$2 &&
	test_grep "^$1: .*ws/$2: not the file cco-${2%%/*} wrote ([0-9]* rows" err &&
	digest ws/$out >after &&
	test_cmp before after
}

test_expect_success 'setup: two workspaces from different extracts' '
	rm -rf ws ws2 &&
	whole cfg/pipeline.ini && whole cfg/other.ini &&
	cut -f1 ws/normalize/manifest | grep -qx claims.rec.zst &&
	test_mode ws/normalize/manifest 600
'

test_expect_success 'each stage lists its record files, rows and xxh3' '
	for s in normalize attribute measure; do
		ls ws/$s | grep "\.rec\.zst\$" | sort >files &&
		cut -f1 ws/$s/manifest | sort >listed &&
		test_cmp files listed || return 1
	done &&
	rows=$(cco-cat --count ws/measure/results.rec.zst) &&
	grep -qx "results.rec.zst	$rows	[0-9a-f]\{16\}" ws/measure/manifest
'

test_expect_success 'attribute refuses a swapped normalize output' '
	swap_refused cco-attribute normalize/claims.rec.zst &&
	swap_refused cco-attribute normalize/providers.rec.zst
'

test_expect_success 'measure refuses a swapped attribute or normalize output' '
	swap_refused cco-measure attribute/attribution.rec.zst &&
	swap_refused cco-measure normalize/claims.rec.zst
'

test_expect_success 'export refuses a swapped measure output' '
	swap_refused cco-export measure/aggregates.rec.zst &&
	swap_refused cco-export measure/results.rec.zst
'

test_expect_success 'a missing or damaged manifest, or one without the file, is refused' '
	mv ws/attribute/manifest saved &&
	test_must_fail --code 1 cco-measure -q -c cfg/pipeline.ini 2>err &&
	test_grep "^cco-measure: .*ws/attribute/manifest: missing" err &&
	grep -v "^attribution" saved >ws/attribute/manifest &&
	test_must_fail --code 1 cco-measure -q -c cfg/pipeline.ini 2>err &&
	test_grep "ws/attribute/attribution.rec.zst: not a file cco-attribute wrote" err &&
	sed "1s/\t[0-9a-f]*\$/\t0x12/" saved >ws/attribute/manifest &&
	test_must_fail --code 1 cco-measure -q -c cfg/pipeline.ini 2>err &&
	test_grep "ws/attribute/manifest:1: damaged manifest" err &&
	mv saved ws/attribute/manifest &&
	cco-measure -q -c cfg/pipeline.ini
'

test_expect_success 'cco-pipeline reruns the producer of a swapped output' '
	cco-pipeline run -q -c cfg/pipeline.ini &&
	cp ws/export/partner_metrics.csv metrics.before &&
	cp ws2/normalize/claims.rec.zst ws/normalize/claims.rec.zst &&
	cco-pipeline run --dry-run -c cfg/pipeline.ini >plan 2>&1 &&
	test_grep "outputs fail verification: .*claims.rec.zst: not the file cco-normalize wrote" plan &&
	cco-pipeline run -c cfg/pipeline.ini >out 2>err &&
	test_grep "normalize: running again" err &&
	test_cmp metrics.before ws/export/partner_metrics.csv &&
	cco-cat --count ws/normalize/claims.rec.zst >rows &&
	grep -qx "claims.rec.zst	$(cat rows)	[0-9a-f]*" ws/normalize/manifest
'

test_expect_success 'cco-pipeline reruns a producer whose manifest is missing' '
	rm ws/measure/manifest &&
	cco-pipeline run -c cfg/pipeline.ini >out 2>err &&
	test_grep "measure: running again: outputs fail verification: .*manifest: missing" err &&
	test -f ws/measure/manifest &&
	test_cmp metrics.before ws/export/partner_metrics.csv
'

test_done
