#!/bin/bash
# Pre-flight: what the last stage would find wrong is found before the
# first one runs: a measurement year without targets or baselines, a
# layout or measure definition that does not load, too little free disk.  Each
# exits at once with one line, and no stage runs.
. "$(dirname "$0")/../lib.sh"

cp -r "$CCO_ROOT/config" cfg
cp -r "$CCO_ROOT/sample-data/extracts" extracts
sed -i -e "s|^extracts = .*|extracts = ../extracts|" \
       -e "s|^workspace = .*|workspace = ../ws|" cfg/pipeline.ini
run() { cco-pipeline run -c cfg/pipeline.ini "$@"; }

# no_stage_ran: no stage wrote a thing, no run began.
no_stage_ran() {
	! test -e ws/ingest && ! test -e ws/logs &&
	sqlite3 ws/cco.db "SELECT count(*) FROM run" >runs &&
	echo 0 >zero && test_cmp zero runs
}

test_expect_success 'a measurement year without targets exits 2 before any stage' '
	test_must_fail --code 2 run --set run.measurement_year=2026 --set run.as_of=2027-03-31 \
		>out 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "^cco-pipeline: paths.targets: no targets for measurement year 2026: cannot read .*/cfg/targets/2026.csv" err &&
	! test -s out && no_stage_ran
'

test_expect_success 'one without baselines, likewise' '
	mv cfg/baselines/2025.csv baselines.csv &&
	test_must_fail --code 2 run 2>err &&
	mv baselines.csv cfg/baselines/2025.csv &&
	test $(wc -l <err) -eq 1 &&
	test_grep "paths.baselines: no baselines for measurement year 2025" err &&
	no_stage_ran
'

test_expect_success 'a layout that does not load exits 2 before any stage' '
	cp cfg/layouts/cco-members.ini members.ini &&
	echo "no_such_key = 1" >>cfg/layouts/cco-members.ini &&
	test_must_fail --code 2 run 2>err &&
	cp members.ini cfg/layouts/cco-members.ini &&
	test $(wc -l <err) -eq 1 &&
	test_grep "cfg/layouts/cco-members.ini:[0-9]*: " err &&
	no_stage_ran
'

test_expect_success 'a measure definition that does not load exits 2 before any stage' '
	cp cfg/measures/cis.ini cis.ini &&
	sed -i "s/^four_doses = count(dtap_vaccine/four_doses = count(no_such_set/" cfg/measures/cis.ini &&
	test_must_fail --code 2 run 2>err &&
	cp cis.ini cfg/measures/cis.ini &&
	test $(wc -l <err) -eq 1 &&
	test_grep "cfg/measures/cis.ini:[0-9]*: .*unknown value set .no_such_set." err &&
	no_stage_ran
'

test_expect_success 'too little free disk for the extracts exits 1 before any stage' '
	truncate -s 8T extracts/zz_huge.csv &&
	test_must_fail --code 1 run 2>err &&
	rm extracts/zz_huge.csv &&
	test $(wc -l <err) -eq 1 &&
	test_grep "not enough free space in the workspace .*: [0-9]* MB free, 16777[0-9]* MB needed (twice the extracts)" err &&
	no_stage_ran
'

test_expect_success 'only the selected stages are checked: ingest alone needs no targets' '
	run --only ingest --set run.measurement_year=2026 --set run.as_of=2027-03-31 >out &&
	test_grep "run 1 ok: ingest ran" out
'

test_expect_success 'with everything in place the run goes through' '
	run >out &&
	test_grep "run 2 ok: " out
'

test_done
