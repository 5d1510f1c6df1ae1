#!/bin/bash
# bench/run.sh: the benchmark behind `make bench` (never part of make check).
#
#   bench/run.sh [--members N] [--seed S] [--data DIR] [--rounds R] [--no-peer]
#                [--dry-run]
#   bench/run.sh table STAGES_TSV ROWS RAW_MB
#   bench/run.sh compare OURS_TSV PEER_TSV
#   bench/run.sh peer-table TIMES_TSV
#   bench/run.sh ours-tsv AGGREGATES_REC
#
# The first form generates a population with cco-gen (--year 2025
# --history 2; reused when DIR/mN-sS/gen.done exists), runs every stage
# timed with /usr/bin/time (wall, user+sys CPU, peak RSS; rows/s and MB/s
# of raw input), measures the floor (cat of the raw extracts, warm, and one
# decompression of every intermediate), runs the DuckDB peer
# (bench/duckdb/peer.mjs) on the same CSV files, compares its partner-level
# numbers with ours (MATCH/DIFF) and times both alternately (3 rounds by
# default; the wall ratio of each round, their median and spread).  The table is
# printed and appended to bench/results/YYYY-MM-DD-N.md.  Figures are
# reported, never asserted.  The other forms are its parts, testable alone.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/common.sh"
bin=${CCO_BIN:-$root/bin}
peer_measures="CIS COL AMB-ED"

die() { echo "bench: $*" >&2; exit 2; }

# table STAGES ROWS RAW_MB: STAGES is TSV stage, wall s, user s, sys s,
# peak RSS KB; prints a markdown table with a total row.
bench_table() {
	awk -F '\t' -v rows="$2" -v mb="$3" '
	function row(name, wall, cpu, rss) {
		rs = "-"; ms = "-"
		if (wall > 0) {
			rs = sprintf("%.0f", rows / wall)
			ms = sprintf("%.1f", mb / wall)
		}
		printf("| %-9s | %8.2f | %8.2f | %8.1f | %12s | %8s |\n", name, wall, cpu,
		       rss / 1024, rs, ms)
	}
	BEGIN {
		print "| stage     |   wall s |    CPU s | peak MB  | raw rows/s   | raw MB/s |"
		print "|-----------|---------:|---------:|---------:|-------------:|---------:|"
	}
	{ row($1, $2, $3 + $4, $5); w += $2; c += $3 + $4; if ($5 > r) r = $5 }
	END { row("total", w, c, r) }' "$1"
}

# ours-tsv AGGREGATES: our partner-level counts of the compared measures
# (all members' stratum, clinics summed), in the peer's TSV form.
bench_ours_tsv() {
	"$bin/cco-cat" --no-meta "$1" | awk -F '\t' -v want="$peer_measures" '
	BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) keep[w[i]] = 1; OFS = "\t" }
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	keep[$col["measure_id"]] && $col["stratum"] == "" {
		k = $col["measure_id"] OFS $col["submeasure"] OFS $col["partner_id"]
		d[k] += $col["denominator"]; x[k] += $col["exclusions"]; m[k] += $col["numerator"]
	}
	END {
		print "measure_id", "submeasure", "partner_id", "denominator", "exclusions", "numerator"
		for (k in d) print k, d[k], x[k], m[k] | "LC_ALL=C sort"
	}'
}

# compare OURS PEER: MATCH or DIFF per measure, sub-result and partner;
# exit 1 if any differs.
bench_compare() {
	awk -F '\t' '
	FNR == 1 { file++; next }
	{ k = $1 "\t" $2 "\t" $3; v = $4 "/" $5 "/" $6 }
	file == 1 { ours[k] = v; keys[k] = 1 }
	file == 2 { peer[k] = v; keys[k] = 1 }
	END {
		for (k in keys) {
			total++
			o = k in ours ? ours[k] : "none"; p = k in peer ? peer[k] : "none"
			split(k, f, "\t")
			line = sprintf("%-5s %-6s %-8s %-8s ours %s peer %s", o == p ? "MATCH" : "DIFF",
				       f[1], f[2], f[3] == "" ? "(none)" : f[3], o, p)
			print line | "LC_ALL=C sort -b -k2,2 -k3,3 -k4,4"
			bad += o != p
		}
		close("LC_ALL=C sort -b -k2,2 -k3,3 -k4,4")
		printf "differential: %d of %d rows differ (denominator/exclusions/numerator)\n",
		       bad, total
		exit bad > 0
	}' "$1" "$2"
}

