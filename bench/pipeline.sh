#!/bin/bash
# bench/pipeline.sh [MEMBERS] [DIR]: generate a population with cco-gen and
# time every stage on it (wall, CPU, peak RSS), with the shipped
# configuration pointed at DIR.  Figures are printed, never asserted.
# The 1M-member run needs about 6 GB of disk and 5 minutes here.
set -euo pipefail
members=${1:-200000}
dir=${2:-build/bench/pipeline}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/ex" "$dir/ws" "$dir/cfg"
mkdir -p "$dir/ex" "$dir/ws"
cp -r "$root/config" "$dir/cfg"
sed -i -e "s|^extracts = .*|extracts = $dir/ex|" -e "s|^workspace = .*|workspace = $dir/ws|" \
	"$dir/cfg/pipeline.ini"
timed() {
	/usr/bin/time -f "$1: wall %e s, user %U s, sys %S s, peak RSS %M KB" "${@:2}"
}
timed gen "$bin/cco-gen" -c "$dir/cfg/pipeline.ini" --members "$members" --year 2025 \
	--history 2 --seed 7 --out "$dir/ex"
echo "raw extracts: $(du -sm "$dir/ex" | cut -f1) MB"
for stage in ingest normalize attribute measure export; do
	timed "$stage" "$bin/cco-$stage" -q -c "$dir/cfg/pipeline.ini"
done
du -sm "$dir"/ws/*
