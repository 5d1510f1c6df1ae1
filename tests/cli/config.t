#!/bin/bash
# pipeline.ini: every key validated, errors name file and line.
. "$(dirname "$0")/../lib.sh"

mkdir -p cfg/layouts cfg/valuesets extracts
cat >cfg/good.ini <<'INI'
; a comment
[run]
measurement_year = 2025
as_of = 2026-03-31
workspace = ../ws

[paths]
extracts = ../extracts
layouts = layouts

[limits]
memory_mb = 64
INI

# bad_config NAME LINE...: a copy of good.ini with LINE appended
bad_config() {
	name=$1
	shift
	cp cfg/good.ini "cfg/$name.ini" &&
	printf '%s\n' "$@" >>"cfg/$name.ini"
}

test_expect_success 'a valid config loads, relative paths from its directory' '
	$TEST_TOOL config-get cfg/good.ini run.workspace >out &&
	echo cfg/../ws >expect && test_cmp expect out &&
	$TEST_TOOL config-get cfg/good.ini limits.memory_mb >out &&
	echo 64 >expect && test_cmp expect out
'

test_expect_success 'unset keys take their defaults' '
	$TEST_TOOL config-get cfg/good.ini output.compression_level >out &&
	echo 1 >expect && test_cmp expect out &&
	$TEST_TOOL config-get cfg/good.ini limits.reject_threshold >out &&
	echo 0.01 >expect && test_cmp expect out
'

test_expect_success 'unknown key names file and line' '
	bad_config k "colour = blue" &&
	test_must_fail $TEST_TOOL config-get cfg/k.ini all 2>err &&
	test_grep "cfg/k.ini:13: unknown key .colour. in \[limits\]" err
'

test_expect_success 'unknown section names file and line' '
	bad_config s "[extra]" "x = 1" &&
	test_must_fail $TEST_TOOL config-get cfg/s.ini all 2>err &&
	test_grep "cfg/s.ini:14: unknown section \[extra\]" err
'

test_expect_success 'out-of-range and malformed numbers are refused' '
	sed "s/memory_mb = 64/memory_mb = 4/" cfg/good.ini >cfg/r.ini &&
	test_must_fail $TEST_TOOL config-get cfg/r.ini all 2>err &&
	test_grep "r.ini:12: limits.memory_mb must be a whole number from 8 to 65536" err &&
	sed "s/memory_mb = 64/memory_mb = 64MB/" cfg/good.ini >cfg/m.ini &&
	test_must_fail $TEST_TOOL config-get cfg/m.ini all 2>err &&
	test_grep "m.ini:12:.*not .64MB." err
'

test_expect_success 'an impossible date is refused' '
	sed "s/as_of = 2026-03-31/as_of = 2026-02-30/" cfg/good.ini >cfg/d.ini &&
	test_must_fail $TEST_TOOL config-get cfg/d.ini all 2>err &&
	test_grep "d.ini:4: run.as_of must be a date" err
'

test_expect_success 'a missing directory is refused' '
	sed "s/^layouts = layouts/layouts = nowhere/" cfg/good.ini >cfg/p.ini &&
	test_must_fail $TEST_TOOL config-get cfg/p.ini all 2>err &&
	test_grep "p.ini:9: paths.layouts: no such directory .nowhere." err
'

test_expect_success 'a key set twice is refused' '
	bad_config dup "memory_mb = 32" &&
	test_must_fail $TEST_TOOL config-get cfg/dup.ini all 2>err &&
	test_grep "dup.ini:13: .limits.memory_mb. already set on line 12" err
'

test_expect_success 'a required key that is missing is refused' '
	grep -v measurement_year cfg/good.ini >cfg/req.ini &&
	test_must_fail $TEST_TOOL config-get cfg/req.ini all 2>err &&
	test_grep "required key .run.measurement_year. is not set" err
'

test_expect_success 'a syntax error names its line' '
	bad_config syn "this is not ini" &&
	test_must_fail $TEST_TOOL config-get cfg/syn.ini all 2>err &&
	test_grep "syn.ini:13: syntax error" err
'

test_expect_success '--set overrides a key and is validated' '
	$TEST_TOOL config-get cfg/good.ini limits.memory_mb limits.memory_mb=512 >out &&
	echo 512 >expect && test_cmp expect out &&
	test_must_fail $TEST_TOOL config-get cfg/good.ini all limits.nope=1 2>err &&
	test_grep "unknown key .limits.nope." err &&
	test_must_fail $TEST_TOOL config-get cfg/good.ini all run.as_of=tomorrow 2>err &&
	test_grep "run.as_of must be a date" err &&
	test_must_fail $TEST_TOOL config-get cfg/good.ini all noequals 2>err
'

test_expect_success 'a key with fixed choices takes only those' '
	$TEST_TOOL config-get cfg/good.ini attribute.plurality attribute.plurality=allowed >out &&
	echo allowed >expect && test_cmp expect out &&
	test_must_fail $TEST_TOOL config-get cfg/good.ini all attribute.plurality=allow 2>err &&
	test_grep "attribute.plurality must be one of visits|allowed, not .allow." err &&
	test_must_fail $TEST_TOOL config-get cfg/good.ini all attribute.plurality= 2>err
'

test_expect_success 'a missing config file is an error' '
	test_must_fail $TEST_TOOL config-get cfg/none.ini all 2>err &&
	test_grep "cannot open config .cfg/none.ini." err
'

test_done
