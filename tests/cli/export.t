#!/bin/bash
# cco-export: metric files, suppression, gap lists, the results database
# and the reports, from hand-written measure outputs
# (tests/fixtures/export: aggregates.tsv and results.tsv are the measure
# outputs, *.expect the files cco-export must write).
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/export
test_config
mkdir -p cfg/targets cfg/baselines &&
cp "$FIX/targets.csv" cfg/targets/2025.csv &&
cp "$FIX/baselines.csv" cfg/baselines/2025.csv &&
cp "$FIX/partners.csv" cfg/partners.csv &&
cp "$CCO_ROOT/config/care.ini" cfg/care.ini
cat >>cfg/p.ini <<INI
valuesets = $CCO_ROOT/config/valuesets
measures = $CCO_ROOT/config/measures
INI

# worklist_inputs WS: the care flags, members, roster and attribution the
# worklists and candidate lists read (tests/fixtures/export/care.tsv,
# members.tsv ...; what cco-measure, cco-normalize and cco-attribute would
# write)
worklist_inputs() {
	mkdir -p "$1/normalize" "$1/attribute" "$1/measure" &&
	grep -v "^#" "$FIX/care.tsv" |
		"$TEST_TOOL" rec-write care_flags 1 "$1/measure/care.rec.zst" &&
	for f in normalize/members normalize/providers attribute/attribution \
		 attribute/attribution_audit; do
		grep -v "^#" "$FIX/${f#*/}.tsv" |
			"$TEST_TOOL" rec-write "${f#*/}" 1 "$1/$f.rec.zst" || return 1
	done
}

# measure_outputs WS [PREFIX]: the fixture's measure outputs
# (PREFIXaggregates.tsv, PREFIXresults.tsv) in WS/measure, and the
# worklists' inputs
measure_outputs() {
	worklist_inputs "$1" &&
	mkdir -p "$1/measure" &&
	grep -v "^#" "$FIX/${2-}aggregates.tsv" |
		"$TEST_TOOL" rec-write measure_aggregates 1 "$1/measure/aggregates.rec.zst" &&
	grep -v "^#" "$FIX/${2-}results.tsv" |
		"$TEST_TOOL" rec-write measure_results 1 "$1/measure/results.rec.zst"
}

test_expect_success 'partner metrics: rates, targets, statuses, needed, suppression' '
	measure_outputs ws &&
	cco-export -q -c cfg/p.ini &&
	test_cmp "$FIX/partner_metrics.expect" ws/export/partner_metrics.csv
'

test_expect_success 'clinic metrics: clinics summed to the ALL row, suppressed' '
	test_cmp "$FIX/clinic_metrics.expect" ws/export/clinic_metrics.csv
'

test_expect_success 'strata metrics: partner level, per stratum' '
	test_cmp "$FIX/strata_metrics.expect" ws/export/strata_metrics.csv
'

test_expect_success 'aggregate files are mode 0644' '
	test_mode ws/export/partner_metrics.csv 644 &&
	test_mode ws/export/clinic_metrics.csv 644
'

# row FILE MEASURE PARTNER: that row of a metric file, partner name removed
row() {
	sed -e "s/,\"[^\"]*\(\"\"[^\"]*\)*\",/,name,/" "$1" |
		awk -F, -v m="$2" -v p="$3" "\$1 == m && \$3 == p"
}

test_expect_success 'target math: higher is better with a pp floor, rounding at the boundary' '
	f=ws/export/partner_metrics.csv &&
	row $f COL P01 | grep -q ",1299,65.0,65.0,,,met benchmark,0$" &&
	row $f COL P03 | grep -q ",40.0,65.0,45.0,47.0,not met,7$" &&
	row $f COL P05 | grep -q ",40.0,65.0,,,not met,13$"
'

test_expect_success 'target math: lower is better with a percent floor' '
	f=ws/export/partner_metrics.csv &&
	row $f AMB-ED P01 | grep -q ",50.0,43.1,52.0,49.4,not met,7$" &&
	row $f AMB-ED P02 | grep -q ",40.0,43.1,,,met benchmark,0$" &&
	row $f AMB-ED P03 | grep -q ",48.0,43.1,51.0,48.5,met improvement target,0$"
'

test_expect_success 'not enough data below export.min_denominator' '
	row ws/export/partner_metrics.csv COL P04 | grep -q ",not enough data,$" &&
	cco-export -q -c cfg/p.ini --set export.min_denominator=20 &&
	row ws/export/partner_metrics.csv COL P04 | grep -q ",met improvement target,suppressed$"
'

# counts FILE: the denominator, exclusions and numerator cells of a metric
# file (partner name removed), one per line
counts() {
	sed -e "s/,\"[^\"]*\(\"\"[^\"]*\)*\",/,name,/" "$1" |
		awk -F, "NR > 1 { for (i = NF - 8; i <= NF - 6; i++) print \$i }"
}

test_expect_success 'suppression: no count from 1 to 10 is shown, complements hidden' '
	cco-export -q -c cfg/p.ini &&
	for f in partner clinic strata; do
		counts ws/export/${f}_metrics.csv >c &&
		grep -q suppressed c && ! grep -qx "[1-9]\|10" c || return 1
	done &&
	row ws/export/partner_metrics.csv CIS P01 | grep -q ",100,0,suppressed,suppressed," &&
	row ws/export/partner_metrics.csv CIS P02 | grep -q ",200,0,suppressed,suppressed,"
'

test_expect_success 'a higher threshold suppresses more, 0 suppresses nothing' '
	cco-export -q -c cfg/p.ini --set export.suppress_threshold=0 &&
	! grep -q suppressed ws/export/partner_metrics.csv &&
	cco-export -q -c cfg/p.ini
'

test_expect_success '--internal is gone: one run writes every audience' '
	test_must_fail --code 2 cco-export -q -c cfg/p.ini --internal
'

test_expect_success 'public/: the public files, the same files as the top level' '
	cco-export -q -c cfg/p.ini &&
	for f in partner_metrics.csv clinic_metrics.csv strata_metrics.csv report.html \
		report.xlsx; do
		test ws/export/$f -ef ws/export/public/$f && test_mode ws/export/public/$f 644 &&
		! test -e ws/export/$f.tmp || return 1
	done
'

test_expect_success 'public/: no count from 1 to 10 in any metric file' '
	for f in partner clinic strata; do
		counts ws/export/public/${f}_metrics.csv >c &&
		grep -q suppressed c &&
		! grep -qx "[1-9]\|10" c || return 1
	done
'

