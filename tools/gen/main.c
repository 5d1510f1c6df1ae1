/*
 * cco-gen: write a synthetic population's extract files (members,
 * enrollment, providers, PCP assignments, medical and pharmacy claims,
 * immunization registry, lab results) in the default extract layouts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "date.h"
#include "err.h"
#include "gen.h"
#include "msg.h"
#include "progress.h"
#include "valueset.h"
#include "xalloc.h"

static const struct cli_help help[] = {
	{ "    --members N", "number of members (1 to 100000000)" },
	{ "    --year YYYY", "the measurement year: the last year of service" },
	{ "    --history K", "prior years of claims before it (default 2)" },
	{ "    --seed S", "random seed (default 1); same arguments, same bytes" },
	{ "    --out DIR", "output directory, created mode 0700 if absent" },
	{ "    --bad-rows RATE", "damage this fraction (0 to 1) of member and claim\n"
					"                        rows and list them in bad_rows_manifest.csv" },
	{ "    --months", "monthly claim files by adjudication month\n"
					"                        (medical_claims_YYYYMM.csv, pharmacy_claims_YYYYMM.csv)" },
	{ "    --valuesets DIR", "value set directory (default: paths.valuesets of\n"
					"                        the config given with -c, else config/valuesets)" },
	{ "-c, --config FILE", "configuration file (read only when given)" },
	CLI_HELP_SET("KEY=VALUE", "override a configuration key (with -c)"),
	CLI_HELP_QUIET,
	CLI_HELP_VERBOSE,
	CLI_HELP_HELP,
	{ NULL, NULL }
};

#define SALT_MEMBER 0x6d656d626572ULL
#define SALT_DAMAGE 0x64616d616765ULL

static const char medical_header[] =
	"claim_id,line_number,member_id,claim_type,frequency_code,original_claim_id,"
	"claim_status,adjudication_date,service_from,service_to,admission_date,"
	"discharge_date,discharge_status,bill_type,place_of_service,revenue_code,"
	"procedure_code,modifier_1,modifier_2,modifier_3,modifier_4,diagnosis_1,"
	"diagnosis_2,diagnosis_3,diagnosis_4,diagnosis_5,diagnosis_6,diagnosis_7,"
	"diagnosis_8,diagnosis_9,diagnosis_10,diagnosis_11,diagnosis_12,"
	"icd_procedure_1,icd_procedure_2,icd_procedure_3,billing_npi,rendering_npi,"
	"allowed_amount,paid_amount";
static const char pharmacy_header[] =
	"claim_id,member_id,frequency_code,original_claim_id,claim_status,"
	"adjudication_date,fill_date,ndc,days_supply,quantity,prescriber_npi";

struct args {
	struct gen_opts o;
	const char *valuesets;
	int have_members, have_year, config_given;
};

static unsigned long long parse_num(const struct cli *cli, const char *opt,
				    const char *arg, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > max)
		cli_usage_error(cli, "%s needs a whole number up to %llu, not '%s'",
				opt, max, arg);
	return v;
}

static double parse_rate(const struct cli *cli, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0 && v <= 1))
		cli_usage_error(cli, "--bad-rows needs a fraction from 0 to 1, not '%s'", arg);
	return v;
}

enum { OPT_MEMBERS = CLI_OPT_PRIVATE, OPT_YEAR, OPT_HISTORY, OPT_SEED, OPT_OUT, OPT_BAD,
       OPT_MONTHS, OPT_VALUESETS };

static void gen_option(struct cli *cli, int opt, const char *arg, void *state)
{
	struct args *a = state;

	switch (opt) {
	case OPT_MEMBERS:
		a->o.members = parse_num(cli, "--members", arg, 100000000);
		a->have_members = 1;
		break;
	case OPT_YEAR:
		a->o.year = (int)parse_num(cli, "--year", arg, 2100);
		a->have_year = 1;
		break;
	case OPT_HISTORY: a->o.history = (int)parse_num(cli, "--history", arg, 10); break;
	case OPT_SEED: a->o.seed = parse_num(cli, "--seed", arg, ~0ULL); break;
	case OPT_OUT: a->o.out = arg; break;
	case OPT_BAD:
		a->o.bad_rate = parse_rate(cli, arg);
		a->o.bad_rows = 1;
		break;
	case OPT_MONTHS: a->o.months = 1; break;
	case OPT_VALUESETS: a->valuesets = arg; break;
	}
}

static void gen_check(struct cli *cli, int argc, char **argv, void *state)
{
	struct args *a = state;

	(void)argc, (void)argv;
	if (!a->have_members || a->o.members == 0)
		cli_usage_error(cli, "--members N (at least 1) is required");
	if (!a->have_year || a->o.year < 1900)
		cli_usage_error(cli, "--year YYYY (1900 to 2100) is required");
	if (!a->o.out || !*a->o.out)
		cli_usage_error(cli, "--out DIR is required");
	/* the configuration is read only when -c or --set is given */
	a->config_given = strcmp(cli->config_path, CCO_DEFAULT_CONFIG) != 0 || cli->nsets > 0;
}

