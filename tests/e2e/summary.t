#!/bin/bash
# The run summary: what each stage did, the rows it read and wrote, the
# rows rejected by reason, at the end of a run and in `log`; warnings
# that -q still prints; the same as JSON.  Progress on a terminal, and
# never elsewhere.
. "$(dirname "$0")/../lib.sh"

cp -r "$CCO_ROOT/config" cfg
sed -i -e "s|^extracts = .*|extracts = ../extracts|" \
       -e "s|^workspace = .*|workspace = ../ws|" cfg/pipeline.ini
# the damaged rows would trip data-quality checks too (tests/e2e/quality.t);
# without the default catalogue a run checks nothing
rm cfg/quality.ini
# 300 members, 1% of their rows damaged; files may reject up to 5%.
mkdir extracts &&
cco-gen -q -c cfg/pipeline.ini --members 300 --year 2025 --bad-rows 0.01 --out extracts
rm extracts/bad_rows_manifest.csv
run() { cco-pipeline run -c cfg/pipeline.ini --set limits.reject_threshold=0.05 "$@"; }

test_expect_success 'a run that rejected rows says how many, by reason, and warns once' '
	run >out 2>err &&
	test_grep "^cco-pipeline: run 1 ok: ingest ran, .*, export ran; [1-9][0-9]* rows rejected\$" out &&
	test_grep "^              rejected [1-9][0-9]*: [a-z_]*\(([a-z_]*)\)\? [0-9]*, " out &&
	test_grep "rejected [1-9][0-9]*: .*invalid_date(svc_from) [1-9][0-9]*" out &&
	test $(wc -l <err) -eq 1 &&
	test_grep "^cco-pipeline: warning: run 1 rejected [0-9]* of [0-9]* rows read ([0-9.]*%), over limits.reject_warning (0.10%)" err
'

test_expect_success 'the rejects in the summary are those in ingest'"'"'s run database' '
	sqlite3 ws/cco.db "SELECT sum(rejected), sum(rows_read) FROM extract" >db &&
	sqlite3 ws/cco.db "SELECT sum(count) FROM stage_reject WHERE run_id = 1;
		SELECT input_rows FROM stage_run WHERE run_id = 1 AND stage = \"ingest\"" |
		paste -sd"|" >ledger &&
	test_cmp db ledger &&
	n=$(cut -d"|" -f1 db) &&
	test_grep "rows rejected" out && test_grep "; $n rows rejected\$" out
'

test_expect_success 'log RUN prints the same stage lines' '
	cco-pipeline log -c cfg/pipeline.ini 1 >log &&
	grep "^  [a-z]" out >want && grep "^  [a-z]" log | sed 1d >got &&
	test_cmp want got
'

test_expect_success 'log --json carries the same, keys in a fixed order' '
	cco-pipeline log --json -c cfg/pipeline.ini 1 >json &&
	sqlite3 :memory: "SELECT json_valid(readfile(\"json\")),
		json_extract(readfile(\"json\"), \"\$.rejected\") = $(cut -d"|" -f1 db),
		json_array_length(readfile(\"json\"), \"\$.warnings\"),
		json_extract(readfile(\"json\"), \"\$.stages[0].rejects[0].count\") > 0,
		json_extract(readfile(\"json\"), \"\$.stages[1].rows_in\") > 0" >got &&
	echo "1|1|1|1|1" >want && test_cmp want got &&
	grep -o "\"[a-z_]*\":" json | head -8 | tr -d "\\n" >keys &&
	printf "%s" "\"run\":\"started\":\"finished\":\"status\":\"summary\":\"rows_read\":\"rejected\":\"warnings\":" >want &&
	test_cmp want keys
'

test_expect_success '-q prints the warning alone on a run that crosses it' '
	rm -r ws &&
	run -q >out 2>err &&
	! test -s out &&
	test $(wc -l <err) -eq 1 &&
	test_grep "^cco-pipeline: warning: run 1 rejected" err
'

test_expect_success '-q prints nothing when the rejects stay under limits.reject_warning' '
	rm -r ws &&
	run -q --set limits.reject_warning=0.5 >out 2>err &&
	! test -s out && ! test -s err &&
	cco-pipeline log --json -c cfg/pipeline.ini --set limits.reject_warning=0.5 >json &&
	sqlite3 :memory: "SELECT json_array_length(readfile(\"json\"), \"\$.warnings\")" >got &&
	echo 0 >want && test_cmp want got
'

test_expect_success 'a skipped stage says why, with no counts' '
	run >out 2>err &&
	test_grep "^  normalize  skipped  up to date (run 1)\$" out &&
	! test -s err
'

# on_tty CMD: run CMD with a terminal as its standard error (script(1)),
# what the terminal showed in tty.
on_tty() {
	script -qec "$*" /dev/null >tty
}

test_expect_success 'on a terminal, the driver shows each stage as it runs, then erases it' '
	on_tty cco-pipeline run --force -c cfg/pipeline.ini --set limits.reject_warning=0.5 &&
	for s in "1/5] ingest" "2/5] normalize" "3/5] attribute" "4/5] measure" "5/5] export"; do
		test_grep "cco-pipeline: \[$s, [0-9.]* s" tty || return 1
	done &&
	test_grep "\[K.*cco-pipeline: run [0-9]* ok: " tty
'

test_expect_success 'never on a non-terminal, nor with -q' '
	run --force --set limits.reject_warning=0.5 >out 2>err &&
	! test -s err &&
	! grep -q "\[1/5\]" out &&
	on_tty cco-pipeline run -q --force -c cfg/pipeline.ini --set limits.reject_warning=0.5 &&
	! test -s tty
'

# A progress line needs 4096 members and a quarter of a second: 20,000
# members natively, far fewer under valgrind (whose wrappers are scripts).
n=20000 hist=2
head -c 2 "$CCO_BIN/cco-gen" | grep -q "#!" && n=5000 hist=0

test_expect_success 'a stage writes its progress lines to the descriptor the driver names' '
	CCO_PROGRESS_FD=3 cco-gen -c cfg/pipeline.ini --members $n --year 2025 --history $hist \
		--out big 3>progress 2>err &&
	test_grep "^members: [0-9]* rows" progress &&
	! grep -q "MB/s" err &&
	cco-gen -c cfg/pipeline.ini --members $n --year 2025 --history $hist --out big2 2>err &&
	test_grep "cco-gen: $n members" err && ! grep -q "MB/s" err
'

test_done
