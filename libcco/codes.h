/*
 * codes.h: canonical spellings of medical codes, so that equal codes
 * compare equal as strings everywhere after normalize: ICD-10 without dots
 * in upper case, revenue codes as 4 digits, NDC as 11 digits (5-4-2), a
 * procedure code apart from modifiers written into it.
 *
 * Each function rewrites its NUL-terminated argument in place (the result
 * is never longer, except code_revenue and code_ndc11, which need a buffer
 * of at least CODE_MAX bytes) and returns the new length.
 */
#ifndef CCO_CODES_H
#define CCO_CODES_H

#include <stddef.h>

#define CODE_MAX 32

/* "f32.9" -> "F329".  Also applied to each '|'-separated list element. */
size_t code_icd(char *s);

/* "450" -> "0450" (buf of CODE_MAX bytes); other values unchanged. */
size_t code_revenue(char *buf);

/* "0002-3227-30" (4-4-2), "12345-678-90" (5-3-2), "12345-6789-0" (5-4-1)
 * and 10 or 11 bare digits -> 11 digits 5-4-2.  Returns 0 for a value that
 * is none of these (left unchanged). */
size_t code_ndc11(char *buf);

/* Split "99213-25" or "99213 25" or "9921325" (5+2) into the procedure
 * code, kept in proc, and modifiers appended to mods ('|'-separated, at
 * most CODE_MAX * 4 bytes).  Upper-cases both. */
void code_split_modifiers(char *proc, char *mods, size_t mods_cap);

#endif
