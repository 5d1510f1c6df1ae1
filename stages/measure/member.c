/*
 * member.c: read one member from the member-sorted inputs.  Every code of
 * every event is turned into value-set hits through the code index, so a
 * member is matched once for all measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codeidx.h"
#include "date.h"
#include "err.h"
#include "mdef.h"
#include "member.h"
#include "mstream.h"
#include "num.h"
#include "rec.h"
#include "valueset.h"
#include "xalloc.h"

static const char *const in_path[MI_NINPUTS] = {
	"normalize/members", "normalize/enrollment", "attribute/attribution",
	"attribute/partner_months", "normalize/claims", "normalize/pharmacy",
	"normalize/immunizations", "normalize/lab_results", "normalize/ed_visits",
	"normalize/stays", "normalize/custody"
};
const char *member_input_path(enum member_input in)
{
	return in_path[in];
}

static const char *const in_kind[MI_NINPUTS] = {
	"members", "enrollment_spans", "attribution", "partner_months", "claims",
	"pharmacy", "immunizations", "lab_results", "ed_visits", "stays", "custody"
};

/* The columns the measures read, looked up once when the inputs open:
 * by name per member, the lookups cost more than the matching. */
enum column {
	C_BIRTH, C_SEX, C_DEATH,
	C_SPAN_START, C_SPAN_END, C_SPAN_PARTNER,
	C_CLINIC, C_MONTH, C_MONTH_PARTNER,
	C_SVC_DATE, C_DENIED, C_SOURCE, C_CLAIM_ID, C_PROCEDURE,
	C_MODIFIERS, C_DX, C_ICD_PROCS, C_REV, C_POS, C_BILL_TYPE, C_BILLING_NPI,
	C_RENDERING_NPI,
	C_RX_DATE, C_RX_CODE, C_RX_SOURCE, C_RX_CLAIM, C_RX_DENIED, C_RX_PRESCRIBER,
	C_IMM_DATE, C_IMM_CODE, C_IMM_SOURCE, C_IMM_CLAIM, C_IMM_DENIED,
	C_LAB_DATE, C_LAB_CODE, C_LAB_SOURCE, C_LAB_CLAIM, C_LAB_DENIED,
	C_ED_DATE, C_ED_ADMITTED, C_ED_DENIED, C_ED_DX, C_ED_CLAIMS,
	C_STAY_ADMIT, C_STAY_DX, C_STAY_DISCHARGE, C_STAY_ID,
	C_SVC_TO, C_DISCH_STATUS, C_STAY_STATUS,
	C_CUSTODY_START, C_CUSTODY_END,
	C_LAB_VALUE, C_LAB_UNIT,
	C_NCOLS
};

static const struct {
	enum member_input in;
	const char *name;
} column[C_NCOLS] = {
	{ MI_MEMBERS, "birth_date" }, { MI_MEMBERS, "sex" }, { MI_MEMBERS, "death_date" },
	{ MI_ENROLLMENT, "start_date" }, { MI_ENROLLMENT, "end_date" },
	{ MI_ENROLLMENT, "partner_id" },
	{ MI_ATTRIBUTION, "clinic_id" }, { MI_PARTNER_MONTHS, "month" },
	{ MI_PARTNER_MONTHS, "partner_id" },
	{ MI_CLAIMS, "svc_date" }, { MI_CLAIMS, "denied" }, { MI_CLAIMS, "source" },
	{ MI_CLAIMS, "claim_id" }, { MI_CLAIMS, "procedure_code" },
	{ MI_CLAIMS, "modifiers" }, { MI_CLAIMS, "dx_codes" }, { MI_CLAIMS, "icd_procs" },
	{ MI_CLAIMS, "revenue_code" }, { MI_CLAIMS, "pos" }, { MI_CLAIMS, "bill_type" },
	{ MI_CLAIMS, "billing_npi" }, { MI_CLAIMS, "rendering_npi" },
	{ MI_PHARMACY, "fill_date" }, { MI_PHARMACY, "ndc" }, { MI_PHARMACY, "source" },
	{ MI_PHARMACY, "claim_id" }, { MI_PHARMACY, "denied" },
	{ MI_PHARMACY, "prescriber_npi" },
	{ MI_IMMUNIZATIONS, "imm_date" }, { MI_IMMUNIZATIONS, "cvx" },
	{ MI_IMMUNIZATIONS, "source" }, { MI_IMMUNIZATIONS, "claim_id" },
	{ MI_IMMUNIZATIONS, "denied" },
	{ MI_LABS, "result_date" }, { MI_LABS, "loinc" }, { MI_LABS, "source" },
	{ MI_LABS, "claim_id" }, { MI_LABS, "denied" },
	{ MI_ED_VISITS, "ed_date" }, { MI_ED_VISITS, "admitted" }, { MI_ED_VISITS, "denied" },
	{ MI_ED_VISITS, "principal_dx" }, { MI_ED_VISITS, "claims" },
	{ MI_STAYS, "admit_date" }, { MI_STAYS, "principal_dx" },
	{ MI_STAYS, "discharge_date" }, { MI_STAYS, "stay_id" },
	{ MI_CLAIMS, "svc_to" }, { MI_CLAIMS, "discharge_status" },
	{ MI_STAYS, "discharge_status" },
	{ MI_CUSTODY, "start_date" }, { MI_CUSTODY, "end_date" },
	{ MI_LABS, "value" }, { MI_LABS, "unit" }
};

