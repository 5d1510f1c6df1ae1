/*
 * claims.c: one member's medical claim lines to final claim lines, with
 * service date, category and denied flag, plus the member's stays and ED
 * visits.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "claims.h"
#include "codes.h"
#include "err.h"
#include "events.h"
#include "rec.h"
#include "valueset.h"
#include "versions.h"
#include "xalloc.h"

/* the columns of the medical_claims rows read and of the claims rows written */
#define IN(col) MEDICAL_CLAIMS_##col
#define OUT(col) CLAIMS_##col

/* Header fields: one value per claim, from its lowest line with a value. */
static const int header_cols[] = {
	IN(freq_code), IN(orig_claim_id), IN(adjudicated_date), IN(claim_type),
	IN(admit_date), IN(discharge_date), IN(discharge_status), IN(bill_type)
};
#define NHDR (sizeof(header_cols) / sizeof(header_cols[0]))

struct hdr {
	const char *v[IN(NCOLS)]; /* header values by column; NULL for line fields */
	size_t n[IN(NCOLS)];      /* their lengths */
	char dx[CODE_MAX];    /* principal diagnosis: first of the first list */
	int inpatient, all_denied;
};

struct oline {
	size_t row;
	const struct hdr *h;
	const char *svc, *cat;
	size_t svc_len;
	int denied;
};

struct claims {
	struct rec_writer *out;
	struct events *ev;
	/* the category sets, looked up once per distinct code */
	struct vs_memo ed_rev, ed_cpt, ed_pos, ip_rev, ip_bill, dental;
	unsigned char *fate;
	size_t fate_cap;
	size_t *kept;
	size_t kept_cap;
	struct hdr *hdrs;
	size_t hdr_cap;
	struct oline *lines;
	size_t line_cap;
};

void claims_prep(char **f, size_t *len, struct scratch *s)
{
	if (len[IN(dx_codes)] < 200)
		len[IN(dx_codes)] = code_icd(f[IN(dx_codes)]);
	if (len[IN(icd_procs)] < 200)
		len[IN(icd_procs)] = code_icd(f[IN(icd_procs)]);
	if (len[IN(revenue_code)] == 3) {
		memcpy(s->buf[0], f[IN(revenue_code)], 4);
		f[IN(revenue_code)] = s->buf[0];
		len[IN(revenue_code)] = code_revenue(f[IN(revenue_code)]);
	}
	if (len[IN(procedure_code)] < CODE_MAX && len[IN(modifiers)] < 4 * CODE_MAX) {
		memcpy(s->buf[1], f[IN(procedure_code)], len[IN(procedure_code)] + 1);
		memcpy(s->buf[2], f[IN(modifiers)], len[IN(modifiers)] + 1);
		code_split_modifiers(s->buf[1], s->buf[2], sizeof(s->buf[2]));
		f[IN(procedure_code)] = s->buf[1];
		f[IN(modifiers)] = s->buf[2];
		len[IN(procedure_code)] = strlen(f[IN(procedure_code)]);
		len[IN(modifiers)] = strlen(f[IN(modifiers)]);
	}
}

int claims_denied(const char *status)
{
	if ((status[0] | 0x20) != 'd')
		return 0; /* most lines are paid: the first letter tells */
	return !strcasecmp(status, "denied") || !strcasecmp(status, "D");
}

static const char *const required[] = {
	"cat_ed_revenue", "cat_ed_cpt", "cat_ed_pos", "cat_inpatient_revenue",
	"cat_inpatient_bill_type", "cat_dental_cdt", "cat_transfer_status", NULL
};

int claims_check_valuesets(const struct valuesets *vs)
{
	for (int i = 0; required[i]; i++)
		if (!vs_find(vs, required[i]))
			return err_set("value set '%s' is not defined", required[i]);
	return 0;
}

static const struct valueset *need(const struct valuesets *vs, const char *name,
				   int *missing)
{
	const struct valueset *s = vs_find(vs, name);

	if (!s && !*missing)
		*missing = err_set("value set '%s' is not defined", name);
	return s;
}

