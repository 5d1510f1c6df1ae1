/*
 * events.c: stays are inpatient claims joined when they overlap (interim
 * bills of one stay) or when one is admitted on the day another was
 * discharged, or the day after, and the earlier one's discharge status is
 * a transfer.  ED visits are one per date; a visit on the day before an
 * admission through the discharge led to that stay.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "events.h"
#include "rec.h"
#include "valueset.h"
#include "xalloc.h"

struct item {
	int from, to;            /* admit and discharge; ED: the date twice */
	const char *date, *end;  /* their text */
	const char *status, *dx, *source, *claim_id;
	int denied;
};

struct events {
	struct rec_writer *stays_out, *ed_out;
	const struct valueset *transfer;
	struct item *stay, *ed;
	size_t nstay, stay_cap, ned, ed_cap;
	struct span {              /* the member's stays, after joining */
		int from, to;
	} *span;
	size_t nspan, span_cap;
	char *list;                /* claim list being built */
	size_t list_used, list_cap;
	char *entry;               /* "source:claim_id" of one item */
	size_t entry_cap;
};

struct events *events_new(struct rec_writer *stays, struct rec_writer *ed,
			  const struct valueset *transfer)
{
	struct events *e = xcalloc(1, sizeof(*e));

	e->stays_out = stays;
	e->ed_out = ed;
	e->transfer = transfer;
	return e;
}

static int day(const char *s)
{
	int d;

	return date_parse_iso(s, strlen(s), &d) == 0 ? d : DATE_NONE;
}

void events_stay_claim(struct events *e, const char *admit, const char *discharge,
		       const char *status, const char *dx, const char *source,
		       const char *claim_id)
{
	struct item it = { day(admit), day(discharge), admit, discharge, status,
			   dx, source, claim_id, 0 };

	if (it.from == DATE_NONE || it.to == DATE_NONE || it.to < it.from)
		return;
	xgrow(&e->stay, &e->stay_cap, e->nstay + 1, sizeof(it));
	e->stay[e->nstay++] = it;
}

void events_ed(struct events *e, const char *date, int denied, const char *dx,
	       const char *source, const char *claim_id)
{
	struct item it = { day(date), 0, date, date, "", dx, source, claim_id, denied };

	if (it.from == DATE_NONE)
		return;
	it.to = it.from;
	xgrow(&e->ed, &e->ed_cap, e->ned + 1, sizeof(it));
	e->ed[e->ned++] = it;
}

/* Admission, discharge, then non-denied first, source, claim id. */
static int cmp_item(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	if (a->denied != b->denied)
		return a->denied - b->denied;
	if ((c = strcmp(a->source, b->source)))
		return c;
	return strcmp(a->claim_id, b->claim_id);
}

static void list_reset(struct events *e)
{
	e->list_used = 0;
	xgrow(&e->list, &e->list_cap, 1, 1);
	e->list[0] = '\0';
}

/* e->entry = "source:claim_id"; returns its length. */
static size_t entry_of(struct events *e, const struct item *it)
{
	size_t ns = strlen(it->source), nc = strlen(it->claim_id);

	xgrow(&e->entry, &e->entry_cap, ns + nc + 2, 1);
	memcpy(e->entry, it->source, ns);
	e->entry[ns] = ':';
	memcpy(e->entry + ns + 1, it->claim_id, nc + 1);
	return ns + 1 + nc;
}

/* Append "source:claim_id" unless the list already holds it. */
static void list_add(struct events *e, const struct item *it)
{
	size_t n = entry_of(e, it);
	const char *entry = e->entry;

	for (const char *p = e->list; *p;) {
		size_t len = strcspn(p, "|");

		if (len == n && !strncmp(p, entry, n))
			return;
		p += len + (p[len] == '|');
	}
	xgrow(&e->list, &e->list_cap, e->list_used + n + 2, 1);
	if (e->list_used)
		e->list[e->list_used++] = '|';
	memcpy(e->list + e->list_used, entry, n + 1);
	e->list_used += n;
}

static void write_stay(struct events *e, const char *member, const struct item *first,
		       const struct item *last, int to, int transfers)
{
	char buf[DATE_ISO_LEN + 1];
	size_t id_len = entry_of(e, first);

	rec_put_str(e->stays_out, STAYS_member_id, member);
	rec_put_str(e->stays_out, STAYS_admit_date, first->date);
	date_format(to, buf);
	rec_put_str(e->stays_out, STAYS_discharge_date, buf);
	rec_put(e->stays_out, STAYS_stay_id, e->entry, id_len);
	rec_put_str(e->stays_out, STAYS_discharge_status, last->status);
	rec_put_str(e->stays_out, STAYS_principal_dx, first->dx);
	rec_put_str(e->stays_out, STAYS_claims, e->list);
	rec_put_int(e->stays_out, STAYS_transfers, transfers);
	rec_end(e->stays_out);
	xgrow(&e->span, &e->span_cap, e->nspan + 1, sizeof(*e->span));
	e->span[e->nspan].from = first->from;
	e->span[e->nspan++].to = to;
}

static void flush_stays(struct events *e, const char *member)
{
	size_t i = 0;

	if (e->nstay)
		qsort(e->stay, e->nstay, sizeof(*e->stay), cmp_item);
	while (i < e->nstay) {
		const struct item *first = &e->stay[i], *last = first;
		int to = first->to, transfers = 0;

		list_reset(e);
		list_add(e, first);
		for (i++; i < e->nstay; i++) {
			const struct item *it = &e->stay[i];
			int transfer = it->from <= to + 1 && it->from >= to &&
				       vs_contains(e->transfer, "DISCHSTAT", last->status);

			if (it->from >= to && !transfer)
				break;
			transfers += it->from >= to;
			list_add(e, it);
			if (it->to >= to) {
				to = it->to;
				last = it;
			}
		}
		write_stay(e, member, first, last, to, transfers);
	}
}

static int admitted(const struct events *e, int d)
{
	for (size_t s = 0; s < e->nspan; s++)
		if (d >= e->span[s].from - 1 && d <= e->span[s].to)
			return 1;
	return 0;
}

static void flush_ed(struct events *e, const char *member)
{
	size_t i = 0;

	if (e->ned)
		qsort(e->ed, e->ned, sizeof(*e->ed), cmp_item);
	while (i < e->ned) {
		const struct item *first = &e->ed[i];
		int denied = 1;

		list_reset(e);
		for (; i < e->ned && e->ed[i].from == first->from; i++) {
			denied &= e->ed[i].denied;
			list_add(e, &e->ed[i]);
		}
		rec_put_str(e->ed_out, ED_VISITS_member_id, member);
		rec_put_str(e->ed_out, ED_VISITS_ed_date, first->date);
		rec_put_int(e->ed_out, ED_VISITS_admitted, admitted(e, first->from));
		rec_put_int(e->ed_out, ED_VISITS_denied, denied);
		rec_put_str(e->ed_out, ED_VISITS_principal_dx, first->dx);
		rec_put_str(e->ed_out, ED_VISITS_claims, e->list);
		rec_end(e->ed_out);
	}
}

void events_flush(struct events *e, const char *member)
{
	e->nspan = 0;
	flush_stays(e, member);
	flush_ed(e, member);
	e->nstay = e->ned = 0;
}

void events_free(struct events *e)
{
	if (!e)
		return;
	free(e->stay);
	free(e->ed);
	free(e->span);
	free(e->list);
	free(e->entry);
	free(e);
}