/* A column's field in row: "" when the input has no such column (only
 * the optional claim and denied columns of coded inputs may be absent). */
static const char *field(const struct member_reader *r, const struct rec_row *row,
			 enum column c)
{
	return r->col[c] >= 0 ? row->field[r->col[c]] : "";
}

static size_t field_len(const struct member_reader *r, const struct rec_row *row,
			enum column c)
{
	return r->col[c] >= 0 ? row->len[r->col[c]] : 0;
}

static int open_roster(struct member_reader *r, const char *ws)
{
	char *path = xasprintf("%s/normalize/providers.rec.zst", ws);
	int rc = roster_load(&r->providers, path, NULL);

	free(path);
	return rc;
}

/* The slots of result sets and of coded answers (mdef.h), which lab rows
 * and claim lines fill apart from the others. */
static void find_result_slots(struct member_reader *r)
{
	const struct measure_set *ms = r->ms;

	r->result_slots = xcalloc((size_t)ms->nvs + 1, sizeof(int));
	r->answer_slots = xcalloc((size_t)ms->nvs + 1, sizeof(int));
	for (int i = 0; i < ms->nvs; i++) {
		if (vs_unit(ms->vs[i]))
			r->result_slots[r->nresult_slots++] = i;
		if (ms->answer_of[i] >= 0)
			r->answer_slots[r->nanswer_slots++] = i;
	}
}

int member_reader_open(struct member_reader *r, const char *ws, struct codeidx *codes,
		       const struct measure_set *ms, int my, int as_of)
{
	memset(r, 0, sizeof(*r));
	r->codes = codes;
	r->ms = ms;
	r->my = my;
	r->as_of = as_of;
	r->fills_from = DATE_NONE;
	r->acc = xcalloc((size_t)codeidx_words(codes) + 1, sizeof(uint64_t));
	for (int i = 0; i < CLAIM_CODE_COLS; i++)
		r->memo[i].bits = xcalloc((size_t)codeidx_words(codes) + 1, sizeof(uint64_t));
	if (open_roster(r, ws) < 0)
		return -1;
	for (int i = 0; i < MI_NINPUTS; i++) {
		char *path = xasprintf("%s/%s.rec.zst", ws, in_path[i]);

		r->in[i] = mstream_open(path, rec_schema_find(in_kind[i]), 1);
		free(path);
		if (!r->in[i])
			return -1;
	}
	for (int i = 0; i < ms->nvs; i++)
		r->keep_visits |= ms->nexcept[i] > 0;
	r->keep_attrs = mdef_uses(ms, MX_DISTINCT);
	find_result_slots(r);
	r->col = xcalloc(C_NCOLS, sizeof(*r->col));
	for (int c = 0; c < C_NCOLS; c++)
		r->col[c] = mstream_col(r->in[column[c].in], column[c].name);
	return 0;
}

void member_reader_close(struct member_reader *r)
{
	for (int i = 0; i < MI_NINPUTS; i++)
		mstream_close(r->in[i]);
	names_release(&r->partners);
	free(r->col);
	free(r->acc);
	free(r->result_slots);
	free(r->answer_slots);
	for (int i = 0; i < CLAIM_CODE_COLS; i++) {
		free(r->memo[i].last);
		free(r->memo[i].bits);
	}
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
	m->nvisits = 0;
	m->ned = 0;
	m->nfills = 0;
	m->nattrs = 0;
	names_release(&m->keys);
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
	for (size_t i = 0; i < m->visits_alloc; i++)
		free(m->visits[i].bits);
	free(m->visits);
	free(m->ed_dates);
	free(m->fills);
	free(m->evidence);
	free(m->attrs);
	free(m->seen);
}