struct claims *claims_new(struct norm *n, struct rec_writer *out,
			  struct events *ev)
{
	struct claims *c = xcalloc(1, sizeof(*c));
	int missing = 0;

	c->out = out;
	c->ev = ev;
	vs_memo_init(&c->ed_rev, need(n->vs, "cat_ed_revenue", &missing));
	vs_memo_init(&c->ed_cpt, need(n->vs, "cat_ed_cpt", &missing));
	vs_memo_init(&c->ed_pos, need(n->vs, "cat_ed_pos", &missing));
	vs_memo_init(&c->ip_rev, need(n->vs, "cat_inpatient_revenue", &missing));
	vs_memo_init(&c->ip_bill, need(n->vs, "cat_inpatient_bill_type", &missing));
	vs_memo_init(&c->dental, need(n->vs, "cat_dental_cdt", &missing));
	if (missing) {
		claims_free(c);
		return NULL;
	}
	return c;
}

void claims_free(struct claims *c)
{
	if (!c)
		return;
	free(c->fate);
	free(c->kept);
	free(c->hdrs);
	free(c->lines);
	free(c);
}

/* source, claim_id, line number; then the row's place in the group (its
 * byte order), so even repeated line numbers sort the same every run. */
static int cmp_claim_line(const void *pa, const void *pb, void *group)
{
	size_t ra = *(const size_t *)pa, rb = *(const size_t *)pb;
	char **a = group_cols(group, ra), **b = group_cols(group, rb);
	int c;

	if ((c = strcmp(a[IN(source)], b[IN(source)])) ||
	    (c = strcmp(a[IN(claim_id)], b[IN(claim_id)])) ||
	    (c = norm_cmp_num(a[IN(line_no)], b[IN(line_no)])))
		return c;
	return (ra > rb) - (ra < rb);
}

/* Output order: service date, source, claim id, line number. */
static int cmp_out(const void *pa, const void *pb, void *group)
{
	const struct oline *x = pa, *y = pb;
	int c = strcmp(x->svc, y->svc);

	return c ? c : cmp_claim_line(&x->row, &y->row, group);
}

static int is_ed_line(struct claims *c, char **f, const size_t *len)
{
	const char *proc = f[IN(procedure_code)];

	return vs_memo_contains(&c->ed_rev, "REV", f[IN(revenue_code)],
				len[IN(revenue_code)]) ||
	       vs_memo_contains(&c->ed_cpt, vs_procedure_system(proc), proc,
				len[IN(procedure_code)]) ||
	       (proc[0] && vs_memo_contains(&c->ed_pos, "POS", f[IN(pos)], len[IN(pos)]));
}

/* Fill h from the claim's lines kept[from .. to). */
static void claim_header(struct claims *c, const struct group *g, size_t from,
			 size_t to, struct hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->all_denied = 1;
	for (size_t k = 0; k < NHDR; k++)
		h->v[header_cols[k]] = "";
	for (size_t i = from; i < to; i++) {
		char **f = group_cols(g, c->kept[i]);
		const size_t *len = group_lens(g, c->kept[i]);

		for (size_t k = 0; k < NHDR; k++) {
			int col = header_cols[k];

			if (!*h->v[col]) {
				h->v[col] = f[col];
				h->n[col] = len[col];
			}
		}
		if (!h->dx[0] && f[IN(dx_codes)][0]) {
			size_t n = strcspn(f[IN(dx_codes)], "|");

			if (n < sizeof(h->dx)) {
				memcpy(h->dx, f[IN(dx_codes)], n);
				h->dx[n] = '\0';
			}
		}
		h->all_denied &= claims_denied(f[IN(status)]);
		h->inpatient |= vs_memo_contains(&c->ip_rev, "REV", f[IN(revenue_code)],
						 len[IN(revenue_code)]);
	}
	h->inpatient |= vs_memo_contains(&c->ip_bill, "BILLTYPE", h->v[IN(bill_type)],
					 h->n[IN(bill_type)]);
	h->inpatient &= !strcmp(h->v[IN(claim_type)], "I") && *h->v[IN(admit_date)] &&
			*h->v[IN(discharge_date)];
}

