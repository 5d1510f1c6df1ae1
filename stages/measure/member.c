/*
 * member.c: read one member from the member-sorted inputs.  Every code of
 * every event is turned into value-set hits through the code index, so a
 * member is matched once for all measures.
 */
#include <stdlib.h>
#include <string.h>

#include "codeidx.h"
#include "date.h"
#include "err.h"
#include "mdef.h"
#include "member.h"
#include "mstream.h"
#include "rec.h"
#include "valueset.h"
#include "xalloc.h"

static const char *const in_path[MI_NINPUTS] = {
	"normalize/members", "normalize/enrollment", "attribute/attribution",
	"attribute/partner_months", "normalize/claims", "normalize/pharmacy",
	"normalize/immunizations", "normalize/lab_results", "normalize/ed_visits",
	"normalize/stays"
};
static const char *const in_kind[MI_NINPUTS] = {
	"members", "enrollment_spans", "attribution", "partner_months", "claims",
	"pharmacy", "immunizations", "lab_results", "ed_visits", "stays"
};

static int open_roster(struct member_reader *r, const char *ws)
{
	char *path = xasprintf("%s/normalize/providers.rec.zst", ws);
	int rc = roster_load(&r->providers, path, NULL);

	free(path);
	return rc;
}

int member_reader_open(struct member_reader *r, const char *ws, struct codeidx *codes,
		       const struct measure_set *ms, int my, int as_of)
{
	memset(r, 0, sizeof(*r));
	r->codes = codes;
	r->ms = ms;
	r->my = my;
	r->as_of = as_of;
	r->acc = xcalloc((size_t)codeidx_words(codes) + 1, sizeof(uint64_t));
	r->last_dx_bits = xcalloc((size_t)codeidx_words(codes) + 1, sizeof(uint64_t));
	if (open_roster(r, ws) < 0)
		return -1;
	for (int i = 0; i < MI_NINPUTS; i++) {
		char *path = xasprintf("%s/%s.rec.zst", ws, in_path[i]);

		r->in[i] = mstream_open(path, rec_schema_find(in_kind[i]));
		free(path);
		if (!r->in[i])
			return -1;
	}
	return 0;
}

void member_reader_close(struct member_reader *r)
{
	for (int i = 0; i < MI_NINPUTS; i++)
		mstream_close(r->in[i]);
	names_release(&r->partners);
	free(r->acc);
	free(r->last_dx);
	free(r->last_dx_bits);
	roster_release(&r->providers);
}

void mmember_init(struct mmember *m, int nslots, int words)
{
	memset(m, 0, sizeof(*m));
	m->nslots = nslots;
	m->words = words;
	m->lists = xcalloc((size_t)nslots + 1, sizeof(*m->lists));
	m->hits = xcalloc((size_t)nslots + 1, sizeof(*m->hits));
}

static void mmember_reset(struct mmember *m, const char *id)
{
	free(m->id);
	m->id = xstrdup(id);
	free(m->clinic_id);
	m->clinic_id = xstrdup("");
	m->birth = m->death = DATE_NONE;
	m->sex = 'U';
	for (int i = 0; i < 13; i++)
		m->month_partner[i] = -1;
	m->nspans = 0;
	m->nstays = 0;
	for (int i = 0; i < m->nslots; i++)
		m->lists[i].n = 0;
	for (int i = 0; i < m->nevidence; i++)
		free(m->evidence[i]);
	m->nevidence = 0;
}

void mmember_release(struct mmember *m)
{
	mmember_reset(m, "");
	free(m->id);
	free(m->clinic_id);
	for (int i = 0; i < m->nslots; i++)
		free(m->lists[i].v);
	free(m->lists);
	free(m->hits);
	free(m->spans);
	for (size_t i = 0; i < m->stays_alloc; i++)
		free(m->stays[i].bits);
	free(m->stays);
	free(m->evidence);
}

static int parse_date(const char *s, size_t n, int dflt)
{
	int d;

	if (n == 0 || date_parse_iso(s, n, &d) < 0)
		return dflt;
	return d;
}

/* Evidence number for "a:b", reusing the last one when it is the same
 * claim (a claim's lines come together). */
