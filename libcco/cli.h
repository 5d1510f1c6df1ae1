/*
 * cli.h: the command-line conventions every executable shares (see
 * cco-pipeline(1), "COMMON OPTIONS"): -h/--help, --version, -c/--config,
 * --set, -q/--quiet, -v/--verbose.  Like msg.h, this is program-side code:
 * it prints and exits.
 */
#ifndef CCO_CLI_H
#define CCO_CLI_H

#include <getopt.h>

#include "config.h"

#ifndef CCO_VERSION
#define CCO_VERSION "0.0.0"
#endif

#define CCO_DEFAULT_CONFIG "config/pipeline.ini"

enum { CLI_OPT_VERSION = 0x100, CLI_OPT_SET, CLI_OPT_PRIVATE = 0x200 };

#define CLI_SHORT_OPTS "hc:qv"
#define CLI_LONG_OPTS                                            \
	{ "help", no_argument, NULL, 'h' },                      \
	{ "version", no_argument, NULL, CLI_OPT_VERSION },       \
	{ "config", required_argument, NULL, 'c' },              \
	{ "set", required_argument, NULL, CLI_OPT_SET },         \
	{ "quiet", no_argument, NULL, 'q' },                     \
	{ "verbose", no_argument, NULL, 'v' }

struct cli {
	const char *prog;        /* program name, e.g. "cco-ingest" */
	const char *usage;       /* full --help text */
	const char *config_path; /* -c, or CCO_DEFAULT_CONFIG */
	int verbosity;           /* -1, 0 or 1 */
	const char **sets;       /* --set assignments, in order given */
	int nsets;
};

/* Set up cli and msg for program prog with help text usage. */
void cli_init(struct cli *cli, const char *prog, const char *usage);

/* Handle opt if it is a common option and return 1; return 0 for a
 * program's own option.  --help and --version print and exit 0; '?' (a bad
 * option, already reported by getopt) exits 2 with a hint. */
int cli_common(struct cli *cli, int opt, const char *arg);

/* Exit 2 with "PROG: message" and a pointer to --help. */
void cli_usage_error(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Load the configuration and apply --set overrides; on error print it and
 * exit 2.  The caller frees the result with config_free(). */
struct config *cli_load_config(const struct cli *cli);

/* Make the run's workspace (mode 0700) and hold its lock for the rest of
 * the process (see wslock.h): the driver's when it started this stage,
 * else taken here.  Dies with exit 1 naming the holder's pid when another
 * run or stage holds it. */
void cli_lock_workspace(const struct config *c);

#endif
