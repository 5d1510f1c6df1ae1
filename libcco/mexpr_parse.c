/*
 * mexpr_parse.c: recursive-descent parser for the measure expression
 * language.  The grammar is in cco-measure(5); each parse_* function below
 * handles one rule and names it in its comment.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mexpr.h"
#include "num.h"
#include "xalloc.h"

struct parser {
	const char *text;
	const char *p;       /* next unread character */
	const struct mx_names *names;
	char tok[64];        /* the current token */
	const char *tok_at;  /* where it starts */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *ps, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return err_set("column %d: %s", (int)(ps->tok_at - ps->text) + 1, what);
}

/* Read the next token into ps->tok: a word ([a-z_][a-z0-9_.]*), a number
 * with an optional unit letter (12, 90d, 1y), an operator, or "" at end. */
static void next(struct parser *ps)
{
	static const char *const ops[] = { "..", ">=", "<=", "(", ")", ",", "=",
					    ">", "<", "+", "-", "|", NULL };
	size_t n = 0;

	while (isspace((unsigned char)*ps->p))
		ps->p++;
	ps->tok_at = ps->p;
	if (isalpha((unsigned char)*ps->p) || *ps->p == '_') {
		while (isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_' ||
		       (ps->p[n] == '.' && ps->p[n + 1] != '.'))
			n++;
	} else if (isdigit((unsigned char)*ps->p)) {
		while (isdigit((unsigned char)ps->p[n]))
			n++;
		if (ps->p[n] == 'd' || ps->p[n] == 'm' || ps->p[n] == 'y')
			n++;
	} else {
		for (int i = 0; ops[i]; i++)
			if (strncmp(ps->p, ops[i], strlen(ops[i])) == 0) {
				n = strlen(ops[i]);
				break;
			}
		if (n == 0 && *ps->p)
			n = 1; /* an unknown character: reported by the caller */
	}
	if (n >= sizeof(ps->tok))
		n = sizeof(ps->tok) - 1;
	memcpy(ps->tok, ps->p, n);
	ps->tok[n] = '\0';
	ps->p += n;
}

static int is(const struct parser *ps, const char *tok)
{
	return strcmp(ps->tok, tok) == 0;
}

static int expect(struct parser *ps, const char *tok)
{
	if (is(ps, tok)) {
		next(ps);
		return 0;
	}
	return fail(ps, "expected '%s', found '%s'", tok,
		    *ps->tok ? ps->tok : "end of text");
}

/* NUMBER (no unit) into *out. */
static int parse_int(struct parser *ps, int *out)
{
	if (num_parse_int(ps->tok, 0, 100000, out) < 0)
		return fail(ps, "expected a whole number");
	next(ps);
	return 0;
}

static int is_date_keyword(const char *tok)
{
	static const char *const words[] = { "my.start", "my.end", "my.birthday", "as_of", "birth",
					     "death", "index", "index.end",
					     "birthday", "first", "enrollment_start", "latest",
					     "date", NULL };

	for (int i = 0; words[i]; i++)
		if (strcmp(tok, words[i]) == 0)
			return 1;
	return 0;
}

static int parse_date(struct parser *ps, struct mx_date *d);
static int parse_window(struct parser *ps, struct mx_window *w);
static int parse_vslist(struct parser *ps, struct mx_node *n);

/* first ( vslist , window ) | enrollment_start ( date ): the arguments go
 * into a new d->fn, which the caller releases on failure too. */
static int parse_dfunc(struct parser *ps, struct mx_date *d)
{
	struct mx_node list = { 0 };
	int rc;

	d->base = is(ps, "first") ? MXD_FIRST : is(ps, "latest") ? MXD_LATEST : MXD_ENROLL_START;
	d->fn = xcalloc(1, sizeof(*d->fn));
	next(ps);
	if (expect(ps, "(") < 0)
		return -1;
	if (d->base == MXD_ENROLL_START) {
		if (parse_date(ps, &d->fn->win.from) < 0)
			return -1;
		return expect(ps, ")");
	}
	rc = parse_vslist(ps, &list);
	d->fn->vs = list.vs;
	d->fn->with = list.with;
	d->fn->nvs = list.nvs;
	if (rc < 0 || expect(ps, ",") < 0 || parse_window(ps, &d->fn->win) < 0)
		return -1;
	return expect(ps, ")");
}

