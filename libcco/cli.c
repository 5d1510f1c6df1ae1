#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
		cli->sets = xrealloc(cli->sets, sizeof(char *) * (size_t)(cli->nsets + 1));
		cli->sets[cli->nsets++] = arg;
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
