#!/bin/bash
# The Slurm executor against a real Slurm (tests/slurm.sh: munged,
# slurmctld and slurmd of the test's own on loopback): a 4-shard run
# through --executor slurm gives every output of the local unsharded run;
# its jobs are in the ledger; a failed shard fails the run naming it and
# the rerun resubmits that shard and what follows it only; a killed
# driver's jobs are cancelled by the next run.  Skips, saying why, where
# the daemons cannot start, unless CCO_REQUIRE_SLURM is set (CI).
. "$(dirname "$0")/../lib.sh"
. "$CCO_ROOT/tests/slurm.sh"

# stopped before test_done removes the scratch directory; the trap is for
# an early exit
trap 'slurm_stop "$SCRATCH/cluster"' EXIT
if ! slurm_start "$SCRATCH/cluster"; then
	why=$(cat "$SCRATCH/cluster/why" 2>/dev/null)
	if [ -n "${CCO_REQUIRE_SLURM:-}" ]; then
		echo "not ok 1 - a Slurm cluster starts: $why"
		echo "1..1"
		exit 1
	fi
	echo "1..0 # SKIP no Slurm cluster: $why"
	exit 0
fi

cco-gen -q --members 400 --year 2025 --months --valuesets "$CCO_ROOT/config/valuesets" --out ex
test_shipped_config
printf '[slurm]\npartition = test\nmeasure_time = 10\nnormalize_mem_mb = 512\n' >>cfg/pipeline.ini

test_expect_success 'setup: the local unsharded run' '
	cco-pipeline run -q -c cfg/pipeline.ini &&
	test_exported >local && rm -rf ws
'

test_expect_success '4 shards on Slurm: every output the local run gives' '
	cco-pipeline run -c cfg/pipeline.ini --shards 4 --executor slurm >out 2>err &&
	test_grep "^  measure\[3/4\] *ran " out &&
	test_exported >remote && test_cmp local remote
'

test_expect_success 'the jobs are in the ledger, arrays over the shards, chained' '
	sqlite3 ws/cco.db "SELECT stage FROM slurm_job ORDER BY job_id" >stages &&
	printf "ingest\nnormalize\nattribute\nmeasure\nexport\n" >want &&
	test_cmp want stages &&
	job=$(sqlite3 ws/cco.db "SELECT job_id FROM slurm_job WHERE stage = '"'"'measure'"'"'") &&
	scontrol -o show job $job >rec &&
	test $(grep -c "JobState=COMPLETED" rec) -eq 4 &&
	test_grep "ArrayTaskId=4 " rec &&
	test_grep "Partition=test " rec &&
	test_grep "TimeLimit=00:10:00 " rec &&
	test_grep "cco-measure: " ws/logs/run-1.log &&
	! ls ws/logs | grep -v "^run-1.log$"
'

test_expect_success 'up to date: nothing is submitted' '
	cco-pipeline run -q -c cfg/pipeline.ini --shards 4 --executor slurm &&
	test $(sqlite3 ws/cco.db "SELECT count(*) FROM slurm_job WHERE run_id = 2") -eq 0
'

test_expect_success 'a failed shard fails the run, named; the rerun mends it alone' '
	head -c 100 ws/shards/4/2/normalize/claims.rec.zst >cut &&
	cp cut ws/shards/4/2/normalize/claims.rec.zst &&
	test_must_fail --code 1 cco-pipeline run -q -c cfg/pipeline.ini --shards 4 \
		--executor slurm --from attribute 2>err &&
	test_grep "failed at attribute\[2/4\] (exit 1): cco-attribute: .*claims.rec.zst" err &&
	run=$(sqlite3 ws/cco.db "SELECT max(id) FROM run") &&
	sqlite3 ws/cco.db "SELECT stage FROM slurm_job WHERE run_id = $run ORDER BY job_id" >stages &&
	printf "attribute\nmeasure\nexport\n" >want && test_cmp want stages &&
	job=$(sqlite3 ws/cco.db "SELECT job_id FROM slurm_job WHERE run_id = $run
		AND stage = '"'"'attribute'"'"'") &&
	scontrol -o show job $job >rec && test $(wc -l <rec) -eq 1 &&
	test_grep "ArrayTaskId=2 .*JobState=FAILED " rec &&
	cco-pipeline run -q -c cfg/pipeline.ini --shards 4 --executor slurm &&
	cco-pipeline log -c cfg/pipeline.ini >log &&
	test_grep "^  normalize\[2/4\] ran .*outputs fail verification" log &&
	test_grep "^  normalize\[3/4\] skipped " log &&
	test_exported >remote && test_cmp local remote
'

test_expect_success 'a killed driver: the next run cancels its jobs, then gives the same bytes' '
	cco-pipeline run -q -c cfg/pipeline.ini --shards 4 --executor slurm --force &
	pid=$! &&
	for i in $(seq 300); do
		n=$(sqlite3 ws/cco.db "SELECT count(*) FROM slurm_job WHERE run_id =
			(SELECT max(id) FROM run) AND stage = '"'"'export'"'"'" 2>/dev/null)
		[ "$n" = 1 ] && break
		sleep 0.05
	done &&
	test "$n" = 1 && kill -KILL $pid && ! wait $pid &&
	killed=$(sqlite3 ws/cco.db "SELECT max(id) FROM run") &&
	job=$(sqlite3 ws/cco.db "SELECT job_id FROM slurm_job WHERE run_id = $killed
		AND stage = '"'"'export'"'"'") &&
	cco-pipeline run -c cfg/pipeline.ini --shards 4 --executor slurm >out 2>err &&
	test_grep "did not finish" err &&
	scontrol -o show job $job >rec &&
	test_grep "JobState=CANCELLED" rec &&
	test $(sqlite3 ws/cco.db "SELECT count(*) FROM slurm_job WHERE run_id = $killed
		AND NOT cancelled") -eq 0 &&
	test_exported >remote && test_cmp local remote
'

slurm_stop "$SCRATCH/cluster"
test_done
