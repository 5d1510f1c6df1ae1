/*
 * layout.c: loading and binding extract layouts (see layout.h and
 * cco-layout(5)).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <limits.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "err.h"
#include "inifile.h"
#include "layout.h"
#include "num.h"
#include "xalloc.h"

/* Canonical columns checked as dates and NPIs without being told. */
static const char *const date_cols[] = {
	"birth_date", "death_date", "start_date", "end_date", "adjudicated_date",
	"svc_from", "svc_to", "admit_date", "discharge_date", "fill_date",
	"imm_date", "result_date", NULL
};
static const char *const npi_cols[] = {
	"npi", "pcp_npi", "billing_npi", "rendering_npi", "prescriber_npi", NULL
};
static const char *const claim_kinds[] = {
	"medical_claims", "pharmacy_claims", "immunizations", "lab_results", NULL
};

struct load_state {
	struct layout *l;
	const struct pattern_set *shared;
	int line;  /* approximate: count of keys seen, for field lines */
};

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int parse_bool(const char *key, const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return err_set("%s must be yes or no, not '%s'", key, v);
	return 0;
}

static int parse_range(const char *key, const char *v, int *lo, int *hi)
{
	const char *dots = strstr(v, "..");
	long long from, to;

	if (!dots || num_parse_n(v, (size_t)(dots - v), 0, 999, &from) < 0 ||
	    num_parse(dots + 2, from, 999, &to) < 0)
		return err_set("%s must be a slot range like 1..13, not '%s'", key, v);
	*lo = (int)from;
	*hi = (int)to;
	return 0;
}

static int parse_char(const char *key, const char *v, unsigned char *out)
{
	static const struct { const char *name; char c; } names[] = {
		{ "comma", ',' }, { "pipe", '|' }, { "tab", '\t' },
		{ "semicolon", ';' }, { "none", 0 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i].name) == 0) {
			*out = (unsigned char)names[i].c;
			return 0;
		}
	if (strlen(v) != 1 || v[0] == '\n' || v[0] == '\r')
		return err_set("%s must be one character or comma, pipe, tab, "
			       "semicolon, none; not '%s'", key, v);
	*out = (unsigned char)v[0];
	return 0;
}

static int set_kinds(struct layout *l, const char *v)
{
	char *copy = xstrdup(v), *save = NULL;
	int rc = 0;

	for (char *k = strtok_r(copy, " ,", &save); k; k = strtok_r(NULL, " ,", &save)) {
		const struct rec_schema *s = rec_schema_find(k);

		if (!s || strcmp(k, "rejects") == 0) {
			rc = err_set("unknown kind '%s'", k);
			break;
		}
		if (l->nout == LAYOUT_MAX_OUTPUTS) {
			rc = err_set("too many kinds");
			break;
		}
		if (rec_schema_ncols(s) > LAYOUT_MAX_COLS) {
			rc = err_set("kind '%s' has more than %d columns", k, LAYOUT_MAX_COLS);
			break;
		}
		l->out_ncols[l->nout] = rec_schema_ncols(s);
		l->out[l->nout++] = s;
	}
	free(copy);
	if (rc == 0 && l->nout == 0)
		rc = err_set("kind must name at least one record kind");
	return rc;
}

static void replace(char **slotp, const char *v);

