#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "msg.h"

static const char *prog = "cco";
static int verbosity;

void msg_init(const char *name, int level)
{
	prog = name;
	verbosity = level;
}

const char *msg_prog(void)
{
	return prog;
}

int msg_verbosity(void)
{
	return verbosity;
}

/* Print "prog: [prefix]message\n" with control characters escaped, so a
 * hostile file name cannot forge log lines or move the terminal cursor. */
__attribute__((format(printf, 2, 0)))
static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "%s: %s", prog, prefix);
	for (const unsigned char *p = (const unsigned char *)buf; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('\n', stderr);
}

#define PRINTER(name, prefix, cond)            \
	void name(const char *fmt, ...)        \
	{                                      \
		va_list ap;                    \
		if (!(cond))                   \
			return;                \
		va_start(ap, fmt);             \
		vprint(prefix, fmt, ap);       \
		va_end(ap);                    \
	}

PRINTER(msg_error, "", 1)
PRINTER(msg_warn, "warning: ", verbosity >= 0)
PRINTER(msg_info, "", verbosity >= 0)
PRINTER(msg_debug, "", verbosity > 0)

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
	exit(code);
}
