/*
 * mdef.c: load measure definitions.  Keys are collected while the INI file
 * is read (an indented continuation line repeats its key and is appended);
 * expressions are parsed afterwards, in file order, so a name can only
 * refer to a date or sub-result defined above it: no cycles.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "date.h"
#include "err.h"
#include "inifile.h"
#include "mdef.h"
#include "num.h"
#include "valueset.h"
#include "xalloc.h"

enum section { SEC_NONE, SEC_MEASURE, SEC_EPISODE, SEC_DATES, SEC_DENOM, SEC_EXCL, SEC_NUM, SEC_STRATA,
	       SEC_VALUESETS };

struct loader {
	struct measure_set *set;
	const struct valuesets *vsets;
	struct measure *m;
	enum section sec;
	char *section;            /* the current section's name */
	struct crit_list *list;   /* where this section's criteria go */
	struct criterion *last;   /* the last key read, for continuations */
	struct crit_list dates;   /* [dates] as text, parsed at the end */
	struct crit_list meta;    /* [measure] keys seen, for duplicates */
	int date_limit;           /* names visible while parsing: dates < this */
	struct subresult *refs;   /* sub-results visible: the first ref_limit */
	int ref_limit;
	struct crit_list unions;  /* [valuesets]: named unions, as text */
	struct subresult *union_of; /* their items (events, index_with) by union */
	int union_limit;          /* unions visible while parsing: < this */
};

static struct criterion *crit_add(struct crit_list *l, const char *name,
				  const char *text)
{
	struct criterion *c;

	xgrow(&l->v, &l->alloc, (size_t)l->n + 1, sizeof(*l->v));
	c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->text = xstrdup(text);
	c->line = inifile_line();
	return c;
}

static struct criterion *crit_find(const struct crit_list *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

static void crit_list_free(struct crit_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].text);
		mx_free(l->v[i].expr);
	}
	free(l->v);
}

/* ---- name resolution while parsing expressions ---- */

static int date_slot(void *arg, const char *name)
{
	struct loader *ld = arg;

	for (int i = 0; i < ld->date_limit; i++)
		if (strcmp(ld->dates.v[i].name, name) == 0)
			return i;
	return -1;
}

static enum builtin_event builtin_named(const char *name)
{
	static const char *const names[] = { "", "event.ed_visit", "event.ed_visit_all",
					     "event.discharge", "event.admission",
					     "event.custody_start" };

	for (int i = 1; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(name, names[i]) == 0)
			return (enum builtin_event)i;
	return EV_NONE;
}

/* The slot of name, or -1 if no slot has it. */
static int slot_named(const struct measure_set *s, const char *name)
{
	for (int i = 0; i < s->nvs; i++)
		if (strcmp(s->vs_names[i], name) == 0)
			return i;
	return -1;
}

/* A new slot for value set v or event list ev, named name (taken). */
static int slot_add(struct measure_set *s, char *name, const struct valueset *v,
		    enum builtin_event ev)
{
	size_t n = (size_t)s->nvs + 1;

	s->vs = xrealloc(s->vs, sizeof(*s->vs) * n);
	s->builtin = xrealloc(s->builtin, sizeof(*s->builtin) * n);
	s->except = xrealloc(s->except, sizeof(*s->except) * n);
	s->nexcept = xrealloc(s->nexcept, sizeof(*s->nexcept) * n);
	s->vs_names = xrealloc(s->vs_names, sizeof(char *) * n);
	s->vs[s->nvs] = v;
	s->builtin[s->nvs] = ev;
	s->except[s->nvs] = NULL;
	s->nexcept[s->nvs] = 0;
	s->vs_names[s->nvs] = name;
	s->answer_of = xrealloc(s->answer_of, sizeof(*s->answer_of) * n);
	s->answers = xrealloc(s->answers, sizeof(*s->answers) * n);
	s->answer_of[s->nvs] = -1;
	s->answers[s->nvs] = -1;
	return s->nvs++;
}

int mdef_use_valueset(struct measure_set *s, const struct valuesets *vs, const char *name)
{
	int slot = slot_named(s, name);
	const struct valueset *v;

	if (slot >= 0)
		return s->vs[slot] ? slot : err_set("'%s' is an event list, not a value set", name);
	if (!(v = vs_find(vs, name)))
		return err_set("unknown value set '%s'", name);
	return slot_add(s, xstrdup(name), v, EV_NONE);
}

