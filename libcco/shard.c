#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "num.h"
#include "shard.h"
#include "xalloc.h"
#include "xxh.h"

int shard_parse(const char *text, struct shard *out)
{
	const char *slash = strchr(text, '/');
	long long k, n;

	if (!slash || num_parse_n(text, (size_t)(slash - text), 1, SHARD_MAX, &k) < 0 ||
	    num_parse(slash + 1, 1, SHARD_MAX, &n) < 0 || k > n)
		return -1;
	*out = (struct shard){ (int)k, (int)n };
	return 0;
}

int shard_check(const struct config *c)
{
	const char *text = config_str(c, "run.shard");
	struct shard s;

	if (!*text || shard_parse(text, &s) < 0 || s.n == config_int(c, "run.shards"))
		return 0;
	return err_set("%s: run.shard '%s' is not a shard of run.shards %ld", config_file(c),
		       text, config_int(c, "run.shards"));
}

struct shard shard_this(const struct config *c)
{
	struct shard s = { 1, 1 };
	const char *text = config_str(c, "run.shard");

	if (*text)
		shard_parse(text, &s); /* checked when the configuration loaded */
	return s;
}

int shard_of_member(const char *id, size_t len, int n)
{
	return (int)(XXH3_64bits(id, len) % (unsigned)n) + 1;
}

char *shard_root(const char *ws, const struct shard *s)
{
	return s->n == 1 ? xstrdup(ws) : xasprintf("%s/shards/%d/%d", ws, s->n, s->k);
}

char *shard_root_of(const struct config *c)
{
	struct shard s = shard_this(c);

	return shard_root(config_str(c, "run.workspace"), &s);
}

char **shard_paths(const struct config *c, const char *rel, int *n)
{
	const char *ws = config_str(c, "run.workspace");
	char **paths;

	*n = (int)config_int(c, "run.shards");
	paths = xcalloc((size_t)*n, sizeof(*paths));
	for (int k = 1; k <= *n; k++) {
		struct shard s = { k, *n };
		char *root = shard_root(ws, &s);

		paths[k - 1] = xasprintf("%s/%s", root, rel);
		free(root);
	}
	return paths;
}

void shard_paths_free(char **paths, int n)
{
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
