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

/* One line of --help's option list: its flags ("-c, --config FILE"; a
 * long option alone as the help shows it, "    --set K=V") and what it
 * does (further lines begin with '\n' and their own indent). */
struct cli_help {
	const char *flags, *text;
};

/* The common options' lines, for a program's list in its own order. */
#define CLI_HELP_CONFIG { "-c, --config FILE", "configuration (default config/pipeline.ini)" }
#define CLI_HELP_SET(arg, text) { "    --set " arg, text }
#define CLI_HELP_QUIET { "-q, --quiet", "print errors only" }
#define CLI_HELP_VERBOSE { "-v, --verbose", "say more" }
#define CLI_HELP_HELP { "-h, --help", "show this help" }, { "    --version", "show the version" }
#define CLI_EXIT_STAGE "Exit status: 0 success, 1 data or run failure, 2 usage or configuration error.\n"

/* The option lines of a stage with no options of its own. */
extern const struct cli_help cli_help_stage[];

/* What every pipeline stage's cli_program says alike: the configuration
 * loaded, the workspace locked, the stages' exit-status line. */
#define CLI_STAGE .closing = CLI_EXIT_STAGE, .config = 1, .lock = 1

/* What a program's run function is given. */
struct cli_run {
	struct cli *cli;
	struct config *cfg;   /* NULL unless the program loads one */
	int argc;             /* the operands */
	char **argv;
	void *state;          /* cli_main()'s */
};

/* What one program adds to the skeleton cli_main() runs: its --help, its
 * own options and its run function.  Every program's main() is one call
 * to cli_main() with its own cli_program. */
struct cli_program {
	const char *name;             /* "cco-normalize" */
	const char *synopsis;         /* --help's usage lines, after "usage: " */
	const char *about;            /* the paragraph(s) after them */
	const struct cli_help *help;  /* the option lines, ending with { NULL } */
	int help_column;              /* where the option texts begin */
	const char *closing;          /* the lines after the options */
	const char *short_opts;       /* its own (the common ones are added) */
	const struct option *long_opts; /* its own, ending with { NULL }, or NULL */
	/* one of its own options; NULL if it has none */
	void (*option)(struct cli *cli, int opt, const char *arg, void *state);
	int operands;                 /* FILE... arguments are allowed */
	/* after the options, before the configuration: check what the options
	 * and operands say together (exit 2 with cli_usage_error()); NULL if
	 * nothing to check */
	void (*check)(struct cli *cli, int argc, char **argv, void *state);
	int config;                   /* load the configuration */
	int lock;                     /* and take the workspace lock */
	/* the work; returns the exit status */
	int (*run)(const struct cli_run *in);
};

/* The skeleton of every program: set up messages, parse the common and
 * the program's options, load the configuration with --set (exit 2 on an
 * error), take the workspace lock, call p->run, release, and return its
 * exit status.  state is passed to p->option and p->run. */
int cli_main(const struct cli_program *p, int argc, char **argv, void *state);

/* p's --help text (allocated). */
char *cli_usage_text(const struct cli_program *p);

/* Set up cli and msg for program prog with help text usage. */
void cli_init(struct cli *cli, const char *prog, const char *usage);

/* Handle opt if it is a common option and return 1; return 0 for a
 * program's own option.  --help and --version print and exit 0; '?' (a bad
 * option, already reported by getopt) exits 2 with a hint. */
int cli_common(struct cli *cli, int opt, const char *arg);

/* Add an override "section.key=value" as --set does (assignment, not
 * copied, must outlive cli): a program's option that sets a key. */
void cli_add_set(struct cli *cli, const char *assignment);

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
