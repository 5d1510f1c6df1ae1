#!/bin/bash
# Documentation is tested: every program's --help synopsis matches its
# manual page, --version works, and every manual page renders cleanly.
. "$(dirname "$0")/../lib.sh"

# The usage forms from --help: the lines before the first blank line,
# "usage: " stripped, whitespace collapsed.
help_synopsis() {
	"$1" --help | sed '/^$/q' | sed -e '/^$/d' -e 's/^usage: //' -e 's/^ *//' |
		tr -s ' \t' ' '
}

# The SYNOPSIS of a man page with roff removed: ".B prog" starts a form.
man_synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$1" | sed -e '1d' -e '$d' |
		sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/^\.B //' -e '/^\.br$/d' |
		awk '/^cco-/ && NR > 1 { print line; line = "" }
		     { line = line (line == "" ? "" : " ") $0 }
		     END { print line }' | tr -s ' \t' ' '
}

cd "$CCO_ROOT" || exit 1
for man in $(ls pipeline/cco-*.1 stages/*/cco-*.1 tools/*/cco-*.1 2>/dev/null); do
	prog=$(basename "$man" .1)
	test_expect_success "$prog --help matches the synopsis of $man" "
		help_synopsis $CCO_BIN/$prog >\"\$SCRATCH/help.$prog\" &&
		man_synopsis $man >\"\$SCRATCH/man.$prog\" &&
		test -s \"\$SCRATCH/help.$prog\" &&
		test_cmp \"\$SCRATCH/man.$prog\" \"\$SCRATCH/help.$prog\"
	"
	test_expect_success "$prog --version and documented exit status" "
		$CCO_BIN/$prog --version | grep -q '^$prog [0-9]' &&
		grep -q '^\.SH EXIT STATUS' $man &&
		test_must_fail --code 2 $CCO_BIN/$prog --no-such-option 2>/dev/null
	"
done

for man in $(ls pipeline/*.1 stages/*/*.1 tools/*/*.1 doc/*.5 2>/dev/null); do
	test_expect_success "$man renders without warnings" "
		man --warnings -E UTF-8 -l $man 2>\"\$SCRATCH/warn\" >/dev/null &&
		! test -s \"\$SCRATCH/warn\"
	"
done

test_done
