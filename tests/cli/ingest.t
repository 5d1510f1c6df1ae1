#!/bin/bash
# cco-ingest: default layouts, every reject reason, the run database,
# idempotent reloads, the reject threshold, odd files.
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/ingest

. "$FIX/config.sh"

# config DIR [LINE...]: cfg.ini loading extracts from DIR with the shipped
# layouts and patterns, workspace ws/
config() {
	dir=$1
	shift
	ingest_config "$dir" "$CCO_ROOT/config/layouts" "$@"
}

# sql QUERY: run a query on the run database
sql() {
	sqlite3 -separator ' ' ws/cco.db "$1"
}

test_expect_success '--help begins with the synopsis of the manual page' '
	cco-ingest --help | sed -n 1p >help &&
	sed -n "/^\.SH SYNOPSIS/,/^\.SH/p" "$CCO_ROOT/stages/ingest/cco-ingest.1" |
		sed "1d;\$d" | tr "\n" " " |
		sed -e "s/\\\\f[BIR]//g" -e "s/\\\\-/-/g" -e "s/^\.B //" -e "s/ \$//" \
		    -e "s/^/usage: /" >synopsis &&
	echo >>synopsis &&
	test_cmp synopsis help
'

test_expect_success 'the default extract loads, members first, outputs as expected' '
	config "$FIX/cco" &&
	cco-ingest -c cfg.ini 2>err &&
	ls ws/ingest >names &&
	cat >expect <<-\EOF &&
	000001-members.rec.zst
	000001-rejects.rec.zst
	000002-enrollment.rec.zst
	000002-rejects.rec.zst
	000003-partners.rec.zst
	000003-rejects.rec.zst
	000004-providers.rec.zst
	000004-rejects.rec.zst
	000005-pcp_assignments.rec.zst
	000005-rejects.rec.zst
	000006-immunizations.rec.zst
	000006-rejects.rec.zst
	000007-lab_results.rec.zst
	000007-rejects.rec.zst
	000008-medical_claims.rec.zst
	000008-rejects.rec.zst
	000009-pharmacy_claims.rec.zst
	000009-rejects.rec.zst
	EOF
	test_cmp expect names &&
	for e in "$FIX"/cco-expect/*.tsv; do
		b=$(basename "$e" .tsv) &&
		cco-cat -H ws/ingest/$b.rec.zst >out &&
		test_cmp "$e" out || return 1
	done &&
	test_grep "medical_claims_202501.csv: extract 8 (cco-medical-claims): 2 rows, 2 accepted, 0 rejected" err
'

test_expect_success 'outputs are mode 0600 in directories of mode 0700' '
	test_mode ws 700 && test_mode ws/ingest 700 &&
	test_mode ws/cco.db 600 &&
	for f in ws/ingest/*; do test_mode $f 600 || return 1; done
'

test_expect_success 'the run database records each file' '
	sql "SELECT seq, file, size, kind, layout, source, rows_read, accepted, rejected, rows_out, status FROM extract" >out &&
	cat >expect <<-\EOF &&
	1 members.csv 344 members cco-members cco 3 3 0 3 loaded
	2 enrollment.csv 125 enrollment cco-enrollment cco 2 2 0 2 loaded
	3 partners.csv 81 partners cco-partners cco 2 2 0 2 loaded
	4 providers.csv 181 providers cco-providers cco 2 2 0 2 loaded
	5 pcp_assignments.csv 84 pcp_assignments cco-pcp-assignments cco 1 1 0 1 loaded
	6 immunizations.csv 78 immunizations cco-immunizations cco 2 2 0 2 loaded
	7 lab_results.csv 72 lab_results cco-lab-results cco 1 1 0 1 loaded
	8 medical_claims_202501.csv 818 medical_claims cco-medical-claims cco 2 2 0 2 loaded
	9 pharmacy_claims.csv 232 pharmacy_claims cco-pharmacy-claims cco 2 2 0 2 loaded
	EOF
	test_cmp expect out &&
	sql "SELECT hash FROM extract WHERE seq = 1" >out &&
	$TEST_TOOL hash "$FIX/cco/members.csv" >expect &&
	test_cmp expect out
'

test_expect_success 'loading the same files again adds nothing and says so' '
	cp ws/cco.db before.db &&
	cco-ingest -c cfg.ini 2>err &&
	test_grep "members.csv: already loaded as extract 1, nothing added" err &&
	test $(grep -c "already loaded" err) -eq 9 &&
	test $(ls ws/ingest | wc -l) -eq 18 &&
	sql "SELECT count(*) FROM extract" >out && echo 9 >expect && test_cmp expect out
'

test_expect_success 'a new file for the same kind is a further extract' '
	mkdir -p feb &&
	sed "s/^C1,/C101,/; s/^C2,/C102,/" "$FIX/cco/medical_claims_202501.csv" >feb/medical_claims_202502.csv &&
	cco-ingest -c cfg.ini feb/medical_claims_202502.csv 2>err &&
	test_grep "extract 10 (cco-medical-claims): 2 rows, 2 accepted" err &&
	test_grep "warning: medical_claims_202502.csv: 2 accepted rows dated outside the period 2025-02-01..2025-02-28" err &&
	sql "SELECT out_of_period FROM extract WHERE seq IN (8, 10)" >out &&
	printf "0\n2\n" >expect && test_cmp expect out &&
	cco-cat -H ws/ingest/000010-medical_claims.rec.zst | cut -f2,4 >out &&
	printf "extract\tclaim_id\n10\tC101\n10\tC102\n" >expect &&
	test_cmp expect out
'

test_expect_success 'every reject reason, with line, field and raw row' '
	rm -rf ws && config "$FIX/cco" "[limits]" "reject_threshold = 1" &&
	cco-ingest -c cfg.ini "$FIX/cco/members.csv" 2>/dev/null &&
	cco-ingest -c cfg.ini --layout cco-medical-claims "$FIX/bad/medical_claims.csv" 2>err &&
	test_cmp "$FIX/bad-expect/stderr" err &&
	cco-cat -H ws/ingest/000002-rejects.rec.zst >out &&
	test_cmp "$FIX/bad-expect/rejects.tsv" out &&
	cco-cat -H ws/ingest/000002-medical_claims.rec.zst >out &&
	test_cmp "$FIX/bad-expect/medical_claims.tsv" out
'

test_expect_success 'read = accepted + rejected, rejects counted by reason' '
	sql "SELECT rows_read, accepted, rejected FROM extract WHERE seq = 2" >out &&
	echo "15 5 10" >expect && test_cmp expect out &&
	sql "SELECT reason, count, example_line FROM extract_reject WHERE seq = 2 ORDER BY example_line" >out &&
	cat >expect <<-\EOF &&
	malformed_csv 1 4
	column_count 1 5
	invalid_encoding 1 6
	missing_field 1 7
	invalid_date 2 8
	invalid_code 1 10
	invalid_npi 1 11
	invalid_value 1 12
	unknown_member 1 13
	EOF
	test_cmp expect out
'

test_expect_success 'a date seen before is judged again the same way' '
	rm -rf ws && config "$FIX/cco" "[limits]" "reject_threshold = 1" &&
	cco-ingest -c cfg.ini "$FIX/cco/members.csv" 2>/dev/null &&
	sed -n "1p; 2p; 2p; 8p; 8p; 9p; 9p" "$FIX/bad/medical_claims.csv" >dates.csv &&
	cco-ingest -c cfg.ini --layout cco-medical-claims dates.csv 2>err &&
	test_grep "6 rows, 2 accepted, 4 rejected" err &&
	test_grep "invalid_date(svc_from): 4, e.g. line 4: svc_from is not a date written YYYY-MM-DD$" err
'

test_expect_success 'the latest plausible date is 2027-12-31 for 2025, whatever the as-of date' '
	head -1 "$FIX/bad/medical_claims.csv" >late.csv &&
	for d in 2026-02-01 2027-12-31 2028-01-01; do
		sed -n "2s/^C1,1,M0000001,P,1,,paid,2025-02-01,2025-01-15,2025-01-15,/C1,1,M0000001,P,1,,paid,$d,$d,$d,/p" \
			"$FIX/bad/medical_claims.csv" >>late.csv
	done &&
	for as_of in 2025-01-31 2026-03-31; do
		cco-ingest -c cfg.ini --set run.as_of=$as_of --set run.workspace=ws-$as_of \
			--layout cco-medical-claims late.csv 2>err &&
		test_grep "3 rows, 2 accepted, 1 rejected" err &&
		test_grep "invalid_date(adjudicated_date): 1, e.g. line 4: adjudicated_date is outside the plausible range$" err || return 1
	done
'

test_expect_success 'a claim line number of -1 or 0 is rejected as invalid_value' '
	head -2 "$FIX/bad/medical_claims.csv" >lines.csv &&
	for n in -1 0 007; do
		sed -n "2s/^C1,1,/C1,$n,/p" "$FIX/bad/medical_claims.csv" >>lines.csv
	done &&
	cco-ingest -c cfg.ini --layout cco-medical-claims lines.csv 2>err &&
	test_grep "4 rows, 2 accepted, 2 rejected" err &&
	test_grep "invalid_value(line_no): 2, e.g. line 3: line_no does not match pattern positive$" err
'

test_expect_success 'a procedure code with modifiers written into it is accepted, and normalize splits it' '
	head -1 "$FIX/bad/medical_claims.csv" >procs.csv &&
	k=0 &&
	for c in 99213-25 "99213 59-76" 9921391 G0101-Q5 99213-2 99213-25- 99213-25-59-76-91-AA; do
		k=$((k + 1)) &&
		sed -n "2s/^C1,\(.*\),99213,25,/P$k,\1,$c,,/p" "$FIX/bad/medical_claims.csv" >>procs.csv
	done &&
	cco-ingest -c cfg.ini --set run.workspace=ws9 --layout cco-medical-claims procs.csv 2>err &&
	test_grep "7 rows, 4 accepted, 3 rejected" err &&
	test_grep "invalid_code(procedure_code): 3, e.g. line 6" err &&
	cco-normalize -q -c cfg.ini --set run.workspace=ws9 \
		--set paths.valuesets="$CCO_ROOT/config/valuesets" &&
	cco-cat -H ws9/normalize/claims.rec.zst |
		awk -F"\t" "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
			{ print \$c[\"procedure_code\"], \$c[\"modifiers\"] }" | sort >out &&
	printf "99213 25\n99213 59|76\n99213 91\nG0101 Q5\n" >expect &&
	test_cmp expect out
'

test_expect_success 'logs carry no member ids or codes' '
	! grep -E "M00|F32|99213|1234567" err
'

test_expect_success 'over the reject threshold: exit 1, no rows loaded, the rejects kept, load failed' '
	rm -rf ws && config "$FIX/cco" &&
	cco-ingest -c cfg.ini "$FIX/cco/members.csv" 2>/dev/null &&
	test_must_fail --code 1 cco-ingest -c cfg.ini --layout cco-medical-claims "$FIX/bad/medical_claims.csv" 2>err &&
	test_grep "medical_claims.csv: 66.67% of rows rejected, over the threshold of 1.00%: nothing loaded; the rejects are in 000002-rejects.rec.zst$" err &&
	ls ws/ingest >out &&
	printf "000001-members.rec.zst\n000001-rejects.rec.zst\n000002-rejects.rec.zst\n" >expect &&
	test_cmp expect out &&
	test_mode ws/ingest/000002-rejects.rec.zst 600 &&
	cco-cat -H ws/ingest/000002-rejects.rec.zst >out &&
	test_cmp "$FIX/bad-expect/rejects.tsv" out &&
	sql "SELECT seq, status FROM extract" >out &&
	printf "1 loaded\n2 failed\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the last line names every file over the threshold, with its rate' '
	mkdir -p two && cp "$FIX/bad/medical_claims.csv" two/a.csv && cp two/a.csv two/b.csv &&
	test_must_fail --code 1 cco-ingest -c cfg.ini --layout cco-medical-claims two/a.csv two/b.csv 2>err &&
	tail -1 err >last &&
	echo "cco-ingest: 2 files over the reject threshold of 1.00%: a.csv 66.67%, b.csv 66.67%" >expect &&
	test_cmp expect last
'

test_expect_success 'rejects are counted by reason and field in the run database' '
	sql "SELECT reason, field, count, example_line FROM extract_reject WHERE seq = 2 ORDER BY 1, 2" >out &&
	grep -q "^invalid_date svc_from 2 8$" out && grep -q "^column_count  1 5$" out
'

test_expect_success 'a run database from before fields were counted is upgraded in place' '
	sqlite3 ws/cco.db "CREATE TABLE r AS SELECT seq, reason, sum(count) AS count, min(example_line) AS example_line FROM extract_reject GROUP BY 1, 2;
		DROP TABLE extract_reject;
		CREATE TABLE extract_reject (seq INTEGER NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL, example_line INTEGER NOT NULL, PRIMARY KEY (seq, reason));
		INSERT INTO extract_reject SELECT * FROM r; DROP TABLE r" &&
	n=$(sqlite3 ws/cco.db "SELECT count(*) FROM extract_reject") &&
	cco-ingest -q -c cfg.ini "$FIX/cco/members.csv" &&
	sqlite3 ws/cco.db "SELECT count(*), count(DISTINCT field) FROM extract_reject" >out &&
	echo "$n|1" >expect && test_cmp expect out
'

test_expect_success 'a failed file can be loaded again once the threshold allows' '
	cco-ingest -c cfg.ini --set limits.reject_threshold=0.9 --layout cco-medical-claims "$FIX/bad/medical_claims.csv" 2>err &&
	test_grep "extract 5 (cco-medical-claims): 15 rows, 5 accepted" err
'

test_expect_success 'without a members file the member check is skipped' '
	rm -rf ws &&
	cco-ingest -c cfg.ini "$FIX/cco/immunizations.csv" 2>err &&
	test_grep "2 rows, 2 accepted" err
'

test_expect_success 'members of earlier loads are known to later runs' '
	rm -rf ws &&
	cco-ingest -c cfg.ini "$FIX/cco/members.csv" 2>/dev/null &&
	sed "2s/M0000002/M0000009/" "$FIX/cco/immunizations.csv" >immunizations.csv &&
	cco-ingest -c cfg.ini --set limits.reject_threshold=1 immunizations.csv 2>err &&
	test_grep "2 rows, 1 accepted, 1 rejected" err &&
	test_grep "unknown_member(member_id): 1, e.g. line 2: member_id is not in any loaded members file$" err
'

test_expect_success 'a 0-byte file does not fit a layout with a header; a header-only file loads no rows' '
	rm -rf ws && mkdir -p odd &&
	: >odd/immunizations.csv &&
	test_must_fail --code 1 cco-ingest -c cfg.ini odd/immunizations.csv 2>err &&
	test_grep "immunizations.csv: no header row: the file does not fit its layout" err &&
	! ls ws/ingest | grep -q immunizations &&
	head -1 "$FIX/cco/lab_results.csv" >odd/lab_results.csv &&
	cco-ingest -c cfg.ini odd/lab_results.csv 2>err &&
	test_grep "0 rows, 0 accepted, 0 rejected" err &&
	cco-cat --count ws/ingest/000001-lab_results.rec.zst >out &&
	echo 0 >expect && test_cmp expect out
'

test_expect_success 'a header naming a column twice is refused, naming the column' '
	printf "member_id,result_date,loinc,value,Member_ID\nM1,2025-01-02,4548-4,7,M2\n" >odd/lab_results.csv &&
	test_must_fail --code 1 cco-ingest -c cfg.ini odd/lab_results.csv 2>err &&
	test_grep "lab_results.csv: column .Member_ID. appears twice in the header" err &&
	printf "member_id,result_date,loinc,value,unit,,\nM1,2025-01-02,4548-4,7,%%,,\n" >odd/lab_results.csv &&
	cco-ingest -c cfg.ini odd/lab_results.csv 2>err &&
	test_grep "1 rows, 1 accepted" err
'

test_expect_success 'a last row without a final newline is read' '
	printf "member_id,result_date,loinc,value,unit\nM1,2025-01-02,4548-4,7,%%" >odd/lab_results.csv &&
	cco-ingest -c cfg.ini odd/lab_results.csv 2>err &&
	test_grep "1 rows, 1 accepted" err
'

test_expect_success 'an open quote takes the lines up to its closing quote into one reject, as documented' '
	{ echo "member_id,result_date,loinc,value,unit" &&
	  echo "M1,2025-01-02,4548-4,\"7,%" &&
	  echo "M2,2025-01-02,4548-4,7,\"%" &&
	  echo "M3,2025-01-02,4548-4,7,%"; } >odd/lab_results.csv &&
	cco-ingest -c cfg.ini --set limits.reject_threshold=1 odd/lab_results.csv 2>err &&
	test_grep "2 rows, 1 accepted, 1 rejected" err &&
	test_grep "malformed_csv: 1, e.g. line 2: the record is not valid delimited text" err &&
	sed -i "3s/\"//" odd/lab_results.csv &&
	cco-ingest -c cfg.ini --set limits.reject_threshold=1 odd/lab_results.csv 2>err &&
	test_grep "1 rows, 0 accepted, 1 rejected" err &&
	test_grep "malformed_csv: 1, e.g. line 2: the record is not valid delimited text" err &&
	grep -q "a quote that no line closes takes every line to the end of the" \
		"$CCO_ROOT/stages/ingest/cco-ingest.1"
'

test_expect_success 'a 1 MB field is loaded whole' '
	{ echo "member_id,result_date,loinc,value,unit" &&
	  printf "M1,2025-01-02,4548-4,%s,%%\n" "$(head -c 1048576 /dev/zero | tr "\0" 7)"; } >odd/lab_results.csv &&
	cco-ingest -c cfg.ini odd/lab_results.csv 2>err &&
	test_grep "1 rows, 1 accepted" err &&
	n=$(ls ws/ingest/*lab_results* | tail -1) &&
	cco-cat -H "$n" | tail -1 | cut -f6 | tr -d "\n" | wc -c >out &&
	echo 1048576 >expect && test_cmp expect out
'

test_expect_success 'NUL bytes reject the row as invalid_encoding' '
	printf "member_id,result_date,loinc,value,unit\nM1,2025-01-02,4548-4,7\0,%%\nM2,2025-01-02,4548-4,8,%%\n" >odd/lab_results.csv &&
	cco-ingest -c cfg.ini --set limits.reject_threshold=1 odd/lab_results.csv 2>err &&
	test_grep "2 rows, 1 accepted, 1 rejected" err &&
	test_grep "invalid_encoding: 1, e.g. line 2: the record holds invalid UTF-8" err
'

test_expect_success 'a file read from a pipe, with --layout' '
	rm -rf ws &&
	cat "$FIX/cco/members.csv" | cco-ingest -c cfg.ini --layout cco-members - 2>err &&
	test_grep "^cco-ingest: -: extract 1 (cco-members): 3 rows, 3 accepted" err &&
	cco-cat -H ws/ingest/000001-members.rec.zst >out &&
	test_cmp "$FIX/cco-expect/000001-members.tsv" out &&
	cat "$FIX/cco/members.csv" | cco-ingest -c cfg.ini --layout cco-members - 2>err &&
	test_grep "already loaded as extract 1" err
'

test_expect_success 'usage errors exit 2' '
	test_must_fail --code 2 cco-ingest -c cfg.ini - </dev/null 2>err &&
	test_grep "standard input needs --layout" err &&
	test_must_fail --code 2 cco-ingest -c cfg.ini "$FIX/bad-expect/stderr" 2>err &&
	test_grep "no layout matches .*stderr" err &&
	test_must_fail --code 2 cco-ingest -c cfg.ini --layout nope x.csv 2>err &&
	test_grep "no layout named .nope." err
'

test_expect_success 'scanning a directory skips files no layout matches' '
	rm -rf ws && mkdir -p scan &&
	cp "$FIX/cco/members.csv" scan/ && echo hello >scan/notes.txt &&
	config scan && cco-ingest -c cfg.ini 2>err &&
	test_grep "warning: notes.txt: no layout matches, skipped" err &&
	test_grep "members.csv: extract 1" err
'

test_expect_success 'the ODHS custody roster loads by its layout; bad rows are rejected naming the field' '
	rm -rf ws && mkdir -p custody &&
	cp "$FIX/cco/members.csv" custody/ &&
	cat >custody/custody.csv <<-\EOF &&
	member_id,custody_start,custody_end
	M0000001,2025-03-01,
	M0000002,2025-02-01,2025-03-01
	M0000003,2025-13-01,
	,2025-04-01,
	M0000002,2025-09-01,2025-09-31
	EOF
	config custody && cco-ingest -c cfg.ini --set limits.reject_threshold=1 2>err &&
	test_grep "custody.csv: extract 2 (cco-custody): 5 rows, 2 accepted, 3 rejected" err &&
	cco-cat -H ws/ingest/000002-custody.rec.zst >out &&
	printf "source\tmember_id\tstart_date\tend_date\ncco\tM0000001\t2025-03-01\t\ncco\tM0000002\t2025-02-01\t2025-03-01\n" >expect &&
	test_cmp expect out &&
	sql "SELECT reason, field, count, example_line FROM extract_reject WHERE seq = 2 ORDER BY 4" >out &&
	cat >expect <<-\EOF &&
	invalid_date start_date 1 4
	missing_field member_id 1 5
	invalid_date end_date 1 6
	EOF
	test_cmp expect out
'

test_expect_success 'a missing input file is a run failure' '
	test_must_fail --code 1 cco-ingest -c cfg.ini --layout cco-members nothere.csv 2>err &&
	test_grep "cannot open .nothere.csv." err
'

test_done
