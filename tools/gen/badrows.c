/*
 * badrows.c: --bad-rows, the damage real extracts carry.  Each damaged
 * row is changed in one way that ingest must catch (or, for a duplicate
 * or a stray CR, accept), the damage stays within its own line, and every
 * damaged line is listed in bad_rows_manifest.csv with the outcome ingest
 * should report.  Damage draws from its own random stream, so the rest of
 * the output is the same with and without it.
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

static const struct {
	const char *name, *expected;
} damages[D_N] = {
	[D_NONE] = { "none", "accepted" },
	[D_COLUMNS] = { "column_count", "column_count" },
	[D_QUOTE] = { "stray_quote", "malformed_csv" },
	[D_BAD_DATE] = { "invalid_date", "invalid_date" },
	[D_IMPOSSIBLE_DATE] = { "impossible_date", "invalid_date" },
	[D_CODE] = { "malformed_code", "invalid_code" },
	[D_NPI] = { "npi_check_digit", "invalid_npi" },
	[D_MEMBER] = { "unknown_member", "unknown_member" },
	[D_DUPLICATE] = { "duplicate_line", "duplicate" },
	[D_CR] = { "stray_cr", "accepted" },
	[D_UTF8] = { "invalid_utf8", "invalid_encoding" },
};

/* Columns (0-based) that damage goes into, per file kind. */
enum { MED_MEMBER = 2, MED_FROM = 8, MED_PROC = 16, MED_DX1 = 21,
       MED_BILLING = 36, MED_ALLOWED = 38 };
enum { RX_MEMBER = 1, RX_FILL = 6, RX_NDC = 7, RX_PRESCRIBER = 10 };
enum { MEM_ID = 0, MEM_BIRTH = 1, MEM_LANGUAGE = 5 };

static const enum damage medical_kinds[] = {
	D_COLUMNS, D_QUOTE, D_BAD_DATE, D_IMPOSSIBLE_DATE, D_CODE, D_NPI,
	D_MEMBER, D_DUPLICATE,
};
static const enum damage pharmacy_kinds[] = {
	D_COLUMNS, D_BAD_DATE, D_IMPOSSIBLE_DATE, D_CODE, D_NPI, D_MEMBER,
	D_DUPLICATE,
};
static const enum damage member_kinds[] = {
	D_CR, D_UTF8, D_DUPLICATE, D_BAD_DATE, D_COLUMNS,
};

#define NELEM(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

const char *damage_name(enum damage d)
{
	return damages[d].name;
}

static enum damage choose(struct rng *r, enum rowkind k)
{
	switch (k) {
	case K_MEDICAL: return medical_kinds[rng_below(r, NELEM(medical_kinds))];
	case K_PHARMACY: return pharmacy_kinds[rng_below(r, NELEM(pharmacy_kinds))];
	case K_MEMBER: return member_kinds[rng_below(r, NELEM(member_kinds))];
	case K_OTHER: break;
	}
	return D_NONE;
}

/* Insert text ins at position at of field i. */
static void splice(struct row *row, int i, size_t at, const char *ins, enum quote q)
{
	char buf[64];
	const char *s = row->f[i];
	size_t n = strlen(s);

	if (at > n)
		at = n;
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)at, s, ins, s + at);
	row_set(row, i, buf, q);
}

static void bad_date(struct gen *g, struct row *row, int i, enum damage d)
{
	char buf[16];

	if (d == D_BAD_DATE)
		row_set(row, i, rng_chance(&g->dmg.r, 0.5) ? "yesterday" : "2024-13-45", Q_AUTO);
	else {
		snprintf(buf, sizeof(buf), "%.4s-%s", row->f[i],
			 rng_chance(&g->dmg.r, 0.5) ? "02-30" : "04-31");
		row_set(row, i, buf, Q_AUTO);
	}
}

static void wrong_npi(struct row *row, int i)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%s", row->f[i]);
	buf[9] = (char)('0' + (buf[9] - '0' + 1) % 10);
	row_set(row, i, buf, Q_AUTO);
}

