#!/bin/bash
# cco-pipeline's data-quality checks (cco-quality(5)) with the shipped
# catalogue: a clean generated population passes; a fixture of each
# category trips its check; a failure fails the run; `quality` judges the
# stored counts again with edited thresholds without rerunning; a bad
# catalogue is a configuration error.  The comparison with the run before
# is in tests/e2e/quality.t.
. "$(dirname "$0")/../lib.sh"

test_shipped_config && mkdir ex
cco-gen --members 300 --year 2025 --history 1 --seed 5 \
	--valuesets "$CCO_ROOT/config/valuesets" --out clean >/dev/null 2>&1

# fixture NAME: extracts ex-NAME, a copy of the clean ones
fixture() { rm -rf "ex-$1" && cp -r clean "ex-$1"; }
# run_on NAME [ARGS]: the run through normalize on ex-NAME, in ws-NAME
run_on() {
	name=$1; shift
	cco-pipeline run --to normalize -c cfg/pipeline.ini --set paths.extracts="ex-$name" \
		--set run.workspace="ws-$name" "$@"
}
# judge NAME [ARGS]: cco-pipeline quality on ws-NAME
judge() {
	name=$1; shift
	cco-pipeline quality -c cfg/pipeline.ini --set run.workspace="ws-$name" "$@"
}

test_expect_success 'a clean population passes every check, silently' '
	fixture clean &&
	run_on clean >out 2>err &&
	test_grep "run 1 ok" out &&
	! test -s err &&
	judge clean >q &&
	test $(grep -c " pass *$" q) -eq $(grep -c "^category" cfg/quality.ini) &&
	! grep -q "warning\|failure" q
'

test_expect_success 'conformance: dates not in the layout format warn' '
	fixture date &&
	awk -F, "BEGIN { OFS = \",\" } NR > 1 && NR % 200 == 0 { \$9 = \"13/45/2025\" } 1" \
		clean/medical_claims.csv >ex-date/medical_claims.csv &&
	run_on date >out 2>err &&
	test_grep "warning: run 1: 1 data-quality warning: dates_conform 0.2[0-9]% (conformance)$" err &&
	judge date >q &&
	test_grep "conformance *dates_conform *31 of *11175 .* warning *new$" q
'

test_expect_success 'completeness: claims of members with no enrollment warn' '
	fixture unenrolled &&
	awk -F, "NR == 1 || substr(\$1, 8) != \"0\"" \
		clean/enrollment.csv >ex-unenrolled/enrollment.csv &&
	run_on unenrolled 2>err &&
	test_grep "1 data-quality warning: claims_enrolled [0-9.]*% (completeness)$" err
'

test_expect_success 'plausibility: voids of claims never received warn' '
	fixture orphan &&
	awk -F, "BEGIN { OFS = \",\" } NR > 1 && \$5 == 8 { \$6 = \"C99999\" NR } 1" \
		clean/medical_claims.csv >ex-orphan/medical_claims.csv &&
	run_on orphan 2>err &&
	test_grep "1 data-quality warning: voids_matched 0.58% (plausibility)$" err
'

test_expect_success 'a check over its failure share fails the run, exit 1' '
	fixture nobody &&
	awk -F, "NR == 1 || \$1 > \"M0000150\"" clean/enrollment.csv >ex-nobody/enrollment.csv &&
	test_must_fail --code 1 run_on nobody >out 2>err &&
	test_grep "run 1 ok" out &&
	test_grep "^cco-pipeline: run 1: 1 data-quality failure: claims_enrolled" err &&
	cco-pipeline log -c cfg/pipeline.ini --set run.workspace=ws-nobody >log &&
	test_grep "1 data-quality failure: claims_enrolled" log &&
	test_must_fail --code 1 judge nobody >q &&
	test_grep "claims_enrolled .* failure *new$" q
'

test_expect_success '-q keeps a clean run silent and still prints a warning' '
	run_on clean -q --force >out 2>err &&
	! test -s out && ! test -s err &&
	run_on orphan -q --force >out 2>err &&
	! test -s out &&
	test_grep "warning: run 2: 1 data-quality warning: voids_matched" err
'

test_expect_success 'a rerun compares its checks with the run before: persisting' '
	judge orphan >q &&
	test_grep "^data quality of run 2 (checks compared with run 1):" q &&
	test_grep "voids_matched .* warning *persisting$" q
'

test_expect_success 'quality re-judges stored counts with edited thresholds, no stage run' '
	sed -e "/^\[voids_matched\]/,/^\[/ s/^warning = .*/warning = 0.01/" \
		-e "/^\[dates_conform\]/,/^\[/ s/^warning = .*/warning = 0/" \
		cfg/quality.ini >cfg/edited.ini &&
	judge orphan --set paths.quality=cfg/edited.ini >q &&
	test_grep "voids_matched .* pass *$" q &&
	judge date --set paths.quality=cfg/edited.ini >q &&
	test_grep "dates_conform .* warning *new$" q &&
	cco-pipeline log -c cfg/pipeline.ini --set run.workspace=ws-orphan >log &&
	test $(grep -c "^run " log) -eq 1 &&
	test_grep "^run 2 " log
'

test_expect_success 'quality of a run with no stored counts exits 1' '
	test_must_fail --code 1 judge orphan 7 2>err &&
	test_grep "no data-quality counts stored for run 7" err
'

test_expect_success 'a bad catalogue is a configuration error naming file and line' '
	printf "[x]\ncategory = accuracy\n" >cfg/bad.ini &&
	test_must_fail --code 2 judge orphan --set paths.quality=cfg/bad.ini 2>err &&
	test_grep "bad.ini:2: category must be conformance, completeness or plausibility" err &&
	printf "[x]\ncategory = conformance\nviolated = ingest.reject.nosuch\n" >cfg/bad.ini &&
	test_must_fail --code 2 judge orphan --set paths.quality=cfg/bad.ini 2>err &&
	test_grep "bad.ini:3: no count named .ingest.reject.nosuch." err &&
	printf "[x]\ncategory = conformance\nviolated = ingest.rejected\n" >cfg/bad.ini &&
	test_must_fail --code 2 judge orphan --set paths.quality=cfg/bad.ini 2>err &&
	test_grep "bad.ini: check \[x\] has no total" err &&
	printf "[x]\ncategory = conformance\nwarning = 5percent\n" >cfg/bad.ini &&
	test_must_fail --code 2 judge orphan --set paths.quality=cfg/bad.ini 2>err &&
	test_grep "bad.ini:3: warning must be a share from 0 to 1" err
'

test_expect_success 'the run database holds aggregates only, no member id' '
	sqlite3 ws-orphan/cco.db "SELECT * FROM quality_check; SELECT * FROM quality_volume" >db &&
	test -s db &&
	! grep -q "M0000" db
'

test_done