static int parse_date(const char *s, size_t n, int dflt)
{
	int d;

	if (n == 0 || date_parse_iso(s, n, &d) < 0)
		return dflt;
	return d;
}

/* A claim line's through date (date, its service date, when the line has
 * none or the same: most lines, which are not parsed again). */
static int through_date(const struct member_reader *r, const struct rec_row *row, int date)
{
	const char *to = field(r, row, C_SVC_TO), *from = field(r, row, C_SVC_DATE);
	size_t n = field_len(r, row, C_SVC_TO);

	if (n == field_len(r, row, C_SVC_DATE) && memcmp(to, from, n) == 0)
		return date;
	return parse_date(to, n, date);
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

/* Value-set bits of one claim column's field: its code list, or for
 * system NULL the taxonomy of the NPI it holds. */
static void column_bits(struct member_reader *r, const char *system, const char *value,
			int *any)
{
	if (!system)
		or_taxonomy(r, value, any);
	else if (strchr(value, '|'))
		or_list(r, system, value, any);
	else
		or_code(r, system, value, any);
}

/* OR into r->acc the bits of a claim column's field.  The lines of a
 * claim repeat its header fields (diagnoses, bill type, place of service,
 * NPIs), so each column remembers its last value and that value's bits:
 * most lookups are one string comparison. */
static void or_column(struct member_reader *r, struct column_memo *c, const char *system,
		      const char *value, size_t len, int *any)
{
	int words = codeidx_words(r->codes);

	if (!*value)
		return;
	if (!c->last || c->len != len || memcmp(c->last, value, len) != 0) {
		uint64_t *save = r->acc;

		r->acc = c->bits;
		memset(r->acc, 0, sizeof(uint64_t) * (size_t)words);
		c->any = 0;
		column_bits(r, system, value, &c->any);
		r->acc = save;
		xgrow(&c->last, &c->alloc, len + 1, 1);
		memcpy(c->last, value, len + 1);
		c->len = len;
	}
	if (!c->any)
		return;
	for (int i = 0; i < words; i++)
		r->acc[i] |= c->bits[i];
	*any = 1;
}

/* Add a hit on date (through `through`; attr: its event's fields for
 * distinct(), or 0) to every slot set in r->acc, and clear it. */
static void add_hits(struct member_reader *r, struct mmember *m, int date, int denied, int ev,
		     int through, int attr)
{
	int words = codeidx_words(r->codes);

	for (int w = 0; w < words; w++) {
		for (uint64_t bits = r->acc[w]; bits; bits &= bits - 1) {
			struct hit_list *l = &m->lists[w * 64 + __builtin_ctzll(bits)];

			xgrow(&l->v, &l->alloc, (size_t)l->n + 1, sizeof(*l->v));
			l->v[l->n++] = (struct mx_hit){ .date = date, .denied = denied, .evidence = ev,
							.through = through, .attr = attr };
		}
		r->acc[w] = 0;
	}
}

/* ---- results (cco-measure(5): latest() comparisons) ---- */

/* 1 if slot's bit is set in r->acc. */
static int acc_has(const struct member_reader *r, int slot)
{
	return r->acc[slot / 64] >> (slot % 64) & 1;
}

/* Move the result-set bits of r->acc into hits valued lo..hi, leaving
 * the other bits to add_hits().  A result is in no result set if it is
 * unreadable (lo > hi), nor in one whose unit is not its own (a lab
 * result's unit; NULL: a claim code's band, in its set's unit), which is
 * counted. */
static void add_results(struct member_reader *r, struct mmember *m, int date, int denied,
			int ev, int lo, int hi, const char *unit)
{
	int wrong_unit = 0;

	for (int i = 0; i < r->nresult_slots; i++) {
		int slot = r->result_slots[i];
		struct hit_list *l = &m->lists[slot];

		if (!acc_has(r, slot))
			continue;
		r->acc[slot / 64] &= ~(1ULL << (slot % 64));
		if (lo > hi)
			continue;
		if (unit && strcmp(unit, vs_unit(r->ms->vs[slot])) != 0) {
			wrong_unit = 1;
			continue;
		}
		xgrow(&l->v, &l->alloc, (size_t)l->n + 1, sizeof(*l->v));
		l->v[l->n++] = (struct mx_hit){ .date = date, .denied = denied, .evidence = ev,
						.value_lo = lo, .value_hi = hi };
	}
	r->wrong_unit_results += wrong_unit;
}

/* The band a claim line's procedure code stands for (CPT II) in the
 * first result set it is in; lo > hi if none.  A result set's claim codes
 * all have bands (valueset.h), so one set's band is the code's. */
static void claim_band(const struct member_reader *r, const char *proc, int *lo, int *hi)
{
	*lo = 1, *hi = 0;
	for (int i = 0; i < r->nresult_slots; i++)
		if (acc_has(r, r->result_slots[i]) &&
		    vs_band(r->ms->vs[r->result_slots[i]], vs_procedure_system(proc), proc, lo, hi))
			return;
}

/* A lab row's value, if it is in a result set: a number, or a band such
 * as ">14.0"; lo > hi, counted if it is in one, when it does not read. */
static void lab_band(struct member_reader *r, const struct rec_row *row, int *lo, int *hi)
{
	*lo = 1, *hi = 0;
	for (int i = 0; i < r->nresult_slots; i++) {
		if (!acc_has(r, r->result_slots[i]))
			continue;
		if (num_parse_band(field(r, row, C_LAB_VALUE), field_len(r, row, C_LAB_VALUE),
				   lo, hi) < 0) {
			r->unreadable_results++;
			*lo = 1, *hi = 0;
		}
		return;
	}
}

/* A lab row's coded value (a LOINC answer code) in the answer sets asked
 * of the value sets it is in: the bits of those `SET = ANSWERS` slots. */
static void lab_answers(struct member_reader *r, const struct rec_row *row)
{
	const char *value = field(r, row, C_LAB_VALUE);

	for (int i = 0; i < r->nanswer_slots; i++) {
		int slot = r->answer_slots[i];

		if (acc_has(r, r->ms->answer_of[slot]) &&
		    vs_contains(r->ms->vs[r->ms->answers[slot]], "LOINC", value))
			r->acc[slot / 64] |= 1ULL << (slot % 64);
	}
}

/* The hits of one claim line or lab row (r->acc) with evidence ev: its
 * results valued (unit: add_results()), the rest as add_hits() does. */
static void add_valued_hits(struct member_reader *r, struct mmember *m, int date, int denied,
			    int ev, int through, int attr, int lo, int hi, const char *unit)
{
	add_results(r, m, date, denied, ev, lo, hi, unit);
	add_hits(r, m, date, denied, ev, through, attr);
}

/* ---- ED visits for the `except` lists ---- */

/* Keep ED visit v with the value-set bits of its principal diagnosis. */
static void keep_visit(struct member_reader *r, struct mmember *m, const struct rec_row *row,
		       struct mvisit v)
{
	const char *dx = field(r, row, C_ED_DX);
	const uint64_t *bits = *dx ? codeidx_lookup(r->codes, "ICD10CM", dx) : NULL;
	size_t old = m->visits_alloc;

	xgrow(&m->visits, &m->visits_alloc, (size_t)m->nvisits + 1, sizeof(*m->visits));
	for (size_t i = old; i < m->visits_alloc; i++)
		m->visits[i].bits = xcalloc((size_t)m->words + 1, sizeof(uint64_t));
	v.bits = m->visits[m->nvisits].bits;
	for (int i = 0; i < m->words; i++)
		v.bits[i] = bits ? bits[i] : 0;
	m->visits[m->nvisits++] = v;
}

/* 1 if the '|'-separated list holds "source:claim". */
static int list_has_claim(const char *list, const char *source, const char *claim)
{
	size_t ns = strlen(source), nc = strlen(claim);

	while (*list) {
		size_t n = strcspn(list, "|");

		if (n == ns + 1 + nc && strncmp(list, source, ns) == 0 && list[ns] == ':' &&
		    strncmp(list + ns + 1, claim, nc) == 0)
			return 1;
		list += n + (list[n] == '|');
	}
	return 0;
}

/* A claim line's procedure code joins the bits of the ED visits on its
 * date whose claims include the line's claim. */
static void visit_procedure(struct member_reader *r, struct mmember *m, int date,
			    const struct rec_row *row, const char *proc)
{
	const char *source = field(r, row, C_SOURCE), *claim = field(r, row, C_CLAIM_ID);
	const uint64_t *bits;

	for (int i = 0; i < m->nvisits; i++) {
		struct mvisit *v = &m->visits[i];

		if (v->date != date ||
		    !list_has_claim(m->evidence[v->evidence] + 3, source, claim))
			continue;
		if (!(bits = codeidx_lookup(r->codes, vs_procedure_system(proc), proc)))
			return;
		for (int w = 0; w < m->words; w++)
			v->bits[w] |= bits[w];
	}
}

/* 1 if one of the n slots in except is set in bits. */
static int any_slot(const uint64_t *bits, const int *except, int n)
{
	for (int i = 0; i < n; i++)
		if (bits[except[i] / 64] >> (except[i] % 64) & 1)
			return 1;
	return 0;
}

/* Fill every `except` list with the kept visits it does not exclude. */
static void add_filtered_visits(struct member_reader *r, struct mmember *m)
{
	const struct measure_set *ms = r->ms;

	for (int i = 0; i < m->nslots; i++) {
		struct hit_list *l = &m->lists[i];

		if (!ms->nexcept[i])
			continue;
		for (int j = 0; j < m->nvisits; j++) {
			const struct mvisit *v = &m->visits[j];

			if ((v->admitted && ms->builtin[i] == EV_ED_VISIT) ||
			    any_slot(v->bits, ms->except[i], ms->nexcept[i]))
				continue;
			xgrow(&l->v, &l->alloc, (size_t)l->n + 1, sizeof(*l->v));
			l->v[l->n++] = (struct mx_hit){ .date = v->date, .denied = v->denied,
							.evidence = v->evidence, .through = v->date };
		}
	}
}

/* ---- event fields for distinct() ---- */

/* The member's key for value (-1 for ""): equal values, equal keys. */
static int attr_key(struct mmember *m, const char *value)
{
	return *value ? names_intern(&m->keys, value) : -1;
}

/* A new event with fields code, prescriber, billing and rendering NPI
 * (each "" if it has none): its mx_hit.attr, or 0 when no measure uses
 * distinct(). */
static int add_attr(struct member_reader *r, struct mmember *m, const char *code,
		    const char *prescriber, const char *billing, const char *rendering)
{
	struct mx_attr *a;

	if (!r->keep_attrs)
		return 0;
	xgrow(&m->attrs, &m->attrs_alloc, (size_t)m->nattrs + 1, sizeof(*m->attrs));
	a = &m->attrs[m->nattrs++];
	a->key[MXB_CODE] = attr_key(m, code);
	a->key[MXB_PRESCRIBER] = attr_key(m, prescriber);
	a->key[MXB_BILLING] = attr_key(m, billing);
	a->key[MXB_RENDERING] = attr_key(m, rendering);
	return m->nattrs;
}

/* A claim line's fields: its procedure code and its NPIs. */
static int claim_attr(struct member_reader *r, struct mmember *m, const struct rec_row *row,
		      const char *proc)
{
	return add_attr(r, m, proc, "", field(r, row, C_BILLING_NPI),
			field(r, row, C_RENDERING_NPI));
}

/* ---- claims ---- */

/* The claim columns that carry codes, with their code systems (NULL: an
 * NPI, matched by its taxonomy); the procedure code's system depends on
 * the code, so it is matched apart. */
static const struct {
	enum column col;
	const char *system;
} claim_code_cols[CLAIM_CODE_COLS] = {
	{ C_MODIFIERS, "MODIFIER" }, { C_DX, "ICD10CM" }, { C_ICD_PROCS, "ICD10PCS" },
	{ C_REV, "REV" }, { C_POS, "POS" }, { C_BILL_TYPE, "BILLTYPE" },
	{ C_BILLING_NPI, NULL }, { C_RENDERING_NPI, NULL },
	{ C_DISCH_STATUS, "DISCHSTAT" }
};

static int read_claims(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_CLAIMS];
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		int date = parse_date(field(r, &row, C_SVC_DATE), field_len(r, &row, C_SVC_DATE),
				      DATE_NONE);
		const char *proc = field(r, &row, C_PROCEDURE);
		int any = 0;

		if (date == DATE_NONE) {
			r->undated[MI_CLAIMS]++;
			continue;
		}
		if (*proc)
			or_code(r, vs_procedure_system(proc), proc, &any);
		if (*proc && m->nvisits)
			visit_procedure(r, m, date, &row, proc);
		for (int i = 0; i < CLAIM_CODE_COLS; i++) {
			enum column c = claim_code_cols[i].col;

			or_column(r, &r->memo[i], claim_code_cols[i].system, field(r, &row, c),
				  field_len(r, &row, c), &any);
		}
		if (any) {
			int lo = 1, hi = 0; /* no band: add_results() */

			if (r->nresult_slots)
				claim_band(r, proc, &lo, &hi);
			add_valued_hits(r, m, date, strcmp(field(r, &row, C_DENIED), "1") == 0,
					evidence(m, field(r, &row, C_SOURCE),
						 field(r, &row, C_CLAIM_ID)),
					through_date(r, &row, date),
					claim_attr(r, m, &row, proc), lo, hi, NULL);
		}
	}
	return rc;
}

