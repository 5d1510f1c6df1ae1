#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "hash.h"
#include "xalloc.h"
#include "xxh.h"

static void to_hex(XXH128_hash_t h, char out[HASH_HEX_LEN + 1])
{
	snprintf(out, HASH_HEX_LEN + 1, "%016llx%016llx",
		 (unsigned long long)h.high64, (unsigned long long)h.low64);
}

void hash_bytes(const void *data, size_t n, char out[HASH_HEX_LEN + 1])
{
	to_hex(XXH3_128bits(data, n), out);
}

int hash_file(const char *path, char out[HASH_HEX_LEN + 1])
{
	enum { BLOCK = 1 << 20 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	XXH3_state_t *st;
	char *buf;
	ssize_t got;

	if (fd < 0)
		return err_set("cannot open '%s': %s", path, strerror(errno));
	st = XXH3_createState();
	XXH3_128bits_reset(st);
	buf = xmalloc(BLOCK);
	while ((got = read(fd, buf, BLOCK)) > 0 || (got < 0 && errno == EINTR))
		if (got > 0)
			xxh128_update(st, buf, (size_t)got);
	if (got < 0)
		err_set("read error on '%s': %s", path, strerror(errno));
	else
		to_hex(XXH3_128bits_digest(st), out);
	XXH3_freeState(st);
	free(buf);
	close(fd);
	return got < 0 ? -1 : 0;
}
