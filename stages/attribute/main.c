/*
 * cco-attribute: who is accountable for each member, month by month, and
 * which PCP and clinic the member belongs to.  One streaming pass over the
 * member-sorted outputs of cco-normalize.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "cli.h"
#include "date.h"
#include "db.h"
#include "err.h"
#include "manifest.h"
#include "msg.h"
#include "mstream.h"
#include "shard.h"
#include "valueset.h"
#include "verdict.h"
#include "xalloc.h"

enum { IN_MEMBERS, IN_ENROLLMENT, IN_PCP, IN_CLAIMS, NIN };
enum { OUT_MONTHS, OUT_ATTR, OUT_AUDIT, NOUT };

static const char *const in_files[NIN] = { "members", "enrollment", "pcp_assignments", "claims" };
static const char *const in_kinds[NIN] = { "members", "enrollment_spans", "pcp_assignments", "claims" };
static const char *const out_files[NOUT] = { "partner_months", "attribution", "attribution_audit" };

struct stage {
	const struct config *cfg;
	char *ws;
	int my, as_of;
	struct pcp_options pcp;
	enum month_rule month_rule;
	const struct valueset *visit;   /* qualifying services */
	struct vs_memo *visit_memo;     /* its verdicts on the codes seen */
	struct verdict_cache *svc_days; /* day numbers of the service dates seen */
	struct roster roster;
	struct names partners;
	struct mstream *in[NIN];
	/* the columns the loaders read, found once (not once a member) */
	struct { int start, end, partner; } span_col;
	struct { int npi, clinic, start, end; } asg_col;
	struct { int date, code, rendering, billing, denied, allowed; } svc_col;
	struct rec_writer *out[NOUT];
	struct member m;
	/* counts */
	long long by_rule[PCP_NRULES];
	long long members, orphan_rows;
	long long *by_partner;          /* attribution rows per partner */
	int by_partner_n;
	struct month_counts months;
};

/* Parse an ISO date field; empty gives dflt. */
static int field_date(const struct rec_row *row, int col, int dflt, int *out, const char *what)
{
	if (row->len[col] == 0) {
		*out = dflt;
		return 0;
	}
	if (date_parse_iso(row->field[col], row->len[col], out) < 0)
		return err_set("%s: a malformed date (normalize writes ISO dates)", what);
	return 0;
}

static int load_spans(struct stage *r)
{
	struct mstream *ms = r->in[IN_ENROLLMENT];
	int cs = r->span_col.start, ce = r->span_col.end, cp = r->span_col.partner;
	struct member *m = &r->m;
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		struct enr_span *s;

		xgrow(&m->spans, &m->spans_alloc, (size_t)m->nspans + 1, sizeof(*m->spans));
		s = &m->spans[m->nspans++];
		/* an open span runs through the as-of date */
		if (field_date(&row, cs, DATE_NONE, &s->start, "enrollment") < 0 ||
		    field_date(&row, ce, r->as_of, &s->end, "enrollment") < 0)
			return -1;
		s->partner = names_intern(&r->partners, row.field[cp]);
	}
	return rc;
}

static int load_assignments(struct stage *r)
{
	struct mstream *ms = r->in[IN_PCP];
	int cn = r->asg_col.npi, cc = r->asg_col.clinic;
	int cs = r->asg_col.start, ce = r->asg_col.end;
	struct member *m = &r->m;
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		struct assignment *a;

		xgrow(&m->asg, &m->asg_alloc, (size_t)m->nasg + 1, sizeof(*m->asg));
		a = &m->asg[m->nasg++];
		a->pcp_npi = xstrdup(row.field[cn]);
		a->clinic_id = xstrdup(row.field[cc]);
		if (field_date(&row, cs, DATE_NONE, &a->start, "pcp_assignments") < 0 ||
		    field_date(&row, ce, DATE_NONE, &a->end, "pcp_assignments") < 0)
			return -1;
		if (a->start == DATE_NONE)
			return err_set("pcp_assignments: an assignment has no start date");
	}
	return rc;
}

/* strtod(s, NULL), for an amount: where s is plain digits with at most
 * two decimals ("123.45", most amounts), without strtod's cost.  N / 10^d
 * of two exact doubles (N below 2^53) is the correctly rounded value of
 * the decimal, which is what strtod gives too. */
