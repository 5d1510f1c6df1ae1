/*
 * err.h: how the library reports failure.
 *
 * Library functions never print and never exit.  On failure they record one
 * message with err_set() and return -1 (or NULL); the program that called
 * them decides what to print and which exit code to use (see msg.h).
 */
#ifndef CCO_ERR_H
#define CCO_ERR_H

/* Record a printf-style message as the last error; always returns -1.
 * The arguments may include err_msg() itself, to wrap it in context. */
int err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last message recorded on the calling thread (each thread has its
 * own), or "unknown error" if none was set. */
const char *err_msg(void);

#endif
