#!/bin/bash
# Disk full: every stage, and the driver, run with too little space
# (ulimit -f, SIGXFSZ ignored so write() fails with EFBIG) gives a clear
# error and exit 1, leaves the previous outputs byte-identical and no
# temp file behind; the next run with space recovers.
. "$(dirname "$0")/../lib.sh"

cco-gen -q --members 300 --year 2025 --valuesets "$CCO_ROOT/config/valuesets" --out ex
test_shipped_config

# outputs: every output file with its hash (the databases by content)
outputs() {
	(cd ws && find . -type f ! -name 'cco.db*' ! -name results.db ! -name .lock \
		! -path './logs/*' |
		sort | xargs sha256sum)
	sqlite3 ws/cco.db "SELECT seq, file, hash, status FROM extract ORDER BY seq"
	sqlite3 ws/export/results.db "SELECT * FROM metric ORDER BY 1, 2, 3, 4, 5, 6"
}

# no_temp: no temp file of an output or a sort run anywhere in ws
no_temp() {
	find ws -name '*.tmp*' >tmps &&
	find ws/tmp -type f >>tmps &&
	test_cmp /dev/null tmps
}

# small KB CMD...: CMD with at most KB kilobytes per file written
small() {
	(
		trap '' XFSZ
		ulimit -f "$1"
		shift
		"$@"
	)
}

test_expect_success 'setup: a full run on 300 generated members' '
	cco-pipeline run -q -c cfg/pipeline.ini &&
	outputs >before
'

# each stage at two limits: nothing fits, and some outputs fit (they are
# rewritten, to the same bytes) before a larger one fails
for run in normalize:4 normalize:64 attribute:1 attribute:4 measure:1 measure:4 \
	   export:4 export:64; do
	stage=${run%:*} kb=${run#*:}
	{
		test_expect_success "cco-$stage with $kb KB per file: exit 1, outputs kept" "
			test_must_fail --code 1 small $kb cco-$stage -c cfg/pipeline.ini 2>err &&
			test_grep '^cco-$stage: .*\(File too large\|disk I/O error\)' err &&
			test \$(wc -l <err) -le 2 &&
			outputs >after && test_cmp before after &&
			no_temp
		"
	}
done

test_expect_success 'cco-ingest with a new file and 4 KB per file: exit 1, nothing added' '
	# 4000 lines: their ingest output is over the 64 KB of the driver test below
	head -n 4000 ex/medical_claims.csv >ex/medical_claims_202512.csv &&
	test_must_fail --code 1 small 4 cco-ingest -c cfg/pipeline.ini 2>err &&
	test_grep "^cco-ingest: .*\(File too large\|disk I/O error\)" err &&
	outputs >after && test_cmp before after &&
	no_temp
'

# ingest_state WS: the rows of each kind in WS's ingest outputs, and its
# extract table by file (load order, and so extract numbers, may differ)
ingest_state() {
	for f in "$1"/ingest/*.rec.zst; do
		echo "${f##*/[0-9][0-9][0-9][0-9][0-9][0-9]-} $(cco-cat --count "$f")" || return 1
	done | awk "{ n[\$1] += \$2 } END { for (k in n) print k, n[k] }" | sort &&
	sqlite3 "$1/cco.db" "SELECT file, hash, status, rows_read, accepted FROM extract ORDER BY file"
}

# on_tmpfs KB DIR CMD...: CMD in a mount namespace of its own with DIR a
# tmpfs of KB kilobytes (a full disk shared by every file written there,
# the run database too); DIR's content is copied in before and out after.
on_tmpfs() {
	kb=$1 dir=$2
	shift 2
	mv "$dir" "$dir.save" && mkdir "$dir" &&
	unshare -m sh -c 'd=$1; shift
		mount -t tmpfs -o size=$0k tmpfs "$d" && cp -a "$d.save/." "$d/" || exit 125
		"$@"; rc=$?; cp -a "$d/." "$d.out/"; exit $rc' "$kb" "$dir" "$@"
}

if unshare -m sh -c 'mount -t tmpfs -o size=4k tmpfs "$0"' "$SCRATCH" 2>/dev/null; then
test_expect_success 'cco-ingest stopped by a full disk at every size: a rerun loads each row once' '
	rm -rf ws.ref && mkdir ws.ref &&
	cco-ingest -q -c cfg/pipeline.ini --set run.workspace=$PWD/ws.ref &&
	ingest_state ws.ref >want &&
	for kb in $(seq 4 4 200); do
		rm -rf ws.k ws.k.out ws.k.save && mkdir ws.k ws.k.out &&
		on_tmpfs $kb ws.k cco-ingest -q -c cfg/pipeline.ini --set run.workspace=$PWD/ws.k 2>/dev/null
		test $? -ne 125 || return 1
		rm -rf ws.k ws.k.save && mv ws.k.out ws.k &&
		cco-ingest -q -c cfg/pipeline.ini --set run.workspace=$PWD/ws.k 2>err &&
		ingest_state ws.k >got &&
		test_cmp want got || { echo "with a ${kb} KB disk" >&2; return 1; }
	done
'
else
	test_count=$((test_count + 1))
	echo "ok $test_count # skip no tmpfs mount in a namespace of its own here"
fi

test_expect_success 'the driver with 64 KB per file: exit 1, outputs kept' '
	test_must_fail --code 1 small 64 cco-pipeline run -c cfg/pipeline.ini >out 2>err &&
	test_grep "failed at" err &&
	rm ex/medical_claims_202512.csv &&
	outputs >after && test_cmp before after &&
	no_temp
'

test_expect_success 'with space again, a run recovers to the same bytes' '
	cco-pipeline run -q --force -c cfg/pipeline.ini &&
	outputs >after && test_cmp before after &&
	no_temp && ! test -e ws/cco.db-journal
'

test_done
