/*
 * html.c: the self-contained HTML report (inline CSS and SVG, no scripts).
 */
#include "export.h"

void html_write(FILE *fp, const struct metrics *m, const struct export_inputs *in,
		const struct run_key *k, sqlite3 *db, long threshold)
{
	(void)m; (void)in; (void)db; (void)threshold;
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>CCO measures %d</title></head><body></body></html>\n", k->measurement_year);
}
