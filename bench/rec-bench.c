/*
 * rec-bench: record-file writer and reader throughput.
 *
 *   rec-bench ROWS LEVEL DIR
 *
 * Writes ROWS claim-like rows (the medical_claims schema, realistic field
 * widths) to DIR/bench.rec at zstd LEVEL, reads them back, and prints
 * uncompressed MB/s and rows/s for each direction.  Not a test: timings
 * are reported, never asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "date.h"
#include "err.h"
#include "rec.h"
#include "xalloc.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put_row(struct rec_writer *w, long i)
{
	static const char *const cpt[] = { "99213", "99214", "90700", "82270", "99283" };
	char id[32];

	snprintf(id, sizeof(id), "M%07ld", i / 25);
	rec_put_str(w, MEDICAL_CLAIMS_source, "cco");
	rec_put_int(w, MEDICAL_CLAIMS_extract, 1);
	rec_put_str(w, MEDICAL_CLAIMS_member_id, id);
	rec_put_int(w, MEDICAL_CLAIMS_claim_id, 100000000 + i / 3);
	rec_put_int(w, MEDICAL_CLAIMS_line_no, i % 3 + 1);
	rec_put_str(w, MEDICAL_CLAIMS_freq_code, "1");
	rec_put_null(w, MEDICAL_CLAIMS_orig_claim_id);
	rec_put_str(w, MEDICAL_CLAIMS_status, i % 17 ? "paid" : "denied");
	rec_put_date(w, MEDICAL_CLAIMS_adjudicated_date,
		     date_from_ymd(2025, 1, 1) + (int)(i % 400));
	rec_put_str(w, MEDICAL_CLAIMS_claim_type, i % 5 ? "P" : "I");
	rec_put_date(w, MEDICAL_CLAIMS_svc_from, date_from_ymd(2025, 1, 1) + (int)(i % 365));
	rec_put_date(w, MEDICAL_CLAIMS_svc_to, date_from_ymd(2025, 1, 1) + (int)(i % 365));
	rec_put_null(w, MEDICAL_CLAIMS_admit_date);
	rec_put_null(w, MEDICAL_CLAIMS_discharge_date);
	rec_put_null(w, MEDICAL_CLAIMS_discharge_status);
	rec_put_str(w, MEDICAL_CLAIMS_bill_type, i % 5 ? "" : "131");
	rec_put_str(w, MEDICAL_CLAIMS_pos, "11");
	rec_put_str(w, MEDICAL_CLAIMS_revenue_code, i % 5 ? "" : "0450");
	rec_put_str(w, MEDICAL_CLAIMS_procedure_code, cpt[i % 5]);
	rec_put_str(w, MEDICAL_CLAIMS_modifiers, i % 7 ? "" : "25");
	rec_put_str(w, MEDICAL_CLAIMS_dx_codes, i % 3 ? "Z00129|E119" : "F329");
	rec_put_null(w, MEDICAL_CLAIMS_icd_procs);
	rec_put_str(w, MEDICAL_CLAIMS_billing_npi, "1234567893");
	rec_put_str(w, MEDICAL_CLAIMS_rendering_npi, "1245319599");
	rec_put_str(w, MEDICAL_CLAIMS_allowed_amount, "125.40");
	rec_put_str(w, MEDICAL_CLAIMS_paid_amount, "98.12");
	rec_end(w);
}

int main(int argc, char **argv)
{
	const struct rec_schema *s = rec_schema_find("medical_claims");
	struct rec_writer *w;
	struct rec_reader *r;
	struct rec_row row;
	struct stat st;
	double t0, t1, t2, text = 0;
	long rows, got = 0;
	char *path;

	if (argc != 4)
		return fprintf(stderr, "usage: rec-bench ROWS LEVEL DIR\n"), 2;
	rows = atol(argv[1]);
	path = xasprintf("%s/bench.rec", argv[3]);
	t0 = now();
	w = rec_writer_open(path, s, "none", atoi(argv[2]), AFILE_PHI);
	for (long i = 0; w && i < rows; i++)
		put_row(w, i);
	if (!w || rec_writer_close(w) < 0)
		return fprintf(stderr, "rec-bench: %s\n", err_msg()), 1;
	t1 = now();
	r = rec_reader_open(path);
	if (!r || rec_reader_expect(r, s) < 0)
		return fprintf(stderr, "rec-bench: %s\n", err_msg()), 1;
	while (rec_reader_next(r, &row) > 0) {
		got++;
		for (int i = 0; i < row.nfields; i++)
			text += (double)row.len[i] + 1;
	}
	rec_reader_close(r);
	t2 = now();
	stat(path, &st);
	printf("rows %ld, text %.0f MB, file %.0f MB (level %s)\n", got, text / 1e6,
	       (double)st.st_size / 1e6, argv[2]);
	printf("write: %.2f s, %.0f MB/s, %.2f M rows/s\n", t1 - t0,
	       text / 1e6 / (t1 - t0), (double)rows / 1e6 / (t1 - t0));
	printf("read:  %.2f s, %.0f MB/s, %.2f M rows/s\n", t2 - t1,
	       text / 1e6 / (t2 - t1), (double)got / 1e6 / (t2 - t1));
	unlink(path);
	free(path);
	return got == rows ? 0 : 1;
}
