#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codeidx.h"
#include "err.h"
#include "mdef.h"
#include "tap.h"
#include "valueset.h"
#include "xalloc.h"

/* The slots of a hand-made measure set: two value sets, a built-in event
 * list (no value set) and a set of ranges. */
static const char *const slot_names[] = { "dtap_vaccine", "mmr_vaccine", NULL, "hospice" };
#define NSLOTS 4

/* The slots holding code, as a string of slot digits ("" for none). */
static const char *slots(struct codeidx *x, const char *system, const char *code)
{
	static char out[NSLOTS + 1];
	const uint64_t *bits = codeidx_lookup(x, system, code);
	int n = 0;

	for (int i = 0; bits && i < NSLOTS; i++)
		if (bits[0] & (1ULL << i))
			out[n++] = (char)('0' + i);
	out[n] = '\0';
	return out;
}

/* Ask for every CPT code 90000-99999 in x; returns how many answers were
 * wrong (only 90700 and 90707 are in a set). */
static int sweep(struct codeidx *x)
{
	char code[8];
	int wrong = 0;

	for (int c = 90000; c <= 99999; c++) {
		const char *want = c == 90700 ? "0" : c == 90707 ? "1" : "";

		snprintf(code, sizeof(code), "%d", c);
		wrong += strcmp(slots(x, "CPT", code), want) != 0;
	}
	return wrong;
}

int main(void)
{
	const char *root = getenv("CCO_ROOT");
	char *dir = xasprintf("%s/tests/fixtures/measure/valuesets", root ? root : ".");
	struct valuesets *vs = vs_load(dir);
	const struct valueset *sets[NSLOTS];
	struct measure_set ms = { 0 };
	struct codeidx *x;
	char long_code[40];

	free(dir);
	if (!ok(vs != NULL, "fixture value sets load"))
		return done_testing();
	for (int i = 0; i < NSLOTS; i++)
		sets[i] = slot_names[i] ? vs_find(vs, slot_names[i]) : NULL;
	ms.vs = sets;
	ms.nvs = NSLOTS;

	x = codeidx_new(&ms, 1 << 16);
	is_str(slots(x, "CPT", "90700"), "0", "a code in one set");
	is_str(slots(x, "CVX", "20"), "0", "the same set, another system");
	is_str(slots(x, "HCPCS", "G9475"), "3", "a code inside a range");
	is_str(slots(x, "CPT", "99999"), "", "a code in no set");
	is_str(slots(x, "CPT", "90700"), "0", "asked again, the same answer");
	memset(long_code, '9', sizeof(long_code) - 1);
	long_code[sizeof(long_code) - 1] = '\0';
	is_str(slots(x, "CPT", long_code), "", "a code too long to keep is still answered");
	is_int(sweep(x), 0, "10,000 codes: the table grows and keeps every answer");
	is_int(sweep(x), 0, "and answers them again from the table");
	codeidx_free(x);

	x = codeidx_new(&ms, 100);
	is_int(sweep(x), 0, "bounded to 100 codes, it starts again and stays right");
	codeidx_free(x);
	vs_free(vs);
	return done_testing();
}
