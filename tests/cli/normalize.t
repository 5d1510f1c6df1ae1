#!/bin/bash
# cco-normalize on hand-written fixtures: every claim-version case, duplicates,
# denied lines, header fields, stays, ED visits, enrollment, member months.
. "$(dirname "$0")/../lib.sh"
. "$CCO_ROOT/tests/fixtures/normalize/setup.sh"

OUT=ws/normalize
EXP=$NFIX/expect

# show FILE: the output record file as a plain table
show() {
	cco-cat -H "$OUT/$1.rec.zst"
}

# claims_of MEMBER: "claim_id line_no extract" of the member's final lines
claims_of() {
	show claims | awk -F'\t' -v m="$1" '$1 == m { print $4, $5, $6 }'
}

test_expect_success 'setup: workspace from fixtures' '
	normalize_setup
'

test_expect_success 'normalize succeeds and reports counts without member ids' '
	cco-normalize -c cfg.ini 2>err &&
	test_grep "^cco-normalize: medical_claims: in 32, final 18, replaced 5, voided 7, denied 2, duplicates 2, orphan voids 1, orphan replacements 1$" err &&
	test_grep "^cco-normalize: pharmacy_claims: in 6, final 3, replaced 1, voided 1, denied 1, duplicates 1, orphan voids 1, orphan replacements 0$" err &&
	test_grep "^cco-normalize: members: in 4, final 2, replaced 1, voided 0, denied 0, duplicates 1, orphan voids 0, orphan replacements 0$" err &&
	test_grep "^cco-normalize: custody: in 5, final 3, replaced 0, voided 0, denied 0, duplicates 1, orphan voids 0, orphan replacements 0$" err &&
	! grep -q "M0[0-9]" err
'

for f in claims pharmacy stays ed_visits enrollment member_months members \
	providers pcp_assignments immunizations lab_results custody; do
	test_expect_success "$f output is exactly the expected table" "
		show $f >$f.out &&
		test_cmp \$EXP/$f.tsv $f.out
	"
done

test_expect_success 'replacement chain: only the last replacement remains' '
	echo "A3 1 2" >expect && claims_of M02 >actual && test_cmp expect actual
'

test_expect_success 'replacement arriving before its original wins over it' '
	echo "R1 1 1" >expect && claims_of M03 >actual && test_cmp expect actual
'

test_expect_success 'void of a replacement removes the whole family' '
	claims_of M04 >actual && test_cmp /dev/null actual
'

test_expect_success 'double void removes the claim' '
	claims_of M05 >actual && test_cmp /dev/null actual
'

test_expect_success 'a later extract restating a claim replaces all its lines' '
	echo "E1 1 2" >expect && claims_of M06 >actual && test_cmp expect actual
'

test_expect_success 'void with no original dropped, orphan replacement kept' '
	echo "R9 1 1" >expect && claims_of M07 >actual && test_cmp expect actual
'

test_expect_success 'exact duplicates across and within extracts: one line, latest extract' '
	echo "F1 1 2" >expect && claims_of M08 >actual && test_cmp expect actual
'

test_expect_success 'same claim id from two sources are two claims' '
	show claims | awk -F"\t" "\$1 == \"M01\" { print \$3, \$4, \$5 }" >actual &&
	printf "s1 C1 1\ns1 C1 2\ns2 C1 1\n" >expect && test_cmp expect actual
'

test_expect_success 'denied line kept and flagged' '
	show claims | awk -F"\t" "\$10 == 1 { print \$1, \$4, \$5, \$9 }" >actual &&
	printf "M01 C1 2 denied\nM10 K1 1 denied\n" >expect && test_cmp expect actual
'

test_expect_success 'header fields: value of the lowest line that has one' '
	show claims | awk -F"\t" "\$1 == \"M09\" { print \$5, \$16, \$17, \$18, \$19 }" >actual &&
	printf "3 2025-09-01 2025-09-05 01 0131\n1 2025-09-01 2025-09-05 01 0131\n2 2025-09-01 2025-09-05 01 0131\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'codes: ICD without dots, modifiers split, revenue 4 digits, NDC 11' '
	show claims | awk -F"\t" "\$1 == \"M01\" && \$5 == 1 && \$3 == \"s1\" { print \$22, \$23, \$24 }" >actual &&
	echo "99213 59|25 F329|Z0000" >expect && test_cmp expect actual &&
	show claims | awk -F"\t" "\$1 == \"M09\" && \$5 == 3 { print \$21 }" >actual &&
	echo 0450 >expect && test_cmp expect actual &&
	show pharmacy | cut -f10 >actual &&
	printf "ndc\n00002322730\n00002322730\n12345067890\n" >expect && test_cmp expect actual
'

test_expect_success 'stay joined across a transfer; ED the day before admission flagged; a visit lists its paid claim first' '
	show stays | awk -F"\t" "NR > 1 { print \$2, \$3, \$7, \$8 }" >actual &&
	printf "2025-05-01 2025-05-07 s1:H1|s2:H2 1\n2025-05-20 2025-05-22 s1:H3 0\n" >expect &&
	test_cmp expect actual &&
	show ed_visits | awk -F"\t" "\$1 == \"M10\" { print \$2, \$3, \$6 }" >actual &&
	printf "2025-04-30 1 s1:H0\n2025-06-10 0 s1:K2|s1:K1\n" >expect && test_cmp expect actual
