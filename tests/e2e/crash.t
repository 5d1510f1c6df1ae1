#!/bin/bash
# Crash safety: the pipeline on a generated population is killed with
# SIGKILL (the driver and the stage it runs, then the driver alone) at 20
# moments spread over a run, from a fixed seed; after each, a plain rerun gives outputs
# byte-identical to an uninterrupted run, no temp file is ever found under
# an output's name, and none is left behind.  A part file cut at a zstd
# frame boundary is never read as fewer claims.
. "$(dirname "$0")/../lib.sh"

cco-gen -q --members 300 --year 2025 --months --valuesets "$CCO_ROOT/config/valuesets" --out ex
test_shipped_config
# small sort buffers, so normalize and measure spill runs to ws/tmp
printf '[limits]\nsort_buffer_kb = 64\n' >>cfg/pipeline.ini

# outputs: every stage output with its hash; the databases by content
outputs() {
	(cd ws && find ingest normalize attribute measure export -type f ! -name results.db |
		sort | xargs sha256sum)
	sqlite3 ws/cco.db "SELECT seq, file, hash, status FROM extract ORDER BY seq"
	sqlite3 ws/export/results.db "SELECT * FROM metric ORDER BY 1, 2, 3, 4, 5, 6, 7"
}

# valid_outputs: every record file under an output name reads to its end
# (a torn file taken for an output would fail here)
valid_outputs() {
	find ws -name '*.rec.zst' | sort >recs &&
	{ ! test -s recs || xargs cco-cat --count <recs >/dev/null; }
}

# same_as_clean WHAT: the outputs are those of the uninterrupted run and
# no temp file is left (WHAT names the kill in a failure)
same_as_clean() {
	outputs >again &&
	test_cmp clean again || { echo "after $1" >&2; return 1; }
	find ws -name "*.tmp" >left && find ws/tmp -type f >>left &&
	test_cmp /dev/null left || { echo "after $1" >&2; return 1; }
}

# the kill moments, from a fixed seed: a stage and a fraction of the
# time it took in the timed runs below (the first 3 moments when the
# programs run under valgrind, which makes each rerun some 20 times slower)
kills=20
head -c 2 "$CCO_BIN/cco-pipeline" | grep -q '#!' && kills=3
awk -v n=$kills 'BEGIN { srand(20261124)
	for (i = 0; i < n; i++) printf "%d %.3f\n", int(rand() * 5) + 1, rand() }' >moments

# stage_times RUN: "START_MS DURATION_MS" of each stage of run RUN, as
# the ledger timed it, the driver's own time before the first stage
# taken from the run's measured length (in file RUN_ms)
stage_times() {
	sqlite3 -separator " " ws/cco.db \
		"SELECT seconds FROM stage_run WHERE run_id = $1 ORDER BY rowid" |
	awk -v total=$(cat $1_ms) '{ d[NR] = $1 * 1000; sum += d[NR] }
		END { t = total - sum; if (t < 0) t = 0
		      for (i = 1; i <= NR; i++) { printf "%d %d\n", t, d[i]; t += d[i] } }'
}

# ms CMD...: run CMD, print how long it took in milliseconds
ms() {
	start=$(date +%s%N) && "$@" && end=$(date +%s%N) &&
	echo $(( (end - start) / 1000000 ))
}

test_expect_success 'setup: an uninterrupted run and a forced rerun, timed' '
	ms cco-pipeline run -q -c cfg/pipeline.ini >1_ms &&
	outputs >clean &&
	ms cco-pipeline run --force -q -c cfg/pipeline.ini >2_ms &&
	outputs >again && test_cmp clean again &&
	stage_times 1 >fresh_times && test $(wc -l <fresh_times) -eq 5 &&
	stage_times 2 >force_times && test $(wc -l <force_times) -eq 5
'

# killed_in: the stages the killed run had finished (for the log)
killed_in() {
	sqlite3 ws/cco.db "SELECT count(*) FROM stage_run WHERE run_id =
		(SELECT max(id) FROM run)" 2>/dev/null || echo "no database yet"
}

