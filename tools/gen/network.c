/*
 * network.c: the provider network: partners of different sizes and
 * performance, their primary-care clinics with PCPs, and the hospitals,
 * dental, behavioral-health and specialty providers claims are billed by.
 * It depends on the seed and the member count only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gen.h"
#include "xalloc.h"

static const char *const partner_names[6] = {
	"Cascade Community Health",
	"Willamette Valley Health Partners, Inc.",
	"High Desert Care Alliance",
	"Columbia Pacific \"Coast\" Health",
	"Rogue River Medical Group",
	"Eastern Oregon Health Collaborative",
};

static const char *const towns[] = {
	"Salem", "Eugene", "Bend", "Medford", "Corvallis", "Albany", "Roseburg",
	"Klamath Falls", "Pendleton", "Hood River", "The Dalles", "Coos Bay",
	"Newport", "Astoria", "Grants Pass", "Redmond", "McMinnville", "Woodburn",
	"Hermiston", "Ontario", "Tillamook", "Lebanon", "Springfield", "Gresham",
};

static const char *const clinic_kinds[] = {
	"Family Medicine", "Community Health Center", "Pediatrics",
	"Family Clinic", "Primary Care", "Pediatrics, LLC",
};

static const char *const last_names[] = {
	"Nguyen", "Smith", "Garcia", "Johnson", "O'Brien", "Martinez", "Lee",
	"Patel", "Núñez", "Kowalski", "Hernandez", "Brown", "Kim", "Anderson", "Lopez",
	"Wilson", "Tran", "Olsen", "Begay", "Yazzie", "Schmidt", "Ivanova",
	"Haile", "Mohamed", "Chen", "Rivera", "Thompson", "Baker", "Sato",
};

static const char *const first_names[] = {
	"Anh", "Maria", "James", "Aisha", "Robert", "Lin", "Elena", "David",
	"Priya", "Samuel", "Rosa", "Michael", "Fatima", "Thomas", "Grace",
	"Luis", "José", "Hannah", "Omar", "Keiko", "Daniel", "Sofia", "Wei",
};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

int npi_check_digit(const char *nine)
{
	char digits[15];
	int sum = 0;

	memcpy(digits, "80840", 5);
	memcpy(digits + 5, nine, 9);
	/* Luhn: double every second digit from the right of the payload. */
	for (int i = 13, dbl = 1; i >= 0; i--, dbl = !dbl) {
		int d = digits[i] - '0';

		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

static struct provider *add_provider(struct network *net, int partner,
				     int clinic, enum role role, uint64_t npi_off)
{
	struct provider *p;
	unsigned long v;

	xgrow(&net->prov, &net->prov_alloc, (size_t)net->nprov + 1,
	      sizeof(*p));
	p = &net->prov[net->nprov];
	memset(p, 0, sizeof(*p));
	/* i * 7777777 mod 10^8 is a bijection (7777777 is coprime to 10),
	 * so NPIs are unique without a lookup. */
	v = 100000000UL + (unsigned long)(((uint64_t)net->nprov * 7777777ULL + npi_off) % 100000000ULL);
	snprintf(p->npi, sizeof(p->npi), "%09lu", v);
	p->npi[9] = (char)('0' + npi_check_digit(p->npi));
	p->npi[10] = '\0';
	p->partner = partner;
	p->clinic = clinic;
	p->role = role;
	net->nprov++;
	return p;
}

static void person_name(struct provider *p, struct rng *r, const char *cred)
{
	snprintf(p->name, sizeof(p->name), "%s, %s %s",
		 last_names[rng_below(r, NELEM(last_names))],
		 first_names[rng_below(r, NELEM(first_names))], cred);
}

static struct clinic *add_clinic(struct network *net, int partner,
				 const char *name, int primary)
{
	struct clinic *c;

	xgrow(&net->clinic, &net->clinic_alloc, (size_t)net->nclinic + 1,
	      sizeof(*c));
	c = &net->clinic[net->nclinic];
	snprintf(c->id, sizeof(c->id), "K%u%03u", (unsigned)(partner + 1) % 10,
		 (unsigned)(net->nclinic - net->part[partner].first_clinic + 1) % 1000);
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->partner = partner;
	c->first = net->nprov;
	c->count = 0;
	c->primary = primary;
	net->nclinic++;
	return c;
}

/* Add n providers of role to the newest clinic, named and classified. */
static void staff(struct network *net, int partner, enum role role, int n,
		  const struct pick *tax, const char *cred, const char *org,
		  struct rng *r, uint64_t npi_off)
{
	int ci = net->nclinic - 1;
	struct partner *pt = &net->part[partner];

	if (pt->role_count[role] == 0)
		pt->role_first[role] = net->nprov;
	for (int i = 0; i < n; i++) {
		struct provider *p = add_provider(net, partner, ci, role, npi_off);

		if (org)
			snprintf(p->name, sizeof(p->name), "%s", org);
		else
			person_name(p, r, cred);
		/* Clinic taxonomies (261Q...) belong to organisations. */
		for (int tries = 0; tries < 8; tries++) {
			pick_code(tax, r, p->taxonomy, sizeof(p->taxonomy));
			if ((strncmp(p->taxonomy, "261Q", 4) == 0) == (org != NULL) ||
			    (org && role == R_GROUP && strncmp(p->taxonomy, "207Q", 4) == 0))
				break;
		}
	}
	pt->role_count[role] += n;
	net->clinic[ci].count += n;
}

static void build_primary(struct network *net, const struct codes *c, int pi,
			  int nclinics, struct rng *r, uint64_t off)
{
	for (int i = 0; i < nclinics; i++) {
		char name[56];
		const char *town = towns[rng_below(r, NELEM(towns))];

		if (i == 1)
			snprintf(name, sizeof(name), "%s \"Open Door\" Clinic", town);
		else
			snprintf(name, sizeof(name), "%s %s", town,
				 clinic_kinds[rng_below(r, NELEM(clinic_kinds))]);
		add_clinic(net, pi, name, 1);
		staff(net, pi, R_GROUP, 1, &c->tax_pcp, NULL, name, r, off);
		staff(net, pi, R_PCP, rng_range(r, 2, 8), &c->tax_pcp,
		      rng_chance(r, 0.3) ? "NP" : "MD", NULL, r, off);
	}
}

static void build_facilities(struct network *net, const struct codes *c, int pi,
			     struct rng *r, uint64_t off)
{
	const char *town = towns[rng_below(r, NELEM(towns))];
	char name[56];

	snprintf(name, sizeof(name), "%s General Hospital", town);
	add_clinic(net, pi, name, 0);
	staff(net, pi, R_HOSPITAL, 1, &c->tax_hospital, NULL, name, r, off);
	staff(net, pi, R_EMERG, rng_range(r, 3, 6), &c->tax_ed, "MD", NULL, r, off);
	staff(net, pi, R_OBGYN, rng_range(r, 2, 4), &c->tax_obgyn, "MD", NULL, r, off);
	staff(net, pi, R_GASTRO, rng_range(r, 1, 3), &c->tax_gastro, "MD", NULL, r, off);
	staff(net, pi, R_RADIOLOGY, rng_range(r, 1, 2), &c->tax_radiology, "MD", NULL, r, off);
	snprintf(name, sizeof(name), "%s Clinical Laboratory", town);
	add_clinic(net, pi, name, 0);
	staff(net, pi, R_LAB, 1, &c->tax_lab, NULL, name, r, off);
	snprintf(name, sizeof(name), "%s Hospice & Palliative Care", town);
	add_clinic(net, pi, name, 0);
	staff(net, pi, R_HOSPICE, 1, &c->tax_hospice, NULL, name, r, off);
	snprintf(name, sizeof(name), "%s Smiles Dental", town);
	add_clinic(net, pi, name, 0);
	staff(net, pi, R_DENTAL_ORG, 1, &c->tax_dental, NULL, name, r, off);
	staff(net, pi, R_DENTIST, rng_range(r, 2, 5), &c->tax_dental, "DMD", NULL, r, off);
	snprintf(name, sizeof(name), "%s Behavioral Health", town);
	add_clinic(net, pi, name, 0);
	staff(net, pi, R_MH, rng_range(r, 3, 6), &c->tax_mh, "LCSW", NULL, r, off);
	snprintf(name, sizeof(name), "%s Recovery Center", town);
	add_clinic(net, pi, name, 0);
	staff(net, pi, R_SUD, rng_range(r, 1, 3), &c->tax_sud, "CADC", NULL, r, off);
}

int network_build(struct network *net, const struct codes *c, uint64_t seed,
		  unsigned long long members)
{
	struct rng r;
	uint64_t off;
	double wsum = 0;

	memset(net, 0, sizeof(*net));
	rng_seed(&r, seed, 0, 0x6e6574776f726bULL);
	off = rng_next(&r) % 100000000ULL;
	net->npart = rng_range(&r, 3, 6);
	for (int i = 0; i < net->npart; i++) {
		struct partner *p = &net->part[i];

		snprintf(p->id, sizeof(p->id), "P%02u", (unsigned)(i + 1) % 100);
		p->name = partner_names[i];
		p->weight = 0.5 + 3.0 * rng_unit(&r);
		p->perf = 0.6 + 0.7 * rng_unit(&r);
		wsum += p->weight;
	}
	for (int i = 0; i < net->npart; i++) {
		struct partner *p = &net->part[i];
		double share = p->weight / wsum;
		unsigned long long scaled = members / 20000 + 1;
		int n = 2 + (int)rng_below(&r, 3) + (int)(share * (double)(scaled < 200 ? scaled : 200));

		p->first_clinic = net->nclinic;
		p->nprimary = n;
		build_primary(net, c, i, n, &r, off);
		build_facilities(net, c, i, &r, off);
	}
	return 0;
}

void network_free(struct network *net)
{
	free(net->clinic);
	free(net->prov);
	memset(net, 0, sizeof(*net));
}

const struct provider *network_pick(const struct network *net, int p,
				    enum role role, struct rng *r)
{
	const struct partner *pt = &net->part[p];

	return &net->prov[pt->role_first[role] +
			  (int)rng_below(r, (uint32_t)pt->role_count[role])];
}

int network_write(const struct network *net, const char *dir)
{
	struct out_file o;
	struct row *row = xmalloc(sizeof(*row));

	if (out_open(&o, dir, "partners.csv", "partner_id,partner_name") < 0)
		return free(row), -1;
	for (int i = 0; i < net->npart; i++) {
		row_reset(row);
		row_add(row, net->part[i].id);
		row_add_name(row, net->part[i].name);
		out_row(&o, row);
	}
	if (out_commit(&o) < 0 ||
	    out_open(&o, dir, "providers.csv", "npi,provider_name,taxonomy,clinic_id,"
		     "clinic_name,partner_id,pcp_flag") < 0)
		return free(row), -1;
	for (int i = 0; i < net->nprov; i++) {
		const struct provider *p = &net->prov[i];
		const struct clinic *c = &net->clinic[p->clinic];

		row_reset(row);
		row_add(row, p->npi);
		row_add_name(row, p->name);
		row_add(row, p->taxonomy);
		row_add(row, c->id);
		row_add_name(row, c->name);
		row_add(row, net->part[p->partner].id);
		row_add(row, p->role == R_PCP ? "Y" : "N");
		out_row(&o, row);
	}
	free(row);
	return out_commit(&o);
}
