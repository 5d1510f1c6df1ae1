#!/bin/bash
# Benchmark of cco-normalize (not part of make check): N generated claim
# lines (default 10 million, ~21 per member, with replacements, voids and
# denied lines), run with the default memory limit and with 32 MB, printing
# wall time, rows/s and peak RSS.  Needs ~2 GB free in DIR; removes it.
#   bench/normalize-bench.sh [N] [DIR]
set -eu
N=${1:-10000000}
DIR=${2:-/tmp/cco-normalize-bench.$$}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$DIR/ws/ingest"
trap 'rm -rf "$DIR"' EXIT
CCO_ROOT=$ROOT
. "$ROOT/tests/fixtures/normalize/setup.sh" # normalize_config: the tests' cfg.ini
(cd "$DIR" && normalize_config)
awk -v n="$N" 'BEGIN {
	OFS = "\t"
	for (i = 0; i < n; i++) {
		cl = int(i / 3)
		m = sprintf("M%07d", (int(cl / 7) * 7919) % 500000)
		freq = 1; orig = ""
		if (cl % 17 == 5) { freq = 7; orig = sprintf("C%08d", cl - 1) }
		if (cl % 29 == 7) { freq = 8; orig = sprintf("C%08d", cl - 2) }
		st = i % 11 == 0 ? "denied" : "paid"
		d = sprintf("2025-%02d-%02d", cl % 12 + 1, cl % 28 + 1)
		print "s1", 1, m, sprintf("C%08d", cl), i % 3 + 1, freq, orig, st, d, "P",
		      d, d, "", "", "", "", "11", "", "9921" i % 5, "", "Z0000|F32" i % 10,
		      "", "1234567893", "1245319599", "100.00", "80.00"
	}
}' | "$ROOT/build/tests/test-tool" rec-write medical_claims 1 \
	"$DIR/ws/ingest/000001-medical_claims.rec.zst"
cd "$DIR"
normalize_register ws/ingest/000001-medical_claims.rec.zst # as cco-ingest would
for mem in 256 32; do
	/usr/bin/time -f '%e %M' -o time.txt "$ROOT/bin/cco-normalize" -q -c cfg.ini \
		--set limits.memory_mb=$mem
	read -r secs kb <time.txt
	awk -v n="$N" -v s="$secs" -v kb="$kb" -v mem="$mem" 'BEGIN {
		printf "memory_mb=%d: %.1f s, %.0f rows/s, peak RSS %.1f MB\n",
		       mem, s, n / s, kb / 1024 }'
done
