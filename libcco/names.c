#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "xalloc.h"

int names_intern(struct names *t, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->v[i], name) == 0)
			return i;
	t->v = xrealloc(t->v, sizeof(char *) * (size_t)(t->n + 1));
	t->v[t->n] = xstrdup(name);
	return t->n++;
}

void names_release(struct names *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
