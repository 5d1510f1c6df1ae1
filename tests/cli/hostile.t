#!/bin/bash
# Damaged and hostile input: a truncated, bit-flipped or newer-schema
# intermediate fed to a stage; configuration paths that point at the wrong
# files; a catastrophic regular expression; a line longer than any record.
# Each gives a clear message and a documented exit code, never a crash,
# a hang or a partial output.
. "$(dirname "$0")/../lib.sh"
. "$CCO_ROOT/tests/fixtures/normalize/setup.sh"

M2=ws/ingest/000002-medical_claims.rec.zst

# snapshot: every normalize output with its hash, and any temp file
snapshot() {
	(cd ws/normalize && sha256sum * && ls -a | grep '\.tmp' || true)
}

# flip FILE OFFSET: xor one byte of FILE (negative OFFSET: from the end)
flip() {
	python3 - "$1" "$2" <<-\PY
	import sys
	p, off = sys.argv[1], int(sys.argv[2])
	d = bytearray(open(p, "rb").read())
	d[off] ^= 0x20
	open(p, "wb").write(d)
	PY
}

test_expect_success 'setup: a normalized workspace from fixtures' '
	normalize_setup &&
	cco-normalize -q -c cfg.ini &&
	cp $M2 m2.good &&
	snapshot >before
'

test_expect_success 'a truncated intermediate: exit 1, named, outputs kept' '
	head -c 200 m2.good >$M2 &&
	test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
	echo "cco-normalize: ./$M2: truncated file (incomplete zstd frame)" >expect &&
	test_cmp expect err &&
	snapshot >after && test_cmp before after
'

test_expect_success 'a flipped checksum byte: exit 1, named, outputs kept' '
	cp m2.good $M2 && flip $M2 -1 &&
	test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
	echo "cco-normalize: ./$M2: damaged file (zstd: Restored data doesn'"'"'t match checksum)" >expect &&
	test_cmp expect err &&
	snapshot >after && test_cmp before after
'

test_expect_success 'a flipped byte inside the data: exit 1, damaged file' '
	for off in 20 100 200 300; do
		cp m2.good $M2 && flip $M2 $off &&
		test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
		test_grep "^cco-normalize: ./$M2: damaged file (zstd: " err || return 1
	done &&
	snapshot >after && test_cmp before after
'

test_expect_success 'a plain-text intermediate cut mid-line: exit 1, named' '
	zstd -qdc m2.good | head -c 300 >$M2 &&
	test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
	test_grep "^cco-normalize: ./$M2:[0-9]*: truncated file (last line has no newline)$" err &&
	snapshot >after && test_cmp before after
'

test_expect_success 'an intermediate of a newer schema version: exit 1, named' '
	zstd -qdc m2.good | sed "1s/schema=1/schema=2/" | zstd -q --check >$M2 &&
	test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
	echo "cco-normalize: ./$M2: '"'"'medical_claims'"'"' schema version 2, this program reads version 1" >expect &&
	test_cmp expect err &&
	snapshot >after && test_cmp before after &&
	cp m2.good $M2
'

test_expect_success 'an intermediate with two columns swapped: exit 1, the column named' '
	zstd -qdc m2.good | awk -F "\t" -v OFS="\t" \
		"NR > 1 && NF > 11 { t = \$10; \$10 = \$11; \$11 = t } { print }" |
		zstd -q --check >$M2 &&
	test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
	echo "cco-normalize: ./$M2: header column 10 is '"'"'svc_from'"'"', expected '"'"'claim_type'"'"'" >expect &&
	test_cmp expect err &&
	snapshot >after && test_cmp before after &&
	cp m2.good $M2
'

# ingest_config [KEY = VALUE...]: ing/p.ini, extracts in ing/ex/, layouts
# in ing/layouts/, the shipped patterns
ingest_config() {
	mkdir -p ing/ex ing/layouts &&
	{
		printf '[run]\nmeasurement_year = 2025\nas_of = 2026-03-31\nworkspace = ../iws\n'
		printf '[paths]\nextracts = ex\nlayouts = layouts\npatterns = %s\n' \
			"$CCO_ROOT/config/patterns.ini"
		for kv in "$@"; do printf '%s\n' "$kv"; done
	} >ing/p.ini
}

test_expect_success 'a path key naming the configuration itself: exit 2' '
	ingest_config &&
	sed -i "s|^patterns = .*|patterns = p.ini|" ing/p.ini &&
	test_must_fail --code 2 cco-ingest -c ing/p.ini 2>err &&
	echo "cco-ingest: ing/p.ini:2: unknown section [run]" >expect &&
	test_cmp expect err
'

test_expect_success 'the configuration directory as the layouts directory: exit 2' '
	ingest_config &&
	sed -i "s|^layouts = .*|layouts = .|" ing/p.ini &&
	test_must_fail --code 2 cco-ingest -c ing/p.ini 2>err &&
	echo "cco-ingest: ing/./p.ini:2: unknown section [run]" >expect &&
	test_cmp expect err
'