/* date ( my.year [('+' | '-') NUMBER] , MONTH , DAY ): a day of the
 * measurement year or of one N years from it, as January 1 of the MY plus
 * months and days (February 29 is refused: not every year has one). */
static int parse_calendar(struct parser *ps, struct mx_date *d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int years = 0, month, day;

	next(ps);
	if (expect(ps, "(") < 0)
		return -1;
	if (!is(ps, "my.year"))
		return fail(ps, "expected my.year (a year relative to the measurement year)");
	next(ps);
	if (is(ps, "+") || is(ps, "-")) {
		int sign = is(ps, "+") ? 1 : -1;

		next(ps);
		if (parse_int(ps, &years) < 0)
			return -1;
		years *= sign;
	}
	if (expect(ps, ",") < 0)
		return -1;
	if (num_parse_int(ps->tok, 1, 12, &month) < 0)
		return fail(ps, "expected a month from 1 to 12");
	next(ps);
	if (expect(ps, ",") < 0)
		return -1;
	if (num_parse_int(ps->tok, 1, mdays[month - 1], &day) < 0)
		return fail(ps, "expected a day from 1 to %d", mdays[month - 1]);
	next(ps);
	d->base = MXD_MY_START;
	d->months = years * 12 + month - 1;
	d->days = day - 1;
	return expect(ps, ")");
}

/* dterm := my.start | my.end | my.birthday | as_of | birth | death | index | index.end
 *        | birthday ( NUMBER ) | first ( vslist , window )
 *        | latest ( vslist , window ) | date ( my.year ..., MONTH , DAY )
 *        | enrollment_start ( date ) | NAME */
static int parse_dterm(struct parser *ps, struct mx_date *d)
{
	static const struct { const char *word; enum mx_base base; } words[] = {
		{ "my.start", MXD_MY_START }, { "my.end", MXD_MY_END },
		{ "my.birthday", MXD_MY_BIRTHDAY },
		{ "as_of", MXD_AS_OF }, { "birth", MXD_BIRTH },
		{ "death", MXD_DEATH }, { "index", MXD_INDEX },
		{ "index.end", MXD_INDEX_END },
	};

	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!is(ps, words[i].word))
			continue;
		if (words[i].base >= MXD_INDEX && !ps->names->allow_index)
			return fail(ps, "'index' is only for episode measures");
		d->base = words[i].base;
		next(ps);
		return 0;
	}
	if (is(ps, "birthday")) {
		d->base = MXD_BIRTHDAY;
		next(ps);
		if (expect(ps, "(") < 0 || parse_int(ps, &d->arg) < 0)
			return -1;
		return expect(ps, ")");
	}
	if (is(ps, "first") || is(ps, "enrollment_start") || is(ps, "latest"))
		return parse_dfunc(ps, d);
	if (is(ps, "date"))
		return parse_calendar(ps, d);
	d->base = MXD_NAMED;
	d->arg = ps->names->date ? ps->names->date(ps->names->arg, ps->tok) : -1;
	if (d->arg < 0) {
		return fail(ps, "unknown date '%s'", ps->tok);
	}
	next(ps);
	return 0;
}

/* date := dterm (('+' | '-') DURATION)*, DURATION := NUMBER (d | m | y) */
static int parse_date_terms(struct parser *ps, struct mx_date *d)
{
	if (parse_dterm(ps, d) < 0)
		return -1;
	while (is(ps, "+") || is(ps, "-")) {
		int sign = is(ps, "+") ? 1 : -1;
		size_t n;
		long long v;

		next(ps);
		n = strlen(ps->tok);
		if (n < 2 || !strchr("dmy", ps->tok[n - 1]) ||
		    num_parse_n(ps->tok, n - 1, 0, 100000, &v) < 0)
			return fail(ps, "expected a duration such as 30d, 6m or 1y");
		if (ps->tok[n - 1] == 'd')
			d->days += sign * (int)v;
		else
			d->months += sign * (int)v * (ps->tok[n - 1] == 'y' ? 12 : 1);
		next(ps);
	}
	return 0;
}

