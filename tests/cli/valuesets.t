#!/bin/bash
# config/valuesets: the one list of codes loads with the pipeline's reader
# and holds every set the shipped measures and attribution defaults name.
. "$(dirname "$0")/../lib.sh"

VS=$CCO_ROOT/config/valuesets

test_expect_success 'the shipped measures and care criteria find all their value sets' '
	mkdir layouts &&
	printf "[run]\nmeasurement_year = 2025\nas_of = 2026-03-31\n[paths]\nextracts = .\nvaluesets = %s\nmeasures = %s\ncare = %s\n" \
		"$VS" "$CCO_ROOT/config/measures" "$CCO_ROOT/config/care.ini" >p.ini &&
	cco-measure -c p.ini --check 2>err &&
	test_grep "are valid" err
'

test_expect_success 'attribution defaults name sets that exist' '
	$TEST_TOOL vs-contains "$VS" primary_care_visit CPT 99214 >out &&
	echo "99214 1" >expect && test_cmp expect out &&
	$TEST_TOOL vs-contains "$VS" primary_care_taxonomy TAXONOMY 208000000X >out &&
	echo "208000000X 1" >expect && test_cmp expect out
'

test_expect_success 'every file has a header and a description on every row' '
	for f in "$VS"/*.csv; do
		head -1 "$f" | grep -qx "valueset,code_system,code,description\(,unit,value\)\?" ||
			{ echo "$f: header" >&2; exit 1; }
		# a file of result sets: unit and value follow the description
		strip=s/,[^,\"]*,[^,\"]*\$//
		head -1 "$f" | grep -q ",unit,value$" || strip=
		tail -n +2 "$f" | sed "$strip" | grep -n ",$" && { echo "$f: empty description" >&2; exit 1; }
	done; true
'

test_done