# Odd kills start from an empty workspace (so ingest and every first
# write are interrupted too), even ones force a rerun of every stage.
test_expect_success "killed at $kills moments, each rerun gives the same bytes" '
	k=0 &&
	while read -r stage f; do
		k=$((k + 1))
		if [ $((k % 2)) -eq 1 ]; then rm -rf ws; force=; t=fresh; else force=--force; t=force; fi
		delay=$(sed -n ${stage}p ${t}_times |
			awk -v f=$f "{ printf \"%.3f\", (\$1 + f * \$2) / 1000 }")
		setsid cco-pipeline run $force -q -c cfg/pipeline.ini >/dev/null 2>&1 &
		pid=$!
		sleep $delay
		kill -KILL -- -$pid 2>/dev/null
		wait $pid 2>/dev/null
		echo "kill $k at ${delay}s ${force:-fresh}, aimed at stage $stage: stages done $(killed_in)" >>kills
		valid_outputs || return 1
		cco-pipeline run -q -c cfg/pipeline.ini || return 1
		same_as_clean "kill $k at ${delay}s" || return 1
	done <moments &&
	test $k -eq $kills
'
# where the kills landed, for the record
test -f kills && sed 's/^/# /' kills

test_expect_success 'a stage run by hand while the workspace is held is refused, naming the pid' '
	cco-pipeline run -q -c cfg/pipeline.ini &&
	outputs >before &&
	flock ws/.lock sh -c "echo \$\$ >ws/.lock && echo \$\$ >holder &&
		cco-normalize -q -c cfg/pipeline.ini" 2>err
	test $? -eq 1 &&
	test_grep "cco-normalize: another run or stage (pid $(cat holder)) holds the workspace lock" err &&
	outputs >after && test_cmp before after
'

test_expect_success 'an emptied output is verified, its stage run again, same bytes' '
	: >ws/measure/aggregates.rec.zst &&
	cco-pipeline run -c cfg/pipeline.ini >out 2>err &&
	test_grep "measure: running again: outputs fail verification: .*aggregates.rec.zst" err &&
	same_as_clean "an emptied output" &&
	: >ws/normalize/claims.rec.zst &&
	cco-pipeline run --force -q -c cfg/pipeline.ini &&
	same_as_clean "an emptied output and --force"
'

# Driver-only kills: the stage it runs must die with it (and so free the
# lock) and an immediate rerun must give the same bytes.
test_expect_success "the driver alone killed at $kills moments, each immediate rerun gives the same bytes" '
	k=0 &&
	while read -r stage f; do
		k=$((k + 1))
		delay=$(sed -n ${stage}p force_times |
			awk -v f=$f "{ printf \"%.3f\", (\$1 + f * \$2) / 1000 }")
		cco-pipeline run --force -q -c cfg/pipeline.ini >/dev/null 2>&1 &
		pid=$!
		sleep $delay
		kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		cco-pipeline run -q -c cfg/pipeline.ini 2>err ||
			{ echo "rerun after driver kill $k at ${delay}s:" >&2; cat err >&2; return 1; }
		same_as_clean "driver kill $k at ${delay}s" || return 1
	done <moments &&
	test $k -eq $kills
'

# A part file cut at a zstd frame boundary (every extract read in two
# parts, so each part file has several frames): the run that follows
# fails naming it, or rebuilds it; it never reports on half the claims.
test_expect_success 'a part file cut at a frame boundary: never half the claims' '
	rm -rf ws &&
	cco-pipeline run -q -c cfg/pipeline.ini --set limits.split_kb=0 &&
	outputs >split &&
	grep -v " ingest/" clean >clean_results &&
	grep -v " ingest/" split >split_results &&
	test_cmp clean_results split_results &&
	part=ws/ingest/000009-medical_claims.rec.zst &&
	$TEST_TOOL zst-frames $part >frames && test $(wc -l <frames) -ge 3 &&
	head -c $(sed -n 1p frames) $part >cut && mv cut $part &&
	if cco-pipeline run -q -c cfg/pipeline.ini 2>err; then
		outputs >after && grep -v " ingest/" after >after_results &&
		test_cmp clean_results after_results
	else
		test_grep "000009-medical_claims.rec.zst" err
	fi
'

test_done
