#!/bin/bash
# The README's commands work: every line of its ```sh blocks is run from
# the repository root, except make targets that would re-enter this test
# suite or install into the system, which are checked with make -n.
# bin/ and build/ are read as the build under test (plain, asan, valgrind).
. "$(dirname "$0")/../lib.sh"

awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' "$CCO_ROOT/README.md" |
	sed -e 's/  *#.*$//' -e "s#^bin/#$CCO_BIN/#" -e "s# bin/# $CCO_BIN/#g" \
	    -e "s#^build/#$CCO_BUILD/#" | grep -v '^$' >commands

test_expect_success 'the README has commands to test' '
	test $(wc -l <commands) -ge 5 &&
	grep -q "^make check$" commands
'

n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	case "$cmd" in
	make\ *)
		test_expect_success "README command $n is a make target: $cmd" "
			(cd \"\$CCO_ROOT\" && $cmd -n >/dev/null)
		" ;;
	*)
		test_expect_success "README command $n runs: $cmd" "
			(cd \"\$CCO_ROOT\" && $cmd) >out 2>&1 || { cat out; false; }
		" ;;
	esac
done <commands

test_done