static int evidence(struct mmember *m, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	const char *last = m->nevidence ? m->evidence[m->nevidence - 1] : NULL;
	char *e;

	/* compared in place: most lines repeat the claim of the line before */
	if (last && strncmp(last, a, la) == 0 && last[la] == ':' && strcmp(last + la + 1, b) == 0)
		return m->nevidence - 1;
	e = xmalloc(la + lb + 2);
	memcpy(e, a, la);
	e[la] = ':';
	memcpy(e + la + 1, b, lb + 1);
	xgrow(&m->evidence, &m->evidence_alloc, (size_t)m->nevidence + 1, sizeof(char *));
	m->evidence[m->nevidence] = e;
	return m->nevidence++;
}

/* ---- events to hits ---- */

static void or_code(struct member_reader *r, const char *system, const char *code, int *any)
{
	const uint64_t *bits;
	int words = codeidx_words(r->codes);

	if (!*code || !(bits = codeidx_lookup(r->codes, system, code)))
		return;
	for (int i = 0; i < words; i++)
		r->acc[i] |= bits[i];
	*any = 1;
}

/* Each item of a '|'-separated list field. */
static void or_list(struct member_reader *r, const char *system, const char *list, int *any)
{
	char item[64];

	while (*list) {
		size_t n = strcspn(list, "|");

		if (n < sizeof(item)) {
			memcpy(item, list, n);
			item[n] = '\0';
			or_code(r, system, item, any);
		}
		list += n + (list[n] == '|');
	}
}

/* The roster's taxonomy of a claim line's billing or rendering NPI, as a
 * TAXONOMY code of the line. */
static void or_taxonomy(struct member_reader *r, const char *npi, int *any)
{
	const struct provider *p = *npi ? roster_find(&r->providers, npi) : NULL;

	if (p)
		or_code(r, "TAXONOMY", p->taxonomy, any);
}

/* The diagnoses of a claim line.  Every line of a claim repeats the
 * claim's list (up to 12 codes), so the previous line's bits are reused
 * when the list is the same: the commonest lookup done once per claim. */
static void or_dx(struct member_reader *r, const char *list, size_t len, int *any)
{
	int words = codeidx_words(r->codes);

	if (!r->last_dx || strcmp(r->last_dx, list) != 0) {
		uint64_t *save = r->acc;
		int found = 0;

		r->acc = r->last_dx_bits;
		memset(r->acc, 0, sizeof(uint64_t) * (size_t)words);
		or_list(r, "ICD10CM", list, &found);
		r->acc = save;
		r->last_dx_any = found;
		xgrow(&r->last_dx, &r->last_dx_alloc, len + 1, 1);
		memcpy(r->last_dx, list, len + 1);
	}
	for (int i = 0; r->last_dx_any && i < words; i++)
		r->acc[i] |= r->last_dx_bits[i];
	*any |= r->last_dx_any;
}

/* Add a hit on date to every slot set in r->acc, and clear it. */
static void add_hits(struct member_reader *r, struct mmember *m, int date, int denied, int ev)
{
	int words = codeidx_words(r->codes);

	for (int w = 0; w < words; w++) {
		for (uint64_t bits = r->acc[w]; bits; bits &= bits - 1) {
			struct hit_list *l = &m->lists[w * 64 + __builtin_ctzll(bits)];

			xgrow(&l->v, &l->alloc, (size_t)l->n + 1, sizeof(*l->v));
			l->v[l->n++] = (struct mx_hit){ date, denied, ev };
		}
		r->acc[w] = 0;
	}
}

static int read_claims(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_CLAIMS];
	int cd = mstream_col(ms, "svc_date"), cx = mstream_col(ms, "denied");
	int cs = mstream_col(ms, "source"), cc = mstream_col(ms, "claim_id");
	int cp = mstream_col(ms, "procedure_code"), cm = mstream_col(ms, "modifiers");
	int cdx = mstream_col(ms, "dx_codes"), cip = mstream_col(ms, "icd_procs");
	int cr = mstream_col(ms, "revenue_code"), cpos = mstream_col(ms, "pos");
	int cb = mstream_col(ms, "bill_type");
	int cbn = mstream_col(ms, "billing_npi"), crn = mstream_col(ms, "rendering_npi");
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		char **f = row.field;
		int date = parse_date(f[cd], row.len[cd], DATE_NONE), any = 0;

		if (date == DATE_NONE)
			continue;
		if (*f[cp])
			or_code(r, vs_procedure_system(f[cp]), f[cp], &any);
		or_list(r, "MODIFIER", f[cm], &any);
		or_dx(r, f[cdx], row.len[cdx], &any);
		or_list(r, "ICD10PCS", f[cip], &any);
		or_code(r, "REV", f[cr], &any);
		or_code(r, "POS", f[cpos], &any);
		or_code(r, "BILLTYPE", f[cb], &any);
		or_taxonomy(r, f[cbn], &any);
		or_taxonomy(r, f[crn], &any);
		if (any)
			add_hits(r, m, date, strcmp(f[cx], "1") == 0, evidence(m, f[cs], f[cc]));
	}
	return rc;
}