static int file_key(struct layout *l, const char *key, const char *v)
{
	if (!strcmp(key, "kind"))
		return set_kinds(l, v);
	if (!strcmp(key, "match")) {
		if (pattern_set_add(l->match, "match", v) < 0)
			return -1;
		return 0;
	}
	if (!strcmp(key, "delimiter"))
		return parse_char(key, v, &l->csv.delim);
	if (!strcmp(key, "quote"))
		return parse_char(key, v, &l->csv.quote);
	if (!strcmp(key, "header"))
		return parse_bool(key, v, &l->header);
	if (!strcmp(key, "columns")) {
		if (num_parse_int(v, 1, INT_MAX, &l->columns) < 0)
			return err_set("columns must be a positive number, not '%s'", v);
		return 0;
	}
	if (!strcmp(key, "encoding")) {
		if (!strcmp(v, "utf-8") || !strcmp(v, "UTF-8"))
			l->csv.latin1 = 0;
		else if (!strcmp(v, "latin-1") || !strcmp(v, "ISO-8859-1"))
			l->csv.latin1 = 1;
		else
			return err_set("encoding must be utf-8 or latin-1, not '%s'", v);
		return 0;
	}
	if (!strcmp(key, "source")) {
		free(l->source);
		l->source = xstrdup(v);
		return 0;
	}
	if (!strcmp(key, "date_format")) {
		free(l->date_format);
		l->date_format = xstrdup(v);
		return 0;
	}
	if (!strcmp(key, "period")) {
		replace(&l->period_re, v);
		return 0;
	}
	if (!strcmp(key, "period_from") || !strcmp(key, "period_to")) {
		int *d = key[7] == 'f' ? &l->period_from : &l->period_to;

		if (date_parse_iso(v, strlen(v), d) < 0)
			return err_set("%s must be a date YYYY-MM-DD, not '%s'", key, v);
		return 0;
	}
	if (!strcmp(key, "period_field")) {
		replace(&l->period_field, v);
		return 0;
	}
	if (!strcmp(key, "dx_system")) {
		free(l->dx_system);
		l->dx_system = xstrdup(v);
		return 0;
	}
	return err_set("unknown key '%s' in [file]", key);
}

static int group_key(struct layout *l, const char *name, const char *key,
		     const char *v)
{
	struct lgroup *g = NULL;

	for (int i = 0; i < l->ngroup; i++)
		if (strcmp(l->group[i].name, name) == 0)
			g = &l->group[i];
	if (!g) {
		l->group = xrealloc(l->group, (size_t)(l->ngroup + 1) * sizeof(*g));
		g = &l->group[l->ngroup++];
		memset(g, 0, sizeof(*g));
		g->name = xstrdup(name);
		g->key_field = -1;
	}
	if (!strcmp(key, "slots"))
		return parse_range(key, v, &g->lo, &g->hi);
	if (!strcmp(key, "key")) {
		free(g->key);
		g->key = xstrdup(v);
		return 0;
	}
	return err_set("unknown key '%s' in [group.%s]", key, name);
}

static struct lfield *field_get(struct layout *l, int out, const char *name,
				int line)
{
	struct lfield *f;

	for (int i = 0; i < l->nfield; i++)
		if (l->field[i].out == out && strcmp(l->field[i].name, name) == 0)
			return &l->field[i];
	l->field = xrealloc(l->field, (size_t)(l->nfield + 1) * sizeof(*f));
	f = &l->field[l->nfield++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->out = out;
	f->col = rec_schema_col(l->out[out], name);
	f->line = line;
	f->group = -1;
	f->trim = 1;
	f->months_col = -1;
	return f;
}

static int set_map(struct lfield *f, const char *v)
{
	char *copy = xstrdup(v), *save = NULL;

	for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(e, ':');

		if (!colon) {
			err_set("map entries are FROM:TO, not '%s'", e);
			free(copy); /* e points into it */
			return -1;
		}
		*colon = '\0';
		f->map = xrealloc(f->map, (size_t)(f->nmap + 1) * sizeof(*f->map));
		f->map[f->nmap].from = xstrdup(e);
		f->map[f->nmap++].to = xstrdup(colon + 1);
	}
	free(copy);
	return 0;
}

/* A repeated `values` key replaces the list, as other keys do. */
static void set_values(struct lfield *f, const char *v)
{
	char *copy = xstrdup(v), *save = NULL;
	size_t n = 0;

	for (size_t i = 0; f->values && f->values[i]; i++)
		free(f->values[i]);
	free(f->values);
	f->values = NULL;

	for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		f->values = xrealloc(f->values, (n + 2) * sizeof(char *));
		f->values[n++] = xstrdup(e);
		f->values[n] = NULL;
	}
	free(copy);
}

static void replace(char **slotp, const char *v)
{
	free(*slotp);
	*slotp = xstrdup(v);
}