# peer-table TIMES: TIMES is TSV who (ours or duckdb), round, wall s, CPU s,
# peak RSS KB; prints the rounds as a markdown table with the wall and CPU
# ratios of each round, then the median and spread of the wall ratio.
bench_peer_table() {
	echo "| round | ours wall s | ours CPU s | ours peak MB | DuckDB wall s | DuckDB CPU s | DuckDB peak MB | wall ratio | CPU ratio |"
	echo "|------:|------------:|-----------:|-------------:|--------------:|-------------:|---------------:|-----------:|----------:|"
	awk -F '\t' '
	function median(v, k,    i, j, t) {
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
	}
	{ w[$1, $2] = $3; c[$1, $2] = $4; m[$1, $2] = $5; if ($2 > n) n = $2 }
	END {
		for (r = 1; r <= n; r++) {
			rw[r] = w["duckdb", r] > 0 ? w["ours", r] / w["duckdb", r] : 0
			rc[r] = c["duckdb", r] > 0 ? c["ours", r] / c["duckdb", r] : 0
			printf "| %d | %.2f | %.2f | %.1f | %.2f | %.2f | %.1f | %.2f | %.2f |\n", r,
			       w["ours", r], c["ours", r], m["ours", r] / 1024, w["duckdb", r],
			       c["duckdb", r], m["duckdb", r] / 1024, rw[r], rc[r]
			if (r == 1 || rw[r] < lo) lo = rw[r]
			if (r == 1 || rw[r] > hi) hi = rw[r]
		}
		printf("\nours/DuckDB wall over %d alternating rounds: median %.2f, spread %.2f-%.2f",
		       n, median(rw, n), lo, hi)
		printf("; CPU median %.2f\n", median(rc, n))
	}' "$1"
}

case ${1:-} in
table) shift; bench_table "$@"; exit ;;
compare) shift; bench_compare "$@"; exit ;;
peer-table) shift; bench_peer_table "$@"; exit ;;
ours-tsv) shift; bench_ours_tsv "$@"; exit ;;
esac

members=${BENCH_MEMBERS:-200000}
seed=7
rounds=${BENCH_ROUNDS:-3}
peer=1
dry=0
data=${BENCH_DATA:-}
while [ $# -gt 0 ]; do
	case $1 in
	--members) members=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--no-peer) peer=0; shift ;;
	--dry-run) dry=1; shift ;;
	*) die "unknown argument '$1' (see the comment at the top of bench/run.sh)" ;;
	esac
done
case $members$seed$rounds in *[!0-9]*|'') die "--members, --seed and --rounds take numbers" ;; esac
[ -n "$data" ] || data=$(bench_data_dir "$root")
dir=$data/m$members-s$seed
ex=$dir/ex
year=2025
as_of=2026-03-31

if [ "$dry" = 1 ]; then
	[ -e "$dir/gen.done" ] && echo "reuse $ex" ||
		echo "generate: cco-gen --members $members --year $year --history 2 --seed $seed --out $ex"
	echo "stages: ingest normalize attribute measure export (workspace $dir/ws)"
	echo "floor: cat $ex/* twice; zstd -dc of every intermediate"
	if [ "$peer" = 1 ]; then
		echo "peer: npm ci --prefix bench/duckdb; node bench/duckdb/peer.mjs"
		echo "compare: $peer_measures"
		echo "alternate $rounds round(s): ours (ingest..measure, 3 measures) and DuckDB"
	fi
	echo "results: bench/results/YYYY-MM-DD-$members.md"
	exit 0