static double parse_amount(const char *s)
{
	static const double scale[] = { 1, 10, 100 };
	long long n = 0;
	int digits = 0, decimals = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && digits < 15; p++, digits++)
		n = n * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && decimals < 2; p++, decimals++, digits++)
			n = n * 10 + (*p - '0');
	if (*p || digits == 0 || digits > 15)
		return strtod(s, NULL);
	return (double)n / scale[decimals];
}

/* A claims row's service date, as field_date() gives it, through
 * r->svc_days: a member's claim lines repeat a few dates.  Returns 0 or -1
 * with err_msg() set. */
static int service_day(struct stage *r, const struct rec_row *row, int *day)
{
	int col = r->svc_col.date, hit;
	size_t n = row->len[col];
	struct verdict_slot *e;

	if (n == 0 || n > VERDICT_MAX)
		return field_date(row, col, DATE_NONE, day, "claims");
	e = verdict_slot(r->svc_days, NULL, row->field[col], n, &hit);
	if (!hit) {
		if (field_date(row, col, DATE_NONE, day, "claims") < 0) {
			e->len = 0; /* the slot stays empty */
			return -1;
		}
		e->answer = (uint32_t)*day;
	}
	*day = (int)e->answer;
	return 0;
}

/* The member's qualifying primary-care services: paid lines in the
 * lookback window, with a code in the visit value set, by a provider the
 * roster marks as primary care. */
static int load_services(struct stage *r)
{
	struct mstream *ms = r->in[IN_CLAIMS];
	int cp = r->svc_col.code;
	int cr = r->svc_col.rendering, cb = r->svc_col.billing;
	int cx = r->svc_col.denied, ca = r->svc_col.allowed;
	struct member *m = &r->m;
	struct rec_row row;
	int rc, day;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		const char *code = row.field[cp];
		const struct provider *prov;

		if (strcmp(row.field[cx], "0") != 0 || !*code || service_day(r, &row, &day) < 0 ||
		    day == DATE_NONE || day < r->pcp.from || day > r->pcp.on ||
		    !vs_memo_contains(r->visit_memo, vs_procedure_system(code), code,
				      row.len[cp]))
			continue;
		prov = roster_find(&r->roster, *row.field[cr] ? row.field[cr] : row.field[cb]);
		if (!prov || !prov->primary_care)
			continue;
		xgrow(&m->svc, &m->svc_alloc, (size_t)m->nsvc + 1, sizeof(*m->svc));
		m->svc[m->nsvc++] = (struct service){ prov, day, parse_amount(row.field[ca]) };
	}
	return rc;
}

/* Skip rows of members that come before id in every input but members:
 * normalize only writes members it knows, so these are counted, not lost. */
static int skip_orphans(struct stage *r, const char *id)
{
	for (int i = IN_ENROLLMENT; i < NIN; i++)
		if (mstream_skip_before(r->in[i], id, &r->orphan_rows) < 0)
			return -1;
	return 0;
}

static void count_partner(struct stage *r, const struct member *m)
{
	int p = enr_partner(m->spans, m->nspans, date_from_ymd(1900, 1, 1), r->pcp.on,
			    0, ENR_LAST);

	if (p < 0)
		return;
	if (p >= r->by_partner_n) {
		r->by_partner = xrealloc(r->by_partner, sizeof(long long) * (size_t)(p + 1));
		memset(r->by_partner + r->by_partner_n, 0,
		       sizeof(long long) * (size_t)(p + 1 - r->by_partner_n));
		r->by_partner_n = p + 1;
	}
	r->by_partner[p]++;
}

/* One member: gather its rows from every input, write its outputs. */
static int attribute_member(struct stage *r, const char *id)
{
	struct rec_row row;

	member_reset(&r->m, id);
	if (skip_orphans(r, r->m.id) < 0)
		return -1;
	if (mstream_next(r->in[IN_MEMBERS], r->m.id, &row) <= 0 ||
	    mstream_next(r->in[IN_MEMBERS], r->m.id, &row) != 0)
		return err_set("members: a member id appears twice (normalize keeps one row)");
	if (load_spans(r) < 0 || load_assignments(r) < 0 || load_services(r) < 0)
		return -1;
	months_write(r->out[OUT_MONTHS], &r->m, r->my, r->month_rule, &r->partners, &r->months);
	r->by_rule[pcp_attribute(r->out[OUT_ATTR], r->out[OUT_AUDIT], &r->m, &r->pcp,
				 &r->roster, &r->partners)]++;
	count_partner(r, &r->m);
	r->members++;
	return 0;
}