test_expect_success 'internal/: unsuppressed, mode 0600 in a 0700 directory' '
	test_cmp "$FIX/partner_metrics_internal.expect" ws/export/internal/partner_metrics.csv &&
	! grep -q suppressed ws/export/internal/clinic_metrics.csv &&
	test_mode ws/export/internal 700 &&
	for f in partner_metrics.csv clinic_metrics.csv strata_metrics.csv report.html \
		report.xlsx; do
		test_mode ws/export/internal/$f 600 || return 1
	done
'

test_expect_success 'partners/P01: its own rows whole, the others suppressed' '
	p=ws/export/partners/P01 &&
	test_mode ws/export/partners 700 && test_mode $p 700 &&
	test_mode $p/partner_metrics.csv 600 &&
	grep ",P01," ws/export/internal/partner_metrics.csv >whole &&
	grep ",P01," $p/partner_metrics.csv >own && test_cmp whole own &&
	grep ",P01," ws/export/internal/clinic_metrics.csv >whole &&
	grep ",P01," $p/clinic_metrics.csv >own && test_cmp whole own &&
	grep -v ",P01," $p/clinic_metrics.csv >others &&
	counts others >c && grep -q suppressed c && ! grep -qx "[1-9]\|10" c
'

test_expect_success 'partners/P01: the public complement of its own small cell is shown' '
	row ws/export/partner_metrics.csv CIS P02 | grep -q ",200,0,suppressed,suppressed," &&
	row ws/export/partners/P01/partner_metrics.csv CIS P02 | grep -q ",200,0,150,75.0,"
'

test_expect_success 'partners/P03: P03 cannot work out a hidden count of another partner' '
	p=ws/export/partners/P03 &&
	row ws/export/internal/partner_metrics.csv CIS P01 | grep -q ",100,0,95," &&
	row $p/partner_metrics.csv CIS P01 | grep -q ",100,0,suppressed,suppressed," &&
	row $p/partner_metrics.csv CIS P02 | grep -q ",200,0,suppressed,suppressed,"
'

test_expect_success 'partners/P01: its gap list only, 0600, the same as gaps/P01.csv' '
	p=ws/export/partners/P01 &&
	test_cmp "$FIX/gaps-P01.expect" $p/gaps.csv &&
	test_mode $p/gaps.csv 600 &&
	cut -d, -f1 ws/export/gaps/P02.csv | grep -v member_id >p02 && test -s p02 &&
	! grep -rwF -f p02 $p &&
	ls ws/export/partners >out && printf "P01\nP02\nP03\nP04\nP05\n" >expect &&
	test_cmp expect out &&
	! test -e ws/export/partners/P03/gaps.csv
'

