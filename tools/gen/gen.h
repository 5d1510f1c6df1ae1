/*
 * gen.h: the parts of cco-gen, the synthetic extract generator.
 *
 * cco-gen builds one member at a time from a random stream derived from
 * (seed, member index) and writes all of that member's rows before the
 * next, so the output depends only on the arguments and memory does not
 * grow with the number of members.  Codes come from the value sets in
 * config/valuesets, the same files the measures read.
 */
#ifndef CCO_GEN_H
#define CCO_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "afile.h"

/* ---- rng.c: splitmix64-seeded xoshiro256** ---- */

struct rng {
	uint64_t s[4];
};

/* Seed r from the run seed, a stream number (member index) and a salt
 * that separates independent uses of the same stream. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream, uint64_t salt);
uint64_t rng_next(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);  /* 0 .. n-1; n > 0 */
int rng_range(struct rng *r, int lo, int hi);   /* lo .. hi inclusive */
double rng_unit(struct rng *r);                 /* [0, 1) */
int rng_chance(struct rng *r, double p);        /* 1 with probability p */
int rng_poisson(struct rng *r, double mean);    /* approximately Poisson */
int rng_geometric(struct rng *r, double mean, int max); /* 0.. with this mean */
int rng_weighted(struct rng *r, const double *w, int n);

/* ---- codelist.c: the value set files, read for drawing codes ---- */

enum code_kind { CODE_EXACT, CODE_RANGE, CODE_PREFIX };

struct code_entry {
	char system[12];
	char lo[16];           /* exact code, range start or prefix */
	char hi[16];           /* range end, else empty */
	enum code_kind kind;
};

struct code_set {
	char *name;
	struct code_entry *e;
	size_t n, alloc;
};

struct codelist {
	struct code_set *set;
	size_t n, alloc;
};

/* Read every .csv file in dir (in name order) into lib.  Returns 0, or -1 with
 * err_msg() naming file and line.  codelist_free() releases lib either way. */
int codelist_load(struct codelist *lib, const char *dir);
void codelist_free(struct codelist *lib);

/* The entries of one set in one code system, ready to draw from. */
struct pick {
	const struct code_entry **e;
	int n;
};

/* Fill p with set `name`'s entries of `system`.  Returns 0, or -1 with
 * err_msg() set when the set or that code system in it is missing.  The
 * caller frees p->e. */
int pick_init(struct pick *p, const struct codelist *lib, const char *name,
		 const char *system);

/* Draw one code of p into out (size bytes, truncated to fit): a member of a
 * range, a prefix with plausible digits appended; ICD-10-CM codes get their
 * dot, as extracts write them. */
void pick_code(const struct pick *p, struct rng *r, char *out, size_t size);
/* 1 if code (without dots) is one of p's codes, else 0. */
int pick_contains(const struct pick *p, const char *code);

/* ---- codes.c: the value sets the generator draws from ---- */

enum antigen {
	AG_DTAP, AG_IPV, AG_MMR, AG_HIB, AG_HEPB, AG_VZV, AG_PCV,
	AG_MEN, AG_TDAP, AG_HPV, AG_N
};

struct codes {
	struct pick vax_cpt[AG_N], vax_cvx[AG_N], hepb_newborn;
	struct pick well_cpt, well_hcpcs, well_dx, adult_prev, office, devscreen;
	struct pick prenatal, prenatal_dx, postpartum, postpartum_dx, tele_mod;
	struct pick fobt, sigmoid, colonoscopy, ctcol, fitdna, mammo, cytology, hpvtest;
	struct pick a1c_cpt, a1c_loinc;
	struct pick crc, colectomy_cpt, colectomy_pcs, mastectomy_bi, mastectomy_r,
		    mastectomy_l, cervix_dx, hysterectomy, hospice_hcpcs, hospice_rev;
	struct pick ed_cpt, ed_rev, ip_rev, ip_bill, op_bill, ip_visit;
	struct pick delivery_pcs, delivery_cpt, live_birth, delivery_dx, newborn_dx,
		    newborn_rev;
	struct pick mental, smi, self_harm, sud, sud_tx, mh_visit, tele_pos;
	struct pick prev_dental, oral_eval, dental_other;
	struct pick diabetes, diab_med, metformin;
	struct pick sick_dx, chronic_dx, ed_dx, lab_cpt, vax_admin, imm_dx;
	struct pick common_ndc, mh_ndc, sud_ndc, palliative;
	struct pick colon_screen_dx, breast_screen_dx, cervix_screen_dx, dental_dx;
	struct pick tax_pcp, tax_dental, tax_mh, tax_sud, tax_hospital, tax_ed,
		    tax_gastro, tax_obgyn, tax_radiology, tax_hospice, tax_lab;
	struct pick a1c_band, bp_systolic, bp_diastolic, hypertension; /* results.c */
};