/* A date; on failure it owns nothing. */
static int parse_date(struct parser *ps, struct mx_date *d)
{
	if (parse_date_terms(ps, d) < 0) {
		mx_date_release(d);
		return -1;
	}
	return 0;
}

/* window := my | ever | date .. date; on failure it owns nothing. */
static int parse_window(struct parser *ps, struct mx_window *w)
{
	memset(w, 0, sizeof(*w));
	if (is(ps, "my") || is(ps, "ever")) {
		w->from.base = is(ps, "my") ? MXD_MY_START : MXD_BIRTH;
		w->to.base = is(ps, "my") ? MXD_MY_END : MXD_AS_OF;
		next(ps);
		return 0;
	}
	if (parse_date(ps, &w->from) < 0)
		return -1;
	if (expect(ps, "..") < 0 || parse_date(ps, &w->to) < 0) {
		mx_date_release(&w->from);
		return -1;
	}
	return 0;
}

static struct mx_node *parse_or(struct parser *ps);

static struct mx_node *node(enum mx_kind kind)
{
	struct mx_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	return n;
}

/* Parse `name = NUMBER` as an optional argument. */
static int parse_named_int(struct parser *ps, const char *name, int *out)
{
	if (!is(ps, name))
		return 1;
	next(ps);
	if (expect(ps, "=") < 0 || parse_int(ps, out) < 0)
		return -1;
	return 0;
}

/* enrolled ( window [, gaps = N] [, gap_days = N] ) */
static int parse_enrolled(struct parser *ps, struct mx_node *n)
{
	if (expect(ps, "(") < 0 || parse_window(ps, &n->win) < 0)
		return -1;
	while (is(ps, ",")) {
		next(ps);
		int r = parse_named_int(ps, "gaps", &n->lo);

		if (r > 0)
			r = parse_named_int(ps, "gap_days", &n->hi);
		if (r > 0)
			return fail(ps, "expected gaps = N or gap_days = N");
		if (r < 0)
			return -1;
	}
	return expect(ps, ")");
}

/* A value-set name into a slot. */
static int parse_vsname(struct parser *ps, int *slot)
{
	*slot = ps->names->valueset ? ps->names->valueset(ps->names->arg, ps->tok) : -1;
	if (*slot < 0)
		return fail(ps, "unknown value set '%s'", ps->tok);
	next(ps);
	return 0;
}

/* except ( NAME ('|' NAME)* ), after the event list *slot: *slot becomes
 * the list less the events those value sets exclude. */
static int parse_except(struct parser *ps, int *slot)
{
	int except[MX_MAX_VS], n = 0;
	const char *at = ps->tok_at;

	next(ps);
	if (expect(ps, "(") < 0)
		return -1;
	for (;;) {
		if (n == MX_MAX_VS)
			return fail(ps, "too many value sets in one except()");
		if (parse_vsname(ps, &except[n++]) < 0)
			return -1;
		if (!is(ps, "|"))
			break;
		next(ps);
	}
	if (ps->names->except)
		*slot = ps->names->except(ps->names->arg, *slot, except, n);
	if (!ps->names->except || *slot < 0) {
		ps->tok_at = at; /* a refusal names the column of 'except' */
		return fail(ps, "%s", ps->names->except ? err_msg() : "'except' is not allowed here");
	}
	return expect(ps, ")");
}

/* A named union of value sets ([valuesets] of cco-measure(5)) as the next
 * items of n's list: 1 if the token named one, 0 if not, -1 on error. */