test_expect_success 'the packet of a partner no longer in paths.partners is removed' '
	mkdir -m 700 ws/export/partners/P09 &&
	cp ws/export/partners/P01/* ws/export/partners/P09/ &&
	cco-export -q -c cfg/p.ini &&
	! test -e ws/export/partners/P09 &&
	test -s ws/export/partners/P01/gaps.csv
'

test_expect_success 'each report.html says on top whom it is for and what it hides' '
	grep -A1 "<h1>" ws/export/public/report.html | grep -q "Public report.*Counts from 1 to 10" &&
	grep -A1 "<h1>" ws/export/internal/report.html | grep -q "Internal report.*Nothing is suppressed" &&
	grep -A1 "<h1>" ws/export/partners/P02/report.html |
		grep -q "Report for partner P02 South Health, Inc.</strong> &ndash; its own numbers are shown whole"
'

test_expect_success 'no member id in any byte of internal/ or public/' '
	cut -f1 "$FIX/results.tsv" | grep "^M" | sort -u >ids && test -s ids &&
	grep -rlF -f ids ws/export/gaps >found && test -s found &&
	for f in ws/export/internal/* ws/export/public/*; do
		case $f in *.xlsx) unzip -p $f ;; *) cat $f ;; esac >bytes &&
		{ ! grep -aF -f ids bytes || { echo "# member id in $f"; return 1; }; }
	done
'

test_expect_success 'a missing targets file is a configuration error' '
	test_must_fail --code 2 cco-export -c cfg/p.ini --set run.measurement_year=2024 2>err &&
	test_grep "2024.csv" err
'

test_expect_success 'missing measure outputs: exit 1, earlier outputs kept' '
	cp ws/export/partner_metrics.csv before &&
	mv ws/measure ws/measure.away &&
	test_must_fail --code 1 cco-export -c cfg/p.ini 2>err &&
	mv ws/measure.away ws/measure &&
	test_grep "aggregates.rec.zst" err &&
	test_cmp before ws/export/partner_metrics.csv
'

test_expect_success 'gap lists: clinic (unattributed last), closable first, deadline' '
	cco-export -c cfg/p.ini 2>log &&
	test_cmp "$FIX/gaps-P01.expect" ws/export/gaps/P01.csv &&
	test_cmp "$FIX/gaps-P02.expect" ws/export/gaps/P02.csv &&
	ls ws/export/gaps >out && printf "P01.csv\nP02.csv\n" >expect && test_cmp expect out
'

test_expect_success 'gap lists: no PCR or AMB-ED row, though both have members not met' '
	awk -F"\t" "\$2 ~ /^(PCR|AMB-ED)\$/ && \$7 == 0 && \$9 == 0" "$FIX/results.tsv" >rows &&
	test $(wc -l <rows) = 2 &&
	cat ws/export/gaps/*.csv | cut -d, -f3 | sort -u >out &&
	printf "CCS\nCIS\nCOL\nFUH\nIET\nmeasure_id\n" >expect && test_cmp expect out
'

test_expect_success 'gap lists: every row has a deadline; closable: on or after the as-of date' '
	cat ws/export/gaps/*.csv | awk -F, "NR > 1 && \$1 != \"member_id\" { print \$6, \$7 }" | sort -u >out &&
	printf "2025-02-10 no\n2025-03-31 no\n2025-06-30 no\n2025-12-31 no\n2026-04-10 yes\n" >expect &&
	test_cmp expect out &&
	cco-export -q -c cfg/p.ini --set run.as_of=2025-06-30 &&
	awk -F, "\$1 == \"M001\" || \$1 == \"M009\" { print \$1, \$6, \$7 }" ws/export/gaps/P01.csv >out &&
	printf "M001 2025-06-30 yes\nM001 2025-06-30 yes\nM009 2025-03-31 no\n" >expect &&
	test_cmp expect out
'

test_expect_success 'gap lists come out the same with the smallest sort buffer' '
	cco-export -q -c cfg/p.ini --set limits.sort_buffer_kb=1 &&
	test_cmp "$FIX/gaps-P01.expect" ws/export/gaps/P01.csv &&
	test_cmp "$FIX/gaps-P02.expect" ws/export/gaps/P02.csv &&
	! ls ws/tmp | grep -q .
'

test_expect_success 'gap lists are mode 0600 in a 0700 directory' '
	test_mode ws/export/gaps 700 &&
	test_mode ws/export/gaps/P01.csv 600 && test_mode ws/export/gaps/P02.csv 600
'

test_expect_success 'the log names no member, the aggregate files neither' '
	test_grep "9 open gaps in 2 gap lists" log &&
	! grep -q "M00" log &&
	! grep -q "M00" ws/export/partner_metrics.csv ws/export/clinic_metrics.csv \
		ws/export/strata_metrics.csv ws/export/report.html
'

test_expect_success 'a partner without open gaps loses its old list' '
	echo stale >ws/export/gaps/P09.csv &&
	cco-export -q -c cfg/p.ini &&
	! test -e ws/export/gaps/P09.csv
'

test_expect_success 'results.db: one run per year, as-of date and configuration' '
	rm -f ws/export/results.db &&
	cco-export -q -c cfg/p.ini &&
	cco-export -q -c cfg/p.ini --set run.as_of=2026-04-30 &&
	sqlite3 ws/export/results.db "SELECT run_id, measurement_year, as_of, length(config_hash) FROM run ORDER BY run_id" >out &&
	printf "1|2025|2026-03-31|32\n2|2025|2026-04-30|32\n" >expect && test_cmp expect out &&
	test_mode ws/export/results.db 600
'

test_expect_success 'results.db: a rerun replaces its run, a new target adds one' '
	cco-export -q -c cfg/p.ini &&
	sqlite3 ws/export/results.db "SELECT run_id, count(*) FROM metric GROUP BY run_id" >out &&
	printf "1|29\n2|29\n" >expect && test_cmp expect out &&
	sed -i "s/^COL,screened,65.0/COL,screened,60.0/" cfg/targets/2025.csv &&
	cco-export -q -c cfg/p.ini &&
	cp "$FIX/targets.csv" cfg/targets/2025.csv &&
	sqlite3 ws/export/results.db "SELECT count(*), count(DISTINCT config_hash) FROM run" >out &&
	echo "3|2" >expect && test_cmp expect out
'

test_expect_success 'results.db: unsuppressed rows at partner and clinic level' '
	sqlite3 ws/export/results.db "SELECT level, partner_id, clinic_id, exclusions, rate, status, needed FROM metric WHERE run_id = 1 AND measure_id = \"COL\" AND partner_id IN (\"P02\", \"ALL\") ORDER BY 1, 2" >out &&
	printf "clinic|P02|C2|5|56.4|met improvement target|0\npartner|ALL||6|62.6|not met|56\npartner|P02||5|56.4|met improvement target|0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'report.xlsx: a valid zip with a Summary, a sheet per partner, Notes' '
	cco-export -q -c cfg/p.ini &&
	unzip -l ws/export/report.xlsx >list &&
	test_grep "xl/worksheets/sheet7.xml" list &&
	unzip -p ws/export/report.xlsx xl/workbook.xml | grep -o "<sheet name=\"[^\"]*\"" >out &&
	printf "<sheet name=\"%s\"\n" Summary P01 P02 P03 P04 P05 Notes >expect && test_cmp expect out &&
	unzip -p ws/export/report.xlsx xl/sharedStrings.xml >strings &&
	test_grep "met improvement target" strings &&
	test_mode ws/export/report.xlsx 644
'

# xlsx_strings SET: the shared strings of SET/report.xlsx, line n holding
# string n - 1
xlsx_strings() {
	unzip -p ws/export/$1/report.xlsx xl/sharedStrings.xml | sed "s/<si>/\n&/g" |
		grep "^<si>" | sed "s/<[^>]*>//g"
}

# xlsx_rows SET N: the rows of sheet N of SET/report.xlsx, one a line
xlsx_rows() {
	unzip -p ws/export/$1/report.xlsx xl/worksheets/sheet$2.xml | sed "s/<row /\n&/g" |
		grep "^<row "
}

test_expect_success 'report.xlsx: a suppressed number is an empty cell, the Suppressed column names it' '
	xlsx_strings public >strings &&
	i=$(($(grep -nx "numerator, rate, needed" strings | cut -d: -f1) - 1)) &&
	xlsx_rows public 1 >rows &&
	grep "<c r=\"P[0-9]*\" t=\"s\"><v>$i</v>" rows >hidden &&
	test $(wc -l <hidden) -ge 2 &&
	! grep -q "<c r=\"[IJO][0-9]*\"" hidden &&
	grep -q "<c r=\"G[0-9]*\"><v>100</v>" hidden &&
	xlsx_rows internal 1 | sed 1,2d >irows && test -s irows &&
	! grep -q "<c r=\"P" irows
'

test_expect_success 'report.xlsx: every count, rate and needed cell is a number, never text' '
	for n in 1 2 3 4 5 6; do
		xlsx_rows public $n | sed 1,2d | grep -o "<c r=\"[G-MO][0-9]*\"[^>]*>" >cells &&
		test -s cells && ! grep -q "t=" cells || return 1
	done
'

test_expect_success 'report.xlsx: proportions are formatted as percentages' '
	unzip -p ws/export/report.xlsx xl/styles.xml | grep -q "formatCode=\"0.0%\"" &&
	xlsx_rows public 1 | grep -q "<c r=\"J[0-9]*\" s=\"[0-9]*\"><v>0.65</v>" &&
	xlsx_rows public 1 | grep -q "<c r=\"K[0-9]*\" s=\"[0-9]*\"><v>0.819</v>"
'

test_expect_success 'report.xlsx: the run atop, header frozen, autofilter, on every sheet' '
	xlsx_strings public >strings &&
	test "$(head -1 strings)" = "CCO quality measures: measurement year 2025, as of 2026-03-31, run 1; public, small counts suppressed" &&
	for n in 1 2 3 4 5 6 7; do
		unzip -p ws/export/report.xlsx xl/worksheets/sheet$n.xml >sheet &&
		grep -q "<c r=\"A1\" s=\"[0-9]*\" t=\"s\"><v>0</v></c>" sheet &&
		grep -q "<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/>" sheet &&
		{ test $n = 7 || grep -q "<autoFilter ref=\"A2:P[0-9]*\"/>" sheet; } || return 1
	done &&
	xlsx_rows public 1 | wc -l >n &&
	unzip -p ws/export/report.xlsx xl/worksheets/sheet1.xml >sheet &&
	grep -q "<autoFilter ref=\"A2:P$(cat n)\"/>" sheet
'

test_expect_success 'report.xlsx: Notes explain every column and the suppression rule' '
	xlsx_strings public >strings &&
	for c in Measure Sub-result Denominator Numerator Rate Benchmark Baseline \
		"Improvement target" Status Needed Suppressed; do
		grep -qx "$c" strings || return 1
	done &&
	grep -q "^Public set: counts from 1 to the threshold are suppressed" strings &&
	grep -q "^Threshold (export.suppress_threshold): 10\. A suppressed cell is empty" strings &&
	xlsx_strings internal | grep -q "^Internal set, for the CCO only: nothing is suppressed" &&
	xlsx_strings partners/P01 | grep -q "^Partner packet: the partner.s own rows"
'

test_expect_success 'results.db: partner and measure names, and the metric_named view' '
	sqlite3 ws/export/results.db "SELECT partner_id, partner_name FROM partner ORDER BY 1" >out &&
	printf "%s\n" "ALL|CCO total" "P01|North Clinic Group" "P02|South Health, Inc." \
		"P03|East \"Valley\" Care" "P04|West Partners" "P05|Central Care" >expect &&
	test_cmp expect out &&
	sqlite3 ws/export/results.db "SELECT measure_name, higher_is_better, kind FROM measure WHERE measure_id IN (\"COL\", \"AMB-ED\") ORDER BY measure_id" >out &&
	printf "%s\n" "Ambulatory care: ED visits per 1,000 member months|0|rate" \
		"Colorectal cancer screening|1|proportion" >expect && test_cmp expect out &&
	sqlite3 ws/export/results.db "SELECT DISTINCT partner_name, measure_name FROM metric_named WHERE partner_id = \"P02\" AND measure_id = \"COL\"" >out &&
	echo "South Health, Inc.|Colorectal cancer screening" >expect && test_cmp expect out
'

# overview FILE: the overview matrix of report.html FILE, one row a line
overview() {
	sed -n "/<table id=\"overview\"/,/<\/table>/p" "$1"
}

test_expect_success 'report.html: the overview comes first, after whom it is for' '
	cco-export -q -c cfg/p.ini &&
	grep -o "<h1>\|id=\"audience\"\|class=\"legend\"\|<table id=\"overview\"\|<nav\|<section" \
		ws/export/report.html | uniq >order &&
	printf "%s\n" "<h1>" "id=\"audience\"" "class=\"legend\"" "<table id=\"overview\"" \
		"<nav" "<section" >expect &&
	test_cmp expect order
'

test_expect_success 'report.html: overview matrix: a row per measure, a column per partner and the CCO' '
	overview ws/export/report.html >m &&
	grep -o "<th scope=\"col\">[^<]*" m | cut -d">" -f2 >cols &&
	printf "%s\n" Measure P01 P02 P03 P04 P05 "CCO total" >expect && test_cmp expect cols &&
	grep -o "<th scope=\"row\"><a href=\"#m-[0-9]*\">[^<]*" m | sed "s/.*>//" >rows &&
	sed 1d cfg/targets/2025.csv | cut -d, -f1,2 | tr , " " >targeted &&
	{ cat targeted; cut -d, -f1,2 ws/export/partner_metrics.csv | sed 1d | uniq |
		tr , " " | grep -vxF -f targeted; } >expect &&
	test_cmp expect rows && head -3 rows | tr "\n" ";" | grep -qx "AMB-ED visits;CIS combo3;COL screened;" &&
	grep -o "scope=\"rowgroup\" colspan=\"7\" class=\"t\">[^<]*" m | cut -d">" -f2 >groups &&
	printf "%s\n" "Measures with a benchmark or target, in the targets file&rsquo;s order" \
		"Other measures" >expect && test_cmp expect groups &&
	test "$(grep -o "<td" m | wc -l)" = "$(($(wc -l <rows) * 6))"
'

# cells ROW: the cells of the overview row whose header starts with ROW,
# one a line
cells() {
	grep "#m-[0-9]*\">$1" m | sed "s/<td/\n&/g" | grep "^<td"
}

test_expect_success 'report.html: overview cells: rate, status by colour, symbol and text, needed' '
	overview ws/export/report.html >m &&
	cells "COL screened" >c &&
	sed -n 3p c | grep -q "class=\"st s2\".*>$(printf "\342\234\227")<.*not met: </span>40.0 <span class=\"need\">need 7</span>" &&
	sed -n 1p c | grep -q "class=\"st s0\".*>$(printf "\342\230\205")<.*met benchmark: </span>65.0</td>" &&
	sed -n 4p c | grep -q "class=\"st s3\".*not enough data: </span><span class=\"supp\">suppressed" &&
	cells "DEV screened" | head -1 | grep -q "class=\"st s4\".*no goal: "
'

test_expect_success 'report.html: five statuses, five colours, all in the legend' '
	f=ws/export/report.html &&
	grep -o "\.s[0-4]{background:#[0-9a-f]*" $f | cut -d"#" -f2 | sort -u >colours &&
	test $(wc -l <colours) = 5 &&
	grep -o "<p class=\"legend\">.*</p>" $f | grep -o "</span>[a-z ]*</span>" |
		sed "s/<[^>]*>//g; s/^ //" >legend &&
	printf "%s\n" "met benchmark" "met improvement target" "not met" "not enough data" \
		"no goal" >expect && test_cmp expect legend
'

test_expect_success 'report.html: a table of contents linking every section' '
	f=ws/export/report.html &&
	sed -n "/<nav/,/<\/nav>/p" $f | grep -o "href=\"#[^\"]*\"" | cut -d"#" -f2 | tr -d "\"" >toc &&
	{ echo overview; grep -o "<section id=\"[^\"]*\"" $f | cut -d"\"" -f2; } >ids &&
	test_cmp ids toc && grep -qx "p-P05" toc
'

test_expect_success 'report.html: each measure shows benchmark, baseline, target, rate, needed' '
	f=ws/export/report.html &&
	awk "/<section id=\"m-2\"/,/<\/section>/" $f >sec &&
	grep -q "Benchmark: <b>65.0</b> CCO baseline: <b>&ndash;</b> CCO target: <b>&ndash;</b> CCO rate: <b>suppressed</b> Needed: <b>suppressed</b>" sec &&
	grep -q "<th scope=\"col\">Benchmark</th><th scope=\"col\">Baseline</th>" sec &&
	grep -q "<td>40.0</td><td>65.0</td><td>45.0</td><td>47.0</td>" sec
'

test_expect_success 'report.html: charts have labelled axes' '
	f=ws/export/report.html &&
	test "$(grep -c "rate (% of eligible members)</text>" $f)" = 3 &&
	test "$(grep -c "rate (per 1,000 member months)</text>" $f)" = 1 &&
	test "$(grep -c ">partner</text>" $f)" = 4 &&
	test "$(grep -c ">as-of date of each run</text>" $f)" = 3 &&
	test "$(grep -c ">month of the measurement year</text>" $f)" = 9
'

test_expect_success 'report.html: a rate per 1,000 member months: progress across the runs up to its as-of date' '
	cco-export -q -c cfg/p.ini --set run.as_of=2026-04-30 &&
	grep -o "AMB-ED visits: [0-9]* runs\?" ws/export/report.html | head -1 >out &&
	echo "AMB-ED visits: 2 runs" >expect && test_cmp expect out &&
	test "$(grep -c "AMB-ED visits: 2 runs" ws/export/report.html)" = 3 &&
	cco-export -q -c cfg/p.ini &&
	grep -o "AMB-ED visits: [0-9]* runs\?" ws/export/report.html | head -1 >out &&
	echo "AMB-ED visits: 1 run" >expect && test_cmp expect out
'

# The monthly fixture (monthly-*.tsv): P01 has 4 members in the COL
# denominator (one more excluded), screened in February, February, May and
# not at all; every count is below the public threshold, so public/
# suppresses the whole row.

# section SET PARTNER: the partner's section of SET/report.html in ws6
section() {
	awk "/<section id=\"p-$2\"/,/<\/section>/" ws6/export/$1/report.html
}

test_expect_success 'monthly curve: numerators to date by month in results.db, per partner and CCO' '
	measure_outputs ws6 monthly- &&
	cco-export -q -c cfg/p.ini --set run.workspace=ws6 &&
	sqlite3 ws6/export/results.db "SELECT month, numerator, denominator, rate, suppressed FROM metric_month WHERE partner_id = \"P01\" ORDER BY month" >out &&
	cat >expect <<-\EOF &&
	1|0|4|0.0|1
	2|2|4|50.0|1
	3|2|4|50.0|1
	4|2|4|50.0|1
	5|3|4|75.0|1
	6|3|4|75.0|1
	7|3|4|75.0|1
	8|3|4|75.0|1
	9|3|4|75.0|1
	10|3|4|75.0|1
	11|3|4|75.0|1
	12|3|4|75.0|1
	EOF
	test_cmp expect out &&
	sqlite3 ws6/export/results.db "SELECT month, numerator, denominator, rate FROM metric_month WHERE partner_id = \"ALL\" AND month IN (1, 2, 5) ORDER BY month" >out &&
	printf "1|0|4|0.0\n2|2|4|50.0\n5|3|4|75.0\n" >expect && test_cmp expect out
'

test_expect_success 'monthly curve: a rerun of the same run replaces its months' '
	cco-export -q -c cfg/p.ini --set run.workspace=ws6 &&
	sqlite3 ws6/export/results.db "SELECT run_id, count(*) FROM metric_month GROUP BY run_id" >out &&
	echo "1|24" >expect && test_cmp expect out
'

test_expect_success 'monthly curve: no month after the as-of date, nor evidence dated after it' '
	cco-export -q -c cfg/p.ini --set run.workspace=ws6 --set run.as_of=2025-04-30 &&
	sqlite3 ws6/export/results.db "SELECT max(month), sum(month = 4 AND numerator = 2) FROM metric_month m JOIN run r USING (run_id) WHERE r.as_of = \"2025-04-30\" AND partner_id = \"P01\"" >out &&
	echo "4|1" >expect && test_cmp expect out &&
	section internal P01 >sec &&
	grep -q "<figcaption>COL screened: April: 50.0%</figcaption>" sec &&
	test "$(grep -c "<circle" sec)" = 4
'

test_expect_success 'monthly curve: internal/ and the own packet draw it, public/ leaves it out' '
	cco-export -q -c cfg/p.ini --set run.workspace=ws6 &&
	for set in internal partners/P01; do
		section $set P01 >sec &&
		grep -q "<figcaption>COL screened: December: 75.0%</figcaption>" sec &&
		test "$(grep -c "<circle" sec)" = 12 &&
		grep -q "month of the measurement year</text>" sec ||
			{ echo "in $set" >&2; return 1; }
	done &&
	section public P01 >sec &&
	grep -q "<figcaption>COL screened: suppressed</figcaption>" sec &&
	! grep -q "<circle\|<polyline" sec
'

test_expect_success 'monthly curve: rates per 1,000 member months and lower-is-better measures have none' '
	sqlite3 ws/export/results.db "SELECT DISTINCT measure_id FROM metric_month ORDER BY 1" >out &&
	printf "CIS\nCOL\nDEV\n" >expect && test_cmp expect out &&
	grep -q "AMB-ED visits: 1 run" ws/export/internal/report.html
'

test_expect_success 'monthly curve: last year drawn only when results.db holds a run of it' '
	cco-export -q -c cfg/p.ini --set run.workspace=ws6 --set run.as_of=2025-05-31 &&
	section internal P01 >sec &&
	grep -q "<figcaption>COL screened: May: 75.0%</figcaption>" sec &&
	! grep -q "#757575" sec &&
	sqlite3 ws6/export/results.db "INSERT INTO run VALUES (90, 2024, \"2024-06-30\", \"x\", \"t\"), (91, 2024, \"2025-03-31\", \"x\", \"t\"); INSERT INTO metric_month VALUES (90, \"COL\", \"screened\", \"P01\", 5, 3, 10, 30.0, 1), (90, \"COL\", \"screened\", \"P01\", 6, 4, 10, 40.0, 1), (91, \"COL\", \"screened\", \"P01\", 5, 4, 10, 40.0, 1), (91, \"COL\", \"screened\", \"P01\", 12, 7, 10, 71.0, 1)" &&
	cco-export -q -c cfg/p.ini --set run.workspace=ws6 --set run.as_of=2025-05-31 &&
	section internal P01 >sec &&
	grep -q "<figcaption>COL screened: May: 75.0%; last May: 40.0%; last year ended at 71.0%</figcaption>" sec &&
	grep -q "rate to date by month, this year and last year</title>" sec &&
	test "$(grep -c "<polyline fill=\"none\" stroke=\"#757575\"" sec)" = 1 &&
	section partners/P01 P01 >sec &&
	grep -q "last May: 40.0%; last year ended at 71.0%</figcaption>" sec &&
	cco-export -q -c cfg/p.ini --set run.workspace=ws6 &&
	section internal P01 >sec &&
	grep -q "<figcaption>COL screened: December: 75.0%; last December: 71.0%</figcaption>" sec &&
	section public P01 >sec &&
	grep -q "<figcaption>COL screened: suppressed</figcaption>" sec &&
	! grep -q "#757575" sec
'

test_expect_success 'monthly curve: none for a sub-result with a numerator of no evidence date' '
	worklist_inputs ws8 &&
	mkdir -p ws8/measure &&
	cp ws6/measure/aggregates.rec.zst ws6/measure/manifest ws8/measure/ &&
	grep -v "^#" "$FIX/monthly-results.tsv" | sed "s/\t2025-05-01\t/\t\t/" |
		"$TEST_TOOL" rec-write measure_results 1 ws8/measure/results.rec.zst &&
	cco-export -q -c cfg/p.ini --set run.workspace=ws8 &&
	test "$(sqlite3 ws8/export/results.db "SELECT count(*) FROM metric_month")" = 0 &&
	grep -q "<figcaption>COL screened: 1 run</figcaption>" ws8/export/internal/report.html &&
	! grep -q "month of the measurement year</text>" ws8/export/internal/report.html
'

test_expect_success 'monthly curve: a stratified measure counts the rows of every stratum' '
	worklist_inputs ws9 &&
	mkdir -p ws9/measure &&
	printf "DEV\tscreened\t\tP01\tC1\t4\t0\t2\nDEV\tscreened\tage_1\tP01\tC1\t2\t0\t1\nDEV\tscreened\tage_2\tP01\tC1\t2\t0\t1\n" |
		"$TEST_TOOL" rec-write measure_aggregates 1 ws9/measure/aggregates.rec.zst &&
	printf "N1\tDEV\tscreened\tage_1\tP01\tC1\t0\t\t1\t\tx\t2025-03-03\t\t\nN2\tDEV\tscreened\tage_1\tP01\tC1\t0\t\t0\tscreening\t\t\t2025-12-31\t\nN3\tDEV\tscreened\tage_2\tP01\tC1\t0\t\t1\t\tx\t2025-07-07\t\t\nN4\tDEV\tscreened\tage_2\tP01\tC1\t0\t\t0\tscreening\t\t\t2025-12-31\t\n" |
		"$TEST_TOOL" rec-write measure_results 1 ws9/measure/results.rec.zst &&
	cco-export -q -c cfg/p.ini --set run.workspace=ws9 &&
	sqlite3 ws9/export/results.db "SELECT month, numerator, denominator FROM metric_month WHERE partner_id = \"P01\" AND month IN (2, 3, 7, 12) ORDER BY month" >out &&
	printf "2|0|4\n3|1|4\n7|2|4\n12|2|4\n" >expect && test_cmp expect out
'

test_expect_success 'monthly curve: a numerator with a damaged evidence date is refused' '
	mkdir -p ws7/measure &&
	cp ws6/measure/aggregates.rec.zst ws6/measure/manifest ws7/measure/ &&
	grep -v "^#" "$FIX/monthly-results.tsv" | sed "s/2025-05-01/2025-02-30/" |
		"$TEST_TOOL" rec-write measure_results 1 ws7/measure/results.rec.zst &&
	test_must_fail --code 1 cco-export -q -c cfg/p.ini --set run.workspace=ws7 2>err &&
	test_grep "results.rec.zst:5: evidence_date is not a date: .2025-02-30." err
'

test_expect_success 'monthly curve: a numerator of a partner the aggregates lack is refused' '
	grep -v "^#" "$FIX/monthly-results.tsv" | sed "s/\tP01\tC1\t0\t\t1\t/\tP09\tC1\t0\t\t1\t/" |
		"$TEST_TOOL" rec-write measure_results 1 ws7/measure/results.rec.zst &&
	test_must_fail --code 1 cco-export -q -c cfg/p.ini --set run.workspace=ws7 2>err &&
	test_grep "a numerator of measure .COL. for partner .P09. is not in the aggregates" err
'

# push SET PARTNER: the text of the rows of "Where to push" in the
# partner's section of SET/report.html, one per line
push() {
	sed -n "/<section id=\"p-$2\"/,/<\/section>/p" ws/export/$1/report.html |
		sed -n "/<h3>Where to push/,/<p>The rate to date/p" | sed "\$d" | grep "^<tr><th scope=\"row\">\|^<p>" |
		sed "s/<[^>]*>/ /g; s/  */ /g; s/^ //; s/ \$//"
}

