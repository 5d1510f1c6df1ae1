/*
 * preflight.c: what a run checks before its first stage, so that a
 * mistake the last stage would find is found before the first one runs:
 * the field patterns and every layout (ingest), the measurement year's
 * targets and baselines (export), the value sets and every measure
 * definition (measure, export), a workspace it can write, and free space
 * there for this input.  The layouts load through the loader cco-ingest
 * uses (libcco/layout.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "layout.h"
#include "afile.h"
#include "err.h"
#include "mdef.h"
#include "msg.h"
#include "pipeline.h"
#include "valueset.h"
#include "xalloc.h"

/* Is stage name among those selected (from..to)? */
static int selected(const char *name, int from, int to)
{
	int i = stage_find(name);

	return i >= from && i <= to;
}

/* The measurement year's file under the directory config key names. */
static int year_file_readable(const struct config *c, const char *key, const char *what)
{
	char *path = xasprintf("%s/%ld.csv", config_str(c, key), config_int(c, "run.measurement_year"));
	int rc = 0;

	if (access(path, R_OK) != 0)
		rc = err_set("%s: no %s for measurement year %ld: cannot read '%s': %s", key,
			     what, config_int(c, "run.measurement_year"), path, strerror(errno));
	free(path);
	return rc;
}

/* The value sets and every measure definition load. */
static int definitions_load(const struct config *c)
{
	struct valuesets *vs = vs_load(config_str(c, "paths.valuesets"));
	struct measure_set *ms = vs ? mdef_load_dir(config_str(c, "paths.measures"), vs) : NULL;
	int rc = ms ? 0 : -1;

	mdef_free(ms);
	vs_free(vs);
	return rc;
}

/* Does name end in suffix? */
static int ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && strcmp(name + n - k, suffix) == 0;
}

/* Each layout (*.ini) in dir loads against the patterns ps. */
static int layouts_in_dir_load(const char *dir, const struct pattern_set *ps)
{
	size_t n;
	char **names = fs_list_dir(dir, &n);
	int rc = names ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct layout *l = ends_with(names[i], ".ini") ? layout_load(path, ps) : NULL;

		if (ends_with(names[i], ".ini") && !l)
			rc = -1;
		layout_free(l);
		free(path);
	}
	if (names)
		fs_list_free(names, n);
	return rc;
}

/* The field patterns and every layout load, as cco-ingest loads them. */
static int layouts_load(const struct config *c)
{
	struct pattern_set *ps = pattern_set_new();
	int rc = pattern_set_load(ps, config_str(c, "paths.patterns"));

	if (rc == 0)
		rc = layouts_in_dir_load(config_str(c, "paths.layouts"), ps);
	pattern_set_free(ps);
	return rc;
}

/* A file can be made, written and removed in the workspace. */
static int workspace_writable(const char *ws)
{
	char *path = xasprintf("%s/.preflight-%ld.tmp", ws, (long)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = 0;

	if (fd < 0 || write(fd, "x", 1) != 1)
		rc = err_set("run.workspace: cannot write in the workspace '%s': %s", ws,
			     strerror(errno));
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	free(path);
	return rc;
}

/* Bytes of the regular files in dir (not below it). */
static unsigned long long dir_bytes(const char *dir)
{
	unsigned long long sum = 0;
	size_t n;
	char **names = fs_list_dir(dir, &n);
	struct stat st;

	for (size_t i = 0; names && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);

		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			sum += (unsigned long long)st.st_size;
		free(path);
	}
	if (names)
		fs_list_free(names, n);
	return sum;
}

unsigned long long preflight_disk_estimate(const struct config *c)
{
	return 2 * dir_bytes(config_str(c, "paths.extracts"));
}

/* Free space in the workspace is at least the estimate for this input. */
static int disk_enough(const struct config *c, const char *ws)
{
	struct statvfs sv;
	unsigned long long need = preflight_disk_estimate(c), avail;

	if (statvfs(ws, &sv) != 0)
		return err_set("run.workspace: cannot read the free space of '%s': %s", ws,
			       strerror(errno));
	avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	if (avail < need)
		return err_set("not enough free space in the workspace '%s': %llu MB free, "
			       "%llu MB needed (twice the extracts)", ws, avail >> 20, need >> 20);
	return 0;
}

int preflight(const struct config *c, const char *ws, int from, int to)
{
	if (selected("ingest", from, to) && layouts_load(c) < 0)
		return CCO_EXIT_USAGE;
	if (selected("export", from, to) &&
	    (year_file_readable(c, "paths.targets", "targets") < 0 ||
	     year_file_readable(c, "paths.baselines", "baselines") < 0))
		return CCO_EXIT_USAGE;
	if ((selected("measure", from, to) || selected("export", from, to)) &&
	    definitions_load(c) < 0)
		return CCO_EXIT_USAGE;
	if (workspace_writable(ws) < 0)
		return CCO_EXIT_USAGE;
	if (disk_enough(c, ws) < 0)
		return CCO_EXIT_FAIL;
	return CCO_EXIT_OK;
}
