#!/bin/bash
# Intermediate record files that are not what their producer wrote are
# refused by the stage that reads them: a file cut at a zstd frame
# boundary or, uncompressed, at a line boundary (cco-record(5), the
# trailer); a part file that is not the one cco-ingest recorded.
. "$(dirname "$0")/../lib.sh"

cco-gen -q --members 200 --year 2025 --months --valuesets "$CCO_ROOT/config/valuesets" --out ex
cp -r "$CCO_ROOT/config" cfg
sed -i -e "s|^extracts = .*|extracts = ../ex|" -e "s|^workspace = .*|workspace = ../ws|" \
	cfg/pipeline.ini

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

test_done
