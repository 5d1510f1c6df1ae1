/*
 * contact.c: a member's synthetic name, phone and address.  Drawn from a
 * stream of the member's own (salted), so adding them left every other
 * draw of the generator as it was.  Phone numbers are in 555-0100 to
 * 555-0199, the range set aside for fiction; names are common ones, and
 * no combination is meant to be a real person.
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define NELEM(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define SALT_CONTACT 0x636f6e74616374ULL

static const char *const female_names[] = {
	"Maria", "Jennifer", "Linda", "Elizabeth", "Susan", "Jessica", "Sarah",
	"Karen", "Ana", "Emily", "Olivia", "Sofia", "Guadalupe", "Mai", "Olga",
	"Fatima", "Hannah", "Grace", "Rosa", "Lucia",
};
static const char *const male_names[] = {
	"James", "Robert", "John", "Michael", "David", "William", "Jose",
	"Daniel", "Juan", "Thomas", "Carlos", "Anthony", "Kevin", "Luis",
	"Minh", "Ivan", "Ahmed", "Samuel", "Noah", "Ethan",
};
static const char *const last_names[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
	"Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson",
	"Anderson", "Nguyen", "Lee", "Perez", "Thompson", "White", "Sanchez",
	"Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
	"King", "Wright", "Scott", "Torres", "Hill", "Flores", "Green", "Adams",
	"Nelson", "Baker", "Hall", "Rivera", "Campbell",
};
static const char *const streets[] = {
	"Main St", "Oak St", "Pine St", "Maple Ave", "Cedar St", "Elm St",
	"Willamette Ave", "River Rd", "Hawthorne Blvd", "Division St",
	"Mill St", "Lincoln St", "Jefferson St", "Park Ave", "Highland Dr",
};
/* an area code and town for each slice of the ZIP range cco-gen draws */
static const struct { int zip_below; const char *area, *city; } towns[] = {
	{ 97100, "503", "Salem" }, { 97200, "503", "Hillsboro" },
	{ 97300, "503", "Portland" }, { 97400, "541", "Corvallis" },
	{ 97500, "541", "Eugene" }, { 97600, "541", "Medford" },
	{ 97700, "541", "Klamath Falls" }, { 97800, "541", "Bend" },
	{ 97921, "541", "Pendleton" },
};

void contact_make(const struct gen *g, const struct member *m, struct contact *c)
{
	struct rng r;
	uint32_t t = 0;

	rng_seed(&r, g->o.seed, m->idx, SALT_CONTACT);
	c->first = m->sex == 'F' ? female_names[rng_below(&r, NELEM(female_names))]
				 : male_names[rng_below(&r, NELEM(male_names))];
	c->last = last_names[rng_below(&r, NELEM(last_names))];
	while (t + 1 < NELEM(towns) && m->zip >= towns[t].zip_below)
		t++;
	c->city = towns[t].city;
	snprintf(c->phone, sizeof(c->phone), "%s-555-01%02u", towns[t].area,
		 rng_below(&r, 100));
	if (rng_chance(&r, 0.04))
		c->phone[0] = '\0'; /* no number on file */
	snprintf(c->address, sizeof(c->address), "%d %s",
		 rng_range(&r, 100, 9999), streets[rng_below(&r, NELEM(streets))]);
	c->interpreter = strcmp(m->language, "English") != 0 && rng_chance(&r, 0.6);
}
