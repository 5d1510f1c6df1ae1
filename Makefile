# cco-pipeline: one non-recursive Makefile.  `make help` lists the targets.
#
# A directory under pipeline/, stages/ or tools/ that holds a manual page
# cco-NAME.1 is a program: bin/cco-NAME is built from the .c files beside
# it and libcco.a, the internal library in libcco/.

CCO_VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
BIN ?= bin
CC ?= cc
CFLAGS ?= -O2 -g
PROVE ?= prove
PROVE_OPTS ?= -j2

PKGS := libzstd libpcre2-8 sqlite3 inih libxxhash xlsxwriter
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SAN_FLAGS) -pthread -D_DEFAULT_SOURCE \
	-D_FILE_OFFSET_BITS=64 -DCCO_VERSION='"$(CCO_VERSION)"' -Ilibcco \
	-include libcco/banned.h $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
	-MMD -MP
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS) -pthread

ifdef SAN
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
endif

LIB_SRC := $(wildcard libcco/*.c)
LIBCCO := $(BUILD)/libcco.a
PROG_MANS := $(sort $(wildcard pipeline/cco-*.1 stages/*/cco-*.1 tools/*/cco-*.1))
PROGRAMS := $(patsubst %.1,$(BIN)/%,$(notdir $(PROG_MANS)))
MAN5 := $(wildcard doc/*.5)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_TESTS := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))
SHELL_TESTS = $(sort $(wildcard tests/cli/*.t tests/e2e/*.t))
TOOL_BUILD ?= $(BUILD)
TEST_ENV = CCO_ROOT=$(CURDIR) CCO_BIN=$(abspath $(BIN)) CCO_BUILD=$(abspath $(BUILD)) \
	TEST_TOOL=$(abspath $(TOOL_BUILD))/tests/test-tool

.PHONY: all check asan tsan valgrind units deps install clean help bench bench-rec demo \
	fuzz fuzz-build
.DEFAULT_GOAL := all

all: $(PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCCO): $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

define PROGRAM_RULE
$(BIN)/$(basename $(notdir $(1))): $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(dir $(1))*.c)) $(LIBCCO)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(filter %.a,$$^) $$(LIBS)
endef
$(foreach m,$(PROG_MANS),$(eval $(call PROGRAM_RULE,$(m))))

$(BUILD)/tests/unit/test-%: $(BUILD)/tests/unit/test-%.o $(LIBCCO)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LIBS)

# Fuzz targets: tests/fuzz/TARGET.c each define LLVMFuzzerTestOneInput
# and link the stage objects they drive.  test-fuzz-replay (a unit test)
# runs every corpus file tests/fuzz/TARGET/* through them, each target's
# entry point renamed fuzz_TARGET; `make fuzz` builds them with clang and
# libFuzzer into build/fuzz/ and runs each for FUZZ_SECONDS.
FUZZ_TARGETS := ingest_csv rec_read ini_load mdef_load
FUZZ_STAGE_OBJS = $(addprefix $(BUILD)/stages/ingest/,validate.o memberset.o)
FUZZ_REPLAY := $(BUILD)/tests/fuzz/test-fuzz-replay
UNIT_TESTS += $(FUZZ_REPLAY)

$(BUILD)/tests/fuzz/fuzz_util.o: ALL_CFLAGS += -DFUZZ_ROOT='"$(CURDIR)"'
$(BUILD)/tests/fuzz/%.replay.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DLLVMFuzzerTestOneInput=fuzz_$* -c -o $@ $<
$(FUZZ_REPLAY): $(BUILD)/tests/fuzz/replay.o $(BUILD)/tests/fuzz/fuzz_util.o \
		$(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/%.replay.o) $(FUZZ_STAGE_OBJS) $(LIBCCO)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/fuzz-%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/fuzz_util.o \
		$(FUZZ_STAGE_OBJS) $(LIBCCO)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz-%)
.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/%.o)
fuzz:
	@$(MAKE) --no-print-directory CC=$(FUZZ_CC) BUILD=build/fuzz \
		SAN_FLAGS='$(FUZZ_SAN)' fuzz-build
	tests/fuzz/run-fuzzers build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

TEST_TOOL := $(BUILD)/tests/test-tool
$(TEST_TOOL): $(BUILD)/tests/helper/test-tool.o $(LIBCCO)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

units: $(UNIT_TESTS) $(TEST_TOOL)

deps:
	@tools/install-deps

# check re-enters make after deps, so pkg-config sees new packages.
check: deps
	@$(MAKE) --no-print-directory all units
	$(TEST_ENV) $(PROVE) $(PROVE_OPTS) $(UNIT_TESTS) $(SHELL_TESTS)

# Under a sanitizer the shell tests build their fixtures with the native
# test-tool (TOOL_BUILD): the programs and units are what is checked, and
# a sanitized helper's start-up, run hundreds of times, doubled measure.t.
asan: deps
	@$(MAKE) --no-print-directory $(TEST_TOOL)
	@$(MAKE) --no-print-directory SAN=1 BUILD=build/asan BIN=build/asan/bin \
		TOOL_BUILD=$(BUILD) check

# The suite with ThreadSanitizer: normalize and the readers run threads.
tsan: deps
	@$(MAKE) --no-print-directory $(TEST_TOOL)
	@$(MAKE) --no-print-directory SAN_FLAGS='-fsanitize=thread' \
		BUILD=build/tsan BIN=build/tsan/bin TOOL_BUILD=$(BUILD) check

# The suite with every program and unit test under valgrind.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
valgrind: deps
	@$(MAKE) --no-print-directory all units
	@rm -rf $(BUILD)/vg && mkdir -p $(BUILD)/vg
	@for p in $(PROGRAMS) $(UNIT_TESTS); do \
		printf '#!/bin/sh\nexec $(VALGRIND) %s "$$@"\n' "$(abspath .)/$$p" \
			> $(BUILD)/vg/$${p##*/}; chmod +x $(BUILD)/vg/$${p##*/}; done
	CCO_ROOT=$(CURDIR) CCO_BIN=$(abspath $(BUILD))/vg CCO_BUILD=$(abspath $(BUILD)) \
		$(PROVE) $(PROVE_OPTS) $(addprefix $(BUILD)/vg/,$(notdir $(UNIT_TESTS))) $(SHELL_TESTS)

# The whole pipeline on the bundled sample (config/pipeline.ini).
demo: deps
	@$(MAKE) --no-print-directory all
	$(BIN)/cco-pipeline run -c config/pipeline.ini
	@echo "reports: work/export/internal/report.html (the CCO's own, unsuppressed)"
	@echo "         work/export/partners/PARTNER/ (each partner's packet, with its gap list)"
	@echo "         work/export/public/ (suppressed; also at the top of work/export/)"
	@echo "         work/export/results.db; gap lists (PHI): work/export/gaps/"
	@echo "         clinic worklists (PHI): work/export/worklists/PARTNER/CLINIC.html"
	@echo "         care-coordination candidates (PHI): work/export/candidates/PARTNER/"

# Benchmarks report figures; they never fail on a timing.
BENCH_ROWS ?= 10000000
BENCH_MEMBERS ?= 200000
$(BUILD)/bench/rec-bench: $(BUILD)/bench/rec-bench.o $(LIBCCO)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

bench: all
	bench/run.sh --members $(BENCH_MEMBERS)

bench-rec: $(BUILD)/bench/rec-bench
	@mkdir -p $(BUILD)/bench/tmp
	/usr/bin/time -f 'peak RSS %M KB' $(BUILD)/bench/rec-bench $(BENCH_ROWS) 1 $(BUILD)/bench/tmp

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(PROG_MANS) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5

clean:
	rm -rf build bin

help:
	@echo 'make            build every program into $(BIN)/'
	@echo 'make demo       install missing packages, build, run the pipeline on the sample'
	@echo 'make check      install missing packages, build, run the test suite'
	@echo 'make asan       the test suite under AddressSanitizer and UBSan'
	@echo 'make tsan       the test suite under ThreadSanitizer'
	@echo 'make valgrind   the test suite under valgrind (leaks are errors)'
	@echo 'make fuzz       build the fuzz targets with clang, run each (FUZZ_SECONDS=60)'
	@echo 'make bench      every stage timed, the floor, a DuckDB peer (BENCH_MEMBERS=200000)'
	@echo 'make bench-rec  record-file throughput (BENCH_ROWS=10000000)'
	@echo 'make install    install programs and manual pages (PREFIX, DESTDIR)'
	@echo 'make deps       install missing Debian packages (as root)'
	@echo 'make clean      remove build outputs'

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