fi

for p in cco-gen cco-ingest cco-normalize cco-attribute cco-measure cco-export cco-cat; do
	[ -x "$bin/$p" ] || die "$bin/$p is missing: run make first"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
mkdir -p "$dir"
log=$dir/log
: >"$log"

# time_into FILE LABEL CMD...: append LABEL, wall, user, sys, peak RSS KB
time_into() {
	local out=$1 label=$2
	shift 2
	/usr/bin/time -o "$dir/time.tmp" -f "%e\t%U\t%S\t%M" "$@" >>"$log" 2>&1 ||
		{ echo "bench: $label failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
	printf '%s\t%s\n' "$label" "$(cat "$dir/time.tmp")" >>"$out"
}

# config_for WS: a copy of the shipped configuration pointed at ex and WS
config_for() {
	bench_config "$root/config" "$1" "$ex" "$year" "$as_of"
}

if [ ! -e "$dir/gen.done" ]; then
	echo "generating $members members (seed $seed) into $ex"
	rm -rf "$ex"
	"$bin/cco-gen" -q --members "$members" --year "$year" --history 2 --seed "$seed" --out "$ex"
	# raw data rows (header lines excluded), counted once
	awk 'FNR > 1 { n++ } END { print n + 0 }' "$ex"/*.csv >"$dir/rows"
	touch "$dir/gen.done"
fi
rows=$(cat "$dir/rows")
raw_mb=$(du -sm --apparent-size "$ex" | cut -f1)

# 1. every stage of the whole pipeline (all measures)
ws=$dir/ws
config_for "$ws"
stages=$dir/stages.tsv
: >"$stages"
for s in ingest normalize attribute measure export; do
	echo "stage $s"
	time_into "$stages" "$s" "$bin/cco-$s" -q -c "$ws.cfg/pipeline.ini"
done
rejects=0
for f in "$ws"/ingest/*-rejects.rec.zst; do
	[ -e "$f" ] && rejects=$((rejects + $("$bin/cco-cat" --count "$f")))
done

# 2. the floor: read the raw input once (warm) and decompress every
# intermediate once
floor=$dir/floor.tsv
: >"$floor"
cat "$ex"/*.csv >/dev/null
time_into "$floor" "cat raw" sh -c 'cat "$@" >/dev/null' sh "$ex"/*.csv
time_into "$floor" "zstd -dc" sh -c 'find "$1" -name "*.rec.zst" -exec zstd -qdc {} + >/dev/null' sh "$ws"

# 3. the DuckDB peer: differential check, then alternate timings
diff_out=$dir/differential.txt
peer_times=$dir/peer.tsv
: >"$peer_times"
: >"$diff_out"
if [ "$peer" = 1 ]; then
	command -v node >/dev/null || die "node is missing (the DuckDB peer needs node 20)"
	[ -d "$root/bench/duckdb/node_modules/@duckdb/node-api" ] ||
		npm ci --prefix "$root/bench/duckdb" --no-audit --no-fund >>"$log" 2>&1 ||
		die "npm ci --prefix bench/duckdb failed, see $log"
	peer_cmd=(node "$root/bench/duckdb/peer.mjs" "$ex" "$root/config/valuesets" "$year" "$as_of")
	# a bound on the peer's memory (DuckDB's default is 80% of RAM) on a
	# shared machine; it spills to disk beyond it
	export DUCKDB_MEMORY_LIMIT=${DUCKDB_MEMORY_LIMIT:-8GB} DUCKDB_TEMP=$dir/duckdb.tmp
	duckdb_version=$(node -e "console.log(require('$root/bench/duckdb/node_modules/@duckdb/node-api/package.json').version)" 2>/dev/null || echo unknown)
	bench_ours_tsv "$ws/measure/aggregates.rec.zst" >"$dir/ours.tsv"
	pws=$dir/ws-peer
	config_for "$pws"
	mkdir -p "$pws.cfg/measures-peer"
	cp "$root"/config/measures/{cis,col,ed}.ini "$pws.cfg/measures-peer/"
	ours_round() {
		local t=$dir/round.tsv
		: >"$t"
		rm -rf "$pws"
		mkdir -p "$pws"
		for s in ingest normalize attribute; do
			time_into "$t" "$s" "$bin/cco-$s" -q -c "$pws.cfg/pipeline.ini"
		done
		time_into "$t" measure "$bin/cco-measure" -q -c "$pws.cfg/pipeline.ini" \
			--set paths.measures="$pws.cfg/measures-peer"
		awk -F '\t' -v r="$1" '{ w += $2; c += $3 + $4; if ($5 > m) m = $5 }
			END { printf "ours\t%s\t%.2f\t%.2f\t%d\n", r, w, c, m }' "$t" >>"$peer_times"
	}
	peer_round() {
		local t=$dir/round.tsv
		: >"$t"
		/usr/bin/time -o "$t" -f "%e\t%U\t%S\t%M" "${peer_cmd[@]}" >"$dir/peer-out.tsv" 2>>"$log" ||
			{ echo "bench: the DuckDB peer failed, see $log" >&2; exit 1; }
		awk -F '\t' -v r="$1" '{ printf "duckdb\t%s\t%.2f\t%.2f\t%d\n", r, $1, $2 + $3, $4 }' \
			"$t" >>"$peer_times"
	}
	for r in $(seq 1 "$rounds"); do
		echo "round $r of $rounds: ours and DuckDB, alternately"
		if [ $((r % 2)) = 1 ]; then ours_round "$r"; peer_round "$r"
		else peer_round "$r"; ours_round "$r"; fi
	done
	cp "$dir/peer-out.tsv" "$dir/duckdb.tsv"
	bench_compare "$dir/ours.tsv" "$dir/duckdb.tsv" >"$diff_out" || true
	# the peer's numbers must also equal those of the 3-measure run
	bench_ours_tsv "$pws/measure/aggregates.rec.zst" | cmp -s - "$dir/ours.tsv" ||
		echo "note: the 3-measure run's aggregates differ from the full run's" >>"$diff_out"
fi

# 4. the report
cpu=$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
day=$(date -u +%Y-%m-%d)
mkdir -p "$root/bench/results"
result=$root/bench/results/$day-$members.md
{
	echo "## $(date -u '+%Y-%m-%d %H:%M UTC'): $members members, seed $seed, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo
	echo "Machine: $cpu, $(nproc) cores, $mem RAM.  Raw input: $rows rows, $raw_mb MB" \
	     "in $(ls "$ex"/*.csv | wc -l) CSV files ($rejects rows rejected by ingest)."
	echo "rows/s and MB/s are of the raw input, for every stage; peak MB is the stage's peak RSS."
	echo
	bench_table "$stages" "$rows" "$raw_mb"
	echo
	awk -F '\t' -v total="$(awk -F '\t' '{ w += $2 } END { print w }' "$stages")" '
	{ printf "- floor, %s: %.2f s\n", $1, $2; f += $2 }
	END { printf("- floor total %.2f s; the pipeline takes %.1fx the floor\n", f, (f > 0 ? total / f : 0)) }' "$floor"
	if [ "$peer" = 1 ]; then
		echo
		echo "Differential check against DuckDB (denominator/exclusions/numerator per partner):"
		echo
		echo '```'
		cat "$diff_out"
		echo '```'
		echo
		echo "Same files, alternately: ours = ingest+normalize+attribute+measure with only"
		echo "cis.ini, col.ini and ed.ini; DuckDB = raw CSV to the same numbers (node peer.mjs,"
		echo "@duckdb/node-api $duckdb_version, 2 threads, memory_limit $DUCKDB_MEMORY_LIMIT)."
		echo
		bench_peer_table "$peer_times"
	fi
	echo
} >"$dir/report.md"
cat "$dir/report.md"
cat "$dir/report.md" >>"$result"
echo "appended to ${result#"$root"/}"