/* The value set directory: --valuesets, else the config's, else the
 * default config's neighbour.  Returns an allocated path. */
static char *valueset_dir(const struct cli *cli, const struct args *a)
{
	struct config *c;
	char *dir;

	if (a->valuesets)
		return xstrdup(a->valuesets);
	if (!a->config_given)
		return xstrdup("config/valuesets");
	c = cli_load_config(cli);
	dir = xstrdup(config_str(c, "paths.valuesets"));
	config_free(c);
	return dir;
}

static struct out_file *files_open(struct gen *g, const char *prefix,
				   const char *header)
{
	int n = g->o.months ? g->nmonth : 1;
	struct out_file *f = xcalloc((size_t)n, sizeof(*f));

	for (int i = 0; i < n; i++) {
		char *name;
		int mi = g->month0 + i;

		if (g->o.months)
			name = xasprintf("%s_%04d%02d.csv", prefix, mi / 12, mi % 12 + 1);
		else
			name = xasprintf("%s.csv", prefix);
		if (out_open(&f[i], g->o.out, name, header) < 0)
			die(CCO_EXIT_FAIL, "%s", err_msg());
		free(name);
	}
	return f;
}

static void open_outputs(struct gen *g)
{
	if (fs_mkdirs(g->o.out, AFILE_PHI_DIR) < 0 || network_write(&g->net, g->o.out) < 0)
		die(CCO_EXIT_FAIL, "%s", err_msg());
	if (out_open(&g->members, g->o.out, "members.csv",
		     "member_id,birth_date,sex,race,ethnicity,language,zip,death_date,"
		     "first_name,last_name,phone,address,city,state,interpreter") < 0 ||
	    out_open(&g->enrollment, g->o.out, "enrollment.csv",
		     "member_id,partner_id,start_date,end_date,benefit_package") < 0 ||
	    out_open(&g->pcp, g->o.out, "pcp_assignments.csv",
		     "member_id,pcp_npi,clinic_id,start_date,end_date") < 0 ||
	    out_open(&g->imm, g->o.out, "immunizations.csv",
		     "member_id,immunization_date,cvx") < 0 ||
	    out_open(&g->labs, g->o.out, "lab_results.csv",
		     "member_id,result_date,loinc,value,unit") < 0 ||
	    out_open(&g->custody, g->o.out, "custody.csv",
		     "member_id,custody_start,custody_end") < 0 ||
	    (g->o.bad_rows && out_open(&g->dmg.man, g->o.out, "bad_rows_manifest.csv",
					 "file,line,damage,expected") < 0))
		die(CCO_EXIT_FAIL, "%s", err_msg());
	g->med = files_open(g, "medical_claims", medical_header);
	g->rx = files_open(g, "pharmacy_claims", pharmacy_header);
}

static int commit(struct out_file *f, int ok)
{
	if (!ok) {
		out_abort(f);
		return 0;
	}
	if (out_commit(f) < 0) {
		msg_error("%s", err_msg());
		return 0;
	}
	return 1;
}

static int close_outputs(struct gen *g)
{
	int ok = 1, n = g->o.months ? g->nmonth : 1;

	for (int i = 0; i < n; i++)
		ok = commit(&g->med[i], ok) && ok;
	for (int i = 0; i < n; i++)
		ok = commit(&g->rx[i], ok) && ok;
	ok = commit(&g->members, ok) && ok;
	ok = commit(&g->enrollment, ok) && ok;
	ok = commit(&g->pcp, ok) && ok;
	ok = commit(&g->imm, ok) && ok;
	ok = commit(&g->labs, ok) && ok;
	ok = commit(&g->custody, ok) && ok;
	if (g->o.bad_rows)
		ok = commit(&g->dmg.man, ok) && ok;
	free(g->med);
	free(g->rx);
	return ok;
}

static int month_index(int day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return y * 12 + m - 1;
}

struct out_file *gen_med_file(struct gen *g, int day)
{
	int i;

	if (!g->o.months)
		return g->med;
	i = month_index(day) - g->month0;
	return &g->med[i < 0 ? 0 : i >= g->nmonth ? g->nmonth - 1 : i];
}

struct out_file *gen_rx_file(struct gen *g, int day)
{
	int i;