test_expect_success 'report.html: where to push, the least needed first, clinics by closable gaps' '
	push internal P03 >out &&
	cat >expect <<-\EOF &&
	COL screened: Colorectal cancer screening 40.0 47.0 65.0 7
	CIS combo3: Childhood Immunization Status (Combo 3) 66.7 &ndash; 81.9 46
	No open gaps.
	EOF
	test_cmp expect out &&
	push internal P01 | sed -n "2,\$p" >out &&
	printf "C1 1 5\nC0 0 1\nunattributed 0 1\n" >expect && test_cmp expect out &&
	awk -F, "NR > 1 { n[\$2]++; c[\$2] += \$7 == \"yes\" } END { for (k in n) print k, c[k], n[k] }" \
		ws/export/partners/P01/gaps.csv | sort -k2,2nr -k1,1 >expect &&
	test_cmp expect out
'

test_expect_success 'where to push: only where the partner'"'"'s own numbers are shown' '
	! grep -q "Where to push" ws/export/public/report.html &&
	test $(grep -c "<h3>Where to push" ws/export/internal/report.html) = 5 &&
	grep -c "<h3>Where to push" ws/export/partners/P03/report.html >out &&
	echo 1 >expect && test_cmp expect out &&
	push partners/P03 P03 >out && push internal P03 >expect && test_cmp expect out
