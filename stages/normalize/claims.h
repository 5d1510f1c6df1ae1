/*
 * claims.h: medical and pharmacy claims handlers.
 */
#ifndef NORMALIZE_CLAIMS_H
#define NORMALIZE_CLAIMS_H

#include "normalize.h"

struct events;
struct claims;

/* Handler state for medical claims: writes to out, events to ev.  Returns
 * NULL with err_msg() set when a claim_categories value set is missing. */
struct claims *claims_new(struct norm *n, struct rec_writer *out,
			  struct events *ev);
void claims_free(struct claims *c);

/* 0 if every value set the categories need is defined, else -1 with
 * err_msg() naming the first missing one. */
int claims_check_valuesets(const struct valuesets *vs);

/* prep_fn for medical_claims: canonical codes. */
void claims_prep(char **f, size_t *len, struct scratch *s);

/* group_fn for medical_claims; arg is a struct claims. */
int claims_group(struct norm *n, struct group *g, struct counts *c, void *arg);

/* 1 if a claim status means denied. */
int claims_denied(const char *status);

/* prep_fn and group_fn for pharmacy_claims; arg is the output writer. */
void pharmacy_prep(char **f, size_t *len, struct scratch *s);
int pharmacy_group(struct norm *n, struct group *g, struct counts *c, void *arg);

#endif