/* Resolve every set the generator uses.  Returns 0, or -1 with err_msg()
 * naming the first missing set. */
int codes_init(struct codes *c, const struct codelist *lib);
void codes_free(struct codes *c);

/* ---- writer.c: CSV rows and output files ---- */

#define ROW_MAX_FIELDS 48
enum quote { Q_AUTO, Q_ALWAYS, Q_NEVER };

/* One CSV row being built: fields point into data or at constants. */
struct row {
	int n;
	const char *f[ROW_MAX_FIELDS];
	unsigned short len[ROW_MAX_FIELDS];
	unsigned char q[ROW_MAX_FIELDS];
	size_t used;
	char data[2048];
};

void row_reset(struct row *r);
void row_add(struct row *r, const char *s);       /* quoted if needed */
void row_add_name(struct row *r, const char *s);  /* always quoted */
void row_add_date(struct row *r, int day);        /* DATE_NONE: empty */
void row_add_uint(struct row *r, unsigned long long v);
void row_add_cents(struct row *r, long cents);    /* "123.45" */
/* Replace field i (0-based) with a copy of s, quoted as q says. */
void row_set(struct row *r, int i, const char *s, enum quote q);

struct out_file {
	struct afile af;
	char *name;               /* base name, for the manifest */
	unsigned long long lines; /* physical lines written, header included */
	int ncols;
};

/* Create dir/name (mode 0600) and write its header line.  Returns 0 or -1
 * with err_msg() set. */
int out_open(struct out_file *o, const char *dir, const char *name,
	     const char *header);
/* Write one formatted row; returns its 1-based line number. */
unsigned long long out_row(struct out_file *o, const struct row *r);
/* Commit (rename into place).  Returns 0 or -1 with err_msg() set; frees o. */
int out_commit(struct out_file *o);
void out_abort(struct out_file *o);

/* ---- network.c: partners, clinics and providers ---- */

enum role {
	R_PCP, R_GROUP, R_HOSPITAL, R_EMERG, R_GASTRO, R_OBGYN, R_RADIOLOGY,
	R_LAB, R_HOSPICE, R_DENTAL_ORG, R_DENTIST, R_MH, R_SUD, R_NROLES
};

struct provider {
	char npi[11];
	int partner, clinic;
	enum role role;
	char name[48];
	char taxonomy[12];
};

struct clinic {
	char id[12];
	char name[56];
	int partner;
	int first, count;  /* its providers, contiguous in net->prov */
	int primary;       /* 1 for a primary-care clinic */
};

struct partner {
	char id[8];
	const char *name;
	double weight;     /* share of members */
	double perf;       /* multiplier on preventive-care probabilities */
	int first_clinic, nprimary;  /* primary-care clinics come first */
	int role_first[R_NROLES], role_count[R_NROLES]; /* non-PCP providers */
};

struct network {
	struct partner part[6];
	int npart;
	struct clinic *clinic;
	int nclinic;
	size_t clinic_alloc;
	struct provider *prov;
	int nprov;
	size_t prov_alloc;
};

/* Build the provider network for the run (depends on seed and member count
 * only).  Returns 0 or -1 with err_msg() set. */
int network_build(struct network *net, const struct codes *c, uint64_t seed,
		  unsigned long long members);
void network_free(struct network *net);
/* A provider of role in partner p, drawn with r. */
const struct provider *network_pick(const struct network *net, int p,
				    enum role role, struct rng *r);
/* The NPI check digit (Luhn over the 80840 prefix) for 9 digits. */
int npi_check_digit(const char *nine);
/* Write partners.csv and providers.csv into dir. */
int network_write(const struct network *net, const char *dir);

/* ---- population.c: members, enrollment spans, PCP assignments ---- */

#define MAX_SPANS 16

struct span {
	int start, end;        /* inclusive day numbers */
	int partner, clinic;
	const struct provider *pcp;
	const char *benefit;
};

enum condition {
	C_DIABETES = 1, C_METFORMIN_ONLY = 2, C_MENTAL = 4, C_SUD = 8,
	C_CHRONIC = 16, C_CRC = 32, C_COLECTOMY = 64, C_MASTECTOMY = 128,
	C_NO_CERVIX = 256, C_HOSPICE = 512
};

