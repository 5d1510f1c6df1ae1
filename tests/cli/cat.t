#!/bin/bash
# cco-cat: prints, counts and validates record files written by the library.
. "$(dirname "$0")/../lib.sh"

printf 'gen\t1\tM1\t2024-01-05\t03\ngen\t1\tM2\t2024-02-01\t\n' >rows.tsv

test_expect_success 'write a record file with the library' '
	$TEST_TOOL rec-write immunizations 1 imm.rec <rows.tsv &&
	test_mode imm.rec 600 &&
	test ! -e imm.rec.tmp
'

test_expect_success 'the same rows give the same bytes' '
	awk "BEGIN { for (i = 0; i < 50000; i++) printf \"gen\t1\tM%07d\t2024-01-01\t03\n\", i }" >many.tsv &&
	$TEST_TOOL rec-write immunizations 1 a.rec <many.tsv &&
	$TEST_TOOL rec-write immunizations 1 b.rec <many.tsv &&
	cmp a.rec b.rec
'

test_expect_success 'zstdcat shows it to a person' '
	zstdcat imm.rec | head -2 >head &&
	printf "#cco-record\tkind=immunizations\tschema=1\tsort=none\nsource\textract\tmember_id\timm_date\tcvx\n" >expect &&
	test_cmp expect head
'

test_expect_success 'cco-cat prints metadata, header and rows' '
	cco-cat imm.rec >out &&
	zstdcat imm.rec >expect &&
	test_cmp expect out
'

test_expect_success '--no-meta prints a plain TSV table' '
	cco-cat --no-meta imm.rec >out &&
	zstdcat imm.rec | sed "1d;\$d" >expect &&
	test_cmp expect out
'

test_expect_success 'the file ends with its trailer: row count and checksum' '
	zstdcat imm.rec | tail -n 1 >last &&
	test_grep "^#cco-end	rows=2	xxh3=[0-9a-f]\{16\}\$" last
'

# frames FILE: FILE's text as three zstd frames (metadata and header, the
# rows, the trailer), as a record file written in parts is; the first
# two alone in FILE.cut, as if cut at a frame boundary
frames() {
	zstdcat imm.rec | head -n 2 | zstd -q >f1 &&
	zstdcat imm.rec | sed "1,2d;\$d" | zstd -q >f2 &&
	zstdcat imm.rec | tail -n 1 | zstd -q >f3 &&
	cat f1 f2 f3 >"$1" &&
	cat f1 f2 >"$1.cut"
}

test_expect_success 'a file in several frames reads as one' '
	frames three.rec &&
	test $($TEST_TOOL zst-frames three.rec | wc -l) -eq 3 &&
	cco-cat three.rec >out &&
	zstdcat imm.rec >expect &&
	test_cmp expect out
'

test_expect_success 'a file cut at a zstd frame boundary is refused' '
	test_must_fail --code 1 cco-cat --count three.rec.cut 2>err &&
	test_grep "cco-cat: three.rec.cut:5: truncated file (no trailer line" err &&
	test_must_fail --code 1 cco-cat -H three.rec.cut 2>err &&
	test_grep "truncated" err
'

test_expect_success 'an uncompressed file cut at a line boundary is refused' '
	$TEST_TOOL rec-write immunizations 0 plain.rec <rows.tsv &&
	head -n 3 plain.rec >plain.cut &&
	test_must_fail --code 1 cco-cat --count plain.cut 2>err &&
	test_grep "plain.cut:4: truncated file (no trailer line" err
'

# damaged_trailer NAME SED: plain.rec with sed expression SED applied to
# its text, as NAME
damaged() {
	sed "$2" plain.rec >"$1"
}

test_expect_success 'a trailer with the wrong row count is refused' '
	damaged count.rec "\$s/rows=2/rows=3/" &&
	test_must_fail --code 1 cco-cat --count count.rec 2>err &&
	test_grep "count.rec:5: damaged file (trailer counts 3 rows, the file has 2)" err
'

