/*
 * summary.c: what a run did, for the person who reads it at the end of
 * `cco-pipeline run` or in `cco-pipeline log RUN`: per stage, ran or
 * skipped and why, wall time, rows in and out, rejects by reason and
 * field; and the warnings cron must mail even when the run succeeded.
 * Everything comes from the ledger (ledger_load_run), so a run's summary
 * reads the same at its end and any time later.  The JSON form carries
 * the same, its keys always in the same order.
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "pipeline.h"

#define WARNING_MAX 256

/* Rows read from extracts: ingest's rows in, 0 if it did not run. */
static long long rows_read(const struct run_summary *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->stages[i].stage, "ingest") == 0 && rs->stages[i].rows_in > 0)
			return rs->stages[i].rows_in;
	return 0;
}

/* "reason(field) N" or "reason N". */
static void print_reject(FILE *out, const struct reject_count *r)
{
	if (*r->field)
		fprintf(out, "%s(%s) %lld", r->reason, r->field, r->count);
	else
		fprintf(out, "%s %lld", r->reason, r->count);
}

/* The rejected-rows warning, in buf: when the run rejected more than
 * reject_warning of the rows it read.  Returns 1 if there is one. */
static int reject_warning_text(const struct run_summary *rs, double reject_warning,
			       char *buf, size_t n)
{
	long long read = rows_read(rs);
	double share = read > 0 ? (double)rs->rejected / (double)read : 0;

	if (rs->rejected == 0 || share <= reject_warning)
		return 0;
	snprintf(buf, n, "run %lld rejected %lld of %lld rows read (%.2f%%), over "
		 "limits.reject_warning (%.2f%%); cco-pipeline log %lld says why",
		 rs->run, rs->rejected, read, 100 * share, 100 * reject_warning, rs->run);
	return 1;
}

/* Fill lines (up to max) with the run's warnings; returns how many.
 * Each is one line for cron mail.  The data-quality checks' line goes
 * here, after the rejects'. */
static int warning_lines(const struct run_summary *rs, double reject_warning,
			 char lines[][WARNING_MAX], int max)
{
	int n = 0;

	if (n < max && reject_warning_text(rs, reject_warning, lines[n], WARNING_MAX))
		n++;
	return n;
}

int summary_warn(const struct run_summary *rs, double reject_warning)
{
	char lines[4][WARNING_MAX];
	int n = warning_lines(rs, reject_warning, lines, 4);

	for (int i = 0; i < n; i++) /* msg_warn() is silent under -q; these are not */
		msg_error("warning: %s", lines[i]);
	return n;
}

/* The word for a stage's status in the summary. */
static const char *status_word(const char *status)
{
	return strcmp(status, "ok") == 0 ? "ran" : status;
}

/* Stage ss's lines, its name in a column w wide. */
static void print_stage_text(FILE *out, const struct stage_summary *ss, int w)
{
	fprintf(out, "  %-*s %-8s ", w, ss->stage, status_word(ss->status));
	if (strcmp(ss->status, "skipped") == 0) {
		fprintf(out, "%s\n", ss->reason);
		return;
	}
	fprintf(out, "%.1f s", ss->seconds);
	if (ss->rows_in >= 0)
		fprintf(out, ", rows in %lld", ss->rows_in);
	if (ss->rows_out >= 0)
		fprintf(out, ", out %lld", ss->rows_out);
	fprintf(out, "; %s\n", ss->reason);
	if (ss->nrejects > 0) {
		fprintf(out, "  %-*s  rejected %lld: ", w, "", ss->rejected);
		for (size_t k = 0; k < ss->nrejects; k++) {
			fputs(k ? ", " : "", out);
			print_reject(out, &ss->rejects[k]);
		}
		fputc('\n', out);
	}
	if (strcmp(ss->status, "failed") == 0)
		fprintf(out, "  %-*s  exit %d: %s\n", w, "", ss->exit_code, ss->message);
}

/* Write s as a JSON string. */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* ,"key":"value" */
static void json_field(FILE *out, const char *key, const char *value)
{
	fprintf(out, ",\"%s\":", key);
	json_str(out, value);
}

/* ,"key":N or ,"key":null when n < 0 */
static void json_count(FILE *out, const char *key, long long n)
{
	if (n < 0)
		fprintf(out, ",\"%s\":null", key);
	else
		fprintf(out, ",\"%s\":%lld", key, n);
}

static void print_stage_json(FILE *out, const struct stage_summary *ss)
{
	fputs("{\"stage\":", out);
	json_str(out, ss->stage);
	json_field(out, "status", ss->status);
	fprintf(out, ",\"exit_code\":%d,\"seconds\":%.3f", ss->exit_code, ss->seconds);
	json_count(out, "rows_in", ss->rows_in);
	json_count(out, "rows", ss->rows_out < 0 ? 0 : ss->rows_out);
	json_field(out, "reason", ss->reason);
	json_field(out, "summary", ss->message);
	json_count(out, "rejected", ss->rejected);
	fputs(",\"rejects\":[", out);
	for (size_t k = 0; k < ss->nrejects; k++) {
		fputs(k ? ",{\"reason\":" : "{\"reason\":", out);
		json_str(out, ss->rejects[k].reason);
		json_field(out, "field", ss->rejects[k].field);
		fprintf(out, ",\"count\":%lld}", ss->rejects[k].count);
	}
	fputs("]}", out);
}

static void print_json(FILE *out, const struct run_summary *rs, double reject_warning)
{
	char lines[4][WARNING_MAX];
	int n = warning_lines(rs, reject_warning, lines, 4);

	fprintf(out, "{\"run\":%lld", rs->run);
	json_field(out, "started", rs->started);
	json_field(out, "finished", rs->finished);
	json_field(out, "status", rs->status);
	json_field(out, "summary", rs->summary);
	json_count(out, "rows_read", rows_read(rs));
	json_count(out, "rejected", rs->rejected);
	fputs(",\"warnings\":[", out);
	for (int i = 0; i < n; i++) {
		fputs(i ? "," : "", out);
		json_str(out, lines[i]);
	}
	fputs("],\"stages\":[", out);
	for (size_t i = 0; i < rs->n; i++) {
		fputs(i ? "," : "", out);
		print_stage_json(out, &rs->stages[i]);
	}
	fputs("]}\n", out);
}

void summary_print(const struct run_summary *rs, double reject_warning, int json,
		   void *outp)
{
	FILE *out = outp;

	if (json) {
		print_json(out, rs, reject_warning);
		return;
	}
	fprintf(out, "run %lld  %s .. %s  %s  %s\n", rs->run, rs->started, rs->finished,
		rs->status, rs->command);
	if (*rs->summary)
		fprintf(out, "  %s\n", rs->summary);
	summary_print_stages(rs, out);
}

void summary_print_stages(const struct run_summary *rs, void *out)
{
	int w = 10; /* "normalize[2/4]" of a sharded run, wider */

	for (size_t i = 0; i < rs->n; i++)
		if ((int)strlen(rs->stages[i].stage) > w)
			w = (int)strlen(rs->stages[i].stage);
	for (size_t i = 0; i < rs->n; i++)
		print_stage_text(out, &rs->stages[i], w);
}