static int field_key(struct layout *l, struct lfield *f, const char *key,
		     const char *v)
{
	if (!strcmp(key, "column"))
		replace(&f->column, v);
	else if (!strcmp(key, "position")) {
		if (num_parse_int(v, 1, INT_MAX, &f->position) < 0)
			return err_set("position must be a positive column number, not '%s'", v);
	} else if (!strcmp(key, "constant"))
		replace(&f->constant, v);
	else if (!strcmp(key, "filename"))
		replace(&f->filename_re, v);
	else if (!strcmp(key, "slot"))
		return parse_bool(key, v, &f->slot_number);
	else if (!strcmp(key, "group")) {
		replace(&f->group_name, v);
	} else if (!strcmp(key, "slots"))
		return parse_range(key, v, &f->list_lo, &f->list_hi);
	else if (!strcmp(key, "trim"))
		return parse_bool(key, v, &f->trim);
	else if (!strcmp(key, "case")) {
		f->ucase = !strcmp(v, "upper");
		f->lcase = !strcmp(v, "lower");
		if (!f->ucase && !f->lcase)
			return err_set("case must be upper or lower, not '%s'", v);
	} else if (!strcmp(key, "strip")) {
		replace(&f->strip, v);
	} else if (!strcmp(key, "zero_pad")) {
		if (num_parse_int(v, 1, 64, &f->zero_pad) < 0)
			return err_set("zero_pad must be a width from 1 to 64, not '%s'", v);
	} else if (!strcmp(key, "ndc_pad")) {
		return parse_bool(key, v, &f->ndc_pad);
	} else if (!strcmp(key, "map"))
		return set_map(f, v);
	else if (!strcmp(key, "values"))
		set_values(f, v);
	else if (!strcmp(key, "required"))
		return parse_bool(key, v, &f->required);
	else if (!strcmp(key, "optional"))
		return parse_bool(key, v, &f->optional);
	else if (!strcmp(key, "format"))
		replace(&f->pat_name, v);
	else if (!strcmp(key, "date_format"))
		replace(&f->date_format, v);
	else if (!strcmp(key, "reason")) {
		f->reason = !strcmp(v, "invalid_code") ? R_INVALID_CODE :
			    !strcmp(v, "invalid_npi") ? R_INVALID_NPI :
			    !strcmp(v, "invalid_value") ? R_INVALID_VALUE : 0;
		if (!f->reason)
			return err_set("reason must be invalid_code, invalid_npi "
				       "or invalid_value, not '%s'", v);
	}
	else if (!strcmp(key, "member_check"))
		return parse_bool(key, v, &f->member_check);
	else if (!strcmp(key, "derive")) {
		if (!strcmp(v, "year_start"))
			f->derive = DERIVE_YEAR_START;
		else if (!strcmp(v, "year_months"))
			f->derive = DERIVE_YEAR_MONTHS;
		else if (!strcmp(v, "bill_type"))
			f->derive = DERIVE_CLAIM_TYPE;
		else
			return err_set("derive must be year_start, year_months or bill_type");
	} else if (!strcmp(key, "months"))
		replace(&f->months_column, v);
	else
		return err_set("unknown key '%s' in a field section", key);
	(void)l;
	return 0;
}

static int kind_index(const struct layout *l, const char *kind, size_t n)
{
	for (int i = 0; i < l->nout; i++)
		if (strlen(l->out[i]->kind) == n && !strncmp(l->out[i]->kind, kind, n))
			return i;
	return -1;
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value)
{
	struct load_state *st = user;
	struct layout *l = st->l;
	const char *dot = strchr(section, '.');
	int out;

	st->line++;
	if (!strcmp(section, "file"))
		return file_key(l, key, value);
	if (!strcmp(section, "patterns")) {
		if (!l->patterns)
			l->patterns = pattern_set_copy(st->shared);
		return pattern_set_add(l->patterns, key, value);
	}
	if (!dot)
		return err_set("unknown section [%s]", section);
	if (!strncmp(section, "group.", 6))
		return group_key(l, dot + 1, key, value);
	out = kind_index(l, section, (size_t)(dot - section));
	if (out < 0)
		return err_set("section [%s]: kind not named in [file] kind "
			       "(which must come first)", section);
	if (rec_schema_col(l->out[out], dot + 1) < 0 || !strcmp(dot + 1, "source") ||
	    !strcmp(dot + 1, "extract"))
		return err_set("section [%s]: %s has no column '%s' a layout can set",
			       section, l->out[out]->kind, dot + 1);
	return field_key(l, field_get(l, out, dot + 1, st->line), key, value);
}