/* Pharmacy, immunizations, labs: one code per row. */
static const struct coded_input {
	enum member_input in;
	enum column date, code, source, claim, denied;
	const char *system;
} coded_inputs[] = {
	{ MI_PHARMACY, C_RX_DATE, C_RX_CODE, C_RX_SOURCE, C_RX_CLAIM, C_RX_DENIED, "NDC" },
	{ MI_IMMUNIZATIONS, C_IMM_DATE, C_IMM_CODE, C_IMM_SOURCE, C_IMM_CLAIM, C_IMM_DENIED,
	  "CVX" },
	{ MI_LABS, C_LAB_DATE, C_LAB_CODE, C_LAB_SOURCE, C_LAB_CLAIM, C_LAB_DENIED, "LOINC" }
};

/* Keep a pharmacy row's fill for the polypharmacy criterion. */
static void keep_fill(struct member_reader *r, struct mmember *m, const struct rec_row *row,
		      int date)
{
	struct mfill *f;

	if (r->fills_from == DATE_NONE || date < r->fills_from || date > r->as_of ||
	    strcmp(field(r, row, C_RX_DENIED), "1") == 0)
		return;
	xgrow(&m->fills, &m->fills_alloc, (size_t)m->nfills + 1, sizeof(*m->fills));
	f = &m->fills[m->nfills++];
	f->date = date;
	snprintf(f->drug, sizeof(f->drug), "%.9s", field(r, row, C_RX_CODE));
	snprintf(f->prescriber, sizeof(f->prescriber), "%s", field(r, row, C_RX_PRESCRIBER));
}