test_expect_success 'a row changed under its trailer is refused' '
	damaged changed.rec "3s/M1/M7/" &&
	test_must_fail --code 1 cco-cat --count changed.rec 2>err &&
	test_grep "changed.rec:5: damaged file (checksum mismatch)" err
'

test_expect_success 'a garbled trailer and data after the trailer are refused' '
	damaged garbled.rec "\$s/xxh3=/xxh4=/" &&
	test_must_fail --code 1 cco-cat --count garbled.rec 2>err &&
	test_grep "garbled.rec:5: damaged file (bad trailer line)" err &&
	{ cat plain.rec && printf "gen\t1\tM3\t2024-01-05\t03\n"; } >after.rec &&
	test_must_fail --code 1 cco-cat --count after.rec 2>err &&
	test_grep "after.rec:6: damaged file (data after the trailer line)" err
'

test_expect_success 'a file without a trailer, as written before trailers, is refused' '
	sed "\$d" plain.rec >old.rec &&
	test_must_fail --code 1 cco-cat old.rec 2>err &&
	test_grep "old.rec:5: truncated file (no trailer line; a file written before trailers must be written again)" err
'

test_expect_success '--count counts rows' '
	echo 2 >expect &&
	cco-cat --count imm.rec >out &&
	test_cmp expect out
'

test_expect_success '--head 1 prints one row' '
	cco-cat --head 1 imm.rec >out &&
	test $(wc -l <out) -eq 3
'

test_expect_success '--schema lists the columns' '
	cco-cat --schema imm.rec >out &&
	test_grep "^kind	immunizations$" out &&
	test_grep "^column	5	cvx$" out
'

test_expect_success 'reads an uncompressed file and stdin' '
	$TEST_TOOL rec-write immunizations 0 plain.rec <rows.tsv &&
	cco-cat --count plain.rec >out &&
	cco-cat --count - <imm.rec >>out &&
	printf "2\n2\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a truncated file is an error naming the file' '
	head -c 40 imm.rec >cut.rec &&
	test_must_fail --code 1 cco-cat --count cut.rec 2>err &&
	test_grep "cco-cat: cut.rec.*truncated" err
'

test_expect_success 'a flipped byte is an error' '
	size=$(stat -c %s imm.rec) &&
	cp imm.rec flip.rec &&
	printf "\\377" | dd of=flip.rec bs=1 seek=$((size - 6)) conv=notrunc 2>/dev/null &&
	test_must_fail --code 1 cco-cat --count flip.rec 2>err &&
	test_grep "cco-cat: flip.rec" err
'

test_expect_success 'a file that is not a record file is refused' '
	echo "member_id,dob" >x.csv &&
	test_must_fail --code 1 cco-cat x.csv 2>err &&
	test_grep "not a record file" err
'

test_expect_success 'a row with a missing field is an error with its line' '
	printf "#cco-record\tkind=immunizations\tschema=1\tsort=none\na\tb\tc\td\te\n1\t2\t3\t4\t5\n1\t2\t3\n" >ragged.rec &&
	test_must_fail --code 1 cco-cat --count ragged.rec 2>err &&
	test_grep "ragged.rec:4: row has 3 fields, header has 5" err
'

test_expect_success 'an empty file and a missing file are errors' '
	: >empty.rec &&
	test_must_fail --code 1 cco-cat empty.rec 2>err &&
	test_grep "empty file" err &&
	test_must_fail --code 1 cco-cat nosuch.rec 2>err &&
	test_grep "cannot open .nosuch.rec." err
'

test_expect_success 'usage errors exit 2' '
	test_must_fail --code 2 cco-cat &&
	test_must_fail --code 2 cco-cat --head x imm.rec &&
	test_must_fail --code 2 cco-cat --bogus imm.rec
'

test_expect_success 'a record file with a newer schema is refused by a reader' '
	printf "#cco-record\tkind=immunizations\tschema=2\tsort=none\nsource\n" >new.rec &&
	cco-cat --schema new.rec >out &&
	test_grep "not the current version" out
'

test_done
