#!/bin/bash
# bench/shards.sh: a sharded run against the unsharded run, on one
# population, alternately (the machine drifts 10-40% between runs).
#
#   bench/shards.sh [--members N] [--seed S] [--data DIR] [--rounds R]
#                   [--shards K] [--jobs J] [--sharded-only] [--dry-run]
#
# Each round runs the whole pipeline (cco-pipeline run --force, every
# stage) once unsharded and once with --shards K --jobs J, the order
# alternating, each in a workspace of its own, timed with /usr/bin/time:
# wall, CPU (the driver and every stage it ran) and the peak RSS of the
# largest single process.  While the sharded run runs, the sort runs in
# each shard's tmp directory are sampled every second (du), for each
# shard's peak temporary disk.  The two runs' exports are compared (cmp,
# results.db by content).  With --sharded-only the unsharded run is left
# out (a population too large to wait for twice).  The table is printed
# and appended to bench/results/YYYY-MM-DD-N-shards.md.  Figures are
# reported, never asserted.  The population comes from bench/run.sh's
# data directory, generated with cco-gen when missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/common.sh"
bin=${CCO_BIN:-$root/bin}

die() { echo "bench/shards: $*" >&2; exit 2; }

members=1000000 seed=7 rounds=2 shards=4 jobs=2 unsharded=1 dry=0 data=
while [ $# -gt 0 ]; do
	case $1 in
	--members) members=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--shards) shards=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--sharded-only) unsharded=0; shift ;;
	--dry-run) dry=1; shift ;;
	*) die "unknown argument '$1' (see the comment at the top of bench/shards.sh)" ;;
	esac
done
case $members$seed$rounds$shards$jobs in *[!0-9]*|'') die "the options take numbers" ;; esac
[ -n "$data" ] || data=$(bench_data_dir "$root")
dir=$data/m$members-s$seed
ex=$dir/ex
year=2025 as_of=2026-03-31
result=$root/bench/results/$(date -u +%Y-%m-%d)-$members-shards.md

if [ "$dry" = 1 ]; then
	[ -e "$dir/gen.done" ] && echo "reuse $ex" ||
		echo "generate: cco-gen --members $members --year $year --history 2 --seed $seed --out $ex"
	[ $unsharded = 1 ] && echo "unsharded: cco-pipeline run --force ($dir/ws-1)"
	echo "sharded: cco-pipeline run --force --shards $shards --jobs $jobs ($dir/ws-$shards)"
	echo "$rounds round(s), alternating; results: ${result#"$root"/}"
	exit 0
fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
if [ ! -e "$dir/gen.done" ]; then
	echo "generating $members members (seed $seed) into $ex"
	rm -rf "$ex"
	"$bin/cco-gen" -q --members "$members" --year "$year" --history 2 --seed "$seed" --out "$ex"
	touch "$dir/gen.done"
fi
# raw data rows (header lines excluded), counted once
[ -e "$dir/rows" ] || awk 'FNR > 1 { n++ } END { print n + 0 }' "$ex"/*.csv >"$dir/rows"
rows=$(cat "$dir/rows")
times=$dir/shards-times.tsv
: >"$times"
log=$dir/shards.log
: >"$log"

# sample_tmp WS OUT: every second, the bytes under each shard's tmp, until
# killed; OUT gets "shard bytes" lines
sample_tmp() {
	while :; do
		for t in "$1"/shards/*/*/tmp; do
			[ -d "$t" ] && printf '%s %s\n' "$(basename "$(dirname "$t")")" \
				"$(du -sb "$t" | cut -f1)"
		done >>"$2"
		sleep 1
	done
}

