#!/bin/bash
# cco-ingest on real formats through the shipped layouts: the Tuva Project
# demo and CMS DE-SynPUF samples load with the row counts counted
# independently (python3 csv: rows; filled HCPCS slots for output rows) and
# only the rejects explained in config/layouts/README.md.
. "$(dirname "$0")/../lib.sh"

SAMPLES=${CCO_SAMPLES:-/work/shared/extracts}
if [ ! -d "$SAMPLES/tuva-demo" ]; then
	echo "1..0 # SKIP no sample extracts in $SAMPLES"
	exit 0
fi

# load DIR: ingest every file of DIR into a fresh workspace
load() {
	rm -rf ws
	printf '[run]\nmeasurement_year = 2025\nas_of = 2026-03-31\nworkspace = ws\n' >cfg.ini
	printf '[paths]\nextracts = %s\nlayouts = %s\npatterns = %s\n' "$1" \
		"$CCO_ROOT/config/layouts" "$CCO_ROOT/config/patterns.ini" >>cfg.ini
	cco-ingest -c cfg.ini 2>err
}

counts() {
	sqlite3 -separator ' ' ws/cco.db \
		"SELECT file, layout, rows_read, accepted, rejected, rows_out, status FROM extract ORDER BY seq"
}

test_expect_success 'Tuva demo: every row accepted' '
	load "$SAMPLES/tuva-demo" &&
	counts >out &&
	cat >expect <<-\EOF &&
	eligibility.csv tuva-eligibility 219 219 0 438 loaded
	medical_claim.csv tuva-medical-claim 6075 6075 0 6075 loaded
	pharmacy_claim.csv tuva-pharmacy-claim 612 612 0 612 loaded
	EOF
	test_cmp expect out &&
	test_grep "warning: LICENSE-2.0.txt: no layout matches, skipped" err
'

test_expect_success 'Tuva: codes cleaned, claim types mapped' '
	cco-cat -H ws/ingest/000002-medical_claims.rec.zst | cut -f10 | sort | uniq -c >out &&
	printf "   1205 I\n   4870 P\n      1 claim_type\n" >expect &&
	test_cmp expect out &&
	! cco-cat -H ws/ingest/000002-medical_claims.rec.zst | cut -f21 | grep -q "\."
'

test_expect_success 'DE-SynPUF 500: counts, 3 explained rejects' '
	load "$SAMPLES/desynpuf-500" &&
	counts >out &&
	cat >expect <<-\EOF &&
	bene.csv desynpuf-bene 998 998 0 1927 loaded
	carrier.csv desynpuf-carrier 16677 16674 3 29028 loaded
	inpatient.csv desynpuf-inpatient 225 225 0 225 loaded
	outpatient.csv desynpuf-outpatient 2827 2827 0 7119 loaded
	pde.csv desynpuf-pde 17443 17443 0 17443 loaded
	EOF
	test_cmp expect out
'

test_expect_success 'DE-SynPUF 500: the rejects are placeholder diagnoses' '
	cco-cat -H ws/ingest/000002-rejects.rec.zst | cut -f2,4,5 >out &&
	printf "src_line\tfield\treason\n174\tdx_codes\tinvalid_code\n6471\tdx_codes\tinvalid_code\n10856\tdx_codes\tinvalid_code\n" >expect &&
	test_cmp expect out &&
	cco-cat -H ws/ingest/000002-rejects.rec.zst | cut -f7 | cut -d, -f5 >out &&
	printf "raw\nOTHER\nXX000\n69275\n" >expect &&
	test_cmp expect out
'

test_expect_success 'DE-SynPUF: enrollment spans from coverage months' '
	cco-cat -H ws/ingest/000001-enrollment.rec.zst | head -3 >out &&
	cat >expect <<-\EOF &&
	source	member_id	partner_id	start_date	end_date	benefit
	desynpuf	001115EAB83B19BB	desynpuf	2008-01-01	2008-12-31	medicare
	desynpuf	0018A1975BC0EE4F	desynpuf	2008-01-01	2008-12-31	medicare
	EOF
	test_cmp expect out
'

test_expect_success 'DE-SynPUF original files (DE1_0): every row accepted' '
	load "$SAMPLES/desynpuf-de0" &&
	counts >out &&
	cat >expect <<-\EOF &&
	DE1_0_2008_Beneficiary_Summary_File_Sample_0.csv desynpuf-de0-bene 2 2 0 4 loaded
	DE1_0_2009_Beneficiary_Summary_File_Sample_0.csv desynpuf-de0-bene 2 2 0 4 loaded
	DE1_0_2010_Beneficiary_Summary_File_Sample_0.csv desynpuf-de0-bene 2 2 0 4 loaded
	DE1_0_2008_to_2010_Carrier_Claims_Sample_0A.csv desynpuf-carrier 1 1 0 1 loaded
	DE1_0_2008_to_2010_Carrier_Claims_Sample_0B.csv desynpuf-carrier 1 1 0 3 loaded
	DE1_0_2008_to_2010_Inpatient_Claims_Sample_0.csv desynpuf-inpatient 2 2 0 2 loaded
	DE1_0_2008_to_2010_Outpatient_Claims_Sample_0.csv desynpuf-outpatient 2 2 0 4 loaded
	DE1_0_2008_to_2010_Prescription_Drug_Events_Sample_0.csv desynpuf-pde 2 2 0 2 loaded
	EOF
	test_cmp expect out
'

test_expect_success 'DE1_0: the year comes from the file name' '
	cco-cat -H ws/ingest/000002-enrollment.rec.zst | cut -f4,5 | sort -u >out &&
	printf "2009-01-01\t2009-12-31\nstart_date\tend_date\n" >expect &&
	test_cmp expect out
'

test_done