/* A coded row's fields: its code (a fill's drug: the NDC's first 9
 * digits, labeler and product without the package) and a fill's
 * prescriber. */
static int coded_attr(struct member_reader *r, struct mmember *m, const struct rec_row *row,
		      const struct coded_input *ci)
{
	char drug[10];

	if (ci->in != MI_PHARMACY)
		return add_attr(r, m, field(r, row, ci->code), "", "", "");
	snprintf(drug, sizeof(drug), "%.9s", field(r, row, C_RX_CODE));
	return add_attr(r, m, drug, field(r, row, C_RX_PRESCRIBER), "", "");
}

static int read_coded(struct member_reader *r, struct mmember *m, const struct coded_input *ci)
{
	struct mstream *ms = r->in[ci->in];
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		int date = parse_date(field(r, &row, ci->date), field_len(r, &row, ci->date),
				      DATE_NONE), any = 0;
		const char *claim = r->col[ci->claim] >= 0 ? field(r, &row, ci->claim) : ci->system;

		if (date == DATE_NONE) {
			r->undated[ci->in]++;
			continue;
		}
		if (ci->in == MI_PHARMACY)
			keep_fill(r, m, &row, date);
		or_code(r, ci->system, field(r, &row, ci->code), &any);
		if (any && ci->in == MI_LABS && (r->nresult_slots || r->nanswer_slots)) {
			int lo, hi;

			lab_band(r, &row, &lo, &hi);
			lab_answers(r, &row);
			add_valued_hits(r, m, date, strcmp(field(r, &row, ci->denied), "1") == 0,
					evidence(m, field(r, &row, ci->source), claim), date,
					coded_attr(r, m, &row, ci), lo, hi,
					field(r, &row, C_LAB_UNIT));
		} else if (any)
			add_hits(r, m, date, strcmp(field(r, &row, ci->denied), "1") == 0,
				 evidence(m, field(r, &row, ci->source), claim), date,
				 coded_attr(r, m, &row, ci));
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

/* Most lists hold one input's hits, which come in date order already. */
static int in_date_order(const struct hit_list *l)
{
	for (int i = 1; i < l->n; i++)
		if (by_date(&l->v[i - 1], &l->v[i]) > 0)
			return 0;
	return 1;
}

/* ---- one member ---- */

static int read_demographics(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_MEMBERS];
	struct rec_row row;

	if (mstream_next(ms, m->id, &row) <= 0)
		return -1;
	m->birth = parse_date(field(r, &row, C_BIRTH), field_len(r, &row, C_BIRTH), DATE_NONE);
	m->death = parse_date(field(r, &row, C_DEATH), field_len(r, &row, C_DEATH), DATE_NONE);
	m->sex = field_len(r, &row, C_SEX) == 1 ? field(r, &row, C_SEX)[0] : 'U';
	if (mstream_next(ms, m->id, &row) != 0)
		return err_set("members: a member id appears twice (normalize keeps one row)");
	return 0;
}

