/*
 * msg.h: what the programs print.  Unlike the rest of the library, these
 * functions are for the executables: they write to stderr and die() exits.
 *
 * Every line is "PROG: message", lowercase, no trailing period, with control
 * characters escaped.  Messages carry counts, files and line numbers, never
 * member identifiers or codes.
 */
#ifndef CCO_MSG_H
#define CCO_MSG_H

/* Exit codes shared by every executable (see cco-pipeline(1)). */
#define CCO_EXIT_OK 0      /* success */
#define CCO_EXIT_FAIL 1    /* data or run failure */
#define CCO_EXIT_USAGE 2   /* usage or configuration error */

/* Verbosity: -1 quiet (errors only), 0 normal, 1 verbose. */
void msg_init(const char *prog, int verbosity);
const char *msg_prog(void);
int msg_verbosity(void);

void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* not with -q */
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* only with -v */

/* Print an error and exit with code. */
void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
