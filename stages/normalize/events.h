/*
 * events.h: inpatient stays and ED visits of one member, derived from the
 * member's final claims and written when the member is done (see
 * cco-normalize(1), "DERIVED EVENTS").  Strings passed in must stay valid
 * until events_flush().
 */
#ifndef NORMALIZE_EVENTS_H
#define NORMALIZE_EVENTS_H

struct rec_writer;
struct valueset;
struct events;

/* transfer: discharge-status value set that joins a following admission. */
struct events *events_new(struct rec_writer *stays, struct rec_writer *ed,
			  const struct valueset *transfer);

/* One inpatient claim (not all lines denied). */
void events_stay_claim(struct events *e, const char *admit, const char *discharge,
		       const char *status, const char *dx, const char *source,
		       const char *claim_id);

/* One ED line on date. */
void events_ed(struct events *e, const char *date, int denied, const char *dx,
	       const char *source, const char *claim_id);

/* Write the member's stays and ED visits and forget them. */
void events_flush(struct events *e, const char *member);

void events_free(struct events *e);

#endif
