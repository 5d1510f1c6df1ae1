/*
 * outputs.c: every output is written to its .tmp name while the stage
 * runs and renamed into place only after all of them were written, so a
 * failed run leaves the previous outputs untouched.
 */
#include <stdlib.h>

#include "afile.h"
#include "err.h"
#include "manifest.h"
#include "normalize.h"
#include "xalloc.h"

struct rec_writer *norm_output(struct norm *n, const char *name,
			       const char *kind, const char *sort)
{
	const struct rec_schema *s = rec_schema_find(kind);
	char *path = xasprintf("%s/%s", n->out_dir, name);
	struct rec_writer *w = rec_writer_open(path, s, sort, n->level, AFILE_PHI);

	free(path);
	if (!w)
		return NULL;
	n->outs = xrealloc(n->outs, sizeof(*n->outs) * (size_t)(n->nouts + 1));
	n->outs[n->nouts++] = w;
	return w;
}

int norm_commit_all(struct norm *n)
{
	int rc = manifest_commit(n->out_dir, n->outs, n->nouts, 1);

	free(n->outs);
	n->outs = NULL;
	n->nouts = 0;
	return rc;
}

void norm_abort_all(struct norm *n)
{
	for (int i = 0; i < n->nouts; i++)
		rec_writer_abort(n->outs[i]);
	free(n->outs);
	n->outs = NULL;
	n->nouts = 0;
}
