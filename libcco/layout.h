/*
 * layout.h: extract layouts, the .ini files in config/layouts (see
 * config/layouts/README.md): how one source format's rows become canonical
 * record rows.  The layout language is a library, as the measure language
 * is: cco-ingest reads extracts through it, the driver's pre-flight loads
 * every layout with it.
 */
#ifndef CCO_LAYOUT_H
#define CCO_LAYOUT_H

#include <stddef.h>

#include "csvin.h"
#include "pattern.h"
#include "rec.h"
#include "reason.h"

#define LAYOUT_MAX_OUTPUTS 4
#define LAYOUT_MAX_COLS 32    /* columns of an output kind */

enum derive {
	DERIVE_NONE,
	DERIVE_YEAR_START,  /* value is a year: Jan 1 of it */
	DERIVE_YEAR_MONTHS, /* value is a year: Jan 1 + months - 1 day */
	DERIVE_CLAIM_TYPE,  /* value is a bill type: I when there is one, else P */
};

enum check {
	CHECK_NONE,
	CHECK_DATE,     /* parsed with the date format, in range */
	CHECK_PATTERN,  /* a named pattern; reason from the field */
};

struct map_entry {
	char *from, *to;
};

/* One canonical field of one output kind. */
struct lfield {
	char *name;          /* canonical column, e.g. "dx_codes" */
	int out;             /* index in layout->out[] */
	int col;             /* its column in the output schema */
	int line;            /* where declared, for messages */
	/* where the value comes from: one of these */
	char *column;        /* header name, "{n}" replaced by the slot */
	int position;        /* 1-based column number, 0 if none */
	char *constant;
	char *filename_re;   /* capture 1 of this regex on the file name */
	char *fixed;         /* the value of constant or filename_re, once bound */
	int slot_number;     /* the slot number of its group */
	/* repetition */
	char *group_name;
	int group;           /* index in layout->group[], or -1 */
	int list_lo, list_hi;/* list of slots joined with '|'; 0 if not a list */
	int *cols;           /* resolved input column per slot (or [0]); -1 absent */
	int optional;        /* column may be missing from the header: empty */
	int ncols;
	/* clean-up */
	int trim;            /* strip surrounding blanks (default yes) */
	int ucase, lcase;
	char *strip;         /* characters removed, e.g. "." */
	/* clean-up as tables of the byte read, made once per layout: */
	unsigned char drop[256];  /* 1: removed (strip; TAB, CR, LF as a space) */
	unsigned char xlat[256];  /* what it becomes (TAB, CR, LF to a space, case) */
	unsigned char touch[256]; /* 1: a value holding it must be copied to be
				     cleaned (dropped, changed, an NDC hyphen) */
	int zero_pad;        /* left-pad shorter non-empty values with 0s */
	int ndc_pad;         /* hyphenated NDC (4-4-2, 5-3-2, 5-4-1) to 5-4-2 */
	struct map_entry *map;
	int nmap;
	/* checks */
	int required;
	enum check check;
	const struct pattern *pat;
	char *pat_name;
	enum reason reason;  /* of a pattern mismatch; 0 until set */
	int is_npi;          /* pattern npi: the check digit is verified too */
	int plain;           /* no strip, case, map or padding: copy as is */
	char *date_format;   /* NULL: the file's */
	const char *date_fmt; /* the format in force (this or the file's) */
	int date_iso;        /* it is YYYY-MM-DD: parsed, not rewritten */
	char **values;       /* allowed values, NULL-terminated, or NULL */
	int member_check;    /* the member must be known (claims) */
	int period_check;    /* service date against the extract period */
	enum derive derive;
	char *months_column; /* DERIVE_YEAR_MONTHS: coverage month count */
	int months_col;
};

/* A repeated column group: one output row per filled slot. */
struct lgroup {
	char *name;
	int lo, hi;          /* slot range */
	char *key;           /* field whose value makes a slot filled */
	int key_field;       /* index in layout->field[] */
};

struct layout {
	char *name;          /* file name without .ini */
	char *path;
	struct pattern_set *match; /* "match": regex on the base file name */
	const struct rec_schema *out[LAYOUT_MAX_OUTPUTS];
	int out_ncols[LAYOUT_MAX_OUTPUTS]; /* their column counts */
	int out_group[LAYOUT_MAX_OUTPUTS]; /* the repeated group each output's
					      fields come from, or -1 */
	int nout;
	struct csvin_opts csv;
	int header;          /* first record names the columns */
	int columns;         /* expected column count without a header; 0 any */
	char *source;        /* data-source name, the `source` column */
	char *date_format;   /* default "YYYY-MM-DD" */
	char *dx_system;     /* documentation only, e.g. "ICD9" */
	/* the period the extract claims to cover: rows dated outside it are
	 * counted (a warning, not a reject) */
	char *period_re;     /* capture 1 of this on the file name: YYYYMM or YYYY */
	int period_from, period_to;     /* as set, or DATE_NONE */
	char *period_field;  /* the date column checked (of the first kind) */
	int period_col;      /* its output column, or -1: no check */
	int bound_from, bound_to;       /* the period of the bound file */
	struct pattern_set *patterns; /* shared set plus the layout's own */
	struct lfield *field;
	int nfield;
	int member_field;    /* the field checked against members, or -1 */
	struct lgroup *group;
	int ngroup;
};

/* Load one layout file, checking kinds, columns and patterns against the
 * shared pattern set ps (copied if the layout overrides patterns).
 * Returns NULL with err_msg() naming file and line.  Free with
 * layout_free(). */
struct layout *layout_load(const char *path, const struct pattern_set *ps);

/* Resolve the input column of every field from the header (NULL without
 * one: positions) and the values taken from the file's base name.  Returns
 * 0, or -1 with err_msg() naming the first column not found or the first
 * column name the header repeats. */
int layout_bind(struct layout *l, const char *basename, char *const *header,
		int n);

/* 1 if the layout's match regex matches the file's base name. */
int layout_matches(const struct layout *l, const char *basename);

/* The kinds written, joined by ',' (e.g. "members,enrollment"); static. */
const char *layout_kinds(const struct layout *l, char *buf, size_t n);

void layout_free(struct layout *l);

#endif