static int parse_union(struct parser *ps, struct mx_node *n)
{
	const int *slots, *with;
	int k = ps->names->vsunion ? ps->names->vsunion(ps->names->arg, ps->tok, &slots, &with) : -1;

	if (k < 0)
		return 0;
	if (n->nvs + k > MX_MAX_VS)
		return fail(ps, "too many value sets in one count");
	n->vs = xrealloc(n->vs, sizeof(int) * (size_t)(n->nvs + k));
	n->with = xrealloc(n->with, sizeof(int) * (size_t)(n->nvs + k));
	memcpy(n->vs + n->nvs, slots, sizeof(int) * (size_t)k);
	memcpy(n->with + n->nvs, with, sizeof(int) * (size_t)k);
	n->nvs += k;
	next(ps);
	return 1;
}

/* vslist := item ('|' item)*, item := NAME [except (NAME | ...)]
 * ['&' NAME]: the name after '&' must be matched on the same claim and
 * date as the first. */
static int parse_vslist(struct parser *ps, struct mx_node *n)
{
	for (;;) {
		int slot, with = -1, rc = parse_union(ps, n);

		if (rc < 0)
			return -1;
		if (rc > 0 && !is(ps, "|"))
			return 0;
		if (rc > 0) {
			next(ps);
			continue;
		}
		if (parse_vsname(ps, &slot) < 0)
			return -1;
		if (is(ps, "except") && parse_except(ps, &slot) < 0)
			return -1;
		if (is(ps, "&")) {
			next(ps);
			if (parse_vsname(ps, &with) < 0)
				return -1;
		}
		if (n->nvs == MX_MAX_VS)
			return fail(ps, "too many value sets in one count");
		n->vs = xrealloc(n->vs, sizeof(int) * (size_t)(n->nvs + 1));
		n->with = xrealloc(n->with, sizeof(int) * (size_t)(n->nvs + 1));
		n->with[n->nvs] = with;
		n->vs[n->nvs++] = slot;
		if (!is(ps, "|"))
			return 0;
		next(ps);
	}
}

/* 1 if some item of n's list joins two value sets with '&'. */
static int has_join(const struct mx_node *n)
{
	for (int i = 0; i < n->nvs; i++)
		if (n->with[i] >= 0)
			return 1;
	return 0;
}

/* A comparison operator into *op (and past it); -1 without a message if
 * the token is none. */
static int parse_op(struct parser *ps, enum mx_op *op)
{
	static const struct { const char *tok; enum mx_op op; } ops[] = {
		{ ">=", MXO_GE }, { ">", MXO_GT }, { "<=", MXO_LE },
		{ "<", MXO_LT }, { "=", MXO_EQ },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (is(ps, ops[i].tok)) {
			*op = ops[i].op;
			next(ps);
			return 0;
		}
	}
	return -1;
}

/* op NUMBER, after the call `what` */
static int parse_comparison(struct parser *ps, struct mx_node *n, const char *what)
{
	if (parse_op(ps, &n->op) == 0)
		return parse_int(ps, &n->k);
	return fail(ps, "expected a comparison (>=, >, <=, <, =) after %s(...)", what);
}

/* The options a count may take after its window. */
enum { OPT_APART = 1, OPT_SPAN = 2, OPT_BY = 4 };

/* span := during | overlaps | starts | ends: 1 if the token is none. */
static int parse_span(struct parser *ps, struct mx_node *n)
{
	static const char *const words[] = { "starts", "during", "overlaps", "ends" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (is(ps, words[i])) {
			n->span = (enum mx_span)i;
			next(ps);
			return 0;
		}
	}
	return 1;
}

/* by = code | prescriber | billing_npi | rendering_npi */
static int parse_by(struct parser *ps, struct mx_node *n)
{
	static const char *const fields[] = { "code", "prescriber", "billing_npi",
					      "rendering_npi" };

	next(ps);
	if (expect(ps, "=") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (is(ps, fields[i])) {
			n->by = (enum mx_by)i;
			next(ps);
			return 0;
		}
	}
	return fail(ps, "by is code, prescriber, billing_npi or rendering_npi, not '%s'",
		    ps->tok);
}

/* One option after a count's window, among those allowed: which it was
 * (OPT_*), 0 if none allowed matches, or -1. */