'

# chromium: the browser for the rendering test, installed when missing
# and we may (root, Debian); else empty
chromium() {
	if ! test -x /usr/bin/chromium && test "$(id -u)" = 0 && command -v apt-get >/dev/null; then
		apt-get install -y -q chromium >/dev/null 2>&1
	fi
	test -x /usr/bin/chromium && echo /usr/bin/chromium
}
BROWSER=$(chromium)

# browse FILE ARGS...: headless Chromium on ws/export/FILE (SET/report.html
# when FILE is a directory), private profile
browse() {
	page="file://$PWD/ws/export/$1" &&
	{ test -f "ws/export/$1" || page=$page/report.html; } &&
	shift &&
	profile=$(mktemp -d) &&
	timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
		"$@" "$page"
	rc=$?
	rm -rf "$profile"
	return $rc
}

# The overview table has an outline of a colour nothing else uses: its
# pixels in the screenshot of the first screen show the matrix is there.
OUTLINE=6a1b9a

if test -n "$BROWSER"; then
	cco-export -q -c cfg/p.ini
	for set in public internal partners/P01; do
		test_expect_success "$set/report.html in Chromium: the overview on the first screen, no console errors" '
			browse $set --screenshot="$PWD/shot.png" --window-size=1366,900 2>chrome.log &&
			! grep -q "Uncaught\|ERROR:CONSOLE" chrome.log &&
			colours=$(python3 "$CCO_ROOT/tests/helper/png-colours.py" shot.png) &&
			test "$colours" -gt 20 &&
			outline=$(python3 "$CCO_ROOT/tests/helper/png-colours.py" shot.png $OUTLINE) &&
			test "$outline" -gt 50 &&
			browse $set --dump-dom >dom 2>chrome.log &&
			! grep -q "Uncaught\|ERROR:CONSOLE" chrome.log &&
			grep -q "<table id=\"overview\"" dom &&
			test "$(grep -c "<svg" dom)" = 16 &&
			grep -q "<rect" dom
		'
	done
	test_expect_success "a clinic worklist in Chromium: no console errors, a printed page per PCP panel" '
		browse worklists/P01/C1.html --dump-dom >dom 2>chrome.log &&
		! grep -q "Uncaught\|ERROR:CONSOLE" chrome.log &&
		test "$(grep -c "<section>" dom)" = 2 &&
		browse worklists/P01/C1.html --no-pdf-header-footer \
			--print-to-pdf="$PWD/worklist.pdf" 2>chrome.log &&
		test "$(grep -a -c "/Type /Page\b" worklist.pdf)" = 2
	'
