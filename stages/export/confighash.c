/*
 * confighash.c: the identity of what a run's numbers depend on besides the
 * data: the measure definitions, value sets, targets and baselines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "err.h"
#include "export.h"
#include "hash.h"
#include "xalloc.h"

/* "label/NAME<TAB>hash" for each file of dir, in name order. */
static int hash_dir(FILE *out, const char *dir, const char *label)
{
	char hex[HASH_HEX_LEN + 1];
	size_t n;
	char **names = fs_list_dir(dir, &n);
	int rc = names ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);

		if ((rc = hash_file(path, hex)) == 0)
			fprintf(out, "%s/%s\t%s\n", label, names[i], hex);
		free(path);
	}
	if (names)
		fs_list_free(names, n);
	return rc;
}

static int hash_one(FILE *out, const char *path, const char *label)
{
	char hex[HASH_HEX_LEN + 1];

	if (hash_file(path, hex) < 0)
		return -1;
	fprintf(out, "%s\t%s\n", label, hex);
	return 0;
}

int config_hash(const char *measures, const char *valuesets, const char *targets,
		const char *baselines, char out[33])
{
	char *lines = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&lines, &size);
	int rc;

	if (!fp)
		return err_set("out of memory");
	rc = hash_dir(fp, measures, "measures");
	if (rc == 0)
		rc = hash_dir(fp, valuesets, "valuesets");
	if (rc == 0)
		rc = hash_one(fp, targets, "targets");
	if (rc == 0)
		rc = hash_one(fp, baselines, "baselines");
	fclose(fp);
	hash_bytes(lines, size, out);
	free(lines);
	return rc;
}
