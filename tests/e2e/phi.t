#!/bin/bash
# PHI: the whole pipeline on the bundled sample, every stage also run on
# its own with -v.  No member id, name, phone, street address or diagnosis
# code of the input appears in any log line (stderr of every program, the
# driver's run logs) or in any aggregate report (the partner, clinic and strata tables, the HTML and
# xlsx reports, the results database, the measure aggregates).  Member-level
# files are mode 0600 and their directories 0700 whatever the umask.
# (xlsx is checked as the text it shows, not its XML, whose cell
# references look like codes: J20.)
. "$(dirname "$0")/../lib.sh"

EX=$CCO_ROOT/sample-data/extracts
cp -r "$CCO_ROOT/config" cfg
sed -i -e "s|^extracts = .*|extracts = $EX|" -e "s|^workspace = .*|workspace = ../ws|" \
	cfg/pipeline.ini

# the identifiers to look for: member ids; full names, phones and street
# addresses; diagnosis codes as written
# (F32.9) and as the pipeline keeps them (F329)
python3 - "$EX" <<-\PY
import csv, sys
ex = sys.argv[1]
members = list(csv.DictReader(open(ex + "/members.csv")))
ids = {r["member_id"] for r in members}
# how to reach a member: the full name, phone and street address
contact = {r["first_name"] + " " + r["last_name"] for r in members}
contact |= {r[k] for r in members for k in ("phone", "address") if r[k]}
dx = set()
for r in csv.DictReader(open(ex + "/medical_claims.csv")):
    for i in range(1, 13):
        v = r["diagnosis_%d" % i]
        if v:
            dx.update((v, v.replace(".", "")))
open("phi", "w").write("".join(x + "\n" for x in sorted(ids | dx | contact)))
PY

# leaks FILE...: the lines of FILEs holding an identifier as a whole word
leaks() {
	grep -Hnw -F -f phi "$@"
}

test_expect_success 'setup: the identifiers of the sample' '
	test $(grep -c "^M[0-9]\{7\}$" phi) -eq 2000 &&
	test $(grep -c "^[0-9]\{3\}-555-01[0-9][0-9]$" phi) -gt 100 &&
	grep -q "^[A-Z][a-z]* [A-Z][a-z]*$" phi &&
	test $(wc -l <phi) -gt 4000
'

test_expect_success 'every stage with -v, then the driver with -v, umask 000' '
	(
		umask 000 &&
		cco-ingest -v -c cfg/pipeline.ini 2>ingest.log &&
		cco-normalize -v -c cfg/pipeline.ini 2>normalize.log &&
		cco-attribute -v -c cfg/pipeline.ini 2>attribute.log &&
		cco-measure -v -c cfg/pipeline.ini 2>measure.log &&
		cco-export -v -c cfg/pipeline.ini 2>export.log &&
		cco-pipeline run -v --force -c cfg/pipeline.ini >driver.out 2>driver.log
	) &&
	test -s measure.log && test -s ws/logs/run-1.log
'

