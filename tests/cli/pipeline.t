#!/bin/bash
# cco-pipeline's own behaviour: usage, the workspace lock, a failing
# stage, runs killed before they finished, the ledger and its JSON.
# Whole runs over real stages are in tests/e2e/.
. "$(dirname "$0")/../lib.sh"

test_config
# What pre-flight checks before a run (tests/e2e/preflight.t), the field
# patterns, the year's targets and baselines and definitions that load,
# from the shipped set (the layouts directory is empty).
for d in valuesets measures targets baselines; do
	echo "$d = $CCO_ROOT/config/$d"
done >>cfg/p.ini
echo "patterns = $CCO_ROOT/config/patterns.ini" >>cfg/p.ini
export PATH=/usr/bin:/bin
P=$CCO_BIN/cco-pipeline

test_expect_success 'usage errors exit 2' '
	test_must_fail --code 2 $P &&
	test_must_fail --code 2 $P fly -c cfg/p.ini &&
	test_must_fail --code 2 $P run --only nosuch -c cfg/p.ini 2>err &&
	test_grep "no stage .nosuch." err &&
	test_must_fail --code 2 $P run --from normalize --to ingest -c cfg/p.ini &&
	test_must_fail --code 2 $P log x -c cfg/p.ini
'

test_expect_success 'a configuration error exits 2' '
	test_must_fail --code 2 $P run -c cfg/p.ini --set run.as_of=never 2>err &&
	test_grep "run.as_of must be a date" err
'

test_expect_success 'an as-of date before the measurement year exits 2, no stage run' '
	test_must_fail --code 2 $P run -c cfg/p.ini --set run.as_of=2024-06-30 2>err &&
	test_grep "run.as_of .2024-06-30. is before measurement year 2025" err &&
	test_must_fail --code 2 $P run -c cfg/p.ini --set run.measurement_year=2027 2>err &&
	test_grep "before measurement year 2027" err &&
	! test -e ws
'

test_expect_success 'a workspace that is a file, or under one, exits 2, no stage run' '
	test_must_fail --code 2 $P run -c cfg/p.ini --set run.workspace=/etc/passwd 2>err &&
	test_grep "run.workspace: not a directory ./etc/passwd." err &&
	sed "s|^workspace = .*|workspace = /etc/passwd/ws|" cfg/p.ini >cfg/file.ini &&
	test_must_fail --code 2 $P run -c cfg/file.ini 2>err &&
	test_grep "file.ini:[0-9]*: run.workspace: not a directory ./etc/passwd/ws." err &&
	! test -e ws
'

test_expect_success 'dry run before any run: every stage would run' '
	$P run --dry-run -c cfg/p.ini >out &&
	test_grep "^ingest .*run  no successful run yet" out &&
	test_grep "^normalize .*run  no successful run yet" out
'

# From here on ingest fails: its output directory is a file.
test_expect_success 'a stage that fails stops the run with one line and exit 1' '
	mkdir -p ws && : >ws/ingest &&
	test_must_fail --code 1 $P run -c cfg/p.ini >out 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "run 1 failed at ingest (exit 1).*log: .*run-1.log" err &&
	test_grep "cannot open .*/ws/ingest.: Not a directory" ws/logs/run-1.log &&
	test_grep "^  ingest     failed   [0-9.]* s, rows in 0, out 0; no successful run yet\$" out &&
	test_grep "^              exit 1: cco-ingest: cannot open .*ws/ingest.: Not a directory\$" out &&
	test $(wc -l <out) -eq 2
'

test_expect_success 'the ledger records the failed run and stage' '
	$P log -c cfg/p.ini >out &&
	test_grep "^run 1 .* failed" out &&
	test_grep "ingest .*failed" out &&
	! grep -q normalize out &&
	sqlite3 ws/cco.db "SELECT status, exit_code FROM stage_run" >db &&
	echo "failed|1" >expect && test_cmp expect db
'