static int group_index(const struct layout *l, const char *name)
{
	for (int i = 0; i < l->ngroup; i++)
		if (strcmp(l->group[i].name, name) == 0)
			return i;
	return -1;
}

/* f's clean-up as tables of the byte read (see struct lfield): a TAB,
 * CR or LF is a space, then strip removes it or case changes it.  With
 * them a value is cleaned in one branch-free pass, and one that needs no
 * cleaning is seen to need none without being copied. */
static void clean_tables(struct lfield *f)
{
	unsigned char strip[256] = { 0 };

	for (const char *c = f->strip; c && *c; c++)
		strip[(unsigned char)*c] = 1;
	for (int c = 0; c < 256; c++) {
		int sp = c == '\t' || c == '\r' || c == '\n' ? ' ' : c;
		int t = sp;

		if (f->ucase && t >= 'a' && t <= 'z')
			t -= 32;
		else if (f->lcase && t >= 'A' && t <= 'Z')
			t += 32;
		f->drop[c] = strip[sp];
		f->xlat[c] = (unsigned char)t;
		f->touch[c] = f->drop[c] || t != c || (f->ndc_pad && c == '-');
	}
}

/* Defaults and cross-checks once the whole file is read. */
static int check_field(struct layout *l, struct lfield *f)
{
	const char *kind = l->out[f->out]->kind;
	int sources = !!f->column + (f->position != 0) + !!f->constant +
		      !!f->filename_re + f->slot_number;

	if (sources != 1)
		return err_set("%s.%s needs exactly one of column, position, "
			       "constant, filename, slot", kind, f->name);
	if (f->group_name && (f->group = group_index(l, f->group_name)) < 0)
		return err_set("%s.%s: no [group.%s]", kind, f->name, f->group_name);
	if (f->slot_number && f->group < 0)
		return err_set("%s.%s: slot needs a group", kind, f->name);
	if ((f->list_lo || f->group >= 0) && f->column && !strstr(f->column, "{n}"))
		return err_set("%s.%s: a repeated column needs {n} in its name",
			       kind, f->name);
	if (f->derive == DERIVE_YEAR_MONTHS && !f->months_column)
		return err_set("%s.%s: derive = year_months needs months", kind, f->name);
	if (f->derive == DERIVE_CLAIM_TYPE && strcmp(f->name, "claim_type") != 0)
		return err_set("%s.%s: derive = bill_type makes a claim_type only", kind, f->name);
	if (!strcmp(f->name, "member_id") && in_list(claim_kinds, kind) &&
	    f->member_check == 0)
		f->member_check = 1;
	if (f->pat_name && !strcmp(f->pat_name, "date"))
		f->check = CHECK_DATE;
	else if (f->pat_name) {
		f->pat = pattern_find(l->patterns, f->pat_name);
		if (!f->pat)
			return err_set("%s.%s: no pattern '%s'", kind, f->name, f->pat_name);
		f->check = CHECK_PATTERN;
	} else if (in_list(date_cols, f->name) && f->derive == DERIVE_NONE) {
		f->check = CHECK_DATE;
	} else if (in_list(npi_cols, f->name)) {
		f->pat_name = xstrdup("npi");
		f->pat = pattern_find(l->patterns, "npi");
		f->check = f->pat ? CHECK_PATTERN : CHECK_NONE;
	}
	if (f->check == CHECK_PATTERN && !f->reason)
		f->reason = !strcmp(f->pat_name, "npi") ? R_INVALID_NPI :
			    in_list((const char *const[]){ "amount", "integer",
				    "positive", "number", "zip", NULL }, f->pat_name) ?
			    R_INVALID_VALUE : R_INVALID_CODE;
	f->is_npi = f->check == CHECK_PATTERN && !strcmp(f->pat_name, "npi");
	clean_tables(f);
	f->plain = !f->strip && !f->ucase && !f->lcase && !f->nmap && !f->zero_pad &&
		   !f->ndc_pad;
	return 0;
}