else
	echo "ok $((test_count + 1)) # skip no chromium (not root, or apt-get failed)"
	test_count=$((test_count + 1))
fi

# tree DIR: mode, type and path of everything under DIR
tree() {
	(cd "$1" && find . -printf "%m %y %p\n" | sort -k3)
}

test_expect_success 'clinic worklists: a file pair per clinic, members without one unattributed, PHI modes' '
	measure_outputs ws &&
	cco-export -c cfg/p.ini 2>err &&
	test_grep "^cco-export: 8 members on 4 clinic worklists$" err &&
	tree ws/export/worklists >out &&
	cat >expect <<-\EOF &&
	700 d .
	700 d ./P01
	600 f ./P01/C0.csv
	600 f ./P01/C0.html
	600 f ./P01/C1.csv
	600 f ./P01/C1.html
	600 f ./P01/unattributed.csv
	600 f ./P01/unattributed.html
	700 d ./P02
	600 f ./P02/C2.csv
	600 f ./P02/C2.html
	EOF
	test_cmp expect out
'

test_expect_success 'a worklist row: name, birth date, phone, language, PCP, last PCP visit, then its gaps' '
	test_cmp "$FIX/worklist-P01-C1.expect" ws/export/worklists/P01/C1.csv
'

test_expect_success 'within a PCP panel the most closable gaps first; a name never runs as a formula' '
	awk -F, "NR > 1 { print \$6, \$7, \$15 }" ws/export/worklists/P01/C1.csv >out &&
	printf "M013 Brown 1\nM004 '"'"'=cmd 0\nM001 Lopez 0\nM009 Young 0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the printable worklist: a section per PCP panel, names escaped, interpreter, late gaps marked' '
	html=ws/export/worklists/P01/C1.html &&
	test "$(grep -c "<section><h2>PCP panel: " $html)" = 2 &&
	test_grep "PCP panel: Park, Ada MD <span class=\"id\">NPI 1000000001</span>" $html &&
	test_grep "Young, &lt;b&gt;Al&lt;/b&gt;" $html &&
	! grep -q "<b>Al" $html &&
	test_grep "<td>Spanish (interpreter)</td>" $html &&
	test_grep "<li>IET initiation: .*; by 2026-04-10</li>" $html &&
	test_grep "<li class=\"late\">COL screened: .*deadline 2025-12-31 passed</li>" $html