static int parse_option(struct parser *ps, struct mx_node *n, int allowed)
{
	if ((allowed & OPT_APART) && is(ps, "apart"))
		return parse_named_int(ps, "apart", &n->apart) < 0 ? -1 : OPT_APART;
	if ((allowed & OPT_BY) && is(ps, "by"))
		return parse_by(ps, n) < 0 ? -1 : OPT_BY;
	if ((allowed & OPT_SPAN))
		return parse_span(ps, n) == 0 ? OPT_SPAN : 0;
	return 0;
}

/* (, option)*: each allowed option at most once, in any order. */
static int parse_options(struct parser *ps, struct mx_node *n, int allowed)
{
	int seen = 0;

	while (is(ps, ",")) {
		const char *at;
		int opt;

		next(ps);
		at = ps->tok_at;
		if ((opt = parse_option(ps, n, allowed)) < 0)
			return -1;
		if (opt == 0)
			return fail(ps, "expected %s%s%s",
				    allowed & OPT_APART ? "apart = N or " : "",
				    allowed & OPT_BY ? "by = FIELD or " : "",
				    "during, overlaps, starts or ends");
		if (seen & opt) {
			ps->tok_at = at;
			return fail(ps, "this option is given twice");
		}
		seen |= opt;
	}
	return allowed & OPT_BY && !(seen & OPT_BY) ? fail(ps, "distinct() needs by = FIELD") : 0;
}

/* distinct ( vslist , window [, span] , by = FIELD ) op NUMBER */
static int parse_distinct(struct parser *ps, struct mx_node *n)
{
	if (expect(ps, "(") < 0 || parse_vslist(ps, n) < 0 || expect(ps, ",") < 0 ||
	    parse_window(ps, &n->win) < 0 || parse_options(ps, n, OPT_SPAN | OPT_BY) < 0 ||
	    expect(ps, ")") < 0)
		return -1;
	return parse_comparison(ps, n, "distinct");
}

/* count ( vslist , window [, apart = N] [, span] ) op NUMBER
 * | any ( vslist , window [, span] ) */
static int parse_count(struct parser *ps, struct mx_node *n, int any)
{

	if (expect(ps, "(") < 0 || parse_vslist(ps, n) < 0 || expect(ps, ",") < 0 ||
	    parse_window(ps, &n->win) < 0)
		return -1;
	if (parse_options(ps, n, any ? OPT_SPAN : OPT_APART | OPT_SPAN) < 0)
		return -1;
	if (expect(ps, ")") < 0)
		return -1;
	if (any) {
		n->op = MXO_GE;
		n->k = 1;
		return 0;
	}
	return parse_comparison(ps, n, "count");
}

/* age ( date ) op NUMBER: the bounds lo..hi that op and NUMBER leave
 * (age(d) >= 66 is 66..AGE_MAX, age(d) < 18 is 0..17). */
static int parse_age_open(struct parser *ps, struct mx_node *n)
{
	enum { AGE_MAX = 100000 };
	int k;

	if (parse_op(ps, &n->op) < 0)
		return fail(ps, "expected 'in' or a comparison (>=, >, <=, <, =) after age(...)");
	if (parse_int(ps, &k) < 0)
		return -1;
	n->lo = n->op == MXO_GE || n->op == MXO_EQ ? k : n->op == MXO_GT ? k + 1 : 0;
	n->hi = n->op == MXO_LE || n->op == MXO_EQ ? k : n->op == MXO_LT ? k - 1 : AGE_MAX;
	return n->lo > n->hi ? fail(ps, "age range is empty") : 0;
}

/* age ( date ) in NUMBER .. NUMBER | age ( date ) op NUMBER, in years or
 * months */
static int parse_age(struct parser *ps, struct mx_node *n)
{
	if (expect(ps, "(") < 0 || parse_date(ps, &n->date) < 0 || expect(ps, ")") < 0)
		return -1;
	if (!is(ps, "in"))
		return parse_age_open(ps, n);
	if (expect(ps, "in") < 0 || parse_int(ps, &n->lo) < 0 ||
	    expect(ps, "..") < 0 || parse_int(ps, &n->hi) < 0)
		return -1;
	return n->lo > n->hi ? fail(ps, "age range is empty") : 0;
}

