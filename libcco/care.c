/*
 * care.c: config/care.ini, the care-coordination criteria (cco-care(5)).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "care.h"
#include "err.h"
#include "inifile.h"
#include "num.h"
#include "xalloc.h"

static const char *const names[CARE_NCRITERIA] = {
	"chronic", "utilization", "polypharmacy", "open_gaps", "no_pcp_visit"
};

const char *care_name(enum care_criterion c)
{
	return names[c];
}

int care_named(const char *name)
{
	for (int i = 0; i < CARE_NCRITERIA; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* The whole-number keys of a rule, and the least each may be. */
static const struct {
	const char *key;
	size_t off;
	int min;
} int_keys[] = {
	{ "weight", offsetof(struct care_rule, weight), 0 },
	{ "months", offsetof(struct care_rule, months), 1 },
	{ "days", offsetof(struct care_rule, days), 1 },
	{ "at_least", offsetof(struct care_rule, at_least), 1 },
	{ "ed_visits", offsetof(struct care_rule, ed_visits), 1 },
	{ "inpatient_stays", offsetof(struct care_rule, inpatient_stays), 1 },
	{ "distinct_drugs", offsetof(struct care_rule, distinct_drugs), 1 },
	{ "with_prescribers", offsetof(struct care_rule, with_prescribers), 1 },
	{ "prescribers", offsetof(struct care_rule, prescribers), 1 },
};

static int add_conditions(struct care_def *c, const char *value)
{
	char *list = xstrdup(value), *save = NULL;

	for (char *t = strtok_r(list, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		c->conditions = xrealloc(c->conditions,
					 sizeof(char *) * (size_t)(c->nconditions + 1));
		c->conditions[c->nconditions++] = xstrdup(t);
	}
	free(list);
	return 0;
}

static int rule_key(struct care_def *c, struct care_rule *r, enum care_criterion k,
		    const char *key, const char *value)
{
	if (strcmp(key, "qualifies") == 0) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return err_set("qualifies must be yes or no, not '%s'", value);
		r->qualifies = strcmp(value, "yes") == 0;
		return 0;
	}
	if (k == CARE_CHRONIC && strcmp(key, "conditions") == 0)
		return add_conditions(c, value);
	for (size_t i = 0; i < sizeof(int_keys) / sizeof(int_keys[0]); i++)
		if (strcmp(key, int_keys[i].key) == 0) {
			int *field = (int *)((char *)r + int_keys[i].off);

			if (num_parse_int(value, int_keys[i].min, 100000, field) < 0)
				return err_set("%s must be a whole number from %d, not '%s'",
					       key, int_keys[i].min, value);
			return 0;
		}
	return err_set("unknown key '%s' in [%s]", key, names[k]);
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct care_def *c = user;
	int k;

	if (strcmp(section, "care") == 0) {
		if (strcmp(key, "min_score") != 0)
			return err_set("unknown key '%s' in [care]", key);
		if (num_parse_int(value, 0, 100000, &c->min_score) < 0)
			return err_set("min_score must be a whole number, not '%s'", value);
		return 0;
	}
	if ((k = care_named(section)) < 0)
		return err_set("unknown section [%s]", section);
	c->rule[k].on = 1;
	return rule_key(c, &c->rule[k], (enum care_criterion)k, key, value);
}

/* What each criterion needs to mean anything. */
static int check(const struct care_def *c, const char *path)
{
	const struct care_rule *r = c->rule;

	if (r[CARE_CHRONIC].on && (!c->nconditions || !r[CARE_CHRONIC].at_least ||
				   !r[CARE_CHRONIC].months))
		return err_set("%s: [chronic] needs conditions, at_least and months", path);
	if (r[CARE_UTILIZATION].on && (!r[CARE_UTILIZATION].months ||
				       (!r[CARE_UTILIZATION].ed_visits &&
					!r[CARE_UTILIZATION].inpatient_stays)))
		return err_set("%s: [utilization] needs months and ed_visits or "
			       "inpatient_stays", path);
	if (r[CARE_POLYPHARMACY].on && (!r[CARE_POLYPHARMACY].days ||
					!r[CARE_POLYPHARMACY].distinct_drugs))
		return err_set("%s: [polypharmacy] needs days and distinct_drugs", path);
	if (r[CARE_POLYPHARMACY].on &&
	    !r[CARE_POLYPHARMACY].with_prescribers != !r[CARE_POLYPHARMACY].prescribers)
		return err_set("%s: [polypharmacy] with_prescribers and prescribers go "
			       "together", path);
	if (r[CARE_OPEN_GAPS].on && !r[CARE_OPEN_GAPS].at_least)
		return err_set("%s: [open_gaps] needs at_least", path);
	if (r[CARE_NO_PCP_VISIT].on && !r[CARE_NO_PCP_VISIT].months)
		return err_set("%s: [no_pcp_visit] needs months", path);
	if (r[CARE_NO_PCP_VISIT].qualifies)
		return err_set("%s: [no_pcp_visit] cannot qualify a member alone", path);
	return 0;
}

int care_load(struct care_def *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->min_score = 1;
	if (inifile_parse(path, on_key, c) < 0)
		return -1;
	return check(c, path);
}

void care_release(struct care_def *c)
{
	for (int i = 0; i < c->nconditions; i++)
		free(c->conditions[i]);
	free(c->conditions);
	memset(c, 0, sizeof(*c));
}