static const char *category(struct claims *c, const struct hdr *h, char **f,
			    const size_t *len, int ed)
{
	const char *proc = f[IN(procedure_code)];

	if (h->inpatient)
		return "inpatient";
	if (ed)
		return "ed";
	if (vs_memo_contains(&c->dental, vs_procedure_system(proc), proc,
			     len[IN(procedure_code)]))
		return "dental";
	return strcmp(h->v[IN(claim_type)], "I") == 0 ? "outpatient" : "professional";
}

/* Where each column of the claims output comes from: the line, its
 * claim's header, or what derive() worked out. */
enum { FROM_LINE, FROM_HEADER, FROM_SVC, FROM_DENIED, FROM_CAT };

static const struct {
	unsigned char from, col;
} out_cols[OUT(NCOLS)] = {
	[OUT(member_id)] = { FROM_LINE, IN(member_id) },
	[OUT(svc_date)] = { FROM_SVC, 0 },
	[OUT(source)] = { FROM_LINE, IN(source) },
	[OUT(claim_id)] = { FROM_LINE, IN(claim_id) },
	[OUT(line_no)] = { FROM_LINE, IN(line_no) },
	[OUT(extract)] = { FROM_LINE, IN(extract) },
	[OUT(freq_code)] = { FROM_HEADER, IN(freq_code) },
	[OUT(orig_claim_id)] = { FROM_HEADER, IN(orig_claim_id) },
	[OUT(status)] = { FROM_LINE, IN(status) },
	[OUT(denied)] = { FROM_DENIED, 0 },
	[OUT(adjudicated_date)] = { FROM_HEADER, IN(adjudicated_date) },
	[OUT(claim_type)] = { FROM_HEADER, IN(claim_type) },
	[OUT(category)] = { FROM_CAT, 0 },
	[OUT(svc_from)] = { FROM_LINE, IN(svc_from) },
	[OUT(svc_to)] = { FROM_LINE, IN(svc_to) },
	[OUT(admit_date)] = { FROM_HEADER, IN(admit_date) },
	[OUT(discharge_date)] = { FROM_HEADER, IN(discharge_date) },
	[OUT(discharge_status)] = { FROM_HEADER, IN(discharge_status) },
	[OUT(bill_type)] = { FROM_HEADER, IN(bill_type) },
	[OUT(pos)] = { FROM_LINE, IN(pos) },
	[OUT(revenue_code)] = { FROM_LINE, IN(revenue_code) },
	[OUT(procedure_code)] = { FROM_LINE, IN(procedure_code) },
	[OUT(modifiers)] = { FROM_LINE, IN(modifiers) },
	[OUT(dx_codes)] = { FROM_LINE, IN(dx_codes) },
	[OUT(icd_procs)] = { FROM_LINE, IN(icd_procs) },
	[OUT(billing_npi)] = { FROM_LINE, IN(billing_npi) },
	[OUT(rendering_npi)] = { FROM_LINE, IN(rendering_npi) },
	[OUT(allowed_amount)] = { FROM_LINE, IN(allowed_amount) },
	[OUT(paid_amount)] = { FROM_LINE, IN(paid_amount) },
};

/* One output row, written whole: lengths are known from the split. */
static void write_line(struct claims *c, const struct group *g, const struct oline *o)
{
	char **f = group_cols(g, o->row);
	const size_t *len = group_lens(g, o->row);
	const struct hdr *h = o->h;
	const char *v[OUT(NCOLS)];
	size_t n[OUT(NCOLS)];

	for (int k = 0; k < OUT(NCOLS); k++) {
		int col = out_cols[k].col;

		switch (out_cols[k].from) {
		case FROM_LINE:
			v[k] = f[col];
			n[k] = len[col];
			break;
		case FROM_HEADER:
			v[k] = h->v[col];
			n[k] = h->n[col];
			break;
		case FROM_SVC:
			v[k] = o->svc;
			n[k] = o->svc_len;
			break;
		case FROM_DENIED:
			v[k] = o->denied ? "1" : "0";
			n[k] = 1;
			break;
		default:
			v[k] = o->cat;
			n[k] = strlen(o->cat);
			break;
		}
	}
	rec_put_row(c->out, v, n, OUT(NCOLS));
}