static int vs_slot(void *arg, const char *name)
{
	struct loader *ld = arg;
	struct measure_set *s = ld->set;
	enum builtin_event ev = builtin_named(name);
	const struct valueset *v = NULL;
	int slot = slot_named(s, name);

	if (slot >= 0)
		return slot;
	if (ev == EV_NONE && !(v = vs_find(ld->vsets, name)))
		return -1;
	return slot_add(s, xstrdup(name), v, ev);
}

/* The canonical text of `slot except (except...)`, or NULL with err_set()
 * if an item of except is not a value set. */
static char *except_name(const struct measure_set *s, int slot, const int *except, int n)
{
	char *name = xasprintf("%s except (", s->vs_names[slot]), *longer;

	for (int i = 0; i < n; i++) {
		if (!s->vs[except[i]]) {
			free(name);
			err_set("'except' takes value sets, not '%s'", s->vs_names[except[i]]);
			return NULL;
		}
		longer = xasprintf("%s%s%s", name, i ? " | " : "", s->vs_names[except[i]]);
		free(name);
		name = longer;
	}
	longer = xasprintf("%s)", name);
	free(name);
	return longer;
}

/* `LIST except (VS | ...)`: an ED visit list less the visits whose
 * principal diagnosis or procedure codes are in one of the value sets;
 * one slot for each distinct text, shared across measures. */
static int except_slot(void *arg, int slot, const int *except, int n)
{
	struct loader *ld = arg;
	struct measure_set *s = ld->set;
	enum builtin_event ev = s->builtin[slot];
	char *name;
	int found;

	if (ev != EV_ED_VISIT && ev != EV_ED_VISIT_ALL)
		return err_set("'except' follows event.ed_visit or event.ed_visit_all only");
	if (!(name = except_name(s, slot, except, n)))
		return -1;
	if ((found = slot_named(s, name)) >= 0) {
		free(name);
		return found;
	}
	found = slot_add(s, name, NULL, ev);
	s->except[found] = xmalloc(sizeof(int) * (size_t)n);
	memcpy(s->except[found], except, sizeof(int) * (size_t)n);
	s->nexcept[found] = n;
	return found;
}

/* A result set's unit, NULL for another set or an event list. */
static const char *unit_of(void *arg, int slot)
{
	struct loader *ld = arg;

	return ld->set->vs[slot] ? vs_unit(ld->set->vs[slot]) : NULL;
}

/* A named union of [valuesets] above the one being parsed. */
static int union_items(void *arg, const char *name, const int **slots, const int **with)
{
	struct loader *ld = arg;

	for (int i = 0; i < ld->union_limit; i++) {
		if (strcmp(ld->unions.v[i].name, name) == 0) {
			*slots = ld->union_of[i].events;
			*with = ld->union_of[i].answer_with;
			return ld->union_of[i].nevents;
		}
	}
	return -1;
}

/* `latest(SET, ...) = ANSWERS`: the slot of SET's results whose coded
 * value is in ANSWERS, one for each pair, shared across measures. */
static int answered_slot(void *arg, int slot, int answers)
{
	struct loader *ld = arg;
	struct measure_set *s = ld->set;
	char *name;
	int found;

	if (!s->vs[slot] || !s->vs[answers])
		return err_set("a coded answer compares value sets, not event lists");
	name = xasprintf("%s = %s", s->vs_names[slot], s->vs_names[answers]);
	if ((found = slot_named(s, name)) >= 0) {
		free(name);
		return found;
	}
	found = slot_add(s, name, NULL, EV_NONE);
	s->answer_of[found] = slot;
	s->answers[found] = answers;
	return found;
}

/* [valuesets]: each `name = vslist` in file order (a union may name the
 * unions above it); a name of a value set or event list is refused. */
static int parse_unions(struct loader *ld, const struct mx_names *names)
{
	ld->union_of = xcalloc((size_t)ld->unions.n + 1, sizeof(*ld->union_of));
	for (int i = 0; i < ld->unions.n; i++) {
		struct criterion *c = &ld->unions.v[i];
		struct subresult *u = &ld->union_of[i];

		ld->union_limit = i;
		if (vs_find(ld->vsets, c->name) || builtin_named(c->name) != EV_NONE)
			return err_set("%s:%d: '%s' is a value set already", ld->m->file, c->line,
				       c->name);
		u->nevents = mx_parse_vslist(c->text, names, &u->events, &u->answer_with);
		if (u->nevents < 0)
			return err_set("%s:%d: '%s': %s", ld->m->file, c->line, c->name, err_msg());
	}
	ld->union_limit = ld->unions.n;
	return 0;
}