test_expect_success 'log --json is one JSON object' '
	$P log --json -c cfg/p.ini >out &&
	sqlite3 :memory: "SELECT json_valid(readfile(\"out\")),
		json_extract(readfile(\"out\"), \"\$.run\"),
		json_extract(readfile(\"out\"), \"\$.stages[0].exit_code\")" >db &&
	echo "1|1|1" >expect && test_cmp expect db &&
	test_must_fail --code 1 $P log 9 -c cfg/p.ini 2>err &&
	test_grep "no run 9" err
'

test_expect_success 'with -q a failure is its one line alone' '
	test_must_fail --code 1 $P run -q -c cfg/p.ini >out 2>err &&
	test $(wc -l <err) -eq 1 && test_grep "failed at ingest" err &&
	! test -s out
'

test_expect_success 'a second run is refused while one holds the lock, naming its pid' '
	flock ws/.lock sh -c "echo \$\$ >ws/.lock && echo \$\$ >holder && $P run -c cfg/p.ini" >out 2>err
	test $? -eq 1 &&
	test_grep "another run or stage (pid $(cat holder)) holds the workspace lock" err
'

test_expect_success 'a holder whose pid is dead is not named (never a stale pid)' '
	sh -c "echo \$\$ >ws/.lock" &&
	flock ws/.lock $P run -c cfg/p.ini >out 2>err
	test $? -eq 1 &&
	test_grep "another run or stage holds the workspace lock" err
'

test_expect_success 'a run that fails planning a stage is recorded failed, never left running' '
	ln -s loop extracts/loop &&
	test_must_fail --code 1 $P run -c cfg/p.ini 2>err &&
	rm extracts/loop &&
	test_grep "ingest: cannot stat .*loop" err &&
	sqlite3 ws/cco.db "SELECT status FROM run ORDER BY id DESC LIMIT 1" >db &&
	echo failed >expect && test_cmp expect db &&
	test_must_fail --code 1 $P run -c cfg/p.ini 2>err &&
	! grep -q "did not finish" err
'

test_expect_success 'a run killed before it finished is marked abandoned' '
	sqlite3 ws/cco.db "INSERT INTO run (started, status) VALUES (\"x\", \"running\")" &&
	test_must_fail --code 1 $P run -c cfg/p.ini 2>err &&
	test_grep "1 earlier run(s) did not finish" err &&
	sqlite3 ws/cco.db "SELECT status FROM run WHERE started = \"x\"" >db &&
	echo abandoned >expect && test_cmp expect db
'

test_expect_success 'temp files a killed run left are swept, in subdirectories too' '
	mkdir -p ws/export/gaps ws/normalize ws/tmp &&
	: >ws/export/gaps/P01.csv.tmp && : >ws/normalize/claims.rec.zst.tmp &&
	: >ws/tmp/cco-sort-1-1 && : >ws/export/gaps/P01.csv &&
	test_must_fail --code 1 $P run -c cfg/p.ini 2>err &&
	test_grep "removed 3 temp files left by a killed run" err &&
	find ws -name "*.tmp" >left && find ws/tmp -type f >>left &&
	test_cmp /dev/null left && test -f ws/export/gaps/P01.csv &&
	rm -r ws/export ws/normalize
'

test_expect_success 'the workspace and logs are private' '
	test_mode ws 700 && test_mode ws/logs 700 && test_mode ws/logs/run-1.log 600
'

test_expect_success 'status shows the latest run and what would run' '
	$P status -c cfg/p.ini >out &&
	test_grep "failed" out &&
	test_grep "^a run now would:" out
'

test_expect_success 'a ledger made before the run summary is upgraded in place' '
	mkdir old &&
	sqlite3 old/cco.db "CREATE TABLE run (id INTEGER PRIMARY KEY, started TEXT NOT NULL,
			finished TEXT, status TEXT NOT NULL, command TEXT, summary TEXT);
		CREATE TABLE stage_run (run_id INTEGER NOT NULL REFERENCES run(id),
			stage TEXT NOT NULL, finished TEXT NOT NULL, seconds REAL,
			status TEXT NOT NULL, exit_code INTEGER, reason TEXT, input_hash TEXT,
			inputs TEXT, output_hash TEXT, output_rows INTEGER, summary TEXT,
			PRIMARY KEY (run_id, stage));
		INSERT INTO run VALUES (1, \"x\", \"y\", \"ok\", \"run\", \"ingest ran\");
		INSERT INTO stage_run (run_id, stage, finished, seconds, status, output_rows, reason)
			VALUES (1, \"ingest\", \"y\", 1.5, \"ok\", 7, \"forced\")" &&
	$P log -c cfg/p.ini --set run.workspace=old >out &&
	test_grep "^  ingest     ran      1.5 s, out 7; forced\$" out &&
	sqlite3 old/cco.db "SELECT count(*) FROM stage_reject" >n && echo 0 >zero && test_cmp zero n
'

test_done