'

test_expect_success 'enrollment: overlap and abutting merged, gap kept, partner switch kept' '
	show enrollment | awk -F"\t" "NR > 1 { print \$1, \$2, \$3, \$4 }" >actual &&
	cat >expect <<-\EOT &&
	M01 2025-01-01 2025-08-31 PA
	M01 2025-09-01 2025-12-31 PB
	M02 2025-01-10 2025-02-14 PA
	M02 2025-02-20 2025-03-31 PA
	M03 2025-11-15  PC
	M04 2024-11-20 2025-01-10 PB
	M04 2025-01-11 2025-02-15 PA
	M05 2024-02-10 2024-03-05 PA
	EOT
	test_cmp expect actual
'

test_expect_success 'member months at month boundaries, gaps within a month summed' '
	show member_months | awk -F"\t" "\$1 == \"M02\" || \$1 == \"M03\" { print \$1, \$2, \$4 }" >actual &&
	printf "M02 2025-01 22\nM02 2025-02 23\nM02 2025-03 31\nM03 2025-11 16\nM03 2025-12 31\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'member months across a new year and a leap February, by month then partner' '
	show member_months | awk -F"\t" "\$1 == \"M04\" || \$1 == \"M05\" { print \$1, \$2, \$3, \$4 }" >actual &&
	cat >expect <<-\EOT &&
	M04 2024-11 PB 11
	M04 2024-12 PB 31
	M04 2025-01 PA 21
	M04 2025-01 PB 10
	M04 2025-02 PA 15
	M05 2024-02 PA 20
	M05 2024-03 PA 5
	EOT
	test_cmp expect actual
'

test_expect_success 'counts are in the run database' '
	sqlite3 ws/cco.db "SELECT metric, value FROM normalize_count WHERE kind = \"medical_claims\" ORDER BY metric" >actual &&
	cat >expect <<-\EOT &&
	denied|2
	duplicates|2
	final|18
	held|0
	held_versions|0
	in|32
	orphan_replacements|1
	orphan_voids|1
	replaced|5
	undated|0
	voided|7
	EOT
	test_cmp expect actual
'

test_expect_success 'outputs are PHI: files 0600 in a 0700 directory; no temp files left' '
	test_mode $OUT 700 &&
	for f in $OUT/*; do test_mode $f 600 || return 1; done &&
	test $(ls $OUT/*.rec.zst | wc -l) -eq 12 && test -f $OUT/manifest &&
	! ls $OUT | grep -q tmp &&
	test $(ls ws/tmp | wc -l) -eq 0
'

test_expect_success 'output is deterministic: a second run writes the same bytes' '
	mkdir first && cp $OUT/* first/ &&
	cco-normalize -q -c cfg.ini &&
	for f in first/*; do cmp $f $OUT/${f#first/} || return 1; done
'

test_expect_success 'a damaged input fails the run and leaves previous outputs' '
	cp ws/ingest/000002-medical_claims.rec.zst saved &&
	head -c 60 saved >ws/ingest/000002-medical_claims.rec.zst &&
	test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
	test_grep "000002-medical_claims.rec.zst" err &&
	for f in first/*; do cmp $f $OUT/${f#first/} || return 1; done &&
	! ls $OUT | grep -q tmp &&
	test $(ls ws/tmp | wc -l) -eq 0 &&
	cp saved ws/ingest/000002-medical_claims.rec.zst
'

test_expect_success 'an input of the wrong schema is refused' '
	cp ws/ingest/000001-members.rec.zst ws/ingest/000003-lab_results.rec.zst &&
	test_must_fail --code 1 cco-normalize -c cfg.ini 2>err &&
	test_grep "holds .members. records, expected .lab_results." err &&
	rm ws/ingest/000003-lab_results.rec.zst
'

test_expect_success 'missing ingest directory is a clear error, exit 1' '
	mkdir other && sed "s/^workspace = ws/workspace = nowhere/" cfg.ini >other/cfg.ini &&
	test_must_fail --code 1 cco-normalize -c other/cfg.ini 2>err &&
	test_grep "no ingest directory .*nowhere/ingest" err
'

test_expect_success 'value-set problems are configuration errors, exit 2' '
	mkdir vs && echo "valueset,code_system,code,description" >vs/a.csv &&
	test_must_fail --code 2 cco-normalize -c cfg.ini --set paths.valuesets=vs 2>err &&
	test_grep "value set .cat_ed_revenue. is not defined" err &&
	printf "valueset,code_system,code,description\nx,NOPE,1,\n" >vs/a.csv &&
	test_must_fail --code 2 cco-normalize -c cfg.ini --set paths.valuesets=vs 2>err &&
	test_grep "vs/a.csv:2: unknown code system" err
'

test_expect_success 'usage errors exit 2' '
	test_must_fail --code 2 cco-normalize -c cfg.ini extra &&
	test_must_fail --code 2 cco-normalize --bogus
'

test_done
