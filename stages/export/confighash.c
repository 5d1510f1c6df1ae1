/*
 * confighash.c: the identity of what a run's numbers depend on besides the
 * data: the measure definitions, value sets, targets and baselines.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "export.h"
#include "hash.h"
#include "xalloc.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "label/NAME<TAB>hash" for each file of dir, in name order. */
static int hash_dir(FILE *out, const char *dir, const char *label)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, hex[HASH_HEX_LEN + 1];
	size_t n = 0, alloc = 0;
	int rc = 0;

	if (!d)
		return err_set("cannot read directory '%s': %s", dir, strerror(errno));
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			xgrow(&names, &alloc, n + 1, sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);

		if (rc == 0 && (rc = hash_file(path, hex)) == 0)
			fprintf(out, "%s/%s\t%s\n", label, names[i], hex);
		free(path);
		free(names[i]);
	}
	free(names);
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