static int read_spans(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_ENROLLMENT];
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		struct enr_span *sp;
		int start = parse_date(field(r, &row, C_SPAN_START),
				       field_len(r, &row, C_SPAN_START), DATE_NONE);

		if (start == DATE_NONE) {
			r->undated[MI_ENROLLMENT]++;
			continue;
		}
		xgrow(&m->spans, &m->spans_alloc, (size_t)m->nspans + 1, sizeof(*m->spans));
		sp = &m->spans[m->nspans++];
		sp->start = start;
		/* an open span runs through the as-of date */
		sp->end = parse_date(field(r, &row, C_SPAN_END), field_len(r, &row, C_SPAN_END),
				     r->as_of);
		sp->partner = names_intern(&r->partners, field(r, &row, C_SPAN_PARTNER));
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
		m->clinic_id = xstrdup(field(r, &row, C_CLINIC));
	}
	return rc;
}

/* The partner of each MY month, from attribute's partner_months. */
static int read_partner_months(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_PARTNER_MONTHS];
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		const char *mo = field(r, &row, C_MONTH), *partner = field(r, &row, C_MONTH_PARTNER);
		long long year, month;

		/* YYYY-MM of the MY, with a partner; other months are not asked for */
		if (field_len(r, &row, C_MONTH) == 7 && num_parse_n(mo, 4, r->my, r->my, &year) == 0 &&
		    num_parse_n(mo + 5, 2, 1, 12, &month) == 0 && *partner)
			m->month_partner[month] = names_intern(&r->partners, partner);
	}
	return rc;
}