/* Value sets named by attribute.visit_valueset and .taxonomy_valueset. */
static int find_valuesets(struct stage *r, const struct valuesets *vs,
			  const struct valueset **taxonomy)
{
	static const char *const keys[] = { "attribute.visit_valueset",
					    "attribute.taxonomy_valueset" };
	const struct valueset **dst[] = { &r->visit, taxonomy };

	for (int i = 0; i < 2; i++) {
		const char *name = config_str(r->cfg, keys[i]);

		*dst[i] = vs_find(vs, name);
		if (!*dst[i])
			return err_set("%s: no value set '%s' in %s", keys[i], name,
				       config_str(r->cfg, "paths.valuesets"));
	}
	r->visit_memo = xmalloc(sizeof(*r->visit_memo));
	vs_memo_init(r->visit_memo, r->visit);
	r->svc_days = xcalloc(1, sizeof(*r->svc_days));
	return 0;
}

static int open_inputs(struct stage *r, const struct valueset *taxonomy)
{
	char *path = xasprintf("%s/normalize/providers.rec.zst", r->ws);
	int rc = roster_load(&r->roster, path, taxonomy);
	const struct mstream *ms;

	free(path);
	for (int i = 0; rc == 0 && i < NIN; i++) {
		path = xasprintf("%s/normalize/%s.rec.zst", r->ws, in_files[i]);
		r->in[i] = mstream_open(path, rec_schema_find(in_kinds[i]), 1);
		free(path);
		if (!r->in[i])
			rc = -1;
	}
	if (rc < 0)
		return -1;
	ms = r->in[IN_ENROLLMENT];
	r->span_col.start = mstream_col(ms, "start_date");
	r->span_col.end = mstream_col(ms, "end_date");
	r->span_col.partner = mstream_col(ms, "partner_id");
	ms = r->in[IN_PCP];
	r->asg_col.npi = mstream_col(ms, "pcp_npi");
	r->asg_col.clinic = mstream_col(ms, "clinic_id");
	r->asg_col.start = mstream_col(ms, "start_date");
	r->asg_col.end = mstream_col(ms, "end_date");
	ms = r->in[IN_CLAIMS];
	r->svc_col.date = mstream_col(ms, "svc_date");
	r->svc_col.code = mstream_col(ms, "procedure_code");
	r->svc_col.rendering = mstream_col(ms, "rendering_npi");
	r->svc_col.billing = mstream_col(ms, "billing_npi");
	r->svc_col.denied = mstream_col(ms, "denied");
	r->svc_col.allowed = mstream_col(ms, "allowed_amount");
	return 0;
}

static int open_outputs(struct stage *r)
{
	static const char *const sort[NOUT] = { "member_id,month", "member_id",
						"member_id,rank" };

	return stage_outputs_open(r->cfg, "attribute", r->out, NOUT, out_files, out_files,
				  sort);
}

static int record_counts(struct stage *r)
{
	struct db_count *c = xcalloc((size_t)(8 + r->by_partner_n), sizeof(*c));
	char *db = xasprintf("%s/cco.db", r->ws);
	int n = 0, rc;

	c[n++] = (struct db_count){ "members", "", r->members };
	for (int i = 0; i < PCP_NRULES; i++)
		c[n++] = (struct db_count){ "rule", pcp_rule_name(i), r->by_rule[i] };
	c[n++] = (struct db_count){ "member_months", "attributed", r->months.attributed };
	c[n++] = (struct db_count){ "member_months", "unattributed", r->months.unattributed };
	c[n++] = (struct db_count){ "orphan_rows", "", r->orphan_rows };
	for (int i = 0; i < r->by_partner_n; i++)
		c[n++] = (struct db_count){ "partner", r->partners.v[i], r->by_partner[i] };
	rc = db_replace_counts(db, "attribute_count", c, n);
	free(db);
	free(c);
	return rc;
}