/* Turn the kept lines (sorted by claim) into output lines and events. */
static size_t derive(struct claims *c, const struct group *g, size_t nkept,
		     struct counts *cnt)
{
	size_t nh = 0, no = 0;

	xgrow(&c->hdrs, &c->hdr_cap, nkept, sizeof(*c->hdrs));
	xgrow(&c->lines, &c->line_cap, nkept, sizeof(*c->lines));
	for (size_t i = 0; i < nkept;) {
		size_t j = i + 1;
		struct hdr *h = &c->hdrs[nh++];

		char **first = group_cols(g, c->kept[i]);

		while (j < nkept &&
		       !strcmp(group_cols(g, c->kept[j])[IN(source)], first[IN(source)]) &&
		       !strcmp(group_cols(g, c->kept[j])[IN(claim_id)], first[IN(claim_id)]))
			j++;
		claim_header(c, g, i, j, h);
		for (size_t k = i; k < j; k++) {
			char **f = group_cols(g, c->kept[k]);
			const size_t *len = group_lens(g, c->kept[k]);
			struct oline *o = &c->lines[no++];
			int ed = is_ed_line(c, f, len);

			o->row = c->kept[k];
			o->h = h;
			if (f[IN(svc_from)][0]) {
				o->svc = f[IN(svc_from)];
				o->svc_len = len[IN(svc_from)];
			} else if (f[IN(svc_to)][0]) {
				o->svc = f[IN(svc_to)];
				o->svc_len = len[IN(svc_to)];
			} else {
				o->svc = h->v[IN(admit_date)];
				o->svc_len = h->n[IN(admit_date)];
			}
			o->cat = category(c, h, f, len, ed);
			o->denied = claims_denied(f[IN(status)]);
			cnt->denied += (uint64_t)o->denied;
			if (ed)
				events_ed(c->ev, o->svc, o->denied, h->dx, f[IN(source)], f[IN(claim_id)]);
		}
		if (h->inpatient && !h->all_denied) {
			char **f = group_cols(g, c->kept[i]);

			events_stay_claim(c->ev, h->v[IN(admit_date)], h->v[IN(discharge_date)],
					  h->v[IN(discharge_status)], h->dx, f[IN(source)],
					  f[IN(claim_id)]);
		}
		i = j;
	}
	return no;
}

int claims_group(struct norm *n, struct group *g, struct counts *cnt, void *arg)
{
	static const struct vcols vc = {
		IN(source), IN(claim_id), IN(line_no), IN(freq_code), IN(orig_claim_id),
		IN(adjudicated_date), IN(svc_to), IN(svc_from)
	};
	struct claims *c = arg;
	size_t nkept = 0, no;

	xgrow(&c->fate, &c->fate_cap, g->n, 1);
	xgrow(&c->kept, &c->kept_cap, g->n, sizeof(size_t));
	cnt->duplicates += norm_dedupe(g, IN(extract), c->fate);
	for (size_t i = 0; i < g->n; i++)
		c->fate[i] = c->fate[i] ? FATE_DUP : FATE_KEEP;
	versions_resolve(g, &vc, n->as_of, c->fate, cnt);
	for (size_t i = 0; i < g->n; i++)
		if (c->fate[i] == FATE_KEEP)
			c->kept[nkept++] = i;
	norm_sort(c->kept, nkept, sizeof(size_t), cmp_claim_line, g);
	no = derive(c, g, nkept, cnt);
	if (no)
		norm_sort(c->lines, no, sizeof(*c->lines), cmp_out, g);
	for (size_t i = 0; i < no; i++)
		write_line(c, g, &c->lines[i]);
	cnt->final += no;
	events_flush(c->ev, group_cols(g, 0)[IN(member_id)]);
	return 0;
}