struct member {
	unsigned long long idx;   /* 0-based; the id is M + idx + 1 */
	char id[24];
	int birth, death;         /* death DATE_NONE if alive */
	char sex;                 /* M, F or U */
	const char *race, *ethnicity, *language;
	int zip;
	struct span span[MAX_SPANS];
	int nspans;
	double prop;              /* own care-seeking, scales probabilities */
	unsigned cond;            /* enum condition bits */
	int hospice_day;          /* first hospice day, or DATE_NONE */
};

struct gen;

/* How to reach a member: synthetic, drawn apart from every other draw. */
struct contact {
	const char *first, *last, *city;
	char phone[16];     /* "541-555-0123", or empty */
	char address[48];
	int interpreter;    /* 1: an interpreter is needed */
};

/* The contact data of member m. */
void contact_make(const struct gen *g, const struct member *m, struct contact *c);

/* Draw member idx: demographics, conditions, enrollment history. */
void member_make(const struct gen *g, unsigned long long idx, struct member *m,
		 struct rng *r);
/* The span enrolled on day (the latest one that covers it) or -1; also -1
 * after death. */
int member_span_at(const struct member *m, int day);
/* Age in whole years on day. */
int member_age(const struct member *m, int day);
/* Write the member's members, enrollment and PCP assignment rows. */
void member_write(struct gen *g, const struct member *m, struct rng *r);

/* ---- claims.c: claims being built for one member ---- */

#define CLAIM_MAX_LINES 12
#define CLAIM_MAX_DX 12
#define MEMBER_MAX_CLAIMS 800
#define MEMBER_MAX_FILLS 300
#define MEMBER_MAX_SHOTS 120
#define MEMBER_MAX_LABS 40

struct cline {
	char proc[8];
	char rev[5];
	char mod[2][3];
	long cents;               /* allowed amount */
};

struct claim {
	char type;                /* 'P' or 'I' */
	int from, to;             /* service dates */
	int admit, discharge;     /* inpatient only, else DATE_NONE */
	char dstat[3];            /* discharge status */
	char bill[4];             /* bill type, 3 digits, institutional */
	char pos[3];              /* place of service, professional */
	char dx[CLAIM_MAX_DX][9];
	int ndx;
	char pcs[3][8];
	int npcs;
	const struct provider *billing, *rendering;
	struct cline line[CLAIM_MAX_LINES];
	int nlines;
	int seq;                  /* creation order: a stable sort key */
	int nresults;             /* of the lines, the last ones results.c
				     added (drawn from its own stream) */
};

struct fill {
	int day, seq;
	char ndc[16];
	int days, qty;
	const struct provider *prescriber;
};

struct shot {
	int day;
	char cvx[16];
};

struct labres {
	int day;
	char loinc[16];
	int tenths;               /* HbA1c percent x 10 */
};

/* One member's events, reused from member to member. */
struct memberbuf {
	struct claim *claim;
	int nclaim;
	struct fill *fill;
	int nfill;
	struct shot *shot;
	int nshot;
	struct labres *lab;
	int nlab;
};

void memberbuf_init(struct memberbuf *b);
void memberbuf_free(struct memberbuf *b);

/* The state of generating one member's care. */
struct care {
	struct gen *g;
	const struct member *m;
	struct rng *r;
	struct memberbuf *b;
};

/* Start a professional or institutional claim for the member, or NULL when
 * the member's buffer is full.  The caller adds diagnoses and lines. */
struct claim *claim_prof(struct care *k, int day, const struct provider *billing,
			 const struct provider *rendering, const char *pos);
struct claim *claim_inst(struct care *k, int from, int to,
			 const struct provider *facility, const struct pick *bill);
void claim_dx(struct claim *c, struct care *k, const struct pick *p);
void claim_dx_code(struct claim *c, const char *code);
/* Add a line with a procedure code drawn from p (NULL: none); returns it,
 * or NULL when the claim is full. */
struct cline *claim_line(struct claim *c, struct care *k, const struct pick *p,
			 long cents);
void claim_rev(struct cline *l, struct care *k, const struct pick *p);
void care_fill(struct care *k, int day, const struct pick *ndc, int days,
	       const struct provider *prescriber);
void care_shot(struct care *k, int day, const struct pick *cvx);
void care_lab(struct care *k, int day, const struct pick *loinc, int tenths);

/* Sort and write the member's claims, fills, registry and lab rows. */
void claims_write(struct gen *g, const struct member *m, struct memberbuf *b,
		  struct rng *r);
/* The same with the claim ids numbered from first_id (claims_write: 1). */
void claims_write_from(struct gen *g, const struct member *m, struct memberbuf *b,
		       struct rng *r, int first_id);

