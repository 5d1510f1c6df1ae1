#!/bin/bash
# Sharded runs (cco-pipeline(1), SHARDS) on the local executor: every
# output is byte for byte the unsharded run's for 1, 3 and 4 shards and
# any --jobs; each shard is planned, skipped and rerun on its own; a failed
# shard fails the run naming it; a killed sharded run, or one killed
# shard, leaves a rerun that gives the same bytes.
. "$(dirname "$0")/../lib.sh"

cco-gen -q --members 400 --year 2025 --months --valuesets "$CCO_ROOT/config/valuesets" --out ex
test_shipped_config
# small sort buffers, so the shards' sorts spill runs
printf '[limits]\nsort_buffer_kb = 64\n' >>cfg/pipeline.ini

test_expect_success 'setup: the unsharded run' '
	cco-pipeline run -q -c cfg/pipeline.ini &&
	test_exported >unsharded &&
	test $(grep -c "gaps/" unsharded) -ge 2 &&
	test $(grep -c "worklists/" unsharded) -ge 4
'

for n in 1 3 4; do
	test_expect_success "$n shards, 2 at once: the same bytes" "
		rm -rf ws &&
		cco-pipeline run -q -c cfg/pipeline.ini --shards $n --jobs 2 &&
		test_exported >sharded && test_cmp unsharded sharded
	"
done

test_expect_success 'each shard of each per-shard stage is a stage of its own' '
	cco-pipeline log -c cfg/pipeline.ini >log &&
	for s in normalize attribute measure; do
		for k in 1 2 3 4; do test_grep "^  $s\[$k/4\] *ran " log || return 1; done
	done &&
	test_grep "^  export  *ran " log &&
	test -d ws/shards/4/3/measure && ! test -e ws/measure &&
	test_mode ws/shards 700
'

test_expect_success 'one shard at a time: the same bytes' '
	cco-pipeline run -q -c cfg/pipeline.ini --shards 4 --jobs 1 --force &&
	test_exported >sharded && test_cmp unsharded sharded
'

test_expect_success 'shards partition the members: every member in one shard' '
	for k in 1 2 3 4; do
		cco-cat -H ws/shards/4/$k/normalize/members.rec.zst | cut -f2 | sed 1d
	done | sort >members_sharded &&
	sort -u members_sharded >members_unique &&
	test_cmp members_unique members_sharded &&
	cut -d, -f1 ex/members.csv | sed 1d | sort -u >members_all &&
	test_cmp members_all members_sharded
'

test_expect_success 'a damaged shard runs again alone, with what follows it' '
	: >ws/shards/4/2/attribute/attribution.rec.zst &&
	cco-pipeline run -n -c cfg/pipeline.ini --shards 4 >plan &&
	test_grep "^attribute\[2/4\] run  outputs fail verification" plan &&
	test_grep "^attribute\[1/4\] skip" plan &&
	test_grep "^measure\[2/4\]   run" plan &&
	test_grep "^measure\[3/4\]   skip" plan &&
	test_grep "^normalize\[2/4\] skip" plan &&
	cco-pipeline run -q -c cfg/pipeline.ini --shards 4 &&
	cco-pipeline log -c cfg/pipeline.ini >log &&
	test_grep "^  attribute\[2/4\] ran " log &&
	test_grep "^  attribute\[1/4\] skipped " log &&
	test_grep "^  measure\[4/4\]   skipped " log &&
	test_exported >sharded && test_cmp unsharded sharded
'

test_expect_success 'a failed shard fails the run, named; the rerun mends it alone' '
	head -c 100 ws/shards/4/3/normalize/claims.rec.zst >cut &&
	cp cut ws/shards/4/3/normalize/claims.rec.zst &&
	test_must_fail --code 1 cco-pipeline run -q -c cfg/pipeline.ini --shards 4 \
		--only attribute 2>err &&
	test_grep "cco-pipeline: run [0-9]* failed at attribute\[3/4\] (exit 1): " err &&
	test_grep "claims.rec.zst" err &&
	cco-pipeline run -q -c cfg/pipeline.ini --shards 4 &&
	cco-pipeline log -c cfg/pipeline.ini >log &&
	test_grep "^  normalize\[3/4\] ran .*outputs fail verification" log &&
	test_grep "^  normalize\[1/4\] skipped " log &&
	test_exported >sharded && test_cmp unsharded sharded
'

test_expect_success 'a stage asked for a shard of another count is a usage error' '
	test_must_fail --code 2 cco-normalize -q -c cfg/pipeline.ini --set run.shard=2/3 2>err &&
	test_grep "run.shard .2/3. is not a shard of run.shards 1" err &&
	test_must_fail --code 2 cco-normalize -q -c cfg/pipeline.ini --set run.shard=5/4 \
		--set run.shards=4 2>err &&
	test_grep "run.shard must be K/N" err &&
	test_must_fail --code 2 cco-pipeline run -c cfg/pipeline.ini --shards 0 2>err &&
	test_grep "run.shards must be a number from 1 to 1024" err &&
	test_must_fail --code 2 cco-pipeline run -c cfg/pipeline.ini --shards 4 \
		--set run.shard=1/4 2>err &&
	test_grep "run.shard is a stage.s; a run is split by run.shards" err
'

# kill_at SECONDS CMD...: run CMD in its own process group, SIGKILL the
# group after SECONDS
kill_at() {
	delay=$1 && shift &&
	setsid "$@" >/dev/null 2>&1 &
	pid=$! && sleep "$delay" && kill -KILL -- -$pid 2>/dev/null
	wait $pid 2>/dev/null
	return 0
}

test_expect_success 'a sharded run killed at 3 moments: each rerun gives the same bytes' '
	for delay in 0.3 0.9 1.6; do
		rm -rf ws &&
		kill_at $delay cco-pipeline run -q -c cfg/pipeline.ini --shards 3 --jobs 2 &&
		cco-pipeline run -q -c cfg/pipeline.ini --shards 3 --jobs 2 || return 1
		test_exported >sharded && test_cmp unsharded sharded || return 1
		find ws -name "*.tmp" -o -name "cco-sort-*" >left && test_cmp /dev/null left ||
			return 1
	done
'

# kill_shard K/N CMD...: run CMD, SIGKILL the first process of shard K/N
# it starts; "killed" in the file killed when that happened (a run can end
# before its shard is seen: then it is run again, at most 5 times)
kill_shard() {
	shard=$1 && shift &&
	for attempt in 1 2 3 4 5; do
		"$@" 2>err &
		pid=$! && victim=
		while kill -0 $pid 2>/dev/null; do
			victim=$(pgrep -f "run.shard=$shard" | head -1)
			[ -n "$victim" ] && kill -KILL $victim 2>/dev/null && break
			victim=
			sleep 0.01
		done
		wait $pid
		rc=$?
		[ -n "$victim" ] && { echo killed >killed; return $rc; }
	done
	return 0
}

test_expect_success 'one shard killed: the run fails naming it, the rerun mends it' '
	rm -f killed &&
	test_must_fail kill_shard 2/3 cco-pipeline run -q -c cfg/pipeline.ini --shards 3 \
		--jobs 2 --force --set limits.sort_buffer_kb=16 &&
	test -f killed &&
	test_grep "failed at [a-z]*\[2/3\] (signal 9)" err &&
	cco-pipeline run -q -c cfg/pipeline.ini --shards 3 --jobs 2 &&
	test_exported >sharded && test_cmp unsharded sharded
'

test_done