	if (!g->o.months)
		return g->rx;
	i = month_index(day) - g->month0;
	return &g->rx[i < 0 ? 0 : i >= g->nmonth ? g->nmonth - 1 : i];
}

static void generate(struct gen *g)
{
	struct memberbuf b, custody_buf;
	struct member m;
	struct rng r;
	struct progress p;

	memberbuf_init(&b);
	memberbuf_init(&custody_buf);
	progress_start(&p, "members", 0);
	for (unsigned long long i = 0; i < g->o.members; i++) {
		struct care k = { g, &m, &r, &b };

		rng_seed(&r, g->o.seed, i, SALT_MEMBER);
		rng_seed(&g->dmg.r, g->o.seed, i, SALT_DAMAGE);
		g->cur_idx = i;
		member_make(g, i, &m, &r);
		member_write(g, &m, &r);
		care_children(&k);
		care_adults(&k);
		care_routine(&k);
		care_acute(&k);
		care_results(&k);
		claims_write(g, &m, &b, &r);
		custody_make(&k, &custody_buf);
		progress_update(&p, i + 1, 0);
	}
	progress_end(&p);
	memberbuf_free(&b);
	memberbuf_free(&custody_buf);
}

static void report(const struct gen *g)
{
	unsigned long long total = 0;

	msg_info("%llu members, %llu claims in %llu medical claim lines, %llu pharmacy claims",
		 g->o.members, g->nclaims, g->nmed, g->nrx);
	if (!g->o.bad_rows)
		return;
	for (int d = 1; d < D_N; d++) {
		total += g->dmg.count[d];
		msg_debug("damage %s: %llu", damage_name((enum damage)d), g->dmg.count[d]);
	}
	msg_info("%llu damaged rows listed in bad_rows_manifest.csv", total);
}

static int gen_run(const struct cli_run *in)
{
	struct cli *cli = in->cli;
	struct args *a = in->state;
	struct gen *g = xcalloc(1, sizeof(*g));
	struct codelist lib;
	struct valuesets *vs;
	char *vsdir = valueset_dir(cli, a);
	int ok;

	/* The pipeline's own reader must accept what the generator draws from. */
	if (!(vs = vs_load(vsdir))) {
		free(vsdir);
		free(g);
		die(CCO_EXIT_USAGE, "%s", err_msg());
	}
	g->vs = vs;
	if (codelist_load(&lib, vsdir) < 0 || codes_init(&g->c, &lib) < 0) {
		err_set("%s: %s", vsdir, err_msg());
		free(vsdir);
		vs_free(vs);
		free(g);
		die(CCO_EXIT_USAGE, "%s", err_msg());
	}
	free(vsdir);
	g->o = a->o;
	g->dmg.rate = a->o.bad_rate;
	g->win_start = date_from_ymd(a->o.year - a->o.history, 1, 1);
	g->win_end = date_from_ymd(a->o.year, 12, 31);
	g->adj_last = date_add_months(g->win_end, 6);
	g->month0 = (a->o.year - a->o.history) * 12;
	g->nmonth = (a->o.history + 1) * 12 + 6;
	network_build(&g->net, &g->c, a->o.seed, a->o.members);
	open_outputs(g);
	generate(g);
	ok = close_outputs(g);
	if (ok)
		report(g);
	network_free(&g->net);
	codes_free(&g->c);
	codelist_free(&lib);
	vs_free(g->vs);
	free(g);
	return ok ? CCO_EXIT_OK : CCO_EXIT_FAIL;
}

static const struct option longopts[] = {
	{ "members", required_argument, NULL, OPT_MEMBERS },
	{ "year", required_argument, NULL, OPT_YEAR },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "bad-rows", required_argument, NULL, OPT_BAD },
	{ "months", no_argument, NULL, OPT_MONTHS },
	{ "valuesets", required_argument, NULL, OPT_VALUESETS },
	{ NULL, 0, NULL, 0 }
};
static const struct cli_program prog = {
	.name = "cco-gen",
	.synopsis = "cco-gen [-q] [-v] [-c FILE] [--set KEY=VALUE] [--valuesets DIR] "
		    "--members N --year YYYY [--history K] [--seed S] [--bad-rows RATE] "
		    "[--months] --out DIR",
	.about = "Write a synthetic OHP-like population's extract files into DIR.\n",
	.help = help, .help_column = 24,
	.closing = "Exit status: 0 success, 1 write or run failure, 2 usage or "
		   "configuration error.\n",
	.long_opts = longopts, .option = gen_option, .check = gen_check, .run = gen_run,
};

int main(int argc, char **argv)
{
	struct args a = { .o = { .history = 2, .seed = 1 } };

	return cli_main(&prog, argc, argv, &a);
}
