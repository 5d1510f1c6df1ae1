/*
 * agg.h: per-partner and per-clinic counts, summed as members are
 * evaluated.  Keys are small interned numbers; the table grows with
 * measures x sub-results x strata x partners x clinics, never with
 * members.  Counts are plain sums, so shards combine by adding rows.
 */
#ifndef CCO_AGG_H
#define CCO_AGG_H

struct rec_writer;
struct measure_set;

struct agg_key {
	int measure, sub, stratum;   /* stratum -1: all members */
	int partner, clinic;         /* indexes into agg's name tables */
};

struct agg;

struct agg *agg_new(void);

/* Interned name of a partner or clinic ("" allowed). */
int agg_partner(struct agg *a, const char *id);
int agg_clinic(struct agg *a, const char *id);

/* Add to the counts under key: for proportions one member (or episode)
 * at a time, for rates member months and events. */
void agg_add(struct agg *a, const struct agg_key *k, long long denominator,
	     long long exclusions, long long numerator);

/* Write every row, sorted by measure id, sub-result, stratum, partner and
 * clinic.  Errors are the writer's. */
void agg_write(struct agg *a, struct rec_writer *w, const struct measure_set *ms);

void agg_free(struct agg *a);

#endif
