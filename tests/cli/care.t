#!/bin/bash
# Care-coordination criteria (cco-care(5)): what cco-measure flags, at
# every edge of the shipped config/care.ini (tests/fixtures/measure:
# care.events, care.expect), and how a bad care file is refused.
. "$(dirname "$0")/../lib.sh"

FIX=$CCO_ROOT/tests/fixtures/measure
test_config
cp "$CCO_ROOT/config/care.ini" cfg/care.ini
cat >>cfg/p.ini <<INI
valuesets = $CCO_ROOT/config/valuesets
measures = $CCO_ROOT/config/measures
INI

# flags: the care flags as "member criterion count detail"
flags() {
	cco-cat -H ws/measure/care.rec.zst | awk -F'\t' 'NR > 1 { print $1, $2, $3, $4 }'
}

test_expect_success 'chronic conditions, utilization and polypharmacy at their edges' '
	rm -rf ws && "$FIX/mkws" "$FIX/care.events" ws &&
	cco-measure -q -c cfg/p.ini &&
	flags | grep -v " open_gaps " >out &&
	grep -v "^#" "$FIX/care.expect" >expect &&
	test_cmp expect out
'

test_expect_success 'care.rec.zst is member-level: mode 0600, in the measure manifest' '
	test_mode ws/measure/care.rec.zst 600 &&
	grep -q "^care.rec.zst	" ws/measure/manifest
'

test_expect_success 'open gaps: a man of 65 without colorectal screening has one, screened none' '
	cat >open.events <<-\EOF &&
	member G01 1960-06-01 M
	span G01 2024-01-01 - P1
	member G02 1960-06-01 M
	span G02 2024-01-01 - P1
	claim G02 2025-05-01 45378
	EOF
	rm -rf ws && "$FIX/mkws" open.events ws &&
	cco-measure -q -c cfg/p.ini &&
	cco-cat -H ws/measure/results.rec.zst |
		awk -F"\t" "NR > 1 && \$7 == 0 && \$9 == 0 && \$2 != \"AMB-ED\" { print \$1, \$2 }" >gaps &&
	echo "G01 COL" >expect && test_cmp expect gaps &&
	flags >out &&
	echo "G01 open_gaps 1 " >expect &&
	test_cmp expect out
'

test_expect_success 'a criterion switched off flags no one' '
	sed "/^\[utilization\]/,/^qualifies/d" cfg/care.ini >cfg/care2.ini &&
	rm -rf ws && "$FIX/mkws" "$FIX/care.events" ws &&
	cco-measure -q -c cfg/p.ini --set paths.care=cfg/care2.ini &&
	! flags | grep -q " utilization "
'

# refused PROGRAM TEXT MESSAGE: with TEXT as the care file, PROGRAM exits 2
# saying MESSAGE (a grep pattern)
refused() {
	printf "$2" >cfg/bad.ini &&
	test_must_fail --code 2 $1 -q -c cfg/p.ini --set paths.care=cfg/bad.ini 2>err &&
	test_grep "$3" err
}

test_expect_success 'a bad care file is a configuration error naming file and line' '
	refused cco-measure "[chronic]\nat_least = 3x\n" \
		"bad.ini:2: at_least must be a whole number from 1, not .3x." &&
	refused cco-measure "[chronic]\nconditions = cc_diabetes, no_such_set\nat_least = 1\nmonths = 12\n" \
		"conditions: unknown value set .no_such_set." &&
	refused cco-measure "[sometimes]\nweight = 1\n" "bad.ini:2: unknown section \[sometimes\]" &&
	refused cco-measure "[utilization]\nweight = 1\n" \
		"utilization. needs months and ed_visits or inpatient_stays" &&
	refused cco-export "[no_pcp_visit]\nmonths = 12\nqualifies = yes\n" \
		"no_pcp_visit. cannot qualify a member alone"
'

test_done
