/*
 * cco-cat: validate record files and print them as text.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "msg.h"
#include "num.h"
#include "rec.h"

static const struct cli_help help[] = {
	{ "-n, --count", "print the number of rows of each file" },
	{ "    --head N", "print the metadata, header and first N rows" },
	{ "-s, --schema", "print kind, schema version, sort order and columns" },
	{ "-H, --no-meta", "omit the metadata and trailer lines (plain TSV with header)" },
	CLI_HELP_QUIET,
	CLI_HELP_VERBOSE,
	CLI_HELP_HELP,
	{ NULL, NULL }
};

enum mode { PRINT, COUNT, HEAD, SCHEMA };

struct opts {
	enum mode mode;
	long head;
	int no_meta;
};

static void print_row(char *const *field, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			putchar('\t');
		fputs(field[i], stdout);
	}
	putchar('\n');
}

static void print_schema(const struct rec_reader *r, const char *path)
{
	const struct rec_schema *s = rec_schema_find(rec_reader_kind(r));

	printf("file\t%s\nkind\t%s\nschema\t%d%s\nsort\t%s\n", path,
	       rec_reader_kind(r), rec_reader_version(r),
	       !s ? " (unknown kind)" :
	       s->version != rec_reader_version(r) ? " (not the current version)" : "",
	       rec_reader_sort(r));
	for (int i = 0; i < rec_reader_ncols(r); i++)
		printf("column\t%d\t%s\n", i + 1, rec_reader_colname(r, i));
}

/* The trailer line of r, read to its end: the file ends as it began. */
static void print_trailer(const struct rec_reader *r)
{
	char line[REC_TRAILER_LEN];
	struct rec_sum sum;

	if (rec_reader_sum(r, &sum) == 0) {
		rec_format_trailer(sum.rows, sum.xxh3, line);
		fputs(line, stdout);
	}
}

/* Print or count one file.  Returns 0, or -1 with err_msg() set. */
static int cat_file(const char *path, const struct opts *o)
{
	struct rec_reader *r = rec_reader_open(path);
	struct rec_row row;
	unsigned long long rows = 0;
	int rc;

	if (!r)
		return -1;
	if (o->mode == SCHEMA) {
		print_schema(r, path);
		rec_reader_close(r);
		return 0;
	}
	if (o->mode != COUNT) {
		if (!o->no_meta)
			printf(REC_MAGIC "\tkind=%s\tschema=%d\tsort=%s\n",
			       rec_reader_kind(r), rec_reader_version(r),
			       rec_reader_sort(r));
		for (int i = 0; i < rec_reader_ncols(r); i++)
			printf(i ? "\t%s" : "%s", rec_reader_colname(r, i));
		putchar('\n');
	}
	while ((o->mode != HEAD || (long)rows < o->head) &&
	       (rc = rec_reader_next(r, &row)) > 0) {
		rows++;
		if (o->mode != COUNT)
			print_row(row.field, row.nfields);
	}
	if (o->mode == HEAD)
		rc = 0;
	if (rc == 0 && o->mode == COUNT)
		printf("%llu\n", rows);
	if (rc == 0 && o->mode == PRINT && !o->no_meta)
		print_trailer(r);
	rec_reader_close(r);
	return rc;
}

static long parse_count(const struct cli *cli, const char *arg)
{
	long long n;

	if (num_parse(arg, 0, LONG_MAX, &n) < 0)
		cli_usage_error(cli, "--head needs a whole number, not '%s'", arg);
	return (long)n;
}

enum { OPT_HEAD = CLI_OPT_PRIVATE };

static void cat_option(struct cli *cli, int opt, const char *arg, void *state)
{
	struct opts *o = state;

	switch (opt) {
	case 'n': o->mode = COUNT; break;
	case 's': o->mode = SCHEMA; break;
	case 'H': o->no_meta = 1; break;
	case OPT_HEAD: o->mode = HEAD; o->head = parse_count(cli, arg); break;
	}
}

static void cat_check(struct cli *cli, int argc, char **argv, void *state)
{
	(void)argv, (void)state;
	if (argc == 0)
		cli_usage_error(cli, "no input file");
}

static int cat_run(const struct cli_run *in)
{
	int status = CCO_EXIT_OK;

	for (int i = 0; i < in->argc; i++) {
		if (cat_file(in->argv[i], in->state) < 0) {
			fflush(stdout);
			msg_error("%s", err_msg());
			status = CCO_EXIT_FAIL;
		}
	}
	return status;
}

static const struct option longopts[] = {
	{ "count", no_argument, NULL, 'n' },
	{ "head", required_argument, NULL, OPT_HEAD },
	{ "schema", no_argument, NULL, 's' },
	{ "no-meta", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 }
};
static const struct cli_program prog = {
	.name = "cco-cat",
	.synopsis = "cco-cat [-q] [-v] [--count | --head N | --schema] [--no-meta] FILE...",
	.about = "Validate record files (zstd or plain) and print them as text.\n",
	.help = help, .help_column = 19,
	.closing = "Exit status: 0 success, 1 damaged or unreadable file, 2 usage error.\n",
	.short_opts = "nsH", .long_opts = longopts, .option = cat_option,
	.operands = 1, .check = cat_check, .run = cat_run,
};

int main(int argc, char **argv)
{
	struct opts o = { PRINT, 0, 0 };

	return cli_main(&prog, argc, argv, &o);
}
