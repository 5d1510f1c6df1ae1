/*
 * pattern.c: named, compiled, anchored PCRE2 patterns (see pattern.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "inifile.h"
#include "pattern.h"
#include "verdict.h"
#include "xalloc.h"

enum { MATCH_LIMIT = 100000, DEPTH_LIMIT = 1000 };

/* Codes repeat: a claims file holds a few thousand distinct procedure
 * codes in millions of lines.  The verdicts on recent short values are
 * kept in a verdict cache (verdict.h), which spares most matches. */
struct pattern {
	char *name;
	char *regex;               /* source text, for copies */
	pcre2_code *code;
	int jit;                   /* JIT-compiled: call the JIT directly */
	pcre2_match_data *md;      /* reused by every match */
	pcre2_match_context *mc;   /* carries the limits */
	struct verdict_cache **memo; /* made at the first match (a run
					loads many patterns, uses few) */
};

struct pattern_set {
	struct pattern **p;
	size_t n, alloc;
};

static void pattern_free(struct pattern *p)
{
	if (!p)
		return;
	pcre2_match_context_free(p->mc);
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->code);
	if (p->memo)
		free(*p->memo);
	free(p->memo);
	free(p->name);
	free(p->regex);
	free(p);
}

static struct pattern *pattern_compile(const char *name, const char *regex)
{
	struct pattern *p;
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE off;
	int code;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
				      PCRE2_ANCHORED | PCRE2_ENDANCHORED |
				      PCRE2_NO_AUTO_CAPTURE, &code, &off, NULL);

	if (!c) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		err_set("pattern %s: %s, at offset %zu", name, (char *)msg, (size_t)off);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->jit = pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) == 0; /* else interpreted */
	p->memo = xcalloc(1, sizeof(*p->memo));
	p->name = xstrdup(name);
	p->regex = xstrdup(regex);
	p->code = c;
	p->md = pcre2_match_data_create(1, NULL);
	p->mc = pcre2_match_context_create(NULL);
	if (!p->md || !p->mc) {
		pattern_free(p);
		err_set("pattern %s: out of memory", name);
		return NULL;
	}
	pcre2_set_match_limit(p->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(p->mc, DEPTH_LIMIT);
	return p;
}

struct pattern_set *pattern_set_new(void)
{
	return xcalloc(1, sizeof(struct pattern_set));
}

static struct pattern **slot(const struct pattern_set *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i]->name, name) == 0)
			return &ps->p[i];
	return NULL;
}

int pattern_set_add(struct pattern_set *ps, const char *name, const char *regex)
{
	struct pattern *p = pattern_compile(name, regex);
	struct pattern **old;

	if (!p)
		return -1;
	old = slot(ps, name);
	if (old) {
		pattern_free(*old);
		*old = p;
		return 0;
	}
	xgrow(&ps->p, &ps->alloc, ps->n + 1, sizeof(*ps->p));
	ps->p[ps->n++] = p;
	return 0;
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value)
{
	if (strcmp(section, "patterns") != 0)
		return err_set("unknown section [%s]", section);
	return pattern_set_add(user, key, value);
}

int pattern_set_load(struct pattern_set *ps, const char *path)
{
	return inifile_parse(path, on_key, ps);
}

struct pattern_set *pattern_set_copy(const struct pattern_set *ps)
{
	struct pattern_set *c = pattern_set_new();

	for (size_t i = 0; i < ps->n; i++)
		if (pattern_set_add(c, ps->p[i]->name, ps->p[i]->regex) < 0)
			abort(); /* it compiled once already */
	return c;
}

const struct pattern *pattern_find(const struct pattern_set *ps, const char *name)
{
	struct pattern **p = slot(ps, name);

	return p ? *p : NULL;
}

static int match(const struct pattern *p, const char *s, size_t n)
{
	if (p->jit)
		return pcre2_jit_match(p->code, (PCRE2_SPTR)s, n, 0, 0, p->md, p->mc) >= 0;
	return pcre2_match(p->code, (PCRE2_SPTR)s, n, 0, 0, p->md, p->mc) >= 0;
}

int pattern_match(const struct pattern *p, const char *s, size_t n)
{
	struct verdict_slot *e;
	int hit;

	if (n == 0 || n > VERDICT_MAX)
		return match(p, s, n);
	if (!*p->memo)
		*p->memo = xcalloc(1, sizeof(**p->memo));
	e = verdict_slot(*p->memo, NULL, s, n, &hit);
	if (!hit)
		e->answer = (uint32_t)match(p, s, n);
	return (int)e->answer;
}

void pattern_set_free(struct pattern_set *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		pattern_free(ps->p[i]);
	free(ps->p);
	free(ps);
}
