/*
 * sweep.c: remove what a killed run left behind.  SIGKILL gives a stage no
 * chance to remove its temp files; they are never read as outputs, but they
 * would pile up.  The driver holds the workspace lock, so no stage is
 * writing: every *.tmp under a stage's output directory (export writes gap
 * lists into a subdirectory), and every sort run in WORKSPACE/tmp, is stale;
 * so are both under WORKSPACE/shards (shard.h).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline.h"
#include "xalloc.h"

static int is_subdir(const char *dir, const struct dirent *e)
{
	struct stat st;
	char *path;
	int yes;

	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
		return 0;
	path = xasprintf("%s/%s", dir, e->d_name);
	yes = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
	free(path);
	return yes;
}

/* Remove the files of dir whose names end in suffix or start with
 * prefix; with a suffix, in its subdirectories too.  Returns how many
 * were removed. */
static int sweep_dir(const char *dir, const char *suffix, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name), sl = suffix ? strlen(suffix) : 0;
		int stale = (suffix && len > sl && strcmp(e->d_name + len - sl, suffix) == 0) ||
			    (prefix && strncmp(e->d_name, prefix, strlen(prefix)) == 0);
		char *path;

		if (suffix && is_subdir(dir, e)) {
			path = xasprintf("%s/%s", dir, e->d_name);
			n += sweep_dir(path, suffix, prefix);
			free(path);
			continue;
		}
		if (!stale)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		n += unlink(path) == 0;
		free(path);
	}
	closedir(d);
	return n;
}

int sweep_stale(const char *workspace)
{
	const struct stage_def *stages = stage_table();
	char *dir = xasprintf("%s/tmp", workspace);
	int n = sweep_dir(dir, NULL, "cco-sort-");

	free(dir);
	for (int i = 0; i < stage_count(); i++) {
		dir = xasprintf("%s/%s", workspace, stages[i].output);
		n += sweep_dir(dir, ".tmp", NULL);
		free(dir);
	}
	dir = xasprintf("%s/shards", workspace);
	n += sweep_dir(dir, ".tmp", "cco-sort-");
	free(dir);
	return n;
}
