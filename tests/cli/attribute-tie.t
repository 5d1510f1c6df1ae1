#!/bin/bash
# cco-attribute: two partners' spans that start on the same day and both
# cover the month's last day go to the lower partner id (cco-attribute(1)),
# not to whichever partner the file named first (found while writing the
# DuckDB peer of make bench, which follows the manual).
. "$(dirname "$0")/../lib.sh"

test_config
mkdir -p ws/normalize
cp "$CCO_ROOT"/tests/fixtures/attribute/valuesets/* cfg/valuesets/
write() { $TEST_TOOL rec-write "$1" 1 "ws/normalize/$2.rec.zst"; }

test_expect_success 'set up: M1 names P2 first; M2 has P1 and P2 from the same day' '
	printf "cco\tM1\t1980-01-01\tF\t\t\t\t97201\t\t\t\t\t\t\t\t\ncco\tM2\t1980-01-01\tF\t\t\t\t97201\t\t\t\t\t\t\t\t\n" |
		write members members &&
	printf "M1\t2025-01-01\t2025-12-31\tP2\tOHP\nM2\t2025-01-01\t2025-12-31\tP1\tOHP\nM2\t2025-01-01\t2025-12-31\tP2\tOHP\n" |
		write enrollment_spans enrollment &&
	: | write providers providers &&
	: | write pcp_assignments pcp_assignments &&
	: | write claims claims
'

test_expect_success 'every month and the member go to P1, the lower id' '
	cco-attribute -q -c cfg/p.ini &&
	cco-cat -H ws/attribute/partner_months.rec.zst | awk -F "\t" "\$1 == \"M2\" { print \$3 }" | sort | uniq -c >out &&
	echo "     12 P1" >expect &&
	test_cmp expect out &&
	cco-cat -H ws/attribute/attribution.rec.zst | awk -F "\t" "\$1 == \"M2\" { print \$2 }" >out &&
	echo P1 >expect &&
	test_cmp expect out
'

test_done