# one_run LABEL ROUND ARGS...: a whole forced run, timed into $times
one_run() {
	local label=$1 round=$2 ws=$dir/ws-$1
	shift 2
	[ -e "$ws.cfg" ] || bench_config "$root/config" "$ws" "$ex" "$year" "$as_of"
	local sampler=
	if [ "$label" != 1 ]; then
		sample_tmp "$ws" "$dir/tmp-$label-$round" &
		sampler=$!
	fi
	/usr/bin/time -o "$dir/time.tmp" -f "%e\t%U\t%S\t%M" \
		"$bin/cco-pipeline" run --force -q -c "$ws.cfg/pipeline.ini" "$@" >>"$log" 2>&1 ||
		{ [ -n "$sampler" ] && kill $sampler; die "the run ($label shards) failed, see $log"; }
	[ -n "$sampler" ] && kill $sampler && wait $sampler 2>/dev/null || true
	printf '%s\t%s\t%s\n' "$label" "$round" "$(cat "$dir/time.tmp")" >>"$times"
}

for r in $(seq 1 "$rounds"); do
	echo "round $r of $rounds"
	if [ $unsharded = 0 ]; then
		one_run "$shards" "$r" --shards "$shards" --jobs "$jobs"
	elif [ $((r % 2)) = 1 ]; then
		one_run 1 "$r"; one_run "$shards" "$r" --shards "$shards" --jobs "$jobs"
	else
		one_run "$shards" "$r" --shards "$shards" --jobs "$jobs"; one_run 1 "$r"
	fi
done

# the two exports agree (results.db by content: it has its creation time)
same=skipped
if [ $unsharded = 1 ]; then
	same=yes
	(cd "$dir/ws-1/export" && find . -type f ! -name results.db | sort) >"$dir/files"
	while read -r f; do
		cmp -s "$dir/ws-1/export/$f" "$dir/ws-$shards/export/$f" || { same="no ($f)"; break; }
	done <"$dir/files"
	for t in metric metric_month; do
		[ "$(sqlite3 "$dir/ws-1/export/results.db" "SELECT * FROM $t" | sort | md5sum)" = \
		  "$(sqlite3 "$dir/ws-$shards/export/results.db" "SELECT * FROM $t" | sort | md5sum)" ] ||
			same="no (results.db $t)"
	done
fi

cpu=$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
	echo "## $(date -u '+%Y-%m-%d %H:%M UTC'): $members members, seed $seed, $shards shards," \
	     "$jobs at once, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo
	echo "Machine: $cpu, $(nproc) cores.  Raw input: $rows rows.  Command:" \
	     "\`bench/shards.sh --members $members --seed $seed --rounds $rounds --shards $shards --jobs $jobs" \
	     "$([ $unsharded = 0 ] && echo --sharded-only)\`."
	echo "Whole forced runs (every stage); peak MB is the largest single process."
	echo
	echo "| round | shards | wall s | CPU s | peak MB | raw rows/s |"
	echo "|---:|---:|---:|---:|---:|---:|"
	awk -F '\t' -v rows="$rows" '{ printf "| %d | %d | %.1f | %.1f | %.0f | %.0f |\n", $2, $1,
		$3, $4 + $5, $6 / 1024, rows / $3 }' "$times"
	awk -F '\t' -v k="$shards" '
		$1 == 1 { w1[$2] = $3 } $1 == k { wk[$2] = $3 }
		END { for (r in wk) if (r in w1) { s += wk[r] / w1[r]; n++ }
		      if (n) printf "\nsharded/unsharded wall, mean of %d rounds: %.3f\n", n, s / n }' "$times"
	echo
	echo "Peak temporary disk (sort runs) per shard, sampled each second:" \
	     "$(cat "$dir"/tmp-"$shards"-* 2>/dev/null | awk '{ if ($2 > m[$1]) m[$1] = $2 }
		END { for (k in m) printf "%s: %.0f MB; ", k, m[k] / 1048576 }' | sed 's/; $//')"
	echo
	echo "Exports byte-identical (results.db by content): $same"
	echo
} >"$dir/shards-report.md"
cat "$dir/shards-report.md"
mkdir -p "$root/bench/results"
cat "$dir/shards-report.md" >>"$result"
echo "appended to ${result#"$root"/}"