/* Pharmacy, immunizations, labs: one code per row. */
static int read_coded(struct member_reader *r, struct mmember *m, enum member_input in,
		      const char *date_col, const char *code_col, const char *system)
{
	struct mstream *ms = r->in[in];
	int cd = mstream_col(ms, date_col), cc = mstream_col(ms, code_col);
	int cs = mstream_col(ms, "source"), cid = mstream_col(ms, "claim_id");
	int cx = mstream_col(ms, "denied");
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		int date = parse_date(row.field[cd], row.len[cd], DATE_NONE), any = 0;

		if (date == DATE_NONE)
			continue;
		or_code(r, system, row.field[cc], &any);
		if (any)
			add_hits(r, m, date, cx >= 0 && strcmp(row.field[cx], "1") == 0,
				 evidence(m, row.field[cs], cid >= 0 ? row.field[cid] : system));
	}
	return rc;
}

static int by_date(const void *a, const void *b)
{
	const struct mx_hit *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return (x->evidence > y->evidence) - (x->evidence < y->evidence);
}

/* ---- one member ---- */

static int read_demographics(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_MEMBERS];
	int cb = mstream_col(ms, "birth_date"), cs = mstream_col(ms, "sex");
	int cd = mstream_col(ms, "death_date");
	struct rec_row row;

	if (mstream_next(ms, m->id, &row) <= 0)
		return -1;
	m->birth = parse_date(row.field[cb], row.len[cb], DATE_NONE);
	m->death = parse_date(row.field[cd], row.len[cd], DATE_NONE);
	m->sex = row.len[cs] == 1 ? row.field[cs][0] : 'U';
	if (mstream_next(ms, m->id, &row) != 0)
		return err_set("members: a member id appears twice (normalize keeps one row)");
	return 0;
}

static int read_spans(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_ENROLLMENT];
	int cs = mstream_col(ms, "start_date"), ce = mstream_col(ms, "end_date");
	int cp = mstream_col(ms, "partner_id");
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		struct enr_span *sp;
		int start = parse_date(row.field[cs], row.len[cs], DATE_NONE);

		if (start == DATE_NONE)
			continue;
		xgrow(&m->spans, &m->spans_alloc, (size_t)m->nspans + 1, sizeof(*m->spans));
		sp = &m->spans[m->nspans++];
		sp->start = start;
		/* an open span runs through the as-of date */
		sp->end = parse_date(row.field[ce], row.len[ce], r->as_of);
		sp->partner = names_intern(&r->partners, row.field[cp]);
	}
	return rc;
}

static int read_attribution(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_ATTRIBUTION];
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		free(m->clinic_id);
		m->clinic_id = xstrdup(row.field[mstream_col(ms, "clinic_id")]);
	}
	return rc;
}

/* The partner of each MY month, from attribute's partner_months. */
static int read_partner_months(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_PARTNER_MONTHS];
	int cm = mstream_col(ms, "month"), cp = mstream_col(ms, "partner_id");
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		const char *mo = row.field[cm];
		int month;

		if (row.len[cm] != 7 || atoi(mo) != r->my || !*row.field[cp])
			continue;
		month = atoi(mo + 5);
		if (month >= 1 && month <= 12)
			m->month_partner[month] = names_intern(&r->partners, row.field[cp]);
	}
	return rc;
}

/* Append a hit to every slot that is built-in event list ev. */
static void add_builtin(struct member_reader *r, struct mmember *m,
			enum builtin_event ev, int date, int denied, int evid)
{
	for (int i = 0; i < m->nslots; i++) {
		struct hit_list *l = &m->lists[i];

		if (r->ms->builtin[i] != ev)
			continue;
		xgrow(&l->v, &l->alloc, (size_t)l->n + 1, sizeof(*l->v));
		l->v[l->n++] = (struct mx_hit){ date, denied, evid };
	}
}

/* Keep a stay for episode measures, with its principal diagnosis's
 * value-set bits, and add its discharge and admission as built-in events. */
