#include <string.h>

#include "codes.h"
#include "tap.h"

static void icd(const char *in, const char *want)
{
	char buf[CODE_MAX * 4];

	snprintf(buf, sizeof(buf), "%s", in);
	code_icd(buf);
	is_str(buf, want, "icd '%s'", in);
}

static void ndc(const char *in, const char *want)
{
	char buf[CODE_MAX];

	snprintf(buf, sizeof(buf), "%s", in);
	code_ndc11(buf);
	is_str(buf, want, "ndc '%s'", in);
}

static void split(const char *proc, const char *mods, const char *want_proc,
		  const char *want_mods)
{
	char p[CODE_MAX], m[CODE_MAX * 4];

	snprintf(p, sizeof(p), "%s", proc);
	snprintf(m, sizeof(m), "%s", mods);
	code_split_modifiers(p, m, sizeof(m));
	is_str(p, want_proc, "procedure of '%s' + '%s'", proc, mods);
	is_str(m, want_mods, "modifiers of '%s' + '%s'", proc, mods);
}

int main(void)
{
	char rev[CODE_MAX];

	icd("F32.9", "F329");
	icd("z00.00|e11.9", "Z0000|E119");
	icd("F329", "F329");
	icd("", "");
	ndc("0002-3227-30", "00002322730");
	ndc("12345-678-90", "12345067890");
	ndc("12345-6789-0", "12345678900");
	ndc("00002322730", "00002322730");
	ndc("0002322730", "0002322730");
	ndc("12-34", "12-34");
	ndc("123456-1-1", "123456-1-1");
	split("99213", "", "99213", "");
	split("99213-25", "", "99213", "25");
	split("99213 25", "59", "99213", "59|25");
	split("9921325", "", "99213", "25");
	split("g0438", "gt", "G0438", "GT");
	split("99213-25-59", "", "99213", "25|59");
	snprintf(rev, sizeof(rev), "450");
	code_revenue(rev);
	is_str(rev, "0450", "3-digit revenue code padded");
	snprintf(rev, sizeof(rev), "0450");
	code_revenue(rev);
	is_str(rev, "0450", "4-digit revenue code unchanged");
	return done_testing();
}
