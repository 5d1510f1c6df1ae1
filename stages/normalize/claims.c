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

/* medical_claims schema columns */
enum { SOURCE, EXTRACT, MEMBER, CLAIM_ID, LINE_NO, FREQ, ORIG, STATUS, ADJ,
       CLAIM_TYPE, SVC_FROM, SVC_TO, ADMIT, DISCHARGE, DSTATUS, BILL_TYPE, POS,
       REV, PROC, MODS, DX, ICD_PROCS, BILLING_NPI, RENDERING_NPI, ALLOWED,
       PAID, NCOLS };

/* Header fields: one value per claim, from its lowest line with a value. */
static const int header_cols[] = { FREQ, ORIG, ADJ, CLAIM_TYPE, ADMIT,
				   DISCHARGE, DSTATUS, BILL_TYPE };
#define NHDR (sizeof(header_cols) / sizeof(header_cols[0]))

struct hdr {
	const char *v[NCOLS]; /* header values by column; NULL for line fields */
	size_t n[NCOLS];      /* their lengths */
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
	if (len[DX] < 200)
		len[DX] = code_icd(f[DX]);
	if (len[ICD_PROCS] < 200)
		len[ICD_PROCS] = code_icd(f[ICD_PROCS]);
	if (len[REV] == 3) {
		memcpy(s->buf[0], f[REV], 4);
		f[REV] = s->buf[0];
		len[REV] = code_revenue(f[REV]);
	}
	if (len[PROC] < CODE_MAX && len[MODS] < 4 * CODE_MAX) {
		memcpy(s->buf[1], f[PROC], len[PROC] + 1);
		memcpy(s->buf[2], f[MODS], len[MODS] + 1);
		code_split_modifiers(s->buf[1], s->buf[2], sizeof(s->buf[2]));
		f[PROC] = s->buf[1];
		f[MODS] = s->buf[2];
		len[PROC] = strlen(f[PROC]);
		len[MODS] = strlen(f[MODS]);
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

	if ((c = strcmp(a[SOURCE], b[SOURCE])) || (c = strcmp(a[CLAIM_ID], b[CLAIM_ID])) ||
	    (c = norm_cmp_num(a[LINE_NO], b[LINE_NO])))
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
	return vs_memo_contains(&c->ed_rev, "REV", f[REV], len[REV]) ||
	       vs_memo_contains(&c->ed_cpt, vs_procedure_system(f[PROC]), f[PROC],
				len[PROC]) ||
	       (f[PROC][0] && vs_memo_contains(&c->ed_pos, "POS", f[POS], len[POS]));
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
		if (!h->dx[0] && f[DX][0]) {
			size_t n = strcspn(f[DX], "|");

			if (n < sizeof(h->dx)) {
				memcpy(h->dx, f[DX], n);
				h->dx[n] = '\0';
			}
		}
		h->all_denied &= claims_denied(f[STATUS]);
		h->inpatient |= vs_memo_contains(&c->ip_rev, "REV", f[REV], len[REV]);
	}
	h->inpatient |= vs_memo_contains(&c->ip_bill, "BILLTYPE", h->v[BILL_TYPE],
					 h->n[BILL_TYPE]);
	h->inpatient &= !strcmp(h->v[CLAIM_TYPE], "I") && *h->v[ADMIT] && *h->v[DISCHARGE];
}

static const char *category(struct claims *c, const struct hdr *h, char **f,
			    const size_t *len, int ed)
{
	if (h->inpatient)
		return "inpatient";
	if (ed)
		return "ed";
	if (vs_memo_contains(&c->dental, vs_procedure_system(f[PROC]), f[PROC], len[PROC]))
		return "dental";
	return strcmp(h->v[CLAIM_TYPE], "I") == 0 ? "outpatient" : "professional";
}

/* Where each column of the claims output comes from: the line, its
 * claim's header, or what derive() worked out. */
enum { FROM_LINE, FROM_HEADER, FROM_SVC, FROM_DENIED, FROM_CAT };