static void add_stay(struct member_reader *r, struct mmember *m, const struct rec_row *row,
		     int discharge, int evid)
{
	struct mstay *s;
	const uint64_t *bits;
	struct mstream *st = r->in[MI_STAYS];
	int ca = mstream_col(st, "admit_date"), cdx = mstream_col(st, "principal_dx");
	size_t old = m->stays_alloc;

	xgrow(&m->stays, &m->stays_alloc, (size_t)m->nstays + 1, sizeof(*m->stays));
	for (size_t i = old; i < m->stays_alloc; i++)
		m->stays[i].bits = xcalloc((size_t)m->words + 1, sizeof(uint64_t));
	s = &m->stays[m->nstays++];
	s->admit = parse_date(row->field[ca], row->len[ca], discharge);
	s->discharge = discharge;
	s->evidence = evid;
	bits = *row->field[cdx] ? codeidx_lookup(r->codes, "ICD10CM", row->field[cdx]) : NULL;
	for (int i = 0; i < m->words; i++)
		s->bits[i] = bits ? bits[i] : 0;
	add_builtin(r, m, EV_DISCHARGE, discharge, 0, evid);
	add_builtin(r, m, EV_ADMISSION, s->admit, 0, evid);
}

/* ED visits (one per date) and inpatient stays, as built-in events. */
static int read_derived(struct member_reader *r, struct mmember *m)
{
	struct mstream *ed = r->in[MI_ED_VISITS], *st = r->in[MI_STAYS];
	int cd = mstream_col(ed, "ed_date"), ca = mstream_col(ed, "admitted");
	int cx = mstream_col(ed, "denied"), cc = mstream_col(ed, "claims");
	int cdis = mstream_col(st, "discharge_date"), cid = mstream_col(st, "stay_id");
	struct rec_row row;
	int rc, date;

	while ((rc = mstream_next(ed, m->id, &row)) > 0) {
		int ev, denied = strcmp(row.field[cx], "1") == 0;

		if ((date = parse_date(row.field[cd], row.len[cd], DATE_NONE)) == DATE_NONE)
			continue;
		ev = evidence(m, "ed", row.field[cc]);
		add_builtin(r, m, EV_ED_VISIT_ALL, date, denied, ev);
		if (strcmp(row.field[ca], "1") != 0)
			add_builtin(r, m, EV_ED_VISIT, date, denied, ev);
	}
	if (rc < 0)
		return -1;
	while ((rc = mstream_next(st, m->id, &row)) > 0) {
		date = parse_date(row.field[cdis], row.len[cdis], DATE_NONE);
		if (date != DATE_NONE)
			add_stay(r, m, &row, date, evidence(m, "stay", row.field[cid]));
	}
	return rc;
}

/* Skip rows of members before id (or all rows, id NULL) in every input
 * but members, counting them. */
static int skip_orphans(struct member_reader *r, const char *id)
{
	for (int i = MI_ENROLLMENT; i < MI_NINPUTS; i++)
		if (mstream_skip_before(r->in[i], id, &r->orphan_rows) < 0)
			return -1;
	return 0;
}

int member_read(struct member_reader *r, struct mmember *m)
{
	const char *id = mstream_peek(r->in[MI_MEMBERS]);

	if (!id) {
		if (mstream_failed(r->in[MI_MEMBERS]))
			return -1;
		return skip_orphans(r, NULL) < 0 ? -1 : 0;
	}
	mmember_reset(m, id);
	if (skip_orphans(r, m->id) < 0 || read_demographics(r, m) < 0 ||
	    read_spans(r, m) < 0 || read_attribution(r, m) < 0 ||
	    read_partner_months(r, m) < 0 || read_derived(r, m) < 0 ||
	    read_claims(r, m) < 0 ||
	    read_coded(r, m, MI_PHARMACY, "fill_date", "ndc", "NDC") < 0 ||
	    read_coded(r, m, MI_IMMUNIZATIONS, "imm_date", "cvx", "CVX") < 0 ||
	    read_coded(r, m, MI_LABS, "result_date", "loinc", "LOINC") < 0)
		return -1;
	for (int i = 0; i < m->nslots; i++) {
		if (m->lists[i].n > 1)
			qsort(m->lists[i].v, (size_t)m->lists[i].n, sizeof(struct mx_hit), by_date);
		m->hits[i] = (struct mx_hits){ m->lists[i].v, m->lists[i].n };
	}
	return 1;
}
