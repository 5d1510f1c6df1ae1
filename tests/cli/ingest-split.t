#!/bin/bash
# cco-ingest reads a large file in two parts at once (limits.threads,
# limits.split_kb): the outputs, rejects, run database and summary are
# those of a reading in one piece, wherever the cut falls.
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/ingest

. "$FIX/config.sh"

# config DIR [LINE...]: cfg.ini loading extracts from DIR with the shipped
# layouts and patterns, workspace ws/, no reject threshold
config() {
	dir=$1
	shift
	ingest_config "$dir" "$CCO_ROOT/config/layouts" "[limits]" "reject_threshold = 1" "$@"
}

# load FILE [OPTION...]: a fresh workspace with FILE loaded as
# immunizations, stderr in err
load() {
	f=$1
	shift
	rm -rf ws &&
	cco-ingest -c cfg.ini --layout cco-immunizations "$@" "$f" 2>err
}

# same_as NAME: the outputs and summary are split-expect/NAME's
same_as() {
	grep -v "read in \|runs on past" err >summary &&
	test_cmp "$FIX/split-expect/$1.stderr" summary &&
	cco-cat -H ws/ingest/000001-immunizations.rec.zst >out &&
	test_cmp "$FIX/split-expect/$1.tsv" out &&
	cco-cat -H ws/ingest/000001-rejects.rec.zst >out &&
	test_cmp "$FIX/split-expect/$1-rejects.tsv" out
}

# dump_db: the load's rows of the run database
dump_db() {
	sqlite3 -separator ' ' ws/cco.db \
		"SELECT * FROM extract ORDER BY seq; SELECT * FROM extract_reject ORDER BY seq, reason"
}

config "$FIX/split"

test_expect_success 'small files are read in one part by default' '
	load "$FIX/split/boundary.csv" -v &&
	! grep "read in" err &&
	same_as boundary
'

test_expect_success 'the cut right at the end of a record: two parts' '
	dump_db >one &&
	load "$FIX/split/boundary.csv" -v --set limits.split_kb=0 &&
	test_grep "boundary.csv: read in two parts, the second from byte 170" err &&
	same_as boundary &&
	dump_db >two &&
	test_cmp one two
'

test_expect_success 'the cut after a CRLF: two parts, rejects either side' '
	load "$FIX/split/crlf.csv" -v --set limits.split_kb=0 &&
	test_grep "read in two parts, the second from byte 153" err &&
	same_as crlf
'

test_expect_success 'a byte-order mark after the cut is data, as in one part' '
	load "$FIX/split/bom.csv" -v --set limits.split_kb=0 &&
	test_grep "read in two parts, the second from byte 127" err &&
	same_as bom
'

test_expect_success 'the cut inside a quoted field: read in one part after all' '
	load "$FIX/split/quoted.csv" -v --set limits.split_kb=0 &&
	test_grep "quoted.csv: a record runs on past byte 102: read in one part" err &&
	same_as quoted &&
	ls ws/ingest >names &&
	printf "000001-immunizations.rec.zst\n000001-rejects.rec.zst\n" >expect &&
	test_cmp expect names
'

test_expect_success 'only blank lines before the cut: the header after it' '
	load "$FIX/split/blank.csv" -v --set limits.split_kb=0 &&
	! grep "read in two" err &&
	same_as blank
'

test_expect_success 'no line feed after the middle: one part' '
	load "$FIX/split/nolf.csv" -v --set limits.split_kb=0 &&
	! grep "read in two" err &&
	same_as nolf
'

test_expect_success 'limits.threads = 1 reads in one part' '
	load "$FIX/split/crlf.csv" -v --set limits.split_kb=0 --set limits.threads=1 &&
	! grep "read in two" err &&
	same_as crlf
'

