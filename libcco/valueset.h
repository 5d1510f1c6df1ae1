/*
 * valueset.h: named code lists from the CSV files in config/valuesets, the single
 * source of truth for codes (claim categories, measure numerators ...).
 *
 * Each file is CSV with the header `valueset,code_system,code,description`.
 * A code is exact ("99213", compared without dots), an inclusive range of
 * codes of the same length ("0100-0219", compared as strings) or a prefix
 * ("D*").  A value set's rows may span lines of one file but not files:
 * the same name in two files is an error.
 *
 * A file with the header `valueset,code_system,code,description,unit,value`
 * holds result sets: each set has one unit ("%", "mm[Hg]"); its LOINC
 * codes take their values from lab results, and its other codes are exact
 * CPT or HCPCS codes that stand for a band of values (CPT II 3044F: "<7.0").
 */
#ifndef CCO_VALUESET_H
#define CCO_VALUESET_H

#include <stddef.h>

#include "hash.h"
#include "verdict.h"

struct valuesets;
struct valueset;

/* Load every .csv file in dir (in name order).  Returns NULL with err_msg()
 * set as "FILE:LINE: what" on any malformed row, unknown code system or
 * duplicate value-set name.  Free with vs_free(). */
struct valuesets *vs_load(const char *dir);

/* The value set called name, or NULL. */
const struct valueset *vs_find(const struct valuesets *v, const char *name);

/* 1 if code (NUL-terminated) of code system `system` is in set, else 0.
 * A NULL set contains nothing.  O(log n) per exact/range lookup plus one
 * lookup per distinct prefix length. */
int vs_contains(const struct valueset *set, const char *system, const char *code);

/* One set's verdicts on short codes, remembered by a caller on one
 * thread: a member's claim lines repeat a few codes many times, and
 * vs_contains() searches sorted strings.  Verdicts are keyed by the code
 * and the system pointer (verdict.h), so a system passed as another
 * pointer with the same text is only a miss. */
struct vs_memo {
	const struct valueset *set;
	struct verdict_cache cache;
};

/* Start an empty memo of set (which may be NULL). */
void vs_memo_init(struct vs_memo *m, const struct valueset *set);

/* vs_contains(m->set, system, code), code being len bytes long. */
int vs_memo_contains(struct vs_memo *m, const char *system, const char *code,
		     size_t len);

/* The code system of a procedure code as claims carry it: a CDT code
 * starts with D, another HCPCS Level II code with a letter, a CPT code with
 * a digit (Category II and III codes end in a letter). */
const char *vs_procedure_system(const char *code);

/* Number of value sets loaded. */
int vs_count(const struct valuesets *v);

/* The i-th value set (in name order) and its name. */
const struct valueset *vs_at(const struct valuesets *v, int i);
const char *vs_name(const struct valueset *set);

/* A digest of what set contains (its codes, ranges and prefixes, not
 * their order in the file or their descriptions), as 32 hex digits: the
 * driver reruns a stage when a value set it uses changes. */
void vs_digest(const struct valueset *set, char out[HASH_HEX_LEN + 1]);

/* A result set's unit, or NULL for a set of codes without results (or a
 * NULL set). */
const char *vs_unit(const struct valueset *set);

/* 1 with *lo..*hi (thousandths, both included) if code of system is one
 * of set's codes that stand for a band of values, else 0. */
int vs_band(const struct valueset *set, const char *system, const char *code, int *lo,
	    int *hi);

void vs_free(struct valuesets *v);

#endif