/* The fields each kind cannot do without: the later stages key, sort or
 * date every row by them (cco-layout: "Required fields"). */
static const struct {
	const char *kind;
	const char *field[4];
} required_fields[] = {
	{ "members", { "member_id", "birth_date" } },
	{ "enrollment", { "member_id", "start_date" } },
	{ "providers", { "npi" } },
	{ "partners", { "partner_id" } },
	{ "pcp_assignments", { "member_id", "pcp_npi", "start_date" } },
	{ "medical_claims", { "member_id", "claim_id", "svc_from", "claim_type" } },
	{ "pharmacy_claims", { "member_id", "claim_id", "fill_date", "ndc" } },
	{ "immunizations", { "member_id", "imm_date", "cvx" } },
	{ "lab_results", { "member_id", "result_date", "loinc" } },
	{ "custody", { "member_id", "start_date" } },
};

static int mapped(const struct layout *l, int out, const char *name)
{
	for (int i = 0; i < l->nfield; i++)
		if (l->field[i].out == out && strcmp(l->field[i].name, name) == 0)
			return 1;
	return 0;
}

/* Every field output o's kind requires is mapped.  Returns 0 or -1 naming
 * the key the layout lacks. */
static int check_required(const struct layout *l, int o)
{
	const char *kind = l->out[o]->kind;

	for (size_t k = 0; k < sizeof(required_fields) / sizeof(required_fields[0]); k++) {
		if (strcmp(required_fields[k].kind, kind) != 0)
			continue;
		for (int i = 0; i < 4 && required_fields[k].field[i]; i++)
			if (!mapped(l, o, required_fields[k].field[i]))
				return err_set("[%s.%s] is missing: %s rows cannot do without it%s",
					       kind, required_fields[k].field[i], kind,
					       strcmp(required_fields[k].field[i], "claim_type") ? "" :
					       " (map the bill type with derive = bill_type: "
					       "I with one, P without)");
	}
	return 0;
}

static int check_layout(struct layout *l, const struct pattern_set *shared)
{
	if (!l->nout)
		return err_set("[file] kind is missing");
	if (!pattern_find(l->match, "match"))
		return err_set("[file] match is missing");
	if (!l->source)
		return err_set("[file] source is missing");
	if (!l->csv.delim)
		return err_set("[file] delimiter must not be none");
	(void)shared;
	for (int o = 0; o < l->nout; o++)
		if (check_required(l, o) < 0)
			return -1;
	l->member_field = -1;
	for (int o = 0; o < l->nout; o++)
		l->out_group[o] = -1;
	for (int i = 0; i < l->nfield; i++) {
		struct lfield *f = &l->field[i];

		if (check_field(l, f) < 0)
			return -1;
		if (f->group >= 0 && l->out_group[f->out] < 0)
			l->out_group[f->out] = f->group;
		f->date_fmt = f->date_format ? f->date_format : l->date_format;
		f->date_iso = !strcmp(f->date_fmt, "YYYY-MM-DD");
		if (f->member_check && l->member_field < 0)
			l->member_field = i;
	}
	l->period_col = -1;
	if (l->period_re || l->period_from != DATE_NONE || l->period_to != DATE_NONE) {
		static const char *const dflt[] = { "svc_from", "fill_date", "imm_date",
						    "result_date", "start_date", NULL };
		const char *name = l->period_field;

		for (int i = 0; !name && dflt[i]; i++)
			if (rec_schema_col(l->out[0], dflt[i]) >= 0)
				name = dflt[i];
		l->period_col = name ? rec_schema_col(l->out[0], name) : -1;
		if (l->period_col < 0)
			return err_set("[file] period_field: %s has no date column '%s'",
				       l->out[0]->kind, name ? name : "");
	}
	for (int i = 0; i < l->ngroup; i++) {
		struct lgroup *g = &l->group[i];

		if (!g->hi || !g->key)
			return err_set("[group.%s] needs slots and key", g->name);
		for (int j = 0; j < l->nfield; j++)
			if (l->field[j].group == i && !strcmp(l->field[j].name, g->key))
				g->key_field = j;
		if (g->key_field < 0)
			return err_set("[group.%s]: key '%s' is not a field of the group",
				       g->name, g->key);
	}
	return 0;
}

