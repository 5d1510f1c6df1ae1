# tests/lib.sh: TAP helpers for the shell tests, in the style of git's
# t/test-lib.sh.  A test script sources this, calls test_expect_success
# for each case and ends with test_done.
#
# Each script runs in its own scratch directory, removed when every case
# passed and kept (its path printed) when one failed.  The programs under
# test are found through CCO_BIN, which the Makefile sets (bin/, the asan
# build or valgrind wrappers).

set -u
CCO_ROOT=${CCO_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
CCO_BIN=${CCO_BIN:-$CCO_ROOT/bin}
CCO_BUILD=${CCO_BUILD:-$CCO_ROOT/build}
TEST_TOOL=${TEST_TOOL:-$CCO_BUILD/tests/test-tool}
PATH=$CCO_BIN:$PATH
export CCO_ROOT CCO_BIN CCO_BUILD TEST_TOOL PATH
export LC_ALL=C TZ=UTC

test_count=0
test_failed=0
TEST_NAME=$(basename "$0" .t)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/cco-$TEST_NAME.XXXXXX")
cd "$SCRATCH" || exit 1

# test_expect_success DESCRIPTION 'SHELL COMMANDS'
# The commands run in a subshell, in the scratch directory, with set -e off:
# chain them with && so the first failure fails the case.
test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$SCRATCH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$SCRATCH/.out"
	fi
}

# test_must_fail [--code N] CMD...: CMD must exit non-zero (N if given), and
# must not die from a signal (exit > 128), which would be a crash.
test_must_fail() {
	want=""
	if [ "$1" = "--code" ]; then
		want=$2
		shift 2
	fi
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $rc -gt 128 ]; then
		echo "test_must_fail: '$*' died with signal $((rc - 128))" >&2
		return 1
	elif [ -n "$want" ] && [ "$rc" -ne "$want" ]; then
		echo "test_must_fail: '$*' exited $rc, wanted $want" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL: identical files, with a diff when not.
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep PATTERN FILE: like grep, but shows the file when it fails.
test_grep() {
	if ! grep -q -- "$1" "$2"; then
		echo "test_grep: no '$1' in $2:" >&2
		sed 's/^/| /' "$2" >&2
		return 1
	fi
}

# test_mode FILE MODE: the file's permission bits are MODE (e.g. 600).
test_mode() {
	got=$(stat -c %a "$1")
	[ "$got" = "$2" ] || { echo "test_mode: $1 is $got, wanted $2" >&2; return 1; }
}

# test_config: write cfg/p.ini, a minimal run configuration (MY 2025, as of
# 2026-03-31) with empty layouts, value sets and extracts directories and
# the workspace in ws/, and cfg/care.ini, the shipped care criteria but
# chronic conditions (which need value sets).  Tests add files to those
# directories as needed.
test_config() {
	mkdir -p cfg/layouts cfg/valuesets extracts &&
	cat >cfg/p.ini <<-'INI'
	[run]
	measurement_year = 2025
	as_of = 2026-03-31
	workspace = ../ws
	[paths]
	extracts = ../extracts
	INI
	# care criteria that need no value sets (cco-care(5))
	cat >cfg/care.ini <<-'INI'
	[utilization]
	ed_visits = 2
	inpatient_stays = 1
	months = 6
	weight = 3
	qualifies = yes
	[polypharmacy]
	distinct_drugs = 10
	with_prescribers = 5
	prescribers = 2
	days = 90
	weight = 2
	qualifies = yes
	[open_gaps]
	at_least = 1
	weight = 1
	qualifies = no
	[no_pcp_visit]
	months = 12
	weight = 2
	INI
}

# test_shipped_config: cfg/, a copy of the shipped configuration with
# its extracts in ex/ and its workspace in ws/
test_shipped_config() {
	cp -r "$CCO_ROOT/config" cfg &&
	sed -i -e "s|^extracts = .*|extracts = ../ex|" -e "s|^workspace = .*|workspace = ../ws|" \
		cfg/pipeline.ini
}

# test_exported: every file of ws/export with its hash, results.db by
# the content of its tables (its run row has the time it was made): the
# outputs two runs must agree on
test_exported() {
	(cd ws/export && find . -type f ! -name results.db | sort | xargs sha256sum)
	for t in metric metric_month partner measure; do
		sqlite3 ws/export/results.db "SELECT * FROM $t" | sort
	done
}

test_done() {
	echo "1..$test_count"
	cd /
	if [ $test_failed -eq 0 ]; then
		rm -rf "$SCRATCH"
		exit 0
	fi
	echo "# $test_failed of $test_count failed; scratch kept in $SCRATCH"
	exit 1
}