'

test_expect_success 'the printable worklist names each gap'"'"'s measure from its definition' '
	html=ws/export/worklists/P01/C1.html &&
	test_grep "<li>IET initiation: Initiation and engagement of substance use disorder treatment; " $html &&
	test_grep "<li class=\"late\">COL screened: Colorectal cancer screening; " $html
'

test_expect_success 'a results row of a measure without a definition: exit 1, the measure named' '
	measure_outputs ws3 &&
	zstdcat ws3/measure/results.rec.zst | sed -n "3,\$p" | grep -v "^#cco-end" |
		sed "s/\tCOL\t/\tNOSUCH\t/" >rows &&
	"$TEST_TOOL" rec-write measure_results 1 ws3/measure/results.rec.zst <rows &&
	test_must_fail --code 1 cco-export -c cfg/p.ini --set run.workspace=ws3 2>err &&
	test_grep "measure .NOSUCH. has no definition" err
'

test_expect_success 'care candidates: a qualifying criterion lists a member, weights score it' '
	tree ws/export/candidates >out &&
	cat >expect <<-\EOF &&
	700 d .
	700 d ./P01
	600 f ./P01/C1.csv
	600 f ./P01/C1.html
	700 d ./P02
	600 f ./P02/C2.csv
	600 f ./P02/C2.html
	700 d ./unassigned
	600 f ./unassigned/unattributed.csv
	600 f ./unassigned/unattributed.html
	EOF
	test_cmp expect out &&
	test_cmp "$FIX/candidates-P01-C1.expect" ws/export/candidates/P01/C1.csv
'

test_expect_success 'care candidates: open gaps alone list no one; no PCP visit in 12 months adds its weight' '
	! grep -rq "M012" ws/export/candidates &&
	test_grep ",M007,.*,2025-01-15,4,polypharmacy+no_pcp_visit,,,\"11 drugs, 3 prescribers\",,last PCP visit 2025-01-15$" \
		ws/export/candidates/P02/C2.csv &&
	awk -F, "\$5 == \"M020\" { print \$2, \$13, \$19 }" ws/export/candidates/unassigned/unattributed.csv >out &&
	echo "unattributed 5 no PCP visit on file" >expect &&
	test_cmp expect out
'

test_expect_success 'the printable candidate list says why each member is there' '
	html=ws/export/candidates/P01/C1.html &&
	test_grep "<h1>Care-coordination candidates: clinic C1</h1>" $html &&
	test_grep "<td>Spanish (interpreter)</td>.*score 4<ul><li>3 chronic conditions: asthma 2025-06-02; copd 2025-03-01; diabetes 2025-01-15</li><li>2 open gaps</li></ul>" $html &&
	test_grep "<li>Utilization: ED visit 2026-01-10; ED visit 2026-02-20</li>" $html
'