/* Append a hit to every slot that is built-in event list ev. */
static void add_builtin(struct member_reader *r, struct mmember *m,
			enum builtin_event ev, int date, int denied, int evid, int through)
{
	for (int i = 0; i < m->nslots; i++) {
		struct hit_list *l = &m->lists[i];

		if (r->ms->builtin[i] != ev || r->ms->nexcept[i])
			continue;
		xgrow(&l->v, &l->alloc, (size_t)l->n + 1, sizeof(*l->v));
		l->v[l->n++] = (struct mx_hit){ .date = date, .denied = denied, .evidence = evid,
						.through = through };
	}
}

/* A stay's discharge status as hits of its DISCHSTAT value sets, spanning
 * the stay: admission through discharge. */
static void stay_status_hits(struct member_reader *r, struct mmember *m,
			     const struct rec_row *row, const struct mstay *s)
{
	int any = 0;

	or_code(r, "DISCHSTAT", field(r, row, C_STAY_STATUS), &any);
	if (any)
		add_hits(r, m, s->admit, 0, s->evidence, s->discharge, 0);
}

/* Keep a stay for episode measures, with its principal diagnosis's
 * value-set bits, and add its discharge and admission as built-in events. */
static void add_stay(struct member_reader *r, struct mmember *m, const struct rec_row *row,
		     int discharge, int evid)
{
	struct mstay *s;
	const uint64_t *bits;
	const char *dx = field(r, row, C_STAY_DX);
	size_t old = m->stays_alloc;

	xgrow(&m->stays, &m->stays_alloc, (size_t)m->nstays + 1, sizeof(*m->stays));
	for (size_t i = old; i < m->stays_alloc; i++)
		m->stays[i].bits = xcalloc((size_t)m->words + 1, sizeof(uint64_t));
	s = &m->stays[m->nstays++];
	s->admit = parse_date(field(r, row, C_STAY_ADMIT), field_len(r, row, C_STAY_ADMIT),
			      discharge);
	s->discharge = discharge;
	s->evidence = evid;
	bits = *dx ? codeidx_lookup(r->codes, "ICD10CM", dx) : NULL;
	for (int i = 0; i < m->words; i++)
		s->bits[i] = bits ? bits[i] : 0;
	add_builtin(r, m, EV_DISCHARGE, discharge, 0, evid, discharge);
	add_builtin(r, m, EV_ADMISSION, s->admit, 0, evid, discharge);
	stay_status_hits(r, m, row, s);
}

