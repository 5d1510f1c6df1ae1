/*
 * names.h: a small table of interned names (partner ids, clinic ids), each
 * numbered in the order first seen.  The search is linear: for the tens of
 * partners and clinics of a CCO, never for members.
 */
#ifndef CCO_NAMES_H
#define CCO_NAMES_H

struct names {
	char **v; /* the names, owned */
	int n;
};

/* The number of name in t, adding it if new. */
int names_intern(struct names *t, const char *name);

/* Free the names; t is empty afterwards. */
void names_release(struct names *t);

#endif