/* The built-in predicates that start with a keyword. */
static struct mx_node *parse_keyword(struct parser *ps, int *matched)
{
	struct mx_node *n = NULL;
	int rc = 0;

	*matched = 1;
	if (is(ps, "true")) {
		next(ps);
		return node(MX_TRUE);
	} else if (is(ps, "sex")) {
		n = node(MX_SEX);
		next(ps);
		if ((rc = expect(ps, "=")) == 0) {
			if (!is(ps, "F") && !is(ps, "M") && !is(ps, "U"))
				rc = fail(ps, "sex is F, M or U");
			n->sex = ps->tok[0];
			next(ps);
		}
	} else if (is(ps, "age") || is(ps, "age_months")) {
		n = node(MX_AGE);
		n->months = is(ps, "age_months");
		next(ps);
		rc = parse_age(ps, n);
	} else if (is(ps, "enrolled")) {
		n = node(MX_ENROLLED);
		next(ps);
		rc = parse_enrolled(ps, n);
	} else if (is(ps, "enrolled_days")) {
		n = node(MX_ENROLLED_DAYS);
		next(ps);
		if ((rc = expect(ps, "(")) == 0 && (rc = parse_window(ps, &n->win)) == 0 &&
		    (rc = expect(ps, ")")) == 0)
			rc = parse_comparison(ps, n, "enrolled_days");
	} else if (is(ps, "enrolled_on") || is(ps, "died")) {
		n = node(is(ps, "died") ? MX_DIED : MX_ENROLLED_ON);
		next(ps);
		rc = expect(ps, "(");
		if (rc == 0)
			rc = n->kind == MX_DIED ? parse_window(ps, &n->win) :
						  parse_date(ps, &n->date);
		if (rc == 0)
			rc = expect(ps, ")");
	} else if (is(ps, "index_dx")) {
		if (!ps->names->allow_index)
			rc = fail(ps, "'index_dx' is only for episode measures");
		n = node(MX_INDEX_DX);
		next(ps);
		if (rc == 0 && (rc = expect(ps, "(")) == 0 && (rc = parse_vslist(ps, n)) == 0 &&
		    has_join(n))
			rc = fail(ps, "index_dx() takes no '&'");
		if (rc == 0)
			rc = expect(ps, ")");
	} else if (is(ps, "count") || is(ps, "any")) {
		int any = is(ps, "any");

		n = node(MX_COUNT);
		next(ps);
		rc = parse_count(ps, n, any);
	} else if (is(ps, "distinct")) {
		n = node(MX_DISTINCT);
		next(ps);
		rc = parse_distinct(ps, n);
	} else {
		*matched = 0;
	}
	if (rc < 0) {
		mx_free(n);
		return NULL;
	}
	return n;
}

/* NUMBER with an optional fraction ("9", "9.0", "139.5") into *milli
 * (thousandths), read from the current token's start. */
static int parse_decimal(struct parser *ps, int *milli)
{
	size_t n = 0;

	while (isdigit((unsigned char)ps->tok_at[n]) ||
	       (ps->tok_at[n] == '.' && isdigit((unsigned char)ps->tok_at[n + 1])))
		n++;
	if (num_parse_milli(ps->tok_at, n, milli) < 0)
		return fail(ps, "expected a number such as 9 or 9.0");
	ps->p = ps->tok_at + n;
	next(ps);
	return 0;
}

/* The unit after a value ("%", "mm[Hg]", "mg/dL"): the characters up to a
 * space, a parenthesis or a comma, into unit. */
static int parse_unit(struct parser *ps, char *unit, size_t size)
{
	size_t n = strcspn(ps->tok_at, " \t\n(),");

	if (n == 0)
		return fail(ps, "expected the unit of the value (such as %% or mm[Hg])");
	if (n >= size)
		return fail(ps, "unit too long");
	memcpy(unit, ps->tok_at, n);
	unit[n] = '\0';
	ps->p = ps->tok_at + n;
	next(ps);
	return 0;
}