test_expect_success 'standard input is read in one part' '
	rm -rf ws &&
	cco-ingest -c cfg.ini -v --set limits.split_kb=0 --layout cco-immunizations - \
		<"$FIX/split/crlf.csv" 2>err &&
	! grep "read in two" err &&
	cco-cat -H ws/ingest/000001-immunizations.rec.zst >out &&
	test_cmp "$FIX/split-expect/crlf.tsv" out
'

test_expect_success 'outputs are mode 0600 and no temp file is left' '
	load "$FIX/split/crlf.csv" --set limits.split_kb=0 &&
	ls -a ws/ingest >names &&
	printf ".\n..\n000001-immunizations.rec.zst\n000001-rejects.rec.zst\n" >expect &&
	test_cmp expect names &&
	for f in ws/ingest/*; do test_mode $f 600 || return 1; done
'

test_expect_success 'a file split in two is recognised as already loaded' '
	cco-ingest -c cfg.ini --layout cco-immunizations "$FIX/split/crlf.csv" 2>err &&
	test_grep "already loaded as extract 1" err
'

test_expect_success 'every reject reason, from both parts, as in one part' '
	config "$FIX/cco" &&
	rm -rf ws &&
	cco-ingest -c cfg.ini "$FIX/cco/members.csv" 2>/dev/null &&
	cco-ingest -c cfg.ini -v --set limits.split_kb=0 --layout cco-medical-claims \
		"$FIX/bad/medical_claims.csv" 2>err &&
	test_grep "medical_claims.csv: read in two parts" err &&
	grep -v "read in" err >summary &&
	test_cmp "$FIX/bad-expect/stderr" summary &&
	cco-cat -H ws/ingest/000002-rejects.rec.zst >out &&
	test_cmp "$FIX/bad-expect/rejects.tsv" out &&
	cco-cat -H ws/ingest/000002-medical_claims.rec.zst >out &&
	test_cmp "$FIX/bad-expect/medical_claims.tsv" out
'

test_expect_success 'the run database holds what one part gives' '
	dump_db >two &&
	rm -rf ws &&
	cco-ingest -c cfg.ini "$FIX/cco/members.csv" 2>/dev/null &&
	cco-ingest -c cfg.ini --set limits.threads=1 --set limits.split_kb=0 \
		--layout cco-medical-claims "$FIX/bad/medical_claims.csv" 2>/dev/null &&
	dump_db >one &&
	test_cmp one two
'

test_expect_success 'every default extract: members in one part, the rest in two' '
	rm -rf ws one two &&
	cco-ingest -c cfg.ini --set limits.threads=1 2>err1 &&
	mkdir one two &&
	for f in ws/ingest/*; do cco-cat -H $f >one/${f##*/} || return 1; done &&
	dump_db >one/db &&
	rm -rf ws &&
	cco-ingest -c cfg.ini -v --set limits.split_kb=0 2>err &&
	! grep "members.csv: read in two" err &&
	test_grep "pharmacy_claims.csv: read in two parts" err &&
	for f in ws/ingest/*; do cco-cat -H $f >two/${f##*/} || return 1; done &&
	dump_db >two/db &&
	diff -r one two &&
	grep -v "read in \|runs on past" err >err2 &&
	test_cmp err1 err2
'

test_expect_success 'a split file that fails the threshold commits its rejects alone, whole' '
	rm -rf ws &&
	cco-ingest -c cfg.ini "$FIX/cco/members.csv" 2>/dev/null &&
	test_must_fail --code 1 cco-ingest -c cfg.ini --set limits.split_kb=0 \
		--set limits.reject_threshold=0.01 --layout cco-medical-claims \
		"$FIX/bad/medical_claims.csv" 2>err &&
	test_grep "66.67% of rows rejected" err &&
	ls -a ws/ingest >names &&
	printf ".\n..\n000001-members.rec.zst\n000001-rejects.rec.zst\n000002-rejects.rec.zst\n" >expect &&
	test_cmp expect names &&
	cco-cat -H ws/ingest/000002-rejects.rec.zst >out &&
	test_cmp "$FIX/bad-expect/rejects.tsv" out
'

test_done