struct layout *layout_load(const char *path, const struct pattern_set *ps)
{
	struct layout *l = xcalloc(1, sizeof(*l));
	struct load_state st = { l, ps, 0 };
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(base);

	l->path = xstrdup(path);
	l->name = xstrndup(base, n > 4 && !strcmp(base + n - 4, ".ini") ? n - 4 : n);
	l->match = pattern_set_new();
	l->csv.delim = ',';
	l->csv.quote = '"';
	l->header = 1;
	l->date_format = xstrdup("YYYY-MM-DD");
	l->patterns = NULL;
	l->period_from = l->period_to = DATE_NONE;
	if (inifile_parse(path, on_key, &st) < 0) {
		layout_free(l);
		return NULL;
	}
	if (!l->patterns)
		l->patterns = pattern_set_copy(ps);
	/* fields found their patterns only now that overrides are known */
	if (check_layout(l, ps) < 0) {
		err_set("%s: %s", path, err_msg());
		layout_free(l);
		return NULL;
	}
	return l;
}

static int header_index(char *const *header, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(header[i], name) == 0)
			return i;
	return -1;
}

/* The column name for slot k: "{n}" replaced by k. */
static char *slot_name(const char *tmpl, int k)
{
	const char *at = strstr(tmpl, "{n}");

	if (!at)
		return xstrdup(tmpl);
	return xasprintf("%.*s%d%s", (int)(at - tmpl), tmpl, k, at + 3);
}

/* Capture group 1 of regex re on the file name, in *out (replaced).
 * Returns 0, or -1 with err_msg() set. */
static int capture1(const char *what, const char *re_text, const char *basename,
		    char **out)
{
	int code;
	PCRE2_SIZE off, *ov;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED,
				       0, &code, &off, NULL);
	pcre2_match_data *md;
	int rc;

	if (!re)
		return err_set("%s: regex does not compile", what);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR)basename, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	if (rc >= 2) {
		ov = pcre2_get_ovector_pointer(md);
		free(*out);
		*out = xstrndup(basename + ov[2], ov[3] - ov[2]);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (rc < 2)
		return err_set("%s: file name '%s' does not match the regex (with "
			       "one capture)", what, basename);
	return 0;
}

/* A period captured from a file name, YYYYMM or YYYY, into *y and *m (0
 * for YYYY: the whole year).  Returns 0, or -1 for any other text. */
static int parse_period(const char *cap, long long *y, long long *m)
{
	size_t n = strlen(cap);

	*m = 0;
	if ((n != 4 && n != 6) || num_parse_n(cap, 4, 0, 9999, y) < 0)
		return -1;
	return n == 6 ? num_parse_n(cap + 4, 2, 1, 12, m) : 0;
}

/* The period of a file: from period_re's capture (YYYYMM: that month;
 * YYYY: that year), else period_from/period_to; a name period_re does not
 * match has no period.  Returns 0, or -1 for a capture not a period. */
static int bind_period(struct layout *l, const char *basename)
{
	char *cap = NULL;
	long long y, m;

	l->bound_from = l->period_from;
	l->bound_to = l->period_to;
	if (!l->period_re)
		return 0;
	if (capture1("period", l->period_re, basename, &cap) < 0)
		return 0; /* a name without a period: no check */
	if (parse_period(cap, &y, &m) < 0) {
		err_set("period: '%s' from the file name is not YYYYMM or YYYY", cap);
		free(cap);
		return -1;
	}
	free(cap);
	l->bound_from = date_from_ymd((int)y, m ? (int)m : 1, 1);
	l->bound_to = date_add_months(l->bound_from, m ? 1 : 12) - 1;
	return 0;
}