static void unions_free(struct loader *ld)
{
	for (int i = 0; ld->union_of && i < ld->unions.n; i++) {
		free(ld->union_of[i].events);
		free(ld->union_of[i].answer_with);
	}
	free(ld->union_of);
	crit_list_free(&ld->unions);
}

static int ref_slot(void *arg, const char *name)
{
	struct loader *ld = arg;

	for (int i = 0; i < ld->ref_limit; i++)
		if (strcmp(ld->refs[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- [measure] ---- */

/* Index of value in words, or -1 with "key must be 'a' or 'b', not 'x'". */
static int one_of(const char *key, const char *value, const char *const *words)
{
	char list[128] = "";
	size_t used = 0;

	for (int i = 0; words[i]; i++) {
		if (strcmp(value, words[i]) == 0)
			return i;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s'%s'",
					 i == 0 ? "" : words[i + 1] ? ", " : " or ", words[i]);
	}
	return err_set("%s must be %s, not '%s'", key, list, value);
}

static int set_text(char **field, const char *key, const char *value)
{
	if (!*value)
		return err_set("%s must not be empty", key);
	*field = xstrdup(value);
	return 0;
}

static int measure_key(struct loader *ld, const char *key, const char *value)
{
	static const char *const direction[] = { "lower", "higher", NULL };
	static const char *const yes_no[] = { "no", "yes", NULL };
	static const char *const rules[] = { "anchor", "last", "most_days", "each", NULL };
	static const char *const kinds[] = { "proportion", "rate_per_1000_mm", NULL };
	static const enum enr_partner_rule rule_of[] = { ENR_ANCHOR, ENR_LAST, ENR_MOST_DAYS,
							 ENR_MOST_DAYS };
	struct measure *m = ld->m;
	int i;

	if (strcmp(key, "id") == 0) {
		for (const char *p = value; *p; p++)
			if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", *p))
				return err_set("id may hold letters, digits, '_' and '-' only");
		return set_text(&m->id, key, value);
	}
	if (strcmp(key, "name") == 0)
		return set_text(&m->name, key, value);
	if (strcmp(key, "version") == 0)
		return set_text(&m->version, key, value);
	if (strcmp(key, "steward") == 0)
		return set_text(&m->steward, key, value);
	if (strcmp(key, "direction") == 0) {
		if ((i = one_of(key, value, direction)) < 0)
			return -1;
		m->higher_is_better = i;
	} else if (strcmp(key, "kind") == 0) {
		if ((i = one_of(key, value, kinds)) < 0)
			return -1;
		m->kind = (enum measure_kind)i;
	} else if (strcmp(key, "denied_claims") == 0) {
		if ((i = one_of(key, value, yes_no)) < 0)
			return -1;
		m->count_denied = i;
	} else if (strcmp(key, "gaps") == 0) {
		if ((i = one_of(key, value, yes_no)) < 0)
			return -1;
		m->gaps = i;
	} else if (strcmp(key, "partner_rule") == 0) {
		if ((i = one_of(key, value, rules)) < 0)
			return -1;
		m->partner_rule = rule_of[i];
		/* each: one view per partner, whose only partner is its own */
		m->per_partner = strcmp(value, "each") == 0;
	} else if (strcmp(key, "partner_anchor") == 0) {
		/* parsed after [dates], whose names it may use */
	} else {
		return err_set("unknown key '%s' in [measure]", key);
	}
	return 0;
}

/* ---- [episode] ---- */

static int episode_key(struct loader *ld, const char *key, const char *value)
{
	if (strcmp(key, "events") == 0)
		return 0; /* parsed at the end, with the other names */
	if (strcmp(key, "collapse_days") != 0)
		return err_set("unknown key '%s' in [episode]", key);
	if (num_parse_int(value, 0, 3660, &ld->m->collapse_days) < 0)
		return err_set("collapse_days must be a whole number of days, not '%s'", value);
	return 0;
}

/* ---- sections ---- */

static int enter_section(struct loader *ld, const char *section)
{
	struct measure *m = ld->m;

	free(ld->section);
	ld->section = xstrdup(section);
	ld->last = NULL;
	ld->list = NULL;
	if (strcmp(section, "measure") == 0)
		ld->sec = SEC_MEASURE;
	else if (strcmp(section, "episode") == 0)
		ld->sec = SEC_EPISODE, ld->m->episodes = 1;
	else if (strcmp(section, "dates") == 0)
		ld->sec = SEC_DATES, ld->list = &ld->dates;
	else if (strcmp(section, "denominator") == 0)
		ld->sec = SEC_DENOM, ld->list = &m->denominator;
	else if (strcmp(section, "exclusions") == 0)
		ld->sec = SEC_EXCL, ld->list = &m->exclusions;
	else if (strcmp(section, "strata") == 0)
		ld->sec = SEC_STRATA;
	else if (strcmp(section, "valuesets") == 0)
		ld->sec = SEC_VALUESETS, ld->list = &ld->unions;
	else if (strncmp(section, "numerator.", 10) == 0 && section[10]) {
		for (int i = 0; i < m->nnum; i++)
			if (strcmp(m->num[i].name, section + 10) == 0)
				return err_set("sub-result '%s' is defined twice", section + 10);
		m->num = xrealloc(m->num, sizeof(*m->num) * (size_t)(m->nnum + 1));
		memset(&m->num[m->nnum], 0, sizeof(*m->num));
		m->num[m->nnum].name = xstrdup(section + 10);
		ld->list = &m->num[m->nnum++].crit;
		ld->sec = SEC_NUM;
	} else
		return err_set("unknown section [%s]", section);
	return 0;
}

static int add_stratum(struct loader *ld, const char *key, const char *value)
{
	struct measure *m = ld->m;

	m->strata = xrealloc(m->strata, sizeof(*m->strata) * (size_t)(m->nstrata + 1));
	memset(&m->strata[m->nstrata], 0, sizeof(*m->strata));
	m->strata[m->nstrata].name = xstrdup(key);
	ld->last = crit_add(&m->strata[m->nstrata++].crit, key, value);
	return 0;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct loader *ld = user;
	struct crit_list *list;
	struct criterion *dup;

	if ((!ld->section || strcmp(section, ld->section) != 0) &&
	    enter_section(ld, section) < 0)
		return -1;
	/* An indented continuation line repeats the key it continues; the
	 * same key written out again is a second definition. */
	if (ld->last && strcmp(ld->last->name, key) == 0 && !inifile_continued())
		return err_set("'%s' already set on line %d", key, ld->last->line);
	if (ld->last && strcmp(ld->last->name, key) == 0) {
		char *text = xasprintf("%s %s", ld->last->text, value);

		free(ld->last->text);
		ld->last->text = text;
		return 0;
	}
	list = ld->sec == SEC_MEASURE || ld->sec == SEC_EPISODE ? &ld->meta : ld->list;
	if (ld->sec == SEC_STRATA) {
		for (int i = 0; i < ld->m->nstrata; i++)
			if (strcmp(ld->m->strata[i].name, key) == 0)
				return err_set("'%s' already set on line %d", key,
					       ld->m->strata[i].crit.v[0].line);
		return add_stratum(ld, key, value);
	}
	if ((dup = crit_find(list, key)))
		return err_set("'%s' already set on line %d", key, dup->line);
	if (ld->sec == SEC_MEASURE || ld->sec == SEC_EPISODE) {
		struct criterion *c = crit_add(&ld->meta, key, value);

		/* the keys parsed after reading may go on on indented lines */
		ld->last = strcmp(key, "events") == 0 || strcmp(key, "partner_anchor") == 0 ?
			   c : NULL;
		return ld->sec == SEC_MEASURE ? measure_key(ld, key, value) :
						episode_key(ld, key, value);
	}
	ld->last = crit_add(list, key, value);
	return 0;
}

/* ---- after reading: parse and check ---- */

static int parse_crit(struct loader *ld, struct criterion *c, const struct mx_names *names)
{
	c->expr = mx_parse(c->text, names);
	if (!c->expr)
		return err_set("%s:%d: '%s': %s", ld->m->file, c->line, c->name, err_msg());
	return 0;
}

static int parse_list(struct loader *ld, struct crit_list *l, const struct mx_names *names)
{
	for (int i = 0; i < l->n; i++)
		if (parse_crit(ld, &l->v[i], names) < 0)
			return -1;
	return 0;
}

/* A rate's sub-result counts events: one key, `events = vs | vs`. */
static int parse_events(struct loader *ld, struct subresult *sub, const struct mx_names *names)
{
	struct criterion *c = &sub->crit.v[0];

	if (sub->crit.n != 1 || strcmp(c->name, "events") != 0)
		return err_set("%s:%d: [numerator.%s] of a rate measure has one key, "
			       "events = VALUESET | ...", ld->m->file, c->line, sub->name);
	sub->nevents = mx_parse_vslist(c->text, names, &sub->events, NULL);
	if (sub->nevents < 0)
		return err_set("%s:%d: 'events': %s", ld->m->file, c->line, err_msg());
	return 0;
}

static int parse_dates(struct loader *ld, const struct mx_names *names)
{
	struct measure *m = ld->m;
	struct criterion *anchor = crit_find(&ld->meta, "partner_anchor");

	m->ndates = ld->dates.n;
	m->dates = xcalloc((size_t)m->ndates + 1, sizeof(*m->dates));
	m->date_names = xcalloc((size_t)m->ndates + 1, sizeof(char *));
	for (int i = 0; i < m->ndates; i++) {
		struct criterion *c = &ld->dates.v[i];

		ld->date_limit = i;
		m->date_names[i] = xstrdup(c->name);
		if (mx_parse_date(c->text, names, &m->dates[i]) < 0)
			return err_set("%s:%d: date '%s': %s", m->file, c->line, c->name,
				       err_msg());
	}
	ld->date_limit = m->ndates;
	m->partner_anchor.base = MXD_MY_END;
	if (anchor && mx_parse_date(anchor->text, names, &m->partner_anchor) < 0)
		return err_set("%s:%d: partner_anchor: %s", m->file, anchor->line, err_msg());
	return 0;
}

static int check_required(const struct loader *ld)
{
	static const char *const keys[] = { "id", "name", "version", "steward",
					    "direction", NULL };
	const struct measure *m = ld->m;

	for (int i = 0; keys[i]; i++)
		if (!crit_find(&ld->meta, keys[i]))
			return err_set("%s: [measure] %s is required", m->file, keys[i]);
	if (m->denominator.n == 0)
		return err_set("%s: [denominator] needs at least one criterion", m->file);
	if (m->nnum == 0)
		return err_set("%s: needs at least one [numerator.NAME] section", m->file);
	for (int i = 0; i < m->nnum; i++)
		if (m->num[i].crit.n == 0)
			return err_set("%s: [numerator.%s] has no criterion", m->file,
				       m->num[i].name);
	return 0;
}

/* gaps: as written, else yes for a higher-is-better proportion (a member
 * missing a service is one a clinic can still reach) and no otherwise; a
 * rate has no member who misses anything. */
static int check_gaps(struct loader *ld)
{
	struct measure *m = ld->m;
	const struct criterion *c = crit_find(&ld->meta, "gaps");

	if (!c) {
		m->gaps = m->kind == MEASURE_PROPORTION && m->higher_is_better;
		return 0;
	}
	if (m->gaps && m->kind == MEASURE_RATE)
		return err_set("%s:%d: gaps = yes is for proportions (a rate counts events, "
			       "no member misses one)", m->file, c->line);
	return 0;
}

static int parse_episode(struct loader *ld, const struct mx_names *names)
{
	struct measure *m = ld->m;
	struct criterion *c = crit_find(&ld->meta, "events");

	if (!m->episodes)
		return 0;
	if (!c)
		return err_set("%s: [episode] needs events = EVENTS | ...", m->file);
	m->nindex_events = mx_parse_vslist(c->text, names, &m->index_events, &m->index_with);
	if (m->nindex_events < 0)
		return err_set("%s:%d: events: %s", m->file, c->line, err_msg());
	return 0;
}

static int parse_all(struct loader *ld)
{
	struct measure *m = ld->m;
	struct mx_names names = { date_slot, vs_slot, ref_slot, except_slot, ld, m->episodes,
				  unit_of, union_items, answered_slot };

	if (check_required(ld) < 0 || parse_unions(ld, &names) < 0 ||
	    parse_episode(ld, &names) < 0 ||
	    parse_dates(ld, &names) < 0 ||
	    parse_list(ld, &m->denominator, &names) < 0 ||
	    parse_list(ld, &m->exclusions, &names) < 0)
		return -1;
	for (int i = 0; i < m->nstrata; i++)
		if (parse_list(ld, &m->strata[i].crit, &names) < 0)
			return -1;
	if (check_gaps(ld) < 0)
		return -1;
	if (m->per_partner && (m->kind == MEASURE_RATE || m->episodes))
		return err_set("%s: partner_rule = each is for member-level proportions "
			       "(a rate credits each month's partner already)", m->file);
	ld->refs = m->num;
	for (int i = 0; i < m->nnum; i++) {
		ld->ref_limit = i;
		if (m->kind == MEASURE_RATE ? parse_events(ld, &m->num[i], &names) < 0 :
					      parse_list(ld, &m->num[i].crit, &names) < 0)
			return -1;
	}
	return 0;
}

static void measure_release(struct measure *m)
{
	free(m->file);
	free(m->id);
	free(m->name);
	free(m->version);
	free(m->steward);
	for (int i = 0; i < m->ndates; i++) {
		free(m->date_names[i]);
		if (m->dates)
			mx_date_release(&m->dates[i]);
	}
	free(m->date_names);
	free(m->dates);
	mx_date_release(&m->partner_anchor);
	crit_list_free(&m->denominator);
	crit_list_free(&m->exclusions);
	for (int i = 0; i < m->nnum; i++) {
		free(m->num[i].name);
		free(m->num[i].events);
		crit_list_free(&m->num[i].crit);
	}
	free(m->num);
	for (int i = 0; i < m->nstrata; i++) {
		free(m->strata[i].name);
		crit_list_free(&m->strata[i].crit);
	}
	free(m->strata);
	free(m->index_events);
	free(m->index_with);
}

/* Load path as the next measure of set.  Returns 0 or -1 with err_msg(). */
static int load_one(struct measure_set *set, const struct valuesets *vs, const char *path)
{
	struct loader ld = { 0 };
	int rc;

	set->m = xrealloc(set->m, sizeof(*set->m) * (size_t)(set->n + 1));
	ld.m = &set->m[set->n++];
	memset(ld.m, 0, sizeof(*ld.m));
	ld.m->file = xstrdup(path);
	ld.m->higher_is_better = 1;
	ld.set = set;
	ld.vsets = vs;
	rc = inifile_parse(path, on_key, &ld);
	if (rc == 0)
		rc = parse_all(&ld);
	for (int i = 0; rc == 0 && i < set->n - 1; i++)
		if (strcmp(set->m[i].id, ld.m->id) == 0)
			rc = err_set("%s: measure id '%s' is also used by %s", path,
				     ld.m->id, set->m[i].file);
	crit_list_free(&ld.dates);
	crit_list_free(&ld.meta);
	unions_free(&ld);
	free(ld.section);
	return rc;
}

struct measure_set *mdef_load_file(const char *path, const struct valuesets *vs)
{
	struct measure_set *set = xcalloc(1, sizeof(*set));

	if (load_one(set, vs, path) < 0) {
		mdef_free(set);
		return NULL;
	}
	return set;
}

struct measure_set *mdef_load_dir(const char *dir, const struct valuesets *vs)
{
	struct measure_set *set = xcalloc(1, sizeof(*set));
	size_t n;
	char **names = fs_list_dir(dir, &n);
	int rc = names ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		size_t len = strlen(names[i]);
		char *path;

		if (len <= 4 || strcmp(names[i] + len - 4, ".ini") != 0)
			continue;
		path = xasprintf("%s/%s", dir, names[i]);
		rc = load_one(set, vs, path);
		free(path);
	}
	if (names)
		fs_list_free(names, n);
	if (rc == 0 && set->n == 0)
		rc = err_set("%s: no measure definitions (*.ini)", dir);
	if (rc < 0) {
		mdef_free(set);
		return NULL;
	}
	return set;
}

void mdef_free(struct measure_set *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		measure_release(&s->m[i]);
	free(s->m);
	for (int i = 0; i < s->nvs; i++) {
		free(s->vs_names[i]);
		free(s->except[i]);
	}
	free(s->vs_names);
	free(s->except);
	free(s->nexcept);
	free(s->vs);
	free(s->builtin);
	free(s->answer_of);
	free(s->answers);
	free(s);
}

const struct measure *mdef_find(const struct measure_set *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->m[i].id, id) == 0)
			return &s->m[i];
	return NULL;
}

/* 1 if a criterion of l uses a node of kind k. */
static int list_uses(const struct crit_list *l, enum mx_kind k)
{
	for (int i = 0; i < l->n; i++)
		if (mx_uses(l->v[i].expr, k))
			return 1;
	return 0;
}

int mdef_uses(const struct measure_set *s, enum mx_kind k)
{
	for (int i = 0; i < s->n; i++) {
		const struct measure *m = &s->m[i];
		int used = list_uses(&m->denominator, k) || list_uses(&m->exclusions, k);

		for (int j = 0; !used && j < m->nnum; j++)
			used = list_uses(&m->num[j].crit, k);
		for (int j = 0; !used && j < m->nstrata; j++)
			used = list_uses(&m->strata[j].crit, k);
		if (used)
			return 1;
	}
	return 0;
}
