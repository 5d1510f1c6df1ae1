#include <stdio.h>
#include <string.h>

#include "rowbatch.h"
#include "tap.h"

/* Many rows, so the text moves while they are added: sealed pointers must
 * still find every field. */
static void test_growth(void)
{
	struct rowbatch b;
	char line[64];
	int bad = 0;

	rowbatch_init(&b, 3);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(line, sizeof(line), "M%05d\t%d\tx%d", i, i * 7, i % 13);

		bad += rowbatch_add(&b, line, (size_t)n) != 3;
	}
	rowbatch_seal(&b);
	is_int(bad, 0, "every row has three fields");
	is_int((int)b.nrows, 20000, "20000 rows");
	for (int i = 0; i < 20000; i++) {
		char want[16];

		snprintf(want, sizeof(want), "%d", i * 7);
		bad += strcmp(rowbatch_fields(&b, (size_t)i)[1], want) != 0 ||
		       rowbatch_lens(&b, (size_t)i)[1] != strlen(want);
	}
	is_int(bad, 0, "and each field is where it was, with its length");
	rowbatch_reset(&b);
	is_int((int)b.nrows, 0, "reset empties it");
	rowbatch_free(&b);
}

static void test_odd_rows(void)
{
	struct rowbatch b;

	rowbatch_init(&b, 3);
	is_int(rowbatch_add(&b, "a\tb", 3), 2, "a short row says how many it had");
	is_int(rowbatch_add(&b, "1\t2\t3\t4", 7), 4, "and so does a long one");
	is_int(rowbatch_add(&b, "", 0), 1, "an empty line is one empty field");
	rowbatch_seal(&b);
	is_str(rowbatch_fields(&b, 0)[2], "", "the missing field is empty");
	is_int((int)rowbatch_lens(&b, 0)[2], 0, "of length 0");
	is_str(rowbatch_fields(&b, 1)[2], "3", "fields past nf are dropped");
	is_int((int)rowbatch_lens(&b, 1)[2], 1, "the last kept one ends at its tab");
	is_str(rowbatch_fields(&b, 2)[0], "", "an empty row's first field");
	rowbatch_free(&b);
}

int main(void)
{
	test_growth();
	test_odd_rows();
	return done_testing();
}