test_expect_success 'a patterns path outside the tree, not an INI file: exit 2' '
	ingest_config &&
	sed -i "s|^patterns = .*|patterns = /etc/passwd|" ing/p.ini &&
	test_must_fail --code 2 cco-ingest -c ing/p.ini 2>err &&
	test_grep "^cco-ingest: /etc/passwd:1: " err
'

test_expect_success 'a layouts path that does not exist: exit 2, file and line' '
	ingest_config &&
	sed -i "s|^layouts = .*|layouts = ../../nowhere|" ing/p.ini &&
	test_must_fail --code 2 cco-ingest -c ing/p.ini 2>err &&
	echo "cco-ingest: ing/p.ini:7: paths.layouts: no such directory '"'"'../../nowhere'"'"'" >expect &&
	test_cmp expect err
'

# a members layout whose language must match a catastrophic regex
write_layout() {
	cat >ing/layouts/evil.ini <<-\EOF
	[file]
	kind = members
	match = members\.csv
	source = test

	[patterns]
	evil = (a+)+$

	[members.member_id]
	column = member_id
	required = yes

	[members.birth_date]
	column = birth_date
	optional = yes

	[members.language]
	column = language
	format = evil
	reason = invalid_value
	EOF
}

test_expect_success 'a layout map entry without FROM:TO: exit 2, the entry named' '
	ingest_config && write_layout &&
	printf "[members.sex]\ncolumn = sex\nmap = female:F,oops\n" >>ing/layouts/evil.ini &&
	test_must_fail --code 2 cco-ingest -c ing/p.ini 2>err &&
	echo "cco-ingest: ing/layouts/evil.ini:23: map entries are FROM:TO, not '"'"'oops'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success 'catastrophic backtracking hits the match limit: rows rejected, fast' '
	rm -rf iws && ingest_config && write_layout &&
	long=$(head -c 5000 /dev/zero | tr "\0" a) &&
	{
		echo member_id,language &&
		seq -f "M%07g,aaaa" 1 400 &&
		seq -f "X%07g,${long}b" 1 3
	} >ing/ex/members.csv &&
	timeout 60 cco-ingest -c ing/p.ini 2>err &&
	test_grep "members.csv: extract 1 (evil): 403 rows, 400 accepted, 3 rejected" err &&
	cco-cat -H iws/ingest/000001-rejects.rec.zst | sed 1d | cut -f2,4-6 >out &&
	cat >expect <<-\EOF &&
	402	language	invalid_value	language does not match pattern evil
	403	language	invalid_value	language does not match pattern evil
	404	language	invalid_value	language does not match pattern evil
	EOF
	test_cmp expect out
'

test_expect_success 'a 16 MB line on standard input: one reject, the file fails, bounded' '
	rm -rf iws && ingest_config && write_layout &&
	{ echo member_id,language && head -c 16M /dev/zero | tr "\0" a && echo; } |
		test_must_fail --code 1 cco-ingest -c ing/p.ini --layout evil - 2>err &&
	cat >expect <<-\EOF &&
	cco-ingest: -: extract 1 (evil): 1 rows, 0 accepted, 1 rejected, 0 rows written
	cco-ingest: -:   malformed_csv: 1, e.g. line 2: the record is longer than 8388608 bytes
	cco-ingest: -: 100.00% of rows rejected, over the threshold of 1.00%: nothing loaded; the rejects are in 000001-rejects.rec.zst
	cco-ingest: 1 file over the reject threshold of 1.00%: - 100.00%
	EOF
	test_cmp expect err &&
	ls iws/ingest >out && echo 000001-rejects.rec.zst >kept && test_cmp kept out
'

# The 2 GB line itself only with the plain build: about 6 s there, far
# longer under valgrind, and ASan's shadow memory would hide the peak.
native=yes
head -c 2 "$CCO_BIN/cco-ingest" | grep -q '#!' && native=
case $CCO_BIN in */asan/*) native= ;; esac
if [ -n "$native" ] && command -v /usr/bin/time >/dev/null; then
	test_expect_success 'a 2 GB line on standard input: the same, in bounded memory' '
		rm -rf iws && ingest_config && write_layout &&
		{ echo member_id,language && head -c 2G /dev/zero | tr "\0" a && echo; } |
			test_must_fail --code 1 /usr/bin/time -o rss -f %M \
				cco-ingest -c ing/p.ini --layout evil - 2>err &&
		test_cmp expect err &&
		test $(tail -1 rss) -lt 65536
	'
fi

test_expect_success 'the over-long record is kept as a reject, cut to 1 KB' '
	rm -rf iws && ingest_config "[limits]" "reject_threshold = 0.5" && write_layout &&
	{ echo member_id,language && echo M1,a && head -c 9M /dev/zero | tr "\0" a &&
	  echo && echo M2,aa; } |
		cco-ingest -q -c ing/p.ini --layout evil - &&
	cco-cat -H iws/ingest/000001-rejects.rec.zst | sed 1d >rej &&
	cut -f2,5,6 rej >out &&
	printf "3\tmalformed_csv\tthe record is longer than 8388608 bytes\n" >expect &&
	test_cmp expect out &&
	test $(cut -f7 rej | wc -c) -eq 1025 &&
	cco-cat --count iws/ingest/000001-members.rec.zst >n && echo 2 >expect && test_cmp expect n
'

test_done
