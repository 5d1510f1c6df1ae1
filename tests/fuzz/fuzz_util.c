/*
 * fuzz_util.c: the scratch files the fuzz targets hand to the code under
 * test, which reads paths, not memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

enum { NAMES = 16 };

static char dir[] = "/tmp/cco-fuzz-XXXXXX";
static int made;
static char *paths[NAMES];

static void remove_scratch(void)
{
	for (int i = 0; i < NAMES && paths[i]; i++) {
		char *slash = strrchr(paths[i], '/');

		unlink(paths[i]);
		*slash = '\0';
		if (strcmp(paths[i], dir) != 0)
			rmdir(paths[i]);
		free(paths[i]);
		paths[i] = NULL;
	}
	rmdir(dir);
}

static const char *path_of(const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	int i;

	for (i = 0; i < NAMES && paths[i]; i++)
		if (strcmp(paths[i] + strlen(dir) + 1, name) == 0)
			return paths[i];
	if (i == NAMES || !(paths[i] = malloc(n)))
		abort();
	snprintf(paths[i], n, "%s/%s", dir, name);
	if (strchr(name, '/')) { /* one level of subdirectory */
		char *slash = strrchr(paths[i], '/');

		*slash = '\0';
		if (mkdir(paths[i], 0700) != 0 && errno != EEXIST)
			abort();
		*slash = '/';
	}
	return paths[i];
}

const char *fuzz_file(const char *name, const void *data, size_t size)
{
	const char *path;
	int fd;

	if (!made) {
		if (!mkdtemp(dir))
			abort();
		made = 1;
		atexit(remove_scratch);
	}
	path = path_of(name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		data = (const char *)data + n;
		size -= (size_t)n;
	}
	if (close(fd) != 0)
		abort();
	return path;
}

const char *fuzz_root(void)
{
	const char *root = getenv("CCO_ROOT");

	return root && *root ? root : FUZZ_ROOT;
}
