# bench/common.sh: sourced by bench/run.sh and bench/ab.sh.

# bench_data_dir ROOT: where populations are kept: /work/bench-data when
# it is there to write, else ROOT/build/bench
bench_data_dir() {
	if [ -d /work/bench-data ] && [ -w /work/bench-data ]; then
		echo /work/bench-data
	else
		echo "$1/build/bench"
	fi
}

# bench_config SRC WS EX YEAR AS_OF: WS.cfg, a copy of configuration
# directory SRC pointed at extracts EX and workspace WS (both made empty)
bench_config() {
	rm -rf "$2" "$2.cfg"
	mkdir -p "$2"
	cp -r "$1" "$2.cfg"
	sed -i -e "s|^extracts = .*|extracts = $3|" -e "s|^workspace = .*|workspace = $2|" \
		-e "s|^measurement_year = .*|measurement_year = $4|" -e "s|^as_of = .*|as_of = $5|" \
		"$2.cfg/pipeline.ini"
}