test_expect_success 'no member id or diagnosis code in any log line' '
	leaks *.log driver.out ws/logs/*.log >found
	test_cmp /dev/null found
'

test_expect_success 'no member id or diagnosis code in the aggregate reports' '
	ls ws/export/*.csv >tables && test $(wc -l <tables) -eq 3 &&
	unzip -p ws/export/report.xlsx >xlsx.xml &&
	sed "s/<[^>]*>/\n/g" xlsx.xml >xlsx.txt &&
	test_grep "^Cascade Community Health$" xlsx.txt &&
	sqlite3 ws/export/results.db .dump >results.sql &&
	grep -q "INSERT INTO metric" results.sql &&
	cco-cat ws/measure/aggregates.rec.zst >aggregates.tsv &&
	leaks ws/export/*.csv ws/export/report.html xlsx.txt results.sql aggregates.tsv >found
	test_cmp /dev/null found
'

test_expect_success 'no member id or diagnosis code in internal/ or public/' '
	for f in ws/export/internal/* ws/export/public/*; do
		case $f in *.xlsx) unzip -p $f | sed "s/<[^>]*>/\n/g" ;; *) cat $f ;; esac >bytes &&
		{ leaks bytes || :; } >found &&
		{ test_cmp /dev/null found || { echo "# in $f"; return 1; }; }
	done &&
	test -s ws/export/internal/report.xlsx && test -s ws/export/public/report.html
'

test_expect_success 'a partner packet holds its own gap list, none of the others' '
	ls ws/export/partners >names && test $(wc -l <names) -gt 1 &&
	while read p; do
		cmp ws/export/gaps/$p.csv ws/export/partners/$p/gaps.csv &&
		ls ws/export/partners/$p >files &&
		printf "%s\n" clinic_metrics.csv gaps.csv partner_metrics.csv report.html \
			report.xlsx strata_metrics.csv >expect &&
		test_cmp expect files || return 1
	done <names
'

test_expect_success 'the member-level files do hold them (the check can fail)' '
	cco-cat ws/normalize/claims.rec.zst | leaks - | head -1 >found &&
	test -s found &&
	cat ws/export/gaps/*.csv | leaks - | head -1 >found &&
	test -s found
'

test_expect_success 'rejected rows are not echoed in logs either' '
	cco-gen -q --members 200 --year 2025 --bad-rows 0.05 \
		--valuesets "$CCO_ROOT/config/valuesets" --out badex &&
	sed -e "s|^extracts = .*|extracts = ../badex|" -e "s|^workspace = .*|workspace = ../badws|" \
		cfg/pipeline.ini >cfg/bad.ini &&
	{ cco-ingest -v -c cfg/bad.ini 2>bad.log; test $? -le 1; } &&
	test_grep "rejected" bad.log &&
	python3 - <<-\PY &&
	import csv
	ids = {r["member_id"] for r in csv.DictReader(open("badex/members.csv", errors="replace")) if r["member_id"]}
	open("badphi", "w").write("".join(x + "\n" for x in sorted(ids) if len(x) >= 4))
	PY
	test -s badphi &&
	{ grep -Hnw -F -f badphi bad.log || :; } >found &&
	test_cmp /dev/null found
'

# modes: "MODE TYPE PATH" of the workspace, stage sequence numbers folded
modes() {
	find ws -printf '%m %y %p\n' | sed 's|/[0-9]\{6\}-|/N-|' | sort -u -k3
}

test_expect_success 'modes under umask 000: member-level files 0600, directories 0700' '
	modes >got &&
	grep -v " ws/export/\(public/\)\?[a-z_]*\.\(csv\|html\|xlsx\)$" got |
		grep -v "^[0-9]* d ws/export\(/public\)\?$" >phi_modes &&
	{ grep -v "^600 f \|^700 d " phi_modes || :; } >bad &&
	test_cmp /dev/null bad &&
	grep " ws/export/gaps/P01.csv$" got >line && echo "600 f ws/export/gaps/P01.csv" >expect &&
	test_cmp expect line
'

# The same workspace from scratch under other umasks (on a smaller
# generated population: the modes do not depend on the data).  The export
# directory and public/ hold the public reports (and gaps/, internal/ and
# partners/, 0700): their modes follow the umask.  The clinic worklists
# and candidate lists differ from population to population: each is 0600
# in a 0700 directory.
test_expect_success 'the same modes under umask 000, 022 and 077' '
	cco-gen -q --members 200 --year 2025 --valuesets "$CCO_ROOT/config/valuesets" --out small &&
	sed -i "s|^extracts = .*|extracts = ../small|" cfg/pipeline.ini &&
	for mask in 000 022 077; do
		rm -rf ws &&
		(umask $mask && cco-pipeline run -q -c cfg/pipeline.ini) &&
		modes | grep -v " ws/export\(/public\)\?$" >all.$mask &&
		grep " ws/export/\(worklists\|candidates\)/" all.$mask >lists.$mask &&
		test -s lists.$mask && ! grep -v "^\(600 f\|700 d\) " lists.$mask &&
		grep -v " ws/export/\(worklists\|candidates\)/" all.$mask >again.$mask || return 1
	done &&
	grep -v " ws/export\(/public\)\?$" got |
		grep -v " ws/export/\(worklists\|candidates\)/" >want &&
	test_cmp want again.000 && test_cmp want again.022 && test_cmp want again.077
'

test_done
