#!/bin/bash
# cco-ingest layouts: every option through small fixtures, and layout errors
# that name file and line.
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/ingest
. "$FIX/config.sh"

# config LAYOUTS: cfg.ini reading the option fixtures with LAYOUTS
config() {
	ingest_config "$FIX/opts" "$1" "[limits]" "reject_threshold = 1"
}

test_expect_success 'every option fixture loads as expected' '
	config "$FIX/layouts" &&
	cco-ingest -c cfg.ini 2>err &&
	test_cmp "$FIX/opts-expect/stderr" err &&
	for e in "$FIX"/opts-expect/*.tsv; do
		b=$(basename "$e" .tsv) &&
		cco-cat -H ws/ingest/$b.rec.zst >out &&
		test_cmp "$e" out || return 1
	done
'

# The cases below point at lines of the expected files, to say which
# option each one shows.
test_expect_success 'pipe delimiter, quote character, Latin-1, M/D/YYYY, map, constant, case, strip' '
	test_grep "^clinicx	M1	1980-01-02	F	unknown		français	972011234								$" "$FIX/opts-expect/000001-members.tsv" &&
	test_grep "^clinicx	M2	2019-05-06	M	unknown		eng|lish	97202								$" "$FIX/opts-expect/000001-members.tsv"
'

test_expect_success 'tab delimiter, no header, positions, BOM, CRLF, YYYYMMDD, quote none' '
	test_grep "^registry	3	M1	2024-01-05	20$" "$FIX/opts-expect/000003-immunizations.tsv" &&
	test_grep "imm.tsv	2	immunizations	cvx	invalid_code" "$FIX/opts-expect/000003-rejects.tsv" &&
	test_grep "imm.tsv	3	immunizations	imm_date	invalid_date" "$FIX/opts-expect/000003-rejects.tsv"
'

test_expect_success 'repeated column groups to rows, lists joined with |' '
	cut -f4,5,19,21,26 "$FIX/opts-expect/000004-medical_claims.tsv" >out &&
	cat >expect <<-\EOF &&
	claim_id	line_no	procedure_code	dx_codes	paid_amount
	W1	1	99213	F329|Z0000	10
	W1	3	G0444	F329|Z0000	5
	W2			E119	
	EOF
	test_cmp expect out
'

test_expect_success 'rows dated outside period_from..period_to are counted, kept' '
	test_grep "^cco-ingest: warning: wide.csv: 1 accepted rows dated outside the period 2025-01-01..2025-01-02$" "$FIX/opts-expect/stderr" &&
	test_grep "^wide	4	M1	W2	" "$FIX/opts-expect/000004-medical_claims.tsv"
'

test_expect_success 'spans derived from the file name year and a month count' '
	test_grep "^years	A		2024-01-01	2024-12-31	$" "$FIX/opts-expect/000002-enrollment.tsv" &&
	test_grep "^years	B		2024-01-01	2024-03-31	$" "$FIX/opts-expect/000002-enrollment.tsv" &&
	! grep "	C	" "$FIX/opts-expect/000002-enrollment.tsv"
'

# bad_layout NAME TEXT: layouts/NAME.ini holding TEXT, alone in its directory
bad_layout() {
	rm -rf bad && mkdir bad && printf "%s\n" "$2" >bad/$1.ini && config bad
}

test_expect_success 'an unknown key names layout file and line' '
	bad_layout k "[file]
kind = members
match = x
source = s
[members.member_id]
colour = blue" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "bad/k.ini:6: unknown key .colour. in a field section" err
'

# layout_refused NAME FIELDS WANT: a members layout NAME.ini whose [file]
# section is followed by FIELDS is refused (exit 2) with a message
# matching WANT
layout_refused() {
	bad_layout "$1" "[file]
kind = members
match = x
source = s
$2" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "bad/$1.ini:$3" err
}

# Numbers in a layout are whole numbers and nothing else: atoi() read
# "5five" as 5 and "0x3" as 0.
test_expect_success 'a number with trailing bytes names its key and line' '
	layout_refused z "[members.zip]
column = Zip
zero_pad = 5five" "7: zero_pad must be a width from 1 to 64, not .5five."
'

test_expect_success 'a position in hexadecimal names its key and line' '
	layout_refused x "header = no
[members.member_id]
position = 0x3" "7: position must be a positive column number, not .0x3."
'

test_expect_success 'columns and slots take whole numbers only' '
	layout_refused n "header = no
columns = +3" "6: columns must be a positive number, not .+3." &&
	layout_refused s "[members.member_id]
slots = 1.. 13" "6: slots must be a slot range like 1..13, not .1.. 13."
'

test_expect_success 'an unknown kind, column or pattern is refused' '
	bad_layout u "[file]
kind = nothing" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "u.ini:2: unknown kind .nothing." err &&
	bad_layout c "[file]
kind = members
[members.colour]
column = x" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "c.ini:4: section \[members.colour\]: members has no column .colour." err &&
	bad_layout p "[file]
kind = members
match = x
source = s
[members.member_id]
column = id
[members.birth_date]
column = dob
[members.zip]
column = z
format = postcode" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "p.ini: members.zip: no pattern .postcode." err
'

test_expect_success 'a layout that maps no member_id, claim id or date is refused, naming the key' '
	bad_layout m "[file]
kind = members
match = x
source = s
[members.birth_date]
column = dob" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "m.ini: \[members.member_id\] is missing: members rows cannot do without it" err &&
	sed "/^\[medical_claims.claim_id\]/,/^$/d" "$CCO_ROOT/config/layouts/cco-medical-claims.ini" >x.ini &&
	bad_layout c "$(cat x.ini)" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "c.ini: \[medical_claims.claim_id\] is missing" err &&
	sed "/^\[medical_claims.svc_from\]/,/^$/d" "$CCO_ROOT/config/layouts/cco-medical-claims.ini" >x.ini &&
	bad_layout d "$(cat x.ini)" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "d.ini: \[medical_claims.svc_from\] is missing" err
'

test_expect_success 'no claim type: refused, or derived from the bill type when the layout says so' '
	sed "/^\[medical_claims.claim_type\]/,/^$/d" "$CCO_ROOT/config/layouts/cco-medical-claims.ini" >x.ini &&
	bad_layout t "$(cat x.ini)" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "t.ini: \[medical_claims.claim_type\] is missing: .* (map the bill type with derive = bill_type: I with one, P without)" err &&
	mkdir -p derive/ex derive/layouts &&
	cp "$FIX/cco/medical_claims_202501.csv" derive/ex/ &&
	sed "/^\[medical_claims.claim_type\]/,/^$/c\\
[medical_claims.claim_type]\\
column = bill_type\\
derive = bill_type\\
" "$CCO_ROOT/config/layouts/cco-medical-claims.ini" >derive/layouts/m.ini &&
	ingest_config derive/ex derive/layouts "[limits]" "reject_threshold = 1" &&
	rm -rf ws && cco-ingest -q -c cfg.ini &&
	cco-cat -H ws/ingest/000001-medical_claims.rec.zst |
		awk -F"\t" -v OFS="|" "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
			{ print \$c[\"claim_id\"], \$c[\"bill_type\"], \$c[\"claim_type\"] }" | sort -u >out &&
	awk -F"|" "\$2 == \"\" && \$3 != \"P\" || \$2 != \"\" && \$3 != \"I\"" out >wrong &&
	test_cmp /dev/null wrong &&
	grep -q "|I\$" out && grep -q "|P\$" out &&
	rm -rf ws && config "$FIX/layouts"
'

test_expect_success 'a bad pattern override names its line' '
	bad_layout o "[file]
kind = members
[patterns]
zip = [0-9" &&
	test_must_fail --code 2 cco-ingest -c cfg.ini 2>err &&
	test_grep "o.ini:4: pattern zip: missing terminating \] for character class" err
'

test_expect_success 'a column missing from the header fails the file, not the run' '
	bad_layout h "[file]
kind = members
match = members\.psv
delimiter = |
source = s
[members.birth_date]
column = dob
[members.member_id]
column = NoSuchColumn" &&
	test_must_fail --code 1 cco-ingest -c cfg.ini 2>err &&
	test_grep "members.psv: column .NoSuchColumn. (for member_id) is not in the header" err
'

# Values that cleaning would leave as they are ("M1" with case = upper)
# are taken in place, the others copied and cleaned: both give the same
# as cleaning every value, in a record whose quoted field holds a TAB too.
test_expect_success 'case, strip and zero_pad on values clean already and not' '
	mkdir -p clean/in clean/layouts &&
	printf "ID,DOB,Lang,Zip\n" >clean/in/members.csv &&
	printf "M1,1980-01-02,eng,97201\n" >>clean/in/members.csv &&
	printf "m2,1980-01-02,ENG,97202-12\n" >>clean/in/members.csv &&
	printf "M3,1980-01-02,\"e\tng\",123\n" >>clean/in/members.csv &&
	printf "M4,1980-01-02,eng,9720\n" >>clean/in/members.csv &&
	cat >clean/layouts/m.ini <<-\EOF &&
	[file]
	kind = members
	match = members\.csv
	source = s
	[members.member_id]
	column = ID
	case = upper
	[members.birth_date]
	column = DOB
	[members.language]
	column = Lang
	case = lower
	[members.zip]
	column = Zip
	strip = -
	zero_pad = 5
	EOF
	rm -rf ws &&
	ingest_config "$PWD/clean/in" "$PWD/clean/layouts" &&
	cco-ingest -q -c cfg.ini &&
	cco-cat --no-meta ws/ingest/000001-members.rec.zst | cut -f2,7,8 >out &&
	printf "member_id\tlanguage\tzip\n" >expect &&
	printf "M1\teng\t97201\nM2\teng\t9720212\nM3\te ng\t00123\nM4\teng\t09720\n" >>expect &&
	test_cmp expect out
'

test_done