static const struct {
	unsigned char from, col;
} out_cols[] = {
	{ FROM_LINE, MEMBER }, { FROM_SVC, 0 }, { FROM_LINE, SOURCE },
	{ FROM_LINE, CLAIM_ID }, { FROM_LINE, LINE_NO }, { FROM_LINE, EXTRACT },
	{ FROM_HEADER, FREQ }, { FROM_HEADER, ORIG }, { FROM_LINE, STATUS },
	{ FROM_DENIED, 0 }, { FROM_HEADER, ADJ }, { FROM_HEADER, CLAIM_TYPE },
	{ FROM_CAT, 0 }, { FROM_LINE, SVC_FROM }, { FROM_LINE, SVC_TO },
	{ FROM_HEADER, ADMIT }, { FROM_HEADER, DISCHARGE }, { FROM_HEADER, DSTATUS },
	{ FROM_HEADER, BILL_TYPE }, { FROM_LINE, POS }, { FROM_LINE, REV },
	{ FROM_LINE, PROC }, { FROM_LINE, MODS }, { FROM_LINE, DX },
	{ FROM_LINE, ICD_PROCS }, { FROM_LINE, BILLING_NPI },
	{ FROM_LINE, RENDERING_NPI }, { FROM_LINE, ALLOWED }, { FROM_LINE, PAID },
};
#define NOUT (sizeof(out_cols) / sizeof(out_cols[0]))

/* One output row, written whole: lengths are known from the split. */
static void write_line(struct claims *c, const struct group *g, const struct oline *o)
{
	char **f = group_cols(g, o->row);
	const size_t *len = group_lens(g, o->row);
	const struct hdr *h = o->h;
	const char *v[NOUT];
	size_t n[NOUT];

	for (size_t k = 0; k < NOUT; k++) {
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
	rec_put_row(c->out, v, n, (int)NOUT);
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

		while (j < nkept &&
		       !strcmp(group_cols(g, c->kept[j])[SOURCE], group_cols(g, c->kept[i])[SOURCE]) &&
		       !strcmp(group_cols(g, c->kept[j])[CLAIM_ID], group_cols(g, c->kept[i])[CLAIM_ID]))
			j++;
		claim_header(c, g, i, j, h);
		for (size_t k = i; k < j; k++) {
			char **f = group_cols(g, c->kept[k]);
			const size_t *len = group_lens(g, c->kept[k]);
			struct oline *o = &c->lines[no++];
			int ed = is_ed_line(c, f, len);

			o->row = c->kept[k];
			o->h = h;
			if (f[SVC_FROM][0]) {
				o->svc = f[SVC_FROM];
				o->svc_len = len[SVC_FROM];
			} else if (f[SVC_TO][0]) {
				o->svc = f[SVC_TO];
				o->svc_len = len[SVC_TO];
			} else {
				o->svc = h->v[ADMIT];
				o->svc_len = h->n[ADMIT];
			}
			o->cat = category(c, h, f, len, ed);
			o->denied = claims_denied(f[STATUS]);
			cnt->denied += (uint64_t)o->denied;
			if (ed)
				events_ed(c->ev, o->svc, o->denied, h->dx, f[SOURCE], f[CLAIM_ID]);
		}
		if (h->inpatient && !h->all_denied) {
			char **f = group_cols(g, c->kept[i]);

			events_stay_claim(c->ev, h->v[ADMIT], h->v[DISCHARGE], h->v[DSTATUS],
					  h->dx, f[SOURCE], f[CLAIM_ID]);
		}
		i = j;
	}
	return no;
}

int claims_group(struct norm *n, struct group *g, struct counts *cnt, void *arg)
{
	static const struct vcols vc = { SOURCE, CLAIM_ID, LINE_NO, FREQ, ORIG, ADJ,
					 SVC_TO, SVC_FROM };
	struct claims *c = arg;
	size_t nkept = 0, no;

	xgrow(&c->fate, &c->fate_cap, g->n, 1);
	xgrow(&c->kept, &c->kept_cap, g->n, sizeof(size_t));
	cnt->duplicates += norm_dedupe(g, EXTRACT, c->fate);
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
	events_flush(c->ev, group_cols(g, 0)[MEMBER]);
	return 0;
}
