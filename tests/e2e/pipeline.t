#!/bin/bash
# The whole pipeline on the bundled sample, through cco-pipeline: a full
# run, a rerun that skips everything, a value-set edit that reruns only
# what reads value sets of measures, a failure in the middle and its
# resume, a target edit that reruns only export, and a run killed with
# SIGKILL then rerun to the same bytes.
. "$(dirname "$0")/../lib.sh"

# A private copy of the shipped configuration, reading the bundled sample.
cp -r "$CCO_ROOT/config" cfg
sed -i -e "s|^extracts = .*|extracts = $CCO_ROOT/sample-data/extracts|" \
       -e "s|^workspace = .*|workspace = ../ws|" cfg/pipeline.ini
run() { cco-pipeline run -c cfg/pipeline.ini "$@"; }

# outputs: every stage output with its content hash, for comparisons.
# results.db accumulates runs and records when each was made: its rows
# are compared without that timestamp.
outputs() {
	(cd ws && find ingest normalize attribute measure export -type f ! -name results.db |
		sort | xargs sha256sum)
	sqlite3 ws/export/results.db "SELECT run_id, measurement_year, as_of, config_hash FROM run;
		SELECT * FROM metric ORDER BY run_id, level, measure_id, submeasure, partner_id, clinic_id" |
		sha256sum
}

test_expect_success 'a full run on the sample succeeds with its summary, nothing on stderr' '
	run >out 2>err &&
	test $(wc -l <out) -eq 6 &&
	test_grep "^cco-pipeline: run 1 ok: ingest ran, normalize ran, attribute ran, measure ran, export ran\$" out &&
	test_grep "^  ingest     ran      [0-9.]* s, rows in 96041, out 96041; no successful run yet\$" out &&
	test_grep "^  measure    ran      [0-9.]* s, rows in [1-9][0-9]*, out [1-9][0-9]*; " out &&
	! test -s err
'

test_expect_success 'every stage wrote its outputs, privately' '
	test -s ws/normalize/claims.rec.zst &&
	test -s ws/attribute/attribution.rec.zst &&
	test -s ws/measure/aggregates.rec.zst &&
	test_mode ws/measure/results.rec.zst 600 &&
	cco-cat --count ws/measure/results.rec.zst >n && test $(cat n) -gt 1000
'

