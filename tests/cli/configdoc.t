#!/bin/bash
# Every configuration key in libcco/config.c's table is documented in
# cco-config(5).
. "$(dirname "$0")/../lib.sh"

grep -o '{ "[a-z_]*\.[a-z_]*"' "$CCO_ROOT/libcco/config.c" | cut -d'"' -f2 >keys

test_expect_success 'the key table is read' '
	test $(wc -l <keys) -ge 10
'

while read -r key; do
	test_expect_success "$key is in cco-config(5)" "
		grep -q '^\.B $key\$' '$CCO_ROOT/doc/cco-config.5'
	"
done <keys

test_done
