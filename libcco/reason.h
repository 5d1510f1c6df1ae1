/*
 * reason.h: why cco-ingest rejects a record (see cco-ingest(1), REJECTS).
 */
#ifndef CCO_REASON_H
#define CCO_REASON_H

/* In the order the summary and the man page list them. */
enum reason {
	R_MALFORMED_CSV, R_COLUMN_COUNT, R_INVALID_ENCODING, R_MISSING_FIELD,
	R_INVALID_DATE, R_INVALID_CODE, R_INVALID_NPI, R_INVALID_VALUE,
	R_UNKNOWN_MEMBER, R_COUNT
};

/* The reason's name, e.g. "invalid_date"; static. */
const char *reason_name(enum reason r);

#endif