test_expect_success 'worklists of clinics gone from the results are removed; a failed run keeps the last set' '
	mkdir -p ws/export/worklists/P09 && echo old >ws/export/worklists/P09/K9.csv &&
	cco-export -q -c cfg/p.ini &&
	! test -e ws/export/worklists/P09 && ! test -e ws/export/worklists.new &&
	(cd ws/export && find worklists candidates | sort) >before &&
	cp ws/normalize/members.rec.zst members.saved &&
	zstd -qdc members.saved | sed "3s/Ana/Anna/" | zstd -q >ws/normalize/members.rec.zst &&
	test_must_fail --code 1 cco-export -q -c cfg/p.ini 2>err &&
	test_grep "^cco-export: .*/normalize/members.rec.zst:[0-9]*: damaged file" err &&
	(cd ws/export && find worklists candidates | sort) >after &&
	test_cmp before after && ! test -e ws/export/worklists.new &&
	! test -e ws/export/candidates.new &&
	grep -q "Ana" ws/export/worklists/P01/C1.csv &&
	cp members.saved ws/normalize/members.rec.zst
'

test_expect_success 'the shipped targets, baselines and partners, on cco-measure output' '
	"$CCO_ROOT/tests/fixtures/measure/mkws" "$CCO_ROOT/tests/fixtures/measure/col.events" ws3 &&
	cco-measure -q -c cfg/p.ini --set run.workspace=ws3 &&
	cco-export -c cfg/p.ini --set run.workspace=ws3 \
		--set paths.targets="$CCO_ROOT/config/targets" \
		--set paths.baselines="$CCO_ROOT/config/baselines" \
		--set paths.partners="$CCO_ROOT/config/partners.csv" 2>err &&
	test_grep "open gaps in" err &&
	head -1 ws3/export/partner_metrics.csv >out &&
	echo "measure_id,submeasure,partner_id,partner_name,denominator,exclusions,numerator,rate,benchmark,baseline,improvement_target,status,needed" >expect &&
	test_cmp expect out &&
	grep -q "^COL,screened,ALL,CCO total," ws3/export/partner_metrics.csv
'

test_expect_success 'results.db from before the suppressed column is upgraded' '
	rm -f ws/export/results.db &&
	sqlite3 ws/export/results.db "CREATE TABLE run (run_id INTEGER PRIMARY KEY, measurement_year INTEGER NOT NULL, as_of TEXT NOT NULL, config_hash TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (measurement_year, as_of, config_hash)); CREATE TABLE metric (run_id INTEGER NOT NULL, level TEXT NOT NULL, measure_id TEXT NOT NULL, submeasure TEXT NOT NULL, partner_id TEXT NOT NULL, clinic_id TEXT NOT NULL, denominator INTEGER NOT NULL, exclusions INTEGER NOT NULL, numerator INTEGER NOT NULL, rate REAL, benchmark REAL, baseline REAL, improvement_target REAL, status TEXT NOT NULL, needed INTEGER); INSERT INTO run VALUES (1, 2025, \"2026-02-28\", \"x\", \"t\"); INSERT INTO metric VALUES (1, \"partner\", \"COL\", \"screened\", \"P01\", \"\", 100, 0, 50, 50.0, NULL, NULL, NULL, \"not met\", 1)" &&
	cco-export -q -c cfg/p.ini &&
	sqlite3 ws/export/results.db "SELECT run_id, suppressed FROM metric WHERE partner_id = \"P01\" AND measure_id = \"COL\" AND level = \"partner\"" >out &&
	printf "1|1\n2|0\n" >expect && test_cmp expect out &&
	sqlite3 ws/export/results.db "SELECT run_id, count(*) FROM metric_month WHERE partner_id = \"P01\" AND measure_id = \"COL\"" >out &&
	echo "2|12" >expect && test_cmp expect out
'

test_expect_success 'CSV cells a spreadsheet would run as formulas get a quote, numbers stay' '
	worklist_inputs ws5 &&
	mkdir -p ws5/measure &&
	grep -v "^#" "$FIX/aggregates.tsv" | sed "s/\tC1\t/\t-C1\t/" |
		"$TEST_TOOL" rec-write measure_aggregates 1 ws5/measure/aggregates.rec.zst &&
	grep -v "^#" "$FIX/results.tsv" | sed "s/\tC1\t/\t-C1\t/" |
		"$TEST_TOOL" rec-write measure_results 1 ws5/measure/results.rec.zst &&
	cat >cfg/hostile.csv <<-\EOF &&
	partner_id,partner_name
	P01,"=HYPERLINK(""http://x"",""y"")"
	P02,+1+1
	P03,-2+3
	P04,@SUM(A1)
	P05,-2.5
	EOF
	cco-export -q -c cfg/p.ini --set run.workspace=ws5 \
		--set paths.partners=cfg/hostile.csv &&
	q=$(printf "\047") &&
	for f in public/partner_metrics internal/partner_metrics public/clinic_metrics \
		internal/clinic_metrics public/strata_metrics internal/strata_metrics; do
		grep -q ",P01,\"${q}=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"," ws5/export/$f.csv ||
			{ echo "no quoted P01 in $f" >&2; return 1; }
	done &&
	for f in public/partner_metrics internal/partner_metrics public/clinic_metrics; do
		f=ws5/export/$f.csv &&
		grep -q ",P02,${q}+1+1," $f && grep -q ",P03,${q}-2+3," $f &&
		grep -q ",P04,${q}@SUM(A1)," $f && grep -q ",P05,-2.5," $f ||
			{ echo "in $f" >&2; return 1; }
	done &&
	grep -q ",P01,\"${q}=HYPERLINK(.*)\",${q}-C1," ws5/export/public/clinic_metrics.csv &&
	grep -q "^M009,${q}-C1,CIS," ws5/export/gaps/P01.csv &&
	! grep -q ",[-=+@]" ws5/export/gaps/P01.csv ws5/export/gaps/P02.csv
'

# dump DB: the database content without the run times
dump() {
	sqlite3 "$1" .dump | sed "s/[0-9-]*T[0-9:]*Z/TIME/"
}

test_expect_success 'the same inputs give the same bytes' '
	measure_outputs ws2 &&
	cco-export -q -c cfg/p.ini --set run.workspace=ws2 &&
	rm -rf ws && measure_outputs ws &&
	cco-export -q -c cfg/p.ini &&
	for f in partner_metrics.csv clinic_metrics.csv strata_metrics.csv report.html \
		report.xlsx gaps/P01.csv gaps/P02.csv partners/P01/gaps.csv; do
		cmp ws/export/$f ws2/export/$f || return 1
	done &&
	for d in public internal partners/P01 partners/P03; do
		for f in partner_metrics.csv clinic_metrics.csv strata_metrics.csv report.html \
			report.xlsx; do
			cmp ws/export/$d/$f ws2/export/$d/$f || return 1
		done
	done &&
	dump ws/export/results.db >db1 && dump ws2/export/results.db >db2 &&
	test_cmp db1 db2
'

test_done