/* Each value set of the latest() in n carries results in unit; at names
 * the column of the comparison. */
static int check_unit(struct parser *ps, const struct mx_node *n, const char *unit,
		      const char *at)
{
	const struct mx_dfunc *fn = n->date.fn;

	for (int i = 0; i < fn->nvs; i++) {
		const char *want = ps->names->unit ? ps->names->unit(ps->names->arg, fn->vs[i]) : NULL;

		ps->tok_at = at;
		if (!want)
			return fail(ps, "latest() compares results: item %d is not a result "
				    "value set (no unit)", i + 1);
		if (strcmp(want, unit) != 0)
			return fail(ps, "unit '%s' does not match the value set's '%s'", unit, want);
	}
	return 0;
}

/* After latest ( vslist , window ): op VALUE UNIT (MX_RESULT), or
 * = ANSWERS, a value set of coded answers (MX_ANSWER). */
static int parse_result(struct parser *ps, struct mx_node *n)
{
	const char *at = ps->tok_at;
	char unit[32];
	int answers;

	if (parse_op(ps, &n->op) < 0)
		return fail(ps, "expected 'in' or a comparison (>=, >, <=, <, =) after latest(...)");
	if (n->op == MXO_EQ && (isalpha((unsigned char)ps->tok[0]) || ps->tok[0] == '_')) {
		n->kind = MX_ANSWER;
		if (parse_vsname(ps, &answers) < 0)
			return -1;
		if (n->date.fn->nvs != 1 || n->date.fn->with[0] >= 0) {
			ps->tok_at = at;
			return fail(ps, "a coded answer is of one value set's results");
		}
		n->answer = ps->names->answered ?
			    ps->names->answered(ps->names->arg, n->date.fn->vs[0], answers) :
			    err_set("coded answers are not allowed here");
		if (n->answer < 0) {
			ps->tok_at = at;
			return fail(ps, "%s", err_msg());
		}
		return 0;
	}
	n->kind = MX_RESULT;
	if (parse_decimal(ps, &n->value) < 0 || parse_unit(ps, unit, sizeof(unit)) < 0)
		return -1;
	return check_unit(ps, n, unit, at);
}

/* What follows a date in an atom: in window, or after a bare latest()
 * a comparison of its results. */
static int parse_date_test(struct parser *ps, struct mx_node *n)
{
	if (n->date.base == MXD_LATEST && !n->date.months && !n->date.days && !is(ps, "in"))
		return parse_result(ps, n);
	if (expect(ps, "in") < 0)
		return -1;
	return parse_window(ps, &n->win);
}

/* atom := ( expr ) | keyword predicate | date in window | NAME */
static struct mx_node *parse_atom(struct parser *ps)
{
	struct mx_node *n;
	int matched;
	const char *save_p = ps->p, *save_at = ps->tok_at;
	char save_tok[sizeof(ps->tok)];

	if (is(ps, "(")) {
		next(ps);
		n = parse_or(ps);
		if (n && expect(ps, ")") < 0) {
			mx_free(n);
			return NULL;
		}
		return n;
	}
	n = parse_keyword(ps, &matched);
	if (matched)
		return n;
	if (!isalpha((unsigned char)ps->tok[0]) && ps->tok[0] != '_') {
		if (*ps->tok)
			fail(ps, "unexpected '%s'", ps->tok);
		else
			fail(ps, "unexpected end of text");
		return NULL;
	}
	/* A date keyword, or NAME followed by in/+/-, starts a date; any
	 * other NAME refers to a criterion. */
	memcpy(save_tok, ps->tok, sizeof(save_tok));
	int keyword = is_date_keyword(save_tok);

