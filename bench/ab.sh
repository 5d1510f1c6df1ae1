#!/bin/bash
# bench/ab.sh: two builds of the pipeline on the same data, alternately.
#
#   bench/ab.sh [--members N] [--seed S] [--data DIR] [--rounds R] [--dry-run]
#               OLD_BIN OLD_CONFIG NEW_BIN NEW_CONFIG
#   bench/ab.sh summary TIMES_TSV
#
# The machine drifts 10-40% between runs, so a change is measured by
# running the old and the new binaries in turn on one population (made by
# bench/run.sh, or by cco-gen here when missing), the order alternating
# each round (old, new; new, old; ...).  Each build runs with its own
# configuration directory (its config/, as the layouts and definitions of
# that commit expect), pointed at the data.  Every stage is timed with
# /usr/bin/time; TIMES_TSV has "build round stage wall user sys peakKB".
# The summary (per round, new/old of wall and CPU, and per stage) is
# printed and appended to bench/results/YYYY-MM-DD-N-ab.md.  Figures are
# reported, never asserted.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/common.sh"
stages="ingest normalize attribute measure export"

die() { echo "bench/ab: $*" >&2; exit 2; }

# summary TIMES: markdown tables of a times file
ab_summary() {
	awk -F '\t' -v stages="$stages" '
	{
		k = $1 SUBSEP $2; wall[k] += $4; cpu[k] += $5 + $6
		rounds[$2] = 1; n[$1 SUBSEP $3]++
		sw[$1 SUBSEP $3] += $4; sc[$1 SUBSEP $3] += $5 + $6
		if ($7 > peak[$1 SUBSEP $3]) peak[$1 SUBSEP $3] = $7
	}
	END {
		print "| round | old wall s | new wall s | new/old | old CPU s | new CPU s | new/old |"
		print "|---|---:|---:|---:|---:|---:|---:|"
		for (r = 1; r in rounds; r++) {
			o = "old" SUBSEP r; w = "new" SUBSEP r
			rw += wall[w] / wall[o]; rc += cpu[w] / cpu[o]; nr++
			printf "| %d | %.2f | %.2f | %.3f | %.2f | %.2f | %.3f |\n", r, wall[o],
			       wall[w], wall[w] / wall[o], cpu[o], cpu[w], cpu[w] / cpu[o]
		}
		printf "| mean | | | %.3f | | | %.3f |\n\n", rw / nr, rc / nr
		print "| stage | old wall s | new wall s | old CPU s | new CPU s | old peak MB | new peak MB |"
		print "|---|---:|---:|---:|---:|---:|---:|"
		ns = split(stages, s, " ")
		for (i = 1; i <= ns; i++) {
			o = "old" SUBSEP s[i]; w = "new" SUBSEP s[i]
			if (!n[o] || !n[w]) continue
			printf "| %s | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |\n", s[i],
			       sw[o] / n[o], sw[w] / n[w], sc[o] / n[o], sc[w] / n[w],
			       peak[o] / 1024, peak[w] / 1024
		}
	}' "$1"
}

if [ "${1:-}" = summary ]; then
	[ $# = 2 ] || die "usage: bench/ab.sh summary TIMES_TSV"
	ab_summary "$2"
	exit
fi

members=${BENCH_MEMBERS:-200000}
seed=7
rounds=3
dry=0
data=${BENCH_DATA:-}
while [ $# -gt 0 ]; do
	case $1 in
	--members) members=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--dry-run) dry=1; shift ;;
	--*) die "unknown option '$1' (see the comment at the top of bench/ab.sh)" ;;
	*) break ;;
	esac
done
[ $# = 4 ] || die "usage: bench/ab.sh [options] OLD_BIN OLD_CONFIG NEW_BIN NEW_CONFIG"
case $members$seed$rounds in *[!0-9]*|'') die "--members, --seed and --rounds take numbers" ;; esac
old_bin=$1 old_cfg=$2 new_bin=$3 new_cfg=$4
for d in "$old_bin" "$new_bin"; do
	for s in $stages; do [ -x "$d/cco-$s" ] || die "$d/cco-$s is missing"; done
done
for c in "$old_cfg" "$new_cfg"; do
	[ -f "$c/pipeline.ini" ] || die "$c/pipeline.ini is missing"
done
[ -n "$data" ] || data=$(bench_data_dir "$root")
dir=$data/m$members-s$seed
ex=$dir/ex

if [ "$dry" = 1 ]; then
	[ -e "$dir/gen.done" ] && echo "reuse $ex" ||
		echo "generate: cco-gen --members $members --year 2025 --history 2 --seed $seed --out $ex"
	for r in $(seq 1 "$rounds"); do
		[ $((r % 2)) = 1 ] && echo "round $r: old, new" || echo "round $r: new, old"
	done
	echo "results: bench/results/YYYY-MM-DD-$members-ab.md"
	exit 0
fi

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
if [ ! -e "$dir/gen.done" ]; then
	echo "generating $members members (seed $seed) into $ex"
	rm -rf "$ex" && mkdir -p "$dir"
	"$new_bin/cco-gen" -q --members "$members" --year 2025 --history 2 --seed "$seed" --out "$ex"
	awk 'FNR > 1 { n++ } END { print n + 0 }' "$ex"/*.csv >"$dir/rows"
	touch "$dir/gen.done"
fi

# setup NAME CONFIG: DIR/ab-NAME.cfg, a copy of CONFIG pointed at the data
setup() {
	bench_config "$2" "$dir/ab-$1" "$ex" 2025 2026-03-31
}

# one NAME BIN ROUND: the whole pipeline from an empty workspace
one() {
	rm -rf "$dir/ab-$1" && mkdir -p "$dir/ab-$1"
	for s in $stages; do
		/usr/bin/time -o "$dir/ab.time" -f "%e\t%U\t%S\t%M" "$2/cco-$s" -q \
			-c "$dir/ab-$1.cfg/pipeline.ini" >"$dir/ab-$1.log" 2>&1 ||
			{ echo "bench/ab: $1 $s failed, see $dir/ab-$1.log" >&2; exit 1; }
		printf '%s\t%s\t%s\t%s\n' "$1" "$3" "$s" "$(cat "$dir/ab.time")" >>"$times"
	done
}

times=$dir/ab-times.tsv
: >"$times"
setup old "$old_cfg"
setup new "$new_cfg"
for r in $(seq 1 "$rounds"); do
	echo "round $r of $rounds"
	if [ $((r % 2)) = 1 ]; then one old "$old_bin" "$r"; one new "$new_bin" "$r"
	else one new "$new_bin" "$r"; one old "$old_bin" "$r"; fi
done

mkdir -p "$root/bench/results"
result=$root/bench/results/$(date -u +%Y-%m-%d)-$members-ab.md
{
	echo "## $(date -u '+%Y-%m-%d %H:%M UTC'): $members members, seed $seed: $old_bin (old) against $new_bin (new), $rounds rounds alternating"
	echo
	ab_summary "$times"
	echo
} | tee -a "$result"
