#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* Per thread: a stage that runs kinds on threads reports each one's error. */
static _Thread_local char last_error[1024];

int err_set(const char *fmt, ...)
{
	char buf[sizeof(last_error)];
	va_list ap;

	/* Format into a copy first: callers may pass err_msg() itself as an
	 * argument to add context ("--set: %s"). */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memcpy(last_error, buf, sizeof(buf));
	return -1;
}

const char *err_msg(void)
{
	return last_error[0] ? last_error : "unknown error";
}