static int bind_columns(struct layout *l, struct lfield *f, char *const *header,
			int n)
{
	int lo = 1, hi = 1;

	if (f->list_lo) {
		lo = f->list_lo;
		hi = f->list_hi;
	} else if (f->group >= 0 && f->column) {
		lo = l->group[f->group].lo;
		hi = l->group[f->group].hi;
	}
	free(f->cols);
	f->ncols = hi - lo + 1;
	f->cols = xmalloc((size_t)f->ncols * sizeof(int));
	for (int k = lo; k <= hi; k++) {
		char *name;

		if (f->position) {
			f->cols[k - lo] = f->position - 1;
			continue;
		}
		if (!header)
			return err_set("%s: a file without a header needs positions, "
				       "not column names", f->name);
		name = slot_name(f->column, k);
		f->cols[k - lo] = header_index(header, n, name);
		if (f->cols[k - lo] < 0 && k == lo && !f->optional) {
			err_set("column '%s' (for %s) is not in the header", name, f->name);
			free(name);
			return -1;
		}
		free(name);
	}
	return 0;
}

/* -1 with err_msg() naming the first column name that header repeats
 * (case-insensitive, as columns are bound; empty names, which bind to
 * nothing, may repeat); 0 when every name is there once. */
static int header_unique(char *const *header, int n)
{
	for (int i = 1; i < n; i++)
		if (*header[i] && header_index(header, i, header[i]) >= 0)
			return err_set("column '%s' appears twice in the header", header[i]);
	return 0;
}

int layout_bind(struct layout *l, const char *basename, char *const *header,
		int n)
{
	if (bind_period(l, basename) < 0 || (header && header_unique(header, n) < 0))
		return -1;
	for (int i = 0; i < l->nfield; i++) {
		struct lfield *f = &l->field[i];

		if (f->constant) {
			free(f->fixed);
			f->fixed = xstrdup(f->constant);
		} else if (f->filename_re &&
			   capture1(f->name, f->filename_re, basename, &f->fixed) < 0) {
			return -1;
		} else if ((f->column || f->position) && bind_columns(l, f, header, n) < 0) {
			return -1;
		}
		if (f->months_column) {
			f->months_col = header ? header_index(header, n, f->months_column) : -1;
			if (f->months_col < 0)
				return err_set("column '%s' (months of %s) is not in the "
					       "header", f->months_column, f->name);
		}
	}
	return 0;
}

int layout_matches(const struct layout *l, const char *basename)
{
	/* the JIT matcher reads whole words: give it zeroed bytes after the
	 * name rather than whatever follows it on the heap */
	char buf[320] = { 0 };
	size_t n = strlen(basename);

	if (n + 32 > sizeof(buf))
		return pattern_match(pattern_find(l->match, "match"), basename, n);
	memcpy(buf, basename, n);
	return pattern_match(pattern_find(l->match, "match"), buf, n);
}

const char *layout_kinds(const struct layout *l, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->nout && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? "," : "",
					 l->out[i]->kind);
	return buf;
}

static void field_release(struct lfield *f)
{
	free(f->name);
	free(f->column);
	free(f->constant);
	free(f->filename_re);
	free(f->fixed);
	free(f->group_name);
	free(f->cols);
	free(f->strip);
	for (int i = 0; i < f->nmap; i++) {
		free(f->map[i].from);
		free(f->map[i].to);
	}
	free(f->map);
	free(f->pat_name);
	free(f->date_format);
	for (size_t i = 0; f->values && f->values[i]; i++)
		free(f->values[i]);
	free(f->values);
	free(f->months_column);
}

void layout_free(struct layout *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->nfield; i++)
		field_release(&l->field[i]);
	free(l->field);
	for (int i = 0; i < l->ngroup; i++) {
		free(l->group[i].name);
		free(l->group[i].key);
	}
	free(l->group);
	pattern_set_free(l->match);
	pattern_set_free(l->patterns);
	free(l->name);
	free(l->path);
	free(l->source);
	free(l->date_format);
	free(l->dx_system);
	free(l->period_re);
	free(l->period_field);
	free(l);
}