test_expect_success 'gap lists: a deadline and a clinic label on every row, no PCR or rate' '
	cat ws/export/gaps/*.csv | grep -v "^member_id," >gaps &&
	test $(wc -l <gaps) -gt 500 &&
	awk -F, "\$2 == \"\" || \$6 == \"\" || \$7 !~ /^(yes|no)\$/ ||
		\$3 ~ /^(PCR|AMB-ED|ED-MI)\$/" gaps >bad &&
	test_cmp /dev/null bad &&
	grep -q ",unattributed," gaps
'

# The sample has no evidence after the measurement year, so each curve
# ends at the numerator reported (strata and all).
test_expect_success 'monthly curves: December holds every numerator the run reports' '
	sqlite3 ws/export/results.db "SELECT count(DISTINCT measure_id), count(*) FROM metric_month" >n &&
	test "$(cut -d"|" -f1 n)" -gt 10 &&
	sqlite3 ws/export/results.db "SELECT mm.measure_id, mm.submeasure, mm.partner_id,
			mm.numerator, m.numerator
		FROM metric_month mm JOIN metric m USING (run_id, measure_id, submeasure, partner_id)
		WHERE m.level = \"partner\" AND mm.month = 12 AND mm.numerator != m.numerator" >bad &&
	test_cmp /dev/null bad
'

test_expect_success 'every loaded row is accounted for' '
	sqlite3 ws/cco.db "SELECT count(*) FROM extract WHERE rows_read != accepted + rejected" >bad &&
	echo 0 >expect && test_cmp expect bad
'

test_expect_success 'a rerun skips every stage' '
	outputs >before &&
	run >out &&
	test_grep "ingest skipped, normalize skipped, attribute skipped, measure skipped, export skipped" out &&
	outputs >after && test_cmp before after
'

# The configuration keys a stage's sources read (its config_*() calls, the
# two config_sort_bytes() reads, the workspace every program locks), each
# of which must be in the fingerprint its first run recorded.
source_keys() {
	grep -oE "^[[:space:]]*\{ \"[a-z_]+\.[a-z_]+\"" "$CCO_ROOT/libcco/config.c" |
		grep -oE "[a-z_]+\.[a-z_]+" >declared &&
	grep -ohE "\"[a-z_]+\.[a-z_]+\"" "$CCO_ROOT"/stages/$1/*.c | tr -d "\"" |
		grep -Fx -f declared
	grep -q config_sort_bytes "$CCO_ROOT"/stages/$1/*.c &&
		printf "limits.memory_mb\nlimits.sort_buffer_kb\n"
	echo run.workspace
}

for s in ingest normalize attribute measure export; do
	test_expect_success "$s fingerprints every configuration key its sources read" '
		source_keys '$s' | sort -u >keys &&
		test $(wc -l <keys) -gt 3 &&
		sqlite3 ws/cco.db "SELECT inputs FROM stage_run WHERE run_id = 1 AND stage = \"'$s'\"" >fp &&
		for k in $(cat keys); do test_grep "^(config $k)	" fp || return 1; done
	'
done

test_expect_success 'the configuration path however written reruns nothing' '
	cco-pipeline run -c ./cfg/../cfg//pipeline.ini >out &&
	test_grep "ingest skipped, normalize skipped, attribute skipped, measure skipped, export skipped" out
'

test_expect_success 'an export-only key reruns export alone, naming the key' '
	run --dry-run --set export.min_denominator=31 >plan &&
	grep -v "^[a-z]* *skip " plan >ran &&
	echo "export     run  (config export.min_denominator) changed" >expect &&
	test_cmp expect ran &&
	run --dry-run --set run.as_of=2026-02-28 --set limits.threads=1 >plan &&
	test_grep "^ingest .*run  (config limits.threads) changed\$" plan &&
	test_grep "^normalize .*run  (config run.as_of) changed, (config limits.threads) changed\$" plan
'

test_expect_success 'a measure value-set edit reruns only measure' '
	sed -i "/^vzv_vaccine,CPT,90716,/d" cfg/valuesets/immunizations.csv &&
	run --dry-run >plan &&
	test_grep "^measure .*run  .*valuesets/immunizations.csv changed" plan &&
	test_grep "^normalize .*skip" plan &&
	run >out &&
	test_grep "ingest skipped, normalize skipped, attribute skipped, measure ran, export ran" out
'

test_expect_success 'a target edit reruns only export' '
	sed -i "2s/,[0-9.]*,/,99.9,/" cfg/targets/2025.csv &&
	run >out &&
	test_grep "measure skipped, export ran" out
'

# (A directory where measure writes its temp file makes it fail: a broken
# definition would be found by pre-flight before any stage ran.)
test_expect_success 'a failing stage stops the run, keeps outputs, and the rerun resumes there' '
	cp ws/measure/aggregates.rec.zst good &&
	cp "$CCO_ROOT/config/valuesets/immunizations.csv" cfg/valuesets/ &&
	mkdir ws/measure/results.rec.zst.tmp &&
	test_must_fail --code 1 run >out 2>err &&
	test_grep "failed at measure (exit 1).*results.rec.zst.tmp" err &&
	cmp good ws/measure/aggregates.rec.zst &&
	rmdir ws/measure/results.rec.zst.tmp &&
	run >out &&
	test_grep "ingest skipped, normalize skipped, attribute skipped, measure ran, export ran" out
'

# started N: wait (up to a minute) until run N has begun, by its log file
started() {
	for i in $(seq 600); do
		test -e "ws/logs/run-$1.log" && return 0
		sleep 0.1
	done
	return 1
}

test_expect_success 'a run killed with SIGKILL leaves no torn output; a rerun gives the same bytes' '
	outputs >clean &&
	for delay in 0 0.3 0.6; do
		next=$(($(sqlite3 ws/cco.db "SELECT max(id) FROM run") + 1))
		cco-pipeline run --force -c cfg/pipeline.ini >/dev/null 2>&1 &
		pid=$!
		started $next && sleep $delay
		pkill -KILL -P $pid; kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		run >/dev/null &&
		outputs >again &&
		test_cmp clean again || return 1
	done
'

test_expect_success 'the killed runs are marked abandoned in the ledger' '
	sqlite3 ws/cco.db "SELECT count(*) > 0 FROM run WHERE status = \"abandoned\"" >out &&
	echo 1 >expect && test_cmp expect out
'

test_done