	next(ps);
	if (!keyword && !is(ps, "in") && !is(ps, "+") && !is(ps, "-")) {
		n = node(MX_REF);
		n->ref = ps->names->ref ? ps->names->ref(ps->names->arg, save_tok) : -1;
		if (n->ref < 0) {
			ps->tok_at = save_at;
			fail(ps, "unknown name '%s'", save_tok);
			mx_free(n);
			return NULL;
		}
		return n;
	}
	ps->p = save_p;
	ps->tok_at = save_at;
	memcpy(ps->tok, save_tok, sizeof(save_tok));
	n = node(MX_DATE_IN);
	if (parse_date(ps, &n->date) < 0 || parse_date_test(ps, n) < 0) {
		mx_free(n);
		return NULL;
	}
	return n;
}

/* unary := not unary | atom */
static struct mx_node *parse_unary(struct parser *ps)
{
	if (is(ps, "not")) {
		struct mx_node *n = node(MX_NOT);

		next(ps);
		n->a = parse_unary(ps);
		if (!n->a) {
			mx_free(n);
			return NULL;
		}
		return n;
	}
	return parse_atom(ps);
}

/* and := unary (and unary)*;  or := and (or and)* */
static struct mx_node *parse_binary(struct parser *ps, const char *word,
				    enum mx_kind kind,
				    struct mx_node *(*operand)(struct parser *))
{
	struct mx_node *left = operand(ps);

	while (left && is(ps, word)) {
		struct mx_node *n = node(kind);

		next(ps);
		n->a = left;
		n->b = operand(ps);
		left = n;
		if (!n->b) {
			mx_free(n);
			return NULL;
		}
	}
	return left;
}

static struct mx_node *parse_and(struct parser *ps)
{
	return parse_binary(ps, "and", MX_AND, parse_unary);
}

static struct mx_node *parse_or(struct parser *ps)
{
	return parse_binary(ps, "or", MX_OR, parse_and);
}

static void parser_init(struct parser *ps, const char *text,
			const struct mx_names *names)
{
	ps->text = ps->p = text;
	ps->names = names;
	next(ps);
}

struct mx_node *mx_parse(const char *text, const struct mx_names *names)
{
	struct parser ps;
	struct mx_node *n;

	parser_init(&ps, text, names);
	n = parse_or(&ps);
	if (n && *ps.tok) {
		fail(&ps, "unexpected '%s' after the expression", ps.tok);
		mx_free(n);
		return NULL;
	}
	return n;
}

int mx_parse_date(const char *text, const struct mx_names *names,
		  struct mx_date *out)
{
	struct parser ps;

	parser_init(&ps, text, names);
	if (parse_date(&ps, out) < 0)
		return -1;
	if (*ps.tok)
		return fail(&ps, "unexpected text after the date");
	return 0;
}

int mx_parse_vslist(const char *text, const struct mx_names *names, int **slots,
		    int **with)
{
	struct parser ps;
	struct mx_node n = { 0 };
	int rc;

	parser_init(&ps, text, names);
	rc = parse_vslist(&ps, &n);
	if (rc == 0 && *ps.tok)
		rc = fail(&ps, "unexpected '%s' after the value sets", ps.tok);
	if (rc == 0 && !with && has_join(&n))
		rc = err_set("'&' is for count(), any(), first() and episode events only");
	if (rc < 0 || !with)
		free(n.with);
	if (rc < 0) {
		free(n.vs);
		return -1;
	}
	*slots = n.vs;
	if (with)
		*with = n.with;
	return n.nvs;
}

void mx_date_release(struct mx_date *d)
{
	if (!d->fn)
		return;
	free(d->fn->vs);
	free(d->fn->with);
	mx_date_release(&d->fn->win.from);
	mx_date_release(&d->fn->win.to);
	free(d->fn);
	d->fn = NULL;
}

int mx_uses(const struct mx_node *n, enum mx_kind k)
{
	return n && (n->kind == k || mx_uses(n->a, k) || mx_uses(n->b, k));
}

void mx_free(struct mx_node *n)
{
	if (!n)
		return;
	mx_free(n->a);
	mx_free(n->b);
	mx_date_release(&n->date);
	mx_date_release(&n->win.from);
	mx_date_release(&n->win.to);
	free(n->vs);
	free(n->with);
	free(n);
}