static void unknown_member(struct gen *g, struct row *row, int i, unsigned long long shift)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "M%07llu", g->cur_idx + 1 + shift);
	row_set(row, i, buf, Q_AUTO);
}

static void damage_medical(struct gen *g, struct row *row, enum damage d)
{
	char buf[8];

	switch (d) {
	case D_QUOTE: splice(row, MED_ALLOWED, 1, "\"", Q_NEVER); break;
	case D_BAD_DATE:
	case D_IMPOSSIBLE_DATE: bad_date(g, row, MED_FROM, d); break;
	case D_CODE:
		if (row->f[MED_PROC][0] && rng_chance(&g->dmg.r, 0.5)) {
			snprintf(buf, sizeof(buf), "%.4s", row->f[MED_PROC]);
			row_set(row, MED_PROC, buf, Q_AUTO);
		} else {
			row_set(row, MED_DX1, "1Q", Q_AUTO);
		}
		break;
	case D_NPI: wrong_npi(row, MED_BILLING); break;
	case D_MEMBER: unknown_member(g, row, MED_MEMBER, g->o.members); break;
	default: break;
	}
}

static void damage_pharmacy(struct gen *g, struct row *row, enum damage d)
{
	char buf[8];

	switch (d) {
	case D_BAD_DATE:
	case D_IMPOSSIBLE_DATE: bad_date(g, row, RX_FILL, d); break;
	case D_CODE:
		snprintf(buf, sizeof(buf), "%.5s", row->f[RX_NDC]);
		row_set(row, RX_NDC, buf, Q_AUTO);
		break;
	case D_NPI: wrong_npi(row, RX_PRESCRIBER); break;
	case D_MEMBER: unknown_member(g, row, RX_MEMBER, g->o.members); break;
	default: break;
	}
}

static void damage_member(struct gen *g, struct row *row, enum damage d)
{
	switch (d) {
	case D_CR: splice(row, MEM_LANGUAGE, 2, "\r", Q_ALWAYS); break;
	case D_UTF8:
		splice(row, MEM_LANGUAGE, 2, rng_chance(&g->dmg.r, 0.5) ? "\xC3" : "\xFF",
		       Q_ALWAYS);
		break;
	case D_BAD_DATE: bad_date(g, row, MEM_BIRTH, d); break;
	default: break;
	}
}

static void record(struct gen *g, const struct out_file *o, unsigned long long line,
		   enum damage d)
{
	struct row row;

	row_reset(&row);
	row_add(&row, o->name);
	row_add_uint(&row, line);
	row_add(&row, damages[d].name);
	row_add(&row, damages[d].expected);
	out_row(&g->dmg.man, &row);
	g->dmg.count[d]++;
}

static void apply(struct gen *g, struct row *row, enum rowkind k, enum damage d)
{
	if (d == D_COLUMNS) {
		if (rng_chance(&g->dmg.r, 0.5))
			row->n--;
		else
			row_add(row, "");
		return;
	}
	if (k == K_MEDICAL)
		damage_medical(g, row, d);
	else if (k == K_PHARMACY)
		damage_pharmacy(g, row, d);
	else
		damage_member(g, row, d);
}

void emit_row(struct gen *g, struct out_file *o, struct row *row, enum rowkind k)
{
	struct damager *dm = &g->dmg;
	enum damage d;

	if (dm->rate <= 0 || k == K_OTHER || !rng_chance(&dm->r, dm->rate)) {
		out_row(o, row);
		return;
	}
	d = choose(&dm->r, k);
	if (k == K_MEMBER && d != D_CR && d != D_DUPLICATE) {
		/* A rejected member row would orphan the member's other rows,
		 * so the damage goes into an extra row for a member that does
		 * not exist elsewhere. */
		out_row(o, row);
		unknown_member(g, row, MEM_ID, 2 * g->o.members);
	}
	apply(g, row, k, d);
	if (d == D_DUPLICATE)
		out_row(o, row);
	record(g, o, out_row(o, row), d);
}
