/*
 * test-tool: exposes library internals to the shell tests (as git's
 * t/helper does).  Not installed.
 *
 *   test-tool rec-write KIND LEVEL OUT < TSV    write rows of TSV (no header)
 *                                               as a record file of KIND,
 *                                               listed in OUT's directory's
 *                                               manifest
 *   test-tool config-get CONFIG KEY [SET...]    print a config value
 *   test-tool hash FILE                         print a file's content hash
 *   test-tool zst-frames FILE                   print where each zstd frame
 *                                               of FILE ends (byte offsets)
 *   test-tool vs-contains DIR SET SYSTEM CODE...
 *                                               load value sets, print
 *                                               "CODE 1|0" per code
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "afile.h"
#include "config.h"
#include "err.h"
#include "hash.h"
#include "manifest.h"
#include "rec.h"
#include "valueset.h"
#include "xalloc.h"

/* List out in the manifest of its directory, as the stage that writes
 * such files would (manifest.h).  Returns 0 or -1. */
static int list_in_manifest(const char *out, const struct rec_sum *sum)
{
	const char *slash = strrchr(out, '/');
	char *dir = slash ? xstrndup(out, (size_t)(slash - out)) : xstrdup(".");
	int rc = manifest_put(dir, slash ? slash + 1 : out, sum);

	free(dir);
	return rc;
}

static int rec_write(const char *kind, const char *level, const char *out)
{
	const struct rec_schema *s = rec_schema_find(kind);
	struct rec_sum sum;
	struct rec_writer *w;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!s)
		return fprintf(stderr, "test-tool: unknown kind '%s'\n", kind), 1;
	w = rec_writer_open(out, s, "none", atoi(level), AFILE_PHI);
	if (!w)
		return fprintf(stderr, "test-tool: %s\n", err_msg()), 1;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		char *p = line;
		int col = 0;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		for (char *tab; (tab = strchr(p, '\t')); p = tab + 1)
			rec_put(w, col++, p, (size_t)(tab - p));
		rec_put_str(w, col, p);
		rec_end(w);
	}
	free(line);
	if (rec_writer_close_sum(w, &sum) < 0 || list_in_manifest(out, &sum) < 0)
		return fprintf(stderr, "test-tool: %s\n", err_msg()), 1;
	return 0;
}

static int config_get(int argc, char **argv)
{
	struct config *c = config_load(argv[0]);

	for (int i = 2; c && i < argc; i++)
		if (config_set(c, argv[i]) < 0) {
			config_free(c);
			c = NULL;
		}
	if (!c)
		return fprintf(stderr, "test-tool: %s\n", err_msg()), 1;
	if (strcmp(argv[1], "all") == 0)
		config_dump(c, stdout);
	else if (strcmp(argv[1], "run.as_of") == 0)
		printf("%d\n", config_date(c, argv[1]));
	else
		printf("%s\n", config_str(c, argv[1]));
	config_free(c);
	return 0;
}

static int vs_contains_cmd(int argc, char **argv)
{
	struct valuesets *v = vs_load(argv[0]);
	const struct valueset *set;

	if (!v)
		return fprintf(stderr, "test-tool: %s\n", err_msg()), 1;
	set = vs_find(v, argv[1]);
	for (int i = 3; i < argc; i++)
		printf("%s %d\n", argv[i], vs_contains(set, argv[2], argv[i]));
	vs_free(v);
	return set ? 0 : (fprintf(stderr, "test-tool: no value set '%s'\n", argv[1]), 1);
}

/* The end offset of each zstd frame of path, one a line: where a file
 * cut at a frame boundary is cut.  Returns 0, or 1 if path is no zstd. */
static int zst_frames(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0, got, at = 0;

	if (!fp)
		return fprintf(stderr, "test-tool: cannot open '%s'\n", path), 1;
	do {
		xgrow(&data, &cap, n + 65536, 1);
		got = fread(data + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	fclose(fp);
	while (at < n) {
		size_t len = ZSTD_findFrameCompressedSize(data + at, n - at);

		if (ZSTD_isError(len)) {
			free(data);
			return fprintf(stderr, "test-tool: '%s': %s\n", path,
				       ZSTD_getErrorName(len)), 1;
		}
		at += len;
		printf("%zu\n", at);
	}
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	char hex[HASH_HEX_LEN + 1];

	if (argc == 5 && strcmp(argv[1], "rec-write") == 0)
		return rec_write(argv[2], argv[3], argv[4]);
	if (argc >= 4 && strcmp(argv[1], "config-get") == 0)
		return config_get(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "hash") == 0) {
		if (hash_file(argv[2], hex) < 0)
			return fprintf(stderr, "test-tool: %s\n", err_msg()), 1;
		puts(hex);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "zst-frames") == 0)
		return zst_frames(argv[2]);
	if (argc >= 5 && strcmp(argv[1], "vs-contains") == 0)
		return vs_contains_cmd(argc - 2, argv + 2);
	fprintf(stderr, "usage: test-tool rec-write|config-get|hash|zst-frames|vs-contains ...\n");
	return 2;
}