/* ---- care*.c: the services a member receives ---- */

/* Probability p scaled by the partner on day and the member, capped. */
double care_p(const struct care *k, int day, double p);
/* The partner enrolled on day (-1 if none). */
int care_partner(const struct care *k, int day);
/* The member's PCP (or a PCP of the partner) on day, NULL if not enrolled. */
const struct provider *care_pcp(const struct care *k, int day);
/* A random day of year y within the service window on which the member
 * is alive, or DATE_NONE. */
int care_day_in_year(const struct care *k, int y);
/* A provider of role at the partner the member is enrolled with on day,
 * or NULL when not enrolled or outside the service window. */
const struct provider *care_role(const struct care *k, int day, enum role role);
/* A primary-care office claim with the member's PCP on day (telehealth
 * now and then), or NULL when not enrolled then. */
struct claim *care_office(struct care *k, int day);
/* A professional claim by a provider of role (billed by the provider's
 * clinic organisation), or NULL when not enrolled then. */
struct claim *care_visit(struct care *k, int day, enum role role, const char *pos);
/* An ED visit on day (facility and professional claims), possibly leading
 * to an admission; dx is the principal diagnosis set.  Returns 1 if it
 * happened. */
int care_ed_visit(struct care *k, int day, const struct pick *dx);
/* Add the preventive visit line for the member's age on day: the
 * age-banded CPT code (99381-99387 new, 99391-99397 established) when the
 * well-care or adult preventive value set holds it, else one drawn from
 * the well-care set. */
void care_preventive_line(struct care *k, struct claim *c, int day);
/* An inpatient stay: returns the discharge day, or DATE_NONE. */
int care_inpatient(struct care *k, int admit, int los, const struct pick *dx);

void care_children(struct care *k);   /* care_child.c */
void care_adults(struct care *k);     /* care_adult.c */
void care_acute(struct care *k);      /* care_acute.c */
/* Result codes on the visits drawn so far (results.c): CPT II HbA1c bands
 * beside a diabetic member's HbA1c lab results, and for a member with
 * hypertension its diagnosis and CPT II blood pressure codes on office
 * visits.  Drawn from a stream of the member's own, so every other draw
 * is as it was. */
void care_results(struct care *k);
void care_routine(struct care *k);    /* care_adult.c: sick visits, dental */

/* ---- badrows.c: damage injected on request ---- */

enum damage {
	D_NONE, D_COLUMNS, D_QUOTE, D_BAD_DATE, D_IMPOSSIBLE_DATE, D_CODE,
	D_NPI, D_MEMBER, D_DUPLICATE, D_CR, D_UTF8, D_N
};

enum rowkind { K_MEMBER, K_MEDICAL, K_PHARMACY, K_OTHER };

struct damager {
	double rate;              /* 0: off */
	struct rng r;             /* reseeded per member */
	unsigned long long count[D_N];
	struct out_file man;      /* bad_rows_manifest.csv */
};

/* Write row r of kind k to o, damaged with probability rate (the row may
 * be changed).  Records every damaged line in the manifest. */
void emit_row(struct gen *g, struct out_file *o, struct row *r, enum rowkind k);
const char *damage_name(enum damage d);

/* ---- main.c: the run ---- */

struct gen_opts {
	unsigned long long members;
	int year, history, months;
	uint64_t seed;
	double bad_rate;
	int bad_rows;             /* --bad-rows given (even 0): write a manifest */
	const char *out;
};

struct gen {
	struct gen_opts o;
	int win_start, win_end;     /* services happen on these days */
	int adj_last;               /* no adjudication after this day */
	struct codes c;
	struct network net;
	struct out_file members, enrollment, pcp, imm, labs;
	struct out_file *med, *rx;  /* one file, or one per month */
	int nmonth, month0;         /* month files: count, first (y*12+m-1) */
	struct damager dmg;
	unsigned long long cur_idx; /* member being written */
	unsigned long long nmed, nrx, nclaims;
	struct out_file custody;    /* the ODHS custody roster */
	struct valuesets *vs;       /* the library's value sets: result bands */
};

/* custody.c: the member's ODHS custody episode, if any, to custody.csv,
 * and the assessments after it, from a stream of its own, as claims of
 * their own (built in buf, written after k's, ids from 9001). */
void custody_make(const struct care *k, struct memberbuf *buf);

/* The medical or pharmacy file for an adjudication or fill day. */
struct out_file *gen_med_file(struct gen *g, int day);
struct out_file *gen_rx_file(struct gen *g, int day);

#endif
