#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "cli.h"
#include "config.h"
#include "err.h"
#include "msg.h"
#include "wslock.h"
#include "xalloc.h"

void cli_init(struct cli *cli, const char *prog, const char *usage)
{
	cli->prog = prog;
	cli->usage = usage;
	cli->config_path = CCO_DEFAULT_CONFIG;
	cli->verbosity = 0;
	cli->sets = NULL;
	cli->nsets = 0;
	msg_init(prog, 0);
}

void cli_add_set(struct cli *cli, const char *assignment)
{
	cli->sets = xrealloc(cli->sets, sizeof(char *) * (size_t)(cli->nsets + 1));
	cli->sets[cli->nsets++] = assignment;
}

int cli_common(struct cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case 'h':
		fputs(cli->usage, stdout);
		exit(fclose(stdout) == 0 ? CCO_EXIT_OK : CCO_EXIT_FAIL);
	case CLI_OPT_VERSION:
		printf("%s %s\n", cli->prog, CCO_VERSION);
		exit(fclose(stdout) == 0 ? CCO_EXIT_OK : CCO_EXIT_FAIL);
	case 'c':
		cli->config_path = arg;
		return 1;
	case CLI_OPT_SET:
		cli_add_set(cli, arg);
		return 1;
	case 'q':
		cli->verbosity = -1;
		msg_init(cli->prog, -1);
		return 1;
	case 'v':
		cli->verbosity = 1;
		msg_init(cli->prog, 1);
		return 1;
	case '?':
		fprintf(stderr, "Try '%s --help' for more information.\n", cli->prog);
		exit(CCO_EXIT_USAGE);
	}
	return 0;
}

void cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	msg_error("%s", buf);
	fprintf(stderr, "Try '%s --help' for more information.\n", cli->prog);
	exit(CCO_EXIT_USAGE);
}

struct config *cli_load_config(const struct cli *cli)
{
	struct config *c = config_load(cli->config_path);

	if (!c)
		die(CCO_EXIT_USAGE, "%s", err_msg());
	for (int i = 0; i < cli->nsets; i++) {
		if (config_set(c, cli->sets[i]) < 0) {
			config_free(c);
			die(CCO_EXIT_USAGE, "%s", err_msg());
		}
	}
	if (config_check(c) < 0) {
		config_free(c);
		die(CCO_EXIT_USAGE, "%s", err_msg());
	}
	return c;
}

void cli_lock_workspace(const struct config *c)
{
	const char *ws = config_str(c, "run.workspace");

	if (fs_mkdirs(ws, AFILE_PHI_DIR) < 0 || wslock_hold(ws) < 0)
		die(CCO_EXIT_FAIL, "%s", err_msg());
}

const struct cli_help cli_help_stage[] = {
	CLI_HELP_CONFIG, CLI_HELP_SET("KEY=VALUE", "override a configuration key"),
	CLI_HELP_QUIET, CLI_HELP_VERBOSE, CLI_HELP_HELP, { NULL, NULL }
};

char *cli_usage_text(const struct cli_program *p)
{
	char *text;
	size_t n;
	FILE *fp = open_memstream(&text, &n);

	if (!fp)
		xcheck(NULL, 1);
	fprintf(fp, "usage: %s\n\n%s\n", p->synopsis, p->about);
	for (const struct cli_help *h = p->help; h->flags; h++)
		fprintf(fp, "  %-*s%s\n", p->help_column - 2, h->flags, h->text);
	fprintf(fp, "\n%s", p->closing);
	if (fclose(fp) != 0)
		xcheck(NULL, 1);
	return text;
}

/* The common options and p's own, for getopt_long() (allocated). */
static struct option *all_options(const struct cli_program *p, char **shorts)
{
	static const struct option common[] = { CLI_LONG_OPTS };
	size_t nc = sizeof(common) / sizeof(common[0]), np = 0;
	struct option *v;

	while (p->long_opts && p->long_opts[np].name)
		np++;
	v = xcalloc(nc + np + 1, sizeof(*v));
	memcpy(v, common, sizeof(common));
	if (np)
		memcpy(v + nc, p->long_opts, np * sizeof(*v));
	*shorts = xasprintf(CLI_SHORT_OPTS "%s", p->short_opts ? p->short_opts : "");
	return v;
}

int cli_main(const struct cli_program *p, int argc, char **argv, void *state)
{
	struct cli cli;
	struct config *cfg = NULL;
	char *usage = cli_usage_text(p), *shorts;
	struct option *longs = all_options(p, &shorts);
	int opt, status;

	cli_init(&cli, p->name, usage);
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1)
		if (!cli_common(&cli, opt, optarg) && p->option)
			p->option(&cli, opt, optarg, state);
	free(longs);
	free(shorts);
	if (!p->operands && optind < argc)
		cli_usage_error(&cli, "unexpected argument '%s'", argv[optind]);
	if (p->check)
		p->check(&cli, argc - optind, argv + optind, state);
	if (p->config)
		cfg = cli_load_config(&cli);
	if (p->lock)
		cli_lock_workspace(cfg);
	status = p->run(&(struct cli_run){ &cli, cfg, argc - optind, argv + optind, state });
	config_free(cfg);
	free(cli.sets);
	free(usage);
	if (fclose(stdout) != 0 && status == CCO_EXIT_OK) {
		msg_error("write error on standard output");
		status = CCO_EXIT_FAIL;
	}
	return status;
}