/* ED visits (one per date) and inpatient stays, as built-in events. */
static int read_derived(struct member_reader *r, struct mmember *m)
{
	struct rec_row row;
	int rc, date, admitted;

	while ((rc = mstream_next(r->in[MI_ED_VISITS], m->id, &row)) > 0) {
		int ev, denied = strcmp(field(r, &row, C_ED_DENIED), "1") == 0;

		date = parse_date(field(r, &row, C_ED_DATE), field_len(r, &row, C_ED_DATE),
				  DATE_NONE);
		if (date == DATE_NONE) {
			r->undated[MI_ED_VISITS]++;
			continue;
		}
		ev = evidence(m, "ed", field(r, &row, C_ED_CLAIMS));
		admitted = strcmp(field(r, &row, C_ED_ADMITTED), "1") == 0;
		if (!denied) {
			xgrow(&m->ed_dates, &m->ed_alloc, (size_t)m->ned + 1, sizeof(int));
			m->ed_dates[m->ned++] = date;
		}
		add_builtin(r, m, EV_ED_VISIT_ALL, date, denied, ev, date);
		if (!admitted)
			add_builtin(r, m, EV_ED_VISIT, date, denied, ev, date);
		if (r->keep_visits)
			keep_visit(r, m, &row, (struct mvisit){ date, denied, admitted, ev, NULL });
	}
	if (rc < 0)
		return -1;
	while ((rc = mstream_next(r->in[MI_STAYS], m->id, &row)) > 0) {
		date = parse_date(field(r, &row, C_STAY_DISCHARGE),
				  field_len(r, &row, C_STAY_DISCHARGE), DATE_NONE);
		if (date != DATE_NONE)
			add_stay(r, m, &row, date, evidence(m, "stay", field(r, &row, C_STAY_ID)));
		else
			r->undated[MI_STAYS]++;
	}
	return rc;
}

/* ODHS custody episodes as event.custody_start: on their start, through
 * their end; one still open, or ending after the as-of date, runs
 * through the as-of date (its end is not known yet). */
static int read_custody(struct member_reader *r, struct mmember *m)
{
	struct mstream *ms = r->in[MI_CUSTODY];
	struct rec_row row;
	int rc;

	while ((rc = mstream_next(ms, m->id, &row)) > 0) {
		int start = parse_date(field(r, &row, C_CUSTODY_START),
				       field_len(r, &row, C_CUSTODY_START), DATE_NONE);
		int end = parse_date(field(r, &row, C_CUSTODY_END),
				     field_len(r, &row, C_CUSTODY_END), r->as_of);

		if (start == DATE_NONE) {
			r->undated[MI_CUSTODY]++;
			continue;
		}
		add_builtin(r, m, EV_CUSTODY_START, start, 0,
			    evidence(m, "custody", field(r, &row, C_CUSTODY_START)),
			    end < r->as_of ? end : r->as_of);
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
	    read_coded(r, m, &coded_inputs[0]) < 0 || read_coded(r, m, &coded_inputs[1]) < 0 ||
	    read_coded(r, m, &coded_inputs[2]) < 0 || read_custody(r, m) < 0)
		return -1;
	if (r->keep_visits)
		add_filtered_visits(r, m);
	if (r->keep_attrs)
		xgrow(&m->seen, &m->seen_alloc, (size_t)m->keys.n / 64 + 1, sizeof(uint64_t));
	for (int i = 0; i < m->nslots; i++) {
		if (!in_date_order(&m->lists[i]))
			qsort(m->lists[i].v, (size_t)m->lists[i].n, sizeof(struct mx_hit), by_date);
		m->hits[i] = (struct mx_hits){ m->lists[i].v, m->lists[i].n };
	}
	return 1;
}