static void print_summary(const struct stage *r)
{
	char on[DATE_ISO_LEN + 1];

	date_format(r->pcp.on, on);
	msg_info("%lld members, PCP as of %s: %lld by assignment, %lld by claims "
		 "(%lld plurality, %lld tie-break), %lld none", r->members, on,
		 r->by_rule[PCP_ASSIGNMENT],
		 r->by_rule[PCP_PLURALITY] + r->by_rule[PCP_TIE_BREAK],
		 r->by_rule[PCP_PLURALITY], r->by_rule[PCP_TIE_BREAK],
		 r->by_rule[PCP_NONE]);
	msg_info("%lld member-months in %d: %lld attributed, %lld unattributed (enrolled, "
		 "but not on the rule's day)", r->months.attributed + r->months.unattributed,
		 r->my, r->months.attributed, r->months.unattributed);
	for (int i = 0; i < r->by_partner_n; i++)
		msg_info("partner %s: %lld members", r->partners.v[i], r->by_partner[i]);
	if (r->orphan_rows)
		msg_warn("%lld rows for members not in the members file were skipped",
			 r->orphan_rows);
}

/* The pass over members.  Returns 0 or -1 with err_msg() set. */
static int attribute_all(struct stage *r)
{
	const char *id;

	while ((id = mstream_peek(r->in[IN_MEMBERS]))) {
		char *copy = xstrdup(id);
		int rc = attribute_member(r, copy);

		free(copy);
		if (rc < 0)
			return -1;
	}
	if (mstream_failed(r->in[IN_MEMBERS]) || skip_orphans(r, NULL) < 0)
		return -1;
	return 0;
}

static void run_release(struct stage *r)
{
	for (int i = 0; i < NIN; i++)
		mstream_close(r->in[i]);
	rec_writers_close(r->out, NOUT, 0);
	member_release(&r->m);
	roster_release(&r->roster);
	names_release(&r->partners);
	free(r->by_partner);
	free(r->visit_memo);
	free(r->svc_days);
	free(r->ws);
}

static int run_stage(struct stage *r)
{
	struct valuesets *vs = vs_load(config_str(r->cfg, "paths.valuesets"));
	const struct valueset *taxonomy = NULL;
	int rc;

	if (!vs || find_valuesets(r, vs, &taxonomy) < 0) {
		msg_error("%s", err_msg());
		vs_free(vs);
		return CCO_EXIT_USAGE;
	}
	rc = open_inputs(r, taxonomy);
	if (rc == 0)
		rc = open_outputs(r);
	if (rc == 0)
		rc = attribute_all(r);
	rc = stage_outputs_commit(r->cfg, "attribute", r->out, NOUT, rc == 0);
	if (rc == 0)
		rc = record_counts(r);
	vs_free(vs);
	if (rc < 0) {
		msg_error("%s", err_msg());
		return CCO_EXIT_FAIL;
	}
	print_summary(r);
	return CCO_EXIT_OK;
}

/* The attribution date, attribute.date: the earlier of the as-of date and
 * the last day of measurement year my (year_end, the default), or the
 * as-of date itself (as_of). */
static int attribution_date(const struct config *cfg, int my, int as_of)
{
	int year_end = date_from_ymd(my, 12, 31);

	if (config_choice(cfg, "attribute.date") == 1)
		return as_of;
	return as_of < year_end ? as_of : year_end;
}

static int attribute_run(const struct cli_run *in)
{
	struct config *cfg = in->cfg;
	struct stage r = { 0 };
	int status;

	r.cfg = cfg;
	r.ws = shard_root_of(cfg); /* the workspace, or the shard's part */
	r.my = (int)config_int(cfg, "run.measurement_year");
	r.as_of = config_date(cfg, "run.as_of");
	r.month_rule = (enum month_rule)config_choice(cfg, "attribute.partner_rule");
	r.pcp.on = attribution_date(cfg, r.my, r.as_of);
	r.pcp.from = date_add_months(r.pcp.on, -(int)config_int(cfg, "attribute.lookback_months")) + 1;
	r.pcp.by_allowed = config_choice(cfg, "attribute.plurality") == 1;
	status = run_stage(&r);
	run_release(&r);
	return status;
}

static const struct cli_program prog = {
	.name = "cco-attribute",
	.synopsis = "cco-attribute [-c FILE] [--set KEY=VALUE] [-q] [-v]",
	.about = "Give each member-month of the measurement year its partner, and each\n"
		 "member a PCP and clinic, from the outputs of cco-normalize.\n",
	CLI_STAGE, .help = cli_help_stage, .help_column = 22, .run = attribute_run,
};

int main(int argc, char **argv)
{
	return cli_main(&prog, argc, argv, NULL);
}
